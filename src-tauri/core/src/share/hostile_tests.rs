//! Laptops exchanging through a hostile shared folder (`share::hostile`): renames refused by
//! a sync tool holding the file, a name taken by a laptop with the same identity, reads that
//! fail or block like placeholders, files not downloaded, no folder event (polling alone),
//! the sync tools' conflict copies, 10,000 files at once, folders differing only by case,
//! a root too deep for Windows, device names that no path could hold.

use crate::db::store::Store;
use crate::share::copies::TWIN;
use crate::share::format::{encode, read, Expected, Header, Reading};
use crate::share::hostile::Hostile;
use crate::share::report::SyncReport;
use crate::share::space::share_join_as;
use crate::share::sync_tests::{actor, carry, team, walk, Laptop, DEVICES};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// The deadline of a read in these tests.
const DEADLINE: Duration = Duration::from_millis(200);

fn sync_through(l: &mut Laptop, h: &std::sync::Arc<Hostile>) -> SyncReport {
    l.store.sync_with(&Hostile::access(h, DEADLINE)).unwrap()
}

/// Change file `seq` of the `i`th device in `folder`.
fn file_of(folder: &Path, i: usize, seq: u64) -> PathBuf {
    let hex = DEVICES[i].replace('-', "");
    let name = format!("{seq:08}.ccf");
    walk(folder)
        .into_iter()
        .find(|p| {
            p.to_string_lossy().contains(&hex)
                && p.file_name().is_some_and(|n| n.to_string_lossy() == name)
        })
        .unwrap_or_else(|| panic!("no file {seq} of device {i} in {}", folder.display()))
}

fn relative(folder: &Path, p: &Path) -> String {
    p.strip_prefix(folder)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

fn names(s: &Store) -> Vec<String> {
    s.list_actors()
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect()
}

fn same_content(team: &[Laptop]) {
    assert_eq!(
        team[0].store.content_hash().unwrap(),
        team[1].store.content_hash().unwrap()
    );
}

#[test]
fn two_laptops_converge_through_a_folder_that_fails_blocks_and_holds_placeholders() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    let (ha, hb) = (Hostile::new(), Hostile::new());
    team[0]
        .store
        .create_actor(&actor("Mairie de Trélon"))
        .unwrap();
    // The sync tool holds the new file: the rename fails three times (error 32), then works.
    ha.fail_renames(3);
    let report = sync_through(&mut team[0], &ha);
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(ha.renames_failed.load(Ordering::SeqCst), 3);
    let (a, b) = (team[0].folder.clone(), team[1].folder.clone());
    carry(&a, &b);
    let file = relative(&b, &file_of(&b, 0, 1));

    // Its read blocks (a placeholder being fetched): the exchange gives up at the deadline,
    // the file is incomplete, nothing is applied, and the exchange is not held up.
    Hostile::add(&hb.blocking, &file);
    let started = Instant::now();
    let report = sync_through(&mut team[1], &hb);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(report.applied, 0, "{report:?}");
    assert_eq!(report.incomplete, vec![file.clone()], "{report:?}");
    assert!(report.refused.is_empty(), "{report:?}");
    assert_eq!(report.waiting.len(), 1, "{report:?}");
    assert!(report.waiting[0].why.contains("téléchargé"), "{report:?}");
    Hostile::clear(&hb.blocking);

    // Its read fails (the cloud client is offline): incomplete, tried again later.
    Hostile::add(&hb.failing, &file);
    let report = sync_through(&mut team[1], &hb);
    assert_eq!(
        (report.applied, report.incomplete.clone()),
        (0, vec![file.clone()])
    );
    assert!(report.waiting[0].why.contains("illisible"), "{report:?}");
    Hostile::clear(&hb.failing);

    // Listed with the placeholder attributes: incomplete, and never opened.
    Hostile::add(&hb.not_downloaded, &file);
    let reads = hb.reads.load(Ordering::SeqCst);
    let report = sync_through(&mut team[1], &hb);
    assert_eq!(
        (report.applied, report.incomplete.clone()),
        (0, vec![file.clone()])
    );
    assert_eq!(
        hb.reads.load(Ordering::SeqCst),
        reads,
        "a placeholder was opened"
    );
    Hostile::clear(&hb.not_downloaded);

    // Downloaded at last: no folder event is sent, the next exchange (polling) applies it.
    let report = sync_through(&mut team[1], &hb);
    assert_eq!(report.applied, 1, "{report:?}");
    assert!(report.incomplete.is_empty() && report.waiting.is_empty());
    assert!(names(&team[1].store).contains(&"Mairie de Trélon".to_string()));

    // B's change: the rename fails five times, as many as are tried: the exchange fails,
    // nothing is left under the final name nor the temporary one; the next one sends it.
    team[1]
        .store
        .create_actor(&actor("Office de tourisme"))
        .unwrap();
    let mine = DEVICES[1].replace('-', "");
    let before: Vec<PathBuf> = walk(&b)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(&mine))
        .collect();
    hb.fail_renames(5);
    let e = team[1]
        .store
        .sync_with(&Hostile::access(&hb, DEADLINE))
        .unwrap_err();
    assert_eq!(e.kind(), "io", "{e}");
    // (Its first file, written when it joined, says it is there.)
    let after: Vec<PathBuf> = walk(&b)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(&mine))
        .collect();
    assert_eq!(after, before);
    assert_eq!(sync_through(&mut team[1], &hb).sent, 1);
    carry(&b, &a);
    assert_eq!(sync_through(&mut team[0], &ha).applied, 1);
    same_content(&team);
    // Nothing was left being written.
    for folder in [&a, &b] {
        assert!(walk(folder)
            .iter()
            .all(|p| !p.to_string_lossy().contains("~$")));
    }
}

