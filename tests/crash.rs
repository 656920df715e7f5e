//! The crash rig: a writer process doing multi-table transactions (a meeting with two actors,
//! a team member and three follow-ups, through the app's own `Store::create_meeting`; then a
//! save of a decision note, which writes the note and its new version) is killed with SIGKILL
//! at random moments, over and over. After each kill the workspace must be sound
//! (`integrity_check`, `foreign_key_check`), every transaction the writer reported as
//! committed must be there, none may be there in part, every note must be what its
//! latest version says, and the journal must hold each committed transaction whole and
//! nothing of the others.
//!
//! Run by `scripts/test.sh` with 300 cycles; the full count on demand:
//! `CATALYSE_CRASH_CYCLES=1000 cargo test --test integration crash:: -- --ignored --nocapture`.

use catalyse_core::network::{FollowUp, MeetingInput};
use catalyse_core::notes::{NoteInput, NoteRecordInput, SectionInput};
use catalyse_core::Store;
use rusqlite::Connection;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WS: &str = "CATALYSE_CRASH_WS";

/// The writer, run in a child process by the rig (ignored in normal runs: it loops forever).
#[test]
#[ignore = "run by the crash rig in a child process"]
fn writer_child() {
    let Some(ws) = std::env::var_os(WS) else {
        return;
    };
    let mut store = Store::open(Path::new(&ws)).expect("the writer opens the workspace");
    let (a, b, m): (i64, i64, i64) = {
        let ids = store.list_actors().unwrap();
        let members = store.list_members().unwrap();
        (ids[0].id, ids[1].id, members[0].id)
    };
    let note = store
        .list_notes()
        .unwrap()
        .into_iter()
        .find(|n| n.status.code() == "draft")
        .expect("a draft note in the demo")
        .id;
    let mut k = store
        .list_meetings()
        .unwrap()
        .iter()
        .filter(|x| x.title.starts_with("rig-"))
        .count();
    loop {
        store
            .create_meeting(&MeetingInput {
                date: "2026-05-04".into(),
                kind: "meeting".into(),
                title: format!("rig-{k}"),
                insee: None,
                practice: None,
                activity: None,
                notes: "x".repeat(2000),
                hours: "1".into(),
                actor_ids: vec![a, b],
                member_ids: vec![m],
                follow_ups: (0..3)
                    .map(|j| FollowUp {
                        text: format!("rig-{k}-{j}"),
                        due_date: None,
                        done: false,
                    })
                    .collect(),
            })
            .expect("a transaction");
        // Reported only once committed.
        println!("{k}");
        // A note saved: the note and its version in one transaction.
        let n = store.note(note).unwrap();
        store
            .update_note(
                note,
                &NoteInput {
                    subject: format!("rig-note-{k}"),
                    body_name: n.body_name.clone(),
                    addressee: n.addressee.code().into(),
                    meeting_date: n.meeting_date.clone(),
                    author: n.author.clone(),
                    records: n
                        .records
                        .iter()
                        .map(|r| NoteRecordInput {
                            kind: r.kind.code().into(),
                            record_id: r.record_id,
                        })
                        .collect(),
                    sections: n
                        .sections
                        .iter()
                        .map(|x| SectionInput {
                            key: x.key.code().into(),
                            content: x.content.clone(),
                        })
                        .collect(),
                    options: vec![],
                },
            )
            .expect("a note saved");
        k += 1;
    }
}

