//! The invented contours of the demo's ten communes (issue 27): a valley along a river, cut
//! into communes around their villages (a Voronoi diagram clipped to the valley's outline),
//! each border bent by a smooth noise that depends on the place only, so that neighbours keep
//! the same border. Generated once and committed (`data/demo-contours.geojson`); a test
//! checks the committed file is what this code gives, and the demo imports it through the
//! same path as a user's file.

use super::{commune_code, COMMUNES};
use geo::{BooleanOps, Coord, LineString, MultiPolygon, Polygon};

/// The committed file.
pub const DEMO_CONTOURS: &str = include_str!("../../data/demo-contours.geojson");

/// The villages (longitude, latitude), in the order of [`COMMUNES`]: upstream in the west.
const VILLAGES: [(f64, f64); 10] = [
    (6.020, 44.585), // Saint-Aubert-en-Verdanson, the valley's town
    (6.075, 44.600), // Larrieu
    (5.965, 44.565), // Montclar-sur-Verne
    (6.215, 44.625), // Les Orgières, upstream
    (6.260, 44.600), // Villard-Chaudon
    (5.910, 44.595), // Pré-Bérard
    (6.120, 44.570), // La Salce
    (6.175, 44.660), // Chanteloube-le-Haut
    (6.150, 44.610), // Serres-Vieilles
    (5.860, 44.560), // Aiguebrune, downstream
];

/// The valley's outline: its crests north and south, closed.
fn outline() -> Polygon<f64> {
    let (west, east) = (5.81, 6.31);
    let n = 40;
    let x = |i: usize| west + (east - west) * i as f64 / n as f64;
    let north = (0..=n).map(|i| {
        let x = x(i);
        Coord {
            x,
            y: 44.635 + 0.03 * ((x - 5.8) * 6.0).sin() + 0.012 * ((x - 5.8) * 23.0).sin(),
        }
    });
    let south = (0..=n).rev().map(|i| {
        let x = x(i);
        Coord {
            x,
            y: 44.535 + 0.018 * ((x - 5.8) * 9.0).cos() - 0.008 * ((x - 5.8) * 31.0).sin(),
        }
    });
    let mut ring: Vec<Coord<f64>> = north.chain(south).collect();
    ring.push(ring[0]);
    Polygon::new(LineString(ring), vec![])
}

/// The half of the plane nearer village `i` than village `j` (a large quadrilateral).
fn nearer(i: usize, j: usize) -> Polygon<f64> {
    let (a, b) = (VILLAGES[i], VILLAGES[j]);
    let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    let (dx, dy) = (a.0 - b.0, a.1 - b.1);
    let len = (dx * dx + dy * dy).sqrt();
    let (ux, uy) = (dx / len, dy / len); // towards a
    let (vx, vy) = (-uy, ux); // along the bisector
    let far = 10.0;
    let p = |s: f64, t: f64| Coord {
        x: mid.0 + s * vx + t * ux,
        y: mid.1 + s * vy + t * uy,
    };
    Polygon::new(
        LineString(vec![
            p(-far, 0.0),
            p(far, 0.0),
            p(far, far),
            p(-far, far),
            p(-far, 0.0),
        ]),
        vec![],
    )
}

/// A smooth displacement (in degrees) that depends on the place only.
fn noise(c: Coord<f64>) -> (f64, f64) {
    let a = (c.x * 310.0).sin() * (c.y * 270.0).cos() + 0.5 * (c.x * 730.0 + c.y * 510.0).sin();
    let b = (c.y * 330.0).sin() * (c.x * 290.0).cos() + 0.5 * (c.y * 690.0 - c.x * 470.0).cos();
    (a * 0.0012, b * 0.0009)
}

