//! The meetings list, most recent first, filtered and paged in SQL on `meeting_key`.

use crate::actors::listing::ActorChoice;
use crate::browse::listing::*;
use crate::db::store::Store;
use crate::network::Meeting;
use crate::shared::error::CoreResult;
use crate::shared::text::fold;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One page of the meetings list, most recent first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MeetingListQuery {
    /// Found anywhere in the title, ignoring case and accents.
    pub filter: String,
    #[ts(type = "number")]
    pub offset: u32,
    #[ts(type = "number")]
    pub limit: u32,
    /// Whether to count the meetings and the hours of the matches.
    pub count: bool,
}

/// A meeting with its participants' names, as a list row.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MeetingRow {
    pub meeting: Meeting,
    /// The actors who took part, by name.
    pub actors: Vec<ActorChoice>,
    /// The team members who took part, by name.
    pub members: Vec<String>,
}

/// A page of meetings.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MeetingListPage {
    #[ts(type = "number | null")]
    pub total: Option<i64>,
    #[ts(type = "number | null")]
    pub matched: Option<i64>,
    /// Minutes spent in the matching meetings (when counted).
    #[ts(type = "number | null")]
    pub matched_minutes: Option<i64>,
    #[ts(type = "number")]
    pub offset: u32,
    pub rows: Vec<MeetingRow>,
}

impl Store {
    /// One page of the meetings list, most recent first, filtered on the title in SQL.
    pub fn meeting_page(&self, q: &MeetingListQuery) -> CoreResult<MeetingListPage> {
        check_page(q.offset, q.limit, &q.filter)?;
        let filter = fold(&q.filter);
        let ids: Vec<i64> = {
            let mut st = self.conn.prepare_cached(
                "SELECT meeting_id FROM meeting_key WHERE ?1 = '' OR instr(title, ?1) > 0
                 ORDER BY date DESC, meeting_id DESC LIMIT ?2 OFFSET ?3",
            )?;
            let rows = st.query_map(params![filter, q.limit, q.offset], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            let meeting = self.meeting(id)?;
            let actors = {
                let mut st = self.conn.prepare_cached(
                    "SELECT a.id, a.name, a.commune, a.world FROM meeting_actor ma
                     JOIN actor a ON a.id = ma.actor_id JOIN actor_key k ON k.actor_id = a.id
                     WHERE ma.meeting_id = ?1 ORDER BY k.sort, a.id",
                )?;
                let r = st.query_map([id], |r| {
                    Ok(ActorChoice {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        commune: r.get(2)?,
                        world: r.get(3)?,
                    })
                })?;
                r.collect::<Result<Vec<_>, _>>()?
            };
            let members = {
                let mut st = self.conn.prepare_cached(
                    "SELECT m.name FROM meeting_member mm JOIN member m ON m.id = mm.member_id
                     WHERE mm.meeting_id = ?1 ORDER BY m.name COLLATE NOCASE, m.id",
                )?;
                let r = st.query_map([id], |r| r.get(0))?;
                r.collect::<Result<Vec<String>, _>>()?
            };
            rows.push(MeetingRow {
                meeting,
                actors,
                members,
            });
        }
        let (total, matched, matched_minutes) = if q.count {
            let total: i64 = self
                .conn
                .query_row("SELECT count(*) FROM meeting_key", [], |r| r.get(0))?;
            let (matched, minutes): (i64, i64) = if q.offset == 0
                && q.limit > 0
                && rows.len() < q.limit as usize
            {
                // Every match is on this first page: counted and summed from it.
                (
                    rows.len() as i64,
                    rows.iter().map(|r| r.meeting.minutes_spent).sum(),
                )
            } else {
                self.conn
                        .prepare_cached(
                            "SELECT count(*), coalesce(sum(m.minutes_spent), 0) FROM meeting m
                             WHERE ?1 = '' OR m.id IN (SELECT meeting_id FROM meeting_key WHERE instr(title, ?1) > 0)",
                        )?
                        .query_row([&filter], |r| Ok((r.get(0)?, r.get(1)?)))?
            };
            (Some(total), Some(matched), Some(minutes))
        } else {
            (None, None, None)
        };
        Ok(MeetingListPage {
            total,
            matched,
            matched_minutes,
            offset: q.offset,
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meetings_are_paged_most_recent_first_and_filtered() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut s = crate::demo::write_demo(&dir.path().join("d.catalyse")).unwrap();
        let all = s.list_meetings().unwrap();
        let q = MeetingListQuery {
            filter: String::new(),
            offset: 0,
            limit: 3,
            count: true,
        };
        let p = s.meeting_page(&q).unwrap();
        assert_eq!(p.total, Some(all.len() as i64));
        assert_eq!(
            p.rows.iter().map(|r| r.meeting.id).collect::<Vec<_>>(),
            all.iter().take(3).map(|m| m.id).collect::<Vec<_>>()
        );
        assert_eq!(
            p.matched_minutes,
            Some(all.iter().map(|m| m.minutes_spent).sum())
        );
        let first = &all[0];
        assert_eq!(
            p.rows[0]
                .actors
                .iter()
                .map(|a| a.id)
                .collect::<Vec<_>>()
                .len(),
            first.actor_ids.len()
        );
        // Accent- and case-insensitive on the title.
        let word = fold(first.title.split(' ').next().unwrap()).to_uppercase();
        let f = s
            .meeting_page(&MeetingListQuery {
                filter: word,
                ..q.clone()
            })
            .unwrap();
        assert!(f.matched.unwrap() >= 1);
        assert!(f.rows.iter().any(|r| r.meeting.id == first.id));
        // Keys follow a deletion.
        s.delete_meeting(first.id).unwrap();
        assert_eq!(
            s.meeting_page(&q).unwrap().total,
            Some(all.len() as i64 - 1)
        );
    }
}
