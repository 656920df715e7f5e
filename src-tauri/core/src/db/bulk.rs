//! Bulk writes (imports of tens of thousands of rows) without the per-row costs of what the
//! schema derives from each row.
//!
//! Inside the import's transaction, [`defer`] takes the insert triggers that keep derived
//! tables (the search index, the list keys) and, for a batch larger than the table, the
//! table's indexes out of the schema (and, when asked, the journal's insert triggers and the
//! code checks); the rows are written; [`restore`] fills the derived tables and the journal
//! for the new rows in one statement each (see [`ACTOR_BACKFILLS`]), checks their codes in
//! one statement per column, builds the indexes again by sorting, and puts the triggers back.
//! What is put back is Catalyse's own SQL (the migrations' text, kept by
//! [`crate::db::schema`], and the journal's generator), never SQL read back from the file. The schema
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

/// Indexes a bulk write keeps while it writes, rather than rebuilding them after: their keys
/// come in order (identities are UUIDs version 7, made in the order the rows are written;
/// links are written in the order of their pair, `in_pair_order`), so each B-tree only grows
/// at its end, which costs less than sorting a million keys and building it again (about a
/// quarter of a second for a million links). Keeping one is always right, whatever the order:
/// only the time depends on it.
pub(crate) const GROWN_IN_ORDER: &[&str] =
    &["actor_uid", "contact_uid", "link_uid", "link_pair_nature"];

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
    /// The code checks taken out.
    codes: Vec<CodeDeferred>,
}

/// A code check taken out: the insert trigger of migration 9 on a coded column (which looks
/// its list up again for every row: about 2.5 s for a million links), the column, its list,
/// the first id of the new rows and the trigger's SQL. [`restore`] checks the new rows of
/// the batch in one statement instead.
struct CodeDeferred {
    table: &'static str,
    column: &'static str,
    list: &'static str,
    first: i64,
    sql: String,
    /// Whether [`restore`] reads the new rows to check them (otherwise the writer gave their
    /// codes, checked before they were written: [`Deferred::check_codes_given`]).
    scan: bool,
}

/// A journal insert trigger taken out: its table, the column telling the rows written since
/// (the id, or for `actor_tag` the actor's), the first value of that column for them, and
/// the trigger's SQL.
struct JournalDeferred {
    table: &'static str,
    key: &'static str,
    first: i64,
    sql: String,
    /// Whether [`restore`] writes the entries (otherwise the writer did, from its rows:
    /// [`Deferred::journal_rows`]).
    backfill: bool,
}

impl Deferred {
    /// Also takes out the journal's insert trigger on `table`: [`restore`] writes the same
    /// entries for the rows whose `key` is past every value of it now, in one statement
    /// as batch entries (`db::journal::backfill_batches`). `key` must grow with each row written (an id,
    /// or the id of a record created in the same batch).
    pub(crate) fn journal_inserts(
        &mut self,
        tx: &Transaction,
        table: &'static str,
        key: &'static str,
    ) -> CoreResult<()> {
        let first = next_value(tx, table, key)?;
        if let Some(sql) = take_trigger(tx, &format!("journal_{table}_insert"))? {
            self.journal.push(JournalDeferred {
                table,
                key,
                first,
                sql,
                backfill: true,
            });
        }
        Ok(())
    }

    /// Also takes out the journal's insert trigger on `table`, whose rows the writer inserts
    /// with the columns `columns`: returns the plan to write their entries from those rows
    /// (`db::journal_rows::insert_journaled`), [`restore`] then only putting the trigger
    /// back; without a plan (the rows do not give every journaled column), [`restore`]
    /// writes them from the table ([`Deferred::journal_inserts`], by `id`).
    pub(crate) fn journal_rows(
        &mut self,
        tx: &Transaction,
        table: &'static str,
        columns: &[&str],
    ) -> CoreResult<Option<crate::db::journal_rows::Plan>> {
        let plan = crate::db::journal_rows::plan(tx, table, columns)?;
        if plan.is_none() {
            self.journal_inserts(tx, table, "id")?;
        } else if let Some(sql) = take_trigger(tx, &format!("journal_{table}_insert"))? {
            self.journal.push(JournalDeferred {
                table,
                key: "id",
                first: 0,
                sql,
                backfill: false,
            });
        }
        Ok(plan)
    }

