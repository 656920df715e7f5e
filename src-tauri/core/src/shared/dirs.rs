//! The app's own folder in the user's data folder (the same one Tauri's `app_data_dir`
//! gives the window: `dirs::data_dir()` joined with the app's identifier), and this
//! installation's identity kept there.

use std::path::{Path, PathBuf};

/// Identifier of the app (the folder Tauri uses for its data, too).
pub const APP_ID: &str = "fr.catalyse.desktop";

/// The app's data folder: on Linux `$XDG_DATA_HOME/fr.catalyse.desktop` (by default under
/// `~/.local/share`), on Windows `%APPDATA%\fr.catalyse.desktop`, on macOS under
/// `~/Library/Application Support`. The system's temporary folder when there is no home.
pub fn app_data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join(APP_ID)
}

/// This installation's identity (a UUID), written with every change set it journals: made
/// once and kept in the user's data folder (`appareil`). When the folder cannot be written,
/// an identity for this run only.
pub fn device_id() -> String {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let file = app_data_dir().join("appareil");
        if let Ok(text) = std::fs::read_to_string(&file) {
            if let Ok(id) = crate::shared::domain::valid_uid("device", text.trim()) {
                return id;
            }
        }
        let id = crate::shared::ids::new_uid();
        let _ = std::fs::create_dir_all(file.parent().unwrap_or(Path::new(".")))
            .and_then(|_| std::fs::write(&file, &id));
        id
    })
    .clone()
}
