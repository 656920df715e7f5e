//! Import of actors, links and meetings from CSV or XLSX (their export: `export.rs`).
//!
//! Columns are recognised by the French headers the export writes (`Nom;Monde;Commune`), by
//! their codes and by a few usual synonyms, ignoring case and accents; enumerated values the
//! same way (`Association / ESS`, `association`). An import is first *previewed*: the column
//! mapping, every row's problems (line and column) and the duplicates; it then writes **all or
//! nothing**, in one transaction, and only when no row has a problem. Duplicates (same name and
//! commune for actors, same pair and nature for links, same date and title for meetings) are
//! left out unless the user asks to keep them.
//!
//! Each step in its file: a row read (`records/rows.rs`), each kind of row prepared
//! (`actors.rs`, `links.rs`, `meetings.rs`), a file's rows checked (`prepare.rs`), the
//! duplicates found (`duplicates.rs`), the checked file written (`commit.rs`).

use super::{columns::*, problems::*};
use crate::db::store::Store;
use crate::exchange::tabular::{self, FileFormat};
use crate::network::{ValidLink, ValidMeeting};
use crate::shared::error::CoreResult;
use crate::shared::progress::Progress;
use actors::PreparedActor;
pub use rows::parse_date;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

mod actors;
pub(crate) mod commit;
mod duplicates;
mod links;
mod meetings;
mod prepare;
mod rows;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExchangeKind {
    Actors,
    Links,
    Meetings,
}

impl ExchangeKind {
    pub(crate) fn columns(self) -> &'static [Col] {
        match self {
            ExchangeKind::Actors => ACTOR_COLUMNS,
            ExchangeKind::Links => LINK_COLUMNS,
            ExchangeKind::Meetings => MEETING_COLUMNS,
        }
    }

    /// The sheet name of an XLSX export.
    pub fn sheet_name(self) -> &'static str {
        match self {
            ExchangeKind::Actors => "Acteurs",
            ExchangeKind::Links => "Liens",
            ExchangeKind::Meetings => "Rencontres",
        }
    }
}

/// A row that repeats an existing record or an earlier row.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ImportDuplicate {
    #[ts(type = "number")]
    pub line: usize,
    /// What the row describes (`Scierie Blanc (Larrieu)`).
    pub label: String,
    /// The earlier line of the file it repeats, or none when it repeats a record already in
    /// the workspace.
    #[ts(type = "number | null")]
    pub same_as_line: Option<usize>,
}

/// The first rows of the file as read, for the preview table.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SampleRow {
    #[ts(type = "number")]
    pub line: usize,
    pub cells: Vec<String>,
}

/// What an import would do, computed before anything is written.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ImportPreview {
    pub kind: ExchangeKind,
    /// `csv` or `xlsx`.
    pub format: String,
    pub encoding: String,
    pub separator: Option<String>,
    pub columns: Vec<ColumnMatch>,
    /// Data rows read.
    #[ts(type = "number")]
    pub rows: usize,
    /// Rows that would be written (duplicates left out).
    #[ts(type = "number")]
    pub ready: usize,
    /// The first problems (at most [`LISTED`]); `problem_count` says how many there are.
    pub problems: Vec<ImportProblem>,
    #[ts(type = "number")]
    pub problem_count: usize,
    /// The first duplicates (at most [`LISTED`]); `duplicate_count` says how many there are.
    pub duplicates: Vec<ImportDuplicate>,
    #[ts(type = "number")]
    pub duplicate_count: usize,
    /// Whether duplicates may be kept (links cannot: a pair has one link of each nature).
    pub duplicates_keepable: bool,
    pub sample: Vec<SampleRow>,
}

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ImportOutcome {
    pub kind: ExchangeKind,
    #[ts(type = "number")]
    pub written: usize,
    #[ts(type = "number")]
    pub skipped_duplicates: usize,
}

/// Most problems and duplicates a preview lists (all are counted): a file of a million rows
/// that all repeat the workspace must not make a million-line answer.
pub const LISTED: usize = 1000;

/// Most sample rows shown in a preview.
const SAMPLE_ROWS: usize = 8;

/// The rows checked without a problem, as the kind imported gives them.
enum Items {
    Actors(Vec<PreparedActor>),
    Links(Vec<ValidLink>),
    Meetings(Vec<ValidMeeting>),
}

/// A file read and checked against the workspace, nothing written yet: what the preview
/// shows, and what [`Store::commit_import`] writes.
pub struct PreparedImport {
    preview: ImportPreview,
    items: Items,
    /// For each item, whether it is a duplicate.
    duplicate: Vec<bool>,
    /// The workspace's change count when it was checked (see [`Store::change_stamp`]).
    stamp: u64,
    /// The name of the file read, for the journal's label.
    pub(crate) file_name: String,
}

impl PreparedImport {
    /// What importing would do.
    pub fn preview(&self) -> &ImportPreview {
        &self.preview
    }

    /// The preview, for the caller to keep.
    pub fn into_preview(self) -> ImportPreview {
        self.preview
    }

    /// The workspace's change count when the file was checked: if it changed since, the
    /// file must be checked again before it is written.
    pub fn stamp(&self) -> u64 {
        self.stamp
    }

    /// Records the writer's change count taken before the file was checked on another
    /// connection (a reader: see [`crate::Workspace::writer_stamp`]).
    pub fn set_stamp(&mut self, stamp: u64) {
        self.stamp = stamp;
    }
}

/// Frees `value` on another thread: a file's million rows and the names resolved for them are
/// millions of allocations, about 0.15 s to free, that the import need not wait for (without
/// a progress report meanwhile). Freed here when no thread can start (the closure, and
/// `value` with it, is dropped with the error).
fn free_later<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("catalyse-free".into())
        .spawn(move || drop(value));
}

impl Store {
    /// Reads and checks `bytes` against the workspace; writes nothing. Reports
    /// [`Phase::Reading`] then [`Phase::Checking`], and stops when cancelled.
    ///
    /// [`Phase::Reading`]: crate::shared::progress::Phase::Reading
    /// [`Phase::Checking`]: crate::shared::progress::Phase::Checking
    pub fn prepare_import(
        &self,
        kind: ExchangeKind,
        bytes: &[u8],
        format: FileFormat,
        progress: &Progress,
    ) -> CoreResult<PreparedImport> {
        let stamp = self.change_stamp();
        let table = tabular::read_table_with(bytes, format, progress)?;
        let prepared = self.prepare_table(kind, &table, format, stamp, progress);
        free_later(table);
        prepared
    }

    /// Reads a file and says what importing it would do; writes nothing.
    pub fn import_preview(
        &self,
        kind: ExchangeKind,
        bytes: &[u8],
        format: FileFormat,
    ) -> CoreResult<ImportPreview> {
        Ok(self
            .prepare_import(kind, bytes, format, &Progress::none())?
            .into_preview())
    }

    /// Imports a file: all of it in one transaction, or nothing when any row has a problem
    /// (the error lists the first problems, each with its line). Duplicates are left out
    /// unless `keep_duplicates` (never for links).
    pub fn import(
        &mut self,
        kind: ExchangeKind,
        bytes: &[u8],
        format: FileFormat,
        keep_duplicates: bool,
    ) -> CoreResult<ImportOutcome> {
        let progress = Progress::none();
        let prepared = self.prepare_import(kind, bytes, format, &progress)?;
        self.commit_import(prepared, keep_duplicates, &progress)
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
#[path = "records/batch_tests.rs"]
mod batch_tests;