    /// Also takes out the code checks of `table`'s insert triggers (one per coded column,
    /// [`crate::db::migrations::CODED_COLUMNS`]): [`restore`] checks every row whose id is
    /// past the table's ids now against the same lists, in one statement per column, and
    /// fails (rolling the batch back) on a code the list does not have, as the trigger would.
    pub(crate) fn check_codes(&mut self, tx: &Transaction, table: &'static str) -> CoreResult<()> {
        let first = next_value(tx, table, "id")?;
        for (t, column, list) in crate::db::migrations::CODED_COLUMNS {
            if *t != table {
                continue;
            }
            if let Some(sql) = take_trigger(tx, &format!("{table}_{column}_code_insert"))? {
                self.codes.push(CodeDeferred {
                    table,
                    column,
                    list,
                    first,
                    sql,
                    scan: true,
                });
            }
        }
        Ok(())
    }

    /// [`Deferred::check_codes`] for a writer that holds its rows: `codes(column)` gives
    /// every code the new rows hold in a coded column (`None` for a column it does not write,
    /// whose new rows [`restore`] then reads as above). Those codes are checked against their
    /// lists now, before anything is written, rather than by reading every new row back (a
    /// scan of a million links: about a quarter of a second); an unknown one refuses the
    /// batch with the same error.
    pub(crate) fn check_codes_given<'c>(
        &mut self,
        tx: &Transaction,
        table: &'static str,
        codes: impl Fn(&str) -> Option<std::collections::BTreeSet<&'c str>>,
    ) -> CoreResult<()> {
        let before = self.codes.len();
        self.check_codes(tx, table)?;
        let mut known =
            tx.prepare_cached("SELECT count(*) > 0 FROM code_value WHERE list = ?1 AND code = ?2")?;
        for c in &mut self.codes[before..] {
            let Some(given) = codes(c.column) else {
                continue;
            };
            for code in given {
                if !known.query_row(params![c.list, code], |r| r.get::<_, bool>(0))? {
                    return Err(unknown_code(code, c.table, c.column));
                }
            }
            c.scan = false;
        }
        Ok(())
    }
}

/// The error of a code that is not in its column's list.
fn unknown_code(code: &str, table: &str, column: &'static str) -> crate::shared::error::CoreError {
    crate::shared::error::CoreError::validation(
        column,
        "code.unknown",
        format!(
            "« {} » n'est pas une valeur que cette version de Catalyse connaît pour {}.{} : rien n'a été écrit.",
            crate::shared::domain::truncate_for_message(code),
            table,
            column
        ),
    )
}

/// Fails if a row of `c.table` written since the code check was taken out has, in
/// `c.column`, a code that is not in its list.
fn check_new_codes(tx: &Transaction, c: &CodeDeferred) -> CoreResult<()> {
    use rusqlite::OptionalExtension;
    // Names from CODED_COLUMNS, quoted; the list is a parameter.
    let found: Option<String> = tx
        .query_row(
            &format!(
                "SELECT {col} FROM {table} WHERE id >= ?1
                 AND {col} NOT IN (SELECT code FROM code_value WHERE list = ?2) LIMIT 1",
                col = quoted(c.column),
                table = quoted(c.table),
            ),
            params![c.first, c.list],
            |r| r.get(0),
        )
        .optional()?;
    match found {
        None => Ok(()),
        Some(code) => Err(unknown_code(&code, c.table, c.column)),
    }
}

