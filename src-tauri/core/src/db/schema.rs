//! The schema allow-list: a file is used only if its schema is exactly the one Catalyse's own
//! migrations build for its `user_version`.
//!
//! A workspace file is hostile until checked: it may come by e-mail, on a USB key or from a
//! shared folder, and SQLite runs what its schema says (triggers on every write, `CHECK`s,
//! defaults and generated columns on reads and writes). So before anything reads a table or
//! writes a byte, [`verify`] compares the file's `sqlite_master` with the reference of its
//! version, built once per process by running [`crate::db::migrations::MIGRATIONS`] on an empty database in memory:
//! every table, view, trigger and index with its SQL text, the automatic indexes by name.
//! An unknown object, a known one with other SQL, or a missing one refuses the file untouched
//! ([`CoreError::ForeignSchema`]), naming the object.
//!
//! The one exception are the journal's triggers (`journal_<table>_<insert|update|delete>`),
//! which Catalyse generates from the schema and regenerates when it opens a file for writing
//! (their text changes with Catalyse's versions): a file may have them with any text, on the
//! table their name gives, and the writer drops every one that is not exactly what this build
//! generates before any statement that could fire it ([`drop_unexpected_journal_triggers`]).
//!
//! Catalyse never reads SQL back from a file to run it: what it runs comes from the
//! migrations' text ([`current`]) or from its own generators.

use crate::db::migrations::SCHEMA_VERSION;
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

/// The first schema version with the journal of changes (migration 11).
pub const JOURNAL_SINCE: i64 = 11;

/// One object of a schema, as `sqlite_master` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaObject {
    pub kind: String,
    pub name: String,
    pub table: String,
    pub sql: Option<String>,
}

/// The schema the migrations build for one version.
#[derive(Debug)]
pub struct Reference {
    pub version: i64,
    /// Every object by (kind, name), the journal's triggers included.
    objects: BTreeMap<(String, String), SchemaObject>,
}

impl Reference {
    /// The SQL text of object `name` of `kind` (`table`, `index`, `trigger`), as the
    /// migrations wrote it.
    pub fn sql(&self, kind: &str, name: &str) -> Option<&str> {
        self.objects
            .get(&(kind.to_string(), name.to_string()))
            .and_then(|o| o.sql.as_deref())
    }

    /// The indexes of `table` that have SQL (not the automatic ones), as (name, SQL).
    pub fn indexes_of(&self, table: &str) -> Vec<(&str, &str)> {
        self.objects
            .values()
            .filter(|o| o.kind == "index" && o.table == table)
            .filter_map(|o| o.sql.as_deref().map(|sql| (o.name.as_str(), sql)))
            .collect()
    }

    /// Every object.
    pub fn objects(&self) -> impl Iterator<Item = &SchemaObject> {
        self.objects.values()
    }

    /// Whether the table `name` is in this schema.
    pub fn has_table(&self, name: &str) -> bool {
        self.objects
            .contains_key(&("table".to_string(), name.to_string()))
    }
}

/// What makes a file's schema foreign, for the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// An object the migrations do not make.
    Unknown(SchemaObject),
    /// A known object with other SQL (or on another table).
    Changed(SchemaObject),
    /// An object the migrations make that the file lacks.
    Missing(SchemaObject),
}

impl Finding {
    /// The error refusing `path` for this finding.
    pub fn error(&self, path: &Path) -> CoreError {
        let (problem, o) = match self {
            Finding::Unknown(o) => ("unknown", o),
            Finding::Changed(o) => ("changed", o),
            Finding::Missing(o) => ("missing", o),
        };
        CoreError::ForeignSchema {
            path: path.to_path_buf(),
            object: object_kind(&o.kind),
            name: crate::shared::domain::truncate_for_message(&printable(&o.name)),
            problem,
        }
    }
}

/// The object's name with control characters shown as `\u{…}` (a name is any text).
fn printable(name: &str) -> String {
    name.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_unicode().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// The kind's code as the message says it (`table`, `view`, `trigger`, `index`; anything
/// else is `object`).
fn object_kind(kind: &str) -> &'static str {
    match kind {
        "table" => "table",
        "view" => "view",
        "trigger" => "trigger",
        "index" => "index",
        _ => "object",
    }
}

/// The reference schema of `version` (0 to [`SCHEMA_VERSION`]), built the first time it is
/// asked for in this process.
pub fn reference(version: i64) -> CoreResult<Arc<Reference>> {
    static CACHE: OnceLock<Mutex<HashMap<i64, Arc<Reference>>>> = OnceLock::new();
    if !(0..=SCHEMA_VERSION).contains(&version) {
        return Err(CoreError::Internal {
            detail: format!("pas de schéma de référence pour la version {version}"),
        });
    }
    let cache = CACHE.get_or_init(Default::default);
    if let Some(r) = cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&version)
    {
        return Ok(r.clone());
    }
    let built = Arc::new(build(version)?);
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(version, built.clone());
    Ok(built)
}

