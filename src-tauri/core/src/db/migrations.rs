//! Schema migrations, append-only.
//!
//! Entry `i` of [`MIGRATIONS`] brings a workspace from schema version `i` to `i + 1`; the version
//! is SQLite's `user_version`. A released entry is never edited: change the schema by appending a
//! new one. PRAGMAs that configure the connection stay out of migrations.

/// The SQL of each migration, in order.
pub const MIGRATIONS: &[&str] = &[
    // 1: the territory, its project header and its actors.
    r#"
CREATE TABLE territory (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind        TEXT NOT NULL CHECK (kind IN ('petr','epci','municipality','pays','regional_park','department','region')),
    description TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE project (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    territory_id  INTEGER NOT NULL REFERENCES territory(id),
    title         TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    vision        TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('drafting','adopted','revising')),
    period_start  TEXT CHECK (period_start IS NULL OR date(period_start) = period_start),
    period_end    TEXT CHECK (period_end IS NULL OR date(period_end) = period_end),
    adoption_date TEXT CHECK (adoption_date IS NULL OR date(adoption_date) = adoption_date),
    CHECK (period_start IS NULL OR period_end IS NULL OR period_end >= period_start)
) STRICT;

CREATE TABLE actor (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    world       TEXT NOT NULL CHECK (world IN ('local_authority','state','business','association','citizen','research','funder','network')),
    commune     TEXT NOT NULL DEFAULT '',
    engagement  TEXT NOT NULL CHECK (engagement IN ('informed','consulted','involved','partner','lead')),
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX actor_world ON actor(world);
"#,
    // 2: the structure of the project: needs, axes, actions, partners, funding, indicators.
    r#"
CREATE TABLE need (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description TEXT NOT NULL DEFAULT '',
    priority    TEXT NOT NULL CHECK (priority IN ('high','medium','low')),
    position    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE axis (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE axis_need (
    axis_id INTEGER NOT NULL REFERENCES axis(id) ON DELETE CASCADE,
    need_id INTEGER NOT NULL REFERENCES need(id) ON DELETE CASCADE,
    PRIMARY KEY (axis_id, need_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX axis_need_need ON axis_need(need_id);

CREATE TABLE action (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description   TEXT NOT NULL DEFAULT '',
    axis_id       INTEGER REFERENCES axis(id) ON DELETE SET NULL,
    status        TEXT NOT NULL CHECK (status IN ('idea','preparing','ongoing','done','abandoned')),
    start_date    TEXT CHECK (start_date IS NULL OR date(start_date) = start_date),
    end_date      TEXT CHECK (end_date IS NULL OR date(end_date) = end_date),
    budget_cents  INTEGER CHECK (budget_cents IS NULL OR budget_cents >= 0),
    lead_actor_id INTEGER REFERENCES actor(id) ON DELETE SET NULL,
    practice      TEXT CHECK (practice IS NULL OR practice IN ('dialogue','experimentation','support','place')),
    activity      INTEGER CHECK (activity IS NULL OR (practice IS NOT NULL AND activity BETWEEN 1 AND 4)),
    engineering   TEXT CHECK (engineering IS NULL OR engineering IN ('public_management','cross_cutting_project','catalysis')),
    position      INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK (start_date IS NULL OR end_date IS NULL OR end_date >= start_date)
) STRICT;
CREATE INDEX action_axis ON action(axis_id);
CREATE INDEX action_lead ON action(lead_actor_id);

CREATE TABLE action_need (
    action_id INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    need_id   INTEGER NOT NULL REFERENCES need(id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, need_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX action_need_need ON action_need(need_id);

CREATE TABLE action_partner (
    action_id INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    actor_id  INTEGER NOT NULL REFERENCES actor(id) ON DELETE CASCADE,
    role      TEXT NOT NULL DEFAULT '',
    position  INTEGER NOT NULL,
    PRIMARY KEY (action_id, actor_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX action_partner_actor ON action_partner(actor_id);

CREATE TABLE funding (
    id           INTEGER PRIMARY KEY,
    action_id    INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    funder_id    INTEGER REFERENCES actor(id) ON DELETE SET NULL,
    scheme       TEXT NOT NULL DEFAULT '',
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
    status       TEXT NOT NULL CHECK (status IN ('considered','requested','granted','refused')),
    requested_on TEXT CHECK (requested_on IS NULL OR date(requested_on) = requested_on),
    decision_on  TEXT CHECK (decision_on IS NULL OR date(decision_on) = decision_on),
    notes        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX funding_action ON funding(action_id);
CREATE INDEX funding_funder ON funding(funder_id);

CREATE TABLE indicator (
    id          INTEGER PRIMARY KEY,
    action_id   INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    unit        TEXT NOT NULL DEFAULT '',
    target      REAL,
    current     REAL,
    measured_on TEXT CHECK (measured_on IS NULL OR date(measured_on) = measured_on),
    position    INTEGER NOT NULL
) STRICT;
CREATE INDEX indicator_action ON indicator(action_id);
"#,
    // 3: the network: actor profile and tags, contacts, team members, links, meetings.
    r#"
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
"#,
    // 4: full-text search over actors, contacts, meetings and actions (accent-insensitive).
    // The index row id encodes the record: id * 8 + kind (1 actor, 2 contact, 3 meeting,
    // 4 action), so triggers update it by row id.
    r#"
CREATE VIRTUAL TABLE search_index USING fts5(
    title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);

INSERT INTO search_index(rowid, title, body)
    SELECT id * 8 + 1, name, commune || ' ' || notes || ' ' || needs || ' ' || contributions FROM actor;
INSERT INTO search_index(rowid, title, body)
    SELECT id * 8 + 2, name, role || ' ' || email || ' ' || notes FROM contact;
INSERT INTO search_index(rowid, title, body)
    SELECT id * 8 + 3, title, notes FROM meeting;
INSERT INTO search_index(rowid, title, body)
    SELECT id * 8 + 4, title, description FROM action;

CREATE TRIGGER actor_search_ai AFTER INSERT ON actor BEGIN
    INSERT INTO search_index(rowid, title, body)
    VALUES (new.id * 8 + 1, new.name, new.commune || ' ' || new.notes || ' ' || new.needs || ' ' || new.contributions);
END;
CREATE TRIGGER actor_search_au AFTER UPDATE ON actor BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
    INSERT INTO search_index(rowid, title, body)
    VALUES (new.id * 8 + 1, new.name, new.commune || ' ' || new.notes || ' ' || new.needs || ' ' || new.contributions);
END;
CREATE TRIGGER actor_search_ad AFTER DELETE ON actor BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
END;

CREATE TRIGGER contact_search_ai AFTER INSERT ON contact BEGIN
    INSERT INTO search_index(rowid, title, body) VALUES (new.id * 8 + 2, new.name, new.role || ' ' || new.email || ' ' || new.notes);
END;
CREATE TRIGGER contact_search_au AFTER UPDATE ON contact BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
    INSERT INTO search_index(rowid, title, body) VALUES (new.id * 8 + 2, new.name, new.role || ' ' || new.email || ' ' || new.notes);
END;
CREATE TRIGGER contact_search_ad AFTER DELETE ON contact BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
END;

CREATE TRIGGER meeting_search_ai AFTER INSERT ON meeting BEGIN
    INSERT INTO search_index(rowid, title, body) VALUES (new.id * 8 + 3, new.title, new.notes);
END;
CREATE TRIGGER meeting_search_au AFTER UPDATE ON meeting BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
    INSERT INTO search_index(rowid, title, body) VALUES (new.id * 8 + 3, new.title, new.notes);
END;
CREATE TRIGGER meeting_search_ad AFTER DELETE ON meeting BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
END;

CREATE TRIGGER action_search_ai AFTER INSERT ON action BEGIN
    INSERT INTO search_index(rowid, title, body) VALUES (new.id * 8 + 4, new.title, new.description);
END;
CREATE TRIGGER action_search_au AFTER UPDATE ON action BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
    INSERT INTO search_index(rowid, title, body) VALUES (new.id * 8 + 4, new.title, new.description);
END;
CREATE TRIGGER action_search_ad AFTER DELETE ON action BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
END;
"#,
    // 5: the competence grid: self-assessments (dated, draft or finished, with the grid version
    // they were made with), one rating per competence with its evidence (a snapshot of the
    // record's label, so that history reads the same after the record is gone), a development
    // plan per member; and the team member in charge of each action.
    r#"
ALTER TABLE action ADD COLUMN referent_member_id INTEGER REFERENCES member(id) ON DELETE SET NULL;
CREATE INDEX action_referent ON action(referent_member_id);

CREATE TABLE self_assessment (
    id           INTEGER PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    assessed_on  TEXT NOT NULL CHECK (date(assessed_on) = assessed_on),
    status       TEXT NOT NULL CHECK (status IN ('draft', 'finished')),
    grid_version INTEGER NOT NULL CHECK (grid_version >= 1),
    notes        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    finished_at  TEXT,
    CHECK ((status = 'finished') = (finished_at IS NOT NULL))
) STRICT;
CREATE INDEX self_assessment_member ON self_assessment(member_id, assessed_on);

CREATE TABLE competence_rating (
    assessment_id INTEGER NOT NULL REFERENCES self_assessment(id) ON DELETE CASCADE,
    competence    INTEGER NOT NULL CHECK (competence BETWEEN 1 AND 8),
    level         INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
    target        INTEGER CHECK (target IS NULL OR target BETWEEN 0 AND 4),
    evidence_note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assessment_id, competence)
) STRICT, WITHOUT ROWID;

CREATE TABLE competence_evidence (
    assessment_id INTEGER NOT NULL,
    competence    INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('action', 'meeting', 'funding', 'link', 'decision_note')),
    record_id     INTEGER NOT NULL,
    label         TEXT NOT NULL,
    position      INTEGER NOT NULL,
    PRIMARY KEY (assessment_id, competence, kind, record_id),
    FOREIGN KEY (assessment_id, competence)
        REFERENCES competence_rating(assessment_id, competence) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE development_plan (
    member_id   INTEGER PRIMARY KEY REFERENCES member(id) ON DELETE CASCADE,
    plan        TEXT NOT NULL DEFAULT '',
    reassess_on TEXT CHECK (reassess_on IS NULL OR date(reassess_on) = reassess_on),
    updated_at  TEXT NOT NULL
) STRICT;
"#,
    // 6: decision notes: a header, the records they are about, nine sections (the user's text
    // and the generated text it was last refreshed from), structured options, and a version
    // per save (a JSON snapshot; the one made on validation is frozen).
    r#"
CREATE TABLE decision_note (
    id           INTEGER PRIMARY KEY,
    subject      TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    body_name    TEXT NOT NULL DEFAULT '',
    addressee    TEXT NOT NULL CHECK (addressee IN ('bureau', 'comite_syndical', 'president', 'conference_maires', 'other')),
    meeting_date TEXT CHECK (meeting_date IS NULL OR date(meeting_date) = meeting_date),
    author       TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('draft', 'reviewed', 'validated', 'presented')),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE TABLE note_record (
    note_id   INTEGER NOT NULL REFERENCES decision_note(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('action', 'need', 'actor')),
    record_id INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (note_id, kind, record_id)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER note_record_action_ad AFTER DELETE ON action BEGIN
    DELETE FROM note_record WHERE kind = 'action' AND record_id = old.id;
END;
CREATE TRIGGER note_record_need_ad AFTER DELETE ON need BEGIN
    DELETE FROM note_record WHERE kind = 'need' AND record_id = old.id;
END;
CREATE TRIGGER note_record_actor_ad AFTER DELETE ON actor BEGIN
    DELETE FROM note_record WHERE kind = 'actor' AND record_id = old.id;
END;

CREATE TABLE note_section (
    note_id   INTEGER NOT NULL REFERENCES decision_note(id) ON DELETE CASCADE,
    key       TEXT NOT NULL CHECK (key IN ('objet', 'contexte', 'enjeux', 'acteurs', 'options', 'financement', 'calendrier', 'avis', 'annexes')),
    content   TEXT NOT NULL DEFAULT '',
    generated TEXT,
    PRIMARY KEY (note_id, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE note_option (
    id          INTEGER PRIMARY KEY,
    note_id     INTEGER NOT NULL REFERENCES decision_note(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description TEXT NOT NULL DEFAULT '',
    pros        TEXT NOT NULL DEFAULT '',
    cons        TEXT NOT NULL DEFAULT '',
    cost_cents  INTEGER CHECK (cost_cents IS NULL OR cost_cents >= 0),
    risks       TEXT NOT NULL DEFAULT '',
    recommended INTEGER NOT NULL DEFAULT 0 CHECK (recommended IN (0, 1))
) STRICT;

CREATE TABLE note_version (
    id       INTEGER PRIMARY KEY,
    note_id  INTEGER NOT NULL REFERENCES decision_note(id) ON DELETE CASCADE,
    number   INTEGER NOT NULL CHECK (number >= 1),
    saved_at TEXT NOT NULL,
    status   TEXT NOT NULL,
    frozen   INTEGER NOT NULL DEFAULT 0 CHECK (frozen IN (0, 1)),
    snapshot TEXT NOT NULL CHECK (json_valid(snapshot)),
    UNIQUE (note_id, number)
) STRICT;

-- The logo printed in the header of exported notes (one per workspace), normalised to PNG.
CREATE TABLE letterhead_logo (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    file_name  TEXT NOT NULL,
    png        BLOB NOT NULL CHECK (length(png) BETWEEN 8 AND 4000000),
    width      INTEGER NOT NULL CHECK (width > 0),
    height     INTEGER NOT NULL CHECK (height > 0),
    updated_at TEXT NOT NULL
) STRICT;
"#,
    // 7: list keys, derived from the records by triggers (never edited, never exported): the
    // actors' and meetings' texts folded the project's way (`catalyse_fold`: case, accents,
    // ligatures), so that lists are filtered and sorted in SQL with an index, accent- and
    // case-insensitively, however many records there are; names sort in natural order
    // (`catalyse_sort_key`: « Acteur 2 » before « Acteur 10 »).
    r#"
CREATE TABLE actor_key (
    actor_id   INTEGER PRIMARY KEY,
    sort       TEXT NOT NULL,
    name       TEXT NOT NULL,
    commune    TEXT NOT NULL,
    world      TEXT NOT NULL,
    engagement TEXT NOT NULL
) STRICT;
INSERT INTO actor_key (actor_id, sort, name, commune, world, engagement)
    SELECT id, catalyse_sort_key(name), catalyse_fold(name), catalyse_fold(commune), world, engagement FROM actor;
CREATE INDEX actor_key_by_name ON actor_key(sort, actor_id, name, commune, world, engagement);
CREATE INDEX actor_key_by_commune ON actor_key(commune, sort, actor_id);

CREATE TRIGGER actor_key_ai AFTER INSERT ON actor BEGIN
    INSERT INTO actor_key (actor_id, sort, name, commune, world, engagement)
    VALUES (new.id, catalyse_sort_key(new.name), catalyse_fold(new.name), catalyse_fold(new.commune), new.world, new.engagement);
END;
CREATE TRIGGER actor_key_au AFTER UPDATE OF id, name, commune, world, engagement ON actor BEGIN
    DELETE FROM actor_key WHERE actor_id = old.id;
    INSERT INTO actor_key (actor_id, sort, name, commune, world, engagement)
    VALUES (new.id, catalyse_sort_key(new.name), catalyse_fold(new.name), catalyse_fold(new.commune), new.world, new.engagement);
END;
CREATE TRIGGER actor_key_ad AFTER DELETE ON actor BEGIN
    DELETE FROM actor_key WHERE actor_id = old.id;
END;

CREATE TABLE meeting_key (
    meeting_id INTEGER PRIMARY KEY,
    date       TEXT NOT NULL,
    title      TEXT NOT NULL
) STRICT;
INSERT INTO meeting_key (meeting_id, date, title)
    SELECT id, date, catalyse_fold(title) FROM meeting;
CREATE INDEX meeting_key_by_date ON meeting_key(date, meeting_id, title);

CREATE TRIGGER meeting_key_ai AFTER INSERT ON meeting BEGIN
    INSERT INTO meeting_key (meeting_id, date, title) VALUES (new.id, new.date, catalyse_fold(new.title));
END;
CREATE TRIGGER meeting_key_au AFTER UPDATE OF id, date, title ON meeting BEGIN
    DELETE FROM meeting_key WHERE meeting_id = old.id;
    INSERT INTO meeting_key (meeting_id, date, title) VALUES (new.id, new.date, catalyse_fold(new.title));
END;
CREATE TRIGGER meeting_key_ad AFTER DELETE ON meeting BEGIN
    DELETE FROM meeting_key WHERE meeting_id = old.id;
END;

-- The titles of everything the search box finds, folded and in order, so that the titles
-- starting with what was typed come first, alphabetically, from an index (the full-text index
-- then finds words anywhere). Kinds as in the search index: 1 actor, 2 contact, 3 meeting,
-- 4 action.
CREATE TABLE search_key (
    kind  INTEGER NOT NULL,
    id    INTEGER NOT NULL,
    title TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT, WITHOUT ROWID;
INSERT INTO search_key (kind, id, title) SELECT 1, id, catalyse_fold(name) FROM actor;
INSERT INTO search_key (kind, id, title) SELECT 2, id, catalyse_fold(name) FROM contact;
INSERT INTO search_key (kind, id, title) SELECT 3, id, catalyse_fold(title) FROM meeting;
INSERT INTO search_key (kind, id, title) SELECT 4, id, catalyse_fold(title) FROM action;
CREATE INDEX search_key_by_title ON search_key(title, kind, id);

CREATE TRIGGER search_key_actor_ai AFTER INSERT ON actor BEGIN
    INSERT INTO search_key (kind, id, title) VALUES (1, new.id, catalyse_fold(new.name));
END;
CREATE TRIGGER search_key_actor_au AFTER UPDATE OF id, name ON actor BEGIN
    DELETE FROM search_key WHERE kind = 1 AND id = old.id;
    INSERT INTO search_key (kind, id, title) VALUES (1, new.id, catalyse_fold(new.name));
END;
CREATE TRIGGER search_key_actor_ad AFTER DELETE ON actor BEGIN
    DELETE FROM search_key WHERE kind = 1 AND id = old.id;
END;
CREATE TRIGGER search_key_contact_ai AFTER INSERT ON contact BEGIN
    INSERT INTO search_key (kind, id, title) VALUES (2, new.id, catalyse_fold(new.name));
END;
CREATE TRIGGER search_key_contact_au AFTER UPDATE OF id, name ON contact BEGIN
    DELETE FROM search_key WHERE kind = 2 AND id = old.id;
    INSERT INTO search_key (kind, id, title) VALUES (2, new.id, catalyse_fold(new.name));
END;
CREATE TRIGGER search_key_contact_ad AFTER DELETE ON contact BEGIN
    DELETE FROM search_key WHERE kind = 2 AND id = old.id;
END;
CREATE TRIGGER search_key_meeting_ai AFTER INSERT ON meeting BEGIN
    INSERT INTO search_key (kind, id, title) VALUES (3, new.id, catalyse_fold(new.title));
END;
CREATE TRIGGER search_key_meeting_au AFTER UPDATE OF id, title ON meeting BEGIN
    DELETE FROM search_key WHERE kind = 3 AND id = old.id;
    INSERT INTO search_key (kind, id, title) VALUES (3, new.id, catalyse_fold(new.title));
END;
CREATE TRIGGER search_key_meeting_ad AFTER DELETE ON meeting BEGIN
    DELETE FROM search_key WHERE kind = 3 AND id = old.id;
END;
CREATE TRIGGER search_key_action_ai AFTER INSERT ON action BEGIN
    INSERT INTO search_key (kind, id, title) VALUES (4, new.id, catalyse_fold(new.title));
END;
CREATE TRIGGER search_key_action_au AFTER UPDATE OF id, title ON action BEGIN
    DELETE FROM search_key WHERE kind = 4 AND id = old.id;
    INSERT INTO search_key (kind, id, title) VALUES (4, new.id, catalyse_fold(new.title));
END;
CREATE TRIGGER search_key_action_ad AFTER DELETE ON action BEGIN
    DELETE FROM search_key WHERE kind = 4 AND id = old.id;
END;

-- The last network analysis, kept so that the analysis screen opens at once: every actor's
-- figures, and a summary with the fingerprint of the actors and links it was computed from
-- (a different fingerprint: the figures are out of date and computed again).
CREATE TABLE network_figures (
    actor_id       INTEGER PRIMARY KEY,
    degree         INTEGER NOT NULL,
    betweenness    REAL NOT NULL,
    mondes_bridged INTEGER NOT NULL,
    component      INTEGER NOT NULL
) STRICT;
CREATE INDEX network_figures_by_betweenness ON network_figures(betweenness DESC, degree DESC, actor_id);
CREATE INDEX network_figures_isolated ON network_figures(degree, actor_id);
CREATE TABLE network_summary (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    computed_at  TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    actors       INTEGER NOT NULL,
    links        INTEGER NOT NULL,
    components   INTEGER NOT NULL,
    largest      INTEGER NOT NULL,
    isolated     INTEGER NOT NULL,
    exact        INTEGER NOT NULL,
    sole_bridges TEXT NOT NULL
) STRICT;

-- The map's last layout: where each actor shown is placed (0 to 1), and for which network.
CREATE TABLE map_layout (
    actor_id INTEGER PRIMARY KEY,
    x        REAL NOT NULL,
    y        REAL NOT NULL
) STRICT;
CREATE TABLE map_summary (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    computed_at TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    actors      INTEGER NOT NULL
) STRICT;
"#,
    // 8: who introduced a link, indexed: the actor card counts and lists the links an actor
    // introduced, and deleting an actor clears them (ON DELETE SET NULL), without reading a
    // million links each time.
    r#"
CREATE INDEX link_introduced_by_actor ON link(introduced_by_actor) WHERE introduced_by_actor IS NOT NULL;
"#,
];

/// The schema version this build of Catalyse writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Tables derived from the records by triggers: rebuilt from them, so never exported in the
/// workspace JSON, searched for a person's name or (later) journaled. Names ending in `%`
/// are prefixes (the search index's shadow tables).
pub const DERIVED_TABLES: &[&str] = &[
    "search_index%",
    "actor_key",
    "meeting_key",
    "search_key",
    "network_figures",
    "network_summary",
    "map_layout",
    "map_summary",
];

/// Record kinds counted by `catalyse check`, as (glossary plural, table).
pub const COUNTED_TABLES: &[(&str, &str)] = &[
    ("territories", "territory"),
    ("projects", "project"),
    ("actors", "actor"),
    ("needs", "need"),
    ("axes", "axis"),
    ("actions", "action"),
    ("fundings", "funding"),
    ("indicators", "indicator"),
    ("contacts", "contact"),
    ("members", "member"),
    ("links", "link"),
    ("meetings", "meeting"),
    ("follow_ups", "follow_up"),
    ("self_assessments", "self_assessment"),
    ("decision_notes", "decision_note"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    /// Every CHECK that limits a text column to a list of codes, in the schema the migrations
    /// build, allows exactly the codes of its enum (`shared::domain::code_lists`): a code
    /// added to an enum without its migration, or the reverse, fails here.
    #[test]
    fn the_schemas_code_checks_are_the_enums_codes() {
        const COLUMNS: &[(&str, &str, &str)] = &[
            ("territory", "kind", "TerritoryKind"),
            ("project", "status", "ProjectStatus"),
            ("actor", "world", "World"),
            ("actor", "engagement", "Engagement"),
            ("need", "priority", "Priority"),
            ("action", "status", "ActionStatus"),
            ("action", "practice", "Practice"),
            ("action", "engineering", "Engineering"),
            ("funding", "status", "FundingStatus"),
            ("meeting", "kind", "MeetingKind"),
            ("meeting", "practice", "Practice"),
            ("link", "nature", "LinkNature"),
            ("self_assessment", "status", "AssessmentStatus"),
            ("competence_evidence", "kind", "EvidenceKind"),
            ("decision_note", "addressee", "Addressee"),
            ("decision_note", "status", "NoteStatus"),
            ("note_record", "kind", "NoteRecordKind"),
            ("note_section", "key", "SectionKey"),
        ];
        let store = crate::db::store::Store::open_in_memory().unwrap();
        let lists = crate::shared::domain::code_lists();
        let tables: Vec<(String, String)> = store
            .conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut found = Vec::new();
        for (table, sql) in &tables {
            for line in sql.lines() {
                let Some((_, check)) = line.split_once(" IN (") else {
                    continue;
                };
                if !check.trim_start().starts_with('\'') {
                    continue; // IN (0, 1): a flag
                }
                let column = line.split_whitespace().next().unwrap().to_string();
                let codes: Vec<String> = check
                    .split(')')
                    .next()
                    .unwrap()
                    .split(',')
                    .map(|c| c.trim().trim_matches('\'').to_string())
                    .collect();
                found.push((table.clone(), column, codes));
            }
        }
        let mut checked = Vec::new();
        for (table, column, codes) in &found {
            let Some((_, _, name)) = COLUMNS.iter().find(|(t, c, _)| t == table && c == column)
            else {
                panic!("{table}.{column} has a list of codes: map it to its enum here");
            };
            let (_, wanted) = lists.iter().find(|(n, _)| n == name).unwrap();
            assert_eq!(codes, wanted, "{table}.{column} against {name}");
            checked.push((table.as_str(), column.as_str()));
        }
        for (t, c, _) in COLUMNS {
            assert!(
                checked.contains(&(*t, *c)),
                "{t}.{c}: no CHECK of codes found"
            );
        }
    }

    /// Every prefix of the migration list applies cleanly, one step at a time, with foreign keys on.
    #[test]
    fn migrations_apply_in_order() {
        let conn = Connection::open_in_memory().unwrap();
        crate::db::store::register_functions(&conn).unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        for (i, sql) in MIGRATIONS.iter().enumerate() {
            conn.execute_batch(sql)
                .unwrap_or_else(|e| panic!("migration {} fails: {e}", i + 1));
        }
        let fk: Vec<String> = conn
            .prepare("PRAGMA foreign_key_check")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(fk.is_empty());
        for (_, table) in COUNTED_TABLES {
            let n: i64 = conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .unwrap();
            assert_eq!(n, 0);
        }
    }
}
