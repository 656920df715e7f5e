//! Opening and creating workspaces (tests of [`super`]).

use super::*;
use crate::actors::ActorInput;
use crate::db::inspect::open_read_only;
use crate::db::migrations::MIGRATIONS;
use crate::project::NewWorkspace;
use std::time::Duration;
use tempfile::TempDir;

fn new_ws() -> NewWorkspace {
    NewWorkspace {
        territory_name: "PETR du Haut-Verdanson".into(),
        territory_kind: "petr".into(),
        project_title: "Projet de territoire 2030".into(),
    }
}

fn actor_input(name: &str) -> ActorInput {
    ActorInput {
        name: name.into(),
        world: "association".into(),
        commune: "Larrieu".into(),
        insee: None,
        engagement: "involved".into(),
        notes: "".into(),
    }
}

#[test]
fn create_then_reopen_keeps_header_and_actors() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("ws.catalyse");
    let mut s = Store::create(&path, &new_ws()).unwrap();
    let a = s.create_actor(&actor_input("Foyer rural")).unwrap();
    assert_eq!(a.world, World::Association);
    drop(s);
    let s = Store::open(&path).unwrap();
    assert_eq!(s.header().unwrap().territory_name, "PETR du Haut-Verdanson");
    assert_eq!(s.header().unwrap().status, ProjectStatus::Drafting);
    assert_eq!(s.list_actors().unwrap(), vec![a]);
    let mode: String = s
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: bool = s
        .conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert!(fk);
    // No temporary file left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && !n.ends_with(".verrou"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn create_refuses_an_existing_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("ws.catalyse");
    std::fs::write(&path, b"precious").unwrap();
    let e = Store::create(&path, &new_ws()).err().unwrap();
    assert_eq!(e.kind(), "already_exists");
    assert_eq!(std::fs::read(&path).unwrap(), b"precious");
}

#[test]
fn invalid_new_workspace_writes_no_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("ws.catalyse");
    let mut nw = new_ws();
    nw.territory_name = " ".into();
    assert_eq!(
        Store::create(&path, &nw).err().unwrap().kind(),
        "validation"
    );
    assert!(!path.exists());
}

#[test]
fn newer_schema_is_refused_byte_identical() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("ws.catalyse");
    drop(Store::create(&path, &new_ws()).unwrap());
    {
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let e = Store::open(&path).err().unwrap();
    assert_eq!(e.kind(), "newer_schema");
    assert!(e.to_string().contains("version plus récente"), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!dir.path().join("ws.catalyse-wal").exists());
}

/// A code a newer Catalyse added to an enum (and so to the file's `code_value`) is not
/// something this build could read back: the file is refused, for writing and for
/// reading, and left byte-identical.
#[test]
fn a_code_from_a_newer_catalyse_is_refused_byte_identical() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("ws.catalyse");
    drop(Store::create(&path, &new_ws()).unwrap());
    {
        let c = Connection::open(&path).unwrap();
        c.execute("INSERT INTO code_value VALUES ('World', 'culture')", [])
            .unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let e = Store::open(&path).err().unwrap();
    assert_eq!(e.kind(), "newer_codes");
    assert!(e.to_string().contains("« culture » (World)"), "{e}");
    let e = Store::open_for_reading(&path).err().unwrap();
    assert_eq!(e.kind(), "newer_codes");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!dir.path().join("ws.catalyse-wal").exists());
}

/// A code an older workspace lacks (added to an enum since) is added when it is opened.
#[test]
fn codes_added_to_an_enum_since_are_added_on_open() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("ws.catalyse");
    drop(Store::create(&path, &new_ws()).unwrap());
    {
        let c = Connection::open(&path).unwrap();
        c.execute(
            "DELETE FROM code_value WHERE list = 'World' AND code = 'network'",
            [],
        )
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    let n: i64 = s
        .conn
        .query_row(
            "SELECT count(*) FROM code_value WHERE list = 'World'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, crate::shared::domain::World::ALL.len() as i64);
}

#[test]
fn a_damaged_page_is_found_on_open_and_the_file_left_untouched() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("ws.catalyse");
    {
        let s = crate::demo::write_demo(&path).unwrap();
        s.conn
            .pragma_update(None, "journal_mode", "DELETE")
            .unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    let page: usize = 4096;
    assert!(bytes.len() > 20 * page);
    // Scribble over the middle of the file, leaving the header (page 1) intact.
    for b in &mut bytes[10 * page + 100..12 * page] {
        *b = 0x5A;
    }
    std::fs::write(&path, &bytes).unwrap();
    let root = dir.path().join("sauvegardes");
    let e = Store::open_with(&path, &root).err().unwrap();
    assert_eq!(e.kind(), "corrupt", "{e}");
    assert!(e.to_string().contains("restaurez une sauvegarde"), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "left byte-identical");
}

#[test]
fn a_database_locked_by_another_program_is_reported_and_usable_once_released() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("occupe.catalyse");
    let mut s = Store::create(&path, &new_ws()).unwrap();
    s.create_actor(&actor_input("Avant")).unwrap();
    s.conn.busy_timeout(Duration::from_millis(200)).unwrap();
    // Another program (a database browser, a sync tool) holds the write lock.
    let other = Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let e = s.create_actor(&actor_input("Pendant")).unwrap_err();
    assert_eq!(e.kind(), "busy", "{e}");
    assert!(
        e.to_string().contains("occupé par un autre programme"),
        "{e}"
    );
    assert!(e.to_string().contains("n'a pas été enregistrée"), "{e}");
    other.execute_batch("ROLLBACK").unwrap();
    drop(other);
    s.create_actor(&actor_input("Après")).unwrap();
    let names: Vec<String> = s
        .list_actors()
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"Avant".to_string()) && names.contains(&"Après".to_string()));
}

