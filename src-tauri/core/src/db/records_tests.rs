//! The descriptors say what the schema holds (tests of [`super`]), and `ui/bindings/kinds.js`
//! is written from them.

use super::*;
use crate::db::journal::{columns, record_tables, references};
use crate::db::store::Store;
use std::collections::BTreeSet;

/// Every table of records has a descriptor, and every descriptor a table of records: a kind
/// added without one fails here, naming its table.
#[test]
fn every_table_of_records_has_one_descriptor() {
    let s = Store::open_in_memory().unwrap();
    let tables: BTreeSet<String> = record_tables(&s.conn).unwrap().into_iter().collect();
    let described: BTreeSet<String> = RECORD_KINDS.iter().map(|k| k.table.to_string()).collect();
    assert_eq!(
        described.len(),
        RECORD_KINDS.len(),
        "a table is described twice"
    );
    let missing: Vec<&String> = tables.difference(&described).collect();
    assert!(
        missing.is_empty(),
        "tables of records without a descriptor in db/records.rs: {missing:?}"
    );
    let unknown: Vec<&String> = described.difference(&tables).collect();
    assert!(
        unknown.is_empty(),
        "descriptors naming no table of records: {unknown:?}"
    );
    // Each holds records with an identity.
    for k in RECORD_KINDS {
        let cols = columns(&s.conn, k.table).unwrap();
        assert!(cols.iter().any(|(c, _)| c == "uid"), "{}: no uid", k.table);
    }
}

