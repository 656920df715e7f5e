//! The communes of the territory: picked by département, EPCI or commune from the list
//! Catalyse ships ([`crate::geo::communes`]), then adjusted commune by commune; the header
//! shows their count and population.

use crate::db::store::{now, Store};
use crate::geo::communes::{cog, AliasKind, Cog, CommuneHit};
use crate::shared::error::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A choice of communes: a whole département, a whole EPCI, or one commune.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
#[ts(export)]
pub enum CommuneChoice {
    /// By its code (« 22 », « 2A », « 971 »).
    Departement(String),
    /// By its SIREN.
    Epci(String),
    /// By its INSEE code (a former code leads to the commune it merged into).
    Commune(String),
}

impl CommuneChoice {
    /// Reads `departement:22`, `epci:200069409` or `commune:22278` (the command line's form).
    pub fn parse(text: &str) -> CoreResult<CommuneChoice> {
        let (kind, code) = text.split_once(':').unwrap_or(("", text));
        let code = code.trim().to_string();
        match kind.trim().to_ascii_lowercase().as_str() {
            "departement" | "département" | "dep" => Ok(CommuneChoice::Departement(code)),
            "epci" => Ok(CommuneChoice::Epci(code)),
            "commune" | "insee" => Ok(CommuneChoice::Commune(code)),
            _ => Err(invalid(
                "territory.communes.choice",
                format!(
                    "« {} » : écrivez departement:CODE, epci:SIREN ou commune:CODE_INSEE.",
                    crate::shared::domain::truncate_for_message(text)
                ),
            )),
        }
    }

    /// The current communes it names (INSEE codes), and what a former code became.
    fn communes(&self, cog: &Cog) -> CoreResult<(Vec<String>, Option<Renamed>)> {
        match self {
            CommuneChoice::Departement(code) => {
                let code = code.to_ascii_uppercase();
                let d = cog.departement(&code).ok_or_else(|| {
                    invalid(
                        "territory.communes.departement_unknown",
                        format!("aucun département n'a le code « {} ».", short(&code)),
                    )
                })?;
                Ok((
                    cog.communes
                        .iter()
                        .filter(|c| c.departement == d.code)
                        .map(|c| c.insee.clone())
                        .collect(),
                    None,
                ))
            }
            CommuneChoice::Epci(siren) => {
                let e = cog.epci(siren).ok_or_else(|| {
                    invalid(
                        "territory.communes.epci_unknown",
                        format!("aucun EPCI n'a le SIREN « {} ».", short(siren)),
                    )
                })?;
                Ok((
                    cog.communes
                        .iter()
                        .filter(|c| c.epci.as_deref() == Some(e.siren.as_str()))
                        .map(|c| c.insee.clone())
                        .collect(),
                    None,
                ))
            }
            CommuneChoice::Commune(code) => {
                let (c, alias) = cog.current_of(code).ok_or_else(|| {
                    invalid(
                        "territory.communes.commune_unknown",
                        format!("aucune commune n'a le code INSEE « {} ».", short(code)),
                    )
                })?;
                let renamed = alias.map(|a| Renamed {
                    given: a.code.clone(),
                    former_name: a.name.clone(),
                    insee: c.insee.clone(),
                    name: c.name.clone(),
                    arrondissement: a.kind == AliasKind::Arrondissement,
                });
                Ok((vec![c.insee.clone()], renamed))
            }
        }
    }
}

/// A code given that is not a current commune's: what it leads to.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Renamed {
    pub given: String,
    /// The former commune's (or arrondissement's) name, when the list has it.
    pub former_name: String,
    pub insee: String,
    pub name: String,
    /// A municipal arrondissement rather than a former commune.
    pub arrondissement: bool,
}

/// The territory's communes in figures, and what a change did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TerritoryCommunes {
    #[ts(type = "number")]
    pub communes: u32,
    /// Their population (INSEE's, as the list shipped gives it).
    #[ts(type = "number")]
    pub population: u64,
    /// The communes the change added, and took out.
    #[ts(type = "number")]
    pub added: u32,
    #[ts(type = "number")]
    pub removed: u32,
    /// Codes given that led to another commune (a merger, an arrondissement).
    pub renamed: Vec<Renamed>,
}

fn invalid(code: &'static str, message: String) -> CoreError {
    CoreError::Validation {
        field: "communes",
        code,
        message,
    }
}

