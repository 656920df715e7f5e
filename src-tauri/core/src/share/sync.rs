//! One exchange with the shared folder: this laptop's new change sets written as a change
//! file, then the other devices' files read, checked whole and applied in causal order. Run
//! on opening, after changes, on a timer and on folder events; never harmful to repeat.

use crate::db::journal::clock_millis;
use crate::db::store::Store;
use crate::share::folder::{with_retries, write_change_file};
use crate::share::format::{read, Body, ChangeFile, Expected, Header, Reading, FORMAT_VERSION};
use crate::share::heads::Origin;
use crate::share::merge::apply_set;
use crate::share::names::{classify, Name, DEVICES};
use crate::share::rows::Tables;
use crate::share::space::{devices, seen_vector, DeviceState, Space};
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::params;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The most change sets one file holds.
const SETS_PER_FILE: usize = 2_000;
/// A clock this far ahead of this laptop's is reported as skewed (milliseconds).
const SKEW_MS: i64 = 5 * 60 * 1000;

/// A device whose next file cannot be applied yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Waiting {
    pub device: String,
    pub name: String,
    /// The number of the file awaited (missing, incomplete, or waiting for another device's).
    #[ts(type = "number")]
    pub seq: u64,
    /// Why, in French.
    pub why: String,
}

/// A file of the folder refused whole (kept there for inspection).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Refusal {
    pub path: String,
    pub why: String,
}

/// What one exchange did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncReport {
    /// Change sets of this laptop written to the folder.
    pub sent: usize,
    /// Other devices' change sets applied here.
    pub applied: usize,
    pub waiting: Vec<Waiting>,
    /// Files not all there yet (being copied or downloaded): tried again later.
    pub incomplete: Vec<String>,
    pub refused: Vec<Refusal>,
    /// The sync tools' conflict copies found (data: never deleted; applied when they hold
    /// change sets not received otherwise).
    pub conflict_copies: usize,
    /// Files of the folder that are not Catalyse's, or being written.
    pub ignored: usize,
    /// Entries of the conflict inbox after the exchange.
    pub conflicts: usize,
    /// Broken invariants listed in the inbox after the exchange (`share::invariants`): shown
    /// with the conflicts, counted apart.
    pub invariants: usize,
    /// Devices whose clock seems ahead of this laptop's.
    pub skewed: Vec<String>,
    /// The folder could not be reached (offline, unplugged key): nothing happened.
    pub unreachable: bool,
}

/// The files of the folder, by device and number.
#[derive(Default)]
struct Listing {
    changes: HashMap<String, BTreeMap<u64, PathBuf>>,
    placeholders: Vec<String>,
    copies: usize,
    ignored: usize,
}

/// Lists the change files under `root`/appareils (three levels: device, month, file).
fn list(root: &Path) -> std::io::Result<Listing> {
    let mut out = Listing::default();
    let devices_dir = root.join(DEVICES);
    let Ok(devices) = std::fs::read_dir(&devices_dir) else {
        return Ok(out);
    };
    for device in devices {
        let device = device?;
        let Ok(months) = std::fs::read_dir(device.path()) else {
            continue;
        };
        for month in months {
            let month = month?;
            let Ok(files) = std::fs::read_dir(month.path()) else {
                continue;
            };
            for file in files {
                let file = file?;
                let relative = format!(
                    "{DEVICES}/{}/{}/{}",
                    device.file_name().to_string_lossy(),
                    month.file_name().to_string_lossy(),
                    file.file_name().to_string_lossy()
                );
                match classify(&relative) {
                    Name::Change { device, seq, .. } => {
                        out.changes
                            .entry(device)
                            .or_default()
                            .insert(seq, file.path());
                    }
                    Name::Placeholder { .. } => out.placeholders.push(relative),
                    Name::ConflictCopy { .. } => out.copies += 1,
                    Name::Ignored | Name::Foreign => out.ignored += 1,
                }
            }
        }
    }
    Ok(out)
}

