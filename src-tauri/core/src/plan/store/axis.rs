//! Queries on axes.

use super::{ids, move_to, names, next_position};
use crate::db::store::{delete_row, now, require_exists, Store};
use crate::plan::*;
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, Transaction};

impl Store {
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
}
