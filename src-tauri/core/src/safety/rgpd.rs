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

use crate::db::store::Store;
use crate::exchange::workspace_json::{data_tables, layout, quote, to_json};
use crate::history::journal::{self, ChangeLabel};
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::text::fold;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

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
fn mentions(conn: &Connection, name: &str, own: (&str, i64)) -> CoreResult<Vec<(Mention, String)>> {
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
                "SELECT {rowid}, {col} FROM {t} WHERE instr({fold}({col}), ?1) > 0",
                col = quote(&c.name),
                t = quote(&table),
                fold = crate::db::store::FOLD_FUNCTION,
            );
            let mut st = conn.prepare(&sql)?;
            let found = st
                .query_map([fold(name)], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            for (row, text) in found {
                if table == own.0 && row == own.1 && row != 0 {
                    continue;
                }
                // The folded search finds the name inside longer words too: keep the texts
                // that name the person.
                if replace_name(&text, name) == text {
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

/// Removes the person from the journal of changes, inside the erasure's transaction (after
/// its own changes, which the triggers journaled with the values they replaced): the values
/// of the records erased with them (their contact row, or their self-assessments and plan)
/// keep only their identity; the member's name, role and structure become what the member
/// row now says; and every other value naming them has the name replaced, as in the texts.
/// Returns how many journal entries changed.
fn scrub_journal(tx: &Connection, name: &str, uid: &str, p: Person) -> CoreResult<usize> {
    let current = journal::SET_ID;
    let mut erased: Vec<String> = tx
        .prepare(&format!(
            "SELECT DISTINCT record FROM change WHERE set_id = {current} AND op = {}",
            journal::DELETE
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if matches!(p, Person::Contact(_)) {
        erased.push(uid.to_string());
    }
    let mut changed = 0;
    let keep_identity = |column: &str| {
        format!(
            "CASE WHEN json_valid({column}) THEN json_object('id', json_extract({column}, '$.id'), 'uid', json_extract({column}, '$.uid')) END"
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
    if name.chars().count() >= MIN_MENTION {
        let needle = fold(name);
        let found: Vec<(i64, Option<String>, Option<String>)> = tx
            .prepare(&format!(
                "SELECT id,
                   CASE WHEN typeof(before) = 'text' THEN before END,
                   CASE WHEN typeof(after) = 'text' THEN after END
                 FROM change
                 WHERE (typeof(before) = 'text' AND instr({f}(before), ?1) > 0)
                    OR (typeof(after) = 'text' AND instr({f}(after), ?1) > 0)",
                f = crate::db::store::FOLD_FUNCTION
            ))?
            .query_map([&needle], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut st = tx.prepare(
            "UPDATE change SET
               before = CASE WHEN typeof(before) = 'text' THEN ?2 ELSE before END,
               after = CASE WHEN typeof(after) = 'text' THEN ?3 ELSE after END
             WHERE id = ?1",
        )?;
        for (id, before, after) in found {
            let before = before.map(|t| replace_name(&t, name));
            let after = after.map(|t| replace_name(&t, name));
            changed += st.execute(params![id, before, after])?;
        }
    }
    Ok(changed)
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
        let found = mentions(conn, &name, (p.table(), p.id()))?;
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
        let found = mentions(&self.conn, &name, (p.table(), p.id()))?;
        let uid: String = self.conn.query_row(
            &format!("SELECT uid FROM {} WHERE id = ?1", p.table()),
            [p.id()],
            |r| r.get(0),
        )?;
        // The erasure is journaled like any change, under a label without the name.
        self.journal.set_label(&ChangeLabel::new(
            "rgpd.erase",
            &[("kind", p.table().to_string())],
        ));
        let tx = self.conn.transaction()?;
        let mut changes = Vec::new();
        match p {
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
        for (m, text) in &found {
            // By value: identical texts all hold the name and get the same replacement, and
            // tables without rowid are reached too.
            let sql = format!(
                "UPDATE {t} SET {c} = ?1 WHERE {c} = ?2",
                t = quote(&m.table),
                c = quote(&m.column)
            );
            tx.execute(&sql, params![replace_name(text, &name), text])
                .map_err(|e| {
                    CoreError::Io(std::io::Error::other(format!(
                        "remplacement du nom impossible dans « {} » : {e}",
                        m.table
                    )))
                })?;
        }
        let journal = scrub_journal(&tx, &name, &uid, p)?;
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
            "Les sauvegardes faites avant cet effacement contiennent encore ces données : supprimez-les si la personne le demande."
                .to_string(),
        );
        tx.commit()?;
        Ok(ErasureSummary {
            name,
            changes,
            mentions_replaced: found.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> (tempfile::TempDir, Store) {
        let dir = tempfile::TempDir::new().unwrap();
        let s = crate::demo::write_demo(&dir.path().join("d.catalyse")).unwrap();
        (dir, s)
    }

    #[test]
    fn names_are_replaced_whatever_their_case() {
        assert_eq!(
            replace_name(
                "Vu avec CLAIRE Vasseur et claire vasseur.",
                "Claire Vasseur"
            ),
            "Vu avec [personne effacée] et [personne effacée]."
        );
        assert_eq!(replace_name("rien", "Claire"), "rien");
        // Accents and case are ignored both ways, and so are repeated spaces.
        assert_eq!(
            replace_name(
                "élodie martin, ELODIE MARTIN, Élodie  Martin et Elodie Martinez.",
                "Élodie Martin"
            ),
            "[personne effacée], [personne effacée], [personne effacée] et Elodie Martinez."
        );
        assert_eq!(
            replace_name("Vu avec Elodie.", "Élodie"),
            "Vu avec [personne effacée]."
        );
    }

    #[test]
    fn a_members_export_holds_their_records_and_the_texts_naming_them() {
        let (_d, s) = demo();
        let claire: i64 = s
            .conn
            .query_row(
                "SELECT id FROM member WHERE name = 'Claire Vasseur'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let doc: Value =
            serde_json::from_str(&s.person_export(Person::Member(claire)).unwrap()).unwrap();
        assert_eq!(doc["person"]["name"], "Claire Vasseur");
        let records = doc["records"].as_object().unwrap();
        assert!(!records["self_assessment"].as_array().unwrap().is_empty());
        assert!(
            !records["competence_rating"].as_array().unwrap().is_empty(),
            "owned rows too"
        );
        assert!(!records["meeting_member"].as_array().unwrap().is_empty());
        let mentions = doc["mentions"].as_array().unwrap();
        assert!(mentions
            .iter()
            .any(|m| m["table"] == "decision_note" && m["column"] == "author"));
    }

    #[test]
    fn erasing_a_member_anonymises_them_everywhere_in_one_go() {
        let (_d, mut s) = demo();
        let claire: i64 = s
            .conn
            .query_row(
                "SELECT id FROM member WHERE name = 'Claire Vasseur'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let meetings_before: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM meeting_member WHERE member_id = ?1",
                [claire],
                |r| r.get(0),
            )
            .unwrap();
        // A name typed in a note's section (a table without rowid) is found and replaced too.
        s.conn
            .execute(
                "UPDATE note_section SET content = 'Suivi par Claire Vasseur.' WHERE key = 'annexes'",
                [],
            )
            .unwrap();
        let found = mentions(&s.conn, "Claire Vasseur", ("member", claire)).unwrap();
        assert!(found.iter().any(|(m, _)| m.table == "note_section"));
        let summary = s.person_erase(Person::Member(claire)).unwrap();
        assert_eq!(summary.name, "Claire Vasseur");
        assert!(summary.mentions_replaced >= 1);
        assert!(summary
            .changes
            .iter()
            .any(|c| c.contains("auto-évaluation")));
        // No text holds the name any more, in any table.
        assert!(mentions(&s.conn, "Claire Vasseur", ("member", claire))
            .unwrap()
            .is_empty());
        let name: String = s
            .conn
            .query_row("SELECT name FROM member WHERE id = ?1", [claire], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(name.starts_with("Membre anonymisé"));
        let assessments: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM self_assessment WHERE member_id = ?1",
                [claire],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(assessments, 0);
        let meetings_after: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM meeting_member WHERE member_id = ?1",
                [claire],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            meetings_after, meetings_before,
            "participation kept, anonymous"
        );
        let integrity: String = s
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok");
        assert!(
            s.search("Vasseur").unwrap().is_empty(),
            "gone from the search index too"
        );
    }

    #[test]
    fn erasing_a_contact_deletes_it_and_its_mentions() {
        let (_d, mut s) = demo();
        let (id, name): (i64, String) = s
            .conn
            .query_row(
                "SELECT id, name FROM contact ORDER BY id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        // A meeting's notes that name them.
        s.conn
            .execute(
                "UPDATE meeting SET notes = notes || ' Échange avec ' || ?1 || '.' WHERE id = (SELECT min(id) FROM meeting)",
                [&name],
            )
            .unwrap();
        let doc: Value =
            serde_json::from_str(&s.person_export(Person::Contact(id)).unwrap()).unwrap();
        assert_eq!(doc["person"]["name"], name.as_str());
        assert!(doc["actor"]["name"].is_string());
        assert!(doc["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["table"] == "meeting"));
        let summary = s.person_erase(Person::Contact(id)).unwrap();
        assert!(summary.mentions_replaced >= 1);
        let left: i64 = s
            .conn
            .query_row("SELECT count(*) FROM contact WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(left, 0);
        assert!(mentions(&s.conn, &name, ("contact", id))
            .unwrap()
            .is_empty());
        assert_eq!(
            s.person_erase(Person::Contact(id)).unwrap_err().kind(),
            "not_found"
        );
    }

    #[test]
    fn an_erasure_leaves_no_form_of_the_name_in_any_text() {
        let (_d, mut s) = demo();
        let actor = s.list_actors().unwrap()[0].id;
        let contact = s
            .create_contact(
                actor,
                &crate::network::ContactInput {
                    name: "Élodie Martin".into(),
                    role: String::new(),
                    email: String::new(),
                    phone: String::new(),
                    notes: String::new(),
                },
            )
            .unwrap()
            .id;
        // Her name written three ways in other texts, and a different person.
        let mut a = s.actor(actor).unwrap();
        a.notes = "Appeler elodie martin, ou ELODIE MARTIN ; pas Elodie Martinez.".into();
        s.update_actor(
            actor,
            &crate::shared::domain::ActorInput {
                name: a.name.clone(),
                world: a.world.code().into(),
                commune: a.commune.clone(),
                engagement: a.engagement.code().into(),
                notes: a.notes.clone(),
            },
        )
        .unwrap();
        s.conn
            .execute(
                "UPDATE note_section SET content = content || ' Contact : Elodie  Martin.' WHERE key = 'avis'",
                [],
            )
            .unwrap();
        let export = s.person_export(Person::Contact(contact)).unwrap();
        assert!(
            export.contains("ELODIE MARTIN"),
            "the export holds every mention"
        );
        s.person_erase(Person::Contact(contact)).unwrap();
        let mut left = Vec::new();
        for table in data_tables(&s.conn).unwrap() {
            let (cols, _) = layout(&s.conn, &table).unwrap();
            // Texts, and the journal's values (ANY), read as text.
            for c in cols.iter().filter(|c| c.kind == "TEXT" || c.kind == "ANY") {
                let sql = format!(
                    "SELECT CAST({} AS TEXT) FROM {}",
                    quote(&c.name),
                    quote(&table)
                );
                let mut st = s.conn.prepare(&sql).unwrap();
                let texts: Vec<Option<String>> = st
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                for text in texts.into_iter().flatten() {
                    let folded = fold(&text).replace("elodie martinez", "");
                    if folded.contains("elodie martin") {
                        left.push(format!("{table}.{}: {text}", c.name));
                    }
                }
            }
        }
        assert!(left.is_empty(), "{left:#?}");
        assert!(s.actor(actor).unwrap().notes.contains("Elodie Martinez"));
        // The journal had her (the contact's creation, the notes naming her) and keeps the
        // erasure, without the name.
        let (label, deleted): (String, i64) = s
            .conn
            .query_row(
                "SELECT label, (SELECT count(*) FROM change WHERE set_id = change_set.id AND op = 3)
                 FROM change_set ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert!(label.contains("rgpd.erase"), "{label}");
        assert_eq!(deleted, 1, "the contact's deletion is journaled");
        let notes_before: String = s
            .conn
            .query_row(
                "SELECT before FROM change WHERE field = 'notes' ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(notes_before.contains(ERASED), "{notes_before}");
    }
}
