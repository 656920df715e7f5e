-- 6: decision notes: a header, the records they are about, nine sections (the user's text
-- and the generated text it was last refreshed from), structured options, and a version
-- per save (a JSON snapshot; the one made on validation is frozen).
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
