//! Property-based tests of applying change files (issue 26: « change files from the folder
//! are untrusted input »). `robustness` damages the bytes of a file; here every file is
//! well-formed and correctly hashed (made by [`encode`], so it passes the frame check) and
//! its **content** is hostile: unknown or local tables and columns, values of the wrong type,
//! huge or nested, references to records that are not there, duplicates, deletions of
//! unknown records, malformed batches, operations out of range, control characters, very
//! long texts, clocks of 0 or `i64::MAX`, records whose identity is not one. Each is written
//! into the shared folder under the name of the next file of a device, then received through
//! the real path (`sync`). For every case: no panic; the file is applied, or nothing of it is
//! (the content and the inbox as before) and it is refused with a French reason, or the
//! exchange fails with a French message; the file is clean (`integrity_check`,
//! `foreign_key_check`), the records there before keep their ids, the user stays the user;
//! a local edit still works, and a valid file of another device, beside the hostile one,
//! still applies.
//!
//! Cases: `CATALYSE_FUZZ_CASES` (100 by default; `scripts/test.sh` runs 500; 10,000 on
//! demand). The test's name holds `robustness` so that the test command's property run
//! (`cargo test robustness -- --ignored`) picks it up.

use super::format::{encode, Body, Change, ChangeSet, Header, Reading, FORMAT_VERSION};
use super::sync_tests::{actor, team, Laptop, DEVICES};
use crate::db::store::Store;
use crate::shared::ids::new_uid;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// This laptop's clock now (the journal's hybrid clock, its counter at 0).
fn now_clock() -> i64 {
    chrono::Utc::now().timestamp_millis() << crate::db::journal::CLOCK_COUNTER_BITS
}

