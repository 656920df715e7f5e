//! Lists that grow to a département's or a whole country's size (actors, meetings) and the
//! actor picker: filtered, sorted and paged in SQL, so the UI holds one page at a time
//! whatever the count.
//!
//! Filtering and sorting use the list keys (`actor_key`, `meeting_key`, migration 7): texts
//! folded the project's way ([`crate::shared::text::fold`]), kept by triggers and indexed in the
//! order the lists are shown, so the first page of a sorted list is read straight from an
//! index and a filter keystroke scans small covering index rows, never the records.

use crate::db::store::Store;
use crate::network::Meeting;
use crate::notes::NoteSummary;
use crate::plan::{Action, Funding};
use crate::shared::domain::{ActionStatus, Engineering, NoteStatus, Practice};
use crate::shared::domain::{Actor, Engagement, World};
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::text::fold;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The short lists the UI reads whole (the project's needs and axes, the team): each is
/// capped, so that no command returns rows without bound. `(table, most, what)`.
pub const SHORT_LISTS: &[(&str, i64, &str)] = &[
    ("need", 500, "enjeux"),
    ("axis", 500, "axes stratégiques"),
    ("member", 500, "membres de l'équipe"),
];

fn short_list_count(conn: &rusqlite::Connection, table: &str) -> CoreResult<i64> {
    // `table` is one of the constants above, never input.
    Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
}

/// Refuses one more row in `table` (one of [`SHORT_LISTS`]) when its list is full.
pub fn check_room(conn: &rusqlite::Connection, table: &str) -> CoreResult<()> {
    let Some((table, most, what)) = SHORT_LISTS.iter().find(|(t, _, _)| *t == table) else {
        return Ok(());
    };
    if short_list_count(conn, table)? >= *most {
        return Err(CoreError::validation(
            "",
            "list.full",
            format!("Un projet compte au plus {most} {what} : regroupez-en avant d'en ajouter."),
        ));
    }
    Ok(())
}

/// Refuses a workspace (an imported document) whose short lists are over their cap.
pub fn check_short_lists(conn: &rusqlite::Connection) -> CoreResult<()> {
    for (table, most, what) in SHORT_LISTS {
        let n = short_list_count(conn, table)?;
        if n > *most {
            return Err(CoreError::validation(
                "",
                "list.full",
                format!("Le fichier compte {n} {what} : un projet en compte au plus {most}."),
            ));
        }
    }
    Ok(())
}

/// The most rows one page may ask for.
pub const MAX_PAGE: u32 = 500;
/// The most choices the actor picker may ask for.
pub const MAX_CHOICES: u32 = 50;
/// The longest filter accepted (in characters).
pub const MAX_FILTER: usize = 200;

/// The column an actors list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ActorSort {
    Name,
    World,
    Commune,
    Engagement,
}

/// One page of the actors list, as the UI asks for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActorListQuery {
    /// What the user typed: found anywhere in the name or the commune, ignoring case and
    /// accents.
    pub filter: String,
    /// Mondes whose label, in the UI's language, contains the filter: their actors match too.
    pub label_worlds: Vec<World>,
    /// Engagement levels whose label contains the filter: their actors match too.
    pub label_engagements: Vec<Engagement>,
    pub sort: ActorSort,
    pub descending: bool,
    /// When sorting by monde: the mondes in the order of their labels in the UI's language
    /// (empty: in the order of the French labels).
    pub world_order: Vec<World>,
    #[ts(type = "number")]
    pub offset: u32,
    /// Rows wanted (at most [`MAX_PAGE`]; 0 with `count`: only the counts).
    #[ts(type = "number")]
    pub limit: u32,
    /// Whether to count the actors and the matches (a page fetched while scrolling needs not).
    pub count: bool,
}

/// A page of actors.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ActorListPage {
    /// Every actor of the workspace (when counted).
    #[ts(type = "number | null")]
    pub total: Option<i64>,
    /// The actors the filter keeps (when counted).
    #[ts(type = "number | null")]
    pub matched: Option<i64>,
    #[ts(type = "number")]
    pub offset: u32,
    pub rows: Vec<Actor>,
}

