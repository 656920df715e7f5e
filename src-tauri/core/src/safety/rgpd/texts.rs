//! Where a person's name can be: the columns that hold free text. An erasure searches and
//! rewrites the forms of a name in those columns of the tables, and in the journal's and the
//! inbox's copies of records everywhere but in what identifies or structures a record (its
//! `uid`, a reference to another record, a code of a list, a date, a number) and the records'
//! JSON keys. A contact whose name is another record's identity (a hostile change file may
//! say so), a key of the journal (« Nature ») or a year (« 2024 ») is erased without breaking
//! either.

use crate::db::tables::layout;
use crate::safety::rgpd::forms::replace_all;
use crate::shared::error::CoreResult;
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;
use std::collections::HashMap;

/// The columns of each table, read once from the schema: those that hold free text, and
/// those that never name anybody (an identity, a reference, a code, a date, a number).
#[derive(Default)]
pub(crate) struct FreeText {
    columns: HashMap<String, (Vec<String>, Vec<String>)>,
}

impl FreeText {
    fn read(&mut self, conn: &Connection, table: &str) -> CoreResult<&(Vec<String>, Vec<String>)> {
        if !self.columns.contains_key(table) {
            let free = free_text_columns(conn, table)?;
            let (all, _) = layout(conn, table)?;
            let structural = all
                .into_iter()
                .map(|c| c.name)
                .filter(|c| !free.contains(c))
                .collect();
            self.columns.insert(table.to_string(), (free, structural));
        }
        Ok(&self.columns[table])
    }

    /// The columns of `table` that hold free text.
    pub(crate) fn columns(&mut self, conn: &Connection, table: &str) -> CoreResult<&[String]> {
        Ok(&self.read(conn, table)?.0)
    }

    /// A value the journal or the inbox keeps of a record of `table` with each of `forms`
    /// replaced: one field's value (`field`: its column), or, without a field, a whole
    /// record as a JSON object or an import's batch of them (an array). Everywhere but in
    /// what never names anybody (the columns of an identity, a reference, a code, a date, a
    /// number) and in the keys; a value under a key the schema does not know is searched too.
    /// Unchanged, byte for byte, when nothing in it names the person.
    pub(crate) fn replace_in(
        &mut self,
        conn: &Connection,
        table: &str,
        field: Option<&str>,
        text: &str,
        forms: &[String],
    ) -> CoreResult<String> {
        let structural = &self.read(conn, table)?.1;
        if let Some(field) = field.filter(|f| !f.is_empty()) {
            return Ok(if structural.iter().any(|c| c == field) {
                text.to_string()
            } else {
                replace_all(text, forms)
            });
        }
        let Ok(mut value) = serde_json::from_str::<Value>(text) else {
            // Not a record: a text, searched whole.
            return Ok(replace_all(text, forms));
        };
        if replace_in_value(&mut value, structural, forms) {
            Ok(value.to_string())
        } else {
            Ok(text.to_string())
        }
    }
}

/// Replaces `forms` in the texts `value` holds but under the keys `structural`; whether
/// anything changed.
fn replace_in_value(value: &mut Value, structural: &[String], forms: &[String]) -> bool {
    match value {
        Value::Array(items) => {
            let mut changed = false;
            for item in items {
                changed |= replace_in_value(item, structural, forms);
            }
            changed
        }
        Value::Object(row) => {
            let mut changed = false;
            for (key, v) in row.iter_mut() {
                if !structural.contains(key) {
                    changed |= replace_in_value(v, structural, forms);
                }
            }
            changed
        }
        Value::String(s) => {
            let replaced = replace_all(s, forms);
            let changed = replaced != *s;
            *s = replaced;
            changed
        }
        _ => false,
    }
}

/// The TEXT columns of `table` but its identity (`uid`), its references to other records
/// (foreign keys, and those the record descriptors declare), its coded columns, its dates
/// (a `CHECK` by `date(…)`), its times (`…_at`) and its codes of a fixed length (a `CHECK` by
/// `length(…) = `: an INSEE code).
fn free_text_columns(conn: &Connection, table: &str) -> CoreResult<Vec<String>> {
    let (cols, _) = layout(conn, table)?;
    let foreign: Vec<String> = conn
        .prepare("SELECT \"from\" FROM pragma_foreign_key_list(?1)")?
        .query_map([table], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let sql: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .unwrap_or_default()
        .to_lowercase();
    let referenced = |c: &str| {
        crate::db::records::kind(table).is_some_and(|k| k.references.iter().any(|r| r.column == c))
    };
    let coded = |c: &str| {
        crate::db::migrations::CODED_COLUMNS
            .iter()
            .any(|(t, col, _)| *t == table && *col == c)
    };
    // Dates, times, and codes of a fixed length (a commune's INSEE code).
    let dated = |c: &str| {
        let c = c.to_lowercase();
        c.ends_with("_at")
            || sql.contains(&format!("date({c})"))
            || sql.contains(&format!("length({c}) = "))
    };
    Ok(cols
        .into_iter()
        .filter(|c| c.kind == "TEXT")
        .map(|c| c.name)
        .filter(|c| c != "uid" && !foreign.contains(c) && !referenced(c) && !coded(c) && !dated(c))
        .collect())
}
