//! Compaction: the change files every device of the team has received are folded into a new
//! snapshot and removed from the shared folder, with the older snapshots, so that the folder
//! stays small and an erased person leaves no byte in it. A device that stopped syncing holds
//! the files it has not received; a person can drop it from the team (a file in `retraits/`,
//! written once), after which it no longer holds anything back.
//!
//! What a device has received is what the header of its newest change file says (`seen`);
//! a laptop that receives changes and makes none writes files without change sets to say so
//! ([`crate::share::sync`]). A device's files are removed up to its last file with change
//! sets that every other device has received, and its later files without change sets too
//! once every change set of it has reached everyone, but for its newest file (it says what
//! the device has received): a laptop behind on them skips them, the new snapshot proving
//! they held nothing it lacks ([`crate::share::folded`]). Nothing after the points of the snapshots
//! already in the folder and made in the last seven days is folded: a laptop may have joined
//! from one of them without being heard of yet (its first file not arrived).

use crate::db::store::Store;
use crate::share::folder::{inside, write_once};
use crate::share::format::{read, Expected, Reading};
use crate::share::fs::Access;
use crate::share::listing::{list, Listing};
use crate::share::retry::with_retries;
use crate::share::snapshot::{self, SNAPSHOTS};
use crate::share::space::{devices, seen_vector, write_snapshot, DeviceState};
use crate::shared::domain::{forbidden_control, valid_uid};
use crate::shared::error::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// How long a laptop that joined from a snapshot has to be heard of (its first file to reach
/// the folder) before a compaction folds files after that snapshot: seven days.
pub const JOIN_GRACE_MS: i64 = 7 * 24 * 3600 * 1000;

/// The folder of the devices dropped from the team, inside the shared folder.
pub const DROPPED: &str = "retraits";

/// A device dropped from the team, as its file in [`DROPPED`] says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DroppedFile {
    pub format: i64,
    pub workspace: String,
    pub device: String,
    /// The device's name then, and the name of the laptop whose user dropped it.
    pub name: String,
    pub by: String,
    /// When (ISO 8601).
    pub at: String,
}

/// What a compaction did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CompactReport {
    /// The new snapshot (relative to the shared folder).
    pub snapshot: String,
    /// Change files folded into it and removed (the sync tools' copies of them included).
    pub removed_files: usize,
    /// Older snapshots removed.
    pub removed_snapshots: usize,
    /// Change files left (not received by every device yet, or written after).
    pub kept_files: usize,
    /// The folder's size before and after (bytes).
    #[ts(type = "number")]
    pub bytes_before: u64,
    #[ts(type = "number")]
    pub bytes_after: u64,
    /// The devices that have not received everything yet (their names): they keep files in
    /// the folder until they sync, or until a person drops them from the team.
    pub holding_back: Vec<String>,
    /// Files that could not be removed (held open by a sync tool): removed next time.
    pub failed: usize,
    /// Files every device has received, kept a few days for a laptop that may have joined
    /// from a recent snapshot without being heard of yet.
    pub held_for_joiners: usize,
}

fn dropped_name(device: &str) -> String {
    format!("{DROPPED}/{}.json", device.replace('-', ""))
}

/// The devices dropped from space `workspace` in `folder`: identity → (name, dropped by).
/// Files that are not Catalyse's, or of another space, are ignored.
pub fn dropped_devices(
    folder: &Path,
    workspace: &str,
) -> CoreResult<BTreeMap<String, DroppedFile>> {
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(inside(folder, DROPPED)) else {
        return Ok(out);
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let strict = name.len() == 37
            && name.ends_with(".json")
            && name[..32]
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !strict || entry.metadata().map_or(true, |m| m.len() > 4_096) {
            continue;
        }
        let Ok(bytes) = std::fs::read(entry.path()) else {
            continue;
        };
        let Ok(file) = serde_json::from_slice::<DroppedFile>(&bytes) else {
            continue;
        };
        let sound = file.format == 1
            && file.workspace == workspace
            && valid_uid("device", &file.device).is_ok()
            && dropped_name(&file.device) == format!("{DROPPED}/{name}")
            && [&file.name, &file.by, &file.at]
                .iter()
                .all(|t| t.chars().count() <= 200 && forbidden_control(t).is_none());
        if sound {
            out.insert(file.device.clone(), file);
        }
    }
    Ok(out)
}

