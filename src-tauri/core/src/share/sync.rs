//! One exchange with the shared folder: this laptop's new change sets written as a change
//! file, then the other devices' files read, checked whole and applied in causal order. Run
//! on opening, after changes, on a timer and on folder events; never harmful to repeat.

use crate::db::journal::{clock_millis, Journal};
use crate::db::store::Store;
use crate::safety::erasures::ErasedPerson;
use crate::share::compact::dropped_devices;
use crate::share::copies;
use crate::share::folded::Points;
use crate::share::folder::write_change_file_in;
use crate::share::format::{
    peek_header, read, Body, ChangeFile, Expected, Header, Reading, FORMAT_VERSION,
};
use crate::share::fs::Access;
use crate::share::heads::Origin;
use crate::share::listing::{list, Listing};
use crate::share::merge::apply_set;
use crate::share::report::{Refusal, SyncReport, Waiting};
use crate::share::rows::Tables;
use crate::share::space::{devices, seen_vector, DeviceState, Space};
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::params;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The most change sets one file holds.
const SETS_PER_FILE: usize = 2_000;
/// A clock this far ahead of this laptop's is reported as skewed (milliseconds).
const SKEW_MS: i64 = 5 * 60 * 1000;
/// How often at most a laptop that received changes but made none tells the others so, by a
/// change file without change sets (what every device has received decides which files a
/// compaction folds): minutes.
const ACKNOWLEDGE_EVERY_MIN: i64 = 10;

impl Store {
    /// One exchange with the shared folder (see the module's doc). A laptop that received
    /// changes and made none says so at most every ten minutes.
    pub fn sync(&mut self) -> CoreResult<SyncReport> {
        self.exchange(&Access::disk(), false)
    }

    /// [`Store::sync`], saying at once what this laptop has received if that is news (the
    /// command line's `sync`: a person who runs it expects the others to know).
    pub fn sync_acknowledging(&mut self) -> CoreResult<SyncReport> {
        self.exchange(&Access::disk(), true)
    }

    /// [`Store::sync`] through the shared folder's file system `access` (tests make it
    /// hostile).
    #[cfg(test)]
    pub(crate) fn sync_with(&mut self, access: &Access) -> CoreResult<SyncReport> {
        self.exchange(access, false)
    }

    fn exchange(&mut self, access: &Access, acknowledge_now: bool) -> CoreResult<SyncReport> {
        let space = self.require_space()?;
        let mut report = SyncReport::default();
        if !space.folder.is_dir() {
            report.unreachable = true;
            report.conflicts = self.conflict_count()?;
            report.invariants = self.invariant_count()?;
            return Ok(report);
        }
        report.sent = self.send(&space, access)?;
        let listing = list(access, &space.folder)?;
        report.incomplete = listing.placeholders.clone();
        report.conflict_copies = listing
            .copies
            .values()
            .flat_map(|s| s.values())
            .map(Vec::len)
            .sum();
        report.ignored = listing.ignored;
        self.receive(&space, &listing, access, &mut report)?;
        self.check_copies(
            &space,
            &listing.changes,
            &listing.copies,
            access,
            &mut report,
        )?;
        if report.sent == 0 {
            self.acknowledge(&space, &listing, access, acknowledge_now)?;
        }
        report.dropped =
            dropped_devices(&space.folder, &space.workspace)?.contains_key(&space.device);
        report.moved = crate::share::moved::read_moved(&space.folder, &space.workspace);
        report.conflicts = self.conflict_count()?;
        report.invariants = self.invariant_count()?;
        Ok(report)
    }

