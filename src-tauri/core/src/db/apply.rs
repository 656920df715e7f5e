//! Applying one migration: its SQL (a schema edit the way SQLite documents it, then a quick
//! check), then the step of it that SQL cannot express.

use crate::db::migrations::MIGRATIONS;

/// The steps of a migration that SQL cannot express, run right after its SQL in the same
/// transaction, as (the version the migration brings the file to, the step).
type RustStep = fn(&rusqlite::Connection) -> crate::shared::error::CoreResult<()>;

const RUST_STEPS: &[(i64, RustStep)] =
    &[(12, crate::db::journal_migration::references_to_identities)];

/// Applies migration `index` (0-based) inside `tx`. A migration that edits `sqlite_schema`
/// (the documented way to drop a CHECK) is followed, as SQLite's procedure asks, by a new
/// `schema_version` (so every connection reloads the schema) and a quick check: a
/// damaged schema is rolled back with the rest.
pub(crate) fn apply(
    tx: &rusqlite::Connection,
    index: usize,
) -> crate::shared::error::CoreResult<()> {
    let sql = MIGRATIONS[index];
    if sql.contains("PRAGMA writable_schema = ON") {
        // Catalyse's own migration, editing the schema the way SQLite documents it (the
        // defensive mode refuses both steps otherwise).
        crate::db::guard::with_schema_writable(tx, || {
            tx.execute_batch(sql)?;
            let cookie: i64 = tx.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
            tx.pragma_update(None, "schema_version", cookie + 1)
        })?;
        let check: String = tx.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(format!("migration {}: {check}", index + 1)),
            )
            .into());
        }
    } else {
        tx.execute_batch(sql)?;
    }
    for (version, step) in RUST_STEPS {
        if *version == index as i64 + 1 {
            step(tx)?;
        }
    }
    Ok(())
}
