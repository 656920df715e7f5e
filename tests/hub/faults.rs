//! Faults between the laptops and the hub: the connection cut in the middle of a push and of
//! a pull (a relay that drops after a number of bytes), the server restarted while a laptop
//! exchanges. After each: nothing lost, nothing received twice, the laptops converge.

use super::proxy::Proxy;
use super::server::Postgres;
use super::sync::{path_str, settle, Laptop};
use super::{hub, server, PASSWORD};
use crate::util::Dir;
use serde_json::Value;
use std::time::Duration;

/// Writes `n` actors named after `tag` in a CSV file of `laptop` and imports them: one change
/// set, a change file of hundreds of kilobytes.
fn import_many(laptop: &Laptop, tag: &str, n: usize) {
    let csv = laptop.dir.path(&format!("{tag}.csv"));
    let mut text = String::from("Nom;Monde;Commune;Notes\n");
    for i in 0..n {
        text.push_str(&format!(
            "{tag} {i};Association;Morlaix;Une note assez longue pour peser dans le fichier {i}\n"
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let (code, out, err) = laptop.run(&[
        "import",
        "actors",
        path_str(&csv),
        "--workspace",
        path_str(&laptop.ws),
    ]);
    assert_eq!(code, 0, "{out}{err}");
}

/// The change files of the server, each counted once: (all rows, distinct keys).
fn files_on_server(pg: &Postgres) -> (String, String) {
    let all = pg.admin(
        "territoire",
        "SELECT count(*) FROM catalyse_hub.change_file",
    );
    let distinct = pg.admin(
        "territoire",
        "SELECT count(DISTINCT (team, device, seq)) FROM catalyse_hub.change_file",
    );
    (all, distinct)
}

/// A team of two laptops, both reaching the server through `proxy`.
fn team(pg: &Postgres, proxy: &Proxy) -> (Laptop, Laptop) {
    let admin = Dir::new();
    let admin_url = pg.url("hub_admin", "territoire");
    assert_eq!(
        hub(&admin, PASSWORD, &["init", "--server", &admin_url]).0,
        0
    );
    for role in ["alice", "bob"] {
        pg.admin(
            "postgres",
            &format!("CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'"),
        );
    }
    let via = |role: &str| {
        format!(
            "postgresql://{role}@localhost:{}/territoire?sslrootcert={}",
            proxy.port,
            pg.ca.display()
        )
    };
    assert_eq!(
        hub(
            &admin,
            PASSWORD,
            &["grant", "--server", &admin_url, "--role", "alice"]
        )
        .0,
        0
    );
    let (alice, bob) = (Laptop::new("alice"), Laptop::new("bob"));
    assert_eq!(alice.run(&["demo", path_str(&alice.ws)]).0, 0);
    let (code, out, err) = alice.run(&[
        "share",
        "init",
        "--json",
        "--workspace",
        path_str(&alice.ws),
        "--server",
        &via("alice"),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let team: Value = serde_json::from_str(&out).unwrap();
    let team = team["team"].as_str().unwrap().to_string();
    assert_eq!(
        hub(
            &admin,
            PASSWORD,
            &["grant", "--server", &admin_url, "--team", &team, "--role", "bob"]
        )
        .0,
        0
    );
    let (code, out, err) = bob.run(&[
        "share",
        "join",
        "--server",
        &via("bob"),
        "--team",
        &team,
        "--to",
        path_str(&bob.ws),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    settle(&[&alice, &bob]);
    (alice, bob)
}

#[test]
fn a_connection_cut_mid_push_or_mid_pull_loses_nothing_and_receives_nothing_twice() {
    let pg = server();
    let proxy = Proxy::start(pg.port);
    let (alice, bob) = team(&pg, &proxy);
    import_many(&alice, "Association", 5_000);
    let before = files_on_server(&pg);

    // Cut in the middle of the push: said quietly as offline work, nothing half-written.
    proxy.cut_after(100_000);
    let cut = alice.sync();
    assert_eq!(cut["unreachable"], true, "{cut}");
    assert_eq!(
        files_on_server(&pg),
        before,
        "a push cut left a file on the server"
    );
    proxy.heal();
    let pushed = alice.sync();
    assert!(pushed["pushed"].as_u64().unwrap() >= 1, "{pushed}");
    let (all, distinct) = files_on_server(&pg);
    assert_eq!(all, distinct);
    let bob_before = bob.sync();

    // Another large change, then the pull cut: nothing applied in part.
    import_many(&alice, "Collectif", 5_000);
    alice.sync();
    let hash_before = bob.sync()["content_hash"].clone();
    import_many(&alice, "Comité", 5_000);
    assert_eq!(alice.sync()["pushed"].as_u64(), Some(1));
    proxy.cut_after(100_000);
    let cut = bob.sync();
    assert_eq!(cut["unreachable"], true, "{cut}");
    proxy.heal();
    // Bob's workspace is as it was before the cut pull: only what came whole was applied.
    let (code, out, _) = bob.run(&[
        "share",
        "status",
        "--json",
        "--workspace",
        path_str(&bob.ws),
    ]);
    assert_eq!(code, 0);
    assert!(!out.is_empty());
    let reports = settle(&[&alice, &bob]);
    assert_eq!(reports[0]["content_hash"], reports[1]["content_hash"]);
    assert_ne!(reports[1]["content_hash"], hash_before);
    assert_ne!(reports[1]["content_hash"], bob_before["content_hash"]);
    let (all, distinct) = files_on_server(&pg);
    assert_eq!(all, distinct);
}

#[test]
fn the_server_restarted_while_a_laptop_exchanges_loses_nothing() {
    let pg = server();
    let proxy = Proxy::start(pg.port);
    let (alice, bob) = team(&pg, &proxy);
    // Restarts at several moments of an exchange: whatever each lands on (the pull, the
    // push, between), the next exchanges converge with each file once.
    for (round, wait_ms) in [30u64, 150, 400].into_iter().enumerate() {
        import_many(&alice, &format!("Association {round}"), 3_000);
        import_many(&bob, &format!("Collectif {round}"), 3_000);
        let home = alice.dir.path("");
        let running = std::process::Command::new(assert_cmd::cargo::cargo_bin("catalyse"))
            .args(["sync", "--json", "--workspace", path_str(&alice.ws)])
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("PGPASSWORD", PASSWORD)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("catalyse starts");
        std::thread::sleep(Duration::from_millis(wait_ms));
        pg.restart();
        let out = running.wait_with_output().expect("catalyse ends");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let reports = settle(&[&alice, &bob]);
        assert_eq!(
            reports[0]["content_hash"], reports[1]["content_hash"],
            "round {round}"
        );
        let (all, distinct) = files_on_server(&pg);
        assert_eq!(all, distinct);
    }
}

/// The link file of `laptop`'s hub copy (in its data folder).
fn link_file(laptop: &Laptop) -> std::path::PathBuf {
    fn find(dir: &std::path::Path) -> Option<std::path::PathBuf> {
        for e in std::fs::read_dir(dir).ok()?.filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                if let Some(f) = find(&p) {
                    return Some(f);
                }
            } else if p.file_name().is_some_and(|n| n == "serveur-catalyse.json") {
                return Some(p);
            }
        }
        None
    }
    find(&laptop.dir.path("")).expect("a hub copy with its link file")
}

/// A batch the server's policies refuse: Alice's laptop pushing under Bob's role (her link
/// file made to name him, as a workspace handed from one person to another would): the rows of
/// a device that is not Bob's are refused by row-level security, the failure is named, nothing
/// is written on the server; back under her own role, her files go and the laptops converge.
#[test]
fn a_batch_refused_by_a_policy_is_named_and_writes_nothing() {
    let pg = server();
    let proxy = Proxy::start(pg.port);
    let (alice, bob) = team(&pg, &proxy);
    import_many(&alice, "Collectif", 200);
    let before = files_on_server(&pg);
    let link = link_file(&alice);
    let own = std::fs::read_to_string(&link).unwrap();
    assert!(own.contains("postgresql://alice@"), "{own}");
    std::fs::write(
        &link,
        own.replace("postgresql://alice@", "postgresql://bob@"),
    )
    .unwrap();
    let (code, out, err) = alice.run(&["sync", "--workspace", path_str(&alice.ws)]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("« bob » n'a pas le droit"), "{err}");
    assert_eq!(
        files_on_server(&pg),
        before,
        "a refused batch wrote on the server"
    );

    std::fs::write(&link, own).unwrap();
    let pushed = alice.sync();
    assert!(pushed["pushed"].as_u64().unwrap() >= 1, "{pushed}");
    let reports = settle(&[&alice, &bob]);
    assert_eq!(
        reports[0]["content_hash"], reports[1]["content_hash"],
        "{reports:?}"
    );
    let (all, distinct) = files_on_server(&pg);
    assert_eq!(all, distinct, "a file on the server twice");
}

/// Flips a byte of change file `seq` of the device `role` pushes (as the server's superuser:
/// storage gone bad, or a hand on the table); twice puts it back.
fn damage(pg: &Postgres, role: &str, seq: i64) {
    pg.admin(
        "territoire",
        &format!(
            "UPDATE catalyse_hub.change_file c
             SET bytes = set_byte(bytes, 40, get_byte(bytes, 40) # 255)
             FROM catalyse_hub.device d
             WHERE d.team = c.team AND d.device = c.device AND d.role = '{role}' AND c.seq = {seq}"
        ),
    );
}

/// A file damaged on the server (its bytes no longer match their hash): the laptop writes
/// nothing of it, and Alice's next file, pulled meanwhile, waits for it; once the file is whole
/// again, the next exchange asks for it again, and the laptops converge.
#[test]
fn a_file_damaged_on_the_server_is_not_taken_then_asked_for_again() {
    let pg = server();
    let proxy = Proxy::start(pg.port);
    let (alice, bob) = team(&pg, &proxy);
    let last = |role: &str| -> i64 {
        pg.admin(
            "territoire",
            &format!(
                "SELECT coalesce(max(c.seq), 0) FROM catalyse_hub.change_file c
                 JOIN catalyse_hub.device d ON d.team = c.team AND d.device = c.device
                 WHERE d.role = '{role}'"
            ),
        )
        .parse()
        .unwrap()
    };
    alice.import_actor("Amicale laïque de Plougonven");
    alice.sync();
    let damaged = last("alice");
    alice.import_actor("Ressourcerie du pays de Morlaix");
    alice.sync();
    assert!(last("alice") > damaged);
    damage(&pg, "alice", damaged);
    let waits = bob.sync();
    assert!(
        waits["waiting"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["seq"].as_i64() == Some(damaged)),
        "{waits}"
    );
    assert!(waits["refused"].as_array().unwrap().is_empty(), "{waits}");
    assert_ne!(waits["content_hash"], alice.sync()["content_hash"]);

    damage(&pg, "alice", damaged);
    let reports = settle(&[&alice, &bob]);
    assert_eq!(
        reports[0]["content_hash"], reports[1]["content_hash"],
        "{reports:?}"
    );
}

/// Copies `from` into `to`, folders and files.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().filter_map(Result::ok) {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A workspace copied from Alice's laptop to another with her data folder (her installation's
/// identity and her hub copy): both push under one device's identity. The first file the copy pushes is taken; Alice's own file of
/// that number is refused as a cloned device, named, and nothing on the server is replaced.
#[test]
fn a_cloned_workspace_pushing_under_the_same_identity_is_named_and_replaces_nothing() {
    let pg = server();
    let proxy = Proxy::start(pg.port);
    let (alice, _bob) = team(&pg, &proxy);
    // The clone has Alice's data folder (her installation's identity and her hub copy), as a
    // disk image or a synced profile would give it, and her workspace.
    let clone = Laptop::new("alice");
    copy_tree(&alice.dir.path("data"), &clone.dir.path("data"));
    let copy_folder = link_file(&alice).parent().unwrap().to_path_buf();
    let clone_copy = clone
        .dir
        .path("data")
        .join(copy_folder.strip_prefix(alice.dir.path("data")).unwrap());
    std::fs::copy(&alice.ws, &clone.ws).unwrap();
    let moved = std::process::Command::new("sqlite3")
        .arg(&clone.ws)
        .arg(format!(
            "UPDATE share_space SET folder = '{}'",
            clone_copy.display()
        ))
        .output()
        .unwrap();
    assert!(moved.status.success(), "{moved:?}");

    clone.import_actor("Copie : Association des parents d'élèves");
    let pushed = clone.sync();
    assert!(pushed["pushed"].as_u64().unwrap() >= 1, "{pushed}");
    let on_server = || {
        pg.admin(
            "territoire",
            "SELECT string_agg(encode(hash, 'hex'), ',' ORDER BY device, seq) FROM catalyse_hub.change_file",
        )
    };
    let before = on_server();
    alice.import_actor("Original : Club de randonnée des monts d'Arrée");
    let (code, out, err) = alice.run(&["sync", "--workspace", path_str(&alice.ws)]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("un autre ordinateur envoie sous la même identité"),
        "{err}"
    );
    assert_eq!(on_server(), before, "a file on the server was replaced");
}
