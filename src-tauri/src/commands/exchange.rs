//! Import and export of actors, links and meetings through the native file dialogs, and the
//! valorisation report's export. Paths come from the dialogs, never from the web view.

use super::with_store;
use super::workspace::{join_error, open_path, WorkspaceInfo};
use crate::dialogs::{ask_open_path, ask_save_path, file_name, picked_path, FileDone};
use crate::jobs::JobMessage;
use crate::state::{AppState, PreparedImportFor};
use catalyse_core::exchange::{ExchangeKind, ImportOutcome, ImportPreview};
use catalyse_core::workspace::paths::EXTENSION;
use catalyse_core::{CoreResult, ErrorPayload, Store};
use std::path::Path;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

/// Asks for a CSV or XLSX file to import; remembers it and returns its name (`None` if the
/// user cancelled).
#[tauri::command]
pub async fn pick_import_file(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    filter_name: String,
) -> Result<Option<String>, ErrorPayload> {
    let Some(path) = ask_open_path(&app, title, filter_name, &["csv", "xlsx", "txt"])? else {
        return Ok(None);
    };
    let name = file_name(&path);
    state.set_import_file(Some(path))?;
    Ok(Some(name))
}

/// What importing the picked file would do; writes nothing. The file is read and checked on
/// a reader (the window stays usable), reporting progress to `on_progress`; the result is
/// kept for [`import_commit`].
#[tauri::command]
pub async fn import_preview(
    state: State<'_, AppState>,
    kind: ExchangeKind,
    on_progress: Channel<JobMessage>,
) -> Result<ImportPreview, ErrorPayload> {
    let path = state.import_file()?;
    state.set_prepared_import(None)?;
    let ws = state.current()?;
    let stamp = ws.writer_stamp();
    let job = state.jobs.start(on_progress);
    let progress = job.progress.clone();
    let file = path.clone();
    let mut prepared = ws
        .read(move |s| s.prepare_import_file(kind, &file, &progress))
        .await?;
    prepared.set_stamp(stamp);
    let preview = prepared.preview().clone();
    state.set_prepared_import(Some(PreparedImportFor {
        path,
        kind,
        prepared,
    }))?;
    drop(job);
    Ok(preview)
}

/// Imports the picked file, all or nothing, reporting progress to `on_progress`; cancelled
/// (`cancel_job`), it writes nothing. The file checked by the preview is written as checked,
/// unless the workspace changed since: it is then checked again first.
#[tauri::command]
pub async fn import_commit(
    state: State<'_, AppState>,
    kind: ExchangeKind,
    keep_duplicates: bool,
    on_progress: Channel<JobMessage>,
) -> Result<ImportOutcome, ErrorPayload> {
    let path = state.import_file()?;
    let kept = state
        .take_prepared_import()?
        .filter(|p| p.kind == kind && p.path == path)
        .map(|p| p.prepared);
    let job = state.jobs.start(on_progress);
    let progress = job.progress.clone();
    let out = with_store(&state, move |s| {
        let prepared = match kept {
            Some(p) if p.stamp() == s.change_stamp() => p,
            _ => s.prepare_import_file(kind, &path, &progress)?,
        };
        s.commit_import(prepared, keep_duplicates, &progress)
    })
    .await?;
    drop(job);
    state.set_import_file(None)?;
    Ok(out)
}

/// Forgets the file the preview checked (the user closed the preview without importing).
#[tauri::command]
pub async fn discard_import(state: State<'_, AppState>) -> Result<(), ErrorPayload> {
    state.set_prepared_import(None)?;
    state.set_import_file(None)
}

/// Asks a running operation to stop (it then writes nothing); false when it already ended.
#[tauri::command]
pub async fn cancel_job(state: State<'_, AppState>, job: u64) -> Result<bool, ErrorPayload> {
    Ok(state.jobs.cancel(job))
}

/// Asks where to save (CSV or XLSX), then writes the file with `write` on the writer thread;
/// `write` returns how many rows it wrote.
async fn save_as(
    app: &AppHandle,
    state: &AppState,
    title: String,
    file_name_hint: String,
    write: impl FnOnce(&mut Store, &Path) -> CoreResult<usize> + Send + 'static,
) -> Result<Option<FileDone>, ErrorPayload> {
    let Some(path) = ask_save_path(app, title, file_name_hint, TABLE_FILTERS)? else {
        return Ok(None);
    };
    let name = file_name(&path);
    let rows = with_store(state, move |s| write(s, &path)).await?;
    Ok(Some(FileDone { name, rows }))
}

