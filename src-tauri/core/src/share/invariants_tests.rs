//! Broken invariants found alike on every laptop, and their resolutions travelling.

use crate::actors::ActorInput;
use crate::db::store::Store;
use crate::share::sync_tests::{actor_id, actor_uid, converge, team, Laptop};
use tempfile::TempDir;

fn actor(name: &str, commune: &str) -> ActorInput {
    ActorInput {
        name: name.into(),
        world: "local_authority".into(),
        commune: commune.into(),
        insee: None,
        engagement: "informed".into(),
        notes: String::new(),
    }
}

fn keys(team: &[Laptop]) -> Vec<Vec<String>> {
    team.iter()
        .map(|l| {
            l.store
                .invariants(0, 100)
                .unwrap()
                .into_iter()
                .map(|i| format!("{} {}", i.kind, i.key))
                .collect()
        })
        .collect()
}

fn same_everywhere(team: &[Laptop]) -> Vec<String> {
    let all = keys(team);
    assert!(all.windows(2).all(|w| w[0] == w[1]), "{all:#?}");
    let hashes: Vec<String> = team
        .iter()
        .map(|l| l.store.content_hash().unwrap())
        .collect();
    assert!(hashes.windows(2).all(|w| w[0] == w[1]), "{hashes:?}");
    all[0].clone()
}

fn fk_clean(s: &Store) {
    let n: i64 = s
        .conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(n, 0, "foreign_key_check");
}

fn one(s: &Store, sql: &str) -> i64 {
    s.conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn the_same_actor_created_on_two_laptops_is_listed_alike_and_merged_everywhere() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    // Offline, each laptop records the town hall (case and accents differ).
    team[0]
        .store
        .create_actor(&actor("Mairie d'Étrœungt", "Étrœungt"))
        .unwrap();
    team[1]
        .store
        .create_actor(&actor("MAIRIE D'ETROEUNGT", "etroeungt"))
        .unwrap();
    // Another actor of that name elsewhere is not the same.
    team[1]
        .store
        .create_actor(&actor("Mairie d'Étrœungt", "Avesnes"))
        .unwrap();
    converge(&mut team);
    let listed = same_everywhere(&team);
    assert_eq!(listed.len(), 1, "{listed:?}");
    let entry = team[0].store.invariants(0, 10).unwrap().remove(0);
    assert_eq!(entry.kind, "same_actor");
    assert_eq!(entry.records.len(), 2);
    assert!(team.iter().all(|l| l.store.invariant_count().unwrap() == 1));
    let report = team[0].store.sync().unwrap();
    assert_eq!(report.invariants, 1);
    // B keeps the one it did not write and merges.
    let keep = entry.records[0].clone();
    let other = entry.records[1].clone();
    let id = actor_id;
    let (k, o) = (
        id(&team[1].store, &keep.uid),
        id(&team[1].store, &other.uid),
    );
    team[1].store.merge_actors(k, o).unwrap();
    converge(&mut team);
    assert!(same_everywhere(&team).is_empty());
    for l in &team {
        assert_eq!(one(&l.store, "SELECT count(*) FROM actor"), 2);
        assert!(l.store.inbox_dump().unwrap().is_empty());
        fk_clean(&l.store);
    }
}

