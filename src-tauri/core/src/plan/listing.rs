//! The actions list (filtered by axis, status, porteur…, sorted and paged in SQL), the action
//! picker, the count of actions per axis, and an action's funding lines in pages.

use crate::actors::listing::ActorChoice;
use crate::browse::listing::*;
use crate::db::store::Store;
use crate::plan::{Action, Funding};
use crate::shared::domain::{ActionStatus, Engineering, Practice};
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::text::fold;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The column an actions list is sorted by (`Timeline`: by axis, then by first date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ActionSort {
    Title,
    Status,
    Axis,
    Lead,
    Dates,
    Budget,
    Timeline,
}

/// One page of the actions list, as the UI asks for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActionListQuery {
    /// Found anywhere in the title, ignoring case and accents.
    pub filter: String,
    pub status: Option<ActionStatus>,
    #[ts(type = "FieldFilter<number>")]
    pub axis: FieldFilter<i64>,
    pub practice: FieldFilter<Practice>,
    pub engineering: FieldFilter<Engineering>,
    /// The porteur.
    #[ts(type = "FieldFilter<number>")]
    pub lead: FieldFilter<i64>,
    /// Only the actions with a date (true) or without any (false).
    pub dated: Option<bool>,
    pub sort: ActionSort,
    pub descending: bool,
    #[ts(type = "number")]
    pub offset: u32,
    #[ts(type = "number")]
    pub limit: u32,
    /// Whether to count the actions and the matches.
    pub count: bool,
}

/// An action as a list row, with the name of its porteur.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ActionRow {
    pub action: Action,
    pub lead: Option<ActorChoice>,
}

/// A page of actions.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ActionListPage {
    #[ts(type = "number | null")]
    pub total: Option<i64>,
    #[ts(type = "number | null")]
    pub matched: Option<i64>,
    #[ts(type = "number")]
    pub offset: u32,
    pub rows: Vec<ActionRow>,
}

/// How many actions an axis holds (`axis_id` null: the actions without an axis).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AxisActionCount {
    #[ts(type = "number | null")]
    pub axis_id: Option<i64>,
    #[ts(type = "number")]
    pub count: i64,
}

/// A record (an action, a need) as a picker shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RecordChoice {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
}

/// A page of an action's funding lines, in the order they were entered.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FundingPage {
    #[ts(type = "number")]
    pub total: i64,
    #[ts(type = "number")]
    pub offset: u32,
    pub rows: Vec<Funding>,
    /// The funders' names.
    pub funders: Vec<ActorChoice>,
}

impl Store {
    /// The `WHERE` clause and parameters of an actions list.
    fn action_where(q: &ActionListQuery) -> (String, Vec<Box<dyn rusqlite::ToSql>>) {
        let mut wh: Vec<String> = Vec::new();
        let mut ps: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        let filter = fold(&q.filter);
        if !filter.is_empty() {
            ps.push(Box::new(filter));
            wh.push(format!(
                "instr({}(a.title), ?{}) > 0",
                crate::db::store::FOLD_FUNCTION,
                ps.len()
            ));
        }
        if let Some(s) = q.status {
            ps.push(Box::new(s));
            wh.push(format!("a.status = ?{}", ps.len()));
        }
        pick_clause(&mut wh, &mut ps, "a.axis_id", &q.axis);
        pick_clause(&mut wh, &mut ps, "a.practice", &q.practice);
        pick_clause(&mut wh, &mut ps, "a.engineering", &q.engineering);
        pick_clause(&mut wh, &mut ps, "a.lead_actor_id", &q.lead);
        match q.dated {
            Some(true) => wh.push("(a.start_date IS NOT NULL OR a.end_date IS NOT NULL)".into()),
            Some(false) => wh.push("a.start_date IS NULL AND a.end_date IS NULL".into()),
            None => {}
        }
        let clause = if wh.is_empty() {
            String::from("1")
        } else {
            wh.join(" AND ")
        };
        (clause, ps)
    }