#[test]
fn a_full_disk_is_reported_in_french_and_what_was_committed_stays() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("plein.catalyse");
    let mut s = crate::demo::write_demo(&path).unwrap();
    let before = s.counts().unwrap();
    // Fault injection: the file may not grow any more, as on a full disk.
    let pages: i64 = s
        .conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    s.conn.pragma_update(None, "max_page_count", pages).unwrap();
    let mut csv = String::from("Nom;Monde;Commune\n");
    for i in 0..3000 {
        csv.push_str(&format!(
            "Association numéro {i} avec un nom assez long;Association / ESS;{}\n",
            crate::actors::testing::REAL_COMMUNES[i % 17]
        ));
    }
    let e = s
        .import(
            crate::exchange::ExchangeKind::Actors,
            csv.as_bytes(),
            crate::exchange::tabular::FileFormat::Csv,
            false,
        )
        .unwrap_err();
    assert_eq!(e.kind(), "disk_full", "{e}");
    assert!(e.to_string().contains("le disque est plein"), "{e}");
    assert!(e.to_string().contains("intactes"), "{e}");
    assert_eq!(s.counts().unwrap(), before, "nothing half-written");
    let check: String = s
        .conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    // Space again: the workspace is usable at once.
    s.conn
        .pragma_update(None, "max_page_count", 1_073_741_823)
        .unwrap();
    s.create_actor(&actor_input("Après le disque plein"))
        .unwrap();
    assert_eq!(s.counts().unwrap()["actors"], before["actors"] + 1);
}

#[test]
fn a_second_writer_is_refused_until_the_first_closes() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("ws.catalyse");
    let first = Store::create(&path, &new_ws()).unwrap();
    let e = Store::open(&path).err().unwrap();
    assert_eq!(e.kind(), "locked");
    assert!(e.to_string().contains("déjà ouvert"), "{e}");
    // Reading is still possible: a check, a backup.
    inspect(&path).unwrap();
    let copy = dir.path().join("copie.catalyse");
    crate::safety::backup::backup_file_to(&path, &copy).unwrap();
    // A restore or a save-as over it is refused, and the file is unchanged.
    let before = first.counts().unwrap();
    let e = crate::safety::backup::restore(&copy, &path, true, &dir.path().join("b")).unwrap_err();
    assert_eq!(e.kind(), "locked");
    assert_eq!(
        Store::open_in_memory()
            .unwrap()
            .save_copy(&path)
            .unwrap_err()
            .kind(),
        "locked"
    );
    assert_eq!(first.counts().unwrap(), before);
    drop(first);
    let again = Store::open(&path).unwrap();
    assert_eq!(again.counts().unwrap(), before);
}

