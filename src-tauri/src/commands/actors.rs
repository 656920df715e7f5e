use super::with_store;
use crate::gui::AppState;
use catalyse_core::domain::{Actor, ActorInput};
use catalyse_core::plan::DeleteImpact;
use catalyse_core::ErrorPayload;
use tauri::State;

#[tauri::command]
pub async fn list_actors(state: State<'_, AppState>) -> Result<Vec<Actor>, ErrorPayload> {
    with_store(&state, |s| s.list_actors()).await
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

/// Deletes an actor and returns it, so that the UI can offer to undo.
#[tauri::command]
pub async fn delete_actor(state: State<'_, AppState>, id: i64) -> Result<Actor, ErrorPayload> {
    with_store(&state, move |s| s.delete_actor(id)).await
}

/// Undoes a deletion.
#[tauri::command]
pub async fn restore_actor(
    state: State<'_, AppState>,
    actor: Actor,
) -> Result<Actor, ErrorPayload> {
    with_store(&state, move |s| s.restore_actor(&actor)).await
}

/// What deleting an actor would change elsewhere (actions led or joined, funding given).
#[tauri::command]
pub async fn actor_delete_impact(
    state: State<'_, AppState>,
    id: i64,
) -> Result<DeleteImpact, ErrorPayload> {
    with_store(&state, move |s| s.actor_delete_impact(id)).await
}