    /// One page of the actions list: filtered, sorted and cut in SQL.
    pub fn action_page(&self, q: &ActionListQuery) -> CoreResult<ActionListPage> {
        check_page(q.offset, q.limit, &q.filter)?;
        let (clause, mut ps) = Self::action_where(q);
        let dir = if q.descending { "DESC" } else { "ASC" };
        let f = crate::db::store::FOLD_FUNCTION;
        // The sort keys are constants of this function, never input.
        let key = match q.sort {
            ActionSort::Title => format!("{f}(a.title) {dir}"),
            ActionSort::Status => format!(
                "instr(',idea,preparing,ongoing,done,abandoned,', ',' || a.status || ',') {dir}"
            ),
            ActionSort::Axis => {
                format!("coalesce(x.position, 1000000000) {dir}, a.position {dir}")
            }
            ActionSort::Lead => format!("coalesce(k.sort, '') {dir}"),
            ActionSort::Dates => {
                format!("coalesce(a.start_date, a.end_date, '9999') {dir}")
            }
            ActionSort::Budget => format!("coalesce(a.budget_cents, -1) {dir}"),
            ActionSort::Timeline => format!(
                "coalesce(x.position, 1000000000) {dir}, coalesce(a.start_date, a.end_date, '9999') {dir}"
            ),
        };
        let from = "FROM action a LEFT JOIN axis x ON x.id = a.axis_id
                    LEFT JOIN actor_key k ON k.actor_id = a.lead_actor_id";
        let (total, matched) = if q.count {
            let total: i64 = self
                .conn
                .query_row("SELECT count(*) FROM action", [], |r| r.get(0))?;
            let matched: i64 = self
                .conn
                .prepare_cached(&format!("SELECT count(*) FROM action a WHERE {clause}"))?
                .query_row(rusqlite::params_from_iter(ps.iter()), |r| r.get(0))?;
            (Some(total), Some(matched))
        } else {
            (None, None)
        };
        ps.push(Box::new(q.limit));
        let limit = ps.len();
        ps.push(Box::new(q.offset));
        let offset = ps.len();
        let sql = format!(
            "SELECT a.id {from} WHERE {clause} ORDER BY {key}, {f}(a.title), a.id LIMIT ?{limit} OFFSET ?{offset}"
        );
        let ids: Vec<i64> = {
            let mut st = self.conn.prepare_cached(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(ps.iter()), |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            let action = self.action(id)?;
            let lead = match action.lead_actor_id {
                Some(l) => self.actor_choices(&[l])?.pop(),
                None => None,
            };
            rows.push(ActionRow { action, lead });
        }
        Ok(ActionListPage {
            total,
            matched,
            offset: q.offset,
            rows,
        })
    }

    /// How many actions each axis holds, in the axes' order, then those without an axis.
    pub fn axis_action_counts(&self) -> CoreResult<Vec<AxisActionCount>> {
        let mut st = self.conn.prepare_cached(
            "SELECT a.axis_id, count(*) FROM action a LEFT JOIN axis x ON x.id = a.axis_id
             GROUP BY a.axis_id ORDER BY x.position IS NULL, x.position",
        )?;
        let rows = st.query_map([], |r| {
            Ok(AxisActionCount {
                axis_id: r.get(0)?,
                count: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Actions for a picker: titles starting with what was typed first, then titles
    /// containing it; at most `limit` (≤ [`MAX_CHOICES`]).
    pub fn find_actions(&self, typed: &str, limit: u32) -> CoreResult<Vec<RecordChoice>> {
        if limit == 0 || limit > MAX_CHOICES {
            return Err(CoreError::validation(
                "limit",
                "list.limit",
                format!("Un sélecteur propose de 1 à {MAX_CHOICES} actions (demandé : {limit})."),
            ));
        }
        check_page(0, 1, typed)?;
        let f = crate::db::store::FOLD_FUNCTION;
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT id, title FROM action
             WHERE ?1 = '' OR instr({f}(title), ?1) > 0
             ORDER BY instr({f}(title), ?1) <> 1, {f}(title), id LIMIT ?2"
        ))?;
        let rows = st.query_map(params![fold(typed), limit], |r| {
            Ok(RecordChoice {
                id: r.get(0)?,
                title: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The actions with these ids, as a picker shows them, in the order given; unknown ids
    /// are left out (at most [`MAX_PAGE`]).
    pub fn action_choices(&self, ids: &[i64]) -> CoreResult<Vec<RecordChoice>> {
        if ids.len() > MAX_PAGE as usize {
            return Err(CoreError::validation(
                "ids",
                "list.limit",
                format!("Au plus {MAX_PAGE} actions à la fois."),
            ));
        }
        let mut st = self
            .conn
            .prepare_cached("SELECT id, title FROM action WHERE id = ?1")?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            use rusqlite::OptionalExtension;
            if let Some(c) = st
                .query_row([id], |r| {
                    Ok(RecordChoice {
                        id: r.get(0)?,
                        title: r.get(1)?,
                    })
                })
                .optional()?
            {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// One page of an action's funding lines, with their funders' names.
    pub fn funding_page(&self, action_id: i64, offset: u32, limit: u32) -> CoreResult<FundingPage> {
        check_page(offset, limit, "")?;
        self.action(action_id)?;
        let total: i64 = self.conn.query_row(
            "SELECT count(*) FROM funding WHERE action_id = ?1",
            [action_id],
            |r| r.get(0),
        )?;
        let rows = self.fundings_of(action_id, Some((offset, limit)))?;
        let mut funders: Vec<i64> = rows.iter().filter_map(|f| f.funder_id).collect();
        funders.sort_unstable();
        funders.dedup();
        Ok(FundingPage {
            total,
            offset,
            funders: self.actor_choices(&funders)?,
            rows,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::actors::listing::tests::store_with;

    pub(crate) fn action_input(
        title: &str,
        axis: Option<i64>,
        status: &str,
        start: Option<&str>,
    ) -> crate::plan::ActionInput {
        crate::plan::ActionInput {
            title: title.into(),
            insee: None,
            description: String::new(),
            axis_id: axis,
            need_ids: vec![],
            status: status.into(),
            start_date: start.map(Into::into),
            end_date: None,
            budget: String::new(),
            lead_actor_id: None,
            referent_member_id: None,
            partners: vec![],
            practice: None,
            activity: None,
            engineering: None,
        }
    }

    fn actions_query() -> ActionListQuery {
        ActionListQuery {
            filter: String::new(),
            status: None,
            axis: FieldFilter::Any,
            practice: FieldFilter::Any,
            engineering: FieldFilter::Any,
            lead: FieldFilter::Any,
            dated: None,
            sort: ActionSort::Axis,
            descending: false,
            offset: 0,
            limit: 100,
            count: true,
        }
    }

    fn titles(p: &ActionListPage) -> Vec<&str> {
        p.rows.iter().map(|r| r.action.title.as_str()).collect()
    }

    #[test]
    fn actions_are_filtered_sorted_and_paged_in_sql() {
        let mut s = store_with(&[
            ("Région Sud", "Marseille", "funder"),
            ("Émile", "Gap", "citizen"),
        ]);
        let axis = |s: &mut Store, t: &str| {
            s.create_axis(&crate::plan::AxisInput {
                title: t.into(),
                description: String::new(),
                need_ids: vec![],
            })
            .unwrap()
            .id
        };
        let first = axis(&mut s, "Mobilités");
        let second = axis(&mut s, "Énergie");
        s.create_action(&action_input(
            "Vélos électriques",
            Some(second),
            "ongoing",
            Some("2025-03-01"),
        ))
        .unwrap();
        let mut lead = action_input("Écoles à énergie positive", Some(first), "idea", None);
        lead.lead_actor_id = Some(2);
        lead.budget = "12 500,00".into();
        s.create_action(&lead).unwrap();
        s.create_action(&action_input(
            "atelier vélo",
            None,
            "done",
            Some("2024-01-01"),
        ))
        .unwrap();

        // By axis (axis order, then the action's place), the action without an axis last.
        let p = s.action_page(&actions_query()).unwrap();
        assert_eq!(
            titles(&p),
            [
                "Écoles à énergie positive",
                "Vélos électriques",
                "atelier vélo"
            ]
        );
        assert_eq!((p.total, p.matched), (Some(3), Some(3)));
        assert_eq!(
            p.rows[0].lead.as_ref().map(|a| a.name.as_str()),
            Some("Émile")
        );
        // Titles sorted the French way: accents and case ignored.
        let mut q = actions_query();
        q.sort = ActionSort::Title;
        assert_eq!(
            titles(&s.action_page(&q).unwrap()),
            [
                "atelier vélo",
                "Écoles à énergie positive",
                "Vélos électriques"
            ]
        );
        q.descending = true;
        assert_eq!(
            titles(&s.action_page(&q).unwrap()),
            [
                "Vélos électriques",
                "Écoles à énergie positive",
                "atelier vélo"
            ]
        );
        // The filter ignores case and accents; filters combine.
        let mut q = actions_query();
        q.filter = "VELO".into();
        let p = s.action_page(&q).unwrap();
        assert_eq!(titles(&p), ["Vélos électriques", "atelier vélo"]);
        assert_eq!((p.total, p.matched), (Some(3), Some(2)));
        q.axis = FieldFilter::None;
        assert_eq!(titles(&s.action_page(&q).unwrap()), ["atelier vélo"]);
        q.axis = FieldFilter::Is(second);
        q.status = Some(ActionStatus::Ongoing);
        assert_eq!(titles(&s.action_page(&q).unwrap()), ["Vélos électriques"]);
        q.status = Some(ActionStatus::Done);
        assert_eq!(s.action_page(&q).unwrap().matched, Some(0));
        let mut q = actions_query();
        q.lead = FieldFilter::Is(2);
        assert_eq!(
            titles(&s.action_page(&q).unwrap()),
            ["Écoles à énergie positive"]
        );
        q.lead = FieldFilter::None;
        assert_eq!(s.action_page(&q).unwrap().matched, Some(2));
        // Dated or not; by date; by budget (unknown budgets first).
        let mut q = actions_query();
        q.dated = Some(false);
        assert_eq!(
            titles(&s.action_page(&q).unwrap()),
            ["Écoles à énergie positive"]
        );
        q.dated = Some(true);
        q.sort = ActionSort::Dates;
        assert_eq!(
            titles(&s.action_page(&q).unwrap()),
            ["atelier vélo", "Vélos électriques"]
        );
        let mut q = actions_query();
        q.sort = ActionSort::Budget;
        q.descending = true;
        assert_eq!(
            titles(&s.action_page(&q).unwrap())[0],
            "Écoles à énergie positive"
        );
        // Pages.
        let mut q = actions_query();
        q.offset = 1;
        q.limit = 1;
        q.count = false;
        let p = s.action_page(&q).unwrap();
        assert_eq!(titles(&p), ["Vélos électriques"]);
        assert_eq!((p.total, p.matched, p.offset), (None, None, 1));
        q.limit = MAX_PAGE + 1;
        assert!(matches!(
            s.action_page(&q),
            Err(CoreError::Validation { .. })
        ));
        // Counts per axis, in the axes' order, then the actions without one.
        let counts: Vec<(Option<i64>, i64)> = s
            .axis_action_counts()
            .unwrap()
            .into_iter()
            .map(|c| (c.axis_id, c.count))
            .collect();
        assert_eq!(counts, [(Some(first), 1), (Some(second), 1), (None, 1)]);
    }

    #[test]
    fn actions_are_found_for_a_picker_and_named_by_id() {
        let mut s = Store::open_in_memory().unwrap();
        for t in ["Vélos électriques", "Atelier vélo", "Écoles", "Covoiturage"] {
            s.create_action(&action_input(t, None, "idea", None))
                .unwrap();
        }
        let found = |typed: &str| -> Vec<String> {
            s.find_actions(typed, 10)
                .unwrap()
                .into_iter()
                .map(|c| c.title)
                .collect()
        };
        // Titles starting with what was typed come first.
        assert_eq!(found("velo"), ["Vélos électriques", "Atelier vélo"]);
        assert_eq!(found("ÉCO"), ["Écoles"]);
        assert_eq!(found("").len(), 4);
        assert!(s.find_actions("a", 0).is_err());
        assert!(s.find_actions("a", MAX_CHOICES + 1).is_err());
        let named: Vec<String> = s
            .action_choices(&[3, 99, 1])
            .unwrap()
            .into_iter()
            .map(|c| c.title)
            .collect();
        assert_eq!(named, ["Écoles", "Vélos électriques"]);
        assert!(s.action_choices(&vec![1; MAX_PAGE as usize + 1]).is_err());
    }
}