/// An actor as a picker shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActorChoice {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub commune: String,
    pub world: World,
}

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

fn check_page(offset: u32, limit: u32, filter: &str) -> CoreResult<()> {
    if limit > MAX_PAGE {
        return Err(CoreError::validation(
            "limit",
            "list.limit",
            format!("Une page compte de 1 à {MAX_PAGE} lignes (demandé : {limit})."),
        ));
    }
    if offset > i32::MAX as u32 {
        return Err(CoreError::validation(
            "offset",
            "list.offset",
            "Position de page hors limites.",
        ));
    }
    if filter.chars().count() > MAX_FILTER {
        return Err(CoreError::validation(
            "filter",
            "list.filter",
            format!("Le filtre est trop long (au plus {MAX_FILTER} caractères)."),
        ));
    }
    Ok(())
}

/// Codes joined as `,a,b,c,`, so that `instr(?, ',' || code || ',')` gives their rank.
fn rank_list<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    let mut s = String::from(",");
    for c in codes {
        s.push_str(c);
        s.push(',');
    }
    s
}

fn codes_json<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    serde_json::to_string(&codes.collect::<Vec<_>>()).expect("codes serialise")
}

/// The `WHERE` clause of a filtered actors list on `actor_key` (parameters 1 to 3; the
/// mondes and engagement levels whose labels match only when there are some: each term costs
/// a few milliseconds over 100,000 actors).
fn actor_filter(labels: bool) -> &'static str {
    if labels {
        "(?1 = '' OR instr(name, ?1) > 0 OR instr(commune, ?1) > 0
         OR world IN (SELECT value FROM json_each(?2))
         OR engagement IN (SELECT value FROM json_each(?3)))"
    } else {
        "(?1 = '' OR instr(name, ?1) > 0 OR instr(commune, ?1) > 0 OR (?2 = ?3 AND 0))"
    }
}

impl Store {
    /// One page of the actors list: filtered, sorted and cut in SQL.
    pub fn actor_page(&self, q: &ActorListQuery) -> CoreResult<ActorListPage> {
        check_page(q.offset, q.limit, &q.filter)?;
        if q.limit == 0 && !q.count {
            return Err(CoreError::validation(
                "limit",
                "list.limit",
                "Une page sans ligne ne sert qu'à compter : demandez le décompte.",
            ));
        }
        let filter = fold(&q.filter);
        let (worlds, engagements) = if filter.is_empty() {
            (String::from("[]"), String::from("[]"))
        } else {
            (
                codes_json(q.label_worlds.iter().map(|w| w.code())),
                codes_json(q.label_engagements.iter().map(|e| e.code())),
            )
        };
        let dir = if q.descending { "DESC" } else { "ASC" };
        // The sort keys are constants of this function, never input.
        let order = match q.sort {
            ActorSort::Name => format!("sort {dir}, actor_id {dir}"),
            ActorSort::Commune => format!("commune {dir}, sort, actor_id"),
            ActorSort::World => {
                format!("instr(?4, ',' || world || ',') {dir}, sort, actor_id")
            }
            ActorSort::Engagement => {
                format!("instr(?4, ',' || engagement || ',') {dir}, sort, actor_id")
            }
        };
        let ranks = match q.sort {
            ActorSort::World if !q.world_order.is_empty() => {
                rank_list(q.world_order.iter().map(|w| w.code()))
            }
            ActorSort::World => {
                let mut all = World::ALL.to_vec();
                all.sort_by_key(|w| fold(w.label_fr()));
                rank_list(all.iter().map(|w| w.code()))
            }
            _ => rank_list(Engagement::ALL.iter().map(|e| e.code())),
        };
        let filter_sql = actor_filter(worlds != "[]" || engagements != "[]");
        let sql = format!(
            "SELECT actor_id FROM actor_key WHERE {filter_sql}
             ORDER BY {order} LIMIT ?5 OFFSET ?6"
        );
        let ids: Vec<i64> = if q.limit == 0 {
            Vec::new()
        } else {
            let mut st = self.conn.prepare_cached(&sql)?;
            let rows = st.query_map(
                params![filter, worlds, engagements, ranks, q.limit, q.offset],
                |r| r.get(0),
            )?;
            rows.collect::<Result<_, _>>()?
        };
        let found = ids.len();
        let rows = ids
            .into_iter()
            .map(|id| self.actor(id))
            .collect::<CoreResult<Vec<_>>>()?;
        let (total, matched) = if q.count {
            let total: i64 = self
                .conn
                .query_row("SELECT count(*) FROM actor_key", [], |r| r.get(0))?;
            let matched = if filter.is_empty() {
                total
            } else if q.limit > 0 && found < q.limit as usize && (q.offset == 0 || found > 0) {
                // The page stopped short: the scan went through every match, which are
                // those before it and those in it. No second scan to count them.
                i64::from(q.offset) + found as i64
            } else {
                self.conn
                    .prepare_cached(&format!(
                        "SELECT count(*) FROM actor_key WHERE {filter_sql}"
                    ))?
                    .query_row(params![filter, worlds, engagements], |r| r.get(0))?
            };
            (Some(total), Some(matched))
        } else {
            (None, None)
        };
        Ok(ActorListPage {
            total,
            matched,
            offset: q.offset,
            rows,
        })
    }

