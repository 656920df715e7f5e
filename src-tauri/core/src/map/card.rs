//! A commune's card, the « fiche repères » (issue 27): who it is (population, EPCI), its actors
//! by monde, its actions, the meetings held there or with its actors and the last one, the
//! team members who met it. Each list is capped; its total is given.

use crate::db::store::Store;
use crate::geo::communes::cog;
use crate::shared::codes::World;
use crate::shared::error::{CoreError, CoreResult};
use serde::Serialize;
use ts_rs::TS;

/// Most items of each list of a card.
pub const CARD_LIST_MAX: u32 = 50;

/// A record a card lists, to open it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CardRecord {
    #[ts(type = "number")]
    pub id: i64,
    pub label: String,
    /// A date, a monde code: what tells it apart.
    pub detail: String,
}

/// A monde and its actors in the commune.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct WorldCount {
    pub world: World,
    pub actors: u32,
}

/// A team member and how many of the commune's meetings they took part in.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MemberCount {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub meetings: u32,
}

/// The « fiche repères » of a commune.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CommuneCard {
    pub insee: String,
    pub name: String,
    pub departement: String,
    pub departement_name: String,
    #[ts(type = "number | null")]
    pub population: Option<u32>,
    pub postal_codes: Vec<String>,
    pub epci: Option<String>,
    pub in_territory: bool,
    pub by_world: Vec<WorldCount>,
    pub actors: Vec<CardRecord>,
    pub actors_total: u32,
    pub actions: Vec<CardRecord>,
    pub actions_total: u32,
    /// The latest first.
    pub meetings: Vec<CardRecord>,
    pub meetings_total: u32,
    pub last_met: Option<String>,
    pub members: Vec<MemberCount>,
}

/// The meetings held in the commune or with one of its actors (a subquery of ids).
const MET_IDS: &str = "SELECT id FROM meeting WHERE insee = ?1
                        UNION
                       SELECT ma.meeting_id FROM meeting_actor AS ma
                         JOIN actor AS a ON a.id = ma.actor_id WHERE a.insee = ?1";

fn records(store: &Store, sql: &str, insee: &str) -> CoreResult<Vec<CardRecord>> {
    let mut st = store.conn.prepare(sql)?;
    let rows = st.query_map(rusqlite::params![insee, CARD_LIST_MAX], |r| {
        Ok(CardRecord {
            id: r.get(0)?,
            label: r.get(1)?,
            detail: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl Store {
    fn actors_by_world(&self, insee: &str) -> CoreResult<Vec<WorldCount>> {
        Ok(self
            .conn
            .prepare(
                "SELECT world, count(*) FROM actor WHERE insee = ?1 GROUP BY world ORDER BY world",
            )?
            .query_map([insee], |r| {
                Ok(WorldCount {
                    world: r.get(0)?,
                    actors: r.get(1)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// The team members who took part in the commune's meetings, the most often first.
    fn members_who_met(&self, insee: &str) -> CoreResult<Vec<MemberCount>> {
        let sql = format!(
            "SELECT mb.id, mb.name, count(*) FROM meeting_member AS mm
               JOIN member AS mb ON mb.id = mm.member_id
              WHERE mm.meeting_id IN ({MET_IDS})
              GROUP BY mb.id ORDER BY count(*) DESC, mb.name LIMIT ?2"
        );
        Ok(self
            .conn
            .prepare(&sql)?
            .query_map(rusqlite::params![insee, CARD_LIST_MAX], |r| {
                Ok(MemberCount {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    meetings: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?)
    }

    fn count_for(&self, sql: &str, insee: &str) -> CoreResult<u32> {
        Ok(self.conn.query_row(sql, [insee], |r| r.get(0))?)
    }

    /// The card of a commune of the list (in the territory or not).
    pub fn commune_card(&self, insee: &str) -> CoreResult<CommuneCard> {
        let cog = cog();
        let c = cog.commune(insee.trim()).ok_or_else(|| {
            CoreError::validation(
                "insee",
                "insee.unknown",
                format!(
                    "« {} » n'est pas le code INSEE d'une commune de la liste.",
                    crate::shared::text::truncate_for_message(insee)
                ),
            )
        })?;
        let insee = c.insee.as_str();
        let by_world = self.actors_by_world(insee)?;
        let meetings_sql = format!(
            "SELECT id, title, date FROM meeting WHERE id IN ({MET_IDS})
              ORDER BY date DESC, id DESC LIMIT ?2"
        );
        let meetings = records(self, &meetings_sql, insee)?;
        let members = self.members_who_met(insee)?;
        let in_territory = self.count_for(
            "SELECT count(*) FROM territory_commune WHERE territory_id = 1 AND insee = ?1",
            insee,
        )? > 0;
        Ok(CommuneCard {
            insee: insee.to_string(),
            name: c.name.clone(),
            departement: c.departement.clone(),
            departement_name: cog
                .departement(&c.departement)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            population: c.population,
            postal_codes: c.postal_codes.clone(),
            epci: c
                .epci
                .as_deref()
                .and_then(|s| cog.epci(s))
                .map(|e| e.name.clone()),
            in_territory,
            actors_total: by_world.iter().map(|w| w.actors).sum(),
            by_world,
            actors: records(
                self,
                "SELECT a.id, a.name, a.world FROM actor AS a JOIN actor_key AS k ON k.actor_id = a.id
                  WHERE a.insee = ?1 ORDER BY k.sort, a.id LIMIT ?2",
                insee,
            )?,
            actions: records(
                self,
                "SELECT id, title, status FROM action WHERE insee = ?1 ORDER BY title, id LIMIT ?2",
                insee,
            )?,
            actions_total: self
                .count_for("SELECT count(*) FROM action WHERE insee = ?1", insee)?,
            last_met: meetings.first().map(|m| m.detail.clone()),
            meetings_total: self.count_for(
                &format!("SELECT count(*) FROM ({MET_IDS})"),
                insee,
            )?,
            meetings,
            members,
        })
    }
}
