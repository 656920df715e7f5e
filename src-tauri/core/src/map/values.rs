//! The territory on a map (issue 27): the frame and the shapes of the territory's communes
//! (their imported contours, projected around the territory's centre, read in pages), and a
//! measure's value for each commune with the legend's classes. Counted in SQL by commune code
//! (the partial indexes of migration 17); the values and classes are computed here so the
//! map, its table, the notes and `catalyse map render` all say the same.

use crate::db::store::Store;
use crate::geo::frame::Local;
use crate::shared::codes::World;
use crate::shared::domain::optional_date;
use crate::shared::error::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

/// What the map colours its communes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MapMeasure {
    /// Actors placed in the commune (of one monde when asked).
    #[default]
    Actors,
    /// Actions placed in the commune.
    Actions,
    /// Granted funding of the commune's actions, in euros.
    Funding,
    /// Meetings held in the commune or with one of its actors, over the period.
    Meetings,
    /// The hours those meetings took.
    Hours,
    /// Links made over the period with one of the commune's actors.
    Links,
    /// 1 for a commune with no actor and no meeting, 0 otherwise.
    NeverMet,
}

impl MapMeasure {
    /// The measure named by its code (`never-met` as well as `never_met`).
    pub fn parse(code: &str) -> CoreResult<Self> {
        Ok(match code.trim().replace('-', "_").as_str() {
            "actors" => MapMeasure::Actors,
            "actions" => MapMeasure::Actions,
            "funding" => MapMeasure::Funding,
            "meetings" => MapMeasure::Meetings,
            "hours" => MapMeasure::Hours,
            "links" => MapMeasure::Links,
            "never_met" => MapMeasure::NeverMet,
            _ => {
                return Err(CoreError::validation(
                    "measure",
                    "map.measure_unknown",
                    format!(
                        "Mesure inconnue : « {} ». Valeurs possibles : actors, actions, funding, meetings, hours, links, never-met.",
                        crate::shared::text::truncate_for_message(code)
                    ),
                ))
            }
        })
    }

    /// The French label (legend, captions, the command line).
    pub fn label_fr(self) -> &'static str {
        match self {
            MapMeasure::Actors => "Acteurs",
            MapMeasure::Actions => "Actions",
            MapMeasure::Funding => "Financements accordés (€)",
            MapMeasure::Meetings => "Rencontres",
            MapMeasure::Hours => "Heures de rencontre",
            MapMeasure::Links => "Liens noués",
            MapMeasure::NeverMet => "Communes jamais rencontrées",
        }
    }
}

/// What to measure: the measure, the monde of the actors counted, the period of the meetings
/// and links (ISO dates, both included; empty for no bound).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MapQuery {
    pub measure: MapMeasure,
    #[serde(default)]
    pub world: Option<World>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

/// A class of the legend: the communes whose value lies in `[from, to]`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MapClass {
    pub from: f64,
    pub to: f64,
    pub communes: u32,
}

/// A commune's value and its class (0: no value; 1 and up: `classes[class - 1]`).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CommuneValue {
    pub insee: String,
    pub value: f64,
    pub class: u8,
}

/// A measure over the territory's communes.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MapValues {
    pub query: MapQuery,
    /// The measure's French label.
    pub label: String,
    pub values: Vec<CommuneValue>,
    pub classes: Vec<MapClass>,
    /// Communes with no actor and no meeting (whatever the period).
    pub never_met: u32,
    pub total: f64,
}

/// Where the territory lies: its communes, those with a contour, their bounds in metres.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MapFrame {
    pub communes: u32,
    pub with_contour: u32,
    /// West, south, east, north, in metres from the centre; zero without contours.
    pub bounds: [i32; 4],
    /// The centre, in degrees (the source line of an exported map).
    pub lon0: f64,
    pub lat0: f64,
}

/// A commune drawn: its polygons, each a list of rings (exterior first), each ring flat
/// `x, y, …` in metres east and north of the centre. It reaches the window as bytes
/// ([`Store::map_shapes_bytes`]), not as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct MapShape {
    pub insee: String,
    pub name: String,
    pub polygons: Vec<Vec<Vec<i32>>>,
}

