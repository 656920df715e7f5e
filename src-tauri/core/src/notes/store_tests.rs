use super::*;
use crate::actors::ActorInput;
use crate::db::store::Store;
use crate::plan::{ActionInput, AxisInput, FundingInput, NeedInput, Partner};
use crate::project::NewWorkspace;

struct Fixture {
    s: Store,
    action: i64,
    region: i64,
    _dir: tempfile::TempDir,
}

fn actor(s: &mut Store, name: &str, world: &str, engagement: &str) -> i64 {
    s.create_actor(&ActorInput {
        name: name.into(),
        world: world.into(),
        commune: "Gap".into(),
        insee: None,
        engagement: engagement.into(),
        notes: String::new(),
    })
    .unwrap()
    .id
}

fn fixture() -> Fixture {
    let dir = tempfile::TempDir::new().unwrap();
    let mut s = Store::create(
        &dir.path().join("n.catalyse"),
        &NewWorkspace {
            territory_name: "PETR du Val".into(),
            territory_kind: "petr".into(),
            project_title: "Val 2030".into(),
        },
    )
    .unwrap();
    let need = s
        .create_need(&NeedInput {
            title: "Se déplacer sans voiture".into(),
            description: String::new(),
            priority: "high".into(),
        })
        .unwrap()
        .id;
    let axis = s
        .create_axis(&AxisInput {
            title: "Une mobilité pour tous".into(),
            description: String::new(),
            need_ids: vec![need],
        })
        .unwrap()
        .id;
    let cc = actor(&mut s, "CC du Val", "local_authority", "lead");
    let asso = actor(&mut s, "Vélo pour tous", "association", "partner");
    let region = actor(&mut s, "Région", "funder", "partner");
    let action = s
        .create_action(&ActionInput {
            title: "Garage solidaire".into(),
            insee: None,
            description: String::new(),
            axis_id: Some(axis),
            need_ids: vec![need],
            status: "preparing".into(),
            start_date: Some("2026-03-01".into()),
            end_date: Some("2027-12-31".into()),
            budget: "50 000".into(),
            lead_actor_id: Some(cc),
            referent_member_id: None,
            partners: vec![Partner {
                actor_id: asso,
                role: "animation".into(),
            }],
            practice: None,
            activity: None,
            engineering: None,
        })
        .unwrap()
        .id;
    s.create_funding(
        action,
        &FundingInput {
            funder_id: Some(region),
            scheme: "Fonds mobilité".into(),
            amount: "20 000".into(),
            status: "granted".into(),
            requested_on: Some("2025-11-02".into()),
            decision_on: Some("2026-01-15".into()),
            notes: String::new(),
        },
    )
    .unwrap();
    Fixture {
        s,
        action,
        region,
        _dir: dir,
    }
}

fn input(action: i64) -> NoteInput {
    NoteInput {
        subject: "Garage solidaire : convention de financement".into(),
        body_name: "PETR du Val".into(),
        addressee: "bureau".into(),
        meeting_date: Some("2026-12-01".into()),
        author: "Camille".into(),
        records: vec![NoteRecordInput {
            kind: "action".into(),
            record_id: action,
        }],
        sections: vec![SectionInput {
            key: "objet".into(),
            content: "Autoriser le Président à signer la convention.".into(),
        }],
        options: vec![],
    }
}

fn section(n: &DecisionNote, key: SectionKey) -> &str {
    &n.sections.iter().find(|s| s.key == key).unwrap().content
}

