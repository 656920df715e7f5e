//! Going on past files a compaction folded: a laptop behind on another device's files that
//! only said what it had received (no change set) finds them gone from the folder, folded
//! into a snapshot. It skips them when a whole snapshot of the folder proves they held
//! nothing it lacks: the snapshot's point for that device reaches the file before the next
//! one there, and the device's newest change set in it is one this laptop has already
//! applied (a device's change sets come in the order of its files, their clocks growing).
//! The next file's header gives the hash of the file before it, so the chain goes on checked.

use crate::db::store::Store;
use crate::share::format::{read, Expected, Reading};
use crate::share::fs::Access;
use crate::share::listing::Listing;
use crate::share::snapshot::{self, SnapshotHeader};
use crate::share::space::{DeviceState, Space};
use crate::shared::error::CoreResult;
use rusqlite::params;

/// The headers of the folder's whole snapshots, read once per exchange and only when a
/// device's next file is missing.
#[derive(Default)]
pub(crate) struct Points(Option<Vec<SnapshotHeader>>);

impl Points {
    fn get(&mut self, space: &Space) -> &[SnapshotHeader] {
        self.0
            .get_or_insert_with(|| snapshot::headers(&space.folder, &space.workspace))
    }
}

impl Store {
    /// When file `next` of `device` is missing and a later one is there: moves this laptop's
    /// point in `device`'s chain to the file before the first later one if a snapshot proves
    /// the files skipped held no change set it lacks (see the module's doc). Whether it did.
    pub(crate) fn skip_folded(
        &mut self,
        space: &Space,
        listing: &Listing,
        access: &Access,
        (device, next, state): (&str, u64, Option<&DeviceState>),
        points: &mut Points,
    ) -> CoreResult<bool> {
        let Some(after) = listing.first_after(device, next) else {
            return Ok(false);
        };
        let have = state.map_or(0, |s| s.at);
        let proven = points.get(space).iter().any(|h| {
            h.devices
                .get(device)
                .is_some_and(|p| p.seq >= after - 1 && p.at <= have)
        });
        if !proven {
            return Ok(false);
        }
        let expect = Expected {
            workspace: &space.workspace,
            schema: crate::SCHEMA_VERSION,
            device: Some(device),
            seq: Some(after),
        };
        let header = listing
            .candidates(device, after)
            .into_iter()
            .filter_map(|(path, _)| access.read(path).ok())
            .find_map(|bytes| match read(&bytes, &expect) {
                Reading::Valid(file) => Some(file.header),
                _ => None,
            });
        let Some(header) = header else {
            return Ok(false);
        };
        self.conn.execute(
            "INSERT INTO share_device (device, name, seq, hash, at, seen)
             VALUES (?1, ?2, ?3, ?4, 0, '')
             ON CONFLICT (device) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            params![device, header.name, (after - 1) as i64, header.prev],
        )?;
        Ok(true)
    }
}
