//! The network map: the actors placed by a force-directed layout computed here (on a reader,
//! never in the UI thread) and kept in the workspace (`map_layout`), with their figures, and
//! the links between them.
//!
//! A map stays readable and interactive up to [`MAX_NODES`] actors and [`MAX_EDGES`] links:
//! on a larger network it shows the most connected actors (the analysis and the lists cover
//! everyone). The layout is Fruchterman–Reingold with the grid variant of its repulsion (only
//! nodes in neighbouring cells push each other), so one iteration costs about
//! O(nodes + links); it is deterministic: the same network gives the same picture. It is
//! computed again, in the background, when the actors or links changed since.

use crate::db::store::{insert_batched, int, now, Store};
use crate::shared::domain::{Engagement, LinkNature, World};
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::progress::{Phase, Progress};
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::collections::HashMap;
use ts_rs::TS;

/// The most actors a map shows.
pub const MAX_NODES: usize = 10_000;
/// The most links a map draws (the strongest first).
pub const MAX_EDGES: usize = 50_000;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MapNode {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub world: World,
    pub engagement: Engagement,
    pub commune: String,
    #[ts(type = "number")]
    pub degree: i64,
    pub betweenness: f64,
    #[ts(type = "number")]
    pub mondes_bridged: i64,
    /// Position, 0 to 1 on both axes.
    pub x: f32,
    pub y: f32,
}

/// A link between two actors of the map, by their places in [`NetworkMap::nodes`].
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MapEdge {
    #[ts(type = "number")]
    pub a: u32,
    #[ts(type = "number")]
    pub b: u32,
    pub nature: LinkNature,
    #[ts(type = "number")]
    pub strength: i64,
    /// Start date, or the day the link was recorded.
    pub date: String,
}

/// What the map draws.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NetworkMap {
    pub nodes: Vec<MapNode>,
    pub edges: Vec<MapEdge>,
    pub betweenness_exact: bool,
    /// When the layout was computed (RFC 3339, UTC).
    pub computed_at: String,
    /// False when actors or links changed since the layout: it is being computed again.
    pub fresh: bool,
    /// Every actor of the workspace (the map may show fewer).
    #[ts(type = "number")]
    pub actors: i64,
    /// Links between the actors shown that are not drawn (beyond [`MAX_EDGES`]).
    #[ts(type = "number")]
    pub edges_left_out: i64,
}

/// A layout computed, ready to be kept.
pub struct ComputedMap {
    fingerprint: String,
    actors: i64,
    placed: Vec<(i64, f32, f32)>,
}

impl Store {
    /// Chooses the actors of the map (all, or the [`MAX_NODES`] most connected) and places
    /// them; a reader may do it. Reports [`Phase::Layout`] and stops when cancelled.
    pub fn compute_map(&self, progress: &Progress) -> CoreResult<ComputedMap> {
        let fingerprint = self.network_fingerprint()?;
        let (nodes, graph) = self.network_graph(progress)?;
        let n = graph.len();
        // Graph numbering → the caller's; the most connected first when there are too many.
        let mut chosen: Vec<u32> = (0..n as u32).collect();
        if n > MAX_NODES {
            chosen.sort_by_key(|&g| {
                (
                    std::cmp::Reverse(graph.degree(g as usize)),
                    graph.origin[g as usize],
                )
            });
            chosen.truncate(MAX_NODES);
        }
        chosen.sort_unstable_by_key(|&g| graph.origin[g as usize]);
        let mut place = vec![u32::MAX; n];
        for (i, &g) in chosen.iter().enumerate() {
            place[g as usize] = i as u32;
        }
        let mut edges = Vec::new();
        for (i, &g) in chosen.iter().enumerate() {
            for &w in graph.neighbours(g as usize) {
                let j = place[w as usize];
                if j != u32::MAX && (j as usize) > i {
                    edges.push((i, j as usize));
                }
            }
        }
        let pos = layout_with(chosen.len(), &edges, progress)?;
        let placed = chosen
            .iter()
            .zip(pos)
            .map(|(&g, (x, y))| (nodes[graph.origin[g as usize] as usize].0, x, y))
            .collect();
        Ok(ComputedMap {
            fingerprint,
            actors: nodes.len() as i64,
            placed,
        })
    }