fn cases() -> u32 {
    std::env::var("CATALYSE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
}

/// A record's identity in a hostile change: one of the receiving laptop's (picked when the
/// case runs), a new one, or not an identity at all.
#[derive(Debug, Clone)]
enum Uid {
    Existing(usize),
    New,
    Text(&'static str),
}

const NOT_UIDS: &[&str] = &[
    "",
    "not-a-uid",
    "0190F6A4-0000-7000-8000-00000000000A",
    "0190f6a4-0000-7000-8000-00000000000a\u{0}",
    "'; DROP TABLE actor; --",
    "1",
];

/// Kinds of records (most cases: they reach the merge) ...
const KINDS: &[&str] = &[
    "actor",
    "actor",
    "actor",
    "link",
    "contact",
    "member",
    "actor_tag",
    "meeting_actor",
    "territory",
];

/// ... and tables that are not one (refused when read).
const TABLES: &[&str] = &[
    "sqlite_master",
    "share_conflict",
    "share_version",
    "change_set",
    "actor_fts",
    "autre_schema.actor",
    "Actor",
];

const FIELDS: &[&str] = &[
    "name",
    "notes",
    "world",
    "engagement",
    "commune",
    "actor_a",
    "actor_b",
    "actor_id",
    "strength",
    "nature",
    "since",
    "tag",
    "is_user",
    "id",
    "uid",
    "updated_at",
    "created_at",
    "rowid",
    "position",
    "inconnu",
];

/// Columns refused when read.
const NOT_FIELDS: &[&str] = &["name\"; DROP TABLE actor; --", "", "Name"];

/// A hostile value (or a plain one, so that mostly valid rows reach the database).
#[derive(Debug, Clone)]
enum Val {
    Json(Value),
    LongText(usize),
    Existing(usize),
    New,
}

fn value() -> impl Strategy<Value = Val> {
    let plain = prop::sample::select(vec![
        json!("Mairie de Trélon"),
        json!(""),
        json!("a\u{0}b"),
        json!("cloche\u{7}\u{1b}[31m"),
        json!("\u{202e}txt.exe"),
        json!("association"),
        json!("partner"),
        json!("partnership"),
        json!("2024-02-30"),
        json!("2024-03-01"),
        json!("[effacé]"),
        json!(0),
        json!(1),
        json!(2),
        json!(-1),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1.5e300),
        json!(true),
        json!(null),
        json!([]),
        json!([1, "deux", null]),
        json!({}),
        json!({"base64": "AAEC"}),
        json!({"base64": "pas du base64"}),
        json!({"a": {"b": [{"c": {}}]}}),
    ]);
    prop_oneof![
        4 => plain.prop_map(Val::Json),
        1 => prop::sample::select(vec![201usize, 4_097, 100_000, 1_000_000]).prop_map(Val::LongText),
        2 => any::<usize>().prop_map(Val::Existing),
        1 => Just(Val::New),
    ]
}

/// The weight of what makes a file refused when read, against 20 to 60 for the rest (about
/// one file in two reaches the merge).
fn if_rare() -> u32 {
    1
}

fn uid() -> impl Strategy<Value = Uid> {
    prop_oneof![
        20 => any::<usize>().prop_map(Uid::Existing),
        20 => Just(Uid::New),
        // Refused when read: rare, so that most files reach the merge.
        if_rare() => prop::sample::select(NOT_UIDS).prop_map(Uid::Text),
    ]
}

/// Fields of a record and their values.
type Fields = Vec<(&'static str, Val)>;

/// One hostile change.
#[derive(Debug, Clone)]
struct Hostile {
    table: &'static str,
    record: Uid,
    op: i64,
    field: Option<&'static str>,
    /// Fields of a valid record of the table replaced (op 1), or the value (op 2).
    overrides: Fields,
    /// For op 4: the batch's rows (each a valid row with its overrides, or not an object),
    /// or not an array at all.
    batch: Option<Vec<Option<(Uid, Fields)>>>,
    before_null: bool,
}

fn overrides() -> impl Strategy<Value = Vec<(&'static str, Val)>> {
    prop::collection::vec((prop::sample::select(FIELDS), value()), 0..4)
}

fn change() -> impl Strategy<Value = Hostile> {
    let op = prop_oneof![
        20 => Just(1i64),
        20 => Just(2i64),
        10 => Just(3i64),
        10 => Just(4i64),
        if_rare() => prop::sample::select(vec![0i64, 5, -1, i64::MAX]),
    ];
    let table = prop_oneof![
        60 => prop::sample::select(KINDS),
        if_rare() => prop::sample::select(TABLES),
    ];
    let batch = prop::option::weighted(
        0.95,
        prop::collection::vec(prop::option::weighted(0.98, (uid(), overrides())), 0..4),
    );
    (
        table,
        uid(),
        op,
        prop::option::weighted(
            0.98,
            prop_oneof![
                40 => prop::sample::select(FIELDS),
                if_rare() => prop::sample::select(NOT_FIELDS),
            ],
        ),
        overrides(),
        batch,
        prop::bool::weighted(0.97),
    )
        .prop_map(
            |(table, record, op, field, overrides, batch, before_null)| Hostile {
                table,
                record,
                op,
                field,
                overrides,
                batch,
                before_null,
            },
        )
}

/// A change set's clock, author and label.
#[derive(Debug, Clone)]
struct SetShape {
    clock: Clock,
    author: Val,
    label: &'static str,
    changes: Vec<Hostile>,
}

#[derive(Debug, Clone)]
enum Clock {
    Now,
    Zero,
    Max,
    Negative,
    Same,
}

const LABELS: &[&str] = &[
    "",
    r#"{"code":"actor.update","args":{}}"#,
    r#"{"code":"rgpd.erase","args":{}}"#,
];

/// Labels refused when read.
const NOT_LABELS: &[&str] = &["pas du JSON", "{\"code\":\"x\u{1}\"}"];

fn set() -> impl Strategy<Value = SetShape> {
    let clock = prop_oneof![
        60 => Just(Clock::Now),
        if_rare() => Just(Clock::Zero),
        if_rare() => Just(Clock::Max),
        if_rare() => Just(Clock::Negative),
        if_rare() => Just(Clock::Same),
    ];
    let author = prop_oneof![
        60 => Just(Val::Json(json!("Claire Vasseur"))),
        if_rare() => Just(Val::LongText(10_000)),
        if_rare() => Just(Val::Json(json!("Claire\u{0}"))),
    ];
    (
        clock,
        author,
        prop_oneof![
            60 => prop::sample::select(LABELS),
            if_rare() => prop::sample::select(NOT_LABELS),
        ],
        prop::collection::vec(change(), 1..4),
    )
        .prop_map(|(clock, author, label, changes)| SetShape {
            clock,
            author,
            label,
            changes,
        })
}

/// The receiving laptop and what the hostile rows are made of.
struct Rig {
    _dir: TempDir,
    team: Vec<Laptop>,
    workspace: String,
    /// A valid record of each table, as a change file carries it (from A's journal).
    rows: BTreeMap<String, Map<String, Value>>,
    /// A valid change set creating an actor (the other device's file).
    valid: ChangeSet,
}

impl Rig {
    fn new() -> Rig {
        let dir = TempDir::new().unwrap();
        let mut team = team(&dir, 2);
        let a = &mut team[0].store;
        let one = a.create_actor(&actor("Les Jardins du Verdanson")).unwrap();
        let two = a.create_actor(&actor("Mairie de Trélon")).unwrap();
        a.create_link(&crate::network::LinkInput {
            actor_a: one.id,
            actor_b: two.id,
            nature: "partnership".into(),
            strength: 2,
            since: None,
            notes: String::new(),
            introduced_by: None,
            meeting_id: None,
        })
        .unwrap();
        a.create_contact(
            one.id,
            &crate::actors::ContactInput {
                name: "Claire Vasseur".into(),
                role: "Présidente".into(),
                email: String::new(),
                phone: String::new(),
                notes: String::new(),
            },
        )
        .unwrap();
        a.create_member(&crate::network::MemberInput {
            name: "Paul".into(),
            role: String::new(),
            structure: String::new(),
            is_user: false,
        })
        .unwrap();
        let sets = a.outgoing_sets(DEVICES[0], 0, usize::MAX).unwrap().sets;
        let mut rows = BTreeMap::new();
        for c in sets.iter().flat_map(|s| &s.changes) {
            if let (1, Value::Object(row)) = (c.op, &c.after) {
                rows.entry(c.table.clone()).or_insert_with(|| row.clone());
            }
        }
        let valid = sets
            .iter()
            .find(|s| s.changes.iter().any(|c| c.table == "actor" && c.op == 1))
            .unwrap()
            .clone();
        super::sync_tests::converge(&mut team);
        let workspace = team[1].store.share_space().unwrap().unwrap().workspace;
        Rig {
            _dir: dir,
            team,
            workspace,
            rows,
            valid,
        }
    }

    /// The refusal `report` gives of the file at `path`.
    fn refusal<'r>(
        &self,
        report: &'r crate::share::report::SyncReport,
        path: &Path,
    ) -> &'r crate::share::report::Refusal {
        let shown = crate::share::copies::shown(&self.team[1].folder, path);
        report.refused.iter().find(|r| r.path == shown).unwrap()
    }

    fn store(&mut self) -> &mut Store {
        &mut self.team[1].store
    }

    /// The identities of the receiving laptop's records of `table` (actors when the table
    /// has none or is not one).
    fn uids(&self, table: &str) -> Vec<String> {
        let s = &self.team[1].store;
        let of = |t: &str| -> Vec<String> {
            s.conn
                .prepare(&format!(
                    "SELECT uid FROM {} ORDER BY id",
                    crate::db::tables::quote(t)
                ))
                .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
                .unwrap_or_default()
        };
        let found = if crate::db::records::kind(table).is_some() && table != "actor_tag" {
            of(table)
        } else {
            Vec::new()
        };
        if found.is_empty() {
            of("actor")
        } else {
            found
        }
    }

    fn uid(&self, u: &Uid, table: &str) -> String {
        match u {
            Uid::Existing(i) => {
                let all = self.uids(table);
                all.get(i % all.len().max(1))
                    .cloned()
                    .unwrap_or_else(new_uid)
            }
            Uid::New => new_uid(),
            Uid::Text(t) => t.to_string(),
        }
    }

    fn value(&self, v: &Val) -> Value {
        match v {
            Val::Json(v) => v.clone(),
            Val::LongText(n) => Value::from("é".repeat(*n / 2)),
            Val::Existing(i) => Value::from(self.uid(&Uid::Existing(*i), "actor")),
            Val::New => Value::from(new_uid()),
        }
    }

    fn row(&self, table: &str, overrides: &[(&str, Val)]) -> Map<String, Value> {
        let mut row = self.rows.get(table).cloned().unwrap_or_default();
        for (field, v) in overrides {
            row.insert((*field).to_string(), self.value(v));
        }
        row
    }

    /// The change file a case describes: device `device`'s first file.
    fn file(&self, device: &str, sets: &[SetShape]) -> (Vec<u8>, i64) {
        let now = now_clock();
        let mut last = now;
        let mut out = Vec::new();
        for (i, s) in sets.iter().enumerate() {
            let at = match s.clock {
                Clock::Now => now + i as i64 * 7,
                Clock::Zero => 0,
                Clock::Max => i64::MAX,
                Clock::Negative => -5,
                Clock::Same => last,
            };
            last = at;
            let changes = s.changes.iter().map(|h| self.change(h)).collect::<Vec<_>>();
            let author = match self.value(&s.author) {
                Value::String(a) => a,
                v => v.to_string(),
            };
            out.push(ChangeSet {
                at,
                author,
                label: s.label.to_string(),
                changes,
            });
        }
        (self.encode(device, out), now)
    }

    fn change(&self, h: &Hostile) -> Change {
        let record = self.uid(&h.record, h.table);
        let (field, before, after) = match h.op {
            1 => {
                let mut row = self.row(h.table, &h.overrides);
                row.insert("uid".into(), Value::from(record.clone()));
                (None, Value::Null, Value::Object(row))
            }
            2 => {
                let v = h
                    .overrides
                    .first()
                    .map_or(json!("Nouvelle valeur"), |(_, v)| self.value(v));
                (h.field, Value::Null, v)
            }
            3 => {
                let mut row = self.row(h.table, &h.overrides);
                row.insert("uid".into(), Value::from(record.clone()));
                (None, Value::Object(row), Value::Null)
            }
            4 => {
                let rows = match &h.batch {
                    None => json!({"pas": "une liste"}),
                    Some(rows) => Value::Array(
                        rows.iter()
                            .map(|r| match r {
                                None => json!(42),
                                Some((u, o)) => {
                                    let mut row = self.row(h.table, o);
                                    row.insert("uid".into(), Value::from(self.uid(u, h.table)));
                                    Value::Object(row)
                                }
                            })
                            .collect(),
                    ),
                };
                (None, Value::Null, rows)
            }
            _ => (h.field, Value::Null, Value::from("x")),
        };
        Change {
            table: h.table.to_string(),
            record,
            op: h.op,
            field: field.map(str::to_string),
            before: if h.before_null {
                before
            } else {
                json!({"avant": 1})
            },
            after,
        }
    }

    fn encode(&self, device: &str, sets: Vec<ChangeSet>) -> Vec<u8> {
        let header = Header {
            format: FORMAT_VERSION,
            schema: crate::SCHEMA_VERSION,
            workspace: self.workspace.clone(),
            device: device.to_string(),
            name: "ordinateur hostile".into(),
            seen: Default::default(),
            seq: 1,
            prev: String::new(),
            length: 0,
        };
        encode(&header, &Body { sets }).0
    }

    /// Writes `bytes` as `device`'s first file into the receiving laptop's folder.
    /// Keeps in `dir` the receiving laptop's workspace as it is (`before.catalyse`) and the
    /// file about to be applied (`case.ccf`).
    fn keep(&self, dir: &std::path::Path, bytes: &[u8]) {
        std::fs::create_dir_all(dir).unwrap();
        let before = dir.join("before.catalyse");
        let _ = std::fs::remove_file(&before);
        self.team[1]
            .store
            .conn
            .backup(
                rusqlite::MAIN_DB,
                &before,
                None::<fn(rusqlite::backup::Progress)>,
            )
            .unwrap();
        std::fs::write(dir.join("case.ccf"), bytes).unwrap();
    }

    fn put(&self, device: &str, bytes: &[u8], at: i64) -> PathBuf {
        let relative =
            crate::share::names::change_path(device, &crate::share::folder::month_of(at.max(1)), 1);
        let path = crate::share::folder::inside(&self.team[1].folder, &relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// What must not change when a file is not applied, and what must hold always.
    fn state(&self) -> State {
        let s = &self.team[1].store;
        let ids: Vec<(String, i64)> = s
            .conn
            .prepare("SELECT uid, id FROM actor UNION ALL SELECT uid, id FROM member")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let user: Option<String> = s
            .conn
            .query_row("SELECT uid FROM member WHERE is_user = 1", [], |r| r.get(0))
            .ok();
        State {
            content: s.content_dump().unwrap(),
            inbox: s.inbox_dump().unwrap(),
            ids: ids.into_iter().collect(),
            user,
        }
    }

    fn clean(&self) -> Result<(), String> {
        let c = &self.team[1].store.conn;
        let integrity: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        if integrity != "ok" {
            return Err(format!("integrity_check: {integrity}"));
        }
        let fk: i64 = c
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .map_err(|e| e.to_string())?;
        if fk != 0 {
            return Err(format!("{fk} foreign key(s) broken"));
        }
        for kind in crate::db::records::RECORD_KINDS {
            let bad: i64 = c
                .query_row(
                    &format!(
                        "SELECT count(*) FROM {} WHERE uid IS NULL OR length(uid) <> 36",
                        crate::db::tables::quote(kind.table)
                    ),
                    [],
                    |r| r.get(0),
                )
                .unwrap_or(0);
            if bad != 0 {
                return Err(format!(
                    "{bad} record(s) of {} without an identity",
                    kind.table
                ));
            }
        }
        Ok(())
    }
}

#[derive(Debug, PartialEq)]
struct State {
    content: Vec<String>,
    inbox: Vec<String>,
    ids: BTreeMap<String, i64>,
    user: Option<String>,
}

/// Whether a message reads as French (Catalyse's messages all do).
fn french(s: &str) -> bool {
    let words = [
        "le ", "la ", "les ", "un ", "une ", "des ", "est ", "n'", "d'", "l'", "à ", "ensemble",
    ];
    !s.is_empty() && words.iter().any(|w| s.to_lowercase().contains(w))
}

/// The identities of the records a change file deletes (none when it is not readable).
fn deleted_by(bytes: &[u8], workspace: &str) -> std::collections::BTreeSet<String> {
    let expect = crate::share::format::Expected {
        workspace,
        schema: crate::SCHEMA_VERSION,
        device: None,
        seq: None,
    };
    match crate::share::format::read(bytes, &expect) {
        Reading::Valid(file) => file
            .body
            .sets
            .iter()
            .flat_map(|s| &s.changes)
            .filter(|c| c.op == 3)
            .map(|c| c.record.clone())
            .collect(),
        _ => Default::default(),
    }
}

/// How many cases one receiving laptop (and its team's folder) lives across.
const FRESH_TEAM_EVERY: u32 = 200;

#[test]
#[ignore = "property-based run: scripts/test.sh runs it with --ignored --nocapture"]
fn robustness_of_applying_hostile_change_files() {
    let rig = std::cell::RefCell::new(Rig::new());
    let run = std::cell::Cell::new(0u32);
    let counts = std::cell::RefCell::new(BTreeMap::<String, u32>::new());
    // The receiving laptop lives across cases (up to `FRESH_TEAM_EVERY`): a failing case is
    // reported as it was, not shrunk (a smaller case would run on another state).
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        max_shrink_iters: 0,
        ..Config::default()
    });
    let left = std::cell::RefCell::new(Vec::<PathBuf>::new());
    // CATALYSE_FUZZ_KEEP=DIR keeps there the receiving laptop's workspace before each case
    // and the case's file: what a failure needs to be replayed (the laptop lives across
    // cases, so a case alone does not replay it).
    let keep = std::env::var_os("CATALYSE_FUZZ_KEEP").map(PathBuf::from);
    let result = runner.run(&prop::collection::vec(set(), 1..4), |sets| {
        let mut rig = rig.borrow_mut();
        // A new team every `FRESH_TEAM_EVERY` cases: each case adds two devices to the folder,
        // which every exchange lists, so one laptop for 10,000 cases would make the run
        // quadratic (400 cases took 5 times as long as 200; 10,000 over three hours).
        run.set(run.get() + 1);
        if run.get().is_multiple_of(FRESH_TEAM_EVERY) {
            *rig = Rig::new();
        }
        // The files of a case that failed leave the folder first.
        for p in left.borrow_mut().drain(..) {
            let _ = std::fs::remove_file(p);
        }
        let device = new_uid();
        let (bytes, at) = rig.file(&device, &sets);
        let before = rig.state();
        if let Some(dir) = &keep {
            rig.keep(dir, &bytes);
        }
        let path = rig.put(&device, &bytes, at);
        left.borrow_mut().push(path.clone());
        let shown = crate::share::copies::shown(&rig.team[1].folder, &path);
        let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rig.store().sync()))
            .map_err(|_| TestCaseError::fail("the exchange panicked"))?;
        let outcome = match &got {
            Err(e) => {
                prop_assert!(french(&e.to_string()), "not French: {e}");
                "the exchange failed"
            }
            Ok(r) => {
                if let Some(refusal) = r.refused.iter().find(|x| x.path == shown) {
                    prop_assert!(french(&refusal.why), "not French: {}", refusal.why);
                    if refusal.why.starts_with("ses modifications ne peuvent pas") {
                        "refused when applied"
                    } else {
                        "refused when read"
                    }
                } else if r.waiting.iter().any(|w| w.device == device) {
                    "waiting"
                } else if r.incomplete.contains(&shown) {
                    "incomplete"
                } else {
                    "applied"
                }
            }
        };
        let after = rig.state();
        if outcome != "applied" {
            prop_assert_eq!(
                &before,
                &after,
                "not applied, yet something changed ({})",
                outcome
            );
        } else {
            prop_assert_eq!(&before.user, &after.user, "the user changed");
            // A record the file deletes may come back under the same identity: a new row.
            let deleted = deleted_by(&bytes, &rig.workspace);
            for (uid, id) in &before.ids {
                if deleted.contains(uid) {
                    continue;
                }
                if let Some(now) = after.ids.get(uid) {
                    prop_assert_eq!(id, now, "a record's id changed");
                }
            }
        }
        rig.clean().map_err(TestCaseError::fail)?;
        *counts.borrow_mut().entry(outcome.to_string()).or_default() += 1;

        // A local edit still works, and a valid file of another device, beside the hostile
        // one, still applies.
        let store = rig.store();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            store.create_actor(&actor("Tiers-lieu du Val"))
        }))
        .map_err(|_| TestCaseError::fail("a local edit panicked after the file"))?
        .map_err(|e| TestCaseError::fail(format!("a local edit failed after the file: {e}")))?;
        let other = new_uid();
        let mut valid = rig.valid.clone();
        let uid = new_uid();
        valid.at = now_clock();
        valid.changes.retain(|c| c.table == "actor" && c.op == 1);
        valid.changes[0].record = uid.clone();
        valid.changes[0].after["uid"] = uid.clone().into();
        let good = rig.encode(&other, vec![valid.clone()]);
        let good_path = rig.put(&other, &good, valid.at);
        left.borrow_mut().push(good_path.clone());
        let got = rig
            .store()
            .sync()
            .map_err(|e| TestCaseError::fail(format!("the next exchange failed: {e}")))?;
        prop_assert!(
            got.refused
                .iter()
                .all(|r| r.path != crate::share::copies::shown(&rig.team[1].folder, &good_path)),
            "the valid file was refused: {:?}",
            got
        );
        prop_assert!(
            crate::share::rows::exists(&rig.team[1].store.conn, "actor", &uid).unwrap(),
            "the valid file of another device was not applied: {:?}",
            got
        );
        // The two files leave the folder (each exchange would read them again).
        for p in left.borrow_mut().drain(..) {
            std::fs::remove_file(p).unwrap();
        }
        Ok(())
    });
    println!(
        "hostile change files applied ({} cases): {:?}",
        cases(),
        counts.into_inner()
    );
    if let (Err(_), Some(dir)) = (&result, &keep) {
        println!(
            "the failing case's file and the workspace before it: {}",
            dir.display()
        );
    }
    result.unwrap();
}

