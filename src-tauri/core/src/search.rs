//! One search box across actors, contacts, meetings (with their notes) and actions:
//! accent- and case-insensitive (`ecrins` finds `Écrins`), through SQLite FTS5.

use crate::error::CoreResult;
use crate::store::Store;
use serde::Serialize;
use ts_rs::TS;

/// Most hits returned per kind of record.
pub const HITS_PER_KIND: usize = 20;

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SearchHit {
    /// `actor`, `contact`, `meeting` or `action`.
    pub kind: String,
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    /// Context: the contact's actor, the meeting's date, the actor's commune.
    pub detail: String,
    /// For a contact, the actor it belongs to.
    #[ts(type = "number | null")]
    pub actor_id: Option<i64>,
}

/// Turns what a user typed into an FTS5 query: every word must appear, as a word prefix.
/// Quotes and operators typed by the user are taken literally, never as query syntax.
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

const KINDS: [&str; 4] = ["actor", "contact", "meeting", "action"];

impl Store {
    /// Searches every kind of record; results grouped by kind (actors first), best first.
    pub fn search(&self, input: &str) -> CoreResult<Vec<SearchHit>> {
        let Some(query) = fts_query(input) else {
            return Ok(Vec::new());
        };
        let mut hits = Vec::new();
        for (k, kind) in KINDS.iter().enumerate() {
            let tag = k as i64 + 1;
            let mut st = self.conn.prepare_cached(
                "SELECT rowid, title FROM search_index WHERE search_index MATCH ?1 AND rowid % 8 = ?2
                 ORDER BY rank LIMIT ?3",
            )?;
            let rows: Vec<(i64, String)> = st
                .query_map(rusqlite::params![query, tag, HITS_PER_KIND as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?
                .collect::<Result<_, _>>()?;
            for (rowid, title) in rows {
                let id = rowid / 8;
                let (detail, actor_id) = self.search_detail(kind, id)?;
                hits.push(SearchHit {
                    kind: (*kind).to_string(),
                    id,
                    title,
                    detail,
                    actor_id,
                });
            }
        }
        Ok(hits)
    }

    fn search_detail(&self, kind: &str, id: i64) -> CoreResult<(String, Option<i64>)> {
        let one = |sql: &str| -> CoreResult<(String, Option<i64>)> {
            Ok(self
                .conn
                .query_row(sql, [id], |r| Ok((r.get(0)?, r.get(1)?)))?)
        };
        match kind {
            "actor" => one("SELECT commune, NULL FROM actor WHERE id = ?1"),
            "contact" => one(
                "SELECT a.name, a.id FROM contact c JOIN actor a ON a.id = c.actor_id WHERE c.id = ?1",
            ),
            "meeting" => one("SELECT date, NULL FROM meeting WHERE id = ?1"),
            _ => one("SELECT coalesce(x.title, ''), NULL FROM action a LEFT JOIN axis x ON x.id = a.axis_id WHERE a.id = ?1"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ActorInput;

    #[test]
    fn queries_are_escaped_prefix_words() {
        assert_eq!(fts_query("  "), None);
        assert_eq!(fts_query("ecrins").as_deref(), Some("\"ecrins\"*"));
        assert_eq!(
            fts_query("tiers-lieu \"OR\" NEAR(").as_deref(),
            Some("\"tiers\"* \"lieu\"* \"OR\"* \"NEAR\"*")
        );
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::TempDir::new().unwrap();
        let s = crate::demo::write_demo(&dir.path().join("d.catalyse")).unwrap();
        (dir, s)
    }

    #[test]
    fn accent_and_case_insensitive_across_kinds() {
        let (_dir, mut s) = store();
        s.create_actor(&ActorInput {
            name: "Parc national des Écrins".into(),
            world: "state".into(),
            commune: "".into(),
            engagement: "informed".into(),
            notes: "".into(),
        })
        .unwrap();
        let hits = s.search("ecrins").unwrap();
        assert_eq!(hits[0].title, "Parc national des Écrins");
        assert_eq!(hits[0].kind, "actor");
        // "orgieres" finds actors, meetings and actions mentioning Les Orgières.
        let kinds: std::collections::BTreeSet<_> = s
            .search("ORGIERES")
            .unwrap()
            .into_iter()
            .map(|h| h.kind)
            .collect();
        assert!(
            kinds.contains("actor") && kinds.contains("meeting") && kinds.contains("action"),
            "{kinds:?}"
        );
        // A contact is found by name and points to its actor.
        let c = s.search("belkacem").unwrap();
        assert_eq!(c[0].kind, "contact");
        assert_eq!(c[0].detail, "Tiers-lieu La Fabrique du Verdanson");
        assert!(c[0].actor_id.is_some());
        // Meeting notes are searched too.
        let m = s.search("dynamique").unwrap();
        assert!(m.iter().all(|h| h.kind == "meeting"));
        // Prefixes work, and hostile input is harmless.
        assert!(!s.search("mobil").unwrap().is_empty());
        assert!(s.search("\") OR 1=1 --").unwrap().is_empty());
    }

    #[test]
    fn index_follows_edits_and_deletions() {
        let (_dir, mut s) = store();
        let a = s
            .create_actor(&ActorInput {
                name: "Chèvrerie du Pic".into(),
                world: "business".into(),
                commune: "Aiguebrune".into(),
                engagement: "informed".into(),
                notes: "".into(),
            })
            .unwrap();
        assert_eq!(s.search("chevrerie").unwrap().len(), 1);
        let mut edit = ActorInput {
            name: "Fromagerie du Pic".into(),
            world: "business".into(),
            commune: "Aiguebrune".into(),
            engagement: "informed".into(),
            notes: "".into(),
        };
        s.update_actor(a.id, &edit).unwrap();
        assert!(s.search("chevrerie").unwrap().is_empty());
        assert_eq!(s.search("fromagerie pic").unwrap().len(), 1);
        edit.name = "x".into();
        s.delete_actor(a.id).unwrap();
        assert!(s
            .search("pic")
            .unwrap()
            .iter()
            .all(|h| h.id != a.id || h.kind != "actor"));
    }
}
