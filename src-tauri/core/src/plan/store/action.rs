//! Queries on actions, with their needs, lead, partners and referent.

use super::{ids, names, next_position};
use crate::db::store::{date_text, delete_row, now, require_exists, Store};
use crate::plan::*;
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::money::format_euros;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

impl Store {
    const ACTION_COLUMNS: &'static str =
        "id, title, description, axis_id, status, start_date, end_date, budget_cents,
         lead_actor_id, practice, activity, engineering, position, created_at, updated_at,
         referent_member_id, insee";

    fn action_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Action> {
        Ok(Action {
            id: r.get(0)?,
            title: r.get(1)?,
            description: r.get(2)?,
            axis_id: r.get(3)?,
            status: r.get(4)?,
            start_date: r.get(5)?,
            end_date: r.get(6)?,
            budget_cents: r.get(7)?,
            lead_actor_id: r.get(8)?,
            practice: r.get(9)?,
            activity: r.get(10)?,
            engineering: r.get(11)?,
            position: r.get(12)?,
            created_at: r.get(13)?,
            updated_at: r.get(14)?,
            referent_member_id: r.get(15)?,
            insee: r.get(16)?,
            commune: crate::geo::place::name_of(r.get_ref(16)?.as_str_or_null()?),
            need_ids: Vec::new(),
            partners: Vec::new(),
        })
    }

    fn fill_action_links(&self, a: &mut Action) -> CoreResult<()> {
        a.need_ids = ids(
            &self.conn,
            "SELECT an.need_id FROM action_need an JOIN need n ON n.id = an.need_id WHERE an.action_id = ?1 ORDER BY n.position",
            a.id,
        )?;
        let mut st = self.conn.prepare_cached(
            "SELECT actor_id, role FROM action_partner WHERE action_id = ?1 ORDER BY position",
        )?;
        let rows = st.query_map([a.id], |r| {
            Ok(Partner {
                actor_id: r.get(0)?,
                role: r.get(1)?,
            })
        })?;
        a.partners = rows.collect::<Result<_, _>>()?;
        Ok(())
    }

