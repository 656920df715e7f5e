//! The workspace's home screen, computed from the data: actions by status and by practice,
//! funding acquired against what is needed, and the next deadlines.

use crate::db::store::Store;
use crate::shared::domain::{ActionStatus, FundingStatus, Practice};
use crate::shared::error::CoreResult;
use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

/// How many records share a code (`none` when the field is not set).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CodeCount {
    pub code: String,
    #[ts(type = "number")]
    pub count: i64,
}

/// A dated event to come.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Deadline {
    pub date: String,
    /// `action_end`, `funding_request` or `funding_decision`.
    pub kind: String,
    #[ts(type = "number")]
    pub action_id: i64,
    pub action_title: String,
    /// For funding dates: the funder's name and the scheme.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Dashboard {
    /// Every action status, in order, with its count.
    pub by_status: Vec<CodeCount>,
    /// Every practice, in order, then `none`.
    pub by_practice: Vec<CodeCount>,
    /// Budgets of the actions that are not abandoned.
    #[ts(type = "number")]
    pub budget_cents: i64,
    #[ts(type = "number")]
    pub granted_cents: i64,
    #[ts(type = "number")]
    pub requested_cents: i64,
    #[ts(type = "number")]
    pub considered_cents: i64,
    /// Budget − granted − requested (negative: more funding than budget).
    #[ts(type = "number")]
    pub gap_cents: i64,
    /// The next dated events from `today` on, soonest first.
    pub deadlines: Vec<Deadline>,
    /// Meetings are not recorded yet in this version: the "actors without contact" panel
    /// appears once they are (the UI says so rather than showing an empty list).
    pub meetings_recorded: bool,
}

/// How many deadlines the dashboard lists.
pub const DEADLINES_SHOWN: usize = 8;

