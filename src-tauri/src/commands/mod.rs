//! Tauri commands, one module per domain. Each converts its arguments, calls the core and
//! converts errors to `ErrorPayload` (`{kind, message}`); no logic of its own.

pub mod actors;
pub mod browse;
pub mod exchange;
pub mod grid;
pub mod history;
pub mod hub;
pub mod map;
pub mod network;
pub mod notes;
pub mod plan;
pub mod prefs;
pub mod project;
pub mod safety;
pub mod share;
pub mod workspace;

use catalyse_core::{CoreResult, ErrorPayload, Store};

/// Turns the one list of commands (`list.rs`) into the invoke handler and the list of names.
macro_rules! catalyse_commands {
    ($($module:ident: $($name:ident),+;)+) => {
        /// The invoke handler of every command of `list.rs`.
        pub(crate) fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($($module::$name),+),+]
        }

        /// The names of every command of `list.rs`.
        #[cfg(test)]
        pub(crate) const NAMES: &[&str] = &[$($(stringify!($name)),+),+];
    };
}

include!("list.rs");

/// Runs `f`, which only reads, on one of the open workspace's readers: it does not wait for
/// the writer (a long import keeps the window usable) and sees what was committed.
pub(crate) async fn with_reader<R: Send + 'static>(
    state: &crate::state::AppState,
    f: impl FnOnce(&Store) -> CoreResult<R> + Send + 'static,
) -> Result<R, ErrorPayload> {
    let ws = state.current()?;
    ws.read(f).await.map_err(ErrorPayload::from)
}

/// Runs `f` on the open workspace's writer.
pub(crate) async fn with_store<R: Send + 'static>(
    state: &crate::state::AppState,
    f: impl FnOnce(&mut Store) -> CoreResult<R> + Send + 'static,
) -> Result<R, ErrorPayload> {
    let ws = state.current()?;
    // Every write is journaled under the name the user gave in the preferences.
    let author = state.display_name();
    ws.call(move |s| {
        if let Some(name) = author {
            s.journal().set_author(&name);
        }
        f(s)
    })
    .await
    .map_err(ErrorPayload::from)
}
