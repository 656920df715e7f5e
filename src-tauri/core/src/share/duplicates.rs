//! Two records created apart that are one (the same key: a tag given twice, a link recorded
//! twice): merged under the smaller identity, and parted again when one of them is deleted by
//! a device that did not know the other.

use crate::db::journal::{INSERT, OPEN_SET, SET_ID};
use crate::db::tables::quote;
use crate::share::heads::*;
use crate::share::merge::Merge;
use crate::share::rows::{local_value, LOCAL_COLUMNS};
use crate::shared::error::CoreResult;
use rusqlite::params;
use rusqlite::types::Value as SqlValue;
use serde_json::{Map, Value};

impl Merge<'_, '_> {
    /// Two records created apart that are one (the same key): the smaller identity stays,
    /// with its own key columns (a link's two actors in its order), the other becomes its
    /// alias, and their other fields merge as concurrent changes.
    pub(crate) fn merge_duplicate(
        &mut self,
        table: &str,
        existing: &str,
        incoming: &str,
        row: &Map<String, Value>,
    ) -> CoreResult<()> {
        let fixed = self.fixed_columns(table)?;
        let is_key = |f: &str| fixed.iter().any(|k| k == f);
        let (keep, gone) = if incoming < existing {
            (incoming, existing)
        } else {
            (existing, incoming)
        };
        if keep == incoming {
            self.conn.execute(
                &format!("UPDATE {} SET uid = ?1 WHERE uid = ?2", quote(table)),
                [keep, gone],
            )?;
            for t in ["share_version", "share_conflict"] {
                self.conn.execute(
                    &format!("UPDATE OR IGNORE {t} SET record = ?1 WHERE tbl = ?2 AND record = ?3"),
                    [keep, table, gone],
                )?;
            }
            // The key as the kept record has it (unjournaled: the same records).
            let was_on = self.journal.enabled();
            self.journal.set_enabled(false);
            let keyed_now = self.set_key(table, keep, row, &is_key);
            self.journal.set_enabled(was_on);
            keyed_now?;
        }
        self.conn.execute(
            "UPDATE share_alias SET same_as = ?1 WHERE tbl = ?2 AND same_as = ?3",
            [keep, table, gone],
        )?;
        self.conn.execute(
            "INSERT OR REPLACE INTO share_alias (tbl, uid, same_as) VALUES (?1, ?2, ?3)",
            [table, gone, keep],
        )?;
        self.merge_fields(table, keep, row)?;
        // The incoming record's creation is journaled under its own identity (after the
        // merge, which compares with the creation of the one here), so that a deletion of one
        // of the two can tell whether the other still stands.
        self.conn.execute(OPEN_SET, [])?;
        self.conn.execute(
            &format!("INSERT INTO change (set_id, tbl, record, op, after) VALUES ({SET_ID}, ?1, ?2, {INSERT}, ?3)"),
            params![table, incoming, Value::Object(row.clone()).to_string()],
        )?;
        Ok(())
    }

    /// The columns of `table` that say what a record is rather than what it holds: its
    /// parents and the columns of its unique keys. A reference that a deletion sets to NULL
    /// (a link's introducer) is not one of them: its values merge as a field's do.
    fn fixed_columns(&mut self, table: &str) -> CoreResult<Vec<String>> {
        let mut fixed = key_columns(self.conn, table)?;
        fixed.extend(self.parent_columns(table)?);
        Ok(fixed)
    }

    /// The values of `row` (another creation of the record `uid`) merged into it as changes
    /// of its fields, but for what says what the record is.
    pub(crate) fn merge_fields(
        &mut self,
        table: &str,
        uid: &str,
        row: &Map<String, Value>,
    ) -> CoreResult<()> {
        let fixed = self.fixed_columns(table)?;
        let columns: Vec<String> = self
            .tables
            .columns(self.conn, table)?
            .iter()
            .map(|(n, _)| n.clone())
            .collect();
        for (field, value) in row {
            if LOCAL_COLUMNS.contains(&field.as_str())
                || field == "uid"
                || fixed.contains(field)
                || !columns.contains(field)
            {
                continue;
            }
            self.merge_field(table, uid, field, value)?;
        }
        Ok(())
    }

