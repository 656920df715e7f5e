-- 14: an import is journaled in batches. A `change` entry of op 4 holds many inserted
-- records of one table at once: `after` is a JSON array of the records, each the object the
-- insert trigger writes for one row (references as identities) with its `uid` added;
-- `record` and `field` are the smallest and the largest of those identities, `before` how
-- many records it holds (see db::journal::ROWS). The table is rebuilt to let `op` be 4, its
-- rows and indexes kept. The journal's triggers name `change` in their bodies: the legacy
-- rename leaves them as they are, and they find the new table under the same name.
CREATE TABLE change_new (
    id      INTEGER PRIMARY KEY,
    set_id  INTEGER NOT NULL REFERENCES change_set(id) ON DELETE CASCADE,
    -- The table and the identity (uid) of the record.
    tbl     TEXT NOT NULL,
    record  TEXT NOT NULL,
    -- 1 insert, 2 update, 3 delete, 4 the records inserted by a batch.
    op      INTEGER NOT NULL CHECK (op IN (1, 2, 3, 4)),
    -- An update: the column, its value before and after. An insert: the record as JSON in
    -- `after`; a delete: in `before` (BLOB columns as hexadecimal). A batch: see above.
    field   TEXT,
    before  ANY,
    after   ANY
) STRICT;
INSERT INTO change_new (id, set_id, tbl, record, op, field, before, after)
    SELECT id, set_id, tbl, record, op, field, before, after FROM change ORDER BY id;
DROP TABLE change;
PRAGMA legacy_alter_table = ON;
ALTER TABLE change_new RENAME TO change;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX change_of_set ON change(set_id);
CREATE INDEX change_of_record ON change(record);
CREATE INDEX change_deleted ON change(tbl, json_extract(before, '$.id')) WHERE op = 3;
