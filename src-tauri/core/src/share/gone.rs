//! After a change set's deletions: what the deleting device did not know goes to the inbox.

use crate::db::journal::{DELETE, SET_ID};
use crate::db::tables::quote;
use crate::share::heads::*;
use crate::share::merge::Merge;
use crate::share::rows::{canonical, exists};
use crate::shared::error::CoreResult;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

impl Merge<'_, '_> {
    /// After the set's deletions (and what they cascaded to here): the changes of the deleted
    /// records the deleting device did not know, and the records it did not know of, go to the
    /// inbox.
    pub(crate) fn after_deletions(&mut self) -> CoreResult<()> {
        self.delete_moved_away()?;
        let gone: Vec<(String, String, String)> = self
            .conn
            .prepare(&format!(
                "SELECT tbl, record, before FROM change WHERE set_id = {SET_ID} AND op = {DELETE} ORDER BY id"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, Option<String>>(2)?.unwrap_or_default())))?
            .collect::<Result<_, _>>()?;
        let by = self.w.clone();
        for (table, uid, before) in gone {
            let before: Map<String, Value> = serde_json::from_str(&before).unwrap_or_default();
            // A record created (or re-created) without the deleting device knowing: whole,
            // under the identity it was created with (two records found to be one each have
            // their creation).
            let (created, _) = version_of(self.conn, &table, &uid, "")?;
            let born = creations(self.conn, &table, &uid)?;
            let mut whole: Vec<Version> = Vec::new();
            for (one, version, author, row) in born.iter().cloned() {
                if !self.origin.knows(&version) {
                    whole.push(version.clone());
                    let row = created_with(self.conn, &table, &one, &version, row)?;
                    let head = Head {
                        version,
                        author,
                        value: Value::Object(as_created_from(&row, &one)),
                    };
                    add_conflict(self.conn, &table, &one, "", "deleted", &head, Some(&by))?;
                }
            }
            if !self.origin.knows(&created) && born.is_empty() {
                whole.push(created.clone());
                let head = Head {
                    version: created.clone(),
                    author: String::new(),
                    value: Value::Object(as_created(self.conn, &table, &uid, &before)?),
                };
                add_conflict(self.conn, &table, &uid, "", "deleted", &head, Some(&by))?;
            }
            // The values a record was created with are in its whole entry.
            self.lost_to_deletion(&table, &uid, &before, &by, &whole)?;
            self.conn.execute(
                "DELETE FROM share_version WHERE tbl = ?1 AND record = ?2",
                [&table, &uid],
            )?;
        }
        Ok(())
    }

    /// The versions of a deleted record's fields its deleting device did not know: to the
    /// inbox; the concurrent values it superseded leave it.
    pub(crate) fn lost_to_deletion(
        &mut self,
        table: &str,
        uid: &str,
        before: &Map<String, Value>,
        by: &Version,
        whole: &[Version],
    ) -> CoreResult<()> {
        // What the inbox held of it that the deleting device knew is superseded (a value lost
        // to the deletion of what it pointed at, known before this deletion).
        forget_conflicts(self.conn, table, uid, None, self.origin)?;
        // A value the record was created with is in its whole entry (a reference inserted
        // NULL because it pointed at a record deleted meanwhile included: `created_with`).
        for v in whole {
            self.conn
                .prepare_cached(
                    "DELETE FROM share_conflict WHERE tbl = ?1 AND record = ?2 AND field <> ''
                       AND kind = 'deleted' AND at = ?3 AND device = ?4",
                )?
                .execute(rusqlite::params![table, uid, v.at, v.device])?;
        }
        let fields: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT field FROM change WHERE record = ?2 AND tbl = ?1 AND op = 2
                 UNION SELECT field FROM share_version WHERE tbl = ?1 AND record = ?2 AND field NOT LIKE '-%' AND field NOT LIKE '!%'
                 UNION SELECT field FROM share_conflict WHERE tbl = ?1 AND record = ?2 AND field <> ''",
            )?
            .query_map([table, uid], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for field in fields {
            let mut heads = open_heads(self.conn, table, uid, &field)?;
            let (version, author) = version_of(self.conn, table, uid, &field)?;
            // The value that version wrote, when the inbox holds it already: a reference
            // that an older deletion set to NULL here since (`Merge::lose_references_to`).
            let value = match held_value(self.conn, table, uid, &field, &version)? {
                Some(held) => held,
                None => before.get(&field).cloned().unwrap_or(Value::Null),
            };
            heads.push(Head {
                version,
                author,
                value,
            });
            for h in heads {
                delete_conflict(self.conn, table, uid, &field, &h.version)?;
                // A value the record was created with is in the whole record's entry.
                if !self.origin.knows(&h.version) && !whole.contains(&h.version) {
                    add_conflict(self.conn, table, uid, &field, "deleted", &h, Some(by))?;
                }
            }
        }
        Ok(())
    }
}

