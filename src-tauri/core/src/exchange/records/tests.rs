//! The tests of the import of actors, links and meetings (and of their export).

use super::*;
use crate::actors::testing::schema;
use crate::actors::ActorInput;
use crate::exchange::tabular::CELL_MAX;
use crate::network::{parse_hours, ActorProfile, Introducer, MemberInput};
use crate::shared::domain::{Engagement, LinkNature, World};
use crate::shared::error::CoreResult;
use crate::shared::progress::{Phase, Progress};
use crate::shared::sheet::format_hours;

mod exports;
mod links_and_meetings;
mod places;

fn store() -> Store {
    Store::open_in_memory().unwrap()
}

fn demo() -> Store {
    let mut s = store();
    crate::demo::populate(&mut s).unwrap();
    s
}

fn csv(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

fn actors_csv(s: &mut Store, text: &str) -> CoreResult<ImportOutcome> {
    s.import(ExchangeKind::Actors, &csv(text), FileFormat::Csv, false)
}

/// Everything derived from the records, in key order.
/// The journal entries of `tables`, in order, batches expanded: (table, op, record, after).
fn entries(s: &Store) -> Vec<(String, i64, String, String)> {
    let mut st = s
        .conn
        .prepare(&format!(
            "SELECT tbl, op, record, quote(after) FROM {}
                 WHERE tbl IN ('actor', 'actor_tag', 'contact') ORDER BY id, pos",
            crate::db::journal::ENTRIES
        ))
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_bulk_import_journals_what_the_triggers_journal_row_by_row() {
    let mut text = String::from("Nom;Monde;Commune;Étiquettes;Contact;Fonction du contact\n");
    for i in 0..40 {
        text.push_str(&format!(
            "Acteur {i};Association / ESS;Gap;{};{}\n",
            if i % 4 == 0 { "zèbre, alpha" } else { "" },
            if i % 3 == 0 {
                format!("Hélène {i};Présidente")
            } else {
                ";".into()
            }
        ));
    }
    let mut bulk = demo();
    bulk.import(
        ExchangeKind::Actors,
        text.as_bytes(),
        FileFormat::Csv,
        false,
    )
    .unwrap();
    // The same rows inserted one by one into a copy of the workspace before the import,
    // in the order the import writes them: each fires its journal trigger.
    let mut by_row = demo();
    let tx = by_row.conn.transaction().unwrap();
    for (table, key) in [
        ("actor", "id"),
        ("actor_tag", "actor_id"),
        ("contact", "id"),
    ] {
        let first: i64 = tx
            .query_row(
                &format!("SELECT coalesce(max({key}), 0) + 1 FROM {table}"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        let mut st = bulk
            .conn
            .prepare(&format!(
                "SELECT * FROM {table} WHERE {key} >= ?1 ORDER BY {key}, uid"
            ))
            .unwrap();
        let n = st.column_count();
        let rows: Vec<Vec<rusqlite::types::Value>> = st
            .query_map([first], |r| (0..n).map(|i| r.get(i)).collect())
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(!rows.is_empty(), "{table}");
        let marks = vec!["?"; n].join(", ");
        for row in rows {
            tx.execute(
                &format!("INSERT INTO {table} VALUES ({marks})"),
                rusqlite::params_from_iter(row),
            )
            .unwrap();
        }
    }
    tx.commit().unwrap();
    // The demo's own entries name other identities in each store: compare what follows.
    let before = entries(&demo()).len();
    let (imported, one_by_one) = (&entries(&bulk)[before..], &entries(&by_row)[before..]);
    assert_eq!(imported.len(), 40 + 20 + 14);
    let first_difference = imported.iter().zip(one_by_one).find(|(a, b)| a != b);
    assert_eq!(first_difference, None);
    assert_eq!(imported.len(), one_by_one.len());
    // Stored as one batch entry per table, each saying its count and range of identities.
    let batches: Vec<(String, i64, i64)> = bulk
        .conn
        .prepare(
            "SELECT tbl, before, record = (SELECT min(json_extract(value, '$.uid')) FROM json_each(catalyse_rows(after)))
                          AND field = (SELECT max(json_extract(value, '$.uid')) FROM json_each(catalyse_rows(after)))
                          AND typeof(after) = 'blob'
             FROM change WHERE op = 4 ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        batches,
        [
            ("actor".to_string(), 40, 1),
            ("actor_tag".to_string(), 20, 1),
            ("contact".to_string(), 14, 1)
        ]
    );
    // One change set for the import, labelled.
    let sets: i64 = bulk
        .conn
        .query_row(
            "SELECT count(DISTINCT set_id) FROM change WHERE set_id =
                     (SELECT max(id) FROM change_set WHERE label LIKE '%import%')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sets, 1);
}

fn derived(s: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT rowid || '|' || title || '|' || body FROM search_index ORDER BY rowid",
        "SELECT actor_id || '|' || sort || '|' || name || '|' || commune || '|' || world || '|' || engagement FROM actor_key ORDER BY actor_id",
        "SELECT kind || '|' || id || '|' || title FROM search_key ORDER BY kind, id",
    ] {
        out.extend(crate::actors::testing::texts(s, sql));
    }
    out
}

#[test]
fn a_bulk_import_derives_exactly_what_the_triggers_derive() {
    // The same actors, imported in bulk (triggers and indexes set aside) and created one by
    // one through the triggers: the search index and the list keys must be identical.
    let n = crate::db::bulk::REBUILD_FROM + 5;
    let mut text = String::from(
        "Nom;Monde;Commune;Niveau d'engagement;Besoins;Contributions;Notes;Étiquettes;Contact;Fonction du contact\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "Œuvre n° {i} des Écrins;Association / ESS;{};Partenaire;besoin {i};apport;note {i};a, b;{}\n",
            crate::actors::testing::REAL_COMMUNES[i % 17],
            if i % 3 == 0 { format!("Hélène Müller {i};Présidente") } else { ";".into() }
        ));
    }
    let mut bulk = store();
    let before = schema(&bulk);
    let out = bulk
        .import(
            ExchangeKind::Actors,
            text.as_bytes(),
            FileFormat::Csv,
            false,
        )
        .unwrap();
    assert_eq!(out.written, n);
    assert_eq!(
        schema(&bulk),
        before,
        "the schema is put back exactly as it was"
    );
    let mut one_by_one = store();
    for i in 0..n {
        let a = one_by_one
            .create_actor(&ActorInput {
                name: format!("Œuvre n° {i} des Écrins"),
                world: "association".into(),
                commune: crate::actors::testing::REAL_COMMUNES[i % 17].into(),
                insee: crate::geo::place::place(crate::actors::testing::REAL_COMMUNES[i % 17], &[]),
                engagement: "partner".into(),
                notes: format!("note {i}"),
            })
            .unwrap();
        one_by_one
            .update_actor_profile(
                a.id,
                &ActorProfile {
                    needs: format!("besoin {i}"),
                    contributions: "apport".into(),
                    influence: None,
                    interest: None,
                    tags: vec!["a".into(), "b".into()],
                },
            )
            .unwrap();
        if i % 3 == 0 {
            one_by_one
                .create_contact(
                    a.id,
                    &crate::network::ContactInput {
                        name: format!("Hélène Müller {i}"),
                        role: "Présidente".into(),
                        email: String::new(),
                        phone: String::new(),
                        notes: String::new(),
                    },
                )
                .unwrap();
        }
    }
    let (bulk_derived, one_derived) = (derived(&bulk), derived(&one_by_one));
    assert_eq!(bulk_derived.len(), one_derived.len());
    let first_difference = bulk_derived.iter().zip(&one_derived).find(|(a, b)| a != b);
    assert_eq!(first_difference, None);
    assert_eq!(bulk.search("helene muller 3").unwrap()[0].kind, "contact");
    let ok: String = bulk
        .conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    // Searches and lists see the imported actors.
    assert_eq!(bulk.search("ecrins").unwrap()[0].kind, "actor");
    // Links in bulk too: the indexes come back and duplicates stay refused.
    let mut links = String::from("Acteur A;Acteur B;Nature\n");
    for i in 0..n - 1 {
        links.push_str(&format!(
            "Œuvre n° {i} des Écrins;Œuvre n° {} des Écrins;Partenariat\n",
            i + 1
        ));
    }
    let out = bulk
        .import(
            ExchangeKind::Links,
            links.as_bytes(),
            FileFormat::Csv,
            false,
        )
        .unwrap();
    assert_eq!(out.written, n - 1);
    assert_eq!(schema(&bulk), before);
    let again = bulk
        .import(
            ExchangeKind::Links,
            links.as_bytes(),
            FileFormat::Csv,
            false,
        )
        .unwrap();
    assert_eq!((again.written, again.skipped_duplicates), (0, n - 1));
    let fk: i64 = bulk
        .conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
    let on: bool = bulk
        .conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert!(on, "foreign keys are enforced again after a bulk write");
}

#[test]
fn an_export_reports_its_progress_and_a_cancelled_one_writes_no_file() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let mut text = String::from("Nom;Monde\n");
    for i in 0..10_000 {
        text.push_str(&format!("Acteur {i};Entreprise\n"));
    }
    let mut s = store();
    s.import(
        ExchangeKind::Actors,
        text.as_bytes(),
        FileFormat::Csv,
        false,
    )
    .unwrap();
    let dir = tempfile::TempDir::new().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let p = seen.clone();
    let progress = Progress::new(Arc::new(AtomicBool::new(false)), move |e| {
        p.lock().unwrap().push(e)
    });
    let path = dir.path().join("acteurs.csv");
    let rows = s
        .export_file_with(ExchangeKind::Actors, &path, false, &progress)
        .unwrap();
    assert_eq!(rows, 10_000);
    let seen = seen.lock().unwrap().clone();
    assert!(seen
        .iter()
        .all(|e| e.phase == Phase::Exporting && e.total == Some(10_000)));
    assert_eq!(seen.last().map(|e| e.done), Some(10_000), "{seen:?}");
    // Cancelled halfway: no file, not even a temporary one.
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    let cancel = Progress::new(flag.clone(), move |e| {
        if e.done >= 4096 {
            f.store(true, Ordering::Relaxed);
        }
    });
    let other = dir.path().join("autre.csv");
    let err = s
        .export_file_with(ExchangeKind::Actors, &other, false, &cancel)
        .unwrap_err();
    assert_eq!(err.kind(), "cancelled");
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files, [std::ffi::OsString::from("acteurs.csv")]);
}

