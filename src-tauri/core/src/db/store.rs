//! The workspace file: opening, creating, migrating, and the queries on it.
//!
//! Invariants:
//! - a file is inspected read-only before anything writes to it: a file that is not a Catalyse
//!   workspace, or whose schema is newer than [`SCHEMA_VERSION`], is refused byte-identical;
//! - every connection runs with WAL, `foreign_keys = ON` and a busy timeout;
//! - every change that touches more than one row runs in one transaction;
//! - a new file appears at its final path only once it is complete.

use crate::db::migrations::{
    CODED_COLUMNS, CODES_TABLE_SINCE, COUNTED_TABLES, MIGRATIONS, SCHEMA_VERSION,
};
use crate::history::journal::Journal;
use crate::shared::domain::*;
use crate::shared::error::{CoreError, CoreResult};
use chrono::{NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `PRAGMA application_id` of every Catalyse workspace ("CTLY").
pub const APPLICATION_ID: i32 = 0x4354_4C59;
/// How long a writer waits for a lock held by another connection.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

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

/// An open workspace. Owned by exactly one writer (see [`crate::db::writer`]).
pub struct Store {
    pub(crate) conn: Connection,
    /// Who writes, and the change set of the current transaction (see [`crate::history`]).
    pub(crate) journal: Journal,
    path: Option<PathBuf>,
    /// The writer lock on the file, released after the connection closes (fields drop in
    /// order).
    _lock: Option<WriterLock>,
}

/// An exclusive lock on a workspace's lock file (`.<name>.verrou` beside it), held by the one
/// process that writes to it. The OS releases it when the process ends, even if killed.
pub struct WriterLock {
    _file: std::fs::File,
}

impl WriterLock {
    /// Takes the lock of `path`, or says who holds it. A lock file left by another user is
    /// locked through a read-only handle (a lock needs no write access). A folder where the
    /// lock file cannot be created is a read-only folder: SQLite could not create its journal
    /// there either, so the workspace is refused as read-only. On a file system without locks
    /// there is nothing to take: `None`.
    pub fn take(path: &Path) -> CoreResult<Option<WriterLock>> {
        let lock_path = lock_path(path);
        let file = match std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
        {
            Ok(f) => f,
            Err(e) if is_write_protected(&e) => match std::fs::File::open(&lock_path) {
                Ok(f) => f,
                Err(_) => {
                    return Err(CoreError::ReadOnlyFile {
                        path: path.to_path_buf(),
                    })
                }
            },
            Err(e) => return Err(e.into()),
        };
        match file.try_lock() {
            Ok(()) => Ok(Some(WriterLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Err(CoreError::Locked {
                path: path.to_path_buf(),
            }),
            Err(std::fs::TryLockError::Error(_)) => Ok(None),
        }
    }
}

/// True for the errors of a file or folder that may not be written: its mode, an immutable
/// flag (`EPERM`), or read-only media.
fn is_write_protected(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
    )
}

/// Refuses, before anything is written, a workspace file that cannot be opened for writing.
/// (SQLite would silently open it read-only and fail at the first save.)
fn ensure_writable(path: &Path) -> CoreResult<()> {
    let refused = |e: std::io::Error| {
        if is_write_protected(&e) {
            CoreError::ReadOnlyFile {
                path: path.to_path_buf(),
            }
        } else {
            e.into()
        }
    };
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(refused)?;
    Ok(())
}

/// Refuses a workspace in a folder where SQLite could not create its journal (read-only
/// folder or media), unless the journal files are already there.
fn ensure_folder_writable(path: &Path) -> CoreResult<()> {
    if companion(path, "-wal").exists() && companion(path, "-shm").exists() {
        return Ok(());
    }
    let probe = temp_sibling(path, "essai");
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) if is_write_protected(&e) => Err(CoreError::ReadOnlyFile {
            path: path.to_path_buf(),
        }),
        // Left by an earlier run with the same process id: the folder is writable.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// The lock file of a workspace: a hidden sibling.
pub fn lock_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "espace".into());
    path.with_file_name(format!(".{name}.verrou"))
}

