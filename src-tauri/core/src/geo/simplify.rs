//! Contours simplified for drawing with their topology kept: neighbours still touch. As
//! TopoJSON and mapshaper do, the rings are cut into arcs at the vertices where borders meet
//! (a vertex of more than two border edges), and each arc is simplified once
//! (Douglas-Peucker, in metres), so that the two communes on either side of a border draw the
//! same simplified line.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use std::collections::HashMap;

/// A vertex, its coordinates rounded to 1e-7 degree (about a centimetre): the same vertex of
/// two neighbours' rings is one key.
type Key = (i64, i64);

fn key(c: Coord<f64>) -> Key {
    ((c.x * 1e7).round() as i64, (c.y * 1e7).round() as i64)
}

fn coord(k: Key) -> Coord<f64> {
    Coord {
        x: k.0 as f64 / 1e7,
        y: k.1 as f64 / 1e7,
    }
}

/// The rings of every shape as vertex keys, without the closing repeat nor repeated vertices.
fn rings_of(shapes: &[MultiPolygon<f64>]) -> Vec<Vec<Vec<Vec<Key>>>> {
    shapes
        .iter()
        .map(|m| {
            m.0.iter()
                .map(|p| {
                    std::iter::once(p.exterior())
                        .chain(p.interiors())
                        .map(|r| {
                            let mut keys: Vec<Key> = r.0.iter().map(|c| key(*c)).collect();
                            keys.dedup();
                            if keys.len() > 1 && keys.first() == keys.last() {
                                keys.pop();
                            }
                            keys
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Simplifies every shape with `tolerance` metres, arcs shared between shapes simplified
/// once; a ring that would collapse keeps its vertices, a hole that would is left out.
pub fn simplify_shared(shapes: &[MultiPolygon<f64>], tolerance: f64) -> Vec<MultiPolygon<f64>> {
    let rings = rings_of(shapes);
    // Each vertex's distinct neighbours along the borders.
    let mut neighbours: HashMap<Key, Vec<Key>> = HashMap::new();
    for ring in rings.iter().flatten().flatten() {
        for i in 0..ring.len() {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            for (x, y) in [(a, b), (b, a)] {
                let n = neighbours.entry(x).or_default();
                if !n.contains(&y) {
                    n.push(y);
                }
            }
        }
    }
    let is_node = |k: &Key| neighbours.get(k).is_some_and(|n| n.len() != 2);
    let mut arcs: HashMap<(Key, Key, Key), Vec<Key>> = HashMap::new();
    let metres = Metres::around(shapes);
    shapes
        .iter()
        .zip(&rings)
        .map(|(shape, polygons)| {
            let simplified = polygons
                .iter()
                .zip(&shape.0)
                .filter_map(|(p, original)| {
                    let mut out = p.iter().enumerate().filter_map(|(r, ring)| {
                        let s = simplify_ring(ring, &is_node, &mut arcs, &metres, tolerance);
                        match (s.len() >= 3, r) {
                            (true, _) => Some(close(s)),
                            // The outer ring kept whole rather than lost.
                            (false, 0) => Some(original.exterior().clone()),
                            (false, _) => None,
                        }
                    });
                    let outer = out.next()?;
                    Some(Polygon::new(outer, out.collect()))
                })
                .collect();
            MultiPolygon(simplified)
        })
        .collect()
}

fn close(keys: Vec<Key>) -> LineString<f64> {
    let mut coords: Vec<Coord<f64>> = keys.into_iter().map(coord).collect();
    coords.push(coords[0]);
    LineString(coords)
}

/// One ring cut at its nodes into arcs, each simplified (once for all the rings that share
/// it), put back together.
fn simplify_ring(
    ring: &[Key],
    is_node: &dyn Fn(&Key) -> bool,
    arcs: &mut HashMap<(Key, Key, Key), Vec<Key>>,
    metres: &Metres,
    tolerance: f64,
) -> Vec<Key> {
    if ring.len() < 3 {
        return ring.to_vec();
    }
    // Start at a node; a ring without any (an island, or a commune inside another) at its
    // smallest vertex, the same for the ring on either side.
    let start = (0..ring.len())
        .find(|&i| is_node(&ring[i]))
        .unwrap_or_else(|| (0..ring.len()).min_by_key(|&i| ring[i]).unwrap_or(0));
    let turned: Vec<Key> = ring[start..]
        .iter()
        .chain(&ring[..start])
        .copied()
        .collect();
    let mut out: Vec<Key> = Vec::with_capacity(ring.len());
    let mut from = 0;
    for i in 1..=turned.len() {
        if i == turned.len() || is_node(&turned[i]) {
            let end = if i == turned.len() { 0 } else { i };
            let mut arc: Vec<Key> = turned[from..i].to_vec();
            arc.push(turned[end]);
            let simplified = shared_arc(&arc, arcs, metres, tolerance);
            out.extend_from_slice(&simplified[..simplified.len() - 1]);
            from = i;
        }
    }
    out
}

/// The simplified arc, computed once for both of its directions.
fn shared_arc(
    arc: &[Key],
    arcs: &mut HashMap<(Key, Key, Key), Vec<Key>>,
    metres: &Metres,
    tolerance: f64,
) -> Vec<Key> {
    let n = arc.len();
    let forward = (arc[0], arc[1]) <= (arc[n - 1], arc[n - 2]);
    let id = if forward {
        (arc[0], arc[1], arc[n - 1])
    } else {
        (arc[n - 1], arc[n - 2], arc[0])
    };
    let canonical = arcs.entry(id).or_insert_with(|| {
        let oriented: Vec<Key> = if forward {
            arc.to_vec()
        } else {
            arc.iter().rev().copied().collect()
        };
        douglas_peucker(&oriented, metres, tolerance)
    });
    if forward {
        canonical.clone()
    } else {
        canonical.iter().rev().copied().collect()
    }
}

/// Degrees to metres near the shapes (an equirectangular projection at their mean latitude:
/// enough to measure a tolerance of a few metres).
struct Metres {
    x: f64,
    y: f64,
}

impl Metres {
    fn around(shapes: &[MultiPolygon<f64>]) -> Metres {
        let (sum, n) = shapes
            .iter()
            .flat_map(|m| m.0.iter().map(|p| p.exterior()))
            .flat_map(|r| r.0.first())
            .fold((0.0, 0usize), |(s, n), c| (s + c.y, n + 1));
        let lat = if n == 0 { 46.5 } else { sum / n as f64 };
        Metres {
            x: 111_320.0 * lat.to_radians().cos(),
            y: 110_540.0,
        }
    }

    fn point(&self, k: Key) -> (f64, f64) {
        let c = coord(k);
        (c.x * self.x, c.y * self.y)
    }
}

/// Douglas-Peucker on an arc, its two ends kept (iterative: an arc may have a million
/// vertices).
fn douglas_peucker(arc: &[Key], metres: &Metres, tolerance: f64) -> Vec<Key> {
    let n = arc.len();
    if n <= 2 {
        return arc.to_vec();
    }
    let points: Vec<(f64, f64)> = arc.iter().map(|k| metres.point(*k)).collect();
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = vec![(0usize, n - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (mut far, mut worst) = (a, -1.0f64);
        for i in a + 1..b {
            let d = distance(points[i], points[a], points[b]);
            if d > worst {
                (far, worst) = (i, d);
            }
        }
        if worst > tolerance {
            keep[far] = true;
            stack.push((a, far));
            stack.push((far, b));
        }
    }
    arc.iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(p, _)| *p)
        .collect()
}

/// Distance from `p` to the segment `a`–`b`.
fn distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = dx * dx + dy * dy;
    let t = if len == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len).clamp(0.0, 1.0)
    };
    let (x, y) = (a.0 + t * dx - p.0, a.1 + t * dy - p.1);
    (x * x + y * y).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A square of `n` × `n` cells in degrees, cell (i, j) a commune; each border wiggles
    /// (many vertices a few metres off the straight line).
    fn grid(n: usize) -> Vec<MultiPolygon<f64>> {
        let step = 0.02;
        let wiggle = |x: f64, y: f64| -> (f64, f64) {
            // The same offset for the same vertex, whichever cell asks.
            let h = ((x * 1e6).round() as i64 * 31 + (y * 1e6).round() as i64 * 17).rem_euclid(7)
                as f64;
            (x, y + h * 1e-6)
        };
        let side = |from: (f64, f64), to: (f64, f64)| -> Vec<(f64, f64)> {
            (0..20)
                .map(|k| {
                    let t = k as f64 / 20.0;
                    let (x, y) = (from.0 + t * (to.0 - from.0), from.1 + t * (to.1 - from.1));
                    if k == 0 {
                        (x, y)
                    } else {
                        wiggle(x, y)
                    }
                })
                .collect()
        };
        let mut out = Vec::new();
        for i in 0..n {
            for j in 0..n {
                let (x0, y0) = (2.0 + i as f64 * step, 47.0 + j as f64 * step);
                let c = [
                    (x0, y0),
                    (x0 + step, y0),
                    (x0 + step, y0 + step),
                    (x0, y0 + step),
                ];
                let mut ring: Vec<(f64, f64)> = Vec::new();
                for s in 0..4 {
                    ring.extend(side(c[s], c[(s + 1) % 4]));
                }
                ring.push(ring[0]);
                let ls = LineString(ring.into_iter().map(|(x, y)| Coord { x, y }).collect());
                out.push(MultiPolygon(vec![Polygon::new(ls, vec![])]));
            }
        }
        out
    }

    fn vertices(m: &MultiPolygon<f64>) -> std::collections::HashSet<Key> {
        m.0.iter()
            .flat_map(|p| p.exterior().0.iter().map(|c| key(*c)))
            .collect()
    }

    #[test]
    fn neighbours_keep_the_same_border_once_simplified() {
        let shapes = grid(4);
        let before: usize = shapes.iter().map(|m| m.0[0].exterior().0.len()).sum();
        let simplified = simplify_shared(&shapes, 10.0);
        let after: usize = simplified.iter().map(|m| m.0[0].exterior().0.len()).sum();
        assert!(after * 5 < before, "{before} → {after} vertices");
        // Cells (0,0) and (1,0) share their border: the same simplified vertices on it.
        let (a, b) = (vertices(&simplified[0]), vertices(&simplified[4]));
        let shared: Vec<_> = a.intersection(&b).collect();
        assert!(shared.len() >= 2, "{shared:?}");
        // Every vertex of a simplified border of cell 0 with cell 4 is in cell 4 too: the
        // vertices on x = 2.02.
        let on_border = |s: &std::collections::HashSet<Key>| -> std::collections::BTreeSet<Key> {
            s.iter().filter(|k| k.0 == 20_200_000).copied().collect()
        };
        assert_eq!(on_border(&a), on_border(&b));
        // Every ring closed, with at least four positions.
        for m in &simplified {
            let r = &m.0[0].exterior().0;
            assert!(r.len() >= 4 && r.first() == r.last());
        }
    }

    #[test]
    fn a_ring_too_small_for_the_tolerance_is_kept_whole() {
        let shapes = grid(1);
        let simplified = simplify_shared(&shapes, 1e9);
        assert!(simplified[0].0[0].exterior().0.len() >= 4);
    }
}
