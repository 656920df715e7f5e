//! Network analytics on the actors and their links: degree, betweenness (Brandes' algorithm;
//! exact up to a size, sampled from pivots beyond), connected components, isolated actors,
//! cross-monde brokerage, sole bridges between mondes, and the shortest chain of
//! introductions between two actors.
//!
//! The graph is held compactly ([`Graph`]: one array of neighbours, in an order where
//! neighbours sit close in memory) and the breadth-first searches of betweenness run on every
//! core, so that a country-sized network (100,000 actors, 1,000,000 links) is analysed in
//! about a second; long runs report their progress and can be cancelled.

use crate::db::store::Store;
use crate::shared::domain::World;
use crate::shared::error::CoreResult;
use crate::shared::progress::{Phase, Progress};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use ts_rs::TS;

/// Above this many actors, betweenness is estimated from [`PIVOTS`] sources.
pub const EXACT_LIMIT: usize = 2_000;
/// Number of BFS sources used to estimate betweenness on large networks.
pub const PIVOTS: usize = 256;

/// An actor named in the analysis.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NamedActor {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub monde: World,
}

/// One actor's position in the network.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ActorMetrics {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub monde: World,
    /// Number of distinct actors it is linked to.
    #[ts(type = "number")]
    pub degree: i64,
    /// Normalised betweenness, 0 to 1: how often it lies on the shortest paths between others.
    pub betweenness: f64,
    /// How many distinct mondes its neighbours belong to.
    #[ts(type = "number")]
    pub mondes_bridged: i64,
    /// Index of its connected component in [`NetworkReport::components`].
    #[ts(type = "number")]
    pub component: i64,
}

/// The actors through which every connection between two mondes passes.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, TS)]
#[ts(export)]
pub struct SoleBridge {
    pub mondes: [World; 2],
    #[ts(type = "Array<number>")]
    pub actor_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NetworkReport {
    pub actors: Vec<ActorMetrics>,
    /// Connected components, largest first, each as actor ids.
    #[ts(type = "Array<Array<number>>")]
    pub components: Vec<Vec<i64>>,
    /// Actors without any link.
    #[ts(type = "Array<number>")]
    pub isolated: Vec<i64>,
    pub sole_bridges: Vec<SoleBridge>,
    /// False when betweenness was estimated from a sample of sources.
    pub betweenness_exact: bool,
}

/// An undirected simple graph in compressed sparse rows: the neighbours of node `v` are
/// `adjacency[offsets[v]..offsets[v + 1]]`. Nodes are numbered in breadth-first order from
/// the most connected one, so that a search touches memory that is mostly close together.
pub struct Graph {
    /// Node number → position in the caller's list of actors.
    pub origin: Vec<u32>,
    offsets: Vec<u32>,
    adjacency: Vec<u32>,
}

impl Graph {
    /// The graph of `n` nodes (numbered as in the caller's list) with these edges; self-loops
    /// and repeated pairs are dropped.
    pub fn new(n: usize, edges: &mut Vec<(u32, u32)>) -> Graph {
        for e in edges.iter_mut() {
            if e.0 > e.1 {
                *e = (e.1, e.0);
            }
        }
        edges.retain(|(a, b)| a != b);
        edges.sort_unstable();
        edges.dedup();
        let plain = Self::csr(n, edges.iter().copied(), edges.len());
        // Breadth-first numbering from the most connected node of each component.
        let mut order: Vec<u32> = Vec::with_capacity(n);
        let mut new_of = vec![u32::MAX; n];
        let mut by_degree: Vec<u32> = (0..n as u32).collect();
        by_degree.sort_unstable_by_key(|&v| std::cmp::Reverse(plain.degree(v as usize)));
        for &start in &by_degree {
            if new_of[start as usize] != u32::MAX {
                continue;
            }
            let head = order.len();
            new_of[start as usize] = order.len() as u32;
            order.push(start);
            let mut i = head;
            while i < order.len() {
                let v = order[i] as usize;
                for &w in plain.neighbours(v) {
                    if new_of[w as usize] == u32::MAX {
                        new_of[w as usize] = order.len() as u32;
                        order.push(w);
                    }
                }
                i += 1;
            }
        }
        let renumbered = edges
            .iter()
            .map(|&(a, b)| (new_of[a as usize], new_of[b as usize]));
        let mut g = Self::csr(n, renumbered, edges.len());
        g.origin = order;
        g
    }