    /// Writes the key columns of `row` into the record `uid`.
    pub(crate) fn set_key(
        &mut self,
        table: &str,
        uid: &str,
        row: &Map<String, Value>,
        is_key: &dyn Fn(&str) -> bool,
    ) -> CoreResult<()> {
        let mut names = Vec::new();
        let mut values = Vec::new();
        for (field, value) in row {
            if !is_key(field) || LOCAL_COLUMNS.contains(&field.as_str()) {
                continue;
            }
            let kind = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_string);
            if let Ok(local) = local_value(self.conn, self.tables, table, field, value, kind)? {
                names.push(format!("{} = ?", quote(field)));
                values.push(local);
            }
        }
        if names.is_empty() {
            return Ok(());
        }
        values.push(SqlValue::Text(uid.to_string()));
        self.conn.execute(
            &format!(
                "UPDATE {} SET {} WHERE uid = ?",
                quote(table),
                names.join(", ")
            ),
            rusqlite::params_from_iter(values.iter()),
        )?;
        Ok(())
    }

    /// Two records found to be one (`uid`), one of which (`deleted`) its device deletes: the
    /// record stands if the other was created without that device knowing (it deleted its
    /// own), under the other's identity.
    pub(crate) fn survives(&mut self, table: &str, deleted: &str, uid: &str) -> CoreResult<bool> {
        let merged: i64 = self.conn.query_row(
            "SELECT count(*) FROM share_alias WHERE tbl = ?1 AND same_as = ?2",
            [table, uid],
            |r| r.get(0),
        )?;
        if merged == 0 {
            return Ok(false);
        }
        let mut others: Vec<String> = creations(self.conn, table, uid)?
            .into_iter()
            .filter(|(one, v, _, _)| one != deleted && !self.origin.knows(v))
            .map(|(one, ..)| one)
            .collect();
        others.sort();
        let Some(heir) = others.first().cloned() else {
            return Ok(false);
        };
        let group = creations(self.conn, table, uid)?;
        let withdrawn = group.iter().find(|c| c.0 == deleted).map(|c| c.1.clone());
        let heir_born = group
            .iter()
            .find(|c| c.0 == heir)
            .map(|c| (c.1.clone(), c.2.clone(), c.3.clone()));
        if heir != uid {
            self.conn.execute(
                &format!("UPDATE {} SET uid = ?1 WHERE uid = ?2", quote(table)),
                [&heir, uid],
            )?;
            for t in ["share_version", "share_conflict"] {
                self.conn.execute(
                    &format!("UPDATE OR IGNORE {t} SET record = ?1 WHERE tbl = ?2 AND record = ?3"),
                    [&heir, table, uid],
                )?;
            }
        }
        self.conn.execute(
            "DELETE FROM share_alias WHERE tbl = ?1 AND (uid = ?2 OR uid = ?3)",
            [table, deleted, &heir],
        )?;
        self.conn.execute(
            "UPDATE share_alias SET same_as = ?1 WHERE tbl = ?2 AND same_as = ?3",
            [&heir, table, uid],
        )?;
        if let (Some(gone), Some((born, author, row))) = (withdrawn, heir_born) {
            let standing = |field: &str| Head {
                version: born.clone(),
                author: author.clone(),
                value: row.get(field).cloned().unwrap_or(Value::Null),
            };
            let fields = self.withdraw(table, &heir, &gone, &born, &row)?;
            for field in fields {
                self.compete_again(table, &heir, &field, &standing(&field), &row)?;
            }
        }
        Ok(true)
    }

    /// The values a withdrawn duplicate (`gone`, its creation's version) gave the record that
    /// stands (`heir`, created at `born` as `row`) are withdrawn with it: each field it won
    /// gets back the heir's value (unjournaled: as if the duplicate had never met it), the
    /// duplicate's versions no longer count, and the competition between the two leaves the
    /// inbox. Every laptop then holds what a laptop that never merged them holds. Returns
    /// the fields it gave back.
    pub(crate) fn withdraw(
        &mut self,
        table: &str,
        heir: &str,
        gone: &Version,
        born: &Version,
        row: &Map<String, Value>,
    ) -> CoreResult<Vec<String>> {
        let fields: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT c.field FROM change AS c JOIN change_set AS s ON s.id = c.set_id
                 WHERE c.tbl = ?1 AND c.record = ?2 AND c.op = 2 AND s.at = ?3 AND s.device = ?4
                 UNION SELECT field FROM share_version WHERE tbl = ?1 AND record = ?2 AND at = ?3 AND device = ?4",
            )?
            .query_map(params![table, heir, gone.at, gone.device], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let was_on = self.journal.enabled();
        self.journal.set_enabled(false);
        let mut restored = || -> CoreResult<()> {
            for field in &fields {
                let value = row.get(field).cloned().unwrap_or(Value::Null);
                let kind = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_string);
                if let Ok(local) = local_value(self.conn, self.tables, table, field, &value, kind)?
                {
                    self.conn.execute(
                        &format!(
                            "UPDATE {} SET {} = ?1 WHERE uid = ?2",
                            quote(table),
                            quote(field)
                        ),
                        params![local, heir],
                    )?;
                }
                self.conn.execute(
                    "DELETE FROM share_version WHERE tbl = ?1 AND record = ?2 AND field = ?3",
                    params![table, heir, field],
                )?;
                self.conn.execute(
                    "INSERT OR REPLACE INTO share_version (tbl, record, field, at, device, author)
                     VALUES (?1, ?2, '!' || ?3, ?4, ?5, '')",
                    params![table, heir, field, gone.at, gone.device],
                )?;
            }
            Ok(())
        };
        let done = restored();
        self.journal.set_enabled(was_on);
        done?;
        for v in [gone, born] {
            self.conn.execute(
                "DELETE FROM share_conflict WHERE tbl = ?1 AND record = ?2 AND kind = 'concurrent' AND at = ?3 AND device = ?4",
                params![table, heir, v.at, v.device],
            )?;
        }
        Ok(fields)
    }

    /// After a withdrawal gave `field` of `heir` back its own creation's value (`standing`):
    /// a third record found to be the same, whose value lost only to the one withdrawn, now
    /// competes with it as it does on a laptop that never held the withdrawn one. The greater
    /// version stands (written unjournaled: the same records), the other goes to the inbox.
    fn compete_again(
        &mut self,
        table: &str,
        heir: &str,
        field: &str,
        standing: &Head,
        row: &Map<String, Value>,
    ) -> CoreResult<()> {
        let newer = |h: &&Head| {
            (h.version.at, &h.version.device) > (standing.version.at, &standing.version.device)
        };
        let heads = open_heads(self.conn, table, heir, field)?;
        let Some(best) = heads.iter().filter(newer).max_by(|a, b| {
            (a.version.at, &a.version.device).cmp(&(b.version.at, &b.version.device))
        }) else {
            return Ok(());
        };
        let kind = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_string);
        if let Ok(local) = local_value(self.conn, self.tables, table, field, &best.value, kind)? {
            let was_on = self.journal.enabled();
            self.journal.set_enabled(false);
            let written = self.conn.execute(
                &format!(
                    "UPDATE {} SET {} = ?1 WHERE uid = ?2",
                    quote(table),
                    quote(field)
                ),
                params![local, heir],
            );
            self.journal.set_enabled(was_on);
            written?;
        }
        delete_conflict(self.conn, table, heir, field, &best.version)?;
        record_version(self.conn, table, heir, field, best)?;
        add_concurrent(self.conn, table, heir, field, standing, best)
    }
}
