//! The code enumerations: closed sets of codes, each with its French labels, parsing and
//! listing. They travel as stable English codes (`local_authority`, `partner`, ...); their
//! French and English labels live in the UI catalogues, and in [`World::label_fr`] and friends
//! for the command line and generated documents. The UI's lists (`ui/bindings/codes.js`) and
//! the workspace's `code_value` table come from [`code_lists`].

use crate::shared::error::{CoreError, CoreResult};
use crate::shared::text::truncate_for_message;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Declares a closed set of codes with their French labels, parsing and listing.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $code:literal, $fr:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and sent over IPC.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The French label shown to users.
            pub fn label_fr(self) -> &'static str {
                match self { $($name::$variant => $fr),+ }
            }

            /// Parses a code; the error names the field and lists the accepted values.
            pub fn parse(field: &'static str, value: &str) -> CoreResult<Self> {
                match value.trim() {
                    $($code => Ok($name::$variant),)+
                    other => Err(CoreError::validation(
                        field,
                        concat!(stringify!($name), ".unknown"),
                        format!(
                            "{} inconnu : « {} ». Valeurs possibles : {}.",
                            $what,
                            truncate_for_message(other),
                            [$($fr),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                $name::parse("", s).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.code().into())
            }
        }

        impl Coded for $name {
            fn all() -> &'static [Self] { Self::ALL }
            fn code(self) -> &'static str { $name::code(self) }
            fn label_fr(self) -> &'static str { $name::label_fr(self) }
            fn parse(field: &'static str, value: &str) -> CoreResult<Self> { $name::parse(field, value) }
            fn from_text(value: &str) -> Option<Self> {
                // Imports read this for every cell: the codes and labels are folded once.
                static FOLDED: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
                if let Some(v) = Self::ALL.iter().find(|v| v.code() == value) {
                    return Some(*v);
                }
                let folded = FOLDED.get_or_init(|| {
                    Self::ALL
                        .iter()
                        .map(|v| (crate::shared::text::fold(v.code()), crate::shared::text::fold(v.label_fr())))
                        .collect()
                });
                let f = crate::shared::text::fold(value);
                Self::ALL
                    .iter()
                    .zip(folded)
                    .find(|(_, (code, label))| *code == f || *label == f)
                    .map(|(v, _)| *v)
            }
        }
    };
}

/// What every code enumeration offers, for code that handles them generically (imports).
pub trait Coded: Copy + 'static {
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    fn label_fr(self) -> &'static str;
    fn parse(field: &'static str, value: &str) -> CoreResult<Self>;

    /// Reads a value by its code or its French label, ignoring case, accents and extra
    /// spaces (`association / ess` and `association` both give [`World::Association`]).
    fn from_text(value: &str) -> Option<Self> {
        let f = crate::shared::text::fold(value);
        Self::all().iter().copied().find(|v| {
            crate::shared::text::fold(v.code()) == f || crate::shared::text::fold(v.label_fr()) == f
        })
    }
}

code_enum!(
    /// The "monde" an actor belongs to (`domain.md`, our list of eight).
    World, "Monde" {
        LocalAuthority => "local_authority", "Collectivité territoriale";
        State => "state", "État et agences";
        Business => "business", "Entreprise";
        Association => "association", "Association / ESS";
        Citizen => "citizen", "Habitant / citoyen";
        Research => "research", "Enseignement et recherche";
        Funder => "funder", "Fondation / financeur";
        Network => "network", "Réseau / tête de réseau / chambre consulaire";
    }
);

code_enum!(
    /// Niveau d'engagement of an actor in the project, from the least to the most engaged.
    Engagement, "Niveau d'engagement" {
        Informed => "informed", "Informé";
        Consulted => "consulted", "Consulté";
        Involved => "involved", "Impliqué";
        Partner => "partner", "Partenaire";
        Lead => "lead", "Porteur";
    }
);

code_enum!(
    /// Kind of territory a workspace is about.
    TerritoryKind, "Type de territoire" {
        Petr => "petr", "PETR";
        Epci => "epci", "EPCI";
        Municipality => "municipality", "Commune";
        Pays => "pays", "Pays";
        RegionalPark => "regional_park", "Parc naturel régional";
        Department => "department", "Département";
        Region => "region", "Région";
    }
);

code_enum!(
    /// Status of the Projet de territoire.
    ProjectStatus, "Statut du projet" {
        Drafting => "drafting", "En élaboration";
        Adopted => "adopted", "Adopté";
        Revising => "revising", "En révision";
    }
);

code_enum!(
    /// Priority of a need.
    Priority, "Priorité" {
        High => "high", "Haute";
        Medium => "medium", "Moyenne";
        Low => "low", "Basse";
    }
);

code_enum!(
    /// Status of an action (fiche action).
    ActionStatus, "Statut de l'action" {
        Idea => "idea", "Idée";
        Preparing => "preparing", "En préparation";
        Ongoing => "ongoing", "En cours";
        Done => "done", "Réalisée";
        Abandoned => "abandoned", "Abandonnée";
    }
);

code_enum!(
    /// The four practices of catalyse (`domain.md`).
    Practice, "Pratique de catalyse" {
        Dialogue => "dialogue", "Dialogue territorial";
        Experimentation => "experimentation", "Expérimentations collectives";
        Support => "support", "Accompagnements";
        Place => "place", "Gestion d'un lieu";
    }
);

impl Practice {
    /// The practice's four activities, verbatim from the deck, numbered 1 to 4 in this order.
    pub fn activities(self) -> [&'static str; 4] {
        match self {
            Practice::Dialogue => [
                "Partage de connaissance du territoire et des acteurs",
                "Temps de rencontres / interconnaissance",
                "Sensibilisation aux alliances territoriales",
                "Mise en relations",
            ],
            Practice::Experimentation => [
                "Identification des besoins du territoire et enjeux partagés",
                "Mobilisation des acteurs pour co-construire des solutions",
                "Co-pilotage des expérimentations",
                "Evaluation des expérimentations",
            ],
            Practice::Support => [
                "Incubation de projets",
                "Formations aux nouvelles pratiques",
                "Accompagnement de partenariats",
                "Essaimage/accélération/transfert de savoir-faire à d'autres territoires",
            ],
            Practice::Place => [
                "Lieu d'échanges convivial",
                "Espace de co-working",
                "Showroom, démonstrateur",
                "Fab lab",
            ],
        }
    }
}

code_enum!(
    /// The three territorial engineerings ("ingénieries territoriales").
    Engineering, "Ingénierie territoriale" {
        PublicManagement => "public_management", "Gestion publique";
        CrossCuttingProject => "cross_cutting_project", "Projet transverse";
        Catalysis => "catalysis", "Catalyse";
    }
);

code_enum!(
    /// Status of a funding line.
    FundingStatus, "Statut du financement" {
        Considered => "considered", "Envisagé";
        Requested => "requested", "Sollicité";
        Granted => "granted", "Acquis";
        Refused => "refused", "Refusé";
    }
);

code_enum!(
    /// Nature of a link between two actors.
    LinkNature, "Nature du lien" {
        Partnership => "partnership", "Partenariat";
        Funding => "funding", "Financement";
        Dialogue => "dialogue", "Échange / dialogue";
        Service => "service", "Prestation";
        Membership => "membership", "Adhésion";
        Conflict => "conflict", "Conflit";
    }
);

code_enum!(
    /// Kind of meeting (rencontre).
    MeetingKind, "Type de rencontre" {
        Meeting => "meeting", "Réunion";
        Workshop => "workshop", "Atelier";
        SteeringCommittee => "steering_committee", "Comité de pilotage";
        Visit => "visit", "Visite";
        Event => "event", "Événement";
    }
);

code_enum!(
    /// What a piece of evidence of a competence points to.
    EvidenceKind, "Type de preuve" {
        Action => "action", "Action";
        Meeting => "meeting", "Rencontre";
        Funding => "funding", "Financement";
        Link => "link", "Lien";
        DecisionNote => "decision_note", "Note d'aide à la décision";
    }
);

code_enum!(
    /// A self-assessment is a draft until it is finished; a finished one is history.
    AssessmentStatus, "Statut de l'auto-évaluation" {
        Draft => "draft", "Brouillon";
        Finished => "finished", "Terminée";
    }
);

code_enum!(
    /// Who a decision note is for.
    Addressee, "Destinataire" {
        Bureau => "bureau", "Bureau";
        ComiteSyndical => "comite_syndical", "Comité syndical";
        President => "president", "Président";
        ConferenceMaires => "conference_maires", "Conférence des maires";
        Other => "other", "Autre instance";
    }
);

code_enum!(
    /// Where a decision note stands.
    NoteStatus, "Statut de la note" {
        Draft => "draft", "Brouillon";
        Reviewed => "reviewed", "Relue";
        Validated => "validated", "Validée";
        Presented => "presented", "Présentée";
    }
);

code_enum!(
    /// The sections of a decision note, in order.
    SectionKey, "Section" {
        Objet => "objet", "Objet et décision attendue";
        Contexte => "contexte", "Contexte";
        Enjeux => "enjeux", "Enjeux pour le territoire";
        Acteurs => "acteurs", "Acteurs mobilisés et partenaires";
        Options => "options", "Options / scénarios";
        Financement => "financement", "Plan de financement";
        Calendrier => "calendrier", "Calendrier";
        Avis => "avis", "Avis / recommandation du service";
        Annexes => "annexes", "Annexes";
    }
);

code_enum!(
    /// Why a backup was made.
    BackupReason, "Type de sauvegarde" {
        Auto => "auto", "Sauvegarde automatique";
        BeforeMigration => "before_migration", "Avant la mise à jour du format";
        BeforeRestore => "before_restore", "Avant une restauration";
        Manual => "manual", "Sauvegarde demandée";
    }
);

code_enum!(
    /// What a decision note can be about.
    NoteRecordKind, "Type d'enregistrement" {
        Action => "action", "Action";
        Need => "need", "Enjeu";
        Actor => "actor", "Acteur";
    }
);

/// Lists every code enumeration with its codes, in display order.
macro_rules! code_lists {
    ($($name:ident),+ $(,)?) => {
        /// Every code enumeration and its codes in display order: the UI's lists are generated
        /// from it (`ui/bindings/codes.js`, written by `cargo test`) and the schema's CHECK
        /// constraints are checked against it.
        pub fn code_lists() -> Vec<(&'static str, Vec<&'static str>)> {
            vec![$((stringify!($name), $name::ALL.iter().map(|v| v.code()).collect())),+]
        }
    };
}

code_lists!(
    World,
    Engagement,
    TerritoryKind,
    ProjectStatus,
    Priority,
    ActionStatus,
    Practice,
    Engineering,
    FundingStatus,
    LinkNature,
    MeetingKind,
    EvidenceKind,
    AssessmentStatus,
    Addressee,
    NoteStatus,
    SectionKey,
    BackupReason,
    NoteRecordKind,
);

#[cfg(test)]
mod tests {
    /// Writes `codes.js` beside the TypeScript bindings: the code lists the UI shows, from the
    /// enums (every `code_enum!` of this file is in [`super::code_lists`]).
    #[test]
    fn export_code_lists() {
        let lists = super::code_lists();
        let declared = include_str!("codes.rs").matches("\ncode_enum!(").count();
        assert_eq!(
            lists.len(),
            declared,
            "a code_enum! is missing from code_lists!"
        );
        let mut js = String::from(
            "// Generated by catalyse-core (`cargo test`) from the code enums of\n\
             // src-tauri/core/src/shared/domain.rs: do not edit.\n",
        );
        for (name, codes) in &lists {
            let quoted: Vec<String> = codes.iter().map(|c| format!("\"{c}\"")).collect();
            js.push_str(&format!(
                "\n/** @type {{readonly import(\"./{name}\").{name}[]}} */\nexport const {name} = Object.freeze([{}]);\n",
                quoted.join(", ")
            ));
        }
        let dir = std::env::var("TS_RS_EXPORT_DIR").unwrap_or_else(|_| "bindings".into());
        std::fs::create_dir_all(&dir).unwrap();
        let path = std::path::Path::new(&dir).join("codes.js");
        if std::fs::read_to_string(&path).ok().as_deref() != Some(js.as_str()) {
            std::fs::write(&path, js).unwrap();
        }
    }
}
