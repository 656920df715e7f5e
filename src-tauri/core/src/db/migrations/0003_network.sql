-- 3: the network: actor profile and tags, contacts, team members, links, meetings.
ALTER TABLE actor ADD COLUMN needs TEXT NOT NULL DEFAULT '';
ALTER TABLE actor ADD COLUMN contributions TEXT NOT NULL DEFAULT '';
ALTER TABLE actor ADD COLUMN influence INTEGER CHECK (influence IS NULL OR influence BETWEEN 1 AND 5);
ALTER TABLE actor ADD COLUMN interest INTEGER CHECK (interest IS NULL OR interest BETWEEN 1 AND 5);

CREATE TABLE actor_tag (
    actor_id INTEGER NOT NULL REFERENCES actor(id) ON DELETE CASCADE,
    tag      TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 60),
    PRIMARY KEY (actor_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX actor_tag_tag ON actor_tag(tag);

CREATE TABLE contact (
    id         INTEGER PRIMARY KEY,
    actor_id   INTEGER NOT NULL REFERENCES actor(id) ON DELETE CASCADE,
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role       TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    notes      TEXT NOT NULL DEFAULT '',
    position   INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX contact_actor ON contact(actor_id);

CREATE TABLE member (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role       TEXT NOT NULL DEFAULT '',
    structure  TEXT NOT NULL DEFAULT '',
    is_user    INTEGER NOT NULL DEFAULT 0 CHECK (is_user IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX member_single_user ON member(is_user) WHERE is_user = 1;

CREATE TABLE meeting (
    id            INTEGER PRIMARY KEY,
    date          TEXT NOT NULL CHECK (date(date) = date),
    kind          TEXT NOT NULL CHECK (kind IN ('meeting','workshop','steering_committee','visit','event')),
    title         TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    practice      TEXT CHECK (practice IS NULL OR practice IN ('dialogue','experimentation','support','place')),
    activity      INTEGER CHECK (activity IS NULL OR (practice IS NOT NULL AND activity BETWEEN 1 AND 4)),
    notes         TEXT NOT NULL DEFAULT '',
    minutes_spent INTEGER NOT NULL DEFAULT 0 CHECK (minutes_spent BETWEEN 0 AND 100000),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX meeting_date ON meeting(date);

CREATE TABLE meeting_actor (
    meeting_id INTEGER NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    actor_id   INTEGER NOT NULL REFERENCES actor(id) ON DELETE CASCADE,
    PRIMARY KEY (meeting_id, actor_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX meeting_actor_actor ON meeting_actor(actor_id);

CREATE TABLE meeting_member (
    meeting_id INTEGER NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    PRIMARY KEY (meeting_id, member_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX meeting_member_member ON meeting_member(member_id);

CREATE TABLE follow_up (
    id         INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    text       TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
    due_date   TEXT CHECK (due_date IS NULL OR date(due_date) = due_date),
    done       INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    position   INTEGER NOT NULL
) STRICT;
CREATE INDEX follow_up_meeting ON follow_up(meeting_id);

CREATE TABLE link (
    id                   INTEGER PRIMARY KEY,
    actor_a              INTEGER NOT NULL REFERENCES actor(id) ON DELETE CASCADE,
    actor_b              INTEGER NOT NULL REFERENCES actor(id) ON DELETE CASCADE,
    nature               TEXT NOT NULL CHECK (nature IN ('partnership','funding','dialogue','service','membership','conflict')),
    strength             INTEGER NOT NULL CHECK (strength BETWEEN 1 AND 3),
    since                TEXT CHECK (since IS NULL OR date(since) = since),
    notes                TEXT NOT NULL DEFAULT '',
    introduced_by_actor  INTEGER REFERENCES actor(id) ON DELETE SET NULL,
    introduced_by_member INTEGER REFERENCES member(id) ON DELETE SET NULL,
    meeting_id           INTEGER REFERENCES meeting(id) ON DELETE SET NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    CHECK (actor_a <> actor_b),
    CHECK (introduced_by_actor IS NULL OR introduced_by_member IS NULL)
) STRICT;
CREATE INDEX link_a ON link(actor_a);
CREATE INDEX link_b ON link(actor_b);
CREATE UNIQUE INDEX link_pair_nature ON link(min(actor_a, actor_b), max(actor_a, actor_b), nature);
