//! What the merge keeps about versions: a field's version and who wrote it, a record's
//! creations and deletions, and the inbox's rows (`share_conflict`).

use crate::db::tables::quote;
use crate::share::rows::LOCAL_COLUMNS;
use crate::shared::error::CoreResult;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A version of a field: the clock and device of the change set that wrote it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub at: i64,
    pub device: String,
}

/// Where an incoming change set comes from, and what its device had received then.
pub struct Origin<'a> {
    pub device: &'a str,
    pub seen: &'a BTreeMap<String, i64>,
}

impl Origin<'_> {
    /// Whether the device knew `v` when it made the change set (a version 0 is the state
    /// every laptop started from).
    pub fn knows(&self, v: &Version) -> bool {
        v.at == 0 || v.device == self.device || self.seen.get(&v.device).is_some_and(|s| v.at <= *s)
    }
}

/// A value of a field as one version wrote it.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub(crate) version: Version,
    pub(crate) author: String,
    pub(crate) value: Value,
}

/// A record as it was created (its later changes have entries of their own), as every laptop
/// has it: from its creation's entry in the journal, else as it was deleted; with its
/// identity, without what stays on one laptop.
pub(crate) fn as_created(
    conn: &Connection,
    table: &str,
    uid: &str,
    before: &Map<String, Value>,
) -> CoreResult<Map<String, Value>> {
    let mut whole = created_as(conn, table, uid)?.unwrap_or_else(|| before.clone());
    whole.insert("uid".into(), Value::from(uid.to_string()));
    for c in LOCAL_COLUMNS {
        whole.remove(*c);
    }
    Ok(whole)
}

/// An insert's record with its identity, without what stays on one laptop.
pub(crate) fn as_created_from(row: &Map<String, Value>, uid: &str) -> Map<String, Value> {
    let mut whole = row.clone();
    for c in LOCAL_COLUMNS {
        whole.remove(*c);
    }
    whole.insert("uid".into(), Value::from(uid.to_string()));
    whole
}

/// A record's creation: its identity, version, author, and the record as created.
pub(crate) type Creation = (String, Version, String, Map<String, Value>);

