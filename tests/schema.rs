//! Workspaces of every earlier schema version migrate with nothing lost.
//!
//! `tests/fixtures/schema-vN.catalyse` is the demo workspace written by the code of schema
//! version N itself (built from that commit), so the fixtures hold what real users' files of
//! that version hold. Each is opened by today's code: every row of every table it had must
//! still be there with the same values (new columns aside), the schema is current, and a
//! backup of the file as it was was made first.

use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use std::collections::BTreeMap;
use std::path::Path;

type Rows = BTreeMap<String, Vec<Vec<(String, Value)>>>;

/// Every row of every table (the search index aside), by table, in key order.
fn snapshot(path: &Path) -> (i64, Rows) {
    let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let version: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let tables: Vec<String> = c
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT LIKE 'search_index%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Rows::new();
    for t in tables {
        let cols: Vec<String> = c
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
            .unwrap()
            .query_map([&t], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let keys: Vec<String> = c
            .prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")
            .unwrap()
            .query_map([&t], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let order = if keys.is_empty() {
            "rowid".to_string()
        } else {
            keys.join(", ")
        };
        let sql = format!("SELECT {} FROM \"{t}\" ORDER BY {order}", cols.join(", "));
        let mut st = c.prepare(&sql).unwrap();
        let rows = st
            .query_map([], |r| {
                (0..cols.len())
                    .map(|i| Ok((cols[i].clone(), r.get::<_, Value>(i)?)))
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        out.insert(t, rows);
    }
    (version, out)
}

/// The version digit of a hyphenated UUID.
fn uuid_version(uid: &str) -> Option<u32> {
    let parts: Vec<&str> = uid.split('-').collect();
    (parts.len() == 5 && uid.len() == 36)
        .then(|| parts[2].chars().next()?.to_digit(16))
        .flatten()
}

/// Whether a journal value kept everything but its references, which became identities
/// (an integer id replaced by a UUID), the record's keys in the same order.
fn same_but_references(old: &Value, new: Option<&Value>) -> bool {
    let is_uid = |v: &serde_json::Value| {
        v.as_str()
            .is_some_and(|s| s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4)
    };
    match (old, new) {
        (Value::Text(a), Some(Value::Text(b))) => {
            match (
                serde_json::from_str::<serde_json::Value>(a),
                serde_json::from_str::<serde_json::Value>(b),
            ) {
                (Ok(serde_json::Value::Object(x)), Ok(serde_json::Value::Object(y))) => {
                    // The key order in the text is kept: the keys, ordered by where they
                    // are in each text, come in the same order.
                    let order = |t: &str| -> Vec<String> {
                        let mut keys: Vec<(usize, String)> = x
                            .keys()
                            .map(|k| {
                                (
                                    t.find(&format!("\"{k}\":")).unwrap_or(usize::MAX),
                                    k.clone(),
                                )
                            })
                            .collect();
                        keys.sort();
                        keys.into_iter().map(|(_, k)| k).collect()
                    };
                    x.len() == y.len()
                        && order(a) == order(b)
                        && x.iter().all(|(k, v)| {
                            let w = &y[k];
                            w == v || (v.is_i64() && is_uid(w))
                        })
                }
                _ => a == b,
            }
        }
        (Value::Integer(_), Some(Value::Text(b))) => is_uid(&serde_json::Value::String(b.clone())),
        (a, b) => Some(a) == b,
    }
}

#[test]
fn every_earlier_schema_migrates_with_nothing_lost() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut seen = Vec::new();
    for v in 1..catalyse_core::SCHEMA_VERSION {
        let fixture = fixtures.join(format!("schema-v{v}.catalyse"));
        assert!(fixture.exists(), "a fixture for schema version {v}");
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join(format!("v{v}.catalyse"));
        std::fs::copy(&fixture, &path).unwrap();
        let (old_version, before) = snapshot(&path);
        assert_eq!(old_version, v, "the fixture has the version its name says");
        let root = dir.path().join("sauvegardes");
        drop(catalyse_core::Store::open_with(&path, &root).expect("migrates"));
        let (new_version, after) = snapshot(&path);
        assert_eq!(new_version, catalyse_core::SCHEMA_VERSION);
        let mut rows = 0;
        for (table, old_rows) in &before {
            let new_rows = &after[table];
            assert_eq!(new_rows.len(), old_rows.len(), "v{v}: rows of {table}");
            for (old, new) in old_rows.iter().zip(new_rows) {
                for (col, value) in old {
                    let now = new.iter().find(|(c, _)| c == col).map(|(_, x)| x);
                    if table == "change" && (col == "before" || col == "after") {
                        // Migration 12 names the records a change refers to by identity.
                        assert!(
                            same_but_references(value, now),
                            "v{v}: {table}.{col} changed: {value:?} → {now:?}"
                        );
                        continue;
                    }
                    assert_eq!(now, Some(value), "v{v}: {table}.{col} changed");
                }
            }
            rows += old_rows.len();
        }
        // The list keys (derived, migration 7) are built for every record.
        let c = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        for (table, key) in [("actor", "actor_key"), ("meeting", "meeting_key")] {
            let missing: i64 = c
                .query_row(
                    &format!(
                        "SELECT (SELECT count(*) FROM {table}) - (SELECT count(*) FROM {key} WHERE {table}_id IN (SELECT id FROM {table}))"
                    ),
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(missing, 0, "v{v}: every {table} has its key");
        }
        // Every record has its own identity (migration 10), whatever its table.
        let mut uids = std::collections::HashSet::new();
        for (table, new_rows) in &after {
            let Some(first) = new_rows.first() else {
                continue;
            };
            if !first.iter().any(|(c, _)| c == "uid") {
                continue; // derived from the records
            }
            for row in new_rows {
                let uid = row.iter().find(|(c, _)| c == "uid").unwrap();
                let Value::Text(uid) = &uid.1 else {
                    panic!("v{v}: {table} has a record without identity");
                };
                assert_eq!(uuid_version(uid), Some(7), "v{v}: {table} {uid}");
                assert!(uids.insert(uid.clone()), "v{v}: {uid} given twice");
            }
        }
        assert!(uids.len() > 40, "v{v}: {} identities", uids.len());
        drop(c);
        assert!(
            rows > 40,
            "v{v}: the fixture holds a real workspace ({rows} rows)"
        );
        // The file as it was is kept.
        let backups = catalyse_core::safety::backup::list(&catalyse_core::safety::backup::dir_for(
            &root, &path,
        ))
        .unwrap();
        assert_eq!(backups.len(), 1, "v{v}: one backup before the migration");
        assert_eq!(snapshot(Path::new(&backups[0].path)), (v, before));
        seen.push((v, rows));
    }
    println!("schema fixtures migrated with every row kept: {seen:?}");
}

/// Migration 14 rebuilds `change` (to let a batch of an import be op 4): a workspace of
/// schema 12 keeps its journal, every change set told with the changes it had, the
/// journal's indexes, and the next change is journaled into the rebuilt table.
#[test]
fn the_journal_of_schema_12_is_kept_through_the_rebuild_of_migration_14() {
    use catalyse_core::history::model::HistoryQuery;
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v12.catalyse");
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("v12.catalyse");
    std::fs::copy(&fixture, &path).unwrap();
    let counts = |path: &Path| -> Vec<(i64, i64)> {
        let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let rows = c
            .prepare("SELECT set_id, count(*) FROM change GROUP BY set_id ORDER BY set_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows
    };
    let before = counts(&path);
    assert!(before.len() > 100, "the fixture has a journal");
    let mut s = catalyse_core::Store::open_with(&path, &dir.path().join("sauvegardes")).unwrap();
    let mut told = Vec::new();
    let mut q = HistoryQuery {
        limit: Some(200),
        ..HistoryQuery::default()
    };
    loop {
        let page = s.history(&q).unwrap();
        told.extend(page.sets.iter().map(|d| (d.summary.id, d.summary.changes)));
        q.before_id = page.sets.last().map(|d| d.summary.id);
        if !page.more {
            break;
        }
    }
    told.reverse();
    assert_eq!(told, before, "every change set told with its changes");
    let c = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let indexes: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'change' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        indexes,
        ["change_deleted", "change_of_record", "change_of_set"]
    );
    drop(c);
    let a = s
        .create_actor(&catalyse_core::actors::ActorInput {
            name: "Après la migration".into(),
            world: "association".into(),
            commune: String::new(),
            insee: None,
            engagement: "informed".into(),
            notes: String::new(),
        })
        .unwrap();
    let page = s
        .record_history("actor", a.id, &HistoryQuery::default())
        .unwrap();
    assert_eq!(page.sets.len(), 1);
    assert_eq!(page.sets[0].summary.changes, 1);
}

/// Migration 17 places the actors' free-text communes once: a name one commune of France
/// bears (« st brieuc »), the demo's fictional communes, never homonyms (« Sainte-Colombe »,
/// ten communes) nor what is no commune (« Quartier Nord »), which stay as written, unplaced.
#[test]
fn the_actors_communes_of_schema_16_are_placed_once_never_guessed() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v16.catalyse");
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("v16.catalyse");
    std::fs::copy(&fixture, &path).unwrap();
    let s = catalyse_core::Store::open_with(&path, &dir.path().join("sauvegardes")).unwrap();
    let place = |name: &str| -> (String, Option<String>) {
        let a = s
            .list_actors()
            .unwrap()
            .into_iter()
            .find(|a| a.name == name)
            .unwrap();
        (a.commune, a.insee)
    };
    assert_eq!(
        place("Mairie de Saint-Brieuc"),
        ("st brieuc".into(), Some("22278".into())),
        "placed, written as it was"
    );
    assert_eq!(place("Comité des fêtes"), ("Sainte-Colombe".into(), None));
    assert_eq!(place("Centre social"), ("Quartier Nord".into(), None));
    let demo = s.list_actors().unwrap();
    let fictional = demo
        .iter()
        .filter(|a| a.insee.as_deref().is_some_and(|c| c.starts_with("000")))
        .count();
    assert_eq!(
        fictional, 45,
        "the demo's actors, in its fictional communes"
    );
    let unplaced = s.unplaced_communes(0, 10).unwrap();
    assert_eq!((unplaced.total, unplaced.actors), (2, 2));
}

/// Migration 19 packs the journal's batch entries from then on; those written before stay
/// as JSON text and read the same: the import of schema 18 (two actors, one contact) is
/// still told, searched and undone, and the next import's batches are packed.
#[test]
fn the_text_batches_of_schema_18_still_read_and_undo_new_ones_are_packed() {
    use catalyse_core::exchange::{tabular::FileFormat, ExchangeKind};
    use catalyse_core::history::model::HistoryQuery;
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v18.catalyse");
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("v18.catalyse");
    std::fs::copy(&fixture, &path).unwrap();
    let mut s = catalyse_core::Store::open_with(&path, &dir.path().join("sauvegardes")).unwrap();
    let kinds = |p: &Path| -> Vec<(String, String)> {
        let c = Connection::open_with_flags(p, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let mut st = c
            .prepare("SELECT tbl, typeof(after) FROM change WHERE op = 4 ORDER BY id")
            .unwrap();
        let kinds: Vec<(String, String)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        kinds
    };
    let text = |t: &str| (t.to_string(), "text".to_string());
    assert_eq!(kinds(&path), [text("actor"), text("contact")]);
    let found = s
        .history(&HistoryQuery {
            text: Some("morvan".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        found.sets.len(),
        1,
        "the contact's name found in a text batch"
    );
    let import = found.sets[0].summary.id;
    assert_eq!(s.change_set_summary(import).unwrap().changes, 3);
    assert_eq!(s.list_actors().unwrap().len(), 47);
    s.undo_change_set(import).unwrap();
    assert_eq!(s.list_actors().unwrap().len(), 45, "both actors undone");

    let csv = "Nom;Monde;Contact\nRessourcerie;Association / ESS;Paul Le Goff\n";
    s.import(ExchangeKind::Actors, csv.as_bytes(), FileFormat::Csv, false)
        .unwrap();
    let blob = |t: &str| (t.to_string(), "blob".to_string());
    assert_eq!(
        kinds(&path),
        [
            text("actor"),
            text("contact"),
            blob("actor"),
            blob("contact")
        ]
    );
    let found = s
        .history(&HistoryQuery {
            text: Some("le goff".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        found.sets.len(),
        1,
        "the contact's name found in a packed batch"
    );
    let document = s.export_json().unwrap();
    assert!(
        document.contains(r#"\"name\":\"Paul Le Goff\""#),
        "the workspace JSON carries a packed batch as the JSON it holds"
    );
}