/// Maps an SQLite error met while opening `path` (reading its header, its schema, checking
/// it) to what the user should hear: a file SQLite cannot make sense of is damaged (with
/// SQLite's words), not a database error; a lock held elsewhere or a file that cannot be
/// opened keep their own meaning.
fn open_error(path: &Path, e: rusqlite::Error) -> CoreError {
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

/// Opens `path` read-only, without creating anything.
pub fn open_read_only(path: &Path) -> CoreResult<Connection> {
    if !path.is_file() {
        return Err(CoreError::FileNotFound {
            path: path.to_path_buf(),
        });
    }
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

/// `path` with `-wal`, `-shm` or `-journal` appended.
pub(crate) fn companion(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
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

/// Before opening for writing (with the writer lock held): a `-wal` or `-shm` left
/// write-protected beside a writable file (made by a read-only access, by another user or
/// another tool) would make SQLite open the workspace read-only. It is given the file's
/// permissions, or removed when that loses nothing (an index, an empty journal). A journal
/// holding transactions that cannot be made writable is refused as read-only.
fn repair_companions(path: &Path) -> CoreResult<()> {
    let mode = std::fs::metadata(path)?.permissions();
    for suffix in ["-wal", "-shm"] {
        let p = companion(path, suffix);
        let Ok(meta) = std::fs::metadata(&p) else {
            continue;
        };
        match std::fs::OpenOptions::new().write(true).open(&p) {
            Ok(_) => continue,
            Err(e) if is_write_protected(&e) => {}
            Err(e) => return Err(e.into()),
        }
        if std::fs::set_permissions(&p, mode.clone()).is_ok()
            && std::fs::OpenOptions::new().write(true).open(&p).is_ok()
        {
            continue;
        }
        if (suffix == "-shm" || meta.len() == 0) && std::fs::remove_file(&p).is_ok() {
            continue;
        }
        return Err(CoreError::ReadOnlyFile {
            path: path.to_path_buf(),
        });
    }
    Ok(())
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

/// A new record identity: a UUID version 7 (a millisecond timestamp, then random bits; this
/// process's identities increase), as `catalyse_uid()` gives it.
pub fn new_uid() -> String {
    uuid::Uuid::now_v7().hyphenated().to_string()
}

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
    crate::history::journal::register(conn, &journal)?;
    Ok(journal)
}

fn configure(conn: &mut Connection) -> CoreResult<Journal> {
    crate::db::guard::harden(conn)?;
    let journal = register_functions(conn)?;
    crate::history::journal::install_hooks(conn, &journal)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(journal)
}

/// Switches a configured, migrated connection to WAL (a persistent setting, written in the
/// file's header: done only once the file is accepted and migrated, so that a file refused
/// on the way is left byte-identical). In-memory databases answer "memory".
fn use_wal(conn: &Connection) -> CoreResult<()> {
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
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
fn migrate(conn: &mut Connection, journal: &Journal) -> CoreResult<()> {
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
            crate::db::migrations::apply(&tx, index)?;
        }
        let triggers = crate::history::journal::sync_triggers(&tx)?;
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

pub(crate) fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// Puts the file at `path`, just written and closed, on disk (before it takes its final
/// name). Opened for writing: Windows flushes a file only through a handle that may write
/// (`FlushFileBuffers` on a read-only handle is « access denied »).
pub(crate) fn sync_file(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)?
        .sync_all()
}

/// A sibling of `path` used while a file is being written, before it takes its final name.
pub(crate) fn temp_sibling(path: &Path, what: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "espace".into());
    path.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

/// Gives a completed temporary file its final name. A hard link fails if `path` appeared
/// meanwhile: nothing is ever overwritten. Where the file system has no hard links (FAT32 and
/// exFAT: a workspace on a USB key), the file is renamed instead, by a rename that refuses to
/// replace a file ([`rename_no_replace`]). The caller removes the temporary name (gone
/// already after a rename).
pub(crate) fn publish(tmp: &Path, path: &Path) -> CoreResult<()> {
    let refused = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CoreError::AlreadyExists {
                path: path.to_path_buf(),
            }
        } else {
            CoreError::Io(e)
        }
    };
    match std::fs::hard_link(tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if hard_links_unsupported(&e) => rename_no_replace(tmp, path).map_err(refused),
        Err(e) => Err(refused(e)),
    }
}

/// Whether a failed hard link says the file system has none (rather than that the name is
/// taken or the folder not writable): Linux's vfat and exfat answer `EPERM`, other file
/// systems `EOPNOTSUPP` or `ENOSYS`; Windows on FAT32 or exFAT `ERROR_INVALID_FUNCTION`
/// (`ERROR_NOT_SUPPORTED` elsewhere). `EPERM` is also a refusal of the folder's permissions:
/// the rename tried next then fails with the real reason.
fn hard_links_unsupported(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::Unsupported {
        return true;
    }
    let Some(code) = e.raw_os_error() else {
        return false;
    };
    #[cfg(unix)]
    let unsupported = [libc::EPERM, libc::ENOTSUP, libc::EOPNOTSUPP, libc::ENOSYS];
    // ERROR_INVALID_FUNCTION, ERROR_NOT_SUPPORTED.
    #[cfg(windows)]
    let unsupported = [1, 50];
    #[cfg(not(any(unix, windows)))]
    let unsupported: [i32; 0] = [];
    unsupported.contains(&code)
}

/// Renames `from` to `to`, failing with `AlreadyExists` if `to` exists: atomically where the
/// system offers it (Linux `renameat2(RENAME_NOREPLACE)`, which vfat and exfat support;
/// Windows `MoveFileExW` without `MOVEFILE_REPLACE_EXISTING`), otherwise by
/// [`rename_if_absent`].
#[cfg(target_os = "linux")]
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (c_from, c_to) = (c_path(from)?, c_path(to)?);
    // SAFETY: two NUL-terminated paths that live across the call; no other pointer.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            c_from.as_ptr(),
            libc::AT_FDCWD,
            c_to.as_ptr(),
            libc::RENAME_NOREPLACE,
        )
    };
    if done == 0 {
        return Ok(());
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        // A kernel older than 3.15, or a file system that does not take the flag (FUSE
        // drivers without rename2: exfat-fuse, fusefat; some network file systems).
        Some(libc::EINVAL | libc::ENOSYS) => rename_if_absent(from, to),
        _ => Err(e),
    }
}