/// The reference schema of this build's version.
pub fn current() -> CoreResult<Arc<Reference>> {
    reference(SCHEMA_VERSION)
}

/// Runs the first `version` migrations on an empty database in memory and reads its schema,
/// with the journal's triggers this build generates for it.
fn build(version: i64) -> CoreResult<Reference> {
    let mut conn = Connection::open_in_memory()?;
    crate::db::guard::harden(&mut conn)?;
    crate::db::connection::register_functions(&conn)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    for index in 0..version as usize {
        crate::db::apply::apply(&conn, index)?;
    }
    if version >= JOURNAL_SINCE {
        crate::db::journal::sync_triggers(&conn)?;
    }
    let objects = read(&conn)?
        .into_iter()
        .map(|o| ((o.kind.clone(), o.name.clone()), o))
        .collect();
    Ok(Reference { version, objects })
}

/// The objects of `sqlite_master`.
pub fn read(conn: &Connection) -> rusqlite::Result<Vec<SchemaObject>> {
    let mut st = conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master")?;
    let rows = st.query_map([], |r| {
        Ok(SchemaObject {
            kind: r.get(0)?,
            name: r.get(1)?,
            table: r.get(2)?,
            sql: r.get(3)?,
        })
    })?;
    rows.collect()
}

/// The journal trigger `name` would be: `journal_<table>_<op>` on a table of records of the
/// reference.
fn journal_trigger_table<'a>(reference: &Reference, name: &'a str) -> Option<&'a str> {
    let rest = name.strip_prefix("journal_")?;
    let table = ["_insert", "_update", "_delete"]
        .iter()
        .find_map(|op| rest.strip_suffix(op))?;
    reference
        .objects
        .contains_key(&("trigger".to_string(), name.to_string()))
        .then_some(table)
}

/// Compares the schema of `conn` (read-only; no table is read) with the reference of
/// `version`; the first difference found, if any.
pub fn verify(conn: &Connection, version: i64) -> CoreResult<Option<Finding>> {
    compare(&read(conn)?, version)
}

/// Compares the objects of a schema ([`read`]) with the reference of `version`; the first
/// difference found, if any.
pub fn compare(found: &[SchemaObject], version: i64) -> CoreResult<Option<Finding>> {
    let reference = reference(version)?;
    let mut seen = std::collections::HashSet::new();
    for o in found {
        seen.insert((o.kind.clone(), o.name.clone()));
        let known = reference.objects.get(&(o.kind.clone(), o.name.clone()));
        if o.kind == "trigger" && version >= JOURNAL_SINCE {
            if let Some(table) = journal_trigger_table(&reference, &o.name) {
                // Regenerated by the writer before anything could fire it: only its name
                // and its table have to be right.
                if o.table != table {
                    return Ok(Some(Finding::Changed(o.clone())));
                }
                continue;
            }
        }
        match known {
            None => return Ok(Some(Finding::Unknown(o.clone()))),
            Some(k) if k.table != o.table || k.sql != o.sql => {
                return Ok(Some(Finding::Changed(o.clone())))
            }
            Some(_) => {}
        }
    }
    for ((kind, name), o) in &reference.objects {
        let regenerated = kind == "trigger" && journal_trigger_table(&reference, name).is_some();
        if !regenerated && !seen.contains(&(kind.clone(), name.clone())) {
            return Ok(Some(Finding::Missing(o.clone())));
        }
    }
    Ok(None)
}

