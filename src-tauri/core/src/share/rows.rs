//! Records as the team sees them: a row read in the journal's form (references as the
//! identities of the records they point at, BLOBs as hexadecimal), and a value of that form
//! turned back into what this copy stores (an identity into the id it has here).

use crate::db::journal::{self, Reference, Target};
use crate::db::tables::quote;
use crate::shared::error::CoreResult;
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Columns that never travel: the id inside this file, the time of the last edit here, and
/// whether a member is this laptop's user.
pub const LOCAL_COLUMNS: &[&str] = &["id", "updated_at", "is_user"];

/// A record named by an identity that is not here: the table it was looked for in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub table: String,
    pub uid: String,
}

/// The schema of the tables read so far: columns and references (from the schema, never
/// from input).
#[derive(Default)]
pub struct Tables {
    columns: HashMap<String, Vec<(String, String)>>,
    refs: HashMap<String, Vec<Reference>>,
    /// By table: the columns of its foreign keys that a deletion of their target sets to
    /// NULL (`ON DELETE SET NULL`: who introduced a link, an action's lead, a funder).
    nullified: HashMap<String, Vec<String>>,
    /// By table: the (table, column) of the references to it that its deletion sets to NULL.
    nullified_by: HashMap<String, Vec<(String, String)>>,
}

impl Tables {
    pub fn columns(&mut self, conn: &Connection, table: &str) -> CoreResult<&[(String, String)]> {
        if !self.columns.contains_key(table) {
            let c = journal::columns(conn, table)?;
            self.columns.insert(table.to_string(), c);
        }
        Ok(&self.columns[table])
    }

    pub(crate) fn refs(&mut self, conn: &Connection, table: &str) -> CoreResult<&[Reference]> {
        if !self.refs.contains_key(table) {
            let r = journal::references(conn, table)?;
            self.refs.insert(table.to_string(), r);
        }
        Ok(&self.refs[table])
    }

    /// Whether a deletion of the record `table.column` refers to sets it to NULL (a reference
    /// that is not a parent: the record stands without it).
    pub(crate) fn nullified(
        &mut self,
        conn: &Connection,
        table: &str,
        column: &str,
    ) -> CoreResult<bool> {
        if !self.nullified.contains_key(table) {
            let found: Vec<String> = conn
                .prepare_cached(
                    "SELECT \"from\" FROM pragma_foreign_key_list(?1) WHERE on_delete = 'SET NULL'",
                )?
                .query_map([table], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            self.nullified.insert(table.to_string(), found);
        }
        Ok(self.nullified[table].iter().any(|c| c == column))
    }

    /// The references to the records of `table` that their deletion sets to NULL, as
    /// (table, column).
    pub(crate) fn nullified_by(
        &mut self,
        conn: &Connection,
        table: &str,
    ) -> CoreResult<&[(String, String)]> {
        if !self.nullified_by.contains_key(table) {
            let found: Vec<(String, String)> = conn
                .prepare_cached(
                    "SELECT m.name, f.\"from\" FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f
                     WHERE m.type = 'table' AND f.\"table\" = ?1 AND f.on_delete = 'SET NULL'
                     ORDER BY m.name, f.\"from\"",
                )?
                .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            self.nullified_by.insert(table.to_string(), found);
        }
        Ok(&self.nullified_by[table])
    }

    /// The table a reference of `column` points into, for a row whose kind column (if the
    /// reference is polymorphic) reads `kind`; `None` when `column` is not a reference.
    pub fn target(
        &mut self,
        conn: &Connection,
        table: &str,
        column: &str,
        kind: impl Fn(&str) -> Option<String>,
    ) -> CoreResult<Option<String>> {
        let target = self
            .refs(conn, table)?
            .iter()
            .find(|r| r.column == column)
            .map(|r| r.target.clone());
        Ok(match target {
            None => None,
            Some(Target::Table(t)) => Some(t),
            Some(Target::ByKind { kind: k, tables }) => kind(k)
                .and_then(|code| tables.iter().find(|(c, _)| *c == code))
                .map(|(_, t)| t.to_string()),
        })
    }
}

/// The identity this copy knows a record by: the smaller one when two records created apart
/// turned out to be one (`share_alias`).
pub fn canonical(conn: &Connection, table: &str, uid: &str) -> CoreResult<String> {
    let same: Option<String> = conn
        .prepare_cached("SELECT same_as FROM share_alias WHERE tbl = ?1 AND uid = ?2")?
        .query_row([table, uid], |r| r.get(0))
        .optional()?;
    Ok(same.unwrap_or_else(|| uid.to_string()))
}

/// The id here of the record `uid` of `table`, if it is here.
pub fn id_of(conn: &Connection, table: &str, uid: &str) -> CoreResult<Option<i64>> {
    Ok(conn
        .prepare_cached(&format!("SELECT id FROM {} WHERE uid = ?1", quote(table)))?
        .query_row([uid], |r| r.get(0))
        .optional()?)
}

/// The statement inserting a row of `table` with the columns `names`.
pub(crate) fn insert_sql(table: &str, names: &[String]) -> String {
    format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote(table),
        names
            .iter()
            .map(|n| quote(n))
            .collect::<Vec<_>>()
            .join(", "),
        vec!["?"; names.len()].join(", ")
    )
}

