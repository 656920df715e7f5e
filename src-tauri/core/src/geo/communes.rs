//! The communes of France as INSEE lists them (code officiel géographique), shipped in the
//! binary: `data/communes.tsv.gz` (about 560 kB; `scripts/communes.mjs` writes it from the
//! npm package `@etalab/decoupage-administratif` at the version `package.json` pins, MIT;
//! the data is INSEE's, Licence Ouverte 2.0). Read once, on first use, without network.
//!
//! Each current commune has its INSEE code, name, département, EPCI, population and postal
//! codes; the former communes merged into it (« communes déléguées » and « associées »),
//! its former codes and its municipal arrondissements lead to it ([`Cog::current_of`]).
//! [`Cog::search`] is the commune picker: by name (accent- and case-insensitive, « st
//! brieuc » finds Saint-Brieuc), postal code or INSEE code.

use crate::shared::text::fold;
use serde::Serialize;
use std::io::Read;
use std::sync::OnceLock;
use ts_rs::TS;

/// The compressed list (see the module's documentation).
const DATA: &[u8] = include_bytes!("../../data/communes.tsv.gz");

/// The communes of the demo's fictional territory (département [`FICTIONAL_DEPARTEMENT`]),
/// added to the official list so that the demo's actors, meetings and map have communes; no
/// real commune bears these codes.
const FICTIONAL: &str = include_str!("../../data/fictional-communes.tsv");

/// The code of the fictional département of the demo (no real département has it).
pub const FICTIONAL_DEPARTEMENT: &str = "00";

/// Most hits [`Cog::search`] returns.
pub const MAX_HITS: usize = 50;

/// A région.
#[derive(Debug, Clone)]
pub struct Region {
    pub code: String,
    pub name: String,
}

/// A département.
#[derive(Debug, Clone)]
pub struct Departement {
    pub code: String,
    pub region: String,
    pub name: String,
}

/// An EPCI (établissement public de coopération intercommunale à fiscalité propre).
#[derive(Debug, Clone)]
pub struct Epci {
    pub siren: String,
    /// CC, CA, CU, METRO or MET69.
    pub kind: String,
    pub name: String,
}

/// A current commune.
#[derive(Debug, Clone)]
pub struct Commune {
    pub insee: String,
    pub name: String,
    pub departement: String,
    /// Its EPCI's SIREN (a few islands belong to none).
    pub epci: Option<String>,
    pub population: Option<u32>,
    pub postal_codes: Vec<String>,
}

/// What another name or code of a commune is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AliasKind {
    /// A former commune merged into it that keeps its name as a « commune déléguée ».
    Delegated,
    /// A former commune associated with it (« commune associée »).
    Associated,
    /// A former code (a merger) with no name of its own here.
    FormerCode,
    /// One of its municipal arrondissements (Paris, Lyon, Marseille).
    Arrondissement,
}

/// Another name or code that leads to a current commune.
#[derive(Debug, Clone)]
pub struct Alias {
    pub code: String,
    /// Empty for a former code alone.
    pub name: String,
    /// The current commune's INSEE code.
    pub insee: String,
    pub kind: AliasKind,
}

/// A commune found by the picker: the current commune, and the other name it was found by.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CommuneHit {
    pub insee: String,
    pub name: String,
    pub departement: String,
    pub departement_name: String,
    pub postal_codes: Vec<String>,
    #[ts(type = "number | null")]
    pub population: Option<u32>,
    /// The former commune or arrondissement the query named, when it is not the commune's
    /// own name (« Arbignieu » finds Arboys en Bugey).
    pub via: Option<String>,
}

/// The whole list, with its search keys.
pub struct Cog {
    pub regions: Vec<Region>,
    pub departements: Vec<Departement>,
    pub epcis: Vec<Epci>,
    /// Sorted by INSEE code.
    pub communes: Vec<Commune>,
    /// Sorted by code.
    pub aliases: Vec<Alias>,
    /// The search key of each commune's name, in the order of `communes`.
    keys: Vec<String>,
    /// The search key of each alias's name, in the order of `aliases`.
    alias_keys: Vec<String>,
    /// The search key of each département's name, then each EPCI's.
    area_keys: Vec<String>,
    /// The communes (index in `communes`) and former communes (index in `aliases`, past the
    /// communes: `communes.len() + i`) of each name's key.
    by_key: std::collections::HashMap<String, Vec<usize>>,
    /// The version of the package the list comes from (its first line).
    pub source: String,
}

