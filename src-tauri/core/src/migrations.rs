//! Schema migrations, append-only.
//!
//! Entry `i` of [`MIGRATIONS`] brings a workspace from schema version `i` to `i + 1`; the version
//! is SQLite's `user_version`. A released entry is never edited: change the schema by appending a
//! new one. PRAGMAs that configure the connection stay out of migrations.

/// The SQL of each migration, in order.
pub const MIGRATIONS: &[&str] = &[
    // 1: the territory, its project header and its actors.
    r#"
CREATE TABLE territory (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind        TEXT NOT NULL CHECK (kind IN ('petr','epci','municipality','pays','regional_park','department','region')),
    description TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE project (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    territory_id  INTEGER NOT NULL REFERENCES territory(id),
    title         TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    vision        TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('drafting','adopted','revising')),
    period_start  TEXT CHECK (period_start IS NULL OR date(period_start) = period_start),
    period_end    TEXT CHECK (period_end IS NULL OR date(period_end) = period_end),
    adoption_date TEXT CHECK (adoption_date IS NULL OR date(adoption_date) = adoption_date),
    CHECK (period_start IS NULL OR period_end IS NULL OR period_end >= period_start)
) STRICT;

CREATE TABLE actor (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    world       TEXT NOT NULL CHECK (world IN ('local_authority','state','business','association','citizen','research','funder','network')),
    commune     TEXT NOT NULL DEFAULT '',
    engagement  TEXT NOT NULL CHECK (engagement IN ('informed','consulted','involved','partner','lead')),
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX actor_world ON actor(world);
"#,
];

/// The schema version this build of Catalyse writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Record kinds counted by `catalyse check`, as (glossary plural, table).
pub const COUNTED_TABLES: &[(&str, &str)] = &[
    ("territories", "territory"),
    ("projects", "project"),
    ("actors", "actor"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    /// Every prefix of the migration list applies cleanly, one step at a time, with foreign keys on.
    #[test]
    fn migrations_apply_in_order() {
        let conn = Connection::open_in_memory().unwrap();
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
