//! The journal as it leaves the file (`catalyse history --json`, and sharing next): change
//! sets with every change, records named by identity. A reference to another record (a
//! foreign key, an integer inside the file) is given as that record's identity.

use crate::db::store::Store;
use crate::history::model::HistoryQuery;
use crate::history::store::{json_of, label_fr, raw_changes, referenced_uid, RawChange};
use crate::shared::error::CoreResult;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// A change set as exported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportedSet {
    pub id: i64,
    pub at: String,
    pub who: String,
    pub device: String,
    pub label: String,
    pub changes: Vec<ExportedChange>,
}

/// One change as exported: `field` null for a record created (`after` holds it) or deleted
/// (`before` holds it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportedChange {
    pub table: String,
    pub record: String,
    pub op: &'static str,
    pub field: Option<String>,
    pub before: Value,
    pub after: Value,
}

/// The single-column foreign keys of a table (`?1`) to an `id` column, as (column, table).
pub(crate) const SINGLE_REFERENCES: &str =
    "SELECT f.\"from\" AS c, f.\"table\" AS t FROM pragma_foreign_key_list(?1) AS f
     WHERE coalesce(f.\"to\", 'id') = 'id'
       AND (SELECT count(*) FROM pragma_foreign_key_list(?1) AS g WHERE g.id = f.id) = 1";

/// Resolves references to identities, remembering the tables' foreign keys.
struct Resolver<'a> {
    conn: &'a Connection,
    keys: HashMap<String, Vec<(String, String)>>,
}

impl Resolver<'_> {
    /// The (column, parent table) foreign keys of `table`.
    fn keys(&mut self, table: &str) -> CoreResult<&[(String, String)]> {
        if !self.keys.contains_key(table) {
            // Single-column references to a record's `id` (a composite one names a row of a
            // table without identities of its own: its values stay as they are).
            let mut st = self.conn.prepare(SINGLE_REFERENCES)?;
            let mut keys: Vec<(String, String)> = st
                .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            if table == "link" {
                keys.push(("introduced_by_actor".into(), "actor".into()));
            }
            self.keys.insert(table.to_string(), keys);
        }
        Ok(&self.keys[table])
    }

    /// The identity of record `id` of `parent` (the id itself when it has none).
    fn uid(&self, parent: &str, id: &Value) -> CoreResult<Value> {
        let Some(n) = id.as_i64() else {
            return Ok(id.clone());
        };
        Ok(referenced_uid(self.conn, parent, n)?.map_or(Value::from(n), Value::from))
    }

    /// A record's JSON with its references as identities.
    fn record(&mut self, table: &str, v: Value) -> CoreResult<Value> {
        let Value::Object(mut map) = v else {
            return Ok(v);
        };
        let keys = self.keys(table)?.to_vec();
        for (column, parent) in keys {
            if let Some(x) = map.get(&column).cloned() {
                map.insert(column, self.uid(&parent, &x)?);
            }
        }
        Ok(Value::Object(map))
    }
}

impl Store {
    /// Every change set `q` selects (oldest first), with all its changes, given one by one to
    /// `each` so that a journal of any size is written out without being held in memory.
    pub fn export_history(
        &self,
        q: &HistoryQuery,
        mut each: impl FnMut(ExportedSet) -> CoreResult<()>,
    ) -> CoreResult<()> {
        // The pages come newest first; collect the ids (8 bytes each), then go oldest first.
        let mut ids = Vec::new();
        let mut page = HistoryQuery {
            limit: Some(crate::history::store::PAGE_MAX),
            ..q.clone()
        };
        loop {
            let got = self.history_ids(&page)?;
            let more = got.len() as u32 > crate::history::store::PAGE_MAX;
            let got: Vec<i64> = got
                .into_iter()
                .take(crate::history::store::PAGE_MAX as usize)
                .collect();
            page.before_id = got.last().copied();
            ids.extend(got);
            if !more {
                break;
            }
        }
        let mut resolver = Resolver {
            conn: &self.conn,
            keys: HashMap::new(),
        };

        for id in ids.into_iter().rev() {
            let s = self.change_set_summary(id)?;
            let rows = raw_changes(&self.conn, id, i64::MAX)?;
            let mut changes = Vec::with_capacity(rows.len());
            for RawChange {
                table,
                record,
                op,
                field,
                before,
                after,
            } in rows
            {
                let whole = field.is_none();
                let (mut before, mut after) = (json_of(before, whole), json_of(after, whole));
                if whole {
                    before = resolver.record(&table, before)?;
                    after = resolver.record(&table, after)?;
                } else if let Some(f) = &field {
                    let parent = resolver
                        .keys(&table)?
                        .iter()
                        .find(|(c, _)| c == f)
                        .map(|(_, p)| p.clone());
                    if let Some(parent) = parent {
                        before = resolver.uid(&parent, &before)?;
                        after = resolver.uid(&parent, &after)?;
                    }
                }
                changes.push(ExportedChange {
                    table,
                    record,
                    op: match op {
                        crate::history::journal::INSERT => "insert",
                        crate::history::journal::DELETE => "delete",
                        _ => "update",
                    },
                    field,
                    before,
                    after,
                });
            }
            each(ExportedSet {
                id,
                at: s.at,
                who: s.author,
                device: s.device,
                label: label_fr(&s.label),
                changes,
            })?;
        }
        Ok(())
    }
}
