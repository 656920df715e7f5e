//! Tauri commands, one module per domain. Each converts its arguments, calls the core and
//! converts errors to `ErrorPayload` (`{kind, message}`); no logic of its own.

pub mod actors;
pub mod backups;
pub mod exchange;
pub mod grid;
pub mod network;
pub mod notes;
pub mod plan;
pub mod prefs;
pub mod project;
pub mod workspace;

use catalyse_core::{CoreResult, ErrorPayload, Store};

/// Runs `f` on the open workspace's writer.
pub(crate) async fn with_store<R: Send + 'static>(
    state: &crate::gui::AppState,
    f: impl FnOnce(&mut Store) -> CoreResult<R> + Send + 'static,
) -> Result<R, ErrorPayload> {
    let ws = state.current()?;
    ws.call(f).await.map_err(ErrorPayload::from)
}
