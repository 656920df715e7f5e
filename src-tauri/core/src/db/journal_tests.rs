//! Tests of [`super`].

use super::*;
use crate::actors::ActorInput;
use crate::db::store::Store;

fn actor(name: &str) -> ActorInput {
    ActorInput {
        name: name.into(),
        world: "association".into(),
        commune: "Larrieu".into(),
        insee: None,
        engagement: "involved".into(),
        notes: String::new(),
    }
}

/// (set, table, op, field, before, after) of a journal entry.
type Entry = (
    i64,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn changes(s: &Store) -> Vec<Entry> {
    s.conn
        .prepare(
            "SELECT set_id, tbl, op, field, CAST(before AS TEXT), CAST(after AS TEXT)
             FROM change ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Every table of records has its three triggers, and they cover every column: the
/// insert and delete entries hold the whole record, the update entries every column but
/// the time of the last edit. A table or column added later is covered at the next open.
#[test]
fn every_table_and_column_of_records_is_journaled() {
    let s = Store::open_in_memory().unwrap();
    let check = |c: &Connection| {
        let triggers: Vec<(String, String)> = c
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let tables = record_tables(c).unwrap();
        for table in &tables {
            for (op, kind) in [
                ("insert", "AFTER INSERT"),
                ("update", "AFTER UPDATE"),
                ("delete", "BEFORE DELETE"),
            ] {
                let name = format!("journal_{table}_{op}");
                let (_, sql) = triggers
                    .iter()
                    .find(|(n, _)| *n == name)
                    .unwrap_or_else(|| panic!("{table} escapes the journal: no {name}"));
                assert!(sql.contains(&format!("{kind} ON \"{table}\"")), "{sql}");
                let refs = references(c, table).unwrap();
                for (col, _) in columns(c, table).unwrap() {
                    let is_ref = refs.iter().any(|r| r.column == col);
                    // A reference is written as the identity it names.
                    let value = |row: &str| {
                        if is_ref {
                            format!("'{col}', CASE WHEN {row}.\"{col}\" IS NULL THEN NULL ELSE ")
                        } else {
                            format!("'{col}', {row}.\"{col}\"")
                        }
                    };
                    let covered = match op {
                        "update" => {
                            UNJOURNALED_COLUMNS.contains(&col.as_str())
                                || sql.contains(&format!("OLD.\"{col}\" IS NOT NEW.\"{col}\""))
                        }
                        "insert" => {
                            LEFT_OUT_OF_INSERTS.contains(&col.as_str())
                                || sql.contains(&value("NEW"))
                                || sql.contains(&format!("'{col}', hex(NEW.\"{col}\")"))
                        }
                        _ => {
                            sql.contains(&value("OLD"))
                                || sql.contains(&format!("'{col}', hex(OLD.\"{col}\")"))
                        }
                    };
                    assert!(covered, "{table}.{col} escapes {name}");
                }
            }
        }
        tables.len()
    };
    assert!(check(&s.conn) >= 29);
    // No trigger journals the journal or what is derived from the records.
    let n: i64 = s
        .conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'journal\\_%' ESCAPE '\\'
             AND (tbl_name IN ('change', 'change_set', 'code_value', 'actor_key', 'search_key') OR tbl_name LIKE 'search_index%')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 0);
    // A later migration adds a column and a table: the next sync covers them.
    s.conn
        .execute_batch(
            "ALTER TABLE actor ADD COLUMN website TEXT NOT NULL DEFAULT '';
             CREATE TABLE visit (id INTEGER PRIMARY KEY, place TEXT NOT NULL,
               uid TEXT NOT NULL DEFAULT (catalyse_uid())) STRICT;",
        )
        .unwrap();
    assert!(sync_triggers(&s.conn).unwrap());
    check(&s.conn);
    assert!(
        !sync_triggers(&s.conn).unwrap(),
        "nothing to change the second time"
    );
}

/// Every column of a table of records that holds another record's id (`…_id`, and the
/// introducer columns) is a reference the journal names by identity: a foreign key, or
/// one its descriptor declares ([`crate::db::records`]). A new one forgotten would be journaled as a number
/// that an undo could point at another record.
#[test]
fn every_column_holding_an_id_is_a_reference_the_journal_names_by_identity() {
    let s = Store::open_in_memory().unwrap();
    let mut seen = 0;
    for table in record_tables(&s.conn).unwrap() {
        let refs = references(&s.conn, &table).unwrap();
        for (column, _) in columns(&s.conn, &table).unwrap() {
            let holds_id = column.ends_with("_id") || column.starts_with("introduced_by_");
            if holds_id {
                seen += 1;
                assert!(
                    refs.iter().any(|r| r.column == column),
                    "{table}.{column} holds an id but is not a reference"
                );
            }
        }
        for r in &refs {
            for target in r.target.tables() {
                assert!(
                    record_tables(&s.conn).unwrap().iter().any(|t| t == target),
                    "{table}.{}: {target} is not a table of records",
                    r.column
                );
            }
        }
    }
    assert!(seen >= 25, "{seen}");
}

/// Each transaction is one change set, with who, which installation, when (increasing)
/// and its changes: the record created, each field edited (before and after), the record
/// deleted.
#[test]
fn every_change_is_journaled_in_its_change_set() {
    let mut s = Store::open_in_memory().unwrap();
    s.journal.set_author("Claire Vasseur");
    s.journal.set_device("0190f6a4-0000-7000-8000-000000000001");
    let a = s.create_actor(&actor("Mairie de Larrieu")).unwrap();
    let mut edit = actor("Mairie de Larrieu-le-Haut");
    edit.engagement = "lead".into();
    s.update_actor(a.id, &edit).unwrap();
    s.update_actor(a.id, &edit).unwrap(); // the same values: no change, no set
    s.delete_actor(a.id).unwrap();
    let sets: Vec<(i64, String, String, i64)> = s
        .conn
        .prepare("SELECT id, author, device, at FROM change_set ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(sets.len(), 3, "{sets:?}");
    assert!(
        sets.windows(2).all(|w| w[0].3 < w[1].3),
        "the clock goes forward"
    );
    assert!(sets
        .iter()
        .all(|(_, who, device, _)| who == "Claire Vasseur"
            && device == "0190f6a4-0000-7000-8000-000000000001"));
    let c = changes(&s);
    assert_eq!(c.len(), 4, "{c:#?}");
    assert_eq!(
        (c[0].0, c[0].1.as_str(), c[0].2),
        (sets[0].0, "actor", INSERT)
    );
    let created: serde_json::Value = serde_json::from_str(c[0].5.as_deref().unwrap()).unwrap();
    assert_eq!(created["name"], "Mairie de Larrieu");
    assert!(
        created.get("uid").is_none(),
        "the identity is the entry's record"
    );
    let edits: Vec<_> = c[1..3]
        .iter()
        .map(|x| (x.0, x.3.clone().unwrap(), x.4.clone(), x.5.clone()))
        .collect();
    assert_eq!(
        edits,
        [
            (
                sets[1].0,
                "name".to_string(),
                Some("Mairie de Larrieu".into()),
                Some("Mairie de Larrieu-le-Haut".into())
            ),
            (
                sets[1].0,
                "engagement".to_string(),
                Some("involved".into()),
                Some("lead".into())
            ),
        ]
    );
    assert_eq!((c[3].0, c[3].2), (sets[2].0, DELETE));
    let deleted: serde_json::Value = serde_json::from_str(c[3].4.as_deref().unwrap()).unwrap();
    assert_eq!(deleted["name"], "Mairie de Larrieu-le-Haut");
    let records: Vec<String> = s
        .conn
        .prepare("SELECT DISTINCT record FROM change")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(records, [a.uid]);
}

/// Several statements in one transaction make one change set, under the label given for
/// it; a rolled-back transaction leaves no journal; with journaling off nothing is written.
#[test]
fn one_transaction_one_set_and_a_rollback_leaves_nothing() {
    let mut s = Store::open_in_memory().unwrap();
    s.journal
        .set_label(&ChangeLabel::new("import.actors", &[("count", "2".into())]));
    {
        let tx = s.conn.transaction().unwrap();
        for name in ["Un", "Deux"] {
            crate::actors::store::insert_actor(
                &tx,
                &actor(name).validate().unwrap(),
                "2026-01-01T00:00:00Z",
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let label: String = s
        .conn
        .query_row("SELECT label FROM change_set", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        serde_json::from_str::<ChangeLabel>(&label).unwrap(),
        ChangeLabel::new("import.actors", &[("count", "2".into())])
    );
    assert_eq!(changes(&s).len(), 2);
    {
        let tx = s.conn.transaction().unwrap();
        crate::actors::store::insert_actor(
            &tx,
            &actor("Trois").validate().unwrap(),
            "2026-01-01T00:00:00Z",
        )
        .unwrap();
        tx.execute("UPDATE actor SET name = 'Un bis' WHERE name = 'Un'", [])
            .unwrap();
        tx.rollback().unwrap();
    }
    assert_eq!(
        changes(&s).len(),
        2,
        "nothing journaled for the rolled-back transaction"
    );
    let sets: i64 = s
        .conn
        .query_row("SELECT count(*) FROM change_set", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sets, 1);
    // The label was for that one transaction: the next one has none.
    s.create_actor(&actor("Quatre")).unwrap();
    let label: String = s
        .conn
        .query_row(
            "SELECT label FROM change_set ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(label, "");
    s.journal.set_enabled(false);
    s.create_actor(&actor("Cinq")).unwrap();
    assert_eq!(changes(&s).len(), 3);
}

/// Every column an edit can change is named in the history's sentences, in both
/// languages: by its own label (`history.field.<table>.<column>`) or by one shared by
/// the columns of that name (`history.field.any.<column>`).
#[test]
fn every_journaled_column_has_a_label_in_both_languages() {
    let s = Store::open_in_memory().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/i18n");
    for lang in ["fr", "en"] {
        let catalogue = std::fs::read_to_string(root.join(format!("{lang}.js"))).unwrap();
        let mut missing = Vec::new();
        for table in record_tables(&s.conn).unwrap() {
            for (column, _) in columns(&s.conn, &table).unwrap() {
                if UNJOURNALED_COLUMNS.contains(&column.as_str())
                    || ["id", "created_at"].contains(&column.as_str())
                {
                    continue;
                }
                let own = format!("\"history.field.{table}.{column}\":");
                let any = format!("\"history.field.any.{column}\":");
                if !catalogue.contains(&own) && !catalogue.contains(&any) {
                    missing.push(format!("{table}.{column}"));
                }
            }
        }
        assert!(missing.is_empty(), "{lang}: no label for {missing:?}");
    }
}

/// A change set rolled back with a savepoint, its transaction going on: the next change
/// writes it again, and every change of the transaction is in that set.
#[test]
fn a_savepoint_rolled_back_takes_its_change_set_and_the_next_change_writes_it_again() {
    let mut s = Store::open_in_memory().unwrap();
    let insert = |tx: &Connection, name: &str| {
        crate::actors::store::insert_actor(
            tx,
            &actor(name).validate().unwrap(),
            "2026-01-01T00:00:00Z",
        )
        .unwrap();
    };
    let sets_before: i64 = s
        .conn
        .query_row("SELECT count(*) FROM change_set", [], |r| r.get(0))
        .unwrap();
    {
        let mut tx = s.conn.transaction().unwrap();
        {
            let sp = tx.savepoint().unwrap();
            insert(&sp, "Un");
            sp.execute("UPDATE actor SET commune = 'Die' WHERE name = 'Un'", [])
                .unwrap();
            // Dropped: rolled back.
        }
        // A set of another transaction takes the id the rolled-back set had.
        tx.execute(
            "INSERT INTO change_set (at, author, device) VALUES (1, 'Autre', 'ailleurs')",
            [],
        )
        .unwrap();
        insert(&tx, "Deux");
        tx.execute("UPDATE actor SET commune = 'Nyons' WHERE name = 'Deux'", [])
            .unwrap();
        tx.commit().unwrap();
    }
    let sets: Vec<(i64, String, i64)> = s
        .conn
        .prepare(
            "SELECT s.id, s.author, count(c.id) FROM change_set AS s
             LEFT JOIN change AS c ON c.set_id = s.id GROUP BY s.id ORDER BY s.id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let new = &sets[sets_before as usize..];
    assert_eq!(new.len(), 2, "{sets:?}");
    assert_eq!(new[0].1, "Autre");
    assert_eq!(new[0].2, 0, "nothing written in another set: {sets:?}");
    assert_eq!(
        new[1].2, 2,
        "the insert and the update of « Deux »: {sets:?}"
    );
    let names: Vec<String> = changes(&s).iter().filter_map(|e| e.5.clone()).collect();
    assert!(!names.iter().any(|n| n.contains("\"Un\"")), "{names:?}");
}
