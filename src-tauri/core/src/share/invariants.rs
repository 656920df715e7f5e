//! The invariants a merge can break, found after each exchange and listed in the inbox for a
//! person to decide. They are computed from the records themselves (identities, folded names,
//! amounts, dates, positions), never from what this laptop received or when, so every laptop
//! holding the same records lists the same ones, in the same order.
//!
//! - `same_actor`: two or more actors of the same folded name ([`crate::shared::text::fold`],
//!   kept in `actor_key`) and the same folded commune (two laptops created the same actor).
//!   Resolved by « Fusionner ces deux acteurs » ([`Store::merge_actors`]).
//! - `over_funded`: an action whose granted and requested funding lines exceed its cost (the
//!   funding plan's `over_funded`). Fixed in the action.
//! - `same_date`: a team member's two self-assessments of one date. Fixed in the grid.
//! - `same_place`: two siblings in one place of an order (enjeux, axes, actions; an action's
//!   partners and indicators; an actor's contacts; a meeting's follow-ups; a note's options):
//!   the order would differ from one laptop to another. « Remettre en ordre »
//!   ([`Store::reorder_siblings`]) numbers them again by position then identity.
//!
//! Links recorded twice (in either order of their two actors) are merged when they arrive
//! (`share::duplicates`, the unique key `link_pair_nature`), so none survives to be listed.
//!
//! « Laisser tel quel » ([`Store::accept_invariant`]) records the invariant's kind and key in
//! `invariant_accepted` (migration 15), a record that travels: the entry leaves every inbox.
//! The key is made of identities and of the values that broke it, so a later change that
//! breaks it otherwise (a third duplicate, another amount) lists it again.
//!
//! Every query is one indexed walk or one `GROUP BY`; a page is at most [`MAX_PAGE`] entries.

use crate::db::journal::ChangeLabel;
use crate::db::store::Store;
use crate::db::tables::quote;
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// The most entries one page holds.
pub const MAX_PAGE: usize = 200;

/// A record an entry names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct InvariantRecord {
    /// Its table, its number here (0 for a record without one) and its identity.
    pub table: String,
    #[ts(type = "number")]
    pub id: i64,
    pub uid: String,
    pub name: String,
}

/// A broken invariant, as the inbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Invariant {
    /// `same_actor`, `over_funded`, `same_date` or `same_place`.
    pub kind: String,
    /// What identifies it on every laptop (given back to accept it).
    pub key: String,
    /// The records involved: the actors, the action, the assessments, the siblings.
    pub records: Vec<InvariantRecord>,
    /// What they belong to: the member (`same_date`), the siblings' parent (`same_place`,
    /// none for the plan's own lists).
    pub parent: Option<InvariantRecord>,
    /// The commune (`same_actor`), the date (`same_date`), the position (`same_place`).
    pub detail: String,
    /// `over_funded`: the action's cost and its granted and requested lines' total.
    #[ts(type = "number | null")]
    pub budget_cents: Option<i64>,
    #[ts(type = "number | null")]
    pub total_cents: Option<i64>,
}

/// The orders of siblings checked: table, parent column (none: one list), parent table.
pub const ORDERS: &[(&str, Option<(&str, &str)>)] = &[
    ("need", None),
    ("axis", None),
    ("action", None),
    ("action_partner", Some(("action_id", "action"))),
    ("indicator", Some(("action_id", "action"))),
    ("contact", Some(("actor_id", "actor"))),
    ("follow_up", Some(("meeting_id", "meeting"))),
    ("note_option", Some(("note_id", "decision_note"))),
];

/// One kind of check: its SQL gives `key, o1, o2, detail, parent, uids, budget, total` for each
/// broken invariant (`parent` a number in `parent_table`, `uids` the records' identities
/// joined by commas), ordered by `o1, o2, key`.
struct Check {
    kind: &'static str,
    table: &'static str,
    parent_table: Option<&'static str>,
    sql: String,
}

