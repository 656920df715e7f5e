//! Undoing a change set: its changes reversed, newest first, in one transaction that is
//! itself a change set (so it can be undone in turn), unless something later stands in the
//! way; then nothing changes and the changes that stand in the way are listed.

use crate::db::journal::{self, ChangeLabel, Reference, Target, DELETE, INSERT, UPDATE};
use crate::db::store::Store;
use crate::db::tables::quote;
use crate::history::model::{ChangeSetSummary, UndoOutcome};
use crate::history::store::{raw_changes, RawChange};
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

fn later_conflicts(conn: &Connection, set: i64) -> CoreResult<Vec<i64>> {
    // A batch's records are new: a later change of one is an entry of its own.
    let mut st = conn.prepare(&format!(
        "SELECT DISTINCT l.set_id FROM {} AS c JOIN change AS l ON l.record = c.record
         WHERE c.set_id = ?1 AND l.set_id > ?1 AND l.op <> {}
           AND (c.op <> 2 OR l.op <> 2 OR c.field = l.field)
         ORDER BY l.set_id",
        journal::ENTRIES,
        journal::ROWS
    ))?;
    let ids = st
        .query_map([set], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

/// A JSON value of a journaled record, as the SQL value of a column of type `kind`.
pub(crate) fn sql_value(v: &Value, kind: &str) -> CoreResult<SqlValue> {
    Ok(match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) if kind == "BLOB" => {
            SqlValue::Blob(hex::decode(s).map_err(|_| CoreError::Unreadable {
                what: "Une entrée de l'historique",
                detail: "donnée binaire illisible".into(),
            })?)
        }
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    })
}

fn erased() -> CoreError {
    CoreError::validation(
        "change_set",
        "undo.erased",
        "Cette suppression ne peut pas être annulée : l'historique n'en garde pas le contenu.",
    )
}

/// A deleted record's JSON, as its entry holds it.
fn deleted_record(e: &RawChange) -> CoreResult<serde_json::Map<String, Value>> {
    let SqlValue::Text(json) = &e.before else {
        return Err(erased());
    };
    let record: serde_json::Map<String, Value> =
        serde_json::from_str(json).map_err(|err| CoreError::Unreadable {
            what: "Une entrée de l'historique",
            detail: err.to_string(),
        })?;
    if !record.contains_key("uid") {
        return Err(erased());
    }
    Ok(record)
}

/// How an undo finds the records its entries refer to, by identity: in their tables now, or
/// among the records the undo itself puts back (with the ids they are given).
struct Resolver {
    /// The references of each table (from the schema and the declared ones).
    refs: HashMap<String, Vec<Reference>>,
    /// (table, uid) → id of each record this undo re-creates.
    recreated: HashMap<(String, String), i64>,
}

impl Resolver {
    fn refs(&mut self, conn: &Connection, table: &str) -> CoreResult<&[Reference]> {
        if !self.refs.contains_key(table) {
            let r = journal::references(conn, table)?;
            self.refs.insert(table.to_string(), r);
        }
        Ok(&self.refs[table])
    }

    /// The id, now, of the record `value` names (an identity) in `table`. A record that is
    /// no longer there refuses the undo, naming it.
    fn id(&self, conn: &Connection, table: &str, value: &Value) -> CoreResult<SqlValue> {
        let uid = match value {
            Value::Null => return Ok(SqlValue::Null),
            Value::String(uid) => uid,
            // An id the journal could not name when it was migrated: never guessed.
            _ => {
                return Err(CoreError::validation(
                    "change_set",
                    "undo.unresolved",
                    "Cette modification ne peut pas être annulée : l'historique ne dit pas à quel enregistrement elle renvoyait.",
                ))
            }
        };
        if let Some(id) = self.recreated.get(&(table.to_string(), uid.clone())) {
            return Ok(SqlValue::Integer(*id));
        }
        let found: Option<i64> = conn
            .query_row(
                &format!("SELECT id FROM {} WHERE uid = ?1", quote(table)),
                [uid],
                |r| r.get(0),
            )
            .optional()?;
        match found {
            Some(id) => Ok(SqlValue::Integer(id)),
            None => Err(gone(conn, table, uid)?),
        }
    }