impl Store {
    /// One exchange with the shared folder (see the module's doc).
    pub fn sync(&mut self) -> CoreResult<SyncReport> {
        let space = self.require_space()?;
        let mut report = SyncReport::default();
        if !space.folder.is_dir() {
            report.unreachable = true;
            report.conflicts = self.conflict_count()?;
            report.invariants = self.invariant_count()?;
            return Ok(report);
        }
        report.sent = self.send(&space)?;
        let listing = list(&space.folder)?;
        report.incomplete = listing.placeholders.clone();
        report.conflict_copies = listing.copies;
        report.ignored = listing.ignored;
        self.receive(&space, &listing, &mut report)?;
        report.conflicts = self.conflict_count()?;
        report.invariants = self.invariant_count()?;
        Ok(report)
    }

    /// The entries of the conflict inbox.
    pub fn conflict_count(&self) -> CoreResult<usize> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM share_conflict WHERE quiet = 0",
            [],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Writes this laptop's change sets not sent yet; returns how many.
    fn send(&mut self, space: &Space) -> CoreResult<usize> {
        let me = space.device.clone();
        let mut sent = 0;
        loop {
            let mine = devices(&self.conn, &me)?
                .into_iter()
                .find(|d| d.device == me)
                .unwrap_or(DeviceState {
                    device: me.clone(),
                    name: space.device_name.clone(),
                    seq: 0,
                    hash: String::new(),
                    at: 0,
                    seen: String::new(),
                });
            let body = self.outgoing_sets(&me, mine.at, SETS_PER_FILE)?;
            let Some(last) = body.sets.last().map(|s| s.at) else {
                return Ok(sent);
            };
            let header = Header {
                format: FORMAT_VERSION,
                schema: crate::SCHEMA_VERSION,
                workspace: space.workspace.clone(),
                device: me.clone(),
                name: space.device_name.clone(),
                seen: seen_vector(&self.conn, &me)?,
                seq: mine.seq + 1,
                prev: mine.hash.clone(),
                length: 0,
            };
            let (_, hash) = write_change_file(&space.folder, &header, &body)?;
            let tx = self.conn.transaction()?;
            supersede_with_local(&tx, &body)?;
            tx.execute(
                "INSERT INTO share_device (device, name, seq, hash, at, seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (device) DO UPDATE SET name = excluded.name, seq = excluded.seq,
                    hash = excluded.hash, at = excluded.at, seen = excluded.seen",
                params![me, space.device_name, header.seq as i64, hash, last, crate::db::store::now()],
            )?;
            tx.commit()?;
            sent += body.sets.len();
        }
    }

    /// Applies the other devices' files that can be, in causal order, until none can.
    fn receive(
        &mut self,
        space: &Space,
        listing: &Listing,
        report: &mut SyncReport,
    ) -> CoreResult<()> {
        let me = space.device.clone();
        let mut waiting: BTreeMap<String, Waiting> = BTreeMap::new();
        loop {
            let known: HashMap<String, DeviceState> = devices(&self.conn, &me)?
                .into_iter()
                .map(|d| (d.device.clone(), d))
                .collect();
            let mut progress = false;
            for (device, files) in &listing.changes {
                if *device == me {
                    continue;
                }
                let state = known.get(device);
                let next = state.map_or(0, |s| s.seq) + 1;
                let name = state.map(|s| s.name.clone()).unwrap_or_default();
                let wait = |why: String| Waiting {
                    device: device.clone(),
                    name: name.clone(),
                    seq: next,
                    why,
                };
                let Some(path) = files.get(&next) else {
                    if files.keys().any(|s| *s > next) {
                        waiting.insert(
                            device.clone(),
                            wait(format!("en attente du fichier {next}")),
                        );
                    }
                    continue;
                };
                match self.try_file(space, device, next, path, state, &known, report)? {
                    Step::Applied => {
                        waiting.remove(device);
                        progress = true;
                    }
                    Step::Waits(why) => {
                        waiting.insert(device.clone(), wait(why));
                    }
                    Step::Skipped => {}
                }
            }
            if !progress {
                break;
            }
        }
        report.waiting = waiting.into_values().collect();
        Ok(())
    }

