//! Commands for the network: team members, the actor card's links, profile and contacts, links,
//! meetings, the map and its analytics, the matrix and the valorisation report.

use super::{with_reader, with_store};
use crate::jobs::JobMessage;
use crate::state::AppState;
use catalyse_core::network::cache::{BrokerRow, NamedActor, NetworkSummary};
use catalyse_core::network::listing::{MeetingListPage, MeetingListQuery};
use catalyse_core::network::map::NetworkMap;
use catalyse_core::network::*;
use catalyse_core::network::{matrix::InfluenceMatrix, valorisation::Valorisation};
use catalyse_core::plan::DeleteImpact;
use catalyse_core::ErrorPayload;
use tauri::ipc::Channel;
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

/// What deleting a team member would take with it or change, counted.
#[tauri::command]
pub async fn member_delete_impact(
    state: State<'_, AppState>,
    id: i64,
) -> Result<DeleteImpact, ErrorPayload> {
    with_reader(&state, move |s| s.member_delete_impact(id)).await
}

/// One page of an actor's links, by the other actor's name.
#[tauri::command]
pub async fn card_links(
    state: State<'_, AppState>,
    id: i64,
    offset: u32,
    limit: u32,
) -> Result<Vec<catalyse_core::network::card::CardLink>, ErrorPayload> {
    with_reader(&state, move |s| s.card_links(id, offset, limit)).await
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

/// What deleting a meeting would take with it or change, counted.
#[tauri::command]
pub async fn meeting_delete_impact(
    state: State<'_, AppState>,
    id: i64,
) -> Result<DeleteImpact, ErrorPayload> {
    with_reader(&state, move |s| s.meeting_delete_impact(id)).await
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

/// The map as last laid out (`None` before the first layout).
#[tauri::command]
pub async fn network_map(state: State<'_, AppState>) -> Result<Option<NetworkMap>, ErrorPayload> {
    with_reader(&state, |s| s.network_map()).await
}

/// Lays the map out again (and analyses the network first when that is out of date): the
/// work is done on a reader, reporting progress to `on_progress`, then kept; cancelled, the
/// previous map stays.
#[tauri::command]
pub async fn refresh_map(
    state: State<'_, AppState>,
    on_progress: Channel<JobMessage>,
) -> Result<Option<NetworkMap>, ErrorPayload> {
    let job = state.jobs.start(on_progress);
    let fresh = with_reader(&state, |s| {
        Ok(s.network_summary()?.is_some_and(|s| s.fresh))
    })
    .await?;
    if !fresh {
        let progress = job.progress.clone();
        let computed = with_reader(&state, move |s| s.compute_network(&progress)).await?;
        let progress = job.progress.clone();
        with_store(&state, move |s| s.save_network(&computed, &progress)).await?;
    }
    let progress = job.progress.clone();
    let computed = with_reader(&state, move |s| s.compute_map(&progress)).await?;
    with_store(&state, move |s| s.save_map(&computed)).await?;
    drop(job);
    with_reader(&state, |s| s.network_map()).await
}

/// The last network analysis kept (`None` before the first), and whether it is up to date.
#[tauri::command]
pub async fn network_overview(
    state: State<'_, AppState>,
) -> Result<Option<NetworkSummary>, ErrorPayload> {
    with_reader(&state, |s| s.network_summary()).await
}

/// Analyses the network again: computed on a reader (the window stays usable), reporting
/// its progress to `on_progress`, then kept; cancelled, it keeps the previous analysis.
#[tauri::command]
pub async fn refresh_network(
    state: State<'_, AppState>,
    on_progress: Channel<JobMessage>,
) -> Result<Option<NetworkSummary>, ErrorPayload> {
    let job = state.jobs.start(on_progress);
    let progress = job.progress.clone();
    let computed = with_reader(&state, move |s| s.compute_network(&progress)).await?;
    let progress = job.progress.clone();
    with_store(&state, move |s| s.save_network(&computed, &progress)).await?;
    drop(job);
    with_reader(&state, |s| s.network_summary()).await
}

/// A page of the brokers, best first.
#[tauri::command]
pub async fn network_brokers(
    state: State<'_, AppState>,
    offset: u32,
    limit: u32,
) -> Result<Vec<BrokerRow>, ErrorPayload> {
    with_reader(&state, move |s| s.network_brokers(offset, limit)).await
}

/// A page of the actors without any link.
#[tauri::command]
pub async fn network_isolated(
    state: State<'_, AppState>,
    offset: u32,
    limit: u32,
) -> Result<Vec<NamedActor>, ErrorPayload> {
    with_reader(&state, move |s| s.network_isolated(offset, limit)).await
}

/// Who could introduce `from` to `to`: the chain of actors between them, or none.
#[tauri::command]
pub async fn introduction_path(
    state: State<'_, AppState>,
    from: i64,
    to: i64,
) -> Result<Option<Vec<NamedActor>>, ErrorPayload> {
    with_reader(&state, move |s| s.introduction_chain(from, to)).await
}

#[tauri::command]
pub async fn influence_matrix(state: State<'_, AppState>) -> Result<InfluenceMatrix, ErrorPayload> {
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
