//! The contours readers: GeoJSON in degrees and in Lambert-93, GeoPackage geometries, and
//! the faults of hostile files, each named.

use super::*;

fn square(x: f64, y: f64, size: f64) -> String {
    format!(
        "[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]",
        x + size,
        x + size,
        y + size,
        y + size
    )
}

fn collection(features: &[(&str, String)], crs: &str) -> String {
    let features: Vec<String> = features
        .iter()
        .map(|(code, coords)| {
            format!(
                r#"{{"type":"Feature","properties":{{"INSEE_COM":"{code}","NOM":"X"}},"geometry":{{"type":"Polygon","coordinates":{coords}}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection"{crs},"features":[{}]}}"#,
        features.join(",")
    )
}

#[test]
fn geojson_in_degrees_is_read_with_its_properties() {
    let text = collection(&[("22278", square(-2.8, 48.5, 0.01))], "");
    let c = read_geojson(text.as_bytes()).unwrap();
    assert_eq!(c.projection, Projection::Wgs84);
    assert_eq!(c.features.len(), 1);
    let f = &c.features[0];
    assert!(f.properties.contains(&("INSEE_COM".into(), "22278".into())));
    assert_eq!(f.shape.0[0].exterior().0.len(), 5);
}

#[test]
fn lambert_93_is_reprojected_whether_the_file_says_so_or_not() {
    // The projection's origin: 3° E, 46.5° N is (700 000, 6 600 000).
    let crs = r#","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}}"#;
    for (crs, deduced) in [(crs, false), ("", true)] {
        let text = collection(&[("22278", square(700_000.0, 6_600_000.0, 1000.0))], crs);
        let c = read_geojson(text.as_bytes()).unwrap();
        assert_eq!(c.projection, Projection::Lambert93 { deduced });
        let p = c.features[0].shape.0[0].exterior().0[0];
        assert!(
            (p.x - 3.0).abs() < 1e-7 && (p.y - 46.5).abs() < 1e-7,
            "{p:?}"
        );
    }
    let other = r#","crs":{"type":"name","properties":{"name":"EPSG:3857"}}"#;
    let e =
        read_geojson(collection(&[("1", square(0.0, 0.0, 1.0))], other).as_bytes()).unwrap_err();
    assert!(e.to_string().contains("3857"), "{e}");
}

#[test]
fn a_hostile_geojson_is_refused_naming_the_feature() {
    let open = "[[[2.0,47.0],[2.1,47.0],[2.1,47.1],[2.0,47.1]]]".to_string();
    let short = "[[[2.0,47.0],[2.1,47.0],[2.0,47.0]]]".to_string();
    let off = "[[[2.0,47.0],[200.0,47.0],[2.1,47.1],[2.0,47.0]]]".to_string();
    for (coords, words) in [
        (open, "n'est pas fermé"),
        (short, "moins de quatre positions"),
        (off, "longitude"),
    ] {
        let text = collection(&[("22278", square(2.0, 47.0, 0.1)), ("22001", coords)], "");
        let e = read_geojson(text.as_bytes()).unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("n° 2") && m.contains("22001") && m.contains(words),
            "{m}"
        );
    }
    // Deep nesting, NaN, a point, a position of one number, not JSON at all.
    let deep = format!(
        r#"{{"type":"Polygon","coordinates":{}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let nan = r#"{"type":"Polygon","coordinates":[[[NaN,1],[2,1],[2,2],[NaN,1]]]}"#;
    let point = r#"{"type":"Point","coordinates":[2,47]}"#;
    let one = r#"{"type":"Polygon","coordinates":[[[2],[2,1],[2,2],[2]]]}"#;
    for text in [deep.as_str(), nan, point, one, "PK\u{3}\u{4}", ""] {
        let e = read_geojson(text.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), "validation", "{e}");
    }
}

/// A GeoPackage geometry: the header (little-endian, no envelope, `srs_id`), then WKB.
fn gpkg(srs_id: i32, polygons: &[Vec<Vec<(f64, f64)>>]) -> Vec<u8> {
    let mut b = b"GP\0\x01".to_vec();
    b.extend(srs_id.to_le_bytes());
    b.push(1);
    b.extend(6u32.to_le_bytes());
    b.extend((polygons.len() as u32).to_le_bytes());
    for rings in polygons {
        b.push(1);
        b.extend(3u32.to_le_bytes());
        b.extend((rings.len() as u32).to_le_bytes());
        for ring in rings {
            b.extend((ring.len() as u32).to_le_bytes());
            for (x, y) in ring {
                b.extend(x.to_le_bytes());
                b.extend(y.to_le_bytes());
            }
        }
    }
    b
}

#[test]
fn geopackage_geometries_are_read_and_their_faults_named() {
    let ring = vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)];
    let (srs, rings) = read_gpkg_geometry(&gpkg(2154, &[vec![ring.clone()]])).unwrap();
    assert_eq!((srs, rings), (2154, vec![vec![ring.clone()]]));
    let blob = gpkg(4326, &[vec![ring.clone()]]);
    for (bad, words) in [
        (b"XX\0\x01\0\0\0\0".to_vec(), "GP"),
        (blob[..blob.len() - 3].to_vec(), "illisible"),
        (blob[..6].to_vec(), "GP"),
    ] {
        let e = read_gpkg_geometry(&bad).unwrap_err();
        assert!(e.contains(words), "{e}");
    }
}

#[test]
fn a_geometry_the_wkb_reader_would_panic_on_is_refused() {
    // The case the 10,000-case run found: an envelope, then a WKB geometry of type 164 with a
    // ring of five positions; the `wkb` crate unwraps its own error on it.
    let mut b = vec![71u8, 80, 0, 5, 106, 8, 0, 0];
    b.extend([0u8; 48]);
    b.extend([1, 164, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0]);
    for (x, y) in [(0x4123_76a6_79a5_f861u64, 0x4157_a6b0_0000_0000u64); 5] {
        b.extend(x.to_le_bytes());
        b.extend(y.to_le_bytes());
    }
    let e = read_gpkg_geometry(&b).unwrap_err();
    assert!(e.contains("WKB"), "{e}");
    // Every truncation of a good geometry is refused, never a panic.
    let mut good = b"GP\0\x01".to_vec();
    good.extend(2154i32.to_le_bytes());
    good.push(1);
    good.extend(3u32.to_le_bytes());
    good.extend(1u32.to_le_bytes());
    good.extend(5u32.to_le_bytes());
    for (x, y) in [
        (0.0f64, 0.0f64),
        (1.0, 0.0),
        (1.0, 1.0),
        (0.0, 1.0),
        (0.0, 0.0),
    ] {
        good.extend(x.to_le_bytes());
        good.extend(y.to_le_bytes());
    }
    assert!(read_gpkg_geometry(&good).is_ok());
    for cut in 0..good.len() {
        assert!(read_gpkg_geometry(&good[..cut]).is_err(), "cut at {cut}");
    }
}
