//! Every connection to a workspace: hardened ([`crate::db::guard`]), Catalyse's SQL
//! functions registered (folding, sort keys, record identities, the journal's), foreign keys
//! on, a busy timeout, WAL.

use crate::db::journal::Journal;
use crate::shared::error::CoreResult;
use rusqlite::Connection;
use std::time::Duration;

pub use crate::shared::ids::new_uid;

/// `PRAGMA application_id` of every Catalyse workspace ("CTLY").
pub const APPLICATION_ID: i32 = 0x4354_4C59;

/// How long a writer waits for a lock held by another connection.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Name of the SQL function that folds text the way the whole project does
/// ([`crate::shared::text::fold`]: case, accents, ligatures, spaces). The triggers that keep the
/// list keys (`actor_key`, `meeting_key`) call it, so every connection that may write to a
/// workspace registers it first ([`register_functions`]).
pub const FOLD_FUNCTION: &str = "catalyse_fold";

/// Name of the SQL function giving a name's sort key ([`crate::shared::text::sort_key`]).
pub const SORT_KEY_FUNCTION: &str = "catalyse_sort_key";

/// Name of the SQL function giving a new record identity (a UUID version 7, hyphenated): the
/// default of every record's `uid` column (migration 10).
pub const UID_FUNCTION: &str = "catalyse_uid";

/// Registers Catalyse's SQL functions on `conn`, the journal's among them (sharing the
/// returned state). Without them, a write that fires a key or journal trigger fails (and is
/// rolled back): nothing is ever half-written.
pub fn register_functions(conn: &Connection) -> CoreResult<Journal> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_DETERMINISTIC
        | FunctionFlags::SQLITE_INNOCUOUS;
    type TextFunction = fn(&str) -> String;
    let functions: [(&str, TextFunction); 2] = [
        (FOLD_FUNCTION, crate::shared::text::fold),
        (SORT_KEY_FUNCTION, crate::shared::text::sort_key),
    ];
    for (name, f) in functions {
        conn.create_scalar_function(name, 1, flags, move |ctx| {
            Ok(match ctx.get_raw(0) {
                rusqlite::types::ValueRef::Null => None,
                v => Some(f(v
                    .as_str()
                    .map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?)),
            })
        })?;
    }
    // Not deterministic (a new value each call), but without side effects.
    conn.create_scalar_function(
        UID_FUNCTION,
        0,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_INNOCUOUS,
        |_| Ok(new_uid()),
    )?;
    let journal = Journal::default();
    crate::db::journal::register(conn, &journal)?;
    Ok(journal)
}

pub(crate) fn configure(conn: &mut Connection) -> CoreResult<Journal> {
    crate::db::guard::harden(conn)?;
    let journal = register_functions(conn)?;
    crate::db::journal::install_hooks(conn, &journal)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(journal)
}

/// Switches a configured, migrated connection to WAL (a persistent setting, written in the
/// file's header: done only once the file is accepted and migrated, so that a file refused
/// on the way is left byte-identical). In-memory databases answer "memory".
pub(crate) fn use_wal(conn: &Connection) -> CoreResult<()> {
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}
