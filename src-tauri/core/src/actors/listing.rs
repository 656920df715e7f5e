//! The actors list and the actor picker, filtered, sorted and paged in SQL on the list keys
//! (`actor_key`): one page at a time whatever the count.

use crate::actors::Actor;
use crate::browse::listing::*;
use crate::db::store::Store;
use crate::shared::domain::{Engagement, World};
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::text::fold;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The column an actors list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ActorSort {
    Name,
    World,
    Commune,
    Engagement,
}

/// One page of the actors list, as the UI asks for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActorListQuery {
    /// What the user typed: found anywhere in the name or the commune, ignoring case and
    /// accents.
    pub filter: String,
    /// Mondes whose label, in the UI's language, contains the filter: their actors match too.
    pub label_worlds: Vec<World>,
    /// Engagement levels whose label contains the filter: their actors match too.
    pub label_engagements: Vec<Engagement>,
    pub sort: ActorSort,
    pub descending: bool,
    /// When sorting by monde: the mondes in the order of their labels in the UI's language
    /// (empty: in the order of the French labels).
    pub world_order: Vec<World>,
    #[ts(type = "number")]
    pub offset: u32,
    /// Rows wanted (at most [`MAX_PAGE`]; 0 with `count`: only the counts).
    #[ts(type = "number")]
    pub limit: u32,
    /// Whether to count the actors and the matches (a page fetched while scrolling needs not).
    pub count: bool,
}

/// A page of actors.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ActorListPage {
    /// Every actor of the workspace (when counted).
    #[ts(type = "number | null")]
    pub total: Option<i64>,
    /// The actors the filter keeps (when counted).
    #[ts(type = "number | null")]
    pub matched: Option<i64>,
    #[ts(type = "number")]
    pub offset: u32,
    pub rows: Vec<Actor>,
}

/// An actor as a picker shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActorChoice {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub commune: String,
    pub world: World,
}

/// The `WHERE` clause of a filtered actors list on `actor_key` (parameters 1 to 3; the
/// mondes and engagement levels whose labels match only when there are some: each term costs
/// a few milliseconds over 100,000 actors).
fn actor_filter(labels: bool) -> &'static str {
    if labels {
        "(?1 = '' OR instr(name, ?1) > 0 OR instr(commune, ?1) > 0
         OR world IN (SELECT value FROM json_each(?2))
         OR engagement IN (SELECT value FROM json_each(?3)))"
    } else {
        "(?1 = '' OR instr(name, ?1) > 0 OR instr(commune, ?1) > 0 OR (?2 = ?3 AND 0))"
    }
}

/// The `ORDER BY` of an actors list, and the ranks of the mondes or engagement levels it sorts
/// by (parameter 4).
fn actor_order(q: &ActorListQuery) -> (String, String) {
    let dir = if q.descending { "DESC" } else { "ASC" };
    // The sort keys are constants of this function, never input.
    let order = match q.sort {
        ActorSort::Name => format!("sort {dir}, actor_id {dir}"),
        ActorSort::Commune => format!("commune {dir}, sort, actor_id"),
        ActorSort::World => {
            format!("instr(?4, ',' || world || ',') {dir}, sort, actor_id")
        }
        ActorSort::Engagement => {
            format!("instr(?4, ',' || engagement || ',') {dir}, sort, actor_id")
        }
    };
    let ranks = match q.sort {
        ActorSort::World if !q.world_order.is_empty() => {
            rank_list(q.world_order.iter().map(|w| w.code()))
        }
        ActorSort::World => {
            let mut all = World::ALL.to_vec();
            all.sort_by_key(|w| fold(w.label_fr()));
            rank_list(all.iter().map(|w| w.code()))
        }
        _ => rank_list(Engagement::ALL.iter().map(|e| e.code())),
    };
    (order, ranks)
}

