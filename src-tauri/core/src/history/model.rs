//! What the history screens and the command line read: change sets, their changes, and
//! what an undo did.

use crate::db::journal::ChangeLabel;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a change did to its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChangeOp {
    Insert,
    Update,
    Delete,
}

impl ChangeOp {
    pub fn from_code(op: i64) -> ChangeOp {
        match op {
            crate::db::journal::INSERT => ChangeOp::Insert,
            crate::db::journal::DELETE => ChangeOp::Delete,
            _ => ChangeOp::Update,
        }
    }
}

/// A change set, as the history lists it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ChangeSetSummary {
    #[ts(type = "number")]
    pub id: i64,
    /// When, RFC 3339 in UTC with milliseconds (the hybrid clock's wall time).
    pub at: String,
    pub author: String,
    /// The installation it was made on: with `at`, the change set's identity.
    pub device: String,
    /// What it did: the label its code gave, or one told from its changes (`history.created`,
    /// `history.updated`, `history.deleted`... with `kind` (the table), `name` and `count`).
    pub label: ChangeLabel,
    /// Entries it holds.
    #[ts(type = "number")]
    pub changes: i64,
    /// The change set it undid, and the one that undid it.
    #[ts(type = "number | null")]
    pub undoes: Option<i64>,
    #[ts(type = "number | null")]
    pub undone_by: Option<i64>,
}

/// One change of one record.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ChangeView {
    /// The table (the kind of record) and the record's identity.
    pub table: String,
    pub record: String,
    /// The record's name (as it is now, or as the journal last knew it); empty if it has none.
    pub name: String,
    pub op: ChangeOp,
    /// An update: the column changed.
    pub field: Option<String>,
    /// How to show the values: `text`, `money` (cents), `date`, `number`, `flag`, `binary`,
    /// `code:<List>` (a code of that enum), `ref:<table>` (a record of that table, named in
    /// `before_name`/`after_name`), `record` (an insert or delete: the whole record).
    pub kind: String,
    #[ts(type = "unknown")]
    pub before: serde_json::Value,
    #[ts(type = "unknown")]
    pub after: serde_json::Value,
    /// For a reference: the names of the records referred to.
    pub before_name: Option<String>,
    pub after_name: Option<String>,
}

/// A change set and its changes.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ChangeSetDetail {
    pub summary: ChangeSetSummary,
    pub changes: Vec<ChangeView>,
    /// Entries beyond those shown (a large import).
    #[ts(type = "number")]
    pub more: i64,
}

/// Which change sets to list (the Journal screen's filters).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HistoryQuery {
    /// Only those of this author (exact display name).
    pub author: Option<String>,
    /// Only those changing this kind of record (a table).
    pub table: Option<String>,
    /// Only those changing this record (its identity).
    pub record: Option<String>,
    /// From this day (ISO date, included) to that day (included).
    pub since: Option<String>,
    pub until: Option<String>,
    /// Words found in the label or the values (case and accents folded).
    pub text: Option<String>,
    /// The page after this change set (the last one of the page before), newest first.
    #[ts(type = "number | null")]
    pub before_id: Option<i64>,
    /// Change sets per page (at most [`crate::history::store::PAGE_MAX`]).
    pub limit: Option<u32>,
}

/// A page of change sets, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct HistoryPage {
    /// The change sets, each with its first changes (a record's history: that record's).
    pub sets: Vec<ChangeSetDetail>,
    /// Whether older change sets follow.
    pub more: bool,
    /// A record's history: that record's identity (its changes are the ones to tell).
    pub record: Option<String>,
}

/// What a deletion did: the name of the record deleted, for the message that follows it,
/// and the change set it made, which that message's « Annuler » undoes through the journal
/// ([`crate::db::store::Store::undo_change_set`]), bringing back everything that went with it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Deleted {
    pub name: String,
    #[ts(type = "number | null")]
    pub change_set: Option<i64>,
}

/// What an undo did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[ts(export)]
pub enum UndoOutcome {
    /// Undone, by this new change set (none when there was nothing left to reverse).
    Done {
        #[ts(type = "number | null")]
        change_set: Option<i64>,
    },
    /// Nothing changed: these later change sets changed the same things.
    Blocked { blockers: Vec<ChangeSetSummary> },
}