/// Drops, before anything could fire them, the journal triggers of `conn` that are not
/// exactly what this build generates for its schema now (a file's own text, from an older
/// Catalyse or from anyone): [`crate::db::journal::sync_triggers`] makes them again.
/// The names dropped are this build's own (quoted), never read from the file.
pub(crate) fn drop_unexpected_journal_triggers(conn: &Connection, version: i64) -> CoreResult<()> {
    if version < JOURNAL_SINCE {
        return Ok(());
    }
    let reference = reference(version)?;
    let expected = crate::db::journal::expected_triggers(conn)?;
    for o in reference.objects() {
        if o.kind != "trigger" || journal_trigger_table(&reference, &o.name).is_none() {
            continue;
        }
        let present: Option<Option<String>> = {
            use rusqlite::OptionalExtension;
            conn.query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                [&o.name],
                |r| r.get(0),
            )
            .optional()?
        };
        let Some(sql) = present else { continue };
        let right = expected
            .iter()
            .any(|(n, s)| *n == o.name && Some(s.as_str()) == sql.as_deref());
        if !right {
            conn.execute_batch(&format!(
                "DROP TRIGGER {}",
                crate::db::tables::quote(&o.name)
            ))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::store::Store;

    /// The in-memory workspace of this build has exactly the reference schema, and so has
    /// every earlier version's.
    #[test]
    fn a_workspace_made_by_catalyse_has_the_reference_schema() {
        let s = Store::open_in_memory().unwrap();
        assert_eq!(verify(&s.conn, SCHEMA_VERSION).unwrap(), None);
        for v in 0..SCHEMA_VERSION {
            let r = reference(v).unwrap();
            assert_eq!(r.version, v);
        }
        let r = current().unwrap();
        assert!(r.has_table("actor"));
        assert!(r.sql("table", "actor").unwrap().starts_with("CREATE TABLE"));
        assert!(!r.indexes_of("link").is_empty());
    }

    fn finding(extra: &str) -> Option<Finding> {
        let s = Store::open_in_memory().unwrap();
        s.conn.execute_batch(extra).unwrap();
        verify(&s.conn, SCHEMA_VERSION).unwrap()
    }

    /// Every kind of object added, changed or removed is found, with its name.
    #[test]
    fn an_object_the_migrations_do_not_make_is_found() {
        let Some(Finding::Unknown(o)) = finding("CREATE TABLE x (a)") else {
            panic!()
        };
        assert_eq!((o.kind.as_str(), o.name.as_str()), ("table", "x"));
        let Some(Finding::Unknown(o)) = finding("CREATE VIEW v AS SELECT 1") else {
            panic!()
        };
        assert_eq!(o.kind, "view");
        let Some(Finding::Unknown(o)) =
            finding("CREATE TRIGGER t AFTER INSERT ON actor BEGIN SELECT 1; END")
        else {
            panic!()
        };
        assert_eq!(o.name, "t");
        let Some(Finding::Unknown(o)) = finding("CREATE INDEX i ON actor(notes)") else {
            panic!()
        };
        assert_eq!(o.kind, "index");
        let Some(Finding::Changed(o)) =
            finding("ALTER TABLE actor ADD COLUMN website TEXT NOT NULL DEFAULT ''")
        else {
            panic!()
        };
        assert_eq!(o.name, "actor");
        let Some(Finding::Missing(o)) = finding("DROP INDEX change_of_record") else {
            panic!()
        };
        assert_eq!(o.name, "change_of_record");
        // A journal trigger with another text is the writer's to regenerate, not a finding;
        // on another table it is one.
        assert_eq!(
            finding(
                "DROP TRIGGER journal_actor_insert;
                 CREATE TRIGGER journal_actor_insert AFTER INSERT ON actor BEGIN SELECT 1; END"
            ),
            None
        );
        let Some(Finding::Changed(o)) = finding(
            "DROP TRIGGER journal_actor_insert;
             CREATE TRIGGER journal_actor_insert AFTER INSERT ON need BEGIN SELECT 1; END",
        ) else {
            panic!()
        };
        assert_eq!(o.name, "journal_actor_insert");
        let e = Finding::Unknown(SchemaObject {
            kind: "table".into(),
            name: "x\n; DROP".into(),
            table: "x".into(),
            sql: None,
        })
        .error(Path::new("evil.catalyse"));
        assert_eq!(e.kind(), "foreign_schema");
        assert_eq!(
            e.to_string(),
            "« evil.catalyse » contient une table inconnue « x\\u{a}; DROP » : il n'a pas été écrit par Catalyse ou a été modifié. Le fichier n'a pas été modifié."
        );
    }

    /// A journal trigger left with another text is dropped before anything could fire it;
    /// the right ones stay.
    #[test]
    fn a_journal_trigger_with_another_text_is_dropped() {
        let s = Store::open_in_memory().unwrap();
        s.conn
            .execute_batch(
                "DROP TRIGGER journal_actor_insert;
                 CREATE TRIGGER journal_actor_insert AFTER INSERT ON actor
                 BEGIN INSERT INTO code_value VALUES ('World', 'pwned'); END",
            )
            .unwrap();
        drop_unexpected_journal_triggers(&s.conn, SCHEMA_VERSION).unwrap();
        let names: Vec<String> = s
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE name LIKE 'journal\\_%' ESCAPE '\\'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(!names.contains(&"journal_actor_insert".to_string()));
        assert!(names.contains(&"journal_actor_update".to_string()));
    }
}