#[test]
fn merging_two_actors_keeps_every_reference_without_self_or_duplicate_links() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    let s = &mut team[0].store;
    let k = s
        .create_actor(&actor("Syndicat mixte", "Fourmies"))
        .unwrap()
        .id;
    let o = s
        .create_actor(&actor("syndicat  mixte", "Fourmies"))
        .unwrap()
        .id;
    let x = s
        .create_actor(&actor("Café associatif", "Trélon"))
        .unwrap()
        .id;
    let y = s
        .create_actor(&actor("Lycée agricole", "Trélon"))
        .unwrap()
        .id;
    let link = |s: &mut Store, a: i64, b: i64, nature: &str| {
        s.create_link(&crate::network::LinkInput {
            actor_a: a,
            actor_b: b,
            nature: nature.into(),
            strength: 2,
            since: None,
            notes: String::new(),
            introduced_by: None,
            meeting_id: None,
        })
        .unwrap()
    };
    link(s, k, o, "dialogue"); // becomes a self-link: deleted
    link(s, k, x, "partnership"); // kept
    link(s, x, o, "partnership"); // the same, reversed: deleted
    link(s, o, y, "dialogue"); // moved
    link(s, o, x, "funding"); // moved
    s.conn
        .execute_batch(&format!(
            "INSERT INTO actor_tag (actor_id, tag) VALUES ({k}, 'énergie'), ({o}, 'énergie'), ({o}, 'santé');
             UPDATE link SET introduced_by_actor = {o} WHERE actor_a = {x} AND actor_b = {y} OR (actor_a = {y} AND actor_b = {x});
             INSERT INTO contact (actor_id, name, position, created_at, updated_at) VALUES
                ({k}, 'Anne', 0, '2024-01-01', '2024-01-01'), ({o}, 'Bruno', 0, '2024-01-01', '2024-01-01');
             INSERT INTO meeting (date, kind, title, created_at, updated_at) VALUES ('2024-03-01', 'meeting', 'Comité', '2024-01-01', '2024-01-01');
             INSERT INTO meeting_actor (meeting_id, actor_id) VALUES (1, {k}), (1, {o});
             INSERT INTO action (title, status, budget_cents, lead_actor_id, position, created_at, updated_at)
                VALUES ('Navette', 'idea', 100000, {o}, 0, '2024-01-01', '2024-01-01');
             INSERT INTO action_partner (action_id, actor_id, role, position) VALUES (1, {o}, 'financeur', 0);
             INSERT INTO funding (action_id, funder_id, amount_cents, status, created_at, updated_at)
                VALUES (1, {o}, 5000, 'granted', '2024-01-01', '2024-01-01');
             UPDATE actor SET notes = 'vu en mars' WHERE id = {o};"
        ))
        .unwrap();
    converge(&mut team);
    let s = &mut team[0].store;
    s.merge_actors(k, o).unwrap();
    fk_clean(s);
    assert_eq!(
        one(s, &format!("SELECT count(*) FROM actor WHERE id = {o}")),
        0
    );
    assert_eq!(
        one(s, "SELECT count(*) FROM link WHERE actor_a = actor_b"),
        0
    );
    // k–x partnership, k–y dialogue, k–x funding.
    assert_eq!(one(s, "SELECT count(*) FROM link"), 3);
    assert_eq!(
        one(
            s,
            &format!("SELECT count(*) FROM link WHERE actor_a = {k} OR actor_b = {k}")
        ),
        3
    );
    assert_eq!(
        one(
            s,
            &format!("SELECT count(*) FROM actor_tag WHERE actor_id = {k}")
        ),
        2
    );
    assert_eq!(
        one(
            s,
            &format!("SELECT count(*) FROM contact WHERE actor_id = {k}")
        ),
        2
    );
    assert_eq!(
        one(
            s,
            &format!("SELECT count(DISTINCT position) FROM contact WHERE actor_id = {k}")
        ),
        2
    );
    assert_eq!(one(s, "SELECT count(*) FROM meeting_actor"), 1);
    assert_eq!(one(s, "SELECT lead_actor_id FROM action"), k);
    assert_eq!(one(s, "SELECT actor_id FROM action_partner"), k);
    assert_eq!(one(s, "SELECT funder_id FROM funding"), k);
    let notes: String = s
        .conn
        .query_row(
            &format!("SELECT notes FROM actor WHERE id = {k}"),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(notes, "vu en mars");
    // One change set, with its label; it travels and the other laptop holds the same.
    assert_eq!(
        one(
            s,
            "SELECT count(*) FROM change_set WHERE label LIKE '%share.merge_actors%'"
        ),
        1
    );
    converge(&mut team);
    same_everywhere(&team);
    fk_clean(&team[1].store);
    assert_eq!(one(&team[1].store, "SELECT count(*) FROM link"), 3);
}

