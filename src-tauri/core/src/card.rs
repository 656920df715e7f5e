//! Read models computed from the network: the actor card ("fiche repères") and the
//! valorisation report (meetings, time spent and links made over a period).

use crate::domain::{
    ActionStatus, Actor, Coded, FundingStatus, LinkNature, MeetingKind, Practice, World,
};
use crate::error::{CoreError, CoreResult};
use crate::network::{ActorProfile, Contact, Introducer, Link};
use crate::store::Store;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use ts_rs::TS;

/// One of the actor's links, seen from the actor.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CardLink {
    pub link: Link,
    #[ts(type = "number")]
    pub other_id: i64,
    pub other_name: String,
    pub other_world: World,
    /// Who made the introduction (an actor's or a team member's name).
    pub introducer_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CardMeeting {
    #[ts(type = "number")]
    pub id: i64,
    pub date: String,
    pub kind: MeetingKind,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CardAction {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub status: ActionStatus,
    /// True when the actor is the porteur; else a partner, with `role`.
    pub lead: bool,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CardFunding {
    #[ts(type = "number")]
    pub action_id: i64,
    pub action_title: String,
    pub scheme: String,
    #[ts(type = "number")]
    pub amount_cents: i64,
    pub status: FundingStatus,
}

/// A link between two other actors that this actor introduced.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CardIntroduction {
    #[ts(type = "number")]
    pub link_id: i64,
    #[ts(type = "number")]
    pub a_id: i64,
    pub a_name: String,
    #[ts(type = "number")]
    pub b_id: i64,
    pub b_name: String,
    pub nature: LinkNature,
}

/// Everything about one actor, stored and computed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ActorCard {
    pub actor: Actor,
    pub profile: ActorProfile,
    pub contacts: Vec<Contact>,
    pub links: Vec<CardLink>,
    pub meetings: Vec<CardMeeting>,
    pub actions: Vec<CardAction>,
    pub fundings: Vec<CardFunding>,
    pub introductions: Vec<CardIntroduction>,
}