/// The value of `key` past every one in `table` (1 when it is empty): the new rows' own.
pub(crate) fn next_value(tx: &Transaction, table: &str, key: &str) -> CoreResult<i64> {
    // Both names are constants of the callers, quoted.
    Ok(tx.query_row(
        &format!(
            "SELECT coalesce(max({}), 0) + 1 FROM {}",
            quoted(key),
            quoted(table)
        ),
        [],
        |r| r.get(0),
    )?)
}

/// Drops trigger `name` and returns its SQL, to put it back; `None` if there is none. The
/// SQL is Catalyse's own (the migrations' text, or the journal's generator), never read back
/// from the file.
fn take_trigger(tx: &Transaction, name: &str) -> CoreResult<Option<String>> {
    if !present(tx, "trigger", name)? {
        return Ok(None);
    }
    let journal = ["_insert", "_update", "_delete"]
        .iter()
        .find_map(|op| name.strip_prefix("journal_")?.strip_suffix(op));
    let sql = match journal {
        Some(table) => crate::db::journal::table_triggers_of(tx, table)?
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, sql)| sql),
        None => crate::db::schema::current()?
            .sql("trigger", name)
            .map(str::to_string),
    };
    let Some(sql) = sql else {
        return Err(crate::shared::error::CoreError::Internal {
            detail: format!("le déclencheur « {name} » n'est pas de Catalyse"),
        });
    };
    tx.execute_batch(&format!("DROP TRIGGER {}", quoted(name)))?;
    Ok(Some(sql))
}

/// Whether the file has object `name` of `kind`.
fn present(tx: &Transaction, kind: &str, name: &str) -> CoreResult<bool> {
    Ok(tx.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = ?1 AND name = ?2",
        params![kind, name],
        |r| r.get(0),
    )?)
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
    defer_keeping(tx, backfills, tables, rows, &[])
}

