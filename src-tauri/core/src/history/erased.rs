//! What the journal keeps of what an RGPD erasure removed: a mark in place of each value, and
//! a change set holding one cannot be undone (no older change brings the person back).

use crate::shared::error::CoreResult;
use rusqlite::{params, Connection};

/// What the journal keeps of a value an erasure removed (a field's value, or beside the
/// identity of a whole record): a change set holding it cannot be undone, so that no older
/// change brings the person's data back.
pub const ERASED_MARK: &str = r#"{"rgpd":"effacé"}"#;

/// The `share_version` field that remembers an erasure (RGPD) of a record gone here (received
/// for it, or of a copy of the person held whole in the inbox): its journal has no entry of
/// it, and a change of the record arriving later must still not bring anything of the person
/// into the inbox.
pub const ERASED_GONE: &str = "-rgpd";

/// Whether change set `set` holds a value an erasure removed ([`ERASED_MARK`]): it cannot be
/// undone.
pub(crate) fn touches_erased(conn: &Connection, set: i64) -> CoreResult<bool> {
    Ok(conn.query_row(
        "SELECT count(*) > 0 FROM change WHERE set_id = ?1 AND (
           before = ?2 OR after = ?2
           OR CASE WHEN typeof(before) = 'text' AND json_valid(before) THEN json_extract(before, '$.rgpd') END IS NOT NULL
           OR CASE WHEN typeof(after) = 'text' AND json_valid(after) THEN json_extract(after, '$.rgpd') END IS NOT NULL)",
        params![set, ERASED_MARK],
        |r| r.get(0),
    )?)
}
