//! Keeping the data safe: backups and restore, a person's data (RGPD), the health check.
//!
//! - [`backup`]: restoring a backup (checked first, the replaced file kept, the erasures made
//!   since re-applied); the backups themselves are [`crate::workspace::backups`]'s,
//!   re-exported there.
//! - [`rgpd`]: what the workspace holds about one person, exported or erased; a folder of its
//!   own (`rgpd/`: model, forms, find, journal, scrub, export, erase), `rgpd.rs` re-exporting
//!   what the app names.
//! - [`erasures`]: what an erasure leaves outside the workspace: its backups, and the record of
//!   the erasure that a restore re-applies.
//! - [`check`]: `catalyse check`, a read-only health report on a file.

pub mod backup;
pub mod check;
pub mod erasures;
pub mod rgpd;
