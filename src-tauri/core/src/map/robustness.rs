//! Property-based tests of the contours import (issue 27), like the other import paths
//! (`exchange::robustness`): GeoJSON and GeoPackage files generated, then mutated or crafted
//! to be hostile — deep nesting, huge coordinate arrays, NaN and infinities, rings of one
//! point, wrong headers, truncated WKB, a view or a trigger in the file. Whatever the file:
//! no panic, a clear French error or a clean import, and a refused one changes nothing.
//!
//! Cases: `CATALYSE_FUZZ_CASES` (200 by default; `scripts/test.sh` runs 500).

use crate::db::store::Store;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::cell::{Cell, RefCell};

fn cases() -> u32 {
    std::env::var("CATALYSE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

/// Codes a feature may carry: the demo's, real ones, a former one, wrong ones.
const CODES: &[&str] = &[
    "00001", "00002", "00010", "22278", "22106", "22093", "99999", "2A004", "", "abc", "00001 ",
];

/// A coordinate: ordinary, at the edges, or hostile.
fn coordinate() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (-5.0f64..9.0).prop_map(|v| format!("{v:.5}")),
        2 => (42.0f64..51.0).prop_map(|v| format!("{v:.5}")),
        1 => (100_000.0f64..1_200_000.0).prop_map(|v| format!("{v:.1}")),
        1 => prop::sample::select(vec![
            "NaN", "Infinity", "-Infinity", "1e309", "-1e309", "null", "\"2\"", "[]", "{}",
            "1e-320", "0", "-0", "180.0000001", "90.1",
        ])
        .prop_map(str::to_string),
    ]
}

/// A ring of `n` positions, closed or not (a ring of one point, of none, unclosed…).
fn ring() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((coordinate(), coordinate()), 0..9),
        any::<bool>(),
    )
        .prop_map(|(points, close)| {
            let mut p: Vec<String> = points.iter().map(|(x, y)| format!("[{x},{y}]")).collect();
            if close && !p.is_empty() {
                p.push(p[0].clone());
            }
            format!("[{}]", p.join(","))
        })
}

/// A square around a point, a valid ring to mix with hostile ones.
fn square(lon: f64, lat: f64) -> String {
    let d = 0.01;
    format!(
        "[[{a},{b}],[{c},{b}],[{c},{e}],[{a},{e}],[{a},{b}]]",
        a = lon - d,
        b = lat - d,
        c = lon + d,
        e = lat + d
    )
}

fn geometry() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (-4.0f64..7.0, 43.0f64..50.0).prop_map(|(x, y)| format!(
            r#"{{"type":"Polygon","coordinates":[{}]}}"#,
            square(x, y)
        )),
        3 => prop::collection::vec(ring(), 0..3).prop_map(|rings| format!(
            r#"{{"type":"Polygon","coordinates":[{}]}}"#,
            rings.join(",")
        )),
        2 => prop::collection::vec(prop::collection::vec(ring(), 1..3), 0..3).prop_map(|polys| {
            let p: Vec<String> = polys.iter().map(|r| format!("[{}]", r.join(","))).collect();
            format!(r#"{{"type":"MultiPolygon","coordinates":[{}]}}"#, p.join(","))
        }),
        1 => prop::sample::select(vec![
            r#"{"type":"Point","coordinates":[1,2]}"#,
            r#"{"type":"LineString","coordinates":[[1,2],[3,4]]}"#,
            r#"{"type":"GeometryCollection","geometries":[]}"#,
            r#"{"type":"Polygon"}"#,
            r#"{"type":"Polygon","coordinates":"x"}"#,
            "null",
            "42",
        ])
        .prop_map(str::to_string),
    ]
}

fn feature() -> impl Strategy<Value = String> {
    (
        prop::sample::select(CODES),
        prop::sample::select(vec!["INSEE_COM", "code", "insee", "nom"]),
        geometry(),
    )
        .prop_map(|(code, key, g)| {
            format!(
                r#"{{"type":"Feature","properties":{{"{key}":"{code}","NOM":"C"}},"geometry":{g}}}"#
            )
        })
}

/// A feature collection, sometimes with a Lambert-93 `crs`.
fn collection() -> impl Strategy<Value = Vec<u8>> {
    (prop::collection::vec(feature(), 0..6), any::<bool>()).prop_map(|(f, crs)| {
        let crs = if crs {
            r#""crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"#
        } else {
            ""
        };
        format!(
            r#"{{"type":"FeatureCollection",{crs}"features":[{}]}}"#,
            f.join(",")
        )
        .into_bytes()
    })
}

