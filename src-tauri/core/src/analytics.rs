//! Network analytics on the actors and their links, computed with petgraph: degree,
//! betweenness (Brandes' algorithm; exact up to a size, sampled from pivots beyond), connected
//! components, isolated actors, cross-monde brokerage, sole bridges between mondes, and the
//! shortest chain of introductions between two actors.

use crate::domain::World;
use crate::error::CoreResult;
use crate::store::Store;
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use ts_rs::TS;

/// Above this many actors, betweenness is estimated from [`PIVOTS`] sources.
pub const EXACT_LIMIT: usize = 2_000;
/// Number of BFS sources used to estimate betweenness on large networks.
pub const PIVOTS: usize = 256;

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
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
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

/// The graph of actors (nodes carry the actor id and monde) with one edge per linked pair.
struct Network {
    graph: UnGraph<(i64, World), ()>,
}

impl Network {
    fn build(nodes: &[(i64, World)], edges: &[(i64, i64)]) -> Network {
        let mut graph = UnGraph::with_capacity(nodes.len(), edges.len());
        let mut index = BTreeMap::new();
        for (id, world) in nodes {
            index.insert(*id, graph.add_node((*id, *world)));
        }
        let mut seen = BTreeSet::new();
        for (a, b) in edges {
            let (Some(&x), Some(&y)) = (index.get(a), index.get(b)) else {
                continue;
            };
            if x != y && seen.insert((x.min(y), x.max(y))) {
                graph.add_edge(x, y, ());
            }
        }
        Network { graph }
    }

    /// Brandes' accumulation from each source in `sources`; raw (unnormalised) scores.
    /// Runs on a compact adjacency list copied from the graph (cache-friendly), and finds
    /// predecessors by distance instead of storing them.
    fn betweenness(&self, sources: &[NodeIndex]) -> Vec<f64> {
        let n = self.graph.node_count();
        let adjacency: Vec<Vec<u32>> = (0..n)
            .map(|v| {
                self.graph
                    .neighbors(NodeIndex::new(v))
                    .map(|w| w.index() as u32)
                    .collect()
            })
            .collect();
        let mut score = vec![0.0; n];
        let mut sigma = vec![0.0f64; n];
        let mut dist = vec![u32::MAX; n];
        let mut delta = vec![0.0f64; n];
        let mut order: Vec<u32> = Vec::with_capacity(n);
        let mut queue = VecDeque::with_capacity(n);
        for &s in sources {
            // Only the nodes reached from the previous source need resetting.
            for &v in &order {
                let v = v as usize;
                sigma[v] = 0.0;
                dist[v] = u32::MAX;
                delta[v] = 0.0;
            }
            order.clear();
            let s = s.index();
            sigma[s] = 1.0;
            dist[s] = 0;
            queue.push_back(s as u32);
            while let Some(v) = queue.pop_front() {
                order.push(v);
                let v = v as usize;
                let next = dist[v] + 1;
                for &w in &adjacency[v] {
                    let w = w as usize;
                    if dist[w] == u32::MAX {
                        dist[w] = next;
                        queue.push_back(w as u32);
                    }
                    if dist[w] == next {
                        sigma[w] += sigma[v];
                    }
                }
            }
            for &w in order.iter().rev() {
                let w = w as usize;
                if dist[w] == 0 {
                    continue;
                }
                let coefficient = (1.0 + delta[w]) / sigma[w];
                for &v in &adjacency[w] {
                    let v = v as usize;
                    if dist[v] + 1 == dist[w] {
                        delta[v] += sigma[v] * coefficient;
                    }
                }
                score[w] += delta[w];
            }
        }
        score
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
    let net = Network::build(&nodes, links);
    let g = &net.graph;
    let n = g.node_count();

    // Components with petgraph's union-find.
    let mut uf = UnionFind::<usize>::new(n);
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).expect("edge has endpoints");
        uf.union(a.index(), b.index());
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for v in 0..n {
        groups.entry(uf.find(v)).or_default().push(v);
    }
    let mut components: Vec<Vec<usize>> = groups.into_values().collect();
    components.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    let mut component_of = vec![0i64; n];
    for (i, c) in components.iter().enumerate() {
        for v in c {
            component_of[*v] = i as i64;
        }
    }

