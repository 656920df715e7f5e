//! Files in and out: CSV and XLSX tables, the import and export of actors, links and
//! meetings (`records`, re-exported here), and the whole workspace as JSON.

mod records;
#[cfg(test)]
mod robustness;
pub mod tabular;
pub mod workspace_json;

pub use records::*;
