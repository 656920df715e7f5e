//! Commands for sharing through the organisation's PostgreSQL server: testing a connection
//! (what failed, said precisely), sharing the open workspace through it, joining a team from
//! it, moving a folder's team to it, and the password kept in the system's keyring.

use super::with_store;
use super::workspace::{open_path, WorkspaceInfo};
use crate::hubs::{block_on, form_address, remember, ServerForm};
use crate::state::AppState;
use catalyse_core::share::space::Space;
use catalyse_core::workspace::paths::{available_path, workspaces_dir};
use catalyse_core::ErrorPayload;
use catalyse_hub::connect::Hub;
use catalyse_hub::HubError;
use serde::Serialize;
use tauri::{AppHandle, State};
use ts_rs::TS;

/// A team the role may see on the server.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ServerTeam {
    pub team: String,
    pub name: String,
}

/// What a connection test found.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ServerCheck {
    /// The address as shown (never the password).
    pub server: String,
    /// The role the server knows the person as.
    pub role: String,
    /// The version of the server's Catalyse schema.
    pub schema: i32,
    /// The teams this role is a member of.
    pub teams: Vec<ServerTeam>,
}

/// What moving a team to the server did.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct MoveSummary {
    pub team: String,
    /// This laptop followed a team another laptop had moved.
    pub followed: bool,
    #[ts(type = "number")]
    pub pushed: usize,
    #[ts(type = "number")]
    pub pulled: usize,
}

/// A failure of the hub, for the window: its kind and its French message (the password
/// asked for where the window, not `PGPASSWORD`, gives it).
pub(crate) fn payload(e: HubError) -> ErrorPayload {
    match e {
        HubError::Core(e) => ErrorPayload::from(e),
        HubError::NoPassword { user } => ErrorPayload::new(
            "hub_no_password",
            "hub_no_password",
            format!("Le serveur demande le mot de passe de « {user} », que le trousseau de ce système ne contient pas : saisissez-le."),
        ),
        e => ErrorPayload::new(e.kind(), e.kind(), e.to_string()),
    }
}

/// Connects to the server of `form` on a runtime of its own, keeps the password the form gave
/// in the keyring once the server has accepted it (before anything is done there: a password
/// that could not be kept fails the whole), then runs `work`.
fn with_server<T>(
    form: &ServerForm,
    work: impl AsyncFnOnce(&mut Hub) -> Result<T, HubError>,
) -> Result<T, ErrorPayload> {
    let address = form_address(form).map_err(payload)?;
    block_on(async {
        let mut hub = Hub::connect(&address).await?;
        catalyse_hub::schema::check(&mut hub).await?;
        if !form.password.is_empty() {
            remember(&hub.address, &form.password)?;
        }
        work(&mut hub).await
    })
    .map_err(payload)
}

/// Tests the connection the form describes: the address, the name, the server, TLS, the
/// password, the schema; the teams the role is a member of. The password is kept in the
/// keyring once accepted.
#[tauri::command]
pub async fn hub_check(form: ServerForm) -> Result<ServerCheck, ErrorPayload> {
    tauri::async_runtime::spawn_blocking(move || {
        with_server(&form, async |hub| {
            let status = catalyse_hub::status::status(hub).await?;
            Ok(ServerCheck {
                server: status.server,
                role: status.role,
                schema: status.schema,
                teams: status
                    .teams
                    .into_iter()
                    .map(|t| ServerTeam {
                        team: t.team,
                        name: t.name,
                    })
                    .collect(),
            })
        })
    })
    .await
    .map_err(|e| ErrorPayload::new("internal", "internal", e.to_string()))?
}

/// Shares the open workspace through the server of `form` (its team created there).
#[tauri::command]
pub async fn share_init_server(
    state: State<'_, AppState>,
    form: ServerForm,
    name: String,
) -> Result<Space, ErrorPayload> {
    with_store(&state, move |s| {
        let shared = with_server(&form, async |hub| {
            catalyse_hub::share::share_init(hub, s, &name).await?;
            Ok(())
        });
        Ok(shared.and_then(|()| s.share_space()?.ok_or_else(|| payload(HubError::NotHub))))
    })
    .await?
}

