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
    // The chain with names agrees with the path of ids, for every pair from one actor.
    let first = r.actors[0].id;
    for other in &r.actors {
        let ids = s.introduction_path(first, other.id).unwrap();
        let chain = s.introduction_chain(first, other.id).unwrap();
        assert_eq!(
            ids.as_ref().map(Vec::len),
            chain.as_ref().map(Vec::len),
            "same length to {}",
            other.name
        );
        if let Some(chain) = chain {
            assert_eq!(chain[0].id, first);
            assert_eq!(chain.last().unwrap().id, other.id);
            assert_eq!(chain.last().unwrap().name, other.name);
        }
    }
}
