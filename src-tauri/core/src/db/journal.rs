//! Capture of every change: the journal's triggers, generated from the schema, and the state
//! of a connection they read (who writes, from which installation, under which label).
//!
//! Each table of records has three triggers, `journal_<table>_insert`, `_update` and
//! `_delete`, that write to `change` in the same statement as the change itself, so nothing
//! can be committed without its journal and a rolled-back change leaves none. They are
//! generated from the table's columns when a workspace is migrated or opened
//! ([`sync_triggers`]): a column or a table added by a later migration is journaled without
//! anyone having to remember it.
//!
//! The triggers call Catalyse's SQL functions for what SQL cannot know: whether journaling is
//! on (`catalyse_journal_on`, off only while a workspace JSON is being copied in), and the
//! change set of the current transaction (`catalyse_journal_at` and friends): one per
//! transaction, created by the first change, forgotten when the transaction ends (the
//! connection's commit and rollback hooks).

use crate::db::records::Refers;
use crate::shared::error::CoreResult;
use rusqlite::Connection;
use std::sync::{Arc, Mutex};

/// Operation codes of `change.op`.
pub const INSERT: i64 = 1;
pub const UPDATE: i64 = 2;
pub const DELETE: i64 = 3;
/// A batch of inserted records of one table (migration 14), written by an import instead of
/// one [`INSERT`] entry per record: `after` is a JSON array of the records (packed since
/// migration 19: [`crate::db::packed`]; read it through `catalyse_rows(after)`), each exactly the
/// object the insert trigger writes for it with its `uid` put first (an insert entry's
/// identity is its `record`; a batch's `record` and `field` are the smallest and the largest
/// identity it holds, so that a record is looked for only in the batches whose range holds
/// it); `before` is how many records it holds. Every reader sees it as those inserts
/// ([`ENTRIES`]).
pub const ROWS: i64 = 4;

/// `after` of the entries of `change` (aliased `alias`, empty for none) as text: a batch's
/// records ([`ROWS`]) as the JSON they hold, packed or not ([`crate::db::packed`]); any
/// other entry's value as it is (a BLOB field's bytes are never taken for a packed batch).
pub fn after_text(alias: &str) -> String {
    let a = if alias.is_empty() {
        String::new()
    } else {
        format!("{alias}.")
    };
    format!(
        "CASE WHEN {a}op = {ROWS} THEN {}({a}after) ELSE {a}after END",
        crate::db::packed::ROWS_FUNCTION
    )
}

/// Records per batch entry ([`ROWS`]) of an import.
pub const ROWS_PER_BATCH: i64 = 1024;

/// The journal's entries as rows, each batch entry ([`ROWS`]) expanded into the [`INSERT`]
/// entries it stands for (the same text the trigger writes), as an SQL table expression with
/// the columns of `change` and `pos` (a record's place in its batch, 0 otherwise): ordered by
/// `id, pos`, they come in the order they were written. Every reader of the journal reads it
/// through this. A condition on `set_id`, `tbl` or `op` is pushed into both arms; one on
/// `record` alone reads every batch, so queries by record use [`record_entries`].
pub const ENTRIES: &str = "(SELECT id, set_id, tbl, record, op, field, before, after, 0 AS pos
     FROM change WHERE op <> 4
   UNION ALL
   SELECT c.id, c.set_id, c.tbl, json_extract(r.value, '$.uid'), 1, NULL, NULL,
          json_remove(r.value, '$.uid'), r.key
     FROM change AS c, json_each(catalyse_rows(c.after)) AS r WHERE c.op = 4)";

/// [`ENTRIES`] of the record whose identity is parameter `param` (`?1`…) only: its own
/// entries (by the index on `record`), and its insert inside a batch, looked for only in the
/// batches whose range of identities holds it (their rows tell it without their records).
pub fn record_entries(param: &str) -> String {
    format!(
        "(SELECT id, set_id, tbl, record, op, field, before, after, 0 AS pos
     FROM change WHERE record = {param} AND op <> 4
   UNION ALL
   SELECT c.id, c.set_id, c.tbl, json_extract(r.value, '$.uid'), 1, NULL, NULL,
          json_remove(r.value, '$.uid'), r.key
     FROM change AS c, json_each(catalyse_rows(c.after)) AS r
     WHERE c.op = 4 AND c.record <= {param} AND c.field >= {param}
       AND json_extract(r.value, '$.uid') = {param})"
    )
}

