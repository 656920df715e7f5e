//! Schema migrations, append-only.
//!
//! Entry `i` of [`MIGRATIONS`] brings a workspace from schema version `i` to `i + 1`; the version
//! is SQLite's `user_version`. A released entry is never edited: change the schema by appending a
//! new one. PRAGMAs that configure the connection stay out of migrations.

/// The SQL of each migration, in order.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_territory_project_actors.sql"),
    include_str!("migrations/0002_project_structure.sql"),
    include_str!("migrations/0003_network.sql"),
    include_str!("migrations/0004_search.sql"),
    include_str!("migrations/0005_competence_grid.sql"),
    include_str!("migrations/0006_decision_notes.sql"),
    include_str!("migrations/0007_list_keys.sql"),
    include_str!("migrations/0008_link_introducer_index.sql"),
    include_str!("migrations/0009_codes_from_enums.sql"),
    include_str!("migrations/0010_record_identities.sql"),
    include_str!("migrations/0011_journal.sql"),
    include_str!("migrations/0012_journal_references_by_identity.sql"),
    include_str!("migrations/0013_sharing.sql"),
    include_str!("migrations/0014_journal_batches.sql"),
    include_str!("migrations/0015_invariants.sql"),
    include_str!("migrations/0016_territory_communes.sql"),
    include_str!("migrations/0017_places.sql"),
    include_str!("migrations/0018_commune_contours.sql"),
    include_str!("migrations/0019_packed_batches.sql"),
];

/// The schema version this build of Catalyse writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The journal of changes (migration 11): exported with the records in the workspace JSON,
/// but never journaled itself and without identities of its own per change.
pub const JOURNAL_TABLES: &[&str] = &["change_set", "change"];

/// What this copy of a shared workspace knows of the team space (migration 13): never
/// journaled, exported or sent; a copy made of the file is not a member of the space.
pub const LOCAL_TABLES: &[&str] = &[
    "share_space",
    "share_device",
    "share_version",
    "share_conflict",
    "share_alias",
];

/// Tables imported once from a public file (the communes' contours, migration 18): kept in
/// the file and its backups; never journaled, exported in the workspace JSON, sent, or
/// searched for a person's name (another laptop imports the same file).
pub const IMPORTED_TABLES: &[&str] = &["commune_contour"];

/// Tables that hold no user record: derived from the records by triggers (rebuilt from them),
/// or from the app itself (`code_value`, from the enums). Never exported in the workspace JSON,
/// searched for a person's name or (later) journaled. Names ending in `%` are prefixes (the
/// search index's shadow tables).
pub const DERIVED_TABLES: &[&str] = &[
    "code_value",
    "search_index%",
    "actor_key",
    "meeting_key",
    "search_key",
    "network_figures",
    "network_summary",
    "map_layout",
    "map_summary",
];

/// Every column that holds a code, as (table, column, list): the list is the name of its enum
/// in [`crate::shared::domain::code_lists`]. Triggers (migration 9) accept in each column only
/// the codes of its list in `code_value`, which [`crate::db::store::add_missing_codes`] fills
/// from the enums: adding a code to an enum is all the schema needs.
pub const CODED_COLUMNS: &[(&str, &str, &str)] = &[
    ("territory", "kind", "TerritoryKind"),
    ("project", "status", "ProjectStatus"),
    ("actor", "world", "World"),
    ("actor", "engagement", "Engagement"),
    ("need", "priority", "Priority"),
    ("action", "status", "ActionStatus"),
    ("action", "practice", "Practice"),
    ("action", "engineering", "Engineering"),
    ("funding", "status", "FundingStatus"),
    ("meeting", "kind", "MeetingKind"),
    ("meeting", "practice", "Practice"),
    ("link", "nature", "LinkNature"),
    ("self_assessment", "status", "AssessmentStatus"),
    ("competence_evidence", "kind", "EvidenceKind"),
    ("decision_note", "addressee", "Addressee"),
    ("decision_note", "status", "NoteStatus"),
    ("note_record", "kind", "NoteRecordKind"),
    ("note_section", "key", "SectionKey"),
];

