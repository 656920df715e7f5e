//! Queries on links between actors.

use super::introducer_columns;
use crate::db::store::{date_text, delete_row, now, require_exists, Store};
use crate::network::*;
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, OptionalExtension};

impl Store {
    fn link_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Link> {
        let by_actor: Option<i64> = r.get(7)?;
        let by_member: Option<i64> = r.get(8)?;
        Ok(Link {
            id: r.get(0)?,
            actor_a: r.get(1)?,
            actor_b: r.get(2)?,
            nature: r.get(3)?,
            strength: r.get(4)?,
            since: r.get(5)?,
            notes: r.get(6)?,
            introduced_by: by_actor
                .map(Introducer::Actor)
                .or(by_member.map(Introducer::Member)),
            meeting_id: r.get(9)?,
        })
    }

    const LINK_COLUMNS: &'static str = "id, actor_a, actor_b, nature, strength, since, notes, introduced_by_actor, introduced_by_member, meeting_id";

    pub fn list_links(&self) -> CoreResult<Vec<Link>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {} FROM link ORDER BY id",
            Self::LINK_COLUMNS
        ))?;
        let rows = st.query_map([], Self::link_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn links_of(&self, actor_id: i64) -> CoreResult<Vec<Link>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {} FROM link WHERE actor_a = ?1 OR actor_b = ?1 ORDER BY id",
            Self::LINK_COLUMNS
        ))?;
        let rows = st.query_map([actor_id], Self::link_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn link(&self, id: i64) -> CoreResult<Link> {
        self.conn
            .query_row(
                &format!("SELECT {} FROM link WHERE id = ?1", Self::LINK_COLUMNS),
                [id],
                Self::link_from_row,
            )
            .optional()?
            .ok_or(CoreError::NotFound { what: "Lien", id })
    }

    fn check_link(&self, id: Option<i64>, v: &ValidLink) -> CoreResult<()> {
        require_exists(&self.conn, "actor", v.actor_a, "actor_a", "L'acteur")?;
        require_exists(&self.conn, "actor", v.actor_b, "actor_b", "L'acteur")?;
        match v.introduced_by {
            Some(Introducer::Actor(a)) => require_exists(
                &self.conn,
                "actor",
                a,
                "introduced_by",
                "L'acteur qui a présenté",
            )?,
            Some(Introducer::Member(m)) => require_exists(
                &self.conn,
                "member",
                m,
                "introduced_by",
                "Le membre de l'équipe",
            )?,
            None => {}
        }
        if let Some(m) = v.meeting_id {
            require_exists(&self.conn, "meeting", m, "meeting_id", "La rencontre")?;
        }
        let twin: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM link WHERE min(actor_a, actor_b) = min(?1, ?2) AND max(actor_a, actor_b) = max(?1, ?2)
                 AND nature = ?3 AND id IS NOT ?4",
                params![v.actor_a, v.actor_b, v.nature, id],
                |r| r.get(0),
            )
            .optional()?;
        if twin.is_some() {
            return Err(CoreError::validation(
                "nature",
                "link.duplicate",
                "Un lien de cette nature existe déjà entre ces deux acteurs ; modifiez-le plutôt.",
            ));
        }
        Ok(())
    }

    pub fn create_link(&mut self, input: &LinkInput) -> CoreResult<Link> {
        let v = input.validate()?;
        self.check_link(None, &v)?;
        let (by_actor, by_member) = introducer_columns(v.introduced_by);
        self.conn.execute(
            "INSERT INTO link (actor_a, actor_b, nature, strength, since, notes, introduced_by_actor, introduced_by_member,
                               meeting_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            params![
                v.actor_a,
                v.actor_b,
                v.nature,
                v.strength,
                date_text(v.since),
                v.notes,
                by_actor,
                by_member,
                v.meeting_id,
                now()
            ],
        )?;
        self.link(self.conn.last_insert_rowid())
    }

    /// Changes a link. When its key changes (its pair of actors or its nature), it is recorded
    /// again under the new key and the old one deleted, in one change set: a laptop that
    /// recorded that very link meanwhile then merges the two as duplicates
    /// (`share::duplicates`) instead of failing a unique key on a change of a key column.
    pub fn update_link(&mut self, id: i64, input: &LinkInput) -> CoreResult<Link> {
        let v = input.validate()?;
        let old = self.link(id)?;
        self.check_link(Some(id), &v)?;
        let (by_actor, by_member) = introducer_columns(v.introduced_by);
        let key = |a: i64, b: i64, n: &str| (a.min(b), a.max(b), n.to_string());
        let (since, at) = (date_text(v.since), now());
        let values = params![
            v.actor_a,
            v.actor_b,
            v.nature,
            v.strength,
            since,
            v.notes,
            by_actor,
            by_member,
            v.meeting_id,
            at,
            id
        ];
        if key(old.actor_a, old.actor_b, old.nature.code())
            != key(v.actor_a, v.actor_b, v.nature.code())
        {
            let tx = self.conn.transaction()?;
            tx.execute(
                "INSERT INTO link (actor_a, actor_b, nature, strength, since, notes, introduced_by_actor,
                                   introduced_by_member, meeting_id, created_at, updated_at)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, created_at, ?10 FROM link WHERE id = ?11",
                values,
            )?;
            let new_id = tx.last_insert_rowid();
            tx.execute("DELETE FROM link WHERE id = ?1", [id])?;
            tx.commit()?;
            return self.link(new_id);
        }
        self.conn.execute(
            "UPDATE link SET actor_a = ?1, actor_b = ?2, nature = ?3, strength = ?4, since = ?5, notes = ?6,
                    introduced_by_actor = ?7, introduced_by_member = ?8, meeting_id = ?9, updated_at = ?10 WHERE id = ?11",
            values,
        )?;
        self.link(id)
    }

    pub fn delete_link(&mut self, id: i64) -> CoreResult<()> {
        delete_row(&self.conn, "link", "Lien", id)
    }
}
