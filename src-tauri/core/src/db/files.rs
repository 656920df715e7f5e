//! Files on disk: a new file written under a temporary name and published without ever
//! replacing another (hard link, or a rename that refuses to replace on FAT32 and exFAT);
//! the WAL companions; whether two paths are one file.

use crate::shared::error::{CoreError, CoreResult};
pub(crate) use crate::shared::files::temp_sibling;
use std::path::{Path, PathBuf};

/// `path` with `-wal`, `-shm` or `-journal` appended.
pub(crate) fn companion(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
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

/// Whether two paths name the same existing file (after resolving links and `..`).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
