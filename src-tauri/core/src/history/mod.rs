//! The history of changes: who changed what, when, and what it said before. Every change of a
//! record is journaled by triggers in its own transaction ([`crate::db::journal`], part of the
//! file's format); the history is read back as change sets and told ([`store`]), exported with
//! records named by identity ([`export`]), and a change set can be undone ([`undo`]).

pub mod erased;
pub mod export;
pub mod model;
pub mod store;
pub mod undo;
#[cfg(test)]
mod undo_props;
