//! Self-assessments on the competence grid, the evidence that backs them, the team's coverage
//! (who does what, where the gaps are) and each member's development plan.
//!
//! Rules: levels and targets within 0–4; a finished assessment rates all eight competences
//! (0 "non évalué" allowed) and is history: it is never edited (a new assessment is made
//! instead); drafts can be saved with any subset and finished later.
//!
//! One file per part: the types and their validation (`model`), their queries (`store`), the
//! team's coverage (`coverage`), evidence suggestions (`suggestions`), the development plan
//! (`plan`) and the CSV / XLSX exports (`csv`). The types are re-exported here.

mod coverage;
mod csv;
mod model;
mod plan;
mod store;
mod suggestions;
#[cfg(test)]
mod tests;

pub use coverage::*;
pub use model::*;
pub use plan::*;
pub use suggestions::*;
