//! Queries on needs.

use super::{move_to, names, next_position};
use crate::db::store::{delete_row, now, Store};
use crate::plan::*;
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::params;

impl Store {
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
}