    /// The SQL value of column `column` of `table` from a journaled value: a reference's
    /// identity becomes the referenced record's id now (`kind` is the row's kind, for a
    /// reference whose table it names).
    fn value(
        &mut self,
        conn: &Connection,
        table: &str,
        column: &str,
        declared: &str,
        kind: Option<&str>,
        v: &Value,
    ) -> CoreResult<SqlValue> {
        let target = self
            .refs(conn, table)?
            .iter()
            .find(|r| r.column == column)
            .map(|r| r.target.clone());
        let Some(target) = target else {
            return sql_value(v, declared);
        };
        let parent = match &target {
            Target::Table(t) => t.clone(),
            Target::ByKind { tables, .. } => {
                let Some(t) = kind.and_then(|k| tables.iter().find(|(code, _)| *code == k)) else {
                    return sql_value(v, declared);
                };
                t.1.to_string()
            }
        };
        self.id(conn, &parent, v)
    }
}

/// The refusal of an undo that needs a record deleted since: it is named, and the user told
/// to undo its deletion first.
fn gone(conn: &Connection, table: &str, uid: &str) -> CoreResult<CoreError> {
    let name = crate::history::store::record_name(conn, table, uid)?;
    let (what, feminine) = crate::history::store::kind_fr(table);
    let mut what = what.to_string();
    if let Some(first) = what.get(..1) {
        what = first.to_uppercase() + &what[1..];
    }
    Ok(CoreError::GoneSince {
        what,
        name: crate::shared::domain::truncate_for_message(&name),
        feminine,
    })
}

/// Puts back the record an entry deleted, with the id `resolver` gave it.
fn reinsert(conn: &Connection, e: &RawChange, resolver: &mut Resolver) -> CoreResult<()> {
    let record = deleted_record(e)?;
    let cols = journal::columns(conn, &e.table)?;
    let kind_column = resolver
        .refs(conn, &e.table)?
        .iter()
        .find_map(|r| match &r.target {
            Target::ByKind { kind, .. } => Some(*kind),
            Target::Table(_) => None,
        });
    let kind = kind_column
        .and_then(|k| record.get(k))
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut names = Vec::new();
    let mut values = Vec::new();
    for (name, declared) in &cols {
        let Some(v) = record.get(name) else {
            continue;
        };
        names.push(quote(name));
        if name == "id" {
            match resolver.recreated.get(&(e.table.clone(), e.record.clone())) {
                Some(id) => values.push(SqlValue::Integer(*id)),
                None => values.push(sql_value(v, declared)?),
            }
        } else {
            values.push(resolver.value(conn, &e.table, name, declared, kind.as_deref(), v)?);
        }
    }
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote(&e.table),
        names.join(", "),
        vec!["?"; names.len()].join(", ")
    );
    conn.execute(&sql, rusqlite::params_from_iter(values.iter()))
        .map_err(|err| match err {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ffi::ErrorCode::ConstraintViolation =>
            {
                CoreError::validation(
                    "change_set",
                    "undo.taken",
                    "Cette suppression ne peut pas être annulée : un autre enregistrement a pris la place de celui qui a été supprimé.",
                )
            }
            other => other.into(),
        })?;
    Ok(())
}

/// Gives each record the undo re-creates its id: the one it had, unless another record has
/// taken it since (SQLite gives freed ids again), then a new one. The records that refer to
/// it are put back pointing at that id (they name it by identity).
fn assign_ids(conn: &Connection, list: &[RawChange], resolver: &mut Resolver) -> CoreResult<()> {
    let mut next: HashMap<String, i64> = HashMap::new();
    let mut taken: HashSet<(String, i64)> = HashSet::new();
    for e in list.iter().filter(|e| e.op == DELETE) {
        let record = deleted_record(e)?;
        let Some(id) = record.get("id").and_then(Value::as_i64) else {
            continue;
        };
        let has_id = journal::columns(conn, &e.table)?
            .iter()
            .any(|(c, _)| c == "id");
        if !has_id {
            continue;
        }
        let used: bool = conn.query_row(
            &format!("SELECT count(*) > 0 FROM {} WHERE id = ?1", quote(&e.table)),
            [id],
            |r| r.get(0),
        )?;
        let id = if used || taken.contains(&(e.table.clone(), id)) {
            let n = match next.get(&e.table) {
                Some(n) => *n,
                None => conn.query_row(
                    &format!("SELECT coalesce(max(id), 0) + 1 FROM {}", quote(&e.table)),
                    [],
                    |r| r.get(0),
                )?,
            };
            let mut n: i64 = n;
            while taken.contains(&(e.table.clone(), n)) {
                n += 1;
            }
            next.insert(e.table.clone(), n + 1);
            n
        } else {
            id
        };
        taken.insert((e.table.clone(), id));
        resolver
            .recreated
            .insert((e.table.clone(), e.record.clone()), id);
    }
    Ok(())
}

