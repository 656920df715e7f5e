//! Commands for the structure of the Projet de territoire: needs, axes, actions, funding
//! lines, indicators. Each one converts its arguments and calls the core.

use super::{with_reader, with_store};
use crate::state::AppState;
use catalyse_core::plan::listing::{
    ActionListPage, ActionListQuery, AxisActionCount, FundingPage, RecordChoice,
};
use catalyse_core::plan::*;
use catalyse_core::ErrorPayload;
use tauri::State;

#[tauri::command]
pub async fn list_needs(state: State<'_, AppState>) -> Result<Vec<Need>, ErrorPayload> {
    with_reader(&state, |s| s.list_needs()).await
}

#[tauri::command]
pub async fn create_need(
    state: State<'_, AppState>,
    input: NeedInput,
) -> Result<Need, ErrorPayload> {
    with_store(&state, move |s| s.create_need(&input)).await
}

#[tauri::command]
pub async fn update_need(
    state: State<'_, AppState>,
    id: i64,
    input: NeedInput,
) -> Result<Need, ErrorPayload> {
    with_store(&state, move |s| s.update_need(id, &input)).await
}

#[tauri::command]
pub async fn move_need(
    state: State<'_, AppState>,
    id: i64,
    index: i64,
) -> Result<Vec<Need>, ErrorPayload> {
    with_store(&state, move |s| s.move_need(id, index)).await
}

#[tauri::command]
pub async fn need_delete_impact(
    state: State<'_, AppState>,
    id: i64,
) -> Result<DeleteImpact, ErrorPayload> {
    with_reader(&state, move |s| s.need_delete_impact(id)).await
}

#[tauri::command]
pub async fn delete_need(state: State<'_, AppState>, id: i64) -> Result<(), ErrorPayload> {
    with_store(&state, move |s| s.delete_need(id)).await
}

#[tauri::command]
pub async fn list_axes(state: State<'_, AppState>) -> Result<Vec<Axis>, ErrorPayload> {
    with_reader(&state, |s| s.list_axes()).await
}

#[tauri::command]
pub async fn create_axis(
    state: State<'_, AppState>,
    input: AxisInput,
) -> Result<Axis, ErrorPayload> {
    with_store(&state, move |s| s.create_axis(&input)).await
}

#[tauri::command]
pub async fn update_axis(
    state: State<'_, AppState>,
    id: i64,
    input: AxisInput,
) -> Result<Axis, ErrorPayload> {
    with_store(&state, move |s| s.update_axis(id, &input)).await
}

#[tauri::command]
pub async fn move_axis(
    state: State<'_, AppState>,
    id: i64,
    index: i64,
) -> Result<Vec<Axis>, ErrorPayload> {
    with_store(&state, move |s| s.move_axis(id, index)).await
}

#[tauri::command]
pub async fn axis_delete_impact(
    state: State<'_, AppState>,
    id: i64,
) -> Result<DeleteImpact, ErrorPayload> {
    with_reader(&state, move |s| s.axis_delete_impact(id)).await
}

#[tauri::command]
pub async fn delete_axis(state: State<'_, AppState>, id: i64) -> Result<(), ErrorPayload> {
    with_store(&state, move |s| s.delete_axis(id)).await
}

/// One page of the actions list, filtered and sorted in SQL.
#[tauri::command]
pub async fn action_page(
    state: State<'_, AppState>,
    query: ActionListQuery,
) -> Result<ActionListPage, ErrorPayload> {
    with_reader(&state, move |s| s.action_page(&query)).await
}

#[tauri::command]
pub async fn get_action(state: State<'_, AppState>, id: i64) -> Result<Action, ErrorPayload> {
    with_reader(&state, move |s| s.action(id)).await
}

/// How many actions each axis holds.
#[tauri::command]
pub async fn axis_action_counts(
    state: State<'_, AppState>,
) -> Result<Vec<AxisActionCount>, ErrorPayload> {
    with_reader(&state, |s| s.axis_action_counts()).await
}

