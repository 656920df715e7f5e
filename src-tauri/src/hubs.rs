//! The organisation's server (the hub) as the window and the command line reach it: a runtime
//! for one exchange, the address built from the window's form, and the passwords kept in the
//! system's keyring (Secret Service on Linux, the Credential Manager on Windows, through the
//! `keyring` crate): never in the workspace, the preferences, the link file or a log.

use catalyse_hub::address::{Address, Environment};
use catalyse_hub::connect::Hub;
use catalyse_hub::HubError;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde::Deserialize;
use std::future::Future;
use ts_rs::TS;

/// The keyring's service under which Catalyse keeps the servers' passwords (one entry per
/// server address as shown: user, host, port, database, authority).
const KEYRING_SERVICE: &str = "Catalyse — serveur de l'organisation";

/// Runs `work` on a runtime of its own (the command line, and the workspace's writer thread,
/// are synchronous).
pub fn block_on<T>(work: impl Future<Output = Result<T, HubError>>) -> Result<T, HubError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| HubError::Server(e.to_string()))?
        .block_on(work)
}

/// The server as the window's form gives it.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct ServerForm {
    /// The server's name (or address) as its certificate names it.
    pub host: String,
    pub port: u16,
    pub database: String,
    /// The person's PostgreSQL role.
    pub user: String,
    /// Empty: the one the keyring holds for this server.
    pub password: String,
    /// The organisation's certificate authority (a PEM file); empty: the system's authorities.
    pub ca_file: String,
}

impl std::fmt::Display for ServerForm {
    // Never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}@{}:{}/{}",
            self.user, self.host, self.port, self.database
        )
    }
}

fn invalid(what: &str) -> HubError {
    HubError::Address(what.to_string())
}

/// The address the form describes (TLS verified in full, always), with its password, or the
/// keyring's for that server when the form gives none.
pub fn form_address(form: &ServerForm) -> Result<Address, HubError> {
    let host = form.host.trim();
    let ok_host = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'));
    if !ok_host {
        return Err(invalid(
            "le nom du serveur est vide ou contient des caractères qu'un nom de machine n'a pas.",
        ));
    }
    if form.port == 0 {
        return Err(invalid("le port doit être un nombre entre 1 et 65535."));
    }
    let field = |v: &str, name: &str| {
        let v = v.trim();
        if v.is_empty() || v.len() > 63 || v.chars().any(char::is_control) {
            Err(invalid(&format!(
                "{name} est vide, trop long (63 caractères au plus) ou contient un caractère de contrôle."
            )))
        } else {
            Ok(utf8_percent_encode(v, NON_ALPHANUMERIC).to_string())
        }
    };
    let database = field(&form.database, "le nom de la base")?;
    let user = field(&form.user, "l'utilisateur")?;
    let ca = match form.ca_file.trim() {
        "" => "system".to_string(),
        path => utf8_percent_encode(path, NON_ALPHANUMERIC).to_string(),
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let text = format!(
        "postgresql://{user}@{host}:{}/{database}?sslmode=verify-full&sslrootcert={ca}",
        form.port
    );
    let address = Address::parse(&text, &Environment::default())?;
    Ok(if form.password.is_empty() {
        with_keyring(address)
    } else {
        address.with_password(&form.password)
    })
}

/// `address` with the password the keyring holds for it, if it holds one and the address
/// has none.
pub fn with_keyring(address: Address) -> Address {
    if address.has_password() {
        return address;
    }
    match recall(&address) {
        Some(password) => address.with_password(&password),
        None => address,
    }
}

fn entry(address: &Address) -> keyring::Result<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, &address.shown())
}

/// The password the keyring holds for `address`, if it holds one (a keyring that cannot be
/// reached holds none: the server then asks for it, and the window says so).
pub fn recall(address: &Address) -> Option<String> {
    entry(address).and_then(|e| e.get_password()).ok()
}

/// Keeps `password` for `address` in the keyring.
pub fn remember(address: &Address, password: &str) -> Result<(), HubError> {
    entry(address)
        .and_then(|e| e.set_password(password))
        .map_err(|e| {
            HubError::Keyring(format!(
                "Le trousseau du système est inaccessible, le mot de passe n'a pas été enregistré ({e}). Sous Linux, un service de trousseau (GNOME Keyring, KWallet) doit être ouvert dans la session."
            ))
        })
}

/// Forgets the password of `address` (none kept: nothing to do).
pub fn forget(address: &Address) {
    if let Ok(e) = entry(address) {
        let _ = e.delete_credential();
    }
}

/// A connection to the server a workspace is shared through (`server`, the address as the
/// link file shows it): the password from `PGPASSWORD` or the password file as for `psql`,
/// else from the keyring.
pub async fn connect_shown(server: &str) -> Result<Hub, HubError> {
    let address = with_keyring(Address::parse(server, &Environment::of_process())?);
    Hub::connect(&address).await
}
