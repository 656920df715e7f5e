//! The actors' communes written as free text that the list of communes does not place (left
//! by migration 17's one-time matching, or typed by hand): listed for a person to resolve,
//! never guessed; one choice places every actor of that written commune.

use crate::db::store::{now, Store};
use crate::geo::communes::{cog, CommuneHit};
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

/// Most rows one call of [`Store::unplaced_communes`] returns.
pub const UNPLACED_PAGE_MAX: u32 = 200;

/// A commune written on actors and placed in no commune of the list.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct UnplacedCommune {
    /// As written (the first of its spellings that fold alike).
    pub written: String,
    pub actors: u32,
    /// The communes of the list it may be, closest first (at most 5; none when nothing is
    /// near).
    pub candidates: Vec<CommuneHit>,
}

/// A page of the communes to resolve, the most used first.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct UnplacedPage {
    /// How many written communes are unplaced in all.
    pub total: u32,
    /// How many actors they hold.
    pub actors: u32,
    pub rows: Vec<UnplacedCommune>,
}

impl Store {
    /// The written communes no commune of the list places, the most used first, `limit` (at
    /// most [`UNPLACED_PAGE_MAX`]) from `offset`.
    pub fn unplaced_communes(&self, offset: u32, limit: u32) -> CoreResult<UnplacedPage> {
        let limit = limit.min(UNPLACED_PAGE_MAX);
        let (total, actors): (u32, u32) = self.conn.query_row(
            "SELECT count(DISTINCT k.commune), count(*) FROM actor AS a
               JOIN actor_key AS k ON k.actor_id = a.id
              WHERE a.insee IS NULL AND k.commune <> ''",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut st = self.conn.prepare_cached(
            "SELECT min(a.commune), count(*) AS n FROM actor AS a
               JOIN actor_key AS k ON k.actor_id = a.id
              WHERE a.insee IS NULL AND k.commune <> ''
              GROUP BY k.commune ORDER BY n DESC, k.commune LIMIT ?1 OFFSET ?2",
        )?;
        let rows = st
            .query_map(params![limit, offset], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let within = self.territory_departements()?;
        let rows = rows
            .into_iter()
            .map(|(written, actors)| {
                let mut candidates = cog().search(&written, crate::geo::communes::MAX_HITS);
                candidates.sort_by_key(|h| !within.contains(&h.departement));
                candidates.truncate(5);
                UnplacedCommune {
                    written,
                    actors,
                    candidates,
                }
            })
            .collect();
        Ok(UnplacedPage {
            total,
            actors,
            rows,
        })
    }

    /// Places every actor whose commune is written `written` (folded alike) and not placed
    /// in the commune of code `insee` (named as the list names it), in one statement;
    /// returns how many actors it placed.
    pub fn place_written_commune(&mut self, written: &str, insee: &str) -> CoreResult<u32> {
        let placed = crate::geo::place::checked("insee", Some(insee))?.ok_or_else(|| {
            CoreError::validation("insee", "text.empty", "Choisissez une commune de la liste.")
        })?;
        let n = self.conn.execute(
            "UPDATE actor SET insee = ?1, commune = ?2, updated_at = ?3
              WHERE insee IS NULL AND id IN
                    (SELECT actor_id FROM actor_key WHERE commune = catalyse_fold(?4))",
            params![placed.insee, placed.name, now(), written.trim()],
        )?;
        Ok(n as u32)
    }
}

#[cfg(test)]
mod tests {
    use crate::actors::ActorInput;
    use crate::db::store::Store;

    fn actor(s: &mut Store, name: &str, commune: &str) -> i64 {
        let input = ActorInput {
            name: name.into(),
            world: "association".into(),
            commune: commune.into(),
            insee: None,
            engagement: "informed".into(),
            notes: String::new(),
        };
        s.create_actor(&input).unwrap().id
    }

    #[test]
    fn written_communes_are_listed_most_used_first_and_one_choice_places_them_all() {
        let mut s = Store::open_in_memory().unwrap();
        let a = actor(&mut s, "Tiers-lieu", "sainte-colombe");
        let b = actor(&mut s, "Ferme", "SAINTE-COLOMBE");
        actor(&mut s, "Mairie", "Quartier Nord");
        actor(&mut s, "Sans commune", "");
        let page = s.unplaced_communes(0, 10).unwrap();
        assert_eq!((page.total, page.actors), (2, 3));
        assert_eq!(page.rows[0].actors, 2);
        assert!(["sainte-colombe", "SAINTE-COLOMBE"].contains(&page.rows[0].written.as_str()));
        // Homonyms: several candidates, none chosen.
        assert!(page.rows[0].candidates.len() > 1);
        assert!(page.rows[0]
            .candidates
            .iter()
            .all(|c| c.name == "Sainte-Colombe"));
        assert_eq!(page.rows[1].written, "Quartier Nord");
        assert_eq!(
            s.place_written_commune("Sainte-Colombe", "35262").unwrap(),
            2
        );
        for id in [a, b] {
            let x = s.actor(id).unwrap();
            assert_eq!(
                (x.insee.as_deref(), x.commune.as_str()),
                (Some("35262"), "Sainte-Colombe")
            );
        }
        let page = s.unplaced_communes(0, 10).unwrap();
        assert_eq!((page.total, page.actors), (1, 1));
        let e = s
            .place_written_commune("Quartier Nord", "99999")
            .unwrap_err();
        assert_eq!(e.kind(), "validation");
        assert_eq!(
            s.unplaced_communes(0, 10).unwrap().total,
            1,
            "nothing written"
        );
    }
}
