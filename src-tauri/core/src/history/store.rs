//! Reading the journal back: pages of change sets (newest first, filtered in SQL), a change
//! set's changes with what the screens need to say them, a record's history, sizes.

use crate::db::journal::{self, ChangeLabel};
use crate::db::records::{self, RECORD_KINDS};
use crate::db::store::Store;
use crate::history::model::{
    ChangeOp, ChangeSetDetail, ChangeSetSummary, ChangeView, HistoryPage, HistoryQuery,
};
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

/// Change sets per page, at most.
pub const PAGE_MAX: u32 = 200;
/// Changes of one change set shown, at most (the rest are counted).
pub const DETAIL_MAX: i64 = 500;
/// Changes of each change set of a page of the Journal told with it (the others on demand).
pub const FIRST_TOLD: i64 = 3;

/// A change set's time (the hybrid clock's wall time) as RFC 3339 in UTC.
pub fn clock_text(at: i64) -> String {
    chrono::DateTime::from_timestamp_millis(journal::clock_millis(at))
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The clock value of the first instant of an ISO day (UTC), or the first of the day after.
fn day_start(day: &str, field: &'static str, after: bool) -> CoreResult<i64> {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
        CoreError::validation(
            field,
            "history.date",
            format!("Date invalide : « {day} » (attendu : AAAA-MM-JJ)."),
        )
    })?;
    let d = if after { d.succ_opt().unwrap_or(d) } else { d };
    let ms = d
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .timestamp_millis();
    Ok(ms << 16)
}

/// A journal value as JSON: a whole record's JSON text parsed (`whole`), BLOBs as hexadecimal.
pub(crate) fn json_of(v: SqlValue, whole: bool) -> Value {
    match v {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(i) => i.into(),
        SqlValue::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        SqlValue::Text(t) if whole => serde_json::from_str(&t).unwrap_or(Value::String(t)),
        SqlValue::Text(t) => Value::String(t),
        SqlValue::Blob(b) => Value::String(hex::encode(b)),
    }
}

/// One journal entry, as stored.
pub(crate) struct RawChange {
    pub(crate) table: String,
    pub(crate) record: String,
    pub(crate) op: i64,
    pub(crate) field: Option<String>,
    pub(crate) before: SqlValue,
    pub(crate) after: SqlValue,
}

/// The entries of change set `set`, in the order they were written (the first `limit`).
pub(crate) fn raw_changes(conn: &Connection, set: i64, limit: i64) -> CoreResult<Vec<RawChange>> {
    raw_changes_of(conn, set, None, limit)
}

