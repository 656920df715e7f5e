//! Migration 12's own step: the journal's existing entries rewritten so that a reference
//! names the record by its identity (uid), as the triggers now write it.
//!
//! An entry written before held the referenced record's integer id, and SQLite gives a freed
//! id to the next new row: the id must be resolved to the record that held it **when the
//! entry was written**, not to whoever holds it now. So the entries are read from the newest
//! to the oldest, keeping what each id of each referenced table stood for at that moment:
//! the tables as they are now, corrected by every creation and deletion passed on the way
//! back (before a record's creation, its id was not its own; before its deletion, it was).
//! An entry of a deletion that cascaded to other rows was written after theirs (the old
//! triggers ran after the row went), so, read backwards, the parent is known again before
//! its children's entries are read. A reference that cannot be resolved (an id the journal
//! never saw) keeps its number: an undo refuses it rather than guessing.

use crate::db::journal::{self, Reference, Target, DELETE, INSERT, UPDATE};
use crate::shared::error::CoreResult;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Entries read and rewritten at a time.
const BATCH: i64 = 20_000;

/// What the ids of referenced tables stood for at the point of the journal being read.
struct Ids<'c> {
    conn: &'c Connection,
    /// (table, id) → the record's identity then (`None`: no record had it).
    then: HashMap<(String, i64), Option<String>>,
}

impl Ids<'_> {
    fn uid(&mut self, table: &str, id: i64) -> CoreResult<Option<String>> {
        if let Some(known) = self.then.get(&(table.to_string(), id)) {
            return Ok(known.clone());
        }
        // Not created nor deleted since: as it is now. (Table names come from the schema's
        // references, quoted.)
        let now: Option<String> = self
            .conn
            .prepare_cached(&format!(
                "SELECT uid FROM {} WHERE id = ?1",
                crate::db::tables::quote(table)
            ))?
            .query_row([id], |r| r.get(0))
            .optional()?;
        Ok(now)
    }

    /// `value` (a reference to `target`, in a row whose kind column says `kind`) as an
    /// identity, or unchanged when it is not an id or cannot be resolved.
    fn resolve(&mut self, target: &Target, kind: Option<&str>, value: &Value) -> CoreResult<Value> {
        let Some(id) = value.as_i64() else {
            return Ok(value.clone());
        };
        let table = match target {
            Target::Table(t) => Some(t.as_str()),
            Target::ByKind { tables, .. } => {
                kind.and_then(|k| tables.iter().find(|(code, _)| *code == k).map(|(_, t)| *t))
            }
        };
        let Some(table) = table else {
            return Ok(value.clone());
        };
        Ok(self.uid(table, id)?.map_or(value.clone(), Value::String))
    }
}

/// One entry as read.
struct Entry {
    id: i64,
    table: String,
    record: String,
    op: i64,
    field: Option<String>,
    before: SqlValue,
    after: SqlValue,
}

/// The references of a whole record's JSON text resolved, as (column, identity) pairs to
/// set in it (`json_set` keeps the record's key order); `None` when nothing changed.
fn rewrite_record(
    ids: &mut Ids,
    refs: &[Reference],
    json: &SqlValue,
) -> CoreResult<Option<Vec<(String, Value)>>> {
    let SqlValue::Text(text) = json else {
        return Ok(None);
    };
    let Ok(Value::Object(record)) = serde_json::from_str::<Value>(text) else {
        return Ok(None);
    };
    let mut changed = Vec::new();
    for r in refs {
        let Some(v) = record.get(&r.column).cloned() else {
            continue;
        };
        let kind = match &r.target {
            Target::ByKind { kind, .. } => record
                .get(*kind)
                .and_then(Value::as_str)
                .map(str::to_string),
            Target::Table(_) => None,
        };
        let resolved = ids.resolve(&r.target, kind.as_deref(), &v)?;
        if resolved != v {
            changed.push((r.column.clone(), resolved));
        }
    }
    Ok((!changed.is_empty()).then_some(changed))
}

