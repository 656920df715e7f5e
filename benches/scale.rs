//! The scale benchmark (not a test): Catalyse beside the best reference tool for each job, on
//! the same data, in the same run. Each line prints Catalyse's figure, the reference's, the
//! ratio and the target; absolute times on a shared 2-core machine are noise, ratios less so.
//!
//! 1. Import of 100,000 actors then 1,000,000 links from CSV with the `catalyse import`
//!    command (checks, duplicates, search index and list keys included), against the `sqlite3`
//!    shell's `.import` of the same two files into plain tables, run alternately 3 times
//!    (`CATALYSE_BENCH_IMPORT_ROUNDS`), medians compared. Target: at most 3×. Also the
//!    largest gap between two progress reports of the same import (target: ≤ 250 ms). And,
//!    to tell what that target asks, the shell doing the import's structural work in SQL
//!    (identities, names resolved by a join, contacts, the link indexes, the full-text index).
//! 2. Search over 100,000 actors, 100,000 contacts and 100,000 meetings: queries of 2 to 12
//!    letters, with and without accents, the 50 best results; against a `LIKE`/`GLOB` scan of
//!    the same columns (accents folded on both sides) that ranks them the same way — the two
//!    are checked to give the same 50 results. Targets: p95 ≤ 5 ms and at least 20× faster.
//! 3. Network analytics at 100,000 actors / 1,000,000 links: the whole
//!    `catalyse network --json` command, against NetworKit's `EstimateBetweenness(G, 256)` and
//!    `ConnectedComponents` on the same edge list with 2 threads (PyPI `networkit`, run by the
//!    Python named by `CATALYSE_BENCH_PYTHON`). Targets: ≤ 2 s and ≤ 0.15× NetworKit.
//! 4. The map's layout at 10,000 actors / 50,000 links (computed once, then kept).
//! 5. The journal of changes: the import of the 100,000 actors in process, journaled and not
//!    (journaling is switched off for the comparison only, through the store's
//!    `journal().set_enabled(false)`, which nothing else does but the workspace JSON import);
//!    alternately, 3 times (`CATALYSE_BENCH_JOURNAL_ROUNDS`), medians compared; target
//!    ≤ 1.5×. Then the journal's size after that import and after 100,000 single-field
//!    edits (each its own change set, as a user's edits are).
//!
//! Run: `scripts/bench.sh` (installs the references, then runs this and the start-up and
//! memory comparison), or `cargo bench --bench scale`. Sizes: `CATALYSE_BENCH_ACTORS`,
//! `CATALYSE_BENCH_LINKS`, `CATALYSE_BENCH_MEETINGS`, `CATALYSE_BENCH_QUERIES`.

use catalyse_core::exchange::ExchangeKind;
use catalyse_core::shared::progress::Progress;
use catalyse_core::Store;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WORLDS: [&str; 8] = [
    "Collectivité territoriale",
    "État et agences",
    "Entreprise",
    "Association / ESS",
    "Habitant / citoyen",
    "Enseignement et recherche",
    "Fondation / financeur",
    "Réseau / tête de réseau / chambre consulaire",
];
const SYLLABLES: [&str; 24] = [
    "ver", "dan", "son", "or", "giè", "res", "mont", "clar", "sal", "ce", "lar", "rieu", "bru",
    "ne", "é", "crins", "bel", "gar", "pey", "ro", "vil", "la", "chà", "teau",
];
const PREFIXES: [&str; 8] = [
    "Mairie de",
    "Association",
    "Comité des fêtes de",
    "Ferme",
    "Tiers-lieu",
    "Office de tourisme de",
    "Fondation",
    "Café associatif de",
];
const FIRST_NAMES: [&str; 8] = [
    "Claire", "Émile", "Hélène", "Jérôme", "Léa", "Noël", "Zoé", "André",
];
const NATURES: [&str; 6] = [
    "Partenariat",
    "Financement",
    "Échange / dialogue",
    "Prestation",
    "Adhésion",
    "Conflit",
];
const MEETING_KINDS: [&str; 5] = [
    "Réunion",
    "Atelier",
    "Comité de pilotage",
    "Visite",
    "Événement",
];

