//! The demo workspace: a fictional PETR, its project and its actors.
//!
//! Everything here is invented: the territory, its communes and its organisations. No real
//! person appears. To extend the demo for a new kind of record, add a step to [`populate`] that
//! uses the ids returned by the earlier steps (see [`DemoIds`]).

pub mod contours;

use crate::actors::store::insert_actor;
use crate::actors::ActorInput;
use crate::db::store::{insert_territory_and_project, Store};
use crate::grid::assessment::{AssessmentInput, DevelopmentPlan, EvidenceInput, RatingInput};
use crate::network::{
    ActorProfile, ContactInput, FollowUp, Introducer, LinkInput, MeetingInput, MemberInput,
};
use crate::notes::{NoteInput, NoteRecordInput, OptionInput, SectionInput};
use crate::plan::{ActionInput, AxisInput, FundingInput, IndicatorInput, NeedInput, Partner};
use crate::shared::domain::{Engagement, TerritoryKind, World};
use crate::shared::error::CoreResult;
use rusqlite::params;
use std::collections::BTreeMap;
use std::path::Path;

/// Name of the demo territory.
pub const TERRITORY: &str = "PETR du Haut-Verdanson";

/// The communes of the fictional territory.
pub const COMMUNES: &[&str] = &[
    "Saint-Aubert-en-Verdanson",
    "Larrieu",
    "Montclar-sur-Verne",
    "Les Orgières",
    "Villard-Chaudon",
    "Pré-Bérard",
    "La Salce",
    "Chanteloube-le-Haut",
    "Serres-Vieilles",
    "Aiguebrune",
];

/// The INSEE code of the `i`-th commune of [`COMMUNES`] in the list's fictional département
/// (`geo::communes::FICTIONAL_DEPARTEMENT`).
pub fn commune_code(i: usize) -> String {
    format!("{:05}", i + 1)
}

/// The INSEE code of the commune of the demo's actor of key `key`.
fn actor_commune(key: &str) -> Option<String> {
    ACTORS
        .iter()
        .find(|a| a.0 == key)
        .map(|a| commune_code(a.3))
}

/// (key, name, world, commune index, engagement, notes)
type ActorRow = (
    &'static str,
    &'static str,
    World,
    usize,
    Engagement,
    &'static str,
);

const ACTORS: &[ActorRow] = &[
    // Collectivités territoriales
    (
        "cc_verdanson",
        "Communauté de communes du Verdanson",
        World::LocalAuthority,
        0,
        Engagement::Lead,
        "Membre du PETR ; compétence mobilité et développement économique.",
    ),
    (
        "cc_orgieres",
        "Communauté de communes des Hautes-Orgières",
        World::LocalAuthority,
        3,
        Engagement::Partner,
        "Membre du PETR ; porte le plan alimentaire de montagne.",
    ),
    (
        "mairie_saint_aubert",
        "Mairie de Saint-Aubert-en-Verdanson",
        World::LocalAuthority,
        0,
        Engagement::Partner,
        "Bourg-centre ; programme Petites villes de demain.",
    ),
    (
        "mairie_larrieu",
        "Mairie de Larrieu",
        World::LocalAuthority,
        1,
        Engagement::Involved,
        "Met à disposition l'ancienne école pour le tiers-lieu.",
    ),
    (
        "mairie_salce",
        "Mairie de La Salce",
        World::LocalAuthority,
        6,
        Engagement::Consulted,
        "",
    ),
    (
        "departement_antenne",
        "Département – Maison du Département du Verdanson",
        World::LocalAuthority,
        0,
        Engagement::Involved,
        "Routes, collèges, solidarités ; cofinance l'ingénierie.",
    ),
    // État et agences
    (
        "sous_prefecture",
        "Sous-préfecture de Saint-Aubert",
        World::State,
        0,
        Engagement::Partner,
        "Référente France Ruralités pour le territoire.",
    ),
    (
        "ddt",
        "DDT – service territorial du Verdanson",
        World::State,
        0,
        Engagement::Involved,
        "Urbanisme, risques naturels, forêt.",
    ),
    (
        "ofb",
        "Office français de la biodiversité – antenne des Orgières",
        World::State,
        3,
        Engagement::Consulted,
        "",
    ),
    (
        "france_travail",
        "France Travail – agence de Saint-Aubert",
        World::State,
        0,
        Engagement::Involved,
        "Emplois saisonniers et mobilité des demandeurs d'emploi.",
    ),
    (
        "ademe",
        "ADEME – direction régionale",
        World::State,
        0,
        Engagement::Informed,
        "Appels à projets transition énergétique.",
    ),
    // Entreprises
    (
        "scierie",
        "Scierie des Orgières",
        World::Business,
        3,
        Engagement::Partner,
        "Filière bois local ; cherche à former des apprentis.",
    ),
    (
        "fromagerie",
        "Fromagerie coopérative du Haut-Verdanson",
        World::Business,
        2,
        Engagement::Partner,
        "Soixante producteurs ; projet de magasin de producteurs.",
    ),
    (
        "transports_chaudon",
        "Transports Chaudon & Fils",
        World::Business,
        4,
        Engagement::Consulted,
        "Transport scolaire et à la demande.",
    ),
    (
        "camping_salce",
        "Camping-village de La Salce",
        World::Business,
        6,
        Engagement::Informed,
        "",
    ),
    (
        "verne_numerique",
        "Verne Numérique (atelier de services numériques)",
        World::Business,
        2,
        Engagement::Involved,
        "Accompagne les communes sur les démarches en ligne.",
    ),
    (
        "relais_pre_berard",
        "Hôtel-restaurant Le Relais de Pré-Bérard",
        World::Business,
        5,
        Engagement::Informed,
        "",
    ),
    (
        "boulangerie",
        "Boulangerie Les Trois Épis",
        World::Business,
        1,
        Engagement::Consulted,
        "Intéressée par la farine de la future meunerie paysanne.",
    ),
    // Associations / ESS
    (
        "jardins_larrieu",
        "Les Jardins partagés de Larrieu",
        World::Association,
        1,
        Engagement::Involved,
        "",
    ),
    (
        "fabrique",
        "Tiers-lieu La Fabrique du Verdanson",
        World::Association,
        1,
        Engagement::Lead,
        "Lieu d'échanges, espace de co-working et fab lab.",
    ),
    (
        "mobilite_solidaire",
        "Mobilité solidaire Verdanson",
        World::Association,
        0,
        Engagement::Partner,
        "Garage solidaire et location de véhicules à bas coût.",
    ),
    (
        "foyer_montclar",
        "Foyer rural de Montclar",
        World::Association,
        2,
        Engagement::Involved,
        "",
    ),
    (
        "ressourcerie",
        "Ressourcerie La Boucle",
        World::Association,
        8,
        Engagement::Partner,
        "Chantier d'insertion, douze salariés.",
    ),
    (
        "accorderie",
        "Accorderie du Haut-Verdanson",
        World::Association,
        0,
        Engagement::Consulted,
        "Échanges de services entre habitants.",
    ),
    // Habitants / citoyens
    (
        "conseil_dev",
        "Conseil de développement du Haut-Verdanson",
        World::Citizen,
        0,
        Engagement::Partner,
        "Instance citoyenne du PETR, une quarantaine de membres.",
    ),
    (
        "energie_verne",
        "Collectif citoyen Énergies partagées de la Verne",
        World::Citizen,
        2,
        Engagement::Involved,
        "Projet de centrale solaire villageoise.",
    ),
    (
        "comite_fetes_villard",
        "Comité des fêtes de Villard-Chaudon",
        World::Citizen,
        4,
        Engagement::Informed,
        "",
    ),
    (
        "parents_salce",
        "Association des parents d'élèves de l'école de La Salce",
        World::Citizen,
        6,
        Engagement::Consulted,
        "",
    ),
    (
        "collectif_orgieres",
        "Collectif des habitants du hameau des Orgières",
        World::Citizen,
        3,
        Engagement::Consulted,
        "Inquiet de la fermeture de la dernière épicerie.",
    ),
    // Enseignement et recherche
    (
        "lycee_agricole",
        "Lycée agricole de Chanteloube",
        World::Research,
        7,
        Engagement::Partner,
        "Exploitation pédagogique ; BTS gestion forestière.",
    ),
    (
        "labo_montagne",
        "Laboratoire Territoires de montagne (université régionale)",
        World::Research,
        0,
        Engagement::Involved,
        "Thèse en cours sur les tiers-lieux ruraux.",
    ),
    (
        "antenne_universitaire",
        "Antenne universitaire de Saint-Aubert",
        World::Research,
        0,
        Engagement::Consulted,
        "",
    ),
    (
        "college_vallees",
        "Collège des Trois Vallées",
        World::Research,
        2,
        Engagement::Informed,
        "",
    ),
    (
        "cfa_btp",
        "CFA du bâtiment de Montclar",
        World::Research,
        2,
        Engagement::Consulted,
        "Formations à la rénovation énergétique.",
    ),
    // Fondations / financeurs
    (
        "fondation_terres",
        "Fondation Terres de montagne",
        World::Funder,
        0,
        Engagement::Partner,
        "Soutient l'alimentation locale et l'insertion.",
    ),
    (
        "banque_territoires",
        "Banque des Territoires – direction régionale",
        World::Funder,
        0,
        Engagement::Involved,
        "Ingénierie et prêts aux collectivités.",
    ),
    (
        "gal_leader",
        "GAL LEADER du Haut-Verdanson",
        World::Funder,
        0,
        Engagement::Partner,
        "Fonds européens ; comité de programmation trimestriel.",
    ),
    (
        "fonds_verdanson",
        "Fonds de dotation Verdanson Avenir",
        World::Funder,
        0,
        Engagement::Consulted,
        "Mécénat d'entreprises locales.",
    ),
    (
        "caisse_vallees",
        "Caisse locale de crédit mutuel des Vallées",
        World::Funder,
        2,
        Engagement::Informed,
        "",
    ),
    // Réseaux / têtes de réseau / chambres consulaires
    (
        "chambre_agri",
        "Chambre d'agriculture – antenne du Verdanson",
        World::Network,
        0,
        Engagement::Partner,
        "",
    ),
    (
        "cci",
        "CCI – délégation de Saint-Aubert",
        World::Network,
        0,
        Engagement::Consulted,
        "Accompagnement des commerces de proximité.",
    ),
    (
        "cma",
        "Chambre de métiers et de l'artisanat – antenne de Montclar",
        World::Network,
        2,
        Engagement::Informed,
        "",
    ),
    (
        "office_tourisme",
        "Office de tourisme intercommunal du Verdanson",
        World::Network,
        0,
        Engagement::Involved,
        "Stratégie quatre saisons.",
    ),
    (
        "reseau_tiers_lieux",
        "Réseau régional des tiers-lieux",
        World::Network,
        0,
        Engagement::Involved,
        "",
    ),
    (
        "reseau_catalyseurs",
        "Réseau régional des catalyseurs territoriaux",
        World::Network,
        0,
        Engagement::Partner,
        "Échanges de pratiques entre chefs de projet.",
    ),
];