    fn csr(n: usize, edges: impl Iterator<Item = (u32, u32)> + Clone, m: usize) -> Graph {
        let mut degree = vec![0u32; n + 1];
        for (a, b) in edges.clone() {
            degree[a as usize] += 1;
            degree[b as usize] += 1;
        }
        let mut offsets = vec![0u32; n + 1];
        for v in 0..n {
            offsets[v + 1] = offsets[v] + degree[v];
        }
        let mut fill = offsets.clone();
        let mut adjacency = vec![0u32; 2 * m];
        for (a, b) in edges {
            adjacency[fill[a as usize] as usize] = b;
            fill[a as usize] += 1;
            adjacency[fill[b as usize] as usize] = a;
            fill[b as usize] += 1;
        }
        for v in 0..n {
            adjacency[offsets[v] as usize..offsets[v + 1] as usize].sort_unstable();
        }
        Graph {
            origin: (0..n as u32).collect(),
            offsets,
            adjacency,
        }
    }

    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn neighbours(&self, v: usize) -> &[u32] {
        &self.adjacency[self.offsets[v] as usize..self.offsets[v + 1] as usize]
    }

    pub fn degree(&self, v: usize) -> usize {
        (self.offsets[v + 1] - self.offsets[v]) as usize
    }

    /// Brandes' accumulation from each of `sources`, on every core; raw (unnormalised)
    /// scores. Reports [`Phase::Analysing`] (sources done) and stops when cancelled.
    pub fn betweenness(&self, sources: &[u32], progress: &Progress) -> CoreResult<Vec<f64>> {
        let n = self.len();
        let threads = std::thread::available_parallelism()
            .map_or(1, |t| t.get())
            .min(sources.len().max(1));
        let done = std::sync::atomic::AtomicU64::new(0);
        let total = Some(sources.len() as u64);
        let chunk = sources.len().div_ceil(threads).max(1);
        let parts: Vec<CoreResult<Vec<f64>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = sources
                .chunks(chunk)
                .map(|part| {
                    let done = &done;
                    scope.spawn(move || -> CoreResult<Vec<f64>> {
                        let mut search = Search::new(n);
                        let mut score = vec![0.0f64; n];
                        for &s in part {
                            progress.check()?;
                            search.accumulate(self, s, &mut score);
                            let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                            progress.report(Phase::Analysing, d, total);
                        }
                        Ok(score)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        let mut score = vec![0.0f64; n];
        for part in parts {
            for (total, x) in score.iter_mut().zip(part?) {
                *total += x;
            }
        }
        Ok(score)
    }
}

/// Distance of a node not reached yet.
const UNREACHED: u8 = u8::MAX;
/// Distances are kept modulo this (in one byte): neighbours are at most one level apart, so
/// the three levels a search compares are always told apart.
const LEVELS: u32 = u8::MAX as u32;

/// One thread's working arrays for breadth-first searches. A search jumps from node to node
/// at random, so memory latency is its cost: distances take one byte each (the array read at
/// every edge stays in the processor's cache), and the way back walks only the edges of the
/// shortest-path DAG, recorded on the way out, instead of every edge again.
struct Search {
    /// Distance from the source, modulo [`LEVELS`] ([`UNREACHED`]: not reached).
    dist: Vec<u8>,
    /// Number of shortest paths from the source.
    sigma: Vec<f64>,
    /// `(1 + dependency) / sigma` of each node, once its dependency is known.
    carry: Vec<f64>,
    /// Nodes in the order they were reached (the queue of the search).
    order: Vec<u32>,
    /// The DAG's edges out of each node, `order[i]`'s being `dag[starts[i]..starts[i + 1]]`.
    dag: Vec<u32>,
    starts: Vec<u32>,
}

impl Search {
    fn new(n: usize) -> Search {
        Search {
            dist: vec![UNREACHED; n],
            sigma: vec![0.0; n],
            carry: vec![0.0; n],
            order: Vec::with_capacity(n),
            dag: Vec::new(),
            starts: Vec::with_capacity(n + 1),
        }
    }

    /// Adds the dependencies of source `s` to `score` (Brandes): a node's dependency is
    /// `sigma[v] × Σ (1 + dependency[w]) / sigma[w]` over the DAG's edges `v → w`.
    fn accumulate(&mut self, g: &Graph, s: u32, score: &mut [f64]) {
        let Search {
            dist,
            sigma,
            carry,
            order,
            dag,
            starts,
        } = self;
        // Only the nodes the previous search reached need resetting.
        for &v in order.iter() {
            dist[v as usize] = UNREACHED;
            sigma[v as usize] = 0.0;
        }
        order.clear();
        dag.clear();
        starts.clear();
        dist[s as usize] = 0;
        sigma[s as usize] = 1.0;
        order.push(s);
        let mut head = 0;
        while head < order.len() {
            let v = order[head];
            head += 1;
            starts.push(dag.len() as u32);
            let next = ((dist[v as usize] as u32 + 1) % LEVELS) as u8;
            let sv = sigma[v as usize];
            for &w in g.neighbours(v as usize) {
                let dw = dist[w as usize];
                if dw == UNREACHED {
                    dist[w as usize] = next;
                    sigma[w as usize] = sv;
                    order.push(w);
                    dag.push(w);
                } else if dw == next {
                    sigma[w as usize] += sv;
                    dag.push(w);
                }
            }
        }
        starts.push(dag.len() as u32);
        for &v in order.iter() {
            carry[v as usize] = 1.0 / sigma[v as usize];
        }
        // Backwards: the nodes a node leads to were reached after it, so their carry is
        // complete when it is summed.
        for i in (1..order.len()).rev() {
            let v = order[i] as usize;
            let out = &dag[starts[i] as usize..starts[i + 1] as usize];
            let sum: f64 = out.iter().map(|&w| carry[w as usize]).sum();
            score[v] += sigma[v] * sum;
            carry[v] += sum;
        }
    }
}

/// Analyses a network given as actors `(id, monde, name)` and links `(a, b)`.
pub fn analyse(
    actors: &[(i64, World, String)],
    links: &[(i64, i64)],
    exact_limit: usize,
    pivots: usize,
) -> NetworkReport {
    let nodes: Vec<(i64, World)> = actors.iter().map(|(id, w, _)| (*id, *w)).collect();
    let index = NodeIndex::new(&nodes);
    let mut edges: Vec<(u32, u32)> = links
        .iter()
        .filter_map(|(a, b)| Some((index.get(*a)?, index.get(*b)?)))
        .collect();
    let graph = Graph::new(nodes.len(), &mut edges);
    let figures =
        figures(&graph, &nodes, exact_limit, pivots, &Progress::none()).expect("never cancelled");
    figures.report(|v| actors[v].2.clone())
}

/// Actor ids to node numbers: a table when the ids are dense (the usual case), a map
/// otherwise.
pub struct NodeIndex {
    first: i64,
    table: Vec<u32>,
    map: std::collections::HashMap<i64, u32>,
}

impl NodeIndex {
    pub fn new(nodes: &[(i64, World)]) -> NodeIndex {
        let first = nodes.iter().map(|n| n.0).min().unwrap_or(0);
        let last = nodes.iter().map(|n| n.0).max().unwrap_or(0);
        let span = (last - first) as u64 + 1;
        if !nodes.is_empty() && span <= 8 * nodes.len() as u64 + 1024 {
            let mut table = vec![u32::MAX; span as usize];
            for (i, (id, _)) in nodes.iter().enumerate() {
                table[(id - first) as usize] = i as u32;
            }
            NodeIndex {
                first,
                table,
                map: Default::default(),
            }
        } else {
            NodeIndex {
                first: 0,
                table: Vec::new(),
                map: nodes
                    .iter()
                    .enumerate()
                    .map(|(i, (id, _))| (*id, i as u32))
                    .collect(),
            }
        }
    }

    pub fn get(&self, id: i64) -> Option<u32> {
        if self.table.is_empty() {
            return self.map.get(&id).copied();
        }
        let i = id.checked_sub(self.first)?;
        let v = *self.table.get(usize::try_from(i).ok()?)?;
        (v != u32::MAX).then_some(v)
    }
}

/// The figures of a network, per node in the caller's order.
pub struct Figures {
    pub ids: Vec<i64>,
    pub worlds: Vec<World>,
    pub degree: Vec<u32>,
    pub betweenness: Vec<f64>,
    pub mondes_bridged: Vec<u8>,
    pub component: Vec<u32>,
    /// Components, largest first, as node numbers (caller's order).
    pub components: Vec<Vec<u32>>,
    pub sole_bridges: Vec<SoleBridge>,
    pub exact: bool,
}

impl Figures {
    /// The report, with names from `name(node)`.
    pub fn report(self, name: impl Fn(usize) -> String) -> NetworkReport {
        let actors: Vec<ActorMetrics> = (0..self.ids.len())
            .map(|v| ActorMetrics {
                id: self.ids[v],
                name: name(v),
                monde: self.worlds[v],
                degree: self.degree[v] as i64,
                betweenness: self.betweenness[v],
                mondes_bridged: self.mondes_bridged[v] as i64,
                component: self.component[v] as i64,
            })
            .collect();
        NetworkReport {
            isolated: (0..self.ids.len())
                .filter(|&v| self.degree[v] == 0)
                .map(|v| self.ids[v])
                .collect(),
            components: self
                .components
                .iter()
                .map(|c| c.iter().map(|&v| self.ids[v as usize]).collect())
                .collect(),
            sole_bridges: self.sole_bridges,
            actors,
            betweenness_exact: self.exact,
        }
    }
}

/// Computes every figure of `graph`, whose node `v` (caller's numbering) is `nodes[v]`.
pub fn figures(
    graph: &Graph,
    nodes: &[(i64, World)],
    exact_limit: usize,
    pivots: usize,
    progress: &Progress,
) -> CoreResult<Figures> {
    let n = graph.len();
    let origin = &graph.origin;
    let (component, components) = components_of(graph);
    let (raw, scale, exact) = raw_betweenness(graph, exact_limit, pivots, progress)?;
    // Undirected: each pair is counted from both ends; normalise by the number of pairs.
    let norm = if n > 2 {
        1.0 / ((n - 1) * (n - 2)) as f64
    } else {
        0.0
    };
    let mut betweenness = vec![0.0; n];
    let mut degree = vec![0u32; n];
    let mut mondes_bridged = vec![0u8; n];
    let world_bit = |w: World| 1u8 << (w as u8);
    let mut seen_worlds = vec![0u8; n];
    for g in 0..n {
        let o = origin[g] as usize;
        betweenness[o] = raw[g] * scale * norm;
        degree[o] = graph.degree(g) as u32;
        let mut mask = 0u8;
        for &w in graph.neighbours(g) {
            mask |= world_bit(nodes[origin[w as usize] as usize].1);
        }
        seen_worlds[g] = mask;
        mondes_bridged[o] = mask.count_ones() as u8;
    }
    let sole_bridges = sole_bridges(graph, nodes, &seen_worlds);
    Ok(Figures {
        ids: nodes.iter().map(|n| n.0).collect(),
        worlds: nodes.iter().map(|n| n.1).collect(),
        degree,
        betweenness,
        mondes_bridged,
        component,
        components,
        sole_bridges,
        exact,
    })
}

/// Each node's component (caller's numbering) and the components, largest first, then by
/// first actor.
fn components_of(graph: &Graph) -> (Vec<u32>, Vec<Vec<u32>>) {
    let n = graph.len();
    let origin = &graph.origin;
    // Components: searches from each unreached node (in graph numbering, which is already
    // breadth-first: a component is a contiguous run of numbers).
    let mut component_g = vec![u32::MAX; n];
    let mut components: Vec<Vec<u32>> = Vec::new();
    let mut queue: Vec<u32> = Vec::new();
    for start in 0..n {
        if component_g[start] != u32::MAX {
            continue;
        }
        let c = components.len() as u32;
        queue.clear();
        queue.push(start as u32);
        component_g[start] = c;
        let mut head = 0;
        while head < queue.len() {
            let v = queue[head] as usize;
            head += 1;
            for &w in graph.neighbours(v) {
                if component_g[w as usize] == u32::MAX {
                    component_g[w as usize] = c;
                    queue.push(w);
                }
            }
        }
        let mut members: Vec<u32> = queue.iter().map(|&v| origin[v as usize]).collect();
        members.sort_unstable();
        components.push(members);
    }
    // Largest first, then by first actor.
    let mut rank: Vec<usize> = (0..components.len()).collect();
    rank.sort_by(|&a, &b| {
        components[b]
            .len()
            .cmp(&components[a].len())
            .then(components[a][0].cmp(&components[b][0]))
    });
    let mut new_rank = vec![0u32; components.len()];
    for (r, &c) in rank.iter().enumerate() {
        new_rank[c] = r as u32;
    }
    let mut component = vec![0u32; n];
    for v in 0..n {
        component[origin[v] as usize] = new_rank[component_g[v] as usize];
    }
    let mut components: Vec<Vec<u32>> = rank
        .into_iter()
        .map(|c| std::mem::take(&mut components[c]))
        .collect();
    components.shrink_to_fit();
    (component, components)
}

/// Betweenness from every node, or estimated from `pivots` sources spread evenly over the
/// actors beyond `exact_limit` nodes (graph numbering), with the scale to apply and whether
/// it is exact.
fn raw_betweenness(
    graph: &Graph,
    exact_limit: usize,
    pivots: usize,
    progress: &Progress,
) -> CoreResult<(Vec<f64>, f64, bool)> {
    let n = graph.len();
    let origin = &graph.origin;
    // Betweenness: exact, or estimated from sources spread evenly over the actors.
    let exact = n <= exact_limit || pivots >= n;
    let mut graph_of = vec![0u32; n];
    for (g, &o) in origin.iter().enumerate() {
        graph_of[o as usize] = g as u32;
    }
    let sources: Vec<u32> = if exact {
        (0..n as u32).collect()
    } else {
        let step = n as f64 / pivots as f64;
        (0..pivots)
            .map(|i| graph_of[(i as f64 * step) as usize])
            .collect()
    };
    let raw = if n == 0 {
        Vec::new()
    } else {
        graph.betweenness(&sources, progress)?
    };
    let scale = if exact { 1.0 } else { n as f64 / pivots as f64 };
    Ok((raw, scale, exact))
}

/// For each pair of mondes, the actors found on every connection between them: both ends of
/// a direct link, or the intermediary of a two-step path. Pairs never connected are left out.
/// `neighbour_worlds[v]` is the set of mondes of node `v`'s neighbours (graph numbering).
fn sole_bridges(graph: &Graph, nodes: &[(i64, World)], neighbour_worlds: &[u8]) -> Vec<SoleBridge> {
    let worlds = World::ALL;
    let k = worlds.len();
    // The actors common to every connection seen so far (`None`: no connection yet).
    let mut sets: Vec<Option<BTreeSet<i64>>> = vec![None; k * k];
    let meet = |sets: &mut Vec<Option<BTreeSet<i64>>>, a: usize, b: usize, actors: &[i64]| {
        let (a, b) = (a.min(b), a.max(b));
        let slot = &mut sets[a * k + b];
        match slot {
            None => *slot = Some(actors.iter().copied().collect()),
            Some(prev) => prev.retain(|x| actors.contains(x)),
        }
    };
    let world_of = |g: usize| nodes[graph.origin[g] as usize].1 as usize;
    let id_of = |g: usize| nodes[graph.origin[g] as usize].0;
    for (g, &mask) in neighbour_worlds.iter().enumerate() {
        let wg = world_of(g);
        for &h in graph.neighbours(g) {
            let h = h as usize;
            let wh = world_of(h);
            if h > g && wg != wh {
                meet(&mut sets, wg, wh, &[id_of(g), id_of(h)]);
            }
        }
        if mask.count_ones() >= 2 {
            for a in 0..k {
                for b in a + 1..k {
                    if mask & (1 << a) != 0 && mask & (1 << b) != 0 {
                        meet(&mut sets, a, b, &[id_of(g)]);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for a in 0..k {
        for b in a + 1..k {
            if let Some(set) = &sets[a * k + b] {
                if !set.is_empty() {
                    out.push(SoleBridge {
                        mondes: [worlds[a], worlds[b]],
                        actor_ids: set.iter().copied().collect(),
                    });
                }
            }
        }
    }
    out
}

/// The shortest chain of actors from `from` to `to` through existing links (both ends
/// included), e.g. `[A, X, B]`: X could introduce A to B. `None` when they are not connected.
pub fn introduction_path(links: &[(i64, i64)], from: i64, to: i64) -> Option<Vec<i64>> {
    if from == to {
        return Some(vec![from]);
    }
    let mut adjacency: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (a, b) in links {
        adjacency.entry(*a).or_default().push(*b);
        adjacency.entry(*b).or_default().push(*a);
    }
    let mut previous: BTreeMap<i64, i64> = BTreeMap::new();
    let mut queue = VecDeque::from([from]);
    let mut seen = BTreeSet::from([from]);
    while let Some(v) = queue.pop_front() {
        for &w in adjacency.get(&v).map(Vec::as_slice).unwrap_or(&[]) {
            if seen.insert(w) {
                previous.insert(w, v);
                if w == to {
                    let mut path = vec![to];
                    let mut cur = to;
                    while let Some(&p) = previous.get(&cur) {
                        path.push(p);
                        cur = p;
                    }
                    path.reverse();
                    return Some(path);
                }
                queue.push_back(w);
            }
        }
    }
    None
}

/// Actors as `(id, monde, name)` and links as `(a, b)`.
type GraphData = (Vec<(i64, World, String)>, Vec<(i64, i64)>);

impl Store {
    fn graph_data(&self) -> CoreResult<GraphData> {
        let actors = self
            .list_actors()?
            .into_iter()
            .map(|a| (a.id, a.world, a.name))
            .collect();
        let mut st = self
            .conn
            .prepare_cached("SELECT actor_a, actor_b FROM link ORDER BY id")?;
        let links = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok((actors, links))
    }

    /// The actors (id and monde, by id) and the graph of their links, read compactly.
    pub fn network_graph(&self, progress: &Progress) -> CoreResult<(Vec<(i64, World)>, Graph)> {
        let nodes: Vec<(i64, World)> = {
            let mut st = self
                .conn
                .prepare_cached("SELECT id, world FROM actor ORDER BY id")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        progress.check()?;
        let index = NodeIndex::new(&nodes);
        let mut edges: Vec<(u32, u32)> = Vec::new();
        {
            // Both ends, as the pair index holds them: read from that index alone.
            let mut st = self
                .conn
                .prepare_cached("SELECT min(actor_a, actor_b), max(actor_a, actor_b) FROM link")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let (a, b): (i64, i64) = (r.get(0)?, r.get(1)?);
                if let (Some(x), Some(y)) = (index.get(a), index.get(b)) {
                    edges.push((x, y));
                }
                if edges.len().is_multiple_of(65_536) {
                    progress.check()?;
                }
            }
        }
        let graph = Graph::new(nodes.len(), &mut edges);
        Ok((nodes, graph))
    }

    /// The network analytics of the workspace.
    pub fn network_report(&self) -> CoreResult<NetworkReport> {
        self.network_report_with(&Progress::none())
    }

    /// [`Store::network_report`], reporting its progress and stopping when cancelled.
    pub fn network_report_with(&self, progress: &Progress) -> CoreResult<NetworkReport> {
        let (nodes, graph) = self.network_graph(progress)?;
        let figures = figures(&graph, &nodes, EXACT_LIMIT, PIVOTS, progress)?;
        let names: Vec<String> = {
            let mut st = self
                .conn
                .prepare_cached("SELECT name FROM actor ORDER BY id")?;
            let rows = st.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        Ok(figures.report(|v| names[v].clone()))
    }

    /// [`Store::introduction_path`] with the actors' names, searched on the compact graph
    /// (a country's network answers in a fraction of a second).
    pub fn introduction_chain(&self, from: i64, to: i64) -> CoreResult<Option<Vec<NamedActor>>> {
        self.actor(from)?;
        self.actor(to)?;
        let (nodes, graph) = self.network_graph(&Progress::none())?;
        let index = NodeIndex::new(&nodes);
        // Graph numbers of the two ends.
        let mut graph_of = vec![0u32; graph.len()];
        for (g, &o) in graph.origin.iter().enumerate() {
            graph_of[o as usize] = g as u32;
        }
        let (Some(a), Some(b)) = (index.get(from), index.get(to)) else {
            return Ok(None);
        };
        let (start, goal) = (graph_of[a as usize], graph_of[b as usize]);
        let mut previous = vec![u32::MAX; graph.len()];
        previous[start as usize] = start;
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(v) = queue.pop_front() {
            if v == goal {
                break;
            }
            for &w in graph.neighbours(v as usize) {
                if previous[w as usize] == u32::MAX {
                    previous[w as usize] = v;
                    queue.push_back(w);
                }
            }
        }
        if previous[goal as usize] == u32::MAX {
            return Ok(None);
        }
        let mut chain = vec![goal];
        while *chain.last().expect("not empty") != start {
            let v = *chain.last().expect("not empty");
            chain.push(previous[v as usize]);
        }
        chain.reverse();
        let mut out = Vec::with_capacity(chain.len());
        for g in chain {
            let id = nodes[graph.origin[g as usize] as usize].0;
            let a = self.actor(id)?;
            out.push(NamedActor {
                id: a.id,
                name: a.name,
                monde: a.world,
            });
        }
        Ok(Some(out))
    }

    /// Who could introduce `from` to `to`: the shortest chain of links between them.
    pub fn introduction_path(&self, from: i64, to: i64) -> CoreResult<Option<Vec<i64>>> {
        self.actor(from)?;
        self.actor(to)?;
        let (_, links) = self.graph_data()?;
        Ok(introduction_path(&links, from, to))
    }
}

#[cfg(test)]
#[path = "analytics_tests.rs"]
mod tests;
