//! A workspace in use: opening a file for writing ([`open`]: lock, checks, backup before a
//! migration, migration, journal), the writer thread that owns it and the readers beside it
//! ([`writer`]), the automatic backups ([`backups`]), where files go ([`paths`]).

pub mod backups;
pub mod open;
pub mod paths;
pub mod writer;
