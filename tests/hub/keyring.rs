//! The server's password in the system's keyring (Secret Service: GNOME Keyring, started
//! here in a D-Bus session of its own, unlocked): `catalyse hub password` checks it with the
//! server and keeps it there; `catalyse sync` then needs no `PGPASSWORD`; a wrong password is
//! refused and not kept; no file Catalyse writes holds the password.

use super::sync::{path_str, Laptop};
use super::{hub_with_roles, PASSWORD};
use std::path::Path;
use std::process::Command;

/// Runs `script` (bash) in a D-Bus session of its own with GNOME Keyring unlocked, as
/// `laptop` (its HOME), with `CATALYSE` naming the binary; its exit code and output.
fn in_keyring_session(laptop: &Laptop, script: &str) -> (i32, String) {
    let bin = assert_cmd::cargo::cargo_bin("catalyse");
    let home = laptop.dir.path("");
    let full = format!(
        "echo -n 'trousseau de test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n{script}"
    );
    let out = Command::new("dbus-run-session")
        .args(["--", "bash", "-c", &full])
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("CATALYSE", bin)
        .env_remove("PGPASSWORD")
        .env_remove("PGPASSFILE")
        .env_remove("DISPLAY")
        .output()
        .expect("dbus-run-session runs (scripts/setup.sh installs dbus and gnome-keyring)");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Every file under `dir` whose bytes hold `needle`.
fn files_holding(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for e in entries.filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            found.extend(files_holding(&p, needle));
        } else if std::fs::read(&p).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle)) {
            found.push(p.display().to_string());
        }
    }
    found
}

#[test]
fn the_password_is_kept_in_the_keyring_and_nowhere_else() {
    let (pg, _admin, _) = hub_with_roles(&["alice"]);
    let alice = Laptop::new("alice");
    assert_eq!(alice.run(&["demo", path_str(&alice.ws)]).0, 0);
    let url = pg.url("alice", "territoire");
    let (code, out, err) = alice.run(&[
        "share",
        "init",
        "--json",
        "--workspace",
        path_str(&alice.ws),
        "--server",
        &url,
    ]);
    assert_eq!(code, 0, "{out}{err}");

    let ws = path_str(&alice.ws);
    let (code, out) = in_keyring_session(
        &alice,
        &format!(
            r#"
# Without a password anywhere: the server asks for it, nothing else happens.
"$CATALYSE" sync --workspace '{ws}'; echo "sans mot de passe: $?"
# A wrong one is refused, and not kept.
echo 'pas le bon' | "$CATALYSE" hub password --server '{url}'; echo "mauvais: $?"
"$CATALYSE" sync --workspace '{ws}'; echo "toujours sans: $?"
# The right one is checked, kept, and used by sync.
echo '{PASSWORD}' | "$CATALYSE" hub password --server '{url}'; echo "bon: $?"
"$CATALYSE" sync --json --workspace '{ws}'; echo "avec le trousseau: $?"
# Forgotten: asked for again.
"$CATALYSE" hub password --forget --server '{url}'; echo "oublié: $?"
"$CATALYSE" sync --workspace '{ws}'; echo "après oubli: $?"
"#
        ),
    );
    assert_eq!(code, 0, "{out}");
    println!("{out}");
    let lines: Vec<&str> = out.lines().collect();
    let after = |label: &str| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{label}: ")))
            .unwrap_or_else(|| panic!("no « {label} » in:\n{out}"))
            .to_string()
    };
    assert_eq!(after("sans mot de passe"), "1", "{out}");
    assert!(
        out.contains("demande le mot de passe de « alice »"),
        "{out}"
    );
    assert_eq!(after("mauvais"), "1", "{out}");
    assert!(out.contains("refuse l'utilisateur « alice »"), "{out}");
    assert_eq!(after("toujours sans"), "1", "{out}");
    assert_eq!(after("bon"), "0", "{out}");
    assert!(
        out.contains("vérifié et enregistré dans le trousseau"),
        "{out}"
    );
    assert_eq!(after("avec le trousseau"), "0", "{out}");
    assert!(out.contains("\"unreachable\":false"), "{out}");
    assert_eq!(after("oublié"), "0", "{out}");
    assert_eq!(after("après oubli"), "1", "{out}");

    // The password is in no file of the laptop but the keyring's own (encrypted) store.
    let holding: Vec<String> = files_holding(&alice.dir.path(""), PASSWORD.as_bytes())
        .into_iter()
        .filter(|p| !p.contains("/keyrings/"))
        .collect();
    assert!(holding.is_empty(), "the password is in {holding:?}");
}
