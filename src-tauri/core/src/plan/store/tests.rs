use crate::actors::ActorInput;
use crate::db::store::Store;
use crate::plan::*;
use crate::shared::domain::{ActionStatus, Engagement};

fn store() -> Store {
    let s = Store::open_in_memory().unwrap();
    s.conn
        .execute_batch(
            "INSERT INTO territory (id,name,kind) VALUES (1,'T','petr');
                 INSERT INTO project (id,territory_id,title,status) VALUES (1,1,'P','drafting');",
        )
        .unwrap();
    s
}

fn actor(s: &mut Store, name: &str) -> i64 {
    s.create_actor(&ActorInput {
        name: name.into(),
        world: "funder".into(),
        commune: "".into(),
        insee: None,
        engagement: Engagement::Partner.code().into(),
        notes: "".into(),
    })
    .unwrap()
    .id
}

fn need(s: &mut Store, title: &str) -> i64 {
    s.create_need(&NeedInput {
        title: title.into(),
        description: "".into(),
        priority: "high".into(),
    })
    .unwrap()
    .id
}

fn action_input(title: &str, axis: Option<i64>, lead: Option<i64>) -> ActionInput {
    ActionInput {
        title: title.into(),
        insee: None,
        description: "".into(),
        axis_id: axis,
        need_ids: vec![],
        status: "preparing".into(),
        start_date: Some("2026-01-01".into()),
        end_date: Some("2027-12-31".into()),
        budget: "100 000".into(),
        lead_actor_id: lead,
        referent_member_id: None,
        partners: vec![],
        practice: Some("experimentation".into()),
        activity: Some(3),
        engineering: Some("catalysis".into()),
    }
}

fn funding(funder: Option<i64>, amount: &str, status: &str) -> FundingInput {
    FundingInput {
        funder_id: funder,
        scheme: "LEADER".into(),
        amount: amount.into(),
        status: status.into(),
        requested_on: None,
        decision_on: None,
        notes: "".into(),
    }
}

