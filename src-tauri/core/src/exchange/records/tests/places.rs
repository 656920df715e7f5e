//! Communes in imports (issue 27): an INSEE code column, or a name matched within the
//! territory's départements then in France; unknown or ambiguous names are problems of their
//! line, never guessed.

use super::*;

fn insee_of(s: &Store, name: &str) -> Option<String> {
    s.list_actors()
        .unwrap()
        .into_iter()
        .find(|a| a.name == name)
        .unwrap()
        .insee
}

#[test]
fn an_actors_commune_comes_from_its_insee_code_or_its_name_never_guessed() {
    let mut s = store();
    // Unknown and ambiguous names: problems that name the line and the column.
    let text = "Nom;Monde;Commune\n\
                Tiers-lieu;Association / ESS;st brieuc\n\
                Comité;Association / ESS;Sainte-Colombe\n\
                Centre social;Association / ESS;Quartier Nord\n";
    let p = s
        .import_preview(ExchangeKind::Actors, &csv(text), FileFormat::Csv)
        .unwrap();
    let got: Vec<(usize, &str, &str)> = p
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_deref().unwrap(), p.code.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, "Commune", "commune.ambiguous"),
            (4, "Commune", "commune.unknown")
        ]
    );
    assert!(
        p.problems[0].message.contains("35"),
        "{}",
        p.problems[0].message
    );
    assert_eq!(p.ready, 0, "nothing is written while a line has a problem");
    // The département in brackets chooses among homonyms; a code column wins over the name;
    // a former code leads to its commune.
    let former = crate::geo::communes::cog()
        .aliases
        .iter()
        .find(|a| a.kind == crate::geo::communes::AliasKind::FormerCode)
        .unwrap();
    let text = format!(
        "Nom;Monde;Commune;Code INSEE\n\
         Tiers-lieu;Association / ESS;st brieuc;\n\
         Comité;Association / ESS;Sainte-Colombe (35);\n\
         Centre social;Association / ESS;Quartier Nord;22278\n\
         Fusionnée;Association / ESS;;{}\n",
        former.code
    );
    actors_csv(&mut s, &text).unwrap();
    assert_eq!(insee_of(&s, "Tiers-lieu").as_deref(), Some("22278"));
    assert_eq!(insee_of(&s, "Comité").as_deref(), Some("35262"));
    assert_eq!(insee_of(&s, "Centre social").as_deref(), Some("22278"));
    assert_eq!(insee_of(&s, "Fusionnée"), Some(former.insee.clone()));
    // Named as the list names them.
    let tiers = s
        .list_actors()
        .unwrap()
        .into_iter()
        .find(|a| a.name == "Tiers-lieu")
        .unwrap();
    assert_eq!(tiers.commune, "Saint-Brieuc");
    // An unknown code: a problem of its line.
    let e = actors_csv(&mut s, "Nom;Monde;Code INSEE\nX;Association / ESS;99999\n").unwrap_err();
    assert!(e.to_string().contains("Ligne 2"), "{e}");
    assert!(e.to_string().contains("99999"), "{e}");
}

#[test]
fn a_name_is_looked_for_in_the_territorys_departements_first() {
    let mut s = demo();
    let choice = crate::project::communes::CommuneChoice::parse("commune:35238").unwrap();
    s.change_territory_communes(&[choice], &[]).unwrap();
    // Ten Sainte-Colombe in France, one in Ille-et-Vilaine, the territory's département.
    actors_csv(
        &mut s,
        "Nom;Monde;Commune\nComité;Association / ESS;Sainte-Colombe\n",
    )
    .unwrap();
    assert_eq!(insee_of(&s, "Comité").as_deref(), Some("35262"));
}

#[test]
fn a_meetings_commune_is_imported_and_exported() {
    let mut s = store();
    let text = "Date;Type;Titre;Commune\n\
                2025-03-12;Atelier;Atelier mobilité;st brieuc\n\
                2025-03-13;Atelier;Atelier énergie;\n";
    s.import(ExchangeKind::Meetings, &csv(text), FileFormat::Csv, false)
        .unwrap();
    let m = s.list_meetings().unwrap();
    let mobility = m.iter().find(|m| m.title == "Atelier mobilité").unwrap();
    assert_eq!(
        (mobility.insee.as_deref(), mobility.commune.as_deref()),
        (Some("22278"), Some("Saint-Brieuc"))
    );
    assert_eq!(
        m.iter()
            .find(|m| m.title == "Atelier énergie")
            .unwrap()
            .insee,
        None
    );
    let out =
        String::from_utf8(s.export(ExchangeKind::Meetings, FileFormat::Csv).unwrap()).unwrap();
    assert!(
        out.lines().next().unwrap().ends_with(";Commune;Code INSEE"),
        "{out}"
    );
    assert!(out.contains(";Saint-Brieuc;22278"), "{out}");
}