fn checks() -> Vec<Check> {
    let mut out = vec![
        Check {
            kind: "same_actor",
            table: "actor",
            parent_table: None,
            // The groups from the index on (name, commune) alone; their identities then.
            sql: "SELECT (SELECT group_concat(a.uid, ',' ORDER BY a.uid) FROM actor_key AS k
                          JOIN actor AS a ON a.id = k.actor_id
                          WHERE k.name = g.name AND k.commune = g.commune) AS key,
                         g.name AS o1, g.commune AS o2,
                         (SELECT a.commune FROM actor_key AS k JOIN actor AS a ON a.id = k.actor_id
                          WHERE k.name = g.name AND k.commune = g.commune ORDER BY a.uid LIMIT 1) AS detail,
                         NULL AS parent, NULL AS uids, NULL AS budget, NULL AS total
                  FROM (SELECT name, commune FROM actor_key GROUP BY name, commune HAVING count(*) > 1) AS g"
                .into(),
        },
        Check {
            kind: "over_funded",
            table: "action",
            parent_table: None,
            sql: "SELECT a.uid || ':' || a.budget_cents || ':' || f.total AS key,
                         a.position AS o1, a.uid AS o2, '' AS detail, NULL AS parent, a.uid AS uids,
                         a.budget_cents AS budget, f.total AS total
                  FROM (SELECT action_id, sum(amount_cents) AS total FROM funding
                        WHERE status IN ('granted', 'requested') GROUP BY action_id) AS f
                  JOIN action AS a ON a.id = f.action_id
                  WHERE a.budget_cents IS NOT NULL AND f.total > a.budget_cents"
                .into(),
        },
        Check {
            kind: "same_date",
            table: "self_assessment",
            parent_table: Some("member"),
            sql: "SELECT m.uid || ':' || s.assessed_on || ':' || group_concat(s.uid, ',' ORDER BY s.uid) AS key,
                         m.name AS o1, s.assessed_on AS o2, s.assessed_on AS detail, m.id AS parent,
                         group_concat(s.uid, ',' ORDER BY s.uid) AS uids, NULL AS budget, NULL AS total
                  FROM self_assessment AS s JOIN member AS m ON m.id = s.member_id
                  GROUP BY s.member_id, s.assessed_on HAVING count(*) > 1"
                .into(),
        },
    ];
    for (table, parent) in ORDERS {
        let t = quote(table);
        let sql = match parent {
            None => format!(
                "SELECT '{table}::' || x.position || ':' || group_concat(x.uid, ',' ORDER BY x.uid) AS key,
                        '{table}' AS o1, x.position AS o2, x.position AS detail, NULL AS parent,
                        group_concat(x.uid, ',' ORDER BY x.uid) AS uids, NULL AS budget, NULL AS total
                 FROM {t} AS x GROUP BY x.position HAVING count(*) > 1"
            ),
            // The groups from the parent's index alone; their identities then.
            Some((column, parent_table)) => format!(
                "SELECT '{table}:' || p.uid || ':' || g.position || ':' || g.uids AS key,
                        '{table}' AS o1, p.uid AS o2, g.position AS detail, g.parent AS parent,
                        g.uids AS uids, NULL AS budget, NULL AS total
                 FROM (SELECT d.parent, d.position,
                              (SELECT group_concat(x.uid, ',' ORDER BY x.uid) FROM {t} AS x
                               WHERE x.{c} = d.parent AND x.position = d.position) AS uids
                       FROM (SELECT {c} AS parent, position FROM {t}
                             GROUP BY {c}, position HAVING count(*) > 1) AS d) AS g
                 JOIN {pt} AS p ON p.id = g.parent",
                c = quote(column),
                pt = quote(parent_table)
            ),
        };
        out.push(Check {
            kind: "same_place",
            table,
            parent_table: parent.map(|(_, p)| p),
            sql,
        });
    }
    out
}

/// The part of a check's SQL without the invariants left as they are.
fn open(check: &Check) -> String {
    format!(
        "SELECT * FROM ({}) WHERE key NOT IN (SELECT key FROM invariant_accepted WHERE kind = '{}')",
        check.sql, check.kind
    )
}