#[test]
fn needs_are_created_reordered_and_deleted() {
    let mut s = store();
    let a = need(&mut s, "Mobilité");
    let b = need(&mut s, "Alimentation");
    let c = need(&mut s, "Logement");
    let order = |s: &Store| {
        s.list_needs()
            .unwrap()
            .into_iter()
            .map(|n| n.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(order(&s), vec![a, b, c]);
    s.move_need(c, 0).unwrap();
    assert_eq!(order(&s), vec![c, a, b]);
    s.move_need(c, 99).unwrap();
    assert_eq!(order(&s), vec![a, b, c]);
    assert_eq!(s.move_need(999, 0).err().unwrap().kind(), "not_found");
    s.delete_need(b).unwrap();
    assert_eq!(order(&s), vec![a, c]);
    let e = s
        .create_need(&NeedInput {
            title: " ".into(),
            description: "".into(),
            priority: "high".into(),
        })
        .err()
        .unwrap();
    assert_eq!(e.field(), Some("title"));
}

#[test]
fn action_with_axis_needs_lead_partners_and_funding_plan() {
    let mut s = store();
    let n1 = need(&mut s, "Mobilité");
    let axis = s
        .create_axis(&AxisInput {
            title: "Se déplacer autrement".into(),
            description: "".into(),
            need_ids: vec![n1],
        })
        .unwrap();
    assert_eq!(axis.need_ids, vec![n1]);
    let lead = actor(&mut s, "Communauté de communes");
    let partner = actor(&mut s, "Mobilité solidaire");
    let region = actor(&mut s, "Région");
    let mut input = action_input("Garage solidaire", Some(axis.id), Some(lead));
    input.need_ids = vec![n1];
    input.partners = vec![Partner {
        actor_id: partner,
        role: "Opérateur".into(),
    }];
    let a = s.create_action(&input).unwrap();
    assert_eq!(a.axis_id, Some(axis.id));
    assert_eq!(a.lead_actor_id, Some(lead));
    assert_eq!(a.partners[0].role, "Opérateur");
    assert_eq!(a.need_ids, vec![n1]);
    assert_eq!(a.budget_cents, Some(10_000_000));
    assert_eq!(a.status, ActionStatus::Preparing);

    s.create_funding(a.id, &funding(Some(region), "60 000", "granted"))
        .unwrap();
    s.create_funding(a.id, &funding(Some(lead), "25 000,50", "requested"))
        .unwrap();
    s.create_funding(a.id, &funding(Some(region), "5 000", "refused"))
        .unwrap();
    let plan = s.funding_plan(a.id).unwrap();
    assert_eq!(plan.granted_cents, 6_000_000);
    assert_eq!(plan.requested_cents, 2_500_050);
    assert_eq!(plan.refused_cents, 500_000);
    assert_eq!(plan.gap_cents, Some(1_499_950));
    assert_eq!(plan.funders[0].funder_name, "Région");
    assert_eq!(plan.funders[0].share_bp, Some(6_000));
    assert_eq!(plan.funders[1].share_bp, Some(2_500));
    assert_eq!(s.counts().unwrap()["fundings"], 3);
}

#[test]
fn references_to_missing_records_are_refused_and_nothing_is_written() {
    let mut s = store();
    let e = s
        .create_action(&action_input("X", Some(42), None))
        .err()
        .unwrap();
    assert_eq!(e.field(), Some("axis_id"));
    assert!(e.to_string().contains("n'existe plus"));
    let mut input = action_input("Y", None, None);
    input.need_ids = vec![77];
    assert_eq!(
        s.create_action(&input).err().unwrap().field(),
        Some("need_ids")
    );
    let mut input = action_input("Z", None, None);
    input.partners = vec![Partner {
        actor_id: 5,
        role: "".into(),
    }];
    assert_eq!(
        s.create_action(&input).err().unwrap().field(),
        Some("partners")
    );
    assert_eq!(s.counts().unwrap()["actions"], 0, "all or nothing");
    assert_eq!(
        s.create_funding(9, &funding(None, "1", "granted"))
            .err()
            .unwrap()
            .field(),
        Some("action_id")
    );
}

#[test]
fn deleting_an_actor_reports_then_detaches_everything_it_touches() {
    let mut s = store();
    let lead = actor(&mut s, "Fondation Terres de montagne");
    let other = actor(&mut s, "Mairie");
    let mut input = action_input("Épicerie solidaire", None, Some(lead));
    input.partners = vec![];
    let a = s.create_action(&input).unwrap();
    let mut input2 = action_input("Tiers-lieu", None, Some(other));
    input2.partners = vec![Partner {
        actor_id: lead,
        role: "Mécène".into(),
    }];
    let b = s.create_action(&input2).unwrap();
    s.create_funding(b.id, &funding(Some(lead), "12 500", "granted"))
        .unwrap();

    let impact = s.actor_delete_impact(lead).unwrap();
    let codes: Vec<_> = impact.effects.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, ["actor.leads", "actor.partner", "actor.funds"]);
    assert_eq!(impact.effects[0].items, ["Épicerie solidaire"]);
    assert_eq!(impact.effects[1].items, ["Tiers-lieu"]);
    assert_eq!(
        impact.effects[2].items,
        ["Tiers-lieu : LEADER, 12\u{202F}500,00\u{00A0}€"]
    );
    assert!(s.actor_delete_impact(other).unwrap().effects.len() == 1);

    s.delete_actor(lead).unwrap();
    assert_eq!(s.action(a.id).unwrap().lead_actor_id, None);
    assert!(s.action(b.id).unwrap().partners.is_empty());
    let f = &s.list_fundings(b.id).unwrap()[0];
    assert_eq!(f.funder_id, None, "the funding line stays, without funder");
    assert_eq!(f.amount_cents, 1_250_000);
}

#[test]
fn deleting_an_axis_or_need_keeps_the_actions() {
    let mut s = store();
    let n = need(&mut s, "Mobilité");
    let axis = s
        .create_axis(&AxisInput {
            title: "Axe 1".into(),
            description: "".into(),
            need_ids: vec![n],
        })
        .unwrap();
    let mut input = action_input("Covoiturage", Some(axis.id), None);
    input.need_ids = vec![n];
    let a = s.create_action(&input).unwrap();
    let impact = s.axis_delete_impact(axis.id).unwrap();
    assert_eq!(impact.effects[0].code, "axis.actions");
    assert_eq!(impact.effects[0].items, ["Covoiturage"]);
    let impact = s.need_delete_impact(n).unwrap();
    let codes: Vec<_> = impact.effects.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, ["need.axes", "need.actions"]);
    s.delete_axis(axis.id).unwrap();
    s.delete_need(n).unwrap();
    let a = s.action(a.id).unwrap();
    assert_eq!(a.axis_id, None);
    assert!(a.need_ids.is_empty());
}

