//! RGPD: what the workspace holds about one person (a contact of an actor, or a team member),
//! exported as JSON, and their erasure.
//!
//! What is "about them" is found from the schema, so new tables are covered without changing
//! this module: the person's own row, every row that refers to it (a member's meetings,
//! introductions, actions as référent, self-assessments…) with the rows those own (a
//! self-assessment's ratings and evidence), and every text that mentions their name (meeting
//! notes, follow-ups, notes' sections — the user's text and the generated one — and the
//! notes' versions).
//!
//! Erasure runs in one transaction: a contact is deleted; a team member is anonymised (name
//! replaced, role and structure emptied, their self-assessments and development plan
//! deleted; their participation in meetings and the links they made stay, now anonymous, so
//! the team's figures hold); in both cases every mention of the name in a text is replaced by
//! « [personne effacée] ».
//!
//! Its files, each using only those above it:
//! - [`model`]: the person, a text naming them, what an erasure changed;
//! - [`forms`]: the forms of their name, e-mail and phone, found in SQL and replaced in texts;
//! - [`find`]: their row, the rows referring to them, the texts naming them;
//! - [`journal`]: their own records and the entries naming them in the journal of changes;
//! - [`scrub`]: the journal scrubbed of them, in an erasure;
//! - [`export`]: the export of their data as JSON
//!   ([`Store::person_export`](crate::db::store::Store::person_export));
//! - [`erase`]: the erasure, in one transaction, leaving no copy in the file, and
//!   [`erase_and_record`].

mod erase;
mod export;
mod find;
mod forms;
mod journal;
mod model;
pub(crate) mod scrub;
mod texts;

pub use crate::history::erased::ERASED_MARK;
pub use erase::erase_and_record;
pub(crate) use forms::as_erased_copy;
pub use model::{ErasureSummary, Mention, Person, ERASED};

#[cfg(test)]
mod tests;
