//! Self-assessments on the competence grid, the evidence that backs them, the team's coverage
//! (who does what, where the gaps are) and each member's development plan.
//!
//! Rules: levels and targets within 0–4; a finished assessment rates all eight competences
//! (0 "non évalué" allowed) and is history: it is never edited (a new assessment is made
//! instead); drafts can be saved with any subset and finished later.

use crate::db::store::{date_text, delete_row, now, require_exists, Store};
use crate::grid::{competences, GridAxis, COMPETENCE_COUNT, DOER_LEVEL, GRID_VERSION, MIN_DOERS};
use crate::shared::domain::{multi_line, optional_date, AssessmentStatus, EvidenceKind, LONG_MAX};
use crate::shared::error::{CoreError, CoreResult};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
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

struct ValidRating {
    competence: i64,
    level: i64,
    target: Option<i64>,
    evidence_note: String,
    evidence: Vec<(EvidenceKind, i64)>,
}

struct ValidAssessment {
    member_id: i64,
    assessed_on: NaiveDate,
    notes: String,
    ratings: Vec<ValidRating>,
    finish: bool,
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
    fn validate(&self) -> CoreResult<ValidAssessment> {
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

impl Store {
    /// The current title of a record that evidence may point to, or `None` if it is gone.
    fn evidence_label(&self, kind: EvidenceKind, id: i64) -> CoreResult<Option<String>> {
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
            let current = self.assessment_row(id)?;
            if current.status == AssessmentStatus::Finished {
                return Err(CoreError::validation(
                    "status",
                    "assessment.finished",
                    "Cette auto-évaluation est terminée : elle fait partie de l'historique et ne se modifie plus. Faites-en une nouvelle (elle peut partir de celle-ci).",
                ));
            }
            if current.member_id != v.member_id {
                return Err(CoreError::validation(
                    "member_id",
                    "assessment.member",
                    "Une auto-évaluation ne change pas de membre.",
                ));
            }
        }
        // Evidence labels are taken now, from the records as they are.
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
        tx.commit()?;
        self.assessment_row(id)
    }

    /// Deletes an assessment (the UI confirms first, and says so when it is a finished one).
    pub fn delete_assessment(&mut self, id: i64) -> CoreResult<()> {
        delete_row(&self.conn, "self_assessment", "Auto-évaluation", id)
    }
}

// ----- Team coverage ------------------------------------------------------------------------

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

fn short_title(t: &str) -> &str {
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

// ----- Evidence suggestions -----------------------------------------------------------------

/// A record that may show a competence, proposed to the member (never chosen for them).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct EvidenceSuggestion {
    #[ts(type = "number")]
    pub competence: i64,
    pub kind: EvidenceKind,
    #[ts(type = "number")]
    pub record_id: i64,
    pub label: String,
    /// Why it is proposed, in French.
    pub reason: String,
}

/// Most suggestions per competence.
const SUGGESTIONS_PER_COMPETENCE: usize = 8;
/// The most recent links and meetings of a member looked at for suggestions: a member of a
/// large network may have introduced thousands; the suggestions show the latest anyway.
const SUGGESTION_SOURCES: i64 = 500;

impl Store {
    /// Records that may show each competence for `member_id`: funding lines of the actions they
    /// are référent of (1), those actions and their partnerships (2, 3, 7), meetings they took
    /// part in (4, 6, 7), links they introduced (5), notes they wrote (8).
    pub fn suggest_evidence(&self, member_id: i64) -> CoreResult<Vec<EvidenceSuggestion>> {
        require_exists(
            &self.conn,
            "member",
            member_id,
            "member_id",
            "Le membre de l'équipe",
        )?;
        let mut out = Suggestions(Vec::new());
        self.suggest_fundings(member_id, &mut out)?;
        self.suggest_actions(member_id, &mut out)?;
        self.suggest_links(member_id, &mut out)?;
        self.suggest_meetings(member_id, &mut out)?;
        self.suggest_notes(member_id, &mut out)?;
        let mut out = out.0;
        out.sort_by_key(|s| s.competence);
        Ok(out)
    }

