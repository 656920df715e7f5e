//! Backups from the command line: `catalyse backup` and `catalyse restore`, on the real binary.

use crate::util::{bytes, Dir};
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

fn counts(dir: &Dir, path: &Path) -> Value {
    let out = dir
        .catalyse()
        .args(["check", "--json"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice::<Value>(&out.stdout).unwrap()["counts"].clone()
}

#[test]
fn backup_then_restore_to_a_new_file_and_over_an_existing_one() {
    let dir = Dir::new();
    let ws = dir.path("demo.catalyse");
    dir.catalyse().arg("demo").arg(&ws).assert().success();
    let saved = dir.path("sauvegarde.catalyse");
    dir.catalyse()
        .args(["backup", "--workspace"])
        .arg(&ws)
        .arg("--out")
        .arg(&saved)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Sauvegarde écrite").and(predicate::str::contains("notes")),
        );
    let original = counts(&dir, &ws);
    assert_eq!(counts(&dir, &saved), original);

    // Never over an existing file without --force.
    dir.catalyse()
        .args(["backup", "--workspace"])
        .arg(&ws)
        .arg("--out")
        .arg(&saved)
        .assert()
        .failure()
        .stderr(predicate::str::contains("--force"));

    let restored = dir.path("restauré.catalyse");
    dir.catalyse()
        .arg("restore")
        .arg(&saved)
        .arg("--to")
        .arg(&restored)
        .assert()
        .success()
        .stdout(predicate::str::contains("Sauvegarde restaurée"));
    assert_eq!(counts(&dir, &restored), original);

    // Over an existing workspace: refused without --force; with it, the old one is kept first.
    let other = dir.path("autre.catalyse");
    dir.catalyse().arg("demo").arg(&other).assert().success();
    dir.catalyse()
        .args(["import", "actors"])
        .arg(write_actors(&dir))
        .arg("--workspace")
        .arg(&other)
        .assert()
        .success();
    let before = counts(&dir, &other);
    assert_ne!(before, original);
    dir.catalyse()
        .arg("restore")
        .arg(&saved)
        .arg("--to")
        .arg(&other)
        .assert()
        .failure()
        .stderr(predicate::str::contains("--force"));
    let out = dir
        .catalyse()
        .arg("restore")
        .arg(&saved)
        .arg("--to")
        .arg(&other)
        .arg("--force")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let kept = stdout
        .lines()
        .find_map(|l| l.strip_prefix("L'espace remplacé a d'abord été sauvegardé dans "))
        .expect("where the replaced workspace went")
        .trim_end_matches('.');
    assert!(
        kept.starts_with(dir.path("data").to_str().unwrap()),
        "in the app's data folder: {kept}"
    );
    assert_eq!(counts(&dir, &other), original);
    assert_eq!(counts(&dir, Path::new(kept)), before);
}

fn write_actors(dir: &Dir) -> std::path::PathBuf {
    let csv = dir.path("acteurs.csv");
    std::fs::write(
        &csv,
        "Nom;Monde;Commune\nMairie de Test;Collectivité territoriale;Gap\n",
    )
    .unwrap();
    csv
}

#[test]
fn a_damaged_backup_is_refused_and_the_destination_left_as_it_was() {
    let dir = Dir::new();
    let ws = dir.path("demo.catalyse");
    dir.catalyse().arg("demo").arg(&ws).assert().success();
    let saved = dir.path("sauvegarde.catalyse");
    dir.catalyse()
        .args(["backup", "--workspace"])
        .arg(&ws)
        .arg("--out")
        .arg(&saved)
        .assert()
        .success();
    let mut damaged = bytes(&saved);
    let len = damaged.len();
    for b in &mut damaged[len / 3..len / 2] {
        *b = 0xA5;
    }
    std::fs::write(&saved, &damaged).unwrap();
    let target = dir.path("cible.catalyse");
    dir.catalyse().arg("demo").arg(&target).assert().success();
    let before = bytes(&target);
    dir.catalyse()
        .arg("restore")
        .arg(&saved)
        .arg("--to")
        .arg(&target)
        .arg("--force")
        .assert()
        .failure()
        .stderr(predicate::str::contains("endommagé"));
    assert_eq!(bytes(&target), before);

    // A file that is not a workspace is never replaced by a restore.
    let good = dir.path("bonne.catalyse");
    dir.catalyse()
        .args(["backup", "--workspace"])
        .arg(&ws)
        .arg("--out")
        .arg(&good)
        .assert()
        .success();
    let notes = dir.path("notes.txt");
    std::fs::write(&notes, "mes notes").unwrap();
    dir.catalyse()
        .arg("restore")
        .arg(&good)
        .arg("--to")
        .arg(&notes)
        .arg("--force")
        .assert()
        .failure();
    assert_eq!(bytes(&notes), b"mes notes");
}

#[test]
fn a_workspace_open_in_another_process_is_not_written_to() {
    let dir = Dir::new();
    let ws = dir.path("demo.catalyse");
    dir.catalyse().arg("demo").arg(&ws).assert().success();
    // This test process plays the open window: it holds the workspace.
    let open = catalyse_core::Store::open_with(&ws, &dir.path("data")).unwrap();
    let before = counts(&dir, &ws);
    dir.catalyse()
        .args(["import", "actors"])
        .arg(write_actors(&dir))
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "déjà ouvert dans une autre fenêtre",
        ));
    let copy = dir.path("copie.catalyse");
    dir.catalyse()
        .args(["backup", "--workspace"])
        .arg(&ws)
        .arg("--out")
        .arg(&copy)
        .assert()
        .success();
    dir.catalyse()
        .arg("restore")
        .arg(&copy)
        .arg("--to")
        .arg(&ws)
        .arg("--force")
        .assert()
        .failure()
        .stderr(predicate::str::contains("déjà ouvert"));
    assert_eq!(counts(&dir, &ws), before);
    drop(open);
    dir.catalyse()
        .args(["import", "actors"])
        .arg(write_actors(&dir))
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .success();
}

