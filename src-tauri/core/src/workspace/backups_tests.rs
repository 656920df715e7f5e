//! Backups, their rotation and their restore (tests of [`super`] and of
//! [`crate::safety::backup`]).

use super::*;
use crate::actors::ActorInput;
use crate::project::NewWorkspace;
use crate::safety::backup::{restore, restore_with};
use chrono::TimeZone;

fn workspace(dir: &Path) -> (PathBuf, Store) {
    let path = dir.join("w.catalyse");
    let s = Store::create(
        &path,
        &NewWorkspace {
            territory_name: "Val".into(),
            territory_kind: "petr".into(),
            project_title: "Projet".into(),
        },
    )
    .unwrap();
    (path, s)
}

fn actor(s: &mut Store, name: &str) {
    s.create_actor(&ActorInput {
        name: name.into(),
        world: "state".into(),
        commune: String::new(),
        insee: None,
        engagement: "informed".into(),
        notes: String::new(),
    })
    .unwrap();
}

/// A command records the state of the file it closed cleanly, as the app does; the app
/// then opens it without a check (and backs it up again only if the command changed it),
/// and a file changed by anyone else since is checked again (a damaged one refused).
#[test]
fn a_command_trusts_and_records_a_clean_close_as_the_app_does() {
    let dir = tempfile::TempDir::new().unwrap();
    let (path, s) = workspace(dir.path());
    drop(s);
    let root = dir.path().join("sauvegardes");
    let folder = dir_for(&root, &path);
    // The app opens it, backs it up, closes it: the newest backup holds it.
    let mut ws = crate::workspace::writer::Workspace::open_with_backups(&path, &root).unwrap();
    ws.wait_start_backup();
    drop(ws);
    assert!(closed_as_recorded(&folder, &path).unwrap().backed_up);
    // A command that only reads keeps it so.
    let c = CommandStore::open(&path, &root).unwrap();
    assert!(
        closed_as_recorded(&folder, &path).is_none(),
        "forgotten while open"
    );
    assert_eq!(c.counts().unwrap()["actors"], 0);
    drop(c);
    assert!(closed_as_recorded(&folder, &path).unwrap().backed_up);
    // A command that writes: recorded, not backed up.
    let mut c = CommandStore::open(&path, &root).unwrap();
    actor(&mut c, "Écrit par une commande");
    drop(c);
    assert!(!path.with_extension("catalyse-wal").exists());
    let state = closed_as_recorded(&folder, &path).unwrap();
    assert!(!state.backed_up);
    // The app backs it up at its next opening.
    let mut ws = crate::workspace::writer::Workspace::open_with_backups(&path, &root).unwrap();
    ws.wait_start_backup();
    drop(ws);
    assert_eq!(list(&folder).unwrap()[0].counts["actors"], 1);
    // Damaged after the record: the command checks it and refuses it, untouched.
    let mut bad = std::fs::read(&path).unwrap();
    for b in &mut bad[4096 * 2..4096 * 2 + 200] {
        *b = 0x5a;
    }
    std::fs::write(&path, &bad).unwrap();
    let refused = CommandStore::open(&path, &root);
    assert_eq!(refused.err().map(|e| e.kind()), Some("corrupt"));
    assert_eq!(std::fs::read(&path).unwrap(), bad, "left untouched");
}

