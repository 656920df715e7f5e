//! Queries on an actor's contacts.

use crate::actors::*;
use crate::db::store::{delete_row, now, require_exists, Store};
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, OptionalExtension};

impl Store {
    pub fn list_contacts(&self, actor_id: i64) -> CoreResult<Vec<Contact>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, actor_id, name, role, email, phone, notes FROM contact WHERE actor_id = ?1 ORDER BY position, id",
        )?;
        let rows = st.query_map([actor_id], |r| {
            Ok(Contact {
                id: r.get(0)?,
                actor_id: r.get(1)?,
                name: r.get(2)?,
                role: r.get(3)?,
                email: r.get(4)?,
                phone: r.get(5)?,
                notes: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn contact(&self, id: i64) -> CoreResult<Contact> {
        let actor_id: i64 = self
            .conn
            .query_row("SELECT actor_id FROM contact WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(CoreError::NotFound {
                what: "Contact",
                id,
            })?;
        self.list_contacts(actor_id)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(CoreError::NotFound {
                what: "Contact",
                id,
            })
    }

    pub fn create_contact(&mut self, actor_id: i64, input: &ContactInput) -> CoreResult<Contact> {
        let v = input.validate()?;
        require_exists(&self.conn, "actor", actor_id, "actor_id", "L'acteur")?;
        let id = Self::insert_contact(&self.conn, actor_id, &v, &now())?;
        self.contact(id)
    }

    /// Appends a validated contact to an actor's list.
    pub(crate) fn insert_contact(
        conn: &rusqlite::Connection,
        actor_id: i64,
        v: &ValidContact,
        at: &str,
    ) -> CoreResult<i64> {
        let pos: i64 = conn.query_row(
            "SELECT coalesce(max(position) + 1, 0) FROM contact WHERE actor_id = ?1",
            [actor_id],
            |r| r.get(0),
        )?;
        conn.execute(
            "INSERT INTO contact (actor_id, name, role, email, phone, notes, position, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![actor_id, v.name, v.role, v.email, v.phone, v.notes, pos, at],
        )?;
        Ok(conn.last_insert_rowid())
    }

    pub fn update_contact(&mut self, id: i64, input: &ContactInput) -> CoreResult<Contact> {
        let v = input.validate()?;
        let n = self.conn.execute(
            "UPDATE contact SET name = ?1, role = ?2, email = ?3, phone = ?4, notes = ?5, updated_at = ?6 WHERE id = ?7",
            params![v.name, v.role, v.email, v.phone, v.notes, now(), id],
        )?;
        if n == 0 {
            return Err(CoreError::NotFound {
                what: "Contact",
                id,
            });
        }
        self.contact(id)
    }

    pub fn delete_contact(&mut self, id: i64) -> CoreResult<()> {
        delete_row(&self.conn, "contact", "Contact", id)
    }
}
