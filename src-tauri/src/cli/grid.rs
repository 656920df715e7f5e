//! `catalyse grid`: the team's competence grid.

use super::fail;
use catalyse_core::Store;
use std::path::Path;

pub(super) fn grid(path: &Path, json: bool) -> i32 {
    let team = match Store::open_for_reading(path).and_then(|s| s.team_grid()) {
        Ok(t) => t,
        Err(e) => return fail(&e),
    };
    if json {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            members: &'a [catalyse_core::grid::assessment::MemberLevels],
            competences: &'a [catalyse_core::grid::assessment::CompetenceCoverage],
            axes: &'a [catalyse_core::grid::assessment::AxisCoverage],
            summary: &'a str,
        }
        let out = Out {
            members: &team.members,
            competences: &team.competences,
            axes: &team.axes,
            summary: &team.summary,
        };
        return match serde_json::to_string_pretty(&out) {
            Ok(s) => {
                println!("{s}");
                0
            }
            Err(e) => {
                eprintln!("Erreur : matrice illisible ({e}).");
                1
            }
        };
    }
    let header: String = (1..=8).map(|n| format!("{n:>3}")).collect();
    println!("{:<28}{header}  évaluée le", "Membre");
    for m in &team.members {
        let cells: String = (1..=8)
            .map(|n| match m.levels.get(&n.to_string()) {
                Some(l) => format!("{l:>3}"),
                None => "  –".to_string(),
            })
            .collect();
        let name: String = m.name.chars().take(27).collect();
        println!(
            "{name:<28}{cells}  {}",
            m.assessed_on.as_deref().unwrap_or("jamais")
        );
    }
    for c in &team.competences {
        println!(
            "{}. {} — meilleur niveau {}, {} membre(s) au niveau 3 ou plus{}",
            c.number,
            c.title,
            c.best,
            c.doers,
            if c.gap { " : MANQUE" } else { "" }
        );
    }
    println!("{}", team.summary);
    0
}