#[test]
fn a_name_taken_by_a_laptop_with_the_same_identity_is_refused_with_an_alert() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    let h = Hostile::new();
    team[0].store.create_actor(&actor("Mairie")).unwrap();
    // As the file is published, a file of another laptop with this identity arrives there.
    h.taken
        .lock()
        .unwrap()
        .push(("00000001.ccf".into(), b"CATALYSE-CCF\nautre".to_vec()));
    let e = team[0]
        .store
        .sync_with(&Hostile::access(&h, DEADLINE))
        .unwrap_err();
    assert_eq!(e.code(), Some("share.cloned_device_file"), "{e}");
    assert!(e.to_string().contains("même identité"), "{e}");
    let there = file_of(&team[0].folder, 0, 1);
    assert_eq!(std::fs::read(&there).unwrap(), b"CATALYSE-CCF\nautre");
    // Refused again at every exchange, never replaced.
    let e = team[0]
        .store
        .sync_with(&Hostile::access(&h, DEADLINE))
        .unwrap_err();
    assert_eq!(e.code(), Some("share.cloned_device_file"), "{e}");
    assert_eq!(std::fs::read(&there).unwrap(), b"CATALYSE-CCF\nautre");
}

/// The file at `path`, rewritten as another valid file of the same device and number (a
/// laptop with a cloned identity): its change sets say another author.
fn twin_of(workspace: &str, path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    let expected = Expected {
        workspace,
        schema: crate::SCHEMA_VERSION,
        device: None,
        seq: None,
    };
    let Reading::Valid(mut f) = read(&bytes, &expected) else {
        panic!("not valid")
    };
    for s in &mut f.body.sets {
        s.author = "Jumeau".into();
        for c in &mut s.changes {
            if let Some(name) = c.after.get_mut("name") {
                *name = "Acteur du jumeau".into();
            }
        }
    }
    encode(&f.header, &f.body).0
}

fn beside(path: &Path, copy: &str) -> PathBuf {
    path.with_file_name(copy)
}

