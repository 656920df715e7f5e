//! The communes' contours imported into the workspace (issue 27): a GeoJSON or GeoPackage
//! file read whole and checked (`geo::contours`), its features matched to the list's
//! communes by INSEE code (a former code leads to its current commune, and the contours of a
//! merger's former communes are joined into one), simplified for drawing with their
//! topology kept (`geo::simplify`), then written in one transaction, or not at all. A
//! GeoPackage is a SQLite file from elsewhere: opened read-only and hardened, only its
//! declared feature tables read, never its views, triggers or virtual tables.

use crate::db::store::{now, Store};
use crate::geo::communes::{cog, AliasKind};
use crate::geo::contours::{finish, invalid, is_code_key, read_geojson, RawContours, Rings};
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::progress::{Phase, Progress};
use geo::{BooleanOps, BoundingRect, MultiPolygon};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use ts_rs::TS;

/// Tolerance of the simplification, in metres: invisible at a territory's scale.
pub const TOLERANCE_METRES: f64 = 10.0;

/// A feature no commune of the list matches.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct UnmatchedFeature {
    /// Its position in the file, from 0.
    #[ts(type = "number")]
    pub index: usize,
    pub code: Option<String>,
    pub name: Option<String>,
}

/// What an import of contours finds, before anything is written.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ContoursPreview {
    #[ts(type = "number")]
    pub features: usize,
    /// Features of a current commune's code.
    #[ts(type = "number")]
    pub matched: usize,
    /// Features of a former commune's code (contours older than the list), joined into
    /// their current commune.
    #[ts(type = "number")]
    pub matched_by_former_code: usize,
    pub unmatched: Vec<UnmatchedFeature>,
    /// The current communes the matched features draw.
    #[ts(type = "number")]
    pub communes: usize,
    /// Of the territory's communes, how many have a contour once imported, and how many not.
    #[ts(type = "number")]
    pub territory_covered: usize,
    #[ts(type = "number")]
    pub territory_missing: usize,
    /// The property the codes were read from (chosen, or found), and every property offered.
    pub code_property: Option<String>,
    pub properties: Vec<String>,
    /// The file's coordinate system (`EPSG:4326`, `EPSG:2154`).
    pub projection: String,
    /// Positions before and after simplification.
    #[ts(type = "number")]
    pub positions: usize,
    #[ts(type = "number")]
    pub positions_kept: usize,
}

/// The contours ready to write: by current INSEE code, simplified.
#[derive(Debug)]
pub struct PreparedContours {
    pub preview: ContoursPreview,
    shapes: Vec<(String, MultiPolygon<f64>)>,
    source: String,
}

/// Reads a contours file (GeoJSON, or a GeoPackage: a SQLite file) whole, checked.
pub fn read_contours_file(path: &Path) -> CoreResult<RawContours> {
    let size = std::fs::metadata(path)?.len();
    if size > crate::geo::contours::MAX_FILE_BYTES {
        return Err(invalid(format!(
            "Le fichier fait {} Mo : Catalyse lit des fichiers de contours de {} Mo au plus.",
            size >> 20,
            crate::geo::contours::MAX_FILE_BYTES >> 20
        )));
    }
    let mut head = [0u8; 16];
    let n = std::io::Read::read(&mut std::fs::File::open(path)?, &mut head)?;
    if head[..n].starts_with(b"SQLite format 3\0") {
        read_geopackage(path)
    } else {
        read_geojson(&std::fs::read(path)?)
    }
}