/// Ids of what the demo created, by stable key, for later steps to refer to.
#[derive(Debug, Default)]
pub struct DemoIds {
    pub actors: BTreeMap<&'static str, i64>,
    pub needs: Vec<i64>,
    pub axes: Vec<i64>,
    pub actions: Vec<i64>,
    pub members: Vec<i64>,
    pub meetings: Vec<i64>,
}

/// (name, role, structure, is the workspace's user)
const MEMBERS: &[(&str, &str, &str, bool)] = &[
    (
        "Claire Vasseur",
        "Cheffe de projet innovation territoriale",
        "PETR du Haut-Verdanson",
        true,
    ),
    ("Paul Granier", "Directeur", "PETR du Haut-Verdanson", false),
    (
        "Mathis Ferrand",
        "Chargé de mission mobilité",
        "PETR du Haut-Verdanson",
        false,
    ),
    (
        "Inès Boucher",
        "Animatrice LEADER",
        "GAL du Haut-Verdanson",
        false,
    ),
    (
        "Sophie Lamarque",
        "Chargée de développement économique",
        "Communauté de communes du Verdanson",
        false,
    ),
];

/// (actor key, name, role, email, phone). Fictional people; `.example` addresses.
const CONTACTS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "cc_verdanson",
        "Hélène Marchal",
        "Vice-présidente mobilité",
        "h.marchal@cc-verdanson.example",
        "04 00 00 10 01",
    ),
    (
        "mairie_larrieu",
        "Jean-Pierre Rolland",
        "Maire",
        "mairie@larrieu.example",
        "04 00 00 10 02",
    ),
    (
        "fabrique",
        "Nora Belkacem",
        "Coordinatrice",
        "nora@lafabrique.example",
        "06 00 00 10 03",
    ),
    (
        "mobilite_solidaire",
        "Yann Costes",
        "Directeur",
        "direction@mobilite-solidaire.example",
        "04 00 00 10 04",
    ),
    (
        "scierie",
        "Bernard Oddou",
        "Gérant",
        "contact@scierie-orgieres.example",
        "04 00 00 10 05",
    ),
    (
        "fromagerie",
        "Lucie Arnaud",
        "Présidente",
        "lucie.arnaud@fromagerie-hv.example",
        "04 00 00 10 06",
    ),
    (
        "lycee_agricole",
        "Karim Haddad",
        "Directeur de l'exploitation",
        "k.haddad@lycee-chanteloube.example",
        "04 00 00 10 07",
    ),
    (
        "fondation_terres",
        "Élise Fontaine",
        "Chargée de programmes",
        "e.fontaine@terres-montagne.example",
        "01 00 00 10 08",
    ),
    (
        "gal_leader",
        "Thomas Reynaud",
        "Président du comité de programmation",
        "gal@haut-verdanson.example",
        "04 00 00 10 09",
    ),
    (
        "conseil_dev",
        "Agnès Pellegrin",
        "Co-présidente",
        "conseil-dev@haut-verdanson.example",
        "06 00 00 10 10",
    ),
    (
        "energie_verne",
        "Romain Faure",
        "Animateur bénévole",
        "collectif@energies-verne.example",
        "06 00 00 10 11",
    ),
    (
        "ressourcerie",
        "Malika Benali",
        "Encadrante technique",
        "malika@laboucle.example",
        "04 00 00 10 12",
    ),
];

/// (actor a, actor b, nature, strength, since, introduced by: member index or actor key)
type DemoLink = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
    Option<DemoIntroducer>,
);

