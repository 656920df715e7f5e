//! Opening a workspace file for writing: the writer lock, the file and its folder writable,
//! the WAL companions repaired, the integrity check, a backup before a migration, the
//! inspection again on the writable connection, the migration, WAL. Creating one: built under
//! a temporary name, published complete.

use crate::db::connection::{configure, register_functions, use_wal, APPLICATION_ID, BUSY_TIMEOUT};
use crate::db::files::{companion, publish, remove_db_files, temp_sibling};
use crate::db::inspect::{
    accept, inspect, inspect_connection, integrity_check, open_error, open_for_checking,
};
use crate::db::lock::{is_write_protected, WriterLock};
use crate::db::migrate::migrate;
use crate::db::migrations::SCHEMA_VERSION;
use crate::db::store::{insert_territory_and_project, Store};
use crate::project::NewWorkspace;
use crate::shared::domain::*;
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

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

impl Store {
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
        Store::open_with(path, &crate::workspace::paths::backups_root())
    }

    /// [`Store::open`], with the backup made before a migration going under `backups_root`
    /// (in the workspace's own folder there, see [`crate::workspace::backups::dir_for`]). The file's
    /// integrity is checked ([`integrity_check`]) before anything writes to it.
    pub fn open_with(path: &Path, backups_root: &Path) -> CoreResult<Store> {
        Store::open_checked(path, backups_root, true)
    }

    /// [`Store::open_with`]; `check` false skips the integrity check, for a file Catalyse
    /// closed cleanly and that is exactly as it left it (see [`crate::workspace::backups::ClosedState`]).
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
            crate::workspace::backups::backup_file(
                path,
                &crate::workspace::backups::dir_for(backups_root, path),
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
            bulk_in_place: false,
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
            crate::db::journal::install_hooks(&mut conn, &journal)?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            conn.pragma_update(None, "foreign_keys", true)?;
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
            migrate(&mut conn, &journal)?;
            let mut store = Store {
                conn,
                journal,
                path: Some(tmp.clone()),
                _lock: None,
                bulk_in_place: false,
            };
            fill(&mut store)?;
            store.conn.close().map_err(|(_, e)| CoreError::from(e))?;
            publish(&tmp, path)
        })();
        remove_db_files(&tmp);
        built?;
        Store::open(path)
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
}

#[cfg(test)]
#[path = "open_tests.rs"]
mod tests;
