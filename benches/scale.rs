//! Scale benchmark (not a test): builds a workspace of 100,000 actors and 1,000,000 links and
//! prints the time to import them, to search (median and p95 over many queries, against the
//! same search done with `LIKE`), and to compute the network analytics.
//!
//! It also times the CSV export and import of those actors (the path a user's file takes:
//! decoding, column mapping, validation, duplicates, one transaction), and the network map
//! (analytics and layout) at the size the UI must stay usable with: 5,000 actors and 20,000
//! links.
//!
//! Run: `cargo bench --bench scale` (sizes: `CATALYSE_BENCH_ACTORS`, `CATALYSE_BENCH_LINKS`,
//! `CATALYSE_BENCH_MAP_ACTORS`, `CATALYSE_BENCH_MAP_LINKS`).

use catalyse_core::domain::ActorInput;
use catalyse_core::domain::NewWorkspace;
use catalyse_core::exchange::ExchangeKind;
use catalyse_core::network::LinkInput;
use catalyse_core::tabular::FileFormat;
use catalyse_core::Store;
use std::time::{Duration, Instant};

const WORLDS: [&str; 8] = [
    "local_authority",
    "state",
    "business",
    "association",
    "citizen",
    "research",
    "funder",
    "network",
];
const SYLLABLES: [&str; 16] = [
    "ver", "dan", "son", "or", "giè", "res", "mont", "clar", "sal", "ce", "lar", "rieu", "bru",
    "ne", "é", "crins",
];
const NATURES: [&str; 6] = [
    "partnership",
    "funding",
    "dialogue",
    "service",
    "membership",
    "conflict",
];

/// A small deterministic generator (xorshift), so every run builds the same workspace.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn word(rng: &mut Rng) -> String {
    (0..2 + rng.below(3))
        .map(|_| SYLLABLES[rng.below(16) as usize])
        .collect()
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn workspace(path: &std::path::Path) -> Store {
    Store::create(
        path,
        &NewWorkspace {
            territory_name: "Territoire de test".into(),
            territory_kind: "petr".into(),
            project_title: "Banc d'essai".into(),
        },
    )
    .expect("workspace")
}

fn generate_actors(rng: &mut Rng, n_actors: usize) -> Vec<ActorInput> {
    (0..n_actors)
        .map(|i| ActorInput {
            name: format!("{} {} {i}", word(rng), word(rng)),
            world: WORLDS[rng.below(8) as usize].into(),
            commune: word(rng),
            engagement: "informed".into(),
            notes: String::new(),
        })
        .collect()
}

fn generate_links(rng: &mut Rng, ids: &[i64], n_links: usize) -> Vec<LinkInput> {
    let mut seen = std::collections::HashSet::new();
    let mut links = Vec::with_capacity(n_links);
    while links.len() < n_links {
        let a = ids[rng.below(ids.len() as u64) as usize];
        let b = ids[rng.below(ids.len() as u64) as usize];
        let nature = NATURES[rng.below(6) as usize];
        if a == b || !seen.insert((a.min(b), a.max(b), nature)) {
            continue;
        }
        links.push(LinkInput {
            actor_a: a,
            actor_b: b,
            nature: nature.into(),
            strength: 1 + rng.below(3) as i64,
            since: None,
            notes: String::new(),
            introduced_by: None,
            meeting_id: None,
        });
    }
    links
}