/// Joins team `team` of the server: this laptop's workspace built from it (in the workspaces
/// folder) and opened.
#[tauri::command]
pub async fn share_join_server(
    app: AppHandle,
    state: State<'_, AppState>,
    form: ServerForm,
    team: String,
    name: String,
) -> Result<WorkspaceInfo, ErrorPayload> {
    let dir = workspaces_dir();
    let path = tauri::async_runtime::spawn_blocking(move || {
        std::fs::create_dir_all(&dir)
            .map_err(|e| ErrorPayload::from(catalyse_core::CoreError::from(e)))?;
        let path = available_path(&dir, "equipe-serveur");
        let target = path.clone();
        with_server(&form, async |hub| {
            catalyse_hub::share::share_join(hub, &team, &target, &name).await?;
            Ok(())
        })?;
        Ok::<_, ErrorPayload>(path)
    })
    .await
    .map_err(|e| ErrorPayload::new("internal", "internal", e.to_string()))??;
    open_path(&app, &state, path).await
}

/// Moves the open workspace's team from its shared folder to the server of `form`, or
/// follows it there.
#[tauri::command]
pub async fn share_move_server(
    state: State<'_, AppState>,
    form: ServerForm,
) -> Result<MoveSummary, ErrorPayload> {
    let ws = state.current()?;
    let backups = catalyse_core::safety::backup::dir_for(
        &catalyse_core::workspace::paths::backups_root(),
        ws.path(),
    );
    with_store(&state, move |s| {
        Ok(with_server(&form, async |hub| {
            let r = catalyse_hub::moving::share_move(hub, s, |s| {
                catalyse_core::share::sync::sync_recording(s, &backups, false)
            })
            .await?;
            Ok(MoveSummary {
                team: r.team,
                followed: r.followed,
                pushed: r.pushed,
                pulled: r.pulled,
            })
        }))
    })
    .await?
}

/// Keeps `password` for the server the open workspace is shared through, once the server has
/// accepted it (after « le serveur demande le mot de passe »).
#[tauri::command]
pub async fn hub_remember_password(
    state: State<'_, AppState>,
    password: String,
) -> Result<(), ErrorPayload> {
    let link = super::with_reader(&state, catalyse_hub::share::link_of)
        .await?
        .ok_or_else(|| payload(HubError::NotHub))?;
    tauri::async_runtime::spawn_blocking(move || {
        let address = catalyse_hub::address::Address::parse(
            &link.server,
            &catalyse_hub::address::Environment::default(),
        )
        .map_err(payload)?
        .with_password(&password);
        let checked = address.clone();
        block_on(async move {
            let mut hub = Hub::connect(&checked).await?;
            catalyse_hub::schema::check(&mut hub).await
        })
        .map_err(payload)?;
        remember(&address, &password).map_err(payload)
    })
    .await
    .map_err(|e| ErrorPayload::new("internal", "internal", e.to_string()))?
}

/// Asks for the organisation's certificate authority (a PEM file) in the native dialog;
/// `None` if cancelled.
#[tauri::command]
pub async fn pick_certificate(
    app: AppHandle,
    title: String,
) -> Result<Option<String>, ErrorPayload> {
    use tauri_plugin_dialog::DialogExt;
    let Some(picked) = app
        .dialog()
        .file()
        .set_title(title)
        .add_filter("Certificat (PEM)", &["pem", "crt", "cer"])
        .blocking_pick_file()
    else {
        return Ok(None);
    };
    Ok(Some(
        crate::dialogs::picked_path(picked)?
            .to_string_lossy()
            .into_owned(),
    ))
}

/// Listens to the server `server` (as the link shows it) for other laptops' pushes while the
/// workspace is open: `channel` hears of each (the window then exchanges within a second).
/// A lost connection is listened again after 30 s; the window polls meanwhile.
pub(crate) async fn listen_loop(server: String, channel: tauri::ipc::Channel<bool>) {
    loop {
        let shown = server.clone();
        let address = tauri::async_runtime::spawn_blocking(move || {
            catalyse_hub::address::Address::parse(
                &shown,
                &catalyse_hub::address::Environment::of_process(),
            )
            .map(crate::hubs::with_keyring)
        })
        .await;
        if let Ok(Ok(address)) = address {
            let news = channel.clone();
            let _ = catalyse_hub::connect::listen(&address, move || {
                let _ = news.send(true);
            })
            .await;
        }
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    }
}

/// Stops a task when the workspace that keeps it closes.
pub(crate) struct AbortOnDrop(pub tauri::async_runtime::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