/// The number of records the entries of change set `?1` stand for (a batch, its records).
pub const SET_RECORDS: &str =
    "(SELECT coalesce(sum(CASE WHEN op = 4 THEN before ELSE 1 END), 0) FROM change WHERE set_id = ?1)";

/// Columns whose change alone is not worth a line of history (the time of the last edit:
/// the change set has its own time).
pub const UNJOURNALED_COLUMNS: &[&str] = &["updated_at", "uid"];

/// Bits of the hybrid logical clock given to the counter.
pub const CLOCK_COUNTER_BITS: u32 = 16;

/// The change set being written on a connection: its clock value.
#[derive(Debug, Clone)]
struct OpenSet {
    at: i64,
}

#[derive(Debug)]
struct State {
    enabled: bool,
    author: String,
    device: Option<String>,
    label: String,
    open: Option<OpenSet>,
    last_at: i64,
    /// The clock value of the last change set committed on this connection (see
    /// [`Journal::take_committed`]).
    committed: Option<i64>,
    /// Another laptop's change set being applied here (sharing): its device and author, until
    /// the transaction ends.
    foreign: Option<(String, String)>,
}

/// A connection's journaling state, shared with its SQL functions and hooks.
#[derive(Debug, Clone)]
pub struct Journal(Arc<Mutex<State>>);

impl Default for Journal {
    fn default() -> Self {
        Journal(Arc::new(Mutex::new(State {
            enabled: true,
            author: default_author(),
            device: None,
            label: String::new(),
            open: None,
            last_at: 0,
            committed: None,
            foreign: None,
        })))
    }
}

/// Who writes, until told otherwise: the account's user name.
fn default_author() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "Utilisateur".into())
}

impl Journal {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while the lock was held left nothing half-done here: keep going.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Turns capture on or off for this connection (off only to copy a journal in as it is).
    pub fn set_enabled(&self, on: bool) {
        self.state().enabled = on;
    }

    /// Whether changes are being journaled.
    pub fn enabled(&self) -> bool {
        self.state().enabled
    }

    /// The display name written with the next change sets.
    pub fn set_author(&self, name: &str) {
        let name = name.trim();
        if !name.is_empty() {
            self.state().author = name.chars().take(200).collect();
        }
    }

    /// The display name written with the change sets.
    pub fn author(&self) -> String {
        let s = self.state();
        match &s.foreign {
            Some((_, author)) => author.clone(),
            None => s.author.clone(),
        }
    }

    /// The changes written next, until the transaction ends, belong to another laptop's change
    /// set being applied here (sharing): its clock, device, author and label, so that the
    /// journal tells who made them, and where. The clock goes past it.
    pub(crate) fn adopt(&self, at: i64, device: &str, author: &str, label: &str) {
        let mut s = self.state();
        s.last_at = s.last_at.max(at);
        s.open = Some(OpenSet { at });
        s.foreign = Some((device.to_string(), author.to_string()));
        s.label = label.to_string();
    }

    /// The changes written next, until the transaction ends, are this laptop's own again,
    /// in a new change set labelled `label`: what applying another laptop's set makes this
    /// laptop do in its turn (an erasure's rewrite of a copy of the person it brought).
    pub(crate) fn start_own(&self, label: &ChangeLabel) {
        let mut s = self.state();
        s.open = None;
        s.foreign = None;
        s.label = serde_json::to_string(label).unwrap_or_default();
    }

    /// The clock's last value (see [`Journal::rewind`]).
    pub(crate) fn clock(&self) -> i64 {
        self.state().last_at
    }

