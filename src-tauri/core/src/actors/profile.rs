//! Queries on an actor's profile (needs, contributions, influence and interest, tags).

use crate::actors::*;
use crate::db::store::{now, Store};
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, OptionalExtension, Transaction};

impl Store {
    pub fn actor_profile(&self, actor_id: i64) -> CoreResult<ActorProfile> {
        let (needs, contributions, influence, interest) = self
            .conn
            .query_row(
                "SELECT needs, contributions, influence, interest FROM actor WHERE id = ?1",
                [actor_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or(CoreError::NotFound {
                what: "Acteur",
                id: actor_id,
            })?;
        let mut st = self.conn.prepare_cached(
            "SELECT tag FROM actor_tag WHERE actor_id = ?1 ORDER BY tag COLLATE NOCASE",
        )?;
        let tags = st
            .query_map([actor_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(ActorProfile {
            needs,
            contributions,
            influence,
            interest,
            tags,
        })
    }

    pub fn update_actor_profile(
        &mut self,
        actor_id: i64,
        profile: &ActorProfile,
    ) -> CoreResult<ActorProfile> {
        let v = profile.validate()?;
        let tx = self.conn.transaction()?;
        Self::write_profile(&tx, actor_id, &v, &now())?;
        tx.commit()?;
        self.actor_profile(actor_id)
    }

    /// Writes a validated profile (columns and tags) inside `tx`.
    pub(crate) fn write_profile(
        tx: &Transaction,
        actor_id: i64,
        v: &ActorProfile,
        at: &str,
    ) -> CoreResult<()> {
        let n = tx.execute(
            "UPDATE actor SET needs = ?1, contributions = ?2, influence = ?3, interest = ?4, updated_at = ?5 WHERE id = ?6",
            params![v.needs, v.contributions, v.influence, v.interest, at, actor_id],
        )?;
        if n == 0 {
            return Err(CoreError::NotFound {
                what: "Acteur",
                id: actor_id,
            });
        }
        tx.execute("DELETE FROM actor_tag WHERE actor_id = ?1", [actor_id])?;
        for t in &v.tags {
            tx.execute(
                "INSERT INTO actor_tag (actor_id, tag) VALUES (?1, ?2)",
                params![actor_id, t],
            )?;
        }
        Ok(())
    }
}