/// A whole file: a collection, or something hostile.
fn geojson() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => collection(),
        // Byte-level damage to a file that was fine.
        3 => (collection(), prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6))
            .prop_map(|(mut bytes, edits)| {
                for (i, b) in edits {
                    if !bytes.is_empty() {
                        let at = i.index(bytes.len());
                        bytes[at] = b;
                    }
                }
                bytes
            }),
        // Nesting deeper than any parser should follow.
        1 => (64usize..20_000).prop_map(|depth| {
            format!(r#"{{"type":"Polygon","coordinates":{}1{}}}"#, "[".repeat(depth), "]".repeat(depth)).into_bytes()
        }),
        // A ring of many positions (a hundred thousand at most: the run stays short).
        1 => (1_000usize..100_000).prop_map(|n| {
            let mut ring: Vec<String> = (0..n)
                .map(|i| {
                    let a = i as f64 / n as f64 * std::f64::consts::TAU;
                    format!("[{:.6},{:.6}]", 2.0 + 0.05 * a.cos(), 47.0 + 0.05 * a.sin())
                })
                .collect();
            ring.push(ring[0].clone());
            format!(
                r#"{{"type":"Feature","properties":{{"INSEE_COM":"00001"}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}"#,
                ring.join(",")
            )
            .into_bytes()
        }),
    ]
}

/// The contours stored, as a fingerprint.
fn stored(s: &Store) -> Vec<(String, Vec<u8>)> {
    s.conn
        .prepare("SELECT insee, shape FROM commune_contour ORDER BY insee")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn base() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    crate::demo::populate(&mut s).unwrap();
    s
}

/// Reads, matches and writes `raw`'s result; a refusal leaves the contours as they were.
fn import(
    store: &RefCell<Store>,
    read: crate::shared::error::CoreResult<crate::geo::contours::RawContours>,
) -> Result<bool, TestCaseError> {
    let mut s = store.borrow_mut();
    let before = stored(&s);
    let done = read
        .and_then(|raw| s.prepare_read_contours(&raw, None, "fuzz".into()))
        .and_then(|p| s.write_contours(&p));
    match done {
        Ok(_) => {
            for (insee, shape) in stored(&s) {
                prop_assert!(
                    crate::geo::codec::decode(&shape).is_ok(),
                    "{insee}: a stored shape that does not decode"
                );
            }
            // The map still draws.
            prop_assert!(s.map_shapes(0, 2_000).is_ok());
            Ok(true)
        }
        Err(e) => {
            prop_assert!(!e.to_string().trim().is_empty(), "an error says something");
            prop_assert_eq!(stored(&s), before, "a refused import changed the contours");
            Ok(false)
        }
    }
}

fn report(name: &str, ok: u32, refused: u32) {
    println!(
        "fuzz {name}: {} cases, {ok} imported, {refused} refused with a message and nothing changed, no panic",
        ok + refused
    );
}

#[test]
#[ignore = "property-based run: scripts/test.sh runs it with --ignored --nocapture"]
fn geojson_contours_never_panic_and_a_refused_file_changes_nothing() {
    let store = RefCell::new(base());
    let (ok, refused) = (Cell::new(0u32), Cell::new(0u32));
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&geojson(), |bytes| {
            let read = crate::geo::contours::read_geojson(&bytes);
            let counter = if import(&store, read)? { &ok } else { &refused };
            counter.set(counter.get() + 1);
            Ok(())
        })
        .unwrap();
    report("GeoJSON contours", ok.get(), refused.get());
    assert!(ok.get() > 0 && refused.get() > 0, "both outcomes reached");
}

