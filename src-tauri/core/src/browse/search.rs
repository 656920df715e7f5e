//! One search box across actors, contacts, meetings (with their notes) and actions:
//! accent- and case-insensitive (`ecrins` finds `Écrins`).
//!
//! The [`MAX_HITS`] best results, in three tiers: the titles (names) that start with what was
//! typed, alphabetically (from the index of folded titles, `search_key`); then the titles
//! where every typed word starts a word; then the records where the words appear anywhere
//! (the full-text index `search_index`, FTS5), these two in the order the records were made.
//! Each tier is read from an index and stops as soon as it has enough, so a search answers in
//! a few milliseconds however many records match.

use crate::db::store::Store;
use crate::shared::error::CoreResult;
use crate::shared::text::fold;
use serde::Serialize;
use std::collections::HashSet;
use ts_rs::TS;

/// Most results a search returns.
pub const MAX_HITS: usize = 50;

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
    let words: Vec<String> = words(input)
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The words of what was typed (as the full-text index splits them), at most 12.
fn words(input: &str) -> impl Iterator<Item = &str> {
    input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
}

const KINDS: [&str; 4] = ["actor", "contact", "meeting", "action"];

/// The first string after every string that starts with `prefix` (for an index range).
fn after_prefix(prefix: &str) -> String {
    let mut s = prefix.to_string();
    s.push(char::MAX);
    s
}

impl Store {
    /// The best [`MAX_HITS`] records for what was typed, best first (see the module).
    pub fn search(&self, input: &str) -> CoreResult<Vec<SearchHit>> {
        let Some(query) = fts_query(input) else {
            return Ok(Vec::new());
        };
        // The typed text folded as the titles are, words joined by single spaces.
        let typed = fold(input.trim());
        let mut found: Vec<(i64, i64)> = Vec::with_capacity(MAX_HITS);
        let mut seen: HashSet<(i64, i64)> = HashSet::new();
        let mut take = |kind: i64, id: i64, found: &mut Vec<(i64, i64)>| {
            if found.len() < MAX_HITS && seen.insert((kind, id)) {
                found.push((kind, id));
            }
        };
        // 1. Titles starting with the typed text, alphabetically.
        if !typed.is_empty() {
            let mut st = self.conn.prepare_cached(
                "SELECT kind, id FROM search_key WHERE title >= ?1 AND title < ?2
                 ORDER BY title, kind, id LIMIT ?3",
            )?;
            let rows = st.query_map(
                rusqlite::params![typed, after_prefix(&typed), MAX_HITS as i64],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )?;
            for row in rows {
                let (kind, id) = row?;
                take(kind, id, &mut found);
            }
        }
        // 2. Titles where every word starts a word; 3. then anywhere. In the order of the
        // index (creation), enough to fill the list once the earlier tiers are left out.
        for column_query in [format!("{{title}} : ({query})"), query.clone()] {
            if found.len() >= MAX_HITS {
                break;
            }
            let mut st = self.conn.prepare_cached(
                "SELECT rowid FROM search_index WHERE search_index MATCH ?1 LIMIT ?2",
            )?;
            let rows = st.query_map(
                rusqlite::params![column_query, (2 * MAX_HITS) as i64],
                |r| r.get::<_, i64>(0),
            )?;
            for rowid in rows {
                let rowid = rowid?;
                take(rowid % 8, rowid / 8, &mut found);
            }
        }
        let mut hits = Vec::with_capacity(found.len());
        for (kind, id) in found {
            let Some(kind) = KINDS.get((kind - 1) as usize) else {
                continue;
            };
            let (title, detail, actor_id) = self.search_detail(kind, id)?;
            hits.push(SearchHit {
                kind: (*kind).to_string(),
                id,
                title,
                detail,
                actor_id,
            });
        }
        Ok(hits)
    }

    fn search_detail(&self, kind: &str, id: i64) -> CoreResult<(String, String, Option<i64>)> {
        let sql = match kind {
            "actor" => "SELECT name, commune, NULL FROM actor WHERE id = ?1",
            "contact" => {
                "SELECT c.name, a.name, a.id FROM contact c JOIN actor a ON a.id = c.actor_id WHERE c.id = ?1"
            }
            "meeting" => "SELECT title, date, NULL FROM meeting WHERE id = ?1",
            _ => {
                "SELECT a.title, coalesce(x.title, ''), NULL FROM action a LEFT JOIN axis x ON x.id = a.axis_id WHERE a.id = ?1"
            }
        };
        Ok(self
            .conn
            .prepare_cached(sql)?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::ActorInput;

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
            insee: None,
            engagement: "informed".into(),
            notes: "".into(),
        })
        .unwrap();
        let hits = s.search("ecrins").unwrap();
        assert!(hits
            .iter()
            .any(|h| h.title == "Parc national des Écrins" && h.kind == "actor"));
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
    fn titles_starting_with_the_text_come_first_alphabetically_then_words_in_titles_then_anywhere()
    {
        let mut s = Store::open_in_memory().unwrap();
        let actor = |s: &mut Store, name: &str, notes: &str| {
            s.create_actor(&ActorInput {
                name: name.into(),
                world: "business".into(),
                commune: "".into(),
                insee: None,
                engagement: "informed".into(),
                notes: notes.into(),
            })
            .unwrap()
        };
        actor(&mut s, "Office de la Marne", "");
        actor(&mut s, "Zèbre", "près de la marne");
        actor(&mut s, "Marnes et coteaux", "");
        actor(&mut s, "MARNE-la-Vallée", "");
        actor(&mut s, "Amarnes", "");
        let titles: Vec<String> = s
            .search("marne")
            .unwrap()
            .into_iter()
            .map(|h| h.title)
            .collect();
        assert_eq!(
            titles,
            [
                "MARNE-la-Vallée",
                "Marnes et coteaux",
                "Office de la Marne",
                "Zèbre"
            ],
            "« Amarnes » has no word starting with « marne »"
        );
        // At most MAX_HITS, and titles starting with the text fill the list first.
        for i in 0..60 {
            actor(&mut s, &format!("Marne {i:02}"), "");
        }
        let hits = s.search("marne").unwrap();
        assert_eq!(hits.len(), MAX_HITS);
        assert!(hits.iter().all(|h| fold(&h.title).starts_with("marne")));
    }

    #[test]
    fn index_follows_edits_and_deletions() {
        let (_dir, mut s) = store();
        let a = s
            .create_actor(&ActorInput {
                name: "Chèvrerie du Pic".into(),
                world: "business".into(),
                commune: "Aiguebrune".into(),
                insee: None,
                engagement: "informed".into(),
                notes: "".into(),
            })
            .unwrap();
        assert_eq!(s.search("chevrerie").unwrap().len(), 1);
        let mut edit = ActorInput {
            name: "Fromagerie du Pic".into(),
            world: "business".into(),
            commune: "Aiguebrune".into(),
            insee: None,
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