/// Found by the run above: a value the schema refuses (here an actor's empty name) made the
/// whole exchange fail, at every exchange, so no other device's file was applied any more.
/// The file is refused whole, with the reason, and the others still apply.
#[test]
fn a_file_the_schema_refuses_is_refused_whole_and_the_others_still_apply() {
    let mut rig = Rig::new();
    let before = rig.state();
    let target = rig.uids("actor")[0].clone();
    let make = |at: i64, record: &str, field: &str, value: Value| ChangeSet {
        at,
        author: "Claire Vasseur".into(),
        label: String::new(),
        changes: vec![Change {
            table: "actor".into(),
            record: record.into(),
            op: 2,
            field: Some(field.into()),
            before: Value::Null,
            after: value,
        }],
    };
    let now = now_clock();
    // A first set that would apply, then one the schema refuses: nothing of the file applies.
    let hostile = new_uid();
    let sets = vec![
        make(now, &target, "notes", json!("écrit avant le refus")),
        make(now + 1, &target, "name", json!("")),
    ];
    let bytes = rig.encode(&hostile, sets);
    let path = rig.put(&hostile, &bytes, now);
    let other = new_uid();
    let good = rig.encode(&other, vec![make(now, &target, "commune", json!("Trélon"))]);
    rig.put(&other, &good, now);
    let report = rig.store().sync().unwrap();
    let refusal = rig.refusal(&report, &path);
    assert!(
        refusal
            .why
            .starts_with("ses modifications ne peuvent pas être appliquées (ensemble 2 :"),
        "{refusal:?}"
    );
    assert_eq!(report.applied, 1, "{report:?}");
    assert_eq!(before.user, rig.state().user);
    let row = crate::share::rows::record(
        &rig.team[1].store.conn,
        &mut crate::share::rows::Tables::default(),
        "actor",
        &target,
    )
    .unwrap()
    .unwrap();
    assert_eq!(row["commune"], json!("Trélon"));
    assert_ne!(row["notes"], json!("écrit avant le refus"));
    rig.clean().unwrap();
    // Refused again at the next exchange, which still succeeds.
    let again = rig.store().sync().unwrap();
    assert_eq!(rig.refusal(&again, &path).why, refusal.why);
}

