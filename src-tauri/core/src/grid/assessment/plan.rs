//! A member's development plan.

use crate::db::store::{date_text, now, require_exists, Store};
use crate::shared::domain::{multi_line, optional_date, LONG_MAX};
use crate::shared::error::CoreResult;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A member's development plan: the competences to grow come from their latest assessment
/// (target above level); the plan text and the date to reassess are theirs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DevelopmentPlan {
    #[ts(type = "number")]
    pub member_id: i64,
    pub plan: String,
    pub reassess_on: Option<String>,
}

impl Store {
    pub fn development_plan(&self, member_id: i64) -> CoreResult<DevelopmentPlan> {
        require_exists(
            &self.conn,
            "member",
            member_id,
            "member_id",
            "Le membre de l'équipe",
        )?;
        Ok(self
            .conn
            .query_row(
                "SELECT plan, reassess_on FROM development_plan WHERE member_id = ?1",
                [member_id],
                |r| {
                    Ok(DevelopmentPlan {
                        member_id,
                        plan: r.get(0)?,
                        reassess_on: r.get(1)?,
                    })
                },
            )
            .optional()?
            .unwrap_or(DevelopmentPlan {
                member_id,
                plan: String::new(),
                reassess_on: None,
            }))
    }

    pub fn save_development_plan(
        &mut self,
        input: &DevelopmentPlan,
    ) -> CoreResult<DevelopmentPlan> {
        require_exists(
            &self.conn,
            "member",
            input.member_id,
            "member_id",
            "Le membre de l'équipe",
        )?;
        let plan = multi_line("plan", "Le plan de développement", &input.plan, LONG_MAX)?;
        let reassess_on =
            optional_date("reassess_on", "La date de réévaluation", &input.reassess_on)?;
        self.conn.execute(
            "INSERT INTO development_plan (member_id, plan, reassess_on, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (member_id) DO UPDATE SET plan = excluded.plan, reassess_on = excluded.reassess_on,
                                                   updated_at = excluded.updated_at",
            params![input.member_id, plan, date_text(reassess_on), now()],
        )?;
        self.development_plan(input.member_id)
    }
}