fn short(s: &str) -> String {
    crate::shared::domain::truncate_for_message(s)
}

impl Store {
    /// The territory's communes in figures.
    pub fn territory_communes(&self) -> CoreResult<TerritoryCommunes> {
        let cog = cog();
        let mut st = self
            .conn
            .prepare_cached("SELECT insee FROM territory_commune WHERE territory_id = 1")?;
        let codes = st.query_map([], |r| r.get::<_, String>(0))?;
        let (mut communes, mut population) = (0u32, 0u64);
        for code in codes {
            communes += 1;
            population += cog
                .commune(&code?)
                .and_then(|c| c.population)
                .map_or(0, u64::from);
        }
        Ok(TerritoryCommunes {
            communes,
            population,
            added: 0,
            removed: 0,
            renamed: Vec::new(),
        })
    }

    /// The commune picker of a record (an actor's, an action's, a meeting's): up to `limit`
    /// communes of the list matching what is typed (see [`crate::geo::communes::Cog::search`]),
    /// those of the territory's départements first.
    pub fn find_communes(&self, typed: &str, limit: u32) -> CoreResult<Vec<CommuneHit>> {
        let within = self.territory_departements()?;
        let mut hits = cog().search(typed, crate::geo::communes::MAX_HITS);
        hits.sort_by_key(|h| !within.contains(&h.departement));
        hits.truncate(limit as usize);
        Ok(hits)
    }

    /// The départements of the territory's communes, where a commune written as free text is
    /// looked for first.
    pub fn territory_departements(&self) -> CoreResult<Vec<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT insee FROM territory_commune WHERE territory_id = 1")?;
        let codes: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(crate::geo::place::departements_of(
            codes.iter().map(String::as_str),
        ))
    }

    /// Adds the communes `add` names to the territory, then takes out those `remove` names,
    /// in one transaction; every choice is checked first (an unknown code changes nothing).
    pub fn change_territory_communes(
        &mut self,
        add: &[CommuneChoice],
        remove: &[CommuneChoice],
    ) -> CoreResult<TerritoryCommunes> {
        let cog = cog();
        let mut renamed = Vec::new();
        let mut expand = |choices: &[CommuneChoice]| -> CoreResult<Vec<String>> {
            let mut out = Vec::new();
            for choice in choices {
                let (codes, r) = choice.communes(cog)?;
                out.extend(codes);
                renamed.extend(r);
            }
            Ok(out)
        };
        let adding = expand(add)?;
        let removing = expand(remove)?;
        let tx = self.conn.transaction()?;
        let (mut added, mut removed) = (0u32, 0u32);
        {
            let at = now();
            let mut insert = tx.prepare_cached(
                "INSERT INTO territory_commune (territory_id, insee, created_at, updated_at)
                 VALUES (1, ?1, ?2, ?2) ON CONFLICT (territory_id, insee) DO NOTHING",
            )?;
            let mut new = std::collections::HashSet::new();
            for code in &adding {
                if insert.execute(rusqlite::params![code, at])? > 0 {
                    new.insert(code.as_str());
                }
            }
            let mut delete = tx.prepare_cached(
                "DELETE FROM territory_commune WHERE territory_id = 1 AND insee = ?1",
            )?;
            for code in &removing {
                // Added then taken out by the same change: neither.
                if delete.execute([code])? > 0 && !new.remove(code.as_str()) {
                    removed += 1;
                }
            }
            added += new.len() as u32;
        }
        tx.commit()?;
        Ok(TerritoryCommunes {
            added,
            removed,
            renamed,
            ..self.territory_communes()?
        })
    }
}

/// A choice the territory's picker offers: a département, an EPCI or a commune, with what
/// tells it apart (the UI words it in its language).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ChoiceHit {
    pub choice: CommuneChoice,
    /// Its name (a proper noun, as INSEE writes it).
    pub label: String,
    /// A département's or EPCI's number of communes.
    #[ts(type = "number | null")]
    pub communes: Option<u32>,
    /// An EPCI's kind (CC, CA, CU, METRO, MET69).
    pub epci_kind: Option<String>,
    /// A commune's département, as « Côtes-d'Armor (22) ».
    pub departement: Option<String>,
    /// A commune's first postal code.
    pub postal_code: Option<String>,
    /// The former commune the typed name is, when it is not the commune's own.
    pub via: Option<String>,
}