/// A small deterministic generator (xorshift), so every run builds the same data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn word(rng: &mut Rng) -> String {
    let w: String = (0..2 + rng.below(3))
        .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
        .collect();
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => w,
    }
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

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// One result line: what, Catalyse, the reference, the ratio, the target.
fn line(what: &str, ours: &str, reference: &str, ratio: Option<f64>, target: &str) {
    let ratio = ratio.map_or("—".to_string(), |r| {
        if r < 0.01 {
            // 1/670 reads better than 0.00×.
            format!("{r:.4}× (1/{:.0})", 1.0 / r)
        } else {
            format!("{r:.2}×")
        }
    });
    println!(
        "{what}\n    Catalyse {ours} | reference {reference} | ratio {ratio} | target {target}"
    );
}

struct Data {
    actors: PathBuf,
    links: PathBuf,
    meetings: PathBuf,
    names: Vec<String>,
    titles: Vec<String>,
    link_count: usize,
}

/// Writes the CSV files (as a user's spreadsheet export: `;`, French headers and labels).
fn write_data(dir: &Path, n_actors: usize, n_links: usize, n_meetings: usize) -> Data {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // Real communes, whose names an import places without a code.
    let cog = catalyse_core::geo::communes::cog();
    let france: Vec<&str> = cog
        .communes
        .iter()
        .filter(|c| {
            matches!(
                cog.match_name(&c.name, &[]),
                catalyse_core::geo::communes::NameMatch::One { .. }
            )
        })
        .map(|c| c.name.as_str())
        .collect();
    let communes: Vec<String> = (0..(n_actors / 15).max(10))
        .map(|_| france[rng.below(france.len())].to_string())
        .collect();
    let mut names = Vec::with_capacity(n_actors);
    let mut seen = std::collections::HashSet::new();
    let actors = dir.join("acteurs.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&actors).expect("actors file"));
    writeln!(out, "Nom;Monde;Commune;Niveau d'engagement;Contact;Notes").expect("write");
    for i in 0..n_actors {
        let k = rng.below(PREFIXES.len());
        let commune = &communes[rng.below(communes.len())];
        let mut name = if k.is_multiple_of(3) {
            format!("{} {commune}", PREFIXES[k])
        } else {
            format!("{} {}", PREFIXES[k], word(&mut rng))
        };
        if !seen.insert(catalyse_core::shared::text::fold(&name)) {
            name = format!("{name} {i}");
            seen.insert(catalyse_core::shared::text::fold(&name));
        }
        let contact = format!(
            "{} {}",
            FIRST_NAMES[rng.below(FIRST_NAMES.len())],
            word(&mut rng)
        );
        writeln!(
            out,
            "{name};{};{commune};Informé;{contact};Rencontré à {}",
            WORLDS[rng.below(WORLDS.len())],
            communes[rng.below(communes.len())]
        )
        .expect("write");
        names.push(name);
    }
    drop(out);
    let links = dir.join("liens.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&links).expect("links file"));
    writeln!(out, "Acteur A;Acteur B;Nature;Force").expect("write");
    let mut pairs = std::collections::HashSet::new();
    let mut written = 0;
    while written < n_links {
        let (a, b, n) = (rng.below(n_actors), rng.below(n_actors), rng.below(6));
        if a == b || !pairs.insert((a.min(b), a.max(b), n)) {
            continue;
        }
        writeln!(
            out,
            "{};{};{};{}",
            names[a],
            names[b],
            NATURES[n],
            1 + rng.below(3)
        )
        .expect("write");
        written += 1;
    }
    drop(out);
    let meetings = dir.join("rencontres.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&meetings).expect("meetings file"));
    writeln!(out, "Date;Type;Titre;Notes").expect("write");
    let mut titles = Vec::with_capacity(n_meetings);
    for i in 0..n_meetings {
        let title = format!(
            "{} {} {}",
            ["Atelier", "Réunion", "Visite", "Comité"][rng.below(4)],
            word(&mut rng),
            i
        );
        writeln!(
            out,
            "{}-{:02}-{:02};{};{title};Échanges avec {}",
            2020 + rng.below(6),
            1 + rng.below(12),
            1 + rng.below(28),
            MEETING_KINDS[rng.below(MEETING_KINDS.len())],
            names[rng.below(names.len())]
        )
        .expect("write");
        titles.push(title);
    }
    drop(out);
    Data {
        actors,
        links,
        meetings,
        names,
        titles,
        link_count: written,
    }
}

fn catalyse(args: &[&str]) -> Duration {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_catalyse"))
        .args(args)
        .output()
        .expect("the catalyse binary runs");
    let d = t.elapsed();
    assert!(
        out.status.success(),
        "catalyse {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    d
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

fn main() {
    let n_actors = env("CATALYSE_BENCH_ACTORS", 100_000);
    let n_links = env("CATALYSE_BENCH_LINKS", 1_000_000);
    let n_meetings = env("CATALYSE_BENCH_MEETINGS", 100_000);
    let n_queries = env("CATALYSE_BENCH_QUERIES", 300);
    let dir = tempfile::TempDir::new().expect("temporary folder");
    // CATALYSE_BENCH_KEEP=1 keeps the data and workspaces, to profile them afterwards.
    let dir_path = if std::env::var_os("CATALYSE_BENCH_KEEP").is_some() {
        let kept = dir.keep();
        eprintln!("# data kept in {}", kept.display());
        kept
    } else {
        dir.path().to_path_buf()
    };
    let dir = Kept(dir_path);
    // The backups of the commands go there, not into the user's data.
    std::env::set_var("XDG_DATA_HOME", dir.path().join("data"));
    let t = Instant::now();
    let data = write_data(dir.path(), n_actors, n_links, n_meetings);
    println!(
        "# data: {n_actors} actors (each with a contact), {n_links} links, {n_meetings} meetings, written as CSV in {}",
        secs(t.elapsed())
    );
    let ws = dir.path().join("pays.catalyse");
    catalyse(&[
        "new",
        path_str(&ws),
        "--territory",
        "France",
        "--kind",
        "region",
    ]);
    // CATALYSE_BENCH_ONLY=progress (or search, network, map, comma-separated) runs only those
    // lines (and the import that search and network need).
    let only = std::env::var("CATALYSE_BENCH_ONLY").unwrap_or_default();
    let wanted = |what: &str| only.is_empty() || only.split(',').any(|w| w.trim() == what);

    // ----- 1. Import ------------------------------------------------------------------------
    if wanted("import") || wanted("search") || wanted("network") {
        import(dir.path(), &ws, &data, wanted("import"));
    }
    if wanted("progress") {
        let (gap, at) = largest_progress_gap(dir.path(), &data);
        line(
            &format!("1b. largest gap between two progress reports, importing the actors then the links in process ({at})"),
            &ms(gap),
            "—",
            None,
            "≤ 250 ms",
        );
    }

    if wanted("journal") {
        journal_overhead(dir.path(), &data);
    }

    // ----- 2. Search -----------------------------------------------------------------------
    if wanted("search") {
        let t = Instant::now();
        catalyse(&[
            "import",
            "meetings",
            path_str(&data.meetings),
            "--workspace",
            path_str(&ws),
        ]);
        println!("# meetings imported in {}", secs(t.elapsed()));
        search(&ws, &data, n_queries);
    }

    // ----- 3. Network analytics -----------------------------------------------------------
    if wanted("network") {
        network(dir.path(), &ws);
    }

    // ----- 4. The map ----------------------------------------------------------------------
    if wanted("map") {
        map(dir.path());
    }
}

/// Imports the actors then the links with the CLI into `ws`; with `report`, also with the
/// `sqlite3` shell and prints the comparison: `CATALYSE_BENCH_IMPORT_ROUNDS` rounds (3 by
/// default), each the CLI's import into a new workspace then the shell's, alternately, and
/// the medians compared (one run alone moves by ±20 % on these shared machines; alternating
/// puts both under the same load). The last round's workspace is `ws`.
fn import(dir: &Path, ws: &Path, data: &Data, report: bool) {
    let (n_actors, n_links) = (data.names.len(), data.link_count);
    let once = |ws: &Path| {
        let [actors, links] =
            [("actors", &data.actors), ("links", &data.links)].map(|(kind, csv)| {
                catalyse(&["import", kind, path_str(csv), "--workspace", path_str(ws)])
            });
        (actors, links)
    };
    if !report {
        once(ws);
        return;
    }
    let rounds = env("CATALYSE_BENCH_IMPORT_ROUNDS", 3).max(1);
    let (mut ours, mut references) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let target = if round + 1 == rounds {
            ws.to_path_buf()
        } else {
            let other = dir.join(format!("import-{round}.catalyse"));
            catalyse(&[
                "new",
                path_str(&other),
                "--territory",
                "France",
                "--kind",
                "region",
            ]);
            other
        };
        ours.push(once(&target));
        if target != ws {
            remove_workspace(&target);
        }
        let db = dir.join("reference.db");
        let _ = std::fs::remove_file(&db);
        references.push(sqlite3_import(&db, data));
    }
    let mut references: Vec<Duration> = references.into_iter().flatten().collect();
    let each = |v: &[Duration]| {
        v.iter()
            .map(|d| format!("{:.2}", d.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let totals: Vec<Duration> = ours.iter().map(|(a, l)| *a + *l).collect();
    println!(
        "# imports (actors + links): Catalyse {} s; sqlite3 {} s",
        each(&totals),
        each(&references),
    );
    // The round of the median total, and the median of the shell's.
    ours.sort_by_key(|(a, l)| *a + *l);
    let (actors_time, links_time) = ours[ours.len() / 2];
    let total = actors_time + links_time;
    references.sort();
    let reference = references.get(references.len() / 2).copied();
    line(
        &format!("1. import of {n_actors} actors + {n_links} links from CSV, `catalyse import` vs `sqlite3` `.import` into plain tables (medians of {rounds}, run alternately)"),
        &format!("{} ({} + {})", secs(total), secs(actors_time), secs(links_time)),
        &reference.map_or("sqlite3 not installed".into(), secs),
        reference.map(|r| total.as_secs_f64() / r.as_secs_f64()),
        "≤ 3×",
    );
    let same_work = sqlite3_same_work(dir, data);
    line(
        "1c. the same import (median above), against the `sqlite3` shell doing its structural work: the same CSV into tables with identities and dates, link ends resolved by name, contacts, the link table's five indexes, the full-text index (not done by the shell: the row checks, the communes, duplicates, the journal, the list keys)",
        &secs(total),
        &same_work.map_or("sqlite3 not installed".into(), secs),
        same_work.map(|r| total.as_secs_f64() / r.as_secs_f64()),
        "— (tells what the 3× above asks)",
    );
}

/// Removes a workspace of the benchmark and the files SQLite keeps beside it.
fn remove_workspace(ws: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = ws.as_os_str().to_os_string();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// The `sqlite3` shell doing what an import does to the file, bar the checks and the journal:
/// the two files imported, each row given an identity (36 characters) and its dates, the
/// links' actor names resolved to ids by a join on an index of the names, the actors'
/// contacts as records, the indexes of the link table (identity, both ends, the unique pair
/// and nature, the introducer) and the full-text index of actors and contacts (Catalyse's
/// own definition). In one transaction, as the import.
fn sqlite3_same_work(dir: &Path, data: &Data) -> Option<Duration> {
    let db = dir.join("reference-same-work.db");
    let uid = "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6)))";
    let now = "strftime('%Y-%m-%dT%H:%M:%SZ')";
    let script = format!(
        ".mode csv\n.separator ;\n\
         PRAGMA cache_size = -131072;\n\
         CREATE TEMP TABLE actors_csv(name TEXT, world TEXT, commune TEXT, engagement TEXT, contact TEXT, notes TEXT);\n\
         CREATE TEMP TABLE links_csv(a TEXT, b TEXT, nature TEXT, strength TEXT);\n\
         .import --skip 1 {actors} actors_csv\n\
         .import --skip 1 {links} links_csv\n\
         BEGIN;\n\
         CREATE TABLE actor(id INTEGER PRIMARY KEY, uid TEXT NOT NULL, name TEXT NOT NULL, world TEXT, commune TEXT, engagement TEXT, notes TEXT, created_at TEXT, updated_at TEXT);\n\
         INSERT INTO actor(uid, name, world, commune, engagement, notes, created_at, updated_at) SELECT {uid}, name, world, commune, engagement, notes, {now}, {now} FROM actors_csv;\n\
         CREATE UNIQUE INDEX actor_uid ON actor(uid);\n\
         CREATE INDEX actor_name ON actor(name);\n\
         CREATE TABLE contact(id INTEGER PRIMARY KEY, uid TEXT NOT NULL, actor_id INTEGER NOT NULL, name TEXT NOT NULL, created_at TEXT, updated_at TEXT);\n\
         INSERT INTO contact(uid, actor_id, name, created_at, updated_at) SELECT {uid}, rowid, contact, {now}, {now} FROM actors_csv WHERE contact <> '';\n\
         CREATE UNIQUE INDEX contact_uid ON contact(uid);\n\
         CREATE VIRTUAL TABLE search_index USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');\n\
         INSERT INTO search_index(rowid, title, body) SELECT id * 8 + 1, name, commune || ' ' || notes FROM actor;\n\
         INSERT INTO search_index(rowid, title, body) SELECT id * 8 + 2, name, '' FROM contact;\n\
         CREATE TABLE link(id INTEGER PRIMARY KEY, uid TEXT NOT NULL, actor_a INTEGER NOT NULL, actor_b INTEGER NOT NULL, nature TEXT NOT NULL, strength INTEGER, introduced_by_actor INTEGER, created_at TEXT, updated_at TEXT);\n\
         INSERT INTO link(uid, actor_a, actor_b, nature, strength, created_at, updated_at) SELECT {uid}, x.id, y.id, l.nature, l.strength, {now}, {now} FROM links_csv AS l JOIN actor AS x ON x.name = l.a JOIN actor AS y ON y.name = l.b;\n\
         CREATE UNIQUE INDEX link_uid ON link(uid);\n\
         CREATE INDEX link_a ON link(actor_a);\n\
         CREATE INDEX link_b ON link(actor_b);\n\
         CREATE UNIQUE INDEX link_pair_nature ON link(min(actor_a, actor_b), max(actor_a, actor_b), nature);\n\
         CREATE INDEX link_introduced ON link(introduced_by_actor) WHERE introduced_by_actor IS NOT NULL;\n\
         COMMIT;\n",
        actors = path_str(&data.actors),
        links = path_str(&data.links),
    );
    sqlite3_script(&db, &script)
}

/// The benchmark's folder (kept or temporary).
struct Kept(PathBuf);
impl Kept {
    fn path(&self) -> &Path {
        &self.0
    }
}

/// The `sqlite3` shell importing the same two files into plain tables, into the new file `db`.
fn sqlite3_import(db: &Path, data: &Data) -> Option<Duration> {
    let script = format!(
        ".mode csv\n.separator ;\nCREATE TABLE actors(name TEXT, world TEXT, commune TEXT, engagement TEXT, contact TEXT, notes TEXT);\nCREATE TABLE links(a TEXT, b TEXT, nature TEXT, strength TEXT);\n.import --skip 1 {} actors\n.import --skip 1 {} links\n",
        path_str(&data.actors),
        path_str(&data.links)
    );
    sqlite3_script(db, &script)
}

/// How long the `sqlite3` shell takes to run `script` on `db` (its start included, as
/// Catalyse's); `None` when it is not installed or fails.
fn sqlite3_script(db: &Path, script: &str) -> Option<Duration> {
    let t = Instant::now();
    let mut child = Command::new("sqlite3")
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .ok()?;
    let ok = child.wait().ok()?.success();
    let d = t.elapsed();
    ok.then_some(d)
}

/// Imports the actors then the links into a new workspace, in process, and returns the
/// largest time between two progress reports (from the start of each import to its end) and
/// where it was.
/// Line 5: the import of the actors with and without the journal, and the journal's size.
fn journal_overhead(dir: &Path, data: &Data) {
    let new = |name: &str| {
        Store::create(
            &dir.join(name),
            &catalyse_core::project::NewWorkspace {
                territory_name: "Journal".into(),
                territory_kind: "region".into(),
                project_title: "Projet".into(),
            },
        )
        .expect("workspace")
    };
    let import = |store: &mut Store| {
        let t = Instant::now();
        let none = Progress::none();
        let prepared = store
            .prepare_import_file(ExchangeKind::Actors, &data.actors, &none)
            .expect("checked");
        store
            .commit_import(prepared, false, &none)
            .expect("written");
        t.elapsed()
    };
    // Each import into a new file, alternately without and with the journal, `rounds` times:
    // the medians are compared (one pair alone moves by ±5 % on these shared machines).
    let rounds = env("CATALYSE_BENCH_JOURNAL_ROUNDS", 3).max(1);
    let (mut withouts, mut withs) = (Vec::new(), Vec::new());
    let mut on = None;
    for round in 0..rounds {
        let mut off = new(&format!("sans-journal-{round}.catalyse"));
        off.journal().set_enabled(false);
        withouts.push(import(&mut off));
        drop(off);
        let mut with = new(&format!("journal-{round}.catalyse"));
        withs.push(import(&mut with));
        on = Some(with);
    }
    let mut on = on.expect("one round at least");
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let each = |v: &[Duration]| {
        v.iter()
            .map(|d| format!("{:.2}", d.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "# imports without the journal: {} s; with it: {} s",
        each(&withouts),
        each(&withs)
    );
    let (with, without) = (median(&mut withs), median(&mut withouts));
    let n = data.names.len();
    line(
        &format!(
            "5. import of {n} actors in process, journaled vs not journaled (medians of {rounds})"
        ),
        &secs(with),
        &secs(without),
        Some(with.as_secs_f64() / without.as_secs_f64()),
        "≤ 1.5×",
    );
    let size = |s: &Store| s.journal_size().expect("size");
    let (sets, entries, bytes) = size(&on);
    println!(
        "# journal after the import: {sets} change set(s), {entries} entries, {:.1} MB ({:.0} bytes per actor)",
        bytes as f64 / 1e6,
        bytes as f64 / n as f64
    );
    let edits = env("CATALYSE_BENCH_EDITS", 100_000);
    let actors = on.list_actors().expect("actors");
    let ids: Vec<_> = actors.iter().cycle().take(edits).collect();
    let t = Instant::now();
    for (i, a) in ids.iter().enumerate() {
        let input = catalyse_core::actors::ActorInput {
            name: a.name.clone(),
            world: a.world.code().into(),
            commune: a.commune.clone(),
            insee: None,
            engagement: a.engagement.code().into(),
            notes: format!("Relance n° {i}"),
        };
        on.update_actor(a.id, &input).expect("edit");
    }
    let took = t.elapsed();
    let (sets2, entries2, bytes2) = size(&on);
    println!(
        "# journal after {} single-field edits ({} each): {} more change sets, {} more entries, {:.1} MB more ({:.0} bytes per edit)",
        ids.len(),
        ms(took / ids.len().max(1) as u32),
        sets2 - sets,
        entries2 - entries,
        (bytes2 - bytes) as f64 / 1e6,
        (bytes2 - bytes) as f64 / ids.len().max(1) as f64
    );
}

fn largest_progress_gap(dir: &Path, data: &Data) -> (Duration, String) {
    let ws = dir.join("progress.catalyse");
    let mut store = Store::create(
        &ws,
        &catalyse_core::project::NewWorkspace {
            territory_name: "Progrès".into(),
            territory_kind: "region".into(),
            project_title: "Projet".into(),
        },
    )
    .expect("workspace");
    let mut largest = (Duration::ZERO, String::new());
    for (kind, file) in [
        (ExchangeKind::Actors, &data.actors),
        (ExchangeKind::Links, &data.links),
    ] {
        let start = Instant::now();
        let times = Arc::new(Mutex::new(vec![(start, None)]));
        let t = times.clone();
        let progress = Progress::new(Default::default(), move |e| {
            t.lock().expect("times").push((Instant::now(), Some(e)))
        });
        let prepared = store
            .prepare_import_file(kind, file, &progress)
            .expect("checked");
        store
            .commit_import(prepared, false, &progress)
            .expect("written");
        let mut times = times.lock().expect("times").clone();
        times.push((Instant::now(), None));
        if std::env::var_os("CATALYSE_BENCH_VERBOSE").is_some() {
            for (at, e) in &times {
                eprintln!("#   {:>8.1} ms {e:?}", (*at - start).as_secs_f64() * 1e3);
            }
        }
        for w in times.windows(2) {
            let gap = w[1].0 - w[0].0;
            if gap > largest.0 {
                let at = match w[0].1 {
                    Some(e) => format!("{kind:?}, after {:?} {}/{:?}", e.phase, e.done, e.total),
                    None => format!("{kind:?}, at the start"),
                };
                largest = (gap, at);
            }
        }
    }
    largest
}

/// Queries of 2 to 12 letters from the words of the data, half of them without accents.
fn queries(data: &Data, n: usize) -> Vec<String> {
    let mut rng = Rng(0x5EED_5EED_5EED);
    (0..n)
        .map(|i| {
            let source = match i % 3 {
                0 => &data.names[rng.below(data.names.len())],
                1 => &data.titles[rng.below(data.titles.len())],
                _ => PREFIXES[rng.below(PREFIXES.len())],
            };
            let words: Vec<&str> = source.split(' ').collect();
            let start = rng.below(words.len());
            let text = words[start..].join(" ");
            let len = 2 + rng.below(11);
            let q: String = text.chars().take(len).collect();
            let q = q.trim().to_string();
            if i % 2 == 0 {
                catalyse_core::shared::text::fold(&q)
            } else {
                q
            }
        })
        .filter(|q| q.chars().filter(|c| c.is_alphanumeric()).count() >= 2)
        .collect()
}

/// The same 50 best results as `Store::search`, found by scanning every record with
/// `LIKE`/`GLOB` on texts folded at query time (both sides folded).
fn reference_search(conn: &rusqlite::Connection, input: &str) -> Vec<(i64, i64)> {
    let typed = catalyse_core::shared::text::fold(input.trim());
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(catalyse_core::shared::text::fold)
        .collect();
    let all_in = |column: &str| -> String {
        words
            .iter()
            .enumerate()
            .map(|(i, _)| format!("(' ' || {column}) GLOB ?{}", i + 3))
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    let sql = format!(
        "WITH docs(kind, id, title, body) AS (
            SELECT 1, id, catalyse_fold(name), catalyse_fold(commune || ' ' || notes || ' ' || needs || ' ' || contributions) FROM actor
            UNION ALL SELECT 2, id, catalyse_fold(name), catalyse_fold(role || ' ' || email || ' ' || notes) FROM contact
            UNION ALL SELECT 3, id, catalyse_fold(title), catalyse_fold(notes) FROM meeting
            UNION ALL SELECT 4, id, catalyse_fold(title), catalyse_fold(description) FROM action),
         ranked AS (
            SELECT kind, id, title,
                   CASE WHEN title LIKE ?1 ESCAPE '\\' THEN 0
                        WHEN {} THEN 1
                        WHEN {} THEN 2 END AS tier
            FROM docs)
         SELECT kind, id FROM ranked WHERE tier IS NOT NULL
         ORDER BY tier, CASE WHEN tier = 0 THEN title ELSE '' END,
                  CASE WHEN tier = 0 THEN kind * 0 ELSE 0 END,
                  CASE WHEN tier = 0 THEN kind ELSE id * 8 + kind END,
                  CASE WHEN tier = 0 THEN id ELSE 0 END
         LIMIT ?2",
        all_in("title"),
        all_in("title || ' ' || body")
    );
    let like = typed
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
        + "%";
    let mut params: Vec<rusqlite::types::Value> = vec![
        like.into(),
        (catalyse_core::browse::search::MAX_HITS as i64).into(),
    ];
    for w in &words {
        params.push(format!("*[^a-z0-9]{w}*").into());
    }
    let mut st = conn.prepare(&sql).expect("reference query");
    let rows = st
        .query_map(rusqlite::params_from_iter(params), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("reference rows");
    rows.collect::<Result<_, _>>().expect("reference results")
}

fn search(ws: &Path, data: &Data, n_queries: usize) {
    let store = Store::open_for_reading(ws).expect("workspace");
    let conn =
        rusqlite::Connection::open_with_flags(ws, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("reference connection");
    catalyse_core::db::store::register_functions(&conn).expect("functions");
    let qs = queries(data, n_queries);
    let kind_of = |k: &str| match k {
        "actor" => 1,
        "contact" => 2,
        "meeting" => 3,
        _ => 4,
    };
    let mut ours = Vec::with_capacity(qs.len());
    let mut refs = Vec::new();
    let mut same = 0;
    for (i, q) in qs.iter().enumerate() {
        let t = Instant::now();
        let hits = store.search(q).expect("search");
        ours.push(t.elapsed());
        // The reference is slow: every tenth query.
        if i % 10 == 0 {
            let t = Instant::now();
            let expected = reference_search(&conn, q);
            refs.push(t.elapsed());
            let got: Vec<(i64, i64)> = hits.iter().map(|h| (kind_of(&h.kind), h.id)).collect();
            if got == expected {
                same += 1;
            } else {
                println!(
                    "# DIFFERENT results for « {q} »: {} vs {} (first {:?} vs {:?})",
                    got.len(),
                    expected.len(),
                    got.first(),
                    expected.first()
                );
            }
        }
    }
    ours.sort();
    refs.sort();
    let (p95, rp95) = (percentile(&ours, 0.95), percentile(&refs, 0.95));
    line(
        &format!("2. search over {} records, {} queries of 2 to 12 letters (half without accents), the 50 best: p95 (median {}); the reference gave the same 50 for {same} of {} queries checked",
            data.names.len() * 2 + data.titles.len(), qs.len(), ms(percentile(&ours, 0.5)), refs.len()),
        &ms(p95),
        &format!("{} (LIKE/GLOB scan, folded both sides)", ms(rp95)),
        Some(p95.as_secs_f64() / rp95.as_secs_f64()),
        "p95 ≤ 5 ms and ≤ 0.05× (20× faster)",
    );
}

fn network(dir: &Path, ws: &Path) {
    let mut runs: Vec<Duration> = (0..3)
        .map(|_| {
            let t = Instant::now();
            let out = Command::new(env!("CARGO_BIN_EXE_catalyse"))
                .args(["network", "--json", "--workspace", path_str(ws)])
                .output()
                .expect("catalyse network");
            assert!(out.status.success());
            std::hint::black_box(out.stdout.len());
            t.elapsed()
        })
        .collect();
    runs.sort();
    let ours = runs[1];
    // The same edge list for NetworKit.
    let edges = dir.join("edges.txt");
    {
        let store = Store::open_for_reading(ws).expect("workspace");
        let (nodes, graph) = store.network_graph(&Progress::none()).expect("graph");
        let mut out = std::io::BufWriter::new(std::fs::File::create(&edges).expect("edges"));
        let mut graph_of = vec![0u32; graph.len()];
        for (g, &o) in graph.origin.iter().enumerate() {
            graph_of[o as usize] = g as u32;
        }
        for v in 0..graph.len() {
            for &w in graph.neighbours(graph_of[v] as usize) {
                let w = graph.origin[w as usize] as usize;
                if v < w {
                    writeln!(out, "{} {}", nodes[v].0, nodes[w].0).expect("write");
                }
            }
        }
    }
    let python = std::env::var("CATALYSE_BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = r#"
import sys, time
import networkit as nk
nk.setNumberOfThreads(2)
G = nk.graphio.EdgeListReader(' ', 0, continuous=False, directed=False).read(sys.argv[1])
t = time.perf_counter()
nk.components.ConnectedComponents(G).run()
nk.centrality.EstimateBetweenness(G, 256, normalized=False, parallel=True).run()
print(time.perf_counter() - t)
"#;
    let reference = Command::new(&python)
        .args(["-c", script, path_str(&edges)])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map(Duration::from_secs_f64);
    line(
        "3. network analytics, 100 000 actors / 1 000 000 links: the whole `catalyse network --json` (median of 3) vs NetworKit EstimateBetweenness(256) + ConnectedComponents, 2 threads (computation only, reading excluded)",
        &secs(ours),
        &reference.map_or(
            format!("NetworKit not available to {python} (pip install networkit==11.3)"),
            secs,
        ),
        reference.map(|r| ours.as_secs_f64() / r.as_secs_f64()),
        "≤ 2 s and ≤ 0.15×",
    );
}

fn map(dir: &Path) {
    let n = env("CATALYSE_BENCH_MAP_ACTORS", 10_000);
    let m = env("CATALYSE_BENCH_MAP_LINKS", 50_000);
    let mut rng = Rng(42);
    let path = dir.join("carte.catalyse");
    let mut store = Store::create(
        &path,
        &catalyse_core::project::NewWorkspace {
            territory_name: "Carte".into(),
            territory_kind: "department".into(),
            project_title: "Projet".into(),
        },
    )
    .expect("workspace");
    let actors: Vec<catalyse_core::actors::ActorInput> = (0..n)
        .map(|i| catalyse_core::actors::ActorInput {
            name: format!("Acteur {i}"),
            world: ["state", "business", "association", "citizen"][rng.below(4)].into(),
            commune: String::new(),
            insee: None,
            engagement: "informed".into(),
            notes: String::new(),
        })
        .collect();
    let ids = store.insert_actors_bulk(&actors).expect("actors");
    let mut pairs = std::collections::HashSet::new();
    let mut links = Vec::with_capacity(m);
    while links.len() < m {
        // Groups of 50, mostly linked inside: a network with a shape to lay out.
        let a = rng.below(n);
        let b = if rng.below(10) < 8 {
            (a / 50) * 50 + rng.below(50)
        } else {
            rng.below(n)
        }
        .min(n - 1);
        if a == b || !pairs.insert((a.min(b), a.max(b))) {
            continue;
        }
        links.push(catalyse_core::network::LinkInput {
            actor_a: ids[a],
            actor_b: ids[b],
            nature: "partnership".into(),
            strength: 1,
            since: None,
            notes: String::new(),
            introduced_by: None,
            meeting_id: None,
        });
    }
    store.insert_links_bulk(&links).expect("links");
    let t = Instant::now();
    let computed = store.compute_map(&Progress::none()).expect("layout");
    let layout = t.elapsed();
    store.save_map(&computed).expect("kept");
    let t = Instant::now();
    let view = store.network_map().expect("map").expect("laid out");
    let read = t.elapsed();
    line(
        &format!("4. map of {n} actors / {m} links: layout computed off the window (once, then kept), and reading the kept map"),
        &format!("layout {}, reading {} ({} actors, {} links)", secs(layout), ms(read), view.nodes.len(), view.edges.len()),
        "—",
        None,
        "interactive: pan and zoom frames ≤ 16 ms (measured in the app by the end-to-end tests)",
    );
}
