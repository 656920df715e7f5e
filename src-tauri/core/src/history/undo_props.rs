//! Property test of undo: random sequences of creations, edits, deletions and undos over
//! actors, links, funding lines, meetings, notes and assessments of the demo. After each
//! undo, every record the undone change set touched is back as it was just before that set
//! (its references naming the same records, by identity), or the undo was refused and
//! nothing changed; `foreign_key_check` stays clean after every step.
//!
//! `CATALYSE_UNDO_CASES` sequences (24 by default, more on demand).

use crate::actors::ActorInput;
use crate::db::journal;
use crate::db::store::Store;
use crate::history::model::UndoOutcome;
use crate::network::{Introducer, LinkInput, MeetingInput};
use crate::notes::{NoteInput, NoteRecordInput};
use crate::plan::FundingInput;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rusqlite::types::Value as SqlValue;
use std::collections::BTreeMap;
use std::path::Path;

/// One step; the numbers pick among the records there are when it runs.
#[derive(Debug, Clone)]
enum Op {
    CreateActor(u8),
    RenameActor(u8, u8),
    DeleteActor(u8),
    /// Delete the newest actor: the next one created takes its id.
    DeleteNewestActor,
    CreateLink(u8, u8, u8),
    DeleteLink(u8),
    SetFunder(u8, u8),
    DeleteFunding(u8),
    CreateMeeting(u8, u8),
    DeleteMeeting(u8),
    CreateNote(u8),
    DeleteNote(u8),
    DeleteAssessment(u8),
    DeleteAction(u8),
    /// Undo the change set made `n` steps ago (or the latest if fewer).
    Undo(u8),
}

fn op() -> impl Strategy<Value = Op> {
    let n = any::<u8>;
    prop_oneof![
        3 => n().prop_map(Op::CreateActor),
        3 => Just(Op::DeleteNewestActor),
        1 => (n(), n()).prop_map(|(a, b)| Op::RenameActor(a, b)),
        3 => n().prop_map(Op::DeleteActor),
        2 => (n(), n(), n()).prop_map(|(a, b, c)| Op::CreateLink(a, b, c)),
        1 => n().prop_map(Op::DeleteLink),
        2 => (n(), n()).prop_map(|(a, b)| Op::SetFunder(a, b)),
        1 => n().prop_map(Op::DeleteFunding),
        1 => (n(), n()).prop_map(|(a, b)| Op::CreateMeeting(a, b)),
        1 => n().prop_map(Op::DeleteMeeting),
        1 => n().prop_map(Op::CreateNote),
        1 => n().prop_map(Op::DeleteNote),
        1 => n().prop_map(Op::DeleteAssessment),
        1 => n().prop_map(Op::DeleteAction),
        6 => n().prop_map(Op::Undo),
    ]
}

/// A record as compared: its columns (not its id, which is the file's, nor the time of its
/// last edit), references as the identities they point at.
type Logical = BTreeMap<(String, String), BTreeMap<String, String>>;

