//! A file's rows checked against the workspace, on every core, into what the preview shows.

use super::actors::prepare_actor;
use super::links::prepare_link;
use super::meetings::prepare_meeting;
use super::rows::RowReader;
use super::*;
use crate::exchange::names::*;
use crate::exchange::tabular::{Table, TableRow};
use crate::shared::progress::Phase;

/// One part of a file's rows once checked: the items without problems and their lines, the
/// first problems (at most [`LISTED`]) and how many there are.
type Part = (Items, Vec<usize>, Vec<ImportProblem>, usize);

impl Store {
    pub(super) fn prepare_table(
        &self,
        kind: ExchangeKind,
        table: &Table,
        format: FileFormat,
        stamp: u64,
        progress: &Progress,
    ) -> CoreResult<PreparedImport> {
        let (map, mut problems) = headers_of(kind, table);
        let names = match kind {
            ExchangeKind::Actors => None,
            _ => Some(NameIndex::load(self)?),
        };
        let within = self.territory_departements()?;
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
            let results = check_rows(
                kind,
                &table.rows,
                &map,
                (names.as_ref(), &within),
                total,
                progress,
            );
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
            separator: separator_name(table.separator),
            columns: map.columns,
            rows: table.rows.len(),
            ready: if problems.is_empty() { ready } else { 0 },
            problems,
            problem_count,
            duplicates,
            duplicate_count,
            duplicates_keepable: kind != ExchangeKind::Links,
            sample: sample_of(table),
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
}

/// The file's columns matched to the kind's, with the problems of the file as a whole.
fn headers_of(kind: ExchangeKind, table: &Table) -> (Mapping, Vec<ImportProblem>) {
    let mut problems = Vec::new();
    let map = map_headers(&table.headers, kind.columns(), &mut problems);
    if table.rows.is_empty() {
        problems.push(
            Said::new(
                "file.no_rows",
                "Le fichier ne contient aucune ligne de données (seulement des en-têtes).".into(),
            )
            .at(0, None),
        );
    }
    (map, problems)
}

/// Checks the rows on every core, in contiguous parts; the parts are put back in order, so
/// problems and duplicates come out as a single pass would give them.
fn check_rows(
    kind: ExchangeKind,
    rows: &[TableRow],
    map: &Mapping,
    names: (Option<&NameIndex>, &[String]),
    total: u64,
    progress: &Progress,
) -> Vec<CoreResult<Part>> {
    let checked = &std::sync::atomic::AtomicU64::new(0);
    let parts = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let size = rows.len().div_ceil(parts).max(4096);
    std::thread::scope(|scope| {
        let handles: Vec<_> = rows
            .chunks(size)
            .map(|part| {
                scope.spawn(move || check_part(kind, part, map, names, checked, total, progress))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Checks one part of the rows, with its own name resolver, reporting every 1024 rows the rows
/// `checked` by all the parts.
fn check_part(
    kind: ExchangeKind,
    rows: &[TableRow],
    map: &Mapping,
    (names, within): (Option<&NameIndex>, &[String]),
    checked: &std::sync::atomic::AtomicU64,
    total: u64,
    progress: &Progress,
) -> CoreResult<Part> {
    let resolver = names.map(NameIndex::resolver);
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
            let done = checked.fetch_add(1024, std::sync::atomic::Ordering::Relaxed);
            progress.step(Phase::Checking, done + 1024, Some(total))?;
        }
        let mut r = RowReader::new(row, map);
        match &mut items {
            Items::Actors(v) => {
                if let Some(a) = prepare_actor(&mut r, within) {
                    v.push(a);
                    lines.push(row.line);
                }
            }
            Items::Links(v) => {
                if let Some(l) = prepare_link(&mut r, resolver.as_ref().expect("loaded")) {
                    v.push(l);
                    lines.push(row.line);
                }
            }
            Items::Meetings(v) => {
                if let Some(m) = prepare_meeting(&mut r, resolver.as_ref().expect("loaded"), within)
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
}

/// The separator as the preview names it (`tabulation` for a tab).
fn separator_name(separator: Option<char>) -> Option<String> {
    separator.map(|c| {
        if c == '\t' {
            "tabulation".to_string()
        } else {
            c.to_string()
        }
    })
}

/// The first rows as read, for the preview table (each cell cut at 200 characters).
fn sample_of(table: &Table) -> Vec<SampleRow> {
    table
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
        .collect()
}
