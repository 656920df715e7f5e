//! Each commune of the territory in figures (issue 27): its actors, actions and meetings,
//! the meetings its actors took part in, and whether it has a contour; the communes nobody has
//! met. Counted in SQL by commune code (the partial indexes of migration 17), joined here to
//! the territory's communes (at most France's, about 35,000).

use crate::db::store::Store;
use crate::geo::communes::cog;
use crate::shared::error::CoreResult;
use serde::Serialize;
use std::collections::HashMap;
use ts_rs::TS;

/// A commune of the territory in figures.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CommuneFigures {
    pub insee: String,
    pub name: String,
    pub departement: String,
    #[ts(type = "number | null")]
    pub population: Option<u32>,
    pub actors: u32,
    pub actions: u32,
    /// Meetings held in the commune.
    pub meetings: u32,
    /// Meetings held there or that one of its actors took part in.
    pub met: u32,
    /// The time those meetings took, in minutes.
    #[ts(type = "number")]
    pub minutes: i64,
    /// The date of the last of them.
    pub last_met: Option<String>,
    pub has_contour: bool,
}

impl CommuneFigures {
    /// No actor and no meeting: a commune the team has never met.
    pub fn never_met(&self) -> bool {
        self.actors == 0 && self.met == 0
    }
}

/// Counts by commune code of one query's rows `(insee, count)`.
fn counts(store: &Store, sql: &str) -> CoreResult<HashMap<String, u32>> {
    let mut st = store.conn.prepare(sql)?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl Store {
    /// The territory's communes in figures, by name.
    pub fn commune_figures(&self) -> CoreResult<Vec<CommuneFigures>> {
        let actors = counts(
            self,
            "SELECT insee, count(*) FROM actor WHERE insee IS NOT NULL GROUP BY insee",
        )?;
        let actions = counts(
            self,
            "SELECT insee, count(*) FROM action WHERE insee IS NOT NULL GROUP BY insee",
        )?;
        let meetings = counts(
            self,
            "SELECT insee, count(*) FROM meeting WHERE insee IS NOT NULL GROUP BY insee",
        )?;
        // The meetings held in a commune or with one of its actors: each once per commune.
        let mut met: HashMap<String, (u32, i64, String)> = HashMap::new();
        let mut st = self.conn.prepare(
            "SELECT c, count(*), sum(minutes_spent), max(date) FROM (
                 SELECT m.insee AS c, m.id, m.minutes_spent, m.date FROM meeting AS m
                  WHERE m.insee IS NOT NULL
                 UNION
                 SELECT a.insee AS c, m.id, m.minutes_spent, m.date FROM meeting AS m
                   JOIN meeting_actor AS ma ON ma.meeting_id = m.id
                   JOIN actor AS a ON a.id = ma.actor_id
                  WHERE a.insee IS NOT NULL)
              GROUP BY c",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                (r.get(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?),
            ))
        })?;
        for row in rows {
            let (c, v) = row?;
            met.insert(c, v);
        }
        let contours: std::collections::HashSet<String> = self
            .conn
            .prepare("SELECT insee FROM commune_contour")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let codes: Vec<String> = self
            .conn
            .prepare("SELECT insee FROM territory_commune WHERE territory_id = 1")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let cog = cog();
        let mut out: Vec<CommuneFigures> = codes
            .into_iter()
            .map(|insee| {
                let c = cog.commune(&insee);
                let (m, minutes, last) = met.get(&insee).cloned().unwrap_or_default();
                CommuneFigures {
                    name: c.map(|c| c.name.clone()).unwrap_or_else(|| insee.clone()),
                    departement: c.map(|c| c.departement.clone()).unwrap_or_default(),
                    population: c.and_then(|c| c.population),
                    actors: actors.get(&insee).copied().unwrap_or(0),
                    actions: actions.get(&insee).copied().unwrap_or(0),
                    meetings: meetings.get(&insee).copied().unwrap_or(0),
                    met: m,
                    minutes,
                    last_met: Some(last).filter(|d| !d.is_empty()),
                    has_contour: contours.contains(&insee),
                    insee,
                }
            })
            .collect();
        out.sort_by_cached_key(|c| (crate::shared::text::sort_key(&c.name), c.insee.clone()));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::db::store::Store;

    #[test]
    fn the_demo_communes_in_figures_and_those_never_met() {
        let mut s = Store::open_in_memory().unwrap();
        crate::demo::populate(&mut s).unwrap();
        let f = s.commune_figures().unwrap();
        assert_eq!(f.len(), crate::demo::COMMUNES.len());
        let actors: u32 = f.iter().map(|c| c.actors).sum();
        assert_eq!(actors as usize, s.list_actors().unwrap().len());
        let held: u32 = f.iter().map(|c| c.meetings).sum();
        assert_eq!(held as usize, s.list_meetings().unwrap().len());
        assert!(f.iter().all(|c| c.met >= c.meetings));
        assert!(
            f.iter().all(|c| c.has_contour),
            "the demo's invented contours"
        );
        let names: Vec<&str> = f.iter().map(|c| c.name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_by_key(|n| crate::shared::text::sort_key(n));
        assert_eq!(names, sorted);
        // A commune added to the territory without anyone there: never met.
        let choice = crate::project::communes::CommuneChoice::parse("commune:22278").unwrap();
        s.change_territory_communes(&[choice], &[]).unwrap();
        let f = s.commune_figures().unwrap();
        let brieuc = f.iter().find(|c| c.insee == "22278").unwrap();
        assert!(brieuc.never_met());
        assert_eq!(brieuc.name, "Saint-Brieuc");
        assert!(f
            .iter()
            .filter(|c| c.insee != "22278")
            .any(|c| !c.never_met()));
    }
}