/// Reverses one entry.
fn reverse(
    conn: &Connection,
    e: &RawChange,
    tables: &[String],
    resolver: &mut Resolver,
) -> CoreResult<()> {
    if !tables.contains(&e.table) {
        return Err(CoreError::Unreadable {
            what: "Une entrée de l'historique",
            detail: format!("table inconnue « {} »", e.table),
        });
    }
    match e.op {
        INSERT => {
            conn.execute(
                &format!("DELETE FROM {} WHERE uid = ?1", quote(&e.table)),
                [&e.record],
            )?;
        }
        DELETE => reinsert(conn, e, resolver)?,
        UPDATE => {
            let field = e.field.as_deref().unwrap_or_default();
            let cols = journal::columns(conn, &e.table)?;
            let Some((_, declared)) = cols.iter().find(|(n, _)| n == field) else {
                return Err(CoreError::Unreadable {
                    what: "Une entrée de l'historique",
                    detail: format!("colonne inconnue « {}.{field} »", e.table),
                });
            };
            let before = crate::history::store::json_of(e.before.clone(), false);
            let kind = resolver
                .refs(conn, &e.table)?
                .iter()
                .find(|r| r.column == field)
                .and_then(|r| match &r.target {
                    Target::ByKind { kind, .. } => Some(*kind),
                    Target::Table(_) => None,
                });
            let kind: Option<String> = match kind {
                Some(k) => conn
                    .query_row(
                        &format!(
                            "SELECT {} FROM {} WHERE uid = ?1",
                            quote(k),
                            quote(&e.table)
                        ),
                        [&e.record],
                        |r| r.get(0),
                    )
                    .optional()?,
                None => None,
            };
            let value = match &e.before {
                // Not a reference's identity: as stored (a BLOB stays a BLOB).
                v if resolver
                    .refs(conn, &e.table)?
                    .iter()
                    .all(|r| r.column != field) =>
                {
                    v.clone()
                }
                _ => resolver.value(conn, &e.table, field, declared, kind.as_deref(), &before)?,
            };
            conn.execute(
                &format!(
                    "UPDATE {} SET {} = ?1 WHERE uid = ?2",
                    quote(&e.table),
                    quote(field)
                ),
                params![value, e.record],
            )?;
        }
        _ => {}
    }
    Ok(())
}

impl Store {
    /// Undoes change set `set`: refused (with the change sets in the way, and nothing
    /// changed) when a later change set changed the same fields or records, or when undoing
    /// it would reach records it did not change (a link made since to an actor it created).
    pub fn undo_change_set(&mut self, set: i64) -> CoreResult<UndoOutcome> {
        refuse_what_cannot_be_undone(&self.conn, set)?;
        let later = later_conflicts(&self.conn, set)?;
        if !later.is_empty() {
            return Ok(UndoOutcome::Blocked {
                blockers: self.summaries(&later)?,
            });
        }
        let list = raw_changes(&self.conn, set, i64::MAX)?;
        let tables = journal::record_tables(&self.conn)?;
        self.journal
            .set_label(&ChangeLabel::new("undo", &[("set", set.to_string())]));
        let tx = self.conn.transaction()?;
        tx.pragma_update(None, "defer_foreign_keys", true)?;
        let mut resolver = Resolver {
            refs: HashMap::new(),
            recreated: HashMap::new(),
        };
        assign_ids(&tx, &list, &mut resolver)?;
        // The deleted records first, parents before children, so that the journal names the
        // records each refers to by identity (a child put back before its parent would name
        // it by a number); then the other changes, newest first.
        let mut order: Vec<&RawChange> = list.iter().rev().collect();
        order.sort_by_key(|e| match e.op {
            DELETE => (0, crate::db::records::rank(&e.table)),
            _ => (1, 0),
        });
        for e in order {
            reverse(&tx, e, &tables, &mut resolver)?;
        }
        let current = journal::SET_ID;
        let beyond = reached_beyond(&tx, set)?;
        let dangling: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if !beyond.is_empty() || dangling > 0 {
            drop(tx); // rolled back: nothing changed
            if beyond.is_empty() {
                return Err(CoreError::validation(
            "change_set",
            "undo.dangling",
                    "Cette modification ne peut pas être annulée : un enregistrement dont elle dépend a été supprimé depuis.",
                ));
            }
            return Ok(UndoOutcome::Blocked {
                blockers: self.summaries(&beyond)?,
            });
        }
        let made: Option<i64> = tx
            .query_row(&format!("SELECT {current}"), [], |r| r.get(0))
            .optional()?
            .flatten();
        if let Some(id) = made {
            tx.execute(
                "UPDATE change_set SET undoes = ?1 WHERE id = ?2",
                params![set, id],
            )?;
        }
        tx.commit()?;
        Ok(UndoOutcome::Done { change_set: made })
    }

