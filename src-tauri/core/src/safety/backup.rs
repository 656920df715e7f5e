//! Restoring a backup: checked whole first, the file it replaces backed up, replaced by a
//! rename, the erasures made since re-applied. The backups themselves are the workspace
//! layer's ([`crate::workspace::backups`], re-exported here).
//!
//! Invariants:
//! - a restore never writes over a file without first making a backup of it, and replaces it
//!   by a rename (the old file or the new one, never a mix);
//! - a backup is checked (integrity, references, identity, schema) before it is restored.

use crate::db::store;
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::progress::{Phase, Progress};
pub use crate::workspace::backups::*;
use crate::workspace::backups::{unique, verify_with};
use chrono::Utc;
use rusqlite::params;
use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RestoreOutcome {
    /// The restored workspace.
    pub path: String,
    /// The backup made of the file that was replaced, if one was.
    pub previous_saved_as: Option<String>,
    /// People erased (RGPD) since the backup was made, erased again in the restored
    /// workspace (not named).
    #[ts(type = "number")]
    pub erased_again: usize,
}

/// Restores `backup` to `to`. If `to` exists it is replaced only when `replace` is true, after
/// a backup of it into `safety_dir`. Nothing may have `to` open meanwhile (the app closes it
/// first).
pub fn restore(
    backup: &Path,
    to: &Path,
    replace: bool,
    safety_dir: &Path,
) -> CoreResult<RestoreOutcome> {
    restore_with(backup, to, replace, safety_dir, &Progress::none())
}

/// [`restore`], reporting its progress (checking the backup, then copying it) and stopping
/// when cancelled: `to` is then left as it was, and the copy of it made for this restore is
/// removed.
pub fn restore_with(
    backup: &Path,
    to: &Path,
    replace: bool,
    safety_dir: &Path,
    progress: &Progress,
) -> CoreResult<RestoreOutcome> {
    verify_with(backup, progress)?;
    if crate::workspace::paths::same_file(backup, to) {
        return Err(CoreError::validation(
            "path",
            "restore.same_file",
            "La sauvegarde et la destination sont le même fichier.",
        ));
    }
    // Never under a Catalyse process that has `to` open: held until the rename is done.
    let _lock = if to.exists() {
        store::WriterLock::take(to)?
    } else {
        None
    };
    let previous = keep_replaced(to, replace, safety_dir)?;
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // A clean copy of the backup (its own WAL, if any, folded in), then one rename.
    let tmp = store::temp_sibling(to, "restoring");
    let _ = std::fs::remove_file(&tmp);
    let erased_again = match copy_in(backup, to, &tmp, safety_dir, progress) {
        Ok(erased_again) => erased_again,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            if matches!(e, CoreError::Cancelled) {
                // Nothing was replaced: the copy made for this restore is not needed.
                if let Some(p) = &previous {
                    let _ = std::fs::remove_file(p);
                }
            }
            return Err(e);
        }
    };
    Ok(RestoreOutcome {
        path: to.to_string_lossy().into_owned(),
        previous_saved_as: previous.map(|p| p.to_string_lossy().into_owned()),
        erased_again,
    })
}

/// Before `to` is replaced: refused unless `replace`, and kept in `safety_dir` (see
/// [`restore`]); the copy made of it, if `to` exists.
fn keep_replaced(to: &Path, replace: bool, safety_dir: &Path) -> CoreResult<Option<PathBuf>> {
    if !to.exists() {
        return Ok(None);
    }
    if !replace {
        return Err(CoreError::AlreadyExists {
            path: to.to_path_buf(),
        });
    }
    // The file being replaced must be a workspace (never overwrite another kind of file)
    // and is kept first. A damaged one is copied byte for byte instead.
    let copy_bytes = || -> CoreResult<PathBuf> {
        std::fs::create_dir_all(safety_dir)?;
        let target = unique(safety_dir, Utc::now(), BackupReason::BeforeRestore);
        std::fs::copy(to, &target)?;
        Ok(target)
    };
    Ok(Some(match store::inspect(to) {
        // Damaged: kept byte for byte, as it is.
        Err(CoreError::Corrupt { .. }) => copy_bytes()?,
        // Not a workspace, or a newer one: never replaced.
        Err(e) => return Err(e),
        Ok(_) => match backup_file(to, safety_dir, BackupReason::BeforeRestore) {
            Ok(p) => p,
            Err(_) if verify(to).is_err() => copy_bytes()?,
            Err(e) => return Err(e),
        },
    }))
}

/// A clean copy of `backup` made at `tmp` (its own WAL, if any, folded in), the erasures made
/// since it re-applied to it, then renamed to `to`; how many people were erased again.
fn copy_in(
    backup: &Path,
    to: &Path,
    tmp: &Path,
    safety_dir: &Path,
    progress: &Progress,
) -> CoreResult<usize> {
    progress.check()?;
    let src = store::open_read_only(backup)?;
    let handle = src.get_interrupt_handle();
    progress.watch(&handle, Phase::Copying, || {
        let target = tmp.to_string_lossy().into_owned();
        let _attach = crate::db::guard::AttachAllowed::new(&target);
        src.execute("VACUUM INTO ?1", params![target])
            .map_err(CoreError::from)
    })?;
    drop(src);
    store::sync_file(tmp)?;
    // Erasures made since the backup, recorded beside the backups: made again.
    let mut dirs = vec![safety_dir.to_path_buf()];
    if let Some(from) = backup.parent().filter(|d| *d != safety_dir) {
        dirs.push(from.to_path_buf());
    }
    let erased_again = crate::safety::erasures::reapply_on_copy(tmp, &dirs, safety_dir)?;
    // The last moment to stop: after this, `to` is replaced.
    progress.check()?;
    // Stale WAL files of the replaced workspace must not be applied to the restored one.
    for suffix in ["-wal", "-shm"] {
        let mut p = to.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    std::fs::rename(tmp, to)?;
    Ok(erased_again)
}