/// The list, read on first use.
pub fn cog() -> &'static Cog {
    static COG: OnceLock<Cog> = OnceLock::new();
    COG.get_or_init(|| {
        let mut text = String::new();
        flate2::read::GzDecoder::new(DATA)
            .read_to_string(&mut text)
            .expect("the communes shipped in the binary are readable (tested)");
        text.push_str(FICTIONAL);
        Cog::parse(&text).expect("the communes shipped in the binary are well formed (tested)")
    })
}

/// The key names are compared by: [`fold`]ed, with dashes, apostrophes and dots as spaces,
/// and « st », « ste » (and « s », « ste » before a name) written out as « saint », « sainte ».
pub fn search_key(s: &str) -> String {
    let folded: String = fold(s)
        .chars()
        .map(|c| match c {
            '-' | '\'' | '.' | ',' | '/' | '(' | ')' => ' ',
            c => c,
        })
        .collect();
    let words: Vec<&str> = folded
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "st" => "saint",
            "ste" => "sainte",
            "sts" => "saints",
            "stes" => "saintes",
            w => w,
        })
        .collect();
    words.join(" ")
}

/// How well a key matches a query's key: 0 the same, 1 it starts so, 2 one of its words
/// starts so; `None` otherwise.
fn rank(key: &str, query: &str) -> Option<u8> {
    if key == query {
        Some(0)
    } else if key.starts_with(query) {
        Some(1)
    } else if key
        .match_indices(query)
        .any(|(i, _)| i > 0 && key.as_bytes()[i - 1] == b' ')
    {
        Some(2)
    } else {
        None
    }
}

/// Whether `q` reads as the start of a code: digits, or a Corsican département (2A, 2B)
/// and digits.
fn is_code(q: &str) -> bool {
    let b = q.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_digit()
        && b.iter().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || (i == 1 && b[0] == b'2' && matches!(c, b'a' | b'b' | b'A' | b'B'))
        })
}

