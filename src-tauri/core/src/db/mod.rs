//! The workspace file: opening, locks, migrations, the writer thread, bulk loading, file names.

pub(crate) mod bulk;
pub(crate) mod guard;
pub mod migrations;
pub mod paths;
pub mod schema;
pub mod store;
pub mod writer;
