//! Keeping the data safe: backups and restore, a person's data (RGPD), the health check.

pub mod backup;
pub mod check;
pub mod erasures;
pub mod rgpd;