#[test]
fn deleting_an_action_removes_its_lines_and_indicators() {
    let mut s = store();
    let a = s.create_action(&action_input("A", None, None)).unwrap();
    s.create_funding(a.id, &funding(None, "10", "considered"))
        .unwrap();
    let ind = s
        .create_indicator(
            a.id,
            &IndicatorInput {
                name: "Trajets".into(),
                unit: "trajets/mois".into(),
                target: "200".into(),
                current: "35".into(),
                measured_on: Some("2026-06-30".into()),
            },
        )
        .unwrap();
    assert_eq!(ind.target, Some(200.0));
    let impact = s.action_delete_impact(a.id).unwrap();
    assert_eq!(impact.effects.len(), 2);
    s.delete_action(a.id).unwrap();
    let c = s.counts().unwrap();
    assert_eq!((c["actions"], c["fundings"], c["indicators"]), (0, 0, 0));
}

#[test]
fn schema_refuses_bad_rows_even_without_validation() {
    let s = store();
    for sql in [
            "INSERT INTO action (title,status,position,created_at,updated_at,start_date,end_date) VALUES ('x','idea',0,'t','t','2026-02-01','2026-01-01')",
            "INSERT INTO action (title,status,position,created_at,updated_at,budget_cents) VALUES ('x','idea',0,'t','t',-1)",
            "INSERT INTO action (title,status,position,created_at,updated_at,activity) VALUES ('x','idea',0,'t','t',2)",
            "INSERT INTO action (title,status,position,created_at,updated_at) VALUES ('x','finished',0,'t','t')",
            "INSERT INTO need (title,priority,position,created_at,updated_at) VALUES ('x','urgent',0,'t','t')",
        ] {
            assert!(s.conn.execute(sql, []).is_err(), "{sql}");
        }
}

#[test]
fn a_deletion_names_the_first_records_of_each_effect_and_counts_them_all() {
    let mut s = Store::open_in_memory().unwrap();
    let ids: Vec<i64> = (0..61)
        .map(|i| {
            s.create_actor(&crate::actors::ActorInput {
                name: format!("Acteur {i:02}"),
                world: "association".into(),
                commune: String::new(),
                insee: None,
                engagement: "informed".into(),
                notes: String::new(),
            })
            .unwrap()
            .id
        })
        .collect();
    let links: Vec<crate::network::LinkInput> = ids[1..]
        .iter()
        .map(|b| crate::network::LinkInput {
            actor_a: ids[0],
            actor_b: *b,
            nature: "dialogue".into(),
            strength: 1,
            since: None,
            notes: String::new(),
            introduced_by: None,
            meeting_id: None,
        })
        .collect();
    s.insert_links_bulk(&links).unwrap();
    let impact = s.actor_delete_impact(ids[0]).unwrap();
    let e = &impact.effects[0];
    assert_eq!((e.total, e.items.len()), (60, IMPACT_SHOWN));
    assert_eq!(e.items[0], "Acteur 01");
    assert!(e.message.starts_with("60 lien(s)"), "{}", e.message);
}
