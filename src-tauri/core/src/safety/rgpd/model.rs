//! The person an RGPD request is about ([`Person`]), a text that names them ([`Mention`]) and
//! what their erasure changed ([`ErasureSummary`]).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What replaces an erased person's name in texts.
pub const ERASED: &str = "[personne effacée]";

/// The person meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
#[ts(export)]
pub enum Person {
    Contact(#[ts(type = "number")] i64),
    Member(#[ts(type = "number")] i64),
}

impl Person {
    pub(super) fn table(self) -> &'static str {
        match self {
            Person::Contact(_) => "contact",
            Person::Member(_) => "member",
        }
    }
    pub(super) fn id(self) -> i64 {
        match self {
            Person::Contact(id) | Person::Member(id) => id,
        }
    }
}

/// A text that mentions the person.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Mention {
    pub table: String,
    #[ts(type = "number")]
    pub row: i64,
    pub column: String,
}

/// What an erasure changed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ErasureSummary {
    /// The person's name before (for the message; it is no longer stored).
    pub name: String,
    /// French lines, one per kind of change.
    pub changes: Vec<String>,
    /// Texts in which the name was replaced.
    #[ts(type = "number")]
    pub mentions_replaced: usize,
    /// Who was erased, by identity: to erase them from the backups too.
    pub person: crate::safety::erasures::ErasedPerson,
}
