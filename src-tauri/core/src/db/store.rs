//! The open workspace ([`Store`]) and the helpers every query shares: counts, references
//! that must exist, rows deleted by id, batched inserts, timestamps.
//!
//! Invariants:
//! - every connection runs with WAL, `foreign_keys = ON` and a busy timeout
//!   ([`crate::db::connection`]);
//! - every change that touches more than one row runs in one transaction;
//! - a new file appears at its final path only once it is complete ([`crate::db::files`]).
//!
//! Opening a file for writing is the `workspace` layer's ([`crate::workspace::open`]).

use crate::db::connection::{configure, use_wal};
pub(crate) use crate::db::files::{remove_companions, remove_db_files, temp_sibling};
pub use crate::db::inspect::open_read_only;
use crate::db::journal::Journal;
use crate::db::migrate::migrate;
use crate::shared::domain::*;
use crate::shared::error::{CoreError, CoreResult};
use chrono::{NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

// Where these lived before the file was cut by concern; the other folders still name them here.
pub use crate::db::connection::{
    new_uid, register_functions, APPLICATION_ID, BUSY_TIMEOUT, FOLD_FUNCTION, SORT_KEY_FUNCTION,
    UID_FUNCTION,
};
pub(crate) use crate::db::files::{companion, publish, sync_file};
pub use crate::db::inspect::{
    accept, inspect, inspect_connection, integrity_check, open_for_checking, Inspection,
};
pub use crate::db::lock::{lock_path, WriterLock};
pub(crate) use crate::db::migrate::{add_missing_codes, migrate_connection};

/// An open workspace. Owned by exactly one writer (see [`crate::workspace::writer`]).
pub struct Store {
    pub(crate) conn: Connection,
    /// Who writes, and the change set of the current transaction (see [`crate::history`]).
    pub(crate) journal: Journal,
    pub(crate) path: Option<PathBuf>,
    /// The writer lock on the file, released after the connection closes (fields drop in
    /// order).
    pub(crate) _lock: Option<WriterLock>,
    /// Whether a bulk write leaves WAL for a rollback journal during its transaction
    /// ([`Store::write_bulk_in_place`]).
    pub(crate) bulk_in_place: bool,
}

pub(crate) fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

impl Store {
    /// An empty, migrated workspace in memory (tests and tools).
    pub fn open_in_memory() -> CoreResult<Store> {
        let mut conn = Connection::open_in_memory()?;
        let journal = configure(&mut conn)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        migrate(&mut conn, &journal)?;
        use_wal(&conn)?;
        Ok(Store {
            conn,
            journal,
            path: None,
            _lock: None,
            bulk_in_place: false,
        })
    }

    /// A read-only connection to a workspace that a [`crate::Workspace`] has open: for its
    /// reader threads. Takes no lock, checks nothing (the writer did), writes nothing.
    pub fn open_reader(path: &Path) -> CoreResult<Store> {
        let conn = open_read_only(path)?;
        Ok(Store {
            conn,
            // Reads only: nothing to journal.
            journal: Journal::default(),
            path: Some(path.to_path_buf()),
            _lock: None,
            bulk_in_place: false,
        })
    }

    /// The journaling state of this workspace's connection: who writes, the label of the
    /// next change set (see [`crate::db::journal`]).
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Closes the connection (checkpointing the WAL); true when it closed cleanly.
    pub fn close(self) -> bool {
        let Store { conn, _lock, .. } = self;
        let ok = conn.close().is_ok();
        drop(_lock);
        ok
    }

    /// The file this store is on (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Writes a consistent copy of the workspace to `target`, replacing it if it exists
    /// (the user confirmed in the save dialog). The current file stays open and unchanged.
    pub fn save_copy(&self, target: &Path) -> CoreResult<()> {
        if let Some(current) = &self.path {
            if crate::db::files::same_file(current, target) {
                return Err(CoreError::validation(
                    "path",
                    "save_as.same_file",
                    "Choisissez un autre fichier que l'espace de travail ouvert.",
                ));
            }
        }
        // Not over a workspace another Catalyse process has open.
        let _lock = if target.exists() {
            WriterLock::take(target)?
        } else {
            None
        };
        let tmp = temp_sibling(target, "saving");
        remove_db_files(&tmp);
        let res = (|| -> CoreResult<()> {
            let copy = tmp.to_string_lossy().into_owned();
            let _attach = crate::db::guard::AttachAllowed::new(&copy);
            self.conn.execute("VACUUM INTO ?1", params![copy])?;
            // A journal left beside a replaced workspace would be replayed into the new file.
            remove_companions(target);
            std::fs::rename(&tmp, target)?;
            Ok(())
        })();
        remove_db_files(&tmp);
        res
    }

    /// A number that changes whenever this store writes (SQLite's count of changed rows on
    /// this connection): work checked against the workspace records it, and is checked again
    /// if it moved before the result is written.
    pub fn change_stamp(&self) -> u64 {
        self.conn.total_changes()
    }

    /// Number of records of each kind, keyed by the glossary's English plural.
    pub fn counts(&self) -> CoreResult<BTreeMap<String, i64>> {
        counts(&self.conn)
    }
}

/// Counts the records of each kind on any connection to a workspace; kinds whose table does
/// not exist yet (an older schema) are left out.
pub fn counts(conn: &Connection) -> CoreResult<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    for (key, table) in crate::db::records::counted() {
        let exists: bool = conn.query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )?;
        if !exists {
            continue;
        }
        // Table names come from a constant list, never from input.
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        out.insert(key.to_string(), n);
    }
    Ok(out)
}

