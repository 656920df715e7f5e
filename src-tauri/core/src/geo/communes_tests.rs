//! The tests of [`crate::geo::communes`]: the list shipped is whole and read as INSEE gives
//! it; the picker finds communes the ways a user types them.

use super::*;

fn names(hits: &[CommuneHit]) -> Vec<String> {
    hits.iter()
        .map(|h| format!("{} ({})", h.name, h.departement))
        .collect()
}

#[test]
fn the_list_shipped_holds_every_commune_with_its_departement_and_epci() {
    let cog = cog();
    assert!(
        cog.source.contains("@etalab/decoupage-administratif"),
        "{}",
        cog.source
    );
    // INSEE's count at the version pinned (34,969), fewer with each merger: within what
    // France has had lately.
    assert!(
        (34_000..36_000).contains(&cog.communes.len()),
        "{}",
        cog.communes.len()
    );
    // The 18 régions and 101 départements, and the collectivités d'outre-mer beside them.
    assert!(cog
        .regions
        .iter()
        .any(|r| r.code == "53" && r.name == "Bretagne"));
    assert_eq!(cog.regions.iter().filter(|r| r.code.len() == 2).count(), 18);
    assert!(cog.departements.len() >= 101, "{}", cog.departements.len());
    let brieuc = cog.commune("22278").unwrap();
    assert_eq!(brieuc.name, "Saint-Brieuc");
    assert_eq!(
        cog.departement(&brieuc.departement).unwrap().name,
        "Côtes-d'Armor"
    );
    assert!(brieuc.postal_codes.contains(&"22000".to_string()));
    assert!(brieuc.population.unwrap() > 40_000);
    let epci = cog.epci(brieuc.epci.as_deref().unwrap()).unwrap();
    assert_eq!(epci.kind, "CA");
    // Corsica's codes have letters.
    assert_eq!(cog.commune("2A004").unwrap().name, "Ajaccio");
    // Every commune's département and EPCI exist; codes are unique and sorted.
    for w in cog.communes.windows(2) {
        assert!(w[0].insee < w[1].insee);
    }
    for c in &cog.communes {
        assert!(cog.departement(&c.departement).is_some(), "{}", c.insee);
        if let Some(e) = &c.epci {
            assert!(cog.epci(e).is_some(), "{} {e}", c.insee);
        }
    }
    for a in &cog.aliases {
        assert!(cog.commune(&a.insee).is_some(), "{} → {}", a.code, a.insee);
    }
}

#[test]
fn a_former_code_or_an_arrondissement_leads_to_the_current_commune_and_says_so() {
    let cog = cog();
    // Arboys en Bugey (01015) took in Arbignieu (01015, its chef-lieu) and Saint-Bois (01340).
    let (c, via) = cog.current_of("01340").unwrap();
    assert_eq!(
        (c.insee.as_str(), c.name.as_str()),
        ("01015", "Arboys en Bugey")
    );
    assert_eq!(via.unwrap().name, "Saint-Bois");
    let (c, via) = cog.current_of("01015").unwrap();
    assert_eq!(c.name, "Arboys en Bugey");
    assert!(via.is_none(), "its own code");
    let (c, via) = cog.current_of("13201").unwrap();
    assert_eq!(c.name, "Marseille");
    assert_eq!(via.unwrap().kind, AliasKind::Arrondissement);
    assert!(cog.current_of("99999").is_none());
    assert!(cog.current_of("").is_none());
    assert_eq!(cog.current_of(" 2a004 ").unwrap().0.name, "Ajaccio");
}

#[test]
fn the_picker_finds_a_commune_by_name_whatever_the_accents_case_and_abbreviations() {
    let cog = cog();
    for typed in [
        "st brieuc",
        "Saint-Brieuc",
        "SAINT BRIEUC",
        "saint-brieu",
        "st-brieuc",
    ] {
        let hits = cog.search(typed, 10);
        assert_eq!(hits[0].insee, "22278", "{typed}: {:?}", names(&hits));
    }
    // Accents and apostrophes: « L'Haÿ-les-Roses ».
    assert_eq!(cog.search("lhay", 5).len(), 0, "a word is not cut in two");
    assert_eq!(cog.search("l hay les roses", 5)[0].insee, "94038");
    assert_eq!(cog.search("haÿ les roses", 5)[0].insee, "94038");
    assert_eq!(cog.search("hay-les-roses", 5)[0].insee, "94038");
    // A word inside the name.
    let hits = cog.search("abergement clemenciat", 5);
    assert_eq!(hits[0].name, "L'Abergement-Clémenciat");
    assert_eq!(hits[0].departement_name, "Ain");
}