    /// Keeps a layout in place of the previous one, in one transaction; refused when the
    /// network changed while it was computed.
    pub fn save_map(&mut self, c: &ComputedMap) -> CoreResult<()> {
        if self.network_fingerprint()? != c.fingerprint {
            return Err(CoreError::validation(
                "network",
                "network.stale",
                "Le réseau a changé pendant le calcul de la carte : elle va être refaite.",
            ));
        }
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM map_layout", [])?;
        let real =
            |v: f32| rusqlite::types::ToSqlOutput::Owned(rusqlite::types::Value::Real(v as f64));
        insert_batched(
            &tx,
            "map_layout (actor_id, x, y)",
            3,
            c.placed.len(),
            |i, out| {
                let (id, x, y) = c.placed[i];
                out.extend([int(Some(id)), real(x), real(y)]);
            },
            |_| Ok(()),
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO map_summary (id, computed_at, fingerprint, actors) VALUES (1, ?1, ?2, ?3)",
            rusqlite::params![now(), c.fingerprint, c.actors],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The map as last laid out (`None` before the first layout), with each actor's figures
    /// from the last analysis and the links between the actors shown (the strongest first,
    /// at most [`MAX_EDGES`]).
    pub fn network_map(&self) -> CoreResult<Option<NetworkMap>> {
        let Some((computed_at, fingerprint)) = self
            .conn
            .query_row(
                "SELECT computed_at, fingerprint FROM map_summary WHERE id = 1",
                [],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
        else {
            return Ok(None);
        };
        let nodes = self.map_nodes()?;
        let mut edges = self.map_edges(&nodes)?;
        let left_out = edges.len().saturating_sub(MAX_EDGES) as i64;
        if left_out > 0 {
            edges.sort_by_key(|(id, e)| (std::cmp::Reverse(e.strength), *id));
            edges.truncate(MAX_EDGES);
        }
        edges.sort_by_key(|(id, _)| *id);
        let exact: bool = self
            .conn
            .query_row("SELECT exact FROM network_summary WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?
            .unwrap_or(true);
        let actors: i64 = self
            .conn
            .query_row("SELECT count(*) FROM actor", [], |r| r.get(0))?;
        Ok(Some(NetworkMap {
            nodes,
            edges: edges.into_iter().map(|(_, e)| e).collect(),
            betweenness_exact: exact,
            fresh: self.network_fingerprint()? == fingerprint,
            computed_at,
            actors,
            edges_left_out: left_out,
        }))
    }

    /// The actors laid out, with their figures from the last analysis, by id.
    fn map_nodes(&self) -> CoreResult<Vec<MapNode>> {
        let mut st = self.conn.prepare_cached(
            "SELECT a.id, a.name, a.world, a.engagement, a.commune,
                        coalesce(f.degree, 0), coalesce(f.betweenness, 0), coalesce(f.mondes_bridged, 0),
                        m.x, m.y
                 FROM map_layout m JOIN actor a ON a.id = m.actor_id
                 LEFT JOIN network_figures f ON f.actor_id = a.id ORDER BY a.id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(MapNode {
                id: r.get(0)?,
                name: r.get(1)?,
                world: r.get(2)?,
                engagement: r.get(3)?,
                commune: r.get(4)?,
                degree: r.get(5)?,
                betweenness: r.get(6)?,
                mondes_bridged: r.get(7)?,
                x: r.get::<_, f64>(8)? as f32,
                y: r.get::<_, f64>(9)? as f32,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The links between the actors shown, with their ids (in no order), as node numbers of
    /// `nodes`.
    fn map_edges(&self, nodes: &[MapNode]) -> CoreResult<Vec<(i64, MapEdge)>> {
        let place: HashMap<i64, u32> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id, i as u32))
            .collect();
        let mut edges: Vec<(i64, MapEdge)> = Vec::new();
        {
            // From each actor shown, its links whose other end is shown too.
            let mut st = self.conn.prepare_cached(
                "SELECT l.id, l.actor_a, l.actor_b, l.nature, l.strength,
                        coalesce(l.since, substr(l.created_at, 1, 10))
                 FROM map_layout m JOIN link l ON l.actor_a = m.actor_id
                 JOIN map_layout o ON o.actor_id = l.actor_b",
            )?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, LinkNature>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?;
            for row in rows {
                let (id, a, b, nature, strength, date) = row?;
                if let (Some(&a), Some(&b)) = (place.get(&a), place.get(&b)) {
                    edges.push((
                        id,
                        MapEdge {
                            a,
                            b,
                            nature,
                            strength,
                            date,
                        },
                    ));
                }
            }
        }
        Ok(edges)
    }

    /// Lays the map out again and keeps it (the analysis too when it is out of date): what
    /// the command line and the tests use; the app does the same in two steps, computing on
    /// a reader and keeping on the writer.
    pub fn refresh_map(&mut self, progress: &Progress) -> CoreResult<NetworkMap> {
        if !self.network_summary()?.is_some_and(|s| s.fresh) {
            let computed = self.compute_network(progress)?;
            self.save_network(&computed, progress)?;
        }
        let computed = self.compute_map(progress)?;
        self.save_map(&computed)?;
        Ok(self.network_map()?.expect("just kept"))
    }
}

/// Up to this many actors, every pair repels (exact); beyond, only nodes in nearby cells.
const EXACT_REPULSION: usize = 1_500;
/// Most nodes of one grid cell that push a given node (beyond, the cell is sampled).
const CELL_SAMPLE: usize = 24;
/// Pull towards the centre, so that separate groups stay in view.
const GRAVITY: f32 = 0.05;
/// Nodes farther apart than this many ideal distances do not push each other: groups keep
/// their own space without flinging the isolated actors to the edges.
const REPULSION_RANGE: f32 = 3.0;

/// The vector from node `j` to node `i` and its squared length (never zero).
fn separation(pos: &[(f32, f32)], i: usize, j: usize) -> (f32, f32, f32) {
    let (mut dx, mut dy) = (pos[i].0 - pos[j].0, pos[i].1 - pos[j].1);
    let mut d2 = dx * dx + dy * dy;
    if d2 < 1e-6 {
        // Two nodes on the same spot: push them apart along a fixed direction.
        dx = 0.01 * ((i % 7) as f32 - 3.0 + 0.5);
        dy = 0.01 * ((j % 5) as f32 - 2.0 + 0.5);
        d2 = dx * dx + dy * dy;
    }
    (dx, dy, d2)
}

/// Grid repulsion: each node is pushed by the nodes in its cell and the eight around it.
fn repulse_nearby(
    pos: &[(f32, f32)],
    grid: &mut HashMap<(i32, i32), Vec<usize>>,
    disp: &mut [(f32, f32)],
    cell: f32,
    k: f32,
) {
    grid.values_mut().for_each(Vec::clear);
    let key = |p: (f32, f32)| ((p.0 / cell).floor() as i32, (p.1 / cell).floor() as i32);
    for (i, p) in pos.iter().enumerate() {
        grid.entry(key(*p)).or_default().push(i);
    }
    for (i, p) in pos.iter().enumerate() {
        let (cx, cy) = key(*p);
        for gx in cx - 1..=cx + 1 {
            for gy in cy - 1..=cy + 1 {
                let Some(cellmates) = grid.get(&(gx, gy)) else {
                    continue;
                };
                // A crowded cell is sampled (every `stride`-th node, weighted by `stride`), so
                // that a dense core costs no more than a sparse one.
                let stride = cellmates.len().div_ceil(CELL_SAMPLE).max(1);
                for &j in cellmates.iter().step_by(stride) {
                    if j == i {
                        continue;
                    }
                    let (dx, dy, d2) = separation(pos, i, j);
                    if d2 > cell * cell {
                        continue;
                    }
                    let f = stride as f32 * k * k / d2; // (k²/d) / d, to scale (dx, dy)
                    disp[i].0 += dx * f;
                    disp[i].1 += dy * f;
                }
            }
        }
    }
}

/// Exact repulsion: every pair of nodes closer than [`REPULSION_RANGE`] ideal distances.
fn repulse_all(pos: &[(f32, f32)], disp: &mut [(f32, f32)], k: f32) {
    let n = pos.len();
    for i in 0..n {
        for j in i + 1..n {
            let (dx, dy, d2) = separation(pos, i, j);
            if d2 > REPULSION_RANGE * REPULSION_RANGE * k * k {
                continue;
            }
            let f = k * k / d2;
            disp[i].0 += dx * f;
            disp[i].1 += dy * f;
            disp[j].0 -= dx * f;
            disp[j].1 -= dy * f;
        }
    }
}

/// Attraction along links.
fn attract(pos: &[(f32, f32)], edges: &[(usize, usize)], disp: &mut [(f32, f32)], k: f32) {
    for &(a, b) in edges {
        if a == b {
            continue;
        }
        let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
        let d = (dx * dx + dy * dy).sqrt().max(1e-3);
        let f = d / k; // (d²/k) / d
        disp[a].0 -= dx * f;
        disp[a].1 -= dy * f;
        disp[b].0 += dx * f;
        disp[b].1 += dy * f;
    }
}

/// The positions scaled to 0–1, keeping proportions.
fn normalise(pos: Vec<(f32, f32)>) -> Vec<(f32, f32)> {
    let (mut minx, mut miny, mut maxx, mut maxy) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for p in &pos {
        minx = minx.min(p.0);
        miny = miny.min(p.1);
        maxx = maxx.max(p.0);
        maxy = maxy.max(p.1);
    }
    let span = (maxx - minx).max(maxy - miny).max(1e-6);
    let (ox, oy) = ((span - (maxx - minx)) / 2.0, (span - (maxy - miny)) / 2.0);
    pos.into_iter()
        .map(|(x, y)| ((x - minx + ox) / span, (y - miny + oy) / span))
        .collect()
}

/// Places `n` nodes joined by `edges` (indices); positions normalised to 0–1.
pub fn layout(n: usize, edges: &[(usize, usize)]) -> Vec<(f32, f32)> {
    layout_with(n, edges, &Progress::none()).expect("never cancelled")
}

/// [`layout`], reporting [`Phase::Layout`] (iterations) and stopping when cancelled.
pub fn layout_with(
    n: usize,
    edges: &[(usize, usize)],
    progress: &Progress,
) -> CoreResult<Vec<(f32, f32)>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    if n == 1 {
        return Ok(vec![(0.5, 0.5)]);
    }
    let k = 1.0f32; // ideal distance between linked nodes
                    // Start on a golden-angle spiral: deterministic and evenly spread.
    let mut pos: Vec<(f32, f32)> = (0..n)
        .map(|i| {
            let r = (i as f32 + 0.5).sqrt() * k;
            let a = i as f32 * 2.399_963;
            (r * a.cos(), r * a.sin())
        })
        .collect();
    let iterations = if n + edges.len() > 20_000 { 120 } else { 250 };
    let mut temp = (n as f32).sqrt() * k * 0.5;
    let cooling = temp / iterations as f32;
    let cell = 2.0 * k;
    let mut disp = vec![(0.0f32, 0.0f32); n];
    let mut grid: HashMap<(i32, i32), Vec<usize>> = HashMap::new();
    for iteration in 0..iterations {
        progress.step(Phase::Layout, iteration as u64, Some(iterations as u64))?;
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));
        // Repulsion: between every pair on small maps, between nearby nodes beyond.
        if n <= EXACT_REPULSION {
            repulse_all(&pos, &mut disp, k);
        } else {
            repulse_nearby(&pos, &mut grid, &mut disp, cell, k);
        }
        // Attraction along links.
        attract(&pos, edges, &mut disp, k);
        // Gentle gravity keeps separate components and isolated actors in view.
        for (i, p) in pos.iter_mut().enumerate() {
            let (mut dx, mut dy) = disp[i];
            dx -= p.0 * GRAVITY;
            dy -= p.1 * GRAVITY;
            let d = (dx * dx + dy * dy).sqrt();
            if d > 0.0 {
                let step = d.min(temp);
                p.0 += dx / d * step;
                p.1 += dy / d * step;
            }
        }
        temp = (temp - cooling).max(0.01);
    }
    progress.report(Phase::Layout, iterations as u64, Some(iterations as u64));
    Ok(normalise(pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(a: (f32, f32), b: (f32, f32)) -> f32 {
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
    }

    #[test]
    fn linked_nodes_end_closer_than_unlinked_ones() {
        // Two cliques of 6 joined by one link.
        let mut edges = Vec::new();
        for g in [0usize, 6] {
            for i in 0..6 {
                for j in i + 1..6 {
                    edges.push((g + i, g + j));
                }
            }
        }
        edges.push((0, 6));
        let pos = layout(12, &edges);
        assert!(pos
            .iter()
            .all(|p| (0.0..=1.0).contains(&p.0) && (0.0..=1.0).contains(&p.1)));
        let mean = |pairs: &[(usize, usize)]| {
            pairs
                .iter()
                .map(|&(a, b)| dist(pos[a], pos[b]))
                .sum::<f32>()
                / pairs.len() as f32
        };
        let within: Vec<_> = edges
            .iter()
            .copied()
            .filter(|&(a, b)| (a < 6) == (b < 6))
            .collect();
        let across: Vec<_> = (1..6).flat_map(|i| (7..12).map(move |j| (i, j))).collect();
        assert!(
            mean(&within) * 2.0 < mean(&across),
            "within {} across {}",
            mean(&within),
            mean(&across)
        );
        // No two nodes on the same spot.
        for i in 0..12 {
            for j in i + 1..12 {
                assert!(dist(pos[i], pos[j]) > 0.01, "{i} {j}");
            }
        }
        assert_eq!(layout(12, &edges), pos, "deterministic");
    }

    #[test]
    fn large_maps_use_grid_repulsion_and_stay_spread() {
        // Beyond the exact threshold: 40 groups of 50 in a ring.
        let n = 2_000;
        let mut edges = Vec::new();
        for g in 0..40 {
            let base = g * 50;
            for i in 0..50 {
                edges.push((base + i, base + (i + 1) % 50));
                edges.push((base + i, base + (i + 7) % 50));
            }
            edges.push((base, (base + 50) % n));
        }
        let pos = layout(n, &edges);
        assert_eq!(pos.len(), n);
        assert!(pos
            .iter()
            .all(|p| p.0.is_finite() && (0.0..=1.0).contains(&p.0) && (0.0..=1.0).contains(&p.1)));
        // Not collapsed: the nodes cover a good part of the square.
        let mut cells = std::collections::HashSet::new();
        for p in &pos {
            cells.insert(((p.0 * 20.0) as i32, (p.1 * 20.0) as i32));
        }
        assert!(cells.len() > 60, "{} cells of 400 used", cells.len());
    }

    #[test]
    fn degenerate_inputs() {
        assert!(layout(0, &[]).is_empty());
        assert_eq!(layout(1, &[]), vec![(0.5, 0.5)]);
        let isolated = layout(50, &[]);
        assert_eq!(isolated.len(), 50);
        assert!(isolated.iter().all(|p| p.0.is_finite() && p.1.is_finite()));
    }

    #[test]
    fn demo_map_has_every_actor_and_link_with_metrics_and_is_kept() {
        let mut s = Store::open_in_memory().unwrap();
        crate::demo::populate(&mut s).unwrap();
        assert_eq!(s.network_map().unwrap(), None, "nothing laid out yet");
        let map = s.refresh_map(&Progress::none()).unwrap();
        assert!(map.fresh);
        assert_eq!(map.nodes.len() as i64, s.counts().unwrap()["actors"]);
        assert_eq!(map.actors, s.counts().unwrap()["actors"]);
        // Links of one pair with several natures are drawn each.
        assert_eq!(map.edges.len() as i64, s.counts().unwrap()["links"]);
        assert_eq!(map.edges_left_out, 0);
        assert!(map.betweenness_exact);
        let report = s.network_report().unwrap();
        for n in &map.nodes {
            let m = report.actors.iter().find(|m| m.id == n.id).unwrap();
            assert_eq!((n.degree, n.betweenness), (m.degree, m.betweenness));
            assert!((0.0..=1.0).contains(&n.x) && (0.0..=1.0).contains(&n.y));
        }
        for e in &map.edges {
            assert!((e.a as usize) < map.nodes.len() && (e.b as usize) < map.nodes.len());
        }
        // Kept: read again, the same; after a change, known to be out of date.
        assert_eq!(s.network_map().unwrap().unwrap(), map);
        s.delete_actor(map.nodes[0].id).unwrap();
        let stale = s.network_map().unwrap().unwrap();
        assert!(!stale.fresh);
        assert_eq!(
            stale.nodes.len(),
            map.nodes.len() - 1,
            "a deleted actor is not shown"
        );
        // A cancelled layout keeps the previous one.
        let cancelled = Progress::new(std::sync::Arc::new(true.into()), |_| {});
        assert_eq!(s.compute_map(&cancelled).err().unwrap().kind(), "cancelled");
    }

    #[test]
    fn a_large_network_shows_its_most_connected_actors() {
        let mut s = Store::open_in_memory().unwrap();
        let n = MAX_NODES + 500;
        let actors: Vec<crate::actors::ActorInput> = (0..n)
            .map(|i| crate::actors::ActorInput {
                name: format!("Acteur {i}"),
                world: "business".into(),
                commune: String::new(),
                insee: None,
                engagement: "informed".into(),
                notes: String::new(),
            })
            .collect();
        let ids = s.insert_actors_bulk(&actors).unwrap();
        // A hub linked to the first 2,000 actors; the last 500 have no link.
        let links: Vec<crate::network::LinkInput> = ids[1..2001]
            .iter()
            .map(|&b| crate::network::LinkInput {
                actor_a: ids[0],
                actor_b: b,
                nature: "dialogue".into(),
                strength: 1,
                since: None,
                notes: String::new(),
                introduced_by: None,
                meeting_id: None,
            })
            .collect();
        s.insert_links_bulk(&links).unwrap();
        let map = s.refresh_map(&Progress::none()).unwrap();
        assert_eq!(map.nodes.len(), MAX_NODES);
        assert_eq!(map.actors, n as i64);
        assert!(map.nodes.iter().any(|m| m.id == ids[0]), "the hub is shown");
        assert_eq!(map.edges.len(), 2000, "every link among the actors shown");
        assert!(map.nodes.iter().filter(|m| m.degree == 0).count() <= MAX_NODES - 2001);
    }
}
