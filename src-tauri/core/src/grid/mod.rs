//! The 8-competence grid: the reference (re-exported here), and in `assessment/` the
//! self-assessments, evidence, team coverage and development plans (one file each for the
//! model, the queries, the coverage, the suggestions, the plan and the CSV / XLSX exports).

pub mod assessment;
mod reference;

pub use reference::*;
