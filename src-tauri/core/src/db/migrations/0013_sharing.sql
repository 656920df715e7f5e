-- 13: team sharing through a folder the team already syncs (share/). These tables describe
-- this copy of the workspace and what it has received: they are never journaled, never
-- exported in the workspace JSON and never sent (db::migrations::LOCAL_TABLES).

-- The team space this workspace belongs to, if it is shared (one row at most).
CREATE TABLE share_space (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    -- The space's identity, the same on every laptop of the team.
    workspace   TEXT NOT NULL,
    -- The shared folder on this laptop, and the name the others see (« ordinateur de Claire »).
    folder      TEXT NOT NULL,
    device_name TEXT NOT NULL,
    -- When this laptop created or joined the space (ISO 8601).
    since       TEXT NOT NULL
) STRICT;

-- Each device of the space as this copy knows it (this laptop's own included): the last of
-- its change files applied here (for this laptop: written), that file's closing hash, and
-- the clock of its newest change set applied here (for this laptop: sent).
CREATE TABLE share_device (
    device  TEXT PRIMARY KEY,
    name    TEXT NOT NULL DEFAULT '',
    seq     INTEGER NOT NULL DEFAULT 0,
    hash    TEXT NOT NULL DEFAULT '',
    at      INTEGER NOT NULL DEFAULT 0,
    -- When its last file was applied here (ISO 8601), empty if never.
    seen    TEXT NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;

-- The version (clock and device) of a field's value when another laptop's change set wrote
-- it (a local change's version is its change set's, in the journal).
CREATE TABLE share_version (
    tbl     TEXT NOT NULL,
    record  TEXT NOT NULL,
    field   TEXT NOT NULL,
    at      INTEGER NOT NULL,
    device  TEXT NOT NULL,
    author  TEXT NOT NULL,
    PRIMARY KEY (tbl, record, field)
) STRICT, WITHOUT ROWID;

-- The conflict inbox: values that lost a merge, identical on every laptop. `concurrent`: two
-- changes of one field made without seeing each other (the other value stands); `deleted`: a
-- change of a record deleted meanwhile on another laptop (the deletion stands; `field` is
-- empty for a whole record, its value the record as JSON).
CREATE TABLE share_conflict (
    id          INTEGER PRIMARY KEY,
    tbl         TEXT NOT NULL,
    record      TEXT NOT NULL,
    field       TEXT NOT NULL,
    -- 'concurrent' or 'deleted' (written by share::merge only; a snapshot's are checked).
    kind        TEXT NOT NULL,
    at          INTEGER NOT NULL,
    device      TEXT NOT NULL,
    author      TEXT NOT NULL,
    value       ANY,
    -- 1: a concurrent value equal to the one that stands: not shown, but kept, so that a later
    -- change that did not know it still tells it apart (the inbox is the same everywhere).
    quiet       INTEGER NOT NULL DEFAULT 0,
    by_at       INTEGER,
    by_device   TEXT
) STRICT;
CREATE UNIQUE INDEX share_conflict_identity ON share_conflict(tbl, record, field, at, device);
CREATE INDEX share_conflict_record ON share_conflict(record);

-- Two records created on two laptops that are one (the same key): the one with the larger
-- identity is known here by the smaller's.
CREATE TABLE share_alias (
    tbl     TEXT NOT NULL,
    uid     TEXT NOT NULL,
    same_as TEXT NOT NULL,
    PRIMARY KEY (tbl, uid)
) STRICT, WITHOUT ROWID;