    /// Puts the clock back to `at`, a value [`Journal::clock`] gave before change sets from
    /// another laptop were adopted then rolled back (a file refused): nothing was committed at
    /// their times, and a refused file far in the future must not move this laptop's clock.
    pub(crate) fn rewind(&self, at: i64) {
        let mut s = self.state();
        if s.open.is_none() {
            s.last_at = at;
        }
    }

    /// The installation's identity written with the change sets (instead of the one kept in
    /// the user's data folder).
    pub fn set_device(&self, device: &str) {
        self.state().device = Some(device.to_string());
    }

    /// The label of the change set the next write starts (JSON `{code, args}`), kept until
    /// the end of that transaction.
    pub fn set_label(&self, label: &ChangeLabel) {
        self.state().label = serde_json::to_string(label).unwrap_or_default();
    }

    /// The label the next change set will have, as kept (see [`Journal::keep_label`]).
    pub(crate) fn pending_label(&self) -> String {
        self.state().label.clone()
    }

    /// Gives back a label taken by [`Journal::pending_label`], after a statement that ends a
    /// transaction of its own (a change of journal mode), which forgets it.
    pub(crate) fn keep_label(&self, label: String) {
        self.state().label = label;
    }

    /// The clock never goes below a time already written in the workspace.
    pub fn observe(&self, at: i64) {
        let mut s = self.state();
        s.last_at = s.last_at.max(at);
    }

    /// The end of a transaction (committed or rolled back): the next change opens a new set.
    fn end_transaction(&self, committed: bool) {
        let mut s = self.state();
        if committed {
            if let Some(open) = s.open.take() {
                s.committed = Some(open.at);
            }
        }
        s.open = None;
        s.foreign = None;
        s.label.clear();
    }

    /// The clock value of the last change set committed since the previous call (`None`:
    /// no change the journal keeps was committed meanwhile).
    pub(crate) fn take_committed(&self) -> Option<i64> {
        self.state().committed.take()
    }

    /// The installation's identity the change sets carry.
    pub fn device_id(&self) -> String {
        self.device()
    }

    fn open_set(&self) -> OpenSet {
        let mut s = self.state();
        if let Some(open) = &s.open {
            return open.clone();
        }
        let wall = chrono::Utc::now().timestamp_millis() << CLOCK_COUNTER_BITS;
        let at = wall.max(s.last_at + 1);
        s.last_at = at;
        let open = OpenSet { at };
        s.open = Some(open.clone());
        open
    }

    fn device(&self) -> String {
        let mut s = self.state();
        if let Some((device, _)) = &s.foreign {
            return device.clone();
        }
        if s.device.is_none() {
            s.device = Some(crate::shared::dirs::device_id());
        }
        s.device.clone().unwrap_or_default()
    }
}

/// What a change set says it did, when the changes alone would not tell it (an import, an
/// undo, an erasure): a code the interface translates and the values it quotes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ChangeLabel {
    pub code: String,
    #[serde(default)]
    pub args: std::collections::BTreeMap<String, String>,
}

impl ChangeLabel {
    pub fn new(code: &str, args: &[(&str, String)]) -> ChangeLabel {
        ChangeLabel {
            code: code.into(),
            args: args
                .iter()
                .map(|(k, v)| ((*k).to_string(), v.clone()))
                .collect(),
        }
    }
}

/// The milliseconds since 1970 of a clock value.
pub fn clock_millis(at: i64) -> i64 {
    at >> CLOCK_COUNTER_BITS
}

/// Registers the journal's SQL functions on `conn`, sharing `journal`.
pub(crate) fn register(conn: &Connection, journal: &Journal) -> CoreResult<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_INNOCUOUS;
    let j = journal.clone();
    conn.create_scalar_function("catalyse_journal_on", 0, flags, move |_| Ok(j.enabled()))?;
    let j = journal.clone();
    conn.create_scalar_function("catalyse_journal_at", 0, flags, move |_| {
        Ok(j.open_set().at)
    })?;
    let j = journal.clone();
    conn.create_scalar_function("catalyse_journal_author", 0, flags, move |_| Ok(j.author()))?;
    let j = journal.clone();
    conn.create_scalar_function("catalyse_journal_device", 0, flags, move |_| Ok(j.device()))?;
    let j = journal.clone();
    conn.create_scalar_function("catalyse_journal_label", 0, flags, move |_| {
        Ok(j.state().label.clone())
    })?;
    Ok(())
}

