//! The commune picker (issue 27: a keystroke ≤ 50 ms p95 over France's ≈ 35,000 communes),
//! against the reference: the same searches by the `sqlite3` shell over a table of the same
//! communes and keys (a `LIKE` on the name's key, what a picker written in SQL would run),
//! in the same run. Also the first reading of the list shipped in the binary. Prints figures;
//! asserts nothing about time (these shared machines are noisy).
//!
//! `cargo bench --bench communes`

use catalyse_core::geo::communes::{cog, search_key, MAX_HITS};
use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

/// What users type, one keystroke at a time.
const TYPED: &[&str] = &[
    "cc du haut tregor",
    "st brieuc",
    "sainte colombe",
    "lannion",
    "plouha",
    "marseille",
    "l haÿ les roses",
    "22300",
    "2a004",
    "abergement",
    "val",
];

fn p95(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[(v.len() * 95).div_ceil(100).saturating_sub(1)]
}

fn main() {
    let t = Instant::now();
    let cog = cog();
    let load = t.elapsed();
    println!(
        "communes: {} communes, {} other names and codes, read in {:.1} ms ({})",
        cog.communes.len(),
        cog.aliases.len(),
        load.as_secs_f64() * 1e3,
        cog.source
    );
    let queries: Vec<String> = TYPED
        .iter()
        .flat_map(|w| (1..=w.chars().count()).map(move |n| w.chars().take(n).collect()))
        .collect();
    let mut ours = Vec::new();
    for _ in 0..5 {
        for q in &queries {
            let t = Instant::now();
            std::hint::black_box(cog.search(q, MAX_HITS));
            ours.push(t.elapsed());
        }
    }
    let ours = p95(ours);
    println!(
        "picker keystroke: p95 {:.2} ms over {} keystrokes (×5)",
        ours.as_secs_f64() * 1e3,
        queries.len()
    );
    // What the app's picker calls: départements and EPCIs first, then communes.
    let mut app = Vec::new();
    for _ in 0..5 {
        for q in &queries {
            let t = Instant::now();
            std::hint::black_box(catalyse_core::project::communes::territory_choices(q, 20));
            app.push(t.elapsed());
        }
    }
    println!(
        "territory picker (départements, EPCIs, communes) keystroke: p95 {:.2} ms",
        p95(app).as_secs_f64() * 1e3
    );
    match reference(&queries) {
        Some(theirs) => println!(
            "reference, sqlite3 shell (LIKE on the same keys): p95 {:.2} ms; ratio {:.2}",
            theirs.as_secs_f64() * 1e3,
            ours.as_secs_f64() / theirs.as_secs_f64()
        ),
        None => println!("reference: the sqlite3 shell is not installed"),
    }
}

/// The same searches by the `sqlite3` shell, each timed by its `.timer`: p95.
fn reference(queries: &[String]) -> Option<Duration> {
    let dir = tempfile::TempDir::new().ok()?;
    let cog = cog();
    let mut script = String::from(
        "CREATE TABLE c(insee TEXT, name TEXT, key TEXT, population INTEGER);\nBEGIN;\n",
    );
    for c in &cog.communes {
        script.push_str(&format!(
            "INSERT INTO c VALUES('{}','{}','{}',{});\n",
            c.insee,
            c.name.replace('\'', "''"),
            search_key(&c.name).replace('\'', "''"),
            c.population.unwrap_or(0)
        ));
    }
    script.push_str("COMMIT;\n.output /dev/null\n.timer on\n");
    for _ in 0..5 {
        for q in queries {
            let k = search_key(q).replace('\'', "''");
            script.push_str(&format!(
                "SELECT insee, name FROM c WHERE key LIKE '{k}%' OR key LIKE '% {k}%' OR insee LIKE '{k}%' ORDER BY key <> '{k}', population DESC LIMIT {MAX_HITS};\n"
            ));
        }
    }
    let mut child = Command::new("sqlite3")
        .arg(dir.path().join("c.db"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(script.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    let times: Vec<Duration> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("Run Time: real "))
        .filter_map(|l| l.split_whitespace().next()?.parse::<f64>().ok())
        .map(Duration::from_secs_f64)
        .collect();
    (!times.is_empty()).then(|| p95(times))
}
