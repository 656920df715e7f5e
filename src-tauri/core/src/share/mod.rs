//! Team sharing through a folder the team already syncs (no server): each device writes its
//! change sets as **change files** into the shared folder and reads the others'. The live
//! SQLite file never lives there.
//!
//! - [`format`]: the change file, checking itself (magic, versions, identities, sequence,
//!   length, the previous file's hash, a closing hash); read whole before anything is used:
//!   valid, incomplete (tried later), waiting (newer Catalyse) or refused.
//! - [`names`]: the strict names Catalyse writes and reads; the sync tools' conflict copies
//!   and temporary files.
//! - [`outgoing`]: a device's change sets read back from the journal.
//! - [`retry`]: trying again what sync tools and antivirus make fail for a moment (the lowest
//!   layer).
//! - [`folder`]: writing into the shared folder (never over a file, retried).
//! - [`fs`]: the shared folder's file system (the real one; a hostile one in tests): reads
//!   off the caller's thread with a deadline, placeholders not opened.
//! - [`copies`]: the sync tools' conflict copies, data: applied when one is the file its
//!   device's chain expects, ignored when it is the same, refused and kept when it is another.
//! - [`rows`]: records in the journal's form (references as identities) and back.
//! - [`merge`]: another laptop's change set applied here: the merge every laptop agrees on.
//! - [`snapshot`]: the whole workspace for a laptop that joins.
//! - [`space`]: creating and joining the team's space; the devices.
//! - [`listing`]: the folder's change files by device and number, their copies and placeholders.
//! - [`report`]: what one exchange did.
//! - [`sync`]: one exchange with the folder.
//! - [`compact`]: folding the files every device has received into a snapshot; dropping a
//!   device that stopped syncing.
//! - [`folded`]: going on past files a compaction folded that said only what their device
//!   had received.
//! - [`inbox`]: the conflict inbox and its resolutions.
//! - [`invariants`]: the invariants a merge can break, listed in the inbox; [`actor_merge`]:
//!   « Fusionner ces deux acteurs ».
//! - [`hash`]: the content hash replicas compare.
//! - [`moved`]: a team that left its folder for the organisation's server, said in the
//!   folder; a workspace moved to another folder with its identities and history.
//! - [`watch`]: the shared folder watched, a hint that the exchange should come sooner
//!   (polling stays the rule).

pub mod actor_merge;
#[cfg(test)]
mod apply_fuzz;
pub mod compact;
#[cfg(test)]
mod compact_tests;
pub mod copies;
pub mod duplicates;
#[cfg(test)]
mod erasure_sync_tests;
pub mod folded;
pub mod folder;
pub mod format;
pub mod fs;
pub mod gone;
pub mod hash;
pub mod heads;
#[cfg(test)]
pub(crate) mod hostile;
#[cfg(test)]
mod hostile_tests;
pub mod inbox;
pub mod invariants;
pub mod listing;
pub mod merge;
pub mod moved;
pub mod names;
pub mod outgoing;
pub mod report;
pub mod retry;
#[cfg(test)]
mod robustness;
pub mod rows;
#[cfg(test)]
mod simulation;
pub mod snapshot;
pub mod space;
pub mod sync;
#[cfg(test)]
mod sync_tests;
pub mod watch;
