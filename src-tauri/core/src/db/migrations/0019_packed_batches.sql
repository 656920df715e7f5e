-- 19: the journal's batch entries (change.op = 4, an import's records) are written packed from
-- now on: `after` a BLOB, the JSON array compressed (db/packed.rs), about a tenth of its size.
-- Entries written before stay as JSON text; every reader goes through catalyse_rows(after),
-- which reads both. No table changes: the version tells a Catalyse that would misread a
-- packed entry to refuse the file rather than open it.
SELECT 1;