const LINKS: &[DemoLink] = &[
    (
        "fabrique",
        "mairie_larrieu",
        "partnership",
        3,
        "2023-06-01",
        Some(DemoIntroducer::Member(0)),
    ),
    (
        "fabrique",
        "reseau_tiers_lieux",
        "membership",
        2,
        "2023-09-15",
        None,
    ),
    (
        "fabrique",
        "gal_leader",
        "funding",
        2,
        "2024-01-18",
        Some(DemoIntroducer::Member(3)),
    ),
    (
        "fabrique",
        "banque_territoires",
        "funding",
        2,
        "2024-02-20",
        Some(DemoIntroducer::Member(0)),
    ),
    (
        "fabrique",
        "ressourcerie",
        "partnership",
        2,
        "2025-01-10",
        Some(DemoIntroducer::Member(0)),
    ),
    (
        "fabrique",
        "accorderie",
        "dialogue",
        1,
        "2025-02-03",
        Some(DemoIntroducer::Actor("ressourcerie")),
    ),
    (
        "mobilite_solidaire",
        "france_travail",
        "partnership",
        3,
        "2023-09-01",
        Some(DemoIntroducer::Member(2)),
    ),
    (
        "mobilite_solidaire",
        "transports_chaudon",
        "service",
        2,
        "2023-11-20",
        Some(DemoIntroducer::Member(2)),
    ),
    (
        "mobilite_solidaire",
        "departement_antenne",
        "funding",
        3,
        "2023-07-04",
        None,
    ),
    (
        "mobilite_solidaire",
        "fondation_terres",
        "funding",
        2,
        "2023-06-15",
        Some(DemoIntroducer::Member(0)),
    ),
    (
        "cc_verdanson",
        "cc_orgieres",
        "partnership",
        3,
        "2022-03-01",
        None,
    ),
    (
        "cc_verdanson",
        "transports_chaudon",
        "service",
        2,
        "2021-09-01",
        None,
    ),
    (
        "cc_verdanson",
        "sous_prefecture",
        "dialogue",
        2,
        "2022-01-15",
        None,
    ),
    (
        "fromagerie",
        "chambre_agri",
        "membership",
        3,
        "2019-01-01",
        None,
    ),
    (
        "fromagerie",
        "boulangerie",
        "partnership",
        1,
        "2025-06-10",
        Some(DemoIntroducer::Member(4)),
    ),
    (
        "fromagerie",
        "gal_leader",
        "funding",
        1,
        "2025-10-20",
        Some(DemoIntroducer::Member(3)),
    ),
    (
        "scierie",
        "lycee_agricole",
        "partnership",
        3,
        "2024-09-01",
        Some(DemoIntroducer::Member(0)),
    ),
    (
        "scierie",
        "cfa_btp",
        "partnership",
        2,
        "2024-09-01",
        Some(DemoIntroducer::Actor("cma")),
    ),
    ("scierie", "cma", "membership", 2, "2015-01-01", None),
    (
        "lycee_agricole",
        "antenne_universitaire",
        "dialogue",
        1,
        "2025-09-01",
        Some(DemoIntroducer::Actor("cci")),
    ),
    (
        "energie_verne",
        "mairie_saint_aubert",
        "partnership",
        2,
        "2025-02-12",
        Some(DemoIntroducer::Member(0)),
    ),
    (
        "energie_verne",
        "ademe",
        "dialogue",
        1,
        "2025-05-20",
        Some(DemoIntroducer::Member(1)),
    ),
    (
        "energie_verne",
        "caisse_vallees",
        "funding",
        1,
        "2025-11-05",
        Some(DemoIntroducer::Member(0)),
    ),
    (
        "conseil_dev",
        "labo_montagne",
        "partnership",
        2,
        "2023-02-01",
        None,
    ),
    (
        "conseil_dev",
        "office_tourisme",
        "partnership",
        2,
        "2024-01-15",
        Some(DemoIntroducer::Member(1)),
    ),
    (
        "conseil_dev",
        "collectif_orgieres",
        "dialogue",
        1,
        "2024-10-08",
        Some(DemoIntroducer::Member(0)),
    ),
    (
        "ressourcerie",
        "accorderie",
        "partnership",
        2,
        "2024-11-12",
        None,
    ),
    (
        "ressourcerie",
        "fondation_terres",
        "funding",
        2,
        "2024-12-10",
        Some(DemoIntroducer::Member(0)),
    ),
    (
        "mairie_saint_aubert",
        "cci",
        "partnership",
        2,
        "2022-04-01",
        None,
    ),
    (
        "mairie_saint_aubert",
        "banque_territoires",
        "funding",
        3,
        "2021-12-15",
        None,
    ),
    (
        "office_tourisme",
        "camping_salce",
        "membership",
        1,
        "2020-05-01",
        None,
    ),
    (
        "office_tourisme",
        "relais_pre_berard",
        "membership",
        1,
        "2020-05-01",
        None,
    ),
    (
        "reseau_catalyseurs",
        "mairie_salce",
        "dialogue",
        1,
        "2026-02-10",
        Some(DemoIntroducer::Member(0)),
    ),
    (
        "parents_salce",
        "mairie_salce",
        "conflict",
        1,
        "2025-09-01",
        None,
    ),
    (
        "verne_numerique",
        "mairie_larrieu",
        "service",
        1,
        "2024-03-01",
        Some(DemoIntroducer::Actor("fabrique")),
    ),
    (
        "comite_fetes_villard",
        "foyer_montclar",
        "dialogue",
        1,
        "2023-07-14",
        None,
    ),
];