#[test]
fn a_conflict_copy_is_applied_once_when_it_is_the_file_expected_and_never_deleted() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    let h = Hostile::new();
    let (a, b) = (team[0].folder.clone(), team[1].folder.clone());
    team[0].store.create_actor(&actor("Premier")).unwrap();
    team[0].store.sync().unwrap();
    team[0].store.create_actor(&actor("Second")).unwrap();
    team[0].store.sync().unwrap();
    carry(&a, &b);
    let (one, two) = (file_of(&b, 0, 1), file_of(&b, 0, 2));
    let (bytes1, bytes2) = (std::fs::read(&one).unwrap(), std::fs::read(&two).unwrap());
    // File 1 is zero-filled (never completed) and its copy, whole, sits beside it; file 2 is
    // missing and only its Syncthing copy is there.
    let copy1 = beside(&one, "00000001 (conflicted copy 2026-12-01 101112).ccf");
    std::fs::write(&copy1, &bytes1).unwrap();
    std::fs::write(&one, vec![0u8; bytes1.len()]).unwrap();
    let copy2 = beside(&two, "00000002.sync-conflict-20261201-101112-ABCDEF7.ccf");
    std::fs::rename(&two, &copy2).unwrap();
    let report = sync_through(&mut team[1], &h);
    assert_eq!(report.applied, 2, "{report:?}");
    assert_eq!(
        report.from_copies,
        vec![relative(&b, &copy1), relative(&b, &copy2)]
    );
    assert_eq!(report.conflict_copies, 2);
    assert!(report.refused.is_empty(), "{report:?}");
    same_content(&team);
    // Once: the next exchanges apply nothing, refuse nothing; the copies stay.
    for _ in 0..2 {
        let again = sync_through(&mut team[1], &h);
        assert_eq!(again.applied, 0, "{again:?}");
        assert!(
            again.from_copies.is_empty() && again.refused.is_empty(),
            "{again:?}"
        );
    }
    // The originals complete: the same bytes, nothing more happens.
    std::fs::write(&one, &bytes1).unwrap();
    std::fs::write(&two, &bytes2).unwrap();
    let again = sync_through(&mut team[1], &h);
    assert_eq!((again.applied, again.refused.len()), (0, 0), "{again:?}");
    assert!(copy1.exists() && copy2.exists());
    // A copy identical to its file, and a cut copy: ignored, counted.
    std::fs::write(beside(&one, "00000001 (1).ccf"), &bytes1).unwrap();
    std::fs::write(
        beside(&two, "00000002 (1).ccf"),
        &bytes2[..bytes2.len() / 2],
    )
    .unwrap();
    let again = sync_through(&mut team[1], &h);
    assert_eq!(again.conflict_copies, 4, "{again:?}");
    assert!(
        again.refused.is_empty() && again.incomplete.is_empty() && again.applied == 0,
        "{again:?}"
    );
    assert_eq!(names(&team[1].store).len(), 2);
}

#[test]
fn a_copy_holding_another_file_with_the_same_device_and_number_is_refused_and_kept() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    let h = Hostile::new();
    let (a, b) = (team[0].folder.clone(), team[1].folder.clone());
    let workspace = team[0].store.share_space().unwrap().unwrap().workspace;
    for name in ["Premier", "Second"] {
        team[0].store.create_actor(&actor(name)).unwrap();
        team[0].store.sync().unwrap();
    }
    carry(&a, &b);
    let (one, two) = (file_of(&b, 0, 1), file_of(&b, 0, 2));
    // Two copies made by the sync tools from a laptop with A's identity: the twins of both
    // files. B applies A's own files; the twins are refused, named, kept.
    let twin1 = beside(&one, "00000001-PC-MAIRIE07.ccf");
    let twin2 = beside(&two, "00000002 (copie en conflit de Paul 2026-12-01).ccf");
    std::fs::write(&twin1, twin_of(&workspace, &one)).unwrap();
    std::fs::write(&twin2, twin_of(&workspace, &two)).unwrap();
    for round in 0..3 {
        let report = sync_through(&mut team[1], &h);
        assert_eq!(report.applied, if round == 0 { 2 } else { 0 }, "{report:?}");
        let mut refused: Vec<&str> = report.refused.iter().map(|r| r.path.as_str()).collect();
        refused.sort();
        assert_eq!(
            refused,
            [relative(&b, &twin1), relative(&b, &twin2)],
            "{report:?}"
        );
        assert!(report.refused.iter().all(|r| r.why == TWIN), "{report:?}");
        assert!(report.from_copies.is_empty());
    }
    assert!(twin1.exists() && twin2.exists());
    assert!(!names(&team[1].store).contains(&"Acteur du jumeau".to_string()));
    same_content(&team);
    // The same twins beside A's own files, on A: refused as well (the identity is A's).
    std::fs::copy(&twin2, beside(&file_of(&a, 0, 2), "00000002 (1).ccf")).unwrap();
    let report = sync_through(&mut team[0], &h);
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert!(report.refused[0].why.contains("même identité"));
}

