//! The native file dialogs the commands open: where to save (a table, a JSON file, a
//! workspace) and the path of a picked file. Paths come from the dialogs, never from the web
//! view.

use catalyse_core::workspace::paths::EXTENSION;
use catalyse_core::{CoreError, ErrorPayload};
use serde::Serialize;
use std::path::PathBuf;
use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

/// A file the user picked or wrote.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FileDone {
    /// The file's name (for messages).
    pub name: String,
    /// Rows written, for exports.
    #[ts(type = "number")]
    pub rows: usize,
}

pub(crate) fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The path of a file chosen in a native dialog.
pub(crate) fn picked_path(p: tauri_plugin_dialog::FilePath) -> Result<PathBuf, ErrorPayload> {
    p.into_path().map_err(|e| {
        ErrorPayload::new(
            "io",
            "path.unreadable",
            format!("Chemin de fichier illisible : {e}"),
        )
        .with_arg("detail", e)
    })
}

/// Asks for a file to open, of the extensions given, in the native dialog opened on the home
/// folder. `None` if the user cancelled.
pub(crate) fn ask_open_path(
    app: &AppHandle,
    title: String,
    filter_name: String,
    extensions: &[&str],
) -> Result<Option<PathBuf>, ErrorPayload> {
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .add_filter(filter_name, extensions);
    if let Ok(home) = app.path().home_dir() {
        dialog = dialog.set_directory(home);
    }
    dialog.blocking_pick_file().map(picked_path).transpose()
}

/// Asks where to save, offering `filters` (name, extension). A name typed without one of
/// those extensions gets the first; if that file exists, it is refused rather than replaced,
/// since the dialog only asked about the name as typed.
pub(crate) fn ask_save_path(
    app: &AppHandle,
    title: String,
    suggested: String,
    filters: &[(&str, &str)],
) -> Result<Option<PathBuf>, ErrorPayload> {
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(suggested);
    for (name, ext) in filters {
        dialog = dialog.add_filter(*name, &[*ext]);
    }
    if let Ok(home) = app.path().home_dir() {
        dialog = dialog.set_directory(home);
    }
    let Some(picked) = dialog.blocking_save_file() else {
        return Ok(None);
    };
    let mut path = picked_path(picked)?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !filters.iter().any(|(_, e)| *e == ext) {
        let mut name = path.as_os_str().to_owned();
        name.push(".");
        name.push(filters.first().map(|(_, e)| *e).unwrap_or("txt"));
        path = PathBuf::from(name);
        if path.exists() {
            return Err(CoreError::AlreadyExists { path }.into());
        }
    }
    Ok(Some(path))
}

/// Asks, in the native save dialog opened on `dir`, where to write a workspace file; adds
/// the extension when none was typed. `None` if the user cancelled.
pub(crate) fn ask_workspace_path(
    app: &AppHandle,
    title: String,
    filter_name: String,
    suggested: String,
    dir: Option<PathBuf>,
) -> Result<Option<PathBuf>, ErrorPayload> {
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(suggested)
        .add_filter(filter_name, &[EXTENSION]);
    if let Some(dir) = dir {
        dialog = dialog.set_directory(dir);
    }
    let Some(picked) = dialog.blocking_save_file() else {
        return Ok(None);
    };
    let mut target = picked_path(picked)?;
    if target.extension().is_none() {
        target.set_extension(EXTENSION);
    }
    Ok(Some(target))
}
