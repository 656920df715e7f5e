//! The writer lock: one process writes to a workspace, the others are told who holds it.

use crate::shared::error::{CoreError, CoreResult};
use std::path::{Path, PathBuf};

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

/// The lock file of a workspace: a hidden sibling.
pub fn lock_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "espace".into());
    path.with_file_name(format!(".{name}.verrou"))
}

/// True for the errors of a file or folder that may not be written: its mode, an immutable
/// flag (`EPERM`), or read-only media.
pub(crate) fn is_write_protected(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
    )
}
