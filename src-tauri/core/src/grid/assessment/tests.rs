use super::*;
use crate::db::store::Store;
use crate::grid::GRID_VERSION;
use crate::network::MemberInput;
use crate::shared::domain::{AssessmentStatus, EvidenceKind};
use std::collections::BTreeMap;

fn levels(l: [i64; 8]) -> BTreeMap<String, i64> {
    (1..=8).map(|c| (c.to_string(), l[c - 1])).collect()
}

fn m(name: &str, l: Option<[i64; 8]>) -> MemberLevels {
    MemberLevels {
        id: 0,
        name: name.into(),
        assessed_on: l.map(|_| "2026-01-01".into()),
        levels: l.map(levels).unwrap_or_default(),
    }
}

#[test]
fn coverage_counts_doers_and_flags_gaps_below_two() {
    let team = [
        m("A", Some([3, 4, 0, 2, 3, 1, 4, 0])),
        m("B", Some([3, 2, 1, 2, 4, 1, 3, 0])),
        m("C", Some([1, 2, 0, 3, 4, 2, 2, 0])),
        m("D", None),
    ];
    let (c, axes) = coverage(&team);
    let got: Vec<(i64, i64, bool)> = c.iter().map(|c| (c.best, c.doers, c.gap)).collect();
    assert_eq!(
        got,
        vec![
            (3, 2, false),
            (4, 1, true),
            (1, 0, true),
            (3, 1, true),
            (4, 3, false),
            (2, 0, true),
            (4, 2, false),
            (0, 0, true),
        ]
    );
    assert_eq!(c[1].doer_names, vec!["A"]);
    let a: Vec<(i64, i64, i64)> = axes
        .iter()
        .map(|a| (a.covered, a.gaps, a.best_mean_tenths))
        .collect();
    // Management: 1 ok, 2 and 3 gaps; best (3+4+1)/3 = 2.7. Relations: 5 ok; (3+4+2)/3 = 3.0.
    // Strategy: 7 ok, 8 gap; (4+0)/2 = 2.0.
    assert_eq!(a, vec![(1, 2, 27), (1, 2, 30), (1, 1, 20)]);
    let text = summary_fr(&team, &c, &axes);
    assert!(
        text.starts_with("3 membres sur 4 ont terminé une auto-évaluation."),
        "{text}"
    );
    assert!(
        text.contains("2. Contractualiser (une seule personne autonome : A)"),
        "{text}"
    );
    assert!(
        text.contains("8. Préparer une aide à la décision politique (personne au niveau 3)"),
        "{text}"
    );
    assert!(
        text.contains("5. Créer des liens (3 membres autonomes ou experts)"),
        "{text}"
    );
    // Nobody assessed: no gaps invented from nothing, and the summary says so.
    let (c, axes) = coverage(&[m("D", None)]);
    assert!(c.iter().all(|c| c.best == 0 && c.doers == 0 && c.gap));
    assert!(summary_fr(&[m("D", None)], &c, &axes).starts_with("Aucune auto-évaluation terminée"));
}

fn store_with_member() -> (Store, i64) {
    let mut s = Store::open_in_memory().unwrap();
    let id = s
        .create_member(&MemberInput {
            name: "Camille".into(),
            role: "Cheffe de projet".into(),
            structure: "PETR".into(),
            is_user: true,
        })
        .unwrap()
        .id;
    (s, id)
}

fn all(member_id: i64, date: &str, level: i64, finish: bool) -> AssessmentInput {
    AssessmentInput {
        member_id,
        assessed_on: date.into(),
        notes: String::new(),
        ratings: (1..=8)
            .map(|c| RatingInput {
                competence: c,
                level,
                target: None,
                evidence_note: String::new(),
                evidence: Vec::new(),
            })
            .collect(),
        finish,
    }
}

