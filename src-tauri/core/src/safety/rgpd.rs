//! RGPD: what the workspace holds about one person (a contact of an actor, or a team member),
//! exported as JSON, and their erasure.
//!
//! What is "about them" is found from the schema, so new tables are covered without changing
//! this module: the person's own row, every row that refers to it (a member's meetings,
//! introductions, actions as référent, self-assessments…) with the rows those own (a
//! self-assessment's ratings and evidence), and every text that mentions their name (meeting
//! notes, follow-ups, notes' sections — the user's text and the generated one — and the
//! notes' versions).
//!
//! Erasure runs in one transaction: a contact is deleted; a team member is anonymised (name
//! replaced, role and structure emptied, their self-assessments and development plan
//! deleted; their participation in meetings and the links they made stay, now anonymous, so
//! the team's figures hold); in both cases every mention of the name in a text is replaced by
//! « [personne effacée] ».

use crate::db::journal::{self, ChangeLabel};
use crate::db::records::{self, Personal, RECORD_KINDS};
use crate::db::store::Store;
use crate::db::tables::{data_tables, layout, quote, to_json};
use crate::safety::erasures::{record_erasure, ErasureKey};
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::text::fold;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::Path;
use ts_rs::TS;

pub use crate::history::erased::ERASED_MARK;

/// What replaces an erased person's name in texts.
pub const ERASED: &str = "[personne effacée]";
/// Names shorter than this are not searched in texts (too many false matches).
const MIN_MENTION: usize = 3;

/// The person meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
#[ts(export)]
pub enum Person {
    Contact(#[ts(type = "number")] i64),
    Member(#[ts(type = "number")] i64),
}

impl Person {
    fn table(self) -> &'static str {
        match self {
            Person::Contact(_) => "contact",
            Person::Member(_) => "member",
        }
    }
    fn id(self) -> i64 {
        match self {
            Person::Contact(id) | Person::Member(id) => id,
        }
    }
}

/// A text that mentions the person.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Mention {
    pub table: String,
    #[ts(type = "number")]
    pub row: i64,
    pub column: String,
}

/// What an erasure changed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ErasureSummary {
    /// The person's name before (for the message; it is no longer stored).
    pub name: String,
    /// French lines, one per kind of change.
    pub changes: Vec<String>,
    /// Texts in which the name was replaced.
    #[ts(type = "number")]
    pub mentions_replaced: usize,
    /// Who was erased, by identity: to erase them from the backups too.
    pub person: crate::safety::erasures::ErasedPerson,
}

/// Every form under which texts name the person: their name, and for a contact their e-mail
/// and phone (as typed, and its digits alone), the ones long enough to be searched.
fn needles(conn: &Connection, p: Person, name: &str) -> CoreResult<Vec<String>> {
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

/// The forms a person is searched under: their name, e-mail and phone (a phone by its
/// digits, whatever is written between them), those long enough to be searched.
fn forms_of(name: &str, email: &str, phone: &str) -> Vec<String> {
    let phone = if is_phone(phone) {
        phone.chars().filter(char::is_ascii_digit).collect()
    } else {
        phone.to_string()
    };
    let mut out = vec![name.to_string(), email.to_string(), phone];
    out.retain(|n| n.trim().chars().count() >= MIN_MENTION);
    out.dedup();
    out
}

/// A form of the person that is a phone number: digits alone, found in texts whatever the
/// spaces, dots or dashes between them.
fn is_phone(form: &str) -> bool {
    form.chars().filter(char::is_ascii_digit).count() >= 6
        && form.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '+' | '(' | ')' | '\u{a0}')
        })
}

/// The characters a phone is written with between its digits.
fn phone_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '\u{a0}' | '\u{202f}')
}

