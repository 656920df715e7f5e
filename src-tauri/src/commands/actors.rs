use super::{with_reader, with_store};
use crate::state::AppState;
use catalyse_core::actors::listing::{ActorChoice, ActorListPage, ActorListQuery};
use catalyse_core::actors::{Actor, ActorInput};
use catalyse_core::history::model::Deleted;
use catalyse_core::network::card::ActorCard;
use catalyse_core::plan::DeleteImpact;
use catalyse_core::ErrorPayload;
use tauri::State;

/// One page of the actors list, filtered and sorted in SQL.
#[tauri::command]
pub async fn actor_page(
    state: State<'_, AppState>,
    query: ActorListQuery,
) -> Result<ActorListPage, ErrorPayload> {
    with_reader(&state, move |s| s.actor_page(&query)).await
}

/// Actors for a picker: what was typed, at most `limit`.
#[tauri::command]
pub async fn find_actors(
    state: State<'_, AppState>,
    typed: String,
    limit: u32,
) -> Result<Vec<ActorChoice>, ErrorPayload> {
    with_reader(&state, move |s| s.find_actors(&typed, limit)).await
}

/// The named actors, as a picker shows them (the current choices of a form).
#[tauri::command]
pub async fn actor_choices(
    state: State<'_, AppState>,
    ids: Vec<i64>,
) -> Result<Vec<ActorChoice>, ErrorPayload> {
    with_reader(&state, move |s| s.actor_choices(&ids)).await
}

#[tauri::command]
pub async fn create_actor(
    state: State<'_, AppState>,
    input: ActorInput,
) -> Result<Actor, ErrorPayload> {
    with_store(&state, move |s| s.create_actor(&input)).await
}

#[tauri::command]
pub async fn update_actor(
    state: State<'_, AppState>,
    id: i64,
    input: ActorInput,
) -> Result<Actor, ErrorPayload> {
    with_store(&state, move |s| s.update_actor(id, &input)).await
}

/// Deletes an actor (and what goes with it); the change set it made is what the UI's
/// « Annuler » undoes through the journal.
#[tauri::command]
pub async fn delete_actor(state: State<'_, AppState>, id: i64) -> Result<Deleted, ErrorPayload> {
    with_store(&state, move |s| s.delete_actor_undoably(id)).await
}

/// What deleting an actor would change elsewhere (actions led or joined, funding given).
#[tauri::command]
pub async fn actor_delete_impact(
    state: State<'_, AppState>,
    id: i64,
) -> Result<DeleteImpact, ErrorPayload> {
    with_reader(&state, move |s| s.actor_delete_impact(id)).await
}

#[tauri::command]
pub async fn actor_card(state: State<'_, AppState>, id: i64) -> Result<ActorCard, ErrorPayload> {
    with_reader(&state, move |s| s.actor_card(id)).await
}
