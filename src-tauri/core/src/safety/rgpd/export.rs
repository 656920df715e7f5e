//! The export of everything the workspace holds about a person, as a JSON document: their row,
//! the rows referring to them (and those these own), the journal entries about them and the
//! texts naming them.

use crate::db::journal;
use crate::db::store::Store;
use crate::db::tables::{quote, to_json};
use crate::safety::rgpd::find::{mentions_of, name_of, needles, references_to, rows_where};
use crate::safety::rgpd::forms::replace_all;
use crate::safety::rgpd::journal::{naming_entries, personal_records};
use crate::safety::rgpd::model::Person;
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value};

/// The journal entries about the person, for their data export: those of their own records
/// (their row, the records of theirs, an older contact of theirs) and those whose values
/// name them, oldest first, each with its change set's time and author.
fn journal_entries(conn: &Connection, p: Person, forms: &[String]) -> CoreResult<Vec<Value>> {
    let uid: String = conn.query_row(
        &format!("SELECT uid FROM {} WHERE id = ?1", p.table()),
        [p.id()],
        |r| r.get(0),
    )?;
    let mut records = personal_records(conn, p, &uid, forms)?;
    if !records.contains(&uid) {
        records.push(uid);
    }
    // Entries as (id, place in a batch): of a batch, only the person's records and those
    // naming them, never the others'.
    let mut keys: Vec<(i64, i64)> = Vec::new();
    let mut rows = conn.prepare_cached(&format!(
        "SELECT id, pos, coalesce(before, after) FROM {} WHERE id = ?1",
        journal::ENTRIES
    ))?;
    for (id, ..) in naming_entries(conn, forms)? {
        for row in rows.query_map([id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get_ref(2)?.as_str().ok().map(str::to_string),
            ))
        })? {
            let (id, pos, text) = row?;
            let names = text.is_some_and(|t| replace_all(&t, forms) != t);
            if pos == 0 || names {
                keys.push((id, pos));
            }
        }
    }
    for record in &records {
        let mut st = conn.prepare_cached(&format!(
            "SELECT id, pos FROM {}",
            journal::record_entries("?1")
        ))?;
        for key in st.query_map([record], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
            keys.push(key?);
        }
    }
    keys.sort_unstable();
    keys.dedup();
    let mut out = Vec::with_capacity(keys.len());
    let mut st = conn.prepare_cached(&format!(
        "SELECT c.set_id, s.at, s.author, c.tbl, c.record, c.op, c.field, c.before, c.after
         FROM {} AS c JOIN change_set AS s ON s.id = c.set_id WHERE c.id = ?1 AND c.pos = ?2",
        journal::ENTRIES
    ))?;
    for (id, pos) in keys {
        let row = st.query_row([id, pos], |r| {
            Ok(serde_json::json!({
                "change_set": r.get::<_, i64>(0)?,
                "at": crate::history::store::clock_text(r.get(1)?),
                "author": r.get::<_, String>(2)?,
                "table": r.get::<_, String>(3)?,
                "record": r.get::<_, String>(4)?,
                "op": match r.get::<_, i64>(5)? {
                    journal::INSERT => "insert",
                    journal::DELETE => "delete",
                    _ => "update",
                },
                "field": r.get::<_, Option<String>>(6)?,
                "before": to_json(r.get_ref(7)?),
                "after": to_json(r.get_ref(8)?),
            }))
        })?;
        out.push(row);
    }
    Ok(out)
}

impl Store {
    /// Everything the workspace holds about a person, as a JSON document.
    pub fn person_export(&self, p: Person) -> CoreResult<String> {
        let conn = &self.conn;
        let name = name_of(conn, p)?;
        let mut doc = Map::new();
        doc.insert("format".into(), "catalyse-personne".into());
        doc.insert("app_version".into(), env!("CARGO_PKG_VERSION").into());
        doc.insert("kind".into(), p.table().into());
        let own = rows_where(conn, p.table(), "id = ?1", p.id())?;
        doc.insert(
            "person".into(),
            own.into_iter().next().unwrap_or(Value::Null),
        );
        if let Person::Contact(id) = p {
            let actor: Option<(i64, String)> = conn
                .query_row(
                    "SELECT a.id, a.name FROM contact c JOIN actor a ON a.id = c.actor_id WHERE c.id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((aid, aname)) = actor {
                doc.insert(
                    "actor".into(),
                    serde_json::json!({ "id": aid, "name": aname }),
                );
            }
        }
        let records = records_of(conn, p)?;
        doc.insert("records".into(), Value::Object(records));
        let forms = needles(conn, p, &name)?;
        let found = mentions_of(conn, &forms, (p.table(), p.id()))?;
        doc.insert(
            "journal".into(),
            Value::Array(journal_entries(conn, p, &forms)?),
        );
        doc.insert(
            "mentions".into(),
            Value::Array(
                found
                    .into_iter()
                    .map(|(m, text)| {
                        serde_json::json!({ "table": m.table, "row": m.row, "column": m.column, "text": text })
                    })
                    .collect(),
            ),
        );
        let mut text = serde_json::to_string_pretty(&Value::Object(doc))
            .map_err(|e| CoreError::Io(std::io::Error::other(e)))?;
        text.push('\n');
        Ok(text)
    }
}

/// The rows referring to the person, and the rows owned by those the person owns (a
/// self-assessment's ratings; not an action's funding lines), by table; tables without any
/// left out.
fn records_of(conn: &Connection, p: Person) -> CoreResult<Map<String, Value>> {
    let mut records = Map::new();
    for (table, col, owned_by_person) in references_to(conn, p.table())? {
        let rows = rows_where(conn, &table, &format!("{} = ?1", quote(&col)), p.id())?;
        for row in rows.iter().filter(|_| owned_by_person == "CASCADE") {
            for (child, ccol, on_delete) in references_to(conn, &table)? {
                if on_delete != "CASCADE" {
                    continue;
                }
                if let Some(id) = row.get("id").and_then(Value::as_i64) {
                    let owned = rows_where(conn, &child, &format!("{} = ?1", quote(&ccol)), id)?;
                    if let Some(list) = records
                        .entry(child.clone())
                        .or_insert_with(|| Value::Array(Vec::new()))
                        .as_array_mut()
                    {
                        list.extend(owned);
                    }
                }
            }
        }
        if let Some(list) = records
            .entry(table)
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
        {
            list.extend(rows);
        }
    }
    records.retain(|_, v| v.as_array().is_some_and(|a| !a.is_empty()));
    Ok(records)
}
