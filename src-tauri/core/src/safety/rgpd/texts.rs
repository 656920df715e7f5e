//! Where a person's name can be: the columns that hold free text. An erasure rewrites the
//! forms of a name in those only, in the tables and in the journal's and the inbox's copies
//! of records; never in what identifies or structures a record (its `uid`, a reference to
//! another record, a code of a list, a date), nor in a record's JSON keys. A contact whose
//! name is another record's identity (a hostile change file may say so) or a key of the
//! journal (« Nature ») is erased without breaking either.

use crate::db::tables::layout;
use crate::safety::rgpd::forms::replace_all;
use crate::shared::error::CoreResult;
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;
use std::collections::HashMap;

/// The free-text columns of each table, read once from the schema.
#[derive(Default)]
pub(crate) struct FreeText {
    columns: HashMap<String, Vec<String>>,
}

impl FreeText {
    /// The columns of `table` that hold free text.
    pub(crate) fn columns(&mut self, conn: &Connection, table: &str) -> CoreResult<&[String]> {
        if !self.columns.contains_key(table) {
            let found = free_text_columns(conn, table)?;
            self.columns.insert(table.to_string(), found);
        }
        Ok(self.columns.get(table).map(Vec::as_slice).unwrap_or(&[]))
    }

    /// Whether `column` of `table` holds free text.
    pub(crate) fn holds(
        &mut self,
        conn: &Connection,
        table: &str,
        column: &str,
    ) -> CoreResult<bool> {
        Ok(self.columns(conn, table)?.iter().any(|c| c == column))
    }

    /// A value the journal or the inbox keeps of a record of `table` with each of `forms`
    /// replaced in its free texts only: one field's value (`field`: its column), or, without
    /// a field, a whole record as a JSON object or an import's batch of them (an array).
    /// Unchanged, byte for byte, when nothing in it names the person.
    pub(crate) fn replace_in(
        &mut self,
        conn: &Connection,
        table: &str,
        field: Option<&str>,
        text: &str,
        forms: &[String],
    ) -> CoreResult<String> {
        if let Some(field) = field.filter(|f| !f.is_empty()) {
            return Ok(if self.holds(conn, table, field)? {
                replace_all(text, forms)
            } else {
                text.to_string()
            });
        }
        let Ok(mut value) = serde_json::from_str::<Value>(text) else {
            // Not a record: a text, searched whole.
            return Ok(replace_all(text, forms));
        };
        let columns = self.columns(conn, table)?;
        if replace_in_value(&mut value, columns, forms) {
            Ok(value.to_string())
        } else {
            Ok(text.to_string())
        }
    }
}

/// Replaces `forms` in the free-text fields of the record(s) `value` holds; whether anything
/// changed.
fn replace_in_value(value: &mut Value, columns: &[String], forms: &[String]) -> bool {
    match value {
        Value::Array(rows) => {
            let mut changed = false;
            for row in rows {
                changed |= replace_in_value(row, columns, forms);
            }
            changed
        }
        Value::Object(row) => {
            let mut changed = false;
            for (key, v) in row.iter_mut() {
                if let Value::String(s) = v {
                    if columns.contains(key) {
                        let replaced = replace_all(s, forms);
                        if replaced != *s {
                            *s = replaced;
                            changed = true;
                        }
                    }
                }
            }
            changed
        }
        // One field's value, JSON-encoded (the inbox's): a text.
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
/// (a `CHECK` by `date(…)`) and its times (`…_at`).
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
    let dated = |c: &str| {
        let c = c.to_lowercase();
        c.ends_with("_at") || sql.contains(&format!("date({c})"))
    };
    Ok(cols
        .into_iter()
        .filter(|c| c.kind == "TEXT")
        .map(|c| c.name)
        .filter(|c| c != "uid" && !foreign.contains(c) && !referenced(c) && !coded(c) && !dated(c))
        .collect())
}