/// The latest creation here of `uid` and of the records known by its identity (two records
/// found to be one): identity, version, author, the record as created.
pub(crate) fn creations(conn: &Connection, table: &str, uid: &str) -> CoreResult<Vec<Creation>> {
    let rows: Vec<(String, i64, String, String, String)> = conn
        .prepare_cached(
            "SELECT c.record, s.at, s.device, s.author, c.after FROM change AS c JOIN change_set AS s ON s.id = c.set_id
             WHERE c.id IN (SELECT max(b.id) FROM change AS b WHERE b.tbl = ?1 AND b.op = 1
                 AND b.record IN (SELECT ?2 UNION SELECT uid FROM share_alias WHERE tbl = ?1 AND same_as = ?2)
                 GROUP BY b.record)",
        )?
        .query_map([table, uid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows
        .into_iter()
        .map(|(one, at, device, author, after)| {
            let row = serde_json::from_str(&after).unwrap_or_default();
            (one, Version { at, device }, author, row)
        })
        .collect())
}

/// A record as its creation's entry in the journal holds it.
pub(crate) fn created_as(
    conn: &Connection,
    table: &str,
    uid: &str,
) -> CoreResult<Option<Map<String, Value>>> {
    let after: Option<String> = conn
        .prepare_cached("SELECT after FROM change WHERE tbl = ?1 AND record = ?2 AND op = 1 ORDER BY id DESC LIMIT 1")?
        .query_row([table, uid], |r| r.get(0))
        .optional()?;
    Ok(after.and_then(|a| serde_json::from_str(&a).ok()))
}

/// ISO 8601 (UTC) of a clock value.
pub(crate) fn iso(at: i64) -> String {
    chrono::DateTime::from_timestamp_millis(crate::db::journal::clock_millis(at))
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The version of `field` of a record here (`""`: its creation) and who wrote it: the newest
/// of the journal's changes of it (this laptop's, and the other laptops' applied here) and of
/// the other laptops' versions kept when a change wrote nothing new. Version 0 when nothing
/// says (a record from before the workspace was shared).
pub fn version_of(
    conn: &Connection,
    table: &str,
    uid: &str,
    field: &str,
) -> CoreResult<(Version, String)> {
    let found: Option<(i64, String, String)> = conn
        .prepare_cached(
            "SELECT at, device, author FROM (
                SELECT s.at, s.device, s.author FROM change AS c JOIN change_set AS s ON s.id = c.set_id
                WHERE c.tbl = ?1 AND c.record IN (SELECT ?2 UNION SELECT uid FROM share_alias WHERE tbl = ?1 AND same_as = ?2)
                  AND (c.op = 1 OR (c.op = 2 AND ?3 <> '' AND c.field = ?3))
                  AND NOT EXISTS (SELECT 1 FROM share_version AS w WHERE w.tbl = ?1 AND w.record = ?2
                                  AND w.field = '!' || ?3 AND w.at = s.at AND w.device = s.device)
                  -- Since the deletion before its last creation here (a record deleted then
                  -- put back starts again); not since that creation, which may be the entry
                  -- of a record found to be the same, journaled after this one's changes.
                  AND c.id > (SELECT coalesce(max(d.id), 0) FROM change AS d
                              WHERE d.tbl = ?1 AND d.op = 3
                                AND d.record IN (SELECT ?2 UNION SELECT uid FROM share_alias WHERE tbl = ?1 AND same_as = ?2)
                                AND d.id < (SELECT max(b.id) FROM change AS b
                                            WHERE b.tbl = ?1 AND b.op = 1
                                              AND b.record IN (SELECT ?2 UNION SELECT uid FROM share_alias WHERE tbl = ?1 AND same_as = ?2)))
                UNION ALL
                SELECT at, device, author FROM share_version WHERE tbl = ?1 AND record = ?2 AND field = ?3
             ) ORDER BY at DESC, device DESC LIMIT 1",
        )?
        .query_row([table, uid, field], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match found {
        Some((at, device, author)) => (Version { at, device }, author),
        None => (
            Version {
                at: 0,
                device: String::new(),
            },
            String::new(),
        ),
    })
}

/// The deletion of a record here, if it was deleted (in the journal, or kept whole in the
/// inbox because its own parent was deleted).
pub fn deletion_of(conn: &Connection, table: &str, uid: &str) -> CoreResult<Option<Version>> {
    Ok(deletions(conn, table, uid)?.into_iter().next())
}

/// Every deletion of a record known here, newest first: in the journal, received for a record
/// already gone (`share_version`'s field `-`), or its parent's when it was kept whole in the
/// inbox.
pub fn deletions(conn: &Connection, table: &str, uid: &str) -> CoreResult<Vec<Version>> {
    let found = conn
        .prepare_cached(
            "SELECT at, device FROM (
                SELECT s.at, s.device FROM change AS c JOIN change_set AS s ON s.id = c.set_id
                WHERE c.record = ?2 AND c.tbl = ?1 AND c.op = 3
                UNION ALL
                SELECT at, device FROM share_version WHERE tbl = ?1 AND record = ?2 AND field = '-'
                UNION ALL
                SELECT by_at, by_device FROM share_conflict
                WHERE tbl = ?1 AND record = ?2 AND field = '' AND by_at IS NOT NULL
             ) ORDER BY at DESC, device DESC",
        )?
        .query_map([table, uid], |r| {
            Ok(Version {
                at: r.get(0)?,
                device: r.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(found)
}

/// The concurrent values of a field in the inbox.
pub(crate) fn open_heads(
    conn: &Connection,
    table: &str,
    uid: &str,
    field: &str,
) -> CoreResult<Vec<Head>> {
    let rows = conn
        .prepare_cached(
            "SELECT at, device, author, value FROM share_conflict
             WHERE tbl = ?1 AND record = ?2 AND field = ?3 AND kind = 'concurrent'",
        )?
        .query_map([table, uid, field], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?
        .collect::<Result<Vec<(i64, String, String, Option<String>)>, _>>()?;
    Ok(rows
        .into_iter()
        .map(|(at, device, author, value)| Head {
            version: Version { at, device },
            author,
            value: value
                .and_then(|v| serde_json::from_str(&v).ok())
                .unwrap_or(Value::Null),
        })
        .collect())
}

pub(crate) fn add_conflict(
    conn: &Connection,
    table: &str,
    uid: &str,
    field: &str,
    kind: &str,
    head: &Head,
    by: Option<&Version>,
) -> CoreResult<()> {
    let scrubbed = match &head.value {
        Value::Object(o) => o.contains_key("rgpd"),
        // Also a copy's field an erasure rewrote (« [personne effacée] »): the erasure's own
        // change, nothing of anyone to restore.
        Value::String(t) => {
            t == crate::history::erased::ERASED_MARK || t == crate::safety::rgpd::ERASED
        }
        _ => false,
    };
    if scrubbed || (kind == "deleted" && erased(conn, table, uid)?) {
        // A change of a person erased (RGPD) is not kept anywhere: the erasure wins, silently.
        return Ok(());
    }
    if kind == "deleted" && head.value.is_null() && nullified(conn, table, field)? {
        // No one to point at, lost to a deletion: nothing for a person to restore (and a
        // NULL a deletion's cascade wrote on some laptops only would tell them apart).
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO share_conflict (tbl, record, field, kind, at, device, author, value, by_at, by_device)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (tbl, record, field, at, device) DO UPDATE SET
            kind = excluded.kind, by_at = excluded.by_at, by_device = excluded.by_device, quiet = 0",
    )?
    .execute(params![
        table,
        uid,
        field,
        kind,
        head.version.at,
        head.version.device,
        head.author,
        head.value.to_string(),
        by.map(|b| b.at),
        by.map(|b| b.device.clone()),
    ])?;
    Ok(())
}

/// Whether `table.field` is a reference that a deletion of its target sets to NULL.
fn nullified(conn: &Connection, table: &str, field: &str) -> CoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM pragma_foreign_key_list(?1)
                            WHERE \"from\" = ?2 AND on_delete = 'SET NULL')",
        )?
        .query_row([table, field], |r| r.get(0))?)
}

/// Whether record `uid` was erased (RGPD): its deletion's journal entry keeps only its
/// identity and the erasure's mark.
pub(crate) fn erased(conn: &Connection, table: &str, uid: &str) -> CoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM change WHERE record = ?2 AND op = 3
               AND CASE WHEN json_valid(before) THEN json_extract(before, '$.rgpd') END IS NOT NULL)
             OR EXISTS (SELECT 1 FROM share_version WHERE tbl = ?1 AND record = ?2 AND field = ?3)",
        )?
        .query_row(params![table, uid, ERASED_GONE], |r| r.get(0))?)
}

