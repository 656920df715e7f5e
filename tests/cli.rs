//! The headless command line, run as a user would: `catalyse demo`, `catalyse check`.

use crate::util::{bytes, Dir};
use predicates::prelude::*;
use rusqlite::Connection;
use serde_json::Value;

fn demo(dir: &Dir, name: &str) -> std::path::PathBuf {
    let path = dir.path(name);
    dir.catalyse().arg("demo").arg(&path).assert().success();
    path
}

fn check_json(dir: &Dir, path: &std::path::Path) -> (i32, Value) {
    let out = dir
        .catalyse()
        .args(["check", "--json"])
        .arg(path)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), json)
}

#[test]
fn help_and_version() {
    let dir = Dir::new();
    dir.catalyse()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("demo"))
        .stdout(predicate::str::contains("check"))
        .stdout(predicate::str::contains("--workspace"))
        .stdout(predicate::str::contains("espace de travail"));
    dir.catalyse()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(format!(
            "catalyse {}",
            env!("CARGO_PKG_VERSION")
        )));
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = Dir::new();
    dir.catalyse()
        .arg("frobnicate")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "« frobnicate » n'est ni une commande ni un espace de travail",
        ));
    dir.catalyse().arg("check").assert().code(2);
    dir.catalyse().arg("demo").assert().code(2);
    dir.catalyse()
        .args(["check", "--jsn", "x"])
        .assert()
        .code(2);
    // Closed sets of values are checked by the parser, which lists what is accepted.
    dir.catalyse()
        .args(["import", "people", "a.csv", "--workspace", "w.catalyse"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "actors, links, meetings, workspace",
        ));
    dir.catalyse()
        .args(["new", "n.catalyse", "--territory", "T", "--kind", "canton"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("regional_park"));
    dir.catalyse()
        .args([
            "note",
            "export",
            "1",
            "--format",
            "odt",
            "--out",
            "n.odt",
            "--workspace",
            "w",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("docx"));
    assert!(!dir.path("n.catalyse").exists());
}

#[test]
fn import_and_export_take_the_kinds_in_french_too() {
    let dir = Dir::new();
    let ws = demo(&dir, "demo.catalyse");
    let out = dir.path("acteurs.csv");
    dir.catalyse()
        .args(["export", "Acteurs"])
        .arg(&out)
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .success();
    let copy = dir.path("copie.catalyse");
    dir.catalyse()
        .args(["new"])
        .arg(&copy)
        .args(["--territory", "Copie", "--kind", "pays"])
        .assert()
        .success();
    dir.catalyse()
        .args(["import", "acteurs"])
        .arg(&out)
        .arg("--workspace")
        .arg(&copy)
        .assert()
        .success()
        .stdout(predicate::str::contains("importé"));
}

/// `catalyse history`: the import told with its file and count, each change with its record's
/// identity; `--record` keeps that record's change sets, `--since` the days from then; bad
/// arguments are named.
#[test]
fn history_tells_who_changed_what_and_filters_by_record_and_day() {
    let dir = Dir::new();
    let ws = demo(&dir, "demo.catalyse");
    let csv = dir.path("nouveaux.csv");
    std::fs::write(
        &csv,
        "Nom;Monde;Commune;Engagement\nFerme du Plateau;Entreprise;Larrieu;Informé\nGîte des Cimes;Entreprise;Les Orgières;Consulté\n",
    )
    .unwrap();
    dir.catalyse()
        .args(["import", "actors"])
        .arg(&csv)
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .success();
    let json = |args: &[&str]| -> Value {
        let out = dir
            .catalyse()
            .args(["history", "--json", "--workspace"])
            .arg(&ws)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let all = json(&[]);
    let sets = all.as_array().unwrap();
    assert!(sets.len() > 10, "{} change sets", sets.len());
    let last = sets.last().unwrap();
    for key in ["id", "at", "who", "device", "label", "changes"] {
        assert!(last.get(key).is_some(), "{key} in {last}");
    }
    assert_eq!(last["label"], "Import de 2 acteur(s) depuis nouveaux.csv");
    let created: Vec<&Value> = last["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["table"] == "actor")
        .collect();
    assert_eq!(created.len(), 2);
    assert_eq!(created[0]["op"], "insert");
    assert_eq!(created[0]["after"]["name"], "Ferme du Plateau");
    let record = created[0]["record"].as_str().unwrap().to_string();
    let only = json(&["--record", &record]);
    assert_eq!(only.as_array().unwrap().len(), 1);
    assert_eq!(only[0]["id"], last["id"]);
    let today = &last["at"].as_str().unwrap()[..10];
    assert_eq!(
        json(&["--since", today]).as_array().unwrap().len(),
        sets.len()
    );
    assert_eq!(json(&["--since", "2999-01-01"]), Value::Array(vec![]));
    dir.catalyse()
        .args(["history", "--workspace"])
        .arg(&ws)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Import de 2 acteur(s) depuis nouveaux.csv",
        ))
        .stdout(predicate::str::contains("Création de l'axe"));
    dir.catalyse()
        .args(["history", "--since", "hier", "--workspace"])
        .arg(&ws)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Date invalide : « hier »"));
    dir.catalyse()
        .args(["history", "--record", "42", "--workspace"])
        .arg(&ws)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "Identifiant d'enregistrement invalide",
        ));
}