/// Every foreign key to `actor` in the schema is one the merge moves.
#[test]
fn every_reference_to_an_actor_is_moved() {
    let s = Store::open_in_memory().unwrap();
    let tables: Vec<String> = s
        .conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let derived = |t: &str| {
        crate::db::migrations::DERIVED_TABLES
            .iter()
            .any(|d| d.strip_suffix('%').map_or(*d == t, |p| t.starts_with(p)))
    };
    let mut refs = Vec::new();
    for t in tables.iter().filter(|t| !derived(t)) {
        let cols: Vec<String> = s
            .conn
            .prepare("SELECT \"from\" FROM pragma_foreign_key_list(?1) WHERE \"table\" = 'actor'")
            .unwrap()
            .query_map([t], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for c in cols {
            refs.push(format!("{t}.{c}"));
        }
    }
    use crate::share::actor_merge::{MOVED, REKEYED};
    for r in &refs {
        let (t, c) = r.split_once('.').unwrap();
        let moved = MOVED.contains(&(t, c))
            || REKEYED
                .iter()
                .any(|(rt, cols, _)| *rt == t && cols.contains(&c))
            || (t, c) == ("contact", "actor_id");
        assert!(moved, "{r} is not moved by merge_actors");
    }
    assert!(refs.len() >= 9, "{refs:?}");
}

#[test]
fn an_action_over_funded_on_two_laptops_is_listed_alike_and_left_as_is_everywhere() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    team[0]
        .store
        .conn
        .execute(
            "INSERT INTO action (title, status, budget_cents, position, created_at, updated_at)
             VALUES ('Tiers-lieu', 'idea', 100000, 0, '2024-01-01', '2024-01-01')",
            [],
        )
        .unwrap();
    converge(&mut team);
    for (i, amount) in [(0, 60_000), (1, 70_000)] {
        team[i]
            .store
            .conn
            .execute(
                "INSERT INTO funding (action_id, amount_cents, status, created_at, updated_at)
                 VALUES ((SELECT id FROM action), ?1, 'requested', '2024-01-01', '2024-01-01')",
                [amount],
            )
            .unwrap();
    }
    assert!(team
        .iter()
        .all(|l| l.store.invariants(0, 10).unwrap().is_empty()));
    converge(&mut team);
    let listed = same_everywhere(&team);
    assert_eq!(listed.len(), 1, "{listed:?}");
    let entry = team[1].store.invariants(0, 10).unwrap().remove(0);
    assert_eq!(entry.kind, "over_funded");
    assert_eq!(
        (entry.budget_cents, entry.total_cents),
        (Some(100_000), Some(130_000))
    );
    assert_eq!(entry.records[0].name, "Tiers-lieu");
    team[1]
        .store
        .accept_invariant(&entry.kind, &entry.key)
        .unwrap();
    converge(&mut team);
    assert!(same_everywhere(&team).is_empty());
    // Accepting it again is refused: it is no longer listed.
    assert!(team[0]
        .store
        .accept_invariant(&entry.kind, &entry.key)
        .is_err());
    // Another amount breaks it otherwise: listed again.
    team[0]
        .store
        .conn
        .execute(
            "UPDATE funding SET amount_cents = 80000 WHERE amount_cents = 70000",
            [],
        )
        .unwrap();
    converge(&mut team);
    assert_eq!(same_everywhere(&team).len(), 1);
}

