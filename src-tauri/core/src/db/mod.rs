//! The workspace file, knowing no domain and no backup: a connection hardened and given
//! Catalyse's SQL functions, the read-only inspection, the schema allow-list, the versioned
//! migrations, the journal's triggers (part of the format), locks, files published whole, bulk
//! loading, the schema as data, and [`store::Store`] with the helpers every query shares.

pub(crate) mod apply;
pub(crate) mod bulk;
pub mod connection;
pub(crate) mod files;
pub(crate) mod guard;
pub mod inspect;
pub mod journal;
pub(crate) mod journal_migration;
pub(crate) mod journal_rows;
pub mod lock;
pub(crate) mod migrate;
pub mod migrations;
pub mod packed;
pub mod records;
pub mod schema;
pub mod store;
pub(crate) mod tables;
