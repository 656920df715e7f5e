//! Queries on an action's funding lines and its funding plan.

use crate::db::store::{date_text, delete_row, now, require_exists, Store};
use crate::plan::*;
use crate::shared::domain::FundingStatus;
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, OptionalExtension};

impl Store {
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
}