impl Store {
    /// Id → name from a two-column query (`SELECT id, name FROM …`).
    pub(crate) fn names(&self, sql: &str) -> CoreResult<HashMap<i64, String>> {
        let mut st = self.conn.prepare_cached(sql)?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn introducer_name(
        by: Option<Introducer>,
        actors: &HashMap<i64, (String, World)>,
        members: &HashMap<i64, String>,
    ) -> Option<String> {
        match by? {
            Introducer::Actor(id) => actors.get(&id).map(|a| a.0.clone()),
            Introducer::Member(id) => members.get(&id).cloned(),
        }
    }

    /// The actor card: identity, profile, contacts, and what the workspace says about it.
    pub fn actor_card(&self, id: i64) -> CoreResult<ActorCard> {
        let actor = self.actor(id)?;
        let mut actors: HashMap<i64, (String, World)> = HashMap::new();
        {
            let mut st = self
                .conn
                .prepare_cached("SELECT id, name, world FROM actor")?;
            for row in st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))? {
                let (k, v) = row?;
                actors.insert(k, v);
            }
        }
        let members = self.names("SELECT id, name FROM member")?;
        let unknown = (String::new(), World::Association);
        let links = self
            .links_of(id)?
            .into_iter()
            .map(|l| {
                let other_id = if l.actor_a == id {
                    l.actor_b
                } else {
                    l.actor_a
                };
                let other = actors.get(&other_id).unwrap_or(&unknown);
                CardLink {
                    introducer_name: Self::introducer_name(l.introduced_by, &actors, &members),
                    other_id,
                    other_name: other.0.clone(),
                    other_world: other.1,
                    link: l,
                }
            })
            .collect();
        let mut st = self.conn.prepare_cached(
            "SELECT m.id, m.date, m.kind, m.title FROM meeting m JOIN meeting_actor ma ON ma.meeting_id = m.id
             WHERE ma.actor_id = ?1 ORDER BY m.date DESC, m.id DESC",
        )?;
        let meetings = st
            .query_map([id], |r| {
                Ok(CardMeeting {
                    id: r.get(0)?,
                    date: r.get(1)?,
                    kind: r.get(2)?,
                    title: r.get(3)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut st = self.conn.prepare_cached(
            "SELECT id, title, status, 1, '' FROM action WHERE lead_actor_id = ?1
             UNION ALL
             SELECT a.id, a.title, a.status, 0, p.role FROM action a JOIN action_partner p ON p.action_id = a.id
             WHERE p.actor_id = ?1
             ORDER BY 4 DESC, 2 COLLATE NOCASE",
        )?;
        let actions = st
            .query_map([id], |r| {
                Ok(CardAction {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    status: r.get(2)?,
                    lead: r.get(3)?,
                    role: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut st = self.conn.prepare_cached(
            "SELECT a.id, a.title, f.scheme, f.amount_cents, f.status FROM funding f JOIN action a ON a.id = f.action_id
             WHERE f.funder_id = ?1 ORDER BY a.title COLLATE NOCASE, f.id",
        )?;
        let fundings = st
            .query_map([id], |r| {
                Ok(CardFunding {
                    action_id: r.get(0)?,
                    action_title: r.get(1)?,
                    scheme: r.get(2)?,
                    amount_cents: r.get(3)?,
                    status: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut st = self.conn.prepare_cached(
            "SELECT id, actor_a, actor_b, nature FROM link WHERE introduced_by_actor = ?1 ORDER BY id",
        )?;
        let introductions = st
            .query_map([id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get(3)?,
                ))
            })?
            .map(|row| {
                row.map(|(link_id, a, b, nature)| CardIntroduction {
                    link_id,
                    a_id: a,
                    a_name: actors.get(&a).unwrap_or(&unknown).0.clone(),
                    b_id: b,
                    b_name: actors.get(&b).unwrap_or(&unknown).0.clone(),
                    nature,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(ActorCard {
            profile: self.actor_profile(id)?,
            contacts: self.list_contacts(id)?,
            actor,
            links,
            meetings,
            actions,
            fundings,
            introductions,
        })
    }
}

/// An actor on the influence / interest matrix.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MatrixActor {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub world: World,
    /// 1 to 5, or none when not assessed.
    #[ts(type = "number | null")]
    pub influence: Option<i64>,
    #[ts(type = "number | null")]
    pub interest: Option<i64>,
}

impl Store {
    /// Every actor with its influence and interest (the matrix places the assessed ones and
    /// lists the others).
    pub fn influence_matrix(&self) -> CoreResult<Vec<MatrixActor>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, name, world, influence, interest FROM actor ORDER BY name COLLATE NOCASE, id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(MatrixActor {
                id: r.get(0)?,
                name: r.get(1)?,
                world: r.get(2)?,
                influence: r.get(3)?,
                interest: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

// ----- Valorisation report -------------------------------------------------------------------

/// Meetings and time for one practice, monde or team member.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ValorisationRow {
    /// The practice or monde code, or the member's id; `none` for meetings without practice.
    pub key: String,
    /// French label (practice, monde) or the member's name.
    pub label: String,
    #[ts(type = "number")]
    pub meetings: i64,
    #[ts(type = "number")]
    pub minutes: i64,
}

/// A link made during the period.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NewLink {
    #[ts(type = "number")]
    pub id: i64,
    pub a_name: String,
    pub b_name: String,
    pub nature: LinkNature,
    /// The link's start date, or the day it was recorded.
    pub date: String,
    pub introduced_by: Option<String>,
}

/// Who introduced how many of the period's new links.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct IntroducerCount {
    pub name: String,
    /// `member` or `actor`.
    pub kind: String,
    #[ts(type = "number")]
    pub links: i64,
}

/// The catalyst's work over a period, made visible.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Valorisation {
    pub from: Option<String>,
    pub to: Option<String>,
    #[ts(type = "number")]
    pub meetings: i64,
    #[ts(type = "number")]
    pub minutes: i64,
    pub by_practice: Vec<ValorisationRow>,
    /// A meeting counts for every monde among its participants.
    pub by_world: Vec<ValorisationRow>,
    /// A meeting counts for every team member who took part.
    pub by_member: Vec<ValorisationRow>,
    pub new_links: Vec<NewLink>,
    pub by_introducer: Vec<IntroducerCount>,
}

fn period(from: &Option<String>, to: &Option<String>) -> CoreResult<(String, String)> {
    let parse = |field: &'static str, v: &Option<String>, default: &str| -> CoreResult<String> {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(default.to_string()),
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| d.to_string())
                .map_err(|_| {
                    CoreError::validation(
                        field,
                        "date.invalid",
                        format!(
                            "La date « {} » n'est pas valide (format attendu : AAAA-MM-JJ).",
                            crate::domain::truncate_for_message(s)
                        ),
                    )
                }),
        }
    };
    let (a, b) = (
        parse("from", from, "0000-01-01")?,
        parse("to", to, "9999-12-31")?,
    );
    if a > b {
        return Err(CoreError::validation(
            "to",
            "period.order",
            "La fin de la période précède son début.",
        ));
    }
    Ok((a, b))
}

impl Store {
    /// Meetings and hours by practice, monde and team member, and the links made, over a
    /// period (both ends included; an empty end means no limit).
    pub fn valorisation(
        &self,
        from: Option<String>,
        to: Option<String>,
    ) -> CoreResult<Valorisation> {
        let (a, b) = period(&from, &to)?;
        let (meetings, minutes): (i64, i64) = self.conn.query_row(
            "SELECT count(*), coalesce(sum(minutes_spent), 0) FROM meeting WHERE date BETWEEN ?1 AND ?2",
            [&a, &b],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let rows = |sql: &str| -> CoreResult<Vec<(String, i64, i64)>> {
            let mut st = self.conn.prepare(sql)?;
            let rows = st.query_map([&a, &b], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        let by_practice = rows(
            "SELECT coalesce(practice, 'none'), count(*), sum(minutes_spent) FROM meeting
             WHERE date BETWEEN ?1 AND ?2 GROUP BY 1",
        )?;
        let mut by_practice: Vec<ValorisationRow> = by_practice
            .into_iter()
            .map(|(key, meetings, minutes)| ValorisationRow {
                label: Practice::from_text(&key)
                    .map(|p| p.label_fr().to_string())
                    .unwrap_or_else(|| "Sans pratique".into()),
                key,
                meetings,
                minutes,
            })
            .collect();
        let order = |k: &str| {
            Practice::ALL
                .iter()
                .position(|p| p.code() == k)
                .unwrap_or(99)
        };
        by_practice.sort_by_key(|r| order(&r.key));
        let by_world = rows(
            "SELECT w, count(*), sum(minutes_spent) FROM (
                 SELECT DISTINCT m.id, m.minutes_spent, a.world AS w FROM meeting m
                 JOIN meeting_actor ma ON ma.meeting_id = m.id JOIN actor a ON a.id = ma.actor_id
                 WHERE m.date BETWEEN ?1 AND ?2) GROUP BY w",
        )?;
        let mut by_world: Vec<ValorisationRow> = by_world
            .into_iter()
            .map(|(key, meetings, minutes)| ValorisationRow {
                label: World::from_text(&key)
                    .map(|w| w.label_fr())
                    .unwrap_or("")
                    .to_string(),
                key,
                meetings,
                minutes,
            })
            .collect();
        let order = |k: &str| World::ALL.iter().position(|w| w.code() == k).unwrap_or(99);
        by_world.sort_by_key(|r| order(&r.key));
        let mut st = self.conn.prepare(
            "SELECT t.id, t.name, count(m.id), coalesce(sum(m.minutes_spent), 0) FROM member t
             LEFT JOIN meeting_member mm ON mm.member_id = t.id
             LEFT JOIN meeting m ON m.id = mm.meeting_id AND m.date BETWEEN ?1 AND ?2
             GROUP BY t.id ORDER BY t.name COLLATE NOCASE",
        )?;
        let by_member = st
            .query_map([&a, &b], |r| {
                Ok(ValorisationRow {
                    key: r.get::<_, i64>(0)?.to_string(),
                    label: r.get(1)?,
                    meetings: r.get(2)?,
                    minutes: r.get(3)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let names = self.names("SELECT id, name FROM actor")?;
        let members = self.names("SELECT id, name FROM member")?;
        let mut st = self.conn.prepare(
            "SELECT id, actor_a, actor_b, nature, coalesce(since, substr(created_at, 1, 10)) AS d,
                    introduced_by_actor, introduced_by_member
             FROM link WHERE coalesce(since, substr(created_at, 1, 10)) BETWEEN ?1 AND ?2 ORDER BY d, id",
        )?;
        let mut counts: BTreeMap<(String, String), i64> = BTreeMap::new();
        let new_links = st
            .query_map([&a, &b], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, LinkNature>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                    r.get::<_, Option<i64>>(6)?,
                ))
            })?
            .map(|row| {
                row.map(|(id, x, y, nature, date, by_actor, by_member)| {
                    let by = match (by_actor, by_member) {
                        (Some(a), _) => names.get(&a).map(|n| (n.clone(), "actor")),
                        (_, Some(m)) => members.get(&m).map(|n| (n.clone(), "member")),
                        _ => None,
                    };
                    if let Some((n, k)) = &by {
                        *counts.entry((n.clone(), k.to_string())).or_default() += 1;
                    }
                    NewLink {
                        id,
                        a_name: names.get(&x).cloned().unwrap_or_default(),
                        b_name: names.get(&y).cloned().unwrap_or_default(),
                        nature,
                        date,
                        introduced_by: by.map(|(n, _)| n),
                    }
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut by_introducer: Vec<IntroducerCount> = counts
            .into_iter()
            .map(|((name, kind), links)| IntroducerCount { name, kind, links })
            .collect();
        by_introducer.sort_by(|x, y| y.links.cmp(&x.links).then(x.name.cmp(&y.name)));
        Ok(Valorisation {
            from,
            to,
            meetings,
            minutes,
            by_practice,
            by_world,
            by_member,
            new_links,
            by_introducer,
        })
    }

    /// The valorisation report as a CSV or XLSX table (one block per part).
    pub fn export_valorisation(&self, v: &Valorisation, path: &std::path::Path) -> CoreResult<()> {
        let hours = crate::exchange::format_hours;
        let mut rows: Vec<Vec<String>> = vec![vec![
            "Période".into(),
            format!(
                "{} – {}",
                v.from.as_deref().unwrap_or("début"),
                v.to.as_deref().unwrap_or("aujourd'hui")
            ),
            v.meetings.to_string(),
            hours(v.minutes),
            v.new_links.len().to_string(),
        ]];
        for (part, list) in [
            ("Pratique", &v.by_practice),
            ("Monde", &v.by_world),
            ("Membre de l'équipe", &v.by_member),
        ] {
            for r in list {
                rows.push(vec![
                    part.into(),
                    r.label.clone(),
                    r.meetings.to_string(),
                    hours(r.minutes),
                    String::new(),
                ]);
            }
        }
        for i in &v.by_introducer {
            rows.push(vec![
                "Mises en relation".into(),
                i.name.clone(),
                String::new(),
                String::new(),
                i.links.to_string(),
            ]);
        }
        for l in &v.new_links {
            rows.push(vec![
                "Nouveau lien".into(),
                format!(
                    "{} — {} ({}, {}{})",
                    l.a_name,
                    l.b_name,
                    l.nature.label_fr(),
                    l.date,
                    l.introduced_by
                        .as_ref()
                        .map(|n| format!(", mis en relation par {n}"))
                        .unwrap_or_default()
                ),
                String::new(),
                String::new(),
                "1".into(),
            ]);
        }
        let headers = ["Rubrique", "Élément", "Rencontres", "Heures", "Liens"];
        let bytes = match crate::tabular::FileFormat::from_path(path)? {
            crate::tabular::FileFormat::Csv => crate::tabular::write_csv(&headers, &rows)?,
            crate::tabular::FileFormat::Xlsx => {
                crate::tabular::write_xlsx("Valorisation", &headers, &rows)?
            }
        };
        crate::exchange::write_whole(path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Store {
        let mut s = Store::open_in_memory().unwrap();
        crate::demo::populate(&mut s).unwrap();
        s
    }

    #[test]
    fn card_gathers_links_meetings_actions_fundings_and_introductions() {
        let s = demo();
        // The actor with the most links in the demo.
        let actors = s.list_actors().unwrap();
        let (best, _) = actors
            .iter()
            .map(|a| (a.id, s.links_of(a.id).unwrap().len()))
            .max_by_key(|x| x.1)
            .unwrap();
        let card = s.actor_card(best).unwrap();
        assert_eq!(card.links.len(), s.links_of(best).unwrap().len());
        for l in &card.links {
            assert_ne!(l.other_id, best);
            assert!(!l.other_name.is_empty());
        }
        let meetings_with: usize = s
            .list_meetings()
            .unwrap()
            .iter()
            .filter(|m| m.actor_ids.contains(&best))
            .count();
        assert_eq!(card.meetings.len(), meetings_with);
        let leads = s
            .list_actions()
            .unwrap()
            .into_iter()
            .filter(|a| a.lead_actor_id == Some(best))
            .count();
        assert_eq!(card.actions.iter().filter(|a| a.lead).count(), leads);
        // Every introduction recorded in the demo shows on its introducer's card.
        let introduced: Vec<(i64, i64)> = s
            .list_links()
            .unwrap()
            .into_iter()
            .filter_map(|l| match l.introduced_by {
                Some(Introducer::Actor(a)) => Some((a, l.id)),
                _ => None,
            })
            .collect();
        for (a, link) in introduced {
            assert!(s
                .actor_card(a)
                .unwrap()
                .introductions
                .iter()
                .any(|i| i.link_id == link));
        }
        assert_eq!(s.actor_card(999_999).unwrap_err().kind(), "not_found");
    }

    #[test]
    fn valorisation_counts_meetings_hours_and_new_links_in_the_period() {
        let s = demo();
        let all = s.valorisation(None, None).unwrap();
        let meetings = s.list_meetings().unwrap();
        assert_eq!(all.meetings as usize, meetings.len());
        assert_eq!(
            all.minutes,
            meetings.iter().map(|m| m.minutes_spent).sum::<i64>()
        );
        assert_eq!(
            all.by_practice.iter().map(|r| r.meetings).sum::<i64>(),
            all.meetings,
            "each meeting has one practice (or none)"
        );
        assert_eq!(all.new_links.len(), s.list_links().unwrap().len());
        let introduced = all
            .new_links
            .iter()
            .filter(|l| l.introduced_by.is_some())
            .count() as i64;
        assert_eq!(
            all.by_introducer.iter().map(|i| i.links).sum::<i64>(),
            introduced
        );
        // One year only.
        let y = s
            .valorisation(Some("2025-01-01".into()), Some("2025-12-31".into()))
            .unwrap();
        let in_2025: Vec<_> = meetings
            .iter()
            .filter(|m| m.date.starts_with("2025"))
            .collect();
        assert_eq!(y.meetings as usize, in_2025.len());
        assert_eq!(
            y.minutes,
            in_2025.iter().map(|m| m.minutes_spent).sum::<i64>()
        );
        for l in &y.new_links {
            assert!(l.date.starts_with("2025"), "{l:?}");
        }
        let e = s
            .valorisation(Some("2026-01-01".into()), Some("2025-01-01".into()))
            .unwrap_err();
        assert_eq!(e.code(), Some("period.order"));
        let e = s.valorisation(Some("12/01/2025".into()), None).unwrap_err();
        assert_eq!(e.field(), Some("from"));
    }

    #[test]
    fn valorisation_exports_as_csv() {
        let s = demo();
        let v = s.valorisation(None, None).unwrap();
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("valorisation.csv");
        s.export_valorisation(&v, &path).unwrap();
        let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
        assert!(text.starts_with("\u{feff}Rubrique;Élément;Rencontres;Heures;Liens\r\n"));
        assert!(text.contains("Pratique;Dialogue territorial;"));
        assert!(text.contains("Nouveau lien;"));
    }
}