    /// Actors for a picker: names starting with what was typed first, then names or communes
    /// containing it, each group by name; at most `limit` (≤ [`MAX_CHOICES`]).
    pub fn find_actors(&self, typed: &str, limit: u32) -> CoreResult<Vec<ActorChoice>> {
        if limit == 0 || limit > MAX_CHOICES {
            return Err(CoreError::validation(
                "limit",
                "list.limit",
                format!("Un sélecteur propose de 1 à {MAX_CHOICES} acteurs (demandé : {limit})."),
            ));
        }
        check_page(0, 1, typed)?;
        let q = fold(typed);
        let mut ids: Vec<i64> = Vec::new();
        {
            // Prefix matches, in the list's order.
            let mut st = self.conn.prepare_cached(
                "SELECT actor_id FROM actor_key WHERE substr(name, 1, length(?1)) = ?1
                 ORDER BY sort, actor_id LIMIT ?2",
            )?;
            let rows = st.query_map(params![q, limit], |r| r.get(0))?;
            for id in rows {
                ids.push(id?);
            }
        }
        if (ids.len() as u32) < limit && !q.is_empty() {
            let mut st = self.conn.prepare_cached(
                "SELECT actor_id FROM actor_key
                 WHERE substr(name, 1, length(?1)) <> ?1 AND (instr(name, ?1) > 0 OR instr(commune, ?1) > 0)
                 ORDER BY sort, actor_id LIMIT ?2",
            )?;
            let rows = st.query_map(params![q, limit - ids.len() as u32], |r| r.get(0))?;
            for id in rows {
                ids.push(id?);
            }
        }
        ids.into_iter().map(|id| self.actor_choice(id)).collect()
    }

    /// The actors with these ids, as a picker shows them, in the order given; unknown ids are
    /// left out (at most [`MAX_PAGE`]).
    pub fn actor_choices(&self, ids: &[i64]) -> CoreResult<Vec<ActorChoice>> {
        if ids.len() > MAX_PAGE as usize {
            return Err(CoreError::validation(
                "ids",
                "list.limit",
                format!("Au plus {MAX_PAGE} acteurs à la fois."),
            ));
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            match self.actor_choice(*id) {
                Ok(c) => out.push(c),
                Err(CoreError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    fn actor_choice(&self, id: i64) -> CoreResult<ActorChoice> {
        use rusqlite::OptionalExtension;
        self.conn
            .prepare_cached("SELECT id, name, commune, world FROM actor WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(ActorChoice {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    commune: r.get(2)?,
                    world: r.get(3)?,
                })
            })
            .optional()?
            .ok_or(CoreError::NotFound { what: "Acteur", id })
    }

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

// ----- Actions, notes, funding lines ----------------------------------------------------------

/// A filter on an optional field: any value, no value, or this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FieldFilter<T> {
    #[default]
    Any,
    None,
    Is(T),
}

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

/// One page of the notes list, the next meetings first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NoteListQuery {
    /// Found anywhere in the subject, ignoring case and accents.
    pub filter: String,
    pub status: Option<NoteStatus>,
    #[ts(type = "number")]
    pub offset: u32,
    #[ts(type = "number")]
    pub limit: u32,
    pub count: bool,
}

