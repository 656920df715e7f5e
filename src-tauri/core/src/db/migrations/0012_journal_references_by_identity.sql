-- 12: the journal names the records a change refers to by their identity (uid), never by
-- the integer id inside the file, which SQLite gives again to the next new row once it is
-- freed: an undo could otherwise point a link at whoever holds the number now. The entries
-- already written are rewritten by Catalyse's own code after this file
-- (history::migrate::references_to_identities: each reference resolved to the record that
-- held the id when the entry was written). Delete entries are now written before the row
-- goes, so that the rows a deletion cascades to can name it; this index finds such an entry
-- by the id it had.
CREATE INDEX change_deleted ON change(tbl, json_extract(before, '$.id')) WHERE op = 3;