    // Betweenness: exact, or estimated from evenly spread sources and scaled up.
    let all: Vec<NodeIndex> = g.node_indices().collect();
    let exact = n <= exact_limit || pivots >= n;
    let (raw, scale) = if exact {
        (net.betweenness(&all), 1.0)
    } else {
        let step = n as f64 / pivots as f64;
        let sources: Vec<NodeIndex> = (0..pivots)
            .map(|i| NodeIndex::new((i as f64 * step) as usize))
            .collect();
        (net.betweenness(&sources), n as f64 / pivots as f64)
    };
    // Undirected: each pair is counted from both ends; normalise by the number of pairs.
    let norm = if n > 2 {
        1.0 / ((n - 1) * (n - 2)) as f64
    } else {
        0.0
    };

    let metrics = (0..n)
        .map(|v| {
            let node = NodeIndex::new(v);
            let (id, world) = g[node];
            let neighbour_worlds: BTreeSet<&str> =
                g.neighbors(node).map(|w| g[w].1.code()).collect();
            ActorMetrics {
                id,
                name: actors[v].2.clone(),
                monde: world,
                degree: g.neighbors(node).count() as i64,
                betweenness: raw[v] * scale * norm,
                mondes_bridged: neighbour_worlds.len() as i64,
                component: component_of[v],
            }
        })
        .collect::<Vec<_>>();

    NetworkReport {
        isolated: metrics
            .iter()
            .filter(|m| m.degree == 0)
            .map(|m| m.id)
            .collect(),
        components: components
            .iter()
            .map(|c| c.iter().map(|v| g[NodeIndex::new(*v)].0).collect())
            .collect(),
        sole_bridges: sole_bridges(g),
        actors: metrics,
        betweenness_exact: exact,
    }
}

