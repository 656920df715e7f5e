//! The columns of each kind of file: their keys, French headers and synonyms, and how the
//! headers of a file are matched to them.

use super::problems::*;
use crate::exchange::tabular::unneutralise;
use crate::shared::text::fold;
use serde::Serialize;
use std::collections::HashMap;
use ts_rs::TS;

/// A column a file may hold: its key, the French header the export writes, and the other
/// headers recognised (already folded: lower case, no accents).
pub(crate) struct Col {
    pub(crate) key: &'static str,
    pub(crate) label: &'static str,
    pub(crate) aliases: &'static [&'static str],
    pub(crate) required: bool,
}

pub(crate) const fn col(
    key: &'static str,
    label: &'static str,
    aliases: &'static [&'static str],
    required: bool,
) -> Col {
    Col {
        key,
        label,
        aliases,
        required,
    }
}

pub(crate) const ACTOR_COLUMNS: &[Col] = &[
    col(
        "name",
        "Nom",
        &[
            "nom de l'acteur",
            "acteur",
            "structure",
            "organisme",
            "raison sociale",
        ],
        true,
    ),
    col("world", "Monde", &["categorie", "type d'acteur"], true),
    col("commune", "Commune", &["ville", "localite"], false),
    col("insee", "Code INSEE", INSEE_ALIASES, false),
    col("engagement", "Niveau d'engagement", &["engagement"], false),
    col("influence", "Influence", &[], false),
    col("interest", "Intérêt", &[], false),
    col("needs", "Besoins", &[], false),
    col("contributions", "Contributions", &["apports"], false),
    col("tags", "Étiquettes", &["mots-cles", "mots cles"], false),
    col(
        "contact_name",
        "Contact",
        &["nom du contact", "interlocuteur", "personne"],
        false,
    ),
    col(
        "contact_role",
        "Fonction du contact",
        &["fonction", "role"],
        false,
    ),
    col(
        "contact_email",
        "Courriel",
        &["email", "e-mail", "mail", "adresse electronique"],
        false,
    ),
    col(
        "contact_phone",
        "Téléphone",
        &["tel", "tel.", "phone"],
        false,
    ),
    col(
        "notes",
        "Notes",
        &["remarques", "commentaires", "commentaire"],
        false,
    ),
];

pub(crate) const LINK_COLUMNS: &[Col] = &[
    col("actor_a", "Acteur A", &["acteur 1", "de", "source"], true),
    col("commune_a", "Commune A", &[], false),
    col("actor_b", "Acteur B", &["acteur 2", "vers", "cible"], true),
    col("commune_b", "Commune B", &[], false),
    col(
        "nature",
        "Nature",
        &["nature du lien", "type de lien"],
        true,
    ),
    col("strength", "Force", &["intensite"], false),
    col("since", "Depuis", &["depuis le", "date"], false),
    col(
        "introduced_by",
        "Mis en relation par",
        &[
            "introduit par",
            "presente par",
            "introduced by",
            "intermediaire",
        ],
        false,
    ),
    col(
        "notes",
        "Notes",
        &["remarques", "commentaires", "commentaire"],
        false,
    ),
];

pub(crate) const MEETING_COLUMNS: &[Col] = &[
    col("date", "Date", &[], true),
    col("kind", "Type", &["type de rencontre"], true),
    col("title", "Titre", &["intitule", "objet"], true),
    col("practice", "Pratique", &["pratique de catalyse"], false),
    col("activity", "Activité", &[], false),
    col(
        "hours",
        "Durée (h)",
        &["duree", "heures", "temps passe", "temps passe (h)", "hours"],
        false,
    ),
    col(
        "actors",
        "Acteurs",
        &["participants", "acteurs presents"],
        false,
    ),
    col(
        "members",
        "Équipe",
        &["membres", "membres de l'equipe", "team"],
        false,
    ),
    col(
        "notes",
        "Notes",
        &["compte rendu", "compte-rendu", "remarques", "commentaires"],
        false,
    ),
    col("commune", "Commune", &["lieu", "ville", "localite"], false),
    col("insee", "Code INSEE", INSEE_ALIASES, false),
];

/// The other headers of a commune's INSEE code column.
const INSEE_ALIASES: &[&str] = &[
    "code commune",
    "code insee de la commune",
    "insee",
    "cog",
    "codgeo",
    "code_insee",
];

/// How one header of the file was understood.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ColumnMatch {
    /// The header as written in the file.
    pub header: String,
    /// The field it fills, or none when the column is ignored.
    pub field: Option<String>,
    /// The French name of that field.
    pub label: Option<String>,
}

pub(crate) struct Mapping {
    /// Column key → index in the row (looked up for every cell of every row: a fast hash).
    pub(crate) index: rustc_hash::FxHashMap<&'static str, usize>,
    /// Column key → header as written (or the French label).
    pub(crate) header: HashMap<&'static str, String>,
    pub(crate) columns: Vec<ColumnMatch>,
    pub(crate) width: usize,
}

pub(crate) fn map_headers(
    headers: &[String],
    cols: &'static [Col],
    problems: &mut Vec<ImportProblem>,
) -> Mapping {
    let mut m = Mapping {
        index: Default::default(),
        header: HashMap::new(),
        columns: Vec::new(),
        width: headers.len(),
    };
    for (i, h) in headers.iter().enumerate() {
        let f = fold(unneutralise(h.trim()));
        let found = cols
            .iter()
            .find(|c| fold(c.label) == f || c.key == f || c.aliases.contains(&f.as_str()));
        match found {
            Some(c) if m.index.contains_key(c.key) => {
                let (first, again) = (m.index[c.key] + 1, i + 1);
                problems.push(
                    Said::new(
                        "column.duplicate",
                        format!(
                            "la colonne « {} » apparaît deux fois (colonnes {first} et {again}).",
                            c.label
                        ),
                    )
                    .value(c.label)
                    .arg("first", first)
                    .arg("again", again)
                    .at(1, Some(h.clone())),
                );
                m.columns.push(ColumnMatch {
                    header: h.clone(),
                    field: None,
                    label: None,
                });
            }
            Some(c) => {
                m.index.insert(c.key, i);
                m.header.insert(c.key, h.trim().to_string());
                m.columns.push(ColumnMatch {
                    header: h.clone(),
                    field: Some(c.key.to_string()),
                    label: Some(c.label.to_string()),
                });
            }
            None => m.columns.push(ColumnMatch {
                header: h.clone(),
                field: None,
                label: None,
            }),
        }
    }
    for c in cols {
        m.header.entry(c.key).or_insert_with(|| c.label.to_string());
        if c.required && !m.index.contains_key(c.key) {
            let known = cols.iter().map(|c| c.label).collect::<Vec<_>>().join(", ");
            problems.push(
                Said::new(
                    "column.missing",
                    format!(
                        "colonne obligatoire absente : « {} ». Colonnes reconnues : {known}.",
                        c.label
                    ),
                )
                .value(c.label)
                .arg("known", known)
                .at(1, None),
            );
        }
    }
    m
}
