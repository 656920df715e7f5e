//! The workspace file: opening, locks, migrations, the writer thread, bulk loading, file names.

pub(crate) mod bulk;
pub mod migrations;
pub mod paths;
pub mod store;
pub mod writer;
