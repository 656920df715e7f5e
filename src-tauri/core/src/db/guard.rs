//! Defence in depth on every connection Catalyse opens: whatever a file's schema says, SQL
//! from it cannot reach beyond the file.
//!
//! - `trusted_schema = OFF`: functions and virtual tables used by a schema (triggers,
//!   views, `CHECK`s, defaults, generated columns, indexes) must be marked innocuous
//!   (Catalyse's own are);
//! - `SQLITE_DBCONFIG_DEFENSIVE`: no writing to `sqlite_schema` through SQL, nothing that
//!   could corrupt the file on purpose (lifted only while a migration that edits the schema
//!   the documented way runs, see [`crate::db::migrations::apply`]);
//! - an authorizer that refuses `ATTACH` and `DETACH` (reaching another file), but for the
//!   one file a backup's or a save's `VACUUM INTO` writes (SQLite attaches it): the code
//!   that runs it names that file in an [`AttachAllowed`] scope on its thread;
//! - no extension loading (rusqlite is built without `load_extension`; SQLite's own switch
//!   stays off).

use crate::shared::error::CoreResult;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::Connection;
use std::cell::RefCell;

thread_local! {
    /// The one file this thread's code is writing a copy to (`VACUUM INTO`, which attaches
    /// it inside SQLite), set only by [`AttachAllowed`].
    static ATTACH_ALLOWED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// While alive, SQLite may attach the file `target` on this thread, and only it: a backup's
/// or a save's `VACUUM INTO`, whose target is a path of Catalyse's own.
pub(crate) struct AttachAllowed(());

impl AttachAllowed {
    pub(crate) fn new(target: &str) -> AttachAllowed {
        ATTACH_ALLOWED.with(|a| *a.borrow_mut() = Some(target.to_string()));
        AttachAllowed(())
    }
}

impl Drop for AttachAllowed {
    fn drop(&mut self) {
        ATTACH_ALLOWED.with(|a| *a.borrow_mut() = None);
    }
}

fn authorize(ctx: AuthContext<'_>) -> Authorization {
    match ctx.action {
        AuthAction::Attach { filename } => {
            let allowed = ctx.accessor.is_none()
                && ATTACH_ALLOWED.with(|a| a.borrow().as_deref() == Some(filename));
            if allowed {
                Authorization::Allow
            } else {
                Authorization::Deny
            }
        }
        AuthAction::Detach { .. } => Authorization::Deny,
        // ATTACH and DETACH whose argument is not a literal (a bound parameter).
        AuthAction::Unknown {
            code: rusqlite::ffi::SQLITE_ATTACH | rusqlite::ffi::SQLITE_DETACH,
            ..
        } => Authorization::Deny,
        _ => Authorization::Allow,
    }
}

/// Hardens `conn` (see the module's documentation). Called on every connection, before its
/// first statement.
pub(crate) fn harden(conn: &mut Connection) -> CoreResult<()> {
    use rusqlite::config::DbConfig;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, true)?;
    conn.authorizer(Some(authorize))?;
    Ok(())
}

/// Runs `f` with the defensive mode lifted (a migration editing `sqlite_schema` the way
/// SQLite documents it), putting it back whatever happens.
pub(crate) fn with_schema_writable<T>(
    conn: &Connection,
    f: impl FnOnce() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    use rusqlite::config::DbConfig;
    let was = conn.db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, false)?;
    let out = f();
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, was)?;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hardened() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        harden(&mut c).unwrap();
        c
    }

    /// `ATTACH` and `DETACH` are refused, with a literal or a bound file name; a
    /// `VACUUM INTO` works inside the scope naming its target only.
    #[test]
    fn attach_is_refused_outside_the_copy_code() {
        let dir = tempfile::TempDir::new().unwrap();
        let other = dir.path().join("other.db");
        let c = hardened();
        c.execute_batch("CREATE TABLE t (a); INSERT INTO t VALUES (1);")
            .unwrap();
        let denied = |e: rusqlite::Error| {
            let text = e.to_string();
            assert!(
                text.contains("not authorized") || text.contains("authorization denied"),
                "{text}"
            );
        };
        denied(
            c.execute("ATTACH ?1 AS o", [other.to_string_lossy()])
                .unwrap_err(),
        );
        denied(
            c.execute_batch(&format!("ATTACH '{}' AS o", other.display()))
                .unwrap_err(),
        );
        assert!(!other.exists());
        denied(c.execute_batch("DETACH main").unwrap_err());
        let copy = dir.path().join("copy.db");
        let name = copy.to_string_lossy().into_owned();
        denied(c.execute("VACUUM INTO ?1", [&name]).unwrap_err());
        assert!(!copy.exists());
        {
            let _scope = AttachAllowed::new(&other.to_string_lossy());
            denied(c.execute("VACUUM INTO ?1", [&name]).unwrap_err());
        }
        {
            let _scope = AttachAllowed::new(&name);
            c.execute("VACUUM INTO ?1", [&name]).unwrap();
            denied(
                c.execute_batch(&format!("ATTACH '{}' AS o", other.display()))
                    .unwrap_err(),
            );
        }
        assert!(copy.exists());
        denied(
            c.execute("ATTACH ?1 AS o", [other.to_string_lossy()])
                .unwrap_err(),
        );
    }

    /// A schema's function must be innocuous: `load_extension` and friends are refused in
    /// triggers, views and checks; the schema cannot be written through SQL.
    #[test]
    fn a_schema_cannot_call_unsafe_functions_nor_edit_itself() {
        let c = hardened();
        c.execute_batch(
            "CREATE TABLE t (a);
             CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT load_extension('/tmp/evil'); END;",
        )
        .unwrap();
        let e = c.execute("INSERT INTO t VALUES (1)", []).unwrap_err();
        assert!(
            e.to_string().contains("unsafe use of load_extension")
                || e.to_string().contains("not authorized"),
            "{e}"
        );
        c.execute_batch("PRAGMA writable_schema = ON").unwrap();
        let e = c
            .execute("UPDATE sqlite_master SET sql = 'x' WHERE name = 't'", [])
            .unwrap_err();
        assert!(e.to_string().contains("may not be modified"), "{e}");
    }
}