#[test]
fn generated_sections_say_the_data_in_french() {
    // The expected texts are written with ordinary spaces; the note has French typography.
    let fr = crate::shared::typography::french_spacing;
    let mut f = fixture();
    let n = f.s.create_note(&input(f.action)).unwrap();
    assert_eq!((n.status, n.version), (NoteStatus::Draft, 1));
    for key in [
        SectionKey::Contexte,
        SectionKey::Acteurs,
        SectionKey::Financement,
        SectionKey::Calendrier,
    ] {
        let problems = crate::shared::typography::spacing_problems(section(&n, key));
        assert!(problems.is_empty(), "{key:?}: {problems:?}");
    }
    assert_eq!(n.sections.len(), 9);
    assert_eq!(
        section(&n, SectionKey::Objet),
        "Autoriser le Président à signer la convention."
    );
    let ctx = section(&n, SectionKey::Contexte);
    assert!(ctx.contains(&fr("L'action « Garage solidaire » (statut : en préparation), de l'axe « Une mobilité pour tous »")), "{ctx}");
    assert!(
        ctx.contains(&fr("- Se déplacer sans voiture (priorité haute)")),
        "{ctx}"
    );
    let actors = section(&n, SectionKey::Acteurs);
    assert!(
        actors.contains(&fr(
            "- **Porteur** : CC du Val (collectivité territoriale, porteur)"
        )),
        "{actors}"
    );
    assert!(
        actors.contains(&fr(
            "- **Partenaire** : Vélo pour tous (association / ess, partenaire) — animation"
        )),
        "{actors}"
    );
    assert!(
        actors.contains(&fr(
            "- **Financeur** : Région (fondation / financeur, partenaire) — acquis"
        )),
        "{actors}"
    );
    let plan = section(&n, SectionKey::Financement);
    assert!(
        plan.contains(&fr(
            "| Région | Fonds mobilité | Acquis | 20\u{202f}000,00\u{a0}€ | 40\u{a0}% |"
        )),
        "{plan}"
    );
    assert!(plan.contains(&fr("Budget : **50\u{202f}000,00\u{a0}€** — acquis 20\u{202f}000,00\u{a0}€ ; sollicité 0,00\u{a0}€ ; **reste à financer 30\u{202f}000,00\u{a0}€**.")), "{plan}");
    let cal = section(&n, SectionKey::Calendrier);
    assert!(
        cal.contains(&fr(
            "- 1er décembre 2026 : Bureau (présentation de cette note)"
        )),
        "{cal}"
    );
    assert!(
        cal.contains(&fr("- du 1er mars 2026 au 31 décembre 2027")),
        "{cal}"
    );
    assert!(
        cal.contains(&fr("- 15 janvier 2026 : décision de Région (acquis)")),
        "{cal}"
    );
}

#[test]
fn a_refresh_never_loses_the_users_writing_silently() {
    let mut f = fixture();
    let n = f.s.create_note(&input(f.action)).unwrap();
    // The user rewrites the actors section; the funding section stays as generated.
    let mut edit = input(f.action);
    edit.sections.push(SectionInput {
        key: "acteurs".into(),
        content: "Texte de l'auteur sur les acteurs.".into(),
    });
    f.s.update_note(n.id, &edit).unwrap();
    // The data changes: a new funding line.
    f.s.create_funding(
        f.action,
        &FundingInput {
            funder_id: Some(f.region),
            scheme: "Fonds rural".into(),
            amount: "10 000".into(),
            status: "requested".into(),
            requested_on: Some("2026-02-01".into()),
            decision_on: None,
            notes: String::new(),
        },
    )
    .unwrap();
    let changes = f.s.refresh_preview(n.id).unwrap();
    let keys: Vec<(SectionKey, bool)> = changes.iter().map(|c| (c.key, c.edited)).collect();
    assert!(keys.contains(&(SectionKey::Financement, false)), "{keys:?}");
    assert!(keys.contains(&(SectionKey::Acteurs, true)), "{keys:?}");
    // Keep mine: the funding plan updates, the user's actors text stays.
    let after = f.s.apply_refresh(n.id, &[]).unwrap();
    assert_eq!(
        section(&after, SectionKey::Acteurs),
        "Texte de l'auteur sur les acteurs."
    );
    assert!(section(&after, SectionKey::Financement).contains("Fonds rural"));
    assert!(section(&after, SectionKey::Financement)
        .contains("**reste à financer 20\u{202f}000,00\u{a0}€**"));
    // Next time the same data proposes nothing new for the kept section.
    assert!(f
        .s
        .refresh_preview(n.id)
        .unwrap()
        .iter()
        .all(|c| c.key == SectionKey::Acteurs && c.edited));
    // Take the new text when chosen.
    let taken = f.s.apply_refresh(n.id, &["acteurs".into()]).unwrap();
    assert!(section(&taken, SectionKey::Acteurs).contains("**Porteur**"));
    assert!(taken.version >= 4);
}