#[cfg(windows)]
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::os::windows::ffi::OsStrExt;
    #[link(name = "kernel32")]
    extern "system" {
        fn MoveFileExW(existing: *const u16, new: *const u16, flags: u32) -> i32;
    }
    let wide = |p: &Path| -> Vec<u16> { p.as_os_str().encode_wide().chain([0]).collect() };
    let (w_from, w_to) = (wide(from), wide(to));
    // Without MOVEFILE_REPLACE_EXISTING, the move fails (ERROR_ALREADY_EXISTS) if `to` exists.
    // SAFETY: two NUL-terminated UTF-16 paths that live across the call.
    if unsafe { MoveFileExW(w_from.as_ptr(), w_to.as_ptr(), 0) } != 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(any(target_os = "linux", windows)))]
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    rename_if_absent(from, to)
}

/// Renames `from` to `to` if nothing is at `to`, for systems and file systems with neither
/// hard links nor a rename that refuses to replace. Not atomic: a file another program
/// creates at `to` between the check and the rename is replaced by `from` (a rename replaces
/// silently). What stays open is that instant, for a name Catalyse has just found free (a new
/// workspace, a workspace JSON import, both checked for an existing file before they start).
#[cfg(not(windows))]
fn rename_if_absent(from: &Path, to: &Path) -> std::io::Result<()> {
    if std::fs::symlink_metadata(to).is_ok() {
        return Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists));
    }
    std::fs::rename(from, to)
}

/// The renames `publish` falls back on (on a file system with hard links here: the FAT ones
/// are tested by the integration test `usb_key`).
#[cfg(all(test, unix))]
mod publish_tests {
    use super::*;

    #[test]
    fn the_renames_without_hard_links_never_replace_a_file() {
        let dir = tempfile::TempDir::new().unwrap();
        let (from, to) = (dir.path().join("tmp"), dir.path().join("final"));
        for rename in [rename_no_replace, rename_if_absent] {
            std::fs::write(&from, "new").unwrap();
            std::fs::write(&to, "kept").unwrap();
            let e = rename(&from, &to).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists, "{e}");
            assert_eq!(std::fs::read_to_string(&to).unwrap(), "kept");
            assert!(from.exists());
            std::fs::remove_file(&to).unwrap();
            rename(&from, &to).unwrap();
            assert_eq!(std::fs::read_to_string(&to).unwrap(), "new");
            assert!(!from.exists());
            std::fs::remove_file(&to).unwrap();
        }
        // A link refused by the file system is told from a name already taken.
        let eperm = std::io::Error::from_raw_os_error(libc::EPERM);
        assert!(hard_links_unsupported(&eperm));
        let eexist = std::io::Error::from_raw_os_error(libc::EEXIST);
        assert!(!hard_links_unsupported(&eexist));
    }
}