/// `text` with every run of digits (and the separators between them) whose digits are
/// `phone`'s replaced by [`ERASED`].
fn replace_phone(text: &str, phone: &str) -> String {
    let wanted: String = phone.chars().filter(char::is_ascii_digit).collect();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < chars.len() {
        if !chars[i].1.is_ascii_digit() || (i > 0 && chars[i - 1].1.is_ascii_digit()) {
            i += 1;
            continue;
        }
        // A run starting here: digits, separated by single separators.
        let mut j = i;
        let mut digits = String::new();
        let mut end = i;
        while j < chars.len() {
            let c = chars[j].1;
            if c.is_ascii_digit() {
                digits.push(c);
                end = j;
                j += 1;
            } else if phone_separator(c) && chars.get(j + 1).is_some_and(|n| n.1.is_ascii_digit()) {
                j += 1;
            } else {
                break;
            }
        }
        if digits == wanted {
            out.push_str(&text[copied..chars[i].0]);
            out.push_str(ERASED);
            copied = chars.get(end + 1).map_or(text.len(), |(b, _)| *b);
        }
        i = j.max(i + 1);
    }
    out.push_str(&text[copied..]);
    out
}

/// `text` with every form of the person ([`needles`]) replaced by [`ERASED`].
fn replace_all(text: &str, forms: &[String]) -> String {
    forms.iter().fold(text.to_string(), |t, form| {
        if is_phone(form) {
            replace_phone(&t, form)
        } else {
            replace_name(&t, form)
        }
    })
}

/// The SQL expression that finds `form` (parameter `?1`, from [`search_key`]) in `column`.
fn found_in(column: &str, form: &str) -> String {
    let fold = crate::db::store::FOLD_FUNCTION;
    if is_phone(form) {
        format!(
            "instr(replace(replace(replace(replace({column}, ' ', ''), '.', ''), '-', ''), char(160), ''), ?1) > 0"
        )
    } else {
        format!("instr({fold}({column}), ?1) > 0")
    }
}

/// What [`found_in`] looks for: the folded form, or a phone's digits.
fn search_key(form: &str) -> String {
    if is_phone(form) {
        form.chars().filter(char::is_ascii_digit).collect()
    } else {
        fold(form)
    }
}

