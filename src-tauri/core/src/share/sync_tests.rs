//! Two and three laptops sharing through folders: what one does, the others see; concurrent
//! changes give the same winner and the same inbox everywhere; resolutions travel.

use crate::actors::ActorInput;
use crate::db::store::Store;
use crate::project::NewWorkspace;
use crate::share::inbox::Resolution;
use crate::share::space::share_join_as;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub(crate) const DEVICES: [&str; 4] = [
    "0190f6a4-0000-7000-8000-00000000000a",
    "0190f6a4-0000-7000-8000-00000000000b",
    "0190f6a4-0000-7000-8000-00000000000c",
    "0190f6a4-0000-7000-8000-00000000000d",
];

/// A laptop: its workspace and its copy of the shared folder.
pub(crate) struct Laptop {
    pub store: Store,
    pub folder: PathBuf,
}

/// Copies every file of `from`'s folder that `to`'s lacks (a sync tool).
pub(crate) fn carry(from: &Path, to: &Path) {
    for entry in walk(from) {
        let relative = entry.strip_prefix(from).unwrap();
        let target = to.join(relative);
        if !target.exists() {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(&entry, &target).unwrap();
        }
    }
}

pub(crate) fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// A team of `n` laptops: the first creates the space from a new workspace, the others join
/// from a copy of its folder.
pub(crate) fn team(dir: &TempDir, n: usize) -> Vec<Laptop> {
    let folder = |i: usize| {
        let f = dir.path().join(format!("partage-{i}"));
        std::fs::create_dir_all(&f).unwrap();
        f
    };
    let new = NewWorkspace {
        territory_name: "PETR du Val".into(),
        territory_kind: "petr".into(),
        project_title: "Projet de territoire".into(),
    };
    let mut first = Store::create(&dir.path().join("a.catalyse"), &new).unwrap();
    first.journal.set_device(DEVICES[0]);
    first.share_init(&folder(0), "ordinateur A").unwrap();
    let mut team = vec![Laptop {
        store: first,
        folder: folder(0),
    }];
    for (i, device) in DEVICES.iter().enumerate().take(n).skip(1) {
        let f = folder(i);
        carry(&team[0].folder, &f);
        let to = dir.path().join(format!("{i}.catalyse"));
        let store = share_join_as(&f, &to, &format!("ordinateur {i}"), Some(device)).unwrap();
        team.push(Laptop { store, folder: f });
    }
    team
}

/// The identity of the actor `id` on the laptop `s`.
pub(crate) fn actor_uid(s: &Store, id: i64) -> String {
    s.conn
        .query_row("SELECT uid FROM actor WHERE id = ?1", [id], |r| r.get(0))
        .unwrap()
}

/// The id on the laptop `s` of the actor `uid`.
pub(crate) fn actor_id(s: &Store, uid: &str) -> i64 {
    s.conn
        .query_row("SELECT id FROM actor WHERE uid = ?1", [uid], |r| r.get(0))
        .unwrap()
}

pub(crate) fn actor(name: &str) -> ActorInput {
    ActorInput {
        name: name.into(),
        world: "business".into(),
        commune: String::new(),
        insee: None,
        engagement: "informed".into(),
        notes: String::new(),
    }
}

/// Everyone sends, every folder gets every file, everyone receives (twice: a file may wait
/// for one received in the same round).
pub(crate) fn converge(team: &mut [Laptop]) {
    for _ in 0..2 {
        for l in team.iter_mut() {
            l.store.sync().unwrap();
        }
        let folders: Vec<PathBuf> = team.iter().map(|l| l.folder.clone()).collect();
        for a in &folders {
            for b in &folders {
                if a != b {
                    carry(a, b);
                }
            }
        }
        for l in team.iter_mut() {
            l.store.sync().unwrap();
        }
    }
}

fn id_of(s: &Store, name: &str) -> i64 {
    s.conn
        .query_row("SELECT id FROM actor WHERE name = ?1", [name], |r| r.get(0))
        .unwrap()
}