    /// The summaries of change sets, in the order given.
    fn summaries(&self, ids: &[i64]) -> CoreResult<Vec<ChangeSetSummary>> {
        ids.iter().map(|id| self.change_set_summary(*id)).collect()
    }
}

/// Refuses, with the reason in French, a change set that cannot be undone: unknown, an RGPD
/// erasure, one holding a value an erasure removed, or one undone already.
fn refuse_what_cannot_be_undone(conn: &Connection, set: i64) -> CoreResult<()> {
    let label: Option<String> = conn
        .query_row("SELECT label FROM change_set WHERE id = ?1", [set], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(label) = label else {
        return Err(CoreError::NotFound {
            what: "Modification",
            id: set,
        });
    };
    if label.contains("\"rgpd.erase\"") {
        return Err(CoreError::validation(
            "change_set",
            "undo.rgpd",
                "Un effacement RGPD ne peut pas être annulé : les données effacées ne sont plus nulle part.",
            ));
    }
    if crate::history::erased::touches_erased(conn, set)? {
        return Err(CoreError::validation(
                "change_set",
                "undo.rgpd_erased",
                "Cette modification concerne une personne effacée (RGPD) : elle ne peut pas être annulée, pour que rien ne la fasse revenir.",
            ));
    }
    let undone: Option<i64> = conn
        .query_row(
            "SELECT id FROM change_set WHERE undoes = ?1 ORDER BY id DESC LIMIT 1",
            [set],
            |r| r.get(0),
        )
        .optional()?;
    if undone.is_some() {
        return Err(CoreError::validation(
            "change_set",
            "undo.already",
            "Cette modification a déjà été annulée (annulez l'annulation pour la rétablir).",
        ));
    }
    Ok(())
}

/// The later change sets an undo in progress (in `tx`) reached beyond the records of `set`
/// (cascades onto later records): the undo is then refused.
fn reached_beyond(tx: &Connection, set: i64) -> CoreResult<Vec<i64>> {
    let current = journal::SET_ID;
    Ok(tx
        .prepare(&format!(
            "WITH reached AS (
               SELECT record FROM change WHERE set_id = {current}
                 AND record NOT IN (SELECT record FROM {entries} WHERE set_id = ?1))
             SELECT l.set_id FROM reached AS u JOIN change AS l ON l.record = u.record
               WHERE l.op <> {rows} AND l.set_id > ?1 AND l.set_id <> {current}
             UNION
             SELECT l.set_id FROM reached AS u JOIN change AS l
               WHERE l.op = {rows} AND l.record <= u.record AND l.field >= u.record
                 AND l.set_id > ?1 AND l.set_id <> {current}
                 AND EXISTS (SELECT 1 FROM json_each(catalyse_rows(l.after)) AS r
                             WHERE json_extract(r.value, '$.uid') = u.record)
             ORDER BY 1",
            entries = journal::ENTRIES,
            rows = journal::ROWS
        ))?
        .query_map([set], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

#[cfg(test)]
#[path = "undo_tests.rs"]
mod tests;
