-- 11: the journal of changes. Every committed change of a record (insert, update, delete),
-- whoever makes it (the app, the command line, an import), is written in the same
-- transaction by triggers that Catalyse generates from the schema (history::journal): one
-- `change_set` per transaction, grouping its `change` rows.
CREATE TABLE change_set (
    id      INTEGER PRIMARY KEY,
    -- A hybrid logical clock: milliseconds since 1970 times 65,536, plus a counter; never
    -- goes backwards and never repeats on one device, so (device, at) is the change set's
    -- identity, for sharing between laptops.
    at      INTEGER NOT NULL,
    -- The display name of who made it, and the identity of their installation.
    author  TEXT NOT NULL,
    device  TEXT NOT NULL,
    -- What the user did, when the code that did it said so: {"code": ..., "args": {...}}
    -- as JSON; empty when it is told by the changes themselves.
    label   TEXT NOT NULL DEFAULT '',
    -- The change set this one undid.
    undoes  INTEGER REFERENCES change_set(id) ON DELETE SET NULL
) STRICT;
CREATE UNIQUE INDEX change_set_identity ON change_set(at, device);
CREATE INDEX change_set_undoes ON change_set(undoes) WHERE undoes IS NOT NULL;
CREATE INDEX change_set_author ON change_set(author);

CREATE TABLE change (
    id      INTEGER PRIMARY KEY,
    set_id  INTEGER NOT NULL REFERENCES change_set(id) ON DELETE CASCADE,
    -- The table and the identity (uid) of the record.
    tbl     TEXT NOT NULL,
    record  TEXT NOT NULL,
    -- 1 insert, 2 update, 3 delete.
    op      INTEGER NOT NULL CHECK (op IN (1, 2, 3)),
    -- An update: the column, its value before and after. An insert: the record as JSON in
    -- `after`; a delete: in `before` (BLOB columns as hexadecimal).
    field   TEXT,
    before  ANY,
    after   ANY
) STRICT;
CREATE INDEX change_of_set ON change(set_id);
CREATE INDEX change_of_record ON change(record);
