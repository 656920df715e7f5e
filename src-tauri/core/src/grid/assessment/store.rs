//! Queries on self-assessments: read, write (a finished one is history), delete.

use super::model::ValidAssessment;
use super::*;
use crate::db::store::{date_text, delete_row, now, require_exists, Store};
use crate::grid::GRID_VERSION;
use crate::shared::domain::{AssessmentStatus, EvidenceKind};
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;

impl Store {
    /// The current title of a record that evidence may point to, or `None` if it is gone.
    pub(super) fn evidence_label(&self, kind: EvidenceKind, id: i64) -> CoreResult<Option<String>> {
        let sql = match kind {
            EvidenceKind::Action => "SELECT title FROM action WHERE id = ?1",
            EvidenceKind::Meeting => "SELECT date || ' — ' || title FROM meeting WHERE id = ?1",
            EvidenceKind::Funding => {
                "SELECT a.title || ' — ' || coalesce(x.name, 'financeur non précisé') || coalesce(' (' || nullif(f.scheme, '') || ')', '')
                 FROM funding f JOIN action a ON a.id = f.action_id LEFT JOIN actor x ON x.id = f.funder_id WHERE f.id = ?1"
            }
            EvidenceKind::Link => {
                "SELECT a.name || ' — ' || b.name FROM link l JOIN actor a ON a.id = l.actor_a JOIN actor b ON b.id = l.actor_b WHERE l.id = ?1"
            }
            EvidenceKind::DecisionNote => {
                "SELECT subject || coalesce(' — séance du ' || meeting_date, '') FROM decision_note WHERE id = ?1"
            }
        };
        Ok(self
            .conn
            .query_row(sql, [id], |r| r.get::<_, String>(0))
            .optional()?)
    }