#[test]
fn a_file_completed_as_another_after_its_copy_was_applied_is_the_one_refused() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    let h = Hostile::new();
    let (a, b) = (team[0].folder.clone(), team[1].folder.clone());
    let workspace = team[0].store.share_space().unwrap().unwrap().workspace;
    team[0].store.create_actor(&actor("Premier")).unwrap();
    team[0].store.sync().unwrap();
    carry(&a, &b);
    let one = file_of(&b, 0, 1);
    let bytes = std::fs::read(&one).unwrap();
    let copy = beside(&one, "00000001 (1).ccf");
    std::fs::write(&copy, &bytes).unwrap();
    std::fs::write(&one, &bytes[..40]).unwrap();
    let report = sync_through(&mut team[1], &h);
    assert_eq!(report.from_copies, vec![relative(&b, &copy)], "{report:?}");
    // The file itself then arrives whole, as another laptop with A's identity wrote it.
    std::fs::write(&one, twin_of(&workspace, &copy)).unwrap();
    let report = sync_through(&mut team[1], &h);
    assert_eq!(report.applied, 0);
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert_eq!(report.refused[0].path, relative(&b, &one));
    same_content(&team);
}

#[test]
fn ten_thousand_change_files_at_once_are_listed_and_applied_in_one_exchange() {
    let n: u64 = std::env::var("CATALYSE_MANY_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    let space = team[0].store.share_space().unwrap().unwrap();
    team[0].store.create_actor(&actor("Modèle")).unwrap();
    let template = team[0]
        .store
        .outgoing_sets(DEVICES[0], 0, usize::MAX)
        .unwrap()
        .sets
        .pop()
        .unwrap();
    // A's `n` change files, one actor each, chained, written straight into B's folder.
    let b = team[1].folder.clone();
    let started = Instant::now();
    let mut prev = String::new();
    for seq in 1..=n {
        let mut set = template.clone();
        set.at = template.at + seq as i64;
        let uid = crate::shared::ids::new_uid();
        let [c] = &mut set.changes[..] else {
            panic!("one change: {:?}", set.changes)
        };
        assert_eq!((c.table.as_str(), c.op), ("actor", 1));
        c.record = uid.clone();
        c.after["uid"] = uid.clone().into();
        c.after["name"] = format!("Acteur {seq:05}").into();
        let header = Header {
            format: crate::share::format::FORMAT_VERSION,
            schema: crate::SCHEMA_VERSION,
            workspace: space.workspace.clone(),
            device: DEVICES[0].into(),
            name: "ordinateur A".into(),
            seen: Default::default(),
            seq,
            prev: prev.clone(),
            length: 0,
        };
        let body = crate::share::format::Body { sets: vec![set] };
        let (bytes, hash) = encode(&header, &body);
        let relative = crate::share::names::change_path(
            DEVICES[0],
            &crate::share::folder::month_of(template.at),
            seq,
        );
        let path = crate::share::folder::inside(&b, &relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        prev = hash;
    }
    let written = started.elapsed();
    let h = Hostile::new();
    let started = Instant::now();
    let report = sync_through(&mut team[1], &h);
    let took = started.elapsed();
    assert_eq!(report.applied as u64, n, "{report:?}");
    assert!(report.waiting.is_empty() && report.incomplete.is_empty() && report.refused.is_empty());
    let again = Instant::now();
    let second = sync_through(&mut team[1], &h);
    let idle = again.elapsed();
    assert_eq!(second.applied, 0);
    println!(
        "{n} change files: written in {written:.2?}; one exchange listed and applied them in {took:.2?} ({:.0} files/s); the next exchange (nothing new) took {idle:.2?}",
        n as f64 / took.as_secs_f64()
    );
    let count: i64 = team[1]
        .store
        .conn
        .query_row(
            "SELECT count(*) FROM actor WHERE name LIKE 'Acteur %'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(count as u64, n);
}

#[test]
fn device_folders_differing_only_by_case_only_the_lower_case_one_is_read() {
    let dir = TempDir::new().unwrap();
    let mut team = team(&dir, 2);
    let (a, b) = (team[0].folder.clone(), team[1].folder.clone());
    team[0].store.create_actor(&actor("Premier")).unwrap();
    team[0].store.sync().unwrap();
    // A's file under `A1B2…/` (a tool that changed the folder's case): not read, counted as
    // someone else's, nothing awaited.
    let one = file_of(&a, 0, 1);
    let lower = DEVICES[0].replace('-', "");
    let upper = b.join(relative(&a, &one).replace(&lower, &lower.to_uppercase()));
    std::fs::create_dir_all(upper.parent().unwrap()).unwrap();
    std::fs::copy(&one, &upper).unwrap();
    let report = team[1].store.sync().unwrap();
    assert_eq!((report.applied, report.ignored), (0, 1), "{report:?}");
    assert!(report.waiting.is_empty() && report.refused.is_empty() && report.incomplete.is_empty());
    // The same under `a1b2…/` beside it: applied once; the other still ignored.
    carry(&a, &b);
    let report = team[1].store.sync().unwrap();
    assert_eq!((report.applied, report.ignored), (1, 1), "{report:?}");
    assert!(upper.exists());
    same_content(&team);
}

#[test]
fn a_shared_folder_too_deep_for_windows_is_refused_early_and_clearly() {
    let dir = TempDir::new().unwrap();
    // A 230-character root, made of real folders.
    let mut root = dir.path().to_path_buf();
    while 230 - root.as_os_str().len() > 61 {
        root.push("d".repeat(50));
    }
    root.push("d".repeat(230 - root.as_os_str().len() - 1));
    assert_eq!(root.as_os_str().len(), 230);
    std::fs::create_dir_all(&root).unwrap();
    let new = crate::project::NewWorkspace {
        territory_name: "PETR du Val".into(),
        territory_kind: "petr".into(),
        project_title: "Projet".into(),
    };
    let mut s = Store::create(&dir.path().join("a.catalyse"), &new).unwrap();
    let e = s.share_init(&root, "ordinateur A").unwrap_err();
    assert_eq!(e.code(), Some("share.folder_too_long"), "{e}");
    assert!(e.to_string().contains("230 caractères"), "{e}");
    assert!(s.share_space().unwrap().is_none());
    assert!(walk(&root).is_empty(), "{:?}", walk(&root));
    // Joining from it: refused before any workspace is made.
    let to = dir.path().join("b.catalyse");
    let Err(e) = share_join_as(&root, &to, "ordinateur B", Some(DEVICES[1])) else {
        panic!("joined from a root too long")
    };
    assert_eq!(e.code(), Some("share.folder_too_long"), "{e}");
    assert!(!to.exists());
}

#[test]
fn device_names_are_shown_never_used_in_a_path() {
    let dir = TempDir::new().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    let new = crate::project::NewWorkspace {
        territory_name: "PETR du Val".into(),
        territory_kind: "petr".into(),
        project_title: "Projet".into(),
    };
    let mut first = Store::create(&dir.path().join("a.catalyse"), &new).unwrap();
    first.journal.set_device(DEVICES[0]);
    first.share_init(&a, "CON").unwrap();
    carry(&a, &b);
    let second = share_join_as(
        &b,
        &dir.path().join("b.catalyse"),
        " Pôle urba : 2024 ? ",
        Some(DEVICES[1]),
    )
    .unwrap();
    let mut team = vec![
        Laptop {
            store: first,
            folder: a.clone(),
        },
        Laptop {
            store: second,
            folder: b.clone(),
        },
    ];
    team[0].store.create_actor(&actor("Premier")).unwrap();
    team[1].store.create_actor(&actor("Second")).unwrap();
    for _ in 0..2 {
        for l in team.iter_mut() {
            l.store.sync().unwrap();
        }
        carry(&a, &b);
        carry(&b, &a);
    }
    same_content(&team);
    // The names are shown as they were given (trimmed).
    for l in &team {
        let mut seen: Vec<String> = l
            .store
            .share_devices()
            .unwrap()
            .into_iter()
            .map(|d| d.name)
            .collect();
        seen.sort();
        assert_eq!(seen, ["CON", "Pôle urba : 2024 ?"]);
    }
    // No path holds them: every file is at one of Catalyse's own names.
    for folder in [&a, &b] {
        let files = walk(folder);
        assert!(files.len() >= 4, "{files:?}");
        for p in files {
            let rel = relative(folder, &p);
            assert!(rel.is_ascii(), "{rel}");
            assert!(
                !rel.contains("CON") && !rel.contains("urba") && !rel.contains(' '),
                "{rel}"
            );
            let ok = rel == crate::share::space::SPACE_FILE
                || rel.starts_with("instantanes/")
                || matches!(
                    crate::share::names::classify(&rel),
                    crate::share::names::Name::Change { .. }
                );
            assert!(ok, "{rel}");
        }
    }
    // They travel in the files' headers.
    let header_of = |p: &Path| {
        let bytes = std::fs::read(p).unwrap();
        let line = bytes.split(|b| *b == b'\n').nth(1).unwrap().to_vec();
        serde_json::from_slice::<Header>(&line).unwrap()
    };
    assert_eq!(header_of(&file_of(&a, 0, 1)).name, "CON");
    assert_eq!(header_of(&file_of(&a, 1, 1)).name, "Pôle urba : 2024 ?");
}