/// A page of notes.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NoteListPage {
    #[ts(type = "number | null")]
    pub total: Option<i64>,
    #[ts(type = "number | null")]
    pub matched: Option<i64>,
    /// The notes of each status, in the order of `NoteStatus::ALL` (when counted).
    #[ts(type = "Array<number>")]
    pub status_counts: Vec<i64>,
    #[ts(type = "number")]
    pub offset: u32,
    pub rows: Vec<NoteSummary>,
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

/// Pushes `clause` on `wh` and its parameter on `ps` for a [`FieldFilter`] on column `col`.
fn pick_clause<T: rusqlite::ToSql + Clone + 'static>(
    wh: &mut Vec<String>,
    ps: &mut Vec<Box<dyn rusqlite::ToSql>>,
    col: &str,
    pick: &FieldFilter<T>,
) {
    match pick {
        FieldFilter::Any => {}
        FieldFilter::None => wh.push(format!("{col} IS NULL")),
        FieldFilter::Is(v) => {
            ps.push(Box::new(v.clone()));
            wh.push(format!("{col} = ?{}", ps.len()));
        }
    }
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

    /// One page of the notes list (the next meetings first, notes without a date last),
    /// filtered on the subject and the status in SQL.
    pub fn note_page(&self, q: &NoteListQuery) -> CoreResult<NoteListPage> {
        check_page(q.offset, q.limit, &q.filter)?;
        let f = crate::db::store::FOLD_FUNCTION;
        let filter = fold(&q.filter);
        let status = q.status.map(|s| s.code());
        let clause =
            format!("(?1 = '' OR instr({f}(subject), ?1) > 0) AND (?2 IS NULL OR status = ?2)");
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {} FROM decision_note WHERE {clause}
             ORDER BY meeting_date IS NULL, meeting_date DESC, id DESC LIMIT ?3 OFFSET ?4",
            Store::SUMMARY_COLUMNS
        ))?;
        let rows = st.query_map(
            params![filter, status, q.limit, q.offset],
            Store::summary_from_row,
        )?;
        let rows: Vec<NoteSummary> = rows.collect::<Result<_, _>>()?;
        let (total, matched, status_counts) = if q.count {
            let total: i64 =
                self.conn
                    .query_row("SELECT count(*) FROM decision_note", [], |r| r.get(0))?;
            let matched: i64 = self
                .conn
                .prepare_cached(&format!(
                    "SELECT count(*) FROM decision_note WHERE {clause}"
                ))?
                .query_row(params![filter, status], |r| r.get(0))?;
            let mut counts = Vec::with_capacity(NoteStatus::ALL.len());
            let mut st = self
                .conn
                .prepare_cached("SELECT count(*) FROM decision_note WHERE status = ?1")?;
            for s in NoteStatus::ALL {
                counts.push(st.query_row([s.code()], |r| r.get(0))?);
            }
            (Some(total), Some(matched), counts)
        } else {
            (None, None, Vec::new())
        };
        Ok(NoteListPage {
            total,
            matched,
            status_counts,
            offset: q.offset,
            rows,
        })
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
mod tests {
    use super::*;
    use crate::shared::domain::ActorInput;

    fn store_with(names: &[(&str, &str, &str)]) -> Store {
        let mut s = Store::open_in_memory().unwrap();
        for (name, commune, world) in names {
            s.create_actor(&ActorInput {
                name: (*name).into(),
                world: (*world).into(),
                commune: (*commune).into(),
                engagement: "informed".into(),
                notes: String::new(),
            })
            .unwrap();
        }
        s
    }

