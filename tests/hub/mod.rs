//! The hub on a real PostgreSQL (see [`server`]): `catalyse hub init` and its schema, TLS
//! verified in full, failures named, and what each role can read, insert, update and delete,
//! tried with `psql` and printed as a table.

mod faults;
mod keyring;
mod moving;
mod proxy;
mod server;
mod sync;

use crate::util::Dir;
use server::Postgres;

const T1: &str = "0190f5a3-0000-7000-8000-000000000001";
const T2: &str = "0190f5a3-0000-7000-8000-000000000002";
const ALICE_DEVICE: &str = "0190f5a3-0000-7000-8000-0000000000a1";
const BOB_DEVICE: &str = "0190f5a3-0000-7000-8000-0000000000b1";
pub(crate) const PASSWORD: &str = "mot de passe de test";

/// A server with a database `territoire` owned by `hub_admin`, an administrator that is no
/// superuser (CREATEROLE, owner of the database).
pub(crate) fn server() -> Postgres {
    let pg = Postgres::start();
    pg.admin(
        "postgres",
        &format!("CREATE ROLE hub_admin LOGIN CREATEROLE PASSWORD '{PASSWORD}'"),
    );
    pg.admin("postgres", "CREATE DATABASE territoire OWNER hub_admin");
    pg
}

/// A server with the hub's schema (made by `hub_admin`, whose address is returned with the
/// folder it ran from), a login role per name of `roles` (password [`PASSWORD`]), and the
/// first of them allowed to create teams.
pub(crate) fn hub_with_roles(roles: &[&str]) -> (Postgres, Dir, String) {
    let pg = server();
    let admin = Dir::new();
    let admin_url = pg.url("hub_admin", "territoire");
    assert_eq!(
        hub(&admin, PASSWORD, &["init", "--server", &admin_url]).0,
        0
    );
    for role in roles {
        pg.admin(
            "postgres",
            &format!("CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'"),
        );
    }
    let grant = ["grant", "--server", &admin_url, "--role", roles[0]];
    assert_eq!(hub(&admin, PASSWORD, &grant).0, 0);
    (pg, admin, admin_url)
}