/// The features of a GeoPackage's feature tables (`gpkg_contents` of data type `features`),
/// in Lambert-93 or WGS84 (their `srs_id`).
fn read_geopackage(path: &Path) -> CoreResult<RawContours> {
    use rusqlite::OpenFlags;
    let refuse = |why: String| invalid(format!("Ce GeoPackage est illisible : {why}."));
    let mut conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| refuse(e.to_string()))?;
    crate::db::guard::harden(&mut conn)?;
    let tables = feature_tables(&conn)
        .map_err(|e| refuse(format!("ses tables de description manquent ({e})")))?;
    if tables.is_empty() {
        return Err(refuse("il ne déclare aucune table d'entités".into()));
    }
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut features = Vec::new();
    let mut srs = None;
    let mut positions = 0usize;
    for (table, column) in tables {
        let cols: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info(?1)")?
            .query_map([&table], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut st = conn.prepare(&format!("SELECT * FROM {}", quote(&table)))?;
        let mut rows = st.query([])?;
        while let Some(row) = rows.next()? {
            let index = features.len();
            if index >= crate::geo::contours::MAX_FEATURES {
                return Err(refuse("il compte trop d'entités".into()));
            }
            let (properties, blob) = row_values(row, &cols, &column)?;
            let label = crate::geo::contours::feature_label(index, &properties);
            let blob = blob.ok_or_else(|| invalid(format!("{label} n'a pas de géométrie.")))?;
            let (srs_id, rings): (i32, Rings) = crate::geo::contours::read_gpkg_geometry(&blob)
                .map_err(|why| invalid(format!("{label} : {why}.")))?;
            positions += rings.iter().flatten().map(Vec::len).sum::<usize>();
            if positions > crate::geo::contours::MAX_POSITIONS {
                return Err(refuse("il compte trop de positions".into()));
            }
            match srs {
                None => srs = Some(srs_id),
                Some(s) if s != srs_id => {
                    return Err(refuse(
                        "ses entités sont dans plusieurs systèmes de coordonnées".into(),
                    ))
                }
                _ => {}
            }
            features.push((index, properties, rings));
        }
    }
    let projection = match srs {
        Some(2154) => crate::geo::contours::Projection::Lambert93 { deduced: false },
        Some(4326) | None => crate::geo::contours::Projection::Wgs84,
        Some(other) => {
            return Err(invalid(format!(
                "Ce GeoPackage est dans le système de coordonnées {other} : Catalyse lit le Lambert-93 (2154) et le WGS84 (4326)."
            )))
        }
    };
    finish(features, projection)
}

