//! Finding a person's data in the workspace: their row and name, the rows that refer to them,
//! and the texts that name them ([`mentions_of`]).

use crate::db::tables::{data_tables, layout, quote, to_json};
use crate::safety::rgpd::forms::{forms_of, found_in, replace_all, search_key, MIN_MENTION};
use crate::safety::rgpd::model::{Mention, Person};
use crate::safety::rgpd::texts::FreeText;
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value};

/// Every form under which texts name the person: their name, and for a contact their e-mail
/// and phone (as typed, and its digits alone), the ones long enough to be searched.
pub(super) fn needles(conn: &Connection, p: Person, name: &str) -> CoreResult<Vec<String>> {
    let (email, phone): (String, String) = match p {
        Person::Contact(id) => conn.query_row(
            "SELECT email, phone FROM contact WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?,
        Person::Member(_) => (String::new(), String::new()),
    };
    Ok(forms_of(name, &email, &phone))
}

pub(super) fn name_of(conn: &Connection, p: Person) -> CoreResult<String> {
    let sql = format!("SELECT name FROM {} WHERE id = ?1", p.table());
    conn.query_row(&sql, [p.id()], |r| r.get(0))
        .optional()?
        .ok_or(CoreError::NotFound {
            what: match p {
                Person::Contact(_) => "Contact",
                Person::Member(_) => "Membre de l'équipe",
            },
            id: p.id(),
        })
}

/// Rows of `table` as JSON objects, for the rows matching `filter` (SQL over the table's own
/// columns, with one parameter).
pub(super) fn rows_where(
    conn: &Connection,
    table: &str,
    filter: &str,
    param: i64,
) -> CoreResult<Vec<Value>> {
    let (cols, keys) = layout(conn, table)?;
    let order = if keys.is_empty() {
        "rowid".to_string()
    } else {
        keys.iter().map(|k| quote(k)).collect::<Vec<_>>().join(", ")
    };
    let sql = format!(
        "SELECT {} FROM {} WHERE {filter} ORDER BY {order}",
        cols.iter()
            .map(|c| quote(&c.name))
            .collect::<Vec<_>>()
            .join(", "),
        quote(table)
    );
    let mut st = conn.prepare(&sql)?;
    let mut rows = st.query([param])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut obj = Map::new();
        for (i, c) in cols.iter().enumerate() {
            obj.insert(c.name.clone(), to_json(r.get_ref(i)?));
        }
        out.push(Value::Object(obj));
    }
    Ok(out)
}

/// (table, column, on delete) of every foreign key pointing at `parent`.
pub(super) fn references_to(
    conn: &Connection,
    parent: &str,
) -> CoreResult<Vec<(String, String, String)>> {
    let mut out = Vec::new();
    for t in data_tables(conn)? {
        let mut st =
            conn.prepare("SELECT \"table\", \"from\", on_delete FROM pragma_foreign_key_list(?1)")?;
        let fks = st
            .query_map([&t], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        for (target, col, on_delete) in fks {
            if target == parent {
                out.push((t.clone(), col, on_delete));
            }
        }
    }
    Ok(out)
}

/// Texts (any free-text column of any table, [`FreeText`]) containing `name` in any case, with or without
/// accents (the project's folding, as the search does), except the person's own row.
#[cfg(test)]
pub(super) fn mentions(
    conn: &Connection,
    name: &str,
    own: (&str, i64),
) -> CoreResult<Vec<(Mention, String)>> {
    mentions_of(conn, &[name.to_string()], own)
}

/// Texts naming the person under any of `forms` (see [`mentions`]), each text once.
pub(super) fn mentions_of(
    conn: &Connection,
    forms: &[String],
    own: (&str, i64),
) -> CoreResult<Vec<(Mention, String)>> {
    let mut out: Vec<(Mention, String)> = Vec::new();
    let mut free = FreeText::default();
    for name in forms {
        for (m, text) in mentions_one(conn, &mut free, name, own)? {
            if !out.iter().any(|(o, t)| *o == m && *t == text) {
                out.push((m, text));
            }
        }
    }
    Ok(out)
}

fn mentions_one(
    conn: &Connection,
    free: &mut FreeText,
    name: &str,
    own: (&str, i64),
) -> CoreResult<Vec<(Mention, String)>> {
    let mut out = Vec::new();
    if name.chars().count() < MIN_MENTION {
        return Ok(out);
    }
    for table in data_tables(conn)? {
        // Its free texts: not an identity, a reference, a code or a date.
        let cols = free.columns(conn, &table)?.to_vec();
        for c in &cols {
            // WITHOUT ROWID tables (a note's sections) have no rowid: 0 stands for "no row
            // number"; the erasure finds such texts by their value.
            let rowid = if without_rowid(conn, &table)? {
                "0"
            } else {
                "rowid"
            };
            let sql = format!(
                "SELECT {rowid}, {col} FROM {t} WHERE {found}",
                col = quote(c),
                t = quote(&table),
                found = found_in(&quote(c), name),
            );
            let mut st = conn.prepare(&sql)?;
            let found = st
                .query_map([search_key(name)], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            for (row, text) in found {
                if table == own.0 && row == own.1 && row != 0 {
                    continue;
                }
                // The folded search finds the name inside longer words too: keep the texts
                // that name the person.
                if replace_all(&text, &[name.to_string()]) == text {
                    continue;
                }
                out.push((
                    Mention {
                        table: table.clone(),
                        row,
                        column: c.clone(),
                    },
                    text,
                ));
            }
        }
    }
    Ok(out)
}

fn without_rowid(conn: &Connection, table: &str) -> CoreResult<bool> {
    Ok(conn
        .query_row(
            "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false))
}
