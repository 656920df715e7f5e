//! The search across the workspace.

use super::with_reader;
use crate::state::AppState;
use catalyse_core::ErrorPayload;
use tauri::State;

/// One search across actors, contacts, meetings and actions (accent- and case-insensitive).
#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    query: String,
) -> Result<Vec<catalyse_core::browse::search::SearchHit>, ErrorPayload> {
    with_reader(&state, move |s| s.search(&query)).await
}
