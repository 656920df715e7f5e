//! The journal scrub of an erasure: no journal entry, nor change set, keeps the person.

use crate::db::journal;
use crate::history::erased::ERASED_MARK;
use crate::safety::rgpd::forms::replace_all;
use crate::safety::rgpd::journal::{naming_entries, personal_records};
use crate::safety::rgpd::model::Person;
use crate::safety::rgpd::texts::FreeText;
use crate::shared::error::CoreResult;
use rusqlite::{params, Connection};

/// Removes the person from the journal of changes, inside the erasure's transaction (after
/// its own changes, which the triggers journaled with the values they replaced), by every
/// route: the entries of their own data ([`personal_records`], and the records the erasure
/// deletes) keep only the record's identity and [`ERASED_MARK`], so that undoing an older
/// change set cannot bring it back; the member's name, role and structure become what the
/// member row now says; and every other value naming them has each form of their name,
/// e-mail and phone replaced, as in the texts. Returns how many journal entries changed.
pub(super) fn scrub_journal(
    tx: &Connection,
    forms: &[String],
    uid: &str,
    p: Person,
) -> CoreResult<usize> {
    let erased = erased_records(tx, p, uid, forms)?;
    let mut changed = keep_only_identity(tx, &erased)?;
    if let Person::Member(id) = p {
        changed += anonymise_member(tx, id, uid)?;
    }
    changed += scrub_change_sets(tx, forms)?;
    changed += scrub_naming_entries(tx, forms)?;
    changed += scrub_sharing(tx, &erased, forms)?;
    Ok(changed)
}