/// Ends the current change set with each transaction (committed or rolled back).
pub(crate) fn install_hooks(conn: &mut Connection, journal: &Journal) -> CoreResult<()> {
    let j = journal.clone();
    conn.commit_hook(Some(move || {
        j.end_transaction(true);
        false
    }))?;
    let j = journal.clone();
    conn.rollback_hook(Some(move || j.end_transaction(false)))?;
    Ok(())
}

/// The tables of records: journaled, each with an identity.
pub(crate) fn record_tables(conn: &Connection) -> CoreResult<Vec<String>> {
    Ok(crate::db::tables::data_tables(conn)?
        .into_iter()
        .filter(|t| !crate::db::migrations::JOURNAL_TABLES.contains(&t.as_str()))
        .collect())
}

/// A table's columns and their declared types, in order (from the schema, never from input).
pub(crate) fn columns(conn: &Connection, table: &str) -> CoreResult<Vec<(String, String)>> {
    let mut st =
        conn.prepare("SELECT name, upper(type) FROM pragma_table_info(?1) ORDER BY cid")?;
    let cols = st
        .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(cols)
}

/// `"name"`, quoted for SQL (names come from the schema).
fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Columns an insert's entry leaves out: the identity is the entry's `record`, and the time
/// of the last edit is the creation's.
const LEFT_OUT_OF_INSERTS: &[&str] = &["uid", "updated_at"];

/// What a column that refers to another record points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A record of this table (a foreign key to its `id`).
    Table(String),
    /// A record of the table that the row's `kind` column names, as (code, table).
    ByKind {
        kind: &'static str,
        tables: &'static [(&'static str, &'static str)],
    },
}

impl Target {
    /// The tables it may point into.
    pub(crate) fn tables(&self) -> Vec<&str> {
        match self {
            Target::Table(t) => vec![t.as_str()],
            Target::ByKind { tables, .. } => tables.iter().map(|(_, t)| *t).collect(),
        }
    }
}

/// A column of a table of records that refers to another record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reference {
    pub(crate) column: String,
    pub(crate) target: Target,
}