    fn query(filter: &str, sort: ActorSort, descending: bool) -> ActorListQuery {
        ActorListQuery {
            filter: filter.into(),
            label_worlds: vec![],
            label_engagements: vec![],
            sort,
            descending,
            world_order: vec![],
            offset: 0,
            limit: 100,
            count: true,
        }
    }

    fn names(p: &ActorListPage) -> Vec<&str> {
        p.rows.iter().map(|a| a.name.as_str()).collect()
    }

    #[test]
    fn actors_are_filtered_and_sorted_ignoring_case_accents_and_ligatures() {
        let s = store_with(&[
            ("Zèbre", "Briançon", "business"),
            ("Écrins", "Vallouise", "state"),
            ("avenir", "Embrun", "association"),
            ("Œuvre des Écrins", "Gap", "association"),
            ("ecrins bis", "L'Argentière", "citizen"),
        ]);
        let p = s.actor_page(&query("", ActorSort::Name, false)).unwrap();
        assert_eq!(
            names(&p),
            [
                "avenir",
                "Écrins",
                "ecrins bis",
                "Œuvre des Écrins",
                "Zèbre"
            ]
        );
        assert_eq!((p.total, p.matched), (Some(5), Some(5)));
        let p = s
            .actor_page(&query("ÉCRINS", ActorSort::Name, true))
            .unwrap();
        assert_eq!(names(&p), ["Œuvre des Écrins", "ecrins bis", "Écrins"]);
        assert_eq!((p.total, p.matched), (Some(5), Some(3)));
        // The commune is searched too; œ is oe.
        assert_eq!(
            names(
                &s.actor_page(&query("brianc", ActorSort::Name, false))
                    .unwrap()
            ),
            ["Zèbre"]
        );
        assert_eq!(
            names(
                &s.actor_page(&query("oeuvre", ActorSort::Name, false))
                    .unwrap()
            ),
            ["Œuvre des Écrins"]
        );
        // Sorted by commune, ties by name.
        assert_eq!(
            names(&s.actor_page(&query("", ActorSort::Commune, false)).unwrap()),
            [
                "Zèbre",
                "avenir",
                "Œuvre des Écrins",
                "ecrins bis",
                "Écrins"
            ]
        );
        // A label the UI found matching brings its monde's actors.
        let mut q = query("asso", ActorSort::Name, false);
        q.label_worlds = vec![World::Association];
        assert_eq!(
            names(&s.actor_page(&q).unwrap()),
            ["avenir", "Œuvre des Écrins"]
        );
        // Sorted by monde in the order given, then by name.
        let mut q = query("", ActorSort::World, false);
        q.world_order = vec![
            World::Citizen,
            World::State,
            World::Association,
            World::Business,
        ];
        assert_eq!(
            names(&s.actor_page(&q).unwrap()),
            [
                "ecrins bis",
                "Écrins",
                "avenir",
                "Œuvre des Écrins",
                "Zèbre"
            ]
        );
    }

    #[test]
    fn keys_follow_edits_deletions_and_restores() {
        let mut s = store_with(&[("Alpha", "Gap", "state"), ("Bêta", "Gap", "state")]);
        let b = s
            .actor_page(&query("beta", ActorSort::Name, false))
            .unwrap();
        let b = b.rows[0].clone();
        let mut edit = ActorInput {
            name: "Gamma".into(),
            world: "state".into(),
            commune: "Embrun".into(),
            engagement: "lead".into(),
            notes: String::new(),
        };
        s.update_actor(b.id, &edit).unwrap();
        assert!(s
            .actor_page(&query("beta", ActorSort::Name, false))
            .unwrap()
            .rows
            .is_empty());
        assert_eq!(
            names(
                &s.actor_page(&query("embrun", ActorSort::Name, false))
                    .unwrap()
            ),
            ["Gamma"]
        );
        let gone = s.delete_actor(b.id).unwrap();
        assert_eq!(
            s.actor_page(&query("", ActorSort::Name, false))
                .unwrap()
                .total,
            Some(1)
        );
        s.restore_actor(&gone).unwrap();
        edit.name = "x".into();
        assert_eq!(
            names(&s.actor_page(&query("gam", ActorSort::Name, false)).unwrap()),
            ["Gamma"]
        );
    }

