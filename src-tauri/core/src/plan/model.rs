//! The structure of the Projet de territoire: needs, strategic axes, actions with their
//! partners, funding lines and indicators; the funding plan and delete impacts computed from
//! them. Types and validation here; queries in [`crate::plan::store`].

use crate::shared::domain::{
    multi_line, optional_date, practice_and_activity, single_line, truncate_for_message,
    ActionStatus, Engineering, FundingStatus, Practice, Priority, LONG_MAX, SHORT_MAX,
};
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::money::parse_euros;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An "enjeu / besoin" of the territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Need {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub description: String,
    pub priority: Priority,
    /// Order in the list, from 0.
    #[ts(type = "number")]
    pub position: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NeedInput {
    pub title: String,
    pub description: String,
    #[ts(as = "Priority")]
    pub priority: String,
}

/// A strategic axis: groups actions and answers one or more needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Axis {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub description: String,
    #[ts(type = "number")]
    pub position: i64,
    #[ts(type = "Array<number>")]
    pub need_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AxisInput {
    pub title: String,
    pub description: String,
    #[ts(type = "Array<number>")]
    pub need_ids: Vec<i64>,
}

/// A partner of an action: an actor and its role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Partner {
    #[ts(type = "number")]
    pub actor_id: i64,
    pub role: String,
}

/// A "fiche action".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Action {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub description: String,
    #[ts(type = "number | null")]
    pub axis_id: Option<i64>,
    #[ts(type = "Array<number>")]
    pub need_ids: Vec<i64>,
    pub status: ActionStatus,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// Budget in cents, if known.
    #[ts(type = "number | null")]
    pub budget_cents: Option<i64>,
    /// The porteur.
    #[ts(type = "number | null")]
    pub lead_actor_id: Option<i64>,
    /// The team member in charge of the action (référent).
    #[ts(type = "number | null")]
    pub referent_member_id: Option<i64>,
    pub partners: Vec<Partner>,
    pub practice: Option<Practice>,
    /// 1 to 4: the practice's activity (see [`Practice::activities`]).
    #[ts(type = "number | null")]
    pub activity: Option<i64>,
    pub engineering: Option<Engineering>,
    /// Where it happens: a commune's INSEE code, and its name in the list.
    pub insee: Option<String>,
    pub commune: Option<String>,
    #[ts(type = "number")]
    pub position: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// What the user submits for an action. The budget is typed text (`12 500,00`), parsed here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActionInput {
    pub title: String,
    pub description: String,
    #[ts(type = "number | null")]
    pub axis_id: Option<i64>,
    #[ts(type = "Array<number>")]
    pub need_ids: Vec<i64>,
    #[ts(as = "ActionStatus")]
    pub status: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// Empty when unknown.
    pub budget: String,
    #[ts(type = "number | null")]
    pub lead_actor_id: Option<i64>,
    /// The team member in charge (optional; older clients may omit it).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub referent_member_id: Option<i64>,
    pub partners: Vec<Partner>,
    #[ts(as = "Option<Practice>")]
    pub practice: Option<String>,
    #[ts(type = "number | null")]
    pub activity: Option<i64>,
    #[ts(as = "Option<Engineering>")]
    pub engineering: Option<String>,
    /// Where it happens: a commune of the list (a current or former INSEE code).
    #[serde(default)]
    pub insee: Option<String>,
}

/// A funding line of an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Funding {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub action_id: i64,
    /// The funder (an actor); `None` if that actor was deleted.
    #[ts(type = "number | null")]
    pub funder_id: Option<i64>,
    /// Name of the scheme (dispositif), e.g. "LEADER", "DETR".
    pub scheme: String,
    #[ts(type = "number")]
    pub amount_cents: i64,
    pub status: FundingStatus,
    /// Date the funding was requested.
    pub requested_on: Option<String>,
    /// Date of the funder's decision (or expected decision).
    pub decision_on: Option<String>,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FundingInput {
    #[ts(type = "number | null")]
    pub funder_id: Option<i64>,
    pub scheme: String,
    /// Typed amount, e.g. `12 500,00`.
    pub amount: String,
    #[ts(as = "FundingStatus")]
    pub status: String,
    pub requested_on: Option<String>,
    pub decision_on: Option<String>,
    pub notes: String,
}

