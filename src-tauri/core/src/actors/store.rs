//! Actors: their queries (list, read, create, edit, delete with undo).

use crate::actors::{Actor, ActorInput, ValidActor};
use crate::db::store::{now, Store};
use crate::history::model::Deleted;
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, Connection, OptionalExtension};

impl Store {
    const ACTOR_COLUMNS: &'static str =
        "id, name, world, commune, engagement, notes, created_at, updated_at, uid, insee";

    fn actor_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Actor> {
        Ok(Actor {
            id: r.get(0)?,
            name: r.get(1)?,
            world: r.get(2)?,
            commune: r.get(3)?,
            engagement: r.get(4)?,
            notes: r.get(5)?,
            created_at: r.get(6)?,
            updated_at: r.get(7)?,
            uid: r.get(8)?,
            insee: r.get(9)?,
        })
    }

    /// All actors, by name.
    pub fn list_actors(&self) -> CoreResult<Vec<Actor>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {} FROM actor ORDER BY name COLLATE NOCASE, id",
            Self::ACTOR_COLUMNS
        ))?;
        let rows = st.query_map([], Self::actor_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One actor.
    pub fn actor(&self, id: i64) -> CoreResult<Actor> {
        self.conn
            .query_row(
                &format!("SELECT {} FROM actor WHERE id = ?1", Self::ACTOR_COLUMNS),
                [id],
                Self::actor_from_row,
            )
            .optional()?
            .ok_or(CoreError::NotFound { what: "Acteur", id })
    }

    /// Validates and adds an actor.
    pub fn create_actor(&mut self, input: &ActorInput) -> CoreResult<Actor> {
        let v = input.validate()?;
        let id = insert_actor(&self.conn, &v, &now())?;
        self.actor(id)
    }

    /// Validates and saves an actor's changes.
    pub fn update_actor(&mut self, id: i64, input: &ActorInput) -> CoreResult<Actor> {
        let v = input.validate()?;
        let n = self.conn.execute(
            "UPDATE actor SET name = ?1, world = ?2, commune = ?3, engagement = ?4, notes = ?5,
                    updated_at = ?6, insee = ?8 WHERE id = ?7",
            params![
                v.name,
                v.world,
                v.commune,
                v.engagement,
                v.notes,
                now(),
                id,
                v.insee
            ],
        )?;
        if n == 0 {
            return Err(CoreError::NotFound { what: "Acteur", id });
        }
        self.actor(id)
    }

    /// Deletes an actor (with what goes with it: contacts, tags, links, mentions in notes)
    /// and returns what was deleted. An undo goes through the journal
    /// ([`Store::with_change_set`], [`Store::undo_change_set`]): it brings back everything.
    pub fn delete_actor(&mut self, id: i64) -> CoreResult<Actor> {
        let actor = self.actor(id)?;
        self.conn.execute("DELETE FROM actor WHERE id = ?1", [id])?;
        Ok(actor)
    }

    /// [`Store::delete_actor`], with the change set it made, for the « Annuler » that
    /// follows.
    pub fn delete_actor_undoably(&mut self, id: i64) -> CoreResult<Deleted> {
        let (actor, change_set) = self.with_change_set(|s| s.delete_actor(id))?;
        Ok(Deleted {
            name: actor.name,
            change_set,
        })
    }
}

pub(crate) fn insert_actor(conn: &Connection, v: &ValidActor, at: &str) -> CoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO actor (name, world, commune, engagement, notes, created_at, updated_at, insee)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
    )?
    .execute(params![
        v.name,
        v.world,
        v.commune,
        v.engagement,
        v.notes,
        at,
        v.insee
    ])?;
    Ok(conn.last_insert_rowid())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::domain::Engagement;

    fn actor_input(name: &str) -> ActorInput {
        ActorInput {
            name: name.into(),
            world: "association".into(),
            commune: "Larrieu".into(),
            insee: None,
            engagement: "involved".into(),
            notes: "".into(),
        }
    }

    #[test]
    fn actor_crud_and_undo() {
        let mut s = Store::open_in_memory().unwrap();
        s.conn
            .execute_batch(
                "INSERT INTO territory (id,name,kind) VALUES (1,'T','petr');
                 INSERT INTO project (id,territory_id,title,status) VALUES (1,1,'P','drafting');",
            )
            .unwrap();
        let a = s.create_actor(&actor_input("Zèbre")).unwrap();
        let b = s.create_actor(&actor_input("abeille")).unwrap();
        let names: Vec<_> = s
            .list_actors()
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, ["abeille", "Zèbre"]);
        let mut edit = actor_input("Zèbre bleu");
        edit.engagement = "lead".into();
        let a2 = s.update_actor(a.id, &edit).unwrap();
        assert_eq!(a2.engagement, Engagement::Lead);
        // Identities: a UUID version 7 each, distinct, unchanged by an edit.
        assert_eq!(a2.uid, a.uid);
        assert_ne!(a.uid, b.uid);
        let parsed = uuid::Uuid::parse_str(&a.uid).unwrap();
        assert_eq!(parsed.get_version_num(), 7);
        assert_eq!(parsed.hyphenated().to_string(), a.uid);
        assert_eq!(a2.created_at, a.created_at);
        let (gone, set) = s.with_change_set(|s| s.delete_actor(b.id)).unwrap();
        assert_eq!(gone.name, "abeille");
        assert_eq!(s.counts().unwrap()["actors"], 1);
        assert_eq!(s.actor(b.id).err().unwrap().kind(), "not_found");
        s.undo_change_set(set.expect("the deletion made a change set"))
            .unwrap();
        let back = s.actor(b.id).unwrap();
        // The same record again: its identity too.
        assert_eq!(back.uid, b.uid);
        assert_eq!(back.name, "abeille");
        // Nothing changed: no change set.
        let (_, none) = s.with_change_set(|s| s.actor(b.id)).unwrap();
        assert_eq!(none, None);
        assert_eq!(
            s.update_actor(999, &actor_input("x")).err().unwrap().kind(),
            "not_found"
        );
        // A rejected edit changes nothing.
        assert!(s.update_actor(a.id, &actor_input("")).is_err());
        assert_eq!(s.actor(a.id).unwrap().name, "Zèbre bleu");
    }
}
