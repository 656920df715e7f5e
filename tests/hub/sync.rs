//! Three laptops (three HOMEs, three PostgreSQL roles) sharing a workspace through the hub:
//! `share init --server`, `share join --server`, `sync --json`; offline work, the same actor
//! recorded on two laptops, convergence (one content hash, one inbox), a push repeated, a
//! revoked member, the server stopped.

use super::server::Postgres;
use super::{hub, server, PASSWORD};
use crate::util::Dir;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A laptop: its HOME, its role, its workspace.
pub(super) struct Laptop {
    pub dir: Dir,
    pub role: &'static str,
    pub ws: PathBuf,
}

impl Laptop {
    pub fn new(role: &'static str) -> Laptop {
        let dir = Dir::new();
        let ws = dir.path("territoire.catalyse");
        Laptop { dir, role, ws }
    }

    /// `catalyse ARGS` as this laptop, its role's password in `PGPASSWORD`.
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self
            .dir
            .catalyse()
            .args(args)
            .env("PGPASSWORD", PASSWORD)
            .output()
            .expect("catalyse runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub fn sync(&self) -> Value {
        let ws = self.ws.to_str().unwrap();
        let (code, out, err) = self.run(&["sync", "--json", "--workspace", ws]);
        assert_eq!(code, 0, "{} sync: {out}{err}", self.role);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    }

