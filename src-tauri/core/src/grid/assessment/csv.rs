//! The grid's exports: the team matrix and a member's sheet, as CSV or XLSX.

use super::coverage::short_title;
use super::*;
use crate::db::store::Store;
use crate::grid::competences;
use crate::shared::domain::AssessmentStatus;
use crate::shared::error::CoreResult;

impl Store {
    /// The team matrix as a table: one row per member, then the best level, the doers and the
    /// gaps; CSV or XLSX from the file's extension.
    pub fn export_team_grid(&self, path: &std::path::Path) -> CoreResult<()> {
        let g = self.team_grid()?;
        let mut headers: Vec<String> = vec!["Membre".into(), "Évaluée le".into()];
        headers.extend(
            g.competences
                .iter()
                .map(|c| format!("{}. {}", c.number, short_title(&c.title))),
        );
        let mut rows: Vec<Vec<String>> = g
            .members
            .iter()
            .map(|m| {
                let mut r = vec![m.name.clone(), m.assessed_on.clone().unwrap_or_default()];
                r.extend((1..=8).map(|n| {
                    m.levels
                        .get(&n.to_string())
                        .map(|l| l.to_string())
                        .unwrap_or_default()
                }));
                r
            })
            .collect();
        let line = |label: &str, f: &dyn Fn(&CompetenceCoverage) -> String| {
            let mut r = vec![label.to_string(), String::new()];
            r.extend(g.competences.iter().map(f));
            r
        };
        rows.push(line("Meilleur niveau", &|c| c.best.to_string()));
        rows.push(line("Membres au niveau 3 ou plus", &|c| {
            c.doers.to_string()
        }));
        rows.push(line("Manque", &|c| {
            if c.gap {
                "oui".into()
            } else {
                "non".into()
            }
        }));
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        let bytes = crate::shared::sheet::encode_for(path, "Équipe", &headers, &rows)?;
        crate::shared::sheet::write_whole(path, &bytes)
    }

    /// A member's sheet: every assessment's level and target per competence, with evidence.
    pub fn export_member_sheet(&self, member_id: i64, path: &std::path::Path) -> CoreResult<()> {
        let member = self.member(member_id)?;
        let history: Vec<Assessment> = self
            .list_assessments(member_id)?
            .into_iter()
            .filter(|a| a.status == AssessmentStatus::Finished)
            .collect();
        let headers = [
            "Membre",
            "Évaluée le",
            "Axe",
            "Compétence",
            "Niveau",
            "Niveau visé",
            "Preuves",
        ];
        let mut rows = Vec::new();
        for a in &history {
            for c in competences() {
                let r = a.ratings.iter().find(|r| r.competence == c.number);
                let evidence: Vec<String> = r
                    .map(|r| {
                        let mut v: Vec<String> = r
                            .evidence
                            .iter()
                            .map(|e| format!("{} : {}", e.kind.label_fr(), e.label))
                            .collect();
                        if !r.evidence_note.is_empty() {
                            v.insert(0, r.evidence_note.clone());
                        }
                        v
                    })
                    .unwrap_or_default();
                rows.push(vec![
                    member.name.clone(),
                    a.assessed_on.clone(),
                    c.axis_fr.clone(),
                    format!("{}. {}", c.number, c.title_fr),
                    r.map(|r| r.level.to_string()).unwrap_or_default(),
                    r.and_then(|r| r.target)
                        .map(|t| t.to_string())
                        .unwrap_or_default(),
                    evidence.join(" | "),
                ]);
            }
        }
        let bytes = crate::shared::sheet::encode_for(path, "Auto-évaluations", &headers, &rows)?;
        crate::shared::sheet::write_whole(path, &bytes)
    }
}
