//! Tests of [`super`].

use super::*;
use crate::history::model::HistoryQuery;
use crate::plan::FundingInput;

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::TempDir::new().unwrap();
    let s = crate::demo::write_demo(&dir.path().join("demo.catalyse")).unwrap();
    (dir, s)
}

fn first_funding(s: &Store) -> crate::plan::Funding {
    let action: i64 = s
        .conn
        .query_row(
            "SELECT action_id FROM funding ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    s.list_fundings(action).unwrap().remove(0)
}

fn set_amount(s: &mut Store, f: &crate::plan::Funding, amount: &str) -> i64 {
    s.update_funding(
        f.id,
        &FundingInput {
            funder_id: f.funder_id,
            scheme: f.scheme.clone(),
            amount: amount.into(),
            status: f.status.code().into(),
            requested_on: f.requested_on.clone(),
            decision_on: f.decision_on.clone(),
            notes: f.notes.clone(),
        },
    )
    .unwrap();
    newest(s)
}

fn newest(s: &Store) -> i64 {
    s.history(&HistoryQuery::default()).unwrap().sets[0]
        .summary
        .id
}

fn amount(s: &Store, id: i64) -> i64 {
    s.conn
        .query_row(
            "SELECT amount_cents FROM funding WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
}

/// A change set is told a few changes at a time (the Journal shows the first ones, then
/// all on demand), the rest counted.
#[test]
fn a_change_set_is_told_its_first_changes_then_all() {
    let (_d, s) = demo();
    let page = s
        .history(&HistoryQuery {
            limit: Some(200),
            ..HistoryQuery::default()
        })
        .unwrap();
    let big = &page
        .sets
        .iter()
        .max_by_key(|x| x.summary.changes)
        .unwrap()
        .summary;
    let told = page.sets.iter().find(|x| x.summary.id == big.id).unwrap();
    assert_eq!(told.changes.len() as i64, crate::history::store::FIRST_TOLD);
    assert!(big.changes > 3, "the demo's creation is one change set");
    let first = s.change_set_detail(big.id, 3).unwrap();
    assert_eq!(first.changes.len(), 3);
    assert_eq!(first.more, big.changes - 3);
    let all = s.change_set_detail(big.id, i64::MAX).unwrap();
    let shown = big.changes.min(crate::history::store::DETAIL_MAX);
    assert_eq!(all.changes.len() as i64, shown);
    assert_eq!(all.more, big.changes - shown);
    let key = |c: &crate::history::model::ChangeView| (c.record.clone(), c.field.clone());
    assert_eq!(
        all.changes[..3].iter().map(key).collect::<Vec<_>>(),
        first.changes.iter().map(key).collect::<Vec<_>>()
    );
    assert_eq!(s.change_set_detail(big.id, 0).unwrap().changes.len(), 1);
}

/// An edited amount is told (who, what, before and after, as money), found in the
/// record's history, undone (the amount is back, and the undo is in the journal), and the
/// undo can be undone in turn.
#[test]
fn an_edited_amount_is_told_then_undone_and_the_undo_undone() {
    let (_d, mut s) = demo();
    s.journal().set_author("Claire Vasseur");
    let f = first_funding(&s);
    let set = set_amount(&mut s, &f, "15 000,00");
    let summary = s.change_set_summary(set).unwrap();
    assert_eq!(summary.author, "Claire Vasseur");
    assert_eq!(summary.label.code, "history.updated");
    assert_eq!(summary.label.args["kind"], "funding");
    assert_eq!(summary.label.args["name"], f.scheme);
    let detail = s.change_set_detail(set, 3).unwrap();
    assert!(detail.changes.len() <= 3, "the first changes only");
    assert_eq!(detail.more, summary.changes - detail.changes.len() as i64);
    let change = detail
        .changes
        .iter()
        .find(|c| c.field.as_deref() == Some("amount_cents"))
        .unwrap();
    assert_eq!(change.kind, "money");
    assert_eq!(change.before, serde_json::json!(f.amount_cents));
    assert_eq!(change.after, serde_json::json!(1_500_000));
    let record = s
        .record_history("funding", f.id, &HistoryQuery::default())
        .unwrap();
    assert_eq!(record.sets[0].summary.id, set);
    assert!(record.sets[0].changes.iter().all(|c| c.table == "funding"));

    let UndoOutcome::Done {
        change_set: Some(undo),
    } = s.undo_change_set(set).unwrap()
    else {
        panic!("undone");
    };
    assert_eq!(amount(&s, f.id), f.amount_cents);
    let u = s.change_set_summary(undo).unwrap();
    assert_eq!((u.label.code.as_str(), u.undoes), ("undo", Some(set)));
    assert_eq!(s.change_set_summary(set).unwrap().undone_by, Some(undo));
    assert_eq!(
        s.undo_change_set(set).unwrap_err().code(),
        Some("undo.already")
    );
    let UndoOutcome::Done { .. } = s.undo_change_set(undo).unwrap() else {
        panic!("the undo undone");
    };
    assert_eq!(amount(&s, f.id), 1_500_000);
}

/// A later change of the same field stands in the way: it is named, and nothing changes.
#[test]
fn an_undo_is_refused_when_a_later_change_stands_in_the_way() {
    let (_d, mut s) = demo();
    let f = first_funding(&s);
    let first = set_amount(&mut s, &f, "15 000,00");
    let second = set_amount(&mut s, &f, "16 000,00");
    let before = s.journal_size().unwrap();
    let UndoOutcome::Blocked { blockers } = s.undo_change_set(first).unwrap() else {
        panic!("blocked");
    };
    assert_eq!(blockers.iter().map(|b| b.id).collect::<Vec<_>>(), [second]);
    assert_eq!(amount(&s, f.id), 1_600_000);
    assert_eq!(
        s.journal_size().unwrap().0,
        before.0,
        "no change set written"
    );
    // Another field of the same record does not stand in the way.
    let first_notes = {
        let g = first_funding(&s);
        s.update_funding(
            g.id,
            &FundingInput {
                funder_id: g.funder_id,
                scheme: g.scheme.clone(),
                amount: "16 000,00".into(),
                status: g.status.code().into(),
                requested_on: g.requested_on.clone(),
                decision_on: g.decision_on.clone(),
                notes: "Relancer en mars".into(),
            },
        )
        .unwrap();
        newest(&s)
    };
    assert!(matches!(
        s.undo_change_set(second).unwrap(),
        UndoOutcome::Done { .. }
    ));
    assert_eq!(amount(&s, f.id), 1_500_000);
    let notes: String = s
        .conn
        .query_row("SELECT notes FROM funding WHERE id = ?1", [f.id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(notes, "Relancer en mars");
    assert!(first_notes > second);
}

/// Deleting an axis took its links to needs and left its actions without axis: the undo
/// puts the axis back (same identity) and everything as it was.
#[test]
fn a_deletion_is_undone_with_what_depended_on_it() {
    let (_d, mut s) = demo();
    let (axis, uid): (i64, String) = s
        .conn
        .query_row(
            "SELECT id, uid FROM axis WHERE id IN (SELECT axis_id FROM action)
               AND id IN (SELECT axis_id FROM axis_need) ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let count =
        |s: &Store, sql: &str| -> i64 { s.conn.query_row(sql, [axis], |r| r.get(0)).unwrap() };
    let actions = count(&s, "SELECT count(*) FROM action WHERE axis_id = ?1");
    let needs = count(&s, "SELECT count(*) FROM axis_need WHERE axis_id = ?1");
    assert!(actions > 0 && needs > 0);
    s.delete_axis(axis).unwrap();
    let set = newest(&s);
    let summary = s.change_set_summary(set).unwrap();
    assert_eq!(summary.label.code, "history.deleted_with");
    assert_eq!(summary.label.args["kind"], "axis");
    assert!(!summary.label.args["name"].is_empty());
    assert!(matches!(
        s.undo_change_set(set).unwrap(),
        UndoOutcome::Done { .. }
    ));
    let back: String = s
        .conn
        .query_row("SELECT uid FROM axis WHERE id = ?1", [axis], |r| r.get(0))
        .unwrap();
    assert_eq!(back, uid);
    assert_eq!(
        count(&s, "SELECT count(*) FROM action WHERE axis_id = ?1"),
        actions
    );
    assert_eq!(
        count(&s, "SELECT count(*) FROM axis_need WHERE axis_id = ?1"),
        needs
    );
    let check: String = s
        .conn
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .unwrap_or_else(|_| "ok".into());
    assert_eq!(check, "ok");
}

/// Undoing the creation of an actor that a later link now uses would delete the link:
/// refused, naming the link's change set.
#[test]
fn undoing_a_creation_others_depend_on_is_refused() {
    let (_d, mut s) = demo();
    let a = s
        .create_actor(&crate::actors::ActorInput {
            name: "Ferme du Plateau".into(),
            world: "business".into(),
            commune: "Larrieu".into(),
            insee: None,
            engagement: "informed".into(),
            notes: String::new(),
        })
        .unwrap();
    let created = newest(&s);
    let other = s.list_actors().unwrap()[0].id;
    s.create_link(&crate::network::LinkInput {
        actor_a: a.id,
        actor_b: other,
        nature: "partnership".into(),
        strength: 2,
        since: None,
        notes: String::new(),
        introduced_by: None,
        meeting_id: None,
    })
    .unwrap();
    let linked = newest(&s);
    let UndoOutcome::Blocked { blockers } = s.undo_change_set(created).unwrap() else {
        panic!("blocked");
    };
    assert_eq!(blockers.iter().map(|b| b.id).collect::<Vec<_>>(), [linked]);
    assert!(s.actor(a.id).is_ok());
}

/// Imports are journaled in one statement per table (`bulk`): undone, the links go, then
/// the actors with their tags and contacts, and the workspace is as it was.
#[test]
fn an_import_of_actors_then_of_links_is_undone() {
    use crate::exchange::{tabular::FileFormat, ExchangeKind};
    let (_d, mut s) = demo();
    let count = |s: &Store, table: &str| -> i64 {
        s.conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    let tables = ["actor", "actor_tag", "contact", "link"];
    let before: Vec<i64> = tables.iter().map(|t| count(&s, t)).collect();
    let mut actors = String::from("Nom;Monde;Étiquettes;Contact;Fonction du contact\n");
    for i in 0..30 {
        actors.push_str(&format!(
            "Import {i};Association / ESS;alpha, zèbre;Hélène {i};Présidente\n"
        ));
    }
    s.import(
        ExchangeKind::Actors,
        actors.as_bytes(),
        FileFormat::Csv,
        false,
    )
    .unwrap();
    let imported = newest(&s);
    let mut links = String::from("Acteur A;Acteur B;Nature\n");
    for i in 0..29 {
        links.push_str(&format!("Import {i};Import {};Partenariat\n", i + 1));
    }
    s.import(
        ExchangeKind::Links,
        links.as_bytes(),
        FileFormat::Csv,
        false,
    )
    .unwrap();
    let linked = newest(&s);
    assert_eq!(count(&s, "link"), before[3] + 29);
    // The actors cannot go while the links name them.
    assert!(matches!(
        s.undo_change_set(imported).unwrap(),
        UndoOutcome::Blocked { .. }
    ));
    assert!(matches!(
        s.undo_change_set(linked).unwrap(),
        UndoOutcome::Done { .. }
    ));
    assert_eq!(count(&s, "link"), before[3]);
    assert!(matches!(
        s.undo_change_set(imported).unwrap(),
        UndoOutcome::Done { .. }
    ));
    let after: Vec<i64> = tables.iter().map(|t| count(&s, t)).collect();
    assert_eq!(after, before);
}

fn new_actor(s: &mut Store, name: &str) -> crate::actors::Actor {
    s.create_actor(&crate::actors::ActorInput {
        name: name.into(),
        world: "business".into(),
        commune: "Larrieu".into(),
        insee: None,
        engagement: "informed".into(),
        notes: String::new(),
    })
    .unwrap()
}

fn link_input(a: i64, b: i64) -> crate::network::LinkInput {
    crate::network::LinkInput {
        actor_a: a,
        actor_b: b,
        nature: "partnership".into(),
        strength: 2,
        since: None,
        notes: String::new(),
        introduced_by: None,
        meeting_id: None,
    }
}

fn link_ends(s: &Store, uid: &str) -> (String, String) {
    s.conn
        .query_row(
            "SELECT (SELECT name FROM actor WHERE id = l.actor_a),
                    (SELECT name FROM actor WHERE id = l.actor_b)
             FROM link AS l WHERE l.uid = ?1",
            [uid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

/// The security review's case: a link X–Y deleted, then X (the newest actor), then a new
/// actor Z takes X's id. Undoing the link's deletion must not join Z and Y: refused,
/// naming X; once X's deletion is undone (X comes back under another id, Z keeps its
/// own), the link comes back between X and Y.
#[test]
fn undo_never_points_a_reference_at_whoever_holds_the_number_now() {
    let (_d, mut s) = demo();
    let y = s.list_actors().unwrap()[0].clone();
    let x = new_actor(&mut s, "Xylophone des Vallées");
    let link = s.create_link(&link_input(x.id, y.id)).unwrap();
    let link_uid: String = s
        .conn
        .query_row("SELECT uid FROM link WHERE id = ?1", [link.id], |r| {
            r.get(0)
        })
        .unwrap();
    s.delete_link(link.id).unwrap();
    let link_deleted = newest(&s);
    s.delete_actor(x.id).unwrap();
    let x_deleted = newest(&s);
    let z = new_actor(&mut s, "Zèbre et Compagnie");
    assert_eq!(z.id, x.id, "SQLite gives the freed id again");
    let before = s.journal_size().unwrap();
    let e = s.undo_change_set(link_deleted).unwrap_err();
    assert_eq!(e.kind(), "gone_since");
    assert_eq!(
        e.to_string(),
        "Cette modification ne peut pas être annulée : L'acteur « Xylophone des Vallées » a été supprimé depuis ; annulez d'abord sa suppression."
    );
    assert_eq!(s.journal_size().unwrap(), before, "nothing written");
    let gone: bool = s
        .conn
        .query_row(
            "SELECT count(*) = 0 FROM link WHERE uid = ?1",
            [&link_uid],
            |r| r.get(0),
        )
        .unwrap();
    assert!(gone);
    // The history names X, as it was then, not Z.
    let told = s.change_set_detail(link_deleted, 10).unwrap();
    let record = told.changes.iter().find(|c| c.table == "link").unwrap();
    assert_eq!(record.before["actor_a"], serde_json::json!(x.uid));
    assert_eq!(
        record.name,
        "Xylophone des Vallées – ".to_string() + &y.name
    );
    assert!(matches!(
        s.undo_change_set(x_deleted).unwrap(),
        UndoOutcome::Done { .. }
    ));
    let x_again: i64 = s
        .conn
        .query_row("SELECT id FROM actor WHERE uid = ?1", [&x.uid], |r| {
            r.get(0)
        })
        .unwrap();
    assert_ne!(x_again, z.id, "Z keeps its id; X comes back under another");
    assert_eq!(s.actor(z.id).unwrap().name, "Zèbre et Compagnie");
    assert!(matches!(
        s.undo_change_set(link_deleted).unwrap(),
        UndoOutcome::Done { .. }
    ));
    assert_eq!(
        link_ends(&s, &link_uid),
        ("Xylophone des Vallées".to_string(), y.name.clone())
    );
    let fk: i64 = s
        .conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
}

/// A funder changed, the former funder deleted and its id given to a new actor: undoing
/// the change is refused (the funder is gone), and the history names the former funder,
/// not the new actor; a deletion that cascaded (the actor's links) comes back whole.
#[test]
fn a_funders_change_undone_names_and_needs_the_funder_of_then() {
    let (_d, mut s) = demo();
    let f = first_funding(&s);
    let old = new_actor(&mut s, "Fondation du Haut Pays");
    let other = s.list_actors().unwrap()[0].clone();
    let mut input = FundingInput {
        funder_id: Some(old.id),
        scheme: f.scheme.clone(),
        amount: "1 000,00".into(),
        status: f.status.code().into(),
        requested_on: f.requested_on.clone(),
        decision_on: f.decision_on.clone(),
        notes: f.notes.clone(),
    };
    s.update_funding(f.id, &input).unwrap();
    input.funder_id = Some(other.id);
    s.update_funding(f.id, &input).unwrap();
    let changed = newest(&s);
    s.create_link(&link_input(old.id, other.id)).unwrap();
    s.delete_actor(old.id).unwrap();
    let deleted = newest(&s);
    let taker = new_actor(&mut s, "Nouveau venu");
    assert_eq!(taker.id, old.id);
    let detail = s.change_set_detail(changed, 50).unwrap();
    let c = detail
        .changes
        .iter()
        .find(|c| c.field.as_deref() == Some("funder_id"))
        .unwrap();
    assert_eq!(c.kind, "ref:actor");
    assert_eq!(c.before, serde_json::json!(old.uid));
    assert_eq!(c.before_name.as_deref(), Some("Fondation du Haut Pays"));
    assert_eq!(c.after_name.as_deref(), Some(other.name.as_str()));
    // The deletion is told by the actor, whatever the order of its entries.
    let d = s.change_set_summary(deleted).unwrap();
    assert_eq!(d.label.code, "history.deleted_with");
    assert_eq!(d.label.args["name"], "Fondation du Haut Pays");
    // Undoing the funder's change would need the deleted funder: refused.
    let e = s.undo_change_set(changed).unwrap_err();
    assert_eq!(e.kind(), "gone_since", "{e}");
    // The deletion undone brings the actor back with its link and its funding line's
    // funder... no: a later set changed nothing of these, so all of it comes back.
    assert!(matches!(
        s.undo_change_set(deleted).unwrap(),
        UndoOutcome::Done { .. }
    ));
    let back: i64 = s
        .conn
        .query_row("SELECT id FROM actor WHERE uid = ?1", [&old.uid], |r| {
            r.get(0)
        })
        .unwrap();
    let links: i64 = s
        .conn
        .query_row(
            "SELECT count(*) FROM link WHERE actor_a = ?1 OR actor_b = ?1",
            [back],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(links, 1);
    assert!(matches!(
        s.undo_change_set(changed).unwrap(),
        UndoOutcome::Done { .. }
    ));
    let funder: Option<i64> = s
        .conn
        .query_row("SELECT funder_id FROM funding WHERE id = ?1", [f.id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(funder, Some(back), "the funder of then, under its id now");
}

/// An RGPD erasure cannot be undone.
#[test]
fn an_erasure_cannot_be_undone() {
    let (_d, mut s) = demo();
    let member: i64 = s
        .conn
        .query_row("SELECT id FROM member ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    s.person_erase(crate::safety::rgpd::Person::Member(member))
        .unwrap();
    let set = newest(&s);
    assert_eq!(
        s.undo_change_set(set).unwrap_err().code(),
        Some("undo.rgpd")
    );
}
