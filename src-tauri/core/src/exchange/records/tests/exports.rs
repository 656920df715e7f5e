//! Exports read back as they were written, formulas neutralised, long cells reported, hours.

use super::*;

#[test]
fn export_then_import_gives_the_same_export_in_csv_and_xlsx() {
    let d = demo();
    for format in [FileFormat::Csv, FileFormat::Xlsx] {
        let mut s = store();
        for m in d.list_members().unwrap() {
            team(&mut s, &m.name);
        }
        for kind in [
            ExchangeKind::Actors,
            ExchangeKind::Links,
            ExchangeKind::Meetings,
        ] {
            let bytes = d.export(kind, format).unwrap();
            let out = s.import(kind, &bytes, format, true).unwrap();
            assert_eq!(
                out.written,
                d.export_rows(kind).unwrap().1.len(),
                "{kind:?}"
            );
            assert_eq!(
                s.export_rows(kind).unwrap(),
                d.export_rows(kind).unwrap(),
                "{kind:?} {format:?}"
            );
        }
        let (c, dc) = (s.counts().unwrap(), d.counts().unwrap());
        for k in ["actors", "links", "meetings"] {
            assert_eq!(c[k], dc[k], "{k}");
        }
    }
}

#[test]
fn exports_neutralise_formulas_and_write_french_labels() {
    let mut s = store();
    actors_csv(
        &mut s,
        "Nom;Monde;Notes\n\"'=HYPERLINK(\"\"http://x\"\")\";Association / ESS;+33 6\n",
    )
    .unwrap();
    let a = &s.list_actors().unwrap()[0];
    assert_eq!(
        a.name, "=HYPERLINK(\"http://x\")",
        "the guard is removed on import"
    );
    assert_eq!(a.notes, "+33 6");
    let text = String::from_utf8(s.export(ExchangeKind::Actors, FileFormat::Csv).unwrap()).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "\u{feff}Nom;Monde;Commune;Code INSEE;Niveau d'engagement;Influence;Intérêt;Besoins;Contributions;Étiquettes;Contact;Fonction du contact;Courriel;Téléphone;Notes"
    );
    let row = lines.next().unwrap();
    assert!(
        row.starts_with("\"'=HYPERLINK(\"\"http://x\"\")\";Association / ESS;;;Informé;"),
        "{row}"
    );
    assert!(row.ends_with(";'+33 6"), "{row}");
}

#[test]
fn huge_fields_are_reported_not_truncated_and_quoted_separators_kept() {
    let mut s = store();
    let huge = "x".repeat(CELL_MAX + 1);
    let long_name = "N".repeat(crate::shared::domain::NAME_MAX + 1);
    let text = format!(
        "Nom;Monde;Notes\n\"Dupont; fils\";Entreprise;\"dit \"\"le sage\"\"\"\nA;Entreprise;{huge}\n{long_name};Entreprise;\n"
    );
    let p = s
        .import_preview(ExchangeKind::Actors, text.as_bytes(), FileFormat::Csv)
        .unwrap();
    let lines: Vec<usize> = p.problems.iter().map(|p| p.line).collect();
    assert!(
        lines.contains(&3) && lines.contains(&4),
        "{:#?}",
        p.problems
    );
    let long = p
        .problems
        .iter()
        .find(|p| p.message.contains("cellule trop longue"))
        .unwrap();
    assert_eq!(long.code, "cell.too_long");
    assert_eq!(long.args["length"], (CELL_MAX + 1).to_string());
    assert!(p
        .problems
        .iter()
        .any(|p| p.column.as_deref() == Some("Nom")));
    assert!(actors_csv(&mut s, &text).is_err());
    assert_eq!(s.counts().unwrap()["actors"], 0);
    let ok: String = text.lines().take(2).collect::<Vec<_>>().join("\n");
    actors_csv(&mut s, &ok).unwrap();
    let a = &s.list_actors().unwrap()[0];
    assert_eq!(
        (a.name.as_str(), a.notes.as_str()),
        ("Dupont; fils", "dit \"le sage\"")
    );
}

#[test]
fn format_hours_reads_back() {
    for m in [0, 20, 60, 90, 150, 605] {
        let h = format_hours(m);
        let back = if h.is_empty() {
            0
        } else {
            parse_hours(&h).unwrap()
        };
        assert_eq!(back, m, "{h}");
    }
    assert_eq!(format_hours(90), "1,5");
}
