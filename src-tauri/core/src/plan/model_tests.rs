//! The tests of the plan's types: validation, the funding plan arithmetic.

use super::*;
use FundingStatus::*;

fn action() -> ActionInput {
    ActionInput {
        title: "Tiers-lieu de Larrieu".into(),
        insee: None,
        description: "".into(),
        axis_id: None,
        need_ids: vec![3, 1, 3],
        status: "ongoing".into(),
        start_date: Some("2025-03-01".into()),
        end_date: Some("2026-06-30".into()),
        budget: "120 000".into(),
        lead_actor_id: Some(1),
        referent_member_id: None,
        partners: vec![Partner {
            actor_id: 2,
            role: "Cofinanceur".into(),
        }],
        practice: Some("place".into()),
        activity: Some(2),
        engineering: Some("catalysis".into()),
    }
}

#[test]
fn action_validation_accepts_a_full_action() {
    let v = action().validate().unwrap();
    assert_eq!(v.budget_cents, Some(12_000_000));
    assert_eq!(v.need_ids, vec![3, 1]);
    assert_eq!(v.practice, Some(Practice::Place));
    assert_eq!(Practice::Place.activities()[1], "Espace de co-working");
    assert_eq!(v.engineering, Some(Engineering::Catalysis));
}

#[test]
fn action_end_date_cannot_precede_start() {
    let mut a = action();
    a.end_date = Some("2025-02-28".into());
    let e = a.validate().err().unwrap();
    assert_eq!(e.code(), Some("date.order"));
    assert_eq!(e.field(), Some("end_date"));
    a.end_date = Some("2025-03-01".into());
    assert!(a.validate().is_ok(), "same day is fine");
}

#[test]
fn action_budget_and_activity_rules() {
    let mut a = action();
    a.budget = "-10".into();
    assert_eq!(a.validate().err().unwrap().code(), Some("money.negative"));
    let mut a = action();
    a.budget = " ".into();
    assert_eq!(a.validate().unwrap().budget_cents, None);
    let mut a = action();
    a.practice = None;
    assert_eq!(
        a.validate().err().unwrap().code(),
        Some("activity.without_practice")
    );
    let mut a = action();
    a.activity = Some(5);
    assert_eq!(a.validate().err().unwrap().code(), Some("activity.unknown"));
    let mut a = action();
    a.practice = Some("juggling".into());
    assert_eq!(a.validate().err().unwrap().field(), Some("practice"));
}

#[test]
fn partners_cannot_repeat_or_be_the_lead() {
    let mut a = action();
    a.partners.push(Partner {
        actor_id: 2,
        role: "".into(),
    });
    assert_eq!(
        a.validate().err().unwrap().code(),
        Some("action.partner_twice")
    );
    let mut a = action();
    a.partners[0].actor_id = 1;
    assert_eq!(
        a.validate().err().unwrap().code(),
        Some("action.partner_is_lead")
    );
}

#[test]
fn funding_lines_are_validated() {
    let f = FundingInput {
        funder_id: Some(4),
        scheme: "LEADER".into(),
        amount: "25 000,00".into(),
        status: "granted".into(),
        requested_on: Some("2025-01-10".into()),
        decision_on: Some("2025-01-09".into()),
        notes: "".into(),
    };
    assert_eq!(f.validate().err().unwrap().field(), Some("decision_on"));
    let f = FundingInput {
        decision_on: None,
        ..f
    };
    assert_eq!(f.validate().unwrap().amount_cents, 2_500_000);
    let f = FundingInput {
        amount: "beaucoup".into(),
        ..f
    };
    assert_eq!(f.validate().err().unwrap().field(), Some("amount"));
}

#[test]
fn indicators_read_french_numbers() {
    let i = IndicatorInput {
        name: "Personnes accueillies".into(),
        unit: "personnes".into(),
        target: "1 200".into(),
        current: "312,5".into(),
        measured_on: None,
    }
    .validate()
    .unwrap();
    assert_eq!(i.target, Some(1200.0));
    assert_eq!(i.current, Some(312.5));
    let bad = IndicatorInput {
        name: "x".into(),
        unit: "".into(),
        target: "douze".into(),
        current: "".into(),
        measured_on: None,
    };
    assert_eq!(bad.validate().err().unwrap().code(), Some("number.invalid"));
}

#[test]
fn funding_plan_arithmetic_with_known_answers() {
    // Budget 100 000 €: Région 40 000 acquis, LEADER 30 000 sollicité + 5 000 envisagé,
    // Fondation 10 000 refusé, Région again 10 000 sollicité.
    let lines = vec![
        (Some(1), "Région".to_string(), 4_000_000, Granted),
        (Some(2), "GAL LEADER".to_string(), 3_000_000, Requested),
        (Some(2), "GAL LEADER".to_string(), 500_000, Considered),
        (Some(3), "Fondation".to_string(), 1_000_000, Refused),
        (Some(1), "Région".to_string(), 1_000_000, Requested),
    ];
    let p = funding_plan(Some(10_000_000), &lines);
    assert_eq!(p.granted_cents, 4_000_000);
    assert_eq!(p.requested_cents, 4_000_000);
    assert_eq!(p.considered_cents, 500_000);
    assert_eq!(p.refused_cents, 1_000_000);
    assert_eq!(p.gap_cents, Some(2_000_000));
    assert!(!p.over_funded);
    assert_eq!(
        p.funders.len(),
        2,
        "refused-only funders are not in the plan"
    );
    assert_eq!(p.funders[0].funder_name, "Région");
    assert_eq!(p.funders[0].share_bp, Some(5_000));
    assert_eq!(p.funders[1].share_bp, Some(3_000));
}

#[test]
fn over_funding_is_shown_not_hidden() {
    let lines = vec![
        (Some(1), "Région".to_string(), 8_000_000, Granted),
        (Some(2), "Département".to_string(), 4_000_000, Requested),
    ];
    let p = funding_plan(Some(10_000_000), &lines);
    assert_eq!(p.gap_cents, Some(-2_000_000));
    assert!(p.over_funded);
    assert_eq!(p.funders[0].share_bp, Some(8_000));
    assert_eq!(p.funders[1].share_bp, Some(4_000));
}

#[test]
fn plan_without_budget_has_no_gap_nor_shares() {
    let p = funding_plan(None, &[(None, String::new(), 100, Granted)]);
    assert_eq!(p.gap_cents, None);
    assert_eq!(p.funders[0].share_bp, None);
    let p = funding_plan(Some(0), &[]);
    assert_eq!(p.gap_cents, Some(0));
    assert!(p.funders.is_empty());
}