#[test]
fn an_import_reports_its_progress_and_a_cancelled_one_writes_nothing() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let mut text = String::from("Nom;Monde\n");
    for i in 0..20_000 {
        text.push_str(&format!("Acteur {i};Entreprise\n"));
    }
    let mut s = store();
    let phases = Arc::new(Mutex::new(Vec::new()));
    let p = phases.clone();
    let progress = Progress::new(Arc::new(AtomicBool::new(false)), move |e| {
        p.lock().unwrap().push(e)
    });
    let prepared = s
        .prepare_import(
            ExchangeKind::Actors,
            text.as_bytes(),
            FileFormat::Csv,
            &progress,
        )
        .unwrap();
    s.commit_import(prepared, false, &progress).unwrap();
    let seen = phases.lock().unwrap().clone();
    for phase in [
        Phase::Reading,
        Phase::Checking,
        Phase::Writing,
        Phase::Indexing,
    ] {
        assert!(
            seen.iter().any(|e| e.phase == phase),
            "{phase:?} reported: {seen:?}"
        );
    }
    assert!(seen
        .iter()
        .any(|e| e.phase == Phase::Writing && e.total == Some(20_000) && e.done == 20_000));
    // Cancelled while writing: nothing is written, the workspace is as it was.
    let mut more = String::from("Nom;Monde\n");
    for i in 0..20_000 {
        more.push_str(&format!("Autre {i};Entreprise\n"));
    }
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    let cancel_when_writing = Progress::new(flag.clone(), move |e| {
        if e.phase == Phase::Writing && e.done > 0 {
            f.store(true, Ordering::Relaxed);
        }
    });
    let prepared = s
        .prepare_import(
            ExchangeKind::Actors,
            more.as_bytes(),
            FileFormat::Csv,
            &cancel_when_writing,
        )
        .unwrap();
    let err = s
        .commit_import(prepared, false, &cancel_when_writing)
        .unwrap_err();
    assert_eq!(err.kind(), "cancelled");
    assert_eq!(s.counts().unwrap()["actors"], 20_000);
    assert!(s.search("autre").unwrap().is_empty());
    // The triggers are back: a new actor is searchable.
    s.create_actor(&ActorInput {
        name: "Nouvel acteur".into(),
        world: "business".into(),
        commune: String::new(),
        insee: None,
        engagement: "informed".into(),
        notes: String::new(),
    })
    .unwrap();
    assert_eq!(s.search("nouvel").unwrap().len(), 1);
    // A file checked before the workspace changed must be checked again.
    let stale = s
        .prepare_import(
            ExchangeKind::Actors,
            more.as_bytes(),
            FileFormat::Csv,
            &Progress::none(),
        )
        .unwrap();
    s.create_actor(&ActorInput {
        name: "Encore un".into(),
        world: "business".into(),
        commune: String::new(),
        insee: None,
        engagement: "informed".into(),
        notes: String::new(),
    })
    .unwrap();
    let err = s
        .commit_import(stale, false, &Progress::none())
        .unwrap_err();
    assert_eq!(err.code(), Some("import.stale"));
}

