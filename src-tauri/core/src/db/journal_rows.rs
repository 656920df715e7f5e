//! The batch entries ([`crate::db::journal::ROWS`]) of an import, written from the rows it
//! holds in memory rather than read back from the table.
//!
//! [`crate::db::journal::backfill_batches`] builds each record's JSON in SQL (`json_object`
//! per row, a join per reference, `json_group_array` per batch): about 2 s of a million
//! links' import. Here the import hands the same cells it inserts; each record is written as
//! the text SQLite's `json_object` gives for it (same keys in the same order, strings escaped
//! as SQLite escapes them, integers in decimal), references replaced by the identities of
//! the records they point at, and the batches are cut as the backfill cuts them (every
//! [`ROWS_PER_BATCH`] ids from the first). The records are built, and packed
//! ([`crate::db::packed`]), on a second thread while the rows are inserted
//! ([`insert_journaled`]): a million links' journal (360 MB of JSON, about 50 MB packed)
//! then costs little more than writing those bytes. The test
//! `journal_rows::tests::the_rows_in_memory_journal_what_the_table_backfill_journals`
//! compares both, byte for byte.
//!
//! A [`Plan`] exists only for a table whose every journaled column the import writes, with
//! integer and text values and references to tables (not by kind): anything else (a column
//! a later migration adds with a default, say) makes [`plan`] say `None`, and the import
//! falls back to the backfill.

use crate::db::journal::{columns, references, Target, OPEN_SET, ROWS, ROWS_PER_BATCH, SET_ID};
use crate::db::store::{insert_batched, Cell};
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection};
use rustc_hash::FxHashMap;

/// Where a journaled field's value comes from, in the cells of an inserted row.
enum Source {
    /// The cell at this place, as it is.
    Cell(usize),
    /// The cell at this place is the id of a record of this table: its identity.
    Reference(usize, String),
}

/// How to write the batch entries of a table's rows from the cells of their insert.
pub(crate) struct Plan {
    table: String,
    /// Place of the `id` and `uid` cells.
    id: usize,
    uid: usize,
    /// Each field of a record after its `uid`: `"name":` (as JSON) and where its value is.
    fields: Vec<(String, Source)>,
}

/// The plan for the rows of `table` inserted with the columns `inserted` (in that order),
/// or `None` when the cells would not say every field of the journal.
pub(crate) fn plan(conn: &Connection, table: &str, inserted: &[&str]) -> CoreResult<Option<Plan>> {
    let place = |c: &str| inserted.iter().position(|i| *i == c);
    let (Some(id), Some(uid)) = (place("id"), place("uid")) else {
        return Ok(None);
    };
    let refs = references(conn, table)?;
    let mut fields = Vec::new();
    for (name, kind) in columns(conn, table)? {
        if name == "uid" || name == "updated_at" {
            continue;
        }
        let Some(at) = place(&name) else {
            return Ok(None);
        };
        if kind != "INTEGER" && kind != "TEXT" {
            return Ok(None);
        }
        let source = match refs.iter().find(|r| r.column == name).map(|r| &r.target) {
            None => Source::Cell(at),
            Some(Target::Table(t)) => Source::Reference(at, t.clone()),
            Some(Target::ByKind { .. }) => return Ok(None),
        };
        let mut key = String::new();
        json_string(&mut key, &name);
        key.push(':');
        fields.push((key, source));
    }
    Ok(Some(Plan {
        table: table.to_string(),
        id,
        uid,
        fields,
    }))
}

/// A batch entry built from rows: its smallest and largest identity, its record count and
/// its records packed ([`crate::db::packed`]).
pub(crate) struct Batch {
    low: String,
    high: String,
    count: i64,
    packed: Vec<u8>,
}

/// What writing a plan's batches needs from the file: the change set, and the identities
/// of the records the rows refer to, by table and id.
pub(crate) struct Open {
    set: i64,
    identities: FxHashMap<String, FxHashMap<i64, String>>,
}