#[test]
fn versions_restore_and_validation_freezes() {
    let mut f = fixture();
    let n = f.s.create_note(&input(f.action)).unwrap();
    let mut v2 = input(f.action);
    v2.sections[0].content = "Deuxième rédaction.".into();
    v2.options = vec![OptionInput {
        title: "Signer".into(),
        description: String::new(),
        pros: "Rapide".into(),
        cons: String::new(),
        cost: "1 200,50".into(),
        risks: String::new(),
        recommended: true,
    }];
    let n2 = f.s.update_note(n.id, &v2).unwrap();
    assert_eq!(n2.options[0].cost_cents, Some(120_050));
    let restored = f.s.restore_note_version(n.id, 1).unwrap();
    assert_eq!(
        section(&restored, SectionKey::Objet),
        "Autoriser le Président à signer la convention."
    );
    assert!(restored.options.is_empty());
    assert_eq!(
        f.s.note_version(n.id, 2).unwrap().options.len(),
        1,
        "history kept"
    );
    let validated = f.s.set_note_status(n.id, NoteStatus::Validated).unwrap();
    let versions = f.s.note_versions(n.id).unwrap();
    assert!(versions[0].frozen && versions[0].status == NoteStatus::Validated);
    assert_eq!(versions.len() as i64, validated.version);
    assert_eq!(
        f.s.update_note(n.id, &v2).unwrap_err().code(),
        Some("note.frozen")
    );
    assert_eq!(
        f.s.apply_refresh(n.id, &[]).unwrap_err().code(),
        Some("note.frozen")
    );
    f.s.set_note_status(n.id, NoteStatus::Draft).unwrap();
    f.s.update_note(n.id, &v2).unwrap();
    // Bad input names the field.
    let mut bad = input(f.action);
    bad.addressee = "préfet".into();
    assert_eq!(
        f.s.create_note(&bad).unwrap_err().field(),
        Some("addressee")
    );
    let mut bad = input(f.action);
    bad.records[0].record_id = 999;
    assert_eq!(
        f.s.create_note(&bad).unwrap_err().code(),
        Some("reference.missing")
    );
    assert_eq!(f.s.counts().unwrap()["decision_notes"], 1);
    // Deleting the action unlinks it; the note stays.
    f.s.delete_action(f.action).unwrap();
    assert!(f.s.note(n.id).unwrap().records.is_empty());
}

#[test]
fn a_change_and_its_version_are_written_together_or_not_at_all() {
    let mut f = fixture();
    let n = f.s.create_note(&input(f.action)).unwrap();
    // Saving a version fails (as a full disk would make it): the change must not stay.
    f.s.conn
        .execute_batch(
            "CREATE TEMP TRIGGER no_version BEFORE INSERT ON note_version
                 BEGIN SELECT RAISE(ABORT, 'version refusée'); END;",
        )
        .unwrap();
    let mut v2 = input(f.action);
    v2.subject = "Un autre objet".into();
    assert!(f.s.update_note(n.id, &v2).is_err());
    assert_eq!(f.s.note(n.id).unwrap(), n, "the edit was rolled back");
    assert!(f.s.set_note_status(n.id, NoteStatus::Validated).is_err());
    assert_eq!(
        f.s.note(n.id).unwrap().status,
        NoteStatus::Draft,
        "no validated note without its frozen copy"
    );
    assert!(f.s.create_note(&input(f.action)).is_err());
    assert_eq!(
        f.s.counts().unwrap()["decision_notes"],
        1,
        "no note without a version"
    );
    f.s.conn
        .execute_batch("DROP TRIGGER temp.no_version")
        .unwrap();
    let validated = f.s.set_note_status(n.id, NoteStatus::Validated).unwrap();
    assert_eq!(
        f.s.note_versions(n.id).unwrap().len() as i64,
        validated.version
    );
}

#[test]
fn an_unreadable_version_says_so() {
    let mut f = fixture();
    let n = f.s.create_note(&input(f.action)).unwrap();
    f.s.conn
        .execute(
            "UPDATE note_version SET snapshot = '{\"subject\": 12}' WHERE note_id = ?1",
            [n.id],
        )
        .unwrap();
    let e = f.s.note_version(n.id, 1).unwrap_err();
    assert_eq!(e.kind(), "unreadable");
    assert!(
        e.to_string()
            .starts_with("Cette version de la note est illisible"),
        "{e}"
    );
}

#[test]
fn exports_contain_every_section_and_escape_raw_html() {
    let mut f = fixture();
    let mut i = input(f.action);
    i.sections.push(SectionInput {
        key: "avis".into(),
        content: "Avis **favorable**.\n\n<script>alert(1)</script>".into(),
    });
    let n = f.s.create_note(&i).unwrap();
    let md = crate::notes::render::to_markdown(&n);
    for key in SectionKey::ALL {
        assert!(md.contains(key.label_fr()), "{}", key.label_fr());
    }
    assert!(md.contains("| Région | Fonds mobilité | Acquis |"));
    let html = crate::notes::render::to_html(&n, None);
    assert!(html.contains("<strong>favorable</strong>"));
    assert!(html.contains("&lt;script&gt;"), "raw HTML shown as text");
    assert!(!html.contains("<script>"));
    assert!(html.contains("<table>") && html.contains("<td>Fonds mobilité</td>"));
    assert!(html.contains("<th scope=\"row\">Séance</th><td>1er décembre 2026</td>"));
    assert_eq!(date_fr("2023-11-14"), "14 novembre 2023");
}
