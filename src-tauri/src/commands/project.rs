use super::{with_reader, with_store};
use crate::state::{set_title, AppState};
use catalyse_core::project::{ProjectHeader, ProjectHeaderInput};
use catalyse_core::ErrorPayload;
use tauri::{AppHandle, State};

#[tauri::command]
pub async fn get_header(state: State<'_, AppState>) -> Result<ProjectHeader, ErrorPayload> {
    with_reader(&state, |s| s.header()).await
}

#[tauri::command]
pub async fn update_header(
    app: AppHandle,
    state: State<'_, AppState>,
    input: ProjectHeaderInput,
) -> Result<ProjectHeader, ErrorPayload> {
    let h = with_store(&state, move |s| s.update_header(&input)).await?;
    set_title(&app, Some(&h.territory_name));
    Ok(h)
}

/// The home screen's figures, as of today (local date).
#[tauri::command]
pub async fn dashboard(
    state: State<'_, AppState>,
) -> Result<catalyse_core::project::dashboard::Dashboard, ErrorPayload> {
    let today = chrono::Local::now().date_naive();
    with_reader(&state, move |s| s.dashboard(today)).await
}
