//! The schema as data: the tables that hold records, each table's columns and key, an
//! identifier quoted for SQL text, a value as JSON. Read from the schema (`sqlite_master`,
//! `pragma_table_info`), never from input; shared by the journal, the workspace JSON and the
//! RGPD erasure.

use crate::shared::error::CoreResult;
use base64::Engine as _;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde_json::{Map, Value};

/// The tables that hold records (not the ones derived from them by triggers, see
/// [`crate::db::migrations::DERIVED_TABLES`], nor this copy's sharing state,
/// [`crate::db::migrations::LOCAL_TABLES`], nor what is imported from a public file,
/// [`crate::db::migrations::IMPORTED_TABLES`]).
pub(crate) fn data_tables(conn: &Connection) -> CoreResult<Vec<String>> {
    let mut st = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         ORDER BY name",
    )?;
    let derived = |name: &str| {
        crate::db::migrations::LOCAL_TABLES.contains(&name)
            || crate::db::migrations::IMPORTED_TABLES.contains(&name)
            || crate::db::migrations::DERIVED_TABLES
                .iter()
                .any(|d| match d.strip_suffix('%') {
                    Some(prefix) => name.starts_with(prefix),
                    None => name == *d,
                })
    };
    let names = st
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|n| !derived(n))
        .collect();
    Ok(names)
}

/// A column: its name and declared type (`INTEGER`, `TEXT`, `REAL`, `BLOB`, `ANY`).
pub(crate) struct Column {
    pub(crate) name: String,
    pub(crate) kind: String,
}

/// The columns of a table (from the schema, never from input), and the key to order by.
pub(crate) fn layout(conn: &Connection, table: &str) -> CoreResult<(Vec<Column>, Vec<String>)> {
    let mut st =
        conn.prepare("SELECT name, upper(type), pk FROM pragma_table_info(?1) ORDER BY cid")?;
    let rows = st
        .query_map([table], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut keys: Vec<(i64, String)> = rows
        .iter()
        .filter(|(_, _, pk)| *pk > 0)
        .map(|(n, _, pk)| (*pk, n.clone()))
        .collect();
    keys.sort();
    let cols = rows
        .into_iter()
        .map(|(name, kind, _)| Column { name, kind })
        .collect();
    Ok((cols, keys.into_iter().map(|(_, n)| n).collect()))
}

/// `ident` as a quoted SQL identifier.
pub(crate) fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// A value read from SQLite as JSON (a blob as `{"base64": …}`).
pub(crate) fn to_json(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => {
            let mut m = Map::new();
            m.insert(
                "base64".into(),
                Value::String(base64::engine::general_purpose::STANDARD.encode(b)),
            );
            Value::Object(m)
        }
    }
}
