//! `catalyse check`: a read-only health report on a file.

use crate::db::migrations::SCHEMA_VERSION;
use crate::db::store::{accept, counts, inspect_connection, open_read_only, APPLICATION_ID};
use crate::shared::error::CoreError;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Result of `PRAGMA integrity_check` or `foreign_key_check`: `"ok"` or the problems found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Verdict {
    Ok(&'static str),
    Problems(Vec<String>),
}

impl Verdict {
    fn from_lines(lines: Vec<String>, ok_means_empty: bool) -> Verdict {
        let ok = if ok_means_empty {
            lines.is_empty()
        } else {
            lines.len() == 1 && lines[0] == "ok"
        };
        if ok {
            Verdict::Ok("ok")
        } else {
            Verdict::Problems(lines)
        }
    }

    /// True when nothing was found wrong.
    pub fn is_ok(&self) -> bool {
        matches!(self, Verdict::Ok(_))
    }
}

/// Everything `catalyse check` reports.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub path: PathBuf,
    /// True when the file carries Catalyse's application id.
    pub workspace: bool,
    /// `PRAGMA user_version`, when the file could be read as SQLite.
    pub schema_version: Option<i64>,
    /// The schema version this build knows.
    pub app_schema_version: i64,
    /// `PRAGMA integrity_check`, when it could run.
    pub integrity: Option<Verdict>,
    /// `PRAGMA foreign_key_check`, when it could run.
    pub foreign_keys: Option<Verdict>,
    /// Records of each kind (glossary plural → count), when the schema is known.
    pub counts: BTreeMap<String, i64>,
    /// French sentences describing each problem found.
    pub problems: Vec<String>,
    /// French remarks that are not problems (e.g. an older schema, migrated on next opening).
    pub notes: Vec<String>,
    /// True when no problem was found.
    pub healthy: bool,
}

/// Inspects `path` without modifying it. Never panics on bad files.
pub fn check(path: &Path) -> CheckReport {
    let mut r = CheckReport {
        path: path.to_path_buf(),
        workspace: false,
        schema_version: None,
        app_schema_version: SCHEMA_VERSION,
        integrity: None,
        foreign_keys: None,
        counts: BTreeMap::new(),
        problems: Vec::new(),
        notes: Vec::new(),
        healthy: false,
    };
    let conn = match open_read_only(path) {
        Ok(c) => c,
        Err(e) => {
            r.problems.push(e.to_string());
            return r;
        }
    };
    let inspection = match inspect_connection(&conn, path) {
        Ok(i) => i,
        Err(e) => {
            r.problems.push(e.to_string());
            return r;
        }
    };
    r.workspace = inspection.application_id == APPLICATION_ID;
    r.schema_version = Some(inspection.schema_version);
    let accepted = accept(path, &inspection);
    if let Err(e) = &accepted {
        r.problems.push(e.to_string());
        // Not a workspace, or a schema that is not Catalyse's: nothing of it is run (an
        // integrity check would evaluate its CHECKs and generated columns).
        if matches!(
            e,
            CoreError::NotAWorkspace { .. } | CoreError::ForeignSchema { .. }
        ) {
            return r;
        }
    }
    check_integrity(&conn, &mut r);
    check_references(&conn, &mut r);
    if accepted.is_ok() {
        match counts(&conn) {
            Ok(c) => r.counts = c,
            Err(e) => r
                .problems
                .push(format!("Le décompte des enregistrements a échoué : {e}")),
        }
        if inspection.schema_version < SCHEMA_VERSION {
            r.notes.push(format!(
                "Schéma {} : il sera mis à jour vers le schéma {SCHEMA_VERSION} à la prochaine ouverture par Catalyse.",
                inspection.schema_version
            ));
        }
    }
    r.healthy = r.problems.is_empty();
    r
}

/// `PRAGMA integrity_check`, its verdict in `r` and a problem when it finds one.
fn check_integrity(conn: &rusqlite::Connection, r: &mut CheckReport) {
    match pragma_lines(conn, "PRAGMA integrity_check") {
        Ok(lines) => {
            let v = Verdict::from_lines(lines, false);
            if !v.is_ok() {
                r.problems
                    .push("La vérification d'intégrité a trouvé des problèmes.".into());
            }
            r.integrity = Some(v);
        }
        Err(e) => r.problems.push(format!(
            "La vérification d'intégrité n'a pas pu aboutir : {e}"
        )),
    }
}

/// `PRAGMA foreign_key_check`, its verdict in `r` and a problem when a reference is broken.
fn check_references(conn: &rusqlite::Connection, r: &mut CheckReport) {
    match fk_lines(conn) {
        Ok(lines) => {
            let v = Verdict::from_lines(lines, true);
            if !v.is_ok() {
                r.problems
                    .push("Des références entre enregistrements sont rompues.".into());
            }
            r.foreign_keys = Some(v);
        }
        Err(e) => r.problems.push(format!(
            "La vérification des références n'a pas pu aboutir : {e}"
        )),
    }
}

fn pragma_lines(conn: &rusqlite::Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut st = conn.prepare(sql)?;
    let rows = st.query_map([], |row| row.get::<_, String>(0))?;
    rows.collect()
}

fn fk_lines(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<String>> {
    let mut st = conn.prepare("PRAGMA foreign_key_check")?;
    let rows = st.query_map([], |row| {
        let table: String = row.get(0)?;
        let rowid: Option<i64> = row.get(1)?;
        let parent: String = row.get(2)?;
        Ok(format!(
            "{table} ligne {} : référence manquante vers {parent}",
            rowid.map(|r| r.to_string()).unwrap_or_else(|| "?".into())
        ))
    })?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::store::Store;

    #[test]
    fn healthy_workspace_reports_ok_and_counts() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("demo.catalyse");
        drop(crate::demo::write_demo(&path).unwrap());
        let before = std::fs::read(&path).unwrap();
        let r = check(&path);
        assert!(r.healthy, "{:?}", r.problems);
        assert_eq!(r.integrity, Some(Verdict::Ok("ok")));
        assert_eq!(r.foreign_keys, Some(Verdict::Ok("ok")));
        assert!(r.counts["actors"] >= 40);
        assert_eq!(r.counts["projects"], 1);
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["integrity"], "ok");
        assert_eq!(json["schema_version"], SCHEMA_VERSION);
    }

    #[test]
    fn broken_foreign_key_is_reported() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("w.catalyse");
        drop(crate::demo::write_demo(&path).unwrap());
        {
            let c = rusqlite::Connection::open(&path).unwrap();
            crate::db::store::register_functions(&c).unwrap();
            c.execute_batch("PRAGMA foreign_keys=OFF; UPDATE project SET territory_id = 7;")
                .unwrap();
        }
        let r = check(&path);
        assert!(!r.healthy);
        assert!(matches!(r.foreign_keys, Some(Verdict::Problems(ref p)) if p.len() == 1));
        let _ = Store::open(&path); // still opens: the report, not the opener, judges references
    }

    #[test]
    fn not_a_workspace_is_unhealthy() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("x.txt");
        std::fs::write(&path, "bonjour ".repeat(100)).unwrap();
        let r = check(&path);
        assert!(!r.healthy);
        assert!(!r.workspace);
        assert!(r.problems[0].contains("n'est pas un espace de travail Catalyse"));
    }
}
