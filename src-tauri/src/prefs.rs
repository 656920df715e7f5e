//! User preferences (language, last workspace, display name), kept with tauri-plugin-store.
//!
//! Only preferences live here: losing this file costs a user nothing but a few clicks. The
//! plugin silently falls back to defaults on an unreadable file, so [`quarantine_if_corrupt`]
//! runs first: it moves a bad file aside (kept for inspection) and the app starts on defaults.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// File name of the preferences, in the app data directory.
pub const PREFS_FILE: &str = "preferences.json";
/// Languages the UI is translated into.
pub const LANGUAGES: &[&str] = &["fr", "en"];
/// Longest display name accepted, in characters.
pub const DISPLAY_NAME_MAX: usize = 100;

/// The preferences, as the UI sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Prefs {
    /// `fr` or `en`.
    pub language: String,
    /// Path of the last workspace opened, if any.
    pub last_workspace: Option<String>,
    /// The user's name as shown in the app.
    pub display_name: String,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            language: "fr".into(),
            last_workspace: None,
            display_name: String::new(),
        }
    }
}

impl Prefs {
    /// Reads preferences from the stored entries, ignoring values of the wrong type or out of
    /// range (each falls back to its default).
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = (&'a str, &'a Value)>) -> Prefs {
        let mut p = Prefs::default();
        for (k, v) in entries {
            match (k, v) {
                ("language", Value::String(s)) if LANGUAGES.contains(&s.as_str()) => {
                    p.language = s.clone()
                }
                ("last_workspace", Value::String(s)) if !s.is_empty() => {
                    p.last_workspace = Some(s.clone())
                }
                ("display_name", Value::String(s)) => {
                    if let Ok(name) = validate_display_name(s) {
                        p.display_name = name
                    }
                }
                _ => {}
            }
        }
        p
    }
}

/// Checks a display name: one line, at most [`DISPLAY_NAME_MAX`] characters.
pub fn validate_display_name(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.chars().any(char::is_control) {
        return Err("Le nom affiché doit tenir sur une ligne.".into());
    }
    if s.chars().count() > DISPLAY_NAME_MAX {
        return Err(format!(
            "Le nom affiché est trop long ({DISPLAY_NAME_MAX} caractères au plus)."
        ));
    }
    Ok(s.to_string())
}

/// Checks a language code.
pub fn validate_language(s: &str) -> Result<String, String> {
    if LANGUAGES.contains(&s) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "Langue inconnue : « {s} ». Langues disponibles : français (fr), anglais (en)."
        ))
    }
}

/// If the file at `path` exists but is not a JSON object, renames it aside and returns the
/// new path. A missing file is not a problem.
pub fn quarantine_if_corrupt(path: &Path) -> Option<PathBuf> {
    let bytes = std::fs::read(path).ok()?;
    if serde_json::from_slice::<Map<String, Value>>(&bytes).is_ok() {
        return None;
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let aside = path.with_file_name(format!("preferences.illisible-{stamp}.json"));
    std::fs::rename(path, &aside).ok()?;
    Some(aside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn corrupt_file_is_moved_aside_and_kept() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join(PREFS_FILE);
        assert_eq!(quarantine_if_corrupt(&path), None);
        std::fs::write(&path, br#"{"language":"en"}"#).unwrap();
        assert_eq!(quarantine_if_corrupt(&path), None);
        assert!(path.exists());
        std::fs::write(&path, b"{\"language\":\"en\", \x00\x00 tronqu").unwrap();
        let aside = quarantine_if_corrupt(&path).expect("moved aside");
        assert!(!path.exists());
        assert_eq!(
            std::fs::read(&aside).unwrap(),
            b"{\"language\":\"en\", \x00\x00 tronqu"
        );
        std::fs::write(&path, b"[1,2,3]").unwrap();
        assert!(quarantine_if_corrupt(&path).is_some());
    }

    #[test]
    fn wrong_values_fall_back_to_defaults() {
        let entries = [
            ("language".to_string(), json!("de")),
            ("last_workspace".to_string(), json!(42)),
            ("display_name".to_string(), json!("x".repeat(500))),
        ];
        let p = Prefs::from_entries(entries.iter().map(|(k, v)| (k.as_str(), v)));
        assert_eq!(p, Prefs::default());
        let entries = [
            ("language".to_string(), json!("en")),
            ("last_workspace".to_string(), json!("/tmp/a.catalyse")),
            ("display_name".to_string(), json!("  Camille  ")),
        ];
        let p = Prefs::from_entries(entries.iter().map(|(k, v)| (k.as_str(), v)));
        assert_eq!(p.language, "en");
        assert_eq!(p.last_workspace.as_deref(), Some("/tmp/a.catalyse"));
        assert_eq!(p.display_name, "Camille");
    }

    #[test]
    fn language_and_display_name_are_checked() {
        assert!(validate_language("fr").is_ok());
        assert!(validate_language("xx")
            .unwrap_err()
            .contains("Langue inconnue"));
        assert!(validate_display_name("a\nb").is_err());
        assert_eq!(validate_display_name(" Lou ").unwrap(), "Lou");
    }
}
