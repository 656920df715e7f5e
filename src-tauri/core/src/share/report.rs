//! What one exchange with the shared folder did, as the interface and the CLI show it.

use crate::safety::erasures::ErasedPerson;
use serde::Serialize;

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
    /// The conflict copies applied this time: each was the file its device's chain expected
    /// (its original missing, incomplete or not the one expected).
    pub from_copies: Vec<String>,
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
    /// People erased on another laptop (RGPD), erased here too: the interface records them
    /// beside this laptop's backups, so that restoring an older backup erases them again.
    pub erased: Vec<ErasedPerson>,
    /// A person removed this laptop from the team (it had stopped syncing): it should join
    /// the space again.
    pub dropped: bool,
    /// The team left this folder for the organisation's server (`catalyse share move`):
    /// where it went, for this laptop to follow.
    pub moved: Option<crate::share::moved::Moved>,
}
