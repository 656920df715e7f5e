//! The valorisation report: meetings, time spent and links made over a period, by practice,
//! monde and team member; its CSV export.

use crate::db::store::Store;
use crate::shared::domain::{Coded, LinkNature, Practice, World};
use crate::shared::error::{CoreError, CoreResult};
use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

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
                            crate::shared::domain::truncate_for_message(s)
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
        let by_practice = self.time_by_practice(&a, &b)?;
        let by_world = self.time_by_world(&a, &b)?;
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

    /// Rows `(key, meetings, minutes)` of a grouping query on the meetings from `a` to `b`.
    fn period_rows(&self, sql: &str, a: &str, b: &str) -> CoreResult<Vec<(String, i64, i64)>> {
        let mut st = self.conn.prepare(sql)?;
        let rows = st.query_map([a, b], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Meetings and time per practice from `a` to `b`, in the order of the practices.
    fn time_by_practice(&self, a: &str, b: &str) -> CoreResult<Vec<ValorisationRow>> {
        let by_practice = self.period_rows(
            "SELECT coalesce(practice, 'none'), count(*), sum(minutes_spent) FROM meeting
             WHERE date BETWEEN ?1 AND ?2 GROUP BY 1",
            a,
            b,
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
        Ok(by_practice)
    }

    /// Meetings and time per monde of the actors met from `a` to `b`, in the order of the
    /// mondes (a meeting with several mondes counts for each).
    fn time_by_world(&self, a: &str, b: &str) -> CoreResult<Vec<ValorisationRow>> {
        let by_world = self.period_rows(
            "SELECT w, count(*), sum(minutes_spent) FROM (
                 SELECT DISTINCT m.id, m.minutes_spent, a.world AS w FROM meeting m
                 JOIN meeting_actor ma ON ma.meeting_id = m.id JOIN actor a ON a.id = ma.actor_id
                 WHERE m.date BETWEEN ?1 AND ?2) GROUP BY w",
            a,
            b,
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
        Ok(by_world)
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
        let hours = crate::shared::sheet::format_hours;
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
        let bytes = match crate::shared::sheet::FileFormat::from_path(path)? {
            crate::shared::sheet::FileFormat::Csv => {
                crate::shared::sheet::write_csv(&headers, &rows)?
            }
            crate::shared::sheet::FileFormat::Xlsx => {
                crate::shared::sheet::write_xlsx("Valorisation", &headers, &rows)?
            }
        };
        crate::shared::sheet::write_whole(path, &bytes)
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
}