/// Found by the run above: a change set with a clock of `i64::MAX` moved this laptop's clock
/// there (even when the file was refused), and the next local edit overflowed it. A clock
/// beyond the year 3000 is refused when the file is read.
#[test]
fn a_clock_beyond_the_year_3000_is_refused_when_read() {
    let mut rig = Rig::new();
    for at in [crate::share::format::MAX_CLOCK + 1, i64::MAX] {
        let device = new_uid();
        let mut set = rig.valid.clone();
        set.at = at;
        let bytes = rig.encode(&device, vec![set]);
        let path = rig.put(&device, &bytes, now_clock());
        let report = rig.store().sync().unwrap();
        let shown = crate::share::copies::shown(&rig.team[1].folder, &path);
        assert!(
            report
                .refused
                .iter()
                .any(|r| r.path == shown && r.why.contains("horloge invalide")),
            "{report:?}"
        );
        rig.store().create_actor(&actor("Après l'horloge")).unwrap();
    }
}

/// A refused file dated far ahead (a year from now) does not move this laptop's clock: the
/// next local change set is dated now, not after the refused one.
#[test]
fn a_refused_file_from_the_future_leaves_the_clock_where_it_was() {
    let mut rig = Rig::new();
    let target = rig.uids("actor")[0].clone();
    let ahead =
        now_clock() + ((365 * 24 * 3600 * 1000i64) << crate::db::journal::CLOCK_COUNTER_BITS);
    let device = new_uid();
    let refused = ChangeSet {
        at: ahead,
        author: "Claire Vasseur".into(),
        label: String::new(),
        changes: vec![Change {
            table: "actor".into(),
            record: target,
            op: 2,
            field: Some("name".into()),
            before: Value::Null,
            after: json!(""),
        }],
    };
    let bytes = rig.encode(&device, vec![refused]);
    rig.put(&device, &bytes, now_clock());
    let report = rig.store().sync().unwrap();
    assert_eq!(report.refused.len(), 1, "{report:?}");
    rig.store().create_actor(&actor("Après le refus")).unwrap();
    let last: i64 = rig
        .store()
        .conn
        .query_row("SELECT max(at) FROM change_set", [], |r| r.get(0))
        .unwrap();
    assert!(
        last < ahead,
        "the clock followed a refused file: {last} ≥ {ahead}"
    );
}

