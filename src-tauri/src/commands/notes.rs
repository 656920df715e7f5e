//! Commands for decision notes: list, read, create, save, status, versions, refresh, and
//! export through the native save dialog.

use super::with_store;
use crate::commands::exchange::FileDone;
use crate::gui::AppState;
use catalyse_core::note::{DecisionNote, NoteInput, NoteSummary, NoteVersion, SectionChange};
use catalyse_core::ErrorPayload;
use std::path::PathBuf;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

#[tauri::command]
pub async fn list_notes(state: State<'_, AppState>) -> Result<Vec<NoteSummary>, ErrorPayload> {
    with_store(&state, |s| s.list_notes()).await
}

#[tauri::command]
pub async fn get_note(state: State<'_, AppState>, id: i64) -> Result<DecisionNote, ErrorPayload> {
    with_store(&state, move |s| s.note(id)).await
}

#[tauri::command]
pub async fn create_note(
    state: State<'_, AppState>,
    input: NoteInput,
) -> Result<DecisionNote, ErrorPayload> {
    with_store(&state, move |s| s.create_note(&input)).await
}

#[tauri::command]
pub async fn update_note(
    state: State<'_, AppState>,
    id: i64,
    input: NoteInput,
) -> Result<DecisionNote, ErrorPayload> {
    with_store(&state, move |s| s.update_note(id, &input)).await
}

#[tauri::command]
pub async fn set_note_status(
    state: State<'_, AppState>,
    id: i64,
    status: String,
) -> Result<DecisionNote, ErrorPayload> {
    with_store(&state, move |s| s.set_note_status(id, &status)).await
}

#[tauri::command]
pub async fn delete_note(state: State<'_, AppState>, id: i64) -> Result<(), ErrorPayload> {
    with_store(&state, move |s| s.delete_note(id)).await
}

#[tauri::command]
pub async fn note_versions(
    state: State<'_, AppState>,
    id: i64,
) -> Result<Vec<NoteVersion>, ErrorPayload> {
    with_store(&state, move |s| s.note_versions(id)).await
}

#[tauri::command]
pub async fn note_version(
    state: State<'_, AppState>,
    id: i64,
    number: i64,
) -> Result<DecisionNote, ErrorPayload> {
    with_store(&state, move |s| s.note_version(id, number)).await
}

#[tauri::command]
pub async fn restore_note_version(
    state: State<'_, AppState>,
    id: i64,
    number: i64,
) -> Result<DecisionNote, ErrorPayload> {
    with_store(&state, move |s| s.restore_note_version(id, number)).await
}

#[tauri::command]
pub async fn refresh_preview(
    state: State<'_, AppState>,
    id: i64,
) -> Result<Vec<SectionChange>, ErrorPayload> {
    with_store(&state, move |s| s.refresh_preview(id)).await
}

#[tauri::command]
pub async fn apply_refresh(
    state: State<'_, AppState>,
    id: i64,
    take: Vec<String>,
) -> Result<DecisionNote, ErrorPayload> {
    with_store(&state, move |s| s.apply_refresh(id, &take)).await
}

/// Asks where to write the note (DOCX, Markdown or HTML from the extension) and writes it.
#[tauri::command]
pub async fn export_note(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    title: String,
    file_name_hint: String,
) -> Result<Option<FileDone>, ErrorPayload> {
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(file_name_hint)
        .add_filter("Document Word (DOCX)", &["docx"])
        .add_filter("Page HTML à imprimer", &["html"])
        .add_filter("Markdown", &["md"]);
    if let Ok(home) = app.path().home_dir() {
        dialog = dialog.set_directory(home);
    }
    let Some(picked) = dialog.blocking_save_file() else {
        return Ok(None);
    };
    let mut path: PathBuf = super::exchange::picked_path(picked)?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !matches!(ext.as_str(), "docx" | "html" | "md") {
        let mut name = path.as_os_str().to_owned();
        name.push(".docx");
        path = PathBuf::from(name);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    with_store(&state, move |s| {
        let n = s.note(id)?;
        let bytes = match path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .as_deref()
        {
            Some("md") => catalyse_core::note_render::to_markdown(&n).into_bytes(),
            Some("html") => catalyse_core::note_render::to_html(&n).into_bytes(),
            _ => catalyse_core::note_docx::to_docx(&n)?,
        };
        catalyse_core::exchange::write_whole(&path, &bytes)
    })
    .await?;
    Ok(Some(FileDone { name, rows: 0 }))
}