#[test]
fn two_assessments_of_one_date_and_two_siblings_in_one_place_are_listed_and_reordered() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    team[0]
        .store
        .conn
        .execute(
            "INSERT INTO member (name, created_at, updated_at) VALUES ('Claire', '2024-01-01', '2024-01-01')",
            [],
        )
        .unwrap();
    team[0]
        .store
        .create_actor(&actor("Mairie de Gap", "Gap"))
        .unwrap();
    converge(&mut team);
    for l in team.iter_mut() {
        // Each gives the actor its first contact: both at place 0.
        let id = one(&l.store, "SELECT id FROM actor");
        l.store
            .create_contact(
                id,
                &crate::actors::ContactInput {
                    name: format!("Contact de {}", l.folder.display()),
                    role: String::new(),
                    email: String::new(),
                    phone: String::new(),
                    notes: String::new(),
                },
            )
            .unwrap();
        l.store
            .conn
            .execute(
                "INSERT INTO self_assessment (member_id, assessed_on, status, grid_version, created_at, updated_at)
                 VALUES ((SELECT id FROM member), '2024-05-02', 'draft', 1, '2024-01-01', '2024-01-01')",
                [],
            )
            .unwrap();
        l.store
            .create_axis(&crate::plan::AxisInput {
                title: format!("Axe de {}", l.folder.display()),
                description: String::new(),
                need_ids: vec![],
            })
            .unwrap();
    }
    converge(&mut team);
    let listed = same_everywhere(&team);
    assert_eq!(listed.len(), 3, "{listed:?}");
    let entries = team[0].store.invariants(0, 10).unwrap();
    let contacts = entries
        .iter()
        .find(|e| e.records[0].table == "contact")
        .unwrap();
    assert_eq!(contacts.parent.as_ref().unwrap().name, "Mairie de Gap");
    assert_eq!(contacts.records.len(), 2);
    team[1].store.reorder_siblings(&contacts.key).unwrap();
    let date = entries.iter().find(|e| e.kind == "same_date").unwrap();
    assert_eq!(date.detail, "2024-05-02");
    assert_eq!(date.parent.as_ref().unwrap().name, "Claire");
    assert_eq!(date.records.len(), 2);
    let place = entries
        .iter()
        .find(|e| e.kind == "same_place" && e.records[0].table == "axis")
        .unwrap();
    // Paging: two entries from the second.
    assert_eq!(team[0].store.invariants(1, 10).unwrap().len(), 2);
    assert_eq!(team[0].store.invariants(1, 10).unwrap()[..], entries[1..]);
    assert_eq!(team[0].store.invariants(2, 1).unwrap()[0], entries[2]);
    let key = place.key.clone();
    team[0].store.reorder_siblings(&key).unwrap();
    converge(&mut team);
    let listed = same_everywhere(&team);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(listed[0].starts_with("same_date"));
    for l in &team {
        assert_eq!(
            one(&l.store, "SELECT count(DISTINCT position) FROM axis"),
            2
        );
        assert_eq!(
            one(&l.store, "SELECT count(DISTINCT position) FROM contact"),
            2
        );
        assert!(l.store.inbox_dump().unwrap().is_empty());
    }
}

/// A merge on one laptop moves a link onto the kept actor while another laptop records that
/// very link: no unique key makes either change file fail; both laptops end alike.
#[test]
fn a_merge_meeting_the_same_link_made_elsewhere_applies_on_both_laptops() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    let s = &mut team[0].store;
    let k = s.create_actor(&actor("Mairie", "Gap")).unwrap().id;
    let o = s.create_actor(&actor("Mairie", "Gap")).unwrap().id;
    let x = s.create_actor(&actor("Office", "Gap")).unwrap().id;
    s.conn
        .execute(
            &format!("INSERT INTO link (actor_a, actor_b, nature, strength, created_at, updated_at) VALUES ({o}, {x}, 'partnership', 1, 'x', 'x')"),
            [],
        )
        .unwrap();
    converge(&mut team);
    team[0].store.merge_actors(k, o).unwrap();
    let b = &mut team[1].store;
    let id = |s: &Store, name: &str, n: usize| -> i64 {
        s.conn
            .query_row(
                &format!("SELECT id FROM actor WHERE name = ?1 ORDER BY uid LIMIT 1 OFFSET {n}"),
                [name],
                |r| r.get(0),
            )
            .unwrap()
    };
    let (kb, xb) = (
        id(b, "Mairie", if k < o { 0 } else { 1 }),
        id(b, "Office", 0),
    );
    b.conn
        .execute(
            &format!("INSERT INTO link (actor_a, actor_b, nature, strength, created_at, updated_at) VALUES ({xb}, {kb}, 'partnership', 3, 'x', 'x')"),
            [],
        )
        .unwrap();
    converge(&mut team);
    same_everywhere(&team);
    for l in &team {
        fk_clean(&l.store);
        assert_eq!(one(&l.store, "SELECT count(*) FROM actor"), 2);
        assert_eq!(one(&l.store, "SELECT count(*) FROM link"), 1);
    }
}

