//! Links and meetings imported: names, communes and introducers resolved, participants,
//! activities and hours.

use super::*;

#[test]
fn links_resolve_names_communes_and_introducers() {
    let mut s = store();
    actors_csv(
        &mut s,
        "Nom;Monde;Commune\nMairie;Collectivité territoriale;Gap\nMairie;Collectivité territoriale;Veynes\nScierie;Entreprise;Gap\nCCI;Réseau / tête de réseau / chambre consulaire;Gap\n",
    )
    .unwrap();
    let camille = team(&mut s, "Camille Roux");
    let text = "Acteur A;Commune A;Acteur B;Nature;Force;Depuis;Mis en relation par\n\
                Mairie;Gap;Scierie;partenariat;3;12/03/2024;camille roux\n\
                Scierie;;CCI;Échange / dialogue;;2025-01-31;Mairie\n\
                Mairie;;CCI;financement;;;\n\
                Scierie;;Inconnue;adhésion;5;31/02/2024;Personne\n";
    let p = s
        .import_preview(ExchangeKind::Links, &csv(text), FileFormat::Csv)
        .unwrap();
    let got: Vec<(usize, Option<&str>)> = p
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, Some("Mis en relation par")),
            (4, Some("Acteur A")),
            (5, Some("Force")),
            (5, Some("Depuis")),
            (5, Some("Acteur B")),
            (5, Some("Mis en relation par")),
        ],
        "{:#?}",
        p.problems
    );
    assert!(p.problems[1].message.contains("précisez la commune"));
    let codes: Vec<&str> = p.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "introducer.unknown",
            "actor.ambiguous",
            "number.invalid",
            "date.invalid",
            "actor.unknown",
            "introducer.unknown"
        ],
        "{:#?}",
        p.problems
    );
    let fixed = "Acteur A;Commune A;Acteur B;Nature;Force;Depuis;Mis en relation par\n\
                 Mairie;Gap;Scierie;partenariat;3;12/03/2024;camille roux\n\
                 Scierie;;CCI;Échange / dialogue;;2025-01-31;Mairie\n\
                 Mairie;Veynes;CCI;financement;;;\n\
                 Mairie;Gap;Scierie;partnership;;;\n";
    let p = s
        .import_preview(ExchangeKind::Links, &csv(fixed), FileFormat::Csv)
        .unwrap();
    assert!(p
        .problems
        .iter()
        .any(|p| p.line == 3 && p.message.contains("ni un membre")));
    let fixed = fixed.replace(";Mairie\n", ";Camille Roux\n");
    let out = s
        .import(ExchangeKind::Links, &csv(&fixed), FileFormat::Csv, true)
        .unwrap();
    assert_eq!(out.written, 3);
    assert_eq!(
        out.skipped_duplicates, 1,
        "a link repeated in the file is left out"
    );
    let links = s.list_links().unwrap();
    let first = links.iter().find(|l| l.strength == 3).unwrap();
    assert_eq!(first.since.as_deref(), Some("2024-03-12"));
    assert_eq!(first.introduced_by, Some(Introducer::Member(camille)));
    assert_eq!(
        links
            .iter()
            .find(|l| l.nature == LinkNature::Dialogue)
            .unwrap()
            .strength,
        2
    );
}

#[test]
fn meetings_with_participants_activity_and_hours() {
    let mut s = store();
    actors_csv(
        &mut s,
        "Nom;Monde\nMairie;Collectivité territoriale\nScierie;Entreprise\n",
    )
    .unwrap();
    let lou = team(&mut s, "Lou Martin");
    let text = "Date;Type;Titre;Pratique;Activité;Durée (h);Acteurs;Équipe;Notes\n\
                12/03/2026;Atelier;Atelier bois;Dialogue territorial;Mise en relations;1,5;Mairie | scierie;Lou Martin;Bon échange\n\
                2026-04-02;Visite;Visite scierie;;;2;Scierie;;\n\
                2026-04-03;Réunion;;Dialogue territorial;7;deux;Personne;Inconnu;\n";
    let p = s
        .import_preview(ExchangeKind::Meetings, &csv(text), FileFormat::Csv)
        .unwrap();
    let cols: Vec<_> = p
        .problems
        .iter()
        .map(|p| (p.line, p.column.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        cols,
        vec![
            (4, "Durée (h)".to_string()),
            (4, "Acteurs".to_string()),
            (4, "Équipe".to_string()),
        ],
        "{:#?}",
        p.problems
    );
    let codes: Vec<(&str, Option<&str>)> = p
        .problems
        .iter()
        .map(|p| (p.code.as_str(), p.value.as_deref()))
        .collect();
    assert_eq!(
        codes,
        [
            ("hours.invalid", None),
            ("actor.unknown", Some("Personne")),
            ("member.unknown", Some("Inconnu"))
        ]
    );
    let ok: String = text.lines().take(3).collect::<Vec<_>>().join("\n");
    let out = s
        .import(ExchangeKind::Meetings, &csv(&ok), FileFormat::Csv, false)
        .unwrap();
    assert_eq!(out.written, 2);
    let all = s.list_meetings().unwrap();
    let m = all.iter().find(|m| m.title == "Atelier bois").unwrap();
    assert_eq!(
        (m.date.as_str(), m.minutes_spent, m.activity),
        ("2026-03-12", 90, Some(4))
    );
    assert_eq!(m.actor_ids.len(), 2);
    assert_eq!(m.member_ids, vec![lou]);
    // Re-importing the same file finds only duplicates.
    let p = s
        .import_preview(ExchangeKind::Meetings, &csv(&ok), FileFormat::Csv)
        .unwrap();
    assert_eq!((p.duplicates.len(), p.ready), (2, 0));
}