/// Actions for a picker: what was typed, at most `limit`.
#[tauri::command]
pub async fn find_actions(
    state: State<'_, AppState>,
    typed: String,
    limit: u32,
) -> Result<Vec<RecordChoice>, ErrorPayload> {
    with_reader(&state, move |s| s.find_actions(&typed, limit)).await
}

/// The actions with these ids, as a picker shows them.
#[tauri::command]
pub async fn action_choices(
    state: State<'_, AppState>,
    ids: Vec<i64>,
) -> Result<Vec<RecordChoice>, ErrorPayload> {
    with_reader(&state, move |s| s.action_choices(&ids)).await
}

#[tauri::command]
pub async fn create_action(
    state: State<'_, AppState>,
    input: ActionInput,
) -> Result<Action, ErrorPayload> {
    with_store(&state, move |s| s.create_action(&input)).await
}

#[tauri::command]
pub async fn update_action(
    state: State<'_, AppState>,
    id: i64,
    input: ActionInput,
) -> Result<Action, ErrorPayload> {
    with_store(&state, move |s| s.update_action(id, &input)).await
}

#[tauri::command]
pub async fn action_delete_impact(
    state: State<'_, AppState>,
    id: i64,
) -> Result<DeleteImpact, ErrorPayload> {
    with_reader(&state, move |s| s.action_delete_impact(id)).await
}

#[tauri::command]
pub async fn delete_action(state: State<'_, AppState>, id: i64) -> Result<(), ErrorPayload> {
    with_store(&state, move |s| s.delete_action(id)).await
}

/// One page of an action's funding lines.
#[tauri::command]
pub async fn funding_page(
    state: State<'_, AppState>,
    action_id: i64,
    offset: u32,
    limit: u32,
) -> Result<FundingPage, ErrorPayload> {
    with_reader(&state, move |s| s.funding_page(action_id, offset, limit)).await
}

#[tauri::command]
pub async fn create_funding(
    state: State<'_, AppState>,
    action_id: i64,
    input: FundingInput,
) -> Result<Funding, ErrorPayload> {
    with_store(&state, move |s| s.create_funding(action_id, &input)).await
}

#[tauri::command]
pub async fn update_funding(
    state: State<'_, AppState>,
    id: i64,
    input: FundingInput,
) -> Result<Funding, ErrorPayload> {
    with_store(&state, move |s| s.update_funding(id, &input)).await
}

#[tauri::command]
pub async fn delete_funding(state: State<'_, AppState>, id: i64) -> Result<(), ErrorPayload> {
    with_store(&state, move |s| s.delete_funding(id)).await
}

#[tauri::command]
pub async fn funding_plan(
    state: State<'_, AppState>,
    action_id: i64,
) -> Result<FundingPlan, ErrorPayload> {
    with_reader(&state, move |s| s.funding_plan(action_id)).await
}

#[tauri::command]
pub async fn list_indicators(
    state: State<'_, AppState>,
    action_id: i64,
) -> Result<Vec<Indicator>, ErrorPayload> {
    with_reader(&state, move |s| s.list_indicators(action_id)).await
}

#[tauri::command]
pub async fn create_indicator(
    state: State<'_, AppState>,
    action_id: i64,
    input: IndicatorInput,
) -> Result<Indicator, ErrorPayload> {
    with_store(&state, move |s| s.create_indicator(action_id, &input)).await
}

#[tauri::command]
pub async fn update_indicator(
    state: State<'_, AppState>,
    id: i64,
    input: IndicatorInput,
) -> Result<Indicator, ErrorPayload> {
    with_store(&state, move |s| s.update_indicator(id, &input)).await
}

#[tauri::command]
pub async fn delete_indicator(state: State<'_, AppState>, id: i64) -> Result<(), ErrorPayload> {
    with_store(&state, move |s| s.delete_indicator(id)).await
}