/// Writes `pairs` into the JSON of column `column` (`before` or `after`) of entry `id`.
fn set_in_json(
    conn: &Connection,
    id: i64,
    column: &str,
    pairs: &[(String, Value)],
) -> CoreResult<()> {
    // The column is one of two constants; the paths and values are parameters.
    let args: Vec<String> = (0..pairs.len())
        .map(|i| format!("?{}, ?{}", 2 + 2 * i, 3 + 2 * i))
        .collect();
    let sql = format!(
        "UPDATE change SET {column} = json_set({column}, {}) WHERE id = ?1",
        args.join(", ")
    );
    let mut values: Vec<rusqlite::types::Value> = vec![rusqlite::types::Value::Integer(id)];
    for (col, v) in pairs {
        values.push(rusqlite::types::Value::Text(format!(
            "$.\"{}\"",
            col.replace('"', "\\\"")
        )));
        values.push(match v {
            Value::String(s) => rusqlite::types::Value::Text(s.clone()),
            Value::Number(n) => rusqlite::types::Value::Integer(n.as_i64().unwrap_or_default()),
            _ => rusqlite::types::Value::Null,
        });
    }
    conn.prepare_cached(&sql)?
        .execute(rusqlite::params_from_iter(values.iter()))?;
    Ok(())
}

/// The `id` a whole record's JSON holds.
fn record_id(json: &SqlValue) -> Option<i64> {
    let SqlValue::Text(text) = json else {
        return None;
    };
    serde_json::from_str::<Value>(text)
        .ok()?
        .get("id")?
        .as_i64()
}

/// Rewrites every entry of the journal of `conn` (see the module's documentation). Runs
/// inside migration 12's transaction, with journaling off.
pub(crate) fn references_to_identities(conn: &Connection) -> CoreResult<()> {
    let (refs, targets) = references_by_table(conn)?;
    let mut ids = Ids {
        conn,
        then: HashMap::new(),
    };
    let mut below = i64::MAX;
    loop {
        let batch = entries_below(conn, below)?;
        let Some(last) = batch.last() else {
            break;
        };
        below = last.id;
        for e in &batch {
            let table_refs = refs.get(&e.table).map(Vec::as_slice).unwrap_or(&[]);
            rewrite_entry(conn, &mut ids, table_refs, e)?;
            // What the ids stood for before this entry.
            if targets.contains(&e.table) {
                remember_ids(&mut ids, e);
            }
        }
    }
    Ok(())
}

/// Each table's references, and the tables they point into.
type ReferencesByTable = (HashMap<String, Vec<Reference>>, HashSet<String>);

/// The references of each table of records, and the tables they point into.
fn references_by_table(conn: &Connection) -> CoreResult<ReferencesByTable> {
    let mut refs: HashMap<String, Vec<Reference>> = HashMap::new();
    for t in &journal::record_tables(conn)? {
        let r = journal::references(conn, t)?;
        if !r.is_empty() {
            refs.insert(t.clone(), r);
        }
    }
    let targets: HashSet<String> = refs
        .values()
        .flatten()
        .flat_map(|r| r.target.tables())
        .map(str::to_string)
        .collect();
    Ok((refs, targets))
}