/// `backup --force` over a workspace another Catalyse process has open would unlink it under
/// that process (its later changes lost): refused with `locked`, the file left as it was.
#[test]
fn a_backup_is_not_written_over_a_workspace_open_in_another_process() {
    let dir = Dir::new();
    let ws = dir.path("demo.catalyse");
    dir.catalyse().arg("demo").arg(&ws).assert().success();
    let out = dir.path("ouvert.catalyse");
    dir.catalyse().arg("demo").arg(&out).assert().success();
    let before = bytes(&out);
    // This test process plays the window that has `out` open.
    let lock = catalyse_core::db::store::WriterLock::take(&out)
        .unwrap()
        .expect("this file system has locks");
    let name = out.display().to_string();
    dir.catalyse()
        .args(["backup", "--workspace"])
        .arg(&ws)
        .arg("--out")
        .arg(&out)
        .arg("--force")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(format!("« {name} » est déjà ouvert"))
                .and(predicate::str::contains("rien n'y a été écrit")),
        );
    assert_eq!(bytes(&out), before, "the open workspace is byte-identical");
    // Once it is closed, the backup replaces it.
    drop(lock);
    dir.catalyse()
        .args(["backup", "--workspace"])
        .arg(&ws)
        .arg("--out")
        .arg(&out)
        .arg("--force")
        .assert()
        .success();
    assert_eq!(counts(&dir, &out), counts(&dir, &ws));
}

#[test]
fn the_whole_workspace_round_trips_through_json() {
    let dir = Dir::new();
    let ws = dir.path("demo.catalyse");
    dir.catalyse().arg("demo").arg(&ws).assert().success();
    let json = dir.path("espace.json");
    dir.catalyse()
        .args(["export", "workspace"])
        .arg(&json)
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .success()
        .stdout(predicate::str::contains("Espace de travail exporté"));
    let doc: Value = serde_json::from_slice(&bytes(&json)).unwrap();
    assert_eq!(doc["format"], "catalyse-workspace");
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["schema_version"], catalyse_core::SCHEMA_VERSION);
    assert_eq!(doc["app_version"], env!("CARGO_PKG_VERSION"));

    let copy = dir.path("copie.catalyse");
    dir.catalyse()
        .args(["import", "workspace"])
        .arg(&json)
        .arg("--to")
        .arg(&copy)
        .assert()
        .success()
        .stdout(predicate::str::contains("Espace de travail importé"));
    assert_eq!(counts(&dir, &copy), counts(&dir, &ws));
    let again = dir.path("encore.json");
    dir.catalyse()
        .args(["export", "workspace"])
        .arg(&again)
        .arg("--workspace")
        .arg(&copy)
        .assert()
        .success();
    assert_eq!(
        bytes(&again),
        bytes(&json),
        "export → import → export is identical"
    );

    // A broken document: a clear message naming the place, and no file.
    let broken = dir.path("abime.json");
    let mut doc = doc;
    doc["tables"]["funding"][0]["amount_cents"] = "beaucoup".into();
    std::fs::write(&broken, serde_json::to_vec(&doc).unwrap()).unwrap();
    let target = dir.path("jamais.catalyse");
    dir.catalyse()
        .args(["import", "workspace"])
        .arg(&broken)
        .arg("--to")
        .arg(&target)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "Table « funding », enregistrement 1",
        ));
    assert!(!target.exists());
    // Into an existing workspace: refused, it stays as it was.
    let before = bytes(&ws);
    dir.catalyse()
        .args(["import", "workspace"])
        .arg(&json)
        .arg("--to")
        .arg(&ws)
        .assert()
        .failure()
        .stderr(predicate::str::contains("existe déjà"));
    assert_eq!(bytes(&ws), before);
}

