//! Team sharing from the command line, as two laptops would (two HOMEs, one shared folder):
//! `share init`, `share join`, `sync --json`, `share status`, `conflicts`.

use crate::util::Dir;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

fn sync(dir: &Dir, ws: &Path) -> Value {
    let out = dir
        .catalyse()
        .args(["sync", "--json", "--workspace"])
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

fn inbox(dir: &Dir, ws: &Path) -> Value {
    let out = dir
        .catalyse()
        .args(["conflicts", "--json", "--workspace"])
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
