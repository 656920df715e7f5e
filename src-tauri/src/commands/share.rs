//! Commands for team sharing: the state of the space, sharing the open workspace through a
//! folder chosen in the native dialog, joining a space, one exchange, the conflict inbox.

use super::workspace::{open_path, WorkspaceInfo};
use super::{with_reader, with_store};
use crate::dialogs::picked_path;
use crate::state::AppState;
use catalyse_core::safety::backup;
use catalyse_core::share::compact::CompactReport;
use catalyse_core::share::inbox::{Conflict, Resolution};
use catalyse_core::share::invariants::Invariant;
use catalyse_core::share::report::SyncReport;
use catalyse_core::share::space::{DeviceState, Space};
use catalyse_core::workspace::paths::backups_root;
use catalyse_core::workspace::paths::{available_path, slug, workspaces_dir};
use catalyse_core::ErrorPayload;
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

/// What the window shows of the sharing of the open workspace.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ShareState {
    /// The space, if the workspace is shared.
    pub space: Option<Space>,
    /// Its devices, this laptop's first.
    pub devices: Vec<DeviceState>,
    /// Entries of the conflict inbox.
    #[ts(type = "number")]
    pub conflicts: usize,
    /// The devices dropped from the team (identities).
    pub dropped: Vec<String>,
    /// Broken invariants the inbox lists beside them.
    #[ts(type = "number")]
    pub invariants: usize,
    /// The organisation's server the workspace is shared through, if it is (else a folder).
    pub hub: Option<HubLink>,
}

/// The server a workspace is shared through, as shown (never a password), and its team.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct HubLink {
    pub server: String,
    pub team: String,
}

#[tauri::command]
pub async fn share_state(state: State<'_, AppState>) -> Result<ShareState, ErrorPayload> {
    with_reader(&state, |s| {
        let space = s.share_space()?;
        let (devices, conflicts, dropped, invariants) = match &space {
            Some(_) => (
                s.share_devices()?,
                s.conflict_count()?,
                s.share_dropped()?,
                s.invariant_count()?,
            ),
            None => (Vec::new(), 0, Vec::new(), 0),
        };
        let hub = catalyse_hub::share::link_of(s)?.map(|l| HubLink {
            server: l.server,
            team: l.team,
        });
        Ok(ShareState {
            space,
            devices,
            conflicts,
            dropped,
            invariants,
            hub,
        })
    })
    .await
}

/// Asks for the shared folder in the native dialog; `None` if cancelled.
fn pick_folder(app: &AppHandle, title: String) -> Result<Option<std::path::PathBuf>, ErrorPayload> {
    let dialog = app.dialog().file().set_title(title);
    match dialog.blocking_pick_folder() {
        Some(p) => picked_path(p).map(Some),
        None => Ok(None),
    }
}

/// Shares the open workspace through a folder the user picks. `None` if cancelled.
#[tauri::command]
pub async fn share_init(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    name: String,
) -> Result<Option<Space>, ErrorPayload> {
    let Some(folder) = pick_folder(&app, title)? else {
        return Ok(None);
    };
    with_store(&state, move |s| s.share_init(&folder, &name))
        .await
        .map(Some)
}

/// Joins the space of a folder the user picks: builds this laptop's workspace from it (in
/// the workspaces folder), receives the changes after its snapshot and opens it.
#[tauri::command]
pub async fn share_join(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    name: String,
) -> Result<Option<WorkspaceInfo>, ErrorPayload> {
    let Some(folder) = pick_folder(&app, title)? else {
        return Ok(None);
    };
    let dir = workspaces_dir();
    let path = tauri::async_runtime::spawn_blocking(move || {
        let stem = folder
            .file_name()
            .map(|n| slug(&n.to_string_lossy()))
            .unwrap_or_else(|| "espace-partage".into());
        let path = available_path(&dir, &stem);
        let mut store = catalyse_core::share::space::share_join(&folder, &path, &name)?;
        store.sync()?;
        Ok::<_, catalyse_core::CoreError>(path)
    })
    .await
    .map_err(|e| ErrorPayload::new("internal", "internal", e.to_string()))??;
    open_path(&app, &state, path).await.map(Some)
}