pub(crate) use crate::history::erased::ERASED_GONE;

/// A concurrent value that lost to `winner`: in the inbox, quiet when it is the same value.
pub(crate) fn add_concurrent(
    conn: &Connection,
    table: &str,
    uid: &str,
    field: &str,
    loser: &Head,
    winner: &Head,
) -> CoreResult<()> {
    // A value that lost to the deletion of the record it points at stays so (it may come
    // back here as the value of the field, inserted NULL: `Merge::write_field`).
    let lost_to_deletion: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM share_conflict WHERE tbl = ?1 AND record = ?2
               AND field = ?3 AND at = ?4 AND device = ?5 AND kind = 'deleted')",
        )?
        .query_row(
            params![table, uid, field, loser.version.at, loser.version.device],
            |r| r.get(0),
        )?;
    if lost_to_deletion {
        return Ok(());
    }
    add_conflict(conn, table, uid, field, "concurrent", loser, None)?;
    // Every concurrent value of the field is quiet when it is the one that stands now, so
    // that the flags do not depend on the order in which the values arrived.
    conn.prepare_cached(
        "UPDATE share_conflict SET quiet = (value IS ?4)
         WHERE tbl = ?1 AND record = ?2 AND field = ?3 AND kind = 'concurrent'",
    )?
    .execute(params![table, uid, field, winner.value.to_string()])?;
    Ok(())
}

/// Records `head` as the version of `table.field` of record `uid` that stands here.
pub(crate) fn record_version(
    conn: &Connection,
    table: &str,
    uid: &str,
    field: &str,
    head: &Head,
) -> CoreResult<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO share_version (tbl, record, field, at, device, author)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        table,
        uid,
        field,
        head.version.at,
        head.version.device,
        head.author
    ])?;
    Ok(())
}