/// Inserts `rows` rows into `into` with [`insert_batched`] (the same `cells`, `each_batch`)
/// and, with a `plan`, writes their batch entries: built on a second thread while the rows
/// are inserted, and written as they come (between two statements of the insert, then the
/// rest), so that the journal costs about what writing its bytes does. Nothing is written
/// to the journal while it is switched off, as with the trigger.
pub(crate) fn insert_journaled<'r, F>(
    conn: &Connection,
    plan: Option<&Plan>,
    into: &str,
    columns: usize,
    rows: usize,
    cells: &F,
    mut each_batch: impl FnMut(usize) -> CoreResult<()>,
) -> CoreResult<()>
where
    F: Fn(usize, &mut Vec<Cell<'r>>) + Sync,
{
    let open = match plan {
        Some(p) => p.start(conn, rows)?.map(|o| (p, o)),
        None => None,
    };
    let Some((plan, open)) = open else {
        return insert_batched(conn, into, columns, rows, cells, each_batch);
    };
    // A few batches ahead at most (a third of a megabyte each).
    let (send, receive) = std::sync::mpsc::sync_channel::<CoreResult<Batch>>(16);
    std::thread::scope(|scope| {
        let open = &open;
        let receive = receive;
        scope.spawn(move || plan.build(open, rows, cells, &send));
        let done = {
            let put = |wait: bool| -> CoreResult<()> {
                loop {
                    let next = match wait {
                        true => receive.recv().ok(),
                        false => receive.try_recv().ok(),
                    };
                    match next {
                        Some(batch) => plan.put(conn, open, batch?)?,
                        None => return Ok(()),
                    }
                }
            };
            insert_batched(conn, into, columns, rows, cells, |done| {
                put(false)?;
                each_batch(done)
            })
            // The rest, until the builder is done (it drops its end of the channel).
            .and_then(|_| put(true))
        };
        // On a failure, the builder stops at its next batch instead of waiting for room.
        drop(receive);
        done
    })
}

impl Plan {
    /// Opens the change set and reads the identities the rows refer to; `None` when the
    /// journal is switched off or there is nothing to write.
    fn start(&self, conn: &Connection, rows: usize) -> CoreResult<Option<Open>> {
        let on: bool = conn.query_row("SELECT catalyse_journal_on()", [], |r| r.get(0))?;
        if !on || rows == 0 {
            return Ok(None);
        }
        let identities = self.identities(conn)?;
        conn.execute_batch(OPEN_SET)?;
        let set: i64 = conn.query_row(&format!("SELECT {SET_ID}"), [], |r| r.get(0))?;
        Ok(Some(Open { set, identities }))
    }

    /// Writes one batch entry.
    fn put(&self, conn: &Connection, open: &Open, b: Batch) -> CoreResult<()> {
        conn.prepare_cached(
            "INSERT INTO change (set_id, tbl, record, op, field, before, after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            open.set, self.table, b.low, ROWS, b.high, b.count, b.packed
        ])?;
        Ok(())
    }

    /// Builds the batch entries of `rows` rows, row `i` of which `cells(i, out)` pushes the
    /// cells of (as for its insert), and sends each (or the error that stopped it) to
    /// `send`; stops when nobody receives any more. The rows' ids must follow each other from
    /// the first row's, as the import gives them; the batches are cut every
    /// [`ROWS_PER_BATCH`] ids from the first, as the backfill cuts them.
    fn build<'r>(
        &self,
        open: &Open,
        rows: usize,
        cells: &impl Fn(usize, &mut Vec<Cell<'r>>),
        send: &std::sync::mpsc::SyncSender<CoreResult<Batch>>,
    ) {
        let mut row: Vec<Cell<'r>> = Vec::new();
        // One batch's records as JSON, the buffer kept from batch to batch.
        let mut json = String::with_capacity(ROWS_PER_BATCH as usize * 320);
        let mut first_id = None;
        let mut i = 0;
        while i < rows {
            let mut batch = Batch {
                low: String::new(),
                high: String::new(),
                count: 0,
                packed: Vec::new(),
            };
            json.clear();
            json.push('[');
            while i < rows {
                row.clear();
                cells(i, &mut row);
                let built = self.add(
                    &mut batch,
                    &mut json,
                    &row,
                    &mut first_id,
                    i,
                    &open.identities,
                );
                match built {
                    Ok(true) => i += 1,
                    Ok(false) => break,
                    Err(e) => {
                        let _ = send.send(Err(e));
                        return;
                    }
                }
            }
            json.push(']');
            // Packed here, beside the insert, like the records were built.
            batch.packed = crate::db::packed::pack(&json);
            if send.send(Ok(batch)).is_err() {
                return;
            }
        }
    }

    /// Adds row `i` (its cells `row`) to `batch`, its record to the batch's `json`, unless it
    /// starts the next one (`false`).
    fn add(
        &self,
        batch: &mut Batch,
        json: &mut String,
        row: &[Cell],
        first_id: &mut Option<i64>,
        i: usize,
        identities: &FxHashMap<String, FxHashMap<i64, String>>,
    ) -> CoreResult<bool> {
        let id = integer(&row[self.id]).ok_or_else(|| internal("id", &self.table))?;
        let first = *first_id.get_or_insert(id);
        if id != first + i as i64 {
            return Err(internal("id", &self.table));
        }
        if batch.count > 0 && (id - first) % ROWS_PER_BATCH == 0 {
            return Ok(false);
        }
        let uid = text_of(&row[self.uid]).ok_or_else(|| internal("uid", &self.table))?;
        if batch.count == 0 || uid < batch.low.as_str() {
            batch.low = uid.to_string();
        }
        if batch.count == 0 || uid > batch.high.as_str() {
            batch.high = uid.to_string();
        }
        if batch.count > 0 {
            json.push(',');
        }
        self.record(json, row, uid, identities)?;
        batch.count += 1;
        Ok(true)
    }

    /// The identities of the records of each table the rows refer to, by id.
    fn identities(
        &self,
        conn: &Connection,
    ) -> CoreResult<FxHashMap<String, FxHashMap<i64, String>>> {
        let mut out: FxHashMap<String, FxHashMap<i64, String>> = FxHashMap::default();
        for (_, source) in &self.fields {
            let Source::Reference(_, t) = source else {
                continue;
            };
            if out.contains_key(t) {
                continue;
            }
            // The table name comes from the schema's foreign keys, quoted.
            let mut st = conn.prepare(&format!(
                "SELECT id, uid FROM \"{}\"",
                t.replace('"', "\"\"")
            ))?;
            let map = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            out.insert(t.clone(), map);
        }
        Ok(out)
    }

    /// Appends the record of `row` (identity `uid`): the object the insert trigger writes,
    /// with its `uid` first.
    fn record(
        &self,
        json: &mut String,
        row: &[Cell],
        uid: &str,
        identities: &FxHashMap<String, FxHashMap<i64, String>>,
    ) -> CoreResult<()> {
        json.push_str("{\"uid\":");
        json_string(json, uid);
        for (key, source) in &self.fields {
            json.push(',');
            json.push_str(key);
            match source {
                Source::Cell(at) => json_value(json, &row[*at], &self.table)?,
                Source::Reference(at, t) => match integer(&row[*at]) {
                    None if is_null(&row[*at]) => json.push_str("null"),
                    None => return Err(internal(key, &self.table)),
                    Some(id) => {
                        let uid = identities
                            .get(t)
                            .and_then(|m| m.get(&id))
                            .ok_or_else(|| internal(key, &self.table))?;
                        json_string(json, uid);
                    }
                },
            }
        }
        json.push('}');
        Ok(())
    }
}

