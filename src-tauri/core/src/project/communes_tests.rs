//! The tests of [`crate::project::communes`]: the territory's communes picked by
//! département, EPCI and commune, checked whole before anything is written, journaled.

use super::*;
use crate::project::NewWorkspace;
use tempfile::TempDir;

fn store() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let s = Store::create(
        &dir.path().join("w.catalyse"),
        &NewWorkspace {
            territory_name: "PETR du Trégor".into(),
            territory_kind: "petr".into(),
            project_title: "Projet de territoire".into(),
        },
    )
    .unwrap();
    (dir, s)
}

fn choices(texts: &[&str]) -> Vec<CommuneChoice> {
    texts
        .iter()
        .map(|t| CommuneChoice::parse(t).unwrap())
        .collect()
}

#[test]
fn a_departement_then_communes_adjusted_one_by_one() {
    let (_d, mut s) = store();
    assert_eq!(s.territory_communes().unwrap().communes, 0);
    let cotes = cog()
        .communes
        .iter()
        .filter(|c| c.departement == "22")
        .count() as u32;
    let r = s
        .change_territory_communes(&choices(&["departement:22"]), &[])
        .unwrap();
    assert_eq!((r.communes, r.added, r.removed), (cotes, cotes, 0));
    assert!(r.population > 500_000, "{}", r.population);
    let first = r.population;
    // Saint-Brieuc out, then a commune of another département in.
    let brieuc = cog().commune("22278").unwrap().population.unwrap() as u64;
    let r = s
        .change_territory_communes(&choices(&["commune:29019"]), &choices(&["commune:22278"]))
        .unwrap();
    assert_eq!((r.added, r.removed, r.communes), (1, 1, cotes));
    let brest = cog().commune("29019").unwrap().population.unwrap() as u64;
    assert_eq!(r.population, first - brieuc + brest);
    // The same again changes nothing.
    let again = s
        .change_territory_communes(&choices(&["commune:29019"]), &choices(&["commune:22278"]))
        .unwrap();
    assert_eq!((again.added, again.removed), (0, 0));
    assert_eq!(again.population, r.population);
    // Each commune is a journaled record.
    let journaled: i64 = s
        .conn
        .query_row(
            "SELECT count(*) FROM change WHERE tbl = 'territory_commune'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(journaled >= i64::from(cotes) + 2, "{journaled}");
}

#[test]
fn an_epci_and_a_former_code_that_leads_to_its_commune() {
    let (_d, mut s) = store();
    let epci = cog().commune("22278").unwrap().epci.clone().unwrap();
    let members = cog()
        .communes
        .iter()
        .filter(|c| c.epci.as_deref() == Some(epci.as_str()))
        .count() as u32;
    let r = s
        .change_territory_communes(&choices(&[&format!("epci:{epci}"), "commune:01340"]), &[])
        .unwrap();
    assert_eq!(r.communes, members + 1);
    assert_eq!(r.renamed.len(), 1);
    assert_eq!(r.renamed[0].given, "01340");
    assert_eq!(r.renamed[0].name, "Arboys en Bugey");
    assert_eq!(r.renamed[0].former_name, "Saint-Bois");
    let kept: String = s
        .conn
        .query_row(
            "SELECT insee FROM territory_commune WHERE insee LIKE '01%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        kept, "01015",
        "the current commune is kept, not the former code"
    );
}

#[test]
fn an_unknown_code_changes_nothing_and_says_which() {
    let (_d, mut s) = store();
    s.change_territory_communes(&choices(&["commune:22278"]), &[])
        .unwrap();
    for (add, words) in [
        (vec!["departement:22", "commune:99999"], "99999"),
        (vec!["epci:123"], "SIREN « 123 »"),
        (vec!["departement:96"], "« 96 »"),
    ] {
        let e = s
            .change_territory_communes(&choices(&add), &[])
            .unwrap_err();
        assert_eq!(e.kind(), "validation");
        assert!(e.to_string().contains(words), "{e}");
        assert_eq!(
            s.territory_communes().unwrap().communes,
            1,
            "nothing written"
        );
    }
    let e = CommuneChoice::parse("canton:12").unwrap_err();
    assert!(e.to_string().contains("departement:CODE"), "{e}");
    assert_eq!(
        CommuneChoice::parse(" Département: 2a ").unwrap(),
        CommuneChoice::Departement("2a".into())
    );
}

#[test]
fn the_picker_offers_departements_epcis_then_communes_and_the_list_is_paged_by_name() {
    let hits = territory_choices("cotes d armor", 20);
    assert_eq!(hits[0].choice, CommuneChoice::Departement("22".into()));
    assert!(hits[0].communes.unwrap() > 300, "{:?}", hits[0]);
    let hits = territory_choices("lannion", 20);
    assert!(
        hits.iter()
            .any(|h| matches!(&h.choice, CommuneChoice::Epci(_))),
        "{hits:?}"
    );
    assert!(
        hits.iter()
            .any(|h| h.choice == CommuneChoice::Commune("22113".into())),
        "{hits:?}"
    );
    assert!(territory_choices("", 20).is_empty());
    assert!(territory_choices("saint", 500).len() <= crate::geo::communes::MAX_HITS);

    let (_d, mut s) = store();
    s.change_territory_communes(&choices(&["departement:22"]), &[])
        .unwrap();
    let page = s.territory_commune_page("", 0, 10).unwrap();
    assert_eq!(page.len(), 10);
    for w in page.windows(2) {
        assert!(
            crate::shared::text::sort_key(&w[0].name) <= crate::shared::text::sort_key(&w[1].name)
        );
    }
    let all = s.territory_communes().unwrap().communes;
    assert_eq!(
        s.territory_commune_page("", 0, 100_000).unwrap().len() as u32,
        all.min(COMMUNE_PAGE_MAX)
    );
    assert_eq!(s.territory_commune_page("", all - 3, 10).unwrap().len(), 3);
    // Filtered by name, INSEE code or postal code, folded.
    let found = s.territory_commune_page("st brieuc", 0, 10).unwrap();
    assert_eq!(
        found.iter().map(|c| c.insee.as_str()).collect::<Vec<_>>(),
        ["22278"]
    );
    assert_eq!(s.territory_commune_page("22278", 0, 10).unwrap().len(), 1);
    assert!(s
        .territory_commune_page("22300", 0, 10)
        .unwrap()
        .iter()
        .any(|c| c.name == "Lannion"));
    assert!(
        s.territory_commune_page("brest", 0, 10).unwrap().is_empty(),
        "not in the territory"
    );
}

#[test]
fn a_change_of_the_communes_is_undone_from_the_journal() {
    let (_d, mut s) = store();
    s.change_territory_communes(&choices(&["commune:22278"]), &[])
        .unwrap();
    let epci = cog().commune("22113").unwrap().epci.clone().unwrap();
    let r = s
        .change_territory_communes(
            &choices(&[&format!("epci:{epci}")]),
            &choices(&["commune:22278"]),
        )
        .unwrap();
    assert!(r.added > 10 && r.removed == 1, "{r:?}");
    let set: i64 = s
        .conn
        .query_row("SELECT max(id) FROM change_set", [], |r| r.get(0))
        .unwrap();
    s.undo_change_set(set).unwrap();
    let back = s.territory_commune_page("", 0, 100).unwrap();
    assert_eq!(
        back.iter().map(|c| c.insee.as_str()).collect::<Vec<_>>(),
        ["22278"]
    );
}
