//! The workspace's home screen, computed from the data: actions by status and by practice,
//! funding acquired against what is needed, and the next deadlines.

use crate::domain::{ActionStatus, FundingStatus, Practice};
use crate::error::CoreResult;
use crate::store::Store;
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
    /// The dashboard as of `today`.
    pub fn dashboard(&self, today: NaiveDate) -> CoreResult<Dashboard> {
        let actions = self.list_actions()?;
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
        let mut st = self.conn.prepare_cached(
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