fn name_of(conn: &Connection, p: Person) -> CoreResult<String> {
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
fn rows_where(conn: &Connection, table: &str, filter: &str, param: i64) -> CoreResult<Vec<Value>> {
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
fn references_to(conn: &Connection, parent: &str) -> CoreResult<Vec<(String, String, String)>> {
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

/// Texts (any TEXT column of any table) containing `name` in any case, with or without
/// accents (the project's folding, as the search does), except the person's own row.
#[cfg(test)]
fn mentions(conn: &Connection, name: &str, own: (&str, i64)) -> CoreResult<Vec<(Mention, String)>> {
    mentions_of(conn, &[name.to_string()], own)
}

/// Texts naming the person under any of `forms` (see [`mentions`]), each text once.
fn mentions_of(
    conn: &Connection,
    forms: &[String],
    own: (&str, i64),
) -> CoreResult<Vec<(Mention, String)>> {
    let mut out: Vec<(Mention, String)> = Vec::new();
    for name in forms {
        for (m, text) in mentions_one(conn, name, own)? {
            if !out.iter().any(|(o, t)| *o == m && *t == text) {
                out.push((m, text));
            }
        }
    }
    Ok(out)
}

fn mentions_one(
    conn: &Connection,
    name: &str,
    own: (&str, i64),
) -> CoreResult<Vec<(Mention, String)>> {
    let mut out = Vec::new();
    if name.chars().count() < MIN_MENTION {
        return Ok(out);
    }
    for table in data_tables(conn)? {
        let (cols, _) = layout(conn, &table)?;
        for c in cols.iter().filter(|c| c.kind == "TEXT") {
            // WITHOUT ROWID tables (a note's sections) have no rowid: 0 stands for "no row
            // number"; the erasure finds such texts by their value.
            let rowid = if without_rowid(conn, &table)? {
                "0"
            } else {
                "rowid"
            };
            let sql = format!(
                "SELECT {rowid}, {col} FROM {t} WHERE {found}",
                col = quote(&c.name),
                t = quote(&table),
                found = found_in(&quote(&c.name), name),
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
                        column: c.name.clone(),
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

/// `text` with every occurrence of `name` replaced by [`ERASED`], whatever its case and
/// accents (« élodie martin », « ELODIE MARTIN » for « Élodie Martin »), and however many spaces
/// separate its words; only whole words (« Martinez » is someone else).
fn replace_name(text: &str, name: &str) -> String {
    let needle = fold(name);
    if needle.is_empty() {
        return text.to_string();
    }
    // The folded text, with for each of its bytes the original character it comes from.
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut folded = String::with_capacity(text.len());
    let mut origin: Vec<usize> = Vec::with_capacity(text.len());
    for (i, &(_, c)) in chars.iter().enumerate() {
        let piece = if c.is_whitespace() {
            if folded.ends_with(' ') {
                String::new()
            } else {
                " ".to_string()
            }
        } else {
            fold(c.encode_utf8(&mut [0; 4]))
        };
        origin.extend(std::iter::repeat_n(i, piece.len()));
        folded.push_str(&piece);
    }
    let byte = |i: usize| chars.get(i).map_or(text.len(), |(b, _)| *b);
    let mut out = String::with_capacity(text.len());
    let mut last = 0; // byte offset in `text` copied so far
    for (at, found) in folded.match_indices(&needle) {
        let first = origin[at];
        let end = origin[at + found.len() - 1] + 1;
        let letter = |i: Option<usize>| {
            i.and_then(|i| chars.get(i))
                .is_some_and(|(_, c)| c.is_alphanumeric())
        };
        if byte(first) < last || letter(first.checked_sub(1)) || letter(Some(end)) {
            continue;
        }
        out.push_str(&text[last..byte(first)]);
        out.push_str(ERASED);
        last = byte(end);
    }
    out.push_str(&text[last..]);
    out
}

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
fn personal_records(
    conn: &Connection,
    p: Person,
    uid: &str,
    forms: &[String],
) -> CoreResult<Vec<String>> {
    let mut found: Vec<String> = Vec::new();
    if matches!(p, Person::Contact(_)) {
        found.push(uid.to_string());
    }
    // The tables of the person's own data, and those whose rows they own in turn.
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
    // Each journaled record of those tables with the identities its references hold (one
    // reading of the journal per table), then the closure from the person's identity.
    let mut records: Vec<(String, Vec<String>)> = Vec::new();
    for table in &owned {
        let refs = journal::references(conn, table)?;
        let mut st = conn.prepare(
            "SELECT record, coalesce(before, after) FROM change WHERE tbl = ?1 AND op IN (1, 3)",
        )?;
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
    let mut theirs: std::collections::HashSet<String> = std::iter::once(uid.to_string()).collect();
    loop {
        let before = theirs.len();
        for (record, pointing) in &records {
            if !theirs.contains(record) && pointing.iter().any(|u| theirs.contains(u)) {
                theirs.insert(record.clone());
                found.push(record.clone());
            }
        }
        if theirs.len() == before {
            break;
        }
    }
    // Older rows of the person's table that carried their name, e-mail or phone.
    let fields: &[&str] = match records::kind(p.table()).map(|k| k.personal) {
        Some(Personal::Person { identifying }) => identifying,
        _ => &[],
    };
    let wanted: Vec<String> = forms.iter().map(|f| fold(f)).collect();
    let mut st = conn.prepare(
        "SELECT DISTINCT record, coalesce(before, after) FROM change
         WHERE tbl = ?1 AND op IN (1, 3) AND record <> ?2",
    )?;
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
        if same && !found.contains(&record) {
            found.push(record);
        }
    }
    Ok(found)
}

/// The journal entries whose values name the person under one of `forms` (texts, and
/// whole records as JSON), as (entry id, before, after) for those held as text.
/// A journal entry's id and its values held as text (before, after).
type TextEntry = (i64, Option<String>, Option<String>);

fn naming_entries(conn: &Connection, forms: &[String]) -> CoreResult<Vec<TextEntry>> {
    let mut out: Vec<TextEntry> = Vec::new();
    for form in forms.iter().filter(|f| f.chars().count() >= MIN_MENTION) {
        let needle = search_key(form);
        let found: Vec<TextEntry> = conn
            .prepare(&format!(
                "SELECT id,
                   CASE WHEN typeof(before) = 'text' THEN before END,
                   CASE WHEN typeof(after) = 'text' THEN after END
                 FROM change
                 WHERE (typeof(before) = 'text' AND {b})
                    OR (typeof(after) = 'text' AND {a})",
                b = found_in("before", form),
                a = found_in("after", form),
            ))?
            .query_map([&needle], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        for entry in found {
            if !out.iter().any(|(id, _, _)| *id == entry.0) {
                out.push(entry);
            }
        }
    }
    out.sort_by_key(|(id, _, _)| *id);
    Ok(out)
}

/// Removes the person from the journal of changes, inside the erasure's transaction (after
/// its own changes, which the triggers journaled with the values they replaced), by every
/// route: the entries of their own data ([`personal_records`], and the records the erasure
/// deletes) keep only the record's identity and [`ERASED_MARK`], so that undoing an older
/// change set cannot bring it back; the member's name, role and structure become what the
/// member row now says; and every other value naming them has each form of their name,
/// e-mail and phone replaced, as in the texts. Returns how many journal entries changed.
fn scrub_journal(tx: &Connection, forms: &[String], uid: &str, p: Person) -> CoreResult<usize> {
    let current = journal::SET_ID;
    let mut erased: Vec<String> = tx
        .prepare(&format!(
            "SELECT DISTINCT record FROM change WHERE set_id = {current} AND op = {}",
            journal::DELETE
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for record in personal_records(tx, p, uid, forms)? {
        if !erased.contains(&record) {
            erased.push(record);
        }
    }
    let mut changed = 0;
    let keep_identity = |column: &str| {
        format!(
            "CASE WHEN {column} IS NULL THEN NULL
                  WHEN op = {u} THEN '{mark}'
                  ELSE json_object('id', CASE WHEN json_valid({column}) THEN json_extract({column}, '$.id') END,
                                   'uid', record, 'rgpd', 'effacé') END",
            u = journal::UPDATE,
            mark = ERASED_MARK.replace('\'', "''"),
        )
    };
    let mut st = tx.prepare(&format!(
        "UPDATE change SET before = {}, after = {} WHERE record = ?1",
        keep_identity("before"),
        keep_identity("after")
    ))?;
    for record in &erased {
        changed += st.execute([record])?;
    }
    if let Person::Member(id) = p {
        let anonymous = format!("Membre anonymisé n° {id}");
        changed += tx.execute(
            "UPDATE change SET
               before = CASE WHEN before IS NULL THEN NULL WHEN field = 'name' THEN ?2 ELSE '' END,
               after = CASE WHEN after IS NULL THEN NULL WHEN field = 'name' THEN ?2 ELSE '' END
             WHERE record = ?1 AND op = 2 AND field IN ('name', 'role', 'structure')",
            params![uid, anonymous],
        )?;
        changed += tx.execute(
            "UPDATE change SET
               before = CASE WHEN json_valid(before) THEN json_set(before, '$.name', ?2, '$.role', '', '$.structure', '') END,
               after = CASE WHEN json_valid(after) THEN json_set(after, '$.name', ?2, '$.role', '', '$.structure', '') END
             WHERE record = ?1 AND op IN (1, 3)",
            params![uid, anonymous],
        )?;
    }
    // Who made a change set, and what it said it did (a member who used Catalyse).
    let sets: Vec<(i64, String, String)> = tx
        .prepare("SELECT id, author, label FROM change_set")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (id, author, label) in sets {
        let (a, l) = (replace_all(&author, forms), replace_all(&label, forms));
        if a != author || l != label {
            changed += tx.execute(
                "UPDATE change_set SET author = ?2, label = ?3 WHERE id = ?1",
                params![id, a, l],
            )?;
        }
    }
    let mut st = tx.prepare(
        "UPDATE change SET
           before = CASE WHEN typeof(before) = 'text' THEN ?2 ELSE before END,
           after = CASE WHEN typeof(after) = 'text' THEN ?3 ELSE after END
         WHERE id = ?1",
    )?;
    for (id, before, after) in naming_entries(tx, forms)? {
        let before = before.map(|t| replace_all(&t, forms));
        let after = after.map(|t| replace_all(&t, forms));
        changed += st.execute(params![id, before, after])?;
    }
    Ok(changed)
}

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
    let mut ids: Vec<i64> = naming_entries(conn, forms)?
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    let mut st = conn.prepare_cached("SELECT id FROM change WHERE record = ?1")?;
    for record in &records {
        for id in st.query_map([record], |r| r.get::<_, i64>(0))? {
            ids.push(id?);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::with_capacity(ids.len());
    let mut st = conn.prepare_cached(
        "SELECT c.set_id, s.at, s.author, c.tbl, c.record, c.op, c.field, c.before, c.after
         FROM change AS c JOIN change_set AS s ON s.id = c.set_id WHERE c.id = ?1",
    )?;
    for id in ids {
        let row = st.query_row([id], |r| {
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

/// Erases `p` from `store` (see [`Store::person_erase`]) and records the erasure in the
/// workspace's backup folder `dir`, so that restoring an older backup erases them again.
pub fn erase_and_record(store: &mut Store, p: Person, dir: &Path) -> CoreResult<ErasureSummary> {
    let summary = store.person_erase(p)?;
    record_erasure(dir, &ErasureKey::for_backups(dir)?, &summary.person)?;
    Ok(summary)
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
        // Rows referring to the person, and the rows owned by those the person owns (a
        // self-assessment's ratings; not an action's funding lines).
        let mut records = Map::new();
        for (table, col, owned_by_person) in references_to(conn, p.table())? {
            let rows = rows_where(conn, &table, &format!("{} = ?1", quote(&col)), p.id())?;
            for row in rows.iter().filter(|_| owned_by_person == "CASCADE") {
                for (child, ccol, on_delete) in references_to(conn, &table)? {
                    if on_delete != "CASCADE" {
                        continue;
                    }
                    if let Some(id) = row.get("id").and_then(Value::as_i64) {
                        let owned =
                            rows_where(conn, &child, &format!("{} = ?1", quote(&ccol)), id)?;
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

    /// Erases (a contact) or anonymises (a team member) a person everywhere, in one
    /// transaction; returns what changed.
    pub fn person_erase(&mut self, p: Person) -> CoreResult<ErasureSummary> {
        let name = name_of(&self.conn, p)?;
        let forms = needles(&self.conn, p, &name)?;
        let found = mentions_of(&self.conn, &forms, (p.table(), p.id()))?;
        let uid: String = self.conn.query_row(
            &format!("SELECT uid FROM {} WHERE id = ?1", p.table()),
            [p.id()],
            |r| r.get(0),
        )?;
        // Every page the erasure frees or rewrites is overwritten with zeros.
        self.erase_leaving_no_copy(p, true, &name, &forms, &found, &uid)
    }

    /// The erasure's transaction ([`Store::erase_in_transaction_with`]) with every page it
    /// frees or rewrites overwritten with zeros, then [`Store::leave_no_copy`].
    fn erase_leaving_no_copy(
        &mut self,
        p: Person,
        present: bool,
        name: &str,
        forms: &[String],
        found: &[(Mention, String)],
        uid: &str,
    ) -> CoreResult<ErasureSummary> {
        let secure: i64 = self
            .conn
            .query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
        self.conn.pragma_update(None, "secure_delete", true)?;
        let erased = self.erase_in_transaction_with(p, present, name, forms, found, uid);
        let cleaned = erased.and_then(|summary| {
            self.leave_no_copy()?;
            Ok(summary)
        });
        self.conn.pragma_update(None, "secure_delete", secure)?;
        cleaned
    }

    /// Erases the person `who` names, by identity: through [`Store::person_erase`] when their
    /// row is here, or, when only the journal holds them (a contact deleted before), from the
    /// journal and the texts under the name, e-mail and phone it last had. True when there was
    /// something of them to erase (a member already anonymised has nothing left).
    pub fn erase_identity(
        &mut self,
        who: &crate::safety::erasures::ErasedPerson,
    ) -> CoreResult<bool> {
        who.validate()?;
        let table = if who.kind == "contact" {
            "contact"
        } else {
            "member"
        };
        let row: Option<(i64, String)> = self
            .conn
            .query_row(
                &format!("SELECT id, name FROM {table} WHERE uid = ?1"),
                [&who.uid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let person = |id: i64| {
            if table == "contact" {
                Person::Contact(id)
            } else {
                Person::Member(id)
            }
        };
        if let Some((id, name)) = &row {
            if !(table == "member" && name.starts_with("Membre anonymisé n° ")) {
                self.person_erase(person(*id))?;
                return Ok(true);
            }
        }
        // The last whole record the journal keeps of them, not yet scrubbed.
        let last: Option<String> = self
            .conn
            .query_row(
                "SELECT coalesce(before, after) FROM change WHERE record = ?1 AND op IN (1, 3)
                   AND json_valid(coalesce(before, after))
                   AND json_extract(coalesce(before, after), '$.rgpd') IS NULL
                 ORDER BY id DESC LIMIT 1",
                [&who.uid],
                |r| r.get(0),
            )
            .optional()?;
        let Some(Ok(Value::Object(record))) = last.map(|j| serde_json::from_str::<Value>(&j))
        else {
            return Ok(false);
        };
        let text = |k: &str| {
            record
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let name = text("name");
        let id = match &row {
            Some((id, _)) => *id,
            None => record.get("id").and_then(Value::as_i64).unwrap_or(0),
        };
        let p = person(id);
        // A member's journaled row has no e-mail nor phone: empty, not searched.
        let mut forms = forms_of(&name, &text("email"), &text("phone"));
        if table == "member" {
            // Its row stays (anonymised): only the journal and the texts are left to clean.
            forms.retain(|n| !n.starts_with("Membre anonymisé n° "));
        }
        let found = mentions_of(&self.conn, &forms, (p.table(), 0))?;
        self.erase_leaving_no_copy(p, false, &name, &forms, &found, &who.uid)?;
        Ok(true)
    }

    /// After an erasure: no byte of the file nor of its WAL keeps what it removed. Freed
    /// space that held it before this erasure (an old edit, deleted rows, when
    /// `secure_delete` was off) is rewritten by a `VACUUM`; the WAL, which holds older
    /// copies of the pages, is checkpointed into the file and truncated.
    fn leave_no_copy(&mut self) -> CoreResult<()> {
        {
            // A VACUUM attaches a temporary database of its own (no file name).
            let _attach = crate::db::guard::AttachAllowed::new("");
            self.conn.execute_batch("VACUUM")?;
        }
        // Readers of the app (other threads) may hold the WAL for a moment: waited for.
        for _ in 0..50 {
            let (busy, _, _): (i64, i64, i64) =
                self.conn
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })?;
            if busy == 0 {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Err(CoreError::Busy)
    }

    /// The erasure's one transaction (see [`Store::person_erase`]); `present` false when only
    /// the journal holds the person (their row deleted before): nothing to delete or
    /// anonymise, the rest as usual.
    fn erase_in_transaction_with(
        &mut self,
        p: Person,
        present: bool,
        name: &str,
        forms: &[String],
        found: &[(Mention, String)],
        uid: &str,
    ) -> CoreResult<ErasureSummary> {
        let name = name.to_string();
        // The erasure is journaled like any change, under a label without the name.
        self.journal.set_label(&ChangeLabel::new(
            "rgpd.erase",
            &[("kind", p.table().to_string())],
        ));
        let tx = self.conn.transaction()?;
        let mut changes = Vec::new();
        match p {
            _ if !present => {}
            Person::Contact(id) => {
                tx.execute("DELETE FROM contact WHERE id = ?1", [id])?;
                changes.push("Le contact et ses coordonnées ont été supprimés.".to_string());
            }
            Person::Member(id) => {
                let assessments: i64 = tx.query_row(
                    "SELECT count(*) FROM self_assessment WHERE member_id = ?1",
                    [id],
                    |r| r.get(0),
                )?;
                let meetings: i64 = tx.query_row(
                    "SELECT count(*) FROM meeting_member WHERE member_id = ?1",
                    [id],
                    |r| r.get(0),
                )?;
                tx.execute(
                    "UPDATE member SET name = ?2, role = '', structure = '' WHERE id = ?1",
                    params![id, format!("Membre anonymisé n° {id}")],
                )?;
                tx.execute("DELETE FROM self_assessment WHERE member_id = ?1", [id])?;
                tx.execute("DELETE FROM development_plan WHERE member_id = ?1", [id])?;
                changes.push(format!(
                    "Le membre est anonymisé (« Membre anonymisé n° {id} ») : nom, rôle et structure effacés."
                ));
                changes.push(format!(
                    "{assessments} auto-évaluation(s) et le plan de développement supprimés."
                ));
                changes.push(format!(
                    "{meetings} participation(s) à des rencontres gardées sans le nom, pour les bilans de l'équipe."
                ));
            }
        }
        for (m, text) in found {
            // By value: identical texts all hold the name and get the same replacement, and
            // tables without rowid are reached too.
            let sql = format!(
                "UPDATE {t} SET {c} = ?1 WHERE {c} = ?2",
                t = quote(&m.table),
                c = quote(&m.column)
            );
            tx.execute(&sql, params![replace_all(text, forms), text])
                .map_err(|e| {
                    CoreError::Io(std::io::Error::other(format!(
                        "remplacement du nom impossible dans « {} » : {e}",
                        m.table
                    )))
                })?;
        }
        let journal = scrub_journal(&tx, forms, uid, p)?;
        // The search index keeps the words of deleted and replaced texts in its segments
        // until they are merged: merged now, and from now on removed as they are deleted.
        tx.execute(
            "INSERT INTO search_index(search_index, rank) VALUES ('secure-delete', 1)",
            [],
        )?;
        tx.execute(
            "INSERT INTO search_index(search_index) VALUES ('optimize')",
            [],
        )?;
        if journal > 0 {
            changes.push(format!(
                "L'historique des modifications ne garde plus rien de la personne ({journal} entrée(s) effacée(s))."
            ));
        }
        if !found.is_empty() {
            changes.push(format!(
                "Le nom a été remplacé par « {ERASED} » dans {} texte(s) (comptes rendus, notes, versions des notes…).",
                found.len()
            ));
        }
        changes.push(
            "Les sauvegardes faites avant cet effacement contiennent encore ces données : effacez-la aussi des sauvegardes si la personne le demande."
                .to_string(),
        );
        tx.commit()?;
        Ok(ErasureSummary {
            name,
            changes,
            mentions_replaced: found.len(),
            person: crate::safety::erasures::ErasedPerson {
                kind: p.table().to_string(),
                uid: uid.to_string(),
            },
        })
    }
}

#[cfg(test)]
mod tests;