/// A small deterministic generator, so a failure can be replayed with the same seed.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Checks the workspace after a kill; returns how many rig meetings it holds.
fn verify(ws: &Path, reported: Option<usize>) -> usize {
    let c = Connection::open(ws).unwrap();
    let integrity: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let dangling: i64 = c
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(dangling, 0, "foreign keys");
    let mut st = c
        .prepare(
            "SELECT m.title,
                    (SELECT count(*) FROM meeting_actor x WHERE x.meeting_id = m.id),
                    (SELECT count(*) FROM meeting_member x WHERE x.meeting_id = m.id),
                    (SELECT count(*) FROM follow_up x WHERE x.meeting_id = m.id)
             FROM meeting m WHERE m.title LIKE 'rig-%'",
        )
        .unwrap();
    let rows: Vec<(String, i64, i64, i64)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut ks: Vec<usize> = Vec::new();
    for (title, actors, members, follow_ups) in &rows {
        assert_eq!(
            (*actors, *members, *follow_ups),
            (2, 1, 3),
            "{title} is there only in part"
        );
        ks.push(title["rig-".len()..].parse().unwrap());
    }
    ks.sort();
    for (i, k) in ks.iter().enumerate() {
        assert_eq!(*k, i, "transactions are all there, in order");
    }
    if let Some(r) = reported {
        assert!(
            ks.len() > r,
            "reported transaction {r} committed but missing"
        );
    }
    // The journal: each rig meeting's transaction journaled whole in one change set (the
    // meeting, its two actors, its member, its three follow-ups), no entry for a transaction
    // that did not commit, no change set without entries.
    let mut st = c
        .prepare(
            "SELECT json_extract(m.after, '$.title'),
                    (SELECT count(*) FROM change x WHERE x.set_id = m.set_id AND x.op = 1 AND x.tbl = 'meeting_actor'),
                    (SELECT count(*) FROM change x WHERE x.set_id = m.set_id AND x.op = 1 AND x.tbl = 'meeting_member'),
                    (SELECT count(*) FROM change x WHERE x.set_id = m.set_id AND x.op = 1 AND x.tbl = 'follow_up')
             FROM change m WHERE m.tbl = 'meeting' AND m.op = 1
               AND json_extract(m.after, '$.title') LIKE 'rig-%'",
        )
        .unwrap();
    let journaled: Vec<(String, i64, i64, i64)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        journaled.len(),
        rows.len(),
        "one journal entry per committed meeting, none for the others"
    );
    for (title, actors, members, follow_ups) in &journaled {
        assert_eq!(
            (*actors, *members, *follow_ups),
            (2, 1, 3),
            "{title}: its journal entries are complete"
        );
        assert!(
            rows.iter().any(|r| &r.0 == title),
            "{title} journaled but not there"
        );
    }
    let empty: i64 = c
        .query_row(
            "SELECT count(*) FROM change_set s WHERE NOT EXISTS (SELECT 1 FROM change WHERE set_id = s.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(empty, 0, "a change set without entries");
    // Every note is what its latest version says, and its versions are numbered 1..n.
    let mut st = c
        .prepare(
            "SELECT n.id, n.subject, n.status, count(v.number), coalesce(max(v.number), 0),
                    (SELECT snapshot FROM note_version w WHERE w.note_id = n.id ORDER BY number DESC LIMIT 1)
             FROM decision_note n LEFT JOIN note_version v ON v.note_id = n.id GROUP BY n.id",
        )
        .unwrap();
    let notes: Vec<(i64, String, String, i64, i64, Option<String>)> = st
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (id, subject, status, count, max, snapshot) in notes {
        assert_eq!(count, max, "note {id}: versions numbered without a gap");
        let snapshot: serde_json::Value =
            serde_json::from_str(&snapshot.expect("a note has a version")).unwrap();
        assert_eq!(
            snapshot["subject"],
            subject.as_str(),
            "note {id}: its last version holds its text"
        );
        assert_eq!(
            snapshot["status"],
            status.as_str(),
            "note {id}: its last version holds its status"
        );
    }
    ks.len()
}

#[test]
#[ignore = "the crash rig: run by scripts/test.sh with --ignored --nocapture"]
fn sigkill_never_loses_or_splits_a_committed_transaction() {
    let cycles: usize = std::env::var("CATALYSE_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let seed: u64 = std::env::var("CATALYSE_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_cafe);
    let dir = tempfile::TempDir::new().unwrap();
    let ws = dir.path().join("rig.catalyse");
    drop(catalyse_core::demo::write_demo(&ws).unwrap());
    let exe = std::env::current_exe().unwrap();
    let mut rng = Rng(seed);
    let started = Instant::now();
    let (mut committed, mut mid_run_kills, mut before_first) = (0usize, 0usize, 0usize);
    let mut present = verify(&ws, None);
    for cycle in 0..cycles {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash::writer_child",
                "--ignored",
                "--nocapture",
                "--quiet",
            ])
            .env(WS, &ws)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The writer's reports, read as they come.
        let out = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = std::sync::mpsc::channel::<usize>();
        let reader = std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                if let Ok(k) = line.trim().parse() {
                    let _ = tx.send(k);
                }
            }
        });
        let mut reported: Vec<usize> = Vec::new();
        if rng.below(5) == 0 {
            // Now and then, a kill at any moment, opening included.
            std::thread::sleep(Duration::from_millis(rng.below(150)));
        } else if let Ok(k) = rx.recv_timeout(Duration::from_secs(20)) {
            // Mostly while it writes: a random moment after its first commit.
            reported.push(k);
            std::thread::sleep(Duration::from_micros(rng.below(30_000)));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reader.join().unwrap();
        reported.extend(rx.try_iter());
        if reported.is_empty() {
            before_first += 1;
        } else {
            mid_run_kills += 1;
        }
        let last = reported.last().copied();
        let now = verify(&ws, last);
        assert!(now >= present, "cycle {cycle}: records disappeared");
        committed += now - present;
        present = now;
    }
    println!(
        "crash rig: {cycles} SIGKILL cycles (seed {seed:#x}) in {:.1} s; {mid_run_kills} killed while writing, {before_first} before the first commit; {committed} transactions committed and all found whole, each with its journal entries complete; 0 half-applied, integrity_check and foreign_key_check clean after every kill",
        started.elapsed().as_secs_f64()
    );
}

