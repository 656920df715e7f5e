//! Backups of a workspace: consistent snapshots (`VACUUM INTO`), their rotation, the list a
//! user restores from, and the restore itself.
//!
//! Invariants:
//! - a snapshot is written under a temporary name and renamed once complete, so a backup file
//!   is always a whole workspace;
//! - a restore never writes over a file without first making a backup of it, and replaces it
//!   by a rename (the old file or the new one, never a mix);
//! - a backup is checked (integrity, references, identity, schema) before it is restored;
//! - rotation only removes automatic snapshots, keeping the newest of each of the last
//!   [`KEEP_HOURLY`] hours, [`KEEP_DAILY`] days and [`KEEP_WEEKLY`] weeks; the backups made
//!   before a migration or a restore, and the ones asked for by hand, are kept.

use crate::db::store::{self, Store};
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::progress::{Phase, Progress};
use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};
use rusqlite::params;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use ts_rs::TS;

pub const KEEP_HOURLY: usize = 24;
pub const KEEP_DAILY: usize = 14;
pub const KEEP_WEEKLY: usize = 8;
/// Extension of backup files (they are ordinary workspaces).
const EXT: &str = "catalyse";
const STAMP: &str = "%Y%m%d-%H%M%S";

pub use crate::shared::domain::BackupReason;

/// The reason as written in file names (French, readable in a file manager).
fn suffix(r: BackupReason) -> &'static str {
    match r {
        BackupReason::Auto => "auto",
        BackupReason::BeforeMigration => "avant-migration",
        BackupReason::BeforeRestore => "avant-restauration",
        BackupReason::Manual => "manuelle",
    }
}

/// One backup as the restore screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BackupInfo {
    pub file_name: String,
    /// Full path (shown to the user, sent back to restore).
    pub path: String,
    /// When it was made, RFC 3339 UTC.
    pub created_at: String,
    pub reason: BackupReason,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Records of each kind (glossary plural → count); empty when the file is unreadable.
    #[ts(type = "Record<string, number>")]
    pub counts: BTreeMap<String, i64>,
    /// False when the file cannot be opened as a workspace (then it is not offered).
    pub readable: bool,
}

/// The folder holding the backups of `workspace` under `root`: one folder per workspace file,
/// named after it and a short hash of its full path (two `projet.catalyse` in different
/// folders do not share backups).
pub fn dir_for(root: &Path, workspace: &Path) -> PathBuf {
    let full = workspace
        .canonicalize()
        .unwrap_or_else(|_| workspace.to_path_buf());
    let stem = workspace
        .file_stem()
        .map(|s| crate::db::paths::slug(&s.to_string_lossy()))
        .unwrap_or_else(|| "espace".into());
    // FNV-1a: stable across runs and platforms (std's hasher is not).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in full.to_string_lossy().as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    root.join(format!("{stem}-{:08x}", h as u32))
}

fn file_name(at: DateTime<Utc>, reason: BackupReason) -> String {
    format!("{}-{}.{EXT}", at.format(STAMP), suffix(reason))
}

/// Reads the time and reason back from a backup's file name.
fn parse_name(name: &str) -> Option<(DateTime<Utc>, BackupReason)> {
    let stem = name.strip_suffix(&format!(".{EXT}"))?;
    let (stamp, reason) = stem.split_at_checked(15)?;
    let at = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?.and_utc();
    let reason = reason.strip_prefix('-')?;
    let reason = *BackupReason::ALL.iter().find(|r| suffix(**r) == reason)?;
    Some((at, reason))
}

/// Writes a consistent copy of the database behind `conn` to `target` (which must not exist):
/// `VACUUM INTO` a temporary sibling, then a rename.
fn vacuum_into(conn: &rusqlite::Connection, target: &Path) -> CoreResult<()> {
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = store::temp_sibling(target, "backup");
    let _ = std::fs::remove_file(&tmp);
    let res = {
        let target = tmp.to_string_lossy().into_owned();
        // `VACUUM INTO` attaches its target: this one file.
        let _attach = crate::db::guard::AttachAllowed::new(&target);
        conn.execute("VACUUM INTO ?1", params![target])
    }
    .map_err(CoreError::from)
    .and_then(|_| {
        // The copy is complete on disk before it takes its name.
        store::sync_file(&tmp)?;
        std::fs::rename(&tmp, target)?;
        Ok(())
    });
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    res
}

