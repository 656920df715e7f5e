//! Queries on needs, axes, actions, funding lines and indicators, one file per kind of record.
//! Every change touching more than one row (an action and its partners, a reorder) runs in one
//! transaction.

mod action;
mod actor;
mod axis;
mod funding;
mod indicator;
mod need;
#[cfg(test)]
mod tests;

use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, Connection, Transaction};

fn next_position(conn: &Connection, table: &'static str) -> CoreResult<i64> {
    Ok(conn.query_row(
        &format!("SELECT coalesce(max(position) + 1, 0) FROM {table}"),
        [],
        |r| r.get(0),
    )?)
}

fn ids(conn: &Connection, sql: &str, id: i64) -> CoreResult<Vec<i64>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn names(conn: &Connection, sql: &str, id: i64) -> CoreResult<Vec<String>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Moves record `id` of `table` to `index` (0-based, clamped) and renumbers the others.
fn move_to(
    tx: &Transaction,
    table: &'static str,
    what: &'static str,
    id: i64,
    index: i64,
) -> CoreResult<()> {
    let mut order = {
        let mut st = tx.prepare(&format!("SELECT id FROM {table} ORDER BY position, id"))?;
        let rows = st.query_map([], |r| r.get::<_, i64>(0))?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    let from = order
        .iter()
        .position(|x| *x == id)
        .ok_or(CoreError::NotFound { what, id })?;
    order.remove(from);
    let to = index.clamp(0, order.len() as i64) as usize;
    order.insert(to, id);
    let mut st = tx.prepare(&format!("UPDATE {table} SET position = ?1 WHERE id = ?2"))?;
    for (pos, id) in order.iter().enumerate() {
        st.execute(params![pos as i64, id])?;
    }
    Ok(())
}