impl Store {
    /// One page of the actors list: filtered, sorted and cut in SQL.
    pub fn actor_page(&self, q: &ActorListQuery) -> CoreResult<ActorListPage> {
        check_page(q.offset, q.limit, &q.filter)?;
        if q.limit == 0 && !q.count {
            return Err(CoreError::validation(
                "limit",
                "list.limit",
                "Une page sans ligne ne sert qu'à compter : demandez le décompte.",
            ));
        }
        let filter = fold(&q.filter);
        let (worlds, engagements) = if filter.is_empty() {
            (String::from("[]"), String::from("[]"))
        } else {
            (
                codes_json(q.label_worlds.iter().map(|w| w.code())),
                codes_json(q.label_engagements.iter().map(|e| e.code())),
            )
        };
        let (order, ranks) = actor_order(q);
        let filter_sql = actor_filter(worlds != "[]" || engagements != "[]");
        let sql = format!(
            "SELECT actor_id FROM actor_key WHERE {filter_sql}
             ORDER BY {order} LIMIT ?5 OFFSET ?6"
        );
        let ids: Vec<i64> = if q.limit == 0 {
            Vec::new()
        } else {
            let mut st = self.conn.prepare_cached(&sql)?;
            let rows = st.query_map(
                params![filter, worlds, engagements, ranks, q.limit, q.offset],
                |r| r.get(0),
            )?;
            rows.collect::<Result<_, _>>()?
        };
        let found = ids.len();
        let rows = ids
            .into_iter()
            .map(|id| self.actor(id))
            .collect::<CoreResult<Vec<_>>>()?;
        let (total, matched) = if q.count {
            let total: i64 = self
                .conn
                .query_row("SELECT count(*) FROM actor_key", [], |r| r.get(0))?;
            let matched = if filter.is_empty() {
                total
            } else if q.limit > 0 && found < q.limit as usize && (q.offset == 0 || found > 0) {
                // The page stopped short: the scan went through every match, which are
                // those before it and those in it. No second scan to count them.
                i64::from(q.offset) + found as i64
            } else {
                self.conn
                    .prepare_cached(&format!(
                        "SELECT count(*) FROM actor_key WHERE {filter_sql}"
                    ))?
                    .query_row(params![filter, worlds, engagements], |r| r.get(0))?
            };
            (Some(total), Some(matched))
        } else {
            (None, None)
        };
        Ok(ActorListPage {
            total,
            matched,
            offset: q.offset,
            rows,
        })
    }

    /// Actors for a picker: names starting with what was typed first, then names or communes
    /// containing it, each group by name; at most `limit` (≤ [`MAX_CHOICES`]).
    pub fn find_actors(&self, typed: &str, limit: u32) -> CoreResult<Vec<ActorChoice>> {
        if limit == 0 || limit > MAX_CHOICES {
            return Err(CoreError::validation(
                "limit",
                "list.limit",
                format!("Un sélecteur propose de 1 à {MAX_CHOICES} acteurs (demandé : {limit})."),
            ));
        }
        check_page(0, 1, typed)?;
        let q = fold(typed);
        let mut ids: Vec<i64> = Vec::new();
        {
            // Prefix matches, in the list's order.
            let mut st = self.conn.prepare_cached(
                "SELECT actor_id FROM actor_key WHERE substr(name, 1, length(?1)) = ?1
                 ORDER BY sort, actor_id LIMIT ?2",
            )?;
            let rows = st.query_map(params![q, limit], |r| r.get(0))?;
            for id in rows {
                ids.push(id?);
            }
        }
        if (ids.len() as u32) < limit && !q.is_empty() {
            let mut st = self.conn.prepare_cached(
                "SELECT actor_id FROM actor_key
                 WHERE substr(name, 1, length(?1)) <> ?1 AND (instr(name, ?1) > 0 OR instr(commune, ?1) > 0)
                 ORDER BY sort, actor_id LIMIT ?2",
            )?;
            let rows = st.query_map(params![q, limit - ids.len() as u32], |r| r.get(0))?;
            for id in rows {
                ids.push(id?);
            }
        }
        ids.into_iter().map(|id| self.actor_choice(id)).collect()
    }