/// The size in bytes of every file under `dir`.
pub fn folder_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => folder_bytes(&e.path()),
            Ok(_) => e.metadata().map_or(0, |m| m.len()),
            Err(_) => 0,
        })
        .sum()
}

fn unreachable(folder: &Path) -> CoreError {
    CoreError::validation(
        "folder",
        "share.unreachable",
        format!(
            "Le dossier partagé « {} » est injoignable pour l'instant (hors ligne, clé débranchée ?).",
            folder.display()
        ),
    )
}

impl Store {
    /// Drops device `device` from the team (it stopped syncing): it no longer keeps files in
    /// the folder, and it is told to join the space again if it comes back.
    pub fn share_drop_device(&mut self, device: &str) -> CoreResult<()> {
        let space = self.require_space()?;
        if !space.folder.is_dir() {
            return Err(unreachable(&space.folder));
        }
        valid_uid("device", device)?;
        if device == space.device {
            return Err(CoreError::validation(
                "device",
                "share.drop_self",
                "Cet ordinateur ne peut pas se retirer lui-même de l'équipe.",
            ));
        }
        let states = devices(&self.conn, &space.device)?;
        let Some(state) = states.iter().find(|d| d.device == device) else {
            return Err(CoreError::validation(
                "device",
                "share.unknown_device",
                "Cet ordinateur ne fait pas partie de l'équipe.",
            ));
        };
        let file = DroppedFile {
            format: 1,
            workspace: space.workspace.clone(),
            device: device.to_string(),
            name: state.name.clone(),
            by: space.device_name.clone(),
            at: crate::db::store::now(),
        };
        if dropped_devices(&space.folder, &space.workspace)?.contains_key(device) {
            return Ok(());
        }
        let bytes = serde_json::to_vec_pretty(&file).expect("a dropped file always serialises");
        write_once(&space.folder, &dropped_name(device), &bytes)?;
        Ok(())
    }

    /// The devices dropped from the team, by identity.
    pub fn share_dropped(&self) -> CoreResult<Vec<String>> {
        let Some(space) = self.share_space()? else {
            return Ok(Vec::new());
        };
        Ok(dropped_devices(&space.folder, &space.workspace)?
            .into_keys()
            .collect())
    }

    /// Folds the change files every device has received into a new snapshot and removes
    /// them, with the older snapshots (see the module's doc). Exchanges with the folder first.
    pub fn share_compact(&mut self) -> CoreResult<CompactReport> {
        self.share_compact_with(JOIN_GRACE_MS)
    }

    /// [`Store::share_compact`], the snapshots made in the last `grace` milliseconds bounding
    /// what is folded (tests: 0).
    pub(crate) fn share_compact_with(&mut self, grace: i64) -> CoreResult<CompactReport> {
        let space = self.require_space()?;
        let folder = space.folder.clone();
        if !folder.is_dir() {
            return Err(unreachable(&folder));
        }
        let bytes_before = folder_bytes(&folder);
        let exchanged = self.sync_acknowledging()?;
        if exchanged.unreachable {
            return Err(unreachable(&folder));
        }
        let me = space.device.clone();
        let dropped = dropped_devices(&folder, &space.workspace)?;
        let states: HashMap<String, DeviceState> = devices(&self.conn, &me)?
            .into_iter()
            .map(|d| (d.device.clone(), d))
            .collect();
        let listing = list(&Access::disk(), &folder)?;
        let (received, files_of) = self.received(&space.workspace, &me, &states, &listing)?;
        let mut active: Vec<&String> = states
            .keys()
            .chain(listing.changes.keys())
            .filter(|d| !dropped.contains_key(*d))
            .collect();
        active.sort();
        active.dedup();
        let holding_back = holding_back(&me, &active, &states, &dropped, &received);
        // A laptop may have joined from a snapshot of the folder without being heard of yet:
        // nothing after the points of the snapshots there is folded.
        let bound = snapshot_points(&folder, &space.workspace, grace);
        let at: HashMap<String, i64> = states.iter().map(|(d, s)| (d.clone(), s.at)).collect();
        let fold = Folding {
            active: &active,
            received: &received,
            at: &at,
            bound: bound.as_ref(),
        };
        let mut remove: Vec<PathBuf> = Vec::new();
        let mut held_for_joiners = 0;
        let mut folded_to: HashMap<String, u64> = HashMap::new();
        for (device, files) in &files_of {
            let newest = listing
                .changes
                .get(device)
                .and_then(|f| f.keys().next_back().copied());
            let (to, held) = fold.device(device, files, newest);
            held_for_joiners += held;
            if let Some(to) = to {
                folded_to.insert(device.clone(), to);
                remove.extend(files.iter().filter(|f| f.0 <= to).map(|f| f.1.clone()));
            }
        }
        remove.extend(folded_extras(&listing, &folded_to));
        // The snapshot first, on disk: what is removed next is in it.
        let snapshot = write_snapshot(&self.conn, &folder, &space.workspace, &me)?;
        let mut report = CompactReport {
            snapshot: snapshot
                .strip_prefix(&folder)
                .unwrap_or(&snapshot)
                .to_string_lossy()
                .replace('\\', "/"),
            holding_back,
            held_for_joiners,
            bytes_before,
            ..CompactReport::default()
        };
        remove_folded(&folder, &snapshot, &remove, &mut report);
        report.kept_files = list(&Access::disk(), &folder)?
            .changes
            .values()
            .map(BTreeMap::len)
            .sum();
        report.bytes_after = folder_bytes(&folder);
        Ok(report)
    }

