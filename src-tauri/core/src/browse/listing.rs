//! What every list shares: the bounds of a page and of a filter, the caps of the short lists
//! read whole (needs, axes, team), and the SQL helpers the lists of each domain use
//! (`actors/listing.rs`, `network/listing.rs`, `plan/listing.rs`, `notes/listing.rs`).
//!
//! Filtering and sorting use the list keys (`actor_key`, `meeting_key`, migration 7): texts
//! folded the project's way ([`crate::shared::text::fold`]), kept by triggers and indexed in the
//! order the lists are shown, so the first page of a sorted list is read straight from an
//! index and a filter keystroke scans small covering index rows, never the records.

use crate::shared::error::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The short lists the UI reads whole (the project's needs and axes, the team): each is
/// capped, so that no command returns rows without bound. `(table, most, what)`.
pub const SHORT_LISTS: &[(&str, i64, &str)] = &[
    ("need", 500, "enjeux"),
    ("axis", 500, "axes stratégiques"),
    ("member", 500, "membres de l'équipe"),
];

pub(crate) fn short_list_count(conn: &rusqlite::Connection, table: &str) -> CoreResult<i64> {
    // `table` is one of the constants above, never input.
    Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
}

/// Refuses one more row in `table` (one of [`SHORT_LISTS`]) when its list is full.
pub fn check_room(conn: &rusqlite::Connection, table: &str) -> CoreResult<()> {
    let Some((table, most, what)) = SHORT_LISTS.iter().find(|(t, _, _)| *t == table) else {
        return Ok(());
    };
    if short_list_count(conn, table)? >= *most {
        return Err(CoreError::validation(
            "",
            "list.full",
            format!("Un projet compte au plus {most} {what} : regroupez-en avant d'en ajouter."),
        ));
    }
    Ok(())
}

/// Refuses a workspace (an imported document) whose short lists are over their cap.
pub fn check_short_lists(conn: &rusqlite::Connection) -> CoreResult<()> {
    for (table, most, what) in SHORT_LISTS {
        let n = short_list_count(conn, table)?;
        if n > *most {
            return Err(CoreError::validation(
                "",
                "list.full",
                format!("Le fichier compte {n} {what} : un projet en compte au plus {most}."),
            ));
        }
    }
    Ok(())
}

/// The most rows one page may ask for.
pub const MAX_PAGE: u32 = 500;
/// The most choices the actor picker may ask for.
pub const MAX_CHOICES: u32 = 50;
/// The longest filter accepted (in characters).
pub const MAX_FILTER: usize = 200;

pub(crate) fn check_page(offset: u32, limit: u32, filter: &str) -> CoreResult<()> {
    if limit > MAX_PAGE {
        return Err(CoreError::validation(
            "limit",
            "list.limit",
            format!("Une page compte de 1 à {MAX_PAGE} lignes (demandé : {limit})."),
        ));
    }
    if offset > i32::MAX as u32 {
        return Err(CoreError::validation(
            "offset",
            "list.offset",
            "Position de page hors limites.",
        ));
    }
    if filter.chars().count() > MAX_FILTER {
        return Err(CoreError::validation(
            "filter",
            "list.filter",
            format!("Le filtre est trop long (au plus {MAX_FILTER} caractères)."),
        ));
    }
    Ok(())
}

/// Codes joined as `,a,b,c,`, so that `instr(?, ',' || code || ',')` gives their rank.
pub(crate) fn rank_list<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    let mut s = String::from(",");
    for c in codes {
        s.push_str(c);
        s.push(',');
    }
    s
}

pub(crate) fn codes_json<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    serde_json::to_string(&codes.collect::<Vec<_>>()).expect("codes serialise")
}

// ----- Actions, notes, funding lines ----------------------------------------------------------

/// A filter on an optional field: any value, no value, or this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FieldFilter<T> {
    #[default]
    Any,
    None,
    Is(T),
}

/// Pushes `clause` on `wh` and its parameter on `ps` for a [`FieldFilter`] on column `col`.
pub(crate) fn pick_clause<T: rusqlite::ToSql + Clone + 'static>(
    wh: &mut Vec<String>,
    ps: &mut Vec<Box<dyn rusqlite::ToSql>>,
    col: &str,
    pick: &FieldFilter<T>,
) {
    match pick {
        FieldFilter::Any => {}
        FieldFilter::None => wh.push(format!("{col} IS NULL")),
        FieldFilter::Is(v) => {
            ps.push(Box::new(v.clone()));
            wh.push(format!("{col} = ?{}", ps.len()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::store::Store;

    #[test]
    fn short_lists_are_capped() {
        let mut s = Store::open_in_memory().unwrap();
        for i in 0..500 {
            s.create_member(&crate::network::MemberInput {
                name: format!("Membre {i}"),
                role: String::new(),
                structure: String::new(),
                is_user: false,
            })
            .unwrap();
        }
        let e = s
            .create_member(&crate::network::MemberInput {
                name: "Un de trop".into(),
                role: String::new(),
                structure: String::new(),
                is_user: false,
            })
            .unwrap_err();
        assert!(
            e.to_string().contains("au plus 500 membres de l'équipe"),
            "{e}"
        );
        assert_eq!(s.list_members().unwrap().len(), 500);
        assert!(check_short_lists(&s.conn).is_ok());
    }
}
