//! The tests of [`crate::safety::rgpd`]: the forms of a name found and replaced, a person's
//! export, their erasure (no text, journal entry or byte of the file left naming them).

use super::find::mentions;
use super::forms::{is_phone, replace_all, replace_name};
use super::*;
use crate::db::store::Store;
use crate::db::tables::{data_tables, layout, quote};
use crate::shared::text::fold;
use serde_json::Value;

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::TempDir::new().unwrap();
    let s = crate::demo::write_demo(&dir.path().join("d.catalyse")).unwrap();
    (dir, s)
}

#[test]
fn a_phone_is_replaced_whatever_is_written_between_its_digits() {
    let forms = ["0612345678".to_string()];
    assert_eq!(
        replace_all(
            "Tél. 06 12 34 56 78, ou 06.12.34.56.78 ; pas 06 12 34 56 79.",
            &forms
        ),
        "Tél. [personne effacée], ou [personne effacée] ; pas 06 12 34 56 79."
    );
    assert_eq!(replace_all("n° 106123456789", &forms), "n° 106123456789");
    assert!(is_phone("+33 6 12 34 56 78") && !is_phone("Élodie") && !is_phone("12 34"));
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
    let doc: Value = serde_json::from_str(&s.person_export(Person::Contact(id)).unwrap()).unwrap();
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
        &crate::actors::ActorInput {
            name: a.name.clone(),
            world: a.world.code().into(),
            commune: a.commune.clone(),
            insee: None,
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
    // And the journal entries that name her: her contact's creation, the notes' edit.
    let doc: Value = serde_json::from_str(&export).unwrap();
    let entries = doc["journal"].as_array().unwrap();
    assert!(entries
        .iter()
        .any(|e| e["table"] == "contact" && e["op"] == "insert"));
    assert!(entries.iter().any(|e| e["table"] == "actor"
        && e["field"] == "notes"
        && e["after"].as_str().unwrap_or("").contains("ELODIE MARTIN")));
    assert!(entries
        .iter()
        .all(|e| e["author"].is_string() && e["at"].is_string()));
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

fn contact(s: &mut Store, actor: i64, name: &str, email: &str, phone: &str) -> i64 {
    s.create_contact(
        actor,
        &crate::network::ContactInput {
            name: name.into(),
            role: "Chargée de mission".into(),
            email: email.into(),
            phone: phone.into(),
            notes: String::new(),
        },
    )
    .unwrap()
    .id
}

/// The words of the person that must not be found anywhere in the file's bytes, folded
/// (case, accents), and the folded bytes of the file and of its WAL.
fn leftovers(path: &std::path::Path, words: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for suffix in ["", "-wal", " (lots du journal, décompressés)"] {
        let file = crate::db::store::companion(path, suffix);
        let bytes = match suffix.starts_with(' ') {
            // The journal's packed batches (db/packed.rs) hide their text from a byte scan:
            // read as the JSON they hold.
            true => packed_batches(path).into_bytes(),
            false => match std::fs::read(&file) {
                Ok(bytes) => bytes,
                Err(_) => continue,
            },
        };
        let text = fold(&String::from_utf8_lossy(&bytes));
        // Each run of digits (with the spaces, dots and dashes a phone is written with),
        // digits alone: a phone stored with or without its spaces.
        let mut runs: Vec<String> = vec![String::new()];
        for c in String::from_utf8_lossy(&bytes).chars() {
            if c.is_ascii_digit() {
                runs.last_mut().unwrap().push(c);
            } else if !matches!(c, ' ' | '.' | '-' | '\u{a0}') {
                runs.push(String::new());
            }
        }
        let digits = runs.join("|");
        for w in words {
            let w = fold(w);
            let hit = if w.chars().all(|c| c.is_ascii_digit()) {
                digits.contains(&w)
            } else {
                text.contains(&w)
            };
            if hit {
                found.push(format!("{}{suffix}: {w}", path.display()));
            }
        }
    }
    found
}

/// The text of every packed batch of the journal of the workspace at `path`.
fn packed_batches(path: &std::path::Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    crate::db::packed::register(&conn, rusqlite::functions::FunctionFlags::SQLITE_UTF8).unwrap();
    let texts: Vec<String> = conn
        .prepare("SELECT catalyse_rows(after) FROM change WHERE op = 4 AND typeof(after) = 'blob'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    texts.join("\n")
}

/// After an erasure, no byte of the workspace file nor of its WAL holds any form of the
/// person's name, e-mail or phone: not the texts that named them (replaced), not the
/// journal (scrubbed, by every route: her contact, an older contact of hers deleted
/// before, the texts), not the search index's segments (merged), not freed space
/// (rewritten), not the WAL (checkpointed and truncated). The file is read as bytes.
#[test]
fn an_erasure_leaves_no_byte_of_the_person_in_the_file_nor_its_wal() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("d.catalyse");
    let mut s = crate::demo::write_demo(&path).unwrap();
    let actors = s.list_actors().unwrap();
    let (a, b) = (actors[0].id, actors[1].id);
    // An older contact of hers, at another actor, deleted before the erasure.
    let old = contact(
        &mut s,
        b,
        "ÉLODIE Martin",
        "elodie.martin@exemple.fr",
        "06 12 34 56 78",
    );
    s.delete_contact(old).unwrap();
    let her = contact(
        &mut s,
        a,
        "Élodie Martin",
        "e.martin@exemple.fr",
        "0612345678",
    );
    // Her e-mail changed once: the journal held the former one.
    s.update_contact(
        her,
        &crate::network::ContactInput {
            name: "Élodie Martin".into(),
            role: "Chargée de mission".into(),
            email: "elodie.martin@exemple.fr".into(),
            phone: "0612345678".into(),
            notes: "Joignable le matin.".into(),
        },
    )
    .unwrap();
    // Texts naming her, one edited since (its former text freed in the file).
    let mut actor = s.actor(a).unwrap();
    for notes in [
        "Rencontrée avec elodie martin (elodie.martin@exemple.fr, 06 12 34 56 78).",
        "Rappeler ÉLODIE MARTIN au 06 12 34 56 78.",
    ] {
        actor.notes = notes.into();
        s.update_actor(
            a,
            &crate::actors::ActorInput {
                name: actor.name.clone(),
                world: actor.world.code().into(),
                commune: actor.commune.clone(),
                insee: None,
                engagement: actor.engagement.code().into(),
                notes: actor.notes.clone(),
            },
        )
        .unwrap();
    }
    let words = [
        "elodie",
        "martin",
        "elodie.martin@exemple.fr",
        "e.martin@exemple.fr",
        "0612345678",
    ];
    assert!(
        !leftovers(&path, &words).is_empty(),
        "the file holds her before"
    );
    s.person_erase(Person::Contact(her)).unwrap();
    let left = leftovers(&path, &words);
    assert!(left.is_empty(), "{left:#?}");
    // The workspace is sound and still searchable.
    let ok: String = s
        .conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    assert!(s.search("martin").unwrap().is_empty());
    assert!(!s.search(&actors[2].name).unwrap().is_empty());
    drop(s);
    let left = leftovers(&path, &words);
    assert!(left.is_empty(), "after closing: {left:#?}");
}

/// An erasure cannot be undone, and no older change set brings the person's data back:
/// the sets that created or edited her contact, or deleted an older contact of hers,
/// are refused; a member's older self-assessment, deleted before, cannot come back.
#[test]
fn neither_the_erasure_nor_an_older_change_set_brings_the_person_back() {
    let (_d, mut s) = demo();
    let newest = |s: &Store| -> i64 {
        s.conn
            .query_row("SELECT max(id) FROM change_set", [], |r| r.get(0))
            .unwrap()
    };
    let actors = s.list_actors().unwrap();
    let old = contact(
        &mut s,
        actors[1].id,
        "Élodie Martin",
        "elodie@exemple.fr",
        "",
    );
    s.delete_contact(old).unwrap();
    let deleted_old = newest(&s);
    let her = contact(
        &mut s,
        actors[0].id,
        "Élodie Martin",
        "e.martin@exemple.fr",
        "",
    );
    let created = newest(&s);
    let mut input = crate::network::ContactInput {
        name: "Élodie Martin".into(),
        role: String::new(),
        email: "elodie.martin@exemple.fr".into(),
        phone: String::new(),
        notes: String::new(),
    };
    s.update_contact(her, &input).unwrap();
    let edited = newest(&s);
    // A member's self-assessment deleted before the erasure.
    let member: i64 = s
        .conn
        .query_row(
            "SELECT member_id FROM self_assessment GROUP BY member_id HAVING count(*) > 1 LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let assessment: i64 = s
        .conn
        .query_row(
            "SELECT id FROM self_assessment WHERE member_id = ?1 ORDER BY id LIMIT 1",
            [member],
            |r| r.get(0),
        )
        .unwrap();
    s.delete_assessment(assessment).unwrap();
    let deleted_assessment = newest(&s);
    s.person_erase(Person::Contact(her)).unwrap();
    let erasure = newest(&s);
    s.person_erase(Person::Member(member)).unwrap();
    for set in [erasure, newest(&s)] {
        assert_eq!(
            s.undo_change_set(set).unwrap_err().code(),
            Some("undo.rgpd")
        );
    }
    for set in [deleted_old, created, edited, deleted_assessment] {
        let e = s.undo_change_set(set).unwrap_err();
        assert_eq!(e.code(), Some("undo.rgpd_erased"), "set {set}: {e}");
    }
    let found: i64 = s
        .conn
        .query_row(
            "SELECT count(*) FROM contact WHERE name LIKE '%Martin%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(found, 0);
    let assessments: i64 = s
        .conn
        .query_row(
            "SELECT count(*) FROM self_assessment WHERE member_id = ?1",
            [member],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(assessments, 0);
    // The journal keeps no rating of hers: the older assessment's entries keep only
    // their identity.
    let kept: i64 = s
        .conn
        .query_row(
            "SELECT count(*) FROM change WHERE tbl IN ('self_assessment', 'competence_rating', 'competence_evidence')
             AND ((json_valid(before) AND json_extract(before, '$.level') IS NOT NULL)
               OR (json_valid(after) AND json_extract(after, '$.notes') IS NOT NULL
                   AND json_extract(after, '$.member_id') = (SELECT uid FROM member WHERE id = ?1)))",
            [member],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 0);
    input.name = "Autre".into();
    let _ = input;
}

/// A person imported with a file's actors, inside the import's batch of contacts: found and
/// exported (her record alone, not the batch's others), then erased with no byte of her left
/// in the file, the batch rewritten without her (its count and range of identities those of
/// the others) and still told as the records it holds.
#[test]
fn a_person_inside_an_import_batch_is_found_exported_and_erased_from_it() {
    use crate::exchange::{tabular::FileFormat, ExchangeKind};
    let (dir, mut s) = demo();
    let path = dir.path().join("d.catalyse");
    let mut csv = String::from("Nom;Monde;Contact;E-mail\n");
    for i in 0..30 {
        let (who, mail) = match i {
            // First of the batch: the smallest identity, the batch's own `record`.
            0 => (
                "Ophélie Granger".to_string(),
                "o.granger@exemple.fr".to_string(),
            ),
            _ => (format!("Personne {i}"), format!("p{i}@exemple.fr")),
        };
        csv.push_str(&format!("Lot {i};Entreprise;{who};{mail}\n"));
    }
    s.import(ExchangeKind::Actors, csv.as_bytes(), FileFormat::Csv, false)
        .unwrap();
    let set: i64 = s
        .conn
        .query_row("SELECT max(id) FROM change_set", [], |r| r.get(0))
        .unwrap();
    let (her, her_uid): (i64, String) = s
        .conn
        .query_row(
            "SELECT id, uid FROM contact WHERE name = 'Ophélie Granger'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let batch = |s: &Store| -> (i64, String, String) {
        s.conn
            .query_row(
                "SELECT before, record, catalyse_rows(after) FROM change
                 WHERE op = 4 AND tbl = 'contact' AND typeof(after) = 'blob'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    };
    assert_eq!(batch(&s).0, 30);
    assert_eq!(batch(&s).1, her_uid);
    let export = s.person_export(Person::Contact(her)).unwrap();
    assert!(export.contains("o.granger@exemple.fr"), "{export}");
    assert!(
        !export.contains("p7@exemple.fr"),
        "only her record of the batch"
    );
    let words = ["granger", "ophelie", "o.granger@exemple.fr"];
    assert!(!leftovers(&path, &words).is_empty());
    let told = s.change_set_summary(set).unwrap().changes;
    s.person_erase(Person::Contact(her)).unwrap();
    let left = leftovers(&path, &words);
    assert!(left.is_empty(), "{left:#?}");
    let (count, first, after) = batch(&s);
    assert_eq!(count, 29);
    assert!(!after.contains(&her_uid) && first != her_uid);
    let smallest: String = s
        .conn
        .query_row(
            "SELECT min(uid) FROM contact WHERE name LIKE 'Personne %'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(first, smallest);
    assert_eq!(s.change_set_summary(set).unwrap().changes, told - 1);
    drop(s);
    assert!(leftovers(&path, &words).is_empty());
}

/// Found by the change files' fuzz: a contact whose name was another record's identity (a
/// hostile file may say anything) was erased, and the erasure wrote « [personne effacée] »
/// into that actor's `uid`. An erasure rewrites free texts only: never an identity, a
/// reference, a code, a date, nor a key of the journal's records (a person called
/// « Nature »).
#[test]
fn an_erasure_rewrites_free_texts_never_identities_codes_dates_or_the_journals_keys() {
    let (_d, mut s) = demo();
    let ids: Vec<i64> = s
        .conn
        .prepare("SELECT id FROM actor ORDER BY id LIMIT 2")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let link = s
        .create_link(&crate::network::LinkInput {
            actor_a: ids[0],
            actor_b: ids[1],
            nature: "funding".into(),
            strength: 2,
            since: Some("2024-03-01".into()),
            notes: "Vu avec Nature et 2024".into(),
            introduced_by: None,
            meeting_id: None,
        })
        .unwrap();
    let target: String = s
        .conn
        .query_row("SELECT uid FROM actor WHERE id = ?1", [ids[1]], |r| {
            r.get(0)
        })
        .unwrap();
    let journal = |s: &Store| -> Vec<(i64, Option<String>)> {
        s.conn
            .prepare("SELECT id, after FROM change WHERE tbl = 'link' ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let before = journal(&s);
    assert!(
        before
            .iter()
            .any(|(_, a)| a.as_deref().is_some_and(|a| a.contains(&target))),
        "the link's creation names the actor by its identity"
    );
    let input = |name: &str, phone: &str| crate::actors::ContactInput {
        name: name.into(),
        role: String::new(),
        email: String::new(),
        phone: phone.into(),
        notes: String::new(),
    };
    // Named by the actor's identity; called « Nature »; with a phone whose digits are a
    // date's year (too short to be a phone: a name, searched as such).
    let people = [
        s.create_contact(ids[0], &input(&target, "")).unwrap().id,
        s.create_contact(ids[0], &input("Nature", "")).unwrap().id,
        s.create_contact(ids[0], &input("2024", "")).unwrap().id,
        // A commune's INSEE code (Larrieu's, in the demo).
        s.create_contact(ids[0], &input("00002", "")).unwrap().id,
    ];
    let in_larrieu = |s: &Store| -> i64 {
        s.conn
            .query_row(
                "SELECT count(*) FROM actor WHERE insee = '00002'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let placed = in_larrieu(&s);
    assert!(placed > 0);
    for id in people {
        s.person_erase(Person::Contact(id)).unwrap();
    }
    let uid: i64 = s
        .conn
        .query_row(
            "SELECT count(*) FROM actor WHERE uid = ?1",
            [&target],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(uid, 1, "the actor keeps its identity");
    assert_eq!(
        in_larrieu(&s),
        placed,
        "the actors keep their commune's code"
    );
    for kind in crate::db::records::RECORD_KINDS {
        let bad: i64 = s
            .conn
            .query_row(
                &format!(
                    "SELECT count(*) FROM {} WHERE length(uid) <> 36",
                    quote(kind.table)
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(bad, 0, "{}: every record keeps its identity", kind.table);
    }
    let (nature, since, notes): (String, String, String) = s
        .conn
        .query_row(
            "SELECT nature, since, notes FROM link WHERE id = ?1",
            [link.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((nature.as_str(), since.as_str()), ("funding", "2024-03-01"));
    // The free text lost both names.
    assert_eq!(notes, "Vu avec [personne effacée] et [personne effacée]");
    // The journal's link entries keep their keys, references and dates; their texts lost the
    // names.
    let after = journal(&s);
    for (id, b) in &before {
        let a = after.iter().find(|(i, _)| i == id).map(|(_, a)| a);
        let (Some(b), Some(Some(a))) = (b, a) else {
            continue;
        };
        let (Ok(Value::Object(b)), Ok(Value::Object(a))) = (
            serde_json::from_str::<Value>(b),
            serde_json::from_str::<Value>(a),
        ) else {
            continue;
        };
        assert_eq!(
            b.keys().collect::<Vec<_>>(),
            a.keys().collect::<Vec<_>>(),
            "the journal's keys stay"
        );
        for k in ["actor_a", "actor_b", "nature", "since"] {
            assert_eq!(b.get(k), a.get(k), "{k} stays in the journal");
        }
        assert!(!a
            .get("notes")
            .and_then(Value::as_str)
            .unwrap_or("")
            .contains("Nature"));
    }
}
