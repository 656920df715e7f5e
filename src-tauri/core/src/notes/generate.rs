//! The sections generated from the data: context, actors, funding plan and schedule.

use super::model::md;
use crate::db::store::Store;
use crate::notes::*;
use crate::shared::domain::{Addressee, NoteRecordKind, SectionKey};
use crate::shared::error::CoreResult;
use crate::shared::money::{format_euros, format_percent};
use chrono::NaiveDate;

impl Store {
    /// The generated sections for notes about `records`.
    pub fn generate_sections(
        &self,
        records: &[(NoteRecordKind, i64)],
        meeting_date: Option<NaiveDate>,
        addressee: Addressee,
    ) -> CoreResult<Vec<(SectionKey, String)>> {
        let actions: Vec<crate::plan::Action> = records
            .iter()
            .filter(|(k, _)| *k == NoteRecordKind::Action)
            .map(|(_, id)| self.action(*id))
            .collect::<CoreResult<_>>()?;
        let mut need_ids: Vec<i64> = records
            .iter()
            .filter(|(k, _)| *k == NoteRecordKind::Need)
            .map(|(_, id)| *id)
            .collect();
        for a in &actions {
            for n in &a.need_ids {
                if !need_ids.contains(n) {
                    need_ids.push(*n);
                }
            }
        }
        let actor_ids: Vec<i64> = records
            .iter()
            .filter(|(k, _)| *k == NoteRecordKind::Actor)
            .map(|(_, id)| *id)
            .collect();
        let sections = vec![
            (SectionKey::Contexte, self.gen_context(&actions, &need_ids)?),
            (SectionKey::Acteurs, self.gen_actors(&actions, &actor_ids)?),
            (SectionKey::Financement, self.gen_funding(&actions)?),
            (
                SectionKey::Calendrier,
                self.gen_schedule(&actions, meeting_date, addressee)?,
            ),
        ];
        // French typography: no-break spaces before « : ; ! ? » and inside guillemets.
        Ok(sections
            .into_iter()
            .map(|(k, text)| (k, crate::shared::typography::french_spacing(&text)))
            .collect())
    }

    fn actor_line(&self, id: i64) -> CoreResult<String> {
        let a = self.actor(id)?;
        Ok(format!(
            "{} ({}, {})",
            md(&a.name),
            a.world.label_fr().to_lowercase(),
            a.engagement.label_fr().to_lowercase()
        ))
    }

    fn gen_context(&self, actions: &[crate::plan::Action], need_ids: &[i64]) -> CoreResult<String> {
        let header = self.header()?;
        let mut out = Vec::new();
        for a in actions {
            let axis = match a.axis_id {
                Some(x) => format!(", de l'axe « {} »", md(&self.axis(x)?.title)),
                None => String::new(),
            };
            out.push(format!(
                "L'action « {} » (statut : {}){axis} s'inscrit dans le Projet de territoire « {} » ({}).",
                md(&a.title),
                a.status.label_fr().to_lowercase(),
                md(&header.title),
                md(&header.territory_name)
            ));
        }
        if !need_ids.is_empty() {
            let mut lines = vec!["Elle répond aux enjeux suivants :".to_string()];
            for id in need_ids {
                let n = self.need(*id)?;
                lines.push(format!(
                    "- {} (priorité {})",
                    md(&n.title),
                    n.priority.label_fr().to_lowercase()
                ));
            }
            out.push(lines.join("\n"));
        }
        if out.is_empty() {
            out.push("Aucune action ni aucun enjeu n'est rattaché à cette note.".into());
        }
        Ok(out.join("\n\n"))
    }

