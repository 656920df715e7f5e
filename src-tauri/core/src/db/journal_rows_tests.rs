use super::*;
use crate::db::store::Store;
use crate::network::{Introducer, LinkInput};

/// Every character below 128, and a few beyond, is written as SQLite's `json_object`
/// writes it.
#[test]
fn strings_are_escaped_as_sqlite_escapes_them() {
    let conn = Connection::open_in_memory().unwrap();
    let mut samples: Vec<String> = (0u8..128).map(|b| (b as char).to_string()).collect();
    samples.extend(
        [
            "",
            "Élise « Pôle » d’Auvergne",
            "a\"b\\c/d",
            "\u{7f}\u{80}\u{2028}\u{2029}\u{feff}",
            "émoji 🧭 et \t tab\r\n",
            "\u{1}\u{1f}x\u{8}\u{c}",
        ]
        .map(String::from),
    );
    for s in samples {
        let sqlite: String = conn
            .query_row("SELECT json_object('k', ?1)", [&s], |r| r.get(0))
            .unwrap();
        let mut ours = String::from("{\"k\":");
        json_string(&mut ours, &s);
        ours.push('}');
        assert_eq!(ours, sqlite, "{s:?}");
    }
}

/// Reads the entries of change set `set` as (table, record, op, field, before, after).
fn entries(s: &Store, set: i64) -> Vec<(String, String, i64, String, i64, String)> {
    s.conn
        .prepare(
            "SELECT tbl, record, op, field, before, catalyse_rows(after) FROM change WHERE set_id = ?1 ORDER BY id",
        )
        .unwrap()
        .query_map([set], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The entries the backfill from the table writes, in a change set of its own (not `set`),
/// for each `(table, key, first)`.
fn backfilled(
    s: &mut Store,
    set: i64,
    backfills: &[(&str, &str, i64)],
) -> Vec<(String, String, i64, String, i64, String)> {
    let tx = s.conn.transaction().unwrap();
    for (table, key, first) in backfills {
        crate::db::journal::backfill_batches(&tx, table, key, *first).unwrap();
    }
    tx.commit().unwrap();
    let again: i64 = s
        .conn
        .query_row("SELECT max(id) FROM change_set", [], |r| r.get(0))
        .unwrap();
    assert_ne!(again, set);
    entries(s, again)
}

/// A bulk write of links journals, from its rows, exactly the entries (the same batches,
/// ranges and text, byte for byte) the backfill from the table writes for the same rows:
/// references to actors, members and meetings, nulls, dates, texts with quotes, tabs,
/// line breaks and non-ASCII letters, across three batches.
#[test]
fn the_rows_in_memory_journal_what_the_table_backfill_journals() {
    let mut s = Store::open_in_memory().unwrap();
    let ids = crate::actors::testing::many_actors(&mut s, 80, 0);
    s.conn
        .execute_batch(
            "INSERT INTO member (name, created_at, updated_at) VALUES ('Claire', '2024-01-01', '2024-01-01');
             INSERT INTO meeting (date, kind, title, created_at, updated_at)
               VALUES ('2024-03-01', 'meeting', 'Comité', '2024-01-01', '2024-01-01');",
        )
        .unwrap();
    let member: i64 = s
        .conn
        .query_row("SELECT id FROM member", [], |r| r.get(0))
        .unwrap();
    let meeting: i64 = s
        .conn
        .query_row("SELECT id FROM meeting", [], |r| r.get(0))
        .unwrap();
    let notes = [
        "",
        "« Pôle » d’Élise",
        "guillemets \" et \\ barre",
        "ligne\nsuivante\tet tab",
        "🧭 boussole",
    ];
    let mut links = Vec::new();
    for a in 0..ids.len() {
        for b in a + 1..ids.len() {
            let n = links.len();
            links.push(LinkInput {
                actor_a: ids[a],
                actor_b: ids[b],
                nature: ["partnership", "funding", "dialogue"][n % 3].into(),
                strength: (n % 3) as i64 + 1,
                since: (n % 4 == 0).then(|| "2023-05-17".to_string()),
                notes: notes[n % notes.len()].into(),
                introduced_by: match n % 5 {
                    0 => Some(Introducer::Actor(
                        ids[(0..ids.len()).find(|c| *c != a && *c != b).unwrap()],
                    )),
                    1 => Some(Introducer::Member(member)),
                    _ => None,
                },
                meeting_id: (n % 7 == 0).then_some(meeting),
            });
            if links.len() == 2500 {
                break;
            }
        }
        if links.len() == 2500 {
            break;
        }
    }
    assert_eq!(links.len(), 2500);
    let first: i64 = s
        .conn
        .query_row("SELECT coalesce(max(id), 0) + 1 FROM link", [], |r| {
            r.get(0)
        })
        .unwrap();
    s.insert_links_bulk(&links).unwrap();
    let set: i64 = s
        .conn
        .query_row("SELECT max(id) FROM change_set", [], |r| r.get(0))
        .unwrap();
    let ours = entries(&s, set);
    assert_eq!(ours.len(), 3, "2,500 links in three batches");
    assert!(ours.iter().all(|e| e.0 == "link" && e.2 == ROWS));
    assert_eq!(ours.iter().map(|e| e.4).sum::<i64>(), 2500);

    assert_eq!(ours, backfilled(&mut s, set, &[("link", "id", first)]));
}

/// The plans of `link`, `actor` and `contact` take every column their bulk writes give; a table whose columns the
/// rows do not all give has none (the import falls back to the backfill).
#[test]
fn a_plan_needs_every_journaled_column() {
    let s = Store::open_in_memory().unwrap();
    let all = crate::network::store::bulk::LINK_COLUMNS;
    assert!(plan(&s.conn, "link", all).unwrap().is_some());
    use crate::exchange::records::commit::{ACTOR_COLUMNS, CONTACT_COLUMNS};
    assert!(plan(&s.conn, "actor", ACTOR_COLUMNS).unwrap().is_some());
    assert!(plan(&s.conn, "contact", CONTACT_COLUMNS).unwrap().is_some());
    let without_notes: Vec<&str> = all.iter().copied().filter(|c| *c != "notes").collect();
    assert!(plan(&s.conn, "link", &without_notes).unwrap().is_none());
    let without_uid: Vec<&str> = all.iter().copied().filter(|c| *c != "uid").collect();
    assert!(plan(&s.conn, "link", &without_uid).unwrap().is_none());
}

/// An import of actors journals from its rows exactly what the backfill from the table
/// journals for them: the actors (with influence, interest, needs), then their tags (still
/// backfilled), then their contacts, across batches.
#[test]
fn an_actor_import_journals_what_the_backfill_journals() {
    use crate::exchange::{tabular::FileFormat, ExchangeKind};
    let mut s = Store::open_in_memory().unwrap();
    let mut csv = String::from(
        "Nom;Monde;Commune;Influence;Intérêt;Besoins;Étiquettes;Contact;Fonction du contact;Courriel;Notes\n",
    );
    for i in 0..2100 {
        let influence = if i % 3 == 0 {
            String::new()
        } else {
            (i % 5 + 1).to_string()
        };
        let contact = if i % 4 == 0 {
            String::new()
        } else {
            format!("Élise N°{i}")
        };
        csv.push_str(&format!(
            "Acteur « {i} »;Entreprise;Saint-Étienne;{influence};{};\"besoin \"\"{i}\"\"\";{};{contact};élue;e{i}@mairie.fr;\"note\nsur deux lignes \\ 🧭\"\n",
            i % 5 + 1,
            if i % 2 == 0 { "eau, mobilité" } else { "" },
        ));
    }
    let out = s
        .import(ExchangeKind::Actors, csv.as_bytes(), FileFormat::Csv, false)
        .unwrap();
    assert_eq!(out.written, 2100);
    let set: i64 = s
        .conn
        .query_row("SELECT max(id) FROM change_set", [], |r| r.get(0))
        .unwrap();
    let ours = entries(&s, set);
    let tables: Vec<&str> = ours.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(tables.first(), Some(&"actor"));
    assert_eq!(tables.last(), Some(&"contact"));
    assert!(tables.contains(&"actor_tag"));

    let backfills = [
        ("actor", "id", 1),
        ("actor_tag", "actor_id", 1),
        ("contact", "id", 1),
    ];
    assert_eq!(ours, backfilled(&mut s, set, &backfills));
}

/// An import's batch entries are packed (a fraction of their JSON); a batch written as JSON
/// text (migrations 14 to 18) reads the same through the journal's readers; a damaged
/// packed batch (a crafted file) is refused with an error naming the journal, never read
/// as something else.
#[test]
fn batches_are_packed_and_text_batches_read_the_same() {
    let mut s = Store::open_in_memory().unwrap();
    let ids = crate::actors::testing::many_actors(&mut s, 60, 0);
    let mut links = Vec::new();
    for a in 0..ids.len() {
        for b in a + 1..ids.len() {
            links.push(LinkInput {
                actor_a: ids[a],
                actor_b: ids[b],
                nature: "dialogue".into(),
                strength: 2,
                since: None,
                notes: format!("note {a}-{b}"),
                introduced_by: None,
                meeting_id: None,
            });
        }
    }
    s.insert_links_bulk(&links).unwrap();
    let set: i64 = s
        .conn
        .query_row("SELECT max(id) FROM change_set", [], |r| r.get(0))
        .unwrap();
    let (blobs, packed, json): (i64, i64, i64) = s
        .conn
        .query_row(
            "SELECT count(*), sum(length(after)), sum(length(catalyse_rows(after)))
             FROM change WHERE set_id = ?1 AND op = 4 AND typeof(after) = 'blob'",
            [set],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(blobs, 2, "1,770 links in two batches, both packed");
    assert!(packed * 3 < json, "packed {packed} bytes, JSON {json}");

    let read = |s: &Store| {
        let entries: Vec<(String, i64, String)> = s
            .conn
            .prepare(&format!(
                "SELECT record, op, after FROM {} WHERE set_id = ?1 ORDER BY id, pos",
                crate::db::journal::ENTRIES
            ))?
            .query_map([set], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let summary = s
            .change_set_summary(set)
            .map_err(|e| rusqlite::Error::UserFunctionError(e.to_string().into()))?;
        Ok::<_, rusqlite::Error>((entries, summary.changes))
    };
    let from_packed = read(&s).unwrap();
    assert_eq!(from_packed.0.len(), links.len());
    assert_eq!(from_packed.0[0].1, crate::db::journal::INSERT);
    s.conn
        .execute(
            "UPDATE change SET after = catalyse_rows(after) WHERE set_id = ?1 AND op = 4",
            [set],
        )
        .unwrap();
    assert_eq!(read(&s).unwrap(), from_packed, "as text, the same entries");

    s.conn
        .execute(
            "UPDATE change SET after = substr(catalyse_pack(after), 1, 40)
             WHERE id = (SELECT min(id) FROM change WHERE set_id = ?1 AND op = 4)",
            [set],
        )
        .unwrap();
    let e = read(&s).unwrap_err();
    assert!(e.to_string().contains("illisible"), "{e}");
}