/// One exchange with the shared folder, or through the organisation's server (people erased
/// on other laptops recorded beside this workspace's backups). An unreachable server is
/// ordinary offline work, reported as such.
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<SyncReport, ErrorPayload> {
    let ws = state.current()?;
    let dir = backup::dir_for(&backups_root(), ws.path());
    ws.call(move |s| {
        let Some(link) = catalyse_hub::share::link_of(s)? else {
            return Ok(catalyse_core::share::sync::sync_recording(s, &dir, false)
                .map_err(ErrorPayload::from));
        };
        let done = crate::hubs::block_on(async {
            let mut hub = crate::hubs::connect_shown(&link.server).await?;
            catalyse_hub::share::exchange(&mut hub, s, |s| {
                catalyse_core::share::sync::sync_recording(s, &dir, false)
            })
            .await
        });
        Ok(match done {
            Ok(r) => Ok(r.local),
            Err(e) if e.is_offline() => Ok(SyncReport {
                unreachable: true,
                conflicts: s.conflict_count()?,
                invariants: s.invariant_count()?,
                ..SyncReport::default()
            }),
            Err(e) => Err(super::hub::payload(e)),
        })
    })
    .await?
}

/// Watches the open workspace's shared folder (or listens to its server) while it is open:
/// `channel` hears, once per burst, that another laptop's file may have arrived (the window then exchanges sooner; it
/// polls anyway). `false` when the workspace is not shared, or when this system sends no
/// events for that folder (a network share, say): polling alone, which is normal.
#[tauri::command]
pub async fn watch_shared_folder(
    state: State<'_, AppState>,
    channel: tauri::ipc::Channel<bool>,
) -> Result<bool, ErrorPayload> {
    let ws = state.current()?;
    // Shared through the organisation's server: its notifications (LISTEN) are the hint.
    if let Some(link) = with_reader(&state, catalyse_hub::share::link_of).await? {
        let task = tauri::async_runtime::spawn(super::hub::listen_loop(link.server, channel));
        ws.keep_while_open(Box::new(super::hub::AbortOnDrop(task)));
        return Ok(true);
    }
    let Some(space) = with_reader(&state, |s| s.share_space()).await? else {
        return Ok(false);
    };
    let watched = catalyse_core::share::watch::watch(&space.folder, &space.device, move || {
        let _ = channel.send(true);
    });
    Ok(match watched {
        Ok(w) => {
            ws.keep_while_open(Box::new(w));
            true
        }
        Err(_) => false,
    })
}

/// Folds the files every laptop has received into a new snapshot of the shared folder.
#[tauri::command]
pub async fn share_compact(state: State<'_, AppState>) -> Result<CompactReport, ErrorPayload> {
    with_store(&state, |s| s.share_compact()).await
}

/// Drops a laptop that stopped syncing from the team (the UI confirmed first).
#[tauri::command]
pub async fn share_drop_device(
    state: State<'_, AppState>,
    device: String,
) -> Result<(), ErrorPayload> {
    with_store(&state, move |s| s.share_drop_device(&device)).await
}

#[tauri::command]
pub async fn conflicts(
    state: State<'_, AppState>,
    offset: u32,
    limit: u32,
) -> Result<Vec<Conflict>, ErrorPayload> {
    with_reader(&state, move |s| {
        s.conflicts(offset as usize, limit as usize)
    })
    .await
}

#[tauri::command]
pub async fn resolve_conflict(
    state: State<'_, AppState>,
    id: i64,
    how: Resolution,
) -> Result<(), ErrorPayload> {
    with_store(&state, move |s| s.resolve_conflict(id, how)).await
}

/// A page of the broken invariants the inbox lists.
#[tauri::command]
pub async fn invariants(
    state: State<'_, AppState>,
    offset: u32,
    limit: u32,
) -> Result<Vec<Invariant>, ErrorPayload> {
    with_reader(&state, move |s| {
        s.invariants(offset as usize, limit as usize)
    })
    .await
}

/// « Fusionner ces deux acteurs »: `other` into `keep`; the change set, for « Annuler ».
#[tauri::command]
pub async fn merge_actors(
    state: State<'_, AppState>,
    keep: i64,
    other: i64,
) -> Result<Option<i64>, ErrorPayload> {
    with_store(&state, move |s| {
        s.with_change_set(|s| s.merge_actors(keep, other))
            .map(|(_, set)| set)
    })
    .await
}

/// « Laisser tel quel ».
#[tauri::command]
pub async fn accept_invariant(
    state: State<'_, AppState>,
    kind: String,
    key: String,
) -> Result<(), ErrorPayload> {
    with_store(&state, move |s| s.accept_invariant(&kind, &key)).await
}

/// « Remettre en ordre ».
#[tauri::command]
pub async fn reorder_siblings(state: State<'_, AppState>, key: String) -> Result<(), ErrorPayload> {
    with_store(&state, move |s| s.reorder_siblings(&key)).await
}
