//! The demo workspace: a fictional PETR, its project and its actors.
//!
//! Everything here is invented: the territory, its communes and its organisations. No real
//! person appears. To extend the demo for a new kind of record, add a step to [`populate`] that
//! uses the ids returned by the earlier steps (see [`DemoIds`]).

use crate::domain::{ActorInput, Engagement, TerritoryKind, World};
use crate::error::CoreResult;
use crate::store::{insert_actor, insert_territory_and_project, Store};
use rusqlite::{params, Transaction};
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
}

/// Fills an empty workspace (schema already created) with the demo data.
pub fn populate(tx: &Transaction) -> CoreResult<DemoIds> {
    let mut ids = DemoIds::default();
    insert_territory_and_project(
        tx,
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
    // Creation dates spread over the two years before the demo's reference date.
    for (i, (key, name, world, commune, engagement, notes)) in ACTORS.iter().enumerate() {
        let v = ActorInput {
            name: (*name).into(),
            world: world.code().into(),
            commune: COMMUNES[*commune].into(),
            engagement: engagement.code().into(),
            notes: (*notes).into(),
        }
        .validate()?;
        let at = format!(
            "2024-{:02}-{:02}T09:00:00Z",
            1 + (i * 7) % 12,
            1 + (i * 11) % 28
        );
        ids.actors.insert(key, insert_actor(tx, &v, &at)?);
    }
    Ok(ids)
}

/// Writes the demo workspace to `path` (refuses to overwrite) and returns it opened.
pub fn write_demo(path: &Path) -> CoreResult<Store> {
    Store::create_with(path, |tx| populate(tx).map(|_| ()))
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
    }
}
