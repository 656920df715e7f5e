//! The state the commands share (the open workspace, what the web view never names itself,
//! start-up notices, the running jobs), and the window's title and default folder.

use catalyse_core::{CoreError, ErrorPayload, Workspace};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime};
use ts_rs::TS;

/// State shared by the commands. The open workspace is the only owner of its database
/// connection (a writer thread, see `catalyse_core::workspace::writer`).
#[derive(Default)]
pub struct AppState {
    workspace: Mutex<Option<Arc<Workspace>>>,
    /// Messages from start-up (unreadable preferences, a workspace that could not be reopened),
    /// shown once by the UI.
    notices: Mutex<Vec<ErrorPayload>>,
    /// The file the user picked to import: kept here, so that the web view never names a
    /// path itself (it can only preview or import what the user chose in the dialog).
    import_file: Mutex<Option<PathBuf>>,
    /// A workspace that could not be opened because it is damaged: the backups screen offers
    /// its backups.
    failed_open: Mutex<Option<PathBuf>>,
    /// A workspace that could not be opened because it is write-protected: the notice offers
    /// to open a copy of it.
    read_only_open: Mutex<Option<PathBuf>>,
    /// The long operations running now (progress and cancellation).
    pub jobs: crate::jobs::Jobs,
    /// The name the user gave in the preferences: the author of their changes in the journal.
    display_name: Mutex<Option<String>>,
    /// The opening of the last session's workspace, while it runs (the window shows first).
    pub(crate) opening: Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
    /// The file checked by the last import preview, kept to be written without being read
    /// and checked again (unless the workspace changed meanwhile).
    prepared_import: Mutex<Option<PreparedImportFor>>,
    /// The contours checked by the last contours preview: the file, the code property asked,
    /// and what would be written.
    prepared_contours: Mutex<Option<PreparedContoursFor>>,
    /// The file a second launch asked this window to open, waiting for the user's answer,
    /// and the number of the latest request: kept here, so that the web view never names a
    /// path itself (it answers a request by its number).
    open_request: Mutex<(u32, Option<PathBuf>)>,
    /// Where the web view hears of those requests (the channel it gives when it starts).
    open_requests: Mutex<Option<Channel<OpenRequest>>>,
}

/// A second launch's request to open a workspace, as the web view hears of it: its number
/// (for the answer) and the file's name (for the question).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OpenRequest {
    pub token: u32,
    pub file_name: String,
}

impl OpenRequest {
    fn new(token: u32, path: &std::path::Path) -> OpenRequest {
        OpenRequest {
            token,
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }
}

/// An import checked for the preview: which file, as what, and the result.
pub struct PreparedImportFor {
    pub path: PathBuf,
    pub kind: catalyse_core::exchange::ExchangeKind,
    pub prepared: catalyse_core::exchange::PreparedImport,
}

/// Contours checked for the preview: which file, with which code property, and the result.
pub struct PreparedContoursFor {
    pub path: PathBuf,
    pub property: Option<String>,
    pub prepared: catalyse_core::map::contours::PreparedContours,
}

fn poisoned() -> ErrorPayload {
    ErrorPayload::new(
        "internal",
        "app.state_poisoned",
        "Erreur interne de l'application ; redémarrez Catalyse.",
    )
}

impl AppState {
    /// The display name of the preferences, if the user gave one.
    pub fn display_name(&self) -> Option<String> {
        self.display_name.lock().ok().and_then(|n| n.clone())
    }

    /// Sets the display name the journal writes with the next changes.
    pub fn set_display_name(&self, name: &str) {
        if let Ok(mut slot) = self.display_name.lock() {
            *slot = Some(name.trim().to_string()).filter(|n| !n.is_empty());
        }
    }

    /// The open workspace, or an error telling the user to open one.
    pub fn current(&self) -> Result<Arc<Workspace>, ErrorPayload> {
        self.workspace
            .lock()
            .map_err(|_| poisoned())?
            .clone()
            .ok_or_else(|| {
                ErrorPayload::new(
                    "no_workspace",
                    "workspace.none_open",
                    "Aucun espace de travail n'est ouvert.",
                )
            })
    }

    /// Makes `ws` the open workspace; the previous one closes once its last job is done.
    pub fn replace(&self, ws: Option<Workspace>) -> Result<(), ErrorPayload> {
        let old = {
            let mut slot = self.workspace.lock().map_err(|_| poisoned())?;
            std::mem::replace(&mut *slot, ws.map(Arc::new))
        };
        drop(old);
        Ok(())
    }