/// Who introduced two actors, in the demo's terms.
#[derive(Clone, Copy)]
enum DemoIntroducer {
    /// Index in [`MEMBERS`].
    Member(usize),
    /// Key in `ACTORS`.
    Actor(&'static str),
}

/// (date, kind, title, practice, activity, hours, actor keys, member indexes, notes, follow-ups)
type DemoMeeting = (
    &'static str,
    &'static str,
    &'static str,
    Option<(&'static str, i64)>,
    &'static str,
    &'static [&'static str],
    &'static [usize],
    &'static str,
    &'static [(&'static str, Option<&'static str>, bool)],
);

const MEETINGS: &[DemoMeeting] = &[
    (
        "2024-02-08",
        "workshop",
        "Atelier « Vivre et travailler au pays »",
        Some(("experimentation", 1)),
        "4",
        &[
            "conseil_dev",
            "labo_montagne",
            "collectif_orgieres",
            "fabrique",
            "mairie_larrieu",
        ],
        &[0, 1],
        "Quarante participants ; forte demande de lieux partagés.",
        &[("Diffuser la synthèse", Some("2024-02-20"), true)],
    ),
    (
        "2024-03-14",
        "meeting",
        "Lancement du tiers-lieu de Larrieu",
        Some(("place", 1)),
        "2,5",
        &["fabrique", "mairie_larrieu", "reseau_tiers_lieux"],
        &[0],
        "Convention d'occupation à rédiger.",
        &[("Projet de convention", Some("2024-04-15"), true)],
    ),
    (
        "2024-06-20",
        "steering_committee",
        "Comité de pilotage du garage solidaire",
        Some(("support", 3)),
        "3",
        &[
            "mobilite_solidaire",
            "france_travail",
            "departement_antenne",
            "transports_chaudon",
        ],
        &[2],
        "Premier bilan : 62 locations au semestre.",
        &[("Tableau de suivi partagé", Some("2024-07-15"), true)],
    ),
    (
        "2024-09-05",
        "visit",
        "Visite de la scierie avec le lycée agricole",
        Some(("dialogue", 4)),
        "3,5",
        &["scierie", "lycee_agricole", "cfa_btp"],
        &[0, 4],
        "Accord pour accueillir deux apprentis.",
        &[],
    ),
    (
        "2024-10-08",
        "meeting",
        "Rencontre avec les habitants des Orgières",
        Some(("dialogue", 1)),
        "2",
        &["collectif_orgieres", "conseil_dev", "cc_orgieres"],
        &[0],
        "Inquiétude sur l'épicerie ; piste d'un dépôt de la fromagerie.",
        &[("Contacter la fromagerie", Some("2024-10-31"), true)],
    ),
    (
        "2025-01-23",
        "event",
        "Rencontres de l'interconnaissance 2025",
        Some(("dialogue", 2)),
        "7",
        &[
            "conseil_dev",
            "office_tourisme",
            "fabrique",
            "ressourcerie",
            "accorderie",
            "energie_verne",
            "mobilite_solidaire",
            "cci",
        ],
        &[0, 1, 3],
        "Cent vingt participants ; trois nouvelles coopérations annoncées.",
        &[(
            "Publier les contacts des participants (avec leur accord)",
            Some("2025-02-15"),
            true,
        )],
    ),
    (
        "2025-02-12",
        "meeting",
        "Centrale solaire : premier échange avec la mairie",
        Some(("experimentation", 2)),
        "1,5",
        &["energie_verne", "mairie_saint_aubert"],
        &[0],
        "Toitures de l'école et du gymnase envisagées.",
        &[("Étude de faisabilité", Some("2025-06-30"), false)],
    ),
    (
        "2025-06-10",
        "workshop",
        "Atelier magasin de producteurs",
        Some(("support", 1)),
        "3",
        &["fromagerie", "chambre_agri", "boulangerie", "cc_verdanson"],
        &[4],
        "Local identifié à Montclar.",
        &[("Chiffrer les travaux", Some("2025-09-01"), true)],
    ),
    (
        "2025-09-18",
        "steering_committee",
        "Comité de programmation LEADER",
        None,
        "2",
        &["gal_leader", "fromagerie", "fabrique"],
        &[3],
        "Dossier du magasin de producteurs présenté.",
        &[],
    ),
    (
        "2025-11-05",
        "meeting",
        "Financement participatif de la centrale solaire",
        Some(("experimentation", 2)),
        "2",
        &["energie_verne", "caisse_vallees"],
        &[0],
        "Prêt participatif à l'étude.",
        &[(
            "Transmettre le plan de financement",
            Some("2025-11-30"),
            false,
        )],
    ),
    (
        "2026-02-10",
        "meeting",
        "Préparer la sensibilisation des élus",
        Some(("dialogue", 3)),
        "1,5",
        &["reseau_catalyseurs", "mairie_salce"],
        &[0, 1],
        "Trois séances au printemps.",
        &[("Réserver la salle", Some("2026-03-01"), false)],
    ),
    (
        "2026-03-12",
        "workshop",
        "Atelier mobilité : covoiturage du quotidien",
        Some(("experimentation", 1)),
        "3",
        &[
            "energie_verne",
            "mobilite_solidaire",
            "transports_chaudon",
            "cc_verdanson",
        ],
        &[2],
        "Besoin d'une plateforme simple, sans application.",
        &[("Comparer trois solutions", Some("2026-04-30"), false)],
    ),
];

/// (title, priority)
const NEEDS: &[(&str, &str, &str)] = &[
    ("Maintenir des services de proximité dans les villages", "high", "Épiceries, santé, démarches : plusieurs villages ont perdu leur dernier commerce depuis 2015."),
    ("Se déplacer sans voiture individuelle", "high", "Un ménage sur cinq n'a pas de voiture ; le transport scolaire est la seule ligne régulière."),
    ("Valoriser la forêt et l'agriculture de montagne", "medium", "La forêt couvre 62 % du territoire ; peu de bois est transformé sur place."),
    ("Accueillir et garder les jeunes actifs", "high", "Les 25-39 ans partent faute de logement, d'emploi qualifié et de lieux pour se retrouver."),
    ("Réussir la transition énergétique", "medium", "Factures de chauffage élevées, bâti ancien, potentiel solaire et bois-énergie."),
];

/// (title, need indexes)
const AXES: &[(&str, &[usize])] = &[
    ("Des villages vivants et solidaires", &[0, 3]),
    ("Une mobilité pour tous", &[1]),
    (
        "Une économie de montagne ancrée dans ses ressources",
        &[2, 4],
    ),
    ("Faire ensemble : coopération et participation", &[0, 2, 3]),
];

/// (funder key, scheme, amount, status, requested on, decision on)
type DemoFunding = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

/// (name, unit, target, current, measured on)
type DemoIndicator = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// One demo action: its fields, then its funding lines and indicators.
struct DemoAction {
    title: &'static str,
    axis: usize,
    needs: &'static [usize],
    status: &'static str,
    dates: Option<(&'static str, &'static str)>,
    budget: &'static str,
    lead: Option<&'static str>,
    partners: &'static [(&'static str, &'static str)],
    practice: Option<(&'static str, i64)>,
    engineering: &'static str,
    /// The team member in charge: an index in [`MEMBERS`].
    referent: usize,
    fundings: &'static [DemoFunding],
    indicators: &'static [DemoIndicator],
}

const ACTIONS: &[DemoAction] = &[
    DemoAction {
        title: "Tiers-lieu La Fabrique : co-working et fab lab",
        axis: 0,
        needs: &[0, 3],
        status: "ongoing",
        dates: Some(("2024-03-01", "2026-12-31")),
        budget: "185 000",
        lead: Some("fabrique"),
        partners: &[
            ("mairie_larrieu", "Mise à disposition des locaux"),
            ("reseau_tiers_lieux", "Accompagnement"),
        ],
        practice: Some(("place", 2)),
        engineering: "catalysis",
        referent: 0,
        fundings: &[
            (
                "gal_leader",
                "LEADER",
                "60 000",
                "granted",
                Some("2023-10-02"),
                Some("2024-01-18"),
            ),
            (
                "banque_territoires",
                "Fabriques de territoire",
                "50 000",
                "granted",
                Some("2023-11-15"),
                Some("2024-02-20"),
            ),
            (
                "cc_verdanson",
                "Fonds de concours",
                "25 000",
                "granted",
                None,
                Some("2024-03-12"),
            ),
            (
                "fondation_terres",
                "Appel à projets lieux partagés",
                "20 000",
                "requested",
                Some("2025-09-15"),
                Some("2026-01-30"),
            ),
        ],
        indicators: &[
            ("Coworkers réguliers", "personnes", "25", "14", "2025-10-31"),
            (
                "Ateliers du fab lab",
                "ateliers par an",
                "40",
                "22",
                "2025-10-31",
            ),
        ],
    },
    DemoAction {
        title: "Garage solidaire et location de véhicules",
        axis: 1,
        needs: &[1, 3],
        status: "ongoing",
        dates: Some(("2023-09-01", "2026-08-31")),
        budget: "240 000",
        lead: Some("mobilite_solidaire"),
        partners: &[
            ("france_travail", "Orientation des demandeurs d'emploi"),
            ("transports_chaudon", "Conseil technique"),
        ],
        practice: Some(("support", 3)),
        engineering: "cross_cutting_project",
        referent: 2,
        fundings: &[
            (
                "departement_antenne",
                "Insertion",
                "80 000",
                "granted",
                Some("2023-05-10"),
                Some("2023-07-04"),
            ),
            (
                "fondation_terres",
                "Mobilité solidaire",
                "30 000",
                "granted",
                Some("2023-04-01"),
                Some("2023-06-15"),
            ),
            (
                "caisse_vallees",
                "Mécénat",
                "10 000",
                "refused",
                Some("2023-03-20"),
                Some("2023-05-02"),
            ),
            (
                "sous_prefecture",
                "FNADT",
                "45 000",
                "requested",
                Some("2025-11-03"),
                Some("2026-03-31"),
            ),
        ],
        indicators: &[(
            "Véhicules loués",
            "locations par an",
            "300",
            "187",
            "2025-09-30",
        )],
    },
    DemoAction {
        title: "Transport à la demande intercommunal",
        axis: 1,
        needs: &[1],
        status: "preparing",
        dates: Some(("2026-09-01", "2029-08-31")),
        budget: "420 000",
        lead: Some("cc_verdanson"),
        partners: &[
            ("cc_orgieres", "Co-organisateur"),
            ("transports_chaudon", "Exploitant pressenti"),
        ],
        practice: None,
        engineering: "public_management",
        referent: 2,
        fundings: &[
            (
                "cc_orgieres",
                "Participation",
                "90 000",
                "considered",
                None,
                None,
            ),
            (
                "banque_territoires",
                "Ingénierie mobilité",
                "35 000",
                "considered",
                None,
                Some("2026-06-30"),
            ),
        ],
        indicators: &[],
    },
    DemoAction {
        title: "Plateforme de covoiturage du quotidien",
        axis: 1,
        needs: &[1, 4],
        status: "idea",
        dates: None,
        budget: "",
        lead: None,
        partners: &[("energie_verne", "Animation")],
        practice: Some(("experimentation", 1)),
        engineering: "catalysis",
        referent: 2,
        fundings: &[],
        indicators: &[],
    },
    DemoAction {
        title: "Diagnostic partagé des besoins de mobilité",
        axis: 1,
        needs: &[1],
        status: "done",
        dates: Some(("2023-02-01", "2023-09-30")),
        budget: "18 000",
        lead: Some("conseil_dev"),
        partners: &[("labo_montagne", "Enquête auprès des habitants")],
        practice: Some(("experimentation", 1)),
        engineering: "catalysis",
        referent: 2,
        fundings: &[(
            "ademe",
            "Plan de mobilité simplifié",
            "9 000",
            "granted",
            Some("2022-11-02"),
            Some("2023-01-10"),
        )],
        indicators: &[(
            "Habitants interrogés",
            "personnes",
            "400",
            "512",
            "2023-09-30",
        )],
    },
    DemoAction {
        title: "Magasin de producteurs à Montclar",
        axis: 2,
        needs: &[2, 0],
        status: "preparing",
        dates: Some(("2025-06-01", "2027-05-31")),
        budget: "150 000",
        lead: Some("fromagerie"),
        partners: &[
            ("chambre_agri", "Accompagnement technique"),
            ("boulangerie", "Dépôt-vente"),
        ],
        practice: Some(("support", 1)),
        engineering: "cross_cutting_project",
        referent: 4,
        fundings: &[
            (
                "gal_leader",
                "LEADER",
                "45 000",
                "requested",
                Some("2025-10-20"),
                Some("2026-02-12"),
            ),
            (
                "fonds_verdanson",
                "Mécénat local",
                "15 000",
                "considered",
                None,
                None,
            ),
        ],
        indicators: &[],
    },
    DemoAction {
        title: "Filière bois local : former des apprentis",
        axis: 2,
        needs: &[2, 3],
        status: "ongoing",
        dates: Some(("2024-09-01", "2027-06-30")),
        budget: "95 000",
        lead: Some("scierie"),
        partners: &[
            ("lycee_agricole", "Formation"),
            ("cfa_btp", "Formation"),
            ("cma", "Apprentissage"),
        ],
        practice: Some(("support", 2)),
        engineering: "cross_cutting_project",
        referent: 4,
        fundings: &[
            (
                "departement_antenne",
                "Emploi des jeunes",
                "20 000",
                "granted",
                Some("2024-04-02"),
                Some("2024-06-25"),
            ),
            (
                "france_travail",
                "Préparation opérationnelle à l'emploi",
                "15 000",
                "granted",
                None,
                Some("2024-08-30"),
            ),
        ],
        indicators: &[("Apprentis formés", "personnes", "12", "5", "2025-07-01")],
    },
    DemoAction {
        title: "Centrale solaire villageoise de la Verne",
        axis: 2,
        needs: &[4],
        status: "preparing",
        dates: Some(("2025-01-01", "2028-12-31")),
        budget: "310 000",
        lead: Some("energie_verne"),
        partners: &[
            ("mairie_saint_aubert", "Mise à disposition de toitures"),
            ("ademe", "Expertise"),
        ],
        practice: Some(("experimentation", 2)),
        engineering: "catalysis",
        referent: 0,
        fundings: &[
            (
                "ademe",
                "Énergie citoyenne",
                "60 000",
                "requested",
                Some("2025-12-01"),
                Some("2026-04-15"),
            ),
            (
                "caisse_vallees",
                "Prêt participatif",
                "100 000",
                "considered",
                None,
                None,
            ),
        ],
        indicators: &[("Puissance installée", "kWc", "250", "0", "2025-12-31")],
    },
    DemoAction {
        title: "Rencontres de l'interconnaissance du Haut-Verdanson",
        axis: 3,
        needs: &[0, 3],
        status: "ongoing",
        dates: Some(("2024-01-15", "2030-12-31")),
        budget: "24 000",
        lead: Some("conseil_dev"),
        partners: &[("office_tourisme", "Logistique")],
        practice: Some(("dialogue", 2)),
        engineering: "catalysis",
        referent: 0,
        fundings: &[(
            "gal_leader",
            "LEADER coopération",
            "12 000",
            "granted",
            Some("2023-11-20"),
            Some("2024-01-18"),
        )],
        indicators: &[(
            "Participants",
            "personnes par an",
            "300",
            "246",
            "2025-06-30",
        )],
    },
    DemoAction {
        title: "Carte des acteurs et des alliances du territoire",
        axis: 3,
        needs: &[0],
        status: "done",
        dates: Some(("2023-05-01", "2023-12-15")),
        budget: "8 000",
        lead: Some("labo_montagne"),
        partners: &[],
        practice: Some(("dialogue", 1)),
        engineering: "catalysis",
        referent: 0,
        fundings: &[(
            "banque_territoires",
            "Ingénierie",
            "8 000",
            "granted",
            Some("2023-03-01"),
            Some("2023-04-12"),
        )],
        indicators: &[],
    },
    DemoAction {
        title: "Accompagnement des partenariats de l'ESS",
        axis: 3,
        needs: &[0, 3],
        status: "ongoing",
        dates: Some(("2025-01-01", "2026-12-31")),
        budget: "36 000",
        lead: Some("ressourcerie"),
        partners: &[
            ("accorderie", "Partenaire"),
            ("fabrique", "Accueil des ateliers"),
        ],
        practice: Some(("support", 3)),
        engineering: "catalysis",
        referent: 3,
        fundings: &[(
            "fondation_terres",
            "Insertion",
            "18 000",
            "granted",
            Some("2024-10-01"),
            Some("2024-12-10"),
        )],
        indicators: &[],
    },
    DemoAction {
        title: "Petites villes de demain : revitaliser le centre-bourg",
        axis: 0,
        needs: &[0],
        status: "ongoing",
        dates: Some(("2022-01-01", "2026-12-31")),
        budget: "650 000",
        lead: Some("mairie_saint_aubert"),
        partners: &[
            ("sous_prefecture", "Suivi de la convention"),
            ("banque_territoires", "Ingénierie"),
            ("cci", "Commerces"),
        ],
        practice: None,
        engineering: "public_management",
        referent: 1,
        fundings: &[
            (
                "banque_territoires",
                "Petites villes de demain",
                "120 000",
                "granted",
                Some("2021-09-01"),
                Some("2021-12-15"),
            ),
            (
                "sous_prefecture",
                "DETR",
                "200 000",
                "granted",
                Some("2022-01-15"),
                Some("2022-05-20"),
            ),
            (
                "departement_antenne",
                "Contrat de territoire",
                "80 000",
                "requested",
                Some("2025-10-01"),
                Some("2026-03-15"),
            ),
        ],
        indicators: &[(
            "Cellules commerciales réoccupées",
            "locaux",
            "8",
            "3",
            "2025-09-30",
        )],
    },
    DemoAction {
        title: "Showroom de la rénovation énergétique",
        axis: 2,
        needs: &[4],
        status: "abandoned",
        dates: Some(("2024-02-01", "2024-12-31")),
        budget: "60 000",
        lead: Some("cfa_btp"),
        partners: &[],
        practice: Some(("place", 3)),
        engineering: "cross_cutting_project",
        referent: 4,
        fundings: &[(
            "ademe",
            "Rénovation",
            "30 000",
            "refused",
            Some("2023-12-01"),
            Some("2024-03-05"),
        )],
        indicators: &[],
    },
    DemoAction {
        title: "Essaimer le tiers-lieu vers les Hautes-Orgières",
        axis: 0,
        needs: &[0],
        status: "idea",
        dates: Some(("2027-01-01", "2028-06-30")),
        budget: "40 000",
        lead: Some("fabrique"),
        partners: &[("cc_orgieres", "Collectivité d'accueil")],
        practice: Some(("support", 4)),
        engineering: "catalysis",
        referent: 3,
        fundings: &[("gal_leader", "LEADER", "20 000", "considered", None, None)],
        indicators: &[],
    },
    DemoAction {
        title: "Sensibiliser les élus aux alliances territoriales",
        axis: 3,
        needs: &[0],
        status: "preparing",
        dates: Some(("2026-03-01", "2026-11-30")),
        budget: "6 000",
        lead: Some("reseau_catalyseurs"),
        partners: &[("mairie_salce", "Accueil des séances")],
        practice: Some(("dialogue", 3)),
        engineering: "catalysis",
        referent: 1,
        fundings: &[],
        indicators: &[],
    },
    DemoAction {
        title: "Mettre en relation entreprises et lieux de formation",
        axis: 2,
        needs: &[3],
        status: "ongoing",
        dates: Some(("2025-09-01", "2026-06-30")),
        budget: "4 500",
        lead: Some("cci"),
        partners: &[
            ("lycee_agricole", "Stages"),
            ("antenne_universitaire", "Alternance"),
        ],
        practice: Some(("dialogue", 4)),
        engineering: "catalysis",
        referent: 4,
        fundings: &[(
            "cc_verdanson",
            "Animation économique",
            "4 500",
            "granted",
            None,
            Some("2025-07-08"),
        )],
        indicators: &[],
    },
];

/// Fills an empty, migrated workspace with the demo data.
pub fn populate(store: &mut Store) -> CoreResult<DemoIds> {
    let mut ids = DemoIds::default();
    territory_and_actors(store, &mut ids)?;
    // The invented contours, imported as a user's file is.
    let raw = crate::geo::contours::read_geojson(contours::DEMO_CONTOURS.as_bytes())?;
    let prepared = store.prepare_read_contours(&raw, None, "demo-contours.geojson".into())?;
    store.write_contours(&prepared)?;
    needs_and_axes(store, &mut ids)?;
    team(store, &mut ids)?;
    ids.actions = actions(store, &ids)?;
    network(store, &mut ids)?;
    assessments(store, &ids)?;
    notes(store, &ids)?;
    Ok(ids)
}

/// The territory, the project and the actors, in one transaction.
fn territory_and_actors(store: &mut Store, ids: &mut DemoIds) -> CoreResult<()> {
    let tx = store.conn.transaction()?;
    insert_territory_and_project(
        &tx,
        TERRITORY,
        TerritoryKind::Petr,
        "Haut-Verdanson 2030 : une vallée qui vit à l'année",
    )?;
    tx.execute(
        "UPDATE territory SET description = ?1 WHERE id = 1",
        params![format!(
            "Pôle d'équilibre territorial et rural de deux communautés de communes et {} communes de moyenne montagne (territoire fictif).",
            COMMUNES.len()
        )],
    )?;
    tx.execute(
        "UPDATE project SET vision = ?1, status = 'adopted', period_start = '2024-01-01',
                period_end = '2030-12-31', adoption_date = '2023-11-14' WHERE id = 1",
        params![
            "Un territoire où l'on peut vivre, travailler et vieillir à l'année : des services \
             de proximité, une économie qui valorise la forêt et l'agriculture de montagne, et des \
             habitants qui agissent ensemble."
        ],
    )?;
    // The territory's communes: the fictional département of the list.
    for i in 0..COMMUNES.len() {
        tx.execute(
            "INSERT INTO territory_commune (territory_id, insee, created_at, updated_at)
             VALUES (1, ?1, '2023-11-14T09:00:00Z', '2023-11-14T09:00:00Z')",
            [commune_code(i)],
        )?;
    }
    // Creation dates spread over the two years before the demo's reference date.
    for (i, (key, name, world, commune, engagement, notes)) in ACTORS.iter().enumerate() {
        let v = ActorInput {
            name: (*name).into(),
            world: world.code().into(),
            commune: COMMUNES[*commune].into(),
            insee: Some(commune_code(*commune)),
            engagement: engagement.code().into(),
            notes: (*notes).into(),
        }
        .validate()?;
        let at = format!(
            "2024-{:02}-{:02}T09:00:00Z",
            1 + (i * 7) % 12,
            1 + (i * 11) % 28
        );
        ids.actors.insert(key, insert_actor(&tx, &v, &at)?);
    }
    tx.commit()?;
    Ok(())
}

/// The needs and the strategic axes.
fn needs_and_axes(store: &mut Store, ids: &mut DemoIds) -> CoreResult<()> {
    for (title, priority, description) in NEEDS {
        let n = store.create_need(&NeedInput {
            title: (*title).into(),
            description: (*description).into(),
            priority: (*priority).into(),
        })?;
        ids.needs.push(n.id);
    }
    for (title, needs) in AXES {
        let a = store.create_axis(&AxisInput {
            title: (*title).into(),
            description: String::new(),
            need_ids: needs.iter().map(|i| ids.needs[*i]).collect(),
        })?;
        ids.axes.push(a.id);
    }
    Ok(())
}

/// The team (first: each action has a référent in it).
fn team(store: &mut Store, ids: &mut DemoIds) -> CoreResult<()> {
    for (name, role, structure, is_user) in MEMBERS {
        let m = store.create_member(&MemberInput {
            name: (*name).into(),
            role: (*role).into(),
            structure: (*structure).into(),
            is_user: *is_user,
        })?;
        ids.members.push(m.id);
    }
    Ok(())
}

/// The actions, with their fundings and indicators; their ids in order.
fn actions(store: &mut Store, ids: &DemoIds) -> CoreResult<Vec<i64>> {
    let actor = |key: &str| ids.actors[key];
    let mut action_ids = Vec::new();
    for a in ACTIONS {
        let created = store.create_action(&ActionInput {
            title: a.title.into(),
            // Where its lead (or first partner) is.
            insee: a
                .lead
                .or(a.partners.first().map(|p| p.0))
                .and_then(actor_commune),
            description: String::new(),
            axis_id: Some(ids.axes[a.axis]),
            need_ids: a.needs.iter().map(|i| ids.needs[*i]).collect(),
            status: a.status.into(),
            start_date: a.dates.map(|d| d.0.to_string()),
            end_date: a.dates.map(|d| d.1.to_string()),
            budget: a.budget.into(),
            lead_actor_id: a.lead.map(actor),
            referent_member_id: Some(ids.members[a.referent]),
            partners: a
                .partners
                .iter()
                .map(|(k, role)| Partner {
                    actor_id: actor(k),
                    role: (*role).into(),
                })
                .collect(),
            practice: a.practice.map(|p| p.0.to_string()),
            activity: a.practice.map(|p| p.1),
            engineering: Some(a.engineering.into()),
        })?;
        for (funder, scheme, amount, status, requested, decision) in a.fundings {
            store.create_funding(
                created.id,
                &FundingInput {
                    funder_id: Some(actor(funder)),
                    scheme: (*scheme).into(),
                    amount: (*amount).into(),
                    status: (*status).into(),
                    requested_on: requested.map(String::from),
                    decision_on: decision.map(String::from),
                    notes: String::new(),
                },
            )?;
        }
        for (name, unit, target, current, on) in a.indicators {
            store.create_indicator(
                created.id,
                &IndicatorInput {
                    name: (*name).into(),
                    unit: (*unit).into(),
                    target: (*target).into(),
                    current: (*current).into(),
                    measured_on: Some((*on).into()),
                },
            )?;
        }
        action_ids.push(created.id);
    }
    Ok(action_ids)
}

/// Two decision notes on demo actions: a draft for the Comité syndical and a validated one.
fn notes(store: &mut Store, ids: &DemoIds) -> CoreResult<()> {
    let section = |key: &str, content: &str| SectionInput {
        key: key.into(),
        content: content.into(),
    };
    let option =
        |title: &str, pros: &str, cons: &str, cost: &str, risks: &str, recommended: bool| {
            OptionInput {
                title: title.into(),
                description: String::new(),
                pros: pros.into(),
                cons: cons.into(),
                cost: cost.into(),
                risks: risks.into(),
                recommended,
            }
        };
    store.create_note(&NoteInput {
        subject: "Magasin de producteurs à Montclar : dépôt de la demande LEADER".into(),
        body_name: TERRITORY.into(),
        addressee: "comite_syndical".into(),
        meeting_date: Some("2026-12-10".into()),
        author: "Claire Vasseur".into(),
        records: vec![NoteRecordInput {
            kind: "action".into(),
            record_id: ids.actions[5],
        }],
        sections: vec![
            section("objet", "Autoriser le Président à déposer la demande de subvention LEADER pour le magasin de producteurs de Montclar et à signer les engagements correspondants."),
            section("enjeux", "Garder une offre alimentaire de proximité dans les villages et mieux rémunérer les producteurs de montagne ; le projet répond au plan alimentaire porté par la communauté de communes des Hautes-Orgières."),
            section("avis", "Avis **favorable** du service, sous réserve de l'accord écrit de la fromagerie coopérative pour la gestion du local."),
            section("annexes", "- Plan de financement prévisionnel\n- Lettres de soutien des producteurs"),
        ],
        options: vec![
            option("Déposer la demande en décembre", "Calendrier du comité de programmation tenu", "Dossier à compléter en trois semaines", "48 000", "Retard si une pièce manque", true),
            option("Reporter au printemps", "Dossier plus complet", "Ouverture du magasin décalée d'un an", "48 000", "Enveloppe LEADER moins disponible", false),
        ],
    })?;
    let validated = store.create_note(&NoteInput {
        subject: "Garage solidaire : convention de financement avec le Département".into(),
        body_name: TERRITORY.into(),
        addressee: "bureau".into(),
        meeting_date: Some("2026-10-14".into()),
        author: "Mathis Ferrand".into(),
        records: vec![NoteRecordInput {
            kind: "action".into(),
            record_id: ids.actions[1],
        }],
        sections: vec![
            section("objet", "Approuver la convention triennale avec le Département pour le garage solidaire et autoriser le Président à la signer."),
            section("enjeux", "Permettre aux personnes sans voiture de se rendre au travail et en formation ; 62 locations au premier semestre montrent le besoin."),
            section("avis", "Avis **favorable** du service."),
        ],
        options: vec![],
    })?;
    store.set_note_status(validated.id, crate::shared::domain::NoteStatus::Validated)?;
    Ok(())
}

/// (member index, date, levels of competences 1–8, targets): two or three finished
/// self-assessments per member over two years. The team is strong on 3, 4 and 5 and has gaps
/// on 1 (only Inès is autonomous), 2 (only Paul) and 8 (only Paul).
type DemoAssessment = (usize, &'static str, [i64; 8], [Option<i64>; 8]);
const ASSESSMENTS: &[DemoAssessment] = &[
    (0, "2024-06-14", [1, 1, 2, 3, 3, 2, 2, 1], [None; 8]),
    (
        0,
        "2025-06-13",
        [2, 2, 3, 3, 4, 3, 3, 2],
        [Some(3), None, None, None, None, None, None, Some(3)],
    ),
    (
        0,
        "2026-03-10",
        [2, 2, 3, 4, 4, 3, 3, 2],
        [Some(3), Some(3), None, None, None, None, Some(4), Some(3)],
    ),
    (1, "2024-06-14", [2, 3, 3, 2, 2, 2, 3, 3], [None; 8]),
    (
        1,
        "2025-06-13",
        [2, 3, 4, 2, 3, 2, 4, 4],
        [Some(3), None, None, Some(3), None, None, None, None],
    ),
    (2, "2024-06-14", [1, 1, 2, 2, 2, 1, 1, 0], [None; 8]),
    (
        2,
        "2025-06-13",
        [2, 2, 3, 3, 3, 2, 1, 1],
        [Some(3), Some(3), None, None, None, Some(3), None, None],
    ),
    (
        2,
        "2026-03-10",
        [2, 2, 3, 3, 3, 3, 2, 1],
        [Some(3), Some(3), None, None, None, None, Some(3), Some(2)],
    ),
    (3, "2024-06-14", [3, 2, 2, 2, 2, 2, 1, 1], [None; 8]),
    (
        3,
        "2025-06-13",
        [3, 2, 2, 2, 3, 3, 2, 1],
        [Some(4), Some(3), None, None, None, None, None, Some(2)],
    ),
    (4, "2024-06-14", [2, 2, 2, 3, 2, 1, 1, 1], [None; 8]),
    (
        4,
        "2025-06-13",
        [2, 1, 3, 3, 3, 2, 2, 1],
        [Some(3), Some(2), None, None, None, None, None, None],
    ),
];

/// The team's self-assessments; the latest of each member cites up to two of the records the
/// app suggests as evidence, and Claire has a draft in progress.
fn assessments(store: &mut Store, ids: &DemoIds) -> CoreResult<()> {
    for (i, (member, date, levels, targets)) in ASSESSMENTS.iter().enumerate() {
        let member_id = ids.members[*member];
        let latest = !ASSESSMENTS[i + 1..].iter().any(|a| a.0 == *member);
        let suggestions = if latest {
            store.suggest_evidence(member_id)?
        } else {
            Vec::new()
        };
        let ratings = (1..=8)
            .map(|c| RatingInput {
                competence: c,
                level: levels[c as usize - 1],
                target: targets[c as usize - 1],
                evidence_note: String::new(),
                evidence: suggestions
                    .iter()
                    .filter(|s| s.competence == c)
                    .take(2)
                    .map(|s| EvidenceInput {
                        kind: s.kind.code().into(),
                        record_id: s.record_id,
                    })
                    .collect(),
            })
            .collect();
        store.create_assessment(&AssessmentInput {
            member_id,
            assessed_on: (*date).into(),
            notes: String::new(),
            ratings,
            finish: true,
        })?;
    }
    store.create_assessment(&AssessmentInput {
        member_id: ids.members[0],
        assessed_on: "2026-11-20".into(),
        notes: "À reprendre après le comité de programmation.".into(),
        ratings: vec![RatingInput {
            competence: 1,
            level: 3,
            target: Some(3),
            evidence_note: "Dossier LEADER du magasin de producteurs monté de bout en bout.".into(),
            evidence: Vec::new(),
        }],
        finish: false,
    })?;
    store.save_development_plan(&DevelopmentPlan {
        member_id: ids.members[0],
        plan: "Suivre la formation « Monter un dossier européen » ; binôme avec Inès sur le prochain appel LEADER ; rédiger deux notes d'aide à la décision pour le Bureau.".into(),
        reassess_on: Some("2027-03-15".into()),
    })?;
    Ok(())
}

/// (actor, influence 1–5, interest 1–5, needs, contributions, tags): the actors the team has
/// assessed for the influence / interest matrix; the others are left unassessed on purpose.
type DemoProfile = (
    &'static str,
    i64,
    i64,
    &'static str,
    &'static str,
    &'static [&'static str],
);
const PROFILES: &[DemoProfile] = &[
    (
        "cc_verdanson",
        5,
        5,
        "",
        "Compétence mobilité ; maîtrise d'ouvrage.",
        &["mobilité", "économie"],
    ),
    (
        "cc_orgieres",
        4,
        4,
        "",
        "Plan alimentaire de montagne.",
        &["alimentation"],
    ),
    (
        "mairie_saint_aubert",
        4,
        3,
        "Toitures pour la centrale solaire.",
        "",
        &["énergie"],
    ),
    (
        "mairie_larrieu",
        3,
        5,
        "",
        "Locaux du tiers-lieu.",
        &["tiers-lieu"],
    ),
    ("mairie_salce", 2, 3, "Garder l'école ouverte.", "", &[]),
    (
        "departement_antenne",
        5,
        3,
        "",
        "Cofinancement mobilité solidaire.",
        &["mobilité", "financement"],
    ),
    ("sous_prefecture", 5, 2, "", "DETR, DSIL.", &["financement"]),
    ("ddt", 3, 2, "", "", &[]),
    ("ofb", 3, 1, "", "", &["biodiversité"]),
    (
        "france_travail",
        3,
        3,
        "Des offres pourvues localement.",
        "",
        &["emploi"],
    ),
    (
        "ademe",
        4,
        3,
        "",
        "Fonds chaleur, appels à projets.",
        &["énergie", "financement"],
    ),
    (
        "scierie",
        2,
        4,
        "Des apprentis ; du bois local valorisé.",
        "Bois d'œuvre.",
        &["bois", "filière"],
    ),
    (
        "fromagerie",
        2,
        5,
        "Un point de vente à Montclar.",
        "",
        &["alimentation", "circuit court"],
    ),
    (
        "transports_chaudon",
        2,
        3,
        "",
        "Véhicules et chauffeurs.",
        &["mobilité"],
    ),
    ("camping_salce", 1, 2, "", "", &["tourisme"]),
    (
        "fabrique",
        3,
        5,
        "Des résidents pour le co-working.",
        "Animation du lieu.",
        &["tiers-lieu", "ESS"],
    ),
    (
        "mobilite_solidaire",
        2,
        5,
        "Des bénévoles chauffeurs.",
        "Garage solidaire.",
        &["mobilité", "ESS"],
    ),
    ("ressourcerie", 1, 4, "", "", &["ESS", "réemploi"]),
    (
        "conseil_dev",
        3,
        4,
        "",
        "Parole des habitants.",
        &["participation"],
    ),
    (
        "energie_verne",
        2,
        5,
        "Des toitures, de l'épargne locale.",
        "",
        &["énergie", "citoyens"],
    ),
    (
        "collectif_orgieres",
        1,
        5,
        "Garder l'épicerie.",
        "",
        &["services"],
    ),
    (
        "lycee_agricole",
        3,
        3,
        "",
        "Stages et apprentis.",
        &["formation"],
    ),
    (
        "labo_montagne",
        2,
        2,
        "",
        "Études et évaluation.",
        &["recherche"],
    ),
    ("fondation_terres", 3, 2, "", "Mécénat.", &["financement"]),
    (
        "banque_territoires",
        4,
        2,
        "",
        "Ingénierie et prêts.",
        &["financement"],
    ),
    (
        "gal_leader",
        4,
        4,
        "",
        "Programme LEADER.",
        &["financement", "Europe"],
    ),
    ("comite_fetes_villard", 1, 1, "", "", &[]),
    ("college_vallees", 1, 2, "", "", &["jeunesse"]),
];

/// The team, contacts, links with their introducers, and meetings.
fn network(store: &mut Store, ids: &mut DemoIds) -> CoreResult<()> {
    for (key, influence, interest, needs, contributions, tags) in PROFILES {
        store.update_actor_profile(
            ids.actors[key],
            &ActorProfile {
                needs: (*needs).into(),
                contributions: (*contributions).into(),
                influence: Some(*influence),
                interest: Some(*interest),
                tags: tags.iter().map(|t| (*t).to_string()).collect(),
            },
        )?;
    }
    for (key, name, role, email, phone) in CONTACTS {
        store.create_contact(
            ids.actors[key],
            &ContactInput {
                name: (*name).into(),
                role: (*role).into(),
                email: (*email).into(),
                phone: (*phone).into(),
                notes: String::new(),
            },
        )?;
    }
    for (a, b, nature, strength, since, by) in LINKS {
        store.create_link(&LinkInput {
            actor_a: ids.actors[a],
            actor_b: ids.actors[b],
            nature: (*nature).into(),
            strength: *strength,
            since: Some((*since).into()),
            notes: String::new(),
            introduced_by: by.map(|i| match i {
                DemoIntroducer::Member(m) => Introducer::Member(ids.members[m]),
                DemoIntroducer::Actor(k) => Introducer::Actor(ids.actors[k]),
            }),
            meeting_id: None,
        })?;
    }
    for (date, kind, title, practice, hours, actors, members, notes, follow_ups) in MEETINGS {
        let m = store.create_meeting(&MeetingInput {
            date: (*date).into(),
            kind: (*kind).into(),
            title: (*title).into(),
            // Where its first actor is.
            insee: actors.first().and_then(|k| actor_commune(k)),
            practice: practice.map(|p| p.0.into()),
            activity: practice.map(|p| p.1),
            notes: (*notes).into(),
            hours: (*hours).into(),
            actor_ids: actors.iter().map(|k| ids.actors[k]).collect(),
            member_ids: members.iter().map(|i| ids.members[*i]).collect(),
            follow_ups: follow_ups
                .iter()
                .map(|(text, due, done)| FollowUp {
                    text: (*text).into(),
                    due_date: due.map(String::from),
                    done: *done,
                })
                .collect(),
        })?;
        ids.meetings.push(m.id);
    }
    Ok(())
}

/// Writes the demo workspace to `path` (refuses to overwrite) and returns it opened.
pub fn write_demo(path: &Path) -> CoreResult<Store> {
    Store::create_with(path, |store| populate(store).map(|_| ()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn demo_covers_every_world_with_at_least_forty_actors() {
        let dir = tempfile::TempDir::new().unwrap();
        let s = write_demo(&dir.path().join("demo.catalyse")).unwrap();
        let actors = s.list_actors().unwrap();
        assert!(actors.len() >= 40, "{}", actors.len());
        let worlds: BTreeSet<_> = actors.iter().map(|a| a.world.code()).collect();
        assert_eq!(worlds.len(), World::ALL.len());
        let engagements: BTreeSet<_> = actors.iter().map(|a| a.engagement.code()).collect();
        assert_eq!(engagements.len(), Engagement::ALL.len());
        let keys: BTreeSet<_> = ACTORS.iter().map(|a| a.0).collect();
        assert_eq!(keys.len(), ACTORS.len(), "demo keys must be unique");
        assert_eq!(s.header().unwrap().territory_name, TERRITORY);
        // Every actor is placed in one of the territory's communes, as the list names them.
        let cog = crate::geo::communes::cog();
        for (i, name) in COMMUNES.iter().enumerate() {
            let c = cog.commune(&commune_code(i)).unwrap();
            assert_eq!((c.name.as_str(), c.departement.as_str()), (*name, "00"));
        }
        assert!(actors
            .iter()
            .all(|a| a.insee.as_deref().is_some_and(|c| c.starts_with("000"))));
        assert_eq!(
            s.territory_communes().unwrap().communes as usize,
            COMMUNES.len()
        );
    }

    #[test]
    fn demo_project_covers_practices_engineerings_and_funding_statuses() {
        let dir = tempfile::TempDir::new().unwrap();
        let s = write_demo(&dir.path().join("demo.catalyse")).unwrap();
        let c = s.counts().unwrap();
        assert!(
            c["needs"] >= 4 && c["axes"] >= 3 && c["actions"] >= 12,
            "{c:?}"
        );
        assert!(c["indicators"] >= 5);
        let actions = s.list_actions().unwrap();
        let practices: BTreeSet<_> = actions
            .iter()
            .filter_map(|a| a.practice.map(|p| p.code()))
            .collect();
        assert_eq!(practices.len(), 4);
        let engineerings: BTreeSet<_> = actions
            .iter()
            .filter_map(|a| a.engineering.map(|e| e.code()))
            .collect();
        assert_eq!(engineerings.len(), 3);
        let mut statuses = BTreeSet::new();
        for a in &actions {
            for f in s.list_fundings(a.id).unwrap() {
                statuses.insert(f.status.code());
            }
        }
        assert_eq!(statuses.len(), 4, "{statuses:?}");
        let years: BTreeSet<_> = actions
            .iter()
            .flat_map(|a| [a.start_date.clone(), a.end_date.clone()])
            .flatten()
            .map(|d| d[..4].to_string())
            .collect();
        assert!(years.len() >= 5, "{years:?}");
        assert!(
            actions.iter().any(|a| a.start_date.is_none()),
            "one action without dates"
        );
        // The funding plan of the tiers-lieu: 185 000 € budget, 135 000 acquired, 20 000 requested.
        let plan = s.funding_plan(actions[0].id).unwrap();
        assert_eq!(plan.granted_cents, 13_500_000);
        assert_eq!(plan.requested_cents, 2_000_000);
        assert_eq!(plan.gap_cents, Some(3_000_000));
    }

    #[test]
    fn demo_network_has_a_team_links_with_introducers_and_meetings() {
        let dir = tempfile::TempDir::new().unwrap();
        let s = write_demo(&dir.path().join("demo.catalyse")).unwrap();
        let c = s.counts().unwrap();
        assert!(c["members"] >= 4 && c["members"] <= 6, "{c:?}");
        assert!(
            c["links"] >= 30 && c["meetings"] >= 10 && c["contacts"] >= 10,
            "{c:?}"
        );
        let links = s.list_links().unwrap();
        assert!(links.iter().filter(|l| l.introduced_by.is_some()).count() >= 15);
        let natures: BTreeSet<_> = links.iter().map(|l| l.nature.code()).collect();
        assert_eq!(natures.len(), 6, "every nature of link appears");
        assert_eq!(
            s.list_members()
                .unwrap()
                .iter()
                .filter(|m| m.is_user)
                .count(),
            1
        );
    }
}