/// The checks at the scale the app is used at: 100,000 actors (1 % recorded twice), as many
/// contacts, 2,000 actions with funding. Run with `--ignored --nocapture`; prints the times.
#[test]
#[ignore = "measure: cargo test --lib share::invariants -- --ignored --nocapture"]
fn the_checks_at_100000_actors() {
    let s = Store::open_in_memory().unwrap();
    s.journal.set_enabled(false);
    let started = std::time::Instant::now();
    s.conn
        .execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
             INSERT INTO actor (name, world, commune, engagement, created_at, updated_at)
                SELECT 'Acteur ' || CASE WHEN i % 100 = 0 THEN i - 1 ELSE i END, 'business',
                       'Commune ' || (i % 500), 'informed', 'x', 'x' FROM n;
             UPDATE actor SET commune = 'Commune ' || ((id - 1) % 500) WHERE id % 100 = 0;
             INSERT INTO contact (actor_id, name, position, created_at, updated_at)
                SELECT id, 'Contact ' || id, 0, 'x', 'x' FROM actor;
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
             INSERT INTO action (title, status, budget_cents, position, created_at, updated_at)
                SELECT 'Action ' || i, 'idea', 100000, i, 'x', 'x' FROM n;
             INSERT INTO funding (action_id, amount_cents, status, created_at, updated_at)
                SELECT id, 60000 + (id % 2) * 50000, 'granted', 'x', 'x' FROM action;",
        )
        .unwrap();
    println!("written in {:.1} s", started.elapsed().as_secs_f64());
    let t = std::time::Instant::now();
    let n = s.invariant_count().unwrap();
    println!("invariant_count: {n} in {} ms", t.elapsed().as_millis());
    assert_eq!(n, 1_000 + 1_000);
    for check in super::checks() {
        let t = std::time::Instant::now();
        let n = super::count(&s.conn, &check).unwrap();
        println!(
            "  {} {}: {n} in {} ms",
            check.kind,
            check.table,
            t.elapsed().as_millis()
        );
    }
    let t = std::time::Instant::now();
    let page = s.invariants(0, 100).unwrap();
    println!("first page of 100: {} ms", t.elapsed().as_millis());
    assert_eq!(page.len(), 100);
    let t = std::time::Instant::now();
    let page = s.invariants(1_950, 100).unwrap();
    println!(
        "page at 1,950: {} entries in {} ms",
        page.len(),
        t.elapsed().as_millis()
    );
    let plan: Vec<String> = s
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {}", super::checks()[0].sql))
        .unwrap()
        .query_map([], |r| r.get(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    println!("same_actor plan: {plan:?}");
}

/// An edit changing a link's nature (the link dialog) while another laptop records the link
/// of that nature: the edit re-creates the link, so both laptops merge the two as duplicates
/// instead of one failing a unique key.
#[test]
fn a_link_whose_nature_changes_meeting_the_same_link_made_elsewhere_applies() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    let s = &mut team[0].store;
    let k = s.create_actor(&actor("Mairie", "Gap")).unwrap().id;
    let x = s.create_actor(&actor("Office", "Gap")).unwrap().id;
    let mut input = crate::network::LinkInput {
        actor_a: k,
        actor_b: x,
        nature: "dialogue".into(),
        strength: 1,
        since: None,
        notes: String::new(),
        introduced_by: None,
        meeting_id: None,
    };
    let l = s.create_link(&input).unwrap();
    converge(&mut team);
    input.nature = "partnership".into();
    let edited = team[0].store.update_link(l.id, &input).unwrap();
    assert_eq!(edited.nature.code(), "partnership");
    team[1]
        .store
        .conn
        .execute(
            "INSERT INTO link (actor_a, actor_b, nature, strength, created_at, updated_at)
             SELECT actor_b, actor_a, 'partnership', 3, 'x', 'x' FROM link",
            [],
        )
        .unwrap();
    converge(&mut team);
    same_everywhere(&team);
    for l in &team {
        fk_clean(&l.store);
        assert_eq!(one(&l.store, "SELECT count(*) FROM link"), 1);
        assert_eq!(
            one(
                &l.store,
                "SELECT count(*) FROM link WHERE nature = 'partnership'"
            ),
            1
        );
    }
}

