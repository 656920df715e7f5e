//! What a device sends: its change sets read back from the journal, as a change file's body.

use crate::db::journal::{DELETE, INSERT, ROWS};
use crate::db::store::Store;
use crate::db::tables::to_json;
use crate::share::format::{Body, Change, ChangeSet};
use crate::shared::error::{CoreError, CoreResult};
use serde_json::Value;

impl Store {
    /// The change sets `device` made after clock `after`, oldest first, at most `limit`, with
    /// their changes in the order they were made. An insert's or a delete's record travels as
    /// a JSON object; a batch's records (op 4) as one change holding their array, each with
    /// its `uid`; an update's values as they are (references are identities already).
    pub fn outgoing_sets(&self, device: &str, after: i64, limit: usize) -> CoreResult<Body> {
        let mut sets_st = self.conn.prepare(
            "SELECT id, at, author, label FROM change_set
             WHERE device = ?1 AND at > ?2 ORDER BY at LIMIT ?3",
        )?;
        let heads: Vec<(i64, i64, String, String)> = sets_st
            .query_map(rusqlite::params![device, after, limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        let aliases = self.aliases_by_identity()?;
        let mut changes_st = self.conn.prepare_cached(&format!(
            "SELECT tbl, record, op, field, before, {} FROM change WHERE set_id = ?1 ORDER BY id",
            crate::db::journal::after_text("")
        ))?;
        let mut sets = Vec::with_capacity(heads.len());
        for (id, at, author, label) in heads {
            let mut changes = Vec::new();
            let mut rows = changes_st.query([id])?;
            while let Some(r) = rows.next()? {
                let op: i64 = r.get(2)?;
                let whole = |v: rusqlite::types::ValueRef<'_>| -> CoreResult<Value> {
                    match v {
                        rusqlite::types::ValueRef::Null => Ok(Value::Null),
                        v => {
                            let text = v.as_str().map_err(|e| CoreError::Internal {
                                detail: format!("journal entry of set {id}: {e}"),
                            })?;
                            serde_json::from_str(text).map_err(|e| CoreError::Internal {
                                detail: format!("journal entry of set {id}: {e}"),
                            })
                        }
                    }
                };
                let (before, after) = match op {
                    INSERT | ROWS => (Value::Null, whole(r.get_ref(5)?)?),
                    DELETE => (whole(r.get_ref(4)?)?, Value::Null),
                    _ => (to_json(r.get_ref(4)?), to_json(r.get_ref(5)?)),
                };
                let change = Change {
                    table: r.get(0)?,
                    record: r.get(1)?,
                    op,
                    // A batch's range of identities stays in the file: its records say them.
                    field: if op == ROWS { None } else { r.get(3)? },
                    before,
                    after,
                };
                let same = if op == DELETE {
                    deleted_under_other_identities(&change, &aliases)
                } else {
                    Vec::new()
                };
                changes.push(change);
                changes.extend(same);
            }
            if !changes.is_empty() {
                sets.push(ChangeSet {
                    at,
                    author,
                    label,
                    changes,
                });
            }
        }
        Ok(Body { sets })
    }

    /// The other identities of the records known here under several (`share_alias`), by
    /// table and identity kept, each list in order: read once for a whole file (the table
    /// has no index by identity kept, and a file may hold a million deletions).
    fn aliases_by_identity(&self) -> CoreResult<Aliases> {
        let mut out = Aliases::new();
        let mut st = self
            .conn
            .prepare("SELECT tbl, same_as, uid FROM share_alias ORDER BY tbl, same_as, uid")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            out.entry((r.get(0)?, r.get(1)?))
                .or_default()
                .push(r.get(2)?);
        }
        Ok(out)
    }
}

/// [`Store::aliases_by_identity`]'s map.
type Aliases = std::collections::HashMap<(String, String), Vec<String>>;

/// A deletion of a record this laptop knows under other identities too (records created
/// apart that turned out to be one): the same deletion under each of them, in the order of
/// the identities. A laptop that never saw them as one (it holds their creations as inbox
/// entries, or has yet to receive them) learns that this device deleted each knowingly, as
/// this laptop did.
fn deleted_under_other_identities(deleted: &Change, aliases: &Aliases) -> Vec<Change> {
    let key = (deleted.table.clone(), deleted.record.clone());
    aliases
        .get(&key)
        .into_iter()
        .flatten()
        .map(|uid| {
            let mut before = deleted.before.clone();
            if let Some(o) = before.as_object_mut() {
                o.insert("uid".into(), Value::from(uid.clone()));
            }
            Change {
                record: uid.clone(),
                before,
                ..deleted.clone()
            }
        })
        .collect()
}
