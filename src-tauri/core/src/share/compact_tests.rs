//! Compaction and the RGPD erasure through the shared folder: the files every device has
//! received are folded into a snapshot and removed, a device that has not received them
//! keeps them until it syncs or is dropped, a laptop joining later starts from the new
//! snapshot, and once an erasure has reached every device and the folder is compacted, no
//! byte of any file of the folder names the person.

use crate::actors::{ActorInput, ContactInput};
use crate::db::store::Store;
use crate::project::NewWorkspace;
use crate::safety::rgpd::Person;
use crate::share::space::share_join_as;
use crate::share::sync_tests::{actor, actor_id, actor_uid, walk, DEVICES};
use crate::shared::text::fold;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A team of `n` laptops on one shared folder (a network share).
fn team_on(dir: &TempDir, n: usize) -> (PathBuf, Vec<Store>) {
    let folder = dir.path().join("partage");
    std::fs::create_dir_all(&folder).unwrap();
    let new = NewWorkspace {
        territory_name: "PETR du Val".into(),
        territory_kind: "petr".into(),
        project_title: "Projet de territoire".into(),
    };
    let mut first = Store::create(&dir.path().join("a.catalyse"), &new).unwrap();
    first.journal.set_device(DEVICES[0]);
    first.share_init(&folder, "ordinateur A").unwrap();
    let mut team = vec![first];
    for (i, device) in DEVICES.iter().enumerate().take(n).skip(1) {
        let to = dir.path().join(format!("{i}.catalyse"));
        team.push(share_join_as(&folder, &to, &format!("ordinateur {i}"), Some(device)).unwrap());
    }
    (folder, team)
}

/// Every laptop exchanges, saying what it has received, until nothing moves.
fn settle(team: &mut [&mut Store]) {
    for _ in 0..3 {
        for s in team.iter_mut() {
            s.sync_acknowledging().unwrap();
        }
    }
}

fn changes_in(folder: &Path) -> usize {
    walk(&folder.join("appareils"))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ccf"))
        .count()
}

#[test]
fn files_every_device_received_are_folded_and_a_late_laptop_starts_from_the_snapshot() {
    let dir = TempDir::new().unwrap();
    let (folder, mut team) = team_on(&dir, 3);
    for i in 0..30 {
        team[i % 2]
            .create_actor(&actor(&format!("Acteur {i}")))
            .unwrap();
        let (a, rest) = team.split_at_mut(1);
        let (b, c) = rest.split_at_mut(1);
        settle(&mut [&mut a[0], &mut b[0], &mut c[0]]);
    }
    let before = changes_in(&folder);
    let report = team[0].share_compact_with(0).unwrap();
    println!("compaction of 3 laptops: {report:?}");
    assert!(report.holding_back.is_empty(), "{report:?}");
    assert!(report.removed_files > 0 && report.removed_files < before + 1);
    assert_eq!(changes_in(&folder), report.kept_files);
    assert!(report.bytes_after < report.bytes_before, "{report:?}");
    assert_eq!(
        walk(&folder.join("instantanes")).len(),
        1,
        "only the new snapshot is left"
    );
    // The others go on as before; a laptop joining now starts from the new snapshot.
    team[1].create_actor(&actor("Après la compaction")).unwrap();
    let late = share_join_as(
        &folder,
        &dir.path().join("late.catalyse"),
        "ordinateur tardif",
        Some(DEVICES[3]),
    )
    .unwrap();
    team.push(late);
    for _ in 0..3 {
        for s in team.iter_mut() {
            s.sync_acknowledging().unwrap();
        }
    }
    let hashes: Vec<String> = team.iter().map(|s| s.content_hash().unwrap()).collect();
    assert!(hashes.iter().all(|h| *h == hashes[0]), "{hashes:?}");
    let n: i64 = team[3]
        .conn
        .query_row("SELECT count(*) FROM actor", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 31);
    for s in &team {
        let waiting = s.share_devices().unwrap();
        assert!(!waiting.is_empty());
    }
}

