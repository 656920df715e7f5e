use crate::actors::ActorInput;
use crate::db::store::Store;
use crate::network::*;

fn actor(name: &str) -> ActorInput {
    ActorInput {
        name: name.into(),
        world: "business".into(),
        commune: "".into(),
        insee: None,
        engagement: "informed".into(),
        notes: "".into(),
    }
}

fn link(a: i64, b: i64) -> LinkInput {
    LinkInput {
        actor_a: a,
        actor_b: b,
        nature: "dialogue".into(),
        strength: 1,
        since: None,
        notes: "".into(),
        introduced_by: None,
        meeting_id: None,
    }
}

#[test]
fn bulk_writes_are_all_or_nothing_with_line_numbers() {
    let mut s = Store::open_in_memory().unwrap();
    let e = s
        .insert_actors_bulk(&[actor("A"), actor(" "), actor("C")])
        .err()
        .unwrap();
    assert!(e.to_string().starts_with("Ligne 2 : "), "{e}");
    assert_eq!(s.counts().unwrap()["actors"], 0);
    let ids = s
        .insert_actors_bulk(&[actor("A"), actor("B"), actor("C")])
        .unwrap();
    assert_eq!(
        s.insert_links_bulk(&[link(ids[0], ids[1]), link(ids[1], ids[2])])
            .unwrap(),
        2
    );
    let e = s
        .insert_links_bulk(&[link(ids[0], ids[2]), link(ids[1], ids[0])])
        .err()
        .unwrap();
    assert_eq!(e.code(), Some("link.duplicate"));
    assert!(e.to_string().starts_with("Ligne 2 : "));
    let e = s.insert_links_bulk(&[link(ids[0], 999)]).err().unwrap();
    assert_eq!(e.field(), Some("actor_b"));
    assert_eq!(
        s.counts().unwrap()["links"],
        2,
        "failed batches wrote nothing"
    );
    assert_eq!(
        s.search("b").unwrap().len(),
        1,
        "the search index follows bulk inserts"
    );
}

