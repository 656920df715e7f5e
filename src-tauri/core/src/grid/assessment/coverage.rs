//! The team's coverage: who does what, where the gaps are.

use crate::db::store::Store;
use crate::grid::{competences, GridAxis, DOER_LEVEL, MIN_DOERS};
use crate::shared::error::CoreResult;
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::collections::BTreeMap;
use ts_rs::TS;

/// A member's latest finished levels.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MemberLevels {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    /// Date of the latest finished assessment, none if the member has not finished one.
    pub assessed_on: Option<String>,
    /// `"1"`…`"8"` → level (empty when not assessed).
    #[ts(type = "Record<string, number>")]
    pub levels: BTreeMap<String, i64>,
}

/// How the team covers one competence.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CompetenceCoverage {
    #[ts(type = "number")]
    pub number: i64,
    /// The axis's French name.
    pub axis: String,
    pub axis_code: GridAxis,
    pub title: String,
    /// The team's best level.
    #[ts(type = "number")]
    pub best: i64,
    /// Members at level 3 or more.
    #[ts(type = "number")]
    pub doers: i64,
    /// Fewer than two doers (including none).
    pub gap: bool,
    pub doer_names: Vec<String>,
}

/// One axis in short.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AxisCoverage {
    pub axis: GridAxis,
    pub label: String,
    #[ts(type = "number")]
    pub competences: i64,
    /// Competences with at least two doers.
    #[ts(type = "number")]
    pub covered: i64,
    #[ts(type = "number")]
    pub gaps: i64,
    /// Mean of the team's best levels over the axis, in tenths.
    #[ts(type = "number")]
    pub best_mean_tenths: i64,
}

/// The team matrix: members × competences, coverage and a short summary in French.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TeamGrid {
    pub members: Vec<MemberLevels>,
    pub competences: Vec<CompetenceCoverage>,
    pub axes: Vec<AxisCoverage>,
    pub summary: String,
}

/// Coverage from members' levels (pure, for tests with known answers).
pub fn coverage(members: &[MemberLevels]) -> (Vec<CompetenceCoverage>, Vec<AxisCoverage>) {
    let comps: Vec<CompetenceCoverage> = competences()
        .into_iter()
        .map(|c| {
            let key = c.number.to_string();
            let levels: Vec<(i64, &str)> = members
                .iter()
                .filter_map(|m| m.levels.get(&key).map(|l| (*l, m.name.as_str())))
                .collect();
            let best = levels.iter().map(|(l, _)| *l).max().unwrap_or(0);
            let doer_names: Vec<String> = levels
                .iter()
                .filter(|(l, _)| *l >= DOER_LEVEL)
                .map(|(_, n)| n.to_string())
                .collect();
            let doers = doer_names.len() as i64;
            CompetenceCoverage {
                number: c.number,
                axis: c.axis_fr,
                axis_code: c.axis,
                title: c.title_fr,
                best,
                doers,
                gap: doers < MIN_DOERS,
                doer_names,
            }
        })
        .collect();
    let axes = GridAxis::ALL
        .iter()
        .map(|a| {
            let of: Vec<&CompetenceCoverage> = comps.iter().filter(|c| c.axis_code == *a).collect();
            let n = of.len() as i64;
            AxisCoverage {
                axis: *a,
                label: a.label_fr().into(),
                competences: n,
                covered: of.iter().filter(|c| !c.gap).count() as i64,
                gaps: of.iter().filter(|c| c.gap).count() as i64,
                best_mean_tenths: if n == 0 {
                    0
                } else {
                    (of.iter().map(|c| c.best).sum::<i64>() * 10 + n / 2) / n
                },
            }
        })
        .collect();
    (comps, axes)
}

pub(super) fn short_title(t: &str) -> &str {
    t.split(" (").next().unwrap_or(t)
}

/// A few French sentences on the team's strengths and gaps.
pub fn summary_fr(
    members: &[MemberLevels],
    comps: &[CompetenceCoverage],
    axes: &[AxisCoverage],
) -> String {
    let assessed = members.iter().filter(|m| m.assessed_on.is_some()).count();
    if assessed == 0 {
        return "Aucune auto-évaluation terminée pour l'instant : la couverture de l'équipe apparaîtra avec la première.".into();
    }
    let mut out = format!(
        "{assessed} membre{} sur {} {} terminé une auto-évaluation.",
        if assessed > 1 { "s" } else { "" },
        members.len(),
        if assessed > 1 { "ont" } else { "a" }
    );
    let strong: Vec<String> = comps
        .iter()
        .filter(|c| !c.gap)
        .map(|c| {
            format!(
                "{}. {} ({} membres autonomes ou experts)",
                c.number,
                short_title(&c.title),
                c.doers
            )
        })
        .collect();
    if strong.is_empty() {
        out.push_str(" Aucune compétence n'est encore tenue par au moins deux membres autonomes.");
    } else {
        out.push_str(&format!(" Points forts : {}.", strong.join(" ; ")));
    }
    let gaps: Vec<String> = comps
        .iter()
        .filter(|c| c.gap)
        .map(|c| match c.doers {
            0 => format!(
                "{}. {} (personne au niveau 3)",
                c.number,
                short_title(&c.title)
            ),
            _ => format!(
                "{}. {} (une seule personne autonome : {})",
                c.number,
                short_title(&c.title),
                c.doer_names.join(", ")
            ),
        })
        .collect();
    if gaps.is_empty() {
        out.push_str(" Aucun manque : chaque compétence est tenue par au moins deux membres.");
    } else {
        out.push_str(&format!(" À renforcer : {}.", gaps.join(" ; ")));
    }
    let axes_text: Vec<String> = axes
        .iter()
        .map(|a| format!("{} {} sur {}", a.label, a.covered, a.competences))
        .collect();
    out.push_str(&format!(
        " Compétences couvertes par axe : {}.",
        axes_text.join(", ")
    ));
    out
}

impl Store {
    /// The team matrix from every member's latest finished assessment.
    pub fn team_grid(&self) -> CoreResult<TeamGrid> {
        let mut members = Vec::new();
        for m in self.list_members()? {
            let latest: Option<(i64, String)> = self
                .conn
                .query_row(
                    "SELECT id, assessed_on FROM self_assessment WHERE member_id = ?1 AND status = 'finished'
                     ORDER BY assessed_on DESC, id DESC LIMIT 1",
                    [m.id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let mut levels = BTreeMap::new();
            if let Some((aid, _)) = &latest {
                let mut st = self.conn.prepare_cached(
                    "SELECT competence, level FROM competence_rating WHERE assessment_id = ?1",
                )?;
                for row in
                    st.query_map([aid], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
                {
                    let (c, l) = row?;
                    levels.insert(c.to_string(), l);
                }
            }
            members.push(MemberLevels {
                id: m.id,
                name: m.name,
                assessed_on: latest.map(|(_, d)| d),
                levels,
            });
        }
        let (competences, axes) = coverage(&members);
        let summary = summary_fr(&members, &competences, &axes);
        Ok(TeamGrid {
            members,
            competences,
            axes,
            summary,
        })
    }
}