    /// The actors with these ids, as a picker shows them, in the order given; unknown ids are
    /// left out (at most [`MAX_PAGE`]).
    pub fn actor_choices(&self, ids: &[i64]) -> CoreResult<Vec<ActorChoice>> {
        if ids.len() > MAX_PAGE as usize {
            return Err(CoreError::validation(
                "ids",
                "list.limit",
                format!("Au plus {MAX_PAGE} acteurs à la fois."),
            ));
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            match self.actor_choice(*id) {
                Ok(c) => out.push(c),
                Err(CoreError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    fn actor_choice(&self, id: i64) -> CoreResult<ActorChoice> {
        use rusqlite::OptionalExtension;
        self.conn
            .prepare_cached("SELECT id, name, commune, world FROM actor WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(ActorChoice {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    commune: r.get(2)?,
                    world: r.get(3)?,
                })
            })
            .optional()?
            .ok_or(CoreError::NotFound { what: "Acteur", id })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::actors::ActorInput;

    pub(crate) fn store_with(names: &[(&str, &str, &str)]) -> Store {
        let mut s = Store::open_in_memory().unwrap();
        for (name, commune, world) in names {
            s.create_actor(&ActorInput {
                name: (*name).into(),
                world: (*world).into(),
                commune: (*commune).into(),
                insee: None,
                engagement: "informed".into(),
                notes: String::new(),
            })
            .unwrap();
        }
        s
    }

    fn query(filter: &str, sort: ActorSort, descending: bool) -> ActorListQuery {
        ActorListQuery {
            filter: filter.into(),
            label_worlds: vec![],
            label_engagements: vec![],
            sort,
            descending,
            world_order: vec![],
            offset: 0,
            limit: 100,
            count: true,
        }
    }

    fn names(p: &ActorListPage) -> Vec<&str> {
        p.rows.iter().map(|a| a.name.as_str()).collect()
    }

    #[test]
    fn actors_are_filtered_and_sorted_ignoring_case_accents_and_ligatures() {
        let s = store_with(&[
            ("Zèbre", "Briançon", "business"),
            ("Écrins", "Vallouise", "state"),
            ("avenir", "Embrun", "association"),
            ("Œuvre des Écrins", "Gap", "association"),
            ("ecrins bis", "L'Argentière", "citizen"),
        ]);
        let p = s.actor_page(&query("", ActorSort::Name, false)).unwrap();
        assert_eq!(
            names(&p),
            [
                "avenir",
                "Écrins",
                "ecrins bis",
                "Œuvre des Écrins",
                "Zèbre"
            ]
        );
        assert_eq!((p.total, p.matched), (Some(5), Some(5)));
        let p = s
            .actor_page(&query("ÉCRINS", ActorSort::Name, true))
            .unwrap();
        assert_eq!(names(&p), ["Œuvre des Écrins", "ecrins bis", "Écrins"]);
        assert_eq!((p.total, p.matched), (Some(5), Some(3)));
        // The commune is searched too; œ is oe.
        assert_eq!(
            names(
                &s.actor_page(&query("brianc", ActorSort::Name, false))
                    .unwrap()
            ),
            ["Zèbre"]
        );
        assert_eq!(
            names(
                &s.actor_page(&query("oeuvre", ActorSort::Name, false))
                    .unwrap()
            ),
            ["Œuvre des Écrins"]
        );
        // Sorted by commune, ties by name.
        assert_eq!(
            names(&s.actor_page(&query("", ActorSort::Commune, false)).unwrap()),
            [
                "Zèbre",
                "avenir",
                "Œuvre des Écrins",
                "ecrins bis",
                "Écrins"
            ]
        );
        // A label the UI found matching brings its monde's actors.
        let mut q = query("asso", ActorSort::Name, false);
        q.label_worlds = vec![World::Association];
        assert_eq!(
            names(&s.actor_page(&q).unwrap()),
            ["avenir", "Œuvre des Écrins"]
        );
        // Sorted by monde in the order given, then by name.
        let mut q = query("", ActorSort::World, false);
        q.world_order = vec![
            World::Citizen,
            World::State,
            World::Association,
            World::Business,
        ];
        assert_eq!(
            names(&s.actor_page(&q).unwrap()),
            [
                "ecrins bis",
                "Écrins",
                "avenir",
                "Œuvre des Écrins",
                "Zèbre"
            ]
        );
    }

    #[test]
    fn keys_follow_edits_deletions_and_restores() {
        let mut s = store_with(&[("Alpha", "Gap", "state"), ("Bêta", "Gap", "state")]);
        let b = s
            .actor_page(&query("beta", ActorSort::Name, false))
            .unwrap();
        let b = b.rows[0].clone();
        let mut edit = ActorInput {
            name: "Gamma".into(),
            world: "state".into(),
            commune: "Embrun".into(),
            insee: None,
            engagement: "lead".into(),
            notes: String::new(),
        };
        s.update_actor(b.id, &edit).unwrap();
        assert!(s
            .actor_page(&query("beta", ActorSort::Name, false))
            .unwrap()
            .rows
            .is_empty());
        assert_eq!(
            names(
                &s.actor_page(&query("embrun", ActorSort::Name, false))
                    .unwrap()
            ),
            ["Gamma"]
        );
        let (_, set) = s.with_change_set(|s| s.delete_actor(b.id)).unwrap();
        assert_eq!(
            s.actor_page(&query("", ActorSort::Name, false))
                .unwrap()
                .total,
            Some(1)
        );
        s.undo_change_set(set.unwrap()).unwrap();
        edit.name = "x".into();
        assert_eq!(
            names(&s.actor_page(&query("gam", ActorSort::Name, false)).unwrap()),
            ["Gamma"]
        );
    }

    #[test]
    fn pages_cut_the_sorted_list_and_bad_pages_are_refused() {
        let many: Vec<(String, String, String)> = (0..30)
            .map(|i| (format!("Acteur {i:02}"), String::new(), "state".to_string()))
            .collect();
        let refs: Vec<(&str, &str, &str)> = many
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        let s = store_with(&refs);
        let mut q = query("", ActorSort::Name, false);
        q.offset = 25;
        q.limit = 10;
        q.count = false;
        let p = s.actor_page(&q).unwrap();
        assert_eq!(
            names(&p),
            [
                "Acteur 25",
                "Acteur 26",
                "Acteur 27",
                "Acteur 28",
                "Acteur 29"
            ]
        );
        assert_eq!((p.total, p.matched), (None, None));
        q.limit = MAX_PAGE + 1;
        assert_eq!(s.actor_page(&q).unwrap_err().code(), Some("list.limit"));
        q.limit = 0;
        assert_eq!(s.actor_page(&q).unwrap_err().code(), Some("list.limit"));
        // Counts alone.
        q.count = true;
        let counts = s.actor_page(&q).unwrap();
        assert!(counts.rows.is_empty());
        assert_eq!(counts.total, Some(30));
        q.limit = 10;
        q.filter = "x".repeat(MAX_FILTER + 1);
        assert_eq!(s.actor_page(&q).unwrap_err().code(), Some("list.filter"));
    }

    #[test]
    fn the_picker_puts_prefixes_first_and_is_bounded() {
        let s = store_with(&[
            ("Mairie de Gap", "Gap", "local_authority"),
            ("Gapençais en transition", "Gap", "association"),
            ("Office de tourisme", "Gap", "business"),
            ("Zébulon", "Embrun", "citizen"),
        ]);
        let found: Vec<String> = s
            .find_actors("gap", 10)
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(
            found,
            [
                "Gapençais en transition",
                "Mairie de Gap",
                "Office de tourisme"
            ]
        );
        assert_eq!(s.find_actors("ZEB", 10).unwrap()[0].name, "Zébulon");
        assert_eq!(s.find_actors("", 2).unwrap().len(), 2);
        assert_eq!(s.find_actors("gap", 1).unwrap().len(), 1);
        assert_eq!(
            s.find_actors("gap", MAX_CHOICES + 1).unwrap_err().code(),
            Some("list.limit")
        );
        let ids: Vec<i64> = s
            .find_actors("", 10)
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        let back = s.actor_choices(&[ids[2], 9999, ids[0]]).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].id, ids[2]);
    }

