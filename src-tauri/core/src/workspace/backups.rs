//! Backups of a workspace: consistent snapshots (`VACUUM INTO`), their rotation, the list a
//! user restores from (the restore itself is [`crate::safety::backup`]'s).
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
        .map(|s| crate::workspace::paths::slug(&s.to_string_lossy()))
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
    if crate::workspace::paths::same_file(path, target) {
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
pub(crate) fn unique(dir: &Path, at: DateTime<Utc>, reason: BackupReason) -> PathBuf {
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
pub(crate) fn verify_with(backup: &Path, progress: &Progress) -> CoreResult<()> {
    store::inspect(backup)?;
    let conn = store::open_for_checking(backup)?;
    let handle = conn.get_interrupt_handle();
    progress.watch(&handle, Phase::Checking, || {
        store::integrity_check(&conn, backup)
    })
}

#[cfg(test)]
#[path = "backups_tests.rs"]
mod tests;