fn main() {
    let n_actors = env("CATALYSE_BENCH_ACTORS", 100_000);
    let n_links = env("CATALYSE_BENCH_LINKS", 1_000_000);
    let dir = tempfile::TempDir::new().expect("temporary folder");
    let path = dir.path().join("scale.catalyse");
    let mut store = workspace(&path);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);

    let actors = generate_actors(&mut rng, n_actors);
    let t = Instant::now();
    let ids = store.insert_actors_bulk(&actors).expect("actors");
    let actors_time = t.elapsed();
    let links = generate_links(&mut rng, &ids, n_links);
    let t = Instant::now();
    store.insert_links_bulk(&links).expect("links");
    let links_time = t.elapsed();
    println!(
        "import: {n_actors} actors in {:.2} s, {n_links} links in {:.2} s",
        actors_time.as_secs_f64(),
        links_time.as_secs_f64()
    );

    // Search: many queries of one or two word prefixes, with and without accents.
    let queries: Vec<String> = (0..300)
        .map(|i| {
            let w = word(&mut rng);
            let w: String = w.chars().take(3 + i % 3).collect();
            if i % 4 == 0 {
                format!("{w} {}", word(&mut rng).chars().take(2).collect::<String>())
            } else {
                w.replace(['è', 'é'], "e")
            }
        })
        .collect();
    let mut fts = Vec::new();
    let mut found = 0usize;
    for q in &queries {
        let t = Instant::now();
        found += store.search(q).expect("search").len();
        fts.push(t.elapsed());
    }
    fts.sort();
    // The same look-up with LIKE, on a second (read-only) connection to the same file.
    let reader =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("reader");
    let mut like_query = reader
        .prepare("SELECT id FROM actor WHERE name LIKE ?1 LIMIT 20")
        .expect("like query");
    let mut like = Vec::new();
    for q in &queries {
        let first = q.split(' ').next().unwrap_or_default();
        let t = Instant::now();
        let n = like_query
            .query_map([format!("%{first}%")], |r| r.get::<_, i64>(0))
            .expect("like")
            .count();
        std::hint::black_box(n);
        like.push(t.elapsed());
    }
    like.sort();
    println!(
        "search (FTS5, {} queries, {found} hits): median {:.2} ms, p95 {:.2} ms",
        queries.len(),
        percentile(&fts, 0.5).as_secs_f64() * 1e3,
        percentile(&fts, 0.95).as_secs_f64() * 1e3
    );
    println!(
        "search (LIKE '%…%' on names, accents not folded): median {:.2} ms, p95 {:.2} ms",
        percentile(&like, 0.5).as_secs_f64() * 1e3,
        percentile(&like, 0.95).as_secs_f64() * 1e3
    );

    let t = Instant::now();
    let report = store.network_report().expect("analytics");
    println!(
        "analytics: {:.2} s ({} components, {} isolated, betweenness {})",
        t.elapsed().as_secs_f64(),
        report.components.len(),
        report.isolated.len(),
        if report.betweenness_exact {
            "exact"
        } else {
            "sampled"
        }
    );

    // The CSV path of a user's file: export the actors, then import them into an empty workspace.
    let t = Instant::now();
    let csv = store
        .export(ExchangeKind::Actors, FileFormat::Csv)
        .expect("export");
    let export_time = t.elapsed();
    let mut fresh = workspace(&dir.path().join("import.catalyse"));
    let t = Instant::now();
    let out = fresh
        .import(ExchangeKind::Actors, &csv, FileFormat::Csv, true)
        .expect("import");
    println!(
        "CSV: export of {n_actors} actors ({:.1} MB) in {:.2} s; import with preview checks in {:.2} s ({} written)",
        csv.len() as f64 / 1e6,
        export_time.as_secs_f64(),
        t.elapsed().as_secs_f64(),
        out.written
    );

    // The map at the size the UI must handle.
    let map_actors = env("CATALYSE_BENCH_MAP_ACTORS", 5_000);
    let map_links = env("CATALYSE_BENCH_MAP_LINKS", 20_000);
    let mut small = workspace(&dir.path().join("map.catalyse"));
    let ids = small
        .insert_actors_bulk(&generate_actors(&mut rng, map_actors))
        .expect("actors");
    small
        .insert_links_bulk(&generate_links(&mut rng, &ids, map_links))
        .expect("links");
    let mut times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let map = small.network_map().expect("map");
        std::hint::black_box(&map);
        times.push(t.elapsed());
    }
    times.sort();
    let t = Instant::now();
    std::hint::black_box(small.network_report().expect("analytics"));
    let analytics = t.elapsed();
    println!(
        "map ({map_actors} actors, {map_links} links): median of 3 runs {:.2} s, of which analytics {:.2} s and layout the rest",
        times[1].as_secs_f64(),
        analytics.as_secs_f64()
    );
}
