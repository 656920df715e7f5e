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
];

/// The schema version this build of Catalyse writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Tables derived from the records by triggers: rebuilt from them, so never exported in the
/// workspace JSON, searched for a person's name or (later) journaled. Names ending in `%`
/// are prefixes (the search index's shadow tables).
pub const DERIVED_TABLES: &[&str] = &[
    "search_index%",
    "actor_key",
    "meeting_key",
    "search_key",
    "network_figures",
    "network_summary",
    "map_layout",
    "map_summary",
];

/// Record kinds counted by `catalyse check`, as (glossary plural, table).
pub const COUNTED_TABLES: &[(&str, &str)] = &[
    ("territories", "territory"),
    ("projects", "project"),
    ("actors", "actor"),
    ("needs", "need"),
    ("axes", "axis"),
    ("actions", "action"),
    ("fundings", "funding"),
    ("indicators", "indicator"),
    ("contacts", "contact"),
    ("members", "member"),
    ("links", "link"),
    ("meetings", "meeting"),
    ("follow_ups", "follow_up"),
    ("self_assessments", "self_assessment"),
    ("decision_notes", "decision_note"),
];

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

    /// Every CHECK that limits a text column to a list of codes, in the schema the migrations
    /// build, allows exactly the codes of its enum (`shared::domain::code_lists`): a code
    /// added to an enum without its migration, or the reverse, fails here.
    #[test]
    fn the_schemas_code_checks_are_the_enums_codes() {
        const COLUMNS: &[(&str, &str, &str)] = &[
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
        let store = crate::db::store::Store::open_in_memory().unwrap();
        let lists = crate::shared::domain::code_lists();
        let tables: Vec<(String, String)> = store
            .conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut found = Vec::new();
        for (table, sql) in &tables {
            for line in sql.lines() {
                let Some((_, check)) = line.split_once(" IN (") else {
                    continue;
                };
                if !check.trim_start().starts_with('\'') {
                    continue; // IN (0, 1): a flag
                }
                let column = line.split_whitespace().next().unwrap().to_string();
                let codes: Vec<String> = check
                    .split(')')
                    .next()
                    .unwrap()
                    .split(',')
                    .map(|c| c.trim().trim_matches('\'').to_string())
                    .collect();
                found.push((table.clone(), column, codes));
            }
        }
        let mut checked = Vec::new();
        for (table, column, codes) in &found {
            let Some((_, _, name)) = COLUMNS.iter().find(|(t, c, _)| t == table && c == column)
            else {
                panic!("{table}.{column} has a list of codes: map it to its enum here");
            };
            let (_, wanted) = lists.iter().find(|(n, _)| n == name).unwrap();
            assert_eq!(codes, wanted, "{table}.{column} against {name}");
            checked.push((table.as_str(), column.as_str()));
        }
        for (t, c, _) in COLUMNS {
            assert!(
                checked.contains(&(*t, *c)),
                "{t}.{c}: no CHECK of codes found"
            );
        }
    }

    /// Every prefix of the migration list applies cleanly, one step at a time, with foreign keys on.
    #[test]
    fn migrations_apply_in_order() {
        let conn = Connection::open_in_memory().unwrap();
        crate::db::store::register_functions(&conn).unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        for (i, sql) in MIGRATIONS.iter().enumerate() {
            conn.execute_batch(sql)
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
        for (_, table) in COUNTED_TABLES {
            let n: i64 = conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .unwrap();
            assert_eq!(n, 0);
        }
    }
}
