//! Each commune of the territory in figures (issue 27): its actors, actions and meetings,
//! the meetings its actors took part in, and whether it has a contour; the communes nobody has
//! met. Counted in SQL by commune code (the partial indexes of migration 17), joined here to
//! the territory's communes (at most France's, about 35,000).

use crate::db::store::Store;
use crate::geo::communes::cog;
use crate::shared::error::CoreResult;
use serde::{Deserialize, Serialize};
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

/// The column a page of communes in figures is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FiguresSort {
    #[default]
    Name,
    Population,
    Actors,
    Actions,
    Met,
    Minutes,
    LastMet,
    /// The map's measure.
    Value,
}

/// A commune in figures with the map's measure for it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FiguresRow {
    #[serde(flatten)]
    pub figures: CommuneFigures,
    pub value: f64,
    /// Its class in the map's legend (0: no value).
    pub class: u8,
}

/// A page of the territory's communes in figures.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FiguresPage {
    pub rows: Vec<FiguresRow>,
    /// Rows of the whole list (after the « never met » filter).
    pub total: u32,
    pub never_met: u32,
}

/// Most rows of one page.
pub const FIGURES_PAGE_MAX: u32 = 500;

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

    /// A page of the territory's communes in figures with the map's measure `query`, sorted
    /// by `sort` (then by name), only those never met when asked; at most
    /// [`FIGURES_PAGE_MAX`] rows.
    pub fn commune_figures_page(
        &self,
        query: &crate::map::values::MapQuery,
        sort: FiguresSort,
        descending: bool,
        never_met_only: bool,
        offset: u32,
        limit: u32,
    ) -> CoreResult<FiguresPage> {
        let (rows, never_met) = self.figures_rows(query, sort, descending, never_met_only)?;
        let total = rows.len() as u32;
        let rows = rows
            .into_iter()
            .skip(offset as usize)
            .take(limit.min(FIGURES_PAGE_MAX) as usize)
            .collect();
        Ok(FiguresPage {
            rows,
            total,
            never_met,
        })
    }

    /// The whole sorted list of [`Store::commune_figures_page`] (the territory's communes, at
    /// most France's), and how many were never met.
    fn figures_rows(
        &self,
        query: &crate::map::values::MapQuery,
        sort: FiguresSort,
        descending: bool,
        never_met_only: bool,
    ) -> CoreResult<(Vec<FiguresRow>, u32)> {
        let values: HashMap<String, (f64, u8)> = self
            .map_values(query)?
            .values
            .into_iter()
            .map(|v| (v.insee, (v.value, v.class)))
            .collect();
        let all = self.commune_figures()?;
        let never_met = all.iter().filter(|c| c.never_met()).count() as u32;
        let mut rows: Vec<FiguresRow> = all
            .into_iter()
            .filter(|c| !never_met_only || c.never_met())
            .map(|figures| {
                let (value, class) = values.get(&figures.insee).copied().unwrap_or((0.0, 0));
                FiguresRow {
                    figures,
                    value,
                    class,
                }
            })
            .collect();
        // Sorted by name already: a stable sort keeps that order among equals.
        let key = |r: &FiguresRow| -> f64 {
            let c = &r.figures;
            match sort {
                FiguresSort::Name | FiguresSort::LastMet => 0.0,
                FiguresSort::Population => f64::from(c.population.unwrap_or(0)),
                FiguresSort::Actors => f64::from(c.actors),
                FiguresSort::Actions => f64::from(c.actions),
                FiguresSort::Met => f64::from(c.met),
                FiguresSort::Minutes => c.minutes as f64,
                FiguresSort::Value => r.value,
            }
        };
        match sort {
            FiguresSort::Name if descending => rows.reverse(),
            FiguresSort::Name => {}
            FiguresSort::LastMet if descending => {
                rows.sort_by(|a, b| b.figures.last_met.cmp(&a.figures.last_met))
            }
            FiguresSort::LastMet => {
                rows.sort_by(|a, b| a.figures.last_met.cmp(&b.figures.last_met))
            }
            _ if descending => rows.sort_by(|a, b| key(b).total_cmp(&key(a))),
            _ => rows.sort_by(|a, b| key(a).total_cmp(&key(b))),
        }
        Ok((rows, never_met))
    }
}

impl Store {
    /// Writes the territory's communes in figures (only those never met when asked) with the
    /// map's measure, as CSV or XLSX from the extension; returns the rows written.
    pub fn export_communes(
        &self,
        query: &crate::map::values::MapQuery,
        never_met_only: bool,
        path: &std::path::Path,
    ) -> CoreResult<usize> {
        let (all, _) = self.figures_rows(query, FiguresSort::Name, false, never_met_only)?;
        let rows: Vec<Vec<String>> = all
            .into_iter()
            .map(|r| {
                let c = r.figures;
                vec![
                    c.insee.clone(),
                    c.name.clone(),
                    c.departement.clone(),
                    c.population.map(|p| p.to_string()).unwrap_or_default(),
                    c.actors.to_string(),
                    c.actions.to_string(),
                    c.met.to_string(),
                    crate::shared::sheet::format_hours(c.minutes),
                    c.last_met.clone().unwrap_or_default(),
                    if c.never_met() { "oui" } else { "non" }.to_string(),
                    format!("{}", r.value),
                ]
            })
            .collect();
        let measure = query.measure.label_fr();
        let headers = [
            "Code INSEE",
            "Commune",
            "Département",
            "Population",
            "Acteurs",
            "Actions",
            "Rencontres",
            "Heures",
            "Dernière rencontre",
            "Jamais rencontrée",
            measure,
        ];
        let bytes = crate::shared::sheet::encode_for(path, "Communes", &headers, &rows)?;
        crate::shared::sheet::write_whole(path, &bytes)?;
        Ok(rows.len())
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
        let q = crate::map::values::MapQuery::default();
        let page = s
            .commune_figures_page(&q, super::FiguresSort::Actors, true, false, 0, 3)
            .unwrap();
        assert_eq!((page.rows.len(), page.total as usize), (3, f.len()));
        assert!(page
            .rows
            .windows(2)
            .all(|w| w[0].figures.actors >= w[1].figures.actors));
        assert!(page
            .rows
            .iter()
            .all(|r| r.value == f64::from(r.figures.actors)));
        assert!(page.rows[0].class > 0);
        let never = s
            .commune_figures_page(&q, super::FiguresSort::Name, false, true, 0, 500)
            .unwrap();
        assert!(never.rows.iter().all(|r| r.figures.never_met()));
        assert!(never.rows.iter().any(|r| r.figures.insee == "22278"));
        assert_eq!(never.total, never.never_met);
    }

    #[test]
    fn the_communes_never_met_are_exported_as_csv() {
        let mut s = Store::open_in_memory().unwrap();
        crate::demo::populate(&mut s).unwrap();
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("jamais.csv");
        let q = crate::map::values::MapQuery::default();
        let n = s.export_communes(&q, true, &path).unwrap();
        let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
        let never: Vec<_> = s
            .commune_figures()
            .unwrap()
            .into_iter()
            .filter(|c| c.never_met())
            .collect();
        assert_eq!(n, never.len());
        assert!(text.contains("Code INSEE;Commune;"));
        for c in &never {
            assert!(text.contains(&format!("{};{};", c.insee, c.name)), "{text}");
        }
        assert_eq!(text.lines().count(), 1 + n);
        let all = s.export_communes(&q, false, &path).unwrap();
        assert_eq!(all, crate::demo::COMMUNES.len());
    }
}