/// Makes a backup of the (closed or open) workspace file at `path` into `dir`, reading it
/// through a read-only connection: used before a migration and before a restore, when no
/// `Store` may be open on it.
pub fn backup_file(path: &Path, dir: &Path, reason: BackupReason) -> CoreResult<PathBuf> {
    let conn = store::open_read_only(path)?;
    let target = unique(dir, Utc::now(), reason);
    vacuum_into(&conn, &target)?;
    Ok(target)
}

/// Writes a backup of the workspace file `path` to `out` (replaced if it exists), reading it
/// through a read-only connection after checking it; returns the counts of what it holds.
/// Never over a workspace a Catalyse process has open (`locked`, `out` left as it was): the
/// rename would unlink it under that process, whose later changes would be lost.
pub fn backup_file_to(path: &Path, out: &Path) -> CoreResult<BTreeMap<String, i64>> {
    // Held until the rename is done.
    let _lock = if out.exists() {
        store::WriterLock::take(out)?
    } else {
        None
    };
    store::inspect(path)?;
    let conn = store::open_read_only(path)?;
    store::integrity_check(&conn, path)?;
    let counts = store::counts(&conn)?;
    let tmp = store::temp_sibling(out, "backup");
    let _ = std::fs::remove_file(&tmp);
    vacuum_into(&conn, &tmp)?;
    // A journal left beside a replaced workspace would be replayed into the new file.
    store::remove_companions(out);
    std::fs::rename(&tmp, out).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    Ok(counts)
}

/// Copies the workspace file `path`, which may be write-protected, to `target` (replaced if
/// it exists: the user confirmed in the save dialog), for the user to work on the copy. Never
/// over `path` itself nor over a workspace a Catalyse process has open.
pub fn writable_copy(path: &Path, target: &Path) -> CoreResult<BTreeMap<String, i64>> {
    if crate::db::paths::same_file(path, target) {
        return Err(CoreError::validation(
            "path",
            "copy.same_file",
            "Choisissez un autre fichier que l'espace de travail à copier.",
        ));
    }
    // `backup_file_to` takes `target`'s writer lock.
    backup_file_to(path, target)
}

/// What Catalyse knew of a workspace file when it last closed it cleanly: the file's size and
/// modification time, and whether its newest backup held every change. Kept beside the
/// backups (`etat.json`); a file found exactly as recorded needs neither the integrity check
/// of opening (Catalyse checked it when it opened it, and wrote it alone since) nor a new
/// backup at opening when the last one is up to date — which saves copying a large workspace
/// at every start.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClosedState {
    pub size: u64,
    /// Modification time, in nanoseconds since the epoch.
    pub modified: u128,
    /// Whether the newest backup in the folder holds every change.
    pub backed_up: bool,
}

const STATE_FILE: &str = "etat.json";

fn file_state(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    // A journal left beside the file: not closed cleanly.
    let wal = std::fs::metadata(store::companion(path, "-wal")).map_or(0, |m| m.len());
    (wal == 0).then_some((meta.len(), modified))
}

/// Records, after closing `path` cleanly, its state in its backup folder `dir`. Best effort:
/// without the record the next opening simply checks and backs up the file.
pub fn record_closed(dir: &Path, path: &Path, backed_up: bool) {
    let Some((size, modified)) = file_state(path) else {
        return;
    };
    let state = ClosedState {
        size,
        modified,
        backed_up,
    };
    let Ok(text) = serde_json::to_string(&state) else {
        return;
    };
    let tmp = dir.join(format!(".{STATE_FILE}.tmp"));
    if std::fs::create_dir_all(dir).is_ok() && std::fs::write(&tmp, text).is_ok() {
        let _ = std::fs::rename(&tmp, dir.join(STATE_FILE));
    }
}

/// The state recorded when `path` was last closed cleanly, if the file is still exactly so.
pub fn closed_as_recorded(dir: &Path, path: &Path) -> Option<ClosedState> {
    let text = std::fs::read_to_string(dir.join(STATE_FILE)).ok()?;
    let state: ClosedState = serde_json::from_str(&text).ok()?;
    let (size, modified) = file_state(path)?;
    (state.size == size && state.modified == modified).then_some(state)
}