/// Most shapes one call returns.
pub const SHAPE_PAGE_MAX: u32 = 2_000;
/// Most classes of a legend (besides « none »).
pub const CLASSES: usize = 5;

/// Up to `k` classes of the values above zero, their bounds at quantiles of the distinct
/// values (so a class never splits equal values), each with its count.
pub fn classes(values: &[f64], k: usize) -> Vec<MapClass> {
    let mut positive: Vec<f64> = values.iter().copied().filter(|v| *v > 0.0).collect();
    positive.sort_by(f64::total_cmp);
    let mut distinct = positive.clone();
    distinct.dedup();
    if distinct.is_empty() || k == 0 {
        return Vec::new();
    }
    let k = k.min(distinct.len());
    let mut uppers: Vec<f64> = (1..=k)
        .map(|i| {
            let at = (i * positive.len()).div_ceil(k).saturating_sub(1);
            positive[at.min(positive.len() - 1)]
        })
        .collect();
    uppers.dedup();
    let mut out = Vec::with_capacity(uppers.len());
    let mut from = distinct[0];
    for to in uppers {
        let communes = positive.iter().filter(|v| **v >= from && **v <= to).count() as u32;
        out.push(MapClass { from, to, communes });
        from = distinct.iter().copied().find(|v| *v > to).unwrap_or(to);
    }
    out
}

/// The class of a value (0 for none).
pub fn class_of(value: f64, classes: &[MapClass]) -> u8 {
    if value <= 0.0 {
        return 0;
    }
    classes
        .iter()
        .position(|c| value <= c.to)
        .map_or(classes.len(), |i| i + 1) as u8
}

