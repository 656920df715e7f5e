//! `catalyse network`: the analysis of the actors' network.

use super::fail;
use super::progress::terminal_progress;
use catalyse_core::Store;

pub(super) fn network(path: &std::path::Path, json: bool) -> i32 {
    let (progress, bar) = terminal_progress();
    let report = Store::open_for_reading(path).and_then(|s| s.network_report_with(&progress));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let report = match report {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if json {
        return match serde_json::to_string_pretty(&report) {
            Ok(s) => {
                println!("{s}");
                0
            }
            Err(e) => {
                eprintln!("Erreur : analyse illisible ({e}).");
                1
            }
        };
    }
    println!(
        "{} acteurs, {} composante(s), {} acteur(s) isolé(s).",
        report.actors.len(),
        report.components.len(),
        report.isolated.len()
    );
    let mut by_betweenness: Vec<_> = report.actors.iter().collect();
    by_betweenness.sort_by(|a, b| b.betweenness.total_cmp(&a.betweenness));
    println!("Acteurs les plus « passeurs » (intermédiarité) :");
    for m in by_betweenness.iter().take(10) {
        println!(
            "  {:.3}  {} ({} liens, {} mondes reliés)",
            m.betweenness, m.name, m.degree, m.mondes_bridged
        );
    }
    let name = |id: i64| {
        report
            .actors
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.name.as_str())
            .unwrap_or("?")
    };
    for b in report
        .sole_bridges
        .iter()
        .filter(|b| b.actor_ids.len() == 1)
    {
        println!(
            "Seul pont entre « {} » et « {} » : {}",
            b.mondes[0].label_fr(),
            b.mondes[1].label_fr(),
            name(b.actor_ids[0])
        );
    }
    0
}