/// An indicator of an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Indicator {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub action_id: i64,
    pub name: String,
    pub unit: String,
    pub target: Option<f64>,
    pub current: Option<f64>,
    /// Date of the current value.
    pub measured_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IndicatorInput {
    pub name: String,
    pub unit: String,
    /// Typed numbers (`12,5`); empty when not set.
    pub target: String,
    pub current: String,
    pub measured_on: Option<String>,
}

// ----- Validated forms ------------------------------------------------------------------------

pub struct ValidNeed {
    pub title: String,
    pub description: String,
    pub priority: Priority,
}

pub struct ValidAxis {
    pub title: String,
    pub description: String,
    pub need_ids: Vec<i64>,
}

pub struct ValidAction {
    pub title: String,
    pub description: String,
    pub axis_id: Option<i64>,
    pub need_ids: Vec<i64>,
    pub status: ActionStatus,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub budget_cents: Option<i64>,
    pub lead_actor_id: Option<i64>,
    pub referent_member_id: Option<i64>,
    pub partners: Vec<Partner>,
    pub practice: Option<Practice>,
    pub activity: Option<i64>,
    pub engineering: Option<Engineering>,
    /// A current commune's INSEE code.
    pub insee: Option<String>,
}

pub struct ValidFunding {
    pub funder_id: Option<i64>,
    pub scheme: String,
    pub amount_cents: i64,
    pub status: FundingStatus,
    pub requested_on: Option<NaiveDate>,
    pub decision_on: Option<NaiveDate>,
    pub notes: String,
}

pub struct ValidIndicator {
    pub name: String,
    pub unit: String,
    pub target: Option<f64>,
    pub current: Option<f64>,
    pub measured_on: Option<NaiveDate>,
}

/// Removes duplicates while keeping the first occurrence's order.
fn dedup_ids(ids: &[i64]) -> Vec<i64> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    out
}

/// End date not before start date.
pub(crate) fn check_order(
    field: &'static str,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
) -> CoreResult<()> {
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            return Err(CoreError::validation(
                field,
                "date.order",
                "La date de fin ne peut pas précéder la date de début.",
            ));
        }
    }
    Ok(())
}

fn optional_text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Reads a typed decimal number (`12,5`, `1 000`); empty means not set.
fn optional_number(field: &'static str, label: &str, s: &str) -> CoreResult<Option<f64>> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{00A0}' | '\u{202F}'))
        .collect::<String>()
        .replace(',', ".");
    if cleaned.is_empty() {
        return Ok(None);
    }
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() < 1e15 => Ok(Some(v)),
        _ => Err(CoreError::validation(
            field,
            "number.invalid",
            format!(
                "{label} n'est pas un nombre valide : « {} ».",
                truncate_for_message(s)
            ),
        )),
    }
}

impl NeedInput {
    pub fn validate(&self) -> CoreResult<ValidNeed> {
        Ok(ValidNeed {
            title: single_line("title", "Le titre de l'enjeu", &self.title, SHORT_MAX, true)?,
            description: multi_line("description", "La description", &self.description, LONG_MAX)?,
            priority: Priority::parse("priority", &self.priority)?,
        })
    }
}

impl AxisInput {
    pub fn validate(&self) -> CoreResult<ValidAxis> {
        Ok(ValidAxis {
            title: single_line("title", "Le titre de l'axe", &self.title, SHORT_MAX, true)?,
            description: multi_line("description", "La description", &self.description, LONG_MAX)?,
            need_ids: dedup_ids(&self.need_ids),
        })
    }
}