/// A descriptor's references are the schema's single-column foreign keys (`To`), plus those
/// the schema cannot tell (`Through`, `ByKind`), which are no such key; the journal names
/// them all by identity; the columns a descriptor names exist.
#[test]
fn each_descriptor_says_what_the_schema_holds() {
    let s = Store::open_in_memory().unwrap();
    for k in RECORD_KINDS {
        let cols: Vec<String> = columns(&s.conn, k.table)
            .unwrap()
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        let schema: BTreeSet<(String, String)> = s
            .conn
            .prepare(crate::db::journal::SINGLE_REFERENCES)
            .unwrap()
            .query_map([k.table], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let to: BTreeSet<(String, String)> = k
            .references
            .iter()
            .filter_map(|r| match r.to {
                Refers::To(t) => Some((r.column.to_string(), t.to_string())),
                _ => None,
            })
            .collect();
        assert_eq!(to, schema, "{}: the schema's foreign keys", k.table);
        for r in k.references {
            assert!(
                cols.iter().any(|c| c == r.column),
                "{}.{}",
                k.table,
                r.column
            );
            if !matches!(r.to, Refers::To(_)) {
                assert!(
                    !schema.iter().any(|(c, _)| c == r.column),
                    "{}.{}: a foreign key of the schema, say Refers::To",
                    k.table,
                    r.column
                );
            }
        }
        let journal: BTreeSet<(String, Vec<String>)> = references(&s.conn, k.table)
            .unwrap()
            .into_iter()
            .map(|r| {
                let tables = r.target.tables().iter().map(|t| t.to_string()).collect();
                (r.column, tables)
            })
            .collect();
        let described: BTreeSet<(String, Vec<String>)> = k
            .references
            .iter()
            .map(|r| {
                let tables = match r.to {
                    Refers::To(t) | Refers::Through(t) => vec![t.to_string()],
                    Refers::ByKind { kinds, .. } => {
                        kinds.iter().map(|(_, t)| t.to_string()).collect()
                    }
                };
                (r.column.to_string(), tables)
            })
            .collect();
        assert_eq!(described, journal, "{}: the journal's references", k.table);
        for r in k.references {
            if let Refers::ByKind { kind_column, kinds } = r.to {
                assert!(
                    cols.iter().any(|c| c == kind_column),
                    "{}.{kind_column}",
                    k.table
                );
                for (_, t) in kinds {
                    assert!(
                        kind(t).is_some(),
                        "{}.{}: {t} has no descriptor",
                        k.table,
                        r.column
                    );
                }
            }
        }
        if let Some(c) = k.name_column {
            assert!(
                cols.iter().any(|x| x == c),
                "{}: no column {c} to name it",
                k.table
            );
        }
        match k.personal {
            Personal::Person { identifying } => {
                for c in identifying {
                    assert!(cols.iter().any(|x| x == c), "{}: no column {c}", k.table);
                }
            }
            Personal::OwnedBy(owner) => {
                assert!(
                    matches!(
                        kind(owner).map(|o| o.personal),
                        Some(Personal::Person { .. })
                    ),
                    "{}: owned by {owner}, not a person",
                    k.table
                );
                assert!(
                    k.references.iter().any(|r| r.to == Refers::To(owner)),
                    "{}: owned by {owner} but refers to none",
                    k.table
                );
            }
            Personal::No => {}
        }
        assert!(!k.noun_fr.is_empty() && !k.label_fr.is_empty() && !k.label_en.is_empty());
    }
}

/// The counts' keys and the journal filter's places are each given once.
#[test]
fn count_keys_and_filter_places_are_unique() {
    let counted: Vec<&str> = counted().map(|(key, _)| key).collect();
    assert_eq!(counted.len(), counted.iter().collect::<BTreeSet<_>>().len());
    let mut places: Vec<u8> = RECORD_KINDS
        .iter()
        .filter_map(|k| k.journal_filter)
        .collect();
    places.sort();
    assert_eq!(
        places,
        (0..places.len() as u8).collect::<Vec<_>>(),
        "the filter's places"
    );
}

/// Writes `kinds.js` beside the TypeScript bindings: the kinds the journal's filter offers, in
/// their order, and every kind's name in French and English.
#[test]
fn export_kinds_for_the_ui() {
    let mut filter: Vec<&RecordKind> = RECORD_KINDS
        .iter()
        .filter(|k| k.journal_filter.is_some())
        .collect();
    filter.sort_by_key(|k| k.journal_filter);
    let quoted: Vec<String> = filter.iter().map(|k| format!("\"{}\"", k.table)).collect();
    let labels = |f: fn(&RecordKind) -> &'static str| {
        RECORD_KINDS
            .iter()
            .map(|k| format!("    {}: {},", k.table, serde_json::to_string(f(k)).unwrap()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let js = format!(
        "// Generated by catalyse-core (`cargo test`) from the record descriptors of\n\
         // src-tauri/core/src/db/records.rs: do not edit.\n\n\
         /** The kinds of record the journal's « Type » filter offers, in order. */\n\
         export const KINDS = Object.freeze([{}]);\n\n\
         /** Each kind's name in the UI, by language. @type {{Readonly<Record<\"fr\"|\"en\", Readonly<Record<string, string>>>>}} */\n\
         export const KIND_LABELS = Object.freeze({{\n  fr: Object.freeze({{\n{}\n  }}),\n  en: Object.freeze({{\n{}\n  }}),\n}});\n",
        quoted.join(", "),
        labels(|k| k.label_fr),
        labels(|k| k.label_en),
    );
    let dir = std::env::var("TS_RS_EXPORT_DIR").unwrap_or_else(|_| "bindings".into());
    std::fs::create_dir_all(&dir).unwrap();
    let path = std::path::Path::new(&dir).join("kinds.js");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(js.as_str()) {
        std::fs::write(&path, js).unwrap();
    }
}

/// A kind comes after every kind whose deletion takes its rows with it (`ON DELETE CASCADE`):
/// the history names a deletion after the first kind it removed, so the parent's name is the
/// one said.
#[test]
fn a_kind_comes_after_the_kinds_whose_deletion_takes_it() {
    let s = Store::open_in_memory().unwrap();
    for (i, k) in RECORD_KINDS.iter().enumerate() {
        let parents: Vec<String> = s
            .conn
            .prepare(
                "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)
                 WHERE on_delete = 'CASCADE'",
            )
            .unwrap()
            .query_map([k.table], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for p in parents {
            if kind(&p).is_some() {
                assert!(
                    rank(&p) < i,
                    "{} comes before {p}, whose deletion takes it",
                    k.table
                );
            }
        }
    }
}
