//! After a change set's deletions: what the deleting device did not know goes to the inbox.

use crate::db::journal::{DELETE, SET_ID};
use crate::share::heads::*;
use crate::share::merge::Merge;
use crate::shared::error::CoreResult;
use serde_json::{Map, Value};

impl Merge<'_, '_> {
    /// After the set's deletions (and what they cascaded to here): the changes of the deleted
    /// records the deleting device did not know, and the records it did not know of, go to the
    /// inbox.
    pub(crate) fn after_deletions(&mut self) -> CoreResult<()> {
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
            let value = before.get(&field).cloned().unwrap_or(Value::Null);
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