/// The first schema version whose codes are in `code_value` rather than in CHECKs.
pub const CODES_TABLE_SINCE: i64 = 9;

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    /// Released migrations are never edited: each file's fingerprint (FNV-1a of its text, line
    /// ends normalised) is recorded here when it is released. A new migration appends its own.
    #[test]
    fn released_migrations_are_unchanged() {
        const RELEASED: &[u64] = &[
            0x6b336c52ab032ee9,
            0xd8628aaa3ea0a344,
            0x5cb374106c81f434,
            0x0c63bb313c279d34,
            0x45402089f8046d73,
            0xe67ff385c1c618d5,
            0xa22e98b6ee675ed6,
            0x4c69dd1ffd65f31a,
            0xa2ccba426f7b9be4,
            0xd1860a18640430b1,
            0x28850e7c94ebdf9,
            0xd2daaf6809231cfd,
            0x2f8c6c9d6055db5e,
            0x91a87ce9b73a5e3,
            0xcc946e67469b6182,
            0x70866ed1c253aeb7,
            0xb218f19147577adb,
            0x36f8384828ae320b,
        ];
        let fnv = |text: &str| {
            text.replace("\r\n", "\n")
                .bytes()
                .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
                })
        };
        assert!(MIGRATIONS.len() >= RELEASED.len());
        for (i, (sql, want)) in MIGRATIONS.iter().zip(RELEASED).enumerate() {
            assert_eq!(
                fnv(sql),
                *want,
                "migration {} was edited after its release: append a new one instead",
                i + 1
            );
        }
    }

    /// No table of the schema the migrations build limits a column to a list of codes with a
    /// CHECK (adding a code would then need a table rebuild): code columns are in
    /// [`CODED_COLUMNS`], each guarded on insert and on update by a trigger that reads its own
    /// list, and every list is one of the enums.
    #[test]
    fn code_columns_are_checked_against_the_enums_not_against_checks() {
        let store = crate::db::store::Store::open_in_memory().unwrap();
        let lists = crate::shared::domain::code_lists();
        let rows = |sql: &str| -> Vec<(String, String)> {
            store
                .conn
                .prepare(sql)
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        for (table, sql) in
            rows("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL")
        {
            for line in sql.lines() {
                if let Some((_, rest)) = line.split_once(" IN (") {
                    assert!(
                        !rest.trim_start().starts_with('\''),
                        "{table}: a CHECK lists codes ({}): put the column in CODED_COLUMNS",
                        line.trim()
                    );
                }
            }
        }
        let triggers = rows("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'");
        for (table, column, list) in CODED_COLUMNS {
            assert!(
                lists.iter().any(|(name, _)| name == list),
                "{table}.{column}: {list} is not in code_lists!"
            );
            for (event, on) in [
                ("insert", "INSERT".to_string()),
                ("update", format!("UPDATE OF {column}")),
            ] {
                let name = format!("{table}_{column}_code_{event}");
                let (_, sql) = triggers
                    .iter()
                    .find(|(n, _)| *n == name)
                    .unwrap_or_else(|| panic!("{table}.{column}: no trigger {name}"));
                let wanted = format!(
                    "BEFORE {on} ON {table}\nWHEN NEW.{column} NOT IN (SELECT code FROM code_value WHERE list = '{list}')"
                );
                assert!(sql.contains(&wanted), "{name}: {sql}");
            }
        }
    }

    /// Every table of records has its identity: a `uid` column, required, given by
    /// `catalyse_uid()` when not supplied, unique; tables derived from the records have none.
    #[test]
    fn every_record_table_has_a_stable_identity() {
        let store = crate::db::store::Store::open_in_memory().unwrap();
        let c = &store.conn;
        let tables = crate::db::journal::record_tables(c).unwrap();
        assert!(tables.len() >= 29, "{tables:?}");
        for table in &tables {
            let (notnull, default): (bool, Option<String>) = c
                .query_row(
                    "SELECT \"notnull\", dflt_value FROM pragma_table_info(?1) WHERE name = 'uid'",
                    [table],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap_or_else(|_| panic!("{table} has no uid column"));
            assert!(notnull, "{table}.uid may be NULL");
            assert_eq!(default.as_deref(), Some("catalyse_uid()"), "{table}.uid");
            let unique: bool = c
                .query_row(
                    "SELECT count(*) > 0 FROM pragma_index_list(?1) AS l
                     JOIN pragma_index_info(l.name) AS i WHERE l.\"unique\" AND i.name = 'uid'",
                    [table],
                    |r| r.get(0),
                )
                .unwrap();
            assert!(unique, "{table}.uid has no unique index");
        }
        for derived in ["actor_key", "search_key", "code_value", "network_summary"] {
            let n: i64 = c
                .query_row(
                    "SELECT count(*) FROM pragma_table_info(?1) WHERE name = 'uid'",
                    [derived],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(n, 0, "{derived}");
        }
    }

    /// The same workspace made twice (two laptops writing the demo) shares no identity.
    #[test]
    fn two_workspaces_never_give_the_same_identity() {
        let dir = tempfile::TempDir::new().unwrap();
        let uids = |name: &str| -> std::collections::HashSet<String> {
            let s = crate::demo::write_demo(&dir.path().join(name)).unwrap();
            let mut all = std::collections::HashSet::new();
            for table in crate::db::journal::record_tables(&s.conn).unwrap() {
                let mut st = s.conn.prepare(&format!("SELECT uid FROM {table}")).unwrap();
                for uid in st.query_map([], |r| r.get::<_, String>(0)).unwrap() {
                    assert!(all.insert(uid.unwrap()), "{table}: an identity given twice");
                }
            }
            all
        };
        let (a, b) = (uids("a.catalyse"), uids("b.catalyse"));
        assert!(a.len() > 300, "{}", a.len());
        assert_eq!(a.len(), b.len());
        assert!(a.is_disjoint(&b));
    }

    /// A workspace holds the codes of every list its columns use, exactly the enums' codes.
    #[test]
    fn the_code_table_holds_the_enums_codes() {
        let store = crate::db::store::Store::open_in_memory().unwrap();
        let mut st = store
            .conn
            .prepare("SELECT code FROM code_value WHERE list = ?1 ORDER BY code")
            .unwrap();
        for (name, codes) in crate::shared::domain::code_lists() {
            let stored: Vec<String> = st
                .query_map([name], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let mut wanted: Vec<&str> = if CODED_COLUMNS.iter().any(|(_, _, l)| *l == name) {
                codes
            } else {
                Vec::new()
            };
            wanted.sort_unstable();
            assert_eq!(stored, wanted, "{name}");
        }
    }

    /// A code outside its list is refused on insert and on update, whatever the code path;
    /// once the list has it (a newer Catalyse added it to its enum), it is accepted.
    #[test]
    fn a_code_outside_its_list_is_refused() {
        let store = crate::db::store::Store::open_in_memory().unwrap();
        let c = &store.conn;
        let insert = "INSERT INTO actor (name, world, engagement, created_at, updated_at)
                      VALUES ('Atelier', ?1, 'informed', '2026-01-01', '2026-01-01')";
        let e = c.execute(insert, ["culture"]).unwrap_err();
        assert!(e.to_string().contains("code inconnu : actor.world"), "{e}");
        c.execute(insert, ["state"]).unwrap();
        let e = c
            .execute("UPDATE actor SET engagement = 'sponsor'", [])
            .unwrap_err();
        assert!(
            e.to_string().contains("code inconnu : actor.engagement"),
            "{e}"
        );
        c.execute("INSERT INTO code_value VALUES ('World', 'culture')", [])
            .unwrap();
        c.execute(insert, ["culture"]).unwrap();
        let n: i64 = c
            .query_row("SELECT count(*) FROM actor", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2);
    }

    /// Every prefix of the migration list applies cleanly, one step at a time, with foreign keys on.
    #[test]
    fn migrations_apply_in_order() {
        let conn = Connection::open_in_memory().unwrap();
        crate::db::store::register_functions(&conn).unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        for i in 0..MIGRATIONS.len() {
            crate::db::apply::apply(&conn, i)
                .unwrap_or_else(|e| panic!("migration {} fails: {e}", i + 1));
        }
        let fk: Vec<String> = conn
            .prepare("PRAGMA foreign_key_check")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(fk.is_empty());
        for (_, table) in crate::db::records::counted() {
            let n: i64 = conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .unwrap();
            assert_eq!(n, 0);
        }
    }
}
