//! The conflict inbox: the values that lost a merge, and their resolutions. A resolution is an
//! ordinary change set that travels, made knowing every value of the entry: on every laptop
//! that receives it, the entry leaves the inbox.
//!
//! - « Garder cette valeur » ([`Resolution::Keep`]): the value that stands is written again.
//! - « Prendre l'autre » ([`Resolution::Take`]): the entry's value is written.
//! - « Restaurer » ([`Resolution::Restore`], an entry of a deleted record): the record comes
//!   back as it was, with the entry's change.
//! - « Laisser supprimé » ([`Resolution::Dismiss`]): the deletion stands.

use crate::db::journal::{ChangeLabel, OPEN_SET, SET_ID, UPDATE};
use crate::db::store::Store;
use crate::db::tables::quote;
use crate::share::heads::deletion_of;
use crate::share::rows::{exists, insert_sql, local_value, record, Tables};
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An entry of the inbox, as the app shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Conflict {
    #[ts(type = "number")]
    pub id: i64,
    /// The kind of record (its table) and its identity.
    pub table: String,
    pub record: String,
    /// What names the record (its name, or its kind's noun).
    pub record_name: String,
    /// The field, empty for a whole record.
    pub field: String,
    /// `concurrent` or `deleted`.
    pub kind: String,
    /// The value that lost, as JSON text (a whole record: an object).
    pub value: String,
    pub author: String,
    pub device_name: String,
    /// When it was made (ISO 8601).
    pub at: String,
    /// The value that stands (JSON text; empty for a deleted record), and who made it, when.
    pub current: String,
    pub current_author: String,
    pub current_at: String,
}

/// What a person decides for an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Keep,
    Take,
    Restore,
    Dismiss,
}

fn iso(at: i64) -> String {
    chrono::DateTime::from_timestamp_millis(crate::db::journal::clock_millis(at))
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn not_found() -> CoreError {
    CoreError::NotFound {
        what: "conflict",
        id: 0,
    }
}

type Row = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
);

fn entry(conn: &Connection, id: i64) -> CoreResult<Row> {
    conn.query_row(
        "SELECT id, tbl, record, field, kind, at, device, author, value FROM share_conflict WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)),
    )
    .optional()?
    .ok_or_else(not_found)
}