/// The single-column foreign keys of a table (`?1`) to an `id` column, as (column, table).
pub(crate) const SINGLE_REFERENCES: &str =
    "SELECT f.\"from\" AS c, f.\"table\" AS t FROM pragma_foreign_key_list(?1) AS f
     WHERE coalesce(f.\"to\", 'id') = 'id'
       AND (SELECT count(*) FROM pragma_foreign_key_list(?1) AS g WHERE g.id = f.id) = 1";

/// The columns of `table` that refer to other records, in column order: the schema's foreign
/// keys, and the references its descriptor declares that they do not tell (one inside a
/// composite key, an evidence's assessment whose key is the rating's; the polymorphic ones, a
/// record named by a kind and an id: a note's records, an evidence's), for the columns the
/// file's table has.
pub(crate) fn references(conn: &Connection, table: &str) -> CoreResult<Vec<Reference>> {
    let mut found: Vec<Reference> = conn
        .prepare_cached(SINGLE_REFERENCES)?
        .query_map([table], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .map(|x| {
            x.map(|(column, t)| Reference {
                column,
                target: Target::Table(t),
            })
        })
        .collect::<Result<_, _>>()?;
    let cols = columns(conn, table)?;
    let declared = crate::db::records::kind(table).map_or(&[][..], |k| k.references);
    for r in declared {
        if !cols.iter().any(|(c, _)| c == r.column) {
            continue;
        }
        let target = match r.to {
            // The schema tells it.
            Refers::To(_) => continue,
            Refers::Through(t) => Target::Table(t.to_string()),
            Refers::ByKind { kind_column, kinds } => Target::ByKind {
                kind: kind_column,
                tables: kinds,
            },
        };
        found.retain(|f| f.column != r.column);
        found.push(Reference {
            column: r.column.to_string(),
            target,
        });
    }
    found.sort_by_key(|r| cols.iter().position(|(c, _)| *c == r.column));
    Ok(found)
}

/// The identity of the record that `row.column` refers to in `target` (a table of
/// records), as the journal writes it: found in the table, or, when that record was
/// deleted earlier in this same change set (a cascade: SQLite deletes the parent's row
/// before its children's, whose triggers run after), in the entry its deletion wrote first
/// (the delete triggers run before the row goes). An id found nowhere stays as it is.
fn uid_of(row: &str, column: &str, target: &str) -> String {
    let v = format!("{row}.{}", q(column));
    format!(
        "coalesce((SELECT r.uid FROM {qt} AS r WHERE r.id = {v}), \
(SELECT d.record FROM change AS d WHERE d.tbl = '{t}' AND d.op = {DELETE} \
AND json_extract(d.before, '$.id') = {v} AND d.set_id = {SET_ID} ORDER BY d.id DESC LIMIT 1), {v})",
        qt = q(target),
        t = target.replace('\'', "''"),
    )
}

/// The value the journal writes for column `column` of `row`: the column itself, or, for a
/// reference, the identity of the record it points at (null stays null).
fn journal_value(row: &str, column: &str, kind: &str, refs: &[Reference]) -> String {
    let v = format!("{row}.{}", q(column));
    match refs.iter().find(|r| r.column == column).map(|r| &r.target) {
        Some(Target::Table(t)) => {
            format!(
                "CASE WHEN {v} IS NULL THEN NULL ELSE {} END",
                uid_of(row, column, t)
            )
        }
        Some(Target::ByKind { kind, tables }) => {
            let arms: Vec<String> = tables
                .iter()
                .map(|(code, t)| {
                    format!(
                        "WHEN '{}' THEN {}",
                        code.replace('\'', "''"),
                        uid_of(row, column, t)
                    )
                })
                .collect();
            format!(
                "CASE WHEN {v} IS NULL THEN NULL ELSE CASE {row}.{} {} ELSE {v} END END",
                q(kind),
                arms.join(" ")
            )
        }
        None if kind == "BLOB" => format!("hex({v})"),
        None => v,
    }
}

/// The record as a JSON object, BLOBs as hexadecimal, references as identities (an insert's
/// without [`LEFT_OUT_OF_INSERTS`]).
fn row_json(row: &str, cols: &[(String, String)], refs: &[Reference]) -> String {
    let pairs: Vec<String> = cols
        .iter()
        .filter(|(name, _)| row == "OLD" || !LEFT_OUT_OF_INSERTS.contains(&name.as_str()))
        .map(|(name, kind)| {
            format!(
                "'{}', {}",
                name.replace('\'', "''"),
                journal_value(row, name, kind, refs)
            )
        })
        .collect();
    format!("json_object({})", pairs.join(", "))
}

pub(crate) const OPEN_SET: &str = "INSERT INTO change_set (at, author, device, label)
    SELECT catalyse_journal_at(), catalyse_journal_author(), catalyse_journal_device(),
           catalyse_journal_label()
    WHERE NOT EXISTS (SELECT 1 FROM change_set
                      WHERE at = catalyse_journal_at() AND device = catalyse_journal_device());";

/// The change set of the current transaction (`SELECT` it; Rust code uses it too).
pub const SET_ID: &str = "(SELECT id FROM change_set
    WHERE at = catalyse_journal_at() AND device = catalyse_journal_device())";

/// The three journal triggers of `table`, as (name, SQL). The delete trigger runs before the
/// row goes, so that a deletion's entry is written before those of the rows it cascades to,
/// which name it ([`uid_of`]).
fn table_triggers(
    table: &str,
    cols: &[(String, String)],
    refs: &[Reference],
) -> Vec<(String, String)> {
    let t = table.replace('\'', "''");
    let insert = format!(
        "CREATE TRIGGER {name_insert} AFTER INSERT ON {qt} WHEN catalyse_journal_on()
BEGIN
{OPEN_SET}
INSERT INTO change (set_id, tbl, record, op, after)
    VALUES ({SET_ID}, '{t}', NEW.uid, {INSERT}, {json});
END",
        qt = q(table),
        name_insert = q(&format!("journal_{table}_insert")),
        json = row_json("NEW", cols, refs),
    );
    let delete = format!(
        "CREATE TRIGGER {name_delete} BEFORE DELETE ON {qt} WHEN catalyse_journal_on()
BEGIN
{OPEN_SET}
INSERT INTO change (set_id, tbl, record, op, before)
    VALUES ({SET_ID}, '{t}', OLD.uid, {DELETE}, {json});
END",
        qt = q(table),
        name_delete = q(&format!("journal_{table}_delete")),
        json = row_json("OLD", cols, refs),
    );
    let tracked: Vec<&(String, String)> = cols
        .iter()
        .filter(|(name, _)| !UNJOURNALED_COLUMNS.contains(&name.as_str()))
        .collect();
    let changed: Vec<String> = tracked
        .iter()
        .map(|(name, _)| format!("OLD.{0} IS NOT NEW.{0}", q(name)))
        .collect();
    // One row per column (a VALUES list would do, but its columns have no names inside a
    // trigger, where WITH is not allowed either). A reference's values are identities.
    let values: Vec<String> = tracked
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let field = name.replace('\'', "''");
            let (b, a) = match refs.iter().any(|r| r.column == *name) {
                true => (
                    journal_value("OLD", name, "", refs),
                    journal_value("NEW", name, "", refs),
                ),
                false => (format!("OLD.{}", q(name)), format!("NEW.{}", q(name))),
            };
            if i == 0 {
                format!("SELECT '{field}' AS f, {b} AS b, {a} AS a")
            } else {
                format!("SELECT '{field}', {b}, {a}")
            }
        })
        .collect();
    let update = format!(
        "CREATE TRIGGER {name_update} AFTER UPDATE ON {qt}
WHEN catalyse_journal_on() AND ({changed})
BEGIN
{OPEN_SET}
INSERT INTO change (set_id, tbl, record, op, field, before, after)
    SELECT {SET_ID}, '{t}', NEW.uid, {UPDATE}, f, b, a
    FROM ({values}) WHERE b IS NOT a;
END",
        qt = q(table),
        name_update = q(&format!("journal_{table}_update")),
        changed = changed.join(" OR "),
        values = values.join(" UNION ALL "),
    );
    vec![
        (format!("journal_{table}_insert"), insert),
        (format!("journal_{table}_update"), update),
        (format!("journal_{table}_delete"), delete),
    ]
}