/// What a shared workspace keeps beside the journal: the inbox's entries of the records
/// `erased` go (their versions stay: a deletion's keeps an old change from bringing them
/// back), and the person's name leaves the other entries' values and authors, the
/// versions' authors and the devices' names; how many rows changed.
fn scrub_sharing(tx: &Connection, erased: &[String], forms: &[String]) -> CoreResult<usize> {
    let mut changed = 0;
    for record in erased {
        changed += tx.execute("DELETE FROM share_conflict WHERE record = ?1", [record])?;
    }
    // A copy of her contact held whole (made meanwhile elsewhere, created under an actor
    // deleted meanwhile) goes too: a copy arriving after the erasure is not kept whole either
    // (`share::merge`), and her forms replaced in it would leave the rest of her record.
    let wholes: Vec<(i64, String)> = tx
        .prepare("SELECT id, value FROM share_conflict WHERE tbl = 'contact' AND field = ''")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (id, value) in wholes {
        let row: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&value).unwrap_or_default();
        if crate::safety::rgpd::forms::rewritten_copy(forms, &row).is_some() {
            changed += tx.execute("DELETE FROM share_conflict WHERE id = ?1", [id])?;
            // Its other entries go too (a change of it lost to that deletion), and a change of
            // it arriving later brings nothing of her into the inbox (`share::heads::erased`).
            let Some(record) = row.get("uid").and_then(|v| v.as_str()) else {
                continue;
            };
            changed += tx.execute(
                "DELETE FROM share_conflict WHERE tbl = 'contact' AND record = ?1",
                [record],
            )?;
            tx.execute(
                &format!(
                    "INSERT OR REPLACE INTO share_version (tbl, record, field, at, device, author)
                     SELECT 'contact', ?1, ?2, at, device, '' FROM change_set WHERE id = {}",
                    journal::SET_ID
                ),
                params![record, crate::history::erased::ERASED_GONE],
            )?;
        }
    }
    changed += scrub_inbox_values(tx, forms)?;
    let texts: [(&str, &str, &str); 4] = [
        ("share_conflict", "id", "author"),
        ("share_version", "rowid", "author"),
        ("share_device", "device", "name"),
        ("share_space", "id", "device_name"),
    ];
    for (table, key, column) in texts {
        // share_version is WITHOUT ROWID: its key is (tbl, record, field).
        let key = if table == "share_version" {
            "tbl || char(31) || record || char(31) || field"
        } else {
            key
        };
        let rows: Vec<(rusqlite::types::Value, String)> = tx
            .prepare(&format!(
                "SELECT {key}, {column} FROM {table} WHERE typeof({column}) = 'text'"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (k, text) in rows {
            let replaced = replace_all(&text, forms);
            if replaced != text {
                changed += tx.execute(
                    &format!("UPDATE {table} SET {column} = ?2 WHERE {key} = ?1"),
                    params![k, replaced],
                )?;
            }
        }
    }
    Ok(changed)
}

/// The inbox's values: a record's field, or a record held whole (`field` empty), with each
/// form of the person replaced in their free texts only; how many entries changed.
fn scrub_inbox_values(tx: &Connection, forms: &[String]) -> CoreResult<usize> {
    let mut changed = 0;
    let values: Vec<(i64, String, String, String)> = tx
        .prepare("SELECT id, tbl, field, value FROM share_conflict WHERE typeof(value) = 'text'")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let mut free = FreeText::default();
    for (id, table, field, value) in values {
        let replaced = free.replace_in(tx, &table, Some(&field), &value, forms)?;
        if replaced != value {
            changed += tx.execute(
                "UPDATE share_conflict SET value = ?2 WHERE id = ?1",
                params![id, replaced],
            )?;
        }
    }
    Ok(changed)
}

/// The records whose journal entries keep only their identity: those the erasure deletes (in
/// the current change set) and the person's own data ([`personal_records`]).
fn erased_records(
    tx: &Connection,
    p: Person,
    uid: &str,
    forms: &[String],
) -> CoreResult<Vec<String>> {
    let current = journal::SET_ID;
    let mut erased: Vec<String> = tx
        .prepare(&format!(
            "SELECT DISTINCT record FROM change WHERE set_id = {current} AND op = {}",
            journal::DELETE
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for record in personal_records(tx, p, uid, forms)? {
        if !erased.contains(&record) {
            erased.push(record);
        }
    }
    Ok(erased)
}

/// The entries of the records `erased` keep only the record's identity (a whole record) or
/// [`ERASED_MARK`] (a field's value); how many entries changed.
pub(crate) fn keep_only_identity(tx: &Connection, erased: &[String]) -> CoreResult<usize> {
    let mut changed = 0;
    let keep_identity = |column: &str| {
        format!(
            "CASE WHEN {column} IS NULL THEN NULL
                  WHEN op = {u} THEN '{mark}'
                  ELSE json_object('id', CASE WHEN json_valid({column}) THEN json_extract({column}, '$.id') END,
                                   'uid', record, 'rgpd', 'effacé') END",
            u = journal::UPDATE,
            mark = ERASED_MARK.replace('\'', "''"),
        )
    };
    // An erasure's own rewrites keep their new value (this one's, or one received): it no
    // longer holds the person (each form replaced), and it travels as it is, so that every
    // laptop rewrites the record alike whatever it held when the erasure came (a copy made
    // meanwhile elsewhere).
    let mut st = tx.prepare(&format!(
        "UPDATE change SET before = {},
           after = CASE WHEN op = {u} AND (set_id = {current} OR set_id IN
                          (SELECT id FROM change_set WHERE label LIKE '%\"rgpd.erase\"%'))
                        THEN after ELSE {} END
         WHERE record = ?1 AND op <> {}",
        keep_identity("before"),
        keep_identity("after"),
        journal::ROWS,
        u = journal::UPDATE,
        current = journal::SET_ID,
    ))?;
    for record in erased {
        changed += st.execute([record])?;
        changed += drop_from_batches(tx, record)?;
    }
    Ok(changed)
}

/// The inbox entries of the contacts `records` that name the person: the records held
/// whole, and the values of the fields that identify a contact.
pub(crate) fn forget_in_inbox(tx: &Connection, records: &[String]) -> CoreResult<usize> {
    use crate::db::records::{kind, Personal};
    let identifying: &[&str] = match kind("contact").map(|k| k.personal) {
        Some(Personal::Person { identifying }) => identifying,
        _ => &[],
    };
    let fields = serde_json::to_string(identifying).unwrap_or_else(|_| "[]".into());
    let mut st = tx.prepare(
        "DELETE FROM share_conflict WHERE tbl = 'contact' AND record = ?1
           AND (field = '' OR field IN (SELECT value FROM json_each(?2)))",
    )?;
    let mut changed = 0;
    for record in records {
        changed += st.execute(rusqlite::params![record, fields])?;
    }
    Ok(changed)
}

/// The batch entries ([`journal::ROWS`]) holding `record` rewritten without it: its object
/// taken out of the array, the count and the range of identities made those of the records
/// left (a batch left empty goes); how many entries changed.
fn drop_from_batches(tx: &Connection, record: &str) -> CoreResult<usize> {
    let holds = "op = 4 AND record <= ?1 AND field >= ?1
        AND EXISTS (SELECT 1 FROM json_each(catalyse_rows(change.after)) AS r
                    WHERE json_extract(r.value, '$.uid') = ?1)";
    let ids: Vec<i64> = tx
        .prepare(&format!("SELECT id FROM change WHERE {holds}"))?
        .query_map([record], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &ids {
        tx.execute(
            "UPDATE change SET after = catalyse_pack(
                                         (SELECT json_group_array(json(r.value) ORDER BY r.key)
                                          FROM json_each(catalyse_rows(change.after)) AS r
                                          WHERE json_extract(r.value, '$.uid') IS NOT ?2))
             WHERE id = ?1",
            params![id, record],
        )?;
        tx.execute(
            "UPDATE change SET
               before = json_array_length(catalyse_rows(after)),
               record = coalesce((SELECT min(json_extract(r.value, '$.uid')) FROM json_each(catalyse_rows(change.after)) AS r), ''),
               field = coalesce((SELECT max(json_extract(r.value, '$.uid')) FROM json_each(catalyse_rows(change.after)) AS r), '')
             WHERE id = ?1",
            [id],
        )?;
        tx.execute(
            "DELETE FROM change WHERE id = ?1 AND json_array_length(catalyse_rows(after)) = 0",
            [id],
        )?;
    }
    Ok(ids.len())
}

/// The member's name, role and structure in the journal become what the member row now says
/// (« Membre anonymisé n° … », an empty role and structure); how many entries changed.
fn anonymise_member(tx: &Connection, id: i64, uid: &str) -> CoreResult<usize> {
    let mut changed = 0;
    let anonymous = format!("Membre anonymisé n° {id}");
    changed += tx.execute(
        "UPDATE change SET
           before = CASE WHEN before IS NULL THEN NULL WHEN field = 'name' THEN ?2 ELSE '' END,
           after = CASE WHEN after IS NULL THEN NULL WHEN field = 'name' THEN ?2 ELSE '' END
         WHERE record = ?1 AND op = 2 AND field IN ('name', 'role', 'structure')",
        params![uid, anonymous],
    )?;
    changed += tx.execute(
        "UPDATE change SET
           before = CASE WHEN json_valid(before) THEN json_set(before, '$.name', ?2, '$.role', '', '$.structure', '') END,
           after = CASE WHEN json_valid(after) THEN json_set(after, '$.name', ?2, '$.role', '', '$.structure', '') END
         WHERE record = ?1 AND op IN (1, 3)",
        params![uid, anonymous],
    )?;
    Ok(changed)
}

/// Who made a change set, and what it said it did (a member who used Catalyse), with each
/// form of the person replaced; how many change sets changed.
fn scrub_change_sets(tx: &Connection, forms: &[String]) -> CoreResult<usize> {
    let mut changed = 0;
    let sets: Vec<(i64, String, String)> = tx
        .prepare("SELECT id, author, label FROM change_set")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (id, author, label) in sets {
        let (a, l) = (replace_all(&author, forms), replace_all(&label, forms));
        if a != author || l != label {
            changed += tx.execute(
                "UPDATE change_set SET author = ?2, label = ?3 WHERE id = ?1",
                params![id, a, l],
            )?;
        }
    }
    Ok(changed)
}

/// Every other journal value naming the person ([`naming_entries`]) with each form of their
/// name, e-mail and phone replaced; how many entries changed.
fn scrub_naming_entries(tx: &Connection, forms: &[String]) -> CoreResult<usize> {
    let mut changed = 0;
    let mut st = tx.prepare(
        "UPDATE change SET
           before = CASE WHEN typeof(before) = 'text' THEN ?2 ELSE before END,
           after = CASE WHEN typeof(after) = 'text' THEN ?3
                        WHEN op = 4 AND ?3 IS NOT NULL THEN catalyse_pack(?3)
                        ELSE after END
         WHERE id = ?1",
    )?;
    // In their free texts only: not in an identity, a reference, a code or a key.
    let mut free = FreeText::default();
    for (id, table, field, before, after) in naming_entries(tx, forms)? {
        let mut replace = |t: Option<String>| -> CoreResult<Option<String>> {
            t.map(|t| free.replace_in(tx, &table, field.as_deref(), &t, forms))
                .transpose()
        };
        let (before, after) = (replace(before)?, replace(after)?);
        changed += st.execute(params![id, before, after])?;
    }
    Ok(changed)
}
