//! Files in and out: CSV and XLSX tables, the import and export of actors, links and
//! meetings (`records`, re-exported here), and the whole workspace as JSON.

mod columns;
mod export;
mod files;
mod names;
mod problems;
pub(crate) mod records;
#[cfg(test)]
mod robustness;
pub mod tabular;
pub mod workspace_json;

/// The table-file writers' old paths (they live in `shared::sheet`, for the domains below).
pub use crate::shared::sheet::{format_hours, write_whole};
pub use columns::ColumnMatch;
pub use files::*;
pub use problems::{ImportProblem, PROBLEM_CODES};
pub use records::*;
