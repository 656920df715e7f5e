//! Tests of the whole-workspace JSON export and import.

use super::*;

fn demo_json(dir: &Path) -> String {
    let s = crate::demo::write_demo(&dir.join("demo.catalyse")).unwrap();
    s.export_json().unwrap()
}

#[test]
fn export_import_export_gives_the_same_bytes() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut s = crate::demo::write_demo(&dir.path().join("demo.catalyse")).unwrap();
    s.set_note_logo("logo.png", &crate::notes::export::tests::sample_png(40, 20))
        .unwrap();
    let first = s.export_json().unwrap();
    let to = dir.path().join("importé.catalyse");
    let out = import(first.as_bytes(), &to).unwrap();
    assert_eq!(out.counts, s.counts().unwrap());
    let second = Store::open_with(&to, &dir.path().join("b"))
        .unwrap()
        .export_json()
        .unwrap();
    assert_eq!(first, second);
    assert!(first.contains("\"base64\""), "the logo travels as base64");
    // Search works on the imported file (the index is rebuilt by the triggers).
    let t = Store::open_with(&to, &dir.path().join("b")).unwrap();
    assert!(!t.search("fromagerie").unwrap().is_empty());
}

#[test]
fn the_json_export_reports_its_progress_and_a_cancelled_one_writes_no_file() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let dir = tempfile::TempDir::new().unwrap();
    let s = crate::demo::write_demo(&dir.path().join("demo.catalyse")).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let p = seen.clone();
    let progress = Progress::new(Arc::new(AtomicBool::new(false)), move |e| {
        p.lock().unwrap().push(e)
    });
    let path = dir.path().join("export.json");
    s.export_json_file(&path, &progress).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        s.export_json().unwrap()
    );
    let seen = seen.lock().unwrap().clone();
    let last = seen.last().unwrap();
    assert_eq!(
        (last.phase, Some(last.done)),
        (Phase::Exporting, last.total)
    );
    assert!(last.done > 100, "every row counted: {last:?}");
    // Cancelled at its first report: no file.
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    let cancel = Progress::new(flag.clone(), move |_| f.store(true, Ordering::Relaxed));
    let other = dir.path().join("autre.json");
    let e = s.export_json_file(&other, &cancel).unwrap_err();
    assert_eq!(e.kind(), "cancelled");
    assert!(!other.exists());
}

#[test]
fn a_json_import_reports_its_progress_and_a_cancelled_one_creates_nothing() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let dir = tempfile::TempDir::new().unwrap();
    let json = demo_json(dir.path());
    for stop_at in [Phase::Reading, Phase::Writing, Phase::Indexing] {
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        let cancel = Progress::new(flag.clone(), move |e| {
            if e.phase == stop_at {
                f.store(true, Ordering::Relaxed);
            }
        });
        let to = dir.path().join(format!("{stop_at:?}.catalyse"));
        let e = import_with(json.as_bytes(), &to, &cancel).unwrap_err();
        assert_eq!(e.kind(), "cancelled", "{stop_at:?}");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(&format!("{stop_at:?}")) || n.contains("importing"))
            .collect();
        assert!(
            left.is_empty(),
            "nothing left after a cancel at {stop_at:?}: {left:?}"
        );
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let p = seen.clone();
    let progress = Progress::new(Arc::new(AtomicBool::new(false)), move |e| {
        p.lock().unwrap().push(e)
    });
    let to = dir.path().join("importé.catalyse");
    import_with(json.as_bytes(), &to, &progress).unwrap();
    let seen = seen.lock().unwrap().clone();
    assert!(seen
        .iter()
        .any(|e| e.phase == Phase::Writing && e.total.is_some() && Some(e.done) == e.total));
}

