//! Undoing a change set: its changes reversed, newest first, in one transaction that is
//! itself a change set (so it can be undone in turn), unless something later stands in the
//! way; then nothing changes and the changes that stand in the way are listed.

use crate::db::store::Store;
use crate::exchange::workspace_json::quote;
use crate::history::journal::{self, ChangeLabel, DELETE, INSERT, UPDATE};
use crate::history::model::{ChangeSetSummary, UndoOutcome};
use crate::history::store::{raw_changes, RawChange};
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

fn later_conflicts(conn: &Connection, set: i64) -> CoreResult<Vec<i64>> {
    let mut st = conn.prepare(
        "SELECT DISTINCT l.set_id FROM change AS c JOIN change AS l ON l.record = c.record
         WHERE c.set_id = ?1 AND l.set_id > ?1
           AND (c.op <> 2 OR l.op <> 2 OR c.field = l.field)
         ORDER BY l.set_id",
    )?;
    let ids = st
        .query_map([set], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

/// A JSON value of a journaled record, as the SQL value of a column of type `kind`.
fn sql_value(v: &Value, kind: &str) -> CoreResult<SqlValue> {
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

/// Puts back the record an entry deleted.
fn reinsert(conn: &Connection, e: &RawChange) -> CoreResult<()> {
    let SqlValue::Text(json) = &e.before else {
        return Err(CoreError::validation(
            "change_set",
            "undo.erased",
            "Cette suppression ne peut pas être annulée : l'historique n'en garde pas le contenu.",
        ));
    };
    let record: serde_json::Map<String, Value> =
        serde_json::from_str(json).map_err(|err| CoreError::Unreadable {
            what: "Une entrée de l'historique",
            detail: err.to_string(),
        })?;
    let cols = journal::columns(conn, &e.table)?;
    let mut names = Vec::new();
    let mut values = Vec::new();
    for (name, kind) in &cols {
        if let Some(v) = record.get(name) {
            names.push(quote(name));
            values.push(sql_value(v, kind)?);
        }
    }
    if !record.contains_key("uid") {
        return Err(CoreError::validation(
            "change_set",
            "undo.erased",
            "Cette suppression ne peut pas être annulée : l'historique n'en garde pas le contenu.",
        ));
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

/// Reverses one entry.
fn reverse(conn: &Connection, e: &RawChange, tables: &[String]) -> CoreResult<()> {
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
        DELETE => reinsert(conn, e)?,
        UPDATE => {
            let field = e.field.as_deref().unwrap_or_default();
            if !journal::columns(conn, &e.table)?
                .iter()
                .any(|(n, _)| n == field)
            {
                return Err(CoreError::Unreadable {
                    what: "Une entrée de l'historique",
                    detail: format!("colonne inconnue « {}.{field} »", e.table),
                });
            }
            conn.execute(
                &format!(
                    "UPDATE {} SET {} = ?1 WHERE uid = ?2",
                    quote(&e.table),
                    quote(field)
                ),
                params![e.before, e.record],
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
        let label: Option<String> = self
            .conn
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
        let undone: Option<i64> = self
            .conn
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
        for e in list.iter().rev() {
            reverse(&tx, e, &tables)?;
        }
        let current = journal::SET_ID;
        // What the undo reached beyond the records of the set (cascades onto later records).
        let beyond: Vec<i64> = tx
            .prepare(&format!(
                "SELECT DISTINCT l.set_id FROM change AS u JOIN change AS l ON l.record = u.record
                 WHERE u.set_id = {current} AND l.set_id > ?1 AND l.set_id <> u.set_id
                   AND u.record NOT IN (SELECT record FROM change WHERE set_id = ?1)
                 ORDER BY l.set_id"
            ))?
            .query_map([set], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::model::HistoryQuery;
    use crate::plan::FundingInput;

    fn demo() -> (tempfile::TempDir, Store) {
        let dir = tempfile::TempDir::new().unwrap();
        let s = crate::demo::write_demo(&dir.path().join("demo.catalyse")).unwrap();
        (dir, s)
    }

    fn first_funding(s: &Store) -> crate::plan::Funding {
        let action: i64 = s
            .conn
            .query_row(
                "SELECT action_id FROM funding ORDER BY id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        s.list_fundings(action).unwrap().remove(0)
    }

    fn set_amount(s: &mut Store, f: &crate::plan::Funding, amount: &str) -> i64 {
        s.update_funding(
            f.id,
            &FundingInput {
                funder_id: f.funder_id,
                scheme: f.scheme.clone(),
                amount: amount.into(),
                status: f.status.code().into(),
                requested_on: f.requested_on.clone(),
                decision_on: f.decision_on.clone(),
                notes: f.notes.clone(),
            },
        )
        .unwrap();
        newest(s)
    }

    fn newest(s: &Store) -> i64 {
        s.history(&HistoryQuery::default()).unwrap().sets[0]
            .summary
            .id
    }

    fn amount(s: &Store, id: i64) -> i64 {
        s.conn
            .query_row(
                "SELECT amount_cents FROM funding WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
    }

    /// A change set is told a few changes at a time (the Journal shows the first ones, then
    /// all on demand), the rest counted.
    #[test]
    fn a_change_set_is_told_its_first_changes_then_all() {
        let (_d, s) = demo();
        let page = s
            .history(&HistoryQuery {
                limit: Some(200),
                ..HistoryQuery::default()
            })
            .unwrap();
        let big = &page
            .sets
            .iter()
            .max_by_key(|x| x.summary.changes)
            .unwrap()
            .summary;
        let told = page.sets.iter().find(|x| x.summary.id == big.id).unwrap();
        assert_eq!(told.changes.len() as i64, crate::history::store::FIRST_TOLD);
        assert!(big.changes > 3, "the demo's creation is one change set");
        let first = s.change_set_detail(big.id, 3).unwrap();
        assert_eq!(first.changes.len(), 3);
        assert_eq!(first.more, big.changes - 3);
        let all = s.change_set_detail(big.id, i64::MAX).unwrap();
        let shown = big.changes.min(crate::history::store::DETAIL_MAX);
        assert_eq!(all.changes.len() as i64, shown);
        assert_eq!(all.more, big.changes - shown);
        let key = |c: &crate::history::model::ChangeView| (c.record.clone(), c.field.clone());
        assert_eq!(
            all.changes[..3].iter().map(key).collect::<Vec<_>>(),
            first.changes.iter().map(key).collect::<Vec<_>>()
        );
        assert_eq!(s.change_set_detail(big.id, 0).unwrap().changes.len(), 1);
    }

    /// An edited amount is told (who, what, before and after, as money), found in the
    /// record's history, undone (the amount is back, and the undo is in the journal), and the
    /// undo can be undone in turn.
    #[test]
    fn an_edited_amount_is_told_then_undone_and_the_undo_undone() {
        let (_d, mut s) = demo();
        s.journal().set_author("Claire Vasseur");
        let f = first_funding(&s);
        let set = set_amount(&mut s, &f, "15 000,00");
        let summary = s.change_set_summary(set).unwrap();
        assert_eq!(summary.author, "Claire Vasseur");
        assert_eq!(summary.label.code, "history.updated");
        assert_eq!(summary.label.args["kind"], "funding");
        assert_eq!(summary.label.args["name"], f.scheme);
        let detail = s.change_set_detail(set, 3).unwrap();
        assert!(detail.changes.len() <= 3, "the first changes only");
        assert_eq!(detail.more, summary.changes - detail.changes.len() as i64);
        let change = detail
            .changes
            .iter()
            .find(|c| c.field.as_deref() == Some("amount_cents"))
            .unwrap();
        assert_eq!(change.kind, "money");
        assert_eq!(change.before, serde_json::json!(f.amount_cents));
        assert_eq!(change.after, serde_json::json!(1_500_000));
        let record = s
            .record_history("funding", f.id, &HistoryQuery::default())
            .unwrap();
        assert_eq!(record.sets[0].summary.id, set);
        assert!(record.sets[0].changes.iter().all(|c| c.table == "funding"));

        let UndoOutcome::Done {
            change_set: Some(undo),
        } = s.undo_change_set(set).unwrap()
        else {
            panic!("undone");
        };
        assert_eq!(amount(&s, f.id), f.amount_cents);
        let u = s.change_set_summary(undo).unwrap();
        assert_eq!((u.label.code.as_str(), u.undoes), ("undo", Some(set)));
        assert_eq!(s.change_set_summary(set).unwrap().undone_by, Some(undo));
        assert_eq!(
            s.undo_change_set(set).unwrap_err().code(),
            Some("undo.already")
        );
        let UndoOutcome::Done { .. } = s.undo_change_set(undo).unwrap() else {
            panic!("the undo undone");
        };
        assert_eq!(amount(&s, f.id), 1_500_000);
    }

    /// A later change of the same field stands in the way: it is named, and nothing changes.
    #[test]
    fn an_undo_is_refused_when_a_later_change_stands_in_the_way() {
        let (_d, mut s) = demo();
        let f = first_funding(&s);
        let first = set_amount(&mut s, &f, "15 000,00");
        let second = set_amount(&mut s, &f, "16 000,00");
        let before = s.journal_size().unwrap();
        let UndoOutcome::Blocked { blockers } = s.undo_change_set(first).unwrap() else {
            panic!("blocked");
        };
        assert_eq!(blockers.iter().map(|b| b.id).collect::<Vec<_>>(), [second]);
        assert_eq!(amount(&s, f.id), 1_600_000);
        assert_eq!(
            s.journal_size().unwrap().0,
            before.0,
            "no change set written"
        );
        // Another field of the same record does not stand in the way.
        let first_notes = {
            let g = first_funding(&s);
            s.update_funding(
                g.id,
                &FundingInput {
                    funder_id: g.funder_id,
                    scheme: g.scheme.clone(),
                    amount: "16 000,00".into(),
                    status: g.status.code().into(),
                    requested_on: g.requested_on.clone(),
                    decision_on: g.decision_on.clone(),
                    notes: "Relancer en mars".into(),
                },
            )
            .unwrap();
            newest(&s)
        };
        assert!(matches!(
            s.undo_change_set(second).unwrap(),
            UndoOutcome::Done { .. }
        ));
        assert_eq!(amount(&s, f.id), 1_500_000);
        let notes: String = s
            .conn
            .query_row("SELECT notes FROM funding WHERE id = ?1", [f.id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(notes, "Relancer en mars");
        assert!(first_notes > second);
    }

    /// Deleting an axis took its links to needs and left its actions without axis: the undo
    /// puts the axis back (same identity) and everything as it was.
    #[test]
    fn a_deletion_is_undone_with_what_depended_on_it() {
        let (_d, mut s) = demo();
        let (axis, uid): (i64, String) = s
            .conn
            .query_row(
                "SELECT id, uid FROM axis WHERE id IN (SELECT axis_id FROM action)
                   AND id IN (SELECT axis_id FROM axis_need) ORDER BY id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let count =
            |s: &Store, sql: &str| -> i64 { s.conn.query_row(sql, [axis], |r| r.get(0)).unwrap() };
        let actions = count(&s, "SELECT count(*) FROM action WHERE axis_id = ?1");
        let needs = count(&s, "SELECT count(*) FROM axis_need WHERE axis_id = ?1");
        assert!(actions > 0 && needs > 0);
        s.delete_axis(axis).unwrap();
        let set = newest(&s);
        let summary = s.change_set_summary(set).unwrap();
        assert_eq!(summary.label.code, "history.deleted_with");
        assert_eq!(summary.label.args["kind"], "axis");
        assert!(!summary.label.args["name"].is_empty());
        assert!(matches!(
            s.undo_change_set(set).unwrap(),
            UndoOutcome::Done { .. }
        ));
        let back: String = s
            .conn
            .query_row("SELECT uid FROM axis WHERE id = ?1", [axis], |r| r.get(0))
            .unwrap();
        assert_eq!(back, uid);
        assert_eq!(
            count(&s, "SELECT count(*) FROM action WHERE axis_id = ?1"),
            actions
        );
        assert_eq!(
            count(&s, "SELECT count(*) FROM axis_need WHERE axis_id = ?1"),
            needs
        );
        let check: String = s
            .conn
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .unwrap_or_else(|_| "ok".into());
        assert_eq!(check, "ok");
    }

    /// Undoing the creation of an actor that a later link now uses would delete the link:
    /// refused, naming the link's change set.
    #[test]
    fn undoing_a_creation_others_depend_on_is_refused() {
        let (_d, mut s) = demo();
        let a = s
            .create_actor(&crate::shared::domain::ActorInput {
                name: "Ferme du Plateau".into(),
                world: "business".into(),
                commune: "Larrieu".into(),
                engagement: "informed".into(),
                notes: String::new(),
            })
            .unwrap();
        let created = newest(&s);
        let other = s.list_actors().unwrap()[0].id;
        s.create_link(&crate::network::LinkInput {
            actor_a: a.id,
            actor_b: other,
            nature: "partnership".into(),
            strength: 2,
            since: None,
            notes: String::new(),
            introduced_by: None,
            meeting_id: None,
        })
        .unwrap();
        let linked = newest(&s);
        let UndoOutcome::Blocked { blockers } = s.undo_change_set(created).unwrap() else {
            panic!("blocked");
        };
        assert_eq!(blockers.iter().map(|b| b.id).collect::<Vec<_>>(), [linked]);
        assert!(s.actor(a.id).is_ok());
    }

    /// Imports are journaled in one statement per table (`bulk`): undone, the links go, then
    /// the actors with their tags and contacts, and the workspace is as it was.
    #[test]
    fn an_import_of_actors_then_of_links_is_undone() {
        use crate::exchange::{tabular::FileFormat, ExchangeKind};
        let (_d, mut s) = demo();
        let count = |s: &Store, table: &str| -> i64 {
            s.conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .unwrap()
        };
        let tables = ["actor", "actor_tag", "contact", "link"];
        let before: Vec<i64> = tables.iter().map(|t| count(&s, t)).collect();
        let mut actors = String::from("Nom;Monde;Étiquettes;Contact;Fonction du contact\n");
        for i in 0..30 {
            actors.push_str(&format!(
                "Import {i};Association / ESS;alpha, zèbre;Hélène {i};Présidente\n"
            ));
        }
        s.import(
            ExchangeKind::Actors,
            actors.as_bytes(),
            FileFormat::Csv,
            false,
        )
        .unwrap();
        let imported = newest(&s);
        let mut links = String::from("Acteur A;Acteur B;Nature\n");
        for i in 0..29 {
            links.push_str(&format!("Import {i};Import {};Partenariat\n", i + 1));
        }
        s.import(
            ExchangeKind::Links,
            links.as_bytes(),
            FileFormat::Csv,
            false,
        )
        .unwrap();
        let linked = newest(&s);
        assert_eq!(count(&s, "link"), before[3] + 29);
        // The actors cannot go while the links name them.
        assert!(matches!(
            s.undo_change_set(imported).unwrap(),
            UndoOutcome::Blocked { .. }
        ));
        assert!(matches!(
            s.undo_change_set(linked).unwrap(),
            UndoOutcome::Done { .. }
        ));
        assert_eq!(count(&s, "link"), before[3]);
        assert!(matches!(
            s.undo_change_set(imported).unwrap(),
            UndoOutcome::Done { .. }
        ));
        let after: Vec<i64> = tables.iter().map(|t| count(&s, t)).collect();
        assert_eq!(after, before);
    }

    /// An RGPD erasure cannot be undone.
    #[test]
    fn an_erasure_cannot_be_undone() {
        let (_d, mut s) = demo();
        let member: i64 = s
            .conn
            .query_row("SELECT id FROM member ORDER BY id LIMIT 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        s.person_erase(crate::safety::rgpd::Person::Member(member))
            .unwrap();
        let set = newest(&s);
        assert_eq!(
            s.undo_change_set(set).unwrap_err().code(),
            Some("undo.rgpd")
        );
    }
}