/// The GeoPackage's feature tables and their geometry column: real tables only (a virtual
/// table would run a module the file names).
fn feature_tables(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<(String, String)>> {
    conn.prepare(
        "SELECT c.table_name, g.column_name FROM gpkg_contents AS c
           JOIN gpkg_geometry_columns AS g ON g.table_name = c.table_name
          WHERE c.data_type = 'features'
            AND c.table_name IN (SELECT name FROM sqlite_master
                                  WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%')",
    )?
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

/// One row's properties (text and integers, as text) and its geometry's bytes.
type RowValues = (Vec<(String, String)>, Option<Vec<u8>>);

fn row_values(row: &rusqlite::Row<'_>, cols: &[String], geometry: &str) -> CoreResult<RowValues> {
    use rusqlite::types::ValueRef;
    let mut properties = Vec::new();
    let mut blob = None;
    for (i, name) in cols.iter().enumerate() {
        match row.get_ref(i)? {
            ValueRef::Blob(b) if name == geometry => blob = Some(b.to_vec()),
            ValueRef::Text(t) => {
                properties.push((name.clone(), String::from_utf8_lossy(t).into_owned()))
            }
            ValueRef::Integer(v) => properties.push((name.clone(), v.to_string())),
            _ => {}
        }
    }
    Ok((properties, blob))
}

/// The property the codes are read from: the one asked (it must exist), else the first of a
/// usual name whose values look like INSEE codes.
/// The positions of a shape's rings, holes included.
fn positions_of(m: &MultiPolygon<f64>) -> usize {
    m.0.iter()
        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
        .sum()
}

fn code_property(raw: &RawContours, asked: Option<&str>) -> CoreResult<Option<String>> {
    let names: Vec<&str> = properties(raw).into_iter().collect();
    if let Some(asked) = asked {
        return match names.iter().find(|n| n.eq_ignore_ascii_case(asked)) {
            Some(n) => Ok(Some(n.to_string())),
            None => Err(CoreError::validation(
                "code_property",
                "contours.no_property",
                format!(
                    "Aucune entité n'a de propriété « {} ». Propriétés du fichier : {}.",
                    crate::shared::text::truncate_for_message(asked),
                    names.join(", ")
                ),
            )),
        };
    }
    let looks_like_codes = |name: &str| {
        let values: Vec<&str> = raw
            .features
            .iter()
            .take(50)
            .filter_map(|f| {
                f.properties
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str())
            })
            .collect();
        !values.is_empty() && values.iter().all(|v| v.trim().len() == 5)
    };
    Ok(names
        .iter()
        .find(|n| is_code_key(n) && looks_like_codes(n))
        .map(|n| n.to_string()))
}

/// Every property name of the features, in order of first appearance.
fn properties(raw: &RawContours) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for f in &raw.features {
        for (k, _) in &f.properties {
            if !out.contains(&k.as_str()) {
                out.push(k);
            }
        }
    }
    out
}

/// A feature's name, from a property of a usual name.
fn name_of(properties: &[(String, String)]) -> Option<String> {
    properties
        .iter()
        .find(|(k, _)| {
            ["nom", "name", "nom_com", "libelle", "nom_commune"]
                .contains(&k.to_ascii_lowercase().as_str())
        })
        .map(|(_, v)| v.clone())
}

impl Store {
    /// Reads and matches a contours file; nothing is written.
    pub fn prepare_contours(
        &self,
        path: &Path,
        asked: Option<&str>,
    ) -> CoreResult<PreparedContours> {
        self.prepare_contours_with(path, asked, &Progress::none())
    }

    /// [`Store::prepare_contours`], reporting its progress (reading, then the features
    /// matched) and stopping when cancelled.
    pub fn prepare_contours_with(
        &self,
        path: &Path,
        asked: Option<&str>,
        progress: &Progress,
    ) -> CoreResult<PreparedContours> {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        progress.step(Phase::Reading, 0, Some(size))?;
        let raw = read_contours_file(path)?;
        progress.step(Phase::Reading, size, Some(size))?;
        let source = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.prepare_read_contours_with(&raw, asked, source, progress)
    }

    /// Matches contours already read (named `source`); nothing is written.
    pub fn prepare_read_contours(
        &self,
        raw: &RawContours,
        asked: Option<&str>,
        source: String,
    ) -> CoreResult<PreparedContours> {
        self.prepare_read_contours_with(raw, asked, source, &Progress::none())
    }

    /// [`Store::prepare_read_contours`], reporting the features matched.
    pub fn prepare_read_contours_with(
        &self,
        raw: &RawContours,
        asked: Option<&str>,
        source: String,
        progress: &Progress,
    ) -> CoreResult<PreparedContours> {
        let total = Some(raw.features.len() as u64);
        let property = code_property(raw, asked)?;
        let cog = cog();
        let mut by_commune: BTreeMap<String, Vec<MultiPolygon<f64>>> = BTreeMap::new();
        let (mut matched, mut former, mut unmatched, mut positions) = (0, 0, Vec::new(), 0);
        for (i, f) in raw.features.iter().enumerate() {
            progress.step(Phase::Checking, i as u64, total)?;
            positions += positions_of(&f.shape);
            let code = property
                .as_deref()
                .and_then(|p| f.properties.iter().find(|(k, _)| k == p))
                .map(|(_, v)| v.trim().to_string());
            match code.as_deref().and_then(|c| cog.current_of(c)) {
                Some((c, alias)) => {
                    if alias.is_some_and(|a| a.kind != AliasKind::Arrondissement) {
                        former += 1;
                    } else {
                        matched += 1;
                    }
                    by_commune
                        .entry(c.insee.clone())
                        .or_default()
                        .push(f.shape.clone());
                }
                None => unmatched.push(UnmatchedFeature {
                    index: f.index,
                    code,
                    name: name_of(&f.properties),
                }),
            }
        }
        let codes: Vec<String> = by_commune.keys().cloned().collect();
        let joined: Vec<MultiPolygon<f64>> = by_commune
            .into_values()
            .map(|parts| {
                let mut it = parts.into_iter();
                let first = it.next().unwrap_or_else(|| MultiPolygon(Vec::new()));
                it.fold(first, |acc, m| acc.union(&m))
            })
            .collect();
        progress.step(Phase::Indexing, 0, None)?;
        let simplified = crate::geo::simplify::simplify_shared(&joined, TOLERANCE_METRES);
        progress.check()?;
        let positions_kept = simplified.iter().map(positions_of).sum();
        let (covered, missing) = self.territory_coverage(&codes)?;
        let preview = ContoursPreview {
            features: raw.features.len(),
            matched,
            matched_by_former_code: former,
            unmatched,
            communes: codes.len(),
            territory_covered: covered,
            territory_missing: missing,
            code_property: property,
            properties: properties(raw).into_iter().map(str::to_string).collect(),
            projection: raw.projection.label().to_string(),
            positions,
            positions_kept,
        };
        Ok(PreparedContours {
            preview,
            shapes: codes.into_iter().zip(simplified).collect(),
            source,
        })
    }

    /// How many of the territory's communes have a contour once `codes` are added, and how
    /// many still miss one.
    fn territory_coverage(&self, codes: &[String]) -> CoreResult<(usize, usize)> {
        let territory: Vec<String> = self
            .conn
            .prepare_cached("SELECT insee FROM territory_commune WHERE territory_id = 1")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let has: std::collections::HashSet<&String> = codes.iter().collect();
        let existing: std::collections::HashSet<String> = self
            .conn
            .prepare_cached("SELECT insee FROM commune_contour")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let covered = territory
            .iter()
            .filter(|c| has.contains(c) || existing.contains(*c))
            .count();
        Ok((covered, territory.len() - covered))
    }

    /// Writes prepared contours in one transaction (replacing those of the same communes);
    /// returns how many communes were written.
    pub fn write_contours(&mut self, prepared: &PreparedContours) -> CoreResult<usize> {
        self.write_contours_with(prepared, &Progress::none())
    }

    /// [`Store::write_contours`], reporting the communes written; cancelled, nothing is.
    pub fn write_contours_with(
        &mut self,
        prepared: &PreparedContours,
        progress: &Progress,
    ) -> CoreResult<usize> {
        let total = Some(prepared.shapes.len() as u64);
        if prepared.shapes.is_empty() {
            return Err(CoreError::validation(
                "file",
                "contours.none_matched",
                "Aucune entité du fichier ne correspond à une commune : choisissez la propriété qui porte le code INSEE.",
            ));
        }
        let at = now();
        let tx = self.conn.transaction()?;
        {
            let mut st = tx.prepare(
                "INSERT OR REPLACE INTO commune_contour
                   (insee, shape, min_lon, min_lat, max_lon, max_lat, points, source, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for (i, (insee, shape)) in prepared.shapes.iter().enumerate() {
                progress.step(Phase::Writing, i as u64, total)?;
                let Some(b) = shape.bounding_rect() else {
                    continue;
                };
                let points = positions_of(shape);
                st.execute(rusqlite::params![
                    insee,
                    crate::geo::codec::encode(shape),
                    b.min().x,
                    b.min().y,
                    b.max().x,
                    b.max().y,
                    points as i64,
                    prepared.source,
                    at
                ])?;
            }
        }
        tx.commit()?;
        Ok(prepared.shapes.len())
    }
}

#[cfg(test)]
#[path = "contours_tests.rs"]
mod tests;
