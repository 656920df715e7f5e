//! The 8-competence grid: the reference (re-exported here), self-assessments, evidence,
//! team coverage and development plans.

pub mod assessment;
mod reference;

pub use reference::*;