    /// All actions, by axis order then position.
    pub fn list_actions(&self) -> CoreResult<Vec<Action>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {} FROM action ORDER BY position, id",
            Self::ACTION_COLUMNS
        ))?;
        let rows = st.query_map([], Self::action_from_row)?;
        let mut actions: Vec<Action> = rows.collect::<Result<_, _>>()?;
        for a in &mut actions {
            self.fill_action_links(a)?;
        }
        Ok(actions)
    }

    pub fn action(&self, id: i64) -> CoreResult<Action> {
        let mut a = self
            .conn
            .query_row(
                &format!("SELECT {} FROM action WHERE id = ?1", Self::ACTION_COLUMNS),
                [id],
                Self::action_from_row,
            )
            .optional()?
            .ok_or(CoreError::NotFound { what: "Action", id })?;
        self.fill_action_links(&mut a)?;
        Ok(a)
    }

    fn check_action_refs(conn: &Connection, v: &ValidAction) -> CoreResult<()> {
        if let Some(axis) = v.axis_id {
            require_exists(conn, "axis", axis, "axis_id", "L'axe")?;
        }
        if let Some(lead) = v.lead_actor_id {
            require_exists(conn, "actor", lead, "lead_actor_id", "Le porteur")?;
        }
        if let Some(m) = v.referent_member_id {
            require_exists(conn, "member", m, "referent_member_id", "Le référent")?;
        }
        Ok(())
    }

    fn write_action_links(tx: &Transaction, id: i64, v: &ValidAction) -> CoreResult<()> {
        tx.execute("DELETE FROM action_need WHERE action_id = ?1", [id])?;
        for n in &v.need_ids {
            require_exists(tx, "need", *n, "need_ids", "L'enjeu")?;
            tx.execute(
                "INSERT INTO action_need (action_id, need_id) VALUES (?1, ?2)",
                params![id, n],
            )?;
        }
        tx.execute("DELETE FROM action_partner WHERE action_id = ?1", [id])?;
        for (i, p) in v.partners.iter().enumerate() {
            require_exists(tx, "actor", p.actor_id, "partners", "Le partenaire")?;
            tx.execute(
                "INSERT INTO action_partner (action_id, actor_id, role, position) VALUES (?1, ?2, ?3, ?4)",
                params![id, p.actor_id, p.role, i as i64],
            )?;
        }
        Ok(())
    }

    pub fn create_action(&mut self, input: &ActionInput) -> CoreResult<Action> {
        let v = input.validate()?;
        let at = now();
        let tx = self.conn.transaction()?;
        Self::check_action_refs(&tx, &v)?;
        let pos = next_position(&tx, "action")?;
        tx.execute(
            "INSERT INTO action (title, description, axis_id, status, start_date, end_date, budget_cents,
                                 lead_actor_id, practice, activity, engineering, position, created_at, updated_at,
                                 referent_member_id, insee)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14, ?15)",
            params![
                v.title,
                v.description,
                v.axis_id,
                v.status,
                date_text(v.start_date),
                date_text(v.end_date),
                v.budget_cents,
                v.lead_actor_id,
                v.practice,
                v.activity,
                v.engineering,
                pos,
                at,
                v.referent_member_id,
                v.insee
            ],
        )?;
        let id = tx.last_insert_rowid();
        Self::write_action_links(&tx, id, &v)?;
        tx.commit()?;
        self.action(id)
    }

    pub fn update_action(&mut self, id: i64, input: &ActionInput) -> CoreResult<Action> {
        let v = input.validate()?;
        let tx = self.conn.transaction()?;
        Self::check_action_refs(&tx, &v)?;
        let n = tx.execute(
            "UPDATE action SET title = ?1, description = ?2, status = ?3, start_date = ?4, end_date = ?5,
                    budget_cents = ?6, practice = ?7, activity = ?8, engineering = ?9, updated_at = ?10,
                    axis_id = ?11, lead_actor_id = ?12, referent_member_id = ?14, insee = ?15
             WHERE id = ?13",
            params![
                v.title,
                v.description,
                v.status,
                date_text(v.start_date),
                date_text(v.end_date),
                v.budget_cents,
                v.practice,
                v.activity,
                v.engineering,
                now(),
                v.axis_id,
                v.lead_actor_id,
                id,
                v.referent_member_id,
                v.insee
            ],
        )?;
        if n == 0 {
            return Err(CoreError::NotFound { what: "Action", id });
        }
        Self::write_action_links(&tx, id, &v)?;
        tx.commit()?;
        self.action(id)
    }

    pub fn action_delete_impact(&self, id: i64) -> CoreResult<DeleteImpact> {
        let action = self.action(id)?;
        let mut effects = Vec::new();
        let fundings: Vec<String> = self
            .list_fundings(id)?
            .iter()
            .map(|f| format!("{} ({})", f.scheme, format_euros(f.amount_cents)))
            .collect();
        if !fundings.is_empty() {
            effects.push(Effect::new(
                "action.fundings",
                format!(
                    "{} ligne(s) de financement seront supprimées.",
                    fundings.len()
                ),
                fundings,
            ));
        }
        let indicators = names(
            &self.conn,
            "SELECT name FROM indicator WHERE action_id = ?1 ORDER BY position",
            id,
        )?;
        if !indicators.is_empty() {
            effects.push(Effect::new(
                "action.indicators",
                format!("{} indicateur(s) seront supprimés.", indicators.len()),
                indicators,
            ));
        }
        Ok(DeleteImpact {
            name: action.title,
            effects,
        })
    }

    /// Deletes an action with its partners, funding lines and indicators (one transaction,
    /// through the schema's cascades).
    pub fn delete_action(&mut self, id: i64) -> CoreResult<()> {
        delete_row(&self.conn, "action", "Action", id)
    }
}