#[test]
fn what_one_laptop_adds_the_other_sees_and_their_contents_agree() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    assert_eq!(
        team[0].store.content_hash().unwrap(),
        team[1].store.content_hash().unwrap()
    );
    team[0]
        .store
        .create_actor(&actor("Mairie de Trélon"))
        .unwrap();
    let report = team[0].store.sync().unwrap();
    assert_eq!(report.sent, 1);
    carry(&team[0].folder.clone(), &team[1].folder.clone());
    let report = team[1].store.sync().unwrap();
    assert_eq!(report.applied, 1, "{report:?}");
    let names: Vec<String> = team[1]
        .store
        .list_actors()
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert!(names.contains(&"Mairie de Trélon".to_string()), "{names:?}");
    assert_eq!(
        team[0].store.content_hash().unwrap(),
        team[1].store.content_hash().unwrap()
    );
    // Applying again changes nothing.
    let again = team[1].store.sync().unwrap();
    assert_eq!((again.applied, again.sent), (0, 0));
    // The journal tells who made it, on which laptop.
    let (author, device): (String, String) = team[1]
        .store
        .conn
        .query_row(
            "SELECT s.author, s.device FROM change AS c JOIN change_set AS s ON s.id = c.set_id
             WHERE c.tbl = 'actor' AND c.op = 1 ORDER BY c.id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(device, DEVICES[0]);
    assert!(!author.is_empty());
}

#[test]
fn one_field_changed_on_two_laptops_gives_one_winner_and_one_inbox_everywhere() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 3);
    team[0]
        .store
        .create_actor(&actor("Communauté de communes"))
        .unwrap();
    converge(&mut team);
    for (i, commune) in [(0, "Avesnes"), (1, "Fourmies")] {
        let s = &mut team[i].store;
        let id = id_of(s, "Communauté de communes");
        let mut input = actor("Communauté de communes");
        input.commune = commune.into();
        s.update_actor(id, &input).unwrap();
    }
    converge(&mut team);
    let hashes: Vec<String> = team
        .iter()
        .map(|l| l.store.content_hash().unwrap())
        .collect();
    assert!(hashes.windows(2).all(|w| w[0] == w[1]), "{hashes:?}");
    let inboxes: Vec<Vec<String>> = team.iter().map(|l| l.store.inbox_dump().unwrap()).collect();
    assert_eq!(inboxes[0].len(), 1, "{inboxes:?}");
    assert!(inboxes.windows(2).all(|w| w[0] == w[1]), "{inboxes:?}");
    // The laptop that made the later change wins (its clock is later): B's « Fourmies ».
    let commune: String = team[2]
        .store
        .conn
        .query_row(
            "SELECT commune FROM actor WHERE name = 'Communauté de communes'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(commune, "Fourmies");
    let conflict = team[2].store.conflicts(0, 10).unwrap().remove(0);
    assert_eq!(
        (conflict.field.as_str(), conflict.value.as_str()),
        ("commune", "\"Avesnes\"")
    );
    assert_eq!(conflict.current, "\"Fourmies\"");
    // B takes A's value: it travels, and every inbox empties.
    let id = team[1].store.conflicts(0, 10).unwrap()[0].id;
    team[1]
        .store
        .resolve_conflict(id, Resolution::Take)
        .unwrap();
    converge(&mut team);
    for l in &team {
        assert!(l.store.inbox_dump().unwrap().is_empty());
        let commune: String = l
            .store
            .conn
            .query_row(
                "SELECT commune FROM actor WHERE name = 'Communauté de communes'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(commune, "Avesnes");
    }
}

#[test]
fn keeping_the_value_that_stands_also_empties_every_inbox() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    team[0]
        .store
        .create_actor(&actor("Office de tourisme"))
        .unwrap();
    converge(&mut team);
    for (i, notes) in [(0, "vu en mars"), (1, "vu en avril")] {
        let s = &mut team[i].store;
        let id = id_of(s, "Office de tourisme");
        let mut input = actor("Office de tourisme");
        input.notes = notes.into();
        s.update_actor(id, &input).unwrap();
    }
    converge(&mut team);
    let id = team[0].store.conflicts(0, 10).unwrap()[0].id;
    team[0]
        .store
        .resolve_conflict(id, Resolution::Keep)
        .unwrap();
    converge(&mut team);
    assert!(team
        .iter()
        .all(|l| l.store.inbox_dump().unwrap().is_empty()));
    assert_eq!(
        team[0].store.content_hash().unwrap(),
        team[1].store.content_hash().unwrap()
    );
}

