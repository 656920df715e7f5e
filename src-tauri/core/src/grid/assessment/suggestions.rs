//! Evidence suggestions: records that may show a competence, proposed to the member.

use crate::db::store::{require_exists, Store};
use crate::shared::domain::EvidenceKind;
use crate::shared::error::CoreResult;
use serde::Serialize;
use ts_rs::TS;

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
