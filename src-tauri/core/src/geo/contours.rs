//! Commune contours read from the files public bodies publish (issue 27): GeoJSON (RFC 7946
//! in WGS84 degrees, or Lambert-93 / EPSG:2154 metres with a legacy `crs` member) and the
//! geometries of a GeoPackage (its binary header, then WKB; the SQLite file itself is read in
//! `map::contours`). Every file is untrusted: sizes are bounded, every ring is checked
//! (closed, at least four positions, finite coordinates, on the Earth), and a fault names the
//! feature; nothing is half-read.

use crate::shared::error::{CoreError, CoreResult};
use geo::{Coord, LineString, MultiPolygon, Polygon};

/// Most features one file may hold (France has about 35,000 communes; the files of former
/// communes hold more).
pub const MAX_FEATURES: usize = 200_000;

/// Most positions one file may hold (France's communes at IGN's full resolution hold about
/// 25 million; files meant for maps, far fewer).
pub const MAX_POSITIONS: usize = 40_000_000;

/// Most bytes a contours file may have.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// The coordinate system of the file's positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Projection {
    /// Longitude and latitude in degrees (EPSG:4326, CRS84).
    Wgs84,
    /// Lambert-93 (EPSG:2154) metres: reprojected to degrees when read. `deduced`: the file
    /// did not say so, its coordinates did.
    Lambert93 { deduced: bool },
}

impl Projection {
    /// As the preview names it.
    pub fn label(self) -> &'static str {
        match self {
            Projection::Wgs84 => "EPSG:4326",
            Projection::Lambert93 { deduced: false } => "EPSG:2154",
            Projection::Lambert93 { deduced: true } => "EPSG:2154 (déduit des coordonnées)",
        }
    }
}

/// A feature as read: its position in the file, its properties as text, its shape in degrees
/// (longitude, latitude).
#[derive(Debug, Clone, PartialEq)]
pub struct RawFeature {
    pub index: usize,
    pub properties: Vec<(String, String)>,
    pub shape: MultiPolygon<f64>,
}

/// The features of a file, in degrees, and the coordinate system they came in.
#[derive(Debug, Clone, PartialEq)]
pub struct RawContours {
    pub features: Vec<RawFeature>,
    pub projection: Projection,
}

pub(crate) fn invalid(message: String) -> CoreError {
    CoreError::validation("file", "contours.invalid", message)
}

/// A feature named for a message: its number (from 1) and, when found, its code.
pub(crate) fn feature_label(index: usize, properties: &[(String, String)]) -> String {
    let code = properties
        .iter()
        .find(|(k, _)| crate::geo::contours::is_code_key(k))
        .map(|(_, v)| {
            format!(
                " (code « {} »)",
                crate::shared::text::truncate_for_message(v)
            )
        })
        .unwrap_or_default();
    format!("L'entité n° {}{code}", index + 1)
}

/// Reads a GeoJSON text: a FeatureCollection, a Feature or a bare geometry; Polygons and
/// MultiPolygons (other geometries are refused, named). A `crs` member naming EPSG:2154
/// (or Lambert-93 coordinates without one) is reprojected.
pub fn read_geojson(bytes: &[u8]) -> CoreResult<RawContours> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let doc: geojson::GeoJson = serde_json::from_slice(text).map_err(|e| {
        invalid(format!(
            "Ce fichier n'est pas un GeoJSON lisible ({e}) : exportez-le de nouveau, ou donnez le fichier GeoPackage."
        ))
    })?;
    let (features, crs) = match doc {
        geojson::GeoJson::FeatureCollection(fc) => {
            let crs = fc
                .foreign_members
                .as_ref()
                .and_then(|m| m.get("crs"))
                .map(|c| c.to_string());
            (fc.features, crs)
        }
        geojson::GeoJson::Feature(f) => (vec![f], None),
        geojson::GeoJson::Geometry(g) => (vec![geojson::Feature::from(g)], None),
    };
    if features.len() > MAX_FEATURES {
        return Err(invalid(format!(
            "Le fichier compte {} entités ; Catalyse en lit {MAX_FEATURES} au plus.",
            features.len()
        )));
    }
    let mut positions = 0usize;
    let mut out = Vec::with_capacity(features.len());
    for (index, f) in features.into_iter().enumerate() {
        let properties = properties_of(f.properties.as_ref());
        let label = || feature_label(index, &properties);
        let Some(geometry) = f.geometry else {
            return Err(invalid(format!("{} n'a pas de géométrie.", label())));
        };
        let polygons: Vec<&geojson::PolygonType> = match &geometry.value {
            geojson::GeometryValue::Polygon { coordinates } => vec![coordinates],
            geojson::GeometryValue::MultiPolygon { coordinates } => coordinates.iter().collect(),
            _ => {
                return Err(invalid(format!(
                    "{} n'est pas un polygone : un contour de commune est un Polygon ou un MultiPolygon.",
                    label()
                )))
            }
        };
        let mut shape = Vec::with_capacity(polygons.len());
        for rings in polygons {
            let rings: Vec<Vec<(f64, f64)>> = rings
                .iter()
                .map(|ring| {
                    ring.iter()
                        .map(|p| match p.as_slice() {
                            [x, y, ..] => Ok((*x, *y)),
                            _ => Err(invalid(format!(
                                "{} a une position sans ses deux coordonnées.",
                                label()
                            ))),
                        })
                        .collect::<CoreResult<Vec<_>>>()
                })
                .collect::<CoreResult<_>>()?;
            positions += rings.iter().map(Vec::len).sum::<usize>();
            if positions > MAX_POSITIONS {
                return Err(too_many_positions());
            }
            shape.push(rings);
        }
        out.push((index, properties, shape));
    }
    let projection = projection_of(crs.as_deref(), &out)?;
    finish(out, projection)
}