#[test]
fn a_backup_from_a_reader_reports_its_progress_and_a_cancelled_one_leaves_nothing() {
    use crate::shared::progress::{Phase, Progress};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let dir = tempfile::TempDir::new().unwrap();
    let (path, mut s) = workspace(dir.path());
    let actors: Vec<ActorInput> = (0..20_000)
        .map(|i| ActorInput {
            name: format!("Acteur {i}"),
            world: "state".into(),
            commune: String::new(),
            insee: None,
            engagement: "informed".into(),
            notes: "x".repeat(200),
        })
        .collect();
    s.insert_actors_bulk(&actors).unwrap();
    // The window backs up on a reader, beside the writer.
    let reader = Store::open_reader(&path).unwrap();
    let out = dir.path().join("sauvegardes");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let p = seen.clone();
    let progress = Progress::new(Arc::new(AtomicBool::new(false)), move |e| {
        p.lock().unwrap().push(e)
    });
    let made = reader
        .backup_into_with(&out, BackupReason::Manual, &progress)
        .unwrap();
    verify(&made).unwrap();
    assert!(seen
        .lock()
        .unwrap()
        .iter()
        .all(|e| e.phase == Phase::Copying));
    // Cancelled: nothing is left beside the first backup.
    let cancel = Progress::new(Arc::new(AtomicBool::new(true)), |_| {});
    let e = reader
        .backup_into_with(&out, BackupReason::Manual, &cancel)
        .unwrap_err();
    assert_eq!(e.kind(), "cancelled");
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(left, [made]);
    // Cancelled while it copies: SQLite stops the copy, its temporary file goes.
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    let during = Progress::new(flag.clone(), move |_| f.store(true, Ordering::Relaxed));
    match reader.backup_into_with(&out, BackupReason::Manual, &during) {
        Err(e) => assert_eq!(e.kind(), "cancelled"),
        // The copy may finish before the watcher's first look: then it is whole.
        Ok(second) => verify(&second).unwrap(),
    }
    for entry in std::fs::read_dir(&out).unwrap() {
        let p = entry.unwrap().path();
        verify(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }
}

#[test]
fn a_cancelled_restore_replaces_nothing_and_keeps_no_copy() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let dir = tempfile::TempDir::new().unwrap();
    let (path, mut s) = workspace(dir.path());
    actor(&mut s, "Avant");
    let backups = dir.path().join("sauvegardes");
    let made = s.backup_into(&backups, BackupReason::Manual).unwrap();
    actor(&mut s, "Après");
    drop(s);
    let before = std::fs::read(&path).unwrap();
    let safety = dir.path().join("avant-restauration");
    // Cancelled while the backup is checked, then once the copy has started.
    for stop_at in [Phase::Checking, Phase::Copying] {
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        let progress = Progress::new(flag.clone(), move |e| {
            if e.phase == stop_at {
                f.store(true, Ordering::Relaxed);
            }
        });
        match restore_with(&made, &path, true, &safety, &progress) {
            Err(e) => assert_eq!(e.kind(), "cancelled", "{stop_at:?}"),
            // A small copy may end before the watcher's first look: then it is whole.
            Ok(_) => break,
        }
        assert_eq!(std::fs::read(&path).unwrap(), before, "{stop_at:?}");
        let kept = std::fs::read_dir(&safety).map(|d| d.count()).unwrap_or(0);
        assert_eq!(kept, 0, "no copy kept after a cancel at {stop_at:?}");
    }
    // Not cancelled: restored, the replaced state kept.
    let out = restore_with(&made, &path, true, &safety, &Progress::none()).unwrap();
    assert!(out.previous_saved_as.is_some());
    let s = Store::open(&path).unwrap();
    assert_eq!(s.counts().unwrap()["actors"], 1);
}

#[test]
fn a_copy_over_a_workspace_left_with_a_journal_is_not_mixed_with_it() {
    let dir = tempfile::TempDir::new().unwrap();
    let (src, mut s) = workspace(dir.path());
    actor(&mut s, "Source");
    drop(s);
    // A workspace whose writer died with transactions only in its journal.
    let old = dir.path().join("ancien.catalyse");
    let mut o = Store::create(
        &old,
        &NewWorkspace {
            territory_name: "Ancien".into(),
            territory_kind: "petr".into(),
            project_title: "Ancien projet".into(),
        },
    )
    .unwrap();
    o.conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    for i in 0..5 {
        actor(&mut o, &format!("Ancien {i}"));
    }
    let wal = dir.path().join("ancien.catalyse-wal");
    let kept = std::fs::read(&wal).unwrap();
    assert!(!kept.is_empty());
    drop(o);
    std::fs::write(&wal, kept).unwrap();

    writable_copy(&src, &old).unwrap();
    let copy = Store::open(&old).unwrap();
    assert_eq!(copy.header().unwrap().territory_name, "Val");
    let names: Vec<String> = copy
        .list_actors()
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, vec!["Source".to_string()]);
    let check: String = copy
        .conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    // Never over the file itself.
    assert_eq!(
        writable_copy(&src, &src).unwrap_err().code(),
        Some("copy.same_file")
    );
}