#[test]
fn a_silent_laptop_keeps_what_it_has_not_received_until_it_is_dropped() {
    let dir = TempDir::new().unwrap();
    let (folder, mut team) = team_on(&dir, 3);
    // Laptop 2 stops syncing.
    for i in 0..10 {
        team[0]
            .create_actor(&actor(&format!("Acteur {i}")))
            .unwrap();
        let (a, rest) = team.split_at_mut(1);
        settle(&mut [&mut a[0], &mut rest[0]]);
    }
    let made = files_of(&folder, DEVICES[0]);
    let report = team[0].share_compact_with(0).unwrap();
    assert_eq!(report.holding_back, vec!["ordinateur 2".to_string()]);
    // Only laptop 1's files that said what it received (but its newest) are folded.
    assert_eq!(files_of(&folder, DEVICES[0]), made, "{report:?}");
    assert_eq!(files_of(&folder, DEVICES[1]), 1, "{report:?}");
    // It can come back and catch up from the files kept for it.
    team[2].sync_acknowledging().unwrap();
    let n: i64 = team[2]
        .conn
        .query_row("SELECT count(*) FROM actor", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 10);
    // Then it goes silent again and is dropped by a person.
    team[0].create_actor(&actor("Encore un")).unwrap();
    team[0].sync_acknowledging().unwrap();
    team[1].sync_acknowledging().unwrap();
    team[0].share_drop_device(DEVICES[2]).unwrap();
    assert_eq!(
        team[1].share_dropped().unwrap(),
        vec![DEVICES[2].to_string()]
    );
    let err = team[0].share_drop_device(DEVICES[0]).unwrap_err();
    assert!(err.to_string().contains("lui-même"), "{err}");
    let report = team[0].share_compact_with(0).unwrap();
    assert!(report.holding_back.is_empty(), "{report:?}");
    assert!(report.removed_files > 0, "{report:?}");
    // The dropped laptop is told so.
    assert!(team[2].sync().unwrap().dropped);
    assert!(!team[1].sync().unwrap().dropped);
    let _ = folder;
}

fn folded_bytes(path: &Path) -> String {
    let bytes = crate::share::snapshot::searchable(&std::fs::read(path).unwrap());
    fold(&String::from_utf8_lossy(&bytes))
}