    /// What each device has received of the others (a device: what the header of its newest
    /// readable file says; this laptop: what it has applied), and, for each device, the files
    /// this laptop has applied with the clock of their newest change set, by number.
    fn received(
        &self,
        workspace: &str,
        me: &str,
        states: &HashMap<String, DeviceState>,
        listing: &Listing,
    ) -> CoreResult<(Received, HashMap<String, Vec<FileAt>>)> {
        let mut received: Received = HashMap::new();
        received.insert(me.to_string(), seen_vector(&self.conn, me)?);
        let mut files_of = HashMap::new();
        for (device, files) in &listing.changes {
            let applied = states.get(device).map_or(0, |s| s.seq);
            let mut read_files = Vec::new();
            for (seq, path) in files {
                let Ok(bytes) = with_retries(3, || Ok(std::fs::read(path)?)) else {
                    continue;
                };
                let expect = Expected {
                    workspace,
                    schema: crate::SCHEMA_VERSION,
                    device: Some(device),
                    seq: Some(*seq),
                };
                if let Reading::Valid(file) = read(&bytes, &expect) {
                    if *seq <= applied {
                        read_files.push((*seq, path.clone(), file.body.sets.last().map(|s| s.at)));
                    }
                    if device != me {
                        received.insert(device.clone(), file.header.seen.clone());
                    }
                }
            }
            read_files.sort_by_key(|f| f.0);
            files_of.insert(device.clone(), read_files);
        }
        Ok((received, files_of))
    }
}

/// What each device has received of each other's: device → device → clock.
type Received = HashMap<String, BTreeMap<String, i64>>;

/// A change file this laptop has applied: its number, its path, and the clock of its newest
/// change set (none: a file that only says what its device received).
type FileAt = (u64, PathBuf, Option<i64>);

/// The names (or identities) of the active devices that have not received everything the
/// others made, in order: they hold back the files they miss.
fn holding_back(
    me: &str,
    active: &[&String],
    states: &HashMap<String, DeviceState>,
    dropped: &BTreeMap<String, DroppedFile>,
    received: &Received,
) -> Vec<String> {
    let mut out = Vec::new();
    for d in active.iter().filter(|d| d.as_str() != me) {
        let got = received.get(*d);
        let behind = states.iter().any(|(e, s)| {
            e != *d
                && !dropped.contains_key(e)
                && s.at > got.and_then(|g| g.get(e)).copied().unwrap_or(0)
        });
        if behind {
            let name = states.get(*d).map(|s| s.name.clone()).unwrap_or_default();
            out.push(if name.is_empty() { (*d).clone() } else { name });
        }
    }
    out.sort();
    out
}

/// What decides how far each device's files are folded.
struct Folding<'a> {
    active: &'a [&'a String],
    received: &'a Received,
    /// The clock of each device's newest change set this laptop holds.
    at: &'a HashMap<String, i64>,
    /// The snapshots' points a late joiner may have started from (none: no bound).
    bound: Option<&'a HashMap<String, u64>>,
}

