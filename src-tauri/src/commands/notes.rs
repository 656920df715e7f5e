//! Commands for decision notes: list, read, create, save, status, versions, refresh, and
//! export through the native save dialog.

use super::{with_reader, with_store};
use crate::dialogs::{ask_save_path, file_name, FileDone};
use crate::state::AppState;
use catalyse_core::notes::export::{check_logo_size, LogoInfo, NoteFormat};
use catalyse_core::notes::listing::{NoteListPage, NoteListQuery};
use catalyse_core::notes::{DecisionNote, NoteInput, NoteVersion, SectionChange};
use catalyse_core::CoreError;
use catalyse_core::ErrorPayload;
use tauri::{AppHandle, State};

/// One page of the notes list, filtered in SQL.
#[tauri::command]
pub async fn note_page(
    state: State<'_, AppState>,
    query: NoteListQuery,
) -> Result<NoteListPage, ErrorPayload> {
    with_reader(&state, move |s| s.note_page(&query)).await
}

#[tauri::command]
pub async fn get_note(state: State<'_, AppState>, id: i64) -> Result<DecisionNote, ErrorPayload> {
    with_reader(&state, move |s| s.note(id)).await
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
    status: catalyse_core::shared::domain::NoteStatus,
) -> Result<DecisionNote, ErrorPayload> {
    with_store(&state, move |s| s.set_note_status(id, status)).await
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
    with_reader(&state, move |s| s.note_versions(id)).await
}

#[tauri::command]
pub async fn note_version(
    state: State<'_, AppState>,
    id: i64,
    number: i64,
) -> Result<DecisionNote, ErrorPayload> {
    with_reader(&state, move |s| s.note_version(id, number)).await
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
    with_reader(&state, move |s| s.refresh_preview(id)).await
}

#[tauri::command]
pub async fn apply_refresh(
    state: State<'_, AppState>,
    id: i64,
    take: Vec<String>,
) -> Result<DecisionNote, ErrorPayload> {
    with_store(&state, move |s| s.apply_refresh(id, &take)).await
}

/// Asks where to write the note (DOCX, PDF, Markdown or HTML from the extension) and writes it.
#[tauri::command]
pub async fn export_note(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    title: String,
    file_name_hint: String,
) -> Result<Option<FileDone>, ErrorPayload> {
    let filters = [
        ("Document Word (DOCX)", "docx"),
        ("Document PDF", "pdf"),
        ("Page HTML à imprimer", "html"),
        ("Markdown", "md"),
    ];
    let Some(path) = ask_save_path(&app, title, file_name_hint, &filters)? else {
        return Ok(None);
    };
    let format = path
        .extension()
        .and_then(|e| NoteFormat::from_extension(&e.to_string_lossy()))
        .unwrap_or(NoteFormat::Docx);
    let name = file_name(&path);
    with_store(&state, move |s| {
        let bytes = s.export_note(id, format)?;
        catalyse_core::exchange::write_whole(&path, &bytes)
    })
    .await?;
    Ok(Some(FileDone { name, rows: 0 }))
}

/// The letterhead logo printed in exported notes, if any.
#[tauri::command]
pub async fn note_logo(state: State<'_, AppState>) -> Result<Option<LogoInfo>, ErrorPayload> {
    with_reader(&state, |s| s.note_logo_info()).await
}

/// Asks for a PNG or JPEG picture and makes it the letterhead logo (`None` if cancelled).
#[tauri::command]
pub async fn pick_note_logo(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
) -> Result<Option<LogoInfo>, ErrorPayload> {
    let Some(path) = crate::dialogs::ask_open_path(
        &app,
        title,
        "Image PNG ou JPEG".into(),
        &["png", "jpg", "jpeg"],
    )?
    else {
        return Ok(None);
    };
    let name = file_name(&path);
    let bytes = read_limited(&path)?;
    with_store(&state, move |s| s.set_note_logo(&name, &bytes).map(Some)).await
}

/// Reads a picked file, refusing before reading it when it is far too big for a logo.
fn read_limited(path: &std::path::Path) -> Result<Vec<u8>, ErrorPayload> {
    check_logo_size(std::fs::metadata(path).map_err(CoreError::Io)?.len())?;
    std::fs::read(path).map_err(|e| CoreError::Io(e).into())
}

/// Removes the letterhead logo.
#[tauri::command]
pub async fn remove_note_logo(state: State<'_, AppState>) -> Result<(), ErrorPayload> {
    with_store(&state, |s| s.remove_note_logo()).await
}