fn too_many_positions() -> CoreError {
    invalid(format!(
        "Le fichier compte plus de {MAX_POSITIONS} positions : prenez une version simplifiée des contours (celles faites pour les cartes)."
    ))
}

/// Rings of a feature as read: polygons, each its rings (outer first), each its positions.
pub type Rings = Vec<Vec<Vec<(f64, f64)>>>;

/// A feature as read: its number in the file (from 1), its properties as text, its polygons.
pub type ReadFeature = (usize, Vec<(String, String)>, Rings);

/// The properties as text (strings as they are, numbers written out; others left out).
fn properties_of(p: Option<&geojson::JsonObject>) -> Vec<(String, String)> {
    let Some(p) = p else { return Vec::new() };
    p.iter()
        .filter_map(|(k, v)| match v {
            serde_json::Value::String(s) => Some((k.clone(), s.clone())),
            serde_json::Value::Number(n) => Some((k.clone(), n.to_string())),
            _ => None,
        })
        .collect()
}

/// Whether a property's name is one files commonly give the INSEE code under.
pub fn is_code_key(key: &str) -> bool {
    const KEYS: &[&str] = &[
        "code",
        "insee",
        "insee_com",
        "code_insee",
        "codeinsee",
        "code_com",
        "codgeo",
        "com",
        "cog",
        "inseecom",
        "code_commune",
    ];
    KEYS.contains(&key.to_ascii_lowercase().as_str())
}

/// The file's coordinate system: its `crs` member, else what its coordinates are.
fn projection_of(crs: Option<&str>, features: &[ReadFeature]) -> CoreResult<Projection> {
    if let Some(crs) = crs {
        if crs.contains("2154") {
            return Ok(Projection::Lambert93 { deduced: false });
        }
        if !(crs.contains("4326") || crs.contains("CRS84")) {
            return Err(invalid(format!(
                "Le fichier est dans un système de coordonnées que Catalyse ne lit pas ({}) : exportez-le en WGS84 (EPSG:4326) ou en Lambert-93 (EPSG:2154).",
                crate::shared::text::truncate_for_message(crs)
            )));
        }
        return Ok(Projection::Wgs84);
    }
    let first = features
        .iter()
        .flat_map(|f| f.2.iter().flatten().flatten())
        .next();
    Ok(match first {
        Some((x, y))
            if (50_000.0..1_300_000.0).contains(x) && (6_000_000.0..7_200_000.0).contains(y) =>
        {
            Projection::Lambert93 { deduced: true }
        }
        _ => Projection::Wgs84,
    })
}

/// The features in degrees, every ring checked.
pub fn finish(features: Vec<ReadFeature>, projection: Projection) -> CoreResult<RawContours> {
    let lambert = match projection {
        Projection::Wgs84 => None,
        Projection::Lambert93 { .. } => Some(Lambert93::new()),
    };
    let mut out = Vec::with_capacity(features.len());
    for (index, properties, polygons) in features {
        let label = || feature_label(index, &properties);
        let mut shape = Vec::with_capacity(polygons.len());
        for rings in polygons {
            let mut checked = Vec::with_capacity(rings.len());
            for (r, ring) in rings.into_iter().enumerate() {
                let ring = match &lambert {
                    Some(l) => l.to_degrees(&ring).ok_or_else(|| {
                        invalid(format!("{} a des coordonnées hors de la France métropolitaine et des outre-mer en Lambert-93.", label()))
                    })?,
                    None => ring,
                };
                check_ring(&ring).map_err(|why| {
                    invalid(format!(
                        "{} a un contour invalide (anneau {}) : {why}.",
                        label(),
                        r + 1
                    ))
                })?;
                checked.push(LineString::from(
                    ring.into_iter()
                        .map(|(x, y)| Coord { x, y })
                        .collect::<Vec<_>>(),
                ));
            }
            let mut rings = checked.into_iter();
            let Some(outer) = rings.next() else {
                return Err(invalid(format!("{} a un polygone sans contour.", label())));
            };
            shape.push(Polygon::new(outer, rings.collect()));
        }
        if shape.is_empty() {
            return Err(invalid(format!("{} n'a aucun polygone.", label())));
        }
        out.push(RawFeature {
            index,
            properties,
            shape: MultiPolygon(shape),
        });
    }
    Ok(RawContours {
        features: out,
        projection,
    })
}