fn ids(s: &Store, table: &str) -> Vec<i64> {
    s.conn
        .prepare(&format!("SELECT id FROM {table} ORDER BY id"))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn pick(s: &Store, table: &str, n: u8) -> Option<i64> {
    let all = ids(s, table);
    (!all.is_empty()).then(|| all[n as usize % all.len()])
}

/// Every record of every table of records, references resolved to identities.
fn logical(s: &Store) -> Logical {
    let mut out = Logical::new();
    for table in journal::record_tables(&s.conn).unwrap() {
        let cols = journal::columns(&s.conn, &table).unwrap();
        let refs = journal::references(&s.conn, &table).unwrap();
        let names: Vec<String> = cols.iter().map(|(c, _)| format!("\"{c}\"")).collect();
        let mut st = s
            .conn
            .prepare(&format!("SELECT {} FROM \"{table}\"", names.join(", ")))
            .unwrap();
        let rows = st
            .query_map([], |r| {
                (0..cols.len())
                    .map(|i| r.get::<_, SqlValue>(i))
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        for row in rows {
            let row = row.unwrap();
            let get = |name: &str| -> &SqlValue {
                &row[cols.iter().position(|(c, _)| c == name).unwrap()]
            };
            let SqlValue::Text(uid) = get("uid").clone() else {
                panic!("{table}: no uid")
            };
            let mut fields = BTreeMap::new();
            for (i, (c, _)) in cols.iter().enumerate() {
                if c == "id" || c == "updated_at" || c == "uid" {
                    continue;
                }
                let v = &row[i];
                let text = match (refs.iter().find(|r| r.column == *c), v) {
                    (Some(r), SqlValue::Integer(id)) => {
                        let target = match &r.target {
                            journal::Target::Table(t) => t.clone(),
                            journal::Target::ByKind { kind, tables } => {
                                let SqlValue::Text(k) = get(kind) else {
                                    panic!()
                                };
                                tables.iter().find(|(code, _)| code == k).unwrap().1.into()
                            }
                        };
                        let uid: String = s
                            .conn
                            .query_row(
                                &format!("SELECT uid FROM \"{target}\" WHERE id = ?1"),
                                [id],
                                |r| r.get(0),
                            )
                            .unwrap_or_else(|_| format!("dangling {target} {id}"));
                        format!("ref {uid}")
                    }
                    (_, v) => format!("{v:?}"),
                };
                fields.insert(c.clone(), text);
            }
            out.insert((table.clone(), uid), fields);
        }
    }
    out
}

fn newest_set(s: &Store) -> Option<i64> {
    s.conn
        .query_row("SELECT max(id) FROM change_set", [], |r| r.get(0))
        .unwrap()
}

fn fk_clean(s: &Store) {
    let n: i64 = s
        .conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(n, 0, "a reference dangles");
}

/// Runs one step (a refusal by the store is an answer too).
fn apply(s: &mut Store, op: &Op, counter: &mut u32) -> Result<(), String> {
    *counter += 1;
    let c = *counter;
    let actor = |s: &Store, n| pick(s, "actor", n);
    let r = match op {
        Op::CreateActor(n) => s
            .create_actor(&ActorInput {
                name: format!("Acteur {c} ({n})"),
                world: ["business", "association", "state"][*n as usize % 3].into(),
                commune: "Larrieu".into(),
                insee: None,
                engagement: "informed".into(),
                notes: String::new(),
            })
            .map(|_| ()),
        Op::RenameActor(n, m) => match actor(s, *n) {
            Some(id) => {
                let a = s.actor(id).map_err(|e| e.to_string())?;
                s.update_actor(
                    id,
                    &ActorInput {
                        name: format!("Renommé {c} {m}"),
                        world: a.world.code().into(),
                        commune: a.commune.clone(),
                        insee: None,
                        engagement: a.engagement.code().into(),
                        notes: a.notes.clone(),
                    },
                )
                .map(|_| ())
            }
            None => return Ok(()),
        },
        Op::DeleteNewestActor => match ids(s, "actor").last() {
            Some(id) => s.delete_actor(*id).map(|_| ()),
            None => return Ok(()),
        },
        Op::DeleteActor(n) => match actor(s, *n) {
            Some(id) => s.delete_actor(id).map(|_| ()),
            None => return Ok(()),
        },
        Op::CreateLink(na, nb, ni) => match (actor(s, *na), actor(s, *nb), actor(s, *ni)) {
            (Some(a), Some(b), Some(i)) if a != b => s
                .create_link(&LinkInput {
                    actor_a: a,
                    actor_b: b,
                    nature: ["partnership", "dialogue", "service"][c as usize % 3].into(),
                    strength: 1 + (c as i64 % 3),
                    since: None,
                    notes: String::new(),
                    introduced_by: (i != a && i != b).then_some(Introducer::Actor(i)),
                    meeting_id: pick(s, "meeting", *na),
                })
                .map(|_| ()),
            _ => return Ok(()),
        },
        Op::DeleteLink(n) => match pick(s, "link", *n) {
            Some(id) => s.delete_link(id),
            None => return Ok(()),
        },
        Op::SetFunder(f, a) => match (pick(s, "funding", *f), actor(s, *a)) {
            (Some(f), Some(a)) => {
                let (action, scheme, cents): (i64, String, i64) = s
                    .conn
                    .query_row(
                        "SELECT action_id, scheme, amount_cents FROM funding WHERE id = ?1",
                        [f],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .unwrap();
                let _ = action;
                s.update_funding(
                    f,
                    &FundingInput {
                        funder_id: Some(a),
                        scheme,
                        amount: format!("{},{:02}", (cents + 100) / 100, (cents + 100) % 100),
                        status: "requested".into(),
                        requested_on: None,
                        decision_on: None,
                        notes: String::new(),
                    },
                )
                .map(|_| ())
            }
            _ => return Ok(()),
        },
        Op::DeleteFunding(n) => match pick(s, "funding", *n) {
            Some(id) => s.delete_funding(id),
            None => return Ok(()),
        },
        Op::CreateMeeting(a, m) => {
            let actors: Vec<i64> = [actor(s, *a), actor(s, a.wrapping_add(7))]
                .into_iter()
                .flatten()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            s.create_meeting(&MeetingInput {
                date: "2026-05-04".into(),
                kind: "meeting".into(),
                title: format!("Rencontre {c}"),
                insee: None,
                practice: None,
                activity: None,
                notes: String::new(),
                hours: String::new(),
                actor_ids: actors,
                member_ids: pick(s, "member", *m).into_iter().collect(),
                follow_ups: Vec::new(),
            })
            .map(|_| ())
        }
        Op::DeleteMeeting(n) => match pick(s, "meeting", *n) {
            Some(id) => s.delete_meeting(id),
            None => return Ok(()),
        },
        Op::CreateNote(n) => {
            let mut records = Vec::new();
            if let Some(a) = actor(s, *n) {
                records.push(NoteRecordInput {
                    kind: "actor".into(),
                    record_id: a,
                });
            }
            if let Some(a) = pick(s, "action", *n) {
                records.push(NoteRecordInput {
                    kind: "action".into(),
                    record_id: a,
                });
            }
            s.create_note(&NoteInput {
                subject: format!("Note {c}"),
                body_name: String::new(),
                addressee: "bureau".into(),
                meeting_date: None,
                author: String::new(),
                records,
                sections: Vec::new(),
                options: Vec::new(),
            })
            .map(|_| ())
        }
        Op::DeleteNote(n) => match pick(s, "decision_note", *n) {
            Some(id) => s.delete_note(id),
            None => return Ok(()),
        },
        Op::DeleteAssessment(n) => match pick(s, "self_assessment", *n) {
            Some(id) => s.delete_assessment(id),
            None => return Ok(()),
        },
        Op::DeleteAction(n) => match pick(s, "action", *n) {
            Some(id) => s.delete_action(id),
            None => return Ok(()),
        },
        Op::Undo(_) => unreachable!(),
    };
    // A refusal by validation (a duplicate link, a frozen note…) is part of the game.
    r.map_err(|e| e.to_string())
}

/// What the sequences did: undos done, undos refused, records checked after an undo, and
/// ids given again to a new record while an older one that held them was referred to by the
/// journal.
#[derive(Default, Debug)]
struct Tally {
    done: usize,
    refused: usize,
    checked: usize,
    reused: usize,
}

thread_local! {
    static TALLY: std::cell::RefCell<Tally> = std::cell::RefCell::new(Tally::default());
}

/// Runs `ops` on a copy of the demo and checks every undo.
fn run(template: &Path, ops: &[Op]) -> Result<(), TestCaseError> {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("w.catalyse");
    std::fs::copy(template, &path).unwrap();
    let mut s = Store::open_with(&path, &dir.path().join("b")).unwrap();
    // The state just before each change set, by its id.
    let mut before_set: BTreeMap<i64, Logical> = BTreeMap::new();
    let mut made: Vec<i64> = Vec::new();
    let mut counter = 0;
    for op in ops {
        let before = logical(&s);
        let last = newest_set(&s);
        if let Op::Undo(n) = op {
            let Some(&set) = made.iter().rev().nth(*n as usize % made.len().max(1)) else {
                continue;
            };
            match s.undo_change_set(set) {
                Ok(UndoOutcome::Done { change_set }) => {
                    let now = logical(&s);
                    let was = &before_set[&set];
                    let entries: Vec<(String, String, i64, Option<String>)> = s
                        .conn
                        .prepare("SELECT tbl, record, op, field FROM change WHERE set_id = ?1")
                        .unwrap()
                        .query_map([set], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                        .unwrap()
                        .collect::<Result<_, _>>()
                        .unwrap();
                    TALLY.with(|t| t.borrow_mut().done += 1);
                    for (table, uid, opc, field) in entries {
                        TALLY.with(|t| t.borrow_mut().checked += 1);
                        let key = (table.clone(), uid.clone());
                        match opc {
                            journal::INSERT => prop_assert!(
                                !now.contains_key(&key),
                                "{table} {uid} created by set {set} is still there after its undo"
                            ),
                            journal::DELETE => prop_assert_eq!(
                                now.get(&key),
                                was.get(&key),
                                "{} {} deleted by set {} is not back as it was",
                                table,
                                uid,
                                set
                            ),
                            _ => {
                                let f = field.unwrap();
                                prop_assert_eq!(
                                    now.get(&key).and_then(|r| r.get(&f)),
                                    was.get(&key).and_then(|r| r.get(&f)),
                                    "{}.{} of {} changed by set {} is not back",
                                    table,
                                    f,
                                    uid,
                                    set
                                );
                            }
                        }
                    }
                    if let Some(u) = change_set {
                        before_set.insert(u, before);
                        made.push(u);
                    }
                }
                Ok(UndoOutcome::Blocked { .. }) | Err(_) => {
                    TALLY.with(|t| t.borrow_mut().refused += 1);
                    prop_assert!(logical(&s) == before, "a refused undo changed something");
                    prop_assert_eq!(newest_set(&s), last, "a refused undo wrote a change set");
                }
            }
        } else if apply(&mut s, op, &mut counter).is_ok() {
            if matches!(op, Op::CreateActor(_)) {
                // An id the journal saw deleted given again.
                let reused: bool = s
                    .conn
                    .query_row(
                        "SELECT count(*) > 0 FROM change WHERE tbl = 'actor' AND op = 3
                           AND json_extract(before, '$.id') = (SELECT max(id) FROM actor)",
                        [],
                        |r| r.get(0),
                    )
                    .unwrap();
                if reused {
                    TALLY.with(|t| t.borrow_mut().reused += 1);
                }
            }
            if let Some(set) = newest_set(&s).filter(|n| Some(*n) != last) {
                before_set.insert(set, before);
                made.push(set);
            }
        } else {
            prop_assert!(logical(&s) == before, "a refused change wrote something");
        }
        fk_clean(&s);
    }
    Ok(())
}

#[test]
fn undo_brings_back_what_each_set_changed_with_the_same_references_or_refuses() {
    let cases: u32 = std::env::var("CATALYSE_UNDO_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let dir = tempfile::TempDir::new().unwrap();
    let template = dir.path().join("demo.catalyse");
    drop(crate::demo::write_demo(&template).unwrap());
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&proptest::collection::vec(op(), 5..40), |ops| {
            run(&template, &ops)
        })
        .unwrap();
    TALLY.with(|t| {
        let t = t.borrow();
        println!(
            "undo property: {cases} sequences, {} undos done ({} records checked), {} refused, {} actor ids given again",
            t.done, t.checked, t.refused, t.reused
        );
        assert!(t.done > 0 && t.refused > 0, "{t:?}");
    });
}
