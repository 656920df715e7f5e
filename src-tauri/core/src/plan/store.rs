//! Queries on needs, axes, actions, funding lines and indicators. Every change touching more
//! than one row (an action and its partners, a reorder) runs in one transaction.

use crate::db::store::{date_text, delete_row, now, require_exists, Store};
use crate::plan::*;
use crate::shared::domain::FundingStatus;
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::money::format_euros;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

fn next_position(conn: &Connection, table: &'static str) -> CoreResult<i64> {
    Ok(conn.query_row(
        &format!("SELECT coalesce(max(position) + 1, 0) FROM {table}"),
        [],
        |r| r.get(0),
    )?)
}

fn ids(conn: &Connection, sql: &str, id: i64) -> CoreResult<Vec<i64>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn names(conn: &Connection, sql: &str, id: i64) -> CoreResult<Vec<String>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Moves record `id` of `table` to `index` (0-based, clamped) and renumbers the others.
fn move_to(
    tx: &Transaction,
    table: &'static str,
    what: &'static str,
    id: i64,
    index: i64,
) -> CoreResult<()> {
    let mut order = {
        let mut st = tx.prepare(&format!("SELECT id FROM {table} ORDER BY position, id"))?;
        let rows = st.query_map([], |r| r.get::<_, i64>(0))?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    let from = order
        .iter()
        .position(|x| *x == id)
        .ok_or(CoreError::NotFound { what, id })?;
    order.remove(from);
    let to = index.clamp(0, order.len() as i64) as usize;
    order.insert(to, id);
    let mut st = tx.prepare(&format!("UPDATE {table} SET position = ?1 WHERE id = ?2"))?;
    for (pos, id) in order.iter().enumerate() {
        st.execute(params![pos as i64, id])?;
    }
    Ok(())
}

impl Store {
    // ----- Needs ------------------------------------------------------------------------------

    pub fn list_needs(&self) -> CoreResult<Vec<Need>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, title, description, priority, position FROM need ORDER BY position, id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Need {
                id: r.get(0)?,
                title: r.get(1)?,
                description: r.get(2)?,
                priority: r.get(3)?,
                position: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn need(&self, id: i64) -> CoreResult<Need> {
        self.list_needs()?
            .into_iter()
            .find(|n| n.id == id)
            .ok_or(CoreError::NotFound { what: "Enjeu", id })
    }

    pub fn create_need(&mut self, input: &NeedInput) -> CoreResult<Need> {
        let v = input.validate()?;
        crate::browse::listing::check_room(&self.conn, "need")?;
        let at = now();
        let pos = next_position(&self.conn, "need")?;
        self.conn.execute(
            "INSERT INTO need (title, description, priority, position, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![v.title, v.description, v.priority, pos, at],
        )?;
        self.need(self.conn.last_insert_rowid())
    }

    pub fn update_need(&mut self, id: i64, input: &NeedInput) -> CoreResult<Need> {
        let v = input.validate()?;
        let n = self.conn.execute(
            "UPDATE need SET title = ?1, description = ?2, priority = ?3, updated_at = ?4 WHERE id = ?5",
            params![v.title, v.description, v.priority, now(), id],
        )?;
        if n == 0 {
            return Err(CoreError::NotFound { what: "Enjeu", id });
        }
        self.need(id)
    }

    /// Moves a need to `index` in the list (0-based).
    pub fn move_need(&mut self, id: i64, index: i64) -> CoreResult<Vec<Need>> {
        let tx = self.conn.transaction()?;
        move_to(&tx, "need", "Enjeu", id, index)?;
        tx.commit()?;
        self.list_needs()
    }

    pub fn need_delete_impact(&self, id: i64) -> CoreResult<DeleteImpact> {
        let need = self.need(id)?;
        let mut effects = Vec::new();
        let axes = names(
            &self.conn,
            "SELECT a.title FROM axis a JOIN axis_need an ON an.axis_id = a.id WHERE an.need_id = ?1 ORDER BY a.position",
            id,
        )?;
        if !axes.is_empty() {
            effects.push(Effect::new(
                "need.axes",
                format!("{} axe(s) ne répondront plus à cet enjeu.", axes.len()),
                axes,
            ));
        }
        let actions = names(
            &self.conn,
            "SELECT a.title FROM action a JOIN action_need an ON an.action_id = a.id WHERE an.need_id = ?1 ORDER BY a.title",
            id,
        )?;
        if !actions.is_empty() {
            effects.push(Effect::new(
                "need.actions",
                format!(
                    "{} action(s) ne répondront plus à cet enjeu.",
                    actions.len()
                ),
                actions,
            ));
        }
        Ok(DeleteImpact {
            name: need.title,
            effects,
        })
    }

    /// Deletes a need; its links to axes and actions go with it (schema cascades).
    pub fn delete_need(&mut self, id: i64) -> CoreResult<()> {
        delete_row(&self.conn, "need", "Enjeu", id)
    }

    // ----- Axes -------------------------------------------------------------------------------

    pub fn list_axes(&self) -> CoreResult<Vec<Axis>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, title, description, position FROM axis ORDER BY position, id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Axis {
                id: r.get(0)?,
                title: r.get(1)?,
                description: r.get(2)?,
                position: r.get(3)?,
                need_ids: Vec::new(),
            })
        })?;
        let mut axes: Vec<Axis> = rows.collect::<Result<_, _>>()?;
        for a in &mut axes {
            a.need_ids = ids(
                &self.conn,
                "SELECT an.need_id FROM axis_need an JOIN need n ON n.id = an.need_id WHERE an.axis_id = ?1 ORDER BY n.position",
                a.id,
            )?;
        }
        Ok(axes)
    }

    pub fn axis(&self, id: i64) -> CoreResult<Axis> {
        self.list_axes()?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or(CoreError::NotFound { what: "Axe", id })
    }

    fn write_axis_needs(tx: &Transaction, axis_id: i64, need_ids: &[i64]) -> CoreResult<()> {
        tx.execute("DELETE FROM axis_need WHERE axis_id = ?1", [axis_id])?;
        for n in need_ids {
            require_exists(tx, "need", *n, "need_ids", "L'enjeu")?;
            tx.execute(
                "INSERT INTO axis_need (axis_id, need_id) VALUES (?1, ?2)",
                params![axis_id, n],
            )?;
        }
        Ok(())
    }

    pub fn create_axis(&mut self, input: &AxisInput) -> CoreResult<Axis> {
        let v = input.validate()?;
        crate::browse::listing::check_room(&self.conn, "axis")?;
        let at = now();
        let tx = self.conn.transaction()?;
        let pos = next_position(&tx, "axis")?;
        tx.execute(
            "INSERT INTO axis (title, description, position, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![v.title, v.description, pos, at],
        )?;
        let id = tx.last_insert_rowid();
        Self::write_axis_needs(&tx, id, &v.need_ids)?;
        tx.commit()?;
        self.axis(id)
    }

    pub fn update_axis(&mut self, id: i64, input: &AxisInput) -> CoreResult<Axis> {
        let v = input.validate()?;
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE axis SET title = ?1, description = ?2, updated_at = ?3 WHERE id = ?4",
            params![v.title, v.description, now(), id],
        )?;
        if n == 0 {
            return Err(CoreError::NotFound { what: "Axe", id });
        }
        Self::write_axis_needs(&tx, id, &v.need_ids)?;
        tx.commit()?;
        self.axis(id)
    }

    pub fn move_axis(&mut self, id: i64, index: i64) -> CoreResult<Vec<Axis>> {
        let tx = self.conn.transaction()?;
        move_to(&tx, "axis", "Axe", id, index)?;
        tx.commit()?;
        self.list_axes()
    }

    pub fn axis_delete_impact(&self, id: i64) -> CoreResult<DeleteImpact> {
        let axis = self.axis(id)?;
        let actions = names(
            &self.conn,
            "SELECT title FROM action WHERE axis_id = ?1 ORDER BY position, id",
            id,
        )?;
        let mut effects = Vec::new();
        if !actions.is_empty() {
            effects.push(Effect::new(
                "axis.actions",
                format!(
                    "{} action(s) n'auront plus d'axe ; elles ne sont pas supprimées.",
                    actions.len()
                ),
                actions,
            ));
        }
        Ok(DeleteImpact {
            name: axis.title,
            effects,
        })
    }

    pub fn delete_axis(&mut self, id: i64) -> CoreResult<()> {
        delete_row(&self.conn, "axis", "Axe", id)
    }

    // ----- Actions ----------------------------------------------------------------------------

    const ACTION_COLUMNS: &'static str =
        "id, title, description, axis_id, status, start_date, end_date, budget_cents,
         lead_actor_id, practice, activity, engineering, position, created_at, updated_at,
         referent_member_id";

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
                                 referent_member_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14)",
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
                v.referent_member_id
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
                    axis_id = ?11, lead_actor_id = ?12, referent_member_id = ?14
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
                v.referent_member_id
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

    // ----- Funding lines ----------------------------------------------------------------------

    /// Every funding line of an action (for exports and notes; the UI reads pages).
    pub fn list_fundings(&self, action_id: i64) -> CoreResult<Vec<Funding>> {
        self.fundings_of(action_id, None)
    }

    /// An action's funding lines in the order they were entered, all or one page of them.
    pub(crate) fn fundings_of(
        &self,
        action_id: i64,
        page: Option<(u32, u32)>,
    ) -> CoreResult<Vec<Funding>> {
        let (offset, limit) = page.map_or((0, -1), |(o, l)| (i64::from(o), i64::from(l)));
        let mut st = self.conn.prepare_cached(
            "SELECT id, action_id, funder_id, scheme, amount_cents, status, requested_on, decision_on, notes
             FROM funding WHERE action_id = ?1 ORDER BY id LIMIT ?2 OFFSET ?3",
        )?;
        let rows = st.query_map(params![action_id, limit, offset], |r| {
            Ok(Funding {
                id: r.get(0)?,
                action_id: r.get(1)?,
                funder_id: r.get(2)?,
                scheme: r.get(3)?,
                amount_cents: r.get(4)?,
                status: r.get(5)?,
                requested_on: r.get(6)?,
                decision_on: r.get(7)?,
                notes: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn funding(&self, id: i64) -> CoreResult<Funding> {
        let action_id: Option<i64> = self
            .conn
            .query_row("SELECT action_id FROM funding WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        let action_id = action_id.ok_or(CoreError::NotFound {
            what: "Ligne de financement",
            id,
        })?;
        self.list_fundings(action_id)?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or(CoreError::NotFound {
                what: "Ligne de financement",
                id,
            })
    }

    pub fn create_funding(&mut self, action_id: i64, input: &FundingInput) -> CoreResult<Funding> {
        let v = input.validate()?;
        require_exists(&self.conn, "action", action_id, "action_id", "L'action")?;
        if let Some(f) = v.funder_id {
            require_exists(&self.conn, "actor", f, "funder_id", "Le financeur")?;
        }
        let at = now();
        self.conn.execute(
            "INSERT INTO funding (action_id, funder_id, scheme, amount_cents, status, requested_on, decision_on, notes, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            params![
                action_id,
                v.funder_id,
                v.scheme,
                v.amount_cents,
                v.status,
                date_text(v.requested_on),
                date_text(v.decision_on),
                v.notes,
                at
            ],
        )?;
        self.funding(self.conn.last_insert_rowid())
    }

    pub fn update_funding(&mut self, id: i64, input: &FundingInput) -> CoreResult<Funding> {
        let v = input.validate()?;
        if let Some(f) = v.funder_id {
            require_exists(&self.conn, "actor", f, "funder_id", "Le financeur")?;
        }
        let n = self.conn.execute(
            "UPDATE funding SET funder_id = ?1, scheme = ?2, amount_cents = ?3, status = ?4, requested_on = ?5,
                    decision_on = ?6, notes = ?7, updated_at = ?8 WHERE id = ?9",
            params![
                v.funder_id,
                v.scheme,
                v.amount_cents,
                v.status,
                date_text(v.requested_on),
                date_text(v.decision_on),
                v.notes,
                now(),
                id
            ],
        )?;
        if n == 0 {
            return Err(CoreError::NotFound {
                what: "Ligne de financement",
                id,
            });
        }
        self.funding(id)
    }

    pub fn delete_funding(&mut self, id: i64) -> CoreResult<()> {
        delete_row(&self.conn, "funding", "Ligne de financement", id)
    }

    /// The action's funding plan, computed from its lines.
    pub fn funding_plan(&self, action_id: i64) -> CoreResult<FundingPlan> {
        let action = self.action(action_id)?;
        let mut st = self.conn.prepare_cached(
            "SELECT f.funder_id, coalesce(a.name, ''), f.amount_cents, f.status
             FROM funding f LEFT JOIN actor a ON a.id = f.funder_id WHERE f.action_id = ?1 ORDER BY f.id",
        )?;
        let rows = st.query_map([action_id], |r| {
            Ok((
                r.get::<_, Option<i64>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, FundingStatus>(3)?,
            ))
        })?;
        let lines: Vec<_> = rows.collect::<Result<_, _>>()?;
        Ok(funding_plan(action.budget_cents, &lines))
    }

    // ----- Indicators -------------------------------------------------------------------------

    pub fn list_indicators(&self, action_id: i64) -> CoreResult<Vec<Indicator>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, action_id, name, unit, target, current, measured_on FROM indicator
             WHERE action_id = ?1 ORDER BY position, id",
        )?;
        let rows = st.query_map([action_id], |r| {
            Ok(Indicator {
                id: r.get(0)?,
                action_id: r.get(1)?,
                name: r.get(2)?,
                unit: r.get(3)?,
                target: r.get(4)?,
                current: r.get(5)?,
                measured_on: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn create_indicator(
        &mut self,
        action_id: i64,
        input: &IndicatorInput,
    ) -> CoreResult<Indicator> {
        let v = input.validate()?;
        require_exists(&self.conn, "action", action_id, "action_id", "L'action")?;
        let pos: i64 = self.conn.query_row(
            "SELECT coalesce(max(position) + 1, 0) FROM indicator WHERE action_id = ?1",
            [action_id],
            |r| r.get(0),
        )?;
        self.conn.execute(
            "INSERT INTO indicator (action_id, name, unit, target, current, measured_on, position)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                action_id,
                v.name,
                v.unit,
                v.target,
                v.current,
                date_text(v.measured_on),
                pos
            ],
        )?;
        let id = self.conn.last_insert_rowid();
        self.list_indicators(action_id)?
            .into_iter()
            .find(|i| i.id == id)
            .ok_or(CoreError::NotFound {
                what: "Indicateur",
                id,
            })
    }

    pub fn update_indicator(&mut self, id: i64, input: &IndicatorInput) -> CoreResult<Indicator> {
        let v = input.validate()?;
        let action_id: i64 = self
            .conn
            .query_row("SELECT action_id FROM indicator WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(CoreError::NotFound {
                what: "Indicateur",
                id,
            })?;
        self.conn.execute(
            "UPDATE indicator SET name = ?1, unit = ?2, target = ?3, current = ?4, measured_on = ?5 WHERE id = ?6",
            params![v.name, v.unit, v.target, v.current, date_text(v.measured_on), id],
        )?;
        self.list_indicators(action_id)?
            .into_iter()
            .find(|i| i.id == id)
            .ok_or(CoreError::NotFound {
                what: "Indicateur",
                id,
            })
    }

    pub fn delete_indicator(&mut self, id: i64) -> CoreResult<()> {
        delete_row(&self.conn, "indicator", "Indicateur", id)
    }

    // ----- Actors as referred to by the plan --------------------------------------------------

    /// What deleting an actor would change: actions it leads or joins, funding it gives.
    pub fn actor_delete_impact(&self, id: i64) -> CoreResult<DeleteImpact> {
        let actor = self.actor(id)?;
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::domain::{ActionStatus, ActorInput, Engagement};

    fn store() -> Store {
        let s = Store::open_in_memory().unwrap();
        s.conn
            .execute_batch(
                "INSERT INTO territory (id,name,kind) VALUES (1,'T','petr');
                 INSERT INTO project (id,territory_id,title,status) VALUES (1,1,'P','drafting');",
            )
            .unwrap();
        s
    }

    fn actor(s: &mut Store, name: &str) -> i64 {
        s.create_actor(&ActorInput {
            name: name.into(),
            world: "funder".into(),
            commune: "".into(),
            engagement: Engagement::Partner.code().into(),
            notes: "".into(),
        })
        .unwrap()
        .id
    }

    fn need(s: &mut Store, title: &str) -> i64 {
        s.create_need(&NeedInput {
            title: title.into(),
            description: "".into(),
            priority: "high".into(),
        })
        .unwrap()
        .id
    }

    fn action_input(title: &str, axis: Option<i64>, lead: Option<i64>) -> ActionInput {
        ActionInput {
            title: title.into(),
            description: "".into(),
            axis_id: axis,
            need_ids: vec![],
            status: "preparing".into(),
            start_date: Some("2026-01-01".into()),
            end_date: Some("2027-12-31".into()),
            budget: "100 000".into(),
            lead_actor_id: lead,
            referent_member_id: None,
            partners: vec![],
            practice: Some("experimentation".into()),
            activity: Some(3),
            engineering: Some("catalysis".into()),
        }
    }

    fn funding(funder: Option<i64>, amount: &str, status: &str) -> FundingInput {
        FundingInput {
            funder_id: funder,
            scheme: "LEADER".into(),
            amount: amount.into(),
            status: status.into(),
            requested_on: None,
            decision_on: None,
            notes: "".into(),
        }
    }

    #[test]
    fn needs_are_created_reordered_and_deleted() {
        let mut s = store();
        let a = need(&mut s, "Mobilité");
        let b = need(&mut s, "Alimentation");
        let c = need(&mut s, "Logement");
        let order = |s: &Store| {
            s.list_needs()
                .unwrap()
                .into_iter()
                .map(|n| n.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(order(&s), vec![a, b, c]);
        s.move_need(c, 0).unwrap();
        assert_eq!(order(&s), vec![c, a, b]);
        s.move_need(c, 99).unwrap();
        assert_eq!(order(&s), vec![a, b, c]);
        assert_eq!(s.move_need(999, 0).err().unwrap().kind(), "not_found");
        s.delete_need(b).unwrap();
        assert_eq!(order(&s), vec![a, c]);
        let e = s
            .create_need(&NeedInput {
                title: " ".into(),
                description: "".into(),
                priority: "high".into(),
            })
            .err()
            .unwrap();
        assert_eq!(e.field(), Some("title"));
    }

    #[test]
    fn action_with_axis_needs_lead_partners_and_funding_plan() {
        let mut s = store();
        let n1 = need(&mut s, "Mobilité");
        let axis = s
            .create_axis(&AxisInput {
                title: "Se déplacer autrement".into(),
                description: "".into(),
                need_ids: vec![n1],
            })
            .unwrap();
        assert_eq!(axis.need_ids, vec![n1]);
        let lead = actor(&mut s, "Communauté de communes");
        let partner = actor(&mut s, "Mobilité solidaire");
        let region = actor(&mut s, "Région");
        let mut input = action_input("Garage solidaire", Some(axis.id), Some(lead));
        input.need_ids = vec![n1];
        input.partners = vec![Partner {
            actor_id: partner,
            role: "Opérateur".into(),
        }];
        let a = s.create_action(&input).unwrap();
        assert_eq!(a.axis_id, Some(axis.id));
        assert_eq!(a.lead_actor_id, Some(lead));
        assert_eq!(a.partners[0].role, "Opérateur");
        assert_eq!(a.need_ids, vec![n1]);
        assert_eq!(a.budget_cents, Some(10_000_000));
        assert_eq!(a.status, ActionStatus::Preparing);

        s.create_funding(a.id, &funding(Some(region), "60 000", "granted"))
            .unwrap();
        s.create_funding(a.id, &funding(Some(lead), "25 000,50", "requested"))
            .unwrap();
        s.create_funding(a.id, &funding(Some(region), "5 000", "refused"))
            .unwrap();
        let plan = s.funding_plan(a.id).unwrap();
        assert_eq!(plan.granted_cents, 6_000_000);
        assert_eq!(plan.requested_cents, 2_500_050);
        assert_eq!(plan.refused_cents, 500_000);
        assert_eq!(plan.gap_cents, Some(1_499_950));
        assert_eq!(plan.funders[0].funder_name, "Région");
        assert_eq!(plan.funders[0].share_bp, Some(6_000));
        assert_eq!(plan.funders[1].share_bp, Some(2_500));
        assert_eq!(s.counts().unwrap()["fundings"], 3);
    }

    #[test]
    fn references_to_missing_records_are_refused_and_nothing_is_written() {
        let mut s = store();
        let e = s
            .create_action(&action_input("X", Some(42), None))
            .err()
            .unwrap();
        assert_eq!(e.field(), Some("axis_id"));
        assert!(e.to_string().contains("n'existe plus"));
        let mut input = action_input("Y", None, None);
        input.need_ids = vec![77];
        assert_eq!(
            s.create_action(&input).err().unwrap().field(),
            Some("need_ids")
        );
        let mut input = action_input("Z", None, None);
        input.partners = vec![Partner {
            actor_id: 5,
            role: "".into(),
        }];
        assert_eq!(
            s.create_action(&input).err().unwrap().field(),
            Some("partners")
        );
        assert_eq!(s.counts().unwrap()["actions"], 0, "all or nothing");
        assert_eq!(
            s.create_funding(9, &funding(None, "1", "granted"))
                .err()
                .unwrap()
                .field(),
            Some("action_id")
        );
    }

    #[test]
    fn deleting_an_actor_reports_then_detaches_everything_it_touches() {
        let mut s = store();
        let lead = actor(&mut s, "Fondation Terres de montagne");
        let other = actor(&mut s, "Mairie");
        let mut input = action_input("Épicerie solidaire", None, Some(lead));
        input.partners = vec![];
        let a = s.create_action(&input).unwrap();
        let mut input2 = action_input("Tiers-lieu", None, Some(other));
        input2.partners = vec![Partner {
            actor_id: lead,
            role: "Mécène".into(),
        }];
        let b = s.create_action(&input2).unwrap();
        s.create_funding(b.id, &funding(Some(lead), "12 500", "granted"))
            .unwrap();

        let impact = s.actor_delete_impact(lead).unwrap();
        let codes: Vec<_> = impact.effects.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["actor.leads", "actor.partner", "actor.funds"]);
        assert_eq!(impact.effects[0].items, ["Épicerie solidaire"]);
        assert_eq!(impact.effects[1].items, ["Tiers-lieu"]);
        assert_eq!(
            impact.effects[2].items,
            ["Tiers-lieu : LEADER, 12\u{202F}500,00\u{00A0}€"]
        );
        assert!(s.actor_delete_impact(other).unwrap().effects.len() == 1);

        s.delete_actor(lead).unwrap();
        assert_eq!(s.action(a.id).unwrap().lead_actor_id, None);
        assert!(s.action(b.id).unwrap().partners.is_empty());
        let f = &s.list_fundings(b.id).unwrap()[0];
        assert_eq!(f.funder_id, None, "the funding line stays, without funder");
        assert_eq!(f.amount_cents, 1_250_000);
    }

    #[test]
    fn deleting_an_axis_or_need_keeps_the_actions() {
        let mut s = store();
        let n = need(&mut s, "Mobilité");
        let axis = s
            .create_axis(&AxisInput {
                title: "Axe 1".into(),
                description: "".into(),
                need_ids: vec![n],
            })
            .unwrap();
        let mut input = action_input("Covoiturage", Some(axis.id), None);
        input.need_ids = vec![n];
        let a = s.create_action(&input).unwrap();
        let impact = s.axis_delete_impact(axis.id).unwrap();
        assert_eq!(impact.effects[0].code, "axis.actions");
        assert_eq!(impact.effects[0].items, ["Covoiturage"]);
        let impact = s.need_delete_impact(n).unwrap();
        let codes: Vec<_> = impact.effects.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["need.axes", "need.actions"]);
        s.delete_axis(axis.id).unwrap();
        s.delete_need(n).unwrap();
        let a = s.action(a.id).unwrap();
        assert_eq!(a.axis_id, None);
        assert!(a.need_ids.is_empty());
    }

    #[test]
    fn deleting_an_action_removes_its_lines_and_indicators() {
        let mut s = store();
        let a = s.create_action(&action_input("A", None, None)).unwrap();
        s.create_funding(a.id, &funding(None, "10", "considered"))
            .unwrap();
        let ind = s
            .create_indicator(
                a.id,
                &IndicatorInput {
                    name: "Trajets".into(),
                    unit: "trajets/mois".into(),
                    target: "200".into(),
                    current: "35".into(),
                    measured_on: Some("2026-06-30".into()),
                },
            )
            .unwrap();
        assert_eq!(ind.target, Some(200.0));
        let impact = s.action_delete_impact(a.id).unwrap();
        assert_eq!(impact.effects.len(), 2);
        s.delete_action(a.id).unwrap();
        let c = s.counts().unwrap();
        assert_eq!((c["actions"], c["fundings"], c["indicators"]), (0, 0, 0));
    }

    #[test]
    fn schema_refuses_bad_rows_even_without_validation() {
        let s = store();
        for sql in [
            "INSERT INTO action (title,status,position,created_at,updated_at,start_date,end_date) VALUES ('x','idea',0,'t','t','2026-02-01','2026-01-01')",
            "INSERT INTO action (title,status,position,created_at,updated_at,budget_cents) VALUES ('x','idea',0,'t','t',-1)",
            "INSERT INTO action (title,status,position,created_at,updated_at,activity) VALUES ('x','idea',0,'t','t',2)",
            "INSERT INTO action (title,status,position,created_at,updated_at) VALUES ('x','finished',0,'t','t')",
            "INSERT INTO need (title,priority,position,created_at,updated_at) VALUES ('x','urgent',0,'t','t')",
        ] {
            assert!(s.conn.execute(sql, []).is_err(), "{sql}");
        }
    }

    #[test]
    fn a_deletion_names_the_first_records_of_each_effect_and_counts_them_all() {
        let mut s = Store::open_in_memory().unwrap();
        let ids: Vec<i64> = (0..61)
            .map(|i| {
                s.create_actor(&crate::shared::domain::ActorInput {
                    name: format!("Acteur {i:02}"),
                    world: "association".into(),
                    commune: String::new(),
                    engagement: "informed".into(),
                    notes: String::new(),
                })
                .unwrap()
                .id
            })
            .collect();
        let links: Vec<crate::network::LinkInput> = ids[1..]
            .iter()
            .map(|b| crate::network::LinkInput {
                actor_a: ids[0],
                actor_b: *b,
                nature: "dialogue".into(),
                strength: 1,
                since: None,
                notes: String::new(),
                introduced_by: None,
                meeting_id: None,
            })
            .collect();
        s.insert_links_bulk(&links).unwrap();
        let impact = s.actor_delete_impact(ids[0]).unwrap();
        let e = &impact.effects[0];
        assert_eq!((e.total, e.items.len()), (60, IMPACT_SHOWN));
        assert_eq!(e.items[0], "Acteur 01");
        assert!(e.message.starts_with("60 lien(s)"), "{}", e.message);
    }
}