/// Why a ring (in degrees) is not one: too short, not closed, a coordinate not finite or off
/// the Earth.
fn check_ring(ring: &[(f64, f64)]) -> Result<(), &'static str> {
    if ring.len() < 4 {
        return Err("moins de quatre positions");
    }
    if ring
        .iter()
        .any(|(x, y)| !x.is_finite() || !y.is_finite() || x.abs() > 180.0 || y.abs() > 90.0)
    {
        return Err("une coordonnée n'est pas une longitude et une latitude");
    }
    if ring.first() != ring.last() {
        return Err("il n'est pas fermé (sa dernière position n'est pas la première)");
    }
    Ok(())
}

/// A GeoPackage geometry (its binary header, then WKB) as rings, and its `srs_id`; an error
/// says what is wrong with it. Polygons and MultiPolygons only; Z and M values are dropped.
pub fn read_gpkg_geometry(blob: &[u8]) -> Result<(i32, Rings), String> {
    use geo_traits::to_geo::ToGeoGeometry;
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err("ce n'est pas une géométrie GeoPackage (en-tête « GP » absent)".into());
    }
    let flags = blob[3];
    let little = flags & 1 == 1;
    let srs = [blob[4], blob[5], blob[6], blob[7]];
    let srs_id = if little {
        i32::from_le_bytes(srs)
    } else {
        i32::from_be_bytes(srs)
    };
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        _ => return Err("son en-tête annonce une enveloppe inconnue".into()),
    };
    if flags & 0b1_0000 != 0 {
        return Err("la géométrie est vide".into());
    }
    let wkb = blob
        .get(8 + envelope..)
        .ok_or("la géométrie est tronquée")?;
    // The WKB reader panics on some damaged geometries (a point shorter than it says, found by
    // the 10,000-case property run): such a geometry is refused like any unreadable one.
    let geometry = std::panic::catch_unwind(|| {
        wkb::reader::read_wkb(wkb)
            .map_err(|e| format!("sa géométrie (WKB) est illisible : {e}"))
            .map(|g| g.try_to_geometry())
    })
    .unwrap_or_else(|_| Err("sa géométrie (WKB) est abîmée".into()))?
    .ok_or("la géométrie est vide")?;
    let polygons = match geometry {
        geo::Geometry::Polygon(p) => vec![p],
        geo::Geometry::MultiPolygon(m) => m.0,
        _ => return Err("ce n'est pas un polygone".into()),
    };
    let rings = polygons
        .into_iter()
        .map(|p| {
            let (outer, inner) = p.into_inner();
            std::iter::once(outer)
                .chain(inner)
                .map(|r| r.0.into_iter().map(|c| (c.x, c.y)).collect())
                .collect()
        })
        .collect();
    Ok((srs_id, rings))
}

/// Lambert-93 (EPSG:2154) to WGS84 degrees (proj4rs, PROJ's definitions).
pub(crate) struct Lambert93 {
    from: proj4rs::Proj,
    to: proj4rs::Proj,
}

impl Lambert93 {
    pub(crate) fn new() -> Lambert93 {
        Lambert93 {
            from: proj4rs::Proj::from_proj_string(
                "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs +type=crs",
            )
            .expect("a valid projection (tested)"),
            to: proj4rs::Proj::from_proj_string("+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs")
                .expect("a valid projection (tested)"),
        }
    }

    /// A ring in degrees; `None` when a position cannot be reprojected.
    pub(crate) fn to_degrees(&self, ring: &[(f64, f64)]) -> Option<Vec<(f64, f64)>> {
        ring.iter()
            .map(|&(x, y)| {
                if !x.is_finite() || !y.is_finite() || x.abs() > 1e8 || y.abs() > 1e8 {
                    return None;
                }
                let (lon, lat) =
                    proj4rs::adaptors::transform_xy(&self.from, &self.to, x, y).ok()?;
                Some((lon.to_degrees(), lat.to_degrees()))
            })
            .collect()
    }
}

#[cfg(test)]
#[path = "contours_tests.rs"]
mod tests;