#[test]
fn a_persons_data_is_exported_then_erased_everywhere() {
    let dir = Dir::new();
    let ws = dir.path("demo.catalyse");
    dir.catalyse().arg("demo").arg(&ws).assert().success();
    let member: i64 = rusqlite::Connection::open(&ws)
        .unwrap()
        .query_row(
            "SELECT id FROM member WHERE name = 'Mathis Ferrand'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let out = dir.path("mathis.json");
    dir.catalyse()
        .args([
            "person",
            "export",
            "--member",
            &member.to_string(),
            "--workspace",
        ])
        .arg(&ws)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let doc: Value = serde_json::from_slice(&bytes(&out)).unwrap();
    assert_eq!(doc["person"]["name"], "Mathis Ferrand");
    assert!(doc["records"]["self_assessment"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));

    // Without --yes nothing changes.
    let before = bytes(&ws);
    dir.catalyse()
        .args([
            "person",
            "erase",
            "--member",
            &member.to_string(),
            "--workspace",
        ])
        .arg(&ws)
        .assert()
        .failure()
        .stderr(predicate::str::contains("--yes"));
    assert_eq!(bytes(&ws), before);
    dir.catalyse()
        .args([
            "person",
            "erase",
            "--member",
            &member.to_string(),
            "--yes",
            "--workspace",
        ])
        .arg(&ws)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("« Mathis Ferrand » a été effacé(e)")
                .and(predicate::str::contains("[personne effacée]")),
        );
    let json = dir.path("après.json");
    dir.catalyse()
        .args(["export", "workspace"])
        .arg(&json)
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .success();
    let text = String::from_utf8(bytes(&json)).unwrap();
    assert!(
        !text.contains("Mathis Ferrand"),
        "the name is nowhere in the workspace"
    );
    assert!(!text.contains("Ferrand"));
    // Neither --contact nor --member: a usage error.
    dir.catalyse()
        .args(["person", "export", "--workspace"])
        .arg(&ws)
        .arg("--out")
        .arg(dir.path("x.json"))
        .assert()
        .code(2);
}

/// `catalyse person erase --backups`: the backups that hold the person are rewritten without
/// them (read as bytes); `catalyse restore` of a backup made before an erasure erases them
/// again and says so.
#[test]
fn an_erasure_from_the_command_line_reaches_the_backups_and_a_restore_erases_again() {
    let dir = Dir::new();
    let ws = dir.path("rgpd.catalyse");
    dir.catalyse().arg("demo").arg(&ws).assert().success();
    let member: i64 = rusqlite::Connection::open(&ws)
        .unwrap()
        .query_row(
            "SELECT id FROM member WHERE name = 'Mathis Ferrand'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let data = dir
        .path("data")
        .join("fr.catalyse.desktop")
        .join("sauvegardes");
    let backups = |dir_root: &Path| -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for d in std::fs::read_dir(dir_root).into_iter().flatten().flatten() {
            for f in std::fs::read_dir(d.path()).into_iter().flatten().flatten() {
                if f.path().extension().is_some_and(|e| e == "catalyse") {
                    out.push(f.path());
                }
            }
        }
        out
    };
    // A backup in the workspace's backup folder, as the app makes them (a restore point).
    let folder = catalyse_core::safety::backup::dir_for(&data, &ws);
    catalyse_core::Store::open_with(&ws, &data)
        .unwrap()
        .backup_into(&folder, catalyse_core::safety::backup::BackupReason::Manual)
        .unwrap();
    let kept = backups(&data);
    assert_eq!(kept.len(), 1);
    let before_erasure = dir.path("avant.catalyse");
    std::fs::copy(&kept[0], &before_erasure).unwrap();
    assert!(bytes(&kept[0]).windows(7).any(|w| w == b"Ferrand"));
    // Erased without --backups: the backup still holds him.
    dir.catalyse()
        .args([
            "person",
            "erase",
            "--member",
            &member.to_string(),
            "--yes",
            "--workspace",
        ])
        .arg(&ws)
        .assert()
        .success();
    assert!(bytes(&kept[0]).windows(7).any(|w| w == b"Ferrand"));
    // A backup made before the erasure, restored: he is erased again.
    let restored = dir.path("restaurée.catalyse");
    std::fs::copy(
        &before_erasure,
        folder.join("20200101-000000-manuelle.catalyse"),
    )
    .unwrap();
    dir.catalyse()
        .args(["restore"])
        .arg(folder.join("20200101-000000-manuelle.catalyse"))
        .arg("--to")
        .arg(&restored)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1 personne(s) effacée(s) (RGPD) depuis cette sauvegarde l'ont été à nouveau",
        ));
    assert!(!bytes(&restored).windows(7).any(|w| w == b"Ferrand"));
    // Again with --backups: every backup of the workspace is rewritten without him.
    dir.catalyse()
        .args([
            "person",
            "erase",
            "--member",
            &member.to_string(),
            "--yes",
            "--backups",
            "--workspace",
        ])
        .arg(&ws)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Sauvegardes : 2 réécrite(s) sans la personne",
        ));
    for b in backups(&data) {
        assert!(
            !bytes(&b).windows(7).any(|w| w == b"Ferrand"),
            "{}",
            b.display()
        );
    }
    assert!(!bytes(&ws).windows(7).any(|w| w == b"Ferrand"));
}