/// `catalyse import` writes a large import in place (a rollback journal instead of the WAL
/// for its transaction, `Store::write_bulk_in_place`). Killed while it writes its pages into
/// the file, it leaves a hot journal; the next command that opens the workspace rolls it
/// back first, and finds the workspace whole, as before the import: no link, the actors
/// there, `integrity_check` clean, back in WAL. The import then runs again to its end, its
/// change set labelled as an import.
#[test]
fn an_import_killed_while_writing_in_place_is_rolled_back_at_the_next_opening() {
    use std::io::Write;
    let dir = crate::util::Dir::new();
    let ws = dir.path("pays.catalyse");
    dir.catalyse()
        .args([
            "new",
            ws.to_str().unwrap(),
            "--territory",
            "Pays",
            "--kind",
            "petr",
        ])
        .assert()
        .success();
    let n = 3000;
    let actors = dir.path("acteurs.csv");
    let mut out = std::fs::File::create(&actors).unwrap();
    writeln!(out, "Nom;Monde").unwrap();
    for i in 0..n {
        writeln!(out, "Acteur {i};Entreprise").unwrap();
    }
    drop(out);
    dir.catalyse()
        .args(["import", "actors", actors.to_str().unwrap(), "--workspace"])
        .arg(&ws)
        .assert()
        .success();
    let links = dir.path("liens.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&links).unwrap());
    writeln!(out, "Acteur A;Acteur B;Nature;Notes").unwrap();
    let mut written = 0;
    'all: for a in 0..n {
        for b in a + 1..n {
            writeln!(out, "Acteur {a};Acteur {b};Partenariat;{}", "x".repeat(200)).unwrap();
            written += 1;
            if written == 100_000 {
                break 'all;
            }
        }
    }
    drop(out);
    let count = |table: &str| -> i64 {
        let c = Connection::open(&ws).unwrap();
        c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    let actors_before = count("actor");
    let size_before = std::fs::metadata(&ws).unwrap().len();
    let journal = ws.with_file_name("pays.catalyse-journal");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("catalyse"))
        .args(["import", "links", links.to_str().unwrap(), "--workspace"])
        .arg(&ws)
        .env("HOME", dir.path(""))
        .env("XDG_DATA_HOME", dir.path("data"))
        .env("XDG_CONFIG_HOME", dir.path("config"))
        .env_remove("DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once its pages go into the file, beside its journal.
    let started = Instant::now();
    let caught = loop {
        let writing = journal.exists()
            && std::fs::metadata(&ws).is_ok_and(|m| m.len() > size_before + (1 << 20));
        if writing {
            child.kill().unwrap();
            break true;
        }
        if child.try_wait().unwrap().is_some() || started.elapsed() > Duration::from_secs(300) {
            break false;
        }
        std::thread::sleep(Duration::from_micros(500));
    };
    let _ = child.kill();
    child.wait().unwrap();
    assert!(caught, "the import was killed while it wrote into the file");
    assert!(journal.exists(), "a hot journal is left");

    // The next command opens the workspace: rolled back, whole, as before.
    let one = dir.path("un.csv");
    std::fs::write(&one, "Nom;Monde\nNouvel acteur;Association\n").unwrap();
    dir.catalyse()
        .args(["import", "actors", one.to_str().unwrap(), "--workspace"])
        .arg(&ws)
        .assert()
        .success();
    assert!(!journal.exists(), "the journal is rolled back and gone");
    let c = Connection::open(&ws).unwrap();
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(c);
    assert_eq!(count("link"), 0, "nothing of the killed import");
    assert_eq!(count("actor"), actors_before + 1);

    dir.catalyse()
        .args(["import", "links", links.to_str().unwrap(), "--workspace"])
        .arg(&ws)
        .assert()
        .success();
    assert_eq!(count("link"), written);
    // Written in place, the import's change set keeps its label (changing the journal mode
    // ends a transaction of its own, which used to forget it).
    let c = Connection::open(&ws).unwrap();
    let label: String = c
        .query_row(
            "SELECT label FROM change_set ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        label.contains("\"import\"") && label.contains("\"links\""),
        "{label}"
    );
}
