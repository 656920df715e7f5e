//! The Projet de territoire's plan: needs, axes, actions, partners, funding lines, indicators.
//! `model` holds the types and rules (re-exported here), `store/` their queries (one file per
//! kind of record: need, axis, action, funding, indicator, and the actor as the plan sees it).

pub mod listing;
mod model;
pub mod store;

pub use model::*;
