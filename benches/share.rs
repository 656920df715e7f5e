//! The team-sharing benchmark (not a test), in the house style of `benches/scale.rs`: each
//! line prints Catalyse's figure, the reference's, the ratio; absolute times on a shared
//! 2-core machine are noise, ratios less so. Nothing is asserted.
//!
//! Laptop A creates a space in a shared folder; laptop B joins it (before the changes). A
//! then creates `CATALYSE_BENCH_SHARE_ACTORS` actors (1,000) and makes
//! `CATALYSE_BENCH_CHANGES` single-field edits of them (100,000), each its own change set as
//! a user's edits are, and syncs: its change files are written.
//!
//! 1. Applying the changes from the folder: B's exchange (files read and checked whole, the
//!    merge, the journal, the search index and list keys kept by the triggers), against the
//!    same creations and edits applied as plain SQL (prepared `INSERT`s and
//!    `UPDATE actor SET notes = ? WHERE uid = ?`, in one transaction) on an in-process SQLite
//!    table of the same columns with its `uid` index: what a bare database does with the
//!    same changes, nothing more.
//! 2. The size of the change files per 1,000 changes (against the SQL text of the same
//!    changes, as the reference's size).
//! 3. The folder before and after compaction: B says what it received, then A compacts
//!    twice (`share_compact`: the first writes a snapshot at the current points and removes
//!    the older ones, which bound what is folded for seven days; the second folds the files).
//!
//! Run: `cargo bench --bench share` (or `scripts/bench.sh`). Sizes: `CATALYSE_BENCH_CHANGES`,
//! `CATALYSE_BENCH_SHARE_ACTORS`.

use catalyse_core::actors::ActorInput;
use catalyse_core::project::NewWorkspace;
use catalyse_core::share::space::share_join_as;
use catalyse_core::Store;
use rusqlite::params;
use std::path::Path;
use std::time::{Duration, Instant};

const DEVICE_A: &str = "0190f6a4-0000-7000-8000-0000000000a1";
const DEVICE_B: &str = "0190f6a4-0000-7000-8000-0000000000b2";
const WORLDS: [&str; 4] = ["state", "business", "association", "citizen"];

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn mb(bytes: u64) -> String {
    format!("{:.2} MB", bytes as f64 / 1e6)
}

/// One result line: what, Catalyse, the reference, the ratio.
fn line(what: &str, ours: &str, reference: &str, ratio: Option<f64>) {
    let ratio = ratio.map_or("—".to_string(), |r| format!("{r:.2}×"));
    println!("{what}\n    Catalyse {ours} | reference {reference} | ratio {ratio}");
}

/// The bytes of the files under `dir` (recursively).
fn bytes_under(dir: &Path) -> (u64, usize) {
    let mut total = (0, 0);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return total;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            let (b, n) = bytes_under(&p);
            total.0 += b;
            total.1 += n;
        } else if let Ok(m) = p.metadata() {
            total.0 += m.len();
            total.1 += 1;
        }
    }
    total
}

fn notes(i: usize) -> String {
    format!("Relance n° {i} : rappeler après le comité")
}

