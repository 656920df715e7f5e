//! Actors and team members found by name (and commune), for links and meetings.

use super::problems::*;
use crate::db::store::Store;
use crate::shared::error::CoreResult;
use crate::shared::text::fold;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::collections::HashMap;

// ----- Name resolution ------------------------------------------------------------------------

/// Actors and members by folded name, for links and meetings (shared by the threads that
/// check a file's rows).
pub(crate) struct NameIndex {
    pub(crate) actors: FxHashMap<String, Vec<(i64, String)>>,
    pub(crate) members: HashMap<String, Vec<i64>>,
}

/// One thread's name resolver: the index, and the resolutions it already made, by name as
/// written (no commune given) or by name and commune (a million links name each of a hundred
/// thousand actors many times).
pub(crate) struct Names<'a> {
    pub(crate) index: &'a NameIndex,
    pub(crate) by_name: RefCell<FxHashMap<String, Result<i64, Said>>>,
    pub(crate) by_name_and_commune: RefCell<FxHashMap<(String, String), Result<i64, Said>>>,
}

impl NameIndex {
    pub(crate) fn resolver(&self) -> Names<'_> {
        Names {
            index: self,
            by_name: RefCell::new(FxHashMap::default()),
            by_name_and_commune: RefCell::new(FxHashMap::default()),
        }
    }

    pub(crate) fn load(store: &Store) -> CoreResult<NameIndex> {
        let mut actors: FxHashMap<String, Vec<(i64, String)>> = FxHashMap::default();
        // The list keys hold the names and communes already folded.
        let mut st = store
            .conn
            .prepare("SELECT actor_id, name, commune FROM actor_key")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, name, commune) = row?;
            actors.entry(name).or_default().push((id, commune));
        }
        let mut members: HashMap<String, Vec<i64>> = HashMap::new();
        let mut st = store.conn.prepare("SELECT id, name FROM member")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, name) = row?;
            members.entry(fold(&name)).or_default().push(id);
        }
        Ok(NameIndex { actors, members })
    }
}

impl Names<'_> {
    /// The one actor of that name (in that commune, when given).
    pub(crate) fn actor(&self, name: &str, commune: &str) -> Result<i64, Said> {
        if commune.is_empty() {
            if let Some(found) = self.by_name.borrow().get(name) {
                return found.clone();
            }
            let found = self.resolve(name, commune);
            self.by_name
                .borrow_mut()
                .insert(name.to_string(), found.clone());
            return found;
        }
        let key = (name.to_string(), commune.to_string());
        if let Some(found) = self.by_name_and_commune.borrow().get(&key) {
            return found.clone();
        }
        let found = self.resolve(name, commune);
        self.by_name_and_commune
            .borrow_mut()
            .insert(key, found.clone());
        found
    }

    pub(crate) fn resolve(&self, name: &str, commune: &str) -> Result<i64, Said> {
        let quoted = crate::shared::domain::truncate_for_message(name);
        let Some(all) = self.index.actors.get(&fold(name)) else {
            return Err(Said::new("actor.unknown", format!("aucun acteur ne s'appelle « {quoted} » dans l'espace de travail (importez d'abord les acteurs).")).value(name));
        };
        let c = fold(commune);
        let found: Vec<i64> = all
            .iter()
            .filter(|(_, ac)| c.is_empty() || *ac == c)
            .map(|(id, _)| *id)
            .collect();
        match found.as_slice() {
            [id] => Ok(*id),
            [] => Err(Said::new(
                "actor.unknown_in_commune",
                format!(
                    "aucun acteur « {quoted} » à {}.",
                    crate::shared::domain::truncate_for_message(commune)
                ),
            )
            .value(name)
            .arg("commune", crate::shared::domain::truncate_for_message(commune))),
            _ if c.is_empty() => Err(Said::new(
                "actor.ambiguous",
                format!("plusieurs acteurs s'appellent « {quoted} » : précisez la commune."),
            )
            .value(name)),
            _ => Err(Said::new(
                "actor.ambiguous_in_commune",
                format!(
                    "plusieurs acteurs s'appellent « {quoted} » dans cette commune : renommez-les pour les distinguer."
                ),
            )
            .value(name)),
        }
    }

    pub(crate) fn member(&self, name: &str) -> Option<Result<i64, Said>> {
        self.index
            .members
            .get(&fold(name))
            .map(|ids| match ids.as_slice() {
                [id] => Ok(*id),
                _ => Err(Said::new(
                    "member.ambiguous",
                    format!(
                        "plusieurs membres de l'équipe s'appellent « {} ».",
                        crate::shared::domain::truncate_for_message(name)
                    ),
                )
                .value(name)),
            })
    }
}
