//! « Fusionner ces deux acteurs »: one actor is kept, everything that refers to the other moves
//! to it, then the other is deleted; one transaction, one change set that travels (every row
//! written through the journal's triggers).
//!
//! What refers to an actor (every foreign key to `actor` in the schema, and the decision
//! notes' polymorphic `note_record`): links (both ends and who introduced them), the actions
//! it leads, those it is a partner of, the funding lines it funds, its tags, contacts and
//! meetings, the notes about it. A link between the two becomes a self-link and is deleted; a
//! link of the other that the kept one already has (the same other end and nature, in either
//! order) is deleted, the kept one's standing; a partnership, tag, meeting or note the kept one
//! already has likewise. A record whose unique key names the other actor (a link, a tag, a
//! partnership, a participation, a note's mention) is created again naming the kept one and
//! the old one deleted ([`REKEYED`]); a change made meanwhile elsewhere to the old one goes to
//! the inbox as a change of a deleted record. So are the other's contacts, after the kept
//! one's: a contact belongs to its actor, and moving it would let a deletion of the kept actor
//! made meanwhile elsewhere take it on some laptops only. The kept actor's fields stand;
//! those it leaves empty take the other's.

use crate::db::journal::ChangeLabel;
use crate::db::store::Store;
use crate::db::tables::quote;
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, OptionalExtension};

/// The statements that clear the way, in order: what would become a self-link, or a second
/// record of a key the kept actor has already (`?1` the one kept, `?2` the other).
const CLEAR: &[&str] = &[
    "DELETE FROM link WHERE (actor_a = ?2 AND actor_b = ?1) OR (actor_a = ?1 AND actor_b = ?2)",
    "DELETE FROM link WHERE id IN (
        SELECT l.id FROM link AS l WHERE (l.actor_a = ?2 OR l.actor_b = ?2) AND EXISTS (
            SELECT 1 FROM link AS m WHERE m.nature = l.nature
              AND min(m.actor_a, m.actor_b) = min(?1, CASE WHEN l.actor_a = ?2 THEN l.actor_b ELSE l.actor_a END)
              AND max(m.actor_a, m.actor_b) = max(?1, CASE WHEN l.actor_a = ?2 THEN l.actor_b ELSE l.actor_a END)))",
    "DELETE FROM action_partner WHERE actor_id = ?2
        AND action_id IN (SELECT action_id FROM action_partner WHERE actor_id = ?1)",
    "DELETE FROM meeting_actor WHERE actor_id = ?2
        AND meeting_id IN (SELECT meeting_id FROM meeting_actor WHERE actor_id = ?1)",
    "DELETE FROM actor_tag WHERE actor_id = ?2 AND tag IN (SELECT tag FROM actor_tag WHERE actor_id = ?1)",
    "DELETE FROM note_record WHERE kind = 'actor' AND record_id = ?2
        AND note_id IN (SELECT note_id FROM note_record WHERE kind = 'actor' AND record_id = ?1)",
];

/// Records whose unique key names the actor: each is created again naming the kept actor
/// (a new record) and the old one deleted, rather than changed. Another laptop that
/// recorded the same meanwhile (the same link, tag, partner) then receives an insert that is
/// merged with its own as two records that are one (`share::duplicates`): no unique key can
/// make the change file fail to apply there. As (table, columns naming the actor, filter).
pub(crate) const REKEYED: &[(&str, &[&str], &str)] = &[
    (
        "link",
        &["actor_a", "actor_b", "introduced_by_actor"],
        "actor_a = ?2 OR actor_b = ?2",
    ),
    ("action_partner", &["actor_id"], "actor_id = ?2"),
    ("meeting_actor", &["actor_id"], "actor_id = ?2"),
    ("actor_tag", &["actor_id"], "actor_id = ?2"),
    (
        "note_record",
        &["record_id"],
        "kind = 'actor' AND record_id = ?2",
    ),
];

/// References outside any unique key: changed in place.
pub(crate) const MOVED: &[(&str, &str)] = &[
    ("link", "introduced_by_actor"),
    ("action", "lead_actor_id"),
    ("funding", "funder_id"),
];

/// The kept actor's empty fields, filled from the other's (its commune's code when it has
/// none and the same commune or none).
const FILL: &str = "UPDATE actor SET
    insee = CASE WHEN insee IS NULL AND (commune = ''
                      OR catalyse_fold(commune) = (SELECT catalyse_fold(commune) FROM actor WHERE id = ?2))
                 THEN (SELECT insee FROM actor WHERE id = ?2) ELSE insee END,
    commune = CASE WHEN commune = '' THEN (SELECT commune FROM actor WHERE id = ?2) ELSE commune END,
    notes = CASE WHEN notes = '' THEN (SELECT notes FROM actor WHERE id = ?2) ELSE notes END,
    needs = CASE WHEN needs = '' THEN (SELECT needs FROM actor WHERE id = ?2) ELSE needs END,
    contributions = CASE WHEN contributions = '' THEN (SELECT contributions FROM actor WHERE id = ?2) ELSE contributions END,
    influence = coalesce(influence, (SELECT influence FROM actor WHERE id = ?2)),
    interest = coalesce(interest, (SELECT interest FROM actor WHERE id = ?2))
  WHERE id = ?1";