    #[test]
    fn pages_cut_the_sorted_list_and_bad_pages_are_refused() {
        let many: Vec<(String, String, String)> = (0..30)
            .map(|i| (format!("Acteur {i:02}"), String::new(), "state".to_string()))
            .collect();
        let refs: Vec<(&str, &str, &str)> = many
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        let s = store_with(&refs);
        let mut q = query("", ActorSort::Name, false);
        q.offset = 25;
        q.limit = 10;
        q.count = false;
        let p = s.actor_page(&q).unwrap();
        assert_eq!(
            names(&p),
            [
                "Acteur 25",
                "Acteur 26",
                "Acteur 27",
                "Acteur 28",
                "Acteur 29"
            ]
        );
        assert_eq!((p.total, p.matched), (None, None));
        q.limit = MAX_PAGE + 1;
        assert_eq!(s.actor_page(&q).unwrap_err().code(), Some("list.limit"));
        q.limit = 0;
        assert_eq!(s.actor_page(&q).unwrap_err().code(), Some("list.limit"));
        // Counts alone.
        q.count = true;
        let counts = s.actor_page(&q).unwrap();
        assert!(counts.rows.is_empty());
        assert_eq!(counts.total, Some(30));
        q.limit = 10;
        q.filter = "x".repeat(MAX_FILTER + 1);
        assert_eq!(s.actor_page(&q).unwrap_err().code(), Some("list.filter"));
    }