#[test]
fn bad_documents_are_refused_with_the_place_and_nothing_is_written() {
    let dir = tempfile::TempDir::new().unwrap();
    let good: Value = serde_json::from_str(&demo_json(dir.path())).unwrap();
    let to = dir.path().join("x.catalyse");
    let cases: Vec<(Value, &str)> = vec![
        (Value::String("bonjour".into()), "n'est pas un export"),
        (
            {
                let mut d = good.clone();
                d["format_version"] = 99.into();
                d
            },
            "Version de format",
        ),
        (
            {
                let mut d = good.clone();
                d["schema_version"] = (SCHEMA_VERSION + 1).into();
                d
            },
            "plus récente",
        ),
        (
            {
                let mut d = good.clone();
                d["tables"]["actor"][0]["world"] = "martien".into();
                d
            },
            "Table « actor », enregistrement 1 : « actor.world » n'a pas une valeur que cette version de Catalyse connaît",
        ),
        (
            {
                let mut d = good.clone();
                d["tables"]["actor"][1]["name"] = 42.into();
                d
            },
            "Table « actor », enregistrement 2",
        ),
        (
            {
                let mut d = good.clone();
                d["tables"]["actor"][0]["couleur"] = "bleu".into();
                d
            },
            "colonne inconnue « couleur »",
        ),
        (
            {
                let mut d = good.clone();
                d["tables"]["actor"][1]["uid"] = d["tables"]["actor"][0]["uid"].clone();
                d
            },
            "Table « actor », enregistrement 2 : doublon : « actor.uid » existe déjà",
        ),
        (
            {
                let mut d = good.clone();
                d["tables"]["contact"][0]["uid"] = d["tables"]["actor"][0]["uid"].clone();
                d
            },
            "est celle d'un enregistrement de « actor » et d'un enregistrement de « contact »",
        ),
        (
            {
                let mut d = good.clone();
                d["tables"]["actor"][2]["uid"] = "acteur-3".into();
                d
            },
            "Table « actor », enregistrement 3 : Identifiant d'enregistrement invalide : « acteur-3 »",
        ),
        (
            {
                let mut d = good.clone();
                d["tables"]["pirate"] = Value::Array(vec![]);
                d
            },
            "Table inconnue",
        ),
        (
            {
                let mut d = good.clone();
                d["tables"]["contact"][0]["actor_id"] = 999_999.into();
                d
            },
            "qui n'existe pas",
        ),
        (
            {
                let mut d = good.clone();
                d["tables"]["actor"][0]["name"] = Value::Bool(true);
                d
            },
            "du texte est attendu, pas true",
        ),
        (
            {
                // 501 needs: over the cap of a short list.
                let mut d = good.clone();
                let first = d["tables"]["need"][0].clone();
                let needs = d["tables"]["need"].as_array_mut().unwrap();
                needs.clear();
                for id in 1..=501 {
                    let mut n = first.clone();
                    n["id"] = id.into();
                    n["position"] = id.into();
                    n["uid"] = crate::db::store::new_uid().into();
                    needs.push(n);
                }
                d["tables"]["action_need"] = Value::Array(vec![]);
                d["tables"]["axis_need"] = Value::Array(vec![]);
                d
            },
            "Le fichier compte 501 enjeux : un projet en compte au plus 500.",
        ),
    ];
    for (doc, expected) in cases {
        let bytes = serde_json::to_vec(&doc).unwrap();
        let e = import(&bytes, &to).expect_err(expected);
        assert!(e.to_string().contains(expected), "{expected}: {e}");
        assert!(!to.exists(), "nothing written for {expected}");
    }
    let e = import(b"{ not json", &to).unwrap_err();
    assert!(e.to_string().contains("ligne 1"), "{e}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("importing"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_document_of_an_older_schema_is_migrated_on_import() {
    let dir = tempfile::TempDir::new().unwrap();
    let old = SCHEMA_VERSION - 1;
    let mut c = Connection::open_in_memory().unwrap();
    c.pragma_update(None, "foreign_keys", true).unwrap();
    crate::db::store::register_functions(&c).unwrap();
    let tx = c.transaction().unwrap();
    for index in 0..old as usize {
        crate::db::apply::apply(&tx, index).unwrap();
    }
    tx.pragma_update(None, "user_version", old).unwrap();
    tx.execute_batch(
        "INSERT INTO territory (id, name, kind) VALUES (1, 'Val', 'petr');
         INSERT INTO actor (id, name, world, commune, engagement, notes, created_at, updated_at)
           VALUES (1, 'Mairie', 'local_authority', '', 'informed', '', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');",
    )
    .unwrap();
    tx.commit().unwrap();
    let json = export(&c).unwrap();
    assert!(json.contains(&format!("\"schema_version\": {old}")));
    let to = dir.path().join("migré.catalyse");
    let out = import(json.as_bytes(), &to).unwrap();
    assert_eq!(out.from_schema, old);
    assert_eq!(out.counts["actors"], 1);
    let s = Store::open_with(&to, &dir.path().join("b")).unwrap();
    assert_eq!(s.list_actors().unwrap()[0].name, "Mairie");
}

#[test]
fn an_existing_file_is_never_replaced() {
    let dir = tempfile::TempDir::new().unwrap();
    let json = demo_json(dir.path());
    let to = dir.path().join("demo.catalyse");
    let before = std::fs::read(&to).unwrap();
    assert_eq!(
        import(json.as_bytes(), &to).unwrap_err().kind(),
        "already_exists"
    );
    assert_eq!(std::fs::read(&to).unwrap(), before);
}

#[test]
fn a_control_character_in_a_text_is_refused_naming_the_table_the_record_and_the_column() {
    let dir = tempfile::TempDir::new().unwrap();
    let good: Value = serde_json::from_str(&demo_json(dir.path())).unwrap();
    let to = dir.path().join("x.catalyse");
    let mut d = good.clone();
    d["tables"]["actor"][1]["name"] = "Mairie\u{1}de Val".into();
    let e = import(d.to_string().as_bytes(), &to).unwrap_err();
    assert_eq!(e.code(), Some("workspace_json.invalid"), "{e}");
    let message = e.to_string();
    assert!(
        message.contains("Table « actor », enregistrement 2 : « name »"),
        "{message}"
    );
    assert!(message.contains("caractère de contrôle"), "{message}");
    assert!(!to.exists(), "nothing written");
    // Tabs and line breaks are text, as the forms allow them in multi-line fields.
    let mut d = good;
    d["tables"]["actor"][1]["notes"] = "ligne 1\r\nligne 2\tfin".into();
    import(d.to_string().as_bytes(), &to).unwrap();
}

#[test]
fn a_document_is_imported_up_to_the_size_its_caller_allows() {
    let dir = tempfile::TempDir::new().unwrap();
    let json = demo_json(dir.path());
    let bytes = json.as_bytes();
    let most = bytes.len() as u64;
    let to = dir.path().join("petit.catalyse");
    let err = import_up_to(bytes, &to, &Progress::none(), most - 1).unwrap_err();
    assert!(err.to_string().contains("ce n'est pas un export"), "{err}");
    assert!(!to.exists());
    import_up_to(bytes, &to, &Progress::none(), most).unwrap();
    assert!(to.exists());
}

/// The document as the export wrote it before it was written record by record: the whole
/// tree of values, printed by `serde_json`.
fn document_as_a_tree(conn: &Connection) -> String {
    let schema: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let mut tables = Map::new();
    for table in data_tables(conn).unwrap() {
        let (cols, keys) = layout(conn, &table).unwrap();
        let order = if keys.is_empty() {
            "rowid".to_string()
        } else {
            keys.iter().map(|k| quote(k)).collect::<Vec<_>>().join(", ")
        };
        let names: Vec<String> = cols.iter().map(|c| quote(&c.name)).collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {order}",
            names.join(", "),
            quote(&table)
        );
        let mut st = conn.prepare(&sql).unwrap();
        let mut rows = st.query([]).unwrap();
        let mut out = Vec::new();
        while let Some(row) = rows.next().unwrap() {
            let mut obj = Map::new();
            for (i, c) in cols.iter().enumerate() {
                obj.insert(c.name.clone(), to_json(row.get_ref(i).unwrap()));
            }
            out.push(Value::Object(obj));
        }
        tables.insert(table, Value::Array(out));
    }
    let mut doc = Map::new();
    doc.insert("format".into(), FORMAT.into());
    doc.insert("format_version".into(), FORMAT_VERSION.into());
    doc.insert("app_version".into(), env!("CARGO_PKG_VERSION").into());
    doc.insert("schema_version".into(), schema.into());
    doc.insert("tables".into(), Value::Object(tables));
    let mut text = serde_json::to_string_pretty(&Value::Object(doc)).unwrap();
    text.push('\n');
    text
}

#[test]
fn the_document_written_record_by_record_is_the_whole_trees_text() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut s = crate::demo::write_demo(&dir.path().join("demo.catalyse")).unwrap();
    s.create_actor(&crate::actors::ActorInput {
        name: "Café « Le Lien »".into(),
        world: "association".into(),
        commune: "Trélon".into(),
        insee: None,
        engagement: "informed".into(),
        notes: "ligne 1\nligne 2 \"citée\"\t\\ fin".into(),
    })
    .unwrap();
    let written = s.export_json().unwrap();
    assert_eq!(written, document_as_a_tree(&s.conn));
    // And a workspace with empty tables (a new one).
    let new = Store::create(
        &dir.path().join("vide.catalyse"),
        &crate::project::NewWorkspace {
            territory_name: "PETR du Val".into(),
            territory_kind: "petr".into(),
            project_title: "Projet de territoire".into(),
        },
    )
    .unwrap();
    assert_eq!(new.export_json().unwrap(), document_as_a_tree(&new.conn));
}