impl Store {
    /// The dashboard as of `today`: every figure counted and summed in SQL, and the first
    /// deadlines read in date order, whatever the size of the plan.
    pub fn dashboard(&self, today: NaiveDate) -> CoreResult<Dashboard> {
        let grouped = |sql: &str| -> CoreResult<Vec<(Option<String>, i64)>> {
            let mut st = self.conn.prepare_cached(sql)?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        let statuses = grouped("SELECT status, count(*) FROM action GROUP BY status")?;
        let count_of = |rows: &[(Option<String>, i64)], code: Option<&str>| {
            rows.iter()
                .find(|(c, _)| c.as_deref() == code)
                .map_or(0, |(_, n)| *n)
        };
        let by_status = ActionStatus::ALL
            .iter()
            .map(|s| CodeCount {
                code: s.code().into(),
                count: count_of(&statuses, Some(s.code())),
            })
            .collect();
        let practices = grouped("SELECT practice, count(*) FROM action GROUP BY practice")?;
        let mut by_practice: Vec<CodeCount> = Practice::ALL
            .iter()
            .map(|p| CodeCount {
                code: p.code().into(),
                count: count_of(&practices, Some(p.code())),
            })
            .collect();
        by_practice.push(CodeCount {
            code: "none".into(),
            count: count_of(&practices, None),
        });
        let budget_cents: i64 = self.conn.query_row(
            "SELECT coalesce(sum(budget_cents), 0) FROM action WHERE status <> 'abandoned'",
            [],
            |r| r.get(0),
        )?;
        let sums = grouped(
            "SELECT f.status, sum(f.amount_cents) FROM funding f JOIN action a ON a.id = f.action_id
             WHERE a.status <> 'abandoned' GROUP BY f.status",
        )?;
        let granted = count_of(&sums, Some(FundingStatus::Granted.code()));
        let requested = count_of(&sums, Some(FundingStatus::Requested.code()));
        let considered = count_of(&sums, Some(FundingStatus::Considered.code()));

        let deadlines = self.deadlines(today)?;
        Ok(Dashboard {
            by_status,
            by_practice,
            budget_cents,
            granted_cents: granted,
            requested_cents: requested,
            considered_cents: considered,
            gap_cents: budget_cents - granted - requested,
            deadlines,
            meetings_recorded: false,
        })
    }

    /// The first deadlines of each kind from `today`, merged in date order: actions' ends,
    /// funding to ask for and funding decisions.
    fn deadlines(&self, today: NaiveDate) -> CoreResult<Vec<Deadline>> {
        let today_text = today.format("%Y-%m-%d").to_string();
        // The first deadlines of each kind, merged in date order.
        let shown = DEADLINES_SHOWN as i64;
        let mut deadlines = Vec::new();
        {
            let mut st = self.conn.prepare_cached(
                "SELECT id, title, end_date FROM action
                 WHERE end_date >= ?1 AND status <> 'abandoned'
                 ORDER BY end_date, title, position, id LIMIT ?2",
            )?;
            let rows = st.query_map(rusqlite::params![today_text, shown], |r| {
                Ok(Deadline {
                    action_id: r.get(0)?,
                    action_title: r.get(1)?,
                    date: r.get(2)?,
                    kind: "action_end".into(),
                    detail: String::new(),
                })
            })?;
            for d in rows {
                deadlines.push(d?);
            }
        }
        // Asking for funding matters while it is only considered; its decision while it is
        // considered or requested.
        for (kind, column, statuses) in [
            ("funding_request", "requested_on", "('considered')"),
            (
                "funding_decision",
                "decision_on",
                "('requested', 'considered')",
            ),
        ] {
            // `column` and `statuses` are constants of this function, never input.
            let mut st = self.conn.prepare_cached(&format!(
                "SELECT f.action_id, a.title, coalesce(p.name, ''), f.scheme, f.{column}
                 FROM funding f JOIN action a ON a.id = f.action_id LEFT JOIN actor p ON p.id = f.funder_id
                 WHERE f.status IN {statuses} AND a.status <> 'abandoned' AND f.{column} >= ?1
                 ORDER BY f.{column}, a.title, f.id LIMIT ?2"
            ))?;
            let rows = st.query_map(rusqlite::params![today_text, shown], |r| {
                let funder: String = r.get(2)?;
                let scheme: String = r.get(3)?;
                Ok(Deadline {
                    action_id: r.get(0)?,
                    action_title: r.get(1)?,
                    date: r.get(4)?,
                    kind: kind.into(),
                    detail: [funder, scheme]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" · "),
                })
            })?;
            for d in rows {
                deadlines.push(d?);
            }
        }
        deadlines.sort_by(|a, b| {
            a.date
                .cmp(&b.date)
                .then(a.action_title.cmp(&b.action_title))
        });
        deadlines.truncate(DEADLINES_SHOWN);
        Ok(deadlines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dashboard computed the straightforward way, from every action in memory: the
    /// oracle the SQL version is checked against.
    fn dashboard_by_hand(s: &Store, today: NaiveDate) -> CoreResult<Dashboard> {
        let actions = s.list_actions()?;
        let count = |f: &dyn Fn(&crate::plan::Action) -> bool| {
            actions.iter().filter(|a| f(a)).count() as i64
        };
        let by_status = ActionStatus::ALL
            .iter()
            .map(|s| CodeCount {
                code: s.code().into(),
                count: count(&|a| a.status == *s),
            })
            .collect();
        let mut by_practice: Vec<CodeCount> = Practice::ALL
            .iter()
            .map(|p| CodeCount {
                code: p.code().into(),
                count: count(&|a| a.practice == Some(*p)),
            })
            .collect();
        by_practice.push(CodeCount {
            code: "none".into(),
            count: count(&|a| a.practice.is_none()),
        });
        let live: Vec<_> = actions
            .iter()
            .filter(|a| a.status != ActionStatus::Abandoned)
            .collect();
        let budget_cents: i64 = live.iter().filter_map(|a| a.budget_cents).sum();
        let (mut granted, mut requested, mut considered) = (0, 0, 0);
        let today_text = today.format("%Y-%m-%d").to_string();
        let mut deadlines = Vec::new();
        for a in &actions {
            if let Some(end) = &a.end_date {
                if *end >= today_text && a.status != ActionStatus::Abandoned {
                    deadlines.push(Deadline {
                        date: end.clone(),
                        kind: "action_end".into(),
                        action_id: a.id,
                        action_title: a.title.clone(),
                        detail: String::new(),
                    });
                }
            }
        }
        let mut st = s.conn.prepare_cached(
            "SELECT f.action_id, a.title, a.status, coalesce(p.name, ''), f.scheme, f.amount_cents, f.status,
                    f.requested_on, f.decision_on
             FROM funding f JOIN action a ON a.id = f.action_id LEFT JOIN actor p ON p.id = f.funder_id",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, ActionStatus>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, FundingStatus>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })?;
        for row in rows {
            let (action_id, title, action_status, funder, scheme, amount, status, req, dec) = row?;
            if action_status != ActionStatus::Abandoned {
                match status {
                    FundingStatus::Granted => granted += amount,
                    FundingStatus::Requested => requested += amount,
                    FundingStatus::Considered => considered += amount,
                    FundingStatus::Refused => {}
                }
            }
            if status == FundingStatus::Refused || action_status == ActionStatus::Abandoned {
                continue;
            }
            let detail = [funder.as_str(), scheme.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" · ");
            for (date, kind, relevant) in [
                (req, "funding_request", status == FundingStatus::Considered),
                (
                    dec,
                    "funding_decision",
                    matches!(status, FundingStatus::Requested | FundingStatus::Considered),
                ),
            ] {
                if let Some(date) = date.filter(|d| relevant && *d >= today_text) {
                    deadlines.push(Deadline {
                        date,
                        kind: kind.into(),
                        action_id,
                        action_title: title.clone(),
                        detail: detail.clone(),
                    });
                }
            }
        }
        deadlines.sort_by(|a, b| {
            a.date
                .cmp(&b.date)
                .then(a.action_title.cmp(&b.action_title))
        });
        deadlines.truncate(DEADLINES_SHOWN);
        Ok(Dashboard {
            by_status,
            by_practice,
            budget_cents,
            granted_cents: granted,
            requested_cents: requested,
            considered_cents: considered,
            gap_cents: budget_cents - granted - requested,
            deadlines,
            meetings_recorded: false,
        })
    }

    #[test]
    fn the_sql_dashboard_matches_the_one_computed_from_every_action() {
        let dir = tempfile::TempDir::new().unwrap();
        let s = crate::demo::write_demo(&dir.path().join("d.catalyse")).unwrap();
        for (y, m, d) in [
            (2020, 1, 1),
            (2024, 6, 15),
            (2025, 3, 1),
            (2026, 1, 15),
            (2026, 12, 1),
            (2027, 6, 1),
            (2040, 1, 1),
        ] {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(
                s.dashboard(day).unwrap(),
                dashboard_by_hand(&s, day).unwrap(),
                "{day}"
            );
        }
    }

    fn demo() -> (tempfile::TempDir, Store) {
        let dir = tempfile::TempDir::new().unwrap();
        let s = crate::demo::write_demo(&dir.path().join("d.catalyse")).unwrap();
        (dir, s)
    }

    #[test]
    fn counts_cover_every_status_and_practice() {
        let (_d, s) = demo();
        let db = s
            .dashboard(NaiveDate::from_ymd_opt(2026, 1, 15).unwrap())
            .unwrap();
        let total: i64 = db.by_status.iter().map(|c| c.count).sum();
        assert_eq!(total, s.list_actions().unwrap().len() as i64);
        assert_eq!(db.by_status.len(), 5);
        assert_eq!(db.by_practice.len(), 5);
        assert_eq!(db.by_practice.iter().map(|c| c.count).sum::<i64>(), total);
        assert!(!db.meetings_recorded);
    }

    #[test]
    fn funding_totals_leave_out_abandoned_actions_and_refusals() {
        let (_d, s) = demo();
        let db = s
            .dashboard(NaiveDate::from_ymd_opt(2026, 1, 15).unwrap())
            .unwrap();
        // Recomputed independently from the action plans.
        let (mut budget, mut granted, mut requested) = (0, 0, 0);
        for a in s.list_actions().unwrap() {
            if a.status == ActionStatus::Abandoned {
                continue;
            }
            budget += a.budget_cents.unwrap_or(0);
            let p = s.funding_plan(a.id).unwrap();
            granted += p.granted_cents;
            requested += p.requested_cents;
        }
        assert_eq!(db.budget_cents, budget);
        assert_eq!(db.granted_cents, granted);
        assert_eq!(db.requested_cents, requested);
        assert_eq!(db.gap_cents, budget - granted - requested);
        // The demo's abandoned showroom (60 000 € budget) is not counted.
        assert_eq!(budget, 2_246_500 * 100 - 6_000_000);
    }

    #[test]
    fn deadlines_are_the_next_ones_in_order() {
        let (_d, s) = demo();
        let today = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        let db = s.dashboard(today).unwrap();
        assert_eq!(db.deadlines.len(), DEADLINES_SHOWN);
        let dates: Vec<_> = db.deadlines.iter().map(|d| d.date.clone()).collect();
        let mut sorted = dates.clone();
        sorted.sort();
        assert_eq!(dates, sorted);
        assert!(dates.iter().all(|d| d.as_str() >= "2026-01-15"));
        // The first one: the decision on the tiers-lieu's foundation request, 30 January 2026.
        assert_eq!(db.deadlines[0].date, "2026-01-30");
        assert_eq!(db.deadlines[0].kind, "funding_decision");
        assert!(db.deadlines[0]
            .detail
            .contains("Fondation Terres de montagne"));
        // Far in the future, nothing is left.
        let later = s
            .dashboard(NaiveDate::from_ymd_opt(2040, 1, 1).unwrap())
            .unwrap();
        assert!(later.deadlines.is_empty());
    }
}
