//! The territory and its project, as the "Projet de territoire" header shows them, and what
//! the welcome screen asks to create a workspace: types and validation.

use crate::shared::domain::*;
use crate::shared::error::{CoreError, CoreResult};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The territory and its project, as shown in the "Projet de territoire" header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProjectHeader {
    pub territory_name: String,
    pub territory_kind: TerritoryKind,
    pub title: String,
    pub vision: String,
    pub status: ProjectStatus,
    /// First day of the project's period (ISO date), if set.
    pub period_start: Option<String>,
    /// Last day of the project's period (ISO date), if set.
    pub period_end: Option<String>,
    /// Date the project was adopted (ISO date), if adopted.
    pub adoption_date: Option<String>,
}

/// What the user submits to edit the header. Codes arrive as text and are checked here so
/// that a wrong value gets a French message naming the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProjectHeaderInput {
    pub territory_name: String,
    #[ts(as = "TerritoryKind")]
    pub territory_kind: String,
    pub title: String,
    pub vision: String,
    #[ts(as = "ProjectStatus")]
    pub status: String,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub adoption_date: Option<String>,
}

/// What the welcome screen asks to create a workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewWorkspace {
    pub territory_name: String,
    #[ts(as = "TerritoryKind")]
    pub territory_kind: String,
    pub project_title: String,
}

/// A validated project header, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidHeader {
    pub territory_name: String,
    pub territory_kind: TerritoryKind,
    pub title: String,
    pub vision: String,
    pub status: ProjectStatus,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub adoption_date: Option<NaiveDate>,
}

/// A validated request to create a workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidNewWorkspace {
    pub territory_name: String,
    pub territory_kind: TerritoryKind,
    pub project_title: String,
}

impl NewWorkspace {
    /// Checks the welcome form.
    pub fn validate(&self) -> CoreResult<ValidNewWorkspace> {
        Ok(ValidNewWorkspace {
            territory_name: single_line(
                "territory_name",
                "Le nom du territoire",
                &self.territory_name,
                NAME_MAX,
                true,
            )?,
            territory_kind: TerritoryKind::parse("territory_kind", &self.territory_kind)?,
            project_title: single_line(
                "project_title",
                "Le titre du projet",
                &self.project_title,
                SHORT_MAX,
                true,
            )?,
        })
    }
}

impl ProjectHeaderInput {
    /// Checks the header form, including the order of the period's dates.
    pub fn validate(&self) -> CoreResult<ValidHeader> {
        let period_start =
            optional_date("period_start", "Le début de la période", &self.period_start)?;
        let period_end = optional_date("period_end", "La fin de la période", &self.period_end)?;
        if let (Some(s), Some(e)) = (period_start, period_end) {
            if e < s {
                return Err(CoreError::validation(
                    "period_end",
                    "project.period.order",
                    "La fin de la période ne peut pas précéder son début.",
                ));
            }
        }
        Ok(ValidHeader {
            territory_name: single_line(
                "territory_name",
                "Le nom du territoire",
                &self.territory_name,
                NAME_MAX,
                true,
            )?,
            territory_kind: TerritoryKind::parse("territory_kind", &self.territory_kind)?,
            title: single_line("title", "Le titre du projet", &self.title, SHORT_MAX, true)?,
            vision: multi_line("vision", "La vision", &self.vision, LONG_MAX)?,
            status: ProjectStatus::parse("status", &self.status)?,
            period_start,
            period_end,
            adoption_date: optional_date(
                "adoption_date",
                "La date d'adoption",
                &self.adoption_date,
            )?,
        })
    }
}
