//! The merge every laptop agrees on: another laptop's change set applied here.
//!
//! Each field is a register whose versions are the change sets that wrote it, ordered by
//! their hybrid logical clock, the device breaking ties. A change set comes with what its
//! device had received when it was made (its file's `seen`: the newest change set of each
//! device). A version of a field that the incoming change set's device knew is superseded by
//! it; one it did not know is **concurrent**: the greater version stands (written here), the
//! others go to the inbox (`share_conflict`, kind `concurrent`) unless they hold the same
//! value. Files are applied in causal order (a file waits for those its device had
//! received), so a version that arrives was never superseded by one already here: the inbox
//! is a function of the set of change sets received, the same on every laptop whatever the
//! order of arrival.
//!
//! A deletion wins over the changes it did not know: they go to the inbox (kind `deleted`),
//! so do records created under a parent deleted meanwhile (whole, `field` empty), whether
//! the deletion arrives first or last.

use crate::db::journal::{Journal, DELETE, INSERT, ROWS, UPDATE};
use crate::db::tables::quote;
use crate::share::format::{Change, ChangeSet};
use crate::share::heads::*;
use crate::share::rows::{
    canonical, exists, held_elsewhere, insert_sql, local_value, record, Missing, Tables,
    LOCAL_COLUMNS,
};
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection};
use serde_json::{Map, Value};

