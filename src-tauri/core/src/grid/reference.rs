//! The 8-competence grid of the *chef de projet innovation territoriale* ("Sur la
//! complémentarité des compétences"): versioned reference data, self-assessments with evidence,
//! and the team's coverage.
//!
//! The grid's three axes and eight competences are the deck's words, verbatim and numbered 1–8;
//! the 0–4 scale is ours (`domain.md`). Every assessment records the grid version it was made
//! with, so that a later edition of the grid never rewrites history.

use serde::Serialize;
use ts_rs::TS;

/// Edition of the reference data below; stored with every assessment.
pub const GRID_VERSION: i64 = 1;
/// The level from which a member "does" a competence (autonomy).
pub const DOER_LEVEL: i64 = 3;
/// Fewer members than this at [`DOER_LEVEL`] or more is a gap (the usual capability-matrix
/// rule: a competence held by one person only is fragile).
pub const MIN_DOERS: i64 = 2;

/// The three axes of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum GridAxis {
    Management,
    Relations,
    Strategy,
}

impl GridAxis {
    pub const ALL: [GridAxis; 3] = [
        GridAxis::Management,
        GridAxis::Relations,
        GridAxis::Strategy,
    ];

    pub fn label_fr(self) -> &'static str {
        match self {
            GridAxis::Management => "Expertises de Gestion",
            GridAxis::Relations => "Relations et Interactions",
            GridAxis::Strategy => "Stratégie et projection",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            GridAxis::Management => "Management expertise",
            GridAxis::Relations => "Relations and interactions",
            GridAxis::Strategy => "Strategy and outlook",
        }
    }
}

/// One competence ("situation professionnelle identifiée").
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Competence {
    #[ts(type = "number")]
    pub number: i64,
    pub axis: GridAxis,
    pub axis_fr: String,
    pub axis_en: String,
    pub title_fr: String,
    pub title_en: String,
}

/// One step of the 0–4 scale.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Level {
    #[ts(type = "number")]
    pub level: i64,
    pub label_fr: String,
    pub label_en: String,
    pub descriptor_fr: String,
    pub descriptor_en: String,
}

/// The reference data as the UI receives it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct GridReference {
    #[ts(type = "number")]
    pub version: i64,
    pub competences: Vec<Competence>,
    pub levels: Vec<Level>,
}

/// (number, axis, French verbatim, English translation)
const COMPETENCES: [(i64, GridAxis, &str, &str); 8] = [
    (1, GridAxis::Management, "Trouver et diversifier des financements", "Find and diversify funding"),
    (
        2,
        GridAxis::Management,
        "Contractualiser (de la négociation à l'évaluation)",
        "Contract (from negotiation to evaluation)",
    ),
    (
        3,
        GridAxis::Management,
        "Manager des projets (Cadrage, pilotage, management d'équipe)",
        "Manage projects (scoping, steering, team management)",
    ),
    (
        4,
        GridAxis::Relations,
        "Être à l'écoute active de son écosystème (Besoins, enjeux, difficultés, risques, contributions)",
        "Actively listen to one's ecosystem (needs, stakes, difficulties, risks, contributions)",
    ),
    (
        5,
        GridAxis::Relations,
        "Créer des liens (Entre pairs, entre « mondes », entre tous)",
        "Create links (between peers, between “worlds”, between everyone)",
    ),
    (
        6,
        GridAxis::Relations,
        "Valoriser les interactions (En internes et en externes)",
        "Value interactions (internally and externally)",
    ),
    (
        7,
        GridAxis::Strategy,
        "Mettre en perspective la stratégie partenariale territoriale",
        "Put the territorial partnership strategy into perspective",
    ),
    (
        8,
        GridAxis::Strategy,
        "Préparer une aide à la décision politique",
        "Prepare support for political decision-making",
    ),
];

/// (level, French label, English label, French descriptor, English descriptor)
const LEVELS: [(i64, &str, &str, &str, &str); 5] = [
    (
        0,
        "Non évalué",
        "Not assessed",
        "Pas encore évalué, ou pas de situation pour en juger.",
        "Not assessed yet, or no situation to judge from.",
    ),
    (
        1,
        "Découverte",
        "Discovery",
        "Connaît la situation, l'a observée ou vécue une première fois.",
        "Knows the situation, has seen or met it once.",
    ),
    (
        2,
        "Pratique accompagnée",
        "Supported practice",
        "L'a pratiquée avec l'appui d'un collègue ou d'un partenaire.",
        "Has practised it with a colleague's or partner's support.",
    ),
    (
        3,
        "Autonomie",
        "Autonomy",
        "La conduit seul(e), de bout en bout, dans des cas courants.",
        "Handles it alone, end to end, in usual cases.",
    ),
    (
        4,
        "Expertise (sait transmettre)",
        "Expertise (can pass it on)",
        "La maîtrise dans les cas difficiles et sait la transmettre.",
        "Masters it in hard cases and can teach it.",
    ),
];

/// Every competence, in the deck's order.
pub fn competences() -> Vec<Competence> {
    COMPETENCES
        .iter()
        .map(|(number, axis, fr, en)| Competence {
            number: *number,
            axis: *axis,
            axis_fr: axis.label_fr().into(),
            axis_en: axis.label_en().into(),
            title_fr: (*fr).into(),
            title_en: (*en).into(),
        })
        .collect()
}

/// The competence numbered `n` (1–8).
pub fn competence(n: i64) -> Option<Competence> {
    competences().into_iter().find(|c| c.number == n)
}

/// The 0–4 scale.
pub fn levels() -> Vec<Level> {
    LEVELS
        .iter()
        .map(|(level, fr, en, dfr, den)| Level {
            level: *level,
            label_fr: (*fr).into(),
            label_en: (*en).into(),
            descriptor_fr: (*dfr).into(),
            descriptor_en: (*den).into(),
        })
        .collect()
}

/// The whole reference, as sent to the UI.
pub fn reference() -> GridReference {
    GridReference {
        version: GRID_VERSION,
        competences: competences(),
        levels: levels(),
    }
}

/// Number of competences in the grid.
pub const COMPETENCE_COUNT: usize = COMPETENCES.len();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_is_the_decks_verbatim() {
        let c = competences();
        assert_eq!(c.len(), 8);
        assert_eq!(
            c.iter().map(|c| c.number).collect::<Vec<_>>(),
            (1..=8).collect::<Vec<_>>()
        );
        assert_eq!(c[0].title_fr, "Trouver et diversifier des financements");
        assert_eq!(
            c[3].title_fr,
            "Être à l'écoute active de son écosystème (Besoins, enjeux, difficultés, risques, contributions)"
        );
        assert_eq!(
            c[4].title_fr,
            "Créer des liens (Entre pairs, entre « mondes », entre tous)"
        );
        assert_eq!(c[7].title_fr, "Préparer une aide à la décision politique");
        let per_axis: Vec<usize> = GridAxis::ALL
            .iter()
            .map(|a| c.iter().filter(|x| x.axis == *a).count())
            .collect();
        assert_eq!(per_axis, vec![3, 3, 2]);
        assert_eq!(c[6].axis_fr, "Stratégie et projection");
        let l = levels();
        assert_eq!(
            l.iter().map(|l| l.label_fr.as_str()).collect::<Vec<_>>(),
            [
                "Non évalué",
                "Découverte",
                "Pratique accompagnée",
                "Autonomie",
                "Expertise (sait transmettre)"
            ]
        );
        assert!(competence(9).is_none());
    }
}
