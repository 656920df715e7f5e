//! Commands for the network: team members, the actor card (profile, contacts), links,
//! meetings, the map and its analytics, the matrix and the valorisation report.

use super::{with_reader, with_store};
use crate::gui::AppState;
use catalyse_core::analytics::NetworkReport;
use catalyse_core::card::{ActorCard, MatrixActor, Valorisation};
use catalyse_core::listing::{MeetingListPage, MeetingListQuery};
use catalyse_core::map::NetworkMap;
use catalyse_core::network::*;
use catalyse_core::ErrorPayload;
use tauri::State;

#[tauri::command]
pub async fn list_members(state: State<'_, AppState>) -> Result<Vec<Member>, ErrorPayload> {
    with_reader(&state, |s| s.list_members()).await
}

#[tauri::command]
pub async fn create_member(
    state: State<'_, AppState>,
    input: MemberInput,
) -> Result<Member, ErrorPayload> {
    with_store(&state, move |s| s.create_member(&input)).await
}

#[tauri::command]
pub async fn update_member(
    state: State<'_, AppState>,
    id: i64,
    input: MemberInput,
) -> Result<Member, ErrorPayload> {
    with_store(&state, move |s| s.update_member(id, &input)).await
}

#[tauri::command]
pub async fn delete_member(state: State<'_, AppState>, id: i64) -> Result<(), ErrorPayload> {
    with_store(&state, move |s| s.delete_member(id)).await
}

#[tauri::command]
pub async fn actor_card(state: State<'_, AppState>, id: i64) -> Result<ActorCard, ErrorPayload> {
    with_reader(&state, move |s| s.actor_card(id)).await
}

#[tauri::command]
pub async fn update_actor_profile(
    state: State<'_, AppState>,
    id: i64,
    profile: ActorProfile,
) -> Result<ActorProfile, ErrorPayload> {
    with_store(&state, move |s| s.update_actor_profile(id, &profile)).await
}

#[tauri::command]
pub async fn create_contact(
    state: State<'_, AppState>,
    actor_id: i64,
    input: ContactInput,
) -> Result<Contact, ErrorPayload> {
    with_store(&state, move |s| s.create_contact(actor_id, &input)).await
}

#[tauri::command]
pub async fn update_contact(
    state: State<'_, AppState>,
    id: i64,
    input: ContactInput,
) -> Result<Contact, ErrorPayload> {
    with_store(&state, move |s| s.update_contact(id, &input)).await
}

#[tauri::command]
pub async fn delete_contact(state: State<'_, AppState>, id: i64) -> Result<(), ErrorPayload> {
    with_store(&state, move |s| s.delete_contact(id)).await
}

#[tauri::command]
pub async fn create_link(
    state: State<'_, AppState>,
    input: LinkInput,
) -> Result<Link, ErrorPayload> {
    with_store(&state, move |s| s.create_link(&input)).await
}

#[tauri::command]
pub async fn update_link(
    state: State<'_, AppState>,
    id: i64,
    input: LinkInput,
) -> Result<Link, ErrorPayload> {
    with_store(&state, move |s| s.update_link(id, &input)).await
}

#[tauri::command]
pub async fn delete_link(state: State<'_, AppState>, id: i64) -> Result<(), ErrorPayload> {
    with_store(&state, move |s| s.delete_link(id)).await
}

/// One page of the meetings list, most recent first, filtered in SQL.
#[tauri::command]
pub async fn meeting_page(
    state: State<'_, AppState>,
    query: MeetingListQuery,
) -> Result<MeetingListPage, ErrorPayload> {
    with_reader(&state, move |s| s.meeting_page(&query)).await
}

#[tauri::command]
pub async fn create_meeting(
    state: State<'_, AppState>,
    input: MeetingInput,
) -> Result<Meeting, ErrorPayload> {
    with_store(&state, move |s| s.create_meeting(&input)).await
}

#[tauri::command]
pub async fn update_meeting(
    state: State<'_, AppState>,
    id: i64,
    input: MeetingInput,
) -> Result<Meeting, ErrorPayload> {
    with_store(&state, move |s| s.update_meeting(id, &input)).await
}

#[tauri::command]
pub async fn delete_meeting(state: State<'_, AppState>, id: i64) -> Result<(), ErrorPayload> {
    with_store(&state, move |s| s.delete_meeting(id)).await
}

/// Pairs of participants without a link yet, to propose after recording a meeting.
#[tauri::command]
pub async fn proposed_links(
    state: State<'_, AppState>,
    meeting_id: i64,
) -> Result<Vec<(i64, i64)>, ErrorPayload> {
    with_reader(&state, move |s| s.proposed_links(meeting_id)).await
}

/// Creates the links a meeting made, all or none.
#[tauri::command]
pub async fn create_links(
    state: State<'_, AppState>,
    links: Vec<LinkInput>,
) -> Result<usize, ErrorPayload> {
    with_store(&state, move |s| s.insert_links_bulk(&links)).await
}

/// The map: the network is read on the writer thread, then analysed and laid out on a
/// blocking worker so that neither the UI nor other commands wait for the layout.
#[tauri::command]
pub async fn network_map(state: State<'_, AppState>) -> Result<NetworkMap, ErrorPayload> {
    let data = with_store(&state, |s| s.map_data()).await?;
    tauri::async_runtime::spawn_blocking(move || data.compute())
        .await
        .map_err(|e| ErrorPayload::new("internal", format!("Calcul de la carte interrompu : {e}")))
}

#[tauri::command]
pub async fn network_report(state: State<'_, AppState>) -> Result<NetworkReport, ErrorPayload> {
    with_store(&state, |s| s.network_report()).await
}

#[tauri::command]
pub async fn introduction_path(
    state: State<'_, AppState>,
    from: i64,
    to: i64,
) -> Result<Option<Vec<i64>>, ErrorPayload> {
    with_reader(&state, move |s| s.introduction_path(from, to)).await
}

#[tauri::command]
pub async fn influence_matrix(
    state: State<'_, AppState>,
) -> Result<Vec<MatrixActor>, ErrorPayload> {
    with_reader(&state, |s| s.influence_matrix()).await
}

#[tauri::command]
pub async fn valorisation(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
) -> Result<Valorisation, ErrorPayload> {
    with_reader(&state, move |s| s.valorisation(from, to)).await
}
