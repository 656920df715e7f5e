//! A read-only look at a file before anything writes to it: is it a workspace, of which
//! schema version, with codes this build knows, its schema exactly the one Catalyse builds
//! ([`crate::db::schema`]), its pages intact.

use crate::db::connection::{register_functions, APPLICATION_ID, BUSY_TIMEOUT};
use crate::db::files::companion;
use crate::db::migrations::{CODES_TABLE_SINCE, SCHEMA_VERSION};
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::Path;

/// What a read-only look at a file tells before opening it for writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    pub application_id: i32,
    pub schema_version: i64,
    /// A code the file uses that this build's enums do not have, as (list, code): the file
    /// was written by a newer Catalyse.
    pub unknown_code: Option<(String, String)>,
    /// What makes the file's schema other than the one Catalyse's migrations build for its
    /// version (see [`crate::db::schema`]): the file is then refused before anything of it
    /// is read or run.
    pub foreign: Option<crate::db::schema::Finding>,
}

/// Maps an SQLite error met while opening `path` (reading its header, its schema, checking
/// it) to what the user should hear: a file SQLite cannot make sense of is damaged (with
/// SQLite's words), not a database error; a lock held elsewhere or a file that cannot be
/// opened keep their own meaning.
pub(crate) fn open_error(path: &Path, e: rusqlite::Error) -> CoreError {
    use rusqlite::ffi::ErrorCode;
    if let rusqlite::Error::SqliteFailure(f, msg) = &e {
        let said = || msg.clone().unwrap_or_else(|| e.to_string());
        match f.code {
            ErrorCode::NotADatabase => {
                return CoreError::NotAWorkspace {
                    path: path.to_path_buf(),
                }
            }
            ErrorCode::DatabaseBusy
            | ErrorCode::DatabaseLocked
            | ErrorCode::ReadOnly
            | ErrorCode::CannotOpen
            | ErrorCode::DiskFull
            | ErrorCode::OutOfMemory
            | ErrorCode::PermissionDenied
            | ErrorCode::OperationInterrupted => {}
            ErrorCode::SystemIoFailure
                if f.extended_code != rusqlite::ffi::SQLITE_IOERR_SHORT_READ => {}
            ErrorCode::SystemIoFailure => {
                return CoreError::Corrupt {
                    path: path.to_path_buf(),
                    detail: "il est tronqué (plus court que ce que son en-tête annonce)".into(),
                }
            }
            _ => {
                return CoreError::Corrupt {
                    path: path.to_path_buf(),
                    detail: format!("sa structure est abîmée (SQLite : {})", said()),
                }
            }
        }
    }
    CoreError::from(e)
}

/// Rolls back a write cut short in rollback-journal mode (an import killed midway, see
/// `Store::write_bulk_in_place`): it leaves a hot journal beside the file, which SQLite rolls
/// back at the first read of a connection that may write, and which a read-only connection
/// cannot roll back (it fails, and the file read as immutable would show half-written
/// pages). The journal holds the file's own pages as they were before the write; SQLite
/// checks it (its header, the checksum of each page) and ignores one that is not hot (a
/// writer still holds its lock). Nothing is done when there is no journal, or when the
/// file cannot be opened for writing (the read that follows then fails and says so).
pub(crate) fn roll_back_interrupted_write(path: &Path) -> CoreResult<()> {
    let pending = std::fs::metadata(companion(path, "-journal")).is_ok_and(|m| m.len() > 0);
    if !pending {
        return Ok(());
    }
    let Ok(mut conn) = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        return Ok(());
    };
    crate::db::guard::harden(&mut conn)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|e| open_error(path, e))?;
    Ok(())
}

/// Opens `path` read-only, without creating anything (a write cut short is rolled back
/// first: [`roll_back_interrupted_write`]).
pub fn open_read_only(path: &Path) -> CoreResult<Connection> {
    if !path.is_file() {
        return Err(CoreError::FileNotFound {
            path: path.to_path_buf(),
        });
    }
    roll_back_interrupted_write(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let no_journal_pending =
        || std::fs::metadata(companion(path, "-wal")).map_or(true, |m| m.len() == 0);
    let immutable = || {
        Connection::open_with_flags(
            format!("file:{}?immutable=1", uri_path(path)),
            flags | OpenFlags::SQLITE_OPEN_URI,
        )
    };
    // A write-protected file (no write permission at all) with no journal pending is read as
    // immutable: SQLite then creates no `-wal`/`-shm` beside it, which would inherit its
    // read-only mode and keep the workspace read-only after the user made it writable again.
    // (Decided from its mode, without opening it: closing a descriptor of a file this process
    // has open through SQLite would drop SQLite's POSIX locks on it.)
    let write_protected = std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly());
    let conn = if write_protected && no_journal_pending() {
        immutable().map_err(|e| open_error(path, e))?
    } else {
        let conn = Connection::open_with_flags(path, flags).map_err(|e| open_error(path, e))?;
        // In a folder where SQLite cannot create its `-shm` (read-only media), reading a WAL
        // file fails at the first query (`SQLITE_CANTOPEN` or `SQLITE_READONLY_CANTINIT`):
        // read it as immutable when nothing is pending.
        match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        }) {
            Err(rusqlite::Error::SqliteFailure(f, _))
                if matches!(
                    f.code,
                    rusqlite::ffi::ErrorCode::CannotOpen | rusqlite::ffi::ErrorCode::ReadOnly
                ) && no_journal_pending() =>
            {
                drop(conn);
                immutable().map_err(|e| open_error(path, e))?
            }
            _ => conn,
        }
    };
    let mut conn = conn;
    crate::db::guard::harden(&mut conn)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    register_functions(&conn)?;
    Ok(conn)
}