/// Forgets the recorded state (the file is open: it will change).
pub fn forget_closed(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(STATE_FILE));
}

/// A workspace opened for writing by a one-off command (`catalyse import`, `person erase`…).
/// As in the app, a file found exactly as Catalyse last closed it cleanly is not checked again
/// (a whole-file check costs seconds on a département's network, at every command), and once
/// the command has closed it cleanly its state is recorded for the next opening; the newest
/// backup still holds it only if the command changed nothing.
pub struct CommandStore {
    store: Option<Store>,
    dir: PathBuf,
    path: PathBuf,
    backed_up: bool,
}

impl CommandStore {
    /// Opens `path` (migrating it, with a backup under `backups_root` first, if it is older).
    pub fn open(path: &Path, backups_root: &Path) -> CoreResult<CommandStore> {
        let dir = dir_for(backups_root, path);
        let closed = closed_as_recorded(&dir, path);
        let store = Store::open_checked(path, backups_root, closed.is_none())?;
        // Open: the file may change.
        forget_closed(&dir);
        Ok(CommandStore {
            store: Some(store),
            dir,
            path: path.to_path_buf(),
            backed_up: closed.is_some_and(|c| c.backed_up),
        })
    }
}

impl std::ops::Deref for CommandStore {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.store.as_ref().expect("open until dropped")
    }
}

impl std::ops::DerefMut for CommandStore {
    fn deref_mut(&mut self) -> &mut Store {
        self.store.as_mut().expect("open until dropped")
    }
}

impl Drop for CommandStore {
    fn drop(&mut self) {
        if let Some(store) = self.store.take() {
            let unchanged = store.changes_since_open() == 0;
            if store.close() {
                record_closed(&self.dir, &self.path, self.backed_up && unchanged);
            }
        }
    }
}

/// A backup path in `dir` for `at` whose time no other backup there has (a second backup in
/// the same second gets the next second's name), so that times order backups strictly.
fn unique(dir: &Path, at: DateTime<Utc>, reason: BackupReason) -> PathBuf {
    let taken: BTreeSet<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().chars().take(15).collect())
                .collect()
        })
        .unwrap_or_default();
    let mut at = at;
    while taken.contains(&at.format(STAMP).to_string()) {
        at += chrono::Duration::seconds(1);
    }
    dir.join(file_name(at, reason))
}

impl Store {
    /// Writes a backup of this workspace into `dir` and returns its path. Automatic ones are
    /// rotated afterwards.
    pub fn backup_into(&self, dir: &Path, reason: BackupReason) -> CoreResult<PathBuf> {
        self.backup_into_with(dir, reason, &Progress::none())
    }

    /// [`Store::backup_into`] reporting its progress (time elapsed: the size of a copy is not
    /// known beforehand); cancelled, the copy stops and nothing is left in `dir`.
    pub fn backup_into_with(
        &self,
        dir: &Path,
        reason: BackupReason,
        progress: &Progress,
    ) -> CoreResult<PathBuf> {
        progress.check()?;
        let target = unique(dir, Utc::now(), reason);
        let handle = self.conn.get_interrupt_handle();
        progress.watch(&handle, Phase::Copying, || vacuum_into(&self.conn, &target))?;
        if reason == BackupReason::Auto {
            rotate(dir)?;
        }
        Ok(target)
    }

    /// Writes a backup of this workspace to `target`, which must not exist.
    pub fn backup_to(&self, target: &Path) -> CoreResult<()> {
        if target.exists() {
            return Err(CoreError::AlreadyExists {
                path: target.to_path_buf(),
            });
        }
        vacuum_into(&self.conn, target)
    }

    /// How many changes this connection has written since it opened (to know whether a
    /// new automatic backup is worth making).
    pub fn changes_since_open(&self) -> u64 {
        self.conn.total_changes()
    }
}