    /// Writes a change file without change sets when this laptop has applied other devices'
    /// change sets since its last file said what it had received (and `now`, or that file is
    /// ten minutes old): its header's `seen` tells the others what it has received.
    fn acknowledge(
        &mut self,
        space: &Space,
        listing: &Listing,
        access: &Access,
        now: bool,
    ) -> CoreResult<()> {
        let me = &space.device;
        let states = devices(&self.conn, me)?;
        let mine = states.iter().find(|d| &d.device == me);
        let written = mine.map(|d| d.seen.clone()).unwrap_or_default();
        let said = mine
            .and_then(|d| listing.changes.get(me).and_then(|f| f.get(&d.seq)))
            .and_then(|path| peek_header(path))
            .map(|h| h.seen)
            .unwrap_or_default();
        // A laptop that never wrote says it is there.
        let news = mine.is_none_or(|d| d.seq == 0)
            || seen_vector(&self.conn, me)?
                .iter()
                .any(|(d, at)| said.get(d).is_none_or(|s| s < at));
        if !news {
            return Ok(());
        }
        let old_enough = written.is_empty()
            || chrono::DateTime::parse_from_rfc3339(&written).is_ok_and(|t| {
                chrono::Utc::now().signed_duration_since(t).num_minutes() >= ACKNOWLEDGE_EVERY_MIN
            });
        if !(now || old_enough) {
            return Ok(());
        }
        self.write_file(space, access, Body { sets: Vec::new() })?;
        Ok(())
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
    fn send(&mut self, space: &Space, access: &Access) -> CoreResult<usize> {
        let me = space.device.clone();
        let mut sent = 0;
        loop {
            let after = devices(&self.conn, &me)?
                .into_iter()
                .find(|d| d.device == me)
                .map_or(0, |d| d.at);
            let body = self.outgoing_sets(&me, after, SETS_PER_FILE)?;
            if body.sets.is_empty() {
                return Ok(sent);
            }
            sent += self.write_file(space, access, body)?;
        }
    }

    /// Writes this laptop's next change file holding `body` (no change set: what it has
    /// received, said to the others) and records it; returns how many change sets it holds.
    fn write_file(&mut self, space: &Space, access: &Access, body: Body) -> CoreResult<usize> {
        let me = space.device.clone();
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
        let last = body.sets.last().map_or(mine.at, |s| s.at);
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
        let (_, hash) = write_change_file_in(access.fs(), &space.folder, &header, &body)?;
        let tx = self.conn.transaction()?;
        supersede_with_local(&tx, &body)?;
        tx.execute(
            "INSERT INTO share_device (device, name, seq, hash, at, seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (device) DO UPDATE SET name = excluded.name, seq = excluded.seq,
                hash = excluded.hash, at = excluded.at, seen = excluded.seen",
            params![me, space.device_name, header.seq as i64, hash, last, crate::db::store::now()],
        )?;
        tx.commit()?;
        Ok(body.sets.len())
    }

    /// Applies the other devices' files that can be, in causal order, until none can.
    fn receive(
        &mut self,
        space: &Space,
        listing: &Listing,
        access: &Access,
        report: &mut SyncReport,
    ) -> CoreResult<()> {
        let me = space.device.clone();
        let mut waiting: BTreeMap<String, Waiting> = BTreeMap::new();
        let mut points = Points::default();
        loop {
            let known: HashMap<String, DeviceState> = devices(&self.conn, &me)?
                .into_iter()
                .map(|d| (d.device.clone(), d))
                .collect();
            let mut progress = false;
            for device in listing.devices() {
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
                // The file, then the sync tools' copies of it: the first that is the one the
                // chain expects is applied.
                let candidates = listing.candidates(device, next);
                if candidates.is_empty() {
                    let here = (device.as_str(), next, state);
                    if self.skip_folded(space, listing, access, here, &mut points)? {
                        progress = true;
                        continue;
                    }
                    if listing.has_after(device, next) {
                        waiting.insert(
                            device.clone(),
                            wait(format!("en attente du fichier {next}")),
                        );
                    }
                    continue;
                }
                let mut waits = None;
                let unread = report.incomplete.len();
                for (path, copy) in candidates {
                    match self.try_file(space, device, next, path, state, &known, access, report)? {
                        Step::Applied => {
                            if copy {
                                report.from_copies.push(copies::shown(&space.folder, path));
                            }
                            // The file itself, if it was not all there, is not awaited now.
                            report.incomplete.truncate(unread);
                            waiting.remove(device);
                            progress = true;
                            waits = None;
                            break;
                        }
                        Step::Waits(why) => {
                            waits.get_or_insert(why);
                        }
                        Step::Skipped => {}
                    }
                }
                if let Some(why) = waits {
                    waiting.insert(device.clone(), wait(why));
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
        access: &Access,
        report: &mut SyncReport,
    ) -> CoreResult<Step> {
        let shown = copies::shown(&space.folder, path);
        let bytes = match access.read(path) {
            Ok(b) => b,
            Err(unread) => {
                report.incomplete.push(shown);
                return Ok(Step::Waits(unread.why()));
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
        if let Some(why) = awaits_others(&file.header.seen, known) {
            return Ok(Step::Waits(why));
        }
        let applied = match self.apply_file(device, &file, state.map_or(0, |s| s.at)) {
            Ok(n) => n,
            Err(NotApplied::Refused(why)) => {
                report.refused.push(Refusal { path: shown, why });
                return Ok(Step::Skipped);
            }
            Err(NotApplied::Failed(e)) => return Err(e),
        };
        report.applied += applied;
        for who in erasures(&file.body) {
            // The erasure's own changes are applied; what this laptop alone keeps of the
            // person (its journal, its texts, the inbox) goes the same way.
            self.erase_identity(&who)?;
            report.erased.push(who);
        }
        let mut forget = rewritten(&file.body);
        for uid in erased_before(&self.conn, &file.body)? {
            if !forget.contains(&uid) {
                forget.push(uid);
            }
        }
        self.forget_rewritten(&forget)?;
        if ahead(&file.body) && !report.skewed.contains(&file.header.name) {
            report.skewed.push(file.header.name.clone());
        }
        Ok(Step::Applied)
    }

    /// Applies the change sets of a checked file newer than `after`, in one transaction: all
    /// of them, or none when one cannot be (a value the schema refuses: the file is refused
    /// whole, and the other devices' files are still applied).
    fn apply_file(
        &mut self,
        device: &str,
        file: &ChangeFile,
        after: i64,
    ) -> Result<usize, NotApplied> {
        let journal = self.journal.clone();
        let clock = journal.clock();
        let applied = self.apply_file_sets(&journal, device, file, after);
        if applied.is_err() {
            // Rolled back: the clock goes back to where it was.
            journal.rewind(clock);
        }
        applied
    }

    /// [`Store::apply_file`]'s transaction.
    fn apply_file_sets(
        &mut self,
        journal: &Journal,
        device: &str,
        file: &ChangeFile,
        after: i64,
    ) -> Result<usize, NotApplied> {
        let tx = self.conn.transaction()?;
        let mut tables = Tables::default();
        let origin = Origin {
            device,
            seen: &file.header.seen,
        };
        let mut applied = 0;
        let mut last = after;
        for (i, set) in file
            .body
            .sets
            .iter()
            .enumerate()
            .filter(|(_, s)| s.at > after)
        {
            apply_set(&tx, journal, &mut tables, &origin, set)
                .map_err(|e| NotApplied::of(e, i + 1))?;
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

/// One exchange ([`Store::sync`], or [`Store::sync_acknowledging`] when `acknowledge_now`),
/// the people erased on other laptops recorded beside this workspace's backups (`backups`,
/// its folder of backups) as an erasure here is: restoring an older backup of this laptop
/// erases them again.
pub fn sync_recording(
    store: &mut Store,
    backups: &Path,
    acknowledge_now: bool,
) -> CoreResult<SyncReport> {
    let report = store.exchange(&Access::disk(), acknowledge_now)?;
    if !report.erased.is_empty() {
        let key = crate::safety::erasures::ErasureKey::for_backups(backups)?;
        for who in &report.erased {
            crate::safety::erasures::record_erasure(backups, &key, who)?;
        }
    }
    Ok(report)
}

/// Why a file waits when a device's changes it was made after (`seen`) are not all here:
/// « en attente des modifications de « X » ».
fn awaits_others(
    seen: &BTreeMap<String, i64>,
    known: &HashMap<String, DeviceState>,
) -> Option<String> {
    let (other, _) = seen
        .iter()
        .find(|(other, at)| known.get(*other).map_or(0, |s| s.at) < **at)?;
    let who = known
        .get(other)
        .map(|s| s.name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "un autre ordinateur".into());
    Some(format!("en attente des modifications de « {who} »"))
}

/// Whether a change set of `body` is dated ahead of this laptop's clock by more than
/// [`SKEW_MS`]: its device's clock seems wrong.
fn ahead(body: &Body) -> bool {
    let now = chrono::Utc::now().timestamp_millis();
    body.sets.iter().any(|s| clock_millis(s.at) > now + SKEW_MS)
}

/// The people an RGPD erasure of `body` erased (a contact deleted, a member anonymised), by
/// identity.
fn erasures(body: &Body) -> Vec<ErasedPerson> {
    let mut out: Vec<ErasedPerson> = Vec::new();
    for set in &body.sets {
        let erasure = is_erasure(&set.label);
        for c in &set.changes {
            // Also a contact another change set deletes that its laptop had erased before
            // sending it (the same person under an older record: only her identity left).
            let erased_before = c.before.get("rgpd").is_some();
            let kind = match (c.table.as_str(), c.op, c.field.as_deref()) {
                ("contact", 3, _) if erasure || erased_before => "contact",
                ("member", 2, Some("name")) if erasure => "member",
                _ => continue,
            };
            let who = ErasedPerson {
                kind: kind.into(),
                uid: c.record.clone(),
            };
            if who.validate().is_ok() && !out.contains(&who) {
                out.push(who);
            }
        }
    }
    out
}

/// The contacts `body` changes that an erasure reached here before (their creation or their
/// deletion in the journal keeps only their identity): what the file brings of them is
/// forgotten as if it had come first, so that the journal and the inbox do not depend on
/// the order files arrive in.
fn erased_before(conn: &rusqlite::Connection, body: &Body) -> CoreResult<Vec<String>> {
    let mut st = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM change WHERE tbl = 'contact' AND record = ?1 AND op IN (1, 3)
           AND CASE WHEN json_valid(coalesce(after, before))
                    THEN json_extract(coalesce(after, before), '$.rgpd') END IS NOT NULL)",
    )?;
    let mut out: Vec<String> = Vec::new();
    for c in body.sets.iter().flat_map(|s| &s.changes) {
        if c.table == "contact"
            && !out.contains(&c.record)
            && st.query_row([&c.record], |r| r.get(0))?
        {
            out.push(c.record.clone());
        }
    }
    Ok(out)
}

/// The contacts an RGPD erasure of `body` rewrote without deleting them (the same person
/// under another record, a copy made meanwhile: a field that identifies them now says
/// « [personne effacée] »), by identity.
fn rewritten(body: &Body) -> Vec<String> {
    use crate::db::records::{kind, Personal};
    let identifying: &[&str] = match kind("contact").map(|k| k.personal) {
        Some(Personal::Person { identifying }) => identifying,
        _ => &[],
    };
    let mut out: Vec<String> = Vec::new();
    for set in body.sets.iter().filter(|s| is_erasure(&s.label)) {
        for c in &set.changes {
            let former = c.table == "contact"
                && c.op == 2
                && c.field.as_deref().is_some_and(|f| identifying.contains(&f))
                && c.after.as_str() == Some(crate::safety::rgpd::ERASED);
            if former && !out.contains(&c.record) {
                out.push(c.record.clone());
            }
        }
    }
    out
}

/// Whether a change set's label is an RGPD erasure's.
fn is_erasure(label: &str) -> bool {
    serde_json::from_str::<crate::db::journal::ChangeLabel>(label)
        .is_ok_and(|l| l.code == "rgpd.erase")
}

/// Why a checked file was not applied.
enum NotApplied {
    /// What it says cannot be applied here (the schema refuses one of its values): refused
    /// whole, with the reason.
    Refused(String),
    /// This laptop could not write (disk full, file locked or read-only…): the exchange fails.
    Failed(CoreError),
}

impl NotApplied {
    /// An error applying change set `n`: this laptop's, or the file's.
    fn of(e: CoreError, n: usize) -> NotApplied {
        let detail = match e {
            CoreError::Busy
            | CoreError::ReadOnly
            | CoreError::ReadOnlyFile { .. }
            | CoreError::DiskFull
            | CoreError::Io(_)
            | CoreError::Corrupt { .. }
            | CoreError::Closed
            | CoreError::Cancelled
            | CoreError::Internal { .. } => return NotApplied::Failed(e),
            CoreError::Database(sqlite) => {
                format!("une valeur refusée par les règles de l'espace de travail ({sqlite})")
            }
            CoreError::Unreadable { detail, .. } => detail,
            other => other.to_string(),
        };
        NotApplied::Refused(format!(
            "ses modifications ne peuvent pas être appliquées (ensemble {n} : {detail})"
        ))
    }
}

impl From<rusqlite::Error> for NotApplied {
    fn from(e: rusqlite::Error) -> Self {
        NotApplied::Failed(e.into())
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
