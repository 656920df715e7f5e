//! A local projection for drawing a territory: longitudes and latitudes in degrees to metres
//! east and north of the territory's centre (equirectangular, scaled by the cosine of the
//! centre's latitude). Over a département the error stays under a percent; over metropolitan
//! France a few percent, which a map of communes coloured by figures tolerates, and it holds
//! for the overseas départements too, where Lambert-93 does not.

use geo::MultiPolygon;

/// Metres per degree of latitude (mean).
const METRES_PER_DEGREE: f64 = 111_195.0;

/// The projection centred on a territory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Local {
    pub lon0: f64,
    pub lat0: f64,
    cos0: f64,
}

impl Local {
    /// Centred on the middle of a bounding box in degrees.
    pub fn centred(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> Self {
        let (lon0, lat0) = ((min_lon + max_lon) / 2.0, (min_lat + max_lat) / 2.0);
        Local {
            lon0,
            lat0,
            cos0: lat0.to_radians().cos(),
        }
    }

    /// A position in metres (east, north), rounded to the metre.
    pub fn project(&self, lon: f64, lat: f64) -> (i32, i32) {
        let x = (lon - self.lon0) * self.cos0 * METRES_PER_DEGREE;
        let y = (lat - self.lat0) * METRES_PER_DEGREE;
        (x.round() as i32, y.round() as i32)
    }

    /// A shape's polygons, each a list of rings (exterior first), each ring flat `x, y, …`
    /// in metres, its closing position left out and repeated positions merged.
    pub fn rings(&self, shape: &MultiPolygon<f64>) -> Vec<Vec<Vec<i32>>> {
        shape
            .0
            .iter()
            .map(|p| {
                std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .map(|ring| {
                        let n = ring.0.len().saturating_sub(1);
                        let mut flat: Vec<i32> = Vec::with_capacity(n * 2);
                        for c in &ring.0[..n] {
                            let (x, y) = self.project(c.x, c.y);
                            let len = flat.len();
                            if len >= 2 && flat[len - 2] == x && flat[len - 1] == y {
                                continue;
                            }
                            flat.extend([x, y]);
                        }
                        flat
                    })
                    .filter(|r| r.len() >= 6)
                    .collect::<Vec<_>>()
            })
            .filter(|p: &Vec<Vec<i32>>| !p.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};

    #[test]
    fn a_degree_east_at_the_centre_s_latitude_is_shorter_than_a_degree_north() {
        let l = Local::centred(-3.0, 48.0, -2.0, 49.0);
        let (x, y) = l.project(-1.5, 48.5);
        assert_eq!(y, 0);
        // At 48.5° N a degree of longitude is about 73.7 km.
        assert!((73_000..74_500).contains(&x), "{x}");
        let (_, north) = l.project(-2.5, 49.5);
        assert_eq!(north, 111_195);
    }

    #[test]
    fn rings_leave_out_the_closing_position_and_degenerate_rings() {
        let l = Local::centred(0.0, 45.0, 0.1, 45.1);
        let square = polygon![(x: 0.0, y: 45.0), (x: 0.1, y: 45.0), (x: 0.1, y: 45.1), (x: 0.0, y: 45.1), (x: 0.0, y: 45.0)];
        let tiny = polygon![(x: 0.0, y: 45.0), (x: 0.0000001, y: 45.0), (x: 0.0, y: 45.0000001), (x: 0.0, y: 45.0)];
        let r = l.rings(&MultiPolygon(vec![square, tiny]));
        assert_eq!(r.len(), 1, "the polygon smaller than a metre is left out");
        assert_eq!(r[0].len(), 1);
        assert_eq!(r[0][0].len(), 8);
    }
}