    /// Closes the open workspace now: waits (up to 10 s, without blocking the async runtime)
    /// for the commands still using it, then stops its writer on a blocking thread, so that its
    /// file may be replaced. Returns its path.
    pub async fn close_now(&self) -> Result<Option<PathBuf>, ErrorPayload> {
        let taken = self.workspace.lock().map_err(|_| poisoned())?.take();
        let Some(mut arc) = taken else {
            return Ok(None);
        };
        let path = arc.path().to_path_buf();
        for _ in 0..200 {
            match Arc::try_unwrap(arc) {
                Ok(ws) => {
                    // Dropping a workspace joins its threads: not on the async runtime.
                    tauri::async_runtime::spawn_blocking(move || drop(ws))
                        .await
                        .map_err(|e| {
                            ErrorPayload::from(CoreError::Internal {
                                detail: e.to_string(),
                            })
                        })?;
                    return Ok(Some(path));
                }
                Err(back) => {
                    arc = back;
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
        *self.workspace.lock().map_err(|_| poisoned())? = Some(arc);
        Err(ErrorPayload::new(
            "busy",
            "workspace.still_busy",
            "L'espace de travail est encore occupé par une opération ; réessayez dans un instant.",
        ))
    }

    /// Remembers (or forgets) a workspace that could not be opened because it is damaged.
    pub fn set_failed_open(&self, path: Option<PathBuf>) -> Result<(), ErrorPayload> {
        *self.failed_open.lock().map_err(|_| poisoned())? = path;
        Ok(())
    }

    /// The damaged workspace the user tried to open last, if any.
    pub fn failed_open(&self) -> Result<Option<PathBuf>, ErrorPayload> {
        Ok(self.failed_open.lock().map_err(|_| poisoned())?.clone())
    }

    /// Remembers (or forgets) a workspace refused because it is write-protected.
    pub fn set_read_only_open(&self, path: Option<PathBuf>) -> Result<(), ErrorPayload> {
        *self.read_only_open.lock().map_err(|_| poisoned())? = path;
        Ok(())
    }

    /// The write-protected workspace the user tried to open last, if any.
    pub fn read_only_open(&self) -> Result<Option<PathBuf>, ErrorPayload> {
        Ok(self.read_only_open.lock().map_err(|_| poisoned())?.clone())
    }

    /// Takes the opening of the start-up workspace, if it was started.
    pub fn take_opening(
        &self,
    ) -> Result<Option<tauri::async_runtime::JoinHandle<()>>, ErrorPayload> {
        Ok(self.opening.lock().map_err(|_| poisoned())?.take())
    }

    /// Keeps (or forgets) the import the preview checked.
    pub fn set_prepared_import(&self, p: Option<PreparedImportFor>) -> Result<(), ErrorPayload> {
        *self.prepared_import.lock().map_err(|_| poisoned())? = p;
        Ok(())
    }

    /// Takes the import the preview checked, if any.
    pub fn take_prepared_import(&self) -> Result<Option<PreparedImportFor>, ErrorPayload> {
        Ok(self.prepared_import.lock().map_err(|_| poisoned())?.take())
    }

    /// Keeps (or forgets) the contours a preview checked.
    pub fn set_prepared_contours(
        &self,
        p: Option<PreparedContoursFor>,
    ) -> Result<(), ErrorPayload> {
        *self.prepared_contours.lock().map_err(|_| poisoned())? = p;
        Ok(())
    }

    /// The contours the last preview checked, taken.
    pub fn take_prepared_contours(&self) -> Result<Option<PreparedContoursFor>, ErrorPayload> {
        Ok(self
            .prepared_contours
            .lock()
            .map_err(|_| poisoned())?
            .take())
    }

    /// Remembers the file picked for import.
    pub fn set_import_file(&self, path: Option<PathBuf>) -> Result<(), ErrorPayload> {
        *self.import_file.lock().map_err(|_| poisoned())? = path;
        Ok(())
    }

    /// The file picked for import, or an error asking to pick one.
    pub fn import_file(&self) -> Result<PathBuf, ErrorPayload> {
        self.import_file
            .lock()
            .map_err(|_| poisoned())?
            .clone()
            .ok_or_else(|| {
                ErrorPayload::new(
                    "validation",
                    "import.no_file",
                    "Choisissez d'abord le fichier à importer.",
                )
            })
    }

    /// Keeps `path` as the file to open if the user agrees (in place of an earlier request
    /// not answered yet) and tells the web view, if it listens yet.
    pub fn request_open(&self, path: PathBuf) -> Result<(), ErrorPayload> {
        let request = {
            let mut slot = self.open_request.lock().map_err(|_| poisoned())?;
            slot.0 = slot.0.wrapping_add(1);
            let request = OpenRequest::new(slot.0, &path);
            slot.1 = Some(path);
            request
        };
        self.send_open_request(request)
    }

    /// Where to tell the web view of requests to open a file; a request waiting already (the
    /// second launch came while the page was loading) is told at once.
    pub fn listen_open_requests(&self, channel: Channel<OpenRequest>) -> Result<(), ErrorPayload> {
        *self.open_requests.lock().map_err(|_| poisoned())? = Some(channel);
        let waiting = {
            let slot = self.open_request.lock().map_err(|_| poisoned())?;
            slot.1.as_ref().map(|path| OpenRequest::new(slot.0, path))
        };
        match waiting {
            Some(request) => self.send_open_request(request),
            None => Ok(()),
        }
    }

    fn send_open_request(&self, request: OpenRequest) -> Result<(), ErrorPayload> {
        if let Some(channel) = self.open_requests.lock().map_err(|_| poisoned())?.as_ref() {
            // A page being reloaded does not hear it: the request waits for its channel.
            let _ = channel.send(request);
        }
        Ok(())
    }

    /// Takes the file of request `token`; `None` if a later request replaced it or it was
    /// answered already.
    pub fn take_open_request(&self, token: u32) -> Result<Option<PathBuf>, ErrorPayload> {
        let mut slot = self.open_request.lock().map_err(|_| poisoned())?;
        Ok(if slot.0 == token { slot.1.take() } else { None })
    }

    /// Takes the start-up notices (each is shown once).
    pub fn take_notices(&self) -> Vec<ErrorPayload> {
        self.notices
            .lock()
            .map(|mut n| std::mem::take(&mut *n))
            .unwrap_or_default()
    }

    pub(crate) fn notify(&self, e: ErrorPayload) {
        if let Ok(mut n) = self.notices.lock() {
            n.push(e);
        }
    }
}

/// Sets the window title to show the open workspace.
pub fn set_title<R: Runtime>(app: &AppHandle<R>, territory: Option<&str>) {
    if let Some(w) = app.get_webview_window("main") {
        let title = match territory {
            Some(t) => format!("{t} — Catalyse"),
            None => "Catalyse".to_string(),
        };
        let _ = w.set_title(&title);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use catalyse_core::project::NewWorkspace;
    use std::time::Duration;

    #[test]
    fn a_request_to_open_a_file_is_answered_by_its_number_and_only_once() {
        let state = AppState::default();
        state
            .request_open(PathBuf::from("/a/premier.catalyse"))
            .unwrap();
        state
            .request_open(PathBuf::from("/a/second.catalyse"))
            .unwrap();
        // The first request was replaced: its number opens nothing.
        assert_eq!(state.take_open_request(1).unwrap(), None);
        assert_eq!(
            state.take_open_request(2).unwrap(),
            Some(PathBuf::from("/a/second.catalyse"))
        );
        assert_eq!(state.take_open_request(2).unwrap(), None, "answered once");
    }

    #[test]
    fn closing_waits_for_the_commands_still_running_without_blocking_the_runtime() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("w.catalyse");
        let store = catalyse_core::Store::create(
            &path,
            &NewWorkspace {
                territory_name: "T".into(),
                territory_kind: "petr".into(),
                project_title: "P".into(),
            },
        )
        .unwrap();
        let state = Arc::new(AppState::default());
        state
            .replace(Some(Workspace::spawn(store, path.clone())))
            .unwrap();
        // A command still holds the workspace.
        let held = state.current().unwrap();
        // One thread: the test's own task runs only if closing does not block that thread.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(async {
            let closing = tokio::spawn({
                let state = state.clone();
                async move { state.close_now().await }
            });
            tokio::time::sleep(Duration::from_millis(300)).await;
            assert!(!closing.is_finished(), "it waits for the command");
            drop(held);
            let closed = closing.await.unwrap().map_err(|e| e.message).unwrap();
            assert_eq!(closed, Some(path.clone()));
        });
        assert!(state.current().is_err(), "no workspace open any more");
    }
}
