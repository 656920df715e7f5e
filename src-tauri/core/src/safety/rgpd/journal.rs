//! The person in the journal of changes: the records that are their own data
//! ([`personal_records`], deleted now or earlier) and the entries whose values name them
//! ([`naming_entries`]).

use crate::db::journal;
use crate::db::records::{self, Personal, RECORD_KINDS};
use crate::safety::rgpd::find::references_to;
use crate::safety::rgpd::forms::{found_in, search_key, MIN_MENTION};
use crate::safety::rgpd::model::Person;
use crate::shared::error::CoreResult;
use crate::shared::text::fold;
use rusqlite::{params, Connection};
use serde_json::Value;

/// The tables whose records are the person's own data, deleted with them by an erasure
/// (with the rows they own in turn, by `ON DELETE CASCADE`).
fn personal_tables(p: Person) -> Vec<&'static str> {
    RECORD_KINDS
        .iter()
        .filter(|k| k.personal == Personal::OwnedBy(p.table()))
        .map(|k| k.table)
        .collect()
}

/// The identities of the records the journal holds that are the person's own data: their
/// own row (a contact's), the records of [`personal_tables`] pointing at them and the rows
/// those own, deleted now or earlier, and the rows of their table (`contact`, `member`)
/// deleted earlier that carried their name, e-mail or phone (the same person under an older
/// record). Found in the journal itself, whose references are identities.
pub(super) fn personal_records(
    conn: &Connection,
    p: Person,
    uid: &str,
    forms: &[String],
) -> CoreResult<Vec<String>> {
    let mut found: Vec<String> = Vec::new();
    if matches!(p, Person::Contact(_)) {
        found.push(uid.to_string());
    }
    let owned = owned_tables(conn, p)?;
    let records = journaled_references(conn, &owned)?;
    found.extend(reached_from(uid, &records));
    for record in former_rows(conn, p, uid, forms)? {
        if !found.contains(&record) {
            found.push(record);
        }
    }
    Ok(found)
}

/// The tables of the person's own data ([`personal_tables`]), and those whose rows they own
/// in turn (by `ON DELETE CASCADE`).
fn owned_tables(conn: &Connection, p: Person) -> CoreResult<Vec<String>> {
    let mut owned: Vec<String> = personal_tables(p).iter().map(|t| t.to_string()).collect();
    let mut i = 0;
    while i < owned.len() {
        for (child, _, on_delete) in references_to(conn, &owned[i])? {
            if on_delete == "CASCADE" && !owned.contains(&child) {
                owned.push(child);
            }
        }
        i += 1;
    }
    Ok(owned)
}

/// Each journaled record of the tables `owned` with the identities its references hold (one
/// reading of the journal per table).
fn journaled_references(
    conn: &Connection,
    owned: &[String],
) -> CoreResult<Vec<(String, Vec<String>)>> {
    let mut records: Vec<(String, Vec<String>)> = Vec::new();
    for table in owned {
        let refs = journal::references(conn, table)?;
        let mut st = conn.prepare(&format!(
            "SELECT record, coalesce(before, after) FROM {} WHERE tbl = ?1 AND op IN (1, 3)",
            journal::ENTRIES
        ))?;
        let rows = st.query_map([table], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (record, json) = row?;
            let Ok(Value::Object(values)) = serde_json::from_str::<Value>(&json) else {
                continue;
            };
            let pointing: Vec<String> = refs
                .iter()
                .filter_map(|r| {
                    values
                        .get(&r.column)
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .collect();
            records.push((record, pointing));
        }
    }
    Ok(records)
}

/// The closure of `records` from the person's identity `uid`: the records pointing at them,
/// those pointing at these, and so on, in the order they are reached.
fn reached_from(uid: &str, records: &[(String, Vec<String>)]) -> Vec<String> {
    let mut found = Vec::new();
    let mut theirs: std::collections::HashSet<String> = std::iter::once(uid.to_string()).collect();
    loop {
        let before = theirs.len();
        for (record, pointing) in records {
            if !theirs.contains(record) && pointing.iter().any(|u| theirs.contains(u)) {
                theirs.insert(record.clone());
                found.push(record.clone());
            }
        }
        if theirs.len() == before {
            break;
        }
    }
    found
}

/// Older rows of the person's table: the other records of it that the journal shows carrying
/// their name, e-mail or phone (the `identifying` fields of its descriptor matching one of
/// `forms`); a record may come more than once.
fn former_rows(
    conn: &Connection,
    p: Person,
    uid: &str,
    forms: &[String],
) -> CoreResult<Vec<String>> {
    let mut found = Vec::new();
    let fields: &[&str] = match records::kind(p.table()).map(|k| k.personal) {
        Some(Personal::Person { identifying }) => identifying,
        _ => &[],
    };
    let wanted: Vec<String> = forms.iter().map(|f| fold(f)).collect();
    let mut st = conn.prepare(&format!(
        "SELECT DISTINCT record, coalesce(before, after) FROM {}
         WHERE tbl = ?1 AND op IN (1, 3) AND record <> ?2",
        journal::ENTRIES
    ))?;
    let rows: Vec<(String, String)> = st
        .query_map(params![p.table(), uid], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (record, json) in rows {
        let Ok(Value::Object(row)) = serde_json::from_str::<Value>(&json) else {
            continue;
        };
        let same = fields.iter().any(|f| {
            row.get(*f).and_then(Value::as_str).is_some_and(|v| {
                !v.trim().is_empty()
                    && (wanted.contains(&fold(v)) || wanted.contains(&search_key(v)))
            })
        });
        if same {
            found.push(record);
        }
    }
    Ok(found)
}

/// A journal entry's id, table, field (for the change of one field) and its values held as
/// text (before, after).
pub(super) type TextEntry = (i64, String, Option<String>, Option<String>, Option<String>);

/// The journal entries whose values name the person under one of `forms` (texts, and
/// whole records as JSON, a packed batch's as the JSON it holds), as (entry id, table,
/// field, before, after) for those held as text.
pub(super) fn naming_entries(conn: &Connection, forms: &[String]) -> CoreResult<Vec<TextEntry>> {
    let mut out: Vec<TextEntry> = Vec::new();
    // A batch's records packed are searched, and given, as their JSON (db/packed.rs).
    let after = journal::after_text("");
    for form in forms.iter().filter(|f| f.chars().count() >= MIN_MENTION) {
        let needle = search_key(form);
        let found: Vec<TextEntry> = conn
            .prepare(&format!(
                "SELECT id, tbl, CASE WHEN op = 2 THEN field END,
                   CASE WHEN typeof(before) = 'text' THEN before END,
                   CASE WHEN typeof({after}) = 'text' THEN {after} END
                 FROM change
                 WHERE (typeof(before) = 'text' AND {b})
                    OR (typeof({after}) = 'text' AND {a})",
                b = found_in("before", form),
                a = found_in(&after, form),
            ))?
            .query_map([&needle], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        for entry in found {
            if !out.iter().any(|e| e.0 == entry.0) {
                out.push(entry);
            }
        }
    }
    out.sort_by_key(|e| e.0);
    Ok(out)
}