#[test]
fn names_carry_the_time_and_the_reason() {
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 5, 7).unwrap();
    let name = file_name(at, BackupReason::BeforeMigration);
    assert_eq!(name, "20260301-090507-avant-migration.catalyse");
    assert_eq!(parse_name(&name), Some((at, BackupReason::BeforeMigration)));
    assert_eq!(parse_name("notes.txt"), None);
    assert_eq!(parse_name("20260301-090507-inconnue.catalyse"), None);
}

#[test]
fn backups_are_listed_newest_first_with_their_counts_and_restore_to_a_new_file() {
    let dir = tempfile::TempDir::new().unwrap();
    let (_path, mut s) = workspace(dir.path());
    let backups = dir.path().join("sauvegardes");
    actor(&mut s, "Mairie");
    let first = s.backup_into(&backups, BackupReason::Manual).unwrap();
    actor(&mut s, "Préfecture");
    let second = s.backup_into(&backups, BackupReason::Auto).unwrap();
    std::fs::write(backups.join("autre chose.txt"), b"x").unwrap();
    let list = list(&backups).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(PathBuf::from(&list[0].path), second);
    assert_eq!(list[0].counts["actors"], 2);
    assert_eq!(list[1].counts["actors"], 1);
    assert!(list.iter().all(|b| b.readable && b.bytes > 0));

    let restored = dir.path().join("restaurée.catalyse");
    let out = restore(&first, &restored, false, &backups).unwrap();
    assert_eq!(out.previous_saved_as, None);
    assert_eq!(
        Store::open(&restored).unwrap().counts().unwrap()["actors"],
        1
    );
    // An existing file is not replaced unless asked.
    let err = restore(&second, &restored, false, &backups).unwrap_err();
    assert_eq!(err.kind(), "already_exists");
}

#[test]
fn restoring_over_a_workspace_keeps_it_first() {
    let dir = tempfile::TempDir::new().unwrap();
    let (path, mut s) = workspace(dir.path());
    let backups = dir.path().join("sauvegardes");
    actor(&mut s, "Mairie");
    let old = s.backup_into(&backups, BackupReason::Manual).unwrap();
    actor(&mut s, "Préfecture");
    drop(s);
    let out = restore(&old, &path, true, &backups).unwrap();
    let kept = PathBuf::from(out.previous_saved_as.unwrap());
    assert_eq!(Store::open(&path).unwrap().counts().unwrap()["actors"], 1);
    assert_eq!(Store::open(&kept).unwrap().counts().unwrap()["actors"], 2);
    assert!(kept
        .file_name()
        .unwrap()
        .to_string_lossy()
        .contains("avant-restauration"));
}