/// The journal's entries for links, in order, batches read as the inserts they hold: (set,
/// record, op, after without the creation time and id, which differ between two stores).
fn link_entries(s: &Store) -> Vec<(i64, String, i64, String)> {
    let mut st = s
        .conn
        .prepare(&format!(
            "SELECT set_id, record, op, json_remove(after, '$.created_at', '$.id')
                 FROM {} WHERE tbl = 'link' ORDER BY id, pos",
            crate::db::journal::ENTRIES
        ))
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_bulk_write_journals_its_links_as_the_trigger_does_one_by_one() {
    let names: Vec<ActorInput> = (0..30).map(|i| actor(&format!("Acteur {i}"))).collect();
    let mut pairs = Vec::new();
    for a in 0..30i64 {
        for b in (a + 1)..30 {
            if (a * 7 + b * 3) % 5 == 0 {
                let mut l = link(a + 1, b + 1);
                l.notes = format!("note {a}-{b}");
                l.strength = 1 + (a + b) % 3;
                pairs.push(l);
            }
        }
    }
    let (first, rest) = pairs.split_at(10);
    // One store writes links one by one (the triggers), the other in bulk.
    let mut single = Store::open_in_memory().unwrap();
    let mut bulk = Store::open_in_memory().unwrap();
    for s in [&mut single, &mut bulk] {
        s.insert_actors_bulk(&names).unwrap();
    }
    for l in first {
        single.create_link(l).unwrap();
    }
    bulk.insert_links_bulk(first).unwrap();
    let sets_before = link_entries(&bulk).len();
    bulk.insert_links_bulk(rest).unwrap();
    for l in rest {
        single.create_link(l).unwrap();
    }
    let (one, many) = (link_entries(&single), link_entries(&bulk));
    assert_eq!(one.len(), pairs.len());
    assert_eq!(
        many.len(),
        pairs.len(),
        "every link once, the earlier ones not again"
    );
    // The references are identities, which differ between the two stores: named by
    // the actors' names to compare.
    let named = |s: &Store, json: &str| -> String {
        let mut out = json.to_string();
        for (uid, name) in s
            .conn
            .prepare("SELECT uid, name FROM actor")
            .unwrap()
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .unwrap()
            .map(Result::unwrap)
        {
            out = out.replace(&uid, &name);
        }
        out
    };
    for (a, b) in one.iter().zip(&many) {
        assert_eq!(
            (a.2, named(&single, &a.3)),
            (b.2, named(&bulk, &b.3)),
            "same operation and values"
        );
        assert!(
            !a.3.contains("\"actor_a\":1"),
            "references are identities: {}",
            a.3
        );
    }
    // Each record is named by its identity; each batch is one change set.
    let uids = crate::actors::testing::texts(&bulk, "SELECT uid FROM link ORDER BY id");
    assert_eq!(many.iter().map(|e| e.1.clone()).collect::<Vec<_>>(), uids);
    assert_eq!(many[0].0, many[sets_before - 1].0);
    assert_ne!(many[0].0, many[sets_before].0);
    assert!(many[sets_before..]
        .iter()
        .all(|e| e.0 == many[sets_before].0));
    // The trigger is back: a link added alone afterwards is journaled.
    bulk.create_link(&link(1, 30)).unwrap();
    assert_eq!(link_entries(&bulk).len(), pairs.len() + 1);
    // With the journal switched off, a bulk write journals nothing.
    bulk.journal().set_enabled(false);
    bulk.insert_links_bulk(&[link(2, 30)]).unwrap();
    assert_eq!(link_entries(&bulk).len(), pairs.len() + 1);
}

/// Deleting a member or a meeting: the dialog is told everything that goes with it or
/// changes, counted.
#[test]
fn a_member_s_and_a_meeting_s_deletion_count_what_goes_with_them() {
    let dir = tempfile::TempDir::new().unwrap();
    let s = crate::demo::write_demo(&dir.path().join("d.catalyse")).unwrap();
    let member: i64 = s
            .conn
            .query_row(
                "SELECT member_id FROM self_assessment GROUP BY member_id
                 HAVING member_id IN (SELECT member_id FROM meeting_member) ORDER BY count(*) DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
    let impact = s.member_delete_impact(member).unwrap();
    let count = |code: &str, sql: &str, id: i64| {
        let n: i64 = s.conn.query_row(sql, [id], |r| r.get(0)).unwrap();
        let e = impact_of(&impact, code);
        assert_eq!(e.map_or(0, |e| e.total), n, "{code}");
        n
    };
    fn impact_of<'a>(
        i: &'a crate::plan::DeleteImpact,
        code: &str,
    ) -> Option<&'a crate::plan::Effect> {
        i.effects.iter().find(|e| e.code == code)
    }
    assert!(
        count(
            "member.assessments",
            "SELECT count(*) FROM self_assessment WHERE member_id = ?1",
            member
        ) > 0
    );
    assert!(
        count(
            "member.meetings",
            "SELECT count(*) FROM meeting_member WHERE member_id = ?1",
            member
        ) > 0
    );
    count(
        "member.referent",
        "SELECT count(*) FROM action WHERE referent_member_id = ?1",
        member,
    );
    count(
        "member.introductions",
        "SELECT count(*) FROM link WHERE introduced_by_member = ?1",
        member,
    );
    let meeting: i64 = s
        .conn
        .query_row(
            "SELECT meeting_id FROM follow_up GROUP BY meeting_id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let impact = s.meeting_delete_impact(meeting).unwrap();
    let count = |code: &str, sql: &str| {
        let n: i64 = s.conn.query_row(sql, [meeting], |r| r.get(0)).unwrap();
        assert_eq!(impact_of(&impact, code).map_or(0, |e| e.total), n, "{code}");
        n
    };
    assert!(
        count(
            "meeting.follow_ups",
            "SELECT count(*) FROM follow_up WHERE meeting_id = ?1"
        ) > 0
    );
    assert!(
        count(
            "meeting.actors",
            "SELECT count(*) FROM meeting_actor WHERE meeting_id = ?1"
        ) > 0
    );
    count(
        "meeting.members",
        "SELECT count(*) FROM meeting_member WHERE meeting_id = ?1",
    );
    count(
        "meeting.links",
        "SELECT count(*) FROM link WHERE meeting_id = ?1",
    );
}

/// A bulk write large enough to put off the link indexes keeps the index of introducers up
/// to date when few links have one, and builds it again when many do: either way it ends
/// holding exactly the links that have one (SQLite's `integrity_check` compares every index
/// with its table), under the schema's own definition.
#[test]
fn the_index_of_introducers_holds_the_introduced_links_whether_kept_or_built_again() {
    let n = crate::db::bulk::REBUILD_FROM + 500;
    let names: Vec<ActorInput> = (0..160).map(|i| actor(&format!("Acteur {i}"))).collect();
    for every in [100, 2] {
        let mut s = Store::open_in_memory().unwrap();
        let ids = s.insert_actors_bulk(&names).unwrap();
        let before = crate::actors::testing::schema(&s);
        let mut links = Vec::new();
        'pairs: for a in 0..ids.len() {
            for b in (a + 1)..ids.len() {
                if links.len() == n {
                    break 'pairs;
                }
                let mut l = link(ids[a], ids[b]);
                if links.len() % every == 0 {
                    // A third actor: the next after b, or the one after if that is a.
                    let mut c = (b + 1) % ids.len();
                    if c == a {
                        c = (b + 2) % ids.len();
                    }
                    l.introduced_by = Some(Introducer::Actor(ids[c]));
                }
                links.push(l);
            }
        }
        s.insert_links_bulk(&links).unwrap();
        let one = |sql: &str| -> i64 { s.conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(one("SELECT count(*) FROM link"), n as i64);
        let introduced = n.div_ceil(every) as i64;
        assert_eq!(
            one(
                "SELECT count(*) FROM link INDEXED BY link_introduced_by_actor
                 WHERE introduced_by_actor IS NOT NULL"
            ),
            introduced,
            "one link in {every} introduced"
        );
        let check: String = s
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        assert_eq!(crate::actors::testing::schema(&s), before);
    }
}

/// A link import checks its natures against the workspace's list before writing: a nature
/// the list lacks (a workspace edited by hand) refuses the whole file, and nothing is written.
#[test]
fn a_link_import_checks_its_natures_against_the_list() {
    use crate::exchange::{tabular::FileFormat, ExchangeKind};
    let mut s = Store::open_in_memory().unwrap();
    s.insert_actors_bulk(&[actor("A"), actor("B"), actor("C")])
        .unwrap();
    s.conn
        .execute(
            "DELETE FROM code_value WHERE list = 'LinkNature' AND code = 'conflict'",
            [],
        )
        .unwrap();
    let csv = "Acteur A;Acteur B;Nature\nA;B;Échange / dialogue\nB;C;Conflit\n";
    let e = s
        .import(ExchangeKind::Links, csv.as_bytes(), FileFormat::Csv, false)
        .unwrap_err();
    assert_eq!(e.code(), Some("code.unknown"), "{e}");
    assert_eq!(e.field(), Some("nature"));
    assert!(e.to_string().contains("« conflict »"), "{e}");
    let links = |s: &Store| -> i64 {
        s.conn
            .query_row("SELECT count(*) FROM link", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(links(&s), 0);
    s.conn
        .execute(
            "INSERT INTO code_value VALUES ('LinkNature', 'conflict')",
            [],
        )
        .unwrap();
    let out = s
        .import(ExchangeKind::Links, csv.as_bytes(), FileFormat::Csv, false)
        .unwrap();
    assert_eq!(out.written, 2);
    assert_eq!(links(&s), 2);
}