impl Store {
    /// The inbox's entries, oldest first, at most `limit` from `offset`.
    pub fn conflicts(&self, offset: usize, limit: usize) -> CoreResult<Vec<Conflict>> {
        let ids: Vec<i64> = self
            .conn
            .prepare(
                "SELECT id FROM share_conflict WHERE quiet = 0 ORDER BY at, id LIMIT ?1 OFFSET ?2",
            )?
            .query_map(params![limit.min(500) as i64, offset as i64], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut tables = Tables::default();
        ids.into_iter()
            .map(|id| self.conflict(&mut tables, id))
            .collect()
    }

    fn conflict(&self, tables: &mut Tables, id: i64) -> CoreResult<Conflict> {
        let (id, table, uid, field, kind, at, device, author, value) = entry(&self.conn, id)?;
        let device_name: String = self
            .conn
            .query_row(
                "SELECT name FROM share_device WHERE device = ?1",
                [&device],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default();
        let here = record(&self.conn, tables, &table, &uid)?;
        let (current, current_author, current_at) = match (&here, field.is_empty()) {
            (Some(row), false) => {
                let (v, who) = crate::share::heads::version_of(&self.conn, &table, &uid, &field)?;
                (
                    row.get(&field).cloned().unwrap_or(Value::Null).to_string(),
                    who,
                    iso(v.at),
                )
            }
            _ => {
                let by = deletion_of(&self.conn, &table, &uid)?;
                (
                    String::new(),
                    String::new(),
                    by.map(|b| iso(b.at)).unwrap_or_default(),
                )
            }
        };
        let mut record_name = crate::history::store::record_name(&self.conn, &table, &uid)?;
        if record_name.is_empty() {
            record_name = crate::history::store::kind_fr(&table).0.to_string();
        }
        Ok(Conflict {
            id,
            table,
            record: uid,
            record_name,
            field,
            kind,
            value: value.unwrap_or_default(),
            author,
            device_name,
            at: iso(at),
            current,
            current_author,
            current_at,
        })
    }

    /// Resolves entry `id` as decided (see the module's doc), in one change set that travels.
    pub fn resolve_conflict(&mut self, id: i64, how: Resolution) -> CoreResult<()> {
        let (_, table, uid, field, kind, _, _, _, value) = entry(&self.conn, id)?;
        let value: Value = value
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or(Value::Null);
        let allowed = matches!(
            (kind.as_str(), how),
            ("concurrent", Resolution::Keep | Resolution::Take)
                | ("deleted", Resolution::Restore | Resolution::Dismiss)
        );
        if !allowed {
            return Err(CoreError::validation(
                "resolution",
                "share.resolution",
                "Ce choix ne s'applique pas à ce conflit.",
            ));
        }
        let code = match how {
            Resolution::Keep => "share.keep",
            Resolution::Take => "share.take",
            Resolution::Restore => "share.restore",
            Resolution::Dismiss => "share.dismiss",
        };
        self.journal
            .set_label(&ChangeLabel::new(code, &[("field", field.clone())]));
        let tx = self.conn.transaction()?;
        let mut tables = Tables::default();
        match how {
            Resolution::Keep => {
                let row = record(&tx, &mut tables, &table, &uid)?.ok_or_else(not_found)?;
                let current = row.get(&field).cloned().unwrap_or(Value::Null);
                // The same value again: an entry of the journal the trigger would not write.
                tx.execute(OPEN_SET, [])?;
                tx.execute(
                    &format!("INSERT INTO change (set_id, tbl, record, op, field, before, after) VALUES ({SET_ID}, ?1, ?2, {UPDATE}, ?3, ?4, ?4)"),
                    params![table, uid, field, crate::history::undo::sql_value(&current, "")?],
                )?;
            }
            Resolution::Take => write_field(&tx, &mut tables, &table, &uid, &field, &value)?,
            Resolution::Restore => restore(&tx, &mut tables, &table, &uid, &field, &value)?,
            Resolution::Dismiss => {
                tx.execute(OPEN_SET, [])?;
                tx.execute(
                    &format!("INSERT INTO change (set_id, tbl, record, op, before) VALUES ({SET_ID}, ?1, ?2, 3, '{{}}')"),
                    params![table, uid],
                )?;
            }
        }
        match how {
            Resolution::Keep | Resolution::Take => tx.execute(
                "DELETE FROM share_conflict WHERE tbl = ?1 AND record = ?2 AND field = ?3",
                params![table, uid, field],
            )?,
            _ => tx.execute(
                "DELETE FROM share_conflict WHERE tbl = ?1 AND record = ?2",
                params![table, uid],
            )?,
        };
        tx.commit()?;
        Ok(())
    }
}

fn write_field(
    conn: &Connection,
    tables: &mut Tables,
    table: &str,
    uid: &str,
    field: &str,
    value: &Value,
) -> CoreResult<()> {
    let row = record(conn, tables, table, uid)?.ok_or_else(not_found)?;
    let kind = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_string);
    let local = local_value(conn, tables, table, field, value, kind)?
        .map_err(|m| gone(conn, &m.table, &m.uid))?;
    conn.execute(
        &format!(
            "UPDATE {} SET {} = ?1 WHERE uid = ?2",
            quote(table),
            quote(field)
        ),
        params![local, uid],
    )?;
    Ok(())
}

fn gone(conn: &Connection, table: &str, uid: &str) -> CoreError {
    let name = crate::history::store::record_name(conn, table, uid).unwrap_or_default();
    let (what, feminine) = crate::history::store::kind_fr(table);
    CoreError::GoneSince {
        what: what.to_string(),
        name,
        feminine,
    }
}

/// Puts back a deleted record: as the entry holds it (a whole record), or as its deletion's
/// entry in the journal kept it, with the entry's change.
fn restore(
    conn: &Connection,
    tables: &mut Tables,
    table: &str,
    uid: &str,
    field: &str,
    value: &Value,
) -> CoreResult<()> {
    if exists(conn, table, uid)? {
        return Ok(());
    }
    let mut row: Map<String, Value> = if field.is_empty() {
        value.as_object().cloned().unwrap_or_default()
    } else {
        let before: Option<String> = conn
            .query_row(
                "SELECT before FROM change WHERE tbl = ?1 AND record = ?2 AND op = 3 AND before <> '{}' ORDER BY id DESC LIMIT 1",
                [table, uid],
                |r| r.get(0),
            )
            .optional()?;
        let mut row: Map<String, Value> = before.and_then(|b| serde_json::from_str(&b).ok()).ok_or_else(|| {
            CoreError::validation("conflict", "share.restore_unknown", "Cet enregistrement ne peut pas être restauré : l'historique n'en garde pas le contenu.")
        })?;
        row.insert(field.to_string(), value.clone());
        row
    };
    let original = row.clone();
    let mut names = vec!["uid".to_string()];
    let mut values = vec![rusqlite::types::Value::Text(uid.to_string())];
    let columns = tables.columns(conn, table)?.to_vec();
    for (name, _) in columns {
        if name == "updated_at" {
            names.push(name);
            values.push(rusqlite::types::Value::Text(crate::db::store::now()));
            continue;
        }
        if ["id", "uid", "is_user"].contains(&name.as_str()) {
            continue;
        }
        let Some(v) = row.remove(&name) else { continue };
        let kind = |k: &str| original.get(k).and_then(Value::as_str).map(str::to_string);
        let local = local_value(conn, tables, table, &name, &v, kind)?
            .map_err(|m| gone(conn, &m.table, &m.uid))?;
        names.push(name);
        values.push(local);
    }
    conn.execute(
        &insert_sql(table, &names),
        rusqlite::params_from_iter(values.iter()),
    )?;
    Ok(())
}
