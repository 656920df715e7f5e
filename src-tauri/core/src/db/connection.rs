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

/// SQL function `catalyse_place(name, codes)`: the INSEE code of the one current commune the
/// free text `name` names, first within the départements of the communes of `codes` (INSEE
/// codes separated by commas: the territory's), then in France; NULL otherwise (migration 17).
pub const PLACE_FUNCTION: &str = "catalyse_place";

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
    register_place(conn, flags)?;
    crate::db::packed::register(conn, flags)?;
    let journal = Journal::default();
    crate::db::journal::register(conn, &journal)?;
    Ok(journal)
}

/// Registers [`PLACE_FUNCTION`]; the départements of the last `codes` are kept (one
/// statement passes the same territory for every row).
fn register_place(conn: &Connection, flags: rusqlite::functions::FunctionFlags) -> CoreResult<()> {
    let last: std::sync::Mutex<(String, Vec<String>)> = Default::default();
    conn.create_scalar_function(PLACE_FUNCTION, 2, flags, move |ctx| {
        let name = match ctx.get_raw(0) {
            rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
            _ => return Ok(None),
        };
        let codes = match ctx.get_raw(1) {
            rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
            _ => String::new(),
        };
        let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
        if last.0 != codes {
            *last = (
                codes.clone(),
                crate::geo::place::departements_of(codes.split(',')),
            );
        }
        Ok(crate::geo::place::place(&name, &last.1))
    })?;
    Ok(())
}

/// The statements kept prepared per connection.
const STATEMENT_CACHE: usize = 256;

pub(crate) fn configure(conn: &mut Connection) -> CoreResult<Journal> {
    crate::db::guard::harden(conn)?;
    let journal = register_functions(conn)?;
    crate::db::journal::install_hooks(conn, &journal)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Room for every statement a merge or an import runs again and again (one per kind of
    // record, and their triggers compiled with them): rusqlite keeps 16, which a merge
    // cycled through, preparing each statement anew for every change.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
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
