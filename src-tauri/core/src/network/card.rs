//! The actor card ("fiche repères"): the actor, its contacts and profile, and a page of each
//! of its lists (links, meetings, actions, funding, introductions) with their totals.

use crate::actors::Actor;
use crate::db::store::Store;
use crate::network::{ActorProfile, Contact, Introducer, Link};
use crate::shared::domain::{ActionStatus, FundingStatus, LinkNature, MeetingKind, World};
use crate::shared::error::{CoreError, CoreResult};
use serde::Serialize;
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

/// Rows each list of the card shows at most (the links come in pages of this size).
pub const CARD_SHOWN: u32 = 100;

/// Everything about one actor, stored and computed. Each list holds at most [`CARD_SHOWN`]
/// rows, with its total: a hub of a national network has thousands of links.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ActorCard {
    pub actor: Actor,
    pub profile: ActorProfile,
    pub contacts: Vec<Contact>,
    /// The first page of the links, by the other actor's name.
    pub links: Vec<CardLink>,
    #[ts(type = "number")]
    pub links_total: i64,
    /// The most recent meetings.
    pub meetings: Vec<CardMeeting>,
    #[ts(type = "number")]
    pub meetings_total: i64,
    /// The actions it leads first, then those it is a partner of.
    pub actions: Vec<CardAction>,
    #[ts(type = "number")]
    pub actions_total: i64,
    pub fundings: Vec<CardFunding>,
    #[ts(type = "number")]
    pub fundings_total: i64,
    /// Its links that someone introduced.
    pub introduced: Vec<CardLink>,
    #[ts(type = "number")]
    pub introduced_total: i64,
    /// Links between two other actors that this one introduced.
    pub introductions: Vec<CardIntroduction>,
    #[ts(type = "number")]
    pub introductions_total: i64,
}

impl Store {
    /// An actor's name and monde (empty for an unknown id).
    fn name_and_world(&self, id: i64) -> CoreResult<(String, World)> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .prepare_cached("SELECT name, world FROM actor WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or((String::new(), World::Association)))
    }

    fn introducer_name(&self, by: Option<Introducer>) -> CoreResult<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(match by {
            Some(Introducer::Actor(id)) => Some(self.name_and_world(id)?.0),
            Some(Introducer::Member(id)) => self
                .conn
                .prepare_cached("SELECT name FROM member WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?,
            None => None,
        })
    }