/// The inbox's values of kind `kind` of `table.field` that point at the record `target`, as
/// (record, value).
pub(crate) fn pointing_at(
    conn: &Connection,
    table: &str,
    field: &str,
    kind: &str,
    target: &str,
) -> CoreResult<Vec<(String, Head)>> {
    let rows = conn
        .prepare_cached(
            "SELECT record, at, device, author FROM share_conflict
             WHERE tbl = ?1 AND field = ?2 AND kind = ?3 AND value = ?4",
        )?
        .query_map(
            params![table, field, kind, Value::from(target).to_string()],
            |r| {
                Ok((
                    r.get(0)?,
                    Head {
                        version: Version {
                            at: r.get(1)?,
                            device: r.get(2)?,
                        },
                        author: r.get(3)?,
                        value: Value::from(target),
                    },
                ))
            },
        )?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

pub(crate) fn delete_conflict(
    conn: &Connection,
    table: &str,
    uid: &str,
    field: &str,
    v: &Version,
) -> CoreResult<()> {
    conn.prepare_cached(
        "DELETE FROM share_conflict WHERE tbl = ?1 AND record = ?2 AND field = ?3 AND at = ?4 AND device = ?5",
    )?
    .execute(params![table, uid, field, v.at, v.device])?;
    Ok(())
}

/// A record (re-)created: the inbox's entries about it that `origin` knew leave it.
pub(crate) fn forget_conflicts(
    conn: &Connection,
    table: &str,
    uid: &str,
    field: Option<&str>,
    origin: &Origin<'_>,
) -> CoreResult<()> {
    let rows: Vec<(i64, i64, String)> = conn
        .prepare_cached(
            "SELECT id, at, device FROM share_conflict WHERE tbl = ?1 AND record = ?2
               AND kind = 'deleted' AND (?3 IS NULL OR field = ?3)",
        )?
        .query_map(params![table, uid, field], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    for (id, at, device) in rows {
        if origin.knows(&Version { at, device }) {
            conn.execute("DELETE FROM share_conflict WHERE id = ?1", [id])?;
        }
    }
    Ok(())
}

/// The columns of `table`'s unique keys (its identity aside), and `nature` for a link (its
/// key is an expression on the pair and the nature).
pub(crate) fn key_columns(conn: &Connection, table: &str) -> CoreResult<Vec<String>> {
    let mut out: Vec<String> = conn
        .prepare(
            "SELECT DISTINCT i.name FROM pragma_index_list(?1) AS l, pragma_index_info(l.name) AS i
             WHERE l.\"unique\" = 1 AND i.name IS NOT NULL AND i.name <> 'uid'",
        )?
        .query_map([table], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if table == "link" {
        out.push("nature".into());
    }
    Ok(out)
}

/// The record of `table` that a new row (`names`, `values`) collides with on a unique key
/// (not its identity), by its identity.
pub(crate) fn find_duplicate(
    conn: &Connection,
    table: &str,
    names: &[String],
    values: &[SqlValue],
) -> CoreResult<Option<String>> {
    let value = |col: &str| {
        names
            .iter()
            .position(|n| n == col)
            .map(|i| values[i].clone())
    };
    let indexes: Vec<String> = conn
        .prepare("SELECT name FROM pragma_index_list(?1) WHERE \"unique\" = 1 AND partial = 0")?
        .query_map([table], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for index in indexes {
        let cols: Vec<Option<String>> = conn
            .prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")?
            .query_map([&index], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if cols == [Some("uid".to_string())] {
            continue;
        }
        let (sql, args): (String, Vec<SqlValue>) = if cols.iter().all(Option::is_some) {
            let cols: Vec<String> = cols.into_iter().flatten().collect();
            let Some(args) = cols.iter().map(|c| value(c)).collect::<Option<Vec<_>>>() else {
                continue;
            };
            let cond: Vec<String> = cols.iter().map(|c| format!("{} IS ?", quote(c))).collect();
            (
                format!(
                    "SELECT uid FROM {} WHERE {}",
                    quote(table),
                    cond.join(" AND ")
                ),
                args,
            )
        } else if table == "link" {
            // The pair of actors in either order, and the nature (link_pair_nature).
            let (Some(a), Some(b), Some(n)) = (value("actor_a"), value("actor_b"), value("nature"))
            else {
                continue;
            };
            (
                "SELECT uid FROM link WHERE min(actor_a, actor_b) = min(?1, ?2)
                   AND max(actor_a, actor_b) = max(?1, ?2) AND nature = ?3"
                    .to_string(),
                vec![a, b, n],
            )
        } else {
            continue;
        };
        let found: Option<String> = conn
            .query_row(&sql, rusqlite::params_from_iter(args.iter()), |r| r.get(0))
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}