#[test]
fn homonyms_are_told_apart_by_their_departement_the_largest_first() {
    let hits = cog().search("sainte colombe", MAX_HITS);
    let same: Vec<&CommuneHit> = hits.iter().filter(|h| h.name == "Sainte-Colombe").collect();
    assert!(same.len() >= 10, "{:?}", names(&hits));
    let deps: std::collections::HashSet<&str> =
        same.iter().map(|h| h.departement.as_str()).collect();
    assert_eq!(deps.len(), same.len(), "each in its own département");
    // The exact name before longer ones (« Sainte-Colombe-sur-… »), the largest first.
    let first_other = hits
        .iter()
        .position(|h| h.name != "Sainte-Colombe")
        .unwrap();
    assert_eq!(first_other, same.len());
    for w in same.windows(2) {
        assert!(w[0].population >= w[1].population);
    }
}

#[test]
fn the_picker_finds_a_commune_by_postal_code_insee_code_or_former_name() {
    let cog = cog();
    let hits = cog.search("22000", 10);
    assert_eq!(hits[0].name, "Saint-Brieuc");
    let hits = cog.search("22278", 10);
    assert_eq!(hits[0].name, "Saint-Brieuc");
    // A code's start: every commune of the département whose codes start so.
    let hits = cog.search("2a00", MAX_HITS);
    assert!(!hits.is_empty() && hits.iter().all(|h| h.insee.starts_with("2A00")));
    // A former commune's name finds the commune it is part of now, and says so.
    let hits = cog.search("Saint-Bois", 10);
    let arboys = hits.iter().find(|h| h.insee == "01015").unwrap();
    assert_eq!(arboys.via.as_deref(), Some("Saint-Bois"));
    // Bounded, and nothing for nothing.
    assert_eq!(cog.search("saint", 500).len(), MAX_HITS);
    assert!(cog.search("", 10).is_empty() && cog.search("  - ", 10).is_empty());
    assert!(cog.search("zzzzqqq", 10).is_empty());
}

#[test]
fn a_damaged_list_is_refused_with_its_line() {
    let e = Cog::parse("R\t84\tAuvergne\nX\tbad\n").err().unwrap();
    assert!(e.contains("ligne 2"), "{e}");
    let e = Cog::parse("C\t01001\tL'Abergement\t01\t\tbeaucoup\t01400\n")
        .err()
        .unwrap();
    assert!(e.contains("ligne 1"), "{e}");
    assert!(Cog::parse("C\t01001\n").is_err());
}

#[test]
fn a_name_from_a_file_is_matched_within_the_territory_then_france_never_guessed() {
    let cog = cog();
    let one = |insee: &str| NameMatch::One {
        insee: insee.into(),
        via: None,
    };
    assert_eq!(cog.match_name("st brieuc", &[]), one("22278"));
    assert_eq!(cog.match_name("  SAINT-BRIEUC ", &["22"]), one("22278"));
    // Homonyms: the territory's, else ambiguous (all of them named), or the département given.
    let colombes: Vec<String> = cog
        .communes
        .iter()
        .filter(|c| c.name == "Sainte-Colombe")
        .map(|c| c.insee.clone())
        .collect();
    let d = cog.commune(&colombes[0]).unwrap().departement.clone();
    assert_eq!(cog.match_name("Sainte-Colombe", &[&d]), one(&colombes[0]));
    match cog.match_name("Sainte-Colombe", &[]) {
        NameMatch::Ambiguous(all) => assert_eq!(all.len(), colombes.len()),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        cog.match_name(&format!("Sainte-Colombe ({d})"), &[]),
        one(&colombes[0])
    );
    // A name outside the territory is still found in France.
    assert_eq!(cog.match_name("Brest", &["22"]), one("29019"));
    // A former commune leads to the commune it merged into, and says so.
    assert_eq!(
        cog.match_name("Saint-Bois", &["01"]),
        NameMatch::One {
            insee: "01015".into(),
            via: Some("Saint-Bois".into())
        }
    );
    assert_eq!(
        cog.match_name("Arbignieu", &[]),
        NameMatch::One {
            insee: "01015".into(),
            via: Some("Arbignieu".into())
        }
    );
    // A commune déléguée that bears its commune's name is the commune itself.
    assert_eq!(cog.match_name("Bazeilles", &[]), one("08053"));
    assert_eq!(
        cog.match_name("Nulle-Part-sur-Mer", &[]),
        NameMatch::Unknown
    );
    assert_eq!(cog.match_name("", &[]), NameMatch::Unknown);
}