impl Cog {
    /// Reads the list's text (see `scripts/communes.mjs`); an error names the line.
    pub fn parse(text: &str) -> Result<Cog, String> {
        let mut cog = Cog {
            regions: Vec::new(),
            departements: Vec::new(),
            epcis: Vec::new(),
            communes: Vec::new(),
            aliases: Vec::new(),
            keys: Vec::new(),
            alias_keys: Vec::new(),
            by_key: Default::default(),
            area_keys: Vec::new(),
            source: String::new(),
        };
        for (n, line) in text.lines().enumerate() {
            if let Some(source) = line.strip_prefix("# ") {
                cog.source = source.to_string();
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            let bad = || format!("ligne {} de la liste des communes : « {line} »", n + 1);
            let s = |i: usize| f.get(i).map(|v| v.to_string()).ok_or_else(bad);
            match f[0] {
                "R" => cog.regions.push(Region {
                    code: s(1)?,
                    name: s(2)?,
                }),
                "D" => cog.departements.push(Departement {
                    code: s(1)?,
                    region: s(2)?,
                    name: s(3)?,
                }),
                "E" => cog.epcis.push(Epci {
                    siren: s(1)?,
                    kind: s(2)?,
                    name: s(3)?,
                }),
                "C" => cog.communes.push(Commune {
                    insee: s(1)?,
                    name: s(2)?,
                    departement: s(3)?,
                    epci: Some(s(4)?).filter(|e| !e.is_empty()),
                    population: match s(5)?.as_str() {
                        "" => None,
                        p => Some(p.parse().map_err(|_| bad())?),
                    },
                    postal_codes: s(6)?
                        .split(',')
                        .filter(|p| !p.is_empty())
                        .map(str::to_string)
                        .collect(),
                }),
                "A" => cog.aliases.push(Alias {
                    code: s(1)?,
                    name: s(2)?,
                    insee: s(3)?,
                    kind: match s(4)?.as_str() {
                        "deleguee" => AliasKind::Delegated,
                        "associee" => AliasKind::Associated,
                        "ancien" => AliasKind::FormerCode,
                        "arrondissement" => AliasKind::Arrondissement,
                        _ => return Err(bad()),
                    },
                }),
                _ => return Err(bad()),
            }
        }
        cog.communes.sort_by(|a, b| a.insee.cmp(&b.insee));
        cog.aliases.sort_by(|a, b| a.code.cmp(&b.code));
        cog.index();
        Ok(cog)
    }

    /// The search keys, and the communes and former communes of each.
    fn index(&mut self) {
        let departements = self.departements.iter().map(|d| search_key(&d.name));
        let epcis = self.epcis.iter().map(|e| search_key(&e.name));
        self.area_keys = departements.chain(epcis).collect();
        self.keys = self.communes.iter().map(|c| search_key(&c.name)).collect();
        self.alias_keys = self.aliases.iter().map(|a| search_key(&a.name)).collect();
        let n = self.communes.len();
        for (i, key) in self.keys.iter().chain(&self.alias_keys).enumerate() {
            if !key.is_empty() {
                self.by_key.entry(key.clone()).or_default().push(i);
            }
        }
        // A former commune that bears its commune's name (a « commune déléguée » chef-lieu)
        // is the commune itself.
        for found in self.by_key.values_mut() {
            let current: Vec<&str> = found
                .iter()
                .filter(|&&i| i < n)
                .map(|&i| self.communes[i].insee.as_str())
                .collect();
            found.retain(|&i| i < n || !current.contains(&self.aliases[i - n].insee.as_str()));
        }
    }

    /// The current commune of INSEE code `insee`.
    pub fn commune(&self, insee: &str) -> Option<&Commune> {
        let i = self
            .communes
            .binary_search_by(|c| c.insee.as_str().cmp(insee))
            .ok()?;
        Some(&self.communes[i])
    }

    /// The current commune a code leads to: itself, or through a former code or an
    /// arrondissement (the alias says which); `None` for a code INSEE does not know.
    pub fn current_of(&self, code: &str) -> Option<(&Commune, Option<&Alias>)> {
        let code = code.trim().to_ascii_uppercase();
        if let Some(c) = self.commune(&code) {
            return Some((c, None));
        }
        let alias = self
            .aliases
            .iter()
            .find(|a| a.code == code && a.kind != AliasKind::Delegated)
            .or_else(|| self.aliases.iter().find(|a| a.code == code))?;
        Some((self.commune(&alias.insee)?, Some(alias)))
    }

    /// The département of code `code`.
    pub fn departement(&self, code: &str) -> Option<&Departement> {
        self.departements.iter().find(|d| d.code == code)
    }

    /// The départements, then the EPCIs, of code `q` or with a word of their name starting
    /// as `q` (a [`search_key`]), in the list's order.
    pub fn areas_matching(&self, q: &str) -> (Vec<&Departement>, Vec<&Epci>) {
        let n = self.departements.len();
        let named = |i: usize| rank(&self.area_keys[i], q).is_some();
        let departements = (self.departements.iter().enumerate())
            .filter(|(i, d)| d.code.eq_ignore_ascii_case(q) || named(*i))
            .map(|(_, d)| d)
            .collect();
        let epcis = (self.epcis.iter().enumerate())
            .filter(|(i, e)| e.siren == q || named(n + i))
            .map(|(_, e)| e)
            .collect();
        (departements, epcis)
    }

    /// The EPCI of SIREN `siren`.
    pub fn epci(&self, siren: &str) -> Option<&Epci> {
        self.epcis.iter().find(|e| e.siren == siren)
    }

    /// The commune picker: up to `limit` (at most [`MAX_HITS`]) current communes whose
    /// name, former name, INSEE code or postal code matches `query`, the closest first
    /// (the same name, then names that start so, then a word that starts so; the larger
    /// population first within each), homonyms told apart by their département.
    pub fn search(&self, query: &str, limit: usize) -> Vec<CommuneHit> {
        let limit = limit.min(MAX_HITS);
        let q = search_key(query);
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        // (rank, index of the commune, the name it was found by).
        let mut found: Vec<(u8, usize, Option<usize>)> = Vec::new();
        if is_code(&q) {
            let code = q.to_ascii_uppercase();
            for (i, c) in self.communes.iter().enumerate() {
                let by_insee = rank_code(&c.insee, &code);
                let by_post = c
                    .postal_codes
                    .iter()
                    .filter_map(|p| rank_code(p, &code))
                    .min();
                if let Some(r) = by_insee.into_iter().chain(by_post).min() {
                    found.push((r, i, None));
                }
            }
        } else {
            for (i, key) in self.keys.iter().enumerate() {
                if let Some(r) = rank(key, &q) {
                    found.push((r, i, None));
                }
            }
            for (a, key) in self.alias_keys.iter().enumerate() {
                let Some(r) = rank(key, &q) else { continue };
                let Ok(i) = self
                    .communes
                    .binary_search_by(|c| c.insee.as_str().cmp(&self.aliases[a].insee))
                else {
                    continue;
                };
                // Found by its former name, after those found by their own.
                found.push((r + 3, i, Some(a)));
            }
        }
        found.sort_by(|x, y| {
            let (cx, cy) = (&self.communes[x.1], &self.communes[y.1]);
            x.0.cmp(&y.0)
                .then(cy.population.cmp(&cx.population))
                .then(cx.name.cmp(&cy.name))
                .then(cx.insee.cmp(&cy.insee))
        });
        let mut seen = std::collections::HashSet::new();
        found
            .into_iter()
            .filter(|(_, i, _)| seen.insert(*i))
            .take(limit)
            .map(|(_, i, via)| self.hit(i, via))
            .collect()
    }

    fn hit(&self, i: usize, via: Option<usize>) -> CommuneHit {
        let c = &self.communes[i];
        CommuneHit {
            insee: c.insee.clone(),
            name: c.name.clone(),
            departement: c.departement.clone(),
            departement_name: self
                .departement(&c.departement)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            postal_codes: c.postal_codes.clone(),
            population: c.population,
            via: via.map(|a| self.aliases[a].name.clone()),
        }
    }
}

/// What a commune's name, as people write it in a file, is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameMatch {
    /// One current commune (`via`: the former commune or arrondissement the name is).
    One { insee: String, via: Option<String> },
    /// Several communes bear it: their INSEE codes (never guessed).
    Ambiguous(Vec<String>),
    /// No commune bears it.
    Unknown,
}