#[test]
fn actors_from_a_windows_1252_file_with_french_headers_and_labels() {
    let mut s = store();
    // "NOM;monde;Commune;Niveau d'engagement;Intérêt;Étiquettes;Contact;Courriel" with
    // accents in Windows-1252 (é = 0xE9, É = 0xC9).
    let mut bytes =
        b"NOM;monde;Commune;Niveau d'engagement;Int\xE9r\xEAt;\xC9tiquettes;Contact;Courriel\r\n"
            .to_vec();
    bytes.extend(b"Scierie Blanc;entreprise;Larrieu;partenaire;4;bois, fili\xE8re;Jean Blanc;jean@scierie.fr\r\n");
    bytes.extend(b"Les \xC9crins solidaires;ASSOCIATION / ess;Gap;;;;;\r\n");
    bytes.extend(b"Mairie;local_authority;Gap;lead;;;;\r\n");
    let preview = s
        .import_preview(ExchangeKind::Actors, &bytes, FileFormat::Csv)
        .unwrap();
    assert_eq!(preview.encoding, "Windows-1252");
    assert_eq!(preview.separator.as_deref(), Some(";"));
    assert_eq!(preview.problems, vec![]);
    assert_eq!((preview.rows, preview.ready), (3, 3));
    let fields: Vec<_> = preview
        .columns
        .iter()
        .map(|c| c.field.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        fields,
        [
            "name",
            "world",
            "commune",
            "engagement",
            "interest",
            "tags",
            "contact_name",
            "contact_email"
        ]
    );
    assert_eq!(s.counts().unwrap()["actors"], 0, "a preview writes nothing");
    let out = s
        .import(ExchangeKind::Actors, &bytes, FileFormat::Csv, false)
        .unwrap();
    assert_eq!((out.written, out.skipped_duplicates), (3, 0));
    let actors = s.list_actors().unwrap();
    let blanc = actors.iter().find(|a| a.name == "Scierie Blanc").unwrap();
    assert_eq!(blanc.world, World::Business);
    assert_eq!(blanc.engagement, Engagement::Partner);
    let p = s.actor_profile(blanc.id).unwrap();
    assert_eq!(p.interest, Some(4));
    assert_eq!(p.tags, vec!["bois", "filière"]);
    let c = s.list_contacts(blanc.id).unwrap();
    assert_eq!(
        (c[0].name.as_str(), c[0].email.as_str()),
        ("Jean Blanc", "jean@scierie.fr")
    );
    let ecrins = actors
        .iter()
        .find(|a| a.name == "Les Écrins solidaires")
        .unwrap();
    assert_eq!(ecrins.world, World::Association);
    assert_eq!(
        ecrins.engagement,
        Engagement::Informed,
        "empty engagement: the default"
    );
    assert!(s
        .search("ecrins")
        .unwrap()
        .iter()
        .any(|h| h.id == ecrins.id));
}

