//! Actors as referred to by the plan: what deleting one would change.

use super::names;
use crate::db::store::Store;
use crate::plan::*;
use crate::shared::error::CoreResult;
use crate::shared::money::format_euros;

impl Store {
    /// What deleting an actor would change: actions it leads or joins, funding it gives.
    pub fn actor_delete_impact(&self, id: i64) -> CoreResult<DeleteImpact> {
        let actor = self.actor(id)?;
        let mut effects = self.actor_plan_effects(id)?;
        effects.extend(self.actor_network_effects(id)?);
        // What goes with the actor itself.
        effects.extend(crate::plan::effects_of(
            &self.conn,
            id,
            &[
            (
                "actor.contacts",
                "SELECT name FROM contact WHERE actor_id = ?1 ORDER BY name",
                "{} contact(s) de l'acteur seront supprimés.",
            ),
            (
                "actor.tags",
                "SELECT tag FROM actor_tag WHERE actor_id = ?1 ORDER BY tag",
                "{} étiquette(s) lui seront retirées.",
            ),
            (
                "actor.notes",
                "SELECT n.subject FROM decision_note n JOIN note_record r ON r.note_id = n.id
                 WHERE r.kind = 'actor' AND r.record_id = ?1 ORDER BY n.subject",
                "Cité dans {} note(s) d'aide à la décision ; il en sera retiré (les notes restent).",
            ),
        ],
        )?);
        Ok(DeleteImpact {
            name: actor.name,
            effects,
        })
    }

    /// The actions the actor leads or joins, the funding lines it gives.
    fn actor_plan_effects(&self, id: i64) -> CoreResult<Vec<Effect>> {
        let mut effects = Vec::new();
        let leads = names(
            &self.conn,
            "SELECT title FROM action WHERE lead_actor_id = ?1 ORDER BY title",
            id,
        )?;
        if !leads.is_empty() {
            effects.push(Effect::new(
                "actor.leads",
                format!(
                    "Porteur de {} action(s), qui n'auront plus de porteur.",
                    leads.len()
                ),
                leads,
            ));
        }
        let partner_of = names(
            &self.conn,
            "SELECT a.title FROM action a JOIN action_partner p ON p.action_id = a.id WHERE p.actor_id = ?1 ORDER BY a.title",
            id,
        )?;
        if !partner_of.is_empty() {
            effects.push(Effect::new(
                "actor.partner",
                format!(
                    "Partenaire de {} action(s) ; ce partenariat sera retiré.",
                    partner_of.len()
                ),
                partner_of,
            ));
        }
        let mut st = self.conn.prepare_cached(
            "SELECT a.title, f.scheme, f.amount_cents FROM funding f JOIN action a ON a.id = f.action_id
             WHERE f.funder_id = ?1 ORDER BY a.title, f.id",
        )?;
        let funds: Vec<String> = st
            .query_map([id], |r| {
                let title: String = r.get(0)?;
                let scheme: String = r.get(1)?;
                let cents: i64 = r.get(2)?;
                Ok(if scheme.is_empty() {
                    format!("{title} : {}", format_euros(cents))
                } else {
                    format!("{title} : {scheme}, {}", format_euros(cents))
                })
            })?
            .collect::<Result<_, _>>()?;
        if !funds.is_empty() {
            effects.push(Effect::new(
                "actor.funds",
                format!(
                    "Financeur de {} ligne(s) de financement, qui resteront sans financeur.",
                    funds.len()
                ),
                funds,
            ));
        }
        Ok(effects)
    }

    /// The actor's links to other actors and the meetings it took part in.
    fn actor_network_effects(&self, id: i64) -> CoreResult<Vec<Effect>> {
        let mut effects = Vec::new();
        let links: Vec<String> = {
            let mut st = self.conn.prepare_cached(
                "SELECT o.name FROM link l JOIN actor o ON o.id = CASE WHEN l.actor_a = ?1 THEN l.actor_b ELSE l.actor_a END
                 WHERE l.actor_a = ?1 OR l.actor_b = ?1 ORDER BY o.name",
            )?;
            let rows = st.query_map([id], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        if !links.is_empty() {
            effects.push(Effect::new(
                "actor.links",
                format!(
                    "{} lien(s) avec d'autres acteurs seront supprimés.",
                    links.len()
                ),
                links,
            ));
        }
        let meetings = names(
            &self.conn,
            "SELECT m.date || ' — ' || m.title FROM meeting m JOIN meeting_actor p ON p.meeting_id = m.id
             WHERE p.actor_id = ?1 ORDER BY m.date DESC",
            id,
        )?;
        if !meetings.is_empty() {
            effects.push(Effect::new(
                "actor.meetings",
                format!(
                    "Participant à {} rencontre(s) ; il en sera retiré (les rencontres restent).",
                    meetings.len()
                ),
                meetings,
            ));
        }
        Ok(effects)
    }
}
