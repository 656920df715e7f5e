//! Self-assessments, ratings and evidence: the types and their validation.

use crate::grid::COMPETENCE_COUNT;
use crate::shared::domain::{multi_line, optional_date, AssessmentStatus, EvidenceKind, LONG_MAX};
use crate::shared::error::{CoreError, CoreResult};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A record of the workspace that shows a competence.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Evidence {
    pub kind: EvidenceKind,
    #[ts(type = "number")]
    pub record_id: i64,
    /// The record's title when the evidence was saved.
    pub label: String,
    /// False once the record has been deleted (the label stays, as history).
    pub exists: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EvidenceInput {
    #[ts(as = "EvidenceKind")]
    pub kind: String,
    #[ts(type = "number")]
    pub record_id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Rating {
    #[ts(type = "number")]
    pub competence: i64,
    #[ts(type = "number")]
    pub level: i64,
    #[ts(type = "number | null")]
    pub target: Option<i64>,
    pub evidence_note: String,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RatingInput {
    #[ts(type = "number")]
    pub competence: i64,
    #[ts(type = "number")]
    pub level: i64,
    #[ts(type = "number | null")]
    pub target: Option<i64>,
    pub evidence_note: String,
    pub evidence: Vec<EvidenceInput>,
}

/// One dated self-assessment of a member.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Assessment {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub member_id: i64,
    pub assessed_on: String,
    pub status: AssessmentStatus,
    #[ts(type = "number")]
    pub grid_version: i64,
    pub notes: String,
    /// In competence order; a draft may rate only some.
    pub ratings: Vec<Rating>,
    pub finished_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AssessmentInput {
    #[ts(type = "number")]
    pub member_id: i64,
    pub assessed_on: String,
    pub notes: String,
    pub ratings: Vec<RatingInput>,
    /// Finish now (all eight rated); otherwise saved as a draft.
    pub finish: bool,
}

pub(super) struct ValidRating {
    pub(super) competence: i64,
    pub(super) level: i64,
    pub(super) target: Option<i64>,
    pub(super) evidence_note: String,
    pub(super) evidence: Vec<(EvidenceKind, i64)>,
}

pub(super) struct ValidAssessment {
    pub(super) member_id: i64,
    pub(super) assessed_on: NaiveDate,
    pub(super) notes: String,
    pub(super) ratings: Vec<ValidRating>,
    pub(super) finish: bool,
}

fn scale(field: &'static str, what: &str, competence: i64, v: i64) -> CoreResult<i64> {
    if (0..=4).contains(&v) {
        Ok(v)
    } else {
        Err(CoreError::validation(
            field,
            "grid.level_range",
            format!("Compétence {competence} : {what} va de 0 à 4 (reçu : {v})."),
        ))
    }
}

impl AssessmentInput {
    pub(super) fn validate(&self) -> CoreResult<ValidAssessment> {
        let assessed_on = optional_date(
            "assessed_on",
            "La date de l'auto-évaluation",
            &Some(self.assessed_on.clone()),
        )?
        .ok_or_else(|| {
            CoreError::validation(
                "assessed_on",
                "text.empty",
                "La date de l'auto-évaluation est obligatoire.",
            )
        })?;
        let mut ratings: Vec<ValidRating> = Vec::new();
        for r in &self.ratings {
            if !(1..=COMPETENCE_COUNT as i64).contains(&r.competence) {
                return Err(CoreError::validation(
                    "ratings",
                    "grid.competence",
                    format!(
                        "Compétence inconnue : {} (la grille en compte huit, de 1 à 8).",
                        r.competence
                    ),
                ));
            }
            if ratings.iter().any(|x| x.competence == r.competence) {
                return Err(CoreError::validation(
                    "ratings",
                    "grid.duplicate",
                    format!("La compétence {} est notée deux fois.", r.competence),
                ));
            }
            let mut evidence = Vec::new();
            for e in &r.evidence {
                let kind = EvidenceKind::parse("evidence", &e.kind)?;
                if !evidence.contains(&(kind, e.record_id)) {
                    evidence.push((kind, e.record_id));
                }
            }
            ratings.push(ValidRating {
                competence: r.competence,
                level: scale("ratings", "le niveau", r.competence, r.level)?,
                target: r
                    .target
                    .map(|t| scale("ratings", "le niveau visé", r.competence, t))
                    .transpose()?,
                evidence_note: multi_line(
                    "ratings",
                    "Les notes de preuve",
                    &r.evidence_note,
                    LONG_MAX,
                )?,
                evidence,
            });
        }
        ratings.sort_by_key(|r| r.competence);
        if self.finish && ratings.len() != COMPETENCE_COUNT {
            let missing: Vec<String> = (1..=COMPETENCE_COUNT as i64)
                .filter(|n| !ratings.iter().any(|r| r.competence == *n))
                .map(|n| n.to_string())
                .collect();
            return Err(CoreError::validation(
                "ratings",
                "grid.incomplete",
                format!(
                    "Pour terminer l'auto-évaluation, notez les huit compétences (0 « non évalué » est possible). Manque : {}.",
                    missing.join(", ")
                ),
            ));
        }
        Ok(ValidAssessment {
            member_id: self.member_id,
            assessed_on,
            notes: multi_line("notes", "Les notes", &self.notes, LONG_MAX)?,
            ratings,
            finish: self.finish,
        })
    }
}