#[test]
fn every_row_problem_is_listed_with_line_and_column_and_nothing_is_written() {
    let mut s = store();
    let text = "Nom,Monde,Influence,Courriel\n\
                Bon acteur,Entreprise,3,\n\
                ,Entreprise,,\n\
                Acteur X,Planète,9,pas-un-courriel\n\
                Acteur Y,État et agences,2,,en trop\n";
    let p = s
        .import_preview(ExchangeKind::Actors, &csv(text), FileFormat::Csv)
        .unwrap();
    assert_eq!(p.separator.as_deref(), Some(","));
    let got: Vec<(usize, Option<&str>)> = p
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, Some("Nom")),
            (4, Some("Monde")),
            (4, Some("Influence")),
            (4, Some("Courriel")),
            (5, None),
        ],
        "{:#?}",
        p.problems
    );
    assert!(
        p.problems[1].message.contains("Planète"),
        "{}",
        p.problems[1].message
    );
    assert!(p.problems[1].message.contains("Association / ESS"));
    // Coded, for the English interface: which kind of problem, and the value at fault.
    let coded: Vec<(&str, Option<&str>)> = p
        .problems
        .iter()
        .map(|x| (x.code.as_str(), x.value.as_deref()))
        .collect();
    assert_eq!(coded[0].0, "text.empty");
    assert_eq!(coded[1], ("unknown_value", Some("Planète")));
    assert_eq!(coded[2], ("number.invalid", Some("9")));
    assert_eq!(p.problems[2].args["max"], "5");
    assert_eq!(coded[3].0, "email.invalid");
    assert_eq!(p.ready, 0);
    let e = actors_csv(&mut s, text).unwrap_err();
    assert_eq!(e.code(), Some("import.problems"));
    assert!(e.to_string().contains("Ligne 3, colonne « Nom »"), "{e}");
    assert_eq!(s.counts().unwrap()["actors"], 0);
}