#[test]
fn rules_levels_completeness_history_and_frozen_finished_ones() {
    let (mut s, me) = store_with_member();
    let mut bad = all(me, "2026-01-10", 2, true);
    bad.ratings[3].level = 5;
    assert_eq!(
        s.create_assessment(&bad).unwrap_err().code(),
        Some("grid.level_range")
    );
    bad.ratings[3].level = 2;
    bad.ratings[3].target = Some(-1);
    assert_eq!(
        s.create_assessment(&bad).unwrap_err().code(),
        Some("grid.level_range")
    );
    let mut partial = all(me, "2026-01-10", 2, true);
    partial.ratings.truncate(6);
    let e = s.create_assessment(&partial).unwrap_err();
    assert_eq!(e.code(), Some("grid.incomplete"));
    assert!(e.to_string().contains("Manque : 7, 8."), "{e}");
    let mut dup = all(me, "2026-01-10", 2, false);
    dup.ratings[1].competence = 1;
    assert_eq!(
        s.create_assessment(&dup).unwrap_err().code(),
        Some("grid.duplicate")
    );
    assert_eq!(
        s.counts().unwrap()["self_assessments"],
        0,
        "nothing written"
    );

    // A draft may rate only some, and be finished later.
    partial.finish = false;
    let draft = s.create_assessment(&partial).unwrap();
    assert_eq!(
        (draft.status, draft.ratings.len()),
        (AssessmentStatus::Draft, 6)
    );
    let done = s
        .update_assessment(draft.id, &all(me, "2026-01-12", 3, true))
        .unwrap();
    assert_eq!(done.status, AssessmentStatus::Finished);
    assert!(done.finished_at.is_some());
    assert_eq!(done.grid_version, GRID_VERSION);
    // Finished is history: no silent edit.
    let e = s
        .update_assessment(done.id, &all(me, "2026-01-12", 4, true))
        .unwrap_err();
    assert_eq!(e.code(), Some("assessment.finished"));
    assert_eq!(s.assessment(done.id).unwrap(), done);
    // History in date order; the team grid takes the latest finished one, not a newer draft.
    s.create_assessment(&all(me, "2025-05-01", 1, true))
        .unwrap();
    s.create_assessment(&all(me, "2026-06-01", 4, false))
        .unwrap();
    let dates: Vec<String> = s
        .list_assessments(me)
        .unwrap()
        .into_iter()
        .map(|a| a.assessed_on)
        .collect();
    assert_eq!(dates, ["2025-05-01", "2026-01-12", "2026-06-01"]);
    let g = s.team_grid().unwrap();
    assert_eq!(g.members[0].assessed_on.as_deref(), Some("2026-01-12"));
    assert_eq!(g.members[0].levels["5"], 3);
    assert_eq!(s.counts().unwrap()["self_assessments"], 3);
}

#[test]
fn evidence_keeps_its_label_after_the_record_is_gone() {
    let mut s = Store::open_in_memory().unwrap();
    let ids = crate::demo::populate(&mut s).unwrap();
    let claire = ids.members[0];
    let suggestions = s.suggest_evidence(claire).unwrap();
    let link = suggestions
        .iter()
        .find(|x| x.competence == 5 && x.kind == EvidenceKind::Link)
        .expect("Claire introduced links");
    let mut input = all(claire, "2026-11-25", 3, true);
    input.ratings[4].evidence = vec![EvidenceInput {
        kind: "link".into(),
        record_id: link.record_id,
    }];
    let a = s.create_assessment(&input).unwrap();
    assert_eq!(a.ratings[4].evidence[0].label, link.label);
    assert!(a.ratings[4].evidence[0].exists);
    s.delete_link(link.record_id).unwrap();
    let again = s.assessment(a.id).unwrap();
    assert_eq!(
        again.ratings[4].evidence[0].label, link.label,
        "history reads the same"
    );
    assert!(!again.ratings[4].evidence[0].exists);
    // Evidence that does not exist is refused by name.
    input.ratings[4].evidence = vec![EvidenceInput {
        kind: "meeting".into(),
        record_id: 9999,
    }];
    let e = s.create_assessment(&input).unwrap_err();
    assert_eq!(e.code(), Some("reference.missing"));
    input.ratings[4].evidence = vec![EvidenceInput {
        kind: "photo".into(),
        record_id: 1,
    }];
    assert_eq!(
        s.create_assessment(&input).unwrap_err().field(),
        Some("evidence")
    );
}