    fn gen_actors(&self, actions: &[crate::plan::Action], actor_ids: &[i64]) -> CoreResult<String> {
        let mut lines = Vec::new();
        for a in actions {
            if actions.len() > 1 {
                lines.push(format!("**{}**", md(&a.title)));
                lines.push(String::new());
            }
            match a.lead_actor_id {
                Some(l) => lines.push(format!("- **Porteur** : {}", self.actor_line(l)?)),
                None => lines.push("- **Porteur** : non désigné".into()),
            }
            for p in &a.partners {
                let role = if p.role.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", md(&p.role))
                };
                lines.push(format!(
                    "- **Partenaire** : {}{role}",
                    self.actor_line(p.actor_id)?
                ));
            }
            for f in self.list_fundings(a.id)? {
                if let Some(id) = f.funder_id {
                    if f.status != crate::shared::domain::FundingStatus::Refused {
                        lines.push(format!(
                            "- **Financeur** : {} — {}",
                            self.actor_line(id)?,
                            f.status.label_fr().to_lowercase()
                        ));
                    }
                }
            }
            lines.push(String::new());
        }
        for id in actor_ids {
            lines.push(format!("- **Acteur concerné** : {}", self.actor_line(*id)?));
        }
        let text = lines.join("\n").trim().to_string();
        Ok(if text.is_empty() {
            "Aucun acteur n'est rattaché à cette note.".into()
        } else {
            text
        })
    }

    fn gen_funding(&self, actions: &[crate::plan::Action]) -> CoreResult<String> {
        if actions.is_empty() {
            return Ok(
                "Pas de plan de financement : aucune action n'est rattachée à cette note.".into(),
            );
        }
        let mut out = Vec::new();
        for a in actions {
            let plan = self.funding_plan(a.id)?;
            let mut t = Vec::new();
            if actions.len() > 1 {
                t.push(format!("**{}**", md(&a.title)));
                t.push(String::new());
            }
            let lines = self.list_fundings(a.id)?;
            if lines.is_empty() {
                t.push("Aucune ligne de financement n'est encore enregistrée.".into());
            } else {
                t.push("| Financeur | Dispositif | Statut | Montant | Part du budget |".into());
                t.push("|---|---|---|---:|---:|".into());
                for f in &lines {
                    let name = match f.funder_id {
                        Some(id) => md(&self.actor(id)?.name),
                        None => "Financeur non précisé".into(),
                    };
                    let share = crate::shared::money::share_basis_points(
                        f.amount_cents,
                        plan.budget_cents.unwrap_or(0),
                    )
                    .filter(|_| f.status != crate::shared::domain::FundingStatus::Refused)
                    .map(format_percent)
                    .unwrap_or_else(|| "—".into());
                    t.push(format!(
                        "| {name} | {} | {} | {} | {share} |",
                        md(&f.scheme),
                        f.status.label_fr(),
                        format_euros(f.amount_cents)
                    ));
                }
            }
            t.push(String::new());
            let budget = match plan.budget_cents {
                Some(b) => format!("Budget : **{}**", format_euros(b)),
                None => "Budget non renseigné".into(),
            };
            let mut summary = format!(
                "{budget} — acquis {} ; sollicité {}",
                format_euros(plan.granted_cents),
                format_euros(plan.requested_cents)
            );
            match plan.gap_cents {
                Some(g) if g > 0 => {
                    summary.push_str(&format!(" ; **reste à financer {}**", format_euros(g)))
                }
                Some(g) if g < 0 => {
                    summary.push_str(&format!(" ; **dépassement de {}**", format_euros(-g)))
                }
                Some(_) => summary.push_str(" ; plan bouclé"),
                None => {}
            }
            summary.push('.');
            t.push(summary);
            out.push(t.join("\n"));
        }
        Ok(out.join("\n\n"))
    }

    fn gen_schedule(
        &self,
        actions: &[crate::plan::Action],
        meeting_date: Option<NaiveDate>,
        addressee: Addressee,
    ) -> CoreResult<String> {
        let mut lines = Vec::new();
        if let Some(d) = meeting_date {
            lines.push(format!(
                "- {} : {} (présentation de cette note)",
                date_fr(&d.to_string()),
                addressee.label_fr()
            ));
        }
        for a in actions {
            let prefix = if actions.len() > 1 {
                format!("« {} » : ", md(&a.title))
            } else {
                String::new()
            };
            match (&a.start_date, &a.end_date) {
                (Some(s), Some(e)) => {
                    lines.push(format!("- {prefix}du {} au {}", date_fr(s), date_fr(e)))
                }
                (Some(s), None) => lines.push(format!("- {prefix}à partir du {}", date_fr(s))),
                (None, Some(e)) => lines.push(format!("- {prefix}jusqu'au {}", date_fr(e))),
                (None, None) => lines.push(format!("- {prefix}dates à préciser")),
            }
            for f in self.list_fundings(a.id)? {
                let who = match f.funder_id {
                    Some(id) => md(&self.actor(id)?.name),
                    None => "financeur non précisé".into(),
                };
                if let Some(d) = &f.decision_on {
                    lines.push(format!(
                        "- {} : décision de {who} ({})",
                        date_fr(d),
                        f.status.label_fr().to_lowercase()
                    ));
                } else if let Some(d) = &f.requested_on {
                    lines.push(format!(
                        "- {} : demande déposée auprès de {who}",
                        date_fr(d)
                    ));
                }
            }
        }
        Ok(if lines.is_empty() {
            "Calendrier à préciser.".into()
        } else {
            lines.join("\n")
        })
    }
}