#[test]
fn demo_then_check_reports_a_healthy_workspace_with_forty_actors_over_eight_worlds() {
    let dir = Dir::new();
    let path = demo(&dir, "demo.catalyse");
    let before = bytes(&path);
    let (code, json) = check_json(&dir, &path);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["integrity"], "ok");
    assert_eq!(json["foreign_keys"], "ok");
    assert_eq!(json["schema_version"], catalyse_core::SCHEMA_VERSION);
    assert!(json["counts"]["actors"].as_i64().unwrap() >= 40, "{json}");
    assert_eq!(json["counts"]["projects"], 1);
    assert_eq!(json["counts"]["territories"], 1);
    for (kind, at_least) in [
        ("needs", 4),
        ("axes", 3),
        ("actions", 12),
        ("fundings", 10),
        ("indicators", 5),
        ("members", 4),
        ("contacts", 10),
        ("links", 30),
        ("meetings", 10),
    ] {
        assert!(
            json["counts"][kind].as_i64().unwrap() >= at_least,
            "{kind}: {json}"
        );
    }
    assert_eq!(bytes(&path), before, "check must not modify the file");

    let conn = Connection::open(&path).unwrap();
    let worlds: i64 = conn
        .query_row("SELECT count(DISTINCT world) FROM actor", [], |r| r.get(0))
        .unwrap();
    assert_eq!(worlds, 8);
}

#[test]
fn human_check_output_is_french() {
    let dir = Dir::new();
    let path = demo(&dir, "demo.catalyse");
    dir.catalyse()
        .arg("check")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("Intégrité : ok"))
        .stdout(predicate::str::contains("actors : 4"));
}

#[test]
fn demo_refuses_to_overwrite() {
    let dir = Dir::new();
    let path = dir.path("precious.catalyse");
    std::fs::write(&path, "do not touch").unwrap();
    dir.catalyse()
        .arg("demo")
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("existe déjà"));
    assert_eq!(bytes(&path), b"do not touch");
}

#[test]
fn newer_schema_is_refused_and_left_byte_identical() {
    let dir = Dir::new();
    let path = demo(&dir, "future.catalyse");
    {
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", catalyse_core::SCHEMA_VERSION + 5)
            .unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = bytes(&path);
    let (code, json) = check_json(&dir, &path);
    assert_eq!(code, 1);
    assert_eq!(json["schema_version"], catalyse_core::SCHEMA_VERSION + 5);
    assert!(json["problems"][0]
        .as_str()
        .unwrap()
        .contains("version plus récente"));
    dir.catalyse()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("version plus récente de Catalyse"));
    assert_eq!(bytes(&path), before);
}

#[test]
fn files_that_are_not_workspaces_are_reported_without_a_crash() {
    let dir = Dir::new();
    let text = dir.path("notes.txt");
    std::fs::write(&text, "Compte rendu du comité de pilotage\n".repeat(20)).unwrap();
    let (code, json) = check_json(&dir, &text);
    assert_eq!(code, 1);
    assert_eq!(json["workspace"], false);
    assert!(json["problems"][0]
        .as_str()
        .unwrap()
        .contains("n'est pas un espace de travail Catalyse"));
    assert_eq!(
        bytes(&text),
        "Compte rendu du comité de pilotage\n".repeat(20).as_bytes()
    );

    let other = dir.path("other.sqlite");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t(x)")
        .unwrap();
    assert_eq!(check_json(&dir, &other).0, 1);

    let missing = dir.path("missing.catalyse");
    let (code, json) = check_json(&dir, &missing);
    assert_eq!(code, 1);
    assert!(json["problems"][0]
        .as_str()
        .unwrap()
        .contains("introuvable"));
    assert!(!missing.exists());
}