/// Removes the `-wal`, `-shm` and `-journal` of `path`, ignoring what is not there.
pub(crate) fn remove_companions(path: &Path) {
    for suffix in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(companion(path, suffix));
    }
}

/// Removes a temporary database and its WAL companions, ignoring what is already gone.
pub(crate) fn remove_db_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(companion(path, suffix));
    }
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
        })
    }

    /// Opens a workspace to read it (a command that only reads: analytics, lists, exports):
    /// without the writer lock, so it works while the workspace is open in the app, and
    /// without the integrity check that guards writes. A file of an older schema is opened
    /// as for writing, to be migrated first.
    pub fn open_for_reading(path: &Path) -> CoreResult<Store> {
        let found = inspect(path)?;
        if found.schema_version < SCHEMA_VERSION {
            return Store::open(path);
        }
        Store::open_reader(path)
    }

    /// Opens an existing workspace for reading and writing, migrating it if it is older.
    /// Refuses, without writing a byte, a file that is not a workspace or is newer.
    pub fn open(path: &Path) -> CoreResult<Store> {
        Store::open_with(path, &crate::db::paths::backups_root())
    }

    /// [`Store::open`], with the backup made before a migration going under `backups_root`
    /// (in the workspace's own folder there, see [`crate::safety::backup::dir_for`]). The file's
    /// integrity is checked ([`integrity_check`]) before anything writes to it.
    pub fn open_with(path: &Path, backups_root: &Path) -> CoreResult<Store> {
        Store::open_checked(path, backups_root, true)
    }

    /// [`Store::open_with`]; `check` false skips the integrity check, for a file Catalyse
    /// closed cleanly and that is exactly as it left it (see [`crate::safety::backup::ClosedState`]).
    pub fn open_checked(path: &Path, backups_root: &Path, check: bool) -> CoreResult<Store> {
        let found = inspect(path)?;
        // One writer: refused while another Catalyse process has it open. The file itself is
        // opened (for the checks below) only once the lock is ours, so never while this
        // process has it open through SQLite, whose POSIX locks a close would drop.
        let lock = WriterLock::take(path)?;
        ensure_writable(path)?;
        repair_companions(path)?;
        ensure_folder_writable(path)?;
        if check {
            let checking = open_for_checking(path)?;
            integrity_check(&checking, path)?;
        }
        if found.schema_version < SCHEMA_VERSION && found.schema_version > 0 {
            // An older format: keep a copy as it was before changing it.
            crate::safety::backup::backup_file(
                path,
                &crate::safety::backup::dir_for(backups_root, path),
                BackupReason::BeforeMigration,
            )?;
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| open_error(path, e))?;
        // Checked again on the writable connection: the file may have changed in between.
        let i = inspect_connection(&conn, path)?;
        accept(path, &i)?;
        // A writable file that SQLite opens read-only: its header announces a format that
        // this SQLite may read but not write (write version above 2).
        if conn.is_readonly(rusqlite::MAIN_DB)? {
            return Err(CoreError::Corrupt {
                path: path.to_path_buf(),
                detail: "son en-tête annonce un format de fichier que Catalyse ne sait pas écrire"
                    .into(),
            });
        }
        let journal = configure(&mut conn).map_err(|e| match e {
            CoreError::Database(_) => CoreError::Corrupt {
                path: path.to_path_buf(),
                detail: e.to_string(),
            },
            other => other,
        })?;
        // A file whose records the migrations cannot carry (a value its new rules refuse,
        // damage quick_check does not see) is refused: the migration rolled back whole.
        migrate(&mut conn, &journal).map_err(|e| match e {
            CoreError::Database(d) => CoreError::Corrupt {
                path: path.to_path_buf(),
                detail: format!("la mise à jour de son format a échoué (SQLite : {d})"),
            },
            other => other,
        })?;
        use_wal(&conn)?;
        Ok(Store {
            conn,
            journal,
            path: Some(path.to_path_buf()),
            _lock: lock,
        })
    }

    /// Creates a new workspace at `path` (which must not exist), migrated to the current schema
    /// and filled by `fill`. The file is built under a temporary name and appears at `path`
    /// only once complete, so a failure anywhere leaves nothing behind.
    pub fn create_with(
        path: &Path,
        fill: impl FnOnce(&mut Store) -> CoreResult<()>,
    ) -> CoreResult<Store> {
        if path.exists() {
            return Err(CoreError::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = temp_sibling(path, "creating");
        remove_db_files(&tmp);
        let built = (|| -> CoreResult<()> {
            let mut conn = Connection::open(&tmp)?;
            crate::db::guard::harden(&mut conn)?;
            let journal = register_functions(&conn)?;
            crate::history::journal::install_hooks(&mut conn, &journal)?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            conn.pragma_update(None, "foreign_keys", true)?;
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
            migrate(&mut conn, &journal)?;
            let mut store = Store {
                conn,
                journal,
                path: Some(tmp.clone()),
                _lock: None,
            };
            fill(&mut store)?;
            store.conn.close().map_err(|(_, e)| CoreError::from(e))?;
            publish(&tmp, path)
        })();
        remove_db_files(&tmp);
        built?;
        Store::open(path)
    }

    /// The journaling state of this workspace's connection: who writes, the label of the
    /// next change set (see [`crate::history::journal`]).
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Creates a workspace for a new territory and project.
    pub fn create(path: &Path, new: &NewWorkspace) -> CoreResult<Store> {
        let v = new.validate()?;
        Store::create_with(path, |store| {
            let tx = store.conn.transaction()?;
            insert_territory_and_project(
                &tx,
                &v.territory_name,
                v.territory_kind,
                &v.project_title,
            )?;
            tx.commit()?;
            Ok(())
        })
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
            if crate::db::paths::same_file(current, target) {
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
    for (key, table) in COUNTED_TABLES {
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
        out.insert((*key).to_string(), n);
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

#[cfg(test)]
mod tests {
    use super::*;
    use tempfile::TempDir;

    fn new_ws() -> NewWorkspace {
        NewWorkspace {
            territory_name: "PETR du Haut-Verdanson".into(),
            territory_kind: "petr".into(),
            project_title: "Projet de territoire 2030".into(),
        }
    }

    fn actor_input(name: &str) -> ActorInput {
        ActorInput {
            name: name.into(),
            world: "association".into(),
            commune: "Larrieu".into(),
            engagement: "involved".into(),
            notes: "".into(),
        }
    }

    #[test]
    fn create_then_reopen_keeps_header_and_actors() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("ws.catalyse");
        let mut s = Store::create(&path, &new_ws()).unwrap();
        let a = s.create_actor(&actor_input("Foyer rural")).unwrap();
        assert_eq!(a.world, World::Association);
        drop(s);
        let s = Store::open(&path).unwrap();
        assert_eq!(s.header().unwrap().territory_name, "PETR du Haut-Verdanson");
        assert_eq!(s.header().unwrap().status, ProjectStatus::Drafting);
        assert_eq!(s.list_actors().unwrap(), vec![a]);
        let mode: String = s
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: bool = s
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert!(fk);
        // No temporary file left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.') && !n.ends_with(".verrou"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }

    #[test]
    fn create_refuses_an_existing_file() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("ws.catalyse");
        std::fs::write(&path, b"precious").unwrap();
        let e = Store::create(&path, &new_ws()).err().unwrap();
        assert_eq!(e.kind(), "already_exists");
        assert_eq!(std::fs::read(&path).unwrap(), b"precious");
    }

    #[test]
    fn invalid_new_workspace_writes_no_file() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("ws.catalyse");
        let mut nw = new_ws();
        nw.territory_name = " ".into();
        assert_eq!(
            Store::create(&path, &nw).err().unwrap().kind(),
            "validation"
        );
        assert!(!path.exists());
    }

    #[test]
    fn newer_schema_is_refused_byte_identical() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("ws.catalyse");
        drop(Store::create(&path, &new_ws()).unwrap());
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .unwrap();
            c.pragma_update(None, "journal_mode", "DELETE").unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let e = Store::open(&path).err().unwrap();
        assert_eq!(e.kind(), "newer_schema");
        assert!(e.to_string().contains("version plus récente"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert!(!dir.path().join("ws.catalyse-wal").exists());
    }

    /// A code a newer Catalyse added to an enum (and so to the file's `code_value`) is not
    /// something this build could read back: the file is refused, for writing and for
    /// reading, and left byte-identical.
    #[test]
    fn a_code_from_a_newer_catalyse_is_refused_byte_identical() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("ws.catalyse");
        drop(Store::create(&path, &new_ws()).unwrap());
        {
            let c = Connection::open(&path).unwrap();
            c.execute("INSERT INTO code_value VALUES ('World', 'culture')", [])
                .unwrap();
            c.pragma_update(None, "journal_mode", "DELETE").unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let e = Store::open(&path).err().unwrap();
        assert_eq!(e.kind(), "newer_codes");
        assert!(e.to_string().contains("« culture » (World)"), "{e}");
        let e = Store::open_for_reading(&path).err().unwrap();
        assert_eq!(e.kind(), "newer_codes");
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert!(!dir.path().join("ws.catalyse-wal").exists());
    }

    /// A code an older workspace lacks (added to an enum since) is added when it is opened.
    #[test]
    fn codes_added_to_an_enum_since_are_added_on_open() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("ws.catalyse");
        drop(Store::create(&path, &new_ws()).unwrap());
        {
            let c = Connection::open(&path).unwrap();
            c.execute(
                "DELETE FROM code_value WHERE list = 'World' AND code = 'network'",
                [],
            )
            .unwrap();
        }
        let s = Store::open(&path).unwrap();
        let n: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM code_value WHERE list = 'World'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, crate::shared::domain::World::ALL.len() as i64);
    }

    #[test]
    fn a_damaged_page_is_found_on_open_and_the_file_left_untouched() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("ws.catalyse");
        {
            let s = crate::demo::write_demo(&path).unwrap();
            s.conn
                .pragma_update(None, "journal_mode", "DELETE")
                .unwrap();
        }
        let mut bytes = std::fs::read(&path).unwrap();
        let page: usize = 4096;
        assert!(bytes.len() > 20 * page);
        // Scribble over the middle of the file, leaving the header (page 1) intact.
        for b in &mut bytes[10 * page + 100..12 * page] {
            *b = 0x5A;
        }
        std::fs::write(&path, &bytes).unwrap();
        let root = dir.path().join("sauvegardes");
        let e = Store::open_with(&path, &root).err().unwrap();
        assert_eq!(e.kind(), "corrupt", "{e}");
        assert!(e.to_string().contains("restaurez une sauvegarde"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "left byte-identical");
    }

    #[test]
    fn a_database_locked_by_another_program_is_reported_and_usable_once_released() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("occupe.catalyse");
        let mut s = Store::create(&path, &new_ws()).unwrap();
        s.create_actor(&actor_input("Avant")).unwrap();
        s.conn.busy_timeout(Duration::from_millis(200)).unwrap();
        // Another program (a database browser, a sync tool) holds the write lock.
        let other = Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let e = s.create_actor(&actor_input("Pendant")).unwrap_err();
        assert_eq!(e.kind(), "busy", "{e}");
        assert!(
            e.to_string().contains("occupé par un autre programme"),
            "{e}"
        );
        assert!(e.to_string().contains("n'a pas été enregistrée"), "{e}");
        other.execute_batch("ROLLBACK").unwrap();
        drop(other);
        s.create_actor(&actor_input("Après")).unwrap();
        let names: Vec<String> = s
            .list_actors()
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names.len(), 2);
        assert!(names.contains(&"Avant".to_string()) && names.contains(&"Après".to_string()));
    }

    #[test]
    fn a_full_disk_is_reported_in_french_and_what_was_committed_stays() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("plein.catalyse");
        let mut s = crate::demo::write_demo(&path).unwrap();
        let before = s.counts().unwrap();
        // Fault injection: the file may not grow any more, as on a full disk.
        let pages: i64 = s
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        s.conn.pragma_update(None, "max_page_count", pages).unwrap();
        let mut csv = String::from("Nom;Monde;Commune\n");
        for i in 0..3000 {
            csv.push_str(&format!(
                "Association numéro {i} avec un nom assez long;Association / ESS;Commune {i}\n"
            ));
        }
        let e = s
            .import(
                crate::exchange::ExchangeKind::Actors,
                csv.as_bytes(),
                crate::exchange::tabular::FileFormat::Csv,
                false,
            )
            .unwrap_err();
        assert_eq!(e.kind(), "disk_full", "{e}");
        assert!(e.to_string().contains("le disque est plein"), "{e}");
        assert!(e.to_string().contains("intactes"), "{e}");
        assert_eq!(s.counts().unwrap(), before, "nothing half-written");
        let check: String = s
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        // Space again: the workspace is usable at once.
        s.conn
            .pragma_update(None, "max_page_count", 1_073_741_823)
            .unwrap();
        s.create_actor(&actor_input("Après le disque plein"))
            .unwrap();
        assert_eq!(s.counts().unwrap()["actors"], before["actors"] + 1);
    }

    #[test]
    fn a_second_writer_is_refused_until_the_first_closes() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("ws.catalyse");
        let first = Store::create(&path, &new_ws()).unwrap();
        let e = Store::open(&path).err().unwrap();
        assert_eq!(e.kind(), "locked");
        assert!(e.to_string().contains("déjà ouvert"), "{e}");
        // Reading is still possible: a check, a backup.
        inspect(&path).unwrap();
        let copy = dir.path().join("copie.catalyse");
        crate::safety::backup::backup_file_to(&path, &copy).unwrap();
        // A restore or a save-as over it is refused, and the file is unchanged.
        let before = first.counts().unwrap();
        let e =
            crate::safety::backup::restore(&copy, &path, true, &dir.path().join("b")).unwrap_err();
        assert_eq!(e.kind(), "locked");
        assert_eq!(
            Store::open_in_memory()
                .unwrap()
                .save_copy(&path)
                .unwrap_err()
                .kind(),
            "locked"
        );
        assert_eq!(first.counts().unwrap(), before);
        drop(first);
        let again = Store::open(&path).unwrap();
        assert_eq!(again.counts().unwrap(), before);
    }

    #[test]
    fn an_older_workspace_is_backed_up_before_it_is_migrated() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("ancien.catalyse");
        let old = SCHEMA_VERSION - 1;
        {
            let mut c = Connection::open(&path).unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            register_functions(&c).unwrap();
            let tx = c.transaction().unwrap();
            for index in 0..old as usize {
                crate::db::migrations::apply(&tx, index).unwrap();
            }
            tx.pragma_update(None, "user_version", old).unwrap();
            tx.commit().unwrap();
        }
        let root = dir.path().join("sauvegardes");
        let s = Store::open_with(&path, &root).unwrap();
        assert_eq!(
            s.conn
                .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
                .unwrap(),
            SCHEMA_VERSION
        );
        let backups =
            crate::safety::backup::list(&crate::safety::backup::dir_for(&root, &path)).unwrap();
        assert_eq!(backups.len(), 1);
        assert_eq!(backups[0].reason, BackupReason::BeforeMigration);
        // Migration 9 edited the schema in place: it reads back whole, without its CHECKs
        // of codes, and every connection sees it so.
        integrity_check(&s.conn, &path).unwrap();
        let actor: String = open_read_only(&path)
            .unwrap()
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'actor'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(!actor.contains("world IN"), "{actor}");
        let c = open_read_only(std::path::Path::new(&backups[0].path)).unwrap();
        assert_eq!(inspect_connection(&c, &path).unwrap().schema_version, old);
        // Opening it again (current) makes no further backup.
        drop(s);
        drop(Store::open_with(&path, &root).unwrap());
        assert_eq!(
            crate::safety::backup::list(&crate::safety::backup::dir_for(&root, &path))
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn other_sqlite_file_is_not_a_workspace_and_stays_untouched() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("other.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        assert_eq!(Store::open(&path).err().unwrap().kind(), "not_a_workspace");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn garbage_and_empty_files_are_not_workspaces() {
        let dir = TempDir::new().unwrap();
        let garbage = dir.path().join("notes.txt");
        std::fs::write(&garbage, "Ceci n'est pas une base SQLite, mais un texte assez long pour dépasser l'en-tête de cent octets d'une base SQLite.").unwrap();
        let e = Store::open(&garbage).err().unwrap();
        assert_eq!(e.kind(), "not_a_workspace", "{e}");
        let empty = dir.path().join("empty.catalyse");
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(Store::open(&empty).err().unwrap().kind(), "not_a_workspace");
        assert_eq!(std::fs::read(&empty).unwrap(), b"");
        let missing = dir.path().join("missing.catalyse");
        assert_eq!(
            Store::open(&missing).err().unwrap().kind(),
            "file_not_found"
        );
        assert!(!missing.exists());
    }

    #[test]
    fn corrupt_file_is_reported() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("ws.catalyse");
        let mut s = Store::create(&path, &new_ws()).unwrap();
        for i in 0..200 {
            s.create_actor(&actor_input(&format!("Acteur {i}")))
                .unwrap();
        }
        drop(s);
        // Overwrite the second half of the file with noise, keeping the header.
        let mut bytes = std::fs::read(&path).unwrap();
        let half = bytes.len() / 2;
        for (i, b) in bytes[half..].iter_mut().enumerate() {
            *b = (i * 31 % 251) as u8;
        }
        std::fs::write(&path, &bytes).unwrap();
        let report = crate::safety::check::check(&path);
        assert!(!report.healthy, "{report:?}");
    }

    #[test]
    fn a_version_1_workspace_is_migrated_keeping_its_data() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("v1.catalyse");
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            c.execute_batch(MIGRATIONS[0]).unwrap();
            c.pragma_update(None, "user_version", 1).unwrap();
            c.execute_batch(
                "INSERT INTO territory (id,name,kind) VALUES (1,'T','petr');
                 INSERT INTO project (id,territory_id,title,status) VALUES (1,1,'P','adopted');
                 INSERT INTO actor (name,world,engagement,created_at,updated_at)
                   VALUES ('Scierie','business','partner','2024-01-01T00:00:00Z','2024-01-01T00:00:00Z');",
            )
            .unwrap();
        }
        let report = crate::safety::check::check(&path);
        assert!(report.healthy, "{:?}", report.problems);
        assert_eq!(report.counts.get("actors"), Some(&1));
        assert_eq!(report.counts.get("needs"), None);
        assert!(report.notes[0].contains("mis à jour"));
        let s = Store::open(&path).unwrap();
        assert_eq!(s.list_actors().unwrap()[0].name, "Scierie");
        assert_eq!(s.counts().unwrap()["needs"], 0);
        let v: i64 = s
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
    }

    #[test]
    fn older_schema_is_migrated_in_place() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("v0.catalyse");
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
        }
        let s = Store::open(&path).unwrap();
        let v: i64 = s
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
    }

    #[test]
    fn schema_constraints_hold_even_without_validation() {
        let s = Store::open_in_memory().unwrap();
        let bad_world = s.conn.execute(
            "INSERT INTO actor (name, world, engagement, created_at, updated_at) VALUES ('A','mars','lead','t','t')",
            [],
        );
        assert!(bad_world.is_err());
        let empty_name = s.conn.execute(
            "INSERT INTO actor (name, world, engagement, created_at, updated_at) VALUES ('','state','lead','t','t')",
            [],
        );
        assert!(empty_name.is_err());
        let second_project = s.conn.execute(
            "INSERT INTO project (id, territory_id, title, status) VALUES (2, 1, 'x', 'adopted')",
            [],
        );
        assert!(second_project.is_err());
    }

    #[test]
    fn save_copy_writes_an_openable_workspace() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("a.catalyse");
        let mut s = Store::create(&path, &new_ws()).unwrap();
        s.create_actor(&actor_input("Ressourcerie")).unwrap();
        let copy = dir.path().join("b.catalyse");
        std::fs::write(&copy, b"old content").unwrap();
        s.save_copy(&copy).unwrap();
        let c = Store::open(&copy).unwrap();
        assert_eq!(c.list_actors().unwrap().len(), 1);
        assert_eq!(s.save_copy(&path).err().unwrap().kind(), "validation");
    }
}