/// Checks that a referenced record exists, with a French message naming it. `table` is always
/// a constant of the calling code, never input.
pub(crate) fn require_exists(
    conn: &Connection,
    table: &'static str,
    id: i64,
    field: &'static str,
    what: &str,
) -> CoreResult<()> {
    let found = conn
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
        .query_row([id], |_| Ok(()))
        .optional()?;
    match found {
        Some(()) => Ok(()),
        None => Err(CoreError::validation(
            field,
            "reference.missing",
            format!("{what} choisi n'existe plus (identifiant {id}) ; rechargez la liste."),
        )),
    }
}

/// Deletes row `id` of `table` (a constant of the calling code), or says it is not there.
pub(crate) fn delete_row(
    conn: &Connection,
    table: &'static str,
    what: &'static str,
    id: i64,
) -> CoreResult<()> {
    if conn.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])? == 0 {
        return Err(CoreError::NotFound { what, id });
    }
    Ok(())
}

/// Writes the singleton territory and project rows.
pub(crate) fn insert_territory_and_project(
    tx: &Transaction,
    territory_name: &str,
    kind: TerritoryKind,
    title: &str,
) -> CoreResult<()> {
    tx.execute(
        "INSERT INTO territory (id, name, kind) VALUES (1, ?1, ?2)",
        params![territory_name, kind],
    )?;
    tx.execute(
        "INSERT INTO project (id, territory_id, title, status) VALUES (1, 1, ?1, 'drafting')",
        params![title],
    )?;
    Ok(())
}

/// Inserts a validated actor and returns its id.
/// Rows per statement of [`insert_batched`].
pub(crate) const BATCH_ROWS: usize = 64;

/// A value bound to a batched insert: text borrowed from the rows, numbers and nulls owned.
pub(crate) type Cell<'a> = rusqlite::types::ToSqlOutput<'a>;

pub(crate) fn text(s: &str) -> Cell<'_> {
    Cell::Borrowed(rusqlite::types::ValueRef::Text(s.as_bytes()))
}

pub(crate) fn int(i: Option<i64>) -> Cell<'static> {
    match i {
        Some(i) => Cell::Owned(rusqlite::types::Value::Integer(i)),
        None => Cell::Owned(rusqlite::types::Value::Null),
    }
}

/// `f`, as the cells of rows borrowing for `'r` (what a closure given inline to
/// [`insert_batched`] would infer), to give the same rows to it and to the journal
/// (`db::journal_rows::insert_journaled`).
pub(crate) fn cells_of<'r, F: Fn(usize, &mut Vec<Cell<'r>>)>(f: F) -> F {
    f
}

/// Inserts `rows` rows into `into` (`table (col, …)`, `columns` columns) with statements of
/// [`BATCH_ROWS`] rows each, `cells(i, out)` pushing row `i`'s values. Far fewer statements
/// than rows: each statement has a cost of its own, and a full-text index flushes its pending
/// terms at every statement that touches it (through a trigger).
pub(crate) fn insert_batched<'r>(
    conn: &Connection,
    into: &str,
    columns: usize,
    rows: usize,
    mut cells: impl FnMut(usize, &mut Vec<Cell<'r>>),
    mut each_batch: impl FnMut(usize) -> CoreResult<()>,
) -> CoreResult<()> {
    let values = |n: usize| {
        let one = format!("({})", vec!["?"; columns].join(","));
        format!("INSERT INTO {into} VALUES {}", vec![one; n].join(","))
    };
    let full = values(BATCH_ROWS);
    let mut bound: Vec<Cell<'r>> = Vec::with_capacity(BATCH_ROWS * columns);
    let mut start = 0;
    while start < rows {
        let n = (rows - start).min(BATCH_ROWS);
        bound.clear();
        for i in start..start + n {
            cells(i, &mut bound);
        }
        debug_assert_eq!(bound.len(), n * columns);
        if n == BATCH_ROWS {
            conn.prepare_cached(&full)?
                .execute(rusqlite::params_from_iter(bound.iter()))?;
        } else {
            conn.prepare(&values(n))?
                .execute(rusqlite::params_from_iter(bound.iter()))?;
        }
        start += n;
        each_batch(start)?;
    }
    Ok(())
}
