//! People erased (RGPD) while their records move between laptops: merges of actors made
//! meanwhile copy them, phones change elsewhere; every laptop ends alike, and none keeps
//! anything of them in its records, its inbox or its journal.

use crate::share::sync_tests::{actor, alike, carry, converge, team, Laptop};
use std::path::PathBuf;
use tempfile::TempDir;

#[test]
fn a_person_erased_while_two_merges_move_her_leaves_no_inbox_entry() {
    // The laptop that keeps the first actor has the person's new record when the erasure
    // comes, or has lost it to the other merge already.
    erased_while_two_merges_move_her(&[(1, 2), (1, 0), (2, 1), (2, 0), (0, 1), (0, 2)], true);
    erased_while_two_merges_move_her(&[(0, 2), (0, 1), (1, 2), (1, 0), (2, 1), (2, 0)], true);
    // Without the second merge, her new record stands, rewritten alike everywhere.
    erased_while_two_merges_move_her(&[(1, 0), (0, 1), (2, 1), (2, 0)], false);
    erased_while_two_merges_move_her(&[(0, 1), (1, 0), (2, 0), (2, 1)], false);
}

/// A keeps the first of two actors found to be one, C the second, B erases the person who is
/// a contact of the second, all meanwhile; then the files go `(to, from)` in `order`.
fn erased_while_two_merges_move_her(order: &[(usize, usize)], other_merge: bool) {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 3);
    two_actors_and_her(&mut team);
    // A keeps the first actor (the person's contact is created again on it), C the second,
    // and B erases the person: all three meanwhile.
    merge_on(&mut team, 0, true);
    if other_merge {
        merge_on(&mut team, 2, false);
    }
    erased_on(&mut team, 1, order, &["Zorglub", "06 12 34 56 78"]);
}

#[test]
fn a_person_merged_then_erased_while_her_phone_changes_elsewhere_leaves_no_inbox_entry() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 3);
    two_actors_and_her(&mut team);
    // B and C change her phone; A merges the two actors, then erases her (her new record).
    for (i, phone) in [(1, "07 11 11 11 11"), (2, "07 22 22 22 22")] {
        let id = contact_of(&team[i]);
        team[i].store.update_contact(id, &her(phone)).unwrap();
    }
    merge_on(&mut team, 0, true);
    erased_on(
        &mut team,
        0,
        &ORDERS[0],
        &["Zorglub", "07 11 11 11 11", "07 22 22 22 22"],
    );
}

/// Laptop `i` erases the person (its record of her), the files go `(to, from)` in `order`:
/// every laptop ends alike and holds none of `needles` anywhere (`traces_of`).
fn erased_on(team: &mut [Laptop], i: usize, order: &[(usize, usize)], needles: &[&str]) {
    let contact = contact_of(&team[i]);
    team[i]
        .store
        .person_erase(crate::safety::rgpd::Person::Contact(contact))
        .unwrap();
    deliver(team, order);
    for (k, l) in team.iter().enumerate() {
        let left = traces_of(l, needles);
        assert!(left.is_empty(), "{order:?}: laptop {k}: {left:#?}");
    }
    alike(team);
}

/// Where laptop `l` still holds one of `needles` (her name, her phones): its records of
/// contacts, its inbox, its journal (entries and labels).
fn traces_of(l: &Laptop, needles: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT 'contact ' || name || ' ' || email || ' ' || phone FROM contact",
        "SELECT 'inbox ' || value FROM share_conflict",
        "SELECT 'journal ' || tbl || ' ' || op || ' ' || coalesce(before, '') || ' -> ' || coalesce(after, '') FROM change",
        "SELECT 'label ' || label FROM change_set",
    ] {
        let rows: Vec<String> = l
            .store
            .conn
            .prepare(sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        out.extend(
            rows.into_iter()
                .filter(|r| needles.iter().any(|n| r.contains(n))),
        );
    }
    out
}

/// Two actors found to be one, the person a contact of the second, known to every laptop.
fn two_actors_and_her(team: &mut [Laptop]) {
    let s = &mut team[0].store;
    s.create_actor(&actor("Syndicat mixte")).unwrap();
    let y = s.create_actor(&actor("Syndicat mixte")).unwrap().id;
    s.create_contact(y, &her("06 12 34 56 78")).unwrap();
    converge(team);
}

/// The two actors on laptop `l` (its own ids), the first created first.
fn actors_of(l: &Laptop) -> (i64, i64) {
    l.store
        .conn
        .query_row("SELECT min(id), max(id) FROM actor", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
}

/// Laptop `i` merges the two actors, keeping the first when `keep_first`.
fn merge_on(team: &mut [Laptop], i: usize, keep_first: bool) {
    let (x, y) = actors_of(&team[i]);
    let (keep, other) = if keep_first { (x, y) } else { (y, x) };
    team[i].store.merge_actors(keep, other).unwrap();
}

fn her(phone: &str) -> crate::actors::ContactInput {
    crate::actors::ContactInput {
        name: "Éric Zorglub".into(),
        role: String::new(),
        email: String::new(),
        phone: phone.into(),
        notes: String::new(),
    }
}

fn contact_of(l: &Laptop) -> i64 {
    l.store
        .conn
        .query_row("SELECT id FROM contact", [], |r| r.get(0))
        .unwrap()
}

/// Every laptop sends, then the files go `(to, from)` in `order`, then everyone converges.
fn deliver(team: &mut [Laptop], order: &[(usize, usize)]) {
    for l in team.iter_mut() {
        l.store.sync().unwrap();
    }
    let folders: Vec<PathBuf> = team.iter().map(|l| l.folder.clone()).collect();
    for &(to, from) in order {
        carry(&folders[from], &folders[to]);
        team[to].store.sync().unwrap();
    }
    converge(team);
}

const ORDERS: [[(usize, usize); 6]; 3] = [
    [(2, 1), (2, 0), (1, 0), (1, 2), (0, 1), (0, 2)],
    [(1, 2), (1, 0), (2, 1), (2, 0), (0, 1), (0, 2)],
    [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)],
];

#[test]
fn copies_of_an_erased_person_made_by_two_merges_end_rewritten_alike_everywhere() {
    // B changes her phone, merges the two actors (her record made again on the first) and
    // erases her there; C merges them the same way meanwhile, with her former phone. Whatever
    // the order of the files, every laptop ends alike with nothing of her (records, inbox,
    // journal). The schedules of this kind the simulation found to end apart are replayed by
    // `simulation::schedules_that_once_ended_apart_now_converge`.
    for order in ORDERS {
        let dir = TempDir::new().unwrap();
        let mut team = team(&dir, 3);
        two_actors_and_her(&mut team);
        let id = contact_of(&team[1]);
        team[1]
            .store
            .update_contact(id, &her("07 11 11 11 11"))
            .unwrap();
        merge_on(&mut team, 1, true);
        merge_on(&mut team, 2, true);
        erased_on(
            &mut team,
            1,
            &order,
            &["Zorglub", "06 12 34 56 78", "07 11 11 11 11"],
        );
    }
}

#[test]
fn two_crossing_merges_while_she_is_erased_leave_nothing_of_her() {
    // A keeps the first actor (her record made again on it) and erases her there; C keeps
    // the second meanwhile (on C, A's copy of her comes under an actor deleted there).
    for order in ORDERS {
        let dir = TempDir::new().unwrap();
        let mut team = team(&dir, 3);
        two_actors_and_her(&mut team);
        merge_on(&mut team, 0, true);
        merge_on(&mut team, 2, false);
        erased_on(&mut team, 0, &order, &["Zorglub", "06 12 34 56 78"]);
    }
}