/// For each pair of mondes, the actors found on every connection between them: both ends of
/// a direct link, or the intermediary of a two-step path. Pairs never connected are left out.
fn sole_bridges(g: &UnGraph<(i64, World), ()>) -> Vec<SoleBridge> {
    let mut sets: BTreeMap<(World, World), Option<BTreeSet<i64>>> = BTreeMap::new();
    let key = |a: World, b: World| if a <= b { (a, b) } else { (b, a) };
    let mut meet = |pair: (World, World), actors: BTreeSet<i64>| {
        let entry = sets.entry(pair).or_insert(None);
        *entry = Some(match entry.take() {
            None => actors,
            Some(prev) => prev.intersection(&actors).copied().collect(),
        });
    };
    for e in g.edge_indices() {
        let (a, b) = g.edge_endpoints(e).expect("edge has endpoints");
        let ((ia, wa), (ib, wb)) = (g[a], g[b]);
        if wa != wb {
            meet(key(wa, wb), BTreeSet::from([ia, ib]));
        }
    }
    for x in g.node_indices() {
        let neighbours: Vec<NodeIndex> = g.neighbors(x).collect();
        let mut pairs = BTreeSet::new();
        for (i, a) in neighbours.iter().enumerate() {
            for b in &neighbours[i + 1..] {
                let (wa, wb) = (g[*a].1, g[*b].1);
                if wa != wb {
                    pairs.insert(key(wa, wb));
                }
            }
        }
        for pair in pairs {
            meet(pair, BTreeSet::from([g[x].0]));
        }
    }
    sets.into_iter()
        .filter_map(|((a, b), s)| {
            let ids: Vec<i64> = s?.into_iter().collect();
            (!ids.is_empty()).then_some(SoleBridge {
                mondes: [a, b],
                actor_ids: ids,
            })
        })
        .collect()
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

    /// The network analytics of the workspace.
    pub fn network_report(&self) -> CoreResult<NetworkReport> {
        let (actors, links) = self.graph_data()?;
        Ok(analyse(&actors, &links, EXACT_LIMIT, PIVOTS))
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
mod tests {
    use super::*;
    use World::*;

    fn actors(list: &[(i64, World)]) -> Vec<(i64, World, String)> {
        list.iter()
            .map(|(id, w)| (*id, *w, format!("A{id}")))
            .collect()
    }

    fn metric(r: &NetworkReport, id: i64) -> &ActorMetrics {
        r.actors.iter().find(|m| m.id == id).unwrap()
    }

    #[test]
    fn star_and_path_have_known_betweenness() {
        // Star: centre 1 with four leaves; every shortest path between leaves goes through 1.
        let star = analyse(
            &actors(&[
                (1, State),
                (2, Business),
                (3, Business),
                (4, Citizen),
                (5, Funder),
            ]),
            &[(1, 2), (1, 3), (1, 4), (1, 5)],
            100,
            10,
        );
        assert!((metric(&star, 1).betweenness - 1.0).abs() < 1e-12);
        assert_eq!(metric(&star, 2).betweenness, 0.0);
        assert_eq!(metric(&star, 1).degree, 4);
        assert_eq!(metric(&star, 1).mondes_bridged, 3);
        // Path 1-2-3-4: node 2 lies on (1,3), (1,4): raw 2, normalised 2 / ((4-1)(4-2)/2) = 2/3.
        let path = analyse(
            &actors(&[(1, State), (2, State), (3, State), (4, State)]),
            &[(1, 2), (2, 3), (3, 4)],
            100,
            10,
        );
        assert!((metric(&path, 2).betweenness - 2.0 / 3.0).abs() < 1e-12);
        assert!((metric(&path, 3).betweenness - 2.0 / 3.0).abs() < 1e-12);
        assert!(path.betweenness_exact);
    }

    #[test]
    fn components_isolated_and_duplicate_links() {
        let r = analyse(
            &actors(&[
                (1, State),
                (2, State),
                (3, Business),
                (4, Business),
                (5, Citizen),
            ]),
            &[(1, 2), (2, 1), (3, 4)],
            100,
            10,
        );
        assert_eq!(r.components.len(), 3);
        assert_eq!(r.components[0].len(), 2);
        assert_eq!(r.components[2], vec![5]);
        assert_eq!(r.isolated, vec![5]);
        assert_eq!(
            metric(&r, 1).degree,
            1,
            "two links between the same pair count once"
        );
    }

    #[test]
    fn sole_bridges_between_mondes() {
        // a (association) — c (collectivité) — b (entreprise), plus d (entreprise) — b.
        let r = analyse(
            &actors(&[
                (1, Association),
                (2, LocalAuthority),
                (3, Business),
                (4, Business),
            ]),
            &[(1, 2), (2, 3), (3, 4)],
            100,
            10,
        );
        let find = |x: World, y: World| {
            r.sole_bridges
                .iter()
                .find(|b| b.mondes.contains(&x) && b.mondes.contains(&y))
                .map(|b| b.actor_ids.clone())
        };
        // Association ↔ Entreprise only through the collectivité.
        assert_eq!(find(Association, Business), Some(vec![2]));
        // Association ↔ Collectivité: the single direct link, both ends.
        assert_eq!(find(Association, LocalAuthority), Some(vec![1, 2]));
        // Citizen is never connected.
        assert_eq!(find(Citizen, Business), None);
    }

    #[test]
    fn sampled_betweenness_matches_exact_on_a_cycle() {
        let n = 60;
        let list: Vec<(i64, World)> = (0..n).map(|i| (i, State)).collect();
        let links: Vec<(i64, i64)> = (0..n).map(|i| (i, (i + 1) % n)).collect();
        let exact = analyse(&actors(&list), &links, 1000, 10);
        let sampled = analyse(&actors(&list), &links, 10, 12);
        assert!(exact.betweenness_exact);
        assert!(!sampled.betweenness_exact);
        for (e, s) in exact.actors.iter().zip(&sampled.actors) {
            assert!(
                (e.betweenness - s.betweenness).abs() < 0.05,
                "{} vs {}",
                e.betweenness,
                s.betweenness
            );
        }
        // With as many pivots as nodes, the estimate is the exact value.
        let full = analyse(&actors(&list), &links, 10, n as usize);
        assert!(full.betweenness_exact);
    }

    #[test]
    fn introduction_paths() {
        let links = [(1, 2), (2, 3), (3, 4), (1, 5), (5, 4)];
        let p = introduction_path(&links, 1, 4).unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!((p[0], p[2]), (1, 4));
        assert_eq!(introduction_path(&links, 1, 1), Some(vec![1]));
        assert_eq!(introduction_path(&links, 1, 9), None);
    }

    #[test]
    fn demo_network_report() {
        let dir = tempfile::TempDir::new().unwrap();
        let s = crate::demo::write_demo(&dir.path().join("d.catalyse")).unwrap();
        let r = s.network_report().unwrap();
        assert_eq!(r.actors.len(), s.list_actors().unwrap().len());
        assert!(
            !r.isolated.is_empty(),
            "the demo keeps a few actors without links"
        );
        let fabrique = r
            .actors
            .iter()
            .find(|m| m.name.starts_with("Tiers-lieu"))
            .unwrap();
        assert!(fabrique.degree >= 5);
        assert!(fabrique.mondes_bridged >= 4);
        let path = s.introduction_path(r.actors[0].id, r.actors[0].id).unwrap();
        assert_eq!(path.unwrap().len(), 1);
    }
}