impl Store {
    /// Merges actor `other` into actor `keep` (see the module's doc), in one change set that
    /// travels.
    pub fn merge_actors(&mut self, keep: i64, other: i64) -> CoreResult<()> {
        if keep == other {
            return Err(CoreError::validation(
                "other",
                "share.merge_same",
                "Choisissez deux acteurs différents.",
            ));
        }
        let name = |id: i64| -> CoreResult<String> {
            self.conn
                .query_row("SELECT name FROM actor WHERE id = ?1", [id], |r| r.get(0))
                .optional()?
                .ok_or(CoreError::NotFound { what: "actor", id })
        };
        let (kept_name, other_name) = (name(keep)?, name(other)?);
        self.journal.set_label(&ChangeLabel::new(
            "share.merge_actors",
            &[("name", kept_name), ("other", other_name)],
        ));
        let tx = self.conn.transaction()?;
        for sql in CLEAR {
            tx.execute(sql, params![keep, other])?;
        }
        for (table, columns, filter) in REKEYED {
            rekey(&tx, table, columns, filter, keep, other)?;
        }
        for (table, column) in MOVED {
            tx.execute(
                &format!(
                    "UPDATE {} SET {} = ?1 WHERE {} = ?2",
                    quote(table),
                    quote(column),
                    quote(column)
                ),
                params![keep, other],
            )?;
        }
        // The other's contacts after the kept one's, in their order: created again (a contact
        // belongs to its actor: moved, a deletion of the kept actor made meanwhile elsewhere
        // would take it on some laptops and not on others, by order of arrival).
        let after: i64 = tx.query_row(
            "SELECT coalesce(max(position) + 1, 0) FROM contact WHERE actor_id = ?1",
            [keep],
            |r| r.get(0),
        )?;
        let columns: Vec<String> = tx
            .prepare(
                "SELECT name FROM pragma_table_info('contact') WHERE name NOT IN ('id', 'uid')",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let values: Vec<String> = columns
            .iter()
            .map(|c| match c.as_str() {
                "actor_id" => "?1".to_string(),
                "position" => "position + ?3".to_string(),
                _ => quote(c),
            })
            .collect();
        let names: Vec<String> = columns.iter().map(|c| quote(c)).collect();
        tx.execute(
            &format!(
                "INSERT INTO contact ({}) SELECT {} FROM contact WHERE actor_id = ?2 ORDER BY position, uid",
                names.join(", "),
                values.join(", ")
            ),
            params![keep, other, after],
        )?;
        tx.execute("DELETE FROM contact WHERE actor_id = ?1", [other])?;
        tx.execute(FILL, params![keep, other])?;
        tx.execute("DELETE FROM actor WHERE id = ?1", [other])?;
        tx.commit()?;
        Ok(())
    }
}

impl Store {
    /// The number here of the actor of identity `uid`, if it is here.
    pub fn actor_id_by_uid(&self, uid: &str) -> CoreResult<Option<i64>> {
        Ok(self
            .conn
            .query_row("SELECT id FROM actor WHERE uid = ?1", [uid], |r| r.get(0))
            .optional()?)
    }
}

/// The records of `table` that `filter` finds (naming the other actor in `columns`) created
/// again naming the kept one, in their order (identities are time-ordered), then deleted.
fn rekey(
    tx: &rusqlite::Connection,
    table: &str,
    columns: &[&str],
    filter: &str,
    keep: i64,
    other: i64,
) -> CoreResult<()> {
    let all: Vec<String> = tx
        .prepare("SELECT name FROM pragma_table_info(?1) WHERE name NOT IN ('id', 'uid')")?
        .query_map([table], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let values: Vec<String> = all
        .iter()
        .map(|c| {
            if columns.contains(&c.as_str()) {
                format!("CASE WHEN {0} = ?2 THEN ?1 ELSE {0} END", quote(c))
            } else {
                quote(c)
            }
        })
        .collect();
    let names: Vec<String> = all.iter().map(|c| quote(c)).collect();
    let t = quote(table);
    tx.execute(
        &format!(
            "INSERT INTO {t} ({}) SELECT {} FROM {t} WHERE {filter} ORDER BY uid",
            names.join(", "),
            values.join(", ")
        ),
        params![keep, other],
    )?;
    tx.execute(
        &format!("DELETE FROM {t} WHERE {filter}"),
        params![keep, other],
    )?;
    Ok(())
}