    fn assessment_row(&self, id: i64) -> CoreResult<Assessment> {
        let mut a = self
            .conn
            .query_row(
                "SELECT id, member_id, assessed_on, status, grid_version, notes, finished_at
                 FROM self_assessment WHERE id = ?1",
                [id],
                |r| {
                    Ok(Assessment {
                        id: r.get(0)?,
                        member_id: r.get(1)?,
                        assessed_on: r.get(2)?,
                        status: r.get(3)?,
                        grid_version: r.get(4)?,
                        notes: r.get(5)?,
                        ratings: Vec::new(),
                        finished_at: r.get(6)?,
                    })
                },
            )
            .optional()?
            .ok_or(CoreError::NotFound {
                what: "Auto-évaluation",
                id,
            })?;
        let mut st = self.conn.prepare_cached(
            "SELECT competence, level, target, evidence_note FROM competence_rating
             WHERE assessment_id = ?1 ORDER BY competence",
        )?;
        let ratings: Vec<Rating> = st
            .query_map([id], |r| {
                Ok(Rating {
                    competence: r.get(0)?,
                    level: r.get(1)?,
                    target: r.get(2)?,
                    evidence_note: r.get(3)?,
                    evidence: Vec::new(),
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut st = self.conn.prepare_cached(
            "SELECT competence, kind, record_id, label FROM competence_evidence
             WHERE assessment_id = ?1 ORDER BY competence, position",
        )?;
        let evidence: Vec<(i64, EvidenceKind, i64, String)> = st
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        a.ratings = ratings;
        for (competence, kind, record_id, label) in evidence {
            let exists = self.evidence_label(kind, record_id)?.is_some();
            if let Some(r) = a.ratings.iter_mut().find(|r| r.competence == competence) {
                r.evidence.push(Evidence {
                    kind,
                    record_id,
                    label,
                    exists,
                });
            }
        }
        Ok(a)
    }

    /// One assessment with its ratings and evidence.
    pub fn assessment(&self, id: i64) -> CoreResult<Assessment> {
        self.assessment_row(id)
    }

    /// A member's assessments, oldest first (the history in order).
    pub fn list_assessments(&self, member_id: i64) -> CoreResult<Vec<Assessment>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id FROM self_assessment WHERE member_id = ?1 ORDER BY assessed_on, id",
        )?;
        let ids: Vec<i64> = st
            .query_map([member_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.into_iter().map(|id| self.assessment_row(id)).collect()
    }

    /// Creates an assessment (a draft, or finished at once).
    pub fn create_assessment(&mut self, input: &AssessmentInput) -> CoreResult<Assessment> {
        self.write_assessment(None, input)
    }

    /// Saves a draft again, possibly finishing it. A finished assessment is history and is
    /// refused: make a new one instead.
    pub fn update_assessment(
        &mut self,
        id: i64,
        input: &AssessmentInput,
    ) -> CoreResult<Assessment> {
        self.write_assessment(Some(id), input)
    }

    fn write_assessment(
        &mut self,
        id: Option<i64>,
        input: &AssessmentInput,
    ) -> CoreResult<Assessment> {
        let v = input.validate()?;
        require_exists(
            &self.conn,
            "member",
            v.member_id,
            "member_id",
            "Le membre de l'équipe",
        )?;
        if let Some(id) = id {
            self.check_draft(id, v.member_id)?;
        }
        // Evidence labels are taken now, from the records as they are.
        let labels = self.evidence_labels(&v)?;
        let at = now();
        let status = if v.finish {
            AssessmentStatus::Finished
        } else {
            AssessmentStatus::Draft
        };
        let finished_at = v.finish.then(|| at.clone());
        let tx = self.conn.transaction()?;
        let id = match id {
            None => {
                tx.execute(
                    "INSERT INTO self_assessment (member_id, assessed_on, status, grid_version, notes, created_at, updated_at, finished_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
                    params![v.member_id, date_text(Some(v.assessed_on)), status, GRID_VERSION, v.notes, at, finished_at],
                )?;
                tx.last_insert_rowid()
            }
            Some(id) => {
                tx.execute(
                    "UPDATE self_assessment SET assessed_on = ?1, status = ?2, grid_version = ?3, notes = ?4,
                            updated_at = ?5, finished_at = ?6 WHERE id = ?7",
                    params![date_text(Some(v.assessed_on)), status, GRID_VERSION, v.notes, at, finished_at, id],
                )?;
                tx.execute(
                    "DELETE FROM competence_rating WHERE assessment_id = ?1",
                    [id],
                )?;
                id
            }
        };
        Self::write_ratings(&tx, id, &v, &labels)?;
        tx.commit()?;
        self.assessment_row(id)
    }

    /// Refuses to save over a finished assessment, or to move one to another member.
    fn check_draft(&self, id: i64, member_id: i64) -> CoreResult<()> {
        let current = self.assessment_row(id)?;
        if current.status == AssessmentStatus::Finished {
            return Err(CoreError::validation(
                "status",
                "assessment.finished",
                "Cette auto-évaluation est terminée : elle fait partie de l'historique et ne se modifie plus. Faites-en une nouvelle (elle peut partir de celle-ci).",
            ));
        }
        if current.member_id != member_id {
            return Err(CoreError::validation(
                "member_id",
                "assessment.member",
                "Une auto-évaluation ne change pas de membre.",
            ));
        }
        Ok(())
    }

    /// The label of each piece of evidence, from the record as it is now.
    fn evidence_labels(
        &self,
        v: &ValidAssessment,
    ) -> CoreResult<HashMap<(EvidenceKind, i64), String>> {
        let mut labels = HashMap::new();
        for r in &v.ratings {
            for (kind, record) in &r.evidence {
                let label = self.evidence_label(*kind, *record)?.ok_or_else(|| {
                    CoreError::validation(
                        "evidence",
                        "reference.missing",
                        format!(
                            "Compétence {} : la preuve « {} {record} » n'existe pas (ou plus).",
                            r.competence,
                            kind.label_fr()
                        ),
                    )
                })?;
                labels.insert((*kind, *record), label);
            }
        }
        Ok(labels)
    }

    /// The ratings of assessment `id` and their evidence, in order.
    fn write_ratings(
        tx: &rusqlite::Transaction,
        id: i64,
        v: &ValidAssessment,
        labels: &HashMap<(EvidenceKind, i64), String>,
    ) -> CoreResult<()> {
        for r in &v.ratings {
            tx.execute(
                "INSERT INTO competence_rating (assessment_id, competence, level, target, evidence_note)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, r.competence, r.level, r.target, r.evidence_note],
            )?;
            for (pos, (kind, record)) in r.evidence.iter().enumerate() {
                tx.execute(
                    "INSERT INTO competence_evidence (assessment_id, competence, kind, record_id, label, position)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![id, r.competence, kind, record, labels[&(*kind, *record)], pos as i64],
                )?;
            }
        }
        Ok(())
    }

    /// Deletes an assessment (the UI confirms first, and says so when it is a finished one).
    pub fn delete_assessment(&mut self, id: i64) -> CoreResult<()> {
        delete_row(&self.conn, "self_assessment", "Auto-évaluation", id)
    }
}