/// Counts by commune code of one query's rows `(insee, value)`.
fn by_commune(
    store: &Store,
    sql: &str,
    params: &[&dyn rusqlite::ToSql],
) -> CoreResult<HashMap<String, f64>> {
    let mut st = store.conn.prepare(sql)?;
    let rows = st.query_map(params, |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The meetings held in a commune or with one of its actors, each once per commune, over
/// `[from, to]`: `(insee, count, minutes)`.
const MET_SQL: &str = "SELECT c, count(*), total(minutes_spent) FROM (
         SELECT m.insee AS c, m.id, m.minutes_spent FROM meeting AS m
          WHERE m.insee IS NOT NULL AND m.date >= ?1 AND m.date <= ?2
         UNION
         SELECT a.insee AS c, m.id, m.minutes_spent FROM meeting AS m
           JOIN meeting_actor AS ma ON ma.meeting_id = m.id
           JOIN actor AS a ON a.id = ma.actor_id
          WHERE a.insee IS NOT NULL AND m.date >= ?1 AND m.date <= ?2)
      GROUP BY c";

impl Store {
    /// The territory's communes' codes.
    fn territory_codes(&self) -> CoreResult<Vec<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT insee FROM territory_commune WHERE territory_id = 1 ORDER BY insee",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    }

    /// The projection centred on the territory's contours, how many communes have one, and
    /// their bounds in degrees (west, south, east, north); `None` when none has one.
    fn map_projection(&self) -> CoreResult<Option<(Local, u32, [f64; 4])>> {
        let row: (u32, Option<f64>, Option<f64>, Option<f64>, Option<f64>) = self.conn.query_row(
            "SELECT count(*), min(c.min_lon), min(c.min_lat), max(c.max_lon), max(c.max_lat)
               FROM commune_contour AS c
               JOIN territory_commune AS t ON t.insee = c.insee AND t.territory_id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        Ok(match row {
            (n, Some(w), Some(s), Some(e), Some(no)) if n > 0 => {
                Some((Local::centred(w, s, e, no), n, [w, s, e, no]))
            }
            _ => None,
        })
    }

    /// Where the territory lies, for the map to fit it.
    pub fn map_frame(&self) -> CoreResult<MapFrame> {
        let communes: u32 = self.conn.query_row(
            "SELECT count(*) FROM territory_commune WHERE territory_id = 1",
            [],
            |r| r.get(0),
        )?;
        let Some((local, with_contour, [w, s, e, n])) = self.map_projection()? else {
            return Ok(MapFrame {
                communes,
                with_contour: 0,
                bounds: [0; 4],
                lon0: 0.0,
                lat0: 0.0,
            });
        };
        let (x0, y0) = local.project(w, s);
        let (x1, y1) = local.project(e, n);
        Ok(MapFrame {
            communes,
            with_contour,
            bounds: [x0, y0, x1, y1],
            lon0: local.lon0,
            lat0: local.lat0,
        })
    }

    /// A page of the territory's communes' shapes, by INSEE code (at most [`SHAPE_PAGE_MAX`]).
    /// A shape whose stored bytes do not decode is left out, never drawn wrong.
    pub fn map_shapes(&self, offset: u32, limit: u32) -> CoreResult<Vec<MapShape>> {
        let Some((local, _, _)) = self.map_projection()? else {
            return Ok(Vec::new());
        };
        let cog = crate::geo::communes::cog();
        let mut st = self.conn.prepare_cached(
            "SELECT c.insee, c.shape FROM commune_contour AS c
               JOIN territory_commune AS t ON t.insee = c.insee AND t.territory_id = 1
              ORDER BY c.insee LIMIT ?1 OFFSET ?2",
        )?;
        let rows = st.query_map(rusqlite::params![limit.min(SHAPE_PAGE_MAX), offset], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (insee, bytes) = row?;
            let Ok(shape) = crate::geo::codec::decode(&bytes) else {
                continue;
            };
            out.push(MapShape {
                name: cog
                    .commune(&insee)
                    .map_or_else(|| insee.clone(), |c| c.name.clone()),
                polygons: local.rings(&shape),
                insee,
            });
        }
        Ok(out)
    }

    /// [`Store::map_shapes`] as bytes, for the window (a country's shapes are tens of
    /// megabytes as JSON numbers, a quarter of that here, read without parsing text):
    /// `CSHP`, then the count (u32), then for each shape its INSEE code (5 bytes), its name's
    /// length (u16) and UTF-8 bytes, its polygons (u32), and for each polygon its rings (u32),
    /// each ring its positions (u32) then `x, y` as i32 metres; every number little-endian.
    pub fn map_shapes_bytes(&self, offset: u32, limit: u32) -> CoreResult<Vec<u8>> {
        Ok(encode_shapes(&self.map_shapes(offset, limit)?))
    }

    /// A measure's value for each of the territory's communes, with the legend's classes.
    pub fn map_values(&self, query: &MapQuery) -> CoreResult<MapValues> {
        let from = optional_date("from", "Le début de la période", &query.from)?
            .map_or_else(|| "0000-01-01".to_string(), |d| d.to_string());
        let to = optional_date("to", "La fin de la période", &query.to)?
            .map_or_else(|| "9999-12-31".to_string(), |d| d.to_string());
        if from > to {
            return Err(CoreError::validation(
                "to",
                "map.period_reversed",
                "La fin de la période précède son début.",
            ));
        }
        let by = self.measure_by_commune(query, &from, &to)?;
        let never = self.never_met_codes()?;
        let codes = self.territory_codes()?;
        let raw: Vec<f64> = codes
            .iter()
            .map(|c| match query.measure {
                MapMeasure::NeverMet => f64::from(u8::from(never.contains(c))),
                _ => by.get(c).copied().unwrap_or(0.0),
            })
            .collect();
        let classes = classes(&raw, CLASSES);
        let never_met = codes.iter().filter(|c| never.contains(*c)).count() as u32;
        let values = codes
            .into_iter()
            .zip(&raw)
            .map(|(insee, &value)| CommuneValue {
                class: class_of(value, &classes),
                insee,
                value,
            })
            .collect();
        Ok(MapValues {
            query: query.clone(),
            label: query.measure.label_fr().to_string(),
            total: raw.iter().sum(),
            values,
            classes,
            never_met,
        })
    }

    /// The measure's values by commune code (communes without a value left out).
    fn measure_by_commune(
        &self,
        query: &MapQuery,
        from: &str,
        to: &str,
    ) -> CoreResult<HashMap<String, f64>> {
        match query.measure {
            MapMeasure::Actors => by_commune(
                self,
                "SELECT insee, count(*) FROM actor
                  WHERE insee IS NOT NULL AND (?1 IS NULL OR world = ?1) GROUP BY insee",
                &[&query.world],
            ),
            MapMeasure::Actions => by_commune(
                self,
                "SELECT insee, count(*) FROM action WHERE insee IS NOT NULL GROUP BY insee",
                &[],
            ),
            MapMeasure::Funding => by_commune(
                self,
                "SELECT a.insee, total(f.amount_cents) / 100.0 FROM funding AS f
                   JOIN action AS a ON a.id = f.action_id
                  WHERE a.insee IS NOT NULL AND f.status = 'granted' GROUP BY a.insee",
                &[],
            ),
            MapMeasure::Meetings | MapMeasure::Hours => {
                let mut st = self.conn.prepare(MET_SQL)?;
                let hours = query.measure == MapMeasure::Hours;
                let rows = st.query_map([from, to], |r| {
                    let v = if hours {
                        r.get::<_, f64>(2)? / 60.0
                    } else {
                        r.get::<_, f64>(1)?
                    };
                    Ok((r.get::<_, String>(0)?, v))
                })?;
                Ok(rows.collect::<Result<_, _>>()?)
            }
            MapMeasure::Links => by_commune(
                self,
                "SELECT c, count(DISTINCT id) FROM (
                     SELECT a.insee AS c, l.id FROM link AS l JOIN actor AS a ON a.id = l.actor_a
                      WHERE a.insee IS NOT NULL
                        AND coalesce(l.since, substr(l.created_at, 1, 10)) BETWEEN ?1 AND ?2
                     UNION ALL
                     SELECT a.insee AS c, l.id FROM link AS l JOIN actor AS a ON a.id = l.actor_b
                      WHERE a.insee IS NOT NULL
                        AND coalesce(l.since, substr(l.created_at, 1, 10)) BETWEEN ?1 AND ?2)
                  GROUP BY c",
                &[&from, &to],
            ),
            MapMeasure::NeverMet => Ok(HashMap::new()),
        }
    }

    /// The territory's communes with no actor and no meeting (held there or with one of its
    /// actors), whatever the date.
    pub fn never_met_codes(&self) -> CoreResult<std::collections::HashSet<String>> {
        Ok(self
            .conn
            .prepare(
                "SELECT t.insee FROM territory_commune AS t
                  WHERE t.territory_id = 1
                    AND NOT EXISTS (SELECT 1 FROM actor AS a WHERE a.insee = t.insee)
                    AND NOT EXISTS (SELECT 1 FROM meeting AS m WHERE m.insee = t.insee)",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    }
}

/// The bytes of [`Store::map_shapes_bytes`].
pub fn encode_shapes(shapes: &[MapShape]) -> Vec<u8> {
    let positions: usize = shapes
        .iter()
        .flat_map(|s| s.polygons.iter().flatten())
        .map(Vec::len)
        .sum();
    let mut out = Vec::with_capacity(8 + shapes.len() * 32 + positions * 4);
    out.extend_from_slice(b"CSHP");
    out.extend((shapes.len() as u32).to_le_bytes());
    for s in shapes {
        let mut code = [b' '; 5];
        for (c, b) in code.iter_mut().zip(s.insee.bytes()) {
            *c = b;
        }
        out.extend(code);
        let name = &s.name.as_bytes()[..s.name.len().min(u16::MAX as usize)];
        out.extend((name.len() as u16).to_le_bytes());
        out.extend(name);
        out.extend((s.polygons.len() as u32).to_le_bytes());
        for polygon in &s.polygons {
            out.extend((polygon.len() as u32).to_le_bytes());
            for ring in polygon {
                out.extend(((ring.len() / 2) as u32).to_le_bytes());
                for v in ring {
                    out.extend(v.to_le_bytes());
                }
            }
        }
    }
    out
}
