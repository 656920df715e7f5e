//! Contours imported: matched by current and former codes, a merger's former communes
//! joined, unmatched features named, GeoPackage read, all or nothing.

use super::*;
use crate::geo::communes::AliasKind;

fn feature(code: &str, x: f64, y: f64) -> String {
    let s = 0.01;
    format!(
        r#"{{"type":"Feature","properties":{{"INSEE_COM":"{code}","NOM_COM":"Commune {code}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]}}}}"#,
        x + s,
        x + s,
        y + s,
        y + s
    )
}

fn write(dir: &Path, name: &str, features: &[String]) -> std::path::PathBuf {
    let path = dir.join(name);
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_former_communes_contour_is_joined_into_its_current_commune() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut s = Store::open_in_memory().unwrap();
    let former = cog()
        .aliases
        .iter()
        .find(|a| a.kind == AliasKind::FormerCode)
        .unwrap();
    // The current commune, its former one beside it, Saint-Brieuc, and a code INSEE lacks.
    let path = write(
        dir.path(),
        "contours.geojson",
        &[
            feature(&former.insee, 2.0, 47.0),
            feature(&former.code, 2.01, 47.0),
            feature("22278", -2.77, 48.51),
            feature("99999", 3.0, 45.0),
        ],
    );
    let p = s.prepare_contours(&path, None).unwrap();
    let v = &p.preview;
    assert_eq!(v.code_property.as_deref(), Some("INSEE_COM"));
    assert_eq!((v.features, v.matched, v.matched_by_former_code), (4, 2, 1));
    assert_eq!(v.communes, 2);
    assert_eq!(
        v.unmatched,
        vec![UnmatchedFeature {
            index: 3,
            code: Some("99999".into()),
            name: Some("Commune 99999".into())
        }]
    );
    assert_eq!(v.projection, "EPSG:4326");
    assert_eq!(s.write_contours(&p).unwrap(), 2);
    let (blob, min_lon, max_lon): (Vec<u8>, f64, f64) = s
        .conn
        .query_row(
            "SELECT shape, min_lon, max_lon FROM commune_contour WHERE insee = ?1",
            [&former.insee],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let shape = crate::geo::codec::decode(&blob).unwrap();
    assert_eq!(shape.0.len(), 1, "the two squares joined into one polygon");
    assert!((min_lon - 2.0).abs() < 1e-6 && (max_lon - 2.02).abs() < 1e-6);
}

#[test]
fn the_code_property_is_asked_when_not_found_and_nothing_matched_writes_nothing() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut s = Store::open_in_memory().unwrap();
    let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ident":"22278"},"geometry":{"type":"Polygon","coordinates":[[[2,47],[2.1,47],[2.1,47.1],[2,47]]]}}]}"#;
    let path = dir.path().join("c.geojson");
    std::fs::write(&path, text).unwrap();
    let p = s.prepare_contours(&path, None).unwrap();
    assert_eq!(p.preview.code_property, None);
    assert_eq!(p.preview.properties, vec!["ident".to_string()]);
    assert_eq!(p.preview.unmatched.len(), 1);
    let e = s.write_contours(&p).unwrap_err();
    assert!(e.to_string().contains("propriété"), "{e}");
    let p = s.prepare_contours(&path, Some("IDENT")).unwrap();
    assert_eq!(p.preview.matched, 1);
    let e = s.prepare_contours(&path, Some("code")).unwrap_err();
    assert!(e.to_string().contains("ident"), "{e}");
    let n: i64 = s
        .conn
        .query_row("SELECT count(*) FROM commune_contour", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}

/// A GeoPackage as IGN's ADMIN EXPRESS writes one: `gpkg_contents`, `gpkg_geometry_columns`,
/// a feature table in Lambert-93; plus a view named like a feature table (never read).
fn geopackage(path: &Path, code: &str) {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(
        "CREATE TABLE gpkg_contents (table_name TEXT, data_type TEXT);
         CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT);
         CREATE TABLE commune (fid INTEGER PRIMARY KEY, geom BLOB, insee_com TEXT, nom TEXT);
         CREATE VIEW piege AS SELECT 1 AS geom;
         INSERT INTO gpkg_contents VALUES ('commune', 'features'), ('piege', 'features');
         INSERT INTO gpkg_geometry_columns VALUES ('commune', 'geom'), ('piege', 'geom');",
    )
    .unwrap();
    let (x, y, d) = (700_000.0f64, 6_600_000.0f64, 1000.0f64);
    let ring = [(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)];
    let mut b = b"GP\0\x01".to_vec();
    b.extend(2154i32.to_le_bytes());
    b.push(1);
    b.extend(3u32.to_le_bytes());
    b.extend(1u32.to_le_bytes());
    b.extend((ring.len() as u32).to_le_bytes());
    for (x, y) in ring {
        b.extend(x.to_le_bytes());
        b.extend(y.to_le_bytes());
    }
    c.execute(
        "INSERT INTO commune (geom, insee_com, nom) VALUES (?1, ?2, 'Une commune')",
        rusqlite::params![b, code],
    )
    .unwrap();
}

#[test]
fn a_geopackage_in_lambert_93_is_read_its_views_never() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("ADMIN-EXPRESS.gpkg");
    geopackage(&path, "22278");
    let mut s = Store::open_in_memory().unwrap();
    let p = s.prepare_contours(&path, None).unwrap();
    assert_eq!((p.preview.features, p.preview.matched), (1, 1));
    assert_eq!(p.preview.projection, "EPSG:2154");
    s.write_contours(&p).unwrap();
    let (min_lon, min_lat): (f64, f64) = s
        .conn
        .query_row("SELECT min_lon, min_lat FROM commune_contour", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!((min_lon - 3.0).abs() < 1e-6 && (min_lat - 46.5).abs() < 1e-6);
    // Not a GeoPackage: a SQLite file without its tables.
    let other = dir.path().join("autre.gpkg");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    let e = s.prepare_contours(&other, None).unwrap_err();
    assert!(e.to_string().contains("GeoPackage"), "{e}");
}

#[test]
fn a_cancelled_contours_import_reports_and_writes_nothing() {
    use crate::shared::progress::Progress;
    let mut s = Store::open_in_memory().unwrap();
    crate::demo::populate(&mut s).unwrap();
    let raw = crate::geo::contours::read_geojson(crate::demo::contours::DEMO_CONTOURS.as_bytes())
        .unwrap();
    let cancelled = Progress::none();
    cancelled.cancel();
    let e = s
        .prepare_read_contours_with(&raw, None, "x".into(), &cancelled)
        .unwrap_err();
    assert_eq!(e.kind(), "cancelled", "{e}");
    let shapes = |s: &Store| -> String {
        s.conn
            .query_row(
                "SELECT group_concat(hex(shape)) FROM commune_contour",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let before = shapes(&s);
    let prepared = s.prepare_read_contours(&raw, None, "x".into()).unwrap();
    assert!(s.write_contours_with(&prepared, &cancelled).is_err());
    assert_eq!(shapes(&s), before, "nothing written");
    let sources: String = s
        .conn
        .query_row(
            "SELECT group_concat(DISTINCT source) FROM commune_contour",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sources, "demo-contours.geojson");
}
