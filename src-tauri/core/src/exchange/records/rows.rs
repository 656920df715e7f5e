//! One row of a file being read: its cells by column, and the problems found in them.

use crate::exchange::tabular::{unneutralise, TableRow, CELL_MAX};
use crate::exchange::{columns::*, problems::*};
use crate::geo::communes::NameMatch;
use crate::shared::domain::Coded;
use crate::shared::error::CoreError;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// One row being read: its cells by column key, and the problems found so far.
pub(super) struct RowReader<'a> {
    row: &'a TableRow,
    map: &'a Mapping,
    pub(super) problems: Vec<ImportProblem>,
}

impl<'a> RowReader<'a> {
    pub(super) fn new(row: &'a TableRow, map: &'a Mapping) -> Self {
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
    pub(super) fn get(&self, key: &str) -> String {
        self.text(key).to_string()
    }

    /// [`RowReader::get`] without a copy: the checks read most cells only to look them up
    /// or parse them (a million links' rows, nine cells each).
    pub(super) fn text(&self, key: &str) -> &'a str {
        self.map
            .index
            .get(key)
            .and_then(|&i| self.row.cells.get(i))
            .map_or("", |c| unneutralise(c.trim()).trim())
    }

    /// The row's commune in the list: its INSEE code column when filled (checked with the
    /// record), else its commune's name matched within the territory's départements `within`, then
    /// in France; `Some(None)` when the row names no commune; `None` when the name is unknown or
    /// ambiguous (a problem of the row, never guessed).
    pub(super) fn place(&mut self, within: &[String]) -> Option<Option<String>> {
        let code = self.get("insee");
        if !code.is_empty() {
            return Some(Some(code));
        }
        let name = self.text("commune");
        if name.is_empty() {
            return Some(None);
        }
        let within: Vec<&str> = within.iter().map(String::as_str).collect();
        let quoted = crate::shared::domain::truncate_for_message(name);
        match crate::geo::communes::cog().match_name(name, &within) {
            NameMatch::One { insee, .. } => Some(Some(insee)),
            NameMatch::Unknown => {
                self.problem(
                    "commune",
                    Said::new(
                        "commune.unknown",
                        format!("Aucune commune de France ne s'appelle « {quoted} » : corrigez le nom ou donnez son code INSEE (colonne « Code INSEE »)."),
                    )
                    .value(name),
                );
                None
            }
            NameMatch::Ambiguous(codes) => {
                let cog = crate::geo::communes::cog();
                let mut deps: Vec<&str> = codes
                    .iter()
                    .filter_map(|c| cog.commune(c).map(|c| c.departement.as_str()))
                    .collect();
                deps.dedup();
                let deps = deps.join(", ");
                self.problem(
                    "commune",
                    Said::new(
                        "commune.ambiguous",
                        format!("{} communes s'appellent « {quoted} » (départements {deps}) : ajoutez le département entre parenthèses, « {quoted} (22) », ou donnez le code INSEE.", codes.len()),
                    )
                    .value(name)
                    .arg("count", codes.len())
                    .arg("departements", deps),
                );
                None
            }
        }
    }

    /// A problem in the column of field `key`.
    pub(super) fn problem(&mut self, key: &'static str, said: Said) {
        let column = self.map.header.get(key).cloned();
        self.problems.push(said.at(self.row.line, column));
    }

    /// A validation error of the core, reported against the column of its field.
    pub(super) fn error(&mut self, key_of_field: impl Fn(&str) -> &'static str, e: CoreError) {
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
    pub(super) fn enumerated<T: Coded>(
        &mut self,
        key: &'static str,
        required: bool,
    ) -> Result<Option<T>, ()> {
        let v = self.text(key);
        if v.is_empty() {
            if required {
                self.problem(key, required_value());
                return Err(());
            }
            return Ok(None);
        }
        match T::from_text(v) {
            Some(t) => Ok(Some(t)),
            None => {
                let message = T::parse("", v)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                self.problem(key, Said::new("unknown_value", message).value(v));
                Err(())
            }
        }
    }

    /// A whole number within a range; `Ok(None)` when empty, `Err` when reported.
    pub(super) fn number(
        &mut self,
        key: &'static str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<Option<i64>, ()> {
        let v = self.text(key);
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
                        crate::shared::domain::truncate_for_message(v),
                        range.start(),
                        range.end()
                    ),
                )
                .value(v)
                .arg("min", range.start())
                .arg("max", range.end());
                self.problem(key, said);
                Err(())
            }
        }
    }

    /// A date written `AAAA-MM-JJ`, `JJ/MM/AAAA` (or `JJ-MM-AAAA`, `JJ.MM.AAAA`), or an Excel
    /// date; as an ISO string.
    pub(super) fn date(&mut self, key: &'static str) -> Result<Option<String>, ()> {
        let v = self.text(key);
        if v.is_empty() {
            return Ok(None);
        }
        match parse_date(v) {
            Some(d) => Ok(Some(d.to_string())),
            None => {
                let said = Said::new(
                    "date.invalid",
                    format!(
                        "« {} » n'est pas une date (formats acceptés : 2026-03-12 ou 12/03/2026).",
                        crate::shared::domain::truncate_for_message(v)
                    ),
                )
                .value(v);
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
pub(super) fn split_list(v: &str) -> Vec<String> {
    v.split(['|', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
