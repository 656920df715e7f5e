//! One descriptor per kind of record: its table, the references it holds (column → kind),
//! the column that names it in sentences, its nouns in French and English, how it is
//! counted, whether the journal's filter offers it, what of it is a person's data (RGPD),
//! whether it travels to the team. The history's sentences and filter, the counts, the
//! references the journal names by identity, the RGPD's reach and the UI's list of kinds
//! (`ui/bindings/kinds.js`, written by `cargo test`) come from here; the tests below fail
//! when a table of records has no descriptor, or a descriptor says other than the schema.
//!
//! Every kind of record is journaled (its triggers are generated from the schema,
//! [`crate::db::journal`]) and exported whole in the workspace JSON; the tables that hold no
//! record (the journal's, and those derived by triggers) are listed in
//! [`crate::db::migrations`].
//!
//! The order is the one deletions cascade in: a record's parents come before it (the history
//! names a deletion after the first kind it removed).

/// What a column that refers to another record points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refers {
    /// A record of this table, by a foreign key of the schema.
    To(&'static str),
    /// A record of this table, which the schema declares through another table's composite
    /// key (an evidence's assessment: its key is the rating's).
    Through(&'static str),
    /// A record of the table the row's `kind_column` names, as (kind code, table).
    ByKind {
        kind_column: &'static str,
        kinds: &'static [(&'static str, &'static str)],
    },
}

/// A column of a record that holds another record's id (named by identity in the journal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference {
    pub column: &'static str,
    pub to: Refers,
}

/// What of a kind of record is a person's data, for the RGPD (`safety/rgpd.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Personal {
    /// A person: the columns that identify them (an older row of the table carrying one of
    /// these values is the same person under an older record).
    Person {
        identifying: &'static [&'static str],
    },
    /// Data of the person of this table (a team member's self-assessments), erased with them
    /// with the rows it owns.
    OwnedBy(&'static str),
    /// Not personal data of its own (texts may still mention a person: those are searched).
    No,
}

/// A kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordKind {
    /// Its table (and the kind's code in the journal and the UI).
    pub table: &'static str,
    /// In French with its article, for the command line's sentences (« l'acteur »).
    pub noun_fr: &'static str,
    /// Whether the French noun is feminine (a participle agrees with it).
    pub feminine: bool,
    /// Its name in the UI, in French and in English (« Acteur », « Actor »).
    pub label_fr: &'static str,
    pub label_en: &'static str,
    /// The column that names a record of it in sentences; `None`: the kind is told by its noun
    /// alone.
    pub name_column: Option<&'static str>,
    /// The key of its count (the glossary's English plural), if the workspace's counts show it.
    pub counted_as: Option<&'static str>,
    /// Its place in the journal screen's « Type » filter, if it is offered there.
    pub journal_filter: Option<u8>,
    /// The columns that refer to other records (the schema's foreign keys, and the references
    /// SQLite cannot declare: polymorphic ones, and those the schema declares through another
    /// table).
    pub references: &'static [Reference],
    pub personal: Personal,
    /// Whether its changes travel to the team's other laptops when the workspace is shared.
    pub syncs: bool,
}