impl ActionInput {
    pub fn validate(&self) -> CoreResult<ValidAction> {
        let start_date = optional_date("start_date", "La date de début", &self.start_date)?;
        let end_date = optional_date("end_date", "La date de fin", &self.end_date)?;
        check_order("end_date", start_date, end_date)?;
        let budget_cents = if self.budget.trim().is_empty() {
            None
        } else {
            Some(parse_euros("budget", "Le budget", &self.budget)?)
        };
        let (practice, activity) = practice_and_activity(&self.practice, self.activity)?;
        let mut partners: Vec<Partner> = Vec::new();
        for p in &self.partners {
            if Some(p.actor_id) == self.lead_actor_id {
                return Err(CoreError::validation(
                    "partners",
                    "action.partner_is_lead",
                    "Le porteur de l'action ne peut pas en être aussi partenaire.",
                ));
            }
            if partners.iter().any(|q| q.actor_id == p.actor_id) {
                return Err(CoreError::validation(
                    "partners",
                    "action.partner_twice",
                    "Un même acteur figure deux fois parmi les partenaires.",
                ));
            }
            partners.push(Partner {
                actor_id: p.actor_id,
                role: single_line(
                    "partners",
                    "Le rôle du partenaire",
                    &p.role,
                    SHORT_MAX,
                    false,
                )?,
            });
        }
        Ok(ValidAction {
            title: single_line(
                "title",
                "Le titre de l'action",
                &self.title,
                SHORT_MAX,
                true,
            )?,
            description: multi_line("description", "La description", &self.description, LONG_MAX)?,
            axis_id: self.axis_id,
            need_ids: dedup_ids(&self.need_ids),
            status: ActionStatus::parse("status", &self.status)?,
            start_date,
            end_date,
            budget_cents,
            lead_actor_id: self.lead_actor_id,
            referent_member_id: self.referent_member_id,
            partners,
            practice,
            activity,
            engineering: optional_text(&self.engineering)
                .map(|e| Engineering::parse("engineering", e))
                .transpose()?,
            insee: crate::geo::place::checked("insee", self.insee.as_deref())?.map(|p| p.insee),
        })
    }
}

impl FundingInput {
    pub fn validate(&self) -> CoreResult<ValidFunding> {
        let requested_on = optional_date("requested_on", "La date de demande", &self.requested_on)?;
        let decision_on = optional_date("decision_on", "La date de décision", &self.decision_on)?;
        if let (Some(r), Some(d)) = (requested_on, decision_on) {
            if d < r {
                return Err(CoreError::validation(
                    "decision_on",
                    "date.order",
                    "La date de décision ne peut pas précéder la date de demande.",
                ));
            }
        }
        Ok(ValidFunding {
            funder_id: self.funder_id,
            scheme: single_line("scheme", "Le dispositif", &self.scheme, SHORT_MAX, false)?,
            amount_cents: parse_euros("amount", "Le montant", &self.amount)?,
            status: FundingStatus::parse("status", &self.status)?,
            requested_on,
            decision_on,
            notes: multi_line("notes", "Les notes", &self.notes, LONG_MAX)?,
        })
    }
}

impl IndicatorInput {
    pub fn validate(&self) -> CoreResult<ValidIndicator> {
        Ok(ValidIndicator {
            name: single_line(
                "name",
                "Le nom de l'indicateur",
                &self.name,
                SHORT_MAX,
                true,
            )?,
            unit: single_line("unit", "L'unité", &self.unit, 50, false)?,
            target: optional_number("target", "La cible", &self.target)?,
            current: optional_number("current", "La valeur actuelle", &self.current)?,
            measured_on: optional_date("measured_on", "La date de mesure", &self.measured_on)?,
        })
    }
}

// ----- Funding plan ---------------------------------------------------------------------------

/// One funder's part in an action's funding plan.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FunderShare {
    #[ts(type = "number | null")]
    pub funder_id: Option<i64>,
    /// The funder's name, or empty if the actor was deleted.
    pub funder_name: String,
    #[ts(type = "number")]
    pub granted_cents: i64,
    #[ts(type = "number")]
    pub requested_cents: i64,
    #[ts(type = "number")]
    pub considered_cents: i64,
    /// (granted + requested) / budget, in basis points (1 % = 100); `None` without a budget.
    #[ts(type = "number | null")]
    pub share_bp: Option<i64>,
}

/// An action's funding plan, computed from its funding lines: never stored.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FundingPlan {
    #[ts(type = "number | null")]
    pub budget_cents: Option<i64>,
    #[ts(type = "number")]
    pub granted_cents: i64,
    #[ts(type = "number")]
    pub requested_cents: i64,
    #[ts(type = "number")]
    pub considered_cents: i64,
    #[ts(type = "number")]
    pub refused_cents: i64,
    /// Budget − granted − requested: what is still to be found. Negative when the action is
    /// over-funded (shown, never hidden). `None` without a budget.
    #[ts(type = "number | null")]
    pub gap_cents: Option<i64>,
    pub over_funded: bool,
    /// Each funder with a non-refused line, largest first.
    pub funders: Vec<FunderShare>,
}

