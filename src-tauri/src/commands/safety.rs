//! Keeping the data safe: backups and the RGPD export and erasure of a person.
//! Backups: the list the user restores from, a backup on demand, and the restore (into a new
//! file chosen in the native dialog, or over the open workspace after it was backed up).
//! The web view only ever names a backup by its file name inside the workspace's backup
//! folder; paths are resolved here.

use super::workspace::{join_error, open_path, WorkspaceInfo};
use crate::dialogs::{ask_save_path, ask_workspace_path, file_name};
use crate::jobs::JobMessage;
use crate::state::AppState;
use catalyse_core::safety::backup::{self, BackupInfo, BackupReason};
use catalyse_core::safety::erasures::{self, BackupsErasure, ErasedPerson};
use catalyse_core::safety::rgpd::{ErasureSummary, Person};
use catalyse_core::workspace::paths::{backups_root, EXTENSION};
use catalyse_core::ErrorPayload;
use serde::Serialize;
use std::path::{Path, PathBuf};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use ts_rs::TS;

/// The backups of the open workspace (or of the damaged one the user tried to open).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BackupList {
    /// The workspace's file name.
    pub workspace: String,
    /// The folder holding its backups.
    pub folder: String,
    /// True when the workspace could not be opened because it is damaged.
    pub damaged: bool,
    /// Newest first.
    pub backups: Vec<BackupInfo>,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RestoreDone {
    pub workspace: WorkspaceInfo,
    /// Where the replaced workspace was kept, if one was replaced.
    pub previous_saved_as: Option<String>,
    /// People erased (RGPD) since the backup was made, erased again (not named).
    #[ts(type = "number")]
    pub erased_again: usize,
}

/// The workspace whose backups are meant: the open one, else the damaged one.
fn subject(state: &AppState) -> Result<(PathBuf, bool), ErrorPayload> {
    if let Ok(ws) = state.current() {
        return Ok((ws.path().to_path_buf(), false));
    }
    match state.failed_open()? {
        Some(p) => Ok((p, true)),
        None => Err(ErrorPayload::new(
            "no_workspace",
            "workspace.none_open",
            "Aucun espace de travail n'est ouvert.",
        )),
    }
}

#[tauri::command]
pub async fn list_backups(state: State<'_, AppState>) -> Result<BackupList, ErrorPayload> {
    let (path, damaged) = subject(&state)?;
    let dir = backup::dir_for(&backups_root(), &path);
    let folder = dir.to_string_lossy().into_owned();
    let backups = tauri::async_runtime::spawn_blocking(move || backup::list(&dir))
        .await
        .map_err(join_error)??;
    Ok(BackupList {
        workspace: file_name(&path),
        folder,
        damaged,
        backups,
    })
}

/// Makes a backup of the open workspace now, on a reader (a consistent snapshot; the writer
/// stays free), reporting progress to `on_progress`; cancelled (`cancel_job`), no backup is
/// left.
#[tauri::command]
pub async fn backup_now(
    state: State<'_, AppState>,
    on_progress: Channel<JobMessage>,
) -> Result<String, ErrorPayload> {
    let ws = state.current()?;
    let dir = backup::dir_for(&backups_root(), ws.path());
    let job = state.jobs.start(on_progress);
    let progress = job.progress.clone();
    let made = ws
        .read(move |s| s.backup_into_with(&dir, BackupReason::Manual, &progress))
        .await?;
    drop(job);
    Ok(file_name(&made))
}