/// Found by the run above: when the receiving laptop had no member left, a member was
/// created under an actor's identity (the file named it), and the two records shared one
/// identity (history, erasure and inbox would mix them). Such a file is refused whole.
#[test]
fn a_record_created_under_another_records_identity_is_refused_whole() {
    let mut rig = Rig::new();
    let before = rig.state();
    let actor_uid = rig.uids("actor")[0].clone();
    let mut member = rig.row("member", &[]);
    member.insert("uid".into(), json!(actor_uid));
    let now = now_clock();
    let set = ChangeSet {
        at: now,
        author: "Claire Vasseur".into(),
        label: String::new(),
        changes: vec![Change {
            table: "member".into(),
            record: actor_uid.clone(),
            op: 1,
            field: None,
            before: Value::Null,
            after: Value::Object(member),
        }],
    };
    let hostile = new_uid();
    let bytes = rig.encode(&hostile, vec![set]);
    let path = rig.put(&hostile, &bytes, now);
    let report = rig.store().sync().unwrap();
    let refusal = rig.refusal(&report, &path);
    assert!(
        refusal
            .why
            .contains("porte l'identité d'un enregistrement de « actor »"),
        "{refusal:?}"
    );
    assert_eq!(before, rig.state());
    assert!(!crate::share::rows::exists(&rig.team[1].store.conn, "member", &actor_uid).unwrap());
    rig.clean().unwrap();
}
