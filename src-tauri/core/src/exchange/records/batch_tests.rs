//! An import journaled in batch entries (op 4) reads, counts, exports and undoes as the
//! records it holds.

use super::*;
use crate::history::model::{ChangeOp, HistoryQuery, UndoOutcome};

/// Actors (every third with a tag, every other with a contact), then links between them:
/// more than a batch of each.
fn imported(n: usize) -> (Store, i64, i64) {
    let mut s = Store::open_in_memory().unwrap();
    let mut actors = String::from("Nom;Monde;Commune;Étiquettes;Contact\n");
    for i in 0..n {
        let tag = if i % 3 == 0 { "lot" } else { "" };
        let contact = if i % 2 == 0 {
            format!("Personne {i}")
        } else {
            String::new()
        };
        actors.push_str(&format!("Lot {i};Entreprise;Gap;{tag};{contact}\n"));
    }
    s.import(
        ExchangeKind::Actors,
        actors.as_bytes(),
        FileFormat::Csv,
        false,
    )
    .unwrap();
    let set_of = |s: &Store| -> i64 {
        s.conn
            .query_row("SELECT max(id) FROM change_set", [], |r| r.get(0))
            .unwrap()
    };
    let actors_set = set_of(&s);
    let mut links = String::from("Acteur A;Acteur B;Nature\n");
    for i in 0..n {
        links.push_str(&format!("Lot {i};Lot {};Partenariat\n", (i + 1) % n));
    }
    s.import(
        ExchangeKind::Links,
        links.as_bytes(),
        FileFormat::Csv,
        false,
    )
    .unwrap();
    let links_set = set_of(&s);
    (s, actors_set, links_set)
}

fn count(s: &Store, sql: &str) -> i64 {
    s.conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn an_import_in_batches_is_told_exported_and_undone_record_by_record() {
    let n = 1500;
    let (mut s, actors_set, links_set) = imported(n);
    let records = (n + n / 3 + n / 2) as i64;
    // Stored compactly: two batches of actors, two of tags (by their actors' ranges), one of
    // contacts; two of links.
    let batches = |set: i64| {
        count(
            &s,
            &format!("SELECT count(*) FROM change WHERE set_id = {set} AND op = 4"),
        )
    };
    assert_eq!(batches(actors_set), 5);
    assert_eq!(batches(links_set), 2);
    assert_eq!(
        count(
            &s,
            &format!("SELECT count(*) FROM change WHERE set_id = {actors_set}")
        ),
        5
    );
    // Told as the records they hold.
    let summary = s.change_set_summary(actors_set).unwrap();
    assert_eq!(summary.changes, records);
    assert_eq!(s.change_set_summary(links_set).unwrap().changes, n as i64);
    let detail = s.change_set_detail(actors_set, 10).unwrap();
    assert_eq!(detail.changes.len(), 10);
    assert_eq!(detail.more, records - 10);
    let first: (i64, String) = s
        .conn
        .query_row("SELECT id, uid FROM actor WHERE name = 'Lot 0'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(detail.changes[0].op, ChangeOp::Insert);
    assert_eq!(detail.changes[0].record, first.1);
    assert_eq!(detail.changes[0].name, "Lot 0");
    assert_eq!(detail.changes[0].after["name"], "Lot 0");
    assert!(
        detail.changes[0].after.get("uid").is_none(),
        "as the trigger writes it"
    );
    // A record inside a batch has its history.
    let page = s
        .record_history("actor", first.0, &HistoryQuery::default())
        .unwrap();
    assert_eq!(page.sets.len(), 1);
    assert_eq!(page.sets[0].summary.id, actors_set);
    assert_eq!(page.sets[0].changes.len(), 1);
    // Exported (`catalyse history --json`) record by record.
    let mut exported = Vec::new();
    s.export_history(&HistoryQuery::default(), |set| {
        exported.push((set.id, set.changes.len(), set.changes[0].op));
        Ok(())
    })
    .unwrap();
    assert!(exported.contains(&(actors_set, records as usize, "insert")));
    assert!(exported.contains(&(links_set, n, "insert")));
    // Undone exactly: the links, then the actors with their tags and contacts.
    let before = count(&s, "SELECT count(*) FROM actor") - n as i64;
    for set in [links_set, actors_set] {
        assert!(matches!(
            s.undo_change_set(set).unwrap(),
            UndoOutcome::Done { .. }
        ));
    }
    assert_eq!(count(&s, "SELECT count(*) FROM actor"), before);
    assert_eq!(
        count(&s, "SELECT count(*) FROM actor WHERE name LIKE 'Lot %'"),
        0
    );
    assert_eq!(
        count(
            &s,
            "SELECT count(*) FROM contact WHERE name LIKE 'Personne %'"
        ),
        0
    );
    assert_eq!(
        count(&s, "SELECT count(*) FROM actor_tag WHERE tag = 'lot'"),
        0
    );
    assert_eq!(count(&s, "SELECT count(*) FROM link WHERE nature = 'partnership' AND actor_a NOT IN (SELECT id FROM actor)"), 0);
    assert_eq!(
        count(&s, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
}

/// Undoing the actors while the later links import still names them is refused as before
/// (the links stand in the way), and nothing changes.
#[test]
fn undoing_an_import_that_later_records_depend_on_is_refused_as_before() {
    let (mut s, actors_set, _) = imported(30);
    let actors = count(&s, "SELECT count(*) FROM actor");
    let outcome = s.undo_change_set(actors_set);
    assert!(
        !matches!(outcome, Ok(UndoOutcome::Done { .. })),
        "{outcome:?}"
    );
    assert_eq!(count(&s, "SELECT count(*) FROM actor"), actors);
}
