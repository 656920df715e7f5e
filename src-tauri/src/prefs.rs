//! User preferences (language, last workspace, display name), kept with tauri-plugin-store.
//!
//! Only preferences live here: losing this file costs a user nothing but a few clicks. The
//! plugin silently falls back to defaults on an unreadable file, so [`quarantine_if_corrupt`]
//! runs first: it moves a bad file aside (kept for inspection) and the app starts on defaults.

use catalyse_core::ErrorPayload;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;
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
/// A refused value: the code of its message in the UI's catalogue, and the French message.
pub type Refusal = (&'static str, String);

pub fn validate_display_name(s: &str) -> Result<String, Refusal> {
    let s = s.trim();
    if s.chars().any(char::is_control) {
        return Err((
            "display_name.multiline",
            "Le nom affiché doit tenir sur une ligne.".into(),
        ));
    }
    if s.chars().count() > DISPLAY_NAME_MAX {
        return Err((
            "display_name.too_long",
            format!("Le nom affiché est trop long ({DISPLAY_NAME_MAX} caractères au plus)."),
        ));
    }
    Ok(s.to_string())
}

/// Checks a language code.
pub fn validate_language(s: &str) -> Result<String, Refusal> {
    if LANGUAGES.contains(&s) {
        Ok(s.to_string())
    } else {
        Err((
            "language.unknown",
            format!(
                "Langue inconnue : « {s} ». Langues disponibles : français (fr), anglais (en)."
            ),
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
    // Never over an earlier unreadable copy (two in the same second get a number).
    let aside = (1..)
        .map(|n: u32| {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!("-{n}")
            };
            path.with_file_name(format!("preferences.illisible-{stamp}{suffix}.json"))
        })
        .find(|p| !p.exists())?;
    std::fs::rename(path, &aside).ok()?;
    Some(aside)
}

/// Reads the preferences through tauri-plugin-store.
pub fn read_prefs<R: Runtime>(app: &AppHandle<R>) -> Prefs {
    match app.store(PREFS_FILE) {
        Ok(store) => {
            let entries = store.entries();
            Prefs::from_entries(entries.iter().map(|(k, v)| (k.as_str(), v)))
        }
        Err(_) => Prefs::default(),
    }
}

/// Saves one preference now (not on the plugin's debounce).
pub fn write_pref<R: Runtime>(
    app: &AppHandle<R>,
    key: &str,
    value: serde_json::Value,
) -> Result<(), ErrorPayload> {
    let fail = |e: tauri_plugin_store::Error| {
        ErrorPayload::new(
            "prefs",
            "prefs.not_saved",
            format!("Les préférences n'ont pas pu être enregistrées : {e}"),
        )
        .with_arg("detail", e)
    };
    let store = app.store(PREFS_FILE).map_err(fail)?;
    store.set(key, value);
    store.save().map_err(fail)
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
    fn a_file_cut_anywhere_or_full_of_garbage_never_stops_the_start() {
        // What the store writes, cut at every byte (a kill mid-write), then garbage.
        let full = serde_json::to_vec_pretty(&json!({
            "language": "fr", "last_workspace": "/home/claire/Territoire été.catalyse",
            "display_name": "Claire"
        }))
        .unwrap();
        let mut cases: Vec<Vec<u8>> = (0..=full.len()).map(|n| full[..n].to_vec()).collect();
        let mut x: u32 = 7;
        for len in [1usize, 3, 17, 64, 500, 4096] {
            cases.push(
                (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 17;
                        x ^= x << 5;
                        x as u8
                    })
                    .collect(),
            );
        }
        cases.push(
            br#"{"language": 12, "last_workspace": ["x"], "display_name": {"a": 1}}"#.to_vec(),
        );
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join(PREFS_FILE);
        let mut asides = 0;
        for bytes in &cases {
            std::fs::write(&path, bytes).unwrap();
            match quarantine_if_corrupt(&path) {
                Some(aside) => {
                    asides += 1;
                    assert_eq!(&std::fs::read(&aside).unwrap(), bytes, "kept as it was");
                    assert!(!path.exists());
                }
                None => {
                    // Readable JSON: whatever it holds, the values are checked.
                    let map: Map<String, Value> =
                        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                    let p = Prefs::from_entries(map.iter().map(|(k, v)| (k.as_str(), v)));
                    assert!(p.language == "fr" || p.language == "en");
                }
            }
        }
        // Every unreadable copy is kept, none overwritten by the next one.
        let kept = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("preferences.illisible-")
            })
            .count();
        assert_eq!(kept, asides);
        assert!(asides >= full.len() - 1, "{asides}");
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
        let (code, message) = validate_language("xx").unwrap_err();
        assert_eq!(code, "language.unknown");
        assert!(message.contains("Langue inconnue"), "{message}");
        assert_eq!(
            validate_display_name("a\nb").unwrap_err().0,
            "display_name.multiline"
        );
        assert_eq!(
            validate_display_name(&"x".repeat(DISPLAY_NAME_MAX + 1))
                .unwrap_err()
                .0,
            "display_name.too_long"
        );
        assert_eq!(validate_display_name(" Lou ").unwrap(), "Lou");
    }
}
