//! Bulk writes (imports of tens of thousands of rows) without the per-row costs of what the
//! schema derives from each row.
//!
//! Inside the import's transaction, [`defer`] takes the insert triggers that keep derived
//! tables (the search index, the list keys) and, for a batch larger than the table, the
//! table's indexes out of the schema; the rows are written; [`restore`] fills the derived
//! tables for the new rows in one statement each (see [`ACTOR_BACKFILLS`]), builds the
//! indexes again by sorting, and puts the triggers back from their own SQL text. The schema
//! ends exactly as it was, and a failure anywhere rolls everything back with the transaction.
//!
//! The backfills repeat what the triggers of migrations 4 and 7 compute; the test
//! `exchange::tests::a_bulk_import_derives_exactly_what_the_triggers_derive` fails if they
//! ever drift apart.

use crate::shared::error::CoreResult;
use crate::shared::progress::{Phase, Progress};
use rusqlite::{params, Transaction};

/// From this many rows, and more rows than the table holds, indexes are rebuilt rather than
/// updated row by row.
pub(crate) const REBUILD_FROM: usize = 10_000;

/// The insert triggers on `actor` that derive other tables, and the statement that derives
/// the same for every actor whose id is at least `?1`.
pub(crate) const ACTOR_BACKFILLS: &[(&str, &str)] = &[
    (
        "actor_search_ai",
        "INSERT INTO search_index(rowid, title, body)
         SELECT id * 8 + 1, name, commune || ' ' || notes || ' ' || needs || ' ' || contributions
         FROM actor WHERE id >= ?1 ORDER BY id",
    ),
    (
        "search_key_actor_ai",
        "INSERT INTO search_key (kind, id, title)
         SELECT 1, id, catalyse_fold(name) FROM actor WHERE id >= ?1 ORDER BY id",
    ),
    (
        "actor_key_ai",
        "INSERT INTO actor_key (actor_id, sort, name, commune, world, engagement)
         SELECT id, catalyse_sort_key(name), catalyse_fold(name), catalyse_fold(commune), world, engagement
         FROM actor WHERE id >= ?1 ORDER BY id",
    ),
];

/// The insert triggers on `contact` that derive other tables, and the statement that derives
/// the same for every contact whose id is at least `?1`.
pub(crate) const CONTACT_BACKFILLS: &[(&str, &str)] = &[
    (
        "contact_search_ai",
        "INSERT INTO search_index(rowid, title, body)
         SELECT id * 8 + 2, name, role || ' ' || email || ' ' || notes
         FROM contact WHERE id >= ?1 ORDER BY id",
    ),
    (
        "search_key_contact_ai",
        "INSERT INTO search_key (kind, id, title)
         SELECT 2, id, catalyse_fold(name) FROM contact WHERE id >= ?1 ORDER BY id",
    ),
];

/// The full-text index's in-memory buffer during a backfill (bytes): the default (1 MiB)
/// writes a segment to disk every few thousand rows, and merging those segments costs more
/// than writing them. Put back to [`FTS_HASHSIZE_DEFAULT`] afterwards.
const FTS_HASHSIZE_BULK: i64 = 64 * 1024 * 1024;
/// SQLite's default for FTS5's `hashsize`.
const FTS_HASHSIZE_DEFAULT: i64 = 1024 * 1024;

