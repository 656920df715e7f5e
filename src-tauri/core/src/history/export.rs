//! The journal as it leaves the file (`catalyse history --json`, and sharing next): change
//! sets with every change, records named by identity. A reference to another record is the
//! identity of the record it named when the change was made, as the journal holds it.

use crate::db::store::Store;
use crate::history::model::HistoryQuery;
use crate::history::store::{json_of, label_fr, raw_changes, RawChange};
use crate::shared::error::CoreResult;
use serde::Serialize;
use serde_json::Value;

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
                // References are already identities in the journal (migration 12).
                let whole = field.is_none();
                let (before, after) = (json_of(before, whole), json_of(after, whole));
                changes.push(ExportedChange {
                    table,
                    record,
                    op: match op {
                        crate::db::journal::INSERT => "insert",
                        crate::db::journal::DELETE => "delete",
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