/// A ring whose edges are cut every 250 m or so and bent by [`noise`], the two ends of each
/// edge kept: an edge two cells share is cut at the same points from either side.
fn bend(ring: &LineString<f64>) -> LineString<f64> {
    let key = |c: Coord<f64>| ((c.x * 1e7).round() as i64, (c.y * 1e7).round() as i64);
    let mut out = Vec::new();
    for w in ring.0.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (from, to, reversed) = if key(a) <= key(b) {
            (a, b, false)
        } else {
            (b, a, true)
        };
        let len = ((to.x - from.x).powi(2) + (to.y - from.y).powi(2)).sqrt();
        let n = ((len / 0.003).ceil() as usize).max(1);
        let mut points: Vec<Coord<f64>> = (1..n)
            .map(|k| {
                let t = k as f64 / n as f64;
                let c = Coord {
                    x: from.x + t * (to.x - from.x),
                    y: from.y + t * (to.y - from.y),
                };
                let (dx, dy) = noise(c);
                Coord {
                    x: c.x + dx,
                    y: c.y + dy,
                }
            })
            .collect();
        if reversed {
            points.reverse();
        }
        out.push(a);
        out.extend(points);
    }
    out.push(ring.0[0]);
    LineString(out)
}

/// The communes' shapes, in the order of [`COMMUNES`].
pub fn generate() -> Vec<MultiPolygon<f64>> {
    let valley = MultiPolygon(vec![outline()]);
    (0..VILLAGES.len())
        .map(|i| {
            let cell = (0..VILLAGES.len())
                .filter(|&j| j != i)
                .fold(valley.clone(), |acc, j| {
                    acc.intersection(&MultiPolygon(vec![nearer(i, j)]))
                });
            MultiPolygon(
                cell.0
                    .iter()
                    .map(|p| {
                        Polygon::new(bend(p.exterior()), p.interiors().iter().map(bend).collect())
                    })
                    .collect(),
            )
        })
        .collect()
}

/// The GeoJSON text of the generated contours (coordinates to the millionth of a degree).
pub fn geojson() -> String {
    let ring = |r: &LineString<f64>| -> String {
        let points: Vec<String> =
            r.0.iter()
                .map(|c| format!("[{:.6},{:.6}]", c.x, c.y))
                .collect();
        format!("[{}]", points.join(","))
    };
    let features: Vec<String> = generate()
        .iter()
        .enumerate()
        .map(|(i, shape)| {
            let polygons: Vec<String> = shape
                .0
                .iter()
                .map(|p| {
                    let rings: Vec<String> =
                        std::iter::once(p.exterior()).chain(p.interiors()).map(ring).collect();
                    format!("[{}]", rings.join(","))
                })
                .collect();
            format!(
                "{{\"type\":\"Feature\",\"properties\":{{\"code\":\"{}\",\"nom\":\"{}\"}},\"geometry\":{{\"type\":\"MultiPolygon\",\"coordinates\":[{}]}}}}",
                commune_code(i),
                COMMUNES[i],
                polygons.join(",")
            )
        })
        .collect();
    format!(
        "{{\"type\":\"FeatureCollection\",\"name\":\"Communes inventées du Haut-Verdanson (démonstration)\",\"features\":[\n{}\n]}}\n",
        features.join(",\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `CATALYSE_WRITE_DEMO_CONTOURS=1 cargo test -p catalyse-core demo::contours` writes the
    /// file again (after a change to this code).
    #[test]
    fn the_committed_contours_are_what_the_generator_gives() {
        let text = geojson();
        if std::env::var_os("CATALYSE_WRITE_DEMO_CONTOURS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo-contours.geojson");
            std::fs::write(path, &text).unwrap();
            return;
        }
        assert!(
            text == DEMO_CONTOURS,
            "data/demo-contours.geojson is stale: see this test's doc"
        );
    }

    #[test]
    fn every_commune_is_one_piece_around_its_village_and_neighbours_touch() {
        use geo::{Area, Contains, Intersects};
        let shapes = generate();
        for (i, s) in shapes.iter().enumerate() {
            assert_eq!(s.0.len(), 1, "{}", COMMUNES[i]);
            let v = VILLAGES[i];
            assert!(
                s.contains(&Coord { x: v.0, y: v.1 }),
                "{} holds its village",
                COMMUNES[i]
            );
            assert!(s.unsigned_area() > 1e-4);
        }
        // Larrieu and Saint-Aubert are neighbours: their borders meet.
        assert!(shapes[0].intersects(&shapes[1]));
    }
}