/// The value the inbox holds for version `v` of `table.field` of record `uid`, if any.
fn held_value(
    conn: &rusqlite::Connection,
    table: &str,
    uid: &str,
    field: &str,
    v: &Version,
) -> CoreResult<Option<Value>> {
    use rusqlite::OptionalExtension;
    let held: Option<Option<String>> = conn
        .prepare_cached(
            "SELECT value FROM share_conflict
             WHERE tbl = ?1 AND record = ?2 AND field = ?3 AND at = ?4 AND device = ?5",
        )?
        .query_row(rusqlite::params![table, uid, field, v.at, v.device], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(held.map(|v| {
        v.and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or(Value::Null)
    }))
}

/// A record as its device created it: its creation's entry here, with the references this
/// laptop inserted NULL because they pointed at records deleted meanwhile (their values are in
/// the inbox by field, under the creation's version: `Merge::inserted`).
fn created_with(
    conn: &rusqlite::Connection,
    table: &str,
    uid: &str,
    version: &Version,
    mut row: Map<String, Value>,
) -> CoreResult<Map<String, Value>> {
    let lost: Vec<(String, Option<String>)> = conn
        .prepare_cached(
            "SELECT field, value FROM share_conflict WHERE tbl = ?1 AND record = ?2
               AND kind = 'deleted' AND field <> '' AND at = ?3 AND device = ?4",
        )?
        .query_map(
            rusqlite::params![table, uid, version.at, version.device],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .collect::<Result<_, _>>()?;
    for (field, value) in lost {
        let value = value.and_then(|v| serde_json::from_str(&v).ok());
        if let (Some(value), Some(Value::Null)) = (value, row.get(&field)) {
            row.insert(field, value);
        }
    }
    Ok(row)
}

/// References changed meanwhile: the identity they pointed at → (table, record, column).
type Moves = HashMap<String, Vec<(String, String, String)>>;

impl Merge<'_, '_> {
    /// Records created under a record this set deletes, without its device knowing them, and
    /// moved elsewhere since (also without its device knowing): deleted here too, in this set,
    /// as they would have been had the deletion arrived before them (a creation under a parent
    /// deleted meanwhile goes to the inbox whole, and its later changes with it), so that
    /// every laptop ends alike whatever the order of arrival. Only the change sets the
    /// deleting device did not know are read (the ones made meanwhile).
    fn delete_moved_away(&mut self) -> CoreResult<()> {
        let mut done: HashSet<(String, String)> = HashSet::new();
        // Read once: the deletions below write no change of a reference.
        let mut moved: Option<Moves> = None;
        loop {
            let gone: Vec<(String, String)> = self
                .conn
                .prepare(&format!(
                    "SELECT tbl, record FROM change WHERE set_id = {SET_ID} AND op = {DELETE} ORDER BY id"
                ))?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .chain(self.gone_before.iter().cloned())
                .filter(|g| !done.contains(g))
                .collect();
            if gone.is_empty() {
                return Ok(());
            }
            if moved.is_none() {
                moved = Some(self.moved_meanwhile()?);
            }
            let moved = moved.as_ref().expect("read above");
            let mut deleted = false;
            for (table, uid) in gone {
                for (child_table, child, field) in moved.get(&uid).into_iter().flatten() {
                    if self.created_under(child_table, child, field, &table, &uid)? {
                        let child = canonical(self.conn, child_table, child)?;
                        deleted |= self.conn.execute(
                            &format!("DELETE FROM {} WHERE uid = ?1", quote(child_table)),
                            [&child],
                        )? > 0;
                    }
                }
                done.insert((table, uid));
            }
            if !deleted {
                return Ok(());
            }
        }
    }

    /// The references changed by the change sets the incoming set's device did not know:
    /// the identity they pointed at before → (table, record, column).
    fn moved_meanwhile(&self) -> CoreResult<Moves> {
        // From the oldest change set the device had received of any device; from the start
        // when it knew nothing of one of the devices known here.
        let mut devices: Vec<String> = self
            .conn
            .prepare_cached("SELECT device FROM share_device")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        devices.push(self.journal.device_id());
        let unheard = devices
            .iter()
            .any(|d| d != self.origin.device && !self.origin.seen.contains_key(d));
        let since = match unheard {
            true => 0,
            false => self.origin.seen.values().copied().min().unwrap_or(0),
        };
        let sets: Vec<(i64, i64, String)> = self
            .conn
            .prepare_cached("SELECT id, at, device FROM change_set WHERE at > ?1")?
            .query_map([since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut out: Moves = HashMap::new();
        let mut changes = self.conn.prepare_cached(
            "SELECT tbl, record, field, before FROM change WHERE set_id = ?1 AND op = 2 AND typeof(before) = 'text'",
        )?;
        for (id, at, device) in sets {
            if self.origin.knows(&Version { at, device }) {
                continue;
            }
            let rows = changes.query_map([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?;
            for row in rows {
                let (table, record, field, before) = row?;
                out.entry(before).or_default().push((table, record, field));
            }
        }
        Ok(out)
    }

    /// After the record `uid` of `table` is put back: the references to it that its deletion
    /// set to NULL here, made without the device putting it back knowing them (in the inbox,
    /// lost to that deletion), compete again, as they do where they arrive after it is back.
    /// The NULL the deletion wrote does not compete (`cascade_null`).
    pub(crate) fn revive_references(&mut self, table: &str, uid: &str) -> CoreResult<()> {
        if self.lost_targets.is_none() {
            // Read once per change set (an import's may put back nothing among 100,000).
            let targets = self
                .conn
                .prepare("SELECT DISTINCT value FROM share_conflict WHERE kind = 'deleted' AND field <> ''")?
                .query_map([], |r| r.get::<_, Option<String>>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            self.lost_targets = Some(targets.into_iter().flatten().collect());
        }
        let key = Value::from(uid).to_string();
        if !self.lost_targets.as_ref().is_some_and(|t| t.contains(&key)) {
            return Ok(());
        }
        let referring = self.tables.nullified_by(self.conn, table)?.to_vec();
        for (child, column) in referring {
            let lost = pointing_at(self.conn, &child, &column, "deleted", uid)?;
            for (record, head) in lost {
                if self.origin.knows(&head.version) || !exists(self.conn, &child, &record)? {
                    continue;
                }
                let current = self.current_head(&child, &record, &column)?;
                let cascade = self.cascade_null(&child, &record, &column, &current)?;
                delete_conflict(self.conn, &child, &record, &column, &head.version)?;
                // The same version: what it wrote, a cascade set to NULL since.
                if cascade || head.version >= current.version {
                    self.write_field(&child, &record, &column, &head)?;
                    if !cascade && head.version != current.version && !current.value.is_null() {
                        add_concurrent(self.conn, &child, &record, &column, &current, &head)?;
                    }
                } else {
                    add_concurrent(self.conn, &child, &record, &column, &head, &current)?;
                }
            }
        }
        Ok(())
    }

    /// Whether `child_table`'s record `child` still stands here and was created, without the
    /// incoming set's device knowing it, with its reference `field` on `table`'s `uid`.
    fn created_under(
        &mut self,
        child_table: &str,
        child: &str,
        field: &str,
        table: &str,
        uid: &str,
    ) -> CoreResult<bool> {
        if self.tables.nullified(self.conn, child_table, field)? {
            // Not a parent (a link's introducer, an action's lead…): the record stands
            // without it, as where the deletion came first (`Merge::local_row`).
            return Ok(false);
        }
        let child = canonical(self.conn, child_table, child)?;
        if !exists(self.conn, child_table, &child)? {
            return Ok(false);
        }
        for (_, version, _, row) in creations(self.conn, child_table, &child)? {
            if self.origin.knows(&version) || row.get(field).and_then(Value::as_str) != Some(uid) {
                continue;
            }
            let kind = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_string);
            if self
                .tables
                .target(self.conn, child_table, field, kind)?
                .as_deref()
                == Some(table)
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
}