#[test]
fn an_erasure_travels_and_after_compaction_no_byte_of_the_folder_names_the_person() {
    let dir = TempDir::new().unwrap();
    let (folder, mut team) = team_on(&dir, 3);
    let a = team[0]
        .create_actor(&ActorInput {
            notes: "Rencontre avec Jeanne Zorglub en mars.".into(),
            ..actor("Mairie de Valbonne")
        })
        .unwrap();
    let contact = team[0]
        .create_contact(
            a.id,
            &ContactInput {
                name: "Jeanne Zorglub".into(),
                role: "Secrétaire de mairie".into(),
                email: "jeanne.zorglub@valbonne.fr".into(),
                phone: "06 12 34 56 78".into(),
                notes: "Préfère être appelée le matin.".into(),
            },
        )
        .unwrap();
    {
        let (x, rest) = team.split_at_mut(1);
        let (y, z) = rest.split_at_mut(1);
        settle(&mut [&mut x[0], &mut y[0], &mut z[0]]);
    }
    // Laptop 1 changes her phone while laptop 0 erases her: neither knows the other's.
    let uid: String = team[0]
        .conn
        .query_row("SELECT uid FROM contact WHERE id = ?1", [contact.id], |r| {
            r.get(0)
        })
        .unwrap();
    let id_on_1: i64 = team[1]
        .conn
        .query_row("SELECT id FROM contact WHERE uid = ?1", [&uid], |r| {
            r.get(0)
        })
        .unwrap();
    team[1]
        .update_contact(
            id_on_1,
            &ContactInput {
                name: "Jeanne Zorglub".into(),
                role: "Secrétaire de mairie".into(),
                email: "jeanne.zorglub@valbonne.fr".into(),
                phone: "07 98 76 54 32".into(),
                notes: "Jeanne Zorglub préfère le matin.".into(),
            },
        )
        .unwrap();
    team[1].sync().unwrap();
    team[0].person_erase(Person::Contact(contact.id)).unwrap();
    let mut erased_reported = 0;
    for _ in 0..4 {
        for s in team.iter_mut() {
            erased_reported += s.sync_acknowledging().unwrap().erased.len();
        }
    }
    assert!(erased_reported >= 2, "the two other laptops erased her too");
    let hashes: Vec<String> = team.iter().map(|s| s.content_hash().unwrap()).collect();
    assert!(hashes.iter().all(|h| *h == hashes[0]), "{hashes:?}");
    for s in &team {
        assert_eq!(s.conflict_count().unwrap(), 0, "no inbox entry keeps her");
        let left: i64 = s
            .conn
            .query_row("SELECT count(*) FROM contact", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }
    // Before compaction, the folder still holds her (the files that created her).
    let named = |folder: &Path| -> Vec<PathBuf> {
        walk(folder)
            .into_iter()
            .filter(|p| {
                let text = folded_bytes(p);
                text.contains("zorglub")
                    || text.contains("06 12 34 56 78")
                    || text.contains("07 98 76")
            })
            .collect()
    };
    assert!(!named(&folder).is_empty());
    let report = team[2].share_compact_with(0).unwrap();
    println!("compaction after an erasure: {report:?}");
    assert!(report.holding_back.is_empty(), "{report:?}");
    assert_eq!(named(&folder), Vec::<PathBuf>::new(), "{report:?}");
    // Nor does any laptop's workspace file.
    for (i, _) in team.iter().enumerate() {
        let file = if i == 0 {
            dir.path().join("a.catalyse")
        } else {
            dir.path().join(format!("{i}.catalyse"))
        };
        assert!(
            !folded_bytes(&file).contains("zorglub"),
            "laptop {i}'s workspace still names her"
        );
    }
    // A laptop joining now gets the team's workspace without her.
    let late = share_join_as(
        &folder,
        &dir.path().join("late.catalyse"),
        "ordinateur tardif",
        Some(DEVICES[3]),
    )
    .unwrap();
    assert_eq!(late.content_hash().unwrap(), hashes[0]);
    drop(late);
    assert!(!folded_bytes(&dir.path().join("late.catalyse")).contains("zorglub"));
}

#[test]
fn an_erasure_reaches_a_copy_of_the_person_made_meanwhile_on_another_laptop() {
    let dir = TempDir::new().unwrap();
    let (folder, mut team) = team_on(&dir, 3);
    let kept = team[0].create_actor(&actor("Ferme Dupré")).unwrap();
    let other = team[0].create_actor(&actor("Ferme Dupré (bis)")).unwrap();
    let contact = team[0]
        .create_contact(
            other.id,
            &ContactInput {
                name: "Jeanne Zorglub".into(),
                role: String::new(),
                email: String::new(),
                phone: "06 12 34 56 78".into(),
                notes: String::new(),
            },
        )
        .unwrap();
    {
        let (x, rest) = team.split_at_mut(1);
        let (y, z) = rest.split_at_mut(1);
        settle(&mut [&mut x[0], &mut y[0], &mut z[0]]);
    }
    // Laptop 1 merges the two actors (her contact is created again under the one kept)
    // while laptop 0 erases her: neither knows the other's.
    let (uid, id) = (actor_uid, actor_id);
    let (kept_uid, other_uid) = (uid(&team[0], kept.id), uid(&team[0], other.id));
    let (k, o) = (id(&team[1], &kept_uid), id(&team[1], &other_uid));
    team[1].merge_actors(k, o).unwrap();
    team[0].person_erase(Person::Contact(contact.id)).unwrap();
    // Laptop 2 receives the erasure before the copy, the others the other way round.
    team[0].sync().unwrap();
    team[2].sync().unwrap();
    team[1].sync().unwrap();
    for _ in 0..4 {
        for s in team.iter_mut() {
            s.sync_acknowledging().unwrap();
        }
    }
    let hashes: Vec<String> = team.iter().map(|s| s.content_hash().unwrap()).collect();
    assert!(hashes.iter().all(|h| *h == hashes[0]), "{hashes:?}");
    for s in &team {
        let names: Vec<String> = s
            .conn
            .prepare("SELECT name || ' ' || phone FROM contact")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            names,
            vec!["[personne effacée] [personne effacée]".to_string()]
        );
    }
    let report = team[2].share_compact_with(0).unwrap();
    assert!(report.holding_back.is_empty(), "{report:?}");
    let named: Vec<PathBuf> = walk(&folder)
        .into_iter()
        .filter(|p| {
            let text = folded_bytes(p);
            text.contains("zorglub") || text.contains("06 12 34 56 78")
        })
        .collect();
    assert_eq!(named, Vec::<PathBuf>::new(), "{report:?}");
    for (i, s) in team.iter().enumerate() {
        let journal: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM change WHERE coalesce(before, '') LIKE '%Zorglub%'
                   OR coalesce(after, '') LIKE '%Zorglub%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(journal, 0, "laptop {i}'s journal still names her");
    }
}