/// What [`defer`] took out of the schema, to be put back by [`restore`].
pub(crate) struct Deferred {
    /// `(trigger name, backfill)` of the triggers taken out, with their SQL.
    triggers: Vec<(String, &'static str)>,
    /// The SQL of the indexes taken out.
    indexes: Vec<String>,
    /// The journal's insert triggers taken out.
    journal: Vec<JournalDeferred>,
}

/// A journal insert trigger taken out: its table, the column telling the rows written since
/// (the id, or for `actor_tag` the actor's), the first value of that column for them, and
/// the trigger's SQL.
struct JournalDeferred {
    table: &'static str,
    key: &'static str,
    first: i64,
    sql: String,
}

impl Deferred {
    /// Also takes out the journal's insert trigger on `table`: [`restore`] writes the same
    /// entries for the rows whose `key` is past every value of it now, in one statement
    /// (`history::journal::backfill_inserts`). `key` must grow with each row written (an id,
    /// or the id of a record created in the same batch).
    pub(crate) fn journal_inserts(
        &mut self,
        tx: &Transaction,
        table: &'static str,
        key: &'static str,
    ) -> CoreResult<()> {
        let name = format!("journal_{table}_insert");
        if let Some(sql) = schema_sql(tx, "trigger", &name)? {
            // Both names are constants of the caller, quoted.
            let first: i64 = tx.query_row(
                &format!(
                    "SELECT coalesce(max({}), 0) + 1 FROM {}",
                    quoted(key),
                    quoted(table)
                ),
                [],
                |r| r.get(0),
            )?;
            tx.execute_batch(&format!("DROP TRIGGER {}", quoted(&name)))?;
            self.journal.push(JournalDeferred {
                table,
                key,
                first,
                sql,
            });
        }
        Ok(())
    }
}

fn schema_sql(tx: &Transaction, kind: &str, name: &str) -> CoreResult<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(tx
        .query_row(
            "SELECT sql FROM sqlite_master WHERE type = ?1 AND name = ?2",
            params![kind, name],
            |r| r.get(0),
        )
        .optional()?)
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Takes out the triggers named in `backfills` and, when `rows` new rows outnumber what
/// `tables` hold (and reach [`REBUILD_FROM`]), the indexes of `tables`.
pub(crate) fn defer(
    tx: &Transaction,
    backfills: &'static [(&'static str, &'static str)],
    tables: &[&str],
    rows: usize,
) -> CoreResult<Deferred> {
    let mut triggers = Vec::new();
    for (name, backfill) in backfills {
        if let Some(sql) = schema_sql(tx, "trigger", name)? {
            tx.execute_batch(&format!("DROP TRIGGER {}", quoted(name)))?;
            triggers.push((sql, *backfill));
        }
    }
    let mut indexes = Vec::new();
    if rows >= REBUILD_FROM {
        for table in tables {
            // The table name is a constant of the caller, quoted.
            let existing: i64 = tx.query_row(
                &format!("SELECT count(*) FROM {}", quoted(table)),
                [],
                |r| r.get(0),
            )?;
            if rows as i64 <= existing {
                continue;
            }
            let found: Vec<(String, String)> = {
                let mut st = tx.prepare(
                    "SELECT name, sql FROM sqlite_master
                     WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL",
                )?;
                let rows = st.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            for (name, sql) in found {
                tx.execute_batch(&format!("DROP INDEX {}", quoted(&name)))?;
                indexes.push(sql);
            }
        }
    }
    Ok(Deferred {
        triggers,
        indexes,
        journal: Vec::new(),
    })
}

/// Derives what the triggers would have for the rows from `first_id` on, builds the indexes
/// again and puts the triggers back.
pub(crate) fn restore(
    tx: &Transaction,
    deferred: Deferred,
    first_id: i64,
    progress: &Progress,
) -> CoreResult<()> {
    progress.watch(&tx.get_interrupt_handle(), Phase::Indexing, || {
        // Several threads for the sorts of index builds.
        tx.pragma_update(None, "threads", 2)?;
        let fills_search = deferred
            .triggers
            .iter()
            .any(|(_, backfill)| backfill.contains("search_index"));
        if fills_search {
            set_fts_hashsize(tx, FTS_HASHSIZE_BULK)?;
        }
        for (_, backfill) in &deferred.triggers {
            tx.execute(backfill, [first_id])?;
        }
        if fills_search {
            set_fts_hashsize(tx, FTS_HASHSIZE_DEFAULT)?;
        }
        for j in &deferred.journal {
            crate::history::journal::backfill_inserts(tx, j.table, j.key, j.first)?;
        }
        for sql in &deferred.indexes {
            tx.execute_batch(sql)?;
        }
        for (sql, _) in &deferred.triggers {
            tx.execute_batch(sql)?;
        }
        for j in &deferred.journal {
            tx.execute_batch(&j.sql)?;
        }
        tx.pragma_update(None, "threads", 0)?;
        Ok(())
    })
}

fn set_fts_hashsize(tx: &Transaction, bytes: i64) -> CoreResult<()> {
    tx.execute(
        "INSERT INTO search_index(search_index, rank) VALUES ('hashsize', ?1)",
        [bytes],
    )?;
    Ok(())
}