/// Every kind of record, parents first.
pub const RECORD_KINDS: &[RecordKind] = &[
    RecordKind {
        table: "territory",
        noun_fr: "le territoire",
        feminine: false,
        label_fr: "Territoire",
        label_en: "Territory",
        name_column: Some("name"),
        counted_as: Some("territories"),
        journal_filter: Some(14),
        references: &[],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "territory_commune",
        noun_fr: "la commune du territoire",
        feminine: true,
        label_fr: "Commune du territoire",
        label_en: "Territory commune",
        name_column: Some("insee"),
        counted_as: None,
        journal_filter: None,
        references: &[Reference {
            column: "territory_id",
            to: Refers::To("territory"),
        }],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "project",
        noun_fr: "le projet",
        feminine: false,
        label_fr: "Projet",
        label_en: "Project",
        name_column: Some("title"),
        counted_as: Some("projects"),
        journal_filter: Some(13),
        references: &[Reference {
            column: "territory_id",
            to: Refers::To("territory"),
        }],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "actor",
        noun_fr: "l'acteur",
        feminine: false,
        label_fr: "Acteur",
        label_en: "Actor",
        name_column: Some("name"),
        counted_as: Some("actors"),
        journal_filter: Some(0),
        references: &[],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "contact",
        noun_fr: "le contact",
        feminine: false,
        label_fr: "Contact",
        label_en: "Contact",
        name_column: Some("name"),
        counted_as: Some("contacts"),
        journal_filter: Some(1),
        references: &[Reference {
            column: "actor_id",
            to: Refers::To("actor"),
        }],
        personal: Personal::Person {
            identifying: &["name", "email", "phone"],
        },
        syncs: true,
    },
    RecordKind {
        table: "actor_tag",
        noun_fr: "l'étiquette d'acteur",
        feminine: true,
        label_fr: "Étiquette d'acteur",
        label_en: "Actor tag",
        name_column: None,
        counted_as: None,
        journal_filter: None,
        references: &[Reference {
            column: "actor_id",
            to: Refers::To("actor"),
        }],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "need",
        noun_fr: "l'enjeu",
        feminine: false,
        label_fr: "Enjeu",
        label_en: "Need",
        name_column: Some("title"),
        counted_as: Some("needs"),
        journal_filter: Some(3),
        references: &[],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "axis",
        noun_fr: "l'axe",
        feminine: false,
        label_fr: "Axe",
        label_en: "Strategic axis",
        name_column: Some("title"),
        counted_as: Some("axes"),
        journal_filter: Some(4),
        references: &[],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "axis_need",
        noun_fr: "le lien axe–enjeu",
        feminine: false,
        label_fr: "Lien axe–enjeu",
        label_en: "Axis–need link",
        name_column: None,
        counted_as: None,
        journal_filter: None,
        references: &[
            Reference {
                column: "axis_id",
                to: Refers::To("axis"),
            },
            Reference {
                column: "need_id",
                to: Refers::To("need"),
            },
        ],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "action",
        noun_fr: "l'action",
        feminine: true,
        label_fr: "Action",
        label_en: "Action",
        name_column: Some("title"),
        counted_as: Some("actions"),
        journal_filter: Some(5),
        references: &[
            Reference {
                column: "axis_id",
                to: Refers::To("axis"),
            },
            Reference {
                column: "lead_actor_id",
                to: Refers::To("actor"),
            },
            Reference {
                column: "referent_member_id",
                to: Refers::To("member"),
            },
        ],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "action_need",
        noun_fr: "le lien action–enjeu",
        feminine: false,
        label_fr: "Lien action–enjeu",
        label_en: "Action–need link",
        name_column: None,
        counted_as: None,
        journal_filter: None,
        references: &[
            Reference {
                column: "action_id",
                to: Refers::To("action"),
            },
            Reference {
                column: "need_id",
                to: Refers::To("need"),
            },
        ],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "action_partner",
        noun_fr: "le partenaire d'action",
        feminine: false,
        label_fr: "Partenaire d'action",
        label_en: "Action partner",
        name_column: None,
        counted_as: None,
        journal_filter: None,
        references: &[
            Reference {
                column: "action_id",
                to: Refers::To("action"),
            },
            Reference {
                column: "actor_id",
                to: Refers::To("actor"),
            },
        ],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "funding",
        noun_fr: "la ligne de financement",
        feminine: true,
        label_fr: "Ligne de financement",
        label_en: "Funding line",
        name_column: Some("scheme"),
        counted_as: Some("fundings"),
        journal_filter: Some(6),
        references: &[
            Reference {
                column: "action_id",
                to: Refers::To("action"),
            },
            Reference {
                column: "funder_id",
                to: Refers::To("actor"),
            },
        ],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "indicator",
        noun_fr: "l'indicateur",
        feminine: false,
        label_fr: "Indicateur",
        label_en: "Indicator",
        name_column: Some("name"),
        counted_as: Some("indicators"),
        journal_filter: Some(7),
        references: &[Reference {
            column: "action_id",
            to: Refers::To("action"),
        }],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "member",
        noun_fr: "le membre de l'équipe",
        feminine: false,
        label_fr: "Membre de l'équipe",
        label_en: "Team member",
        name_column: Some("name"),
        counted_as: Some("members"),
        journal_filter: Some(2),
        references: &[],
        personal: Personal::Person {
            identifying: &["name"],
        },
        syncs: true,
    },
    RecordKind {
        table: "link",
        noun_fr: "le lien",
        feminine: false,
        label_fr: "Lien",
        label_en: "Link",
        name_column: None,
        counted_as: Some("links"),
        journal_filter: Some(8),
        references: &[
            Reference {
                column: "actor_a",
                to: Refers::To("actor"),
            },
            Reference {
                column: "actor_b",
                to: Refers::To("actor"),
            },
            Reference {
                column: "introduced_by_actor",
                to: Refers::To("actor"),
            },
            Reference {
                column: "introduced_by_member",
                to: Refers::To("member"),
            },
            Reference {
                column: "meeting_id",
                to: Refers::To("meeting"),
            },
        ],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "meeting",
        noun_fr: "la rencontre",
        feminine: true,
        label_fr: "Rencontre",
        label_en: "Meeting",
        name_column: Some("title"),
        counted_as: Some("meetings"),
        journal_filter: Some(9),
        references: &[],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "meeting_actor",
        noun_fr: "la participation d'un acteur",
        feminine: true,
        label_fr: "Participation d'un acteur",
        label_en: "Actor attendance",
        name_column: None,
        counted_as: None,
        journal_filter: None,
        references: &[
            Reference {
                column: "meeting_id",
                to: Refers::To("meeting"),
            },
            Reference {
                column: "actor_id",
                to: Refers::To("actor"),
            },
        ],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "meeting_member",
        noun_fr: "la participation d'un membre",
        feminine: true,
        label_fr: "Participation d'un membre",
        label_en: "Member attendance",
        name_column: None,
        counted_as: None,
        journal_filter: None,
        references: &[
            Reference {
                column: "meeting_id",
                to: Refers::To("meeting"),
            },
            Reference {
                column: "member_id",
                to: Refers::To("member"),
            },
        ],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "follow_up",
        noun_fr: "la suite à donner",
        feminine: true,
        label_fr: "Suite à donner",
        label_en: "Follow-up",
        name_column: Some("text"),
        counted_as: Some("follow_ups"),
        journal_filter: Some(10),
        references: &[Reference {
            column: "meeting_id",
            to: Refers::To("meeting"),
        }],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "self_assessment",
        noun_fr: "l'auto-évaluation",
        feminine: true,
        label_fr: "Auto-évaluation",
        label_en: "Self-assessment",
        name_column: Some("assessed_on"),
        counted_as: Some("self_assessments"),
        journal_filter: Some(12),
        references: &[Reference {
            column: "member_id",
            to: Refers::To("member"),
        }],
        personal: Personal::OwnedBy("member"),
        syncs: true,
    },
    RecordKind {
        table: "competence_rating",
        noun_fr: "le niveau de compétence",
        feminine: false,
        label_fr: "Niveau de compétence",
        label_en: "Competence level",
        name_column: None,
        counted_as: None,
        journal_filter: None,
        references: &[Reference {
            column: "assessment_id",
            to: Refers::To("self_assessment"),
        }],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "competence_evidence",
        noun_fr: "la preuve de compétence",
        feminine: true,
        label_fr: "Preuve de compétence",
        label_en: "Competence evidence",
        name_column: None,
        counted_as: None,
        journal_filter: None,
        references: &[
            Reference {
                column: "assessment_id",
                to: Refers::Through("self_assessment"),
            },
            Reference {
                column: "record_id",
                to: Refers::ByKind {
                    kind_column: "kind",
                    kinds: &[
                        ("action", "action"),
                        ("meeting", "meeting"),
                        ("funding", "funding"),
                        ("link", "link"),
                        ("decision_note", "decision_note"),
                    ],
                },
            },
        ],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "development_plan",
        noun_fr: "le plan de développement",
        feminine: false,
        label_fr: "Plan de développement",
        label_en: "Development plan",
        name_column: None,
        counted_as: None,
        journal_filter: None,
        references: &[Reference {
            column: "member_id",
            to: Refers::To("member"),
        }],
        personal: Personal::OwnedBy("member"),
        syncs: true,
    },
    RecordKind {
        table: "decision_note",
        noun_fr: "la note d'aide à la décision",
        feminine: true,
        label_fr: "Note d'aide à la décision",
        label_en: "Decision note",
        name_column: Some("subject"),
        counted_as: Some("decision_notes"),
        journal_filter: Some(11),
        references: &[],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "note_section",
        noun_fr: "la partie de note",
        feminine: true,
        label_fr: "Partie de note",
        label_en: "Note section",
        name_column: None,
        counted_as: None,
        journal_filter: None,
        references: &[Reference {
            column: "note_id",
            to: Refers::To("decision_note"),
        }],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "note_option",
        noun_fr: "l'option de note",
        feminine: true,
        label_fr: "Option de note",
        label_en: "Note option",
        name_column: Some("title"),
        counted_as: None,
        journal_filter: None,
        references: &[Reference {
            column: "note_id",
            to: Refers::To("decision_note"),
        }],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "note_record",
        noun_fr: "le lien de note",
        feminine: false,
        label_fr: "Lien de note",
        label_en: "Note link",
        name_column: None,
        counted_as: None,
        journal_filter: None,
        references: &[
            Reference {
                column: "note_id",
                to: Refers::To("decision_note"),
            },
            Reference {
                column: "record_id",
                to: Refers::ByKind {
                    kind_column: "kind",
                    kinds: &[("action", "action"), ("need", "need"), ("actor", "actor")],
                },
            },
        ],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "note_version",
        noun_fr: "la version de note",
        feminine: true,
        label_fr: "Version de note",
        label_en: "Note version",
        name_column: None,
        counted_as: None,
        journal_filter: None,
        references: &[Reference {
            column: "note_id",
            to: Refers::To("decision_note"),
        }],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "letterhead_logo",
        noun_fr: "le logo",
        feminine: false,
        label_fr: "Logo",
        label_en: "Logo",
        name_column: Some("file_name"),
        counted_as: None,
        journal_filter: None,
        references: &[],
        personal: Personal::No,
        syncs: true,
    },
    RecordKind {
        table: "invariant_accepted",
        noun_fr: "l'anomalie laissée telle quelle",
        feminine: true,
        label_fr: "Anomalie laissée telle quelle",
        label_en: "Anomaly left as is",
        name_column: None,
        counted_as: None,
        journal_filter: None,
        references: &[],
        personal: Personal::No,
        syncs: true,
    },
];

/// The descriptor of `table`, if it holds records.
pub fn kind(table: &str) -> Option<&'static RecordKind> {
    RECORD_KINDS.iter().find(|k| k.table == table)
}

/// The rank of `table` in [`RECORD_KINDS`] (parents first); past the end for other tables.
pub fn rank(table: &str) -> usize {
    RECORD_KINDS
        .iter()
        .position(|k| k.table == table)
        .unwrap_or(RECORD_KINDS.len())
}

/// The counted kinds, as (key, table).
pub fn counted() -> impl Iterator<Item = (&'static str, &'static str)> {
    RECORD_KINDS
        .iter()
        .filter_map(|k| k.counted_as.map(|key| (key, k.table)))
}

#[cfg(test)]
#[path = "records_tests.rs"]
mod tests;