/// A commune of the territory, as its list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TerritoryCommune {
    pub insee: String,
    pub name: String,
    pub departement: String,
    #[ts(type = "number | null")]
    pub population: Option<u32>,
}

/// Most rows of the territory's communes one call returns.
pub const COMMUNE_PAGE_MAX: u32 = 500;

/// The picker's choices for `typed`: the départements and EPCIs whose name (or code) starts
/// a word so, then the communes ([`Cog::search`]); at most `limit` (≤ 50).
pub fn territory_choices(typed: &str, limit: usize) -> Vec<ChoiceHit> {
    let cog = cog();
    let limit = limit.min(crate::geo::communes::MAX_HITS);
    let q = crate::geo::communes::search_key(typed);
    if q.is_empty() {
        return Vec::new();
    }
    // The areas whose name matches, the first ones only counted (typing « c » matches every
    // « CC … »: a thousand EPCIs).
    let (departements, epcis) = cog.areas_matching(&q);
    let mut areas: Vec<(CommuneChoice, String, Option<String>)> = Vec::new();
    for d in departements {
        let label = format!("{} ({})", d.name, d.code);
        areas.push((CommuneChoice::Departement(d.code.clone()), label, None));
    }
    for e in epcis {
        let kind = Some(e.kind.clone());
        areas.push((CommuneChoice::Epci(e.siren.clone()), e.name.clone(), kind));
    }
    areas.truncate(limit / 2);
    let mut out: Vec<ChoiceHit> = areas
        .into_iter()
        .map(|(choice, label, epci_kind)| {
            let n = cog
                .communes
                .iter()
                .filter(|c| match &choice {
                    CommuneChoice::Departement(d) => &c.departement == d,
                    CommuneChoice::Epci(e) => c.epci.as_deref() == Some(e.as_str()),
                    CommuneChoice::Commune(_) => false,
                })
                .count();
            ChoiceHit {
                choice,
                label,
                communes: Some(n as u32),
                epci_kind,
                departement: None,
                postal_code: None,
                via: None,
            }
        })
        .collect();
    let left = limit - out.len();
    out.extend(cog.search(typed, left).into_iter().map(|h| ChoiceHit {
        departement: Some(format!("{} ({})", h.departement_name, h.departement)),
        postal_code: h.postal_codes.first().cloned(),
        via: h.via,
        communes: None,
        epci_kind: None,
        label: h.name,
        choice: CommuneChoice::Commune(h.insee),
    }));
    out
}

impl Store {
    /// A page of the territory's communes whose name, INSEE code or postal code holds
    /// `filter` (folded; all when empty), by name (French order).
    pub fn territory_commune_page(
        &self,
        filter: &str,
        offset: u32,
        limit: u32,
    ) -> CoreResult<Vec<TerritoryCommune>> {
        let wanted = crate::geo::communes::search_key(filter);
        let cog = cog();
        let mut st = self
            .conn
            .prepare_cached("SELECT insee FROM territory_commune WHERE territory_id = 1")?;
        let mut all: Vec<TerritoryCommune> = st
            .query_map([], |r| r.get::<_, String>(0))?
            .filter_map(|code| {
                let code = code.ok()?;
                let c = cog.commune(&code);
                let shown = wanted.is_empty()
                    || code.eq_ignore_ascii_case(&wanted)
                    || c.is_some_and(|c| {
                        crate::geo::communes::search_key(&c.name).contains(&wanted)
                            || c.postal_codes.iter().any(|p| p.starts_with(&wanted))
                    });
                if !shown {
                    return None;
                }
                Some(TerritoryCommune {
                    name: c.map_or_else(|| code.clone(), |c| c.name.clone()),
                    departement: c.map(|c| c.departement.clone()).unwrap_or_default(),
                    population: c.and_then(|c| c.population),
                    insee: code,
                })
            })
            .collect();
        all.sort_by_cached_key(|c| (crate::shared::text::sort_key(&c.name), c.insee.clone()));
        Ok(all
            .into_iter()
            .skip(offset as usize)
            .take(limit.min(COMMUNE_PAGE_MAX) as usize)
            .collect())
    }
}

#[cfg(test)]
#[path = "communes_tests.rs"]
mod tests;