/// The change files of laptop `device` in the folder.
fn files_of(folder: &Path, device: &str) -> usize {
    walk(&folder.join("appareils").join(device.replace('-', "")))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ccf"))
        .count()
}

fn actors(store: &Store) -> i64 {
    store
        .conn
        .query_row("SELECT count(*) FROM actor", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn files_that_only_acknowledge_are_folded_and_a_laptop_behind_on_them_goes_on() {
    let dir = TempDir::new().unwrap();
    let (folder, mut team) = team_on(&dir, 3);
    settle(&mut team.iter_mut().collect::<Vec<_>>());
    // Laptop 1 only receives (an elected official's laptop): each exchange that brings
    // something new writes a file that only says so. Laptop 2 is away meanwhile.
    for i in 0..6 {
        team[0]
            .create_actor(&actor(&format!("Acteur {i}")))
            .unwrap();
        team[0].sync_acknowledging().unwrap();
        team[1].sync_acknowledging().unwrap();
    }
    let listening = files_of(&folder, DEVICES[1]);
    assert!(listening >= 6, "{listening} files of laptop 1");
    let report = team[0].share_compact_with(0).unwrap();
    assert_eq!(report.holding_back, vec!["ordinateur 2".to_string()]);
    assert_eq!(
        files_of(&folder, DEVICES[1]),
        1,
        "only its newest file, which says what it received, is left ({report:?})"
    );
    // Laptop 2 comes back: laptop 1's files it had not read are gone, the snapshot proves
    // they held no change, and it goes on from the file left.
    let back = team[2].sync_acknowledging().unwrap();
    assert!(back.waiting.is_empty(), "{:?}", back.waiting);
    assert_eq!(actors(&team[2]), 6);
    // Laptop 1 makes a change that laptop 2 misses, then acknowledges more: its files after
    // that change stay until laptop 2 has it.
    team[1].create_actor(&actor("Du portable 1")).unwrap();
    team[1].sync_acknowledging().unwrap();
    for i in 0..3 {
        team[0]
            .create_actor(&actor(&format!("Encore {i}")))
            .unwrap();
        team[0].sync_acknowledging().unwrap();
        team[1].sync_acknowledging().unwrap();
    }
    let before = files_of(&folder, DEVICES[1]);
    team[0].share_compact_with(0).unwrap();
    assert_eq!(
        files_of(&folder, DEVICES[1]),
        before,
        "laptop 2 lacks its change"
    );
    let back = team[2].sync_acknowledging().unwrap();
    assert!(back.waiting.is_empty(), "{:?}", back.waiting);
    settle(&mut team.iter_mut().collect::<Vec<_>>());
    let report = team[0].share_compact_with(0).unwrap();
    assert!(report.holding_back.is_empty(), "{report:?}");
    for device in &DEVICES[..3] {
        assert!(files_of(&folder, device) <= 1, "{report:?}");
    }
    team[1].create_actor(&actor("Après")).unwrap();
    settle(&mut team.iter_mut().collect::<Vec<_>>());
    let hashes: Vec<String> = team.iter().map(|s| s.content_hash().unwrap()).collect();
    assert!(hashes.iter().all(|h| *h == hashes[0]), "{hashes:?}");
    assert!(team.iter().all(|s| actors(s) == 11));
}