impl Cog {
    /// The commune a name written in a file is: its folded name (« st brieuc »), or a former
    /// commune's, first among the communes of the départements `within` (the territory's),
    /// then in all of France; a département in brackets after the name (« Sainte-Colombe
    /// (35) ») chooses among homonyms. Several communes are ambiguous, never guessed.
    pub fn match_name(&self, name: &str, within: &[&str]) -> NameMatch {
        let (name, hint) = match name
            .trim()
            .strip_suffix(')')
            .and_then(|n| n.rsplit_once('('))
        {
            Some((n, d)) if !d.trim().is_empty() && d.trim().len() <= 3 => {
                (n.trim(), Some(d.trim().to_ascii_uppercase()))
            }
            _ => (name.trim(), None),
        };
        let n = self.communes.len();
        let found: Vec<(usize, Option<usize>)> = self
            .by_key
            .get(&search_key(name))
            .map(|v| {
                v.iter()
                    .filter_map(|&i| {
                        if i < n {
                            Some((i, None))
                        } else {
                            let a = &self.aliases[i - n];
                            let c = self
                                .communes
                                .binary_search_by(|c| c.insee.as_str().cmp(&a.insee))
                                .ok()?;
                            Some((c, Some(i - n)))
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let pick = |only: &dyn Fn(&Commune) -> bool| -> Vec<(usize, Option<usize>)> {
            let mut out: Vec<(usize, Option<usize>)> = Vec::new();
            for &(c, a) in &found {
                if only(&self.communes[c]) && !out.iter().any(|(o, _)| *o == c) {
                    out.push((c, a));
                }
            }
            out
        };
        let mut candidates = match &hint {
            Some(d) => pick(&|c| &c.departement == d),
            None => pick(&|c| within.contains(&c.departement.as_str())),
        };
        if candidates.is_empty() && hint.is_none() {
            candidates = pick(&|_| true);
        }
        // A current commune's own name names it, before another's former commune.
        if candidates.iter().any(|(_, a)| a.is_none()) {
            candidates.retain(|(_, a)| a.is_none());
        }
        match candidates.as_slice() {
            [] => NameMatch::Unknown,
            [(c, a)] => NameMatch::One {
                insee: self.communes[*c].insee.clone(),
                via: a.map(|a| self.aliases[a].name.clone()),
            },
            many => NameMatch::Ambiguous(
                many.iter()
                    .map(|(c, _)| self.communes[*c].insee.clone())
                    .collect(),
            ),
        }
    }
}

/// How a code matches the start typed: 0 the same, 1 it starts so.
fn rank_code(code: &str, typed: &str) -> Option<u8> {
    if code == typed {
        Some(0)
    } else if code.starts_with(typed) {
        Some(1)
    } else {
        None
    }
}

#[cfg(test)]
#[path = "communes_tests.rs"]
mod tests;