    /// Reads file `seq` of `device` and applies it if it is valid, next in its chain, and
    /// everything its device had received is here.
    #[allow(clippy::too_many_arguments)]
    fn try_file(
        &mut self,
        space: &Space,
        device: &str,
        seq: u64,
        path: &Path,
        state: Option<&DeviceState>,
        known: &HashMap<String, DeviceState>,
        report: &mut SyncReport,
    ) -> CoreResult<Step> {
        let shown = path
            .strip_prefix(&space.folder)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = match with_retries(3, || Ok(std::fs::read(path)?)) {
            Ok(b) => b,
            Err(_) => {
                report.incomplete.push(shown);
                return Ok(Step::Waits("fichier illisible pour l'instant".into()));
            }
        };
        let expected = Expected {
            workspace: &space.workspace,
            schema: crate::SCHEMA_VERSION,
            device: Some(device),
            seq: Some(seq),
        };
        let file = match read(&bytes, &expected) {
            Reading::Valid(f) => f,
            Reading::Incomplete(why) => {
                report.incomplete.push(shown);
                return Ok(Step::Waits(why));
            }
            Reading::Waits(why) => return Ok(Step::Waits(why)),
            Reading::Refused(why) => {
                report.refused.push(Refusal { path: shown, why });
                return Ok(Step::Skipped);
            }
        };
        if file.header.prev != state.map(|s| s.hash.clone()).unwrap_or_default() {
            report.refused.push(Refusal {
                path: shown,
                why: "il ne suit pas le fichier précédent de cet ordinateur (copie d'un autre ordinateur, ou fichier remplacé)".into(),
            });
            return Ok(Step::Skipped);
        }
        for (other, at) in &file.header.seen {
            let have = known.get(other).map_or(0, |s| s.at);
            if have < *at {
                let name = known
                    .get(other)
                    .map(|s| s.name.clone())
                    .filter(|n| !n.is_empty());
                let who = name.unwrap_or_else(|| "un autre ordinateur".into());
                return Ok(Step::Waits(format!(
                    "en attente des modifications de « {who} »"
                )));
            }
        }
        let applied = self.apply_file(device, &file, state.map_or(0, |s| s.at))?;
        report.applied += applied;
        let now = chrono::Utc::now().timestamp_millis();
        if file
            .body
            .sets
            .iter()
            .any(|s| clock_millis(s.at) > now + SKEW_MS)
            && !report.skewed.contains(&file.header.name)
        {
            report.skewed.push(file.header.name.clone());
        }
        Ok(Step::Applied)
    }

    /// Applies the change sets of a checked file newer than `after`, in one transaction.
    fn apply_file(&mut self, device: &str, file: &ChangeFile, after: i64) -> CoreResult<usize> {
        let journal = self.journal.clone();
        let tx = self.conn.transaction()?;
        let mut tables = Tables::default();
        let origin = Origin {
            device,
            seen: &file.header.seen,
        };
        let mut applied = 0;
        let mut last = after;
        for set in file.body.sets.iter().filter(|s| s.at > after) {
            apply_set(&tx, &journal, &mut tables, &origin, set).map_err(|e| {
                CoreError::Unreadable {
                    what: "Un fichier de modifications",
                    detail: e.to_string(),
                }
            })?;
            applied += 1;
            last = last.max(set.at);
        }
        tx.execute(
            "INSERT INTO share_device (device, name, seq, hash, at, seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (device) DO UPDATE SET name = excluded.name, seq = excluded.seq,
                hash = excluded.hash, at = excluded.at, seen = excluded.seen",
            params![device, file.header.name, file.header.seq as i64, file.hash, last, crate::db::store::now()],
        )?;
        tx.commit()?;
        Ok(applied)
    }
}

enum Step {
    Applied,
    Waits(String),
    Skipped,
}

/// This laptop's own changes supersede the inbox's entries about what they changed (it had
/// them all): a field written here leaves the inbox, so does a record re-created here.
fn supersede_with_local(conn: &rusqlite::Connection, body: &Body) -> CoreResult<()> {
    for set in &body.sets {
        for c in &set.changes {
            match (c.op, c.field.as_deref()) {
                (2, Some(field)) => {
                    conn.execute(
                        "DELETE FROM share_conflict WHERE tbl = ?1 AND record = ?2 AND field = ?3",
                        params![c.table, c.record, field],
                    )?;
                }
                (1 | 3, _) => {
                    conn.execute(
                        "DELETE FROM share_conflict WHERE tbl = ?1 AND record = ?2",
                        params![c.table, c.record],
                    )?;
                    if c.op == 3 {
                        // A record deleted here starts again if it is put back.
                        conn.execute(
                            "DELETE FROM share_version WHERE tbl = ?1 AND record = ?2",
                            params![c.table, c.record],
                        )?;
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}