/// Opens `path` to check it ([`integrity_check`]) without changing it: read-write (SQLite
/// parses a table's `CHECK` constraints only on a connection that may write, so a read-only
/// one cannot verify them) but `query_only`, and without the checkpoint a last connection
/// makes when it closes, so that the file is left byte-identical, a WAL beside it included.
/// A file that cannot be opened for writing is checked read-only (its `CHECK`s then aside).
pub fn open_for_checking(path: &Path) -> CoreResult<Connection> {
    use rusqlite::config::DbConfig;
    let writable = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    );
    let Ok(mut conn) = writable else {
        return open_read_only(path);
    };
    crate::db::guard::harden(&mut conn)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    conn.pragma_update(None, "query_only", true)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    register_functions(&conn)?;
    // A file SQLite would only read (its header's write version, known once it is read):
    // checked read-only.
    conn.query_row("PRAGMA schema_version", [], |r| r.get::<_, i64>(0))
        .map_err(|e| open_error(path, e))?;
    if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) {
        drop(conn);
        return open_read_only(path);
    }
    Ok(conn)
}

/// `path` as the path part of an SQLite `file:` URI (the characters it gives a meaning to are
/// escaped).
fn uri_path(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::new();
    for c in abs.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

/// Reads the identity and schema version of a connection, mapping "not a database" errors.
pub fn inspect_connection(conn: &Connection, path: &Path) -> CoreResult<Inspection> {
    let application_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| open_error(path, e))?;
    let schema_version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| open_error(path, e))?;
    // The schema first: nothing of the file (not even a table read, which may compute a
    // generated column) before it is known to be Catalyse's.
    let ours = application_id == APPLICATION_ID && (0..=SCHEMA_VERSION).contains(&schema_version);
    let foreign = if ours {
        let objects = crate::db::schema::read(conn).map_err(|e| open_error(path, e))?;
        crate::db::schema::compare(&objects, schema_version)?
    } else {
        None
    };
    let unknown_code = if ours && foreign.is_none() && schema_version >= CODES_TABLE_SINCE {
        unknown_code(conn).map_err(|e| open_error(path, e))?
    } else {
        None
    };
    Ok(Inspection {
        application_id,
        schema_version,
        unknown_code,
        foreign,
    })
}

/// The first code of `code_value` that this build's enums do not have.
fn unknown_code(conn: &Connection) -> rusqlite::Result<Option<(String, String)>> {
    let lists = crate::shared::domain::code_lists();
    let mut st = conn.prepare("SELECT list, code FROM code_value ORDER BY list, code")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let (list, code): (String, String) = (r.get(0)?, r.get(1)?);
        let known = lists
            .iter()
            .any(|(name, codes)| *name == list && codes.contains(&code.as_str()));
        if !known {
            return Ok(Some((list, code)));
        }
    }
    Ok(None)
}

/// Checks that an inspected file is a workspace this build can open.
pub fn accept(path: &Path, i: &Inspection) -> CoreResult<()> {
    if i.application_id != APPLICATION_ID {
        return Err(CoreError::NotAWorkspace {
            path: path.to_path_buf(),
        });
    }
    if i.schema_version < 0 {
        return Err(CoreError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("son numéro de version ({}) n'existe pas", i.schema_version),
        });
    }
    if i.schema_version > SCHEMA_VERSION {
        return Err(CoreError::NewerSchema {
            path: path.to_path_buf(),
            found: i.schema_version,
            known: SCHEMA_VERSION,
        });
    }
    if let Some(finding) = &i.foreign {
        return Err(finding.error(path));
    }
    if let Some((list, code)) = &i.unknown_code {
        return Err(CoreError::NewerCodes {
            path: path.to_path_buf(),
            list: list.clone(),
            code: code.clone(),
        });
    }
    Ok(())
}

/// Checks a file before it is trusted: SQLite's `integrity_check` (the structure, every
/// index against its table, `NOT NULL` and `CHECK` constraints: a `quick_check` leaves
/// indexes and constraints out, so a file with an index that lies about its table passed
/// it) and `foreign_key_check` (no reference to a record that is not there). A damaged file
/// is reported as corrupt with what SQLite found (the first problems).
pub fn integrity_check(conn: &Connection, path: &Path) -> CoreResult<()> {
    let mut st = conn
        .prepare("PRAGMA integrity_check(5)")
        .map_err(|e| open_error(path, e))?;
    let found: Vec<String> = st
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| open_error(path, e))?;
    if found.len() != 1 || found[0] != "ok" {
        return Err(CoreError::Corrupt {
            path: path.to_path_buf(),
            detail: format!(
                "la vérification d'intégrité a échoué ({})",
                found.join(" ; ")
            ),
        });
    }
    let dangling: Option<(String, i64, String)> = conn
        .query_row(
            "SELECT \"table\", coalesce(rowid, 0), parent FROM pragma_foreign_key_check LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(|e| open_error(path, e))?;
    if let Some((table, row, parent)) = dangling {
        return Err(CoreError::Corrupt {
            path: path.to_path_buf(),
            detail: format!(
                "un enregistrement de « {table} » (ligne {row}) renvoie à un enregistrement de « {parent} » qui n'existe pas"
            ),
        });
    }
    Ok(())
}

/// Reads `path` without writing to it and tells whether it can be opened.
pub fn inspect(path: &Path) -> CoreResult<Inspection> {
    let conn = open_read_only(path)?;
    let i = inspect_connection(&conn, path)?;
    drop(conn);
    accept(path, &i)?;
    Ok(i)
}