/// The backups in `dir`, newest first. Files that do not look like backups are ignored.
pub fn list(dir: &Path) -> CoreResult<Vec<BackupInfo>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((at, reason)) = parse_name(&name) else {
            continue;
        };
        let path = entry.path();
        let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
        let counts = store::inspect(&path)
            .and_then(|_| store::open_read_only(&path))
            .and_then(|c| store::counts(&c));
        out.push(BackupInfo {
            file_name: name,
            path: path.to_string_lossy().into_owned(),
            created_at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            reason,
            bytes,
            readable: counts.is_ok(),
            counts: counts.unwrap_or_default(),
        });
    }
    out.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then(b.file_name.cmp(&a.file_name))
    });
    Ok(out)
}

/// The period a backup falls in (hour, day or ISO week), as comparable numbers.
type Bucket = dyn Fn(&DateTime<Utc>) -> (i32, u32, u32, u32);

/// Which automatic backups to keep: the newest of each hour, day and ISO week, for the
/// last [`KEEP_HOURLY`] hours, [`KEEP_DAILY`] days and [`KEEP_WEEKLY`] weeks that have one.
fn keep(times: &[DateTime<Utc>]) -> BTreeSet<DateTime<Utc>> {
    let mut sorted: Vec<DateTime<Utc>> = times.to_vec();
    sorted.sort_by(|a, b| b.cmp(a));
    let mut kept = BTreeSet::new();
    let buckets: [(usize, &Bucket); 3] = [
        (KEEP_HOURLY, &|t| (t.year(), t.month(), t.day(), t.hour())),
        (KEEP_DAILY, &|t| (t.year(), t.month(), t.day(), 0)),
        (KEEP_WEEKLY, &|t| {
            let w = t.iso_week();
            (w.year(), w.week(), 0, 0)
        }),
    ];
    for (count, bucket) in buckets {
        let mut seen = BTreeSet::new();
        for t in &sorted {
            if seen.len() >= count && !seen.contains(&bucket(t)) {
                break;
            }
            if seen.insert(bucket(t)) {
                kept.insert(*t);
            }
        }
    }
    kept
}

/// Removes the automatic backups in `dir` that the rotation no longer keeps; returns them.
pub fn rotate(dir: &Path) -> CoreResult<Vec<PathBuf>> {
    let autos: Vec<(DateTime<Utc>, PathBuf)> = list(dir)?
        .into_iter()
        .filter(|b| b.reason == BackupReason::Auto)
        .filter_map(|b| {
            DateTime::parse_from_rfc3339(&b.created_at)
                .ok()
                .map(|t| (t.with_timezone(&Utc), PathBuf::from(b.path)))
        })
        .collect();
    let kept = keep(&autos.iter().map(|(t, _)| *t).collect::<Vec<_>>());
    let mut removed = Vec::new();
    for (t, p) in autos {
        if !kept.contains(&t) {
            std::fs::remove_file(&p)?;
            removed.push(p);
        }
    }
    Ok(removed)
}

/// Checks that `backup` is a sound workspace this build can open: identity, schema version
/// and [`store::integrity_check`].
pub fn verify(backup: &Path) -> CoreResult<()> {
    verify_with(backup, &Progress::none())
}