/// A GeoPackage geometry: its header (flags, SRS, envelope) and its WKB, then damaged.
fn gpkg_blob() -> impl Strategy<Value = Vec<u8>> {
    let square = (
        600_000.0f64..1_000_000.0,
        6_200_000.0f64..7_000_000.0,
        prop::sample::select(vec![2154i32, 2154, 4326, 3857]),
        // Little-endian, with no envelope or one of 4, 6, 6 or 8 numbers.
        prop::sample::select(vec![1u8, 3, 5, 7, 9]),
    )
        .prop_map(|(x, y, srs, flags)| {
            let (x, y) = if srs == 4326 {
                (x / 200_000.0 - 2.0, y / 150_000.0)
            } else {
                (x, y)
            };
            let d = if srs == 4326 { 0.01 } else { 1000.0 };
            let ring = [(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)];
            let mut b = vec![b'G', b'P', 0, flags];
            b.extend(srs.to_le_bytes());
            // An envelope when the flags say so (1: 32 bytes; 2, 3: 48; 4: 64).
            let envelope = match (flags >> 1) & 7 {
                1 => 4,
                2 | 3 => 6,
                4 => 8,
                _ => 0,
            };
            for _ in 0..envelope {
                b.extend(0f64.to_le_bytes());
            }
            b.push(1);
            b.extend(3u32.to_le_bytes());
            b.extend(1u32.to_le_bytes());
            b.extend((ring.len() as u32).to_le_bytes());
            for (x, y) in ring {
                b.extend(x.to_le_bytes());
                b.extend(y.to_le_bytes());
            }
            b
        });
    prop_oneof![
        4 => square.clone(),
        3 => (square.clone(), prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6))
            .prop_map(|(mut b, edits)| {
                for (i, v) in edits {
                    let at = i.index(b.len());
                    b[at] = v;
                }
                b
            }),
        2 => (square, any::<prop::sample::Index>()).prop_map(|(b, i)| b[..i.index(b.len())].to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..64),
        // A WKB that claims four billion rings.
        1 => Just({
            let mut b = b"GP\0\x01".to_vec();
            b.extend(2154i32.to_le_bytes());
            b.push(1);
            b.extend(3u32.to_le_bytes());
            b.extend(u32::MAX.to_le_bytes());
            b
        }),
    ]
}

/// What the file holds besides its features: nothing, or traps that must not run or be read.
fn gpkg_extra() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "",
        "CREATE VIEW piege AS SELECT 1 AS geom; INSERT INTO gpkg_contents VALUES ('piege', 'features'); INSERT INTO gpkg_geometry_columns VALUES ('piege', 'geom');",
        "CREATE TABLE journal (x); CREATE TRIGGER t AFTER INSERT ON commune BEGIN INSERT INTO journal VALUES (1); END;",
        "INSERT INTO gpkg_contents VALUES ('absente', 'features'); INSERT INTO gpkg_geometry_columns VALUES ('absente', 'geom');",
        "DROP TABLE gpkg_geometry_columns;",
        "UPDATE gpkg_geometry_columns SET column_name = 'nom';",
    ])
}

#[test]
#[ignore = "property-based run: scripts/test.sh runs it with --ignored --nocapture"]
fn geopackage_contours_never_panic_and_a_refused_file_changes_nothing() {
    let dir = tempfile::TempDir::new().unwrap();
    let store = RefCell::new(base());
    let (ok, refused, n) = (Cell::new(0u32), Cell::new(0u32), Cell::new(0u32));
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let features = prop::collection::vec((prop::sample::select(CODES), gpkg_blob()), 0..5);
    runner
        .run(&(features, gpkg_extra()), |(features, extra)| {
            n.set(n.get() + 1);
            let path = dir.path().join(format!("f{}.gpkg", n.get()));
            let c = rusqlite::Connection::open(&path).unwrap();
            c.execute_batch(
                "CREATE TABLE gpkg_contents (table_name TEXT, data_type TEXT);
                 CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT);
                 CREATE TABLE commune (fid INTEGER PRIMARY KEY, geom BLOB, insee_com TEXT, nom TEXT);
                 INSERT INTO gpkg_contents VALUES ('commune', 'features');
                 INSERT INTO gpkg_geometry_columns VALUES ('commune', 'geom');",
            )
            .unwrap();
            for (code, blob) in &features {
                c.execute(
                    "INSERT INTO commune (geom, insee_com, nom) VALUES (?1, ?2, 'C')",
                    rusqlite::params![blob, code],
                )
                .unwrap();
            }
            c.execute_batch(extra).unwrap();
            drop(c);
            let before = std::fs::read(&path).unwrap();
            let read = crate::map::contours::read_contours_file(&path);
            prop_assert_eq!(std::fs::read(&path).unwrap(), before, "the file was written to");
            let counter = if import(&store, read)? { &ok } else { &refused };
            counter.set(counter.get() + 1);
            Ok(())
        })
        .unwrap();
    report("GeoPackage contours", ok.get(), refused.get());
    assert!(ok.get() > 0 && refused.get() > 0, "both outcomes reached");
}
