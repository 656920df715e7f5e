use super::PROPOSE_MAX_ACTORS;
use crate::actors::ActorInput;
use crate::db::store::Store;
use crate::network::*;
use crate::shared::domain::LinkNature;

fn store_with_actors(n: usize) -> (Store, Vec<i64>) {
    let mut s = Store::open_in_memory().unwrap();
    let ids = (0..n)
        .map(|i| {
            s.create_actor(&ActorInput {
                name: format!("Acteur {i}"),
                world: "association".into(),
                commune: "".into(),
                insee: None,
                engagement: "involved".into(),
                notes: "".into(),
            })
            .unwrap()
            .id
        })
        .collect();
    (s, ids)
}

fn member(s: &mut Store, name: &str, is_user: bool) -> i64 {
    s.create_member(&MemberInput {
        name: name.into(),
        role: "Cheffe de projet".into(),
        structure: "PETR".into(),
        is_user,
    })
    .unwrap()
    .id
}

fn link(a: i64, b: i64, by: Option<Introducer>) -> LinkInput {
    LinkInput {
        actor_a: a,
        actor_b: b,
        nature: "partnership".into(),
        strength: 2,
        since: None,
        notes: "".into(),
        introduced_by: by,
        meeting_id: None,
    }
}

#[test]
fn only_one_member_is_the_user() {
    let (mut s, _) = store_with_actors(0);
    let a = member(&mut s, "Camille", true);
    let b = member(&mut s, "Lou", true);
    let users: Vec<_> = s
        .list_members()
        .unwrap()
        .into_iter()
        .filter(|m| m.is_user)
        .map(|m| m.id)
        .collect();
    assert_eq!(users, vec![b]);
    assert!(!s.member(a).unwrap().is_user);
}

#[test]
fn links_are_unique_per_pair_and_nature_in_either_direction() {
    let (mut s, ids) = store_with_actors(3);
    let m = member(&mut s, "Camille", true);
    let l = s
        .create_link(&link(ids[0], ids[1], Some(Introducer::Member(m))))
        .unwrap();
    assert_eq!(l.introduced_by, Some(Introducer::Member(m)));
    let e = s.create_link(&link(ids[1], ids[0], None)).err().unwrap();
    assert_eq!(e.code(), Some("link.duplicate"));
    let mut other = link(ids[1], ids[0], None);
    other.nature = "funding".into();
    let f = s.create_link(&other).unwrap();
    assert_eq!(f.nature, LinkNature::Funding);
    // Editing a link into an existing one is refused too; editing itself is fine.
    let mut edit = link(ids[0], ids[1], Some(Introducer::Actor(ids[2])));
    edit.strength = 3;
    assert_eq!(s.update_link(l.id, &edit).unwrap().strength, 3);
    assert_eq!(
        s.update_link(f.id, &edit).err().unwrap().code(),
        Some("link.duplicate")
    );
    assert_eq!(s.links_of(ids[0]).unwrap().len(), 2);
    assert_eq!(s.counts().unwrap()["links"], 2);
    // Deleting the introducer keeps the link.
    s.delete_actor(ids[2]).unwrap();
    assert_eq!(s.link(l.id).unwrap().introduced_by, None);
    // Deleting one end removes it.
    s.delete_actor(ids[1]).unwrap();
    assert_eq!(s.counts().unwrap()["links"], 0);
}

#[test]
fn missing_references_are_named() {
    let (mut s, ids) = store_with_actors(2);
    let e = s.create_link(&link(ids[0], 99, None)).err().unwrap();
    assert_eq!(e.field(), Some("actor_b"));
    let e = s
        .create_link(&link(ids[0], ids[1], Some(Introducer::Member(7))))
        .err()
        .unwrap();
    assert_eq!(e.field(), Some("introduced_by"));
    assert_eq!(s.counts().unwrap()["links"], 0);
}