    #[test]
    fn the_matches_are_counted_whether_the_page_is_full_or_not() {
        let names: Vec<(String, String, String)> = (0..150)
            .map(|i| {
                let name = if i < 120 {
                    format!("Mairie {i:03}")
                } else {
                    format!("Ferme {i:03}")
                };
                (name, "Gap".to_string(), "local_authority".to_string())
            })
            .collect();
        let refs: Vec<(&str, &str, &str)> = names
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        let s = store_with(&refs);
        let mut q = query("mairie", ActorSort::Name, false);
        // A full first page: the matches are counted by a second scan.
        let p = s.actor_page(&q).unwrap();
        assert_eq!(
            (p.rows.len(), p.matched, p.total),
            (100, Some(120), Some(150))
        );
        // The page that ends the list: counted from its place.
        q.offset = 100;
        let p = s.actor_page(&q).unwrap();
        assert_eq!((p.rows.len(), p.matched), (20, Some(120)));
        // Beyond the end: nothing to count from, so counted.
        q.offset = 400;
        let p = s.actor_page(&q).unwrap();
        assert_eq!((p.rows.len(), p.matched), (0, Some(120)));
        // A label that matches a monde counts its actors too.
        let mut q = query("collectivite", ActorSort::Name, false);
        q.label_worlds = vec![World::LocalAuthority];
        assert_eq!(s.actor_page(&q).unwrap().matched, Some(150));
    }
}