type Found = (
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

fn found(conn: &Connection, check: &Check, limit: usize, offset: usize) -> CoreResult<Vec<Found>> {
    let sql = format!(
        "SELECT key, CAST(detail AS TEXT), parent, uids, budget, total FROM ({}) ORDER BY o1, o2, key LIMIT ?1 OFFSET ?2",
        open(check)
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params![limit as i64, offset as i64], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

fn count(conn: &Connection, check: &Check) -> CoreResult<usize> {
    let n: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM ({})", open(check)))?
        .query_row([], |r| r.get(0))?;
    Ok(n as usize)
}

fn has_id(table: &str) -> bool {
    table != "action_partner"
}

fn named(conn: &Connection, table: &str, uid: &str) -> CoreResult<InvariantRecord> {
    let id: i64 = if has_id(table) {
        conn.query_row(
            &format!("SELECT id FROM {} WHERE uid = ?1", quote(table)),
            [uid],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0)
    } else {
        0
    };
    let name = match table {
        // A partner is named after its actor.
        "action_partner" => conn
            .query_row(
                "SELECT a.name FROM action_partner AS p JOIN actor AS a ON a.id = p.actor_id WHERE p.uid = ?1",
                [uid],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default(),
        "self_assessment" => conn
            .query_row(
                "SELECT assessed_on || CASE status WHEN 'finished' THEN ' ✓' ELSE '' END FROM self_assessment WHERE uid = ?1",
                [uid],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default(),
        _ => crate::history::store::record_name(conn, table, uid)?,
    };
    Ok(InvariantRecord {
        table: table.to_string(),
        id,
        uid: uid.to_string(),
        name,
    })
}

fn entry(conn: &Connection, check: &Check, f: Found) -> CoreResult<Invariant> {
    let (key, detail, parent, uids, budget, total) = f;
    let uids = uids.unwrap_or_else(|| key.clone());
    let records = uids
        .split(',')
        .filter(|u| !u.is_empty())
        .map(|u| named(conn, check.table, u))
        .collect::<CoreResult<Vec<_>>>()?;
    let parent = match (check.parent_table, parent) {
        (Some(pt), Some(id)) => {
            let uid: String = conn.query_row(
                &format!("SELECT uid FROM {} WHERE id = ?1", quote(pt)),
                [id],
                |r| r.get(0),
            )?;
            Some(named(conn, pt, &uid)?)
        }
        _ => None,
    };
    Ok(Invariant {
        kind: check.kind.to_string(),
        key,
        records,
        parent,
        detail,
        budget_cents: budget,
        total_cents: total,
    })
}

fn not_found() -> CoreError {
    CoreError::validation(
        "invariant",
        "share.invariant_gone",
        "Cette anomalie n'existe plus : elle a été corrigée entre-temps.",
    )
}

impl Store {
    /// The broken invariants, not left as they are: at most `limit` (≤ [`MAX_PAGE`]) from
    /// `offset`, kind after kind in a fixed order, the same on every laptop.
    pub fn invariants(&self, offset: usize, limit: usize) -> CoreResult<Vec<Invariant>> {
        let mut offset = offset;
        let mut left = limit.min(MAX_PAGE);
        let mut out = Vec::new();
        for check in checks() {
            if left == 0 {
                break;
            }
            let rows = found(&self.conn, &check, left, offset)?;
            if rows.is_empty() && offset > 0 {
                offset = offset.saturating_sub(count(&self.conn, &check)?);
                continue;
            }
            offset = 0;
            left -= rows.len();
            for f in rows {
                out.push(entry(&self.conn, &check, f)?);
            }
        }
        Ok(out)
    }

    /// How many broken invariants the inbox lists.
    pub fn invariant_count(&self) -> CoreResult<usize> {
        checks()
            .iter()
            .map(|c| count(&self.conn, c))
            .sum::<CoreResult<usize>>()
    }

    /// The broken invariant of `kind` and `key`, if it is still there (and not accepted).
    fn find_invariant(&self, kind: &str, key: &str) -> CoreResult<Option<(usize, Found)>> {
        for (i, check) in checks().iter().enumerate() {
            if check.kind != kind {
                continue;
            }
            let sql = format!(
                "SELECT key, CAST(detail AS TEXT), parent, uids, budget, total FROM ({}) WHERE key = ?1",
                open(check)
            );
            let row = self
                .conn
                .query_row(&sql, [key], |r| {
                    Ok((
                        r.get(0)?,
                        r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })
                .optional()?;
            if let Some(row) = row {
                return Ok(Some((i, row)));
            }
        }
        Ok(None)
    }

    /// « Laisser tel quel »: the invariant is recorded as accepted, in one change set that
    /// travels; it leaves the inbox of every laptop that receives it.
    pub fn accept_invariant(&mut self, kind: &str, key: &str) -> CoreResult<()> {
        if self.find_invariant(kind, key)?.is_none() {
            return Err(not_found());
        }
        self.journal.set_label(&ChangeLabel::new(
            "share.accept_invariant",
            &[("kind", kind.to_string())],
        ));
        let tx = self.conn.transaction()?;
        let now = crate::db::store::now();
        tx.execute(
            "INSERT INTO invariant_accepted (kind, key, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
            params![kind, key, now],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// « Remettre en ordre » (`same_place`): the siblings of the entry's list numbered again
    /// from 0, by position then identity (the same order on every laptop), in one change set.
    pub fn reorder_siblings(&mut self, key: &str) -> CoreResult<()> {
        let Some((i, found)) = self.find_invariant("same_place", key)? else {
            return Err(not_found());
        };
        let check = &checks()[i];
        let (table, parent) = ORDERS
            .iter()
            .find(|(t, _)| *t == check.table)
            .copied()
            .ok_or_else(not_found)?;
        let t = quote(table);
        let (filter, parent_id) = match (parent, found.2) {
            (Some((column, _)), Some(id)) => (format!("WHERE {} = ?1", quote(column)), Some(id)),
            _ => ("WHERE ?1 IS NULL".to_string(), None),
        };
        self.journal.set_label(&ChangeLabel::new(
            "share.reorder",
            &[("kind", table.to_string())],
        ));
        let tx = self.conn.transaction()?;
        let uids: Vec<String> = tx
            .prepare(&format!(
                "SELECT uid FROM {t} {filter} ORDER BY position, uid"
            ))?
            .query_map([parent_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        {
            let mut st = tx.prepare(&format!(
                "UPDATE {t} SET position = ?1 WHERE uid = ?2 AND position IS NOT ?1"
            ))?;
            for (pos, uid) in uids.iter().enumerate() {
                st.execute(params![pos as i64, uid])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
#[path = "invariants_tests.rs"]
mod tests;