/// The first `limit` entries of change set `set` (those of `record` only, when given).
fn raw_changes_of(
    conn: &Connection,
    set: i64,
    record: Option<&str>,
    limit: i64,
) -> CoreResult<Vec<RawChange>> {
    // A batch entry comes as the inserts it holds.
    let from = match record {
        Some(_) => journal::record_entries("?3"),
        None => journal::ENTRIES.to_string(),
    };
    let mut st = conn.prepare_cached(&format!(
        "SELECT tbl, record, op, field, before, after FROM {from}
         WHERE set_id = ?1 AND (?3 IS NULL OR record = ?3) ORDER BY id, pos LIMIT ?2"
    ))?;
    let rows = st
        .query_map(params![set, limit, record], |r| {
            Ok(RawChange {
                table: r.get(0)?,
                record: r.get(1)?,
                op: r.get(2)?,
                field: r.get(3)?,
                before: r.get(4)?,
                after: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// How a column's values are shown (see [`ChangeView::kind`]).
fn value_kind(conn: &Connection, table: &str, field: &str) -> CoreResult<String> {
    if let Some((_, _, list)) = crate::db::migrations::CODED_COLUMNS
        .iter()
        .find(|(t, c, _)| *t == table && *c == field)
    {
        return Ok(format!("code:{list}"));
    }
    // A reference: its values are the identities of the records it named.
    if let Some(r) = journal::references(conn, table)?
        .into_iter()
        .find(|r| r.column == field)
    {
        return Ok(match r.target {
            journal::Target::Table(parent) => format!("ref:{parent}"),
            journal::Target::ByKind { .. } => "ref:*".to_string(),
        });
    }
    let kind = if field.ends_with("_cents") {
        "money"
    } else if field == "date"
        || field == "since"
        || field.ends_with("_date")
        || field.ends_with("_on")
        || field.starts_with("period_")
    {
        "date"
    } else if ["is_user", "done", "recommended", "frozen", "generated"].contains(&field) {
        "flag"
    } else {
        let declared: Option<String> = conn
            .query_row(
                "SELECT upper(type) FROM pragma_table_info(?1) WHERE name = ?2",
                params![table, field],
                |r| r.get(0),
            )
            .optional()?;
        match declared.as_deref() {
            Some("INTEGER") | Some("REAL") => "number",
            Some("BLOB") => "binary",
            _ => "text",
        }
    };
    Ok(kind.into())
}

/// The name of a record: as it is now, or as the journal last had it.
pub(crate) fn record_name(conn: &Connection, table: &str, uid: &str) -> CoreResult<String> {
    if table == "link" {
        let now: Option<String> = conn
            .query_row(
                "SELECT (SELECT name FROM actor WHERE id = l.actor_a) || ' – ' ||
                        (SELECT name FROM actor WHERE id = l.actor_b)
                 FROM link AS l WHERE l.uid = ?1",
                [uid],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        if let Some(now) = now {
            return Ok(now);
        }
        // Deleted: its two actors as the journal named them (identities), by their names.
        let ends: Option<(Option<String>, Option<String>)> = conn
            .query_row(
                &format!(
                    "SELECT json_extract(coalesce(before, after), '$.actor_a'),
                            json_extract(coalesce(before, after), '$.actor_b')
                     FROM {} WHERE op IN (1, 3) ORDER BY id DESC LIMIT 1",
                    journal::record_entries("?1")
                ),
                [uid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((Some(a), Some(b))) = ends else {
            return Ok(String::new());
        };
        return Ok(format!(
            "{} – {}",
            record_name(conn, "actor", &a)?,
            record_name(conn, "actor", &b)?
        ));
    }
    let Some(column) = records::kind(table).and_then(|k| k.name_column) else {
        return Ok(String::new());
    };
    // The table name comes from the list above, never from input.
    let now: Option<String> = conn
        .query_row(
            &format!("SELECT CAST(\"{column}\" AS TEXT) FROM \"{table}\" WHERE uid = ?1"),
            [uid],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(name) = now {
        return Ok(name);
    }
    let journaled: Option<String> = conn
        .query_row(
            &format!(
                "SELECT json_extract(coalesce(before, after), '$.' || ?2) FROM {}
                 WHERE op IN (1, 3) ORDER BY id DESC LIMIT 1",
                journal::record_entries("?1")
            ),
            params![uid, column],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(journaled.unwrap_or_default())
}

/// The name of the record a reference's value names (its identity), as it was then: as it
/// is now, or as the journal last had it. `table` `*`: any table a polymorphic reference of
/// `of` may point into.
fn referenced_name(
    conn: &Connection,
    of: &str,
    field: &str,
    table: &str,
    value: &Value,
) -> CoreResult<Option<String>> {
    let Some(uid) = value.as_str() else {
        return Ok(None);
    };
    let tables: Vec<String> = if table == "*" {
        journal::references(conn, of)?
            .into_iter()
            .find(|r| r.column == field)
            .map(|r| r.target.tables().into_iter().map(str::to_string).collect())
            .unwrap_or_default()
    } else {
        vec![table.to_string()]
    };
    for t in tables {
        let name = record_name(conn, &t, uid)?;
        if !name.is_empty() {
            return Ok(Some(name));
        }
    }
    Ok(None)
}

/// The label a change set's changes tell, when its code gave none: its main record (the
/// one deleted of the kind that comes first in [`RECORD_KINDS`], where parents come before
/// the rows a deletion takes with them: whatever order the entries were written in; else
/// the first one changed), what happened to it, and how many other records went with it.
fn told_label(conn: &Connection, set: i64) -> CoreResult<ChangeLabel> {
    // Table names of Catalyse's own list, as SQL literals.
    let rank = format!(
        "CASE tbl {} ELSE {} END",
        RECORD_KINDS
            .iter()
            .enumerate()
            .map(|(i, k)| format!("WHEN '{}' THEN {i}", k.table))
            .collect::<Vec<_>>()
            .join(" "),
        RECORD_KINDS.len()
    );
    // A batch entry stands for its first record's insert (read from its row alone).
    let main: Option<(String, String, i64)> = conn
        .query_row(
            &format!(
                "SELECT tbl, CASE WHEN op = 4 THEN json_extract(catalyse_rows(after), '$[0].uid') ELSE record END,
                        CASE WHEN op = 4 THEN 1 ELSE op END
                 FROM change WHERE set_id = ?1
                 ORDER BY (op = 3) DESC, CASE WHEN op = 3 THEN {rank} END, id LIMIT 1"
            ),
            [set],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((table, record, op)) = main else {
        return Ok(ChangeLabel::new("history.empty", &[]));
    };
    // The records of a batch are new, each once.
    let others: i64 = conn.query_row(
        "SELECT (SELECT count(DISTINCT record) FROM change WHERE set_id = ?1 AND op <> 4)
              + (SELECT coalesce(sum(before), 0) FROM change WHERE set_id = ?1 AND op = 4) - 1",
        [set],
        |r| r.get(0),
    )?;
    let code = match (ChangeOp::from_code(op), others > 0) {
        (ChangeOp::Insert, false) => "history.created",
        (ChangeOp::Insert, true) => "history.created_with",
        (ChangeOp::Update, false) => "history.updated",
        (ChangeOp::Update, true) => "history.updated_with",
        (ChangeOp::Delete, false) => "history.deleted",
        (ChangeOp::Delete, true) => "history.deleted_with",
    };
    Ok(ChangeLabel::new(
        code,
        &[
            ("kind", table.clone()),
            ("name", record_name(conn, &table, &record)?),
            ("count", others.to_string()),
        ],
    ))
}

/// The kind of record `table` holds, in French with its article (« l'acteur »), and whether
/// the noun is feminine (for the agreement of a participle).
pub(crate) fn kind_fr(table: &str) -> (&'static str, bool) {
    records::kind(table).map_or(("l'enregistrement", false), |k| (k.noun_fr, k.feminine))
}

/// The French sentence of a label, for the command line (the interface says it in its own
/// language from the code and arguments).
pub fn label_fr(label: &ChangeLabel) -> String {
    let arg = |k: &str| label.args.get(k).cloned().unwrap_or_default();
    let what = || {
        let name = arg("name");
        let kind = arg("kind");
        let kind = records::kind(&kind).map_or(kind.clone(), |k| k.noun_fr.to_string());
        // « de » before the article: du, de la, de l'.
        let kind = match kind.strip_prefix("le ") {
            Some(rest) => format!("du {rest}"),
            None => format!("de {kind}"),
        };
        if name.is_empty() {
            kind
        } else {
            format!("{kind} « {name} »")
        }
    };
    match label.code.as_str() {
        "history.created" => format!("Création {}", what()),
        "history.created_with" => format!(
            "Création {} (et de {} autre(s) enregistrement(s))",
            what(),
            arg("count")
        ),
        "history.updated" => format!("Modification {}", what()),
        "history.updated_with" => format!(
            "Modification {} (et de {} autre(s) enregistrement(s))",
            what(),
            arg("count")
        ),
        "history.deleted" => format!("Suppression {}", what()),
        "history.deleted_with" => format!(
            "Suppression {} et de ce qui en dépendait ({} enregistrement(s))",
            what(),
            arg("count")
        ),
        "undo" => format!("Annulation de la modification n° {}", arg("set")),
        "rgpd.erase" => "Effacement RGPD d'une personne".into(),
        "import" => {
            let kind = match arg("kind").as_str() {
                "actors" => "acteur(s)",
                "links" => "lien(s)",
                "meetings" => "rencontre(s)",
                other => other,
            }
            .to_string();
            let file = arg("file");
            if file.is_empty() {
                format!("Import de {} {kind}", arg("count"))
            } else {
                format!("Import de {} {kind} depuis {file}", arg("count"))
            }
        }
        "share.merge_actors" => format!(
            "Fusion de l'acteur « {} » dans « {} »",
            arg("other"),
            arg("name")
        ),
        "share.accept_invariant" => "Anomalie laissée telle quelle".into(),
        "share.reorder" => "Ordre rétabli après un partage".into(),
        "history.empty" => "Aucune modification".into(),
        other => other.to_string(),
    }
}

impl Store {
    /// Runs `f` and gives, with its result, the change set it made: the one an « Annuler »
    /// right after it undoes (through [`Store::undo_change_set`], as the Journal does).
    /// `None` when it committed nothing the journal keeps.
    pub fn with_change_set<T>(
        &mut self,
        f: impl FnOnce(&mut Store) -> CoreResult<T>,
    ) -> CoreResult<(T, Option<i64>)> {
        self.journal.take_committed();
        let out = f(self)?;
        let Some(at) = self.journal.take_committed() else {
            return Ok((out, None));
        };
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM change_set WHERE at = ?1 AND device = ?2",
                params![at, self.journal.device_id()],
                |r| r.get(0),
            )
            .optional()?;
        Ok((out, id))
    }

    /// One change set, summarised.
    pub fn change_set_summary(&self, id: i64) -> CoreResult<ChangeSetSummary> {
        let row: Option<(i64, String, String, String, Option<i64>)> = self
            .conn
            .query_row(
                "SELECT at, author, device, label, undoes FROM change_set WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((at, author, device, label, undoes)) = row else {
            return Err(CoreError::NotFound {
                what: "Modification",
                id,
            });
        };
        let label = match serde_json::from_str::<ChangeLabel>(&label) {
            Ok(l) if !label.is_empty() => l,
            _ => told_label(&self.conn, id)?,
        };
        let changes: i64 =
            self.conn
                .query_row(&format!("SELECT {}", journal::SET_RECORDS), [id], |r| {
                    r.get(0)
                })?;
        let undone_by: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM change_set WHERE undoes = ?1 ORDER BY id DESC LIMIT 1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(ChangeSetSummary {
            id,
            at: clock_text(at),
            author,
            device,
            label,
            changes,
            undoes,
            undone_by,
        })
    }

    /// A page of change sets, newest first, filtered as `q` asks.
    /// Each change set comes with its first [`FIRST_TOLD`] changes, or with all of the
    /// record's (at most [`DETAIL_MAX`]) in a record's history: the page is shown at once.
    pub fn history(&self, q: &HistoryQuery) -> CoreResult<HistoryPage> {
        let limit = q.limit.unwrap_or(50).clamp(1, PAGE_MAX);
        let ids = self.history_ids(q)?;
        let more = ids.len() > limit as usize;
        let told = if q.record.is_some() {
            DETAIL_MAX
        } else {
            FIRST_TOLD
        };
        let sets = ids
            .iter()
            .take(limit as usize)
            .map(|id| self.told(*id, q.record.as_deref(), told))
            .collect::<CoreResult<_>>()?;
        Ok(HistoryPage {
            sets,
            more,
            record: q.record.clone(),
        })
    }

    /// The ids of the page `q` asks for, newest first, and one more when more follow.
    pub(crate) fn history_ids(&self, q: &HistoryQuery) -> CoreResult<Vec<i64>> {
        let limit = q.limit.unwrap_or(50).clamp(1, PAGE_MAX);
        let since = q
            .since
            .as_deref()
            .map(|d| day_start(d, "since", false))
            .transpose()?;
        let until = q
            .until
            .as_deref()
            .map(|d| day_start(d, "until", true))
            .transpose()?;
        let text = q
            .text
            .as_deref()
            .map(crate::shared::text::fold)
            .filter(|t| !t.is_empty());
        let fold = crate::db::store::FOLD_FUNCTION;
        let of_record = journal::record_entries("?3");
        let after = journal::after_text("c");
        let sql = format!(
            "SELECT s.id FROM change_set AS s
             WHERE (?1 IS NULL OR s.author = ?1)
               AND (?2 IS NULL OR EXISTS (SELECT 1 FROM change AS c WHERE c.set_id = s.id AND c.tbl = ?2))
               AND (?3 IS NULL OR s.id IN (SELECT set_id FROM {of_record}))
               AND (?4 IS NULL OR s.at >= ?4)
               AND (?5 IS NULL OR s.at < ?5)
               AND (?6 IS NULL OR s.id < ?6)
               AND (?7 IS NULL OR instr({fold}(s.author || ' ' || s.label), ?7) > 0
                    OR EXISTS (SELECT 1 FROM change AS c WHERE c.set_id = s.id AND (
                         (typeof(c.before) = 'text' AND instr({fold}(c.before), ?7) > 0)
                      OR (typeof({after}) = 'text' AND instr({fold}({after}), ?7) > 0))))
             ORDER BY s.id DESC LIMIT ?8"
        );
        let ids: Vec<i64> = self
            .conn
            .prepare_cached(&sql)?
            .query_map(
                params![
                    q.author,
                    q.table,
                    q.record,
                    since,
                    until,
                    q.before_id,
                    text,
                    i64::from(limit) + 1
                ],
                |r| r.get(0),
            )?
            .collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// The history of one record (`table`, integer `id`), newest first.
    pub fn record_history(
        &self,
        table: &str,
        id: i64,
        q: &HistoryQuery,
    ) -> CoreResult<HistoryPage> {
        let tables = crate::db::journal::record_tables(&self.conn)?;
        let Some(table) = tables.iter().find(|t| *t == table) else {
            return Err(CoreError::validation(
                "table",
                "history.table",
                format!("Type d'enregistrement inconnu : « {table} »."),
            ));
        };
        let uid: Option<String> = self
            .conn
            .query_row(
                &format!("SELECT uid FROM \"{table}\" WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(uid) = uid else {
            return Err(CoreError::NotFound {
                what: "Enregistrement",
                id,
            });
        };
        self.history(&HistoryQuery {
            record: Some(uid),
            ..q.clone()
        })
    }

    /// A change set with its first `limit` changes (at most [`DETAIL_MAX`]), ready to be told.
    pub fn change_set_detail(&self, id: i64, limit: i64) -> CoreResult<ChangeSetDetail> {
        self.told(id, None, limit)
    }

    /// A change set with its first `limit` changes (of `record` only, when given).
    fn told(&self, id: i64, record: Option<&str>, limit: i64) -> CoreResult<ChangeSetDetail> {
        let summary = self.change_set_summary(id)?;
        let rows = raw_changes_of(&self.conn, id, record, limit.clamp(1, DETAIL_MAX))?;
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
            let op = ChangeOp::from_code(op);
            let (kind, before, after) = match (&field, op) {
                (Some(f), ChangeOp::Update) => (
                    value_kind(&self.conn, &table, f)?,
                    json_of(before, false),
                    json_of(after, false),
                ),
                _ => (
                    "record".to_string(),
                    json_of(before, true),
                    json_of(after, true),
                ),
            };
            let (before_name, after_name) = match (kind.strip_prefix("ref:"), &field) {
                (Some(parent), Some(f)) => (
                    referenced_name(&self.conn, &table, f, parent, &before)?,
                    referenced_name(&self.conn, &table, f, parent, &after)?,
                ),
                _ => (None, None),
            };
            changes.push(ChangeView {
                name: record_name(&self.conn, &table, &record)?,
                table,
                record,
                op,
                field,
                kind,
                before,
                after,
                before_name,
                after_name,
            });
        }
        let of_record = match record {
            Some(uid) => self.conn.query_row(
                &format!(
                    "SELECT count(*) FROM {} WHERE set_id = ?1",
                    journal::record_entries("?2")
                ),
                params![id, uid],
                |r| r.get(0),
            )?,
            None => summary.changes,
        };
        let more = (of_record - changes.len() as i64).max(0);
        Ok(ChangeSetDetail {
            summary,
            changes,
            more,
        })
    }

    /// Who made changes, in alphabetical order (at most [`PAGE_MAX`]): the Journal's filter.
    pub fn history_authors(&self) -> CoreResult<Vec<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT DISTINCT author FROM change_set ORDER BY author LIMIT ?1")?;
        let names = st
            .query_map([PAGE_MAX], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(names)
    }

    /// The journal's size: change sets, entries, and bytes on disk (its tables and indexes).
    pub fn journal_size(&self) -> CoreResult<(i64, i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM change_set), (SELECT count(*) FROM change),
                    (SELECT coalesce(sum(pgsize), 0) FROM dbstat
                     WHERE name IN ('change', 'change_set', 'change_of_set', 'change_of_record',
                                    'change_set_identity', 'change_set_undoes',
                                    'change_set_author'))",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    }
}
