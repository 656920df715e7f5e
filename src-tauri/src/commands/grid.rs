//! Commands for the competence grid: reference data, self-assessments, evidence suggestions,
//! the team matrix and development plans.

use super::{with_reader, with_store};
use crate::state::AppState;
use catalyse_core::grid::assessment::{
    Assessment, AssessmentInput, DevelopmentPlan, EvidenceSuggestion, TeamGrid,
};
use catalyse_core::grid::{reference, GridReference};
use catalyse_core::ErrorPayload;
use tauri::State;

/// The grid itself (axes, competences verbatim with their translation, the 0–4 scale).
#[tauri::command]
pub fn grid_reference() -> GridReference {
    reference()
}

#[tauri::command]
pub async fn list_assessments(
    state: State<'_, AppState>,
    member_id: i64,
) -> Result<Vec<Assessment>, ErrorPayload> {
    with_reader(&state, move |s| s.list_assessments(member_id)).await
}

#[tauri::command]
pub async fn create_assessment(
    state: State<'_, AppState>,
    input: AssessmentInput,
) -> Result<Assessment, ErrorPayload> {
    with_store(&state, move |s| s.create_assessment(&input)).await
}

#[tauri::command]
pub async fn update_assessment(
    state: State<'_, AppState>,
    id: i64,
    input: AssessmentInput,
) -> Result<Assessment, ErrorPayload> {
    with_store(&state, move |s| s.update_assessment(id, &input)).await
}

#[tauri::command]
pub async fn delete_assessment(state: State<'_, AppState>, id: i64) -> Result<(), ErrorPayload> {
    with_store(&state, move |s| s.delete_assessment(id)).await
}

#[tauri::command]
pub async fn suggest_evidence(
    state: State<'_, AppState>,
    member_id: i64,
) -> Result<Vec<EvidenceSuggestion>, ErrorPayload> {
    with_reader(&state, move |s| s.suggest_evidence(member_id)).await
}

#[tauri::command]
pub async fn team_grid(state: State<'_, AppState>) -> Result<TeamGrid, ErrorPayload> {
    with_reader(&state, |s| s.team_grid()).await
}

#[tauri::command]
pub async fn development_plan(
    state: State<'_, AppState>,
    member_id: i64,
) -> Result<DevelopmentPlan, ErrorPayload> {
    with_reader(&state, move |s| s.development_plan(member_id)).await
}

#[tauri::command]
pub async fn save_development_plan(
    state: State<'_, AppState>,
    plan: DevelopmentPlan,
) -> Result<DevelopmentPlan, ErrorPayload> {
    with_store(&state, move |s| s.save_development_plan(&plan)).await
}