/// Restores the backup `file_name` of the open (or damaged) workspace: over it when
/// `replace` (it is closed and backed up first), else into a new file chosen in the dialog.
/// Then opens the restored workspace. `None` if the user cancelled the dialog. Reports its
/// progress to `on_progress`; cancelled (`cancel_job`), nothing is replaced and what was open
/// opens again.
#[tauri::command]
pub async fn restore_backup(
    app: AppHandle,
    state: State<'_, AppState>,
    file_name: String,
    replace: bool,
    title: String,
    on_progress: Channel<JobMessage>,
) -> Result<Option<RestoreDone>, ErrorPayload> {
    let (current, _damaged) = subject(&state)?;
    let dir = backup::dir_for(&backups_root(), &current);
    let source = listed_backup(&dir, &file_name).await?;
    let Some(target) = restore_target(&app, &current, replace, title)? else {
        return Ok(None);
    };
    if replace {
        state.close_now().await?;
    }
    let safety = backup::dir_for(&backups_root(), &target);
    let (to, from) = (target.clone(), source.clone());
    let job = state.jobs.start(on_progress);
    let progress = job.progress.clone();
    // The dialog already asked before replacing an existing file.
    let restored = tauri::async_runtime::spawn_blocking(move || {
        let exists = to.exists();
        backup::restore_with(&from, &to, exists, &safety, &progress)
    })
    .await
    .map_err(join_error)?;
    drop(job);
    let outcome = match restored {
        Ok(o) => o,
        Err(e) => {
            // Nothing was replaced: reopen what was open.
            if replace {
                let _ = open_path(&app, &state, current).await;
            }
            return Err(e.into());
        }
    };
    let workspace = open_path(&app, &state, target).await?;
    Ok(Some(RestoreDone {
        workspace,
        previous_saved_as: outcome.previous_saved_as,
        erased_again: outcome.erased_again,
    }))
}

/// The backup `file_name` of the folder `dir`: only a readable backup listed there, by its
/// plain name.
async fn listed_backup(dir: &Path, file_name: &str) -> Result<PathBuf, ErrorPayload> {
    // Only a backup listed in the folder, by its plain name.
    let listed = {
        let dir = dir.to_path_buf();
        tauri::async_runtime::spawn_blocking(move || backup::list(&dir))
            .await
            .map_err(join_error)??
    };
    let Some(chosen) = listed
        .iter()
        .find(|b| b.file_name == file_name && b.readable)
    else {
        return Err(ErrorPayload::new(
            "not_found",
            "backup.not_found",
            format!("La sauvegarde « {file_name} » est introuvable ou illisible."),
        )
        .with_arg("file", file_name));
    };
    Ok(PathBuf::from(&chosen.path))
}

/// Where to restore: over the workspace `current` itself when `replace`, else into a new file
/// chosen in the dialog. `None` if the user cancelled the dialog.
fn restore_target(
    app: &AppHandle,
    current: &Path,
    replace: bool,
    title: String,
) -> Result<Option<PathBuf>, ErrorPayload> {
    if replace {
        return Ok(Some(current.to_path_buf()));
    }
    let suggested = format!(
        "{}-restaure.{EXTENSION}",
        current
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "espace".into())
    );
    let dir = current.parent().map(PathBuf::from);
    let filter = "Espace de travail Catalyse".to_string();
    ask_workspace_path(app, title, filter, suggested, dir)
}

/// RGPD: writes everything stored about a person to a JSON file chosen in the save dialog.
#[tauri::command]
pub async fn export_person(
    app: AppHandle,
    state: State<'_, AppState>,
    person: Person,
    title: String,
    file_name_hint: String,
) -> Result<Option<String>, ErrorPayload> {
    let ws = state.current()?;
    let Some(path) = ask_save_path(
        &app,
        title,
        file_name_hint,
        &[("Données personnelles (JSON)", "json")],
    )?
    else {
        return Ok(None);
    };
    let name = file_name(&path);
    ws.call(move |s| {
        let text = s.person_export(person)?;
        catalyse_core::exchange::write_whole(&path, text.as_bytes())
    })
    .await?;
    Ok(Some(name))
}

/// RGPD: erases a contact or anonymises a team member everywhere (the UI confirmed first).
#[tauri::command]
pub async fn erase_person(
    state: State<'_, AppState>,
    person: Person,
) -> Result<ErasureSummary, ErrorPayload> {
    let ws = state.current()?;
    let dir = backup::dir_for(&backups_root(), ws.path());
    Ok(ws
        .call(move |s| catalyse_core::safety::rgpd::erase_and_record(s, person, &dir))
        .await?)
}

/// RGPD, after an erasure: the workspace's backups that hold the person are rewritten
/// without them, or deleted when they cannot be (the UI confirmed first). Runs on the
/// writer, so that no automatic backup is written meanwhile.
#[tauri::command]
pub async fn erase_person_from_backups(
    state: State<'_, AppState>,
    person: ErasedPerson,
) -> Result<BackupsErasure, ErrorPayload> {
    person.validate()?;
    let ws = state.current()?;
    let dir = backup::dir_for(&backups_root(), ws.path());
    Ok(ws
        .call(move |_| erasures::erase_from_backups(&dir, &person))
        .await?)
}
