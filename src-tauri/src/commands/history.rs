//! Commands for the history of changes: the Journal, a record's history, undo.

use super::{with_reader, with_store};
use crate::state::AppState;
use catalyse_core::history::model::{ChangeSetDetail, HistoryPage, HistoryQuery, UndoOutcome};
use catalyse_core::ErrorPayload;
use tauri::State;

#[tauri::command]
pub async fn history(
    state: State<'_, AppState>,
    query: HistoryQuery,
) -> Result<HistoryPage, ErrorPayload> {
    with_reader(&state, move |s| s.history(&query)).await
}

#[tauri::command]
pub async fn record_history(
    state: State<'_, AppState>,
    table: String,
    id: i64,
    query: HistoryQuery,
) -> Result<HistoryPage, ErrorPayload> {
    with_reader(&state, move |s| s.record_history(&table, id, &query)).await
}

#[tauri::command]
pub async fn change_set_detail(
    state: State<'_, AppState>,
    id: i64,
    limit: Option<i64>,
) -> Result<ChangeSetDetail, ErrorPayload> {
    let limit = limit.unwrap_or(catalyse_core::history::store::DETAIL_MAX);
    with_reader(&state, move |s| s.change_set_detail(id, limit)).await
}

#[tauri::command]
pub async fn history_authors(state: State<'_, AppState>) -> Result<Vec<String>, ErrorPayload> {
    with_reader(&state, |s| s.history_authors()).await
}

#[tauri::command]
pub async fn undo_change_set(
    state: State<'_, AppState>,
    id: i64,
) -> Result<UndoOutcome, ErrorPayload> {
    with_store(&state, move |s| s.undo_change_set(id)).await
}
