//! Opening, creating and closing workspaces, and what the UI needs at start.

use crate::dialogs::{ask_workspace_path, picked_path};
use crate::prefs::{read_prefs, write_pref, Prefs};
use crate::state::{set_title, AppState};
use catalyse_core::project::{NewWorkspace, ProjectHeader};
use catalyse_core::workspace::paths::{available_path, slug, workspaces_dir, EXTENSION};
use catalyse_core::{demo, CoreError, ErrorPayload, Store, Workspace, SCHEMA_VERSION};
use serde::Serialize;
use std::path::PathBuf;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

/// The open workspace, as shown in the title bar and header.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct WorkspaceInfo {
    pub path: String,
    pub file_name: String,
    pub header: ProjectHeader,
}

/// Everything the UI needs when it starts.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    #[ts(type = "number")]
    pub schema_version: i64,
    pub prefs: Prefs,
    pub workspace: Option<WorkspaceInfo>,
    /// Messages from start-up, each shown once.
    pub notices: Vec<ErrorPayload>,
    /// Where new workspaces are created.
    pub workspaces_dir: String,
}

pub(crate) fn join_error(e: tauri::Error) -> ErrorPayload {
    ErrorPayload::new(
        "internal",
        "app.task_failed",
        format!("Erreur interne : {e}"),
    )
    .with_arg("detail", e)
}

/// Reads the header of `ws` and describes it.
async fn describe(ws: &Workspace) -> Result<WorkspaceInfo, ErrorPayload> {
    let header = ws.read(|s| s.header()).await?;
    let path = ws.path();
    Ok(WorkspaceInfo {
        path: path.to_string_lossy().into_owned(),
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        header,
    })
}

/// Makes the workspace at `path` the open one and remembers it for the next start.
pub(crate) async fn switch_to<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    ws: Workspace,
) -> Result<WorkspaceInfo, ErrorPayload> {
    let info = describe(&ws).await?;
    state.replace(Some(ws))?;
    set_title(app, Some(&info.header.territory_name));
    write_pref(app, "last_workspace", info.path.clone().into())?;
    Ok(info)
}

/// Opens a file on a blocking thread (SQLite I/O) and switches to it.
pub(crate) async fn open_path<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    path: PathBuf,
) -> Result<WorkspaceInfo, ErrorPayload> {
    // The file already open here: nothing to open again (its lock is ours).
    if let Ok(current) = state.current() {
        if catalyse_core::workspace::paths::same_file(current.path(), &path) {
            return describe(&current).await;
        }
    }
    let root = catalyse_core::workspace::paths::backups_root();
    let tried = path.clone();
    let opened =
        tauri::async_runtime::spawn_blocking(move || Workspace::open_with_backups(&path, &root))
            .await
            .map_err(join_error)?;
    let ws = match opened {
        Ok(ws) => ws,
        Err(e) => {
            // A damaged file: remember it, so that the backups screen can offer its backups.
            if matches!(
                e,
                CoreError::Corrupt { .. } | CoreError::ForeignSchema { .. }
            ) {
                state.set_failed_open(Some(tried.clone()))?;
            }
            // A write-protected file: remember it, so that the notice can offer a copy.
            if matches!(e, CoreError::ReadOnlyFile { .. }) {
                state.set_read_only_open(Some(tried))?;
            }
            return Err(e.into());
        }
    };
    state.set_failed_open(None)?;
    state.set_read_only_open(None)?;
    switch_to(app, state, ws).await
}

#[tauri::command]
pub async fn app_info(app: AppHandle, state: State<'_, AppState>) -> Result<AppInfo, ErrorPayload> {
    // The workspace of the last session opens in the background while the window shows:
    // wait for it here, without blocking the window.
    if let Some(opening) = state.take_opening()? {
        let _ = opening.await;
    }
    let workspace = match state.current() {
        Ok(ws) => Some(describe(&ws).await?),
        Err(_) => None,
    };
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        schema_version: SCHEMA_VERSION,
        prefs: read_prefs(&app),
        workspace,
        notices: state.take_notices(),
        workspaces_dir: workspaces_dir().to_string_lossy().into_owned(),
    })
}

/// Creates a workspace for a new territory in the default folder, and opens it.
#[tauri::command]
pub async fn create_workspace(
    app: AppHandle,
    state: State<'_, AppState>,
    input: NewWorkspace,
) -> Result<WorkspaceInfo, ErrorPayload> {
    let valid = input.validate()?;
    let dir = workspaces_dir();
    let ws = tauri::async_runtime::spawn_blocking(move || {
        let path = available_path(&dir, &slug(&valid.territory_name));
        let store = Store::create(&path, &input)?;
        Ok::<_, catalyse_core::CoreError>(Workspace::spawn_with_backups(
            store,
            path,
            &catalyse_core::workspace::paths::backups_root(),
        ))
    })
    .await
    .map_err(join_error)??;
    switch_to(&app, &state, ws).await
}