/// `catalyse hub ARGS` with `password` in `PGPASSWORD`: (exit code, stdout, stderr).
pub(crate) fn hub(dir: &Dir, password: &str, args: &[&str]) -> (i32, String, String) {
    let out = dir
        .catalyse()
        .arg("hub")
        .args(args)
        .env("PGPASSWORD", password)
        .env_remove("PGPASSFILE")
        .output()
        .expect("catalyse runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn schema_exists(pg: &Postgres) -> bool {
    pg.admin(
        "territoire",
        "SELECT count(*) FROM pg_namespace WHERE nspname = 'catalyse_hub'",
    ) == "1"
}

#[test]
fn hub_init_creates_the_schema_once_and_a_newer_one_is_refused_untouched() {
    let pg = server();
    let dir = Dir::new();
    let url = pg.url("hub_admin", "territoire");
    let (code, out, err) = hub(&dir, PASSWORD, &["init", "--server", &url]);
    assert_eq!(code, 0, "{out}{err}\n{}", pg.log());
    assert!(
        out.contains("Schéma Catalyse créé") && out.contains("version 2"),
        "{out}"
    );
    assert!(!out.contains(PASSWORD));
    // Every table under row-level security, nothing granted to PUBLIC.
    let tables = pg.admin(
        "territoire",
        "SELECT string_agg(relname || ':' || relrowsecurity, ',' ORDER BY relname) FROM pg_class
         WHERE relnamespace = 'catalyse_hub'::regnamespace AND relkind = 'r' AND relname <> 'version'",
    );
    assert_eq!(
        tables,
        "ack:true,change_file:true,device:true,member:true,snapshot:true,team:true"
    );
    assert_eq!(
        pg.admin(
            "territoire",
            "SELECT count(*) FROM information_schema.role_table_grants
             WHERE table_schema = 'catalyse_hub' AND grantee = 'PUBLIC'"
        ),
        "0"
    );
    // Again: nothing to do.
    let (code, out, _) = hub(&dir, PASSWORD, &["init", "--server", &url, "--json"]);
    assert_eq!(code, 0);
    assert_eq!(out.trim(), r#"{"from":2,"to":2}"#);

    // A newer schema (a later Catalyse ran init): refused, and left as it was.
    pg.admin("territoire", "UPDATE catalyse_hub.version SET version = 99");
    let before = pg.admin(
        "territoire",
        "SELECT count(*) FROM pg_class WHERE relnamespace = 'catalyse_hub'::regnamespace",
    );
    let (code, _, err) = hub(&dir, PASSWORD, &["init", "--server", &url]);
    assert_eq!(code, 1);
    assert!(
        err.contains("version 99") && err.contains("mettez Catalyse à jour"),
        "{err}"
    );
    assert_eq!(
        pg.admin("territoire", "SELECT version FROM catalyse_hub.version"),
        "99"
    );
    assert_eq!(
        pg.admin(
            "territoire",
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'catalyse_hub'::regnamespace"
        ),
        before
    );
}

#[test]
fn tls_is_verified_in_full_and_every_failure_is_named_with_nothing_written() {
    let pg = server();
    let dir = Dir::new();
    let with = |host: &str, port: u16, ca: &std::path::Path, extra: &str| {
        format!(
            "postgresql://hub_admin@{host}:{port}/territoire?sslrootcert={}{extra}",
            ca.display()
        )
    };
    let free_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "the certificate names another host (127.0.0.1 for localhost)",
            with("127.0.0.1", pg.port, &pg.ca, ""),
            PASSWORD,
            "établi pour un autre nom",
        ),
        (
            "the certificate is signed by another authority",
            with("localhost", pg.port, &pg.other_ca, ""),
            PASSWORD,
            "n'est pas signé par l'autorité",
        ),
        (
            "a wrong password",
            with("localhost", pg.port, &pg.ca, ""),
            "pas le bon",
            "refuse l'utilisateur « hub_admin »",
        ),
        (
            "no password at all (no PGPASSWORD, no ~/.pgpass)",
            with("localhost", pg.port, &pg.ca, ""),
            "",
            "demande le mot de passe de « hub_admin »",
        ),
        (
            "nothing listens on the port",
            with("localhost", free_port, &pg.ca, ""),
            PASSWORD,
            "refuse la connexion",
        ),
        (
            "a name no DNS knows",
            with("serveur.invalid", pg.port, &pg.ca, ""),
            PASSWORD,
            "est introuvable",
        ),
        (
            "TLS without the certificate checked",
            with("localhost", pg.port, &pg.ca, "&sslmode=require"),
            PASSWORD,
            "sslmode=require",
        ),
        (
            "a CA file that does not exist",
            with(
                "localhost",
                pg.port,
                std::path::Path::new("/nulle/part/ca.crt"),
                "",
            ),
            PASSWORD,
            "« /nulle/part/ca.crt » est inutilisable : ce fichier n'existe pas",
        ),
    ];
    for (what, url, password, expected) in cases {
        let (code, out, err) = hub(&dir, password, &["init", "--server", &url]);
        assert_eq!(code, 1, "{what}: {out}{err}");
        assert!(err.contains(expected), "{what}: {err}");
        assert!(
            password.is_empty() || !err.contains(password),
            "{what}: the password shown: {err}"
        );
        assert!(!schema_exists(&pg), "{what}: something was written");
    }
    // A role that may not create the schema: named, nothing written.
    pg.admin(
        "postgres",
        &format!("CREATE ROLE quelqu_un LOGIN PASSWORD '{PASSWORD}'"),
    );
    let (code, _, err) = hub(
        &dir,
        PASSWORD,
        &["init", "--server", &pg.url("quelqu_un", "territoire")],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("« quelqu_un » n'a pas le droit de créer le schéma Catalyse"),
        "{err}"
    );
    assert!(!schema_exists(&pg));
    // And with everything right, it works: the checks above were not failing for another reason.
    let (code, out, err) = hub(
        &dir,
        PASSWORD,
        &["init", "--server", &pg.url("hub_admin", "territoire")],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(schema_exists(&pg));
}

/// What `role` can do to team T1's rows, tried with `psql`: add a device and a change file,
/// read (the rows seen), update, delete.
fn abilities(pg: &Postgres, role: &str, device: &str, seq: i64) -> [String; 5] {
    let r = |sql: &str| pg.psql(role, PASSWORD, "territoire", sql);
    let shown = |res: Result<String, String>| match res {
        Ok(s) if s.is_empty() => "oui".to_string(),
        Ok(s) => s,
        Err(e) if e.contains("row-level security") => "refusé (règle)".into(),
        Err(e) if e.contains("permission denied") => "refusé (droit)".into(),
        Err(e) => format!("erreur : {e}"),
    };
    let device_add = shown(r(&format!(
        "INSERT INTO catalyse_hub.device (team, device, name) VALUES ('{T1}', '{device}', 'portable de {role}') ON CONFLICT DO NOTHING"
    )));
    let file_add = shown(r(&format!(
        "INSERT INTO catalyse_hub.change_file (team, device, seq, bytes, hash)
         VALUES ('{T1}', '{device}', {seq}, '\\x434346', decode(repeat('ab', 32), 'hex'))"
    )));
    let read = shown(r(&format!(
        "SELECT count(*) || ' ligne(s)' FROM catalyse_hub.change_file WHERE team = '{T1}'"
    )));
    let update = shown(r(&format!(
        "UPDATE catalyse_hub.change_file SET bytes = '\\x00' WHERE team = '{T1}'"
    )));
    let delete = shown(r(&format!(
        "DELETE FROM catalyse_hub.change_file WHERE team = '{T1}'"
    )));
    [device_add, file_add, read, update, delete]
}

#[test]
fn each_role_reads_and_writes_only_what_its_teams_allow() {
    let pg = server();
    let dir = Dir::new();
    let url = pg.url("hub_admin", "territoire");
    assert_eq!(hub(&dir, PASSWORD, &["init", "--server", &url]).0, 0);
    for role in ["alice", "bob", "eve"] {
        pg.admin(
            "postgres",
            &format!("CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'"),
        );
    }
    pg.admin(
        "territoire",
        &format!("SET ROLE hub_admin; INSERT INTO catalyse_hub.team (id, name) VALUES ('{T1}', 'PETR du Pays de Morlaix'), ('{T2}', 'Autre territoire')"),
    );
    let grant = |team: &str, role: &str| {
        hub(
            &dir,
            PASSWORD,
            &["grant", "--server", &url, "--team", team, "--role", role],
        )
    };
    let (code, out, err) = grant(T1, "alice");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("« alice » a maintenant accès"), "{out}");
    assert!(grant(T1, "alice").1.contains("avait déjà accès"));
    assert_eq!(grant(T2, "bob").0, 0);
    let (code, _, err) = grant(T1, "personne");
    assert_eq!(code, 1);
    assert!(err.contains("« personne » n'existe pas"), "{err}");
    let (code, _, err) = grant("0190f5a3-0000-7000-8000-00000000ffff", "bob");
    assert_eq!(code, 1);
    assert!(err.contains("est inconnue"), "{err}");
    // A member may not grant.
    let (code, _, err) = hub(
        &dir,
        PASSWORD,
        &[
            "grant",
            "--server",
            &pg.url("alice", "territoire"),
            "--team",
            T1,
            "--role",
            "bob",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("« alice » n'a pas le droit"), "{err}");

    let mut table = vec![];
    let alice = abilities(&pg, "alice", ALICE_DEVICE, 1);
    let bob = abilities(&pg, "bob", BOB_DEVICE, 1);
    let eve = abilities(&pg, "eve", BOB_DEVICE, 1);
    let (code, out, _) = hub(
        &dir,
        PASSWORD,
        &["revoke", "--server", &url, "--team", T1, "--role", "alice"],
    );
    assert_eq!(code, 0);
    assert!(out.contains("n'a plus accès"), "{out}");
    let revoked = abilities(&pg, "alice", ALICE_DEVICE, 2);
    table.push(("alice (membre de l'équipe)", alice.clone()));
    table.push(("bob (membre d'une autre équipe)", bob.clone()));
    table.push(("eve (aucune équipe)", eve.clone()));
    table.push(("alice après « hub revoke »", revoked.clone()));
    println!("\nCe que chaque rôle peut faire aux fichiers de l'équipe T1 (essayé avec psql) :");
    println!("| rôle | ajouter un ordinateur | ajouter un fichier | lire | modifier | supprimer |");
    println!("|---|---|---|---|---|---|");
    for (role, a) in &table {
        println!("| {role} | {} |", a.join(" | "));
    }
    assert_eq!(
        alice,
        [
            "oui",
            "oui",
            "1 ligne(s)",
            "refusé (droit)",
            "refusé (droit)"
        ]
        .map(String::from)
    );
    assert_eq!(
        bob,
        [
            "refusé (règle)",
            "refusé (règle)",
            "0 ligne(s)",
            "refusé (droit)",
            "refusé (droit)"
        ]
        .map(String::from)
    );
    assert_eq!(eve, ["refusé (droit)"; 5].map(String::from));
    assert_eq!(
        revoked,
        [
            "refusé (règle)",
            "refusé (règle)",
            "0 ligne(s)",
            "refusé (droit)",
            "refusé (droit)"
        ]
        .map(String::from)
    );
    // Alice's file is there, seen by the administrator, unchanged, and only once.
    assert_eq!(
        pg.admin("territoire", &format!("SELECT count(*) || ':' || encode(bytes, 'escape') FROM catalyse_hub.change_file WHERE team = '{T1}' GROUP BY bytes")),
        "1:CCF"
    );
}