#[test]
fn a_deletion_wins_over_a_change_it_did_not_know_and_the_change_can_be_restored() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 3);
    team[0]
        .store
        .create_actor(&actor("Association Sambre"))
        .unwrap();
    converge(&mut team);
    let id = id_of(&team[0].store, "Association Sambre");
    team[0].store.delete_actor(id).unwrap();
    let s = &mut team[1].store;
    let id = id_of(s, "Association Sambre");
    let mut input = actor("Association Sambre");
    input.commune = "Maubeuge".into();
    s.update_actor(id, &input).unwrap();
    converge(&mut team);
    let inboxes: Vec<Vec<String>> = team.iter().map(|l| l.store.inbox_dump().unwrap()).collect();
    assert_eq!(inboxes[0].len(), 1, "{inboxes:?}");
    assert!(inboxes[0][0].contains(" deleted "), "{inboxes:?}");
    assert!(inboxes.windows(2).all(|w| w[0] == w[1]), "{inboxes:?}");
    assert!(team.iter().all(|l| l
        .store
        .list_actors()
        .unwrap()
        .iter()
        .all(|a| a.name != "Association Sambre")));
    // « Restaurer » on C: the actor comes back everywhere, with B's change.
    let id = team[2].store.conflicts(0, 10).unwrap()[0].id;
    team[2]
        .store
        .resolve_conflict(id, Resolution::Restore)
        .unwrap();
    converge(&mut team);
    for l in &team {
        let commune: String = l
            .store
            .conn
            .query_row(
                "SELECT commune FROM actor WHERE name = 'Association Sambre'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(commune, "Maubeuge");
        assert!(l.store.inbox_dump().unwrap().is_empty());
    }
    let hashes: Vec<String> = team
        .iter()
        .map(|l| l.store.content_hash().unwrap())
        .collect();
    assert!(hashes.windows(2).all(|w| w[0] == w[1]), "{hashes:?}");
}

/// The link between the actors `a` and `b` (names), recorded on laptop `s`.
fn link_between(s: &mut Store, a: &str, b: &str) -> i64 {
    let input = crate::network::LinkInput {
        actor_a: id_of(s, a),
        actor_b: id_of(s, b),
        nature: "funding".into(),
        strength: 1,
        since: None,
        notes: String::new(),
        introduced_by: None,
        meeting_id: None,
    };
    s.create_link(&input).unwrap().id
}

#[test]
fn a_change_to_a_link_recorded_twice_then_deleted_unknowingly_reaches_every_inbox() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 3);
    team[0]
        .store
        .create_actor(&actor("Mairie de Trélon"))
        .unwrap();
    team[0].store.create_actor(&actor("Tiers-lieu")).unwrap();
    converge(&mut team);
    // B records the link, C records the same link, then B changes its strength (each a
    // few milliseconds after the other: their clocks in that order).
    let pause = || std::thread::sleep(std::time::Duration::from_millis(5));
    let l = link_between(&mut team[1].store, "Mairie de Trélon", "Tiers-lieu");
    pause();
    link_between(&mut team[2].store, "Mairie de Trélon", "Tiers-lieu");
    pause();
    team[1]
        .store
        .conn
        .execute("UPDATE link SET strength = 3 WHERE id = ?1", [l])
        .unwrap();
    // A deletes one of the two actors, knowing neither link.
    let x = id_of(&team[0].store, "Mairie de Trélon");
    team[0].store.delete_actor(x).unwrap();
    for l in team.iter_mut() {
        l.store.sync().unwrap();
    }
    // B receives C's link (found to be its own, journaled after B's change), then the deletion.
    let (b, c, a) = (
        team[1].folder.clone(),
        team[2].folder.clone(),
        team[0].folder.clone(),
    );
    carry(&c, &b);
    team[1].store.sync().unwrap();
    carry(&a, &b);
    team[1].store.sync().unwrap();
    converge(&mut team);
    let inboxes: Vec<Vec<String>> = team.iter().map(|l| l.store.inbox_dump().unwrap()).collect();
    assert!(
        inboxes[0].iter().any(|e| e.contains(" strength deleted ")),
        "B's change of the strength, which A did not know, is in the inbox: {inboxes:#?}"
    );
    assert!(inboxes.windows(2).all(|w| w[0] == w[1]), "{inboxes:#?}");
    let hashes: Vec<String> = team
        .iter()
        .map(|l| l.store.content_hash().unwrap())
        .collect();
    assert!(hashes.windows(2).all(|w| w[0] == w[1]), "{hashes:?}");
}