    pub fn import_actor(&self, name: &str) {
        let csv = self.dir.path("acteurs.csv");
        std::fs::write(
            &csv,
            format!("Nom;Monde;Commune\n{name};Association;Morlaix\n"),
        )
        .unwrap();
        let (code, out, err) = self.run(&[
            "import",
            "actors",
            csv.to_str().unwrap(),
            "--workspace",
            self.ws.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{out}{err}");
    }
}

fn url(pg: &Postgres, role: &str) -> String {
    pg.url(role, "territoire")
}

/// Syncs every laptop round after round until a round pushes and pulls nothing (what each
/// received is told once, then all is quiet), and returns that round's reports.
pub(super) fn settle(laptops: &[&Laptop]) -> Vec<Value> {
    for _ in 0..6 {
        let round: Vec<Value> = laptops.iter().map(|l| l.sync()).collect();
        if round
            .iter()
            .all(|r| r["pushed"] == 0 && r["pulled"] == 0 && r["applied"] == 0)
        {
            return round;
        }
    }
    panic!("the laptops still exchange files after six rounds");
}

pub(super) fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn three_laptops_converge_through_the_hub() {
    let pg = server();
    let admin = Dir::new();
    let admin_url = url(&pg, "hub_admin");
    assert_eq!(
        hub(&admin, PASSWORD, &["init", "--server", &admin_url]).0,
        0
    );
    for role in ["alice", "bob", "carol"] {
        pg.admin(
            "postgres",
            &format!("CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'"),
        );
    }
    let (alice, bob, carol) = (
        Laptop::new("alice"),
        Laptop::new("bob"),
        Laptop::new("carol"),
    );
    assert_eq!(alice.run(&["demo", path_str(&alice.ws)]).0, 0);

    // Alice may not create a team before an administrator lets her.
    let init = |l: &Laptop| {
        l.run(&[
            "share",
            "init",
            "--json",
            "--name",
            "ordinateur d'Alice",
            "--workspace",
            path_str(&l.ws),
            "--server",
            &url(&pg, l.role),
        ])
    };
    let (code, _, err) = init(&alice);
    assert_eq!(code, 1);
    assert!(
        err.contains("« alice » n'a pas le droit de se servir de Catalyse"),
        "{err}"
    );
    let (code, out, _) = hub(
        &admin,
        PASSWORD,
        &["grant", "--server", &admin_url, "--role", "alice"],
    );
    assert_eq!(code, 0);
    assert!(out.contains("peut maintenant créer des équipes"), "{out}");
    let (code, out, err) = init(&alice);
    assert_eq!(code, 0, "{out}{err}");
    let shared: Value = serde_json::from_str(&out).unwrap();
    let team = shared["team"].as_str().unwrap().to_string();
    assert!(!shared["server"].as_str().unwrap().contains(PASSWORD));
    assert_eq!(
        pg.admin("territoire", "SELECT id FROM catalyse_hub.team"),
        team
    );
    assert_eq!(
        pg.admin("territoire", "SELECT count(*) FROM catalyse_hub.snapshot"),
        "1"
    );
    let (code, _, err) = init(&alice);
    assert_eq!(code, 1);
    assert!(err.contains("déjà partagé"), "{err}");

    // Bob has no access yet: told so, nothing written.
    let join = |l: &Laptop, name: &str| {
        l.run(&[
            "share",
            "join",
            "--name",
            name,
            "--server",
            &url(&pg, l.role),
            "--team",
            &team,
            "--to",
            path_str(&l.ws),
        ])
    };
    let (code, _, err) = join(&bob, "ordinateur de Bob");
    assert_eq!(code, 1);
    assert!(
        err.contains("« bob » n'a pas le droit de se servir de Catalyse"),
        "{err}"
    );
    assert!(!bob.ws.exists());
    // Bob's access given by the team's identity, Carol's by naming Alice's workspace (read
    // only: its team is that of the server copy it is shared through).
    let (code, out, err) = hub(
        &admin,
        PASSWORD,
        &[
            "grant", "--server", &admin_url, "--team", &team, "--role", "bob",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let grant_by_workspace = |ws: &Path| {
        hub(
            &admin,
            PASSWORD,
            &[
                "grant",
                "--server",
                &admin_url,
                "--workspace",
                path_str(ws),
                "--role",
                "carol",
            ],
        )
    };
    let (code, out, err) = grant_by_workspace(&alice.ws);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("accès à l'équipe {team}")), "{out}");
    // A workspace that is not shared through a server names no team.
    let plain = admin.path("seul.catalyse");
    let made = admin
        .catalyse()
        .args([
            "new",
            path_str(&plain),
            "--territory",
            "Morlaix",
            "--kind",
            "region",
        ])
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    let (code, _, err) = grant_by_workspace(&plain);
    assert_eq!(code, 1);
    assert!(err.contains("n'est pas partagé par un serveur"), "{err}");
    let (code, out, err) = join(&bob, "ordinateur de Bob");
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(join(&carol, "ordinateur de Carol").0, 0);

    // Offline work on each: Alice and Bob record the same association, Carol another one.
    alice.import_actor("Les Jardins partagés du Dourduff");
    bob.import_actor("Les Jardins partagés du Dourduff");
    carol.import_actor("Comité des fêtes de Plourin");
    let reports = settle(&[&alice, &bob, &carol]);
    let hashes: Vec<&Value> = reports.iter().map(|r| &r["content_hash"]).collect();
    assert!(hashes.iter().all(|h| *h == hashes[0]), "{reports:?}");
    // The duplicate is listed for a person to decide, the same on all three.
    for r in &reports {
        assert_eq!(r["invariants"], reports[0]["invariants"], "{reports:?}");
        assert_eq!(r["conflicts"], reports[0]["conflicts"], "{reports:?}");
        assert!(r["refused"].as_array().unwrap().is_empty(), "{r}");
    }
    assert!(
        reports[0]["invariants"].as_u64().unwrap() >= 1,
        "{reports:?}"
    );

    // The hub's status as Alice sees it: her team, its three members and their laptops.
    let (code, out, err) = alice.run(&["hub", "status", "--json", "--server", &url(&pg, "alice")]);
    assert_eq!(code, 0, "{out}{err}");
    let status: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status["role"], "alice");
    let teams = status["teams"].as_array().unwrap();
    assert_eq!(teams.len(), 1, "{status}");
    let members: Vec<&str> = teams[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["alice", "bob", "carol"]);
    let devices = teams[0]["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 3, "{status}");
    assert!(
        devices.iter().all(|d| d["files"].as_i64().unwrap() >= 1),
        "{status}"
    );
    // A role in no team sees none.
    pg.admin(
        "postgres",
        &format!("CREATE ROLE dave LOGIN PASSWORD '{PASSWORD}' IN ROLE catalyse_member"),
    );
    let (code, out, _) = alice.run(&["hub", "status", "--json", "--server", &url(&pg, "dave")]);
    assert_eq!(code, 0);
    let status: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status["teams"].as_array().unwrap().len(), 0, "{status}");

    // Nothing new: a repeated exchange pushes and pulls nothing, and the server holds each
    // file once.
    let again = alice.sync();
    assert_eq!(
        (again["pushed"].as_u64(), again["pulled"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(
        pg.admin(
            "territoire",
            "SELECT count(*) - count(DISTINCT (team, device, seq)) FROM catalyse_hub.change_file"
        ),
        "0"
    );

    // Carol's access revoked: her laptop keeps what it has and is told.
    assert_eq!(
        hub(
            &admin,
            PASSWORD,
            &[
                "revoke",
                "--server",
                &admin_url,
                "--workspace",
                path_str(&alice.ws),
                "--role",
                "carol"
            ]
        )
        .0,
        0
    );
    alice.import_actor("Association des usagers du port");
    alice.sync();
    let (code, _, err) = carol.run(&["sync", "--workspace", path_str(&carol.ws)]);
    assert_eq!(code, 1);
    assert!(err.contains("pas (ou plus) membre"), "{err}");
    assert_eq!(bob.sync()["content_hash"], alice.sync()["content_hash"]);

    // The server stopped: ordinary offline work, said quietly.
    pg.stop();
    let offline = bob.sync();
    assert_eq!(offline["unreachable"], true, "{offline}");
}
