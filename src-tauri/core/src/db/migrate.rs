//! Bringing a file to the current schema: the missing migrations in one transaction, the
//! journal's triggers made those of the schema, the codes of the enums added.

use crate::db::journal::Journal;
use crate::db::migrations::{CODED_COLUMNS, MIGRATIONS, SCHEMA_VERSION};
use crate::shared::error::CoreResult;
use rusqlite::Connection;

/// Adds to `code_value` the codes of this build's enums that the workspace does not have yet
/// (a code added to an enum since the workspace was last written), in one transaction;
/// writes nothing when none is missing.
pub(crate) fn add_missing_codes(conn: &mut Connection) -> CoreResult<()> {
    let stored: Vec<(String, String)> = conn
        .prepare("SELECT list, code FROM code_value")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let lists = crate::shared::domain::code_lists();
    let missing: Vec<(&str, &str)> = lists
        .iter()
        .filter(|(name, _)| CODED_COLUMNS.iter().any(|(_, _, list)| list == name))
        .flat_map(|(name, codes)| codes.iter().map(move |code| (*name, *code)))
        .filter(|(name, code)| !stored.iter().any(|(l, c)| l == name && c == code))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for (list, code) in missing {
        tx.execute(
            "INSERT OR IGNORE INTO code_value (list, code) VALUES (?1, ?2)",
            [list, code],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Applies the missing migrations in one transaction, then stamps the version.
pub(crate) fn migrate_connection(conn: &mut Connection, journal: &Journal) -> CoreResult<()> {
    migrate(conn, journal)
}

/// Applies the missing migrations in one transaction (not journaled: they change the format,
/// not what users wrote), stamps the version and makes the journal's triggers those of the
/// new schema; then adds the codes of the enums the workspace lacks, and sets the journal's
/// clock past every change set the workspace holds.
pub(crate) fn migrate(conn: &mut Connection, journal: &Journal) -> CoreResult<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let was_on = journal.enabled();
    journal.set_enabled(false);
    let migrated = (|| -> CoreResult<()> {
        // The write lock is taken up front only to migrate; an up-to-date file is only read
        // here (its journal triggers compared with the schema's) unless they differ.
        let tx = if current < SCHEMA_VERSION {
            conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?
        } else {
            conn.transaction()?
        };
        if current < SCHEMA_VERSION {
            // A trigger of the file's own could fire on a migration's statements.
            crate::db::schema::drop_unexpected_journal_triggers(&tx, current)?;
        }
        for index in current as usize..MIGRATIONS.len() {
            crate::db::apply::apply(&tx, index)?;
        }
        let triggers = crate::db::journal::sync_triggers(&tx)?;
        if current < SCHEMA_VERSION {
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        if current < SCHEMA_VERSION || triggers {
            tx.commit()?;
        }
        Ok(())
    })();
    journal.set_enabled(was_on);
    migrated?;
    add_missing_codes(conn)?;
    let last: Option<i64> = conn.query_row("SELECT max(at) FROM change_set", [], |r| r.get(0))?;
    journal.observe(last.unwrap_or(0));
    Ok(())
}