impl Folding<'_> {
    /// How far `device`'s files (in order of number) are folded: up to its last file with
    /// change sets every other active device has received, within the snapshots' bound
    /// (none: nothing); and how many more files the bound holds for a laptop that may have
    /// joined from a recent snapshot.
    fn device(&self, device: &str, files: &[FileAt], newest: Option<u64>) -> (Option<u64>, usize) {
        let folded = self
            .active
            .iter()
            .filter(|d| d.as_str() != device)
            .map(|d| {
                self.received
                    .get(*d)
                    .and_then(|g| g.get(device))
                    .copied()
                    .unwrap_or(0)
            })
            .min()
            .unwrap_or(i64::MAX);
        let most = self
            .bound
            .map_or(u64::MAX, |b| b.get(device).copied().unwrap_or(0));
        // Every change set of the device this laptop holds has reached every other device: its
        // files that only say what it received are folded too (the snapshot written now
        // proves to a laptop behind on them that they held nothing it lacks:
        // [`crate::share::folded`]), but for its newest, which says what it has received.
        let all_received = self.at.get(device).copied().unwrap_or(0) <= folded;
        let mut end = files.first().map_or(0, |f| f.0.saturating_sub(1));
        let (mut to, mut unbounded) = (None, 0);
        for (seq, _, last) in files {
            if *seq != end + 1 {
                break;
            }
            match last {
                Some(at) if *at <= folded => {
                    end = *seq;
                    if *seq <= most {
                        to = Some(end);
                    } else {
                        unbounded = end;
                    }
                }
                Some(_) => break,
                None => {
                    end = *seq;
                    if all_received && Some(*seq) != newest {
                        if *seq <= most {
                            to = Some(end);
                        } else {
                            unbounded = end;
                        }
                    }
                }
            }
        }
        let held = files
            .iter()
            .filter(|f| f.0 > to.unwrap_or(0) && f.0 <= unbounded)
            .count();
        (to, held)
    }
}

/// The sync tools' conflict copies and the placeholders of the files folded (up to
/// `folded_to` for each device): removed with them.
fn folded_extras(listing: &Listing, folded_to: &HashMap<String, u64>) -> Vec<PathBuf> {
    let copies = listing.copies.iter().flat_map(|(device, seqs)| {
        seqs.iter()
            .flat_map(move |(seq, paths)| paths.iter().map(move |p| (device, seq, p)))
    });
    let placeholders = listing
        .placeholder_files
        .iter()
        .map(|(device, seq, p)| (device, seq, p));
    copies
        .chain(placeholders)
        .filter(|(device, seq, _)| folded_to.get(*device).is_some_and(|to| *seq <= to))
        .map(|(_, _, p)| p.clone())
        .collect()
}

/// Removes the files folded into `snapshot`, then every other snapshot, then the device
/// folders left empty; counts what was removed and what could not be.
fn remove_folded(folder: &Path, snapshot: &Path, remove: &[PathBuf], report: &mut CompactReport) {
    for path in remove {
        match with_retries(5, || Ok(std::fs::remove_file(path)?)) {
            Ok(()) => report.removed_files += 1,
            Err(_) => report.failed += 1,
        }
    }
    if let Ok(entries) = std::fs::read_dir(inside(folder, SNAPSHOTS)) {
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path == snapshot || !(name.len() == 57 && name.ends_with(".ccs")) {
                continue;
            }
            match with_retries(5, || Ok(std::fs::remove_file(&path)?)) {
                Ok(()) => report.removed_snapshots += 1,
                Err(_) => report.failed += 1,
            }
        }
    }
    remove_empty_folders(&inside(folder, crate::share::names::DEVICES));
}

/// For each device, the smallest of its points (the number of its last file included) in
/// the valid snapshots of the folder made in the last `grace` milliseconds (a device absent
/// from one of them: 0); none of those: no bound.
fn snapshot_points(folder: &Path, workspace: &str, grace: i64) -> Option<HashMap<String, u64>> {
    let now = chrono::Utc::now().timestamp_millis();
    let mut points: Option<HashMap<String, u64>> = None;
    for header in snapshot::headers(folder, workspace) {
        if crate::db::journal::clock_millis(header.at) < now - grace {
            continue;
        }
        let these: HashMap<String, u64> = header
            .devices
            .iter()
            .map(|(d, p)| (d.clone(), p.seq))
            .collect();
        points = Some(match points {
            None => these,
            Some(before) => before
                .into_iter()
                .map(|(d, seq)| {
                    let other = these.get(&d).copied().unwrap_or(0);
                    (d, seq.min(other))
                })
                .collect(),
        });
    }
    points
}

/// Removes the month and device folders left empty under `dir` (never a file).
fn remove_empty_folders(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            remove_empty_folders(&entry.path());
            // Fails, harmlessly, when something is left inside.
            let _ = std::fs::remove_dir(entry.path());
        }
    }
}
