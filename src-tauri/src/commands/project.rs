use super::{with_reader, with_store};
use crate::state::{set_title, AppState};
use catalyse_core::project::communes::{
    ChoiceHit, CommuneChoice, TerritoryCommune, TerritoryCommunes,
};
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

/// The territory's communes in figures.
#[tauri::command]
pub async fn territory_communes(
    state: State<'_, AppState>,
) -> Result<TerritoryCommunes, ErrorPayload> {
    with_reader(&state, |s| s.territory_communes()).await
}

/// Adds then takes out communes (all or nothing).
#[tauri::command]
pub async fn change_territory_communes(
    state: State<'_, AppState>,
    add: Vec<CommuneChoice>,
    remove: Vec<CommuneChoice>,
) -> Result<TerritoryCommunes, ErrorPayload> {
    with_store(&state, move |s| s.change_territory_communes(&add, &remove)).await
}

/// A page of the territory's communes (filtered by name or code), by name.
#[tauri::command]
pub async fn territory_commune_page(
    state: State<'_, AppState>,
    filter: String,
    offset: u32,
    limit: u32,
) -> Result<Vec<TerritoryCommune>, ErrorPayload> {
    with_reader(&state, move |s| {
        s.territory_commune_page(&filter, offset, limit)
    })
    .await
}

/// A record's commune picker: communes of the list, the territory's départements first.
#[tauri::command]
pub async fn find_communes(
    state: State<'_, AppState>,
    typed: String,
    limit: u32,
) -> Result<Vec<catalyse_core::geo::communes::CommuneHit>, ErrorPayload> {
    with_reader(&state, move |s| s.find_communes(&typed, limit)).await
}

/// The actors' written communes the list does not place, the most used first.
#[tauri::command]
pub async fn unplaced_communes(
    state: State<'_, AppState>,
    offset: u32,
    limit: u32,
) -> Result<catalyse_core::project::places::UnplacedPage, ErrorPayload> {
    with_reader(&state, move |s| s.unplaced_communes(offset, limit)).await
}

/// Places every actor of a written commune in the commune of the list chosen.
#[tauri::command]
pub async fn place_written_commune(
    state: State<'_, AppState>,
    written: String,
    insee: String,
) -> Result<u32, ErrorPayload> {
    with_store(&state, move |s| s.place_written_commune(&written, &insee)).await
}

/// The territory picker's choices: départements, EPCIs, communes (no workspace needed).
#[tauri::command]
pub async fn territory_choices(typed: String, limit: u32) -> Result<Vec<ChoiceHit>, ErrorPayload> {
    Ok(catalyse_core::project::communes::territory_choices(
        &typed,
        limit as usize,
    ))
}
