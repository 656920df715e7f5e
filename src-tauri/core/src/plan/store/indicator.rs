//! Queries on an action's indicators.

use crate::db::store::{date_text, delete_row, require_exists, Store};
use crate::plan::*;
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, OptionalExtension};

impl Store {
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
}