/// Writes, in one statement, the entries of `table`'s rows whose `key` is at least `first` as
/// batch entries ([`ROWS`]) of [`ROWS_PER_BATCH`] records, in the current change set (opened
/// if need be): each record the object its insert trigger would have written, with its
/// `uid`, in the order of `key` (and of creation for rows of one key: identities are UUIDv7,
/// which grow). A bulk import takes the trigger out
/// ([`crate::db::bulk::Deferred::journal_inserts`]) and calls this: one entry per thousand
/// records rather than one per record. Nothing is written while the journal is switched
/// off, as with the trigger.
pub(crate) fn backfill_batches(
    conn: &Connection,
    table: &str,
    key: &str,
    first: i64,
) -> CoreResult<()> {
    let on: bool = conn.query_row("SELECT catalyse_journal_on()", [], |r| r.get(0))?;
    let (qt, qk) = (q(table), q(key));
    let any: bool = conn.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM {qt} WHERE {qk} >= ?1)"),
        [first],
        |r| r.get(0),
    )?;
    if !on || !any {
        return Ok(());
    }
    let (json, joins) = batch_json(&qt, &columns(conn, table)?, &references(conn, table)?);
    conn.execute_batch(OPEN_SET)?;
    let last: i64 = conn.query_row(&format!("SELECT max({qk}) FROM {qt}"), [], |r| r.get(0))?;
    // One statement per batch, each reading a range of `key` in order (a single statement
    // grouping the rows would sort them all, their JSON with them: three times slower).
    let mut st = conn.prepare(&format!(
        "INSERT INTO change (set_id, tbl, record, op, field, before, after)
         SELECT {SET_ID}, '{t}', min({qt}.uid), {ROWS}, max({qt}.uid), count(*),
                catalyse_pack(json_group_array({json}{order}))
         FROM {qt}{joins} WHERE {qt}.{qk} >= ?1 AND {qt}.{qk} < ?2 HAVING count(*) > 0",
        t = table.replace('\'', "''"),
        // The rows of a range of ids come in that order already: sorting them again, their
        // JSON with them, would double the time.
        order = match key {
            "id" => String::new(),
            _ => format!(" ORDER BY {qt}.{qk}, {qt}.uid"),
        },
    ))?;
    let mut lo = first;
    while lo <= last {
        st.execute([lo, lo + ROWS_PER_BATCH])?;
        lo += ROWS_PER_BATCH;
    }
    Ok(())
}

