//! The history of changes: who changed what, when, and what it said before. Every change of a
//! record is journaled by triggers in its own transaction ([`journal`]); the history is read
//! back as change sets ([`store`]), told in sentences, and a change set can be undone
//! ([`undo`]).

pub mod journal;
