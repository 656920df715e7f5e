//! Import of actors, links and meetings from CSV or XLSX (their export: `export.rs`).
//!
//! Columns are recognised by the French headers the export writes (`Nom;Monde;Commune`), by
//! their codes and by a few usual synonyms, ignoring case and accents; enumerated values the
//! same way (`Association / ESS`, `association`). An import is first *previewed*: the column
//! mapping, every row's problems (line and column) and the duplicates; it then writes **all or
//! nothing**, in one transaction, and only when no row has a problem. Duplicates (same name and
//! commune for actors, same pair and nature for links, same date and title for meetings) are
//! left out unless the user asks to keep them.

use super::{columns::*, names::*, problems::*};
use crate::db::store::{insert_batched, int, now, text, Store, BATCH_ROWS};
use crate::exchange::tabular::{self, unneutralise, FileFormat, Table, TableRow, CELL_MAX};
use crate::network::{
    parse_hours, ActorProfile, ContactInput, FollowUp, Introducer, LinkInput, MeetingInput,
    ValidContact, ValidLink, ValidMeeting,
};
use crate::shared::domain::{
    ActorInput, Coded, Engagement, LinkNature, MeetingKind, Practice, World,
};
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::progress::{Phase, Progress};
use crate::shared::text::fold;
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

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

// ----- Reading rows ---------------------------------------------------------------------------

/// One row being read: its cells by column key, and the problems found so far.
struct RowReader<'a> {
    row: &'a TableRow,
    map: &'a Mapping,
    problems: Vec<ImportProblem>,
}

impl<'a> RowReader<'a> {
    fn new(row: &'a TableRow, map: &'a Mapping) -> Self {
        let mut r = RowReader {
            row,
            map,
            problems: Vec::new(),
        };
        let extra = row
            .cells
            .iter()
            .skip(map.width)
            .filter(|c| !c.trim().is_empty())
            .count();
        if extra > 0 {
            r.problems.push(
                Said::new(
                    "row.extra_cells",
                    format!(
                        "{} cellules pour {} colonnes : la ligne a des valeurs en trop (un séparateur dans un texte sans guillemets ?).",
                        row.cells.len(),
                        map.width
                    ),
                )
                .arg("cells", row.cells.len())
                .arg("columns", map.width)
                .at(row.line, None),
            );
        }
        for (i, c) in row.cells.iter().enumerate() {
            // A cell has at least as many bytes as characters: count only the long ones.
            if c.len() > CELL_MAX && c.chars().count() > CELL_MAX {
                let column = map.columns.get(i).map(|c| c.header.clone());
                let length = c.chars().count();
                r.problems.push(
                    Said::new(
                        "cell.too_long",
                        format!("cellule trop longue ({length} caractères ; {CELL_MAX} au plus)."),
                    )
                    .arg("length", length)
                    .arg("max", CELL_MAX)
                    .at(row.line, column),
                );
            }
        }
        r
    }

    /// The cell of a column, trimmed, with an export's formula guard removed; empty when the
    /// column or the cell is missing.
    fn get(&self, key: &str) -> String {
        self.map
            .index
            .get(key)
            .and_then(|&i| self.row.cells.get(i))
            .map(|c| unneutralise(c.trim()).trim().to_string())
            .unwrap_or_default()
    }

    /// A problem in the column of field `key`.
    fn problem(&mut self, key: &'static str, said: Said) {
        let column = self.map.header.get(key).cloned();
        self.problems.push(said.at(self.row.line, column));
    }

    /// A validation error of the core, reported against the column of its field.
    fn error(&mut self, key_of_field: impl Fn(&str) -> &'static str, e: CoreError) {
        let key = e.field().map(&key_of_field).unwrap_or("");
        let column = self.map.header.get(key).cloned();
        self.problems.push(ImportProblem {
            line: self.row.line,
            column,
            message: e.to_string(),
            code: e.code().unwrap_or(e.kind()).to_string(),
            value: None,
            args: BTreeMap::new(),
        });
    }

    /// A coded value read by its French label or code; `Ok(None)` when empty (reported if
    /// `required`), `Err` when reported.
    fn enumerated<T: Coded>(&mut self, key: &'static str, required: bool) -> Result<Option<T>, ()> {
        let v = self.get(key);
        if v.is_empty() {
            if required {
                self.problem(key, required_value());
                return Err(());
            }
            return Ok(None);
        }
        match T::from_text(&v) {
            Some(t) => Ok(Some(t)),
            None => {
                let message = T::parse("", &v)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                self.problem(key, Said::new("unknown_value", message).value(&v));
                Err(())
            }
        }
    }

    /// A whole number within a range; `Ok(None)` when empty, `Err` when reported.
    fn number(
        &mut self,
        key: &'static str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<Option<i64>, ()> {
        let v = self.get(key);
        if v.is_empty() {
            return Ok(None);
        }
        match v.replace(',', ".").parse::<f64>() {
            Ok(x) if x.fract() == 0.0 && range.contains(&(x as i64)) => Ok(Some(x as i64)),
            _ => {
                let said = Said::new(
                    "number.invalid",
                    format!(
                        "« {} » n'est pas un nombre entier de {} à {}.",
                        crate::shared::domain::truncate_for_message(&v),
                        range.start(),
                        range.end()
                    ),
                )
                .value(&v)
                .arg("min", range.start())
                .arg("max", range.end());
                self.problem(key, said);
                Err(())
            }
        }
    }

    /// A date written `AAAA-MM-JJ`, `JJ/MM/AAAA` (or `JJ-MM-AAAA`, `JJ.MM.AAAA`), or an Excel
    /// date; as an ISO string.
    fn date(&mut self, key: &'static str) -> Result<Option<String>, ()> {
        let v = self.get(key);
        if v.is_empty() {
            return Ok(None);
        }
        match parse_date(&v) {
            Some(d) => Ok(Some(d.to_string())),
            None => {
                let said = Said::new(
                    "date.invalid",
                    format!(
                        "« {} » n'est pas une date (formats acceptés : 2026-03-12 ou 12/03/2026).",
                        crate::shared::domain::truncate_for_message(&v)
                    ),
                )
                .value(&v);
                self.problem(key, said);
                Err(())
            }
        }
    }
}

/// Reads the dates spreadsheets hold.
pub fn parse_date(v: &str) -> Option<NaiveDate> {
    let v = v.trim();
    let day = v.split([' ', 'T']).next().unwrap_or(v);
    ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(day, f).ok())
}

