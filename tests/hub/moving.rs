//! A team moved from its shared folder to the hub (`catalyse share move`): the identities and
//! the history kept, the folder marked so that a laptop still pointing at it is told where the
//! team went, a laptop that follows pushing what the mover had not received, a laptop joining
//! from the hub afterwards, and all converging.

use super::sync::{path_str, settle, Laptop};
use super::{hub, hub_with_roles, PASSWORD};
use crate::util::Dir;
use serde_json::Value;

fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// The change sets of `l`'s history, one JSON text per line.
fn history(l: &Laptop) -> Vec<String> {
    let (code, out, err) = l.run(&["history", "--json", "--workspace", path_str(&l.ws)]);
    assert_eq!(code, 0, "{out}{err}");
    out.lines().map(str::to_string).collect()
}

fn folder_sync(l: &Laptop) -> Value {
    l.sync()
}

#[test]
fn a_team_moves_from_its_folder_to_the_hub_with_its_history() {
    let (pg, admin, admin_url) = hub_with_roles(&["alice", "bob", "carol"]);
    let (alice, bob, carol) = (
        Laptop::new("alice"),
        Laptop::new("bob"),
        Laptop::new("carol"),
    );
    let shared = Dir::new();
    let folder = shared.path("equipe");
    std::fs::create_dir(&folder).unwrap();

    // A team sharing through a folder: Alice's workspace, Bob joining, both editing.
    assert_eq!(alice.run(&["demo", path_str(&alice.ws)]).0, 0);
    let (code, out, err) = alice.run(&[
        "share",
        "init",
        "--json",
        "--name",
        "ordinateur d'Alice",
        "--workspace",
        path_str(&alice.ws),
        "--folder",
        path_str(&folder),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let team = json(&out)["team"].as_str().unwrap().to_string();
    let (code, out, err) = bob.run(&[
        "share",
        "join",
        "--name",
        "ordinateur de Bob",
        "--folder",
        path_str(&folder),
        "--to",
        path_str(&bob.ws),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    alice.import_actor("Les Jardins partagés du Dourduff");
    folder_sync(&alice);
    folder_sync(&bob);
    // Bob's last change reaches the folder, not Alice, before she moves the team.
    bob.import_actor("Comité des fêtes de Plourin");
    assert_eq!(folder_sync(&bob)["moved"], Value::Null);
    let before = history(&alice);
    assert!(before.len() >= 2, "{before:?}");

    // Alice moves the team to the server.
    let (code, out, err) = alice.run(&[
        "share",
        "move",
        "--json",
        "--workspace",
        path_str(&alice.ws),
        "--server",
        &pg.url("alice", "territoire"),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let moved = json(&out);
    assert_eq!(moved["team"], team.as_str(), "the space keeps its identity");
    assert_eq!(moved["followed"], false);
    assert!(moved["pushed"].as_u64().unwrap() >= 1, "{moved}");
    assert_eq!(
        pg.admin("territoire", "SELECT id FROM catalyse_hub.team"),
        team
    );
    // Her history is the same, every change set of it.
    let after = history(&alice);
    for set in &before {
        assert!(after.contains(set), "lost from the history: {set}");
    }
    // Moving again is refused: the workspace is on the server now.
    let (code, _, err) = alice.run(&[
        "share",
        "move",
        "--workspace",
        path_str(&alice.ws),
        "--server",
        &pg.url("alice", "territoire"),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("déjà partagé par le serveur"), "{err}");

    // Bob, still on the folder, is told where the team went.
    let told = folder_sync(&bob);
    assert_eq!(told["moved"]["team"], team.as_str(), "{told}");
    assert!(
        told["moved"]["server"]
            .as_str()
            .unwrap()
            .contains("territoire"),
        "{told}"
    );
    assert!(!told["moved"]["server"].as_str().unwrap().contains(PASSWORD));
    let (code, out, _) = bob.run(&["sync", "--workspace", path_str(&bob.ws)]);
    assert_eq!(code, 0);
    assert!(out.contains("L'équipe est passée sur le serveur"), "{out}");
    // Following before being made a member: refused, and Bob's workspace stays on the folder.
    let follow = |l: &Laptop| {
        l.run(&[
            "share",
            "move",
            "--json",
            "--workspace",
            path_str(&l.ws),
            "--server",
            &pg.url(l.role, "territoire"),
        ])
    };
    let (code, _, err) = follow(&bob);
    assert_eq!(code, 1);
    assert!(
        err.contains("n'a pas le droit") || err.contains("membre"),
        "{err}"
    );
    assert_eq!(folder_sync(&bob)["moved"]["team"], team.as_str());
    for role in ["bob", "carol"] {
        let (code, out, err) = hub(
            &admin,
            PASSWORD,
            &[
                "grant", "--server", &admin_url, "--team", &team, "--role", role,
            ],
        );
        assert_eq!(code, 0, "{out}{err}");
    }
    let (code, out, err) = follow(&bob);
    assert_eq!(code, 0, "{out}{err}");
    let followed = json(&out);
    assert_eq!(followed["followed"], true, "{followed}");
    assert!(followed["pushed"].as_u64().unwrap() >= 1, "{followed}");

    // Carol joins from the server; all three converge, Bob's last change included.
    let (code, out, err) = carol.run(&[
        "share",
        "join",
        "--name",
        "ordinateur de Carol",
        "--server",
        &pg.url("carol", "territoire"),
        "--team",
        &team,
        "--to",
        path_str(&carol.ws),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let reports = settle(&[&alice, &bob, &carol]);
    let hashes: Vec<&Value> = reports.iter().map(|r| &r["content_hash"]).collect();
    assert!(hashes.iter().all(|h| *h == hashes[0]), "{reports:?}");
    for r in &reports {
        assert!(r["refused"].as_array().unwrap().is_empty(), "{r}");
        assert!(r["waiting"].as_array().unwrap().is_empty(), "{r}");
        assert_eq!(r["moved"], Value::Null, "{r}");
    }
    for l in [&alice, &carol] {
        let csv = l.dir.path("export-acteurs.csv");
        let (code, out, err) = l.run(&[
            "export",
            "actors",
            path_str(&csv),
            "--workspace",
            path_str(&l.ws),
        ]);
        assert_eq!(code, 0, "{out}{err}");
        let actors = std::fs::read_to_string(&csv).unwrap();
        assert!(actors.contains("Comité des fêtes de Plourin"), "{}", l.role);
        assert!(
            actors.contains("Les Jardins partagés du Dourduff"),
            "{}",
            l.role
        );
    }
    // Each file is on the server once.
    assert_eq!(
        pg.admin(
            "territoire",
            "SELECT count(*) - count(DISTINCT (team, device, seq)) FROM catalyse_hub.change_file"
        ),
        "0"
    );
}