#[test]
fn a_control_character_in_an_imported_text_is_refused_as_in_the_forms() {
    let mut s = store();
    let text = "Nom;Monde;Notes\nMairie\u{1}de Val;Entreprise;\nBon;Entreprise;note\u{85}fin\n";
    let p = s
        .import_preview(ExchangeKind::Actors, &csv(text), FileFormat::Csv)
        .unwrap();
    let got: Vec<(usize, Option<&str>, &str)> = p
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_deref(), p.code.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, Some("Nom"), "text.control"),
            (3, Some("Notes"), "text.control")
        ],
        "{:#?}",
        p.problems
    );
    assert!(actors_csv(&mut s, text).is_err());
    assert_eq!(s.counts().unwrap()["actors"], 0);
}

#[test]
fn missing_columns_duplicate_columns_and_empty_files_are_named() {
    let s = store();
    let p = s
        .import_preview(
            ExchangeKind::Actors,
            &csv("Nom;Ville\nA;Gap\n"),
            FileFormat::Csv,
        )
        .unwrap();
    assert_eq!(p.problems.len(), 1);
    assert!(
        p.problems[0].message.contains("« Monde »"),
        "{}",
        p.problems[0]
    );
    assert_eq!(
        (p.problems[0].code.as_str(), p.problems[0].value.as_deref()),
        ("column.missing", Some("Monde"))
    );
    assert!(p.problems[0].args["known"].starts_with("Nom, Monde"));
    let p = s
        .import_preview(
            ExchangeKind::Actors,
            &csv("Nom;Monde;Nom\nA;État;B\n"),
            FileFormat::Csv,
        )
        .unwrap();
    assert!(p.problems[0].message.contains("deux fois"));
    assert_eq!(p.problems[0].code, "column.duplicate");
    assert_eq!(
        (
            p.problems[0].args["first"].as_str(),
            p.problems[0].args["again"].as_str()
        ),
        ("1", "3")
    );
    let p = s
        .import_preview(ExchangeKind::Actors, &csv("Nom;Monde\n"), FileFormat::Csv)
        .unwrap();
    assert!(p.problems[0].message.contains("aucune ligne de données"));
    assert_eq!(
        (p.problems[0].line, p.problems[0].code.as_str()),
        (0, "file.no_rows")
    );
    let e = s
        .import_preview(ExchangeKind::Actors, b"", FileFormat::Csv)
        .unwrap_err();
    assert_eq!(e.code(), Some("file.empty"));
    // Unknown columns are shown as ignored, not refused.
    let p = s
        .import_preview(
            ExchangeKind::Actors,
            &csv("Nom;Monde;SIRET\nA;État et agences;123\n"),
            FileFormat::Csv,
        )
        .unwrap();
    assert!(p.problems.is_empty());
    assert_eq!(p.columns[2].field, None);
}

#[test]
fn duplicates_are_reported_and_left_out_unless_kept() {
    let mut s = store();
    actors_csv(
        &mut s,
        "Nom;Monde;Commune\nScierie Blanc;Entreprise;Larrieu\n",
    )
    .unwrap();
    let text = "Nom;Monde;Commune\n\
                SCIERIE BLANC;Entreprise;larrieu\n\
                Ferme du Pic;Entreprise;Gap\n\
                Ferme du pic;Association / ESS;Gap\n\
                Ferme du Pic;Entreprise;Veynes\n";
    let p = s
        .import_preview(ExchangeKind::Actors, &csv(text), FileFormat::Csv)
        .unwrap();
    let d: Vec<(usize, Option<usize>)> = p
        .duplicates
        .iter()
        .map(|d| (d.line, d.same_as_line))
        .collect();
    assert_eq!(d, vec![(2, None), (4, Some(3))]);
    // The commune as the list names it (the fictional one of the demo here).
    assert_eq!(p.duplicates[0].label, "SCIERIE BLANC (Larrieu)");
    assert_eq!(p.ready, 2);
    let out = actors_csv(&mut s, text).unwrap();
    assert_eq!((out.written, out.skipped_duplicates), (2, 2));
    assert_eq!(s.counts().unwrap()["actors"], 3);
    let out = s
        .import(ExchangeKind::Actors, &csv(text), FileFormat::Csv, true)
        .unwrap();
    assert_eq!(out.written, 4);
    assert_eq!(s.counts().unwrap()["actors"], 7);
}

fn team(s: &mut Store, name: &str) -> i64 {
    s.create_member(&MemberInput {
        name: name.into(),
        role: "Chargée de mission".into(),
        structure: "PETR".into(),
        is_user: false,
    })
    .unwrap()
    .id
}