/// Writes a fresh copy of the demo workspace in the default folder, and opens it.
#[tauri::command]
pub async fn open_demo(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<WorkspaceInfo, ErrorPayload> {
    let dir = workspaces_dir();
    let ws = tauri::async_runtime::spawn_blocking(move || {
        let path = available_path(&dir, "exemple-haut-verdanson");
        let store = demo::write_demo(&path)?;
        Ok::<_, catalyse_core::CoreError>(Workspace::spawn_with_backups(
            store,
            path,
            &catalyse_core::workspace::paths::backups_root(),
        ))
    })
    .await
    .map_err(join_error)??;
    switch_to(&app, &state, ws).await
}

/// Asks for a workspace file with the native dialog and opens it. `None` if cancelled.
#[tauri::command]
pub async fn pick_and_open_workspace(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    filter_name: String,
) -> Result<Option<WorkspaceInfo>, ErrorPayload> {
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .add_filter(filter_name, &[EXTENSION]);
    dialog = dialog.set_directory(workspaces_dir());
    let Some(picked) = dialog.blocking_pick_file() else {
        return Ok(None);
    };
    let path = picked_path(picked)?;
    open_path(&app, &state, path).await.map(Some)
}

/// Asks where to save a copy of the open workspace, writes it, and continues on the copy.
#[tauri::command]
pub async fn save_workspace_as(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    filter_name: String,
) -> Result<Option<WorkspaceInfo>, ErrorPayload> {
    let ws = state.current()?;
    let suggested = ws
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| format!("espace.{EXTENSION}"));
    let dir = ws.path().parent().map(PathBuf::from);
    let Some(target) = ask_workspace_path(&app, title, filter_name, suggested, dir)? else {
        return Ok(None);
    };
    let copy_to = target.clone();
    ws.call(move |s| s.save_copy(&copy_to)).await?;
    drop(ws);
    open_path(&app, &state, target).await.map(Some)
}

/// The write-protected workspace the user could not open: asks where to write a copy of it
/// (in the workspaces folder by default), writes it and opens the copy. `None` if cancelled.
#[tauri::command]
pub async fn open_writable_copy(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    filter_name: String,
) -> Result<Option<WorkspaceInfo>, ErrorPayload> {
    let Some(source) = state.read_only_open()? else {
        return Err(ErrorPayload::new(
            "no_workspace",
            "workspace.no_read_only",
            "Aucun espace de travail en lecture seule n'attend d'être copié.",
        ));
    };
    let stem = source
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "espace".into());
    let suggested = format!("{stem}-copie.{EXTENSION}");
    let dir = Some(workspaces_dir());
    let Some(target) = ask_workspace_path(&app, title, filter_name, suggested, dir)? else {
        return Ok(None);
    };
    let (from, to) = (source.clone(), target.clone());
    tauri::async_runtime::spawn_blocking(move || {
        catalyse_core::safety::backup::writable_copy(&from, &to)
    })
    .await
    .map_err(join_error)??;
    open_path(&app, &state, target).await.map(Some)
}

/// Gives the channel where the page hears of the workspaces a second launch of Catalyse asks
/// to open (a double-click on a file while the window runs, see `gui::second_launch`).
#[tauri::command]
pub fn watch_open_requests(
    state: State<'_, AppState>,
    channel: tauri::ipc::Channel<crate::state::OpenRequest>,
) -> Result<(), ErrorPayload> {
    state.listen_open_requests(channel)
}

/// The user's answer to request `token`: opens the file the second launch gave (kept in
/// Rust) if `open`, forgets it otherwise. `None` when nothing was opened (the answer is
/// « no », or the request was replaced by a later one).
#[tauri::command]
pub async fn answer_open_request(
    app: AppHandle,
    state: State<'_, AppState>,
    token: u32,
    open: bool,
) -> Result<Option<WorkspaceInfo>, ErrorPayload> {
    let Some(path) = state.take_open_request(token)? else {
        return Ok(None);
    };
    if !open {
        return Ok(None);
    }
    open_path(&app, &state, path).await.map(Some)
}

/// Closes the open workspace and goes back to the welcome screen.
#[tauri::command]
pub async fn close_workspace(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<(), ErrorPayload> {
    state.replace(None)?;
    set_title(&app, None);
    write_pref(&app, "last_workspace", serde_json::Value::Null)?;
    Ok(())
}