#[test]
fn a_damaged_backup_is_refused_and_the_destination_untouched() {
    let dir = tempfile::TempDir::new().unwrap();
    let (path, s) = workspace(dir.path());
    let backups = dir.path().join("sauvegardes");
    let b = s.backup_into(&backups, BackupReason::Manual).unwrap();
    drop(s);
    let mut bytes = std::fs::read(&b).unwrap();
    let len = bytes.len();
    bytes.truncate(len / 2);
    std::fs::write(&b, &bytes).unwrap();
    let before = std::fs::read(&path).unwrap();
    assert!(restore(&b, &path, true, &backups).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let listed = list(&backups).unwrap();
    assert!(!listed[0].readable);
}

#[test]
fn a_damaged_workspace_is_kept_byte_for_byte_and_replaced_by_the_backup() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("w.catalyse");
    let backups = dir.path().join("sauvegardes");
    let good = {
        let s = crate::demo::write_demo(&path).unwrap();
        let b = s.backup_into(&backups, BackupReason::Auto).unwrap();
        s.conn
            .pragma_update(None, "journal_mode", "DELETE")
            .unwrap();
        b
    };
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[8 * 4096 + 100..12 * 4096].fill(0x5A);
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(verify(&path).unwrap_err().kind(), "corrupt");
    let out = restore(&good, &path, true, &backups).unwrap();
    let kept = PathBuf::from(out.previous_saved_as.unwrap());
    assert_eq!(
        std::fs::read(&kept).unwrap(),
        bytes,
        "the damaged file, as it was"
    );
    verify(&path).unwrap();
    assert!(Store::open(&path).unwrap().counts().unwrap()["decision_notes"] == 2);
}

#[test]
fn rotation_keeps_hours_days_and_weeks() {
    let now = Utc.with_ymd_and_hms(2026, 6, 30, 12, 0, 0).unwrap();
    // One backup every 20 minutes for 120 days.
    let times: Vec<DateTime<Utc>> = (0..120 * 72)
        .map(|i| now - chrono::Duration::minutes(20 * i))
        .collect();
    let kept = keep(&times);
    let hours: BTreeSet<_> = kept
        .iter()
        .filter(|t| now - **t < chrono::Duration::hours(24))
        .map(|t| (t.day(), t.hour()))
        .collect();
    assert_eq!(hours.len(), 24, "one per hour for the last 24 hours");
    let days: BTreeSet<_> = kept.iter().map(|t| t.ordinal()).collect();
    assert!(days.len() >= 14);
    assert!(kept.len() <= KEEP_HOURLY + KEEP_DAILY + KEEP_WEEKLY);
    assert!(kept.contains(&now), "the newest is always kept");
    let oldest_kept = kept.iter().next().unwrap();
    // The newest of the eighth ISO week back (weeks start on Monday; `now` is a Tuesday).
    assert!(
        now - *oldest_kept > chrono::Duration::weeks(6),
        "weeks back"
    );
    assert!(now - *oldest_kept < chrono::Duration::weeks(8));
}

#[test]
fn rotation_only_removes_automatic_backups() {
    let dir = tempfile::TempDir::new().unwrap();
    let (path, s) = workspace(dir.path());
    drop(s);
    let backups = dir.path().join("b");
    std::fs::create_dir_all(&backups).unwrap();
    let base = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    for i in 0..40 {
        let at = base + chrono::Duration::minutes(10 * i);
        std::fs::copy(&path, backups.join(file_name(at, BackupReason::Auto))).unwrap();
    }
    std::fs::copy(
        &path,
        backups.join(file_name(base, BackupReason::BeforeMigration)),
    )
    .unwrap();
    let removed = rotate(&backups).unwrap();
    assert!(!removed.is_empty());
    let left = list(&backups).unwrap();
    assert!(left
        .iter()
        .any(|b| b.reason == BackupReason::BeforeMigration));
    // 40 backups over 6h40: one per hour remains (7 hours).
    assert_eq!(
        left.iter()
            .filter(|b| b.reason == BackupReason::Auto)
            .count(),
        7
    );
}

#[test]
fn the_backup_folder_depends_on_the_full_path() {
    let a = dir_for(Path::new("/r"), Path::new("/x/Projet Été.catalyse"));
    let b = dir_for(Path::new("/r"), Path::new("/y/Projet Été.catalyse"));
    assert_ne!(a, b);
    assert!(a
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("projet-ete-"));
}
