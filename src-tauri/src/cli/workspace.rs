//! The commands on a whole workspace file: `demo`, `new` and `check`.

use super::fail;
use catalyse_core::safety::check::{check, CheckReport, Verdict};
use catalyse_core::{demo, Store};
use std::path::Path;

/// `catalyse demo FICHIER`: writes the demo workspace.
pub(super) fn demo_workspace(path: &Path) -> i32 {
    match demo::write_demo(path) {
        Ok(store) => {
            let n = store.counts().map(|c| c["actors"]).unwrap_or(0);
            println!(
                "Espace de démonstration écrit dans {} ({} acteurs).",
                path.display(),
                n
            );
            0
        }
        Err(e) => fail(&e),
    }
}

/// `catalyse new FICHIER --territory …`: creates an empty workspace.
pub(super) fn new_workspace(path: &Path, territory: String, kind: String, title: String) -> i32 {
    let new = catalyse_core::project::NewWorkspace {
        territory_name: territory,
        territory_kind: kind,
        project_title: title,
    };
    match Store::create(path, &new) {
        Ok(_) => {
            println!("Espace de travail créé : {}.", path.display());
            0
        }
        Err(e) => fail(&e),
    }
}

/// `catalyse check FICHIER`: checks a workspace without changing it.
pub(super) fn check_workspace(path: &Path, json: bool) -> i32 {
    let report = check(path);
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("Erreur : rapport illisible ({e}).");
                return 1;
            }
        }
    } else {
        print_report(&report);
    }
    if report.healthy {
        0
    } else {
        1
    }
}

fn verdict_text(v: &Option<Verdict>) -> String {
    match v {
        None => "non vérifié".into(),
        Some(Verdict::Ok(_)) => "ok".into(),
        Some(Verdict::Problems(p)) => format!("{} problème(s) : {}", p.len(), p.join(" ; ")),
    }
}

fn print_report(r: &CheckReport) {
    println!("Fichier : {}", r.path.display());
    println!(
        "Espace de travail Catalyse : {}",
        if r.workspace { "oui" } else { "non" }
    );
    if let Some(v) = r.schema_version {
        println!(
            "Version du schéma : {v} (cette version de Catalyse : {})",
            r.app_schema_version
        );
    }
    println!("Intégrité : {}", verdict_text(&r.integrity));
    println!("Références : {}", verdict_text(&r.foreign_keys));
    if !r.counts.is_empty() {
        println!("Enregistrements :");
        for (k, n) in &r.counts {
            println!("  {k} : {n}");
        }
    }
    if r.healthy {
        println!("Résultat : aucun problème trouvé.");
    } else {
        for p in &r.problems {
            eprintln!("Problème : {p}");
        }
    }
}