/// Splits a list cell (`A | B`, `A; B` or one per line).
fn split_list(v: &str) -> Vec<String> {
    v.split(['|', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

// ----- Preparing each kind --------------------------------------------------------------------

struct PreparedActor {
    actor: crate::shared::domain::ValidActor,
    profile: ActorProfile,
    contact: Option<ValidContact>,
}

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

fn actor_field_key(field: &str) -> &'static str {
    match field {
        "name" => "name",
        "world" => "world",
        "commune" => "commune",
        "engagement" => "engagement",
        "needs" => "needs",
        "contributions" => "contributions",
        "tags" => "tags",
        "influence" => "influence",
        "interest" => "interest",
        "notes" => "notes",
        _ => "",
    }
}

fn contact_field_key(field: &str) -> &'static str {
    match field {
        "name" => "contact_name",
        "role" => "contact_role",
        "email" => "contact_email",
        "phone" => "contact_phone",
        _ => "",
    }
}

fn prepare_actor(r: &mut RowReader) -> Option<PreparedActor> {
    let world = r.enumerated::<World>("world", true);
    let engagement = r.enumerated::<Engagement>("engagement", false);
    let influence = r.number("influence", 1..=5);
    let interest = r.number("interest", 1..=5);
    // Placeholders where the coded values failed, so that the other fields are still checked.
    let input = ActorInput {
        name: r.get("name"),
        world: world
            .ok()
            .flatten()
            .unwrap_or(World::Association)
            .code()
            .to_string(),
        commune: r.get("commune"),
        engagement: engagement
            .ok()
            .flatten()
            .unwrap_or(Engagement::Informed)
            .code()
            .to_string(),
        notes: r.get("notes"),
    };
    let contact_input = ContactInput {
        name: r.get("contact_name"),
        role: r.get("contact_role"),
        email: r.get("contact_email"),
        phone: r.get("contact_phone"),
        notes: String::new(),
    };
    let profile = ActorProfile {
        needs: r.get("needs"),
        contributions: r.get("contributions"),
        influence: influence.ok().flatten(),
        interest: interest.ok().flatten(),
        tags: r
            .get("tags")
            .split([',', ';', '|'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
    };
    let actor = match input.validate() {
        Ok(a) => Some(a),
        Err(e) => {
            r.error(actor_field_key, e);
            None
        }
    };
    let profile = match profile.validate() {
        Ok(p) => Some(p),
        Err(e) => {
            r.error(actor_field_key, e);
            None
        }
    };
    let has_contact = [
        &contact_input.name,
        &contact_input.role,
        &contact_input.email,
        &contact_input.phone,
    ]
    .iter()
    .any(|v| !v.is_empty());
    let contact = if has_contact {
        let mut c = contact_input;
        if c.name.is_empty() {
            // A row with an email but no person: the contact takes the role, or "Contact".
            c.name = if c.role.is_empty() {
                "Contact".into()
            } else {
                c.role.clone()
            };
        }
        match c.validate() {
            Ok(v) => Some(Some(v)),
            Err(e) => {
                r.error(contact_field_key, e);
                None
            }
        }
    } else {
        Some(None)
    };
    if world.is_err() || engagement.is_err() || influence.is_err() || interest.is_err() {
        return None;
    }
    Some(PreparedActor {
        actor: actor?,
        profile: profile?,
        contact: contact?,
    })
}

fn prepare_link(r: &mut RowReader, names: &Names) -> Option<ValidLink> {
    let nature = r.enumerated::<LinkNature>("nature", true);
    let strength = r.number("strength", 1..=3);
    let since = r.date("since");
    let mut ends = [None, None];
    for (i, (key, commune)) in [("actor_a", "commune_a"), ("actor_b", "commune_b")]
        .into_iter()
        .enumerate()
    {
        let name = r.get(key);
        if name.is_empty() {
            r.problem(key, required_value());
            continue;
        }
        match names.actor(&name, &r.get(commune)) {
            Ok(id) => ends[i] = Some(id),
            Err(m) => r.problem(key, m),
        }
    }
    let by = r.get("introduced_by");
    let introduced_by = if by.is_empty() {
        Some(None)
    } else {
        match names.member(&by) {
            Some(Ok(m)) => Some(Some(Introducer::Member(m))),
            Some(Err(msg)) => {
                r.problem("introduced_by", msg);
                None
            }
            None => match names.actor(&by, "") {
                Ok(a) => Some(Some(Introducer::Actor(a))),
                Err(_) => {
                    let said = Said::new(
                        "introducer.unknown",
                        format!(
                            "« {} » n'est ni un membre de l'équipe ni un acteur connu (ou plusieurs acteurs portent ce nom).",
                            crate::shared::domain::truncate_for_message(&by)
                        ),
                    )
                    .value(&by);
                    r.problem("introduced_by", said);
                    None
                }
            },
        }
    };
    let input = LinkInput {
        actor_a: ends[0]?,
        actor_b: ends[1]?,
        nature: nature.ok()??.code().to_string(),
        strength: strength.ok()?.unwrap_or(2),
        since: since.ok()?,
        notes: r.get("notes"),
        introduced_by: introduced_by?,
        meeting_id: None,
    };
    match input.validate() {
        Ok(v) => Some(v),
        Err(e) => {
            r.error(
                |f| match f {
                    "actor_a" => "actor_a",
                    "actor_b" => "actor_b",
                    "introduced_by" => "introduced_by",
                    "notes" => "notes",
                    _ => "",
                },
                e,
            );
            None
        }
    }
}

fn prepare_meeting(r: &mut RowReader, names: &Names) -> Option<ValidMeeting> {
    let date = r.date("date");
    let kind = r.enumerated::<MeetingKind>("kind", true);
    let practice = r.enumerated::<Practice>("practice", false).ok().flatten();
    let activity_text = r.get("activity");
    let activity = if activity_text.is_empty() {
        Some(None)
    } else if let Ok(n) = activity_text.parse::<i64>() {
        Some(Some(n))
    } else {
        // The activity's own words, as the deck gives them.
        let f = fold(&activity_text);
        let found = practice.and_then(|p| {
            p.activities()
                .iter()
                .position(|a| fold(a) == f)
                .map(|i| i as i64 + 1)
        });
        if found.is_none() {
            let said = Said::new(
                "activity.unknown",
                format!(
                    "activité inconnue : « {} » (un numéro de 1 à 4, ou l'intitulé exact d'une activité de la pratique).",
                    crate::shared::domain::truncate_for_message(&activity_text)
                ),
            )
            .value(&activity_text);
            r.problem("activity", said);
        }
        found.map(Some)
    };
    let hours = r.get("hours");
    if !hours.is_empty() {
        if let Err(e) = parse_hours(&hours) {
            r.error(|_| "hours", e);
        }
    }
    let mut actor_ids = Vec::new();
    for name in split_list(&r.get("actors")) {
        match names.actor(&name, "") {
            Ok(id) => actor_ids.push(id),
            Err(m) => r.problem("actors", m),
        }
    }
    let mut member_ids = Vec::new();
    for name in split_list(&r.get("members")) {
        match names.member(&name) {
            Some(Ok(id)) => member_ids.push(id),
            Some(Err(m)) => r.problem("members", m),
            None => r.problem(
                "members",
                Said::new(
                    "member.unknown",
                    format!(
                        "« {} » n'est pas un membre de l'équipe.",
                        crate::shared::domain::truncate_for_message(&name)
                    ),
                )
                .value(&name),
            ),
        }
    }
    if !r.problems.is_empty() {
        return None;
    }
    let input = MeetingInput {
        date: date.ok()?.unwrap_or_default(),
        kind: kind.ok()??.code().to_string(),
        title: r.get("title"),
        practice: practice.map(|p| p.code().to_string()),
        activity: activity?,
        notes: r.get("notes"),
        hours,
        actor_ids,
        member_ids,
        follow_ups: Vec::<FollowUp>::new(),
    };
    match input.validate() {
        Ok(v) => Some(v),
        Err(e) => {
            r.error(
                |f| match f {
                    "date" => "date",
                    "title" => "title",
                    "practice" => "practice",
                    "activity" => "activity",
                    "notes" => "notes",
                    "hours" => "hours",
                    _ => "",
                },
                e,
            );
            None
        }
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

    fn prepare_table(
        &self,
        kind: ExchangeKind,
        table: &Table,
        format: FileFormat,
        stamp: u64,
        progress: &Progress,
    ) -> CoreResult<PreparedImport> {
        let mut problems = Vec::new();
        let map = map_headers(&table.headers, kind.columns(), &mut problems);
        if table.rows.is_empty() {
            problems.push(
                Said::new(
                    "file.no_rows",
                    "Le fichier ne contient aucune ligne de données (seulement des en-têtes)."
                        .into(),
                )
                .at(0, None),
            );
        }
        let names = match kind {
            ExchangeKind::Actors => None,
            _ => Some(NameIndex::load(self)?),
        };
        let header_ok = problems.is_empty();
        let mut problem_count = problems.len();
        let mut lines = Vec::with_capacity(table.rows.len());
        let mut items = match kind {
            ExchangeKind::Actors => Items::Actors(Vec::with_capacity(table.rows.len())),
            ExchangeKind::Links => Items::Links(Vec::with_capacity(table.rows.len())),
            ExchangeKind::Meetings => Items::Meetings(Vec::with_capacity(table.rows.len())),
        };
        let total = table.rows.len() as u64;
        if header_ok {
            // Rows are checked on every core, in contiguous parts; the parts are put back in
            // order, so problems and duplicates come out as a single pass would give them.
            let checked = std::sync::atomic::AtomicU64::new(0);
            let parts = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
            let size = table.rows.len().div_ceil(parts).max(4096);
            let check_part =
                |rows: &[TableRow]| -> CoreResult<(Items, Vec<usize>, Vec<ImportProblem>, usize)> {
                    let resolver = names.as_ref().map(NameIndex::resolver);
                    let mut items = match kind {
                        ExchangeKind::Actors => Items::Actors(Vec::with_capacity(rows.len())),
                        ExchangeKind::Links => Items::Links(Vec::with_capacity(rows.len())),
                        ExchangeKind::Meetings => Items::Meetings(Vec::with_capacity(rows.len())),
                    };
                    let mut lines = Vec::with_capacity(rows.len());
                    let mut problems = Vec::new();
                    let mut count = 0;
                    for (i, row) in rows.iter().enumerate() {
                        if i % 1024 == 1023 {
                            let done =
                                checked.fetch_add(1024, std::sync::atomic::Ordering::Relaxed);
                            progress.step(Phase::Checking, done + 1024, Some(total))?;
                        }
                        let mut r = RowReader::new(row, &map);
                        match &mut items {
                            Items::Actors(v) => {
                                if let Some(a) = prepare_actor(&mut r) {
                                    v.push(a);
                                    lines.push(row.line);
                                }
                            }
                            Items::Links(v) => {
                                if let Some(l) =
                                    prepare_link(&mut r, resolver.as_ref().expect("loaded"))
                                {
                                    v.push(l);
                                    lines.push(row.line);
                                }
                            }
                            Items::Meetings(v) => {
                                if let Some(m) =
                                    prepare_meeting(&mut r, resolver.as_ref().expect("loaded"))
                                {
                                    v.push(m);
                                    lines.push(row.line);
                                }
                            }
                        }
                        count += r.problems.len();
                        let room = LISTED.saturating_sub(problems.len());
                        problems.extend(r.problems.into_iter().take(room));
                    }
                    Ok((items, lines, problems, count))
                };
            let results: Vec<CoreResult<_>> = std::thread::scope(|scope| {
                let handles: Vec<_> = table
                    .rows
                    .chunks(size)
                    .map(|part| scope.spawn(move || check_part(part)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            });
            for part in results {
                let (part_items, part_lines, part_problems, part_count) = part?;
                match (&mut items, part_items) {
                    (Items::Actors(all), Items::Actors(v)) => all.extend(v),
                    (Items::Links(all), Items::Links(v)) => all.extend(v),
                    (Items::Meetings(all), Items::Meetings(v)) => all.extend(v),
                    _ => unreachable!("every part holds the kind being imported"),
                }
                lines.extend(part_lines);
                problem_count += part_count;
                let room = LISTED.saturating_sub(problems.len());
                problems.extend(part_problems.into_iter().take(room));
            }
        }
        progress.step(Phase::Checking, total, Some(total))?;
        let (duplicates, duplicate) = self.find_duplicates(&items, &lines, progress)?;
        let ready = duplicate.iter().filter(|d| !**d).count();
        let duplicate_count = duplicate.len() - ready;
        let preview = ImportPreview {
            kind,
            format: format.code().into(),
            encoding: table.encoding.clone(),
            separator: table.separator.map(|c| {
                if c == '\t' {
                    "tabulation".to_string()
                } else {
                    c.to_string()
                }
            }),
            columns: map.columns,
            rows: table.rows.len(),
            ready: if problems.is_empty() { ready } else { 0 },
            problems,
            problem_count,
            duplicates,
            duplicate_count,
            duplicates_keepable: kind != ExchangeKind::Links,
            sample: table
                .rows
                .iter()
                .take(SAMPLE_ROWS)
                .map(|r| SampleRow {
                    line: r.line,
                    cells: r
                        .cells
                        .iter()
                        .map(|c| c.chars().take(200).collect())
                        .collect(),
                })
                .collect(),
        };
        free_later(names);
        Ok(PreparedImport {
            preview,
            items,
            duplicate,
            stamp,
            file_name: String::new(),
        })
    }

    fn find_duplicates(
        &self,
        items: &Items,
        lines: &[usize],
        progress: &Progress,
    ) -> CoreResult<(Vec<ImportDuplicate>, Vec<bool>)> {
        let mut duplicates = Vec::new();
        let mut flags = Vec::with_capacity(lines.len());
        /// Marks the items whose key was seen (in the workspace: `None`; on an earlier line:
        /// `Some(line)`), labelling only those. Reports the checking as done meanwhile (a
        /// million keys take a few tenths of a second).
        #[allow(clippy::too_many_arguments)]
        fn mark<K: std::hash::Hash + Eq>(
            mut seen: FxHashMap<K, Option<usize>>,
            keys: impl Iterator<Item = K>,
            lines: &[usize],
            label: impl Fn(usize) -> String,
            duplicates: &mut Vec<ImportDuplicate>,
            flags: &mut Vec<bool>,
            progress: &Progress,
        ) -> CoreResult<()> {
            let total = lines.len() as u64;
            for (i, (key, line)) in keys.zip(lines).enumerate() {
                if i % 16_384 == 0 {
                    progress.step(Phase::Checking, total, Some(total))?;
                }
                match seen.get(&key) {
                    Some(earlier) => {
                        if duplicates.len() < LISTED {
                            duplicates.push(ImportDuplicate {
                                line: *line,
                                label: label(i),
                                same_as_line: *earlier,
                            });
                        }
                        flags.push(true);
                    }
                    None => {
                        seen.insert(key, Some(*line));
                        flags.push(false);
                    }
                }
            }
            Ok(())
        }
        match items {
            Items::Actors(v) => {
                let mut seen: FxHashMap<(String, String), Option<usize>> = FxHashMap::default();
                let mut st = self.conn.prepare("SELECT name, commune FROM actor_key")?;
                for row in
                    st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                {
                    seen.insert(row?, None);
                }
                let label = |i: usize| {
                    let a = &v[i].actor;
                    if a.commune.is_empty() {
                        a.name.clone()
                    } else {
                        format!("{} ({})", a.name, a.commune)
                    }
                };
                let keys = v
                    .iter()
                    .map(|a| (fold(&a.actor.name), fold(&a.actor.commune)));
                mark(
                    seen,
                    keys,
                    lines,
                    label,
                    &mut duplicates,
                    &mut flags,
                    progress,
                )?;
            }
            Items::Links(v) => {
                let mut seen: FxHashMap<(i64, i64, LinkNature), Option<usize>> =
                    FxHashMap::default();
                seen.reserve(v.len());
                let mut st = self.conn.prepare(
                    "SELECT min(actor_a, actor_b), max(actor_a, actor_b), nature FROM link",
                )?;
                for row in st.query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, LinkNature>(2)?,
                    ))
                })? {
                    seen.insert(row?, None);
                }
                let name = |id: i64| -> String {
                    self.conn
                        .prepare_cached("SELECT name FROM actor WHERE id = ?1")
                        .and_then(|mut st| st.query_row([id], |r| r.get(0)))
                        .unwrap_or_else(|_| "?".into())
                };
                let label = |i: usize| {
                    let l = &v[i];
                    format!(
                        "{} — {} ({})",
                        name(l.actor_a),
                        name(l.actor_b),
                        l.nature.label_fr()
                    )
                };
                let keys = v
                    .iter()
                    .map(|l| (l.actor_a.min(l.actor_b), l.actor_a.max(l.actor_b), l.nature));
                mark(
                    seen,
                    keys,
                    lines,
                    label,
                    &mut duplicates,
                    &mut flags,
                    progress,
                )?;
            }
            Items::Meetings(v) => {
                let mut seen: FxHashMap<(String, String), Option<usize>> = FxHashMap::default();
                let mut st = self.conn.prepare("SELECT date, title FROM meeting_key")?;
                for row in
                    st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                {
                    seen.insert(row?, None);
                }
                let label = |i: usize| {
                    let m = &v[i];
                    format!("{} ({})", m.title, m.date.format("%d/%m/%Y"))
                };
                let keys = v.iter().map(|m| (m.date.to_string(), fold(&m.title)));
                mark(
                    seen,
                    keys,
                    lines,
                    label,
                    &mut duplicates,
                    &mut flags,
                    progress,
                )?;
            }
        }
        Ok((duplicates, flags))
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

    /// Writes a checked file: all of it in one transaction, or nothing (a row with a problem,
    /// a cancellation, a full disk). The file must have been checked against the workspace
    /// as it is now ([`PreparedImport::stamp`]); otherwise nothing is written and the error
    /// asks to check it again.
    pub fn commit_import(
        &mut self,
        prepared: PreparedImport,
        keep_duplicates: bool,
        progress: &Progress,
    ) -> CoreResult<ImportOutcome> {
        let PreparedImport {
            preview,
            items,
            duplicate,
            stamp,
            file_name,
        } = prepared;
        if preview.problem_count > 0 {
            return Err(problems_error(&preview.problems, preview.problem_count));
        }
        if stamp != self.change_stamp() {
            return Err(CoreError::validation(
                "file",
                "import.stale",
                "L'espace de travail a changé depuis la vérification du fichier : vérifiez-le de nouveau avant de l'importer.",
            ));
        }
        let kind = preview.kind;
        let keep = keep_duplicates && preview.duplicates_keepable;
        let wanted = |i: usize| keep || !duplicate[i];
        let skipped = if keep { 0 } else { preview.duplicate_count };
        let at = now();
        let total = duplicate
            .iter()
            .enumerate()
            .filter(|(i, _)| wanted(*i))
            .count() as u64;
        self.journal()
            .set_label(&crate::history::journal::ChangeLabel::new(
                "import",
                &[
                    (
                        "kind",
                        match kind {
                            ExchangeKind::Actors => "actors",
                            ExchangeKind::Links => "links",
                            ExchangeKind::Meetings => "meetings",
                        }
                        .to_string(),
                    ),
                    ("count", total.to_string()),
                    ("file", file_name),
                ],
            ));
        // Links check their references themselves; actors name only the rows written here.
        let references_checked = kind != ExchangeKind::Meetings;
        let written = self.bulk(progress, references_checked, |tx| {
            let mut n = 0u64;
            match &items {
                Items::Actors(v) => {
                    let chosen: Vec<&PreparedActor> = v
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| wanted(*i))
                        .map(|(_, a)| a)
                        .collect();
                    // Ids given here, so that tags and contacts can name their actor.
                    let base: i64 =
                        tx.query_row("SELECT coalesce(max(id), 0) FROM actor", [], |r| r.get(0))?;
                    let mut deferred = crate::db::bulk::defer(
                        tx,
                        crate::db::bulk::ACTOR_BACKFILLS,
                        &["actor", "actor_key", "search_key"],
                        chosen.len(),
                    )?;
                    // Journaled after the rows, in the order the triggers would have: the
                    // actors, their tags, then the contacts.
                    deferred.journal_inserts(tx, "actor", "id")?;
                    deferred.journal_inserts(tx, "actor_tag", "actor_id")?;
                    deferred.check_codes(tx, "actor")?;
                    insert_batched(
                        tx,
                        "actor (id, name, world, commune, engagement, notes, needs, contributions,
                                influence, interest, created_at, updated_at)",
                        12,
                        chosen.len(),
                        |i, out| {
                            let (v, p) = (&chosen[i].actor, &chosen[i].profile);
                            out.extend([
                                int(Some(base + 1 + i as i64)),
                                text(&v.name),
                                text(v.world.code()),
                                text(&v.commune),
                                text(v.engagement.code()),
                                text(&v.notes),
                                text(&p.needs),
                                text(&p.contributions),
                                int(p.influence),
                                int(p.interest),
                                text(&at),
                                text(&at),
                            ]);
                        },
                        |done| {
                            if done % 1024 < BATCH_ROWS {
                                progress.step(Phase::Writing, done as u64, Some(total))?;
                            }
                            Ok(())
                        },
                    )?;
                    let tags: Vec<(i64, &String)> = chosen
                        .iter()
                        .enumerate()
                        .flat_map(|(i, a)| a.profile.tags.iter().map(move |t| (base + 1 + i as i64, t)))
                        .collect();
                    insert_batched(
                        tx,
                        "actor_tag (actor_id, tag)",
                        2,
                        tags.len(),
                        |i, out| out.extend([int(Some(tags[i].0)), text(tags[i].1)]),
                        |_| progress.check(),
                    )?;
                    let contacts: Vec<(i64, &ValidContact)> = chosen
                        .iter()
                        .enumerate()
                        .filter_map(|(i, a)| a.contact.as_ref().map(|c| (base + 1 + i as i64, c)))
                        .collect();
                    let first_contact = crate::db::bulk::next_value(tx, "contact", "id")?;
                    let mut contacts_deferred = crate::db::bulk::defer(
                        tx,
                        crate::db::bulk::CONTACT_BACKFILLS,
                        &["contact"],
                        contacts.len(),
                    )?;
                    contacts_deferred.journal_inserts(tx, "contact", "id")?;
                    insert_batched(
                        tx,
                        "contact (actor_id, name, role, email, phone, notes, position, created_at, updated_at)",
                        9,
                        contacts.len(),
                        |i, out| {
                            let (id, c) = contacts[i];
                            out.extend([
                                int(Some(id)),
                                text(&c.name),
                                text(&c.role),
                                text(&c.email),
                                text(&c.phone),
                                text(&c.notes),
                                int(Some(0)),
                                text(&at),
                                text(&at),
                            ]);
                        },
                        |_| progress.check(),
                    )?;
                    crate::db::bulk::restore(tx, deferred, base + 1, progress)?;
                    crate::db::bulk::restore(tx, contacts_deferred, first_contact, progress)?;
                    n = chosen.len() as u64;
                }
                Items::Links(v) => {
                    let chosen: Vec<&ValidLink> = v
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| wanted(*i))
                        .map(|(_, l)| l)
                        .collect();
                    n = Self::write_links(tx, &chosen, &at, progress)? as u64;
                }
                Items::Meetings(v) => {
                    for (_, m) in v.iter().enumerate().filter(|(i, _)| wanted(*i)) {
                        Self::insert_meeting(tx, m, &at)?;
                        n += 1;
                        if n.is_multiple_of(512) {
                            progress.step(Phase::Writing, n, Some(total))?;
                        }
                    }
                }
            }
            progress.step(Phase::Writing, n, Some(total))?;
            Ok(n as usize)
        })?;
        Ok(ImportOutcome {
            kind,
            written,
            skipped_duplicates: skipped,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::testing::schema;
    use crate::network::MemberInput;
    use crate::shared::sheet::format_hours;

    fn store() -> Store {
        Store::open_in_memory().unwrap()
    }

    fn demo() -> Store {
        let mut s = store();
        crate::demo::populate(&mut s).unwrap();
        s
    }

    fn csv(text: &str) -> Vec<u8> {
        text.as_bytes().to_vec()
    }

    fn actors_csv(s: &mut Store, text: &str) -> CoreResult<ImportOutcome> {
        s.import(ExchangeKind::Actors, &csv(text), FileFormat::Csv, false)
    }

    /// Everything derived from the records, in key order.
    /// The journal entries of `tables`, in order: (table, op, record, after).
    fn entries(s: &Store) -> Vec<(String, i64, String, String)> {
        let mut st = s
            .conn
            .prepare(
                "SELECT tbl, op, record, quote(after) FROM change
                 WHERE tbl IN ('actor', 'actor_tag', 'contact') ORDER BY id",
            )
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn a_bulk_import_journals_what_the_triggers_journal_row_by_row() {
        let mut text = String::from("Nom;Monde;Commune;Étiquettes;Contact;Fonction du contact\n");
        for i in 0..40 {
            text.push_str(&format!(
                "Acteur {i};Association / ESS;Gap;{};{}\n",
                if i % 4 == 0 { "zèbre, alpha" } else { "" },
                if i % 3 == 0 {
                    format!("Hélène {i};Présidente")
                } else {
                    ";".into()
                }
            ));
        }
        let mut bulk = demo();
        bulk.import(
            ExchangeKind::Actors,
            text.as_bytes(),
            FileFormat::Csv,
            false,
        )
        .unwrap();
        // The same rows inserted one by one into a copy of the workspace before the import,
        // in the order the import writes them: each fires its journal trigger.
        let mut by_row = demo();
        let tx = by_row.conn.transaction().unwrap();
        for (table, key) in [
            ("actor", "id"),
            ("actor_tag", "actor_id"),
            ("contact", "id"),
        ] {
            let first: i64 = tx
                .query_row(
                    &format!("SELECT coalesce(max({key}), 0) + 1 FROM {table}"),
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            let mut st = bulk
                .conn
                .prepare(&format!(
                    "SELECT * FROM {table} WHERE {key} >= ?1 ORDER BY {key}, uid"
                ))
                .unwrap();
            let n = st.column_count();
            let rows: Vec<Vec<rusqlite::types::Value>> = st
                .query_map([first], |r| (0..n).map(|i| r.get(i)).collect())
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert!(!rows.is_empty(), "{table}");
            let marks = vec!["?"; n].join(", ");
            for row in rows {
                tx.execute(
                    &format!("INSERT INTO {table} VALUES ({marks})"),
                    rusqlite::params_from_iter(row),
                )
                .unwrap();
            }
        }
        tx.commit().unwrap();
        // The demo's own entries name other identities in each store: compare what follows.
        let before = entries(&demo()).len();
        let (imported, one_by_one) = (&entries(&bulk)[before..], &entries(&by_row)[before..]);
        assert_eq!(imported.len(), 40 + 20 + 14);
        let first_difference = imported.iter().zip(one_by_one).find(|(a, b)| a != b);
        assert_eq!(first_difference, None);
        assert_eq!(imported.len(), one_by_one.len());
        // One change set for the import, labelled.
        let sets: i64 = bulk
            .conn
            .query_row(
                "SELECT count(DISTINCT set_id) FROM change WHERE set_id =
                     (SELECT max(id) FROM change_set WHERE label LIKE '%import%')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(sets, 1);
    }

    fn derived(s: &Store) -> Vec<String> {
        let mut out = Vec::new();
        for sql in [
            "SELECT rowid || '|' || title || '|' || body FROM search_index ORDER BY rowid",
            "SELECT actor_id || '|' || sort || '|' || name || '|' || commune || '|' || world || '|' || engagement FROM actor_key ORDER BY actor_id",
            "SELECT kind || '|' || id || '|' || title FROM search_key ORDER BY kind, id",
        ] {
            out.extend(crate::actors::testing::texts(s, sql));
        }
        out
    }

    #[test]
    fn a_bulk_import_derives_exactly_what_the_triggers_derive() {
        // The same actors, imported in bulk (triggers and indexes set aside) and created one by
        // one through the triggers: the search index and the list keys must be identical.
        let n = crate::db::bulk::REBUILD_FROM + 5;
        let mut text = String::from(
            "Nom;Monde;Commune;Niveau d'engagement;Besoins;Contributions;Notes;Étiquettes;Contact;Fonction du contact\n",
        );
        for i in 0..n {
            text.push_str(&format!(
                "Œuvre n° {i} des Écrins;Association / ESS;Saint-Véran {};Partenaire;besoin {i};apport;note {i};a, b;{}\n",
                i % 17,
                if i % 3 == 0 { format!("Hélène Müller {i};Présidente") } else { ";".into() }
            ));
        }
        let mut bulk = store();
        let before = schema(&bulk);
        let out = bulk
            .import(
                ExchangeKind::Actors,
                text.as_bytes(),
                FileFormat::Csv,
                false,
            )
            .unwrap();
        assert_eq!(out.written, n);
        assert_eq!(
            schema(&bulk),
            before,
            "the schema is put back exactly as it was"
        );
        let mut one_by_one = store();
        for i in 0..n {
            let a = one_by_one
                .create_actor(&ActorInput {
                    name: format!("Œuvre n° {i} des Écrins"),
                    world: "association".into(),
                    commune: format!("Saint-Véran {}", i % 17),
                    engagement: "partner".into(),
                    notes: format!("note {i}"),
                })
                .unwrap();
            one_by_one
                .update_actor_profile(
                    a.id,
                    &ActorProfile {
                        needs: format!("besoin {i}"),
                        contributions: "apport".into(),
                        influence: None,
                        interest: None,
                        tags: vec!["a".into(), "b".into()],
                    },
                )
                .unwrap();
            if i % 3 == 0 {
                one_by_one
                    .create_contact(
                        a.id,
                        &crate::network::ContactInput {
                            name: format!("Hélène Müller {i}"),
                            role: "Présidente".into(),
                            email: String::new(),
                            phone: String::new(),
                            notes: String::new(),
                        },
                    )
                    .unwrap();
            }
        }
        let (bulk_derived, one_derived) = (derived(&bulk), derived(&one_by_one));
        assert_eq!(bulk_derived.len(), one_derived.len());
        let first_difference = bulk_derived.iter().zip(&one_derived).find(|(a, b)| a != b);
        assert_eq!(first_difference, None);
        assert_eq!(bulk.search("helene muller 3").unwrap()[0].kind, "contact");
        let ok: String = bulk
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        // Searches and lists see the imported actors.
        assert_eq!(bulk.search("ecrins").unwrap()[0].kind, "actor");
        // Links in bulk too: the indexes come back and duplicates stay refused.
        let mut links = String::from("Acteur A;Acteur B;Nature\n");
        for i in 0..n - 1 {
            links.push_str(&format!(
                "Œuvre n° {i} des Écrins;Œuvre n° {} des Écrins;Partenariat\n",
                i + 1
            ));
        }
        let out = bulk
            .import(
                ExchangeKind::Links,
                links.as_bytes(),
                FileFormat::Csv,
                false,
            )
            .unwrap();
        assert_eq!(out.written, n - 1);
        assert_eq!(schema(&bulk), before);
        let again = bulk
            .import(
                ExchangeKind::Links,
                links.as_bytes(),
                FileFormat::Csv,
                false,
            )
            .unwrap();
        assert_eq!((again.written, again.skipped_duplicates), (0, n - 1));
        let fk: i64 = bulk
            .conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(fk, 0);
        let on: bool = bulk
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert!(on, "foreign keys are enforced again after a bulk write");
    }

    #[test]
    fn an_export_reports_its_progress_and_a_cancelled_one_writes_no_file() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Arc, Mutex};
        let mut text = String::from("Nom;Monde\n");
        for i in 0..10_000 {
            text.push_str(&format!("Acteur {i};Entreprise\n"));
        }
        let mut s = store();
        s.import(
            ExchangeKind::Actors,
            text.as_bytes(),
            FileFormat::Csv,
            false,
        )
        .unwrap();
        let dir = tempfile::TempDir::new().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let p = seen.clone();
        let progress = Progress::new(Arc::new(AtomicBool::new(false)), move |e| {
            p.lock().unwrap().push(e)
        });
        let path = dir.path().join("acteurs.csv");
        let rows = s
            .export_file_with(ExchangeKind::Actors, &path, false, &progress)
            .unwrap();
        assert_eq!(rows, 10_000);
        let seen = seen.lock().unwrap().clone();
        assert!(seen
            .iter()
            .all(|e| e.phase == Phase::Exporting && e.total == Some(10_000)));
        assert_eq!(seen.last().map(|e| e.done), Some(10_000), "{seen:?}");
        // Cancelled halfway: no file, not even a temporary one.
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        let cancel = Progress::new(flag.clone(), move |e| {
            if e.done >= 4096 {
                f.store(true, Ordering::Relaxed);
            }
        });
        let other = dir.path().join("autre.csv");
        let err = s
            .export_file_with(ExchangeKind::Actors, &other, false, &cancel)
            .unwrap_err();
        assert_eq!(err.kind(), "cancelled");
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(files, [std::ffi::OsString::from("acteurs.csv")]);
    }

    #[test]
    fn an_import_reports_its_progress_and_a_cancelled_one_writes_nothing() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Arc, Mutex};
        let mut text = String::from("Nom;Monde\n");
        for i in 0..20_000 {
            text.push_str(&format!("Acteur {i};Entreprise\n"));
        }
        let mut s = store();
        let phases = Arc::new(Mutex::new(Vec::new()));
        let p = phases.clone();
        let progress = Progress::new(Arc::new(AtomicBool::new(false)), move |e| {
            p.lock().unwrap().push(e)
        });
        let prepared = s
            .prepare_import(
                ExchangeKind::Actors,
                text.as_bytes(),
                FileFormat::Csv,
                &progress,
            )
            .unwrap();
        s.commit_import(prepared, false, &progress).unwrap();
        let seen = phases.lock().unwrap().clone();
        for phase in [
            Phase::Reading,
            Phase::Checking,
            Phase::Writing,
            Phase::Indexing,
        ] {
            assert!(
                seen.iter().any(|e| e.phase == phase),
                "{phase:?} reported: {seen:?}"
            );
        }
        assert!(seen
            .iter()
            .any(|e| e.phase == Phase::Writing && e.total == Some(20_000) && e.done == 20_000));
        // Cancelled while writing: nothing is written, the workspace is as it was.
        let mut more = String::from("Nom;Monde\n");
        for i in 0..20_000 {
            more.push_str(&format!("Autre {i};Entreprise\n"));
        }
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        let cancel_when_writing = Progress::new(flag.clone(), move |e| {
            if e.phase == Phase::Writing && e.done > 0 {
                f.store(true, Ordering::Relaxed);
            }
        });
        let prepared = s
            .prepare_import(
                ExchangeKind::Actors,
                more.as_bytes(),
                FileFormat::Csv,
                &cancel_when_writing,
            )
            .unwrap();
        let err = s
            .commit_import(prepared, false, &cancel_when_writing)
            .unwrap_err();
        assert_eq!(err.kind(), "cancelled");
        assert_eq!(s.counts().unwrap()["actors"], 20_000);
        assert!(s.search("autre").unwrap().is_empty());
        // The triggers are back: a new actor is searchable.
        s.create_actor(&ActorInput {
            name: "Nouvel acteur".into(),
            world: "business".into(),
            commune: String::new(),
            engagement: "informed".into(),
            notes: String::new(),
        })
        .unwrap();
        assert_eq!(s.search("nouvel").unwrap().len(), 1);
        // A file checked before the workspace changed must be checked again.
        let stale = s
            .prepare_import(
                ExchangeKind::Actors,
                more.as_bytes(),
                FileFormat::Csv,
                &Progress::none(),
            )
            .unwrap();
        s.create_actor(&ActorInput {
            name: "Encore un".into(),
            world: "business".into(),
            commune: String::new(),
            engagement: "informed".into(),
            notes: String::new(),
        })
        .unwrap();
        let err = s
            .commit_import(stale, false, &Progress::none())
            .unwrap_err();
        assert_eq!(err.code(), Some("import.stale"));
    }

    #[test]
    fn actors_from_a_windows_1252_file_with_french_headers_and_labels() {
        let mut s = store();
        // "NOM;monde;Commune;Niveau d'engagement;Intérêt;Étiquettes;Contact;Courriel" with
        // accents in Windows-1252 (é = 0xE9, É = 0xC9).
        let mut bytes = b"NOM;monde;Commune;Niveau d'engagement;Int\xE9r\xEAt;\xC9tiquettes;Contact;Courriel\r\n".to_vec();
        bytes.extend(b"Scierie Blanc;entreprise;Larrieu;partenaire;4;bois, fili\xE8re;Jean Blanc;jean@scierie.fr\r\n");
        bytes.extend(b"Les \xC9crins solidaires;ASSOCIATION / ess;Gap;;;;;\r\n");
        bytes.extend(b"Mairie;local_authority;Gap;lead;;;;\r\n");
        let preview = s
            .import_preview(ExchangeKind::Actors, &bytes, FileFormat::Csv)
            .unwrap();
        assert_eq!(preview.encoding, "Windows-1252");
        assert_eq!(preview.separator.as_deref(), Some(";"));
        assert_eq!(preview.problems, vec![]);
        assert_eq!((preview.rows, preview.ready), (3, 3));
        let fields: Vec<_> = preview
            .columns
            .iter()
            .map(|c| c.field.clone().unwrap_or_default())
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "world",
                "commune",
                "engagement",
                "interest",
                "tags",
                "contact_name",
                "contact_email"
            ]
        );
        assert_eq!(s.counts().unwrap()["actors"], 0, "a preview writes nothing");
        let out = s
            .import(ExchangeKind::Actors, &bytes, FileFormat::Csv, false)
            .unwrap();
        assert_eq!((out.written, out.skipped_duplicates), (3, 0));
        let actors = s.list_actors().unwrap();
        let blanc = actors.iter().find(|a| a.name == "Scierie Blanc").unwrap();
        assert_eq!(blanc.world, World::Business);
        assert_eq!(blanc.engagement, Engagement::Partner);
        let p = s.actor_profile(blanc.id).unwrap();
        assert_eq!(p.interest, Some(4));
        assert_eq!(p.tags, vec!["bois", "filière"]);
        let c = s.list_contacts(blanc.id).unwrap();
        assert_eq!(
            (c[0].name.as_str(), c[0].email.as_str()),
            ("Jean Blanc", "jean@scierie.fr")
        );
        let ecrins = actors
            .iter()
            .find(|a| a.name == "Les Écrins solidaires")
            .unwrap();
        assert_eq!(ecrins.world, World::Association);
        assert_eq!(
            ecrins.engagement,
            Engagement::Informed,
            "empty engagement: the default"
        );
        assert!(s
            .search("ecrins")
            .unwrap()
            .iter()
            .any(|h| h.id == ecrins.id));
    }

    #[test]
    fn every_row_problem_is_listed_with_line_and_column_and_nothing_is_written() {
        let mut s = store();
        let text = "Nom,Monde,Influence,Courriel\n\
                    Bon acteur,Entreprise,3,\n\
                    ,Entreprise,,\n\
                    Acteur X,Planète,9,pas-un-courriel\n\
                    Acteur Y,État et agences,2,,en trop\n";
        let p = s
            .import_preview(ExchangeKind::Actors, &csv(text), FileFormat::Csv)
            .unwrap();
        assert_eq!(p.separator.as_deref(), Some(","));
        let got: Vec<(usize, Option<&str>)> = p
            .problems
            .iter()
            .map(|p| (p.line, p.column.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, Some("Nom")),
                (4, Some("Monde")),
                (4, Some("Influence")),
                (4, Some("Courriel")),
                (5, None),
            ],
            "{:#?}",
            p.problems
        );
        assert!(
            p.problems[1].message.contains("Planète"),
            "{}",
            p.problems[1].message
        );
        assert!(p.problems[1].message.contains("Association / ESS"));
        // Coded, for the English interface: which kind of problem, and the value at fault.
        let coded: Vec<(&str, Option<&str>)> = p
            .problems
            .iter()
            .map(|x| (x.code.as_str(), x.value.as_deref()))
            .collect();
        assert_eq!(coded[0].0, "text.empty");
        assert_eq!(coded[1], ("unknown_value", Some("Planète")));
        assert_eq!(coded[2], ("number.invalid", Some("9")));
        assert_eq!(p.problems[2].args["max"], "5");
        assert_eq!(coded[3].0, "email.invalid");
        assert_eq!(p.ready, 0);
        let e = actors_csv(&mut s, text).unwrap_err();
        assert_eq!(e.code(), Some("import.problems"));
        assert!(e.to_string().contains("Ligne 3, colonne « Nom »"), "{e}");
        assert_eq!(s.counts().unwrap()["actors"], 0);
    }

    #[test]
    fn a_control_character_in_an_imported_text_is_refused_as_in_the_forms() {
        let mut s = store();
        let text = "Nom;Monde;Notes\nMairie\u{1}de Val;Entreprise;\nBon;Entreprise;note\u{85}fin\n";
        let p = s
            .import_preview(ExchangeKind::Actors, &csv(text), FileFormat::Csv)
            .unwrap();
        let got: Vec<(usize, Option<&str>, &str)> = p
            .problems
            .iter()
            .map(|p| (p.line, p.column.as_deref(), p.code.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, Some("Nom"), "text.control"),
                (3, Some("Notes"), "text.control")
            ],
            "{:#?}",
            p.problems
        );
        assert!(actors_csv(&mut s, text).is_err());
        assert_eq!(s.counts().unwrap()["actors"], 0);
    }

    #[test]
    fn missing_columns_duplicate_columns_and_empty_files_are_named() {
        let s = store();
        let p = s
            .import_preview(
                ExchangeKind::Actors,
                &csv("Nom;Ville\nA;Gap\n"),
                FileFormat::Csv,
            )
            .unwrap();
        assert_eq!(p.problems.len(), 1);
        assert!(
            p.problems[0].message.contains("« Monde »"),
            "{}",
            p.problems[0]
        );
        assert_eq!(
            (p.problems[0].code.as_str(), p.problems[0].value.as_deref()),
            ("column.missing", Some("Monde"))
        );
        assert!(p.problems[0].args["known"].starts_with("Nom, Monde"));
        let p = s
            .import_preview(
                ExchangeKind::Actors,
                &csv("Nom;Monde;Nom\nA;État;B\n"),
                FileFormat::Csv,
            )
            .unwrap();
        assert!(p.problems[0].message.contains("deux fois"));
        assert_eq!(p.problems[0].code, "column.duplicate");
        assert_eq!(
            (
                p.problems[0].args["first"].as_str(),
                p.problems[0].args["again"].as_str()
            ),
            ("1", "3")
        );
        let p = s
            .import_preview(ExchangeKind::Actors, &csv("Nom;Monde\n"), FileFormat::Csv)
            .unwrap();
        assert!(p.problems[0].message.contains("aucune ligne de données"));
        assert_eq!(
            (p.problems[0].line, p.problems[0].code.as_str()),
            (0, "file.no_rows")
        );
        let e = s
            .import_preview(ExchangeKind::Actors, b"", FileFormat::Csv)
            .unwrap_err();
        assert_eq!(e.code(), Some("file.empty"));
        // Unknown columns are shown as ignored, not refused.
        let p = s
            .import_preview(
                ExchangeKind::Actors,
                &csv("Nom;Monde;SIRET\nA;État et agences;123\n"),
                FileFormat::Csv,
            )
            .unwrap();
        assert!(p.problems.is_empty());
        assert_eq!(p.columns[2].field, None);
    }

    #[test]
    fn duplicates_are_reported_and_left_out_unless_kept() {
        let mut s = store();
        actors_csv(
            &mut s,
            "Nom;Monde;Commune\nScierie Blanc;Entreprise;Larrieu\n",
        )
        .unwrap();
        let text = "Nom;Monde;Commune\n\
                    SCIERIE BLANC;Entreprise;larrieu\n\
                    Ferme du Pic;Entreprise;Gap\n\
                    Ferme du pic;Association / ESS;Gap\n\
                    Ferme du Pic;Entreprise;Veynes\n";
        let p = s
            .import_preview(ExchangeKind::Actors, &csv(text), FileFormat::Csv)
            .unwrap();
        let d: Vec<(usize, Option<usize>)> = p
            .duplicates
            .iter()
            .map(|d| (d.line, d.same_as_line))
            .collect();
        assert_eq!(d, vec![(2, None), (4, Some(3))]);
        assert_eq!(p.duplicates[0].label, "SCIERIE BLANC (larrieu)");
        assert_eq!(p.ready, 2);
        let out = actors_csv(&mut s, text).unwrap();
        assert_eq!((out.written, out.skipped_duplicates), (2, 2));
        assert_eq!(s.counts().unwrap()["actors"], 3);
        let out = s
            .import(ExchangeKind::Actors, &csv(text), FileFormat::Csv, true)
            .unwrap();
        assert_eq!(out.written, 4);
        assert_eq!(s.counts().unwrap()["actors"], 7);
    }

    fn team(s: &mut Store, name: &str) -> i64 {
        s.create_member(&MemberInput {
            name: name.into(),
            role: "Chargée de mission".into(),
            structure: "PETR".into(),
            is_user: false,
        })
        .unwrap()
        .id
    }

    #[test]
    fn links_resolve_names_communes_and_introducers() {
        let mut s = store();
        actors_csv(
            &mut s,
            "Nom;Monde;Commune\nMairie;Collectivité territoriale;Gap\nMairie;Collectivité territoriale;Veynes\nScierie;Entreprise;Gap\nCCI;Réseau / tête de réseau / chambre consulaire;Gap\n",
        )
        .unwrap();
        let camille = team(&mut s, "Camille Roux");
        let text = "Acteur A;Commune A;Acteur B;Nature;Force;Depuis;Mis en relation par\n\
                    Mairie;Gap;Scierie;partenariat;3;12/03/2024;camille roux\n\
                    Scierie;;CCI;Échange / dialogue;;2025-01-31;Mairie\n\
                    Mairie;;CCI;financement;;;\n\
                    Scierie;;Inconnue;adhésion;5;31/02/2024;Personne\n";
        let p = s
            .import_preview(ExchangeKind::Links, &csv(text), FileFormat::Csv)
            .unwrap();
        let got: Vec<(usize, Option<&str>)> = p
            .problems
            .iter()
            .map(|p| (p.line, p.column.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, Some("Mis en relation par")),
                (4, Some("Acteur A")),
                (5, Some("Force")),
                (5, Some("Depuis")),
                (5, Some("Acteur B")),
                (5, Some("Mis en relation par")),
            ],
            "{:#?}",
            p.problems
        );
        assert!(p.problems[1].message.contains("précisez la commune"));
        let codes: Vec<&str> = p.problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "introducer.unknown",
                "actor.ambiguous",
                "number.invalid",
                "date.invalid",
                "actor.unknown",
                "introducer.unknown"
            ],
            "{:#?}",
            p.problems
        );
        let fixed = "Acteur A;Commune A;Acteur B;Nature;Force;Depuis;Mis en relation par\n\
                     Mairie;Gap;Scierie;partenariat;3;12/03/2024;camille roux\n\
                     Scierie;;CCI;Échange / dialogue;;2025-01-31;Mairie\n\
                     Mairie;Veynes;CCI;financement;;;\n\
                     Mairie;Gap;Scierie;partnership;;;\n";
        let p = s
            .import_preview(ExchangeKind::Links, &csv(fixed), FileFormat::Csv)
            .unwrap();
        assert!(p
            .problems
            .iter()
            .any(|p| p.line == 3 && p.message.contains("ni un membre")));
        let fixed = fixed.replace(";Mairie\n", ";Camille Roux\n");
        let out = s
            .import(ExchangeKind::Links, &csv(&fixed), FileFormat::Csv, true)
            .unwrap();
        assert_eq!(out.written, 3);
        assert_eq!(
            out.skipped_duplicates, 1,
            "a link repeated in the file is left out"
        );
        let links = s.list_links().unwrap();
        let first = links.iter().find(|l| l.strength == 3).unwrap();
        assert_eq!(first.since.as_deref(), Some("2024-03-12"));
        assert_eq!(first.introduced_by, Some(Introducer::Member(camille)));
        assert_eq!(
            links
                .iter()
                .find(|l| l.nature == LinkNature::Dialogue)
                .unwrap()
                .strength,
            2
        );
    }

    #[test]
    fn meetings_with_participants_activity_and_hours() {
        let mut s = store();
        actors_csv(
            &mut s,
            "Nom;Monde\nMairie;Collectivité territoriale\nScierie;Entreprise\n",
        )
        .unwrap();
        let lou = team(&mut s, "Lou Martin");
        let text = "Date;Type;Titre;Pratique;Activité;Durée (h);Acteurs;Équipe;Notes\n\
                    12/03/2026;Atelier;Atelier bois;Dialogue territorial;Mise en relations;1,5;Mairie | scierie;Lou Martin;Bon échange\n\
                    2026-04-02;Visite;Visite scierie;;;2;Scierie;;\n\
                    2026-04-03;Réunion;;Dialogue territorial;7;deux;Personne;Inconnu;\n";
        let p = s
            .import_preview(ExchangeKind::Meetings, &csv(text), FileFormat::Csv)
            .unwrap();
        let cols: Vec<_> = p
            .problems
            .iter()
            .map(|p| (p.line, p.column.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            cols,
            vec![
                (4, "Durée (h)".to_string()),
                (4, "Acteurs".to_string()),
                (4, "Équipe".to_string()),
            ],
            "{:#?}",
            p.problems
        );
        let codes: Vec<(&str, Option<&str>)> = p
            .problems
            .iter()
            .map(|p| (p.code.as_str(), p.value.as_deref()))
            .collect();
        assert_eq!(
            codes,
            [
                ("hours.invalid", None),
                ("actor.unknown", Some("Personne")),
                ("member.unknown", Some("Inconnu"))
            ]
        );
        let ok: String = text.lines().take(3).collect::<Vec<_>>().join("\n");
        let out = s
            .import(ExchangeKind::Meetings, &csv(&ok), FileFormat::Csv, false)
            .unwrap();
        assert_eq!(out.written, 2);
        let all = s.list_meetings().unwrap();
        let m = all.iter().find(|m| m.title == "Atelier bois").unwrap();
        assert_eq!(
            (m.date.as_str(), m.minutes_spent, m.activity),
            ("2026-03-12", 90, Some(4))
        );
        assert_eq!(m.actor_ids.len(), 2);
        assert_eq!(m.member_ids, vec![lou]);
        // Re-importing the same file finds only duplicates.
        let p = s
            .import_preview(ExchangeKind::Meetings, &csv(&ok), FileFormat::Csv)
            .unwrap();
        assert_eq!((p.duplicates.len(), p.ready), (2, 0));
    }

    #[test]
    fn export_then_import_gives_the_same_export_in_csv_and_xlsx() {
        let d = demo();
        for format in [FileFormat::Csv, FileFormat::Xlsx] {
            let mut s = store();
            for m in d.list_members().unwrap() {
                team(&mut s, &m.name);
            }
            for kind in [
                ExchangeKind::Actors,
                ExchangeKind::Links,
                ExchangeKind::Meetings,
            ] {
                let bytes = d.export(kind, format).unwrap();
                let out = s.import(kind, &bytes, format, true).unwrap();
                assert_eq!(
                    out.written,
                    d.export_rows(kind).unwrap().1.len(),
                    "{kind:?}"
                );
                assert_eq!(
                    s.export_rows(kind).unwrap(),
                    d.export_rows(kind).unwrap(),
                    "{kind:?} {format:?}"
                );
            }
            let (c, dc) = (s.counts().unwrap(), d.counts().unwrap());
            for k in ["actors", "links", "meetings"] {
                assert_eq!(c[k], dc[k], "{k}");
            }
        }
    }

    #[test]
    fn exports_neutralise_formulas_and_write_french_labels() {
        let mut s = store();
        actors_csv(
            &mut s,
            "Nom;Monde;Notes\n\"'=HYPERLINK(\"\"http://x\"\")\";Association / ESS;+33 6\n",
        )
        .unwrap();
        let a = &s.list_actors().unwrap()[0];
        assert_eq!(
            a.name, "=HYPERLINK(\"http://x\")",
            "the guard is removed on import"
        );
        assert_eq!(a.notes, "+33 6");
        let text =
            String::from_utf8(s.export(ExchangeKind::Actors, FileFormat::Csv).unwrap()).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            "\u{feff}Nom;Monde;Commune;Niveau d'engagement;Influence;Intérêt;Besoins;Contributions;Étiquettes;Contact;Fonction du contact;Courriel;Téléphone;Notes"
        );
        let row = lines.next().unwrap();
        assert!(
            row.starts_with("\"'=HYPERLINK(\"\"http://x\"\")\";Association / ESS;;Informé;"),
            "{row}"
        );
        assert!(row.ends_with(";'+33 6"), "{row}");
    }

    #[test]
    fn huge_fields_are_reported_not_truncated_and_quoted_separators_kept() {
        let mut s = store();
        let huge = "x".repeat(CELL_MAX + 1);
        let long_name = "N".repeat(crate::shared::domain::NAME_MAX + 1);
        let text = format!(
            "Nom;Monde;Notes\n\"Dupont; fils\";Entreprise;\"dit \"\"le sage\"\"\"\nA;Entreprise;{huge}\n{long_name};Entreprise;\n"
        );
        let p = s
            .import_preview(ExchangeKind::Actors, text.as_bytes(), FileFormat::Csv)
            .unwrap();
        let lines: Vec<usize> = p.problems.iter().map(|p| p.line).collect();
        assert!(
            lines.contains(&3) && lines.contains(&4),
            "{:#?}",
            p.problems
        );
        let long = p
            .problems
            .iter()
            .find(|p| p.message.contains("cellule trop longue"))
            .unwrap();
        assert_eq!(long.code, "cell.too_long");
        assert_eq!(long.args["length"], (CELL_MAX + 1).to_string());
        assert!(p
            .problems
            .iter()
            .any(|p| p.column.as_deref() == Some("Nom")));
        assert!(actors_csv(&mut s, &text).is_err());
        assert_eq!(s.counts().unwrap()["actors"], 0);
        let ok: String = text.lines().take(2).collect::<Vec<_>>().join("\n");
        actors_csv(&mut s, &ok).unwrap();
        let a = &s.list_actors().unwrap()[0];
        assert_eq!(
            (a.name.as_str(), a.notes.as_str()),
            ("Dupont; fils", "dit \"le sage\"")
        );
    }

    #[test]
    fn format_hours_reads_back() {
        for m in [0, 20, 60, 90, 150, 605] {
            let h = format_hours(m);
            let back = if h.is_empty() {
                0
            } else {
                parse_hours(&h).unwrap()
            };
            assert_eq!(back, m, "{h}");
        }
        assert_eq!(format_hours(90), "1,5");
    }
}