    #[test]
    fn the_picker_puts_prefixes_first_and_is_bounded() {
        let s = store_with(&[
            ("Mairie de Gap", "Gap", "local_authority"),
            ("Gapençais en transition", "Gap", "association"),
            ("Office de tourisme", "Gap", "business"),
            ("Zébulon", "Embrun", "citizen"),
        ]);
        let found: Vec<String> = s
            .find_actors("gap", 10)
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(
            found,
            [
                "Gapençais en transition",
                "Mairie de Gap",
                "Office de tourisme"
            ]
        );
        assert_eq!(s.find_actors("ZEB", 10).unwrap()[0].name, "Zébulon");
        assert_eq!(s.find_actors("", 2).unwrap().len(), 2);
        assert_eq!(s.find_actors("gap", 1).unwrap().len(), 1);
        assert_eq!(
            s.find_actors("gap", MAX_CHOICES + 1).unwrap_err().code(),
            Some("list.limit")
        );
        let ids: Vec<i64> = s
            .find_actors("", 10)
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        let back = s.actor_choices(&[ids[2], 9999, ids[0]]).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].id, ids[2]);
    }

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

    fn action_input(
        title: &str,
        axis: Option<i64>,
        status: &str,
        start: Option<&str>,
    ) -> crate::plan::ActionInput {
        crate::plan::ActionInput {
            title: title.into(),
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

    #[test]
    fn notes_and_funding_lines_come_in_pages() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut s = Store::create(
            &dir.path().join("n.catalyse"),
            &crate::shared::domain::NewWorkspace {
                territory_name: "PETR du Val".into(),
                territory_kind: "petr".into(),
                project_title: "Val 2030".into(),
            },
        )
        .unwrap();
        s.create_actor(&ActorInput {
            name: "Région Sud".into(),
            world: "funder".into(),
            commune: "Marseille".into(),
            engagement: "informed".into(),
            notes: String::new(),
        })
        .unwrap();
        for (subject, date) in [
            ("Garage solidaire", Some("2027-01-20")),
            ("Énergie", None),
            ("Tiers-lieu", Some("2026-05-01")),
        ] {
            s.create_note(&crate::notes::NoteInput {
                subject: subject.into(),
                body_name: String::new(),
                addressee: "bureau".into(),
                meeting_date: date.map(Into::into),
                author: String::new(),
                records: vec![],
                sections: vec![],
                options: vec![],
            })
            .unwrap();
        }
        let q = |filter: &str, status: Option<NoteStatus>| NoteListQuery {
            filter: filter.into(),
            status,
            offset: 0,
            limit: 10,
            count: true,
        };
        let p = s.note_page(&q("", None)).unwrap();
        let subjects: Vec<&str> = p.rows.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(subjects, ["Garage solidaire", "Tiers-lieu", "Énergie"]);
        assert_eq!((p.total, p.matched), (Some(3), Some(3)));
        assert_eq!(p.status_counts, [3, 0, 0, 0]);
        let p = s.note_page(&q("ENERGIE", None)).unwrap();
        assert_eq!((p.rows.len(), p.matched), (1, Some(1)));
        assert_eq!(
            s.note_page(&q("", Some(NoteStatus::Validated)))
                .unwrap()
                .matched,
            Some(0)
        );

        let action = s
            .create_action(&action_input("Garage", None, "idea", None))
            .unwrap()
            .id;
        for i in 0..5 {
            s.create_funding(
                action,
                &crate::plan::FundingInput {
                    funder_id: if i % 2 == 0 { Some(1) } else { None },
                    scheme: format!("Dispositif {i}"),
                    amount: "1 000".into(),
                    status: "requested".into(),
                    requested_on: None,
                    decision_on: None,
                    notes: String::new(),
                },
            )
            .unwrap();
        }
        let p = s.funding_page(action, 3, 2).unwrap();
        assert_eq!(p.total, 5);
        let schemes: Vec<&str> = p.rows.iter().map(|f| f.scheme.as_str()).collect();
        assert_eq!(schemes, ["Dispositif 3", "Dispositif 4"]);
        assert_eq!(
            p.funders
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>(),
            ["Région Sud"]
        );
        assert!(matches!(
            s.funding_page(999, 0, 10),
            Err(CoreError::NotFound { .. })
        ));
        assert!(s.funding_page(action, 0, MAX_PAGE + 1).is_err());
    }

    #[test]
    fn short_lists_are_capped() {
        let mut s = Store::open_in_memory().unwrap();
        for i in 0..500 {
            s.create_member(&crate::network::MemberInput {
                name: format!("Membre {i}"),
                role: String::new(),
                structure: String::new(),
                is_user: false,
            })
            .unwrap();
        }
        let e = s
            .create_member(&crate::network::MemberInput {
                name: "Un de trop".into(),
                role: String::new(),
                structure: String::new(),
                is_user: false,
            })
            .unwrap_err();
        assert!(
            e.to_string().contains("au plus 500 membres de l'équipe"),
            "{e}"
        );
        assert_eq!(s.list_members().unwrap().len(), 500);
        assert!(check_short_lists(&s.conn).is_ok());
    }

    #[test]
    fn the_matches_are_counted_whether_the_page_is_full_or_not() {
        let names: Vec<(String, String, String)> = (0..150)
            .map(|i| {
                let name = if i < 120 {
                    format!("Mairie {i:03}")
                } else {
                    format!("Ferme {i:03}")
                };
                (name, "Gap".to_string(), "local_authority".to_string())
            })
            .collect();
        let refs: Vec<(&str, &str, &str)> = names
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        let s = store_with(&refs);
        let mut q = query("mairie", ActorSort::Name, false);
        // A full first page: the matches are counted by a second scan.
        let p = s.actor_page(&q).unwrap();
        assert_eq!(
            (p.rows.len(), p.matched, p.total),
            (100, Some(120), Some(150))
        );
        // The page that ends the list: counted from its place.
        q.offset = 100;
        let p = s.actor_page(&q).unwrap();
        assert_eq!((p.rows.len(), p.matched), (20, Some(120)));
        // Beyond the end: nothing to count from, so counted.
        q.offset = 400;
        let p = s.actor_page(&q).unwrap();
        assert_eq!((p.rows.len(), p.matched), (0, Some(120)));
        // A label that matches a monde counts its actors too.
        let mut q = query("collectivite", ActorSort::Name, false);
        q.label_worlds = vec![World::LocalAuthority];
        assert_eq!(s.actor_page(&q).unwrap().matched, Some(150));
    }
}