/// [`verify`], reporting its progress (time elapsed) and stopping when cancelled.
fn verify_with(backup: &Path, progress: &Progress) -> CoreResult<()> {
    store::inspect(backup)?;
    let conn = store::open_for_checking(backup)?;
    let handle = conn.get_interrupt_handle();
    progress.watch(&handle, Phase::Checking, || {
        store::integrity_check(&conn, backup)
    })
}

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
    if crate::db::paths::same_file(backup, to) {
        return Err(CoreError::validation(
            "path",
            "restore.same_file",
            "La sauvegarde et la destination sont le même fichier.",
        ));
    }
    let mut previous = None;
    // Never under a Catalyse process that has `to` open: held until the rename is done.
    let _lock = if to.exists() {
        store::WriterLock::take(to)?
    } else {
        None
    };
    if to.exists() {
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
        previous = Some(match store::inspect(to) {
            // Damaged: kept byte for byte, as it is.
            Err(CoreError::Corrupt { .. }) => copy_bytes()?,
            // Not a workspace, or a newer one: never replaced.
            Err(e) => return Err(e),
            Ok(_) => match backup_file(to, safety_dir, BackupReason::BeforeRestore) {
                Ok(p) => p,
                Err(_) if verify(to).is_err() => copy_bytes()?,
                Err(e) => return Err(e),
            },
        });
    }
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // A clean copy of the backup (its own WAL, if any, folded in), then one rename.
    let tmp = store::temp_sibling(to, "restoring");
    let _ = std::fs::remove_file(&tmp);
    let mut erased_again = 0;
    let res = (|| -> CoreResult<()> {
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
        store::sync_file(&tmp)?;
        // Erasures made since the backup, recorded beside the backups: made again.
        let mut dirs = vec![safety_dir.to_path_buf()];
        if let Some(from) = backup.parent().filter(|d| *d != safety_dir) {
            dirs.push(from.to_path_buf());
        }
        erased_again = crate::safety::erasures::reapply_on_copy(&tmp, &dirs, safety_dir)?;
        // The last moment to stop: after this, `to` is replaced.
        progress.check()?;
        // Stale WAL files of the replaced workspace must not be applied to the restored one.
        for suffix in ["-wal", "-shm"] {
            let mut p = to.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
        std::fs::rename(&tmp, to)?;
        Ok(())
    })();
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        if matches!(e, CoreError::Cancelled) {
            // Nothing was replaced: the copy made for this restore is not needed.
            if let Some(p) = &previous {
                let _ = std::fs::remove_file(p);
            }
        }
        return Err(e);
    }
    Ok(RestoreOutcome {
        path: to.to_string_lossy().into_owned(),
        previous_saved_as: previous.map(|p| p.to_string_lossy().into_owned()),
        erased_again,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::domain::{ActorInput, NewWorkspace};
    use chrono::TimeZone;

    fn workspace(dir: &Path) -> (PathBuf, Store) {
        let path = dir.join("w.catalyse");
        let s = Store::create(
            &path,
            &NewWorkspace {
                territory_name: "Val".into(),
                territory_kind: "petr".into(),
                project_title: "Projet".into(),
            },
        )
        .unwrap();
        (path, s)
    }

    fn actor(s: &mut Store, name: &str) {
        s.create_actor(&ActorInput {
            name: name.into(),
            world: "state".into(),
            commune: String::new(),
            engagement: "informed".into(),
            notes: String::new(),
        })
        .unwrap();
    }

    /// A command records the state of the file it closed cleanly, as the app does; the app
    /// then opens it without a check (and backs it up again only if the command changed it),
    /// and a file changed by anyone else since is checked again (a damaged one refused).
    #[test]
    fn a_command_trusts_and_records_a_clean_close_as_the_app_does() {
        let dir = tempfile::TempDir::new().unwrap();
        let (path, s) = workspace(dir.path());
        drop(s);
        let root = dir.path().join("sauvegardes");
        let folder = dir_for(&root, &path);
        // The app opens it, backs it up, closes it: the newest backup holds it.
        let mut ws = crate::db::writer::Workspace::open_with_backups(&path, &root).unwrap();
        ws.wait_start_backup();
        drop(ws);
        assert!(closed_as_recorded(&folder, &path).unwrap().backed_up);
        // A command that only reads keeps it so.
        let c = CommandStore::open(&path, &root).unwrap();
        assert!(
            closed_as_recorded(&folder, &path).is_none(),
            "forgotten while open"
        );
        assert_eq!(c.counts().unwrap()["actors"], 0);
        drop(c);
        assert!(closed_as_recorded(&folder, &path).unwrap().backed_up);
        // A command that writes: recorded, not backed up.
        let mut c = CommandStore::open(&path, &root).unwrap();
        actor(&mut c, "Écrit par une commande");
        drop(c);
        assert!(!path.with_extension("catalyse-wal").exists());
        let state = closed_as_recorded(&folder, &path).unwrap();
        assert!(!state.backed_up);
        // The app backs it up at its next opening.
        let mut ws = crate::db::writer::Workspace::open_with_backups(&path, &root).unwrap();
        ws.wait_start_backup();
        drop(ws);
        assert_eq!(list(&folder).unwrap()[0].counts["actors"], 1);
        // Damaged after the record: the command checks it and refuses it, untouched.
        let mut bad = std::fs::read(&path).unwrap();
        for b in &mut bad[4096 * 2..4096 * 2 + 200] {
            *b = 0x5a;
        }
        std::fs::write(&path, &bad).unwrap();
        let refused = CommandStore::open(&path, &root);
        assert_eq!(refused.err().map(|e| e.kind()), Some("corrupt"));
        assert_eq!(std::fs::read(&path).unwrap(), bad, "left untouched");
    }

    #[test]
    fn a_backup_from_a_reader_reports_its_progress_and_a_cancelled_one_leaves_nothing() {
        use crate::shared::progress::{Phase, Progress};
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Arc, Mutex};
        let dir = tempfile::TempDir::new().unwrap();
        let (path, mut s) = workspace(dir.path());
        let actors: Vec<ActorInput> = (0..20_000)
            .map(|i| ActorInput {
                name: format!("Acteur {i}"),
                world: "state".into(),
                commune: String::new(),
                engagement: "informed".into(),
                notes: "x".repeat(200),
            })
            .collect();
        s.insert_actors_bulk(&actors).unwrap();
        // The window backs up on a reader, beside the writer.
        let reader = Store::open_reader(&path).unwrap();
        let out = dir.path().join("sauvegardes");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let p = seen.clone();
        let progress = Progress::new(Arc::new(AtomicBool::new(false)), move |e| {
            p.lock().unwrap().push(e)
        });
        let made = reader
            .backup_into_with(&out, BackupReason::Manual, &progress)
            .unwrap();
        verify(&made).unwrap();
        assert!(seen
            .lock()
            .unwrap()
            .iter()
            .all(|e| e.phase == Phase::Copying));
        // Cancelled: nothing is left beside the first backup.
        let cancel = Progress::new(Arc::new(AtomicBool::new(true)), |_| {});
        let e = reader
            .backup_into_with(&out, BackupReason::Manual, &cancel)
            .unwrap_err();
        assert_eq!(e.kind(), "cancelled");
        let left: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(left, [made]);
        // Cancelled while it copies: SQLite stops the copy, its temporary file goes.
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        let during = Progress::new(flag.clone(), move |_| f.store(true, Ordering::Relaxed));
        match reader.backup_into_with(&out, BackupReason::Manual, &during) {
            Err(e) => assert_eq!(e.kind(), "cancelled"),
            // The copy may finish before the watcher's first look: then it is whole.
            Ok(second) => verify(&second).unwrap(),
        }
        for entry in std::fs::read_dir(&out).unwrap() {
            let p = entry.unwrap().path();
            verify(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        }
    }

    #[test]
    fn a_cancelled_restore_replaces_nothing_and_keeps_no_copy() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        let dir = tempfile::TempDir::new().unwrap();
        let (path, mut s) = workspace(dir.path());
        actor(&mut s, "Avant");
        let backups = dir.path().join("sauvegardes");
        let made = s.backup_into(&backups, BackupReason::Manual).unwrap();
        actor(&mut s, "Après");
        drop(s);
        let before = std::fs::read(&path).unwrap();
        let safety = dir.path().join("avant-restauration");
        // Cancelled while the backup is checked, then once the copy has started.
        for stop_at in [Phase::Checking, Phase::Copying] {
            let flag = Arc::new(AtomicBool::new(false));
            let f = flag.clone();
            let progress = Progress::new(flag.clone(), move |e| {
                if e.phase == stop_at {
                    f.store(true, Ordering::Relaxed);
                }
            });
            match restore_with(&made, &path, true, &safety, &progress) {
                Err(e) => assert_eq!(e.kind(), "cancelled", "{stop_at:?}"),
                // A small copy may end before the watcher's first look: then it is whole.
                Ok(_) => break,
            }
            assert_eq!(std::fs::read(&path).unwrap(), before, "{stop_at:?}");
            let kept = std::fs::read_dir(&safety).map(|d| d.count()).unwrap_or(0);
            assert_eq!(kept, 0, "no copy kept after a cancel at {stop_at:?}");
        }
        // Not cancelled: restored, the replaced state kept.
        let out = restore_with(&made, &path, true, &safety, &Progress::none()).unwrap();
        assert!(out.previous_saved_as.is_some());
        let s = Store::open(&path).unwrap();
        assert_eq!(s.counts().unwrap()["actors"], 1);
    }

    #[test]
    fn a_copy_over_a_workspace_left_with_a_journal_is_not_mixed_with_it() {
        let dir = tempfile::TempDir::new().unwrap();
        let (src, mut s) = workspace(dir.path());
        actor(&mut s, "Source");
        drop(s);
        // A workspace whose writer died with transactions only in its journal.
        let old = dir.path().join("ancien.catalyse");
        let mut o = Store::create(
            &old,
            &NewWorkspace {
                territory_name: "Ancien".into(),
                territory_kind: "petr".into(),
                project_title: "Ancien projet".into(),
            },
        )
        .unwrap();
        o.conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        for i in 0..5 {
            actor(&mut o, &format!("Ancien {i}"));
        }
        let wal = dir.path().join("ancien.catalyse-wal");
        let kept = std::fs::read(&wal).unwrap();
        assert!(!kept.is_empty());
        drop(o);
        std::fs::write(&wal, kept).unwrap();

        writable_copy(&src, &old).unwrap();
        let copy = Store::open(&old).unwrap();
        assert_eq!(copy.header().unwrap().territory_name, "Val");
        let names: Vec<String> = copy
            .list_actors()
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, vec!["Source".to_string()]);
        let check: String = copy
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        // Never over the file itself.
        assert_eq!(
            writable_copy(&src, &src).unwrap_err().code(),
            Some("copy.same_file")
        );
    }

    #[test]
    fn names_carry_the_time_and_the_reason() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 5, 7).unwrap();
        let name = file_name(at, BackupReason::BeforeMigration);
        assert_eq!(name, "20260301-090507-avant-migration.catalyse");
        assert_eq!(parse_name(&name), Some((at, BackupReason::BeforeMigration)));
        assert_eq!(parse_name("notes.txt"), None);
        assert_eq!(parse_name("20260301-090507-inconnue.catalyse"), None);
    }

    #[test]
    fn backups_are_listed_newest_first_with_their_counts_and_restore_to_a_new_file() {
        let dir = tempfile::TempDir::new().unwrap();
        let (_path, mut s) = workspace(dir.path());
        let backups = dir.path().join("sauvegardes");
        actor(&mut s, "Mairie");
        let first = s.backup_into(&backups, BackupReason::Manual).unwrap();
        actor(&mut s, "Préfecture");
        let second = s.backup_into(&backups, BackupReason::Auto).unwrap();
        std::fs::write(backups.join("autre chose.txt"), b"x").unwrap();
        let list = list(&backups).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(PathBuf::from(&list[0].path), second);
        assert_eq!(list[0].counts["actors"], 2);
        assert_eq!(list[1].counts["actors"], 1);
        assert!(list.iter().all(|b| b.readable && b.bytes > 0));

        let restored = dir.path().join("restaurée.catalyse");
        let out = restore(&first, &restored, false, &backups).unwrap();
        assert_eq!(out.previous_saved_as, None);
        assert_eq!(
            Store::open(&restored).unwrap().counts().unwrap()["actors"],
            1
        );
        // An existing file is not replaced unless asked.
        let err = restore(&second, &restored, false, &backups).unwrap_err();
        assert_eq!(err.kind(), "already_exists");
    }

    #[test]
    fn restoring_over_a_workspace_keeps_it_first() {
        let dir = tempfile::TempDir::new().unwrap();
        let (path, mut s) = workspace(dir.path());
        let backups = dir.path().join("sauvegardes");
        actor(&mut s, "Mairie");
        let old = s.backup_into(&backups, BackupReason::Manual).unwrap();
        actor(&mut s, "Préfecture");
        drop(s);
        let out = restore(&old, &path, true, &backups).unwrap();
        let kept = PathBuf::from(out.previous_saved_as.unwrap());
        assert_eq!(Store::open(&path).unwrap().counts().unwrap()["actors"], 1);
        assert_eq!(Store::open(&kept).unwrap().counts().unwrap()["actors"], 2);
        assert!(kept
            .file_name()
            .unwrap()
            .to_string_lossy()
            .contains("avant-restauration"));
    }

    #[test]
    fn a_damaged_backup_is_refused_and_the_destination_untouched() {
        let dir = tempfile::TempDir::new().unwrap();
        let (path, s) = workspace(dir.path());
        let backups = dir.path().join("sauvegardes");
        let b = s.backup_into(&backups, BackupReason::Manual).unwrap();
        drop(s);
        let mut bytes = std::fs::read(&b).unwrap();
        let len = bytes.len();
        bytes.truncate(len / 2);
        std::fs::write(&b, &bytes).unwrap();
        let before = std::fs::read(&path).unwrap();
        assert!(restore(&b, &path, true, &backups).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let listed = list(&backups).unwrap();
        assert!(!listed[0].readable);
    }

    #[test]
    fn a_damaged_workspace_is_kept_byte_for_byte_and_replaced_by_the_backup() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("w.catalyse");
        let backups = dir.path().join("sauvegardes");
        let good = {
            let s = crate::demo::write_demo(&path).unwrap();
            let b = s.backup_into(&backups, BackupReason::Auto).unwrap();
            s.conn
                .pragma_update(None, "journal_mode", "DELETE")
                .unwrap();
            b
        };
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[8 * 4096 + 100..12 * 4096].fill(0x5A);
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(verify(&path).unwrap_err().kind(), "corrupt");
        let out = restore(&good, &path, true, &backups).unwrap();
        let kept = PathBuf::from(out.previous_saved_as.unwrap());
        assert_eq!(
            std::fs::read(&kept).unwrap(),
            bytes,
            "the damaged file, as it was"
        );
        verify(&path).unwrap();
        assert!(Store::open(&path).unwrap().counts().unwrap()["decision_notes"] == 2);
    }

    #[test]
    fn rotation_keeps_hours_days_and_weeks() {
        let now = Utc.with_ymd_and_hms(2026, 6, 30, 12, 0, 0).unwrap();
        // One backup every 20 minutes for 120 days.
        let times: Vec<DateTime<Utc>> = (0..120 * 72)
            .map(|i| now - chrono::Duration::minutes(20 * i))
            .collect();
        let kept = keep(&times);
        let hours: BTreeSet<_> = kept
            .iter()
            .filter(|t| now - **t < chrono::Duration::hours(24))
            .map(|t| (t.day(), t.hour()))
            .collect();
        assert_eq!(hours.len(), 24, "one per hour for the last 24 hours");
        let days: BTreeSet<_> = kept.iter().map(|t| t.ordinal()).collect();
        assert!(days.len() >= 14);
        assert!(kept.len() <= KEEP_HOURLY + KEEP_DAILY + KEEP_WEEKLY);
        assert!(kept.contains(&now), "the newest is always kept");
        let oldest_kept = kept.iter().next().unwrap();
        // The newest of the eighth ISO week back (weeks start on Monday; `now` is a Tuesday).
        assert!(
            now - *oldest_kept > chrono::Duration::weeks(6),
            "weeks back"
        );
        assert!(now - *oldest_kept < chrono::Duration::weeks(8));
    }

    #[test]
    fn rotation_only_removes_automatic_backups() {
        let dir = tempfile::TempDir::new().unwrap();
        let (path, s) = workspace(dir.path());
        drop(s);
        let backups = dir.path().join("b");
        std::fs::create_dir_all(&backups).unwrap();
        let base = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        for i in 0..40 {
            let at = base + chrono::Duration::minutes(10 * i);
            std::fs::copy(&path, backups.join(file_name(at, BackupReason::Auto))).unwrap();
        }
        std::fs::copy(
            &path,
            backups.join(file_name(base, BackupReason::BeforeMigration)),
        )
        .unwrap();
        let removed = rotate(&backups).unwrap();
        assert!(!removed.is_empty());
        let left = list(&backups).unwrap();
        assert!(left
            .iter()
            .any(|b| b.reason == BackupReason::BeforeMigration));
        // 40 backups over 6h40: one per hour remains (7 hours).
        assert_eq!(
            left.iter()
                .filter(|b| b.reason == BackupReason::Auto)
                .count(),
            7
        );
    }

    #[test]
    fn the_backup_folder_depends_on_the_full_path() {
        let a = dir_for(Path::new("/r"), Path::new("/x/Projet Été.catalyse"));
        let b = dir_for(Path::new("/r"), Path::new("/y/Projet Été.catalyse"));
        assert_ne!(a, b);
        assert!(a
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("projet-ete-"));
    }
}