/// « Annuler » after a merge (the toast's, or the Journal's) brings the other actor back with
/// what referred to it.
#[test]
fn a_merge_of_two_actors_is_undone_whole() {
    let mut s = Store::open_in_memory().unwrap();
    let k = s.create_actor(&actor("Ferme Dupré", "Trélon")).unwrap().id;
    let o = s.create_actor(&actor("Ferme Dupre", "Trelon")).unwrap().id;
    let x = s
        .create_actor(&actor("Café associatif", "Trélon"))
        .unwrap()
        .id;
    s.create_link(&crate::network::LinkInput {
        actor_a: o,
        actor_b: x,
        nature: "dialogue".into(),
        strength: 2,
        since: None,
        notes: String::new(),
        introduced_by: None,
        meeting_id: None,
    })
    .unwrap();
    s.conn
        .execute(
            &format!("INSERT INTO actor_tag (actor_id, tag) VALUES ({o}, 'circuits courts')"),
            [],
        )
        .unwrap();
    let before = s.content_dump().unwrap();
    let ((), set) = s.with_change_set(|s| s.merge_actors(k, o)).unwrap();
    assert_eq!(one(&s, "SELECT count(*) FROM actor"), 2);
    let outcome = s.undo_change_set(set.unwrap()).unwrap();
    assert!(
        matches!(outcome, crate::history::model::UndoOutcome::Done { .. }),
        "{outcome:?}"
    );
    fk_clean(&s);
    assert_eq!(s.content_dump().unwrap(), before);
}

/// Found by the team simulation: two laptops merge the same two actors (each moves the tag
/// of the one merged away onto the one kept: two tags, one meaning) while a third merges
/// them the other way (the one kept elsewhere goes). The first laptop, having received the
/// second's merge (the two tags are one here), then removes the tag. The third laptop holds
/// both tags' creations in its inbox (made under an actor it deleted); the removal, sent
/// under each of the tag's identities, clears them there as it does everywhere else.
#[test]
fn a_deletion_of_a_record_known_under_two_identities_clears_both_everywhere() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 3);
    let kept = team[0]
        .store
        .create_actor(&actor("Lycée agricole", "Avesnes"))
        .unwrap();
    let other = team[0]
        .store
        .create_actor(&actor("Lycée agricole", "Avesnes"))
        .unwrap();
    let tagged = crate::actors::ActorProfile {
        needs: String::new(),
        contributions: String::new(),
        influence: None,
        interest: None,
        tags: vec!["tourisme".into()],
    };
    team[0]
        .store
        .update_actor_profile(other.id, &tagged)
        .unwrap();
    converge(&mut team);
    let (uid, id) = (actor_uid, actor_id);
    let (k, o) = (uid(&team[0].store, kept.id), uid(&team[0].store, other.id));
    // Offline: laptops 0 and 1 keep the first, laptop 2 the second.
    for (i, (keep, away)) in [(&k, &o), (&k, &o), (&o, &k)].into_iter().enumerate() {
        let s = &mut team[i].store;
        let (keep, away) = (id(s, keep), id(s, away));
        s.merge_actors(keep, away).unwrap();
        s.sync().unwrap();
    }
    // Laptop 0 receives laptop 1's merge only, then removes the tag.
    crate::share::sync_tests::carry(&team[1].folder.clone(), &team[0].folder.clone());
    team[0].store.sync().unwrap();
    assert_eq!(one(&team[0].store, "SELECT count(*) FROM share_alias"), 1);
    let untagged = crate::actors::ActorProfile {
        tags: Vec::new(),
        ..tagged
    };
    let here = id(&team[0].store, &k);
    team[0].store.update_actor_profile(here, &untagged).unwrap();
    converge(&mut team);
    let inboxes: Vec<_> = team.iter().map(|l| l.store.inbox_dump().unwrap()).collect();
    assert!(inboxes.windows(2).all(|w| w[0] == w[1]), "{inboxes:#?}");
    assert!(
        !inboxes[0].iter().any(|e| e.contains("actor_tag")),
        "{inboxes:#?}"
    );
    same_everywhere(&team);
    for l in &team {
        fk_clean(&l.store);
    }
}
