//! A shape stored compactly: its polygons, rings and positions, each coordinate a
//! zigzag-varint delta of millionths of a degree (about 10 cm). Decoding reads untrusted
//! bytes (a workspace may be crafted): every count is bounded by what is left, and a fault is
//! an error, never a panic.

use geo::{Coord, LineString, MultiPolygon, Polygon};

/// Millionths of a degree.
const SCALE: f64 = 1e6;

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// The bytes of a shape (in degrees).
pub fn encode(shape: &MultiPolygon<f64>) -> Vec<u8> {
    let mut out = Vec::new();
    push_varint(&mut out, shape.0.len() as u64);
    let (mut px, mut py) = (0i64, 0i64);
    for p in &shape.0 {
        push_varint(&mut out, 1 + p.interiors().len() as u64);
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            push_varint(&mut out, ring.0.len() as u64);
            for c in &ring.0 {
                let (x, y) = ((c.x * SCALE).round() as i64, (c.y * SCALE).round() as i64);
                push_varint(&mut out, zigzag(x - px));
                push_varint(&mut out, zigzag(y - py));
                (px, py) = (x, y);
            }
        }
    }
    out
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn varint(&mut self) -> Result<u64, &'static str> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.at).ok_or("tronqué")?;
            self.at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err("nombre trop long")
    }

    /// A count, at most one per byte left (each item takes a byte at least).
    fn count(&mut self) -> Result<usize, &'static str> {
        let n = self.varint()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n > left {
            return Err("compte plus grand que le reste");
        }
        Ok(n as usize)
    }
}

/// The shape of some bytes; an error when they are not one.
pub fn decode(bytes: &[u8]) -> Result<MultiPolygon<f64>, &'static str> {
    let mut r = Reader { bytes, at: 0 };
    let (mut px, mut py) = (0i64, 0i64);
    let polygons = r.count()?;
    let mut out = Vec::with_capacity(polygons);
    for _ in 0..polygons {
        let rings = r.count()?;
        let mut all = Vec::with_capacity(rings);
        for _ in 0..rings {
            let n = r.count()?;
            let mut ring = Vec::with_capacity(n);
            for _ in 0..n {
                px = px.wrapping_add(unzigzag(r.varint()?));
                py = py.wrapping_add(unzigzag(r.varint()?));
                ring.push(Coord {
                    x: px as f64 / SCALE,
                    y: py as f64 / SCALE,
                });
            }
            all.push(LineString(ring));
        }
        let mut all = all.into_iter();
        let outer = all.next().ok_or("polygone sans contour")?;
        out.push(Polygon::new(outer, all.collect()));
    }
    if r.at != bytes.len() {
        return Err("octets en trop");
    }
    Ok(MultiPolygon(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shape_comes_back_to_the_decimetre_and_any_bytes_decode_or_fail_cleanly() {
        let ring =
            |x: f64| LineString::from(vec![(x, 47.0), (x + 0.1, 47.0), (x + 0.1, 47.1), (x, 47.0)]);
        let shape = MultiPolygon(vec![
            Polygon::new(ring(2.0), vec![ring(2.02)]),
            Polygon::new(ring(-1.5), vec![]),
        ]);
        let bytes = encode(&shape);
        let back = decode(&bytes).unwrap();
        for (a, b) in shape.0.iter().zip(&back.0) {
            for (p, q) in a.exterior().0.iter().zip(&b.exterior().0) {
                assert!((p.x - q.x).abs() < 1e-6 && (p.y - q.y).abs() < 1e-6);
            }
            assert_eq!(a.interiors().len(), b.interiors().len());
        }
        // Every prefix and a few mutations: an error or a shape, never a panic.
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n]).is_err());
        }
        let mut seed = 7u64;
        for _ in 0..2000 {
            let mut b = bytes.clone();
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let i = (seed >> 33) as usize % b.len();
            b[i] = (seed >> 17) as u8;
            let _ = decode(&b);
        }
        assert!(decode(&[0xff; 20]).is_err());
    }
}