fn main() {
    let n_changes = env("CATALYSE_BENCH_CHANGES", 100_000);
    let n_actors = env("CATALYSE_BENCH_SHARE_ACTORS", 1_000).max(1);
    let dir = tempfile::TempDir::new().expect("temporary folder");
    std::env::set_var("XDG_DATA_HOME", dir.path().join("data"));
    let folder = dir.path().join("partage");
    std::fs::create_dir_all(&folder).expect("folder");
    let new = NewWorkspace {
        territory_name: "PETR du Val".into(),
        territory_kind: "petr".into(),
        project_title: "Projet de territoire".into(),
    };
    let mut a = Store::create(&dir.path().join("a.catalyse"), &new).expect("workspace A");
    a.journal().set_device(DEVICE_A);
    a.share_init(&folder, "ordinateur A").expect("space");
    let b_path = dir.path().join("b.catalyse");
    let mut b = share_join_as(&folder, &b_path, "ordinateur B", Some(DEVICE_B)).expect("join");

    // ----- A's changes ---------------------------------------------------------------------
    let t = Instant::now();
    let mut actors = Vec::with_capacity(n_actors);
    for i in 0..n_actors {
        let input = ActorInput {
            name: format!("Acteur {i}"),
            world: WORLDS[i % WORLDS.len()].into(),
            commune: "Val".into(),
            insee: None,
            engagement: "informed".into(),
            notes: String::new(),
        };
        actors.push((a.create_actor(&input).expect("actor"), input));
    }
    for i in 0..n_changes {
        let (actor, input) = &mut actors[i % n_actors];
        input.notes = notes(i);
        a.update_actor(actor.id, input).expect("edit");
    }
    println!(
        "# laptop A: {n_actors} actors created and {n_changes} single-field edits, each its own change set, in {}",
        secs(t.elapsed())
    );
    let t = Instant::now();
    let sent = a.sync().expect("A's exchange");
    let wrote = t.elapsed();
    let own = folder.join("appareils").join(DEVICE_A.replace('-', ""));
    let (file_bytes, files) = bytes_under(&own);
    println!(
        "# A's exchange: {} change sets written as {files} change files ({}) in {}",
        sent.sent,
        mb(file_bytes),
        secs(wrote)
    );

    // ----- 1. Applying them on B -------------------------------------------------------------
    let t = Instant::now();
    let got = b.sync().expect("B's exchange");
    let applied = t.elapsed();
    assert!(
        got.refused.is_empty() && got.waiting.is_empty(),
        "B applied everything: {got:?}"
    );
    let same = a.content_hash().expect("hash") == b.content_hash().expect("hash");
    println!(
        "# B's exchange: {} change sets applied in {} (same content hash as A: {same})",
        got.applied,
        secs(applied)
    );
    let total = n_actors + n_changes;
    let (reference, sql_bytes) = reference_apply(dir.path(), &actors, n_changes);
    line(
        &format!("1. applying {total} changes from the folder ({n_actors} creations, {n_changes} single-field edits, each its own change set) vs the same as plain SQL in one transaction"),
        &secs(applied),
        &secs(reference),
        Some(applied.as_secs_f64() / reference.as_secs_f64()),
    );
    let per_k = |bytes: u64| bytes as f64 * 1000.0 / total as f64;
    line(
        "2. change files per 1,000 changes vs the SQL text of the same changes",
        &format!("{:.1} KB", per_k(file_bytes) / 1e3),
        &format!("{:.1} KB", per_k(sql_bytes) / 1e3),
        Some(file_bytes as f64 / sql_bytes as f64),
    );

    // ----- 3. Compaction ---------------------------------------------------------------------
    let t = Instant::now();
    b.sync_acknowledging().expect("B says what it received");
    let acknowledged = t.elapsed();
    let (before, n_before) = bytes_under(&folder);
    let t = Instant::now();
    let first = a.share_compact().expect("first compaction");
    let second = a.share_compact().expect("second compaction");
    let compacted = t.elapsed();
    let (after, n_after) = bytes_under(&folder);
    println!(
        "# B acknowledged in {}; compactions: first {} file(s) removed, second {} removed, {} kept, holding back {:?}; both in {}",
        secs(acknowledged),
        first.removed_files,
        second.removed_files,
        second.kept_files,
        second.holding_back,
        secs(compacted)
    );
    line(
        "3. the shared folder before and after compaction (files every device received folded into a snapshot)",
        &format!("{} ({n_before} files) → {} ({n_after} files)", mb(before), mb(after)),
        "—",
        Some(after as f64 / before as f64),
    );
}

/// The reference: the same creations and edits as plain SQL, prepared statements in one
/// transaction, on an in-process table with the actor's columns and its `uid` index. Returns
/// its time and the size of the same changes as an SQL script.
fn reference_apply(
    dir: &Path,
    actors: &[(catalyse_core::actors::Actor, ActorInput)],
    n_changes: usize,
) -> (Duration, u64) {
    let conn = rusqlite::Connection::open(dir.join("reference.sqlite")).expect("reference");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE actor (id INTEGER PRIMARY KEY, uid TEXT NOT NULL, name TEXT NOT NULL,
            world TEXT NOT NULL, commune TEXT NOT NULL, engagement TEXT NOT NULL,
            notes TEXT NOT NULL, updated_at TEXT NOT NULL) STRICT;
         CREATE UNIQUE INDEX actor_uid ON actor (uid);",
    )
    .expect("schema");
    let mut script = 0u64;
    let now = "2026-01-01T00:00:00Z";
    let t = Instant::now();
    {
        let tx = conn.unchecked_transaction().expect("transaction");
        let mut insert = tx
            .prepare(
                "INSERT INTO actor (uid, name, world, commune, engagement, notes, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, '', ?6)",
            )
            .expect("insert");
        for (actor, input) in actors {
            insert
                .execute(params![
                    actor.uid,
                    input.name,
                    input.world,
                    input.commune,
                    input.engagement,
                    now
                ])
                .expect("row");
        }
        let mut update = tx
            .prepare("UPDATE actor SET notes = ?1, updated_at = ?2 WHERE uid = ?3")
            .expect("update");
        for i in 0..n_changes {
            let uid = &actors[i % actors.len()].0.uid;
            update.execute(params![notes(i), now, uid]).expect("edit");
        }
        drop(insert);
        drop(update);
        tx.commit().expect("commit");
    }
    let took = t.elapsed();
    for (actor, input) in actors {
        script += format!(
            "INSERT INTO actor (uid, name, world, commune, engagement, notes, updated_at) VALUES ('{}', '{}', '{}', '{}', '{}', '', '{now}');\n",
            actor.uid, input.name, input.world, input.commune, input.engagement
        )
        .len() as u64;
    }
    for i in 0..n_changes {
        let uid = &actors[i % actors.len()].0.uid;
        script += format!(
            "UPDATE actor SET notes = '{}', updated_at = '{now}' WHERE uid = '{uid}';\n",
            notes(i)
        )
        .len() as u64;
    }
    (took, script)
}