/// Applies `set`, from `origin`, in the caller's transaction; the changes it makes here are
/// journaled as `set`'s (its clock, device, author and label).
/// Runs `sql` through the connection's statement cache: a merge runs the same few statements
/// for every change of a file (an insert's compiles the table's triggers: preparing it again
/// for each row took half of an exchange's time).
fn run(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

pub fn apply_set(
    conn: &Connection,
    journal: &Journal,
    tables: &mut Tables,
    origin: &Origin<'_>,
    set: &ChangeSet,
) -> CoreResult<()> {
    journal.adopt(set.at, origin.device, &set.author, &set.label);
    let w = Version {
        at: set.at,
        device: origin.device.to_string(),
    };
    let mut m = Merge {
        conn,
        journal,
        tables,
        origin,
        w,
        author: &set.author,
        gone_before: Vec::new(),
        erased_people: erased_people(conn, set)?,
        copies: Vec::new(),
        lost_targets: None,
    };
    for c in &set.changes {
        if !crate::db::records::kind(&c.table).is_some_and(|k| k.syncs) {
            continue;
        }
        match c.op {
            INSERT => m.insert(c)?,
            UPDATE => m.update(c)?,
            DELETE => m.delete(c)?,
            ROWS => {
                // An import's batch: each of its records created as an insert would be.
                for row in c.after.as_array().into_iter().flatten() {
                    let Value::Object(mut row) = row.clone() else {
                        continue;
                    };
                    let Some(Value::String(uid)) = row.remove("uid") else {
                        continue;
                    };
                    let one = Change {
                        table: c.table.clone(),
                        record: uid,
                        op: INSERT,
                        field: None,
                        before: Value::Null,
                        after: Value::Object(row),
                    };
                    m.insert(&one)?;
                }
            }
            _ => {}
        }
    }
    let copies = std::mem::take(&mut m.copies);
    m.after_deletions()?;
    rewrite_copies(conn, journal, &copies)
}

/// The copies of people erased here that a set created (identity, as the erasure rewrites
/// them), rewritten in a change set of this laptop labelled as an erasure, which travels:
/// every laptop then holds the copy as rewritten by every laptop that rewrote it, whatever
/// each knew of the person (the values an erasure replaces are those its laptop knew). The
/// set's creation of the copy keeps only its identity, in this same transaction.
fn rewrite_copies(
    conn: &Connection,
    journal: &Journal,
    copies: &[(String, Map<String, Value>)],
) -> CoreResult<()> {
    if copies.is_empty() {
        return Ok(());
    }
    journal.start_own(&crate::db::journal::ChangeLabel::new(
        "rgpd.erase",
        &[("kind", "contact".to_string())],
    ));
    let uids: Vec<String> = copies.iter().map(|(uid, _)| uid.clone()).collect();
    for (uid, copy) in copies {
        for field in ["name", "email", "phone"] {
            if let Some(Value::String(v)) = copy.get(field) {
                run(
                    conn,
                    &format!("UPDATE contact SET {} = ?1 WHERE uid = ?2", quote(field)),
                    params![v, uid],
                )?;
            }
        }
    }
    crate::safety::rgpd::scrub::keep_only_identity(conn, &uids)?;
    crate::safety::rgpd::scrub::forget_in_inbox(conn, &uids)?;
    Ok(())
}

/// The columns and values of a record to insert here, and its references to records deleted
/// here that such a deletion sets to NULL (column, value, the record): inserted NULL.
type LocalRow = (Vec<String>, Vec<SqlValue>, Vec<(String, Value, Missing)>);

pub(crate) struct Merge<'a, 'b> {
    pub(crate) conn: &'a Connection,
    pub(crate) journal: &'a Journal,
    pub(crate) tables: &'a mut Tables,
    pub(crate) origin: &'a Origin<'b>,
    /// The incoming change set's version.
    pub(crate) w: Version,
    pub(crate) author: &'a str,
    /// Records this set deletes that were gone here already (table, identity): what was
    /// created under them meanwhile and moved since is deleted too (`gone`).
    pub(crate) gone_before: Vec<(String, String)>,
    /// The contacts this set deletes that are erased here (RGPD), as its device had them: a
    /// contact it creates that names one of them is a copy of that person made without
    /// knowing the erasure (the merge of two actors creates her contact again).
    pub(crate) erased_people: Vec<Map<String, Value>>,
    /// The copies of those people this set created here, as the erasure rewrites them
    /// (identity, record): rewritten once the set is applied (`rewrite_copies`).
    pub(crate) copies: Vec<(String, Map<String, Value>)>,
    /// The values (JSON) the inbox holds as lost to a deletion, read once for the set
    /// (`revive_references`).
    pub(crate) lost_targets: Option<std::collections::HashSet<String>>,
}

/// The contacts `set` deletes that were erased here (RGPD), as the set's device had them.
fn erased_people(conn: &Connection, set: &ChangeSet) -> CoreResult<Vec<Map<String, Value>>> {
    let mut out = Vec::new();
    for c in set
        .changes
        .iter()
        .filter(|c| c.table == "contact" && c.op == DELETE)
    {
        let Value::Object(before) = &c.before else {
            continue;
        };
        if !before.contains_key("rgpd") && erased(conn, "contact", &c.record)? {
            out.push(before.clone());
        }
    }
    Ok(out)
}

impl Merge<'_, '_> {
    /// The identity a creation is written under here, or `None` when the record is here
    /// already.
    fn identity_for(&mut self, c: &Change) -> CoreResult<Option<String>> {
        let uid = canonical(self.conn, &c.table, &c.record)?;
        if exists(self.conn, &c.table, &uid)? {
            match &c.after {
                // Put back on two laptops at once (each undid its deletion): the values of
                // the one that comes second compete with those here, as a field's changes do.
                Value::Object(row) if uid == c.record && !row.contains_key("rgpd") => {
                    self.merge_fields(&c.table, &uid, row)?;
                }
                _ => {}
            }
            return Ok(None);
        }
        if uid != c.record {
            // Put back (an undo) after the record it had become one with here was deleted:
            // itself again, as on a laptop that never held the other.
            run(
                self.conn,
                "DELETE FROM share_alias WHERE tbl = ?1 AND uid = ?2",
                params![c.table, c.record],
            )?;
        }
        Ok(Some(c.record.clone()))
    }

    pub(crate) fn insert(&mut self, c: &Change) -> CoreResult<()> {
        let Some(uid) = self.identity_for(c)? else {
            return Ok(());
        };
        let Value::Object(row) = &c.after else {
            return Ok(());
        };
        // A copy of a person erased here: written as the erasure rewrites her, never kept
        // whole in the inbox (nor is it where the erasure came after: `safety::rgpd::scrub`).
        let copy = self.erased_copy(&c.table, row);
        if let Some(other) = held_elsewhere(self.conn, &c.table, &uid)? {
            return Err(CoreError::Unreadable {
                what: "Un fichier de modifications",
                detail: format!(
                    "un enregistrement de « {} » porte l'identité d'un enregistrement de « {other} »",
                    c.table
                ),
            });
        }
        if row.contains_key("rgpd") {
            // The creation of a record erased since (RGPD) on its laptop before it was sent:
            // only its identity is left, and its deletion follows.
            return Ok(());
        }
        // Re-created, or created under a parent, without knowing a deletion of it made
        // meanwhile (even if the parent is back since): the deletion stands.
        if let Some(by) = self.unknown_deletion(&c.table, &uid, row)? {
            if copy.is_some() {
                return Ok(());
            }
            // Held whole, it still supersedes what the inbox holds of the record that its
            // device knew, as when it is written (`inserted`).
            forget_conflicts(self.conn, &c.table, &uid, None, self.origin)?;
            let head = self.incoming(Value::Object(as_created_from(row, &uid)));
            return add_conflict(self.conn, &c.table, &uid, "", "deleted", &head, Some(&by));
        }
        let (names, values, lost) = match self.local_row(&c.table, &uid, row)? {
            Ok(r) => r,
            Err(_) if copy.is_some() => return Ok(()),
            Err(missing) => {
                let by = deletion_of(self.conn, &missing.table, &missing.uid)?;
                let head = self.incoming(Value::Object(as_created_from(row, &uid)));
                return add_conflict(self.conn, &c.table, &uid, "", "deleted", &head, by.as_ref());
            }
        };
        let sql = insert_sql(&c.table, &names);
        match run(self.conn, &sql, rusqlite::params_from_iter(values.iter())) {
            Ok(_) => {
                if let Some(copy) = copy {
                    self.copies.push((uid.clone(), copy));
                }
                self.inserted(&c.table, &uid, lost)
            }
            Err(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ffi::ErrorCode::ConstraintViolation =>
            {
                let Some(existing) = find_duplicate(self.conn, &c.table, &names, &values)? else {
                    return Err(CoreError::Unreadable {
                        what: "Un fichier de modifications",
                        detail: format!(
                            "un enregistrement de « {} » n'a pas pu être ajouté",
                            c.table
                        ),
                    });
                };
                self.merge_duplicate(&c.table, &existing, &uid, copy.as_ref().unwrap_or(row))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// `row`, a contact this set creates, as an erasure rewrites it when it names a person
    /// whose contact the set deletes and who is erased here (see `erased_people`).
    fn erased_copy(&self, table: &str, row: &Map<String, Value>) -> Option<Map<String, Value>> {
        if table != "contact" {
            return None;
        }
        self.erased_people
            .iter()
            .find_map(|p| crate::safety::rgpd::as_erased_copy(p, row))
    }

    /// After the record `uid` is inserted: the inbox entries its device knew leave, the
    /// changes a deletion of it did not know compete again, and its references to records
    /// deleted meanwhile, which that deletion would have set to NULL had it come after (`lost`,
    /// inserted NULL), go to the inbox, as there.
    fn inserted(
        &mut self,
        table: &str,
        uid: &str,
        lost: Vec<(String, Value, Missing)>,
    ) -> CoreResult<()> {
        forget_conflicts(self.conn, table, uid, None, self.origin)?;
        self.revive(table, uid)?;
        self.revive_references(table, uid)?;
        for (column, value, missing) in lost {
            let by = deletion_of(self.conn, &missing.table, &missing.uid)?;
            let head = self.incoming(value);
            add_conflict(
                self.conn,
                table,
                uid,
                &column,
                "deleted",
                &head,
                by.as_ref(),
            )?;
        }
        Ok(())
    }

    /// The references of `table` to its parents: all but those a deletion sets to NULL (a
    /// link's introducer), without which the record stands (see `local_row`).
    pub(crate) fn parent_columns(&mut self, table: &str) -> CoreResult<Vec<String>> {
        let refs: Vec<String> = self
            .tables
            .refs(self.conn, table)?
            .iter()
            .map(|r| r.column.clone())
            .collect();
        let mut parents = Vec::new();
        for r in refs {
            if !self.tables.nullified(self.conn, table, &r)? {
                parents.push(r);
            }
        }
        Ok(parents)
    }

    /// A deletion here of the record `uid` or of a record it refers to that the incoming
    /// change set's device did not know.
    pub(crate) fn unknown_deletion(
        &mut self,
        table: &str,
        uid: &str,
        row: &Map<String, Value>,
    ) -> CoreResult<Option<Version>> {
        let mut records = vec![(table.to_string(), uid.to_string())];
        for column in self.parent_columns(table)? {
            let Some(Value::String(parent)) = row.get(&column) else {
                continue;
            };
            let kind = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_string);
            if let Some(t) = self.tables.target(self.conn, table, &column, kind)? {
                let parent = canonical(self.conn, &t, parent)?;
                records.push((t, parent));
            }
        }
        for (t, r) in records {
            if let Some(by) = deletions(self.conn, &t, &r)?
                .into_iter()
                .find(|d| !self.origin.knows(d))
            {
                return Ok(Some(by));
            }
        }
        Ok(None)
    }

    /// The columns and values of a record to insert here (its references resolved), or the
    /// record it refers to that is not here.
    pub(crate) fn local_row(
        &mut self,
        table: &str,
        uid: &str,
        row: &Map<String, Value>,
    ) -> CoreResult<Result<LocalRow, Missing>> {
        let cols = self.tables.columns(self.conn, table)?.to_vec();
        let mut names = Vec::new();
        let mut values = Vec::new();
        let mut lost = Vec::new();
        for (name, _) in &cols {
            let value = match name.as_str() {
                "id" => continue,
                "uid" => SqlValue::Text(uid.to_string()),
                "updated_at" => SqlValue::Text(iso(self.w.at)),
                "is_user" => SqlValue::Integer(0),
                _ => {
                    let Some(v) = row.get(name) else { continue };
                    let kind = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_string);
                    match local_value(self.conn, self.tables, table, name, v, kind)? {
                        Ok(v) => v,
                        Err(missing) if self.tables.nullified(self.conn, table, name)? => {
                            lost.push((name.clone(), v.clone(), missing));
                            SqlValue::Null
                        }
                        Err(missing) => return Ok(Err(missing)),
                    }
                }
            };
            names.push(name.clone());
            values.push(value);
        }
        Ok(Ok((names, values, lost)))
    }

    pub(crate) fn update(&mut self, c: &Change) -> CoreResult<()> {
        let Some(field) = c.field.as_deref() else {
            return Ok(());
        };
        let known = self
            .tables
            .columns(self.conn, &c.table)?
            .iter()
            .any(|(n, _)| n == field);
        let scrubbed = c.after.as_str() == Some(crate::history::erased::ERASED_MARK);
        if !known || LOCAL_COLUMNS.contains(&field) || field == "uid" || scrubbed {
            // (A value an erasure removed before it was sent: its record is erased too.)
            return Ok(());
        }
        let uid = canonical(self.conn, &c.table, &c.record)?;
        if !exists(self.conn, &c.table, &uid)? {
            // A change of a record deleted meanwhile: the deletion stands.
            if let Some(by) = deletion_of(self.conn, &c.table, &uid)? {
                // It supersedes the values of the field in the inbox its device knew.
                forget_conflicts(self.conn, &c.table, &uid, Some(field), self.origin)?;
                let head = self.incoming(c.after.clone());
                add_conflict(
                    self.conn,
                    &c.table,
                    &uid,
                    field,
                    "deleted",
                    &head,
                    Some(&by),
                )?;
            }
            return Ok(());
        }
        self.merge_field(&c.table, &uid, field, &c.after)
    }

    pub(crate) fn incoming(&self, value: Value) -> Head {
        Head {
            version: self.w.clone(),
            author: self.author.to_string(),
            value,
        }
    }

    /// The incoming value `value` of `field` against the versions here (see the module's doc).
    pub(crate) fn merge_field(
        &mut self,
        table: &str,
        uid: &str,
        field: &str,
        value: &Value,
    ) -> CoreResult<()> {
        // It supersedes the values of the field its device knew that lost to a deletion of
        // what they pointed at (as where the record itself is gone: `update`).
        forget_conflicts(self.conn, table, uid, Some(field), self.origin)?;
        let mut heads = open_heads(self.conn, table, uid, field)?;
        let current = self.current_head(table, uid, field)?;
        heads.push(current.clone());
        let mut candidates: Vec<Head> = Vec::new();
        for h in heads {
            if self.origin.knows(&h.version) {
                delete_conflict(self.conn, table, uid, field, &h.version)?;
            } else {
                candidates.push(h);
            }
        }
        candidates.push(self.incoming(value.clone()));
        candidates.sort_by(|a, b| b.version.cmp(&a.version));
        let winner = candidates[0].clone();
        if winner.version == self.w {
            let head = self.incoming(value.clone());
            self.write_field(table, uid, field, &head)?;
        }
        for loser in &candidates[1..] {
            if loser.version == winner.version || self.cascade_null(table, uid, field, loser)? {
                // The same change, here already (a record found to be the same, created by
                // the set that wrote this field of it); or the NULL a deletion's cascade wrote
                // here, which laptops that got the change after it never held.
                continue;
            }
            // A value pointing at a record deleted since lost to that deletion, whichever
            // arrived first (`lose_references_to`).
            match self.gone_target(table, uid, field, &loser.value)? {
                Some(by) => {
                    add_conflict(self.conn, table, uid, field, "deleted", loser, Some(&by))?
                }
                None => add_concurrent(self.conn, table, uid, field, loser, &winner)?,
            }
        }
        // The value that stood here, if it lost, is now in the inbox (above); if the incoming
        // one lost, it is there instead.
        let _ = current;
        Ok(())
    }

    /// Whether `head` is the NULL that a deletion wrote here into `field` (a reference it sets
    /// to NULL) when it took the value it did not know to the inbox (`lose_references_to`).
    pub(crate) fn cascade_null(
        &mut self,
        table: &str,
        uid: &str,
        field: &str,
        head: &Head,
    ) -> CoreResult<bool> {
        if !head.value.is_null() || !self.tables.nullified(self.conn, table, field)? {
            return Ok(false);
        }
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM share_conflict WHERE tbl = ?1 AND record = ?2
                   AND field = ?3 AND kind = 'deleted' AND by_at = ?4 AND by_device = ?5)",
            )?
            .query_row(
                params![table, uid, field, head.version.at, head.version.device],
                |r| r.get(0),
            )?)
    }

    /// The deletion of the record `value` points at, when `field` is a reference that such a
    /// deletion sets to NULL and that record is deleted here.
    fn gone_target(
        &mut self,
        table: &str,
        uid: &str,
        field: &str,
        value: &Value,
    ) -> CoreResult<Option<Version>> {
        if !value.is_string() || !self.tables.nullified(self.conn, table, field)? {
            return Ok(None);
        }
        let row = record(self.conn, self.tables, table, uid)?.unwrap_or_default();
        let kind = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_string);
        match local_value(self.conn, self.tables, table, field, value, kind)? {
            Ok(_) => Ok(None),
            Err(missing) => deletion_of(self.conn, &missing.table, &missing.uid),
        }
    }

    /// The value of `field` here, with its version.
    pub(crate) fn current_head(&mut self, table: &str, uid: &str, field: &str) -> CoreResult<Head> {
        let value = record(self.conn, self.tables, table, uid)?
            .and_then(|r| r.get(field).cloned())
            .unwrap_or(Value::Null);
        let (version, author) = version_of(self.conn, table, uid, field)?;
        Ok(Head {
            version,
            author,
            value,
        })
    }

    pub(crate) fn write_field(
        &mut self,
        table: &str,
        uid: &str,
        field: &str,
        head: &Head,
    ) -> CoreResult<()> {
        let value = &head.value;
        let row = record(self.conn, self.tables, table, uid)?.unwrap_or_default();
        let kind = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_string);
        let local = match local_value(self.conn, self.tables, table, field, value, kind)? {
            Ok(v) => v,
            // It points at a record deleted meanwhile: the deletion stands; a reference that
            // deletion sets to NULL is NULL, as if it had come after.
            Err(missing) => {
                let by = deletion_of(self.conn, &missing.table, &missing.uid)?;
                add_conflict(self.conn, table, uid, field, "deleted", head, by.as_ref())?;
                if !self.tables.nullified(self.conn, table, field)? {
                    return Ok(());
                }
                SqlValue::Null
            }
        };
        run(
            self.conn,
            &format!(
                "UPDATE {} SET {} = ?1 WHERE uid = ?2",
                quote(table),
                quote(field)
            ),
            params![local, uid],
        )?;
        record_version(self.conn, table, uid, field, head)
    }

    /// A record (re-)created here had changes the deletion before it did not know: now that
    /// it is back, each competes with the value it was created with, as concurrent changes.
    pub(crate) fn revive(&mut self, table: &str, uid: &str) -> CoreResult<()> {
        let rows: Vec<(String, i64, String, String, Option<String>)> = self
            .conn
            .prepare_cached(
                "SELECT field, at, device, author, value FROM share_conflict
                 WHERE tbl = ?1 AND record = ?2 AND kind = 'deleted' AND field <> ''",
            )?
            .query_map([table, uid], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        for (field, at, device, author, value) in rows {
            let version = Version { at, device };
            delete_conflict(self.conn, table, uid, &field, &version)?;
            let value = value
                .and_then(|v| serde_json::from_str(&v).ok())
                .unwrap_or(Value::Null);
            let head = Head {
                version,
                author,
                value,
            };
            let current = self.current_head(table, uid, &field)?;
            let head_wins = head.version > current.version;
            let (winner, loser) = if head_wins {
                (head, current)
            } else {
                (current, head)
            };
            if head_wins {
                self.write_field(table, uid, &field, &winner)?;
            }
            if winner.version != loser.version {
                add_concurrent(self.conn, table, uid, &field, &loser, &winner)?;
            }
        }
        Ok(())
    }

    pub(crate) fn delete(&mut self, c: &Change) -> CoreResult<()> {
        let uid = canonical(self.conn, &c.table, &c.record)?;
        if uid != c.record {
            // Known here as another record that is the same (`share::duplicates`): what the
            // inbox holds under its own identity and its device knew goes as well.
            forget_conflicts(self.conn, &c.table, &c.record, None, self.origin)?;
        }
        if !exists(self.conn, &c.table, &uid)? {
            // Gone here already, or a deletion's inbox entries dismissed on another laptop; the
            // deletion is remembered (a record put back without knowing it stays deleted).
            run(
                self.conn,
                "INSERT OR REPLACE INTO share_version (tbl, record, field, at, device, author)
                 VALUES (?1, ?2, '-', ?3, ?4, ?5)",
                params![c.table, uid, self.w.at, self.w.device, self.author],
            )?;
            if c.before.get("rgpd").is_some() {
                // An erasure: remembered, and what the inbox holds of the record goes.
                run(
                    self.conn,
                    "INSERT OR REPLACE INTO share_version (tbl, record, field, at, device, author)
                     VALUES (?1, ?2, ?3, ?4, ?5, '')",
                    params![c.table, uid, ERASED_GONE, self.w.at, self.w.device],
                )?;
                // A contact held whole stays until the erasure of the person reads her forms
                // from it (`Store::erase_identity`, which then removes it with the rest).
                run(
                    self.conn,
                    "DELETE FROM share_conflict WHERE tbl = ?1 AND record = ?2
                       AND NOT (tbl = 'contact' AND field = '')",
                    params![c.table, uid],
                )?;
                self.gone_before.push((c.table.clone(), uid.clone()));
                return Ok(());
            }
            self.gone_before.push((c.table.clone(), uid.clone()));
            return forget_conflicts(self.conn, &c.table, &uid, None, self.origin);
        }
        if self.survives(&c.table, &c.record, &uid)? {
            return Ok(());
        }
        self.lose_references_to(&c.table, &uid)?;
        run(
            self.conn,
            &format!("DELETE FROM {} WHERE uid = ?1", quote(&c.table)),
            [&uid],
        )?;
        Ok(())
    }

    /// Before record `uid` of `table` is deleted: the references to it that the deletion sets
    /// to NULL, made without the deleting device knowing them, go to the inbox (as they do
    /// when they arrive after the deletion: `write_field`, `insert`).
    fn lose_references_to(&mut self, table: &str, uid: &str) -> CoreResult<()> {
        let referring = self.tables.nullified_by(self.conn, table)?.to_vec();
        for (child, column) in referring {
            let children: Vec<String> = self
                .conn
                .prepare_cached(&format!(
                    "SELECT uid FROM {} WHERE {} = (SELECT id FROM {} WHERE uid = ?1)",
                    quote(&child),
                    quote(&column),
                    quote(table)
                ))?
                .query_map([uid], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let by = self.w.clone();
            for one in children {
                let head = self.current_head(&child, &one, &column)?;
                if !self.origin.knows(&head.version) {
                    add_conflict(
                        self.conn,
                        &child,
                        &one,
                        &column,
                        "deleted",
                        &head,
                        Some(&by),
                    )?;
                }
            }
            // The values that lost to others and pointed at it lose to the deletion now.
            let pointing = pointing_at(self.conn, &child, &column, "concurrent", uid)?;
            for (one, head) in pointing {
                if !self.origin.knows(&head.version) {
                    add_conflict(
                        self.conn,
                        &child,
                        &one,
                        &column,
                        "deleted",
                        &head,
                        Some(&by),
                    )?;
                }
            }
        }
        Ok(())
    }
}