#[test]
fn meetings_keep_participants_follow_ups_and_time_and_propose_links() {
    let (mut s, ids) = store_with_actors(3);
    let m = member(&mut s, "Camille", true);
    s.create_link(&link(ids[0], ids[1], None)).unwrap();
    let input = MeetingInput {
        date: "2026-03-12".into(),
        kind: "workshop".into(),
        title: "Atelier mobilité".into(),
        insee: None,
        practice: Some("dialogue".into()),
        activity: Some(2),
        notes: "Bonne dynamique".into(),
        hours: "2,5".into(),
        actor_ids: ids.clone(),
        member_ids: vec![m],
        follow_ups: vec![FollowUp {
            text: "Envoyer le compte rendu".into(),
            due_date: Some("2026-03-19".into()),
            done: false,
        }],
    };
    let meeting = s.create_meeting(&input).unwrap();
    assert_eq!(meeting.minutes_spent, 150);
    assert_eq!(meeting.actor_ids.len(), 3);
    assert_eq!(
        meeting.follow_ups[0].due_date.as_deref(),
        Some("2026-03-19")
    );
    let proposed = s.proposed_links(meeting.id).unwrap();
    assert_eq!(proposed, vec![(ids[0], ids[2]), (ids[1], ids[2])]);
    // A forum of 21 actors proposes nothing.
    let (mut big, many) = store_with_actors(PROPOSE_MAX_ACTORS + 1);
    let forum = big
        .create_meeting(&MeetingInput {
            actor_ids: many.clone(),
            member_ids: vec![],
            ..input.clone()
        })
        .unwrap();
    assert!(big.proposed_links(forum.id).unwrap().is_empty());
    let smaller = big
        .create_meeting(&MeetingInput {
            actor_ids: many[..PROPOSE_MAX_ACTORS].to_vec(),
            member_ids: vec![],
            ..input.clone()
        })
        .unwrap();
    assert_eq!(big.proposed_links(smaller.id).unwrap().len(), 190);
    // A failing update (unknown member) changes nothing.
    let bad = MeetingInput {
        member_ids: vec![42],
        ..input.clone()
    };
    assert!(s.update_meeting(meeting.id, &bad).is_err());
    assert_eq!(s.meeting(meeting.id).unwrap(), meeting);
    s.delete_meeting(meeting.id).unwrap();
    let c = s.counts().unwrap();
    assert_eq!((c["meetings"], c["follow_ups"]), (0, 0));
}

#[test]
fn contacts_and_profile() {
    let (mut s, ids) = store_with_actors(1);
    let c = s
        .create_contact(
            ids[0],
            &ContactInput {
                name: "Camille Martin".into(),
                role: "Directrice".into(),
                email: "c.martin@exemple.fr".into(),
                phone: "04 92 00 00 00".into(),
                notes: "".into(),
            },
        )
        .unwrap();
    assert_eq!(s.list_contacts(ids[0]).unwrap(), vec![c]);
    let p = s
        .update_actor_profile(
            ids[0],
            &ActorProfile {
                needs: "Des locaux".into(),
                contributions: "Bénévoles".into(),
                influence: Some(4),
                interest: Some(5),
                tags: vec!["ESS".into(), "mobilité".into()],
            },
        )
        .unwrap();
    assert_eq!(p.tags, vec!["ESS", "mobilité"]);
    assert_eq!(s.actor_profile(ids[0]).unwrap().influence, Some(4));
    // The plain actor edit leaves the profile alone.
    s.update_actor(
        ids[0],
        &ActorInput {
            name: "Acteur renommé".into(),
            world: "association".into(),
            commune: "".into(),
            insee: None,
            engagement: "partner".into(),
            notes: "".into(),
        },
    )
    .unwrap();
    assert_eq!(s.actor_profile(ids[0]).unwrap(), p);
    s.delete_actor(ids[0]).unwrap();
    assert_eq!(s.counts().unwrap()["contacts"], 0);
}
