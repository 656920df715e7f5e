//! Team sharing from the command line, as two laptops would (two HOMEs, one shared folder):
//! `share init`, `share join`, `sync --json`, `share status`, `conflicts`.

use crate::util::Dir;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

/// Runs `catalyse ARGS --workspace WS` for `dir`, which must succeed, and reads its JSON.
fn json(dir: &Dir, args: &[&str], ws: &Path) -> Value {
    let out = dir
        .catalyse()
        .args(args)
        .arg("--workspace")
        .arg(ws)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn sync(dir: &Dir, ws: &Path) -> Value {
    json(dir, &["sync", "--json"], ws)
}

#[test]
fn two_laptops_share_a_workspace_through_a_folder() {
    let claire = Dir::new();
    let paul = Dir::new();
    let folder = claire.path("Nextcloud/Territoire");
    std::fs::create_dir_all(&folder).unwrap();
    let a = claire.path("territoire.catalyse");
    claire.catalyse().arg("demo").arg(&a).assert().success();
    // A folder that does not exist: refused, in French.
    claire
        .catalyse()
        .args(["share", "init", "--workspace"])
        .arg(&a)
        .arg("--folder")
        .arg(claire.path("absent"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("introuvable"));
    claire
        .catalyse()
        .args([
            "share",
            "init",
            "--name",
            "ordinateur de Claire",
            "--workspace",
        ])
        .arg(&a)
        .arg("--folder")
        .arg(&folder)
        .assert()
        .success()
        .stdout(predicate::str::contains("Espace partagé créé"));
    let b = paul.path("territoire.catalyse");
    paul.catalyse()
        .args(["share", "join", "--name", "ordinateur de Paul", "--folder"])
        .arg(&folder)
        .arg("--to")
        .arg(&b)
        .assert()
        .success();
    // Claire imports an actor; Paul receives it.
    let csv = claire.path("acteurs.csv");
    std::fs::write(
        &csv,
        "Nom;Monde;Commune\nMairie de Sains-du-Nord;Collectivité territoriale;Sains-du-Nord\n",
    )
    .unwrap();
    claire
        .catalyse()
        .args(["import", "actors"])
        .arg(&csv)
        .arg("--workspace")
        .arg(&a)
        .assert()
        .success();
    let sent = sync(&claire, &a);
    assert!(sent["sent"].as_u64().unwrap() >= 1, "{sent}");
    let received = sync(&paul, &b);
    assert!(received["applied"].as_u64().unwrap() >= 1, "{received}");
    assert_eq!(received["conflicts"], 0);
    assert_eq!(sync(&claire, &a)["content_hash"], received["content_hash"]);
    // The status names both laptops.
    let out = paul
        .catalyse()
        .args(["share", "status", "--json", "--workspace"])
        .arg(&b)
        .output()
        .unwrap();
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = status["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ordinateur de Paul", "ordinateur de Claire"]);
    paul.catalyse()
        .args(["conflicts", "--workspace"])
        .arg(&b)
        .assert()
        .success()
        .stdout(predicate::str::contains("Aucun conflit"));
    // A file that is not a change file, where one is expected: refused and named, kept,
    // nothing changed.
    let forged = folder.join("appareils/0190f6a4000070008000000000000fff/2026-12/00000001.ccf");
    std::fs::create_dir_all(forged.parent().unwrap()).unwrap();
    std::fs::write(
        &forged,
        b"CATALYSE-CCF\n{\"format\":1,\"schema\":1,\"workspace\":\"x\"}\nDROP TABLE actor;",
    )
    .unwrap();
    let after = sync(&paul, &b);
    assert_eq!(after["content_hash"], received["content_hash"]);
    assert!(
        after["refused"].to_string().contains("00000001.ccf"),
        "{after}"
    );
    assert!(forged.exists());
}

#[test]
fn a_shared_folder_too_deep_for_windows_is_refused_before_anything_is_written() {
    let claire = Dir::new();
    let a = claire.path("territoire.catalyse");
    claire.catalyse().arg("demo").arg(&a).assert().success();
    // A real folder whose path is 230 characters long.
    let mut root = claire.path("Nextcloud");
    while 230 - root.as_os_str().len() > 61 {
        root.push("d".repeat(50));
    }
    root.push("d".repeat(230 - root.as_os_str().len() - 1));
    assert_eq!(root.as_os_str().len(), 230);
    std::fs::create_dir_all(&root).unwrap();
    claire
        .catalyse()
        .args(["share", "init", "--name", "CON", "--workspace"])
        .arg(&a)
        .arg("--folder")
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "Le chemin du dossier partagé est trop long (230 caractères, 180 au plus)",
        ));
    assert_eq!(std::fs::read_dir(&root).unwrap().count(), 0);
    let b = claire.path("autre.catalyse");
    claire
        .catalyse()
        .args(["share", "join", "--name", "Pôle urba : 2024 ?", "--folder"])
        .arg(&root)
        .arg("--to")
        .arg(&b)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("trop long (230 caractères"));
    assert!(!b.exists());
    // The workspace is still not shared.
    claire
        .catalyse()
        .args(["share", "status", "--workspace"])
        .arg(&a)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("n'est pas partagé"));
}

