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
        if limit == 0 || limit > crate::listing::MAX_PAGE {
            return Err(CoreError::validation(
                "limit",
                "list.limit",
                format!(
                    "Une page compte de 1 à {} lignes (demandé : {limit}).",
                    crate::listing::MAX_PAGE
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

/// Actors shown in each cell of the matrix, and in the list of actors not placed yet: a
/// country's network must not put 100,000 buttons in the page.
pub const MATRIX_SHOWN: u32 = 40;

/// One cell of the influence / interest matrix: how many actors are there, and the first of
/// them by name.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MatrixCell {
    #[ts(type = "number")]
    pub influence: i64,
    #[ts(type = "number")]
    pub interest: i64,
    #[ts(type = "number")]
    pub count: i64,
    /// At most [`MATRIX_SHOWN`], alphabetically (folded).
    pub actors: Vec<MatrixActor>,
}

/// The influence / interest matrix, counted in SQL, with the first actors of each cell.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct InfluenceMatrix {
    #[ts(type = "number")]
    pub total: i64,
    /// The cells that hold actors, by influence then interest.
    pub cells: Vec<MatrixCell>,
    /// Actors with no influence or no interest yet.
    #[ts(type = "number")]
    pub unplaced: i64,
    /// The first of them alphabetically (at most [`MATRIX_SHOWN`]).
    pub unplaced_first: Vec<MatrixActor>,
}

impl Store {
    /// The influence / interest matrix: every cell's count, and the first actors of each cell
    /// and of those not placed yet (at most [`MATRIX_SHOWN`] each, alphabetically).
    pub fn influence_matrix(&self) -> CoreResult<InfluenceMatrix> {
        let actor = |r: &rusqlite::Row| -> rusqlite::Result<MatrixActor> {
            Ok(MatrixActor {
                id: r.get(0)?,
                name: r.get(1)?,
                world: r.get(2)?,
                influence: r.get(3)?,
                interest: r.get(4)?,
            })
        };
        let total: i64 = self
            .conn
            .query_row("SELECT count(*) FROM actor", [], |r| r.get(0))?;
        let mut cells: Vec<MatrixCell> = Vec::new();
        let mut st = self.conn.prepare_cached(
            "SELECT influence, interest, count(*) FROM actor
             WHERE influence IS NOT NULL AND interest IS NOT NULL
             GROUP BY influence, interest ORDER BY influence DESC, interest",
        )?;
        for row in st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
            let (influence, interest, count) = row?;
            cells.push(MatrixCell {
                influence,
                interest,
                count,
                actors: Vec::new(),
            });
        }
        let mut st = self.conn.prepare_cached(
            "SELECT id, name, world, influence, interest FROM (
                 SELECT a.id, a.name, a.world, a.influence, a.interest,
                        row_number() OVER (PARTITION BY a.influence, a.interest
                                           ORDER BY k.sort, a.id) AS rank
                 FROM actor a JOIN actor_key k ON k.actor_id = a.id
                 WHERE a.influence IS NOT NULL AND a.interest IS NOT NULL)
             WHERE rank <= ?1 ORDER BY influence DESC, interest, rank",
        )?;
        for row in st.query_map([MATRIX_SHOWN], actor)? {
            let a = row?;
            if let Some(cell) = cells
                .iter_mut()
                .find(|c| Some(c.influence) == a.influence && Some(c.interest) == a.interest)
            {
                cell.actors.push(a);
            }
        }
        let unplaced: i64 = self.conn.query_row(
            "SELECT count(*) FROM actor WHERE influence IS NULL OR interest IS NULL",
            [],
            |r| r.get(0),
        )?;
        let mut st = self.conn.prepare_cached(
            "SELECT a.id, a.name, a.world, a.influence, a.interest
             FROM actor_key k JOIN actor a ON a.id = k.actor_id
             WHERE a.influence IS NULL OR a.interest IS NULL
             ORDER BY k.sort, k.actor_id LIMIT ?1",
        )?;
        let unplaced_first = st
            .query_map([MATRIX_SHOWN], actor)?
            .collect::<Result<_, _>>()?;
        Ok(InfluenceMatrix {
            total,
            cells,
            unplaced,
            unplaced_first,
        })
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
    /// How many links were made in the period.
    #[ts(type = "number")]
    pub new_links_total: i64,
    /// How many of them someone introduced.
    #[ts(type = "number")]
    pub introduced_total: i64,
    /// The most recent of them (at most [`VALORISATION_LINKS_SHOWN`]), oldest first; the
    /// export lists them all.
    pub new_links: Vec<NewLink>,
    /// Who introduced how many, most first (at most [`VALORISATION_LINKS_SHOWN`]).
    pub by_introducer: Vec<IntroducerCount>,
}

/// New links and introducers the report shows on screen; its export has them all.
pub const VALORISATION_LINKS_SHOWN: u32 = 200;

/// The links made in a period (`a`..=`b`), read with their actors' and introducers' names.
const NEW_LINKS_SQL: &str = "
    SELECT l.id, x.name, y.name, l.nature, coalesce(l.since, substr(l.created_at, 1, 10)) AS d,
           coalesce(ia.name, im.name)
    FROM link l JOIN actor x ON x.id = l.actor_a JOIN actor y ON y.id = l.actor_b
    LEFT JOIN actor ia ON ia.id = l.introduced_by_actor
    LEFT JOIN member im ON im.id = l.introduced_by_member
    WHERE coalesce(l.since, substr(l.created_at, 1, 10)) BETWEEN ?1 AND ?2";

fn new_link(r: &rusqlite::Row) -> rusqlite::Result<NewLink> {
    Ok(NewLink {
        id: r.get(0)?,
        a_name: r.get(1)?,
        b_name: r.get(2)?,
        nature: r.get(3)?,
        date: r.get(4)?,
        introduced_by: r.get(5)?,
    })
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
        let (new_links_total, introduced_total): (i64, i64) = self.conn.query_row(
            "SELECT count(*), count(introduced_by_actor) + count(introduced_by_member) FROM link
             WHERE coalesce(since, substr(created_at, 1, 10)) BETWEEN ?1 AND ?2",
            [&a, &b],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut st = self.conn.prepare_cached(&format!(
            "{NEW_LINKS_SQL} ORDER BY d DESC, l.id DESC LIMIT ?3"
        ))?;
        let mut new_links = st
            .query_map(
                rusqlite::params![&a, &b, VALORISATION_LINKS_SHOWN],
                new_link,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        new_links.reverse();
        let by_introducer = self.introducers(&a, &b, i64::from(VALORISATION_LINKS_SHOWN))?;
        Ok(Valorisation {
            from,
            to,
            meetings,
            minutes,
            by_practice,
            by_world,
            by_member,
            new_links_total,
            introduced_total,
            new_links,
            by_introducer,
        })
    }

    /// Who introduced how many of the links made from `a` to `b`, most first (`limit` -1:
    /// all of them).
    fn introducers(&self, a: &str, b: &str, limit: i64) -> CoreResult<Vec<IntroducerCount>> {
        let mut st = self.conn.prepare_cached(
            "SELECT coalesce(ia.name, im.name) AS name,
                    CASE WHEN l.introduced_by_actor IS NOT NULL THEN 'actor' ELSE 'member' END AS kind,
                    count(*) AS n
             FROM link l
             LEFT JOIN actor ia ON ia.id = l.introduced_by_actor
             LEFT JOIN member im ON im.id = l.introduced_by_member
             WHERE (l.introduced_by_actor IS NOT NULL OR l.introduced_by_member IS NOT NULL)
               AND coalesce(l.since, substr(l.created_at, 1, 10)) BETWEEN ?1 AND ?2
             GROUP BY coalesce(l.introduced_by_actor, -l.introduced_by_member), kind
             ORDER BY n DESC, name LIMIT ?3",
        )?;
        let rows = st.query_map(rusqlite::params![a, b, limit], |r| {
            Ok(IntroducerCount {
                name: r.get(0)?,
                kind: r.get(1)?,
                links: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Every introducer and every new link of a report's period (for its export).
    fn valorisation_in_full(
        &self,
        v: &Valorisation,
    ) -> CoreResult<(Vec<IntroducerCount>, Vec<NewLink>)> {
        let (a, b) = period(&v.from, &v.to)?;
        let mut st = self
            .conn
            .prepare(&format!("{NEW_LINKS_SQL} ORDER BY d, l.id"))?;
        let links = st
            .query_map([&a, &b], new_link)?
            .collect::<Result<Vec<_>, _>>()?;
        let introducers = self.introducers(&a, &b, -1)?;
        Ok((introducers, links))
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
            v.new_links_total.to_string(),
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
        // The export has every introducer and every new link, not only those shown.
        let full = self.valorisation_in_full(v)?;
        for i in &full.0 {
            rows.push(vec![
                "Mises en relation".into(),
                i.name.clone(),
                String::new(),
                String::new(),
                i.links.to_string(),
            ]);
        }
        for l in &full.1 {
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
        assert_eq!(all.new_links_total as usize, all.new_links.len());
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

    /// `n` actors named « Acteur NNNN » (bulk), the first `placed` of them on the matrix at
    /// influence 1 + i % 5, interest 5 - i % 5.
    fn many_actors(s: &mut Store, n: usize, placed: usize) -> Vec<i64> {
        let actors: Vec<crate::domain::ActorInput> = (0..n)
            .map(|i| crate::domain::ActorInput {
                name: format!("Acteur {i:04}"),
                world: "business".into(),
                commune: String::new(),
                engagement: "informed".into(),
                notes: String::new(),
            })
            .collect();
        let ids = s.insert_actors_bulk(&actors).unwrap();
        for (i, id) in ids.iter().take(placed).enumerate() {
            s.conn
                .execute(
                    "UPDATE actor SET influence = ?1, interest = ?2 WHERE id = ?3",
                    rusqlite::params![(1 + i % 5) as i64, (5 - i % 5) as i64, id],
                )
                .unwrap();
        }
        ids
    }

    #[test]
    fn the_matrix_counts_every_cell_in_sql_and_shows_the_first_actors_of_each() {
        let mut s = Store::open_in_memory().unwrap();
        let m = s.influence_matrix().unwrap();
        assert_eq!((m.total, m.unplaced, m.cells.len()), (0, 0, 0));
        many_actors(&mut s, 1_000, 600);
        let m = s.influence_matrix().unwrap();
        assert_eq!(m.total, 1_000);
        assert_eq!(m.unplaced, 400);
        assert_eq!(m.unplaced_first.len(), MATRIX_SHOWN as usize);
        assert_eq!(m.unplaced_first[0].name, "Acteur 0600", "alphabetical");
        // Five cells of 120 actors each, the first MATRIX_SHOWN of each by name.
        assert_eq!(m.cells.len(), 5);
        assert_eq!(m.cells.iter().map(|c| c.count).sum::<i64>(), 600);
        assert_eq!(
            (m.cells[0].influence, m.cells[0].interest),
            (5, 1),
            "strongest influence first"
        );
        for c in &m.cells {
            assert_eq!(c.count, 120);
            assert_eq!(c.actors.len(), MATRIX_SHOWN as usize);
            assert!(c
                .actors
                .iter()
                .all(|a| a.influence == Some(c.influence) && a.interest == Some(c.interest)));
            let names: Vec<&str> = c.actors.iter().map(|a| a.name.as_str()).collect();
            let mut sorted = names.clone();
            sorted.sort();
            assert_eq!(names, sorted);
        }
        assert_eq!(m.cells[4].actors[0].name, "Acteur 0000");
    }

    #[test]
    fn valorisation_shows_the_latest_links_and_counts_them_all_and_its_export_lists_them_all() {
        let mut s = Store::open_in_memory().unwrap();
        let ids = many_actors(&mut s, 400, 0);
        let member = s
            .create_member(&crate::network::MemberInput {
                name: "Claire Vasseur".into(),
                role: String::new(),
                structure: String::new(),
                is_user: false,
            })
            .unwrap()
            .id;
        let links: Vec<crate::network::LinkInput> = (1..ids.len())
            .map(|i| crate::network::LinkInput {
                actor_a: ids[0],
                actor_b: ids[i],
                nature: "dialogue".into(),
                strength: 1,
                since: Some(format!("2025-01-{:02}", 1 + i % 28)),
                notes: String::new(),
                introduced_by: match i % 3 {
                    0 => Some(crate::network::Introducer::Member(member)),
                    1 => Some(crate::network::Introducer::Actor(ids[399])),
                    _ => None,
                },
                meeting_id: None,
            })
            .collect();
        s.insert_links_bulk(&links).unwrap();
        let v = s.valorisation(None, None).unwrap();
        assert_eq!(v.new_links_total, 399);
        assert_eq!(v.new_links.len(), VALORISATION_LINKS_SHOWN as usize);
        assert_eq!(v.introduced_total, 266);
        let dates: Vec<&str> = v.new_links.iter().map(|l| l.date.as_str()).collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "oldest first");
        assert_eq!(*dates.last().unwrap(), "2025-01-28", "the latest are shown");
        assert_eq!(v.new_links[0].a_name, "Acteur 0000");
        assert_eq!(
            v.by_introducer
                .iter()
                .map(|i| (i.name.as_str(), i.kind.as_str(), i.links))
                .collect::<Vec<_>>(),
            [
                ("Acteur 0399", "actor", 133),
                ("Claire Vasseur", "member", 133)
            ]
        );
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("valorisation.csv");
        s.export_valorisation(&v, &path).unwrap();
        let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(
            text.matches("Nouveau lien;").count(),
            399,
            "the export has them all"
        );
        assert!(text.contains("Mises en relation;Claire Vasseur;;;133"));
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
