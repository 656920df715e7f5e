//! The window: Tauri builder, start-up (preferences, last workspace), a second launch.

use crate::commands;
use crate::prefs::{self, read_prefs, write_pref, PREFS_FILE};
use crate::state::{set_title, AppState};
use catalyse_core::{CoreError, ErrorPayload, Workspace};
use std::path::PathBuf;
use tauri::{AppHandle, Manager, Runtime};

fn startup<R: Runtime>(app: &AppHandle<R>, cli_workspace: Option<PathBuf>) {
    let state = app.state::<AppState>();
    let dir = catalyse_core::shared::dirs::app_data_dir();
    if let Some(aside) = prefs::quarantine_if_corrupt(&dir.join(PREFS_FILE)) {
        state.notify(
            ErrorPayload::new(
                "prefs_reset",
                "prefs.reset",
                format!(
                    "Vos préférences étaient illisibles : Catalyse a démarré avec les réglages par défaut. L'ancien fichier a été conservé sous « {} ».",
                    aside.display()
                ),
            )
            .with_arg("path", aside.display()),
        );
    }
    let from_cli = cli_workspace.is_some();
    let prefs = read_prefs(app);
    state.set_display_name(&prefs.display_name);
    let candidate = cli_workspace.or_else(|| prefs.last_workspace.map(PathBuf::from));
    let Some(path) = candidate else { return };
    // Opened in the background: the window shows at once, and `app_info` waits for it.
    let handle = app.clone();
    let opening = tauri::async_runtime::spawn_blocking(move || {
        open_at_start(&handle, path, from_cli);
    });
    let slot = state.opening.lock();
    if let Ok(mut slot) = slot {
        *slot = Some(opening);
    }
}

/// Opens the workspace of the last session (or the command line's) at start-up.
fn open_at_start<R: Runtime>(app: &AppHandle<R>, path: PathBuf, from_cli: bool) {
    let state = app.state::<AppState>();
    match Workspace::open_with_backups(&path, &catalyse_core::workspace::paths::backups_root()) {
        Ok(ws) => {
            let territory = ws
                .read_blocking(|s| s.header())
                .ok()
                .map(|h| h.territory_name);
            set_title(app, territory.as_deref());
            let _ = state.replace(Some(ws));
            if from_cli {
                let _ = write_pref(
                    app,
                    "last_workspace",
                    path.to_string_lossy().into_owned().into(),
                );
            }
        }
        Err(e) => {
            if matches!(
                e,
                CoreError::Corrupt { .. } | CoreError::ForeignSchema { .. }
            ) {
                let _ = state.set_failed_open(Some(path.clone()));
            }
            if matches!(e, CoreError::ReadOnlyFile { .. }) {
                let _ = state.set_read_only_open(Some(path.clone()));
            }
            let mut payload = ErrorPayload::from(e);
            if !from_cli && payload.kind == "file_not_found" {
                payload.message = format!(
                    "Le dernier espace de travail ouvert, « {} », est introuvable. Ouvrez-en un autre ou créez-en un.",
                    path.display()
                );
            }
            state.notify(payload);
        }
    }
}

/// Catalyse started again while this window runs (a double-click on a workspace, `xdg-open`,
/// the menu): one writer per user, so this window comes forward, and the workspace the new
/// launch was given is offered to the page (`OpenRequest`), which opens it as « Ouvrir… »
/// does once the user may leave what is on screen (a note's unsaved text is asked about).
/// The page is never reloaded: typed text and the progress of running operations stay. The
/// workspace already open here is not offered again: nothing happens.
fn second_launch<R: Runtime>(app: &AppHandle<R>, argv: Vec<String>, cwd: String) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
    let Some(path) = crate::cli::workspace_argument(&argv) else {
        return;
    };
    let path = PathBuf::from(cwd).join(path);
    let state = app.state::<AppState>();
    if let Ok(current) = state.current() {
        if catalyse_core::workspace::paths::same_file(current.path(), &path) {
            return;
        }
    }
    if let Err(e) = state.request_open(path) {
        state.notify(e);
    }
}

/// Opens the window; returns the process exit code.
pub fn run(cli_workspace: Option<PathBuf>) -> i32 {
    let result = tauri::Builder::default()
        // First: a second launch hands its arguments over here and ends before anything else.
        .plugin(tauri_plugin_single_instance::init(|app, argv, cwd| {
            second_launch(app, argv, cwd);
        }))
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState::default())
        .setup(move |app| {
            startup(app.handle(), cli_workspace.clone());
            Ok(())
        })
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!());
    let app = match result {
        Ok(app) => app,
        Err(e) => {
            eprintln!("Erreur : la fenêtre de Catalyse n'a pas pu s'ouvrir : {e}");
            return 1;
        }
    };
    app.run(|app, event| {
        if let tauri::RunEvent::Exit = event {
            // The window closed: the workspace is closed properly (the commands still running
            // end, the journal is folded into the file, its state recorded for the next start).
            let state = app.state::<AppState>();
            if let Ok(Some(opening)) = state.take_opening() {
                let _ = tauri::async_runtime::block_on(opening);
            }
            let _ = tauri::async_runtime::block_on(state.close_now());
        }
    });
    0
}