/// Computes the plan from the budget and the lines (funder id, funder name, amount, status).
pub fn funding_plan(
    budget_cents: Option<i64>,
    lines: &[(Option<i64>, String, i64, FundingStatus)],
) -> FundingPlan {
    let mut plan = FundingPlan {
        budget_cents,
        granted_cents: 0,
        requested_cents: 0,
        considered_cents: 0,
        refused_cents: 0,
        gap_cents: None,
        over_funded: false,
        funders: Vec::new(),
    };
    for (funder_id, name, amount, status) in lines {
        let total = match status {
            FundingStatus::Granted => &mut plan.granted_cents,
            FundingStatus::Requested => &mut plan.requested_cents,
            FundingStatus::Considered => &mut plan.considered_cents,
            FundingStatus::Refused => &mut plan.refused_cents,
        };
        *total += amount;
        if *status == FundingStatus::Refused {
            continue;
        }
        let idx = match plan.funders.iter().position(|f| f.funder_id == *funder_id) {
            Some(i) => i,
            None => {
                plan.funders.push(FunderShare {
                    funder_id: *funder_id,
                    funder_name: name.clone(),
                    granted_cents: 0,
                    requested_cents: 0,
                    considered_cents: 0,
                    share_bp: None,
                });
                plan.funders.len() - 1
            }
        };
        let f = &mut plan.funders[idx];
        match status {
            FundingStatus::Granted => f.granted_cents += amount,
            FundingStatus::Requested => f.requested_cents += amount,
            FundingStatus::Considered => f.considered_cents += amount,
            FundingStatus::Refused => {}
        }
    }
    if let Some(budget) = budget_cents {
        let gap = budget - plan.granted_cents - plan.requested_cents;
        plan.gap_cents = Some(gap);
        plan.over_funded = gap < 0;
        for f in &mut plan.funders {
            f.share_bp = crate::shared::money::share_basis_points(
                f.granted_cents + f.requested_cents,
                budget,
            );
        }
    }
    plan.funders.sort_by(|a, b| {
        (b.granted_cents + b.requested_cents + b.considered_cents)
            .cmp(&(a.granted_cents + a.requested_cents + a.considered_cents))
            .then_with(|| a.funder_name.cmp(&b.funder_name))
    });
    plan
}

// ----- Delete impact --------------------------------------------------------------------------

/// One consequence of a deletion, for the confirmation dialog.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Effect {
    /// What happens, e.g. `actor.leads` (actions lose their porteur). The UI words it.
    pub code: String,
    /// French sentence, for the command line and as a fallback.
    pub message: String,
    /// The records affected, by name: the first [`IMPACT_SHOWN`] of them.
    pub items: Vec<String>,
    /// How many records are affected.
    #[ts(type = "number")]
    pub total: i64,
}

/// Records named at most under one effect of a deletion (the total is given).
pub const IMPACT_SHOWN: usize = 50;

impl Effect {
    /// An effect on `items`, named up to [`IMPACT_SHOWN`].
    pub fn new(code: impl Into<String>, message: String, mut items: Vec<String>) -> Effect {
        let total = items.len() as i64;
        items.truncate(IMPACT_SHOWN);
        Effect {
            code: code.into(),
            message,
            items,
            total,
        }
    }
}

/// The effects of a deletion, one per (code, query naming the records affected by the
/// deleted record's id `?1`, French sentence with `{}` for their count), those with no
/// record left out.
pub(crate) fn effects_of(
    conn: &rusqlite::Connection,
    id: i64,
    queries: &[(&str, &str, &str)],
) -> crate::shared::error::CoreResult<Vec<Effect>> {
    let mut effects = Vec::new();
    for (code, sql, sentence) in queries {
        let items: Vec<String> = conn
            .prepare_cached(sql)?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if !items.is_empty() {
            effects.push(Effect::new(
                *code,
                sentence.replacen("{}", &items.len().to_string(), 1),
                items,
            ));
        }
    }
    Ok(effects)
}

/// What deleting a record would change elsewhere. Empty `effects`: nothing else changes.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DeleteImpact {
    pub name: String,
    pub effects: Vec<Effect>,
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