fn compact(dir: &Dir, ws: &Path) -> Value {
    json(dir, &["share", "compact", "--json"], ws)
}

#[test]
fn a_silent_laptop_holds_files_until_it_is_dropped_then_the_folder_is_compacted() {
    let claire = Dir::new();
    let paul = Dir::new();
    let lea = Dir::new();
    let folder = claire.path("Partage/Territoire");
    std::fs::create_dir_all(&folder).unwrap();
    let a = claire.path("territoire.catalyse");
    claire.catalyse().arg("demo").arg(&a).assert().success();
    claire
        .catalyse()
        .args([
            "share",
            "init",
            "--name",
            "ordinateur de Claire",
            "--workspace",
        ])
        .arg(&a)
        .arg("--folder")
        .arg(&folder)
        .assert()
        .success();
    let (b, c) = (paul.path("t.catalyse"), lea.path("t.catalyse"));
    for (dir, ws, name) in [
        (&paul, &b, "ordinateur de Paul"),
        (&lea, &c, "ordinateur de Léa"),
    ] {
        dir.catalyse()
            .args(["share", "join", "--name", name, "--folder"])
            .arg(&folder)
            .arg("--to")
            .arg(ws)
            .assert()
            .success();
    }
    // Claire and Paul work; Léa's laptop stays in a drawer.
    for round in 0..3 {
        let csv = claire.path(&format!("acteurs-{round}.csv"));
        std::fs::write(
            &csv,
            format!("Nom;Monde;Commune\nTiers-lieu n° {round};Association / ESS;Fourmies\n"),
        )
        .unwrap();
        claire
            .catalyse()
            .args(["import", "actors"])
            .arg(&csv)
            .arg("--workspace")
            .arg(&a)
            .assert()
            .success();
        sync(&claire, &a);
        sync(&paul, &b);
    }
    sync(&claire, &a);
    let first = compact(&claire, &a);
    assert_eq!(first["holding_back"][0], "ordinateur de Léa", "{first}");
    assert_eq!(first["removed_files"], 0, "{first}");
    // Her identity, from the status.
    let out = claire
        .catalyse()
        .args(["share", "status", "--json", "--workspace"])
        .arg(&a)
        .output()
        .unwrap();
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lea_id = status["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "ordinateur de Léa")
        .map(|d| d["device"].as_str().unwrap().to_string())
        .expect("Léa's laptop is known from its first file");
    claire
        .catalyse()
        .args(["share", "drop", "--device", &lea_id, "--workspace"])
        .arg(&a)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--yes"));
    claire
        .catalyse()
        .args(["share", "drop", "--yes", "--device", &lea_id, "--workspace"])
        .arg(&a)
        .assert()
        .success()
        .stdout(predicate::str::contains("retiré de l'équipe"));
    sync(&paul, &b);
    // The snapshot the first compaction made bounds the second a few days (a laptop may
    // have joined from it unheard of): Claire's files before it are folded now.
    let second = compact(&claire, &a);
    assert!(
        second["holding_back"].as_array().unwrap().is_empty(),
        "{second}"
    );
    assert!(second["removed_files"].as_u64().unwrap() >= 3, "{second}");
    assert_eq!(second["removed_snapshots"], 1, "{second}");
    claire
        .catalyse()
        .args(["share", "status", "--workspace"])
        .arg(&a)
        .assert()
        .success()
        .stdout(predicate::str::contains("retiré de l'équipe"));
    // Paul goes on; Léa is told she was dropped.
    let p = sync(&paul, &b);
    assert_eq!(p["dropped"], false);
    assert_eq!(sync(&lea, &c)["dropped"], true);
    lea.catalyse()
        .args(["sync", "--workspace"])
        .arg(&c)
        .assert()
        .success()
        .stdout(predicate::str::contains("retiré de l'équipe"));
}

fn inbox(dir: &Dir, ws: &Path) -> Value {
    json(dir, &["conflicts", "--json"], ws)
}

/// Two laptops record the same actor offline: after the exchange, both list the same
/// anomaly; one merges the two from the command line, and both inboxes empty.
#[test]
fn the_same_actor_recorded_on_two_laptops_is_listed_then_merged_from_the_command_line() {
    let claire = Dir::new();
    let paul = Dir::new();
    let folder = claire.path("Nextcloud/Territoire");
    std::fs::create_dir_all(&folder).unwrap();
    let a = claire.path("territoire.catalyse");
    claire
        .catalyse()
        .args([
            "new",
            "--territory",
            "PETR du Val",
            "--kind",
            "petr",
            "--title",
            "Projet",
        ])
        .arg(&a)
        .assert()
        .success();
    claire
        .catalyse()
        .args(["share", "init", "--name", "Claire", "--workspace"])
        .arg(&a)
        .arg("--folder")
        .arg(&folder)
        .assert()
        .success();
    let b = paul.path("territoire.catalyse");
    paul.catalyse()
        .args(["share", "join", "--name", "Paul", "--folder"])
        .arg(&folder)
        .arg("--to")
        .arg(&b)
        .assert()
        .success();
    assert_eq!(inbox(&claire, &a)["invariant_count"], 0);
    for (dir, ws, name) in [
        (&claire, &a, "Mairie d'Avesnes"),
        (&paul, &b, "MAIRIE D'AVESNES"),
    ] {
        let csv = dir.path("acteurs.csv");
        std::fs::write(
            &csv,
            format!("Nom;Monde;Commune\n{name};Collectivité territoriale;Avesnes\n"),
        )
        .unwrap();
        dir.catalyse()
            .args(["import", "actors"])
            .arg(&csv)
            .arg("--workspace")
            .arg(ws)
            .assert()
            .success();
    }
    sync(&claire, &a);
    sync(&paul, &b);
    let report = sync(&claire, &a);
    assert_eq!(report["invariants"], 1, "{report}");
    // The same on both laptops, but for the records' numbers, which are each file's own.
    let without_ids = |v: &Value| {
        v.to_string()
            .split("\"id\":")
            .map(|p| p.split_once(',').map_or(p, |x| x.1).to_string())
            .collect::<Vec<_>>()
    };
    let (on_a, on_b) = (inbox(&claire, &a), inbox(&paul, &b));
    assert_eq!(
        without_ids(&on_a["invariants"]),
        without_ids(&on_b["invariants"])
    );
    let entry = &on_a["invariants"][0];
    assert_eq!(entry["kind"], "same_actor");
    let keep = entry["records"][0]["uid"].as_str().unwrap();
    let other = entry["records"][1]["uid"].as_str().unwrap();
    paul.catalyse()
        .args(["conflicts", "--workspace"])
        .arg(&b)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("acteurs en double")
                .and(predicate::str::contains("clé : same_actor:")),
        );
    paul.catalyse()
        .args([
            "conflicts",
            "--merge-actor",
            other,
            "--into",
            keep,
            "--workspace",
        ])
        .arg(&b)
        .assert()
        .success()
        .stdout(predicate::str::contains("Acteurs fusionnés"));
    sync(&paul, &b);
    let on_a = sync(&claire, &a);
    assert_eq!(on_a["invariants"], 0, "{on_a}");
    assert_eq!(on_a["content_hash"], sync(&paul, &b)["content_hash"]);
    assert_eq!(inbox(&paul, &b)["invariant_count"], 0);
}