/// Every laptop of `team` holds the same records and the same inbox.
pub(crate) fn alike(team: &[Laptop]) {
    let inboxes: Vec<Vec<String>> = team.iter().map(|l| l.store.inbox_dump().unwrap()).collect();
    assert!(inboxes.windows(2).all(|w| w[0] == w[1]), "{inboxes:#?}");
    let dumps: Vec<Vec<String>> = team
        .iter()
        .map(|l| l.store.content_dump().unwrap())
        .collect();
    assert!(dumps.windows(2).all(|w| w[0] == w[1]), "{dumps:#?}");
}

#[test]
fn who_introduced_a_link_crossing_a_deletion_of_that_actor_ends_alike_everywhere() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 3);
    for name in ["Mairie", "Tiers-lieu", "Médiatrice", "Animateur"] {
        team[0].store.create_actor(&actor(name)).unwrap();
    }
    let s = &mut team[0].store;
    let mut input = crate::network::LinkInput {
        actor_a: id_of(s, "Mairie"),
        actor_b: id_of(s, "Tiers-lieu"),
        nature: "dialogue".into(),
        strength: 2,
        since: None,
        notes: String::new(),
        introduced_by: Some(crate::network::Introducer::Actor(id_of(s, "Animateur"))),
        meeting_id: None,
    };
    let changed = s.create_link(&input).unwrap().id;
    converge(&mut team);
    // A records a new link introduced by the mediator and says the mediator introduced the
    // first one too; C deletes the mediator meanwhile.
    let s = &mut team[0].store;
    input.actor_b = id_of(s, "Animateur");
    input.introduced_by = Some(crate::network::Introducer::Actor(id_of(s, "Médiatrice")));
    s.create_link(&input).unwrap();
    s.conn
        .execute(
            "UPDATE link SET introduced_by_actor = ?1 WHERE id = ?2",
            [id_of(s, "Médiatrice"), changed],
        )
        .unwrap();
    let m = id_of(&team[2].store, "Médiatrice");
    team[2].store.delete_actor(m).unwrap();
    for l in team.iter_mut() {
        l.store.sync().unwrap();
    }
    // B receives A's changes before the deletion; C made the deletion before them.
    let (a, b, c) = (
        team[0].folder.clone(),
        team[1].folder.clone(),
        team[2].folder.clone(),
    );
    carry(&a, &b);
    team[1].store.sync().unwrap();
    carry(&c, &b);
    team[1].store.sync().unwrap();
    converge(&mut team);
    alike(&team);
    // The links stand everywhere, without the deleted mediator; what A said of her is in the
    // inbox, twice.
    for l in &team {
        let without: i64 = l
            .store
            .conn
            .query_row(
                "SELECT count(*) FROM link WHERE introduced_by_actor IS NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(without, 2);
        let lost = l
            .store
            .inbox_dump()
            .unwrap()
            .iter()
            .filter(|e| e.contains(" introduced_by_actor deleted "))
            .count();
        assert_eq!(lost, 2, "{:#?}", l.store.inbox_dump().unwrap());
    }
}