/// The [`BATCH`] journal entries before entry `below`, newest first.
fn entries_below(conn: &Connection, below: i64) -> CoreResult<Vec<Entry>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, tbl, record, op, field, before, after FROM change
             WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
        )?
        .query_map(params![below, BATCH], |r| {
            Ok(Entry {
                id: r.get(0)?,
                table: r.get(1)?,
                record: r.get(2)?,
                op: r.get(3)?,
                field: r.get(4)?,
                before: r.get(5)?,
                after: r.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?)
}

/// Rewrites the references entry `e` holds as the identities their ids stood for then: in a
/// whole record (an insert's, a delete's), or a reference's edit.
fn rewrite_entry(
    conn: &Connection,
    ids: &mut Ids<'_>,
    table_refs: &[Reference],
    e: &Entry,
) -> CoreResult<()> {
    let (mut before, mut after) = (None, None);
    match e.op {
        INSERT => {
            if let Some(pairs) = rewrite_record(ids, table_refs, &e.after)? {
                set_in_json(conn, e.id, "after", &pairs)?;
            }
        }
        DELETE => {
            if let Some(pairs) = rewrite_record(ids, table_refs, &e.before)? {
                set_in_json(conn, e.id, "before", &pairs)?;
            }
        }
        UPDATE => {
            let reference = table_refs
                .iter()
                .find(|r| Some(&r.column) == e.field.as_ref());
            if let Some(r) = reference {
                // A polymorphic reference changed alone: its kind is the record's.
                let kind = match &r.target {
                    Target::ByKind { kind, tables } => {
                        current_kind(conn, &e.table, kind, &e.record, tables)?
                    }
                    Target::Table(_) => None,
                };
                for (value, out) in [(&e.before, &mut before), (&e.after, &mut after)] {
                    if let SqlValue::Integer(n) = value {
                        let v = ids.resolve(&r.target, kind.as_deref(), &Value::from(*n))?;
                        if let Value::String(uid) = v {
                            *out = Some(uid);
                        }
                    }
                }
            }
        }
        _ => {}
    }
    if before.is_some() || after.is_some() {
        conn.prepare_cached(
            "UPDATE change SET before = coalesce(?2, before), after = coalesce(?3, after)
             WHERE id = ?1",
        )?
        .execute(params![e.id, before, after])?;
    }
    Ok(())
}

/// Going back in time past entry `e` of a table others refer to: before its insert, its id
/// stood for nothing; before its delete, for the record deleted.
fn remember_ids(ids: &mut Ids<'_>, e: &Entry) {
    match e.op {
        INSERT => {
            if let Some(id) = record_id(&e.after) {
                ids.then.insert((e.table.clone(), id), None);
            }
        }
        DELETE => {
            if let Some(id) = record_id(&e.before) {
                ids.then
                    .insert((e.table.clone(), id), Some(e.record.clone()));
            }
        }
        _ => {}
    }
}

/// The kind of the record `uid` of `table` now (`kind` column), if it is still there and a
/// known code.
fn current_kind(
    conn: &Connection,
    table: &str,
    kind: &str,
    uid: &str,
    tables: &[(&str, &str)],
) -> CoreResult<Option<String>> {
    let q = crate::db::tables::quote;
    let found: Option<String> = conn
        .query_row(
            &format!("SELECT {} FROM {} WHERE uid = ?1", q(kind), q(table)),
            [uid],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.filter(|k| tables.iter().any(|(code, _)| code == k)))
}

#[cfg(test)]
mod tests {
    use crate::db::store::Store;
    use crate::history::model::UndoOutcome;
    use rusqlite::Connection;

    /// The demo of schema 11, written by that version's own code (its journal holds
    /// integer references), where a link X–Y was made then deleted, X (the newest actor)
    /// deleted with the link its deletion cascaded to, and a new actor Z given X's id, all
    /// through the file's own triggers of then: once migrated, every entry names X by its
    /// identity (never Z), and undoing the link's deletion is refused, naming X.
    #[test]
    fn an_older_journal_names_what_its_ids_stood_for_then() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("v11.catalyse");
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/schema-v11.catalyse");
        std::fs::copy(&fixture, &path).unwrap();
        let uid =
            |c: &Connection, sql: &str| -> String { c.query_row(sql, [], |r| r.get(0)).unwrap() };
        let (x_uid, y_uid, z_uid, link_uid, x_id) = {
            let mut c = Connection::open(&path).unwrap();
            let journal = crate::db::store::register_functions(&c).unwrap();
            crate::db::journal::install_hooks(&mut c, &journal).unwrap();
            c.pragma_update(None, "foreign_keys", true).unwrap();
            let v: i64 = c
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(v, 11);
            let insert = "INSERT INTO actor (name, world, engagement, created_at, updated_at)
                          VALUES (?1, 'business', 'informed', '2026-01-01', '2026-01-01')";
            c.execute(insert, ["Xylophone des Vallées"]).unwrap();
            let x_id = c.last_insert_rowid();
            let x_uid = uid(&c, "SELECT uid FROM actor ORDER BY id DESC LIMIT 1");
            let y_uid = uid(&c, "SELECT uid FROM actor ORDER BY id LIMIT 1");
            c.execute(
                "INSERT INTO link (actor_a, actor_b, nature, strength, created_at, updated_at)
                 VALUES (?1, (SELECT id FROM actor ORDER BY id LIMIT 1), 'partnership', 2,
                         '2026-01-01', '2026-01-01')",
                [x_id],
            )
            .unwrap();
            let link_uid = uid(&c, "SELECT uid FROM link ORDER BY id DESC LIMIT 1");
            c.execute("DELETE FROM link WHERE uid = ?1", [&link_uid])
                .unwrap();
            // A second link, taken with X by its deletion's cascade.
            c.execute(
                "INSERT INTO link (actor_a, actor_b, nature, strength, created_at, updated_at)
                 VALUES ((SELECT id FROM actor ORDER BY id LIMIT 1), ?1, 'dialogue', 1,
                         '2026-01-01', '2026-01-01')",
                [x_id],
            )
            .unwrap();
            c.execute("DELETE FROM actor WHERE id = ?1", [x_id])
                .unwrap();
            c.execute(insert, ["Zèbre et Compagnie"]).unwrap();
            assert_eq!(c.last_insert_rowid(), x_id, "the freed id given again");
            let z_uid = uid(&c, "SELECT uid FROM actor ORDER BY id DESC LIMIT 1");
            (x_uid, y_uid, z_uid, link_uid, x_id)
        };
        let mut s = Store::open_with(&path, &dir.path().join("sauvegardes")).unwrap();
        assert_eq!(
            s.conn
                .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
                .unwrap(),
            crate::SCHEMA_VERSION
        );
        // Every link entry names X and Y by identity; none names Z.
        let entries: Vec<String> = s
            .conn
            .prepare(
                "SELECT coalesce(before, after) FROM change WHERE tbl = 'link' AND op IN (1, 3)",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mine: Vec<&String> = entries.iter().filter(|e| e.contains(&x_uid)).collect();
        assert_eq!(
            mine.len(),
            4,
            "two links, each created then deleted: {entries:?}"
        );
        assert!(mine.iter().all(|e| e.contains(&y_uid)));
        assert!(entries.iter().all(|e| !e.contains(&z_uid)), "{entries:?}");
        assert!(
            entries
                .iter()
                .all(|e| !e.contains(&format!("\"actor_a\":{x_id},"))),
            "no integer reference left"
        );
        // The demo's own references are identities too.
        let integers: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM change WHERE tbl = 'link' AND op = 1
                 AND json_type(after, '$.actor_a') = 'integer'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(integers, 0);
        let set: i64 = s
            .conn
            .query_row(
                "SELECT set_id FROM change WHERE record = ?1 AND op = 3",
                [&link_uid],
                |r| r.get(0),
            )
            .unwrap();
        let e = s.undo_change_set(set).unwrap_err();
        assert_eq!(e.kind(), "gone_since", "{e}");
        assert!(e.to_string().contains("Xylophone des Vallées"), "{e}");
        // X's deletion undone, then the link's: X–Y again, Z untouched.
        let x_set: i64 = s
            .conn
            .query_row(
                "SELECT set_id FROM change WHERE record = ?1 AND op = 3",
                [&x_uid],
                |r| r.get(0),
            )
            .unwrap();
        assert!(matches!(
            s.undo_change_set(x_set).unwrap(),
            UndoOutcome::Done { .. }
        ));
        assert!(matches!(
            s.undo_change_set(set).unwrap(),
            UndoOutcome::Done { .. }
        ));
        let ends: (String, String) = s
            .conn
            .query_row(
                "SELECT (SELECT uid FROM actor WHERE id = l.actor_a), (SELECT uid FROM actor WHERE id = l.actor_b)
                 FROM link AS l WHERE l.uid = ?1",
                [&link_uid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(ends, (x_uid, y_uid));
    }
}