#[test]
fn an_older_workspace_is_backed_up_before_it_is_migrated() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("ancien.catalyse");
    let old = SCHEMA_VERSION - 1;
    {
        let mut c = Connection::open(&path).unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        register_functions(&c).unwrap();
        let tx = c.transaction().unwrap();
        for index in 0..old as usize {
            crate::db::apply::apply(&tx, index).unwrap();
        }
        tx.pragma_update(None, "user_version", old).unwrap();
        tx.commit().unwrap();
    }
    let root = dir.path().join("sauvegardes");
    let s = Store::open_with(&path, &root).unwrap();
    assert_eq!(
        s.conn
            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        SCHEMA_VERSION
    );
    let backups =
        crate::safety::backup::list(&crate::safety::backup::dir_for(&root, &path)).unwrap();
    assert_eq!(backups.len(), 1);
    assert_eq!(backups[0].reason, BackupReason::BeforeMigration);
    // Migration 9 edited the schema in place: it reads back whole, without its CHECKs
    // of codes, and every connection sees it so.
    integrity_check(&s.conn, &path).unwrap();
    let actor: String = open_read_only(&path)
        .unwrap()
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'actor'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!actor.contains("world IN"), "{actor}");
    let c = open_read_only(std::path::Path::new(&backups[0].path)).unwrap();
    assert_eq!(inspect_connection(&c, &path).unwrap().schema_version, old);
    // Opening it again (current) makes no further backup.
    drop(s);
    drop(Store::open_with(&path, &root).unwrap());
    assert_eq!(
        crate::safety::backup::list(&crate::safety::backup::dir_for(&root, &path))
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn other_sqlite_file_is_not_a_workspace_and_stays_untouched() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("other.db");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    assert_eq!(Store::open(&path).err().unwrap().kind(), "not_a_workspace");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn garbage_and_empty_files_are_not_workspaces() {
    let dir = TempDir::new().unwrap();
    let garbage = dir.path().join("notes.txt");
    std::fs::write(&garbage, "Ceci n'est pas une base SQLite, mais un texte assez long pour dépasser l'en-tête de cent octets d'une base SQLite.").unwrap();
    let e = Store::open(&garbage).err().unwrap();
    assert_eq!(e.kind(), "not_a_workspace", "{e}");
    let empty = dir.path().join("empty.catalyse");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(Store::open(&empty).err().unwrap().kind(), "not_a_workspace");
    assert_eq!(std::fs::read(&empty).unwrap(), b"");
    let missing = dir.path().join("missing.catalyse");
    assert_eq!(
        Store::open(&missing).err().unwrap().kind(),
        "file_not_found"
    );
    assert!(!missing.exists());
}

#[test]
fn corrupt_file_is_reported() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("ws.catalyse");
    let mut s = Store::create(&path, &new_ws()).unwrap();
    for i in 0..200 {
        s.create_actor(&actor_input(&format!("Acteur {i}")))
            .unwrap();
    }
    drop(s);
    // Overwrite the second half of the file with noise, keeping the header.
    let mut bytes = std::fs::read(&path).unwrap();
    let half = bytes.len() / 2;
    for (i, b) in bytes[half..].iter_mut().enumerate() {
        *b = (i * 31 % 251) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();
    let report = crate::safety::check::check(&path);
    assert!(!report.healthy, "{report:?}");
}

#[test]
fn a_version_1_workspace_is_migrated_keeping_its_data() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("v1.catalyse");
    {
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        c.execute_batch(MIGRATIONS[0]).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.execute_batch(
            "INSERT INTO territory (id,name,kind) VALUES (1,'T','petr');
             INSERT INTO project (id,territory_id,title,status) VALUES (1,1,'P','adopted');
             INSERT INTO actor (name,world,engagement,created_at,updated_at)
               VALUES ('Scierie','business','partner','2024-01-01T00:00:00Z','2024-01-01T00:00:00Z');",
        )
        .unwrap();
    }
    let report = crate::safety::check::check(&path);
    assert!(report.healthy, "{:?}", report.problems);
    assert_eq!(report.counts.get("actors"), Some(&1));
    assert_eq!(report.counts.get("needs"), None);
    assert!(report.notes[0].contains("mis à jour"));
    let s = Store::open(&path).unwrap();
    assert_eq!(s.list_actors().unwrap()[0].name, "Scierie");
    assert_eq!(s.counts().unwrap()["needs"], 0);
    let v: i64 = s
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
}

#[test]
fn older_schema_is_migrated_in_place() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("v0.catalyse");
    {
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
    }
    let s = Store::open(&path).unwrap();
    let v: i64 = s
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
}

#[test]
fn schema_constraints_hold_even_without_validation() {
    let s = Store::open_in_memory().unwrap();
    let bad_world = s.conn.execute(
        "INSERT INTO actor (name, world, engagement, created_at, updated_at) VALUES ('A','mars','lead','t','t')",
        [],
    );
    assert!(bad_world.is_err());
    let empty_name = s.conn.execute(
        "INSERT INTO actor (name, world, engagement, created_at, updated_at) VALUES ('','state','lead','t','t')",
        [],
    );
    assert!(empty_name.is_err());
    let second_project = s.conn.execute(
        "INSERT INTO project (id, territory_id, title, status) VALUES (2, 1, 'x', 'adopted')",
        [],
    );
    assert!(second_project.is_err());
}

#[test]
fn save_copy_writes_an_openable_workspace() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("a.catalyse");
    let mut s = Store::create(&path, &new_ws()).unwrap();
    s.create_actor(&actor_input("Ressourcerie")).unwrap();
    let copy = dir.path().join("b.catalyse");
    std::fs::write(&copy, b"old content").unwrap();
    s.save_copy(&copy).unwrap();
    let c = Store::open(&copy).unwrap();
    assert_eq!(c.list_actors().unwrap().len(), 1);
    assert_eq!(s.save_copy(&path).err().unwrap().kind(), "validation");
}
