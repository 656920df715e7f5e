//! Load on the hub (issue 28): `CATALYSE_HUB_DEVICES` laptops (50), each its own HOME and
//! PostgreSQL role, join one team, record `CATALYSE_HUB_CHANGES` actors each (2,000) offline,
//! then all exchange at once (one `catalyse sync` process per laptop, concurrently) and again
//! in rounds until a round pushes, pulls and applies nothing. Prints the changes pushed per
//! second, the time to converge, and beside them the `psql` `\copy` of the same rows into a
//! plain table (the change files' rows, and one row per change), with the ratios. A real
//! PostgreSQL started here (`tests/hub/server.rs`), TLS verified in full, release build.

// The tests' server, whose other helpers this benchmark does not use.
#[allow(dead_code)]
#[path = "../tests/hub/server.rs"]
mod server;

use server::Postgres;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "mot de passe de banc";

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Laptop {
    home: tempfile::TempDir,
    role: String,
    ws: PathBuf,
}

impl Laptop {
    fn new(i: usize) -> Laptop {
        let home = tempfile::TempDir::new().expect("temporary folder");
        let ws = home.path().join("territoire.catalyse");
        Laptop {
            home,
            role: format!("poste{i:02}"),
            ws,
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        // Another build of the same program (`CATALYSE_HUB_BIN`: the profiling one, to look
        // at with `perf`), else this one's.
        let bin = std::env::var_os("CATALYSE_HUB_BIN")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_catalyse").into());
        let mut cmd = Command::new(bin);
        cmd.args(args)
            .env("HOME", self.home.path())
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env("PGPASSWORD", PASSWORD)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    fn run(&self, args: &[&str]) -> String {
        let out = self.command(args).output().expect("catalyse runs");
        assert!(
            out.status.success(),
            "{} {args:?}: {}",
            self.role,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn start_sync(&self) -> Child {
        self.command(&["sync", "--json", "--workspace", path_str(&self.ws)])
            .spawn()
            .expect("catalyse starts")
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// Every laptop's exchange at once; their reports.
fn round(laptops: &[Laptop]) -> Vec<serde_json::Value> {
    let running: Vec<Child> = laptops.iter().map(Laptop::start_sync).collect();
    running
        .into_iter()
        .zip(laptops)
        .map(|(child, l)| {
            let out = child.wait_with_output().expect("catalyse ends");
            assert!(
                out.status.success(),
                "{}: {}",
                l.role,
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice(&out.stdout).expect("a JSON report")
        })
        .collect()
}

fn main() {
    let devices = env("CATALYSE_HUB_DEVICES", 50).max(2);
    let changes = env("CATALYSE_HUB_CHANGES", 2_000);
    let pg = Postgres::start();
    pg.admin(
        "postgres",
        &format!("CREATE ROLE hub_admin LOGIN CREATEROLE PASSWORD '{PASSWORD}'"),
    );
    pg.admin("postgres", "CREATE DATABASE territoire OWNER hub_admin");
    pg.admin(
        "postgres",
        &format!(
            "DO $$ BEGIN FOR i IN 1..{devices} LOOP
               EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', 'poste' || lpad(i::text, 2, '0'), '{PASSWORD}');
             END LOOP; END $$"
        ),
    );
    let laptops: Vec<Laptop> = (1..=devices).map(Laptop::new).collect();
    let admin_url = pg.url("hub_admin", "territoire");
    let first = &laptops[0];
    first.run(&["hub", "init", "--server", &admin_url]);
    first.run(&[
        "hub",
        "grant",
        "--server",
        &admin_url,
        "--role",
        &first.role,
    ]);
    first.run(&["new", path_str(&first.ws), "--territory", "Pays de Morlaix"]);
    let shared = first.run(&[
        "share",
        "init",
        "--json",
        "--workspace",
        path_str(&first.ws),
        "--server",
        &pg.url(&first.role, "territoire"),
    ]);
    let shared: serde_json::Value = serde_json::from_str(&shared).expect("JSON");
    let team = shared["team"].as_str().expect("a team").to_string();
    let t = Instant::now();
    for l in &laptops[1..] {
        first.run(&[
            "hub", "grant", "--server", &admin_url, "--team", &team, "--role", &l.role,
        ]);
        l.run(&[
            "share",
            "join",
            "--server",
            &pg.url(&l.role, "territoire"),
            "--team",
            &team,
            "--to",
            path_str(&l.ws),
        ]);
    }
    println!(
        "# {devices} laptops joined one team in {} ({changes} changes each to come)",
        secs(t.elapsed())
    );
    // Offline work: each laptop records its actors.
    let mut csv_all = String::new();
    for (i, l) in laptops.iter().enumerate() {
        let mut csv = String::from("Nom;Monde;Commune;Notes\n");
        for j in 0..changes {
            let row =
                format!("Acteur {j} du poste {i};Association;Morlaix;Noté sur le poste {i}\n");
            csv.push_str(&row);
            csv_all.push_str(&row.replace(';', "\t"));
        }
        let file = l.home.path().join("acteurs.csv");
        std::fs::write(&file, csv).expect("CSV written");
        l.run(&[
            "import",
            "actors",
            path_str(&file),
            "--workspace",
            path_str(&l.ws),
        ]);
    }
    let total = devices * changes;

    // All at once: each pushes its file, pulls what is there, applies it.
    let t = Instant::now();
    let first_round = round(&laptops);
    let push = t.elapsed();
    let pushed: u64 = first_round
        .iter()
        .map(|r| r["pushed"].as_u64().unwrap_or(0))
        .sum();
    // Rounds until nothing moves.
    let mut rounds = 1;
    let last = loop {
        let reports = round(&laptops);
        rounds += 1;
        let quiet = reports
            .iter()
            .all(|r| r["pushed"] == 0 && r["pulled"] == 0 && r["applied"] == 0);
        if quiet || rounds > 12 {
            break reports;
        }
    };
    let converge = t.elapsed();
    let hashes: std::collections::BTreeSet<String> =
        last.iter().map(|r| r["content_hash"].to_string()).collect();
    assert_eq!(hashes.len(), 1, "the laptops did not converge: {hashes:?}");
    let files = pg.admin(
        "territoire",
        "SELECT count(*) FROM catalyse_hub.change_file",
    );
    let bytes = pg.admin(
        "territoire",
        "SELECT sum(length(bytes)) FROM catalyse_hub.change_file",
    );

    // The reference: psql's \copy of the same rows into plain tables.
    let dump = pg.dir_path().join("fichiers.copy");
    let rows = pg.dir_path().join("changements.tsv");
    std::fs::write(&rows, &csv_all).expect("rows written");
    pg.admin(
        "territoire",
        &format!(
            "\\copy (SELECT team, device, seq, path, bytes, hash FROM catalyse_hub.change_file) TO '{}'",
            dump.display()
        ),
    );
    pg.admin(
        "territoire",
        "CREATE TABLE public.plain_files (team uuid, device uuid, seq bigint, path text, bytes bytea, hash bytea);
         CREATE TABLE public.plain_changes (name text, world text, commune text, notes text)",
    );
    let t = Instant::now();
    pg.admin(
        "territoire",
        &format!("\\copy public.plain_files FROM '{}'", dump.display()),
    );
    let copy_files = t.elapsed();
    let t = Instant::now();
    pg.admin(
        "territoire",
        &format!("\\copy public.plain_changes FROM '{}'", rows.display()),
    );
    let copy_changes = t.elapsed();

    println!(
        "1. {devices} laptops × {changes} changes ({total}) pushed at once through the hub: {} ({:.0} changes/s; {pushed} files pushed in that round, {files} on the server at the end, {:.1} MB)",
        secs(push),
        total as f64 / push.as_secs_f64(),
        bytes.parse::<f64>().unwrap_or(0.0) / 1e6
    );
    println!(
        "    reference: psql \\copy of the same change-file rows into a plain table {} | ratio {:.1}×",
        secs(copy_files),
        push.as_secs_f64() / copy_files.as_secs_f64()
    );
    println!(
        "    reference: psql \\copy of one row per change ({total} rows) {} | ratio {:.1}×",
        secs(copy_changes),
        push.as_secs_f64() / copy_changes.as_secs_f64()
    );
    println!(
        "2. time to converge (every laptop holding all {total} changes, one content hash): {} in {rounds} rounds of {devices} concurrent exchanges",
        secs(converge)
    );
}