#[test]
fn truncated_workspace_is_reported_corrupt() {
    let dir = Dir::new();
    let path = demo(&dir, "broken.catalyse");
    let full = bytes(&path);
    std::fs::write(&path, &full[..full.len() / 2]).unwrap();
    let (code, json) = check_json(&dir, &path);
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["healthy"], false);
}

#[test]
fn network_json_gives_metrics_per_actor_components_and_bridges() {
    let dir = Dir::new();
    let path = demo(&dir, "demo.catalyse");
    let out = dir
        .catalyse()
        .args(["network", "--json", "--workspace"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let actors = json["actors"].as_array().unwrap();
    assert!(actors.len() >= 40);
    for a in actors {
        for key in [
            "id",
            "name",
            "monde",
            "degree",
            "betweenness",
            "mondes_bridged",
        ] {
            assert!(!a[key].is_null(), "{key} missing in {a}");
        }
    }
    assert!(json["components"].as_array().unwrap().len() >= 2);
    assert!(!json["sole_bridges"].as_array().unwrap().is_empty());
    dir.catalyse()
        .args(["network", "--workspace"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("composante(s)"));
    dir.catalyse()
        .args(["network", "--workspace"])
        .arg(dir.path("absent.catalyse"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("introuvable"));
}

#[test]
fn grid_json_gives_each_members_latest_levels_and_the_gaps() {
    let dir = Dir::new();
    let path = demo(&dir, "grille.catalyse");
    let out = dir
        .catalyse()
        .args(["grid", "--json", "--workspace"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let members = json["members"].as_array().unwrap();
    assert_eq!(members.len(), 5);
    for m in members {
        assert!(m["id"].is_i64() && m["name"].is_string());
        let levels = m["levels"].as_object().unwrap();
        assert_eq!(levels.len(), 8, "{m}");
        assert!(levels
            .values()
            .all(|l| (0..=4).contains(&l.as_i64().unwrap())));
        assert!(m["assessed_on"].as_str().unwrap().starts_with("202"));
    }
    let comps = json["competences"].as_array().unwrap();
    assert_eq!(comps.len(), 8);
    // Recompute best, doers and gap from the members' levels: the JSON agrees with itself.
    for c in comps {
        let n = c["number"].as_i64().unwrap().to_string();
        let levels: Vec<i64> = members
            .iter()
            .map(|m| m["levels"][&n].as_i64().unwrap())
            .collect();
        let doers = levels.iter().filter(|l| **l >= 3).count() as i64;
        assert_eq!(c["best"].as_i64().unwrap(), *levels.iter().max().unwrap());
        assert_eq!(c["doers"].as_i64().unwrap(), doers);
        assert_eq!(c["gap"].as_bool().unwrap(), doers < 2);
        assert!(c["title"].is_string() && c["axis"].is_string());
    }
    assert_eq!(comps[0]["title"], "Trouver et diversifier des financements");
    let gaps: Vec<i64> = comps
        .iter()
        .filter(|c| c["gap"] == true)
        .map(|c| c["number"].as_i64().unwrap())
        .collect();
    assert_eq!(gaps, vec![1, 2, 8]);
    let (_, check) = check_json(&dir, &path);
    assert_eq!(check["counts"]["members"], 5);
    assert!(check["counts"]["self_assessments"].as_i64().unwrap() >= 10);
    // Human output, and a closed pipe ends quietly.
    dir.catalyse()
        .args(["grid", "--workspace"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("MANQUE"));
}

/// `catalyse history undo`: what « Annuler cette modification » does in the app, with the
/// same refusals (exit 1 and the French message naming what is in the way), for scripts and
/// for recovery without a display.
#[test]
fn history_undo_does_from_the_command_line_what_the_journal_does() {
    use catalyse_core::actors::ActorInput;
    let dir = Dir::new();
    let path = demo(&dir, "journal.catalyse");
    let newest = |s: &catalyse_core::Store| -> i64 {
        s.history(&Default::default()).unwrap().sets[0].summary.id
    };
    let (link_deleted, x_deleted) = {
        let mut s = catalyse_core::Store::open_with(&path, &dir.path("sauvegardes")).unwrap();
        let y = s.list_actors().unwrap()[0].id;
        let actor = |name: &str| ActorInput {
            name: name.into(),
            world: "business".into(),
            commune: "Larrieu".into(),
            insee: None,
            engagement: "informed".into(),
            notes: String::new(),
        };
        let x = s.create_actor(&actor("Xylophone des Vallées")).unwrap();
        let link = s
            .create_link(&catalyse_core::network::LinkInput {
                actor_a: x.id,
                actor_b: y,
                nature: "partnership".into(),
                strength: 2,
                since: None,
                notes: String::new(),
                introduced_by: None,
                meeting_id: None,
            })
            .unwrap();
        s.delete_link(link.id).unwrap();
        let link_deleted = newest(&s);
        s.delete_actor(x.id).unwrap();
        let x_deleted = newest(&s);
        // A new actor takes X's id.
        assert_eq!(
            s.create_actor(&actor("Zèbre et Compagnie")).unwrap().id,
            x.id
        );
        (link_deleted, x_deleted)
    };
    let before = bytes(&path);
    let undo = |set: i64, json: bool| {
        let mut cmd = dir.catalyse();
        cmd.args(["history", "undo", &set.to_string(), "--workspace"])
            .arg(&path);
        if json {
            cmd.arg("--json");
        }
        cmd.output().unwrap()
    };
    // Refused, naming the actor deleted since; nothing written.
    let out = undo(link_deleted, false);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("L'acteur « Xylophone des Vallées » a été supprimé depuis ; annulez d'abord sa suppression"),
        "{err}"
    );
    let out = undo(link_deleted, true);
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["error"]["kind"], "gone_since");
    assert!(bytes(&path) == before, "a refused undo writes nothing");
    // Blocked by later changes: they are listed.
    let out = undo(1, false);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Annulez-les d'abord"));
    let out = undo(1, true);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!json["blocked"].as_array().unwrap().is_empty());
    // X's deletion undone, then the link's: it joins X and Y again, Z untouched.
    let out = undo(x_deleted, true);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["undone"], x_deleted);
    assert!(json["change_set"].is_i64());
    dir.catalyse()
        .args(["history", "undo", &link_deleted.to_string(), "--workspace"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "Modification n° {link_deleted} annulée"
        )));
    let c = Connection::open(&path).unwrap();
    let names: (String, String) = c
        .query_row(
            "SELECT (SELECT name FROM actor WHERE id = l.actor_a), (SELECT name FROM actor WHERE id = l.actor_b)
             FROM link AS l ORDER BY l.id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(names.0, "Xylophone des Vallées");
    let z: i64 = c
        .query_row(
            "SELECT count(*) FROM actor WHERE name = 'Zèbre et Compagnie'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(z, 1);
}

/// `catalyse map territory`: the territory's communes set by département, EPCI and commune,
/// a former code led to its commune, an unknown code refused with nothing written.
#[test]
fn map_territory_sets_the_communes_all_or_nothing() {
    let dir = Dir::new();
    let ws = demo(&dir, "demo.catalyse");
    let json = |args: &[&str]| -> Value {
        let out = dir
            .catalyse()
            .args(["map", "territory", "--json", "--workspace"])
            .arg(&ws)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // The demo's territory has its ten fictional communes.
    assert_eq!(json(&[])["communes"].as_u64(), Some(10));
    let r = json(&["--add", "departement:22", "--remove", "commune:22278"]);
    let all = r["added"].as_u64().unwrap() + 10;
    assert!(all > 300, "{r}");
    assert_eq!(r["communes"].as_u64(), Some(all));
    let r = json(&["--add", "commune:01340"]);
    assert_eq!(r["added"], 1);
    assert_eq!(r["renamed"][0]["insee"], "01015");
    dir.catalyse()
        .args(["map", "territory", "--workspace"])
        .arg(&ws)
        .args(["--add", "commune:22278", "--add", "epci:000000000"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "aucun EPCI n'a le SIREN « 000000000 »",
        ));
    let r = json(&[]);
    assert_eq!(r["communes"].as_u64(), Some(all + 1), "nothing written");
    dir.catalyse()
        .args(["map", "territory", "--workspace"])
        .arg(&ws)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "Le territoire compte {} commune(s)",
            all + 1
        )));
}

/// `catalyse map import-contours`: a GeoJSON matched by INSEE code (a feature of no commune
/// named), nothing written with --dry-run, written otherwise; `map communes` then lists the
/// territory's communes with their figures and those never met.
#[test]
fn map_import_contours_then_communes() {
    let dir = Dir::new();
    let ws = demo(&dir, "demo.catalyse");
    let feature = |code: &str, x: f64| {
        format!(
            r#"{{"type":"Feature","properties":{{"INSEE_COM":"{code}","NOM":"C{code}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},48.5],[{},48.5],[{},48.51],[{x},48.5]]]}}}}"#,
            x + 0.01,
            x + 0.01
        )
    };
    let file = dir.path("communes-22.geojson");
    std::fs::write(
        &file,
        format!(
            r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
            feature("22278", -2.77),
            feature("99999", -2.7)
        ),
    )
    .unwrap();
    let run = |extra: &[&str]| -> Value {
        let out = dir
            .catalyse()
            .args(["map", "import-contours"])
            .arg(&file)
            .arg("--workspace")
            .arg(&ws)
            .args(extra)
            .arg("--json")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let v = run(&["--dry-run"]);
    assert_eq!(
        (v["features"].as_u64(), v["matched"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(v["matched_by_former_code"], 0);
    assert_eq!(v["unmatched"][0]["index"], 1);
    assert_eq!(v["unmatched"][0]["code"], "99999");
    assert_eq!(v["written"], 0);
    let v = run(&[]);
    assert_eq!(v["written"], 1);
    dir.catalyse()
        .args(["map", "territory", "--workspace"])
        .arg(&ws)
        .args(["--add", "commune:22278"])
        .assert()
        .success();
    let out = dir
        .catalyse()
        .args(["map", "communes", "--json", "--workspace"])
        .arg(&ws)
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 11);
    let brieuc = rows.iter().find(|r| r["insee"] == "22278").unwrap();
    assert_eq!(brieuc["never_met"], true);
    assert_eq!(brieuc["has_contour"], true);
    assert!(
        rows.iter().all(|r| r["has_contour"] == true),
        "the demo's and the imported"
    );
    assert!(rows.iter().any(|r| r["actors"].as_u64() > Some(0)));
    // A file that is no contours file: a French error, nothing written.
    std::fs::write(&file, "pas du GeoJSON").unwrap();
    dir.catalyse()
        .args(["map", "import-contours"])
        .arg(&file)
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("n'est pas un GeoJSON lisible"));
}

/// `catalyse map render`: the demo's valley as SVG and PNG; a file is never replaced without
/// `--force`; an unknown measure or extension is refused in French.
#[test]
fn map_render_writes_svg_and_png_and_replaces_nothing_unasked() {
    let dir = Dir::new();
    let ws = demo(&dir, "demo.catalyse");
    let svg = dir.path("carte.svg");
    let render = |measure: &str, out: &std::path::Path, extra: &[&str]| {
        let mut c = dir.catalyse();
        c.args(["map", "render", "--workspace"])
            .arg(&ws)
            .args(["--measure", measure, "--out"])
            .arg(out)
            .args(extra);
        c
    };
    render("meetings", &svg, &[])
        .assert()
        .success()
        .stdout(predicate::str::contains("10 communes"));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.ends_with("</svg>"));
    assert!(text.contains("Rencontres par commune"));
    assert!(text.contains("jamais rencontrées · 1 commune"));
    render("actors", &svg, &[])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("existe déjà"));
    assert_eq!(
        std::fs::read_to_string(&svg).unwrap(),
        text,
        "left as it was"
    );
    render("never-met", &svg, &["--force", "--highlight", "00001"])
        .assert()
        .success();
    assert!(std::fs::read_to_string(&svg)
        .unwrap()
        .contains("Communes jamais rencontrées"));
    let png = dir.path("carte.png");
    render(
        "actors",
        &png,
        &["--world", "association", "--width", "500"],
    )
    .assert()
    .success();
    assert_eq!(&std::fs::read(&png).unwrap()[..4], b"\x89PNG");
    render("partout", &dir.path("x.svg"), &[])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Mesure inconnue"));
    render("actors", &dir.path("x.pdf"), &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".svg ou .png"));
}