#[test]
fn a_value_that_lost_to_another_and_to_a_deletion_ends_alike_in_every_order() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 3);
    for name in ["Mairie", "Tiers-lieu", "Médiatrice", "Animateur"] {
        team[0].store.create_actor(&actor(name)).unwrap();
    }
    let l = link_between(&mut team[0].store, "Mairie", "Tiers-lieu");
    converge(&mut team);
    let introduce = |s: &mut Store, who: &str| {
        let by = id_of(s, who);
        s.conn
            .execute(
                "UPDATE link SET introduced_by_actor = ?1 WHERE id = ?2",
                [by, l],
            )
            .unwrap();
    };
    // C deletes the mediator; B, later, says the mediator introduced them; A, later still,
    // the facilitator.
    let pause = || std::thread::sleep(std::time::Duration::from_millis(5));
    let m = id_of(&team[2].store, "Médiatrice");
    team[2].store.delete_actor(m).unwrap();
    pause();
    introduce(&mut team[1].store, "Médiatrice");
    pause();
    introduce(&mut team[0].store, "Animateur");
    for l in team.iter_mut() {
        l.store.sync().unwrap();
    }
    let folders: Vec<PathBuf> = team.iter().map(|l| l.folder.clone()).collect();
    // C: its deletion, then B's change, then A's. B: A's change, then the deletion. A: the
    // deletion, then B's change.
    for (to, from) in [(2, 1), (2, 0), (1, 0), (1, 2), (0, 2), (0, 1)] {
        carry(&folders[from], &folders[to]);
        team[to].store.sync().unwrap();
    }
    converge(&mut team);
    alike(&team);
    let lost: Vec<String> = team[0]
        .store
        .inbox_dump()
        .unwrap()
        .into_iter()
        .filter(|e| e.contains(" introduced_by_actor "))
        .collect();
    assert_eq!(lost.len(), 1, "{lost:#?}");
    assert!(lost[0].contains(" deleted "), "{lost:#?}");
}

#[test]
fn an_import_travels_as_batches_and_every_record_arrives() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    // Actors with tags and contacts, then links: more than a batch of each.
    let mut actors = String::from("Nom;Monde;Commune;Étiquettes;Contact\n");
    let mut links = String::from("Acteur A;Acteur B;Nature\n");
    for i in 0..2_500 {
        let tag = if i % 3 == 0 { "lot" } else { "" };
        actors.push_str(&format!("Lot {i};Entreprise;Gap;{tag};Personne {i}\n"));
        links.push_str(&format!("Lot {i};Lot {};Partenariat\n", (i + 1) % 2_500));
    }
    for (kind, text) in [
        (crate::exchange::ExchangeKind::Actors, actors),
        (crate::exchange::ExchangeKind::Links, links),
    ] {
        team[0]
            .store
            .import(
                kind,
                text.as_bytes(),
                crate::shared::sheet::FileFormat::Csv,
                false,
            )
            .unwrap();
    }
    let batches: i64 = team[0]
        .store
        .conn
        .query_row("SELECT count(*) FROM change WHERE op = 4", [], |r| r.get(0))
        .unwrap();
    assert!(batches >= 3, "{batches} batch entries");
    converge(&mut team);
    let n: i64 = team[1]
        .store
        .conn
        .query_row("SELECT count(*) FROM actor", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2_500);
    assert_eq!(
        team[0].store.content_hash().unwrap(),
        team[1].store.content_hash().unwrap()
    );
    assert!(team
        .iter()
        .all(|l| l.store.inbox_dump().unwrap().is_empty()));
}

/// The territory's communes travel: two laptops picking the same commune offline end with one
/// record of it (its key, territory and commune, makes them one), and taking it out on one
/// takes it out everywhere.
#[test]
fn the_territorys_communes_picked_on_two_laptops_end_as_one_list() {
    use crate::project::communes::CommuneChoice::Commune;
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    let pick = |s: &mut Store, add: &[&str], remove: &[&str]| {
        let list = |codes: &[&str]| {
            codes
                .iter()
                .map(|c| Commune(c.to_string()))
                .collect::<Vec<_>>()
        };
        s.change_territory_communes(&list(add), &list(remove))
            .unwrap()
    };
    pick(&mut team[0].store, &["22278", "29019"], &[]);
    pick(&mut team[1].store, &["22278"], &[]);
    converge(&mut team);
    alike(&team);
    for l in &team {
        assert_eq!(l.store.territory_communes().unwrap().communes, 2);
    }
    pick(&mut team[1].store, &[], &["22278"]);
    converge(&mut team);
    alike(&team);
    for l in &team {
        let left = l.store.territory_commune_page("", 0, 10).unwrap();
        assert_eq!(
            left.iter().map(|c| c.insee.as_str()).collect::<Vec<_>>(),
            ["29019"]
        );
    }
}
