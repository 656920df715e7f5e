//! `catalyse import` and `catalyse export` on the real binary: round trips, refused files that
//! change nothing, and the overwrite guard.

use crate::util::{bytes, Dir};
use predicates::prelude::*;

fn demo(dir: &Dir) -> std::path::PathBuf {
    let path = dir.path("demo.catalyse");
    dir.catalyse().arg("demo").arg(&path).assert().success();
    path
}

fn empty_workspace(dir: &Dir, from: &std::path::Path) -> std::path::PathBuf {
    // A workspace with the demo's header and team but no actors, links or meetings.
    let path = dir.path("empty.catalyse");
    std::fs::copy(from, &path).unwrap();
    let c = rusqlite::Connection::open(&path).unwrap();
    catalyse_core::db::store::register_functions(&c).unwrap();
    c.execute_batch("PRAGMA foreign_keys = ON; DELETE FROM meeting; DELETE FROM actor;")
        .unwrap();
    path
}

fn count(path: &std::path::Path, table: &str) -> i64 {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn export_then_import_into_an_empty_workspace_round_trips_csv_and_xlsx() {
    let dir = Dir::new();
    let ws = demo(&dir);
    let target = empty_workspace(&dir, &ws);
    for (kind, ext, table) in [
        ("actors", "csv", "actor"),
        ("links", "xlsx", "link"),
        ("meetings", "csv", "meeting"),
    ] {
        let file = dir.path(&format!("{kind}.{ext}"));
        dir.catalyse()
            .args(["export", kind])
            .arg(&file)
            .arg("--workspace")
            .arg(&ws)
            .assert()
            .success()
            .stdout(predicate::str::contains("export"));
        dir.catalyse()
            .args(["import", kind])
            .arg(&file)
            .arg("--workspace")
            .arg(&target)
            .assert()
            .success()
            .stdout(predicate::str::contains("import"));
        assert_eq!(count(&target, table), count(&ws, table), "{kind}");
        // Exporting the copy gives the same file.
        let again = dir.path(&format!("again-{kind}.{ext}"));
        dir.catalyse()
            .args(["export", kind])
            .arg(&again)
            .arg("--workspace")
            .arg(&target)
            .assert()
            .success();
        if ext == "csv" {
            assert_eq!(bytes(&again), bytes(&file), "{kind}");
        }
    }
    let csv = String::from_utf8(bytes(&dir.path("actors.csv"))).unwrap();
    assert!(csv.starts_with("\u{feff}Nom;Monde;Commune;"));
}

#[test]
fn a_file_with_problems_is_refused_with_each_line_and_changes_nothing() {
    let dir = Dir::new();
    let ws = demo(&dir);
    let before = bytes(&ws);
    let file = dir.path("acteurs.csv");
    std::fs::write(
        &file,
        "Nom;Monde;Commune\nNouvelle asso;Association / ESS;Gap\nX;Planète;Gap\n;Entreprise;Gap\n",
    )
    .unwrap();
    dir.catalyse()
        .args(["import", "actors"])
        .arg(&file)
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Ligne 3, colonne « Monde »"))
        .stderr(predicate::str::contains("Ligne 4, colonne « Nom »"))
        .stderr(predicate::str::contains("rien n'a été enregistré"));
    assert_eq!(bytes(&ws), before, "the workspace is byte-identical");
    // A dry run of a good file writes nothing either.
    std::fs::write(&file, "Nom;Monde\nNouvelle asso;Association / ESS\n").unwrap();
    dir.catalyse()
        .args(["import", "actors", "--dry-run"])
        .arg(&file)
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .success()
        .stdout(predicate::str::contains("1 acteur(s) importable(s)"));
    assert_eq!(count(&ws, "actor"), 45);
    dir.catalyse()
        .args(["import", "actors"])
        .arg(&file)
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .success()
        .stdout(predicate::str::contains("1 acteur importé"));
    assert_eq!(count(&ws, "actor"), 46);
}

#[test]
fn export_refuses_to_overwrite_without_force_and_bad_arguments_are_named() {
    let dir = Dir::new();
    let ws = demo(&dir);
    let file = dir.path("liens.csv");
    std::fs::write(&file, "à garder").unwrap();
    dir.catalyse()
        .args(["export", "links"])
        .arg(&file)
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(bytes(&file), "à garder".as_bytes());
    dir.catalyse()
        .args(["export", "links", "--force"])
        .arg(&file)
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .success()
        .stdout(predicate::str::contains("36 liens exportés"));
    dir.catalyse()
        .args(["export", "links"])
        .arg(dir.path("liens.ods"))
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(".csv ou .xlsx"));
    // An unknown kind is a usage error, named in French with what is accepted.
    dir.catalyse()
        .args(["import", "partenaires"])
        .arg(&file)
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "« partenaires » n'est pas une valeur possible pour <TYPE>",
        ))
        .stderr(predicate::str::contains("actors, links, meetings"));
    dir.catalyse()
        .args(["import", "actors"])
        .arg(dir.path("absent.csv"))
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("introuvable"));
}