#[test]
fn exports_of_the_team_and_a_member_sheet() {
    let mut s = Store::open_in_memory().unwrap();
    let ids = crate::demo::populate(&mut s).unwrap();
    let dir = tempfile::TempDir::new().unwrap();
    let team = dir.path().join("equipe.csv");
    s.export_team_grid(&team).unwrap();
    let text = String::from_utf8(std::fs::read(&team).unwrap()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0]
        .starts_with("\u{feff}Membre;Évaluée le;1. Trouver et diversifier des financements;"));
    assert_eq!(lines.len(), 1 + 5 + 3);
    assert!(
        lines[1].starts_with("Claire Vasseur;2026-03-10;2;2;3;4;4;3;3;2"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[8], "Manque;;oui;oui;non;non;non;non;non;oui");
    let sheet = dir.path().join("claire.xlsx");
    s.export_member_sheet(ids.members[0], &sheet).unwrap();
    let t = crate::exchange::tabular::read_table(
        &std::fs::read(&sheet).unwrap(),
        crate::exchange::tabular::FileFormat::Xlsx,
    )
    .unwrap();
    assert_eq!(
        t.rows.len(),
        3 * 8,
        "three finished assessments, eight competences each"
    );
    assert_eq!(&t.rows[0].cells[1], "2024-06-14");
}

#[test]
fn demo_team_shows_strengths_and_the_three_gaps() {
    let mut s = Store::open_in_memory().unwrap();
    let ids = crate::demo::populate(&mut s).unwrap();
    let g = s.team_grid().unwrap();
    assert_eq!(g.members.len(), 5);
    assert!(g.members.iter().all(|m| m.levels.len() == 8));
    let gaps: Vec<i64> = g
        .competences
        .iter()
        .filter(|c| c.gap)
        .map(|c| c.number)
        .collect();
    assert_eq!(gaps, vec![1, 2, 8]);
    let c5 = &g.competences[4];
    assert_eq!((c5.best, c5.doers), (4, 5));
    for m in &ids.members {
        let history = s.list_assessments(*m).unwrap();
        let finished = history
            .iter()
            .filter(|a| a.status == AssessmentStatus::Finished)
            .count();
        assert!((2..=3).contains(&finished), "{finished}");
    }
    // Suggestions follow the data: Mathis is référent of the mobility actions and their
    // funding lines; Claire introduced links.
    let mathis = s.suggest_evidence(ids.members[2]).unwrap();
    assert!(mathis
        .iter()
        .any(|x| x.competence == 1 && x.kind == EvidenceKind::Funding));
    assert!(mathis
        .iter()
        .any(|x| x.competence == 3 && x.kind == EvidenceKind::Action));
    let claire = s.suggest_evidence(ids.members[0]).unwrap();
    assert!(claire
        .iter()
        .any(|x| x.competence == 5 && x.kind == EvidenceKind::Link));
    // The notes they wrote back competence 8 (preparing political decisions).
    let note = claire
        .iter()
        .find(|x| x.kind == EvidenceKind::DecisionNote)
        .expect("Claire's decision note");
    assert_eq!(note.competence, 8);
    assert!(
        note.label.starts_with("Magasin de producteurs"),
        "{}",
        note.label
    );
    assert!(mathis
        .iter()
        .any(|x| x.competence == 8 && x.label.starts_with("Garage solidaire")));
    let plan = s.development_plan(ids.members[0]).unwrap();
    assert_eq!(plan.reassess_on.as_deref(), Some("2027-03-15"));
    // A note signed with the name written another way is hers too (case, accents, spaces).
    s.conn
            .execute(
                "UPDATE decision_note SET author = '  CLAIRE   vasséur ' WHERE author = 'Claire Vasseur'",
                [],
            )
            .unwrap();
    assert!(s
        .suggest_evidence(ids.members[0])
        .unwrap()
        .iter()
        .any(|x| x.kind == EvidenceKind::DecisionNote));
}