    /// Funding lines of the actions the member is in charge of (competence 1).
    fn suggest_fundings(&self, member_id: i64, out: &mut Suggestions) -> CoreResult<()> {
        let mut st = self.conn.prepare(
            "SELECT f.id, f.status FROM funding f JOIN action a ON a.id = f.action_id
             WHERE a.referent_member_id = ?1 AND f.status IN ('granted', 'requested')
             ORDER BY f.status = 'granted' DESC, coalesce(f.decision_on, f.requested_on) DESC, f.id DESC",
        )?;
        let fundings: Vec<(i64, String)> = st
            .query_map([member_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (id, status) in fundings {
            if let Some(label) = self.evidence_label(EvidenceKind::Funding, id)? {
                let reason = if status == "granted" {
                    "Financement obtenu pour une action dont vous êtes référent(e)"
                } else {
                    "Financement sollicité pour une action dont vous êtes référent(e)"
                };
                out.push(1, EvidenceKind::Funding, id, label, reason);
            }
        }
        Ok(())
    }

    /// Actions the member is in charge of (3), with partners (2), across mondes (7).
    fn suggest_actions(&self, member_id: i64, out: &mut Suggestions) -> CoreResult<()> {
        let mut st = self.conn.prepare(
            "SELECT a.id, a.title, (SELECT count(*) FROM action_partner p WHERE p.action_id = a.id),
                    (SELECT count(DISTINCT x.world) FROM action_partner p JOIN actor x ON x.id = p.actor_id WHERE p.action_id = a.id)
             FROM action a WHERE a.referent_member_id = ?1 ORDER BY a.updated_at DESC, a.id DESC",
        )?;
        let actions: Vec<(i64, String, i64, i64)> = st
            .query_map([member_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        for (id, title, partners, worlds) in actions {
            out.push(
                3,
                EvidenceKind::Action,
                id,
                title.clone(),
                "Action dont vous êtes référent(e)",
            );
            if partners > 0 {
                out.push(
                    2,
                    EvidenceKind::Action,
                    id,
                    title.clone(),
                    "Action menée avec des partenaires",
                );
            }
            if worlds >= 2 {
                out.push(
                    7,
                    EvidenceKind::Action,
                    id,
                    title,
                    "Partenariat entre plusieurs mondes",
                );
            }
        }
        Ok(())
    }

    /// Links the member introduced (5).
    fn suggest_links(&self, member_id: i64, out: &mut Suggestions) -> CoreResult<()> {
        let mut st = self.conn.prepare(
            "SELECT id FROM link WHERE introduced_by_member = ?1 ORDER BY coalesce(since, created_at) DESC, id DESC LIMIT ?2",
        )?;
        let links: Vec<i64> = st
            .query_map([member_id, SUGGESTION_SOURCES], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in links {
            if let Some(label) = self.evidence_label(EvidenceKind::Link, id)? {
                out.push(
                    5,
                    EvidenceKind::Link,
                    id,
                    label,
                    "Mise en relation que vous avez faite",
                );
            }
        }
        Ok(())
    }

    /// Meetings the member took part in: listening (4), workshops and events (6), steering
    /// committees (7, 8).
    fn suggest_meetings(&self, member_id: i64, out: &mut Suggestions) -> CoreResult<()> {
        let mut st = self.conn.prepare(
            "SELECT m.id, m.kind, m.practice, m.activity FROM meeting m JOIN meeting_member mm ON mm.meeting_id = m.id
             WHERE mm.member_id = ?1 ORDER BY m.date DESC, m.id DESC LIMIT ?2",
        )?;
        let meetings: Vec<(i64, String, Option<String>, Option<i64>)> = st
            .query_map([member_id, SUGGESTION_SOURCES], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        for (id, kind, practice, activity) in meetings {
            let Some(label) = self.evidence_label(EvidenceKind::Meeting, id)? else {
                continue;
            };
            let listening = kind == "visit"
                || (practice.as_deref() == Some("dialogue")
                    && matches!(activity, Some(1) | Some(2)))
                || (practice.as_deref() == Some("experimentation") && activity == Some(1));
            if listening {
                out.push(
                    4,
                    EvidenceKind::Meeting,
                    id,
                    label.clone(),
                    "Rencontre d'écoute du territoire",
                );
            }
            if kind == "event" || kind == "workshop" {
                out.push(
                    6,
                    EvidenceKind::Meeting,
                    id,
                    label.clone(),
                    "Atelier ou événement que vous avez animé ou suivi",
                );
            }
            if kind == "steering_committee" {
                out.push(
                    7,
                    EvidenceKind::Meeting,
                    id,
                    label.clone(),
                    "Comité de pilotage",
                );
                out.push(
                    8,
                    EvidenceKind::Meeting,
                    id,
                    label,
                    "Comité de pilotage : instance de décision",
                );
            }
        }
        Ok(())
    }

    /// Decision notes the member wrote, the note's author being the member's name (8).
    fn suggest_notes(&self, member_id: i64, out: &mut Suggestions) -> CoreResult<()> {
        let mut st = self.conn.prepare(
            "SELECT n.id FROM decision_note n JOIN member m ON m.id = ?1
             WHERE catalyse_fold(n.author) = catalyse_fold(m.name)
             ORDER BY coalesce(n.meeting_date, n.created_at) DESC, n.id DESC",
        )?;
        let notes: Vec<i64> = st
            .query_map([member_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in notes {
            if let Some(label) = self.evidence_label(EvidenceKind::DecisionNote, id)? {
                out.push(
                    8,
                    EvidenceKind::DecisionNote,
                    id,
                    label,
                    "Note d'aide à la décision que vous avez rédigée",
                );
            }
        }
        Ok(())
    }
}

/// Suggestions gathered so far: at most [`SUGGESTIONS_PER_COMPETENCE`] per competence, each
/// record once per competence.
struct Suggestions(Vec<EvidenceSuggestion>);

impl Suggestions {
    fn push(
        &mut self,
        competence: i64,
        kind: EvidenceKind,
        record_id: i64,
        label: String,
        reason: &str,
    ) {
        let out = &mut self.0;
        if out.iter().filter(|s| s.competence == competence).count() < SUGGESTIONS_PER_COMPETENCE
            && !out
                .iter()
                .any(|s| s.competence == competence && s.kind == kind && s.record_id == record_id)
        {
            out.push(EvidenceSuggestion {
                competence,
                kind,
                record_id,
                label,
                reason: reason.into(),
            });
        }
    }
}

// ----- Development plan -----------------------------------------------------------------------

/// A member's development plan: the competences to grow come from their latest assessment
/// (target above level); the plan text and the date to reassess are theirs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DevelopmentPlan {
    #[ts(type = "number")]
    pub member_id: i64,
    pub plan: String,
    pub reassess_on: Option<String>,
}

impl Store {
    pub fn development_plan(&self, member_id: i64) -> CoreResult<DevelopmentPlan> {
        require_exists(
            &self.conn,
            "member",
            member_id,
            "member_id",
            "Le membre de l'équipe",
        )?;
        Ok(self
            .conn
            .query_row(
                "SELECT plan, reassess_on FROM development_plan WHERE member_id = ?1",
                [member_id],
                |r| {
                    Ok(DevelopmentPlan {
                        member_id,
                        plan: r.get(0)?,
                        reassess_on: r.get(1)?,
                    })
                },
            )
            .optional()?
            .unwrap_or(DevelopmentPlan {
                member_id,
                plan: String::new(),
                reassess_on: None,
            }))
    }

    pub fn save_development_plan(
        &mut self,
        input: &DevelopmentPlan,
    ) -> CoreResult<DevelopmentPlan> {
        require_exists(
            &self.conn,
            "member",
            input.member_id,
            "member_id",
            "Le membre de l'équipe",
        )?;
        let plan = multi_line("plan", "Le plan de développement", &input.plan, LONG_MAX)?;
        let reassess_on =
            optional_date("reassess_on", "La date de réévaluation", &input.reassess_on)?;
        self.conn.execute(
            "INSERT INTO development_plan (member_id, plan, reassess_on, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (member_id) DO UPDATE SET plan = excluded.plan, reassess_on = excluded.reassess_on,
                                                   updated_at = excluded.updated_at",
            params![input.member_id, plan, date_text(reassess_on), now()],
        )?;
        self.development_plan(input.member_id)
    }
}

// ----- Exports --------------------------------------------------------------------------------

fn encode_for(
    path: &std::path::Path,
    sheet: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> CoreResult<Vec<u8>> {
    match crate::shared::sheet::FileFormat::from_path(path)? {
        crate::shared::sheet::FileFormat::Csv => crate::shared::sheet::write_csv(headers, rows),
        crate::shared::sheet::FileFormat::Xlsx => {
            crate::shared::sheet::write_xlsx(sheet, headers, rows)
        }
    }
}

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
        let bytes = encode_for(path, "Équipe", &headers, &rows)?;
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
        let bytes = encode_for(path, "Auto-évaluations", &headers, &rows)?;
        crate::shared::sheet::write_whole(path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::MemberInput;

    fn levels(l: [i64; 8]) -> BTreeMap<String, i64> {
        (1..=8).map(|c| (c.to_string(), l[c - 1])).collect()
    }

    fn m(name: &str, l: Option<[i64; 8]>) -> MemberLevels {
        MemberLevels {
            id: 0,
            name: name.into(),
            assessed_on: l.map(|_| "2026-01-01".into()),
            levels: l.map(levels).unwrap_or_default(),
        }
    }

    #[test]
    fn coverage_counts_doers_and_flags_gaps_below_two() {
        let team = [
            m("A", Some([3, 4, 0, 2, 3, 1, 4, 0])),
            m("B", Some([3, 2, 1, 2, 4, 1, 3, 0])),
            m("C", Some([1, 2, 0, 3, 4, 2, 2, 0])),
            m("D", None),
        ];
        let (c, axes) = coverage(&team);
        let got: Vec<(i64, i64, bool)> = c.iter().map(|c| (c.best, c.doers, c.gap)).collect();
        assert_eq!(
            got,
            vec![
                (3, 2, false),
                (4, 1, true),
                (1, 0, true),
                (3, 1, true),
                (4, 3, false),
                (2, 0, true),
                (4, 2, false),
                (0, 0, true),
            ]
        );
        assert_eq!(c[1].doer_names, vec!["A"]);
        let a: Vec<(i64, i64, i64)> = axes
            .iter()
            .map(|a| (a.covered, a.gaps, a.best_mean_tenths))
            .collect();
        // Management: 1 ok, 2 and 3 gaps; best (3+4+1)/3 = 2.7. Relations: 5 ok; (3+4+2)/3 = 3.0.
        // Strategy: 7 ok, 8 gap; (4+0)/2 = 2.0.
        assert_eq!(a, vec![(1, 2, 27), (1, 2, 30), (1, 1, 20)]);
        let text = summary_fr(&team, &c, &axes);
        assert!(
            text.starts_with("3 membres sur 4 ont terminé une auto-évaluation."),
            "{text}"
        );
        assert!(
            text.contains("2. Contractualiser (une seule personne autonome : A)"),
            "{text}"
        );
        assert!(
            text.contains("8. Préparer une aide à la décision politique (personne au niveau 3)"),
            "{text}"
        );
        assert!(
            text.contains("5. Créer des liens (3 membres autonomes ou experts)"),
            "{text}"
        );
        // Nobody assessed: no gaps invented from nothing, and the summary says so.
        let (c, axes) = coverage(&[m("D", None)]);
        assert!(c.iter().all(|c| c.best == 0 && c.doers == 0 && c.gap));
        assert!(
            summary_fr(&[m("D", None)], &c, &axes).starts_with("Aucune auto-évaluation terminée")
        );
    }

    fn store_with_member() -> (Store, i64) {
        let mut s = Store::open_in_memory().unwrap();
        let id = s
            .create_member(&MemberInput {
                name: "Camille".into(),
                role: "Cheffe de projet".into(),
                structure: "PETR".into(),
                is_user: true,
            })
            .unwrap()
            .id;
        (s, id)
    }

    fn all(member_id: i64, date: &str, level: i64, finish: bool) -> AssessmentInput {
        AssessmentInput {
            member_id,
            assessed_on: date.into(),
            notes: String::new(),
            ratings: (1..=8)
                .map(|c| RatingInput {
                    competence: c,
                    level,
                    target: None,
                    evidence_note: String::new(),
                    evidence: Vec::new(),
                })
                .collect(),
            finish,
        }
    }

    #[test]
    fn rules_levels_completeness_history_and_frozen_finished_ones() {
        let (mut s, me) = store_with_member();
        let mut bad = all(me, "2026-01-10", 2, true);
        bad.ratings[3].level = 5;
        assert_eq!(
            s.create_assessment(&bad).unwrap_err().code(),
            Some("grid.level_range")
        );
        bad.ratings[3].level = 2;
        bad.ratings[3].target = Some(-1);
        assert_eq!(
            s.create_assessment(&bad).unwrap_err().code(),
            Some("grid.level_range")
        );
        let mut partial = all(me, "2026-01-10", 2, true);
        partial.ratings.truncate(6);
        let e = s.create_assessment(&partial).unwrap_err();
        assert_eq!(e.code(), Some("grid.incomplete"));
        assert!(e.to_string().contains("Manque : 7, 8."), "{e}");
        let mut dup = all(me, "2026-01-10", 2, false);
        dup.ratings[1].competence = 1;
        assert_eq!(
            s.create_assessment(&dup).unwrap_err().code(),
            Some("grid.duplicate")
        );
        assert_eq!(
            s.counts().unwrap()["self_assessments"],
            0,
            "nothing written"
        );

        // A draft may rate only some, and be finished later.
        partial.finish = false;
        let draft = s.create_assessment(&partial).unwrap();
        assert_eq!(
            (draft.status, draft.ratings.len()),
            (AssessmentStatus::Draft, 6)
        );
        let done = s
            .update_assessment(draft.id, &all(me, "2026-01-12", 3, true))
            .unwrap();
        assert_eq!(done.status, AssessmentStatus::Finished);
        assert!(done.finished_at.is_some());
        assert_eq!(done.grid_version, GRID_VERSION);
        // Finished is history: no silent edit.
        let e = s
            .update_assessment(done.id, &all(me, "2026-01-12", 4, true))
            .unwrap_err();
        assert_eq!(e.code(), Some("assessment.finished"));
        assert_eq!(s.assessment(done.id).unwrap(), done);
        // History in date order; the team grid takes the latest finished one, not a newer draft.
        s.create_assessment(&all(me, "2025-05-01", 1, true))
            .unwrap();
        s.create_assessment(&all(me, "2026-06-01", 4, false))
            .unwrap();
        let dates: Vec<String> = s
            .list_assessments(me)
            .unwrap()
            .into_iter()
            .map(|a| a.assessed_on)
            .collect();
        assert_eq!(dates, ["2025-05-01", "2026-01-12", "2026-06-01"]);
        let g = s.team_grid().unwrap();
        assert_eq!(g.members[0].assessed_on.as_deref(), Some("2026-01-12"));
        assert_eq!(g.members[0].levels["5"], 3);
        assert_eq!(s.counts().unwrap()["self_assessments"], 3);
    }

    #[test]
    fn evidence_keeps_its_label_after_the_record_is_gone() {
        let mut s = Store::open_in_memory().unwrap();
        let ids = crate::demo::populate(&mut s).unwrap();
        let claire = ids.members[0];
        let suggestions = s.suggest_evidence(claire).unwrap();
        let link = suggestions
            .iter()
            .find(|x| x.competence == 5 && x.kind == EvidenceKind::Link)
            .expect("Claire introduced links");
        let mut input = all(claire, "2026-11-25", 3, true);
        input.ratings[4].evidence = vec![EvidenceInput {
            kind: "link".into(),
            record_id: link.record_id,
        }];
        let a = s.create_assessment(&input).unwrap();
        assert_eq!(a.ratings[4].evidence[0].label, link.label);
        assert!(a.ratings[4].evidence[0].exists);
        s.delete_link(link.record_id).unwrap();
        let again = s.assessment(a.id).unwrap();
        assert_eq!(
            again.ratings[4].evidence[0].label, link.label,
            "history reads the same"
        );
        assert!(!again.ratings[4].evidence[0].exists);
        // Evidence that does not exist is refused by name.
        input.ratings[4].evidence = vec![EvidenceInput {
            kind: "meeting".into(),
            record_id: 9999,
        }];
        let e = s.create_assessment(&input).unwrap_err();
        assert_eq!(e.code(), Some("reference.missing"));
        input.ratings[4].evidence = vec![EvidenceInput {
            kind: "photo".into(),
            record_id: 1,
        }];
        assert_eq!(
            s.create_assessment(&input).unwrap_err().field(),
            Some("evidence")
        );
    }

    #[test]
    fn exports_of_the_team_and_a_member_sheet() {
        let mut s = Store::open_in_memory().unwrap();
        let ids = crate::demo::populate(&mut s).unwrap();
        let dir = tempfile::TempDir::new().unwrap();
        let team = dir.path().join("equipe.csv");
        s.export_team_grid(&team).unwrap();
        let text = String::from_utf8(std::fs::read(&team).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0]
            .starts_with("\u{feff}Membre;Évaluée le;1. Trouver et diversifier des financements;"));
        assert_eq!(lines.len(), 1 + 5 + 3);
        assert!(
            lines[1].starts_with("Claire Vasseur;2026-03-10;2;2;3;4;4;3;3;2"),
            "{}",
            lines[1]
        );
        assert_eq!(lines[8], "Manque;;oui;oui;non;non;non;non;non;oui");
        let sheet = dir.path().join("claire.xlsx");
        s.export_member_sheet(ids.members[0], &sheet).unwrap();
        let t = crate::exchange::tabular::read_table(
            &std::fs::read(&sheet).unwrap(),
            crate::exchange::tabular::FileFormat::Xlsx,
        )
        .unwrap();
        assert_eq!(
            t.rows.len(),
            3 * 8,
            "three finished assessments, eight competences each"
        );
        assert_eq!(&t.rows[0].cells[1], "2024-06-14");
    }

    #[test]
    fn demo_team_shows_strengths_and_the_three_gaps() {
        let mut s = Store::open_in_memory().unwrap();
        let ids = crate::demo::populate(&mut s).unwrap();
        let g = s.team_grid().unwrap();
        assert_eq!(g.members.len(), 5);
        assert!(g.members.iter().all(|m| m.levels.len() == 8));
        let gaps: Vec<i64> = g
            .competences
            .iter()
            .filter(|c| c.gap)
            .map(|c| c.number)
            .collect();
        assert_eq!(gaps, vec![1, 2, 8]);
        let c5 = &g.competences[4];
        assert_eq!((c5.best, c5.doers), (4, 5));
        for m in &ids.members {
            let history = s.list_assessments(*m).unwrap();
            let finished = history
                .iter()
                .filter(|a| a.status == AssessmentStatus::Finished)
                .count();
            assert!((2..=3).contains(&finished), "{finished}");
        }
        // Suggestions follow the data: Mathis is référent of the mobility actions and their
        // funding lines; Claire introduced links.
        let mathis = s.suggest_evidence(ids.members[2]).unwrap();
        assert!(mathis
            .iter()
            .any(|x| x.competence == 1 && x.kind == EvidenceKind::Funding));
        assert!(mathis
            .iter()
            .any(|x| x.competence == 3 && x.kind == EvidenceKind::Action));
        let claire = s.suggest_evidence(ids.members[0]).unwrap();
        assert!(claire
            .iter()
            .any(|x| x.competence == 5 && x.kind == EvidenceKind::Link));
        // The notes they wrote back competence 8 (preparing political decisions).
        let note = claire
            .iter()
            .find(|x| x.kind == EvidenceKind::DecisionNote)
            .expect("Claire's decision note");
        assert_eq!(note.competence, 8);
        assert!(
            note.label.starts_with("Magasin de producteurs"),
            "{}",
            note.label
        );
        assert!(mathis
            .iter()
            .any(|x| x.competence == 8 && x.label.starts_with("Garage solidaire")));
        let plan = s.development_plan(ids.members[0]).unwrap();
        assert_eq!(plan.reassess_on.as_deref(), Some("2027-03-15"));
        // A note signed with the name written another way is hers too (case, accents, spaces).
        s.conn
            .execute(
                "UPDATE decision_note SET author = '  CLAIRE   vasséur ' WHERE author = 'Claire Vasseur'",
                [],
            )
            .unwrap();
        assert!(s
            .suggest_evidence(ids.members[0])
            .unwrap()
            .iter()
            .any(|x| x.kind == EvidenceKind::DecisionNote));
    }
}