/// [`defer`], keeping also the indexes named in `keep` (besides [`GROWN_IN_ORDER`]): a
/// partial index that few of the new rows enter costs little to keep up to date, and
/// building it again reads the whole table.
pub(crate) fn defer_keeping(
    tx: &Transaction,
    backfills: &'static [(&'static str, &'static str)],
    tables: &[&str],
    rows: usize,
    keep: &[&str],
) -> CoreResult<Deferred> {
    let mut triggers = Vec::new();
    for (name, backfill) in backfills {
        if let Some(sql) = take_trigger(tx, name)? {
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
            // The indexes the migrations make on the table, with their own SQL.
            let reference = crate::db::schema::current()?;
            for (name, sql) in reference.indexes_of(table) {
                if !GROWN_IN_ORDER.contains(&name)
                    && !keep.contains(&name)
                    && present(tx, "index", name)?
                {
                    tx.execute_batch(&format!("DROP INDEX {}", quoted(name)))?;
                    indexes.push(sql.to_string());
                }
            }
        }
    }
    Ok(Deferred {
        triggers,
        indexes,
        journal: Vec::new(),
        codes: Vec::new(),
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
        for c in deferred.codes.iter().filter(|c| c.scan) {
            check_new_codes(tx, c)?;
        }
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
        for j in deferred.journal.iter().filter(|j| j.backfill) {
            crate::db::journal::backfill_batches(tx, j.table, j.key, j.first)?;
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
        for c in &deferred.codes {
            tx.execute_batch(&c.sql)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::testing::schema;
    use crate::actors::ActorInput;
    use crate::db::store::Store;

    /// Writes links `(a, b, nature)` with the code checks of `link` taken out, as a bulk
    /// write does, then restores them.
    fn write(s: &mut Store, links: &[(i64, i64, &str)]) -> CoreResult<()> {
        let tx = s.conn.transaction()?;
        let mut deferred = defer(&tx, &[], &["link"], links.len())?;
        deferred.check_codes(&tx, "link")?;
        for (a, b, nature) in links {
            tx.execute(
                "INSERT INTO link (actor_a, actor_b, nature, strength, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 1, '2026-12-02T00:00:00Z', '2026-12-02T00:00:00Z')",
                params![a, b, nature],
            )?;
        }
        let first: i64 = tx.query_row("SELECT coalesce(min(id), 1) FROM link", [], |r| r.get(0))?;
        restore(&tx, deferred, first, &Progress::none())?;
        tx.commit()?;
        Ok(())
    }

    /// With the per-row code checks taken out, the batch's codes are still checked, once, at
    /// the end: a code its list does not have refuses the whole batch (even when it comes
    /// after a valid one), and the check is put back as it was, refusing the next row written
    /// one by one.
    #[test]
    fn a_bulk_write_checks_the_codes_the_triggers_check() {
        let mut s = Store::open_in_memory().unwrap();
        let ids = s
            .insert_actors_bulk(&[
                ActorInput {
                    name: "A".into(),
                    world: "business".into(),
                    commune: String::new(),
                    insee: None,
                    engagement: "informed".into(),
                    notes: String::new(),
                },
                ActorInput {
                    name: "B".into(),
                    world: "state".into(),
                    commune: String::new(),
                    insee: None,
                    engagement: "partner".into(),
                    notes: String::new(),
                },
                ActorInput {
                    name: "C".into(),
                    world: "citizen".into(),
                    commune: String::new(),
                    insee: None,
                    engagement: "lead".into(),
                    notes: String::new(),
                },
            ])
            .unwrap();
        let before = schema(&s);
        let e = write(
            &mut s,
            &[(ids[0], ids[1], "dialogue"), (ids[1], ids[2], "friendship")],
        )
        .unwrap_err();
        assert_eq!(e.code(), Some("code.unknown"), "{e}");
        assert_eq!(e.field(), Some("nature"));
        assert!(e.to_string().contains("« friendship »"), "{e}");
        let count = |s: &Store| -> i64 {
            s.conn
                .query_row("SELECT count(*) FROM link", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(count(&s), 0, "nothing of the batch is written");
        assert_eq!(schema(&s), before);

        write(
            &mut s,
            &[(ids[0], ids[1], "dialogue"), (ids[1], ids[2], "funding")],
        )
        .unwrap();
        assert_eq!(count(&s), 2);
        assert_eq!(schema(&s), before, "the checks are put back as they were");
        let one = s.conn.execute(
            "INSERT INTO link (actor_a, actor_b, nature, strength, created_at, updated_at)
             VALUES (?1, ?2, 'friendship', 1, '2026-12-02T00:00:00Z', '2026-12-02T00:00:00Z')",
            params![ids[0], ids[2]],
        );
        assert!(
            one.unwrap_err()
                .to_string()
                .contains("code inconnu : link.nature"),
            "the trigger checks rows written one by one again"
        );
    }

    /// An actor import (in bulk) refuses, whole, a world that its list does not have, once
    /// the list has lost it (a workspace edited by hand).
    #[test]
    fn an_actor_import_checks_the_worlds_in_bulk() {
        use crate::exchange::{tabular::FileFormat, ExchangeKind};
        let mut s = Store::open_in_memory().unwrap();
        s.conn
            .execute(
                "DELETE FROM code_value WHERE list = 'World' AND code = 'research'",
                [],
            )
            .unwrap();
        let csv = "Nom;Monde\nA;Entreprise\nB;Enseignement et recherche\nC;Association / ESS\n";
        let e = s
            .import(ExchangeKind::Actors, csv.as_bytes(), FileFormat::Csv, false)
            .unwrap_err();
        assert_eq!(e.code(), Some("code.unknown"), "{e}");
        assert!(e.to_string().contains("« research »"), "{e}");
        assert_eq!(s.counts().unwrap()["actors"], 0);
        s.conn
            .execute("INSERT INTO code_value VALUES ('World', 'research')", [])
            .unwrap();
        let out = s
            .import(ExchangeKind::Actors, csv.as_bytes(), FileFormat::Csv, false)
            .unwrap();
        assert_eq!(out.written, 3);
    }
}