/// Exports actors, links or meetings (CSV or XLSX, from the extension; CSV when none). The
/// dialog already asked before replacing an existing file. The rows are read on a reader
/// (the window and the writer stay free), reporting progress to `on_progress`; cancelled
/// (`cancel_job`), no file is written.
#[tauri::command]
pub async fn export_data(
    app: AppHandle,
    state: State<'_, AppState>,
    kind: ExchangeKind,
    title: String,
    file_name_hint: String,
    on_progress: Channel<JobMessage>,
) -> Result<Option<FileDone>, ErrorPayload> {
    let Some(path) = ask_save_path(&app, title, file_name_hint, TABLE_FILTERS)? else {
        return Ok(None);
    };
    let name = file_name(&path);
    let ws = state.current()?;
    let job = state.jobs.start(on_progress);
    let progress = job.progress.clone();
    let rows = ws
        .read(move |s| s.export_file_with(kind, &path, true, &progress))
        .await?;
    drop(job);
    Ok(Some(FileDone { name, rows }))
}

/// Exports the valorisation report of a period.
#[tauri::command]
pub async fn export_valorisation(
    app: AppHandle,
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
    title: String,
    file_name_hint: String,
) -> Result<Option<FileDone>, ErrorPayload> {
    save_as(&app, &state, title, file_name_hint, move |s, path| {
        let v = s.valorisation(from, to)?;
        s.export_valorisation(&v, path)?;
        Ok(v.meetings as usize)
    })
    .await
}

/// Exports the team's competence matrix.
#[tauri::command]
pub async fn export_team_grid(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    file_name_hint: String,
) -> Result<Option<FileDone>, ErrorPayload> {
    save_as(&app, &state, title, file_name_hint, |s, path| {
        s.export_team_grid(path).map(|_| 0)
    })
    .await
}

/// Exports one member's self-assessments.
#[tauri::command]
pub async fn export_member_sheet(
    app: AppHandle,
    state: State<'_, AppState>,
    member_id: i64,
    title: String,
    file_name_hint: String,
) -> Result<Option<FileDone>, ErrorPayload> {
    save_as(&app, &state, title, file_name_hint, move |s, path| {
        s.export_member_sheet(member_id, path).map(|_| 0)
    })
    .await
}

/// The filters of the tabular exports' save dialog; the first one's extension is the default.
pub(crate) const TABLE_FILTERS: &[(&str, &str)] = &[
    ("CSV (Excel, LibreOffice)", "csv"),
    ("Classeur Excel", "xlsx"),
];

/// Exports the whole open workspace as JSON to a file chosen in the save dialog, reporting
/// progress to `on_progress`; cancelled (`cancel_job`), no file is written.
#[tauri::command]
pub async fn export_workspace_json(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    on_progress: Channel<JobMessage>,
) -> Result<Option<String>, ErrorPayload> {
    let ws = state.current()?;
    let stem = ws
        .path()
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "espace".into());
    let Some(path) = ask_save_path(
        &app,
        title,
        format!("{stem}.json"),
        &[("Export complet (JSON)", "json")],
    )?
    else {
        return Ok(None);
    };
    let name = file_name(&path);
    // Read on a reader (one consistent snapshot); the window and the writer stay free.
    let job = state.jobs.start(on_progress);
    let progress = job.progress.clone();
    ws.read(move |s| s.export_json_file(&path, &progress))
        .await?;
    drop(job);
    Ok(Some(name))
}

/// Asks for a JSON export, then for the new workspace file to create from it; imports it (all
/// or nothing, reporting progress to `on_progress`; cancelled, no file is created) and opens
/// it. `None` if the user cancelled a dialog.
#[tauri::command]
pub async fn import_workspace_json(
    app: AppHandle,
    state: State<'_, AppState>,
    pick_title: String,
    save_title: String,
    on_progress: Channel<JobMessage>,
) -> Result<Option<WorkspaceInfo>, ErrorPayload> {
    let Some(picked) = app
        .dialog()
        .file()
        .set_title(pick_title)
        .add_filter("Export complet (JSON)", &["json"])
        .blocking_pick_file()
    else {
        return Ok(None);
    };
    let source = picked_path(picked)?;
    let stem = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "espace".into());
    let Some(target) = ask_save_path(
        &app,
        save_title,
        format!("{stem}.{EXTENSION}"),
        &[("Espace de travail Catalyse", EXTENSION)],
    )?
    else {
        return Ok(None);
    };
    let to = target.clone();
    let job = state.jobs.start(on_progress);
    let progress = job.progress.clone();
    tauri::async_runtime::spawn_blocking(move || {
        catalyse_core::exchange::workspace_json::import_file_with(&source, &to, &progress)
    })
    .await
    .map_err(join_error)??;
    drop(job);
    open_path(&app, &state, target).await.map(Some)
}
