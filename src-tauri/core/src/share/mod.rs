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
//! - [`folder`]: writing into the shared folder (never over a file, retried).

pub mod folder;
pub mod format;
pub mod names;
pub mod outgoing;
#[cfg(test)]
mod robustness;