    /// Links of `id` chosen by `filter` (a constant), by the other actor's name, as the card
    /// shows them.
    fn card_links_where(
        &self,
        id: i64,
        filter: &str,
        offset: u32,
        limit: u32,
    ) -> CoreResult<Vec<CardLink>> {
        let sql = format!(
            "SELECT l.id, o.id FROM link l
             JOIN actor o ON o.id = CASE WHEN l.actor_a = ?1 THEN l.actor_b ELSE l.actor_a END
             LEFT JOIN actor_key k ON k.actor_id = o.id
             WHERE (l.actor_a = ?1 OR l.actor_b = ?1) {filter}
             ORDER BY k.sort, o.id, l.id LIMIT ?2 OFFSET ?3"
        );
        let pairs: Vec<(i64, i64)> = {
            let mut st = self.conn.prepare_cached(&sql)?;
            let rows = st.query_map(rusqlite::params![id, limit, offset], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let mut out = Vec::with_capacity(pairs.len());
        for (link_id, other_id) in pairs {
            let link = self.link(link_id)?;
            let (other_name, other_world) = self.name_and_world(other_id)?;
            out.push(CardLink {
                introducer_name: self.introducer_name(link.introduced_by)?,
                other_id,
                other_name,
                other_world,
                link,
            });
        }
        Ok(out)
    }

    /// One page of an actor's links, by the other actor's name (at most `MAX_PAGE`).
    pub fn card_links(&self, id: i64, offset: u32, limit: u32) -> CoreResult<Vec<CardLink>> {
        if limit == 0 || limit > crate::browse::listing::MAX_PAGE {
            return Err(CoreError::validation(
                "limit",
                "list.limit",
                format!(
                    "Une page compte de 1 à {} lignes (demandé : {limit}).",
                    crate::browse::listing::MAX_PAGE
                ),
            ));
        }
        self.actor(id)?;
        self.card_links_where(id, "", offset, limit)
    }

    fn count_of(&self, sql: &str, id: i64) -> CoreResult<i64> {
        Ok(self
            .conn
            .prepare_cached(sql)?
            .query_row([id], |r| r.get(0))?)
    }

    /// The actor card: identity, profile, contacts, and what the workspace says about it.
    pub fn actor_card(&self, id: i64) -> CoreResult<ActorCard> {
        let actor = self.actor(id)?;
        let shown = CARD_SHOWN;
        let links = self.card_links_where(id, "", 0, shown)?;
        let links_total = self.count_of(
            "SELECT count(*) FROM link WHERE actor_a = ?1 OR actor_b = ?1",
            id,
        )?;
        let introduced_filter =
            "AND (l.introduced_by_actor IS NOT NULL OR l.introduced_by_member IS NOT NULL)";
        let introduced = self.card_links_where(id, introduced_filter, 0, shown)?;
        let introduced_total = self.count_of(
            &format!(
                "SELECT count(*) FROM link l WHERE (l.actor_a = ?1 OR l.actor_b = ?1) {introduced_filter}"
            ),
            id,
        )?;
        let (meetings, meetings_total) = self.card_meetings(id, shown)?;
        let (actions, actions_total) = self.card_actions(id, shown)?;
        let (fundings, fundings_total) = self.card_fundings(id, shown)?;
        let (introductions, introductions_total) = self.card_introductions(id, shown)?;
        Ok(ActorCard {
            profile: self.actor_profile(id)?,
            contacts: self.list_contacts(id)?,
            actor,
            links,
            links_total,
            meetings,
            meetings_total,
            actions,
            actions_total,
            fundings,
            fundings_total,
            introduced,
            introduced_total,
            introductions,
            introductions_total,
        })
    }

    /// The actor's most recent meetings (at most `shown`), and their total.
    fn card_meetings(&self, id: i64, shown: u32) -> CoreResult<(Vec<CardMeeting>, i64)> {
        let mut st = self.conn.prepare_cached(
            "SELECT m.id, m.date, m.kind, m.title FROM meeting m JOIN meeting_actor ma ON ma.meeting_id = m.id
             WHERE ma.actor_id = ?1 ORDER BY m.date DESC, m.id DESC LIMIT ?2",
        )?;
        let meetings = st
            .query_map(rusqlite::params![id, shown], |r| {
                Ok(CardMeeting {
                    id: r.get(0)?,
                    date: r.get(1)?,
                    kind: r.get(2)?,
                    title: r.get(3)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let meetings_total =
            self.count_of("SELECT count(*) FROM meeting_actor WHERE actor_id = ?1", id)?;
        Ok((meetings, meetings_total))
    }

    /// The actions the actor leads, then those it is a partner of (at most `shown`), and their
    /// total.
    fn card_actions(&self, id: i64, shown: u32) -> CoreResult<(Vec<CardAction>, i64)> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, title, status, 1, '' FROM action WHERE lead_actor_id = ?1
             UNION ALL
             SELECT a.id, a.title, a.status, 0, p.role FROM action a JOIN action_partner p ON p.action_id = a.id
             WHERE p.actor_id = ?1
             ORDER BY 4 DESC, 2 COLLATE NOCASE LIMIT ?2",
        )?;
        let actions = st
            .query_map(rusqlite::params![id, shown], |r| {
                Ok(CardAction {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    status: r.get(2)?,
                    lead: r.get(3)?,
                    role: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let actions_total = self.count_of(
            "SELECT (SELECT count(*) FROM action WHERE lead_actor_id = ?1)
                  + (SELECT count(*) FROM action_partner WHERE actor_id = ?1)",
            id,
        )?;
        Ok((actions, actions_total))
    }

    /// The funding lines the actor gives (at most `shown`), and their total.
    fn card_fundings(&self, id: i64, shown: u32) -> CoreResult<(Vec<CardFunding>, i64)> {
        let mut st = self.conn.prepare_cached(
            "SELECT a.id, a.title, f.scheme, f.amount_cents, f.status FROM funding f JOIN action a ON a.id = f.action_id
             WHERE f.funder_id = ?1 ORDER BY a.title COLLATE NOCASE, f.id LIMIT ?2",
        )?;
        let fundings = st
            .query_map(rusqlite::params![id, shown], |r| {
                Ok(CardFunding {
                    action_id: r.get(0)?,
                    action_title: r.get(1)?,
                    scheme: r.get(2)?,
                    amount_cents: r.get(3)?,
                    status: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let fundings_total =
            self.count_of("SELECT count(*) FROM funding WHERE funder_id = ?1", id)?;
        Ok((fundings, fundings_total))
    }

    /// The links between two other actors that this one introduced (at most `shown`), and
    /// their total.
    fn card_introductions(&self, id: i64, shown: u32) -> CoreResult<(Vec<CardIntroduction>, i64)> {
        let pairs: Vec<(i64, i64, i64, LinkNature)> = {
            let mut st = self.conn.prepare_cached(
                "SELECT id, actor_a, actor_b, nature FROM link WHERE introduced_by_actor = ?1 ORDER BY id LIMIT ?2",
            )?;
            let rows = st.query_map(rusqlite::params![id, shown], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let mut introductions = Vec::with_capacity(pairs.len());
        for (link_id, a, b, nature) in pairs {
            introductions.push(CardIntroduction {
                link_id,
                a_id: a,
                a_name: self.name_and_world(a)?.0,
                b_id: b,
                b_name: self.name_and_world(b)?.0,
                nature,
            });
        }
        let introductions_total = self.count_of(
            "SELECT count(*) FROM link WHERE introduced_by_actor = ?1",
            id,
        )?;
        Ok((introductions, introductions_total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::testing::many_actors;

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
    fn the_card_of_a_hub_shows_a_page_of_each_list_with_its_total() {
        let mut s = Store::open_in_memory().unwrap();
        let ids = many_actors(&mut s, 400, 0);
        let links: Vec<crate::network::LinkInput> = (1..ids.len())
            .map(|i| crate::network::LinkInput {
                actor_a: if i % 2 == 0 { ids[0] } else { ids[i] },
                actor_b: if i % 2 == 0 { ids[i] } else { ids[0] },
                nature: "dialogue".into(),
                strength: 1,
                since: None,
                notes: String::new(),
                introduced_by: (i % 3 == 1).then_some(crate::network::Introducer::Actor(ids[399])),
                meeting_id: None,
            })
            .collect();
        s.insert_links_bulk(&links).unwrap();
        let card = s.actor_card(ids[0]).unwrap();
        assert_eq!(
            (card.links.len(), card.links_total),
            (CARD_SHOWN as usize, 399)
        );
        assert_eq!(
            (card.introduced.len(), card.introduced_total),
            (CARD_SHOWN as usize, 133)
        );
        assert!(card
            .introduced
            .iter()
            .all(|l| l.introducer_name.as_deref() == Some("Acteur 0399")));
        // The links by the other actor's name, page after page, each once.
        let mut all: Vec<String> = card.links.iter().map(|l| l.other_name.clone()).collect();
        let mut offset = CARD_SHOWN;
        loop {
            let page = s.card_links(ids[0], offset, CARD_SHOWN).unwrap();
            if page.is_empty() {
                break;
            }
            offset += page.len() as u32;
            all.extend(page.into_iter().map(|l| l.other_name));
        }
        assert_eq!(all.len(), 399);
        assert!(all.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
        assert!(!all.contains(&"Acteur 0000".to_string()));
        // The introducer's card counts what it introduced and shows the first ones.
        let hub = s.actor_card(ids[399]).unwrap();
        assert_eq!(
            (hub.introductions.len(), hub.introductions_total),
            (CARD_SHOWN as usize, 133)
        );
        assert!(s.card_links(ids[0], 0, 0).is_err());
        assert!(s.card_links(999_999, 0, 10).is_err());
    }
}