/// Whether the record `uid` of `table` is here.
pub fn exists(conn: &Connection, table: &str, uid: &str) -> CoreResult<bool> {
    Ok(conn
        .prepare_cached(&format!("SELECT 1 FROM {} WHERE uid = ?1", quote(table)))?
        .query_row([uid], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The kind of record, other than `table`, that already holds the identity `uid`: a record
/// has one identity in the whole workspace, so a change file that creates a record under
/// another one's identity is crafted (its history, its erasure and its conflicts would mix
/// with the other record's) and is refused.
pub fn held_elsewhere(
    conn: &Connection,
    table: &str,
    uid: &str,
) -> CoreResult<Option<&'static str>> {
    for kind in crate::db::records::RECORD_KINDS {
        if kind.table != table && exists(conn, kind.table, uid)? {
            return Ok(Some(kind.table));
        }
    }
    Ok(None)
}

/// A stored value in the journal's form (BLOBs as hexadecimal text).
fn plain(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::from(hex::encode_upper(b)),
    }
}

/// The record `uid` of `table` in the journal's form, without [`LOCAL_COLUMNS`]; `None` if
/// it is not here.
pub fn record(
    conn: &Connection,
    tables: &mut Tables,
    table: &str,
    uid: &str,
) -> CoreResult<Option<Map<String, Value>>> {
    let cols = tables.columns(conn, table)?.to_vec();
    let names: Vec<String> = cols.iter().map(|(n, _)| quote(n)).collect();
    let sql = format!(
        "SELECT {} FROM {} WHERE uid = ?1",
        names.join(", "),
        quote(table)
    );
    let raw: Option<Vec<SqlValue>> = conn
        .prepare_cached(&sql)?
        .query_row([uid], |r| {
            (0..cols.len()).map(|i| r.get::<_, SqlValue>(i)).collect()
        })
        .optional()?;
    let Some(raw) = raw else { return Ok(None) };
    let mut out = Map::new();
    for ((name, _), v) in cols.iter().zip(raw.iter()) {
        out.insert(name.clone(), plain(ValueRef::from(v)));
    }
    to_journal_form(conn, tables, table, &mut out)?;
    for c in LOCAL_COLUMNS {
        out.remove(*c);
    }
    Ok(Some(out))
}

/// Replaces, in a row read here, each reference's id by the identity of the record it points
/// at.
fn to_journal_form(
    conn: &Connection,
    tables: &mut Tables,
    table: &str,
    row: &mut Map<String, Value>,
) -> CoreResult<()> {
    let refs: Vec<String> = tables
        .refs(conn, table)?
        .iter()
        .map(|r| r.column.clone())
        .collect();
    for column in refs {
        let Some(id) = row.get(&column).and_then(Value::as_i64) else {
            continue;
        };
        let snapshot = row.clone();
        let kind = |k: &str| snapshot.get(k).and_then(Value::as_str).map(str::to_string);
        let Some(target) = tables.target(conn, table, &column, kind)? else {
            continue;
        };
        let uid: Option<String> = conn
            .prepare_cached(&format!("SELECT uid FROM {} WHERE id = ?1", quote(&target)))?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if let Some(uid) = uid {
            row.insert(column, Value::from(uid));
        }
    }
    Ok(())
}

/// The value this copy stores for `v`, a value of column `column` of `table` in the journal's
/// form: a reference's identity becomes the id its record has here (`Err(Missing)` when it
/// is not here). `kind` reads the row's other columns (a polymorphic reference's kind).
pub fn local_value(
    conn: &Connection,
    tables: &mut Tables,
    table: &str,
    column: &str,
    v: &Value,
    kind: impl Fn(&str) -> Option<String>,
) -> CoreResult<Result<SqlValue, Missing>> {
    let declared = tables
        .columns(conn, table)?
        .iter()
        .find(|(n, _)| n == column)
        .map(|(_, d)| d.clone())
        .unwrap_or_default();
    let target = tables.target(conn, table, column, kind)?;
    let (Some(target), Value::String(uid)) = (target.clone(), v) else {
        return Ok(match (target, v) {
            // A reference travels as an identity: a number would be an id of another file.
            (Some(table), v) if !v.is_null() => Err(Missing {
                table,
                uid: v.to_string(),
            }),
            _ => Ok(crate::history::undo::sql_value(v, &declared)?),
        });
    };
    let uid = canonical(conn, &target, uid)?;
    Ok(match id_of(conn, &target, &uid)? {
        Some(id) => Ok(SqlValue::Integer(id)),
        None => Err(Missing { table: target, uid }),
    })
}