fn internal(what: &str, table: &str) -> CoreError {
    CoreError::Internal {
        detail: format!("journal d'un import : valeur inattendue pour {what} de {table}"),
    }
}

fn value_ref<'a>(c: &'a Cell) -> ValueRef<'a> {
    match c {
        Cell::Borrowed(v) => *v,
        Cell::Owned(v) => v.into(),
        _ => ValueRef::Blob(&[]),
    }
}

fn integer(c: &Cell) -> Option<i64> {
    match value_ref(c) {
        ValueRef::Integer(i) => Some(i),
        _ => None,
    }
}

fn is_null(c: &Cell) -> bool {
    matches!(value_ref(c), ValueRef::Null)
}

fn text_of<'a>(c: &'a Cell) -> Option<&'a str> {
    match value_ref(c) {
        ValueRef::Text(t) => std::str::from_utf8(t).ok(),
        _ => None,
    }
}

/// Appends a cell's value as `json_object` writes it.
fn json_value(json: &mut String, c: &Cell, table: &str) -> CoreResult<()> {
    match value_ref(c) {
        ValueRef::Null => json.push_str("null"),
        ValueRef::Integer(i) => {
            use std::fmt::Write;
            let _ = write!(json, "{i}");
        }
        ValueRef::Text(_) => json_string(json, text_of(c).ok_or_else(|| internal("text", table))?),
        ValueRef::Real(_) | ValueRef::Blob(_) => return Err(internal("value", table)),
    }
    Ok(())
}

/// Appends `s` as a JSON string, escaped as SQLite escapes it: `"` and `\`, the control
/// characters (`\b`, `\t`, `\n`, `\f`, `\r`, the others as `\u00xx`), nothing else.
fn json_string(json: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    json.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => '"',
            b'\\' => '\\',
            0x08 => 'b',
            b'\t' => 't',
            b'\n' => 'n',
            0x0c => 'f',
            b'\r' => 'r',
            0..=0x1f => '\0',
            _ => continue,
        };
        json.push_str(&s[start..i]);
        json.push('\\');
        if short == '\0' {
            json.push_str("u00");
            json.push(HEX[(b >> 4) as usize] as char);
            json.push(HEX[(b & 15) as usize] as char);
        } else {
            json.push(short);
        }
        start = i + 1;
    }
    json.push_str(&s[start..]);
    json.push('"');
}

#[cfg(test)]
#[path = "journal_rows_tests.rs"]
mod tests;