/// A batch's record of the row of `qt` (quoted): the insert trigger's JSON with the `uid`
/// first, and the joins it reads. A reference to a table's record reads its identity by a
/// join (in the loop of the rows, where a subquery per row and reference costs twice the
/// rest); when the join finds none, the trigger's own expression says what it would.
fn batch_json(qt: &str, cols: &[(String, String)], refs: &[Reference]) -> (String, String) {
    let mut joins = String::new();
    let mut pairs = vec![format!("'uid', {qt}.uid")];
    for (i, (name, kind)) in cols.iter().enumerate() {
        if LEFT_OUT_OF_INSERTS.contains(&name.as_str()) {
            continue;
        }
        let value = journal_value(qt, name, kind, refs);
        let target = refs.iter().find(|r| r.column == *name).map(|r| &r.target);
        let value = match target {
            Some(Target::Table(t)) => {
                joins.push_str(&format!(
                    " LEFT JOIN {} AS j{i} ON j{i}.id = {qt}.{}",
                    q(t),
                    q(name)
                ));
                format!("coalesce(j{i}.uid, {value})")
            }
            _ => value,
        };
        pairs.push(format!("'{}', {value}", name.replace('\'', "''")));
    }
    (format!("json_object({})", pairs.join(", ")), joins)
}

/// The three journal triggers of `table` on the schema of `conn`, as (name, SQL).
pub(crate) fn table_triggers_of(
    conn: &Connection,
    table: &str,
) -> CoreResult<Vec<(String, String)>> {
    Ok(table_triggers(
        table,
        &columns(conn, table)?,
        &references(conn, table)?,
    ))
}

/// The journal triggers the schema of `conn` calls for, as (name, SQL).
pub(crate) fn expected_triggers(conn: &Connection) -> CoreResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for table in record_tables(conn)? {
        out.extend(table_triggers_of(conn, &table)?);
    }
    Ok(out)
}

/// Makes the journal triggers those the schema calls for: creates the missing ones, replaces
/// the ones whose table changed, drops the ones of tables that are gone. Writes nothing when
/// they are already right (every open but the first after a migration).
pub(crate) fn sync_triggers(conn: &Connection) -> CoreResult<bool> {
    let expected = expected_triggers(conn)?;
    let present: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, sql FROM sqlite_master
             WHERE type = 'trigger' AND name LIKE 'journal\\_%' ESCAPE '\\'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut changed = false;
    for (name, sql) in &present {
        if !expected.iter().any(|(n, s)| n == name && s == sql) {
            conn.execute_batch(&format!("DROP TRIGGER {}", q(name)))?;
            changed = true;
        }
    }
    for (name, sql) in &expected {
        if !present.iter().any(|(n, s)| n == name && s == sql) {
            conn.execute_batch(sql)?;
            changed = true;
        }
    }
    Ok(changed)
}

#[cfg(test)]
#[path = "journal_tests.rs"]
mod tests;
