//! File names for new workspaces.

use std::path::{Path, PathBuf};

/// Extension of workspace files.
pub const EXTENSION: &str = "catalyse";

/// A file-name-safe form of `name`: lower case ASCII letters and digits joined by dashes
/// (accents dropped), at most 60 characters; `espace` when nothing is left.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "espace".into()
    } else {
        out
    }
}

fn fold_accent(c: char) -> Vec<char> {
    let s = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "A",
        'ç' => "c",
        'Ç' => "C",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'È' | 'É' | 'Ê' | 'Ë' => "E",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' => "I",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => "O",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' => "U",
        'ÿ' => "y",
        'œ' => "oe",
        'Œ' => "OE",
        'æ' => "ae",
        'Æ' => "AE",
        _ => return vec![c],
    };
    s.chars().collect()
}

/// `dir/stem.catalyse`, or `dir/stem-2.catalyse`, `-3`... whichever does not exist yet.
pub fn available_path(dir: &Path, stem: &str) -> PathBuf {
    let first = dir.join(format!("{stem}.{EXTENSION}"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|i| dir.join(format!("{stem}-{i}.{EXTENSION}")))
        .find(|p| !p.exists())
        .expect("an unbounded range always yields a free name")
}

/// Identifier of the app (the folder Tauri uses for its data, too).
pub const APP_ID: &str = "fr.catalyse.desktop";

/// Where backups go: `sauvegardes` in the app's data folder (on Linux
/// `$XDG_DATA_HOME/fr.catalyse.desktop/sauvegardes`, by default under `~/.local/share`), the
/// same folder the app's window uses.
pub fn backups_root() -> PathBuf {
    data_dir().join(APP_ID).join("sauvegardes")
}

/// This installation's identity (a UUID), written with every change set it journals: made
/// once and kept in the user's data folder (`appareil`). When the folder cannot be written,
/// an identity for this run only.
pub fn device_id() -> String {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let file = data_dir().join(APP_ID).join("appareil");
        if let Ok(text) = std::fs::read_to_string(&file) {
            if let Ok(id) = crate::shared::domain::valid_uid("device", text.trim()) {
                return id;
            }
        }
        let id = crate::db::store::new_uid();
        let _ = std::fs::create_dir_all(file.parent().unwrap_or(Path::new(".")))
            .and_then(|_| std::fs::write(&file, &id));
        id
    })
    .clone()
}

fn data_dir() -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if cfg!(target_os = "windows") {
        if let Some(d) = env("APPDATA") {
            return d;
        }
    } else if cfg!(target_os = "macos") {
        if let Some(h) = env("HOME") {
            return h.join("Library").join("Application Support");
        }
    } else if let Some(d) = env("XDG_DATA_HOME").filter(|d| d.is_absolute()) {
        return d;
    } else if let Some(h) = env("HOME") {
        return h.join(".local").join("share");
    }
    std::env::temp_dir()
}

/// Whether two paths name the same existing file (after resolving links and `..`).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_and_readable() {
        assert_eq!(slug("PETR du Haut-Verdanson"), "petr-du-haut-verdanson");
        assert_eq!(slug("Écrins & Œuvres  d'été"), "ecrins-oeuvres-d-ete");
        assert_eq!(slug("  ¿¿ "), "espace");
        assert!(slug(&"a".repeat(300)).len() <= 60);
    }

    #[test]
    fn available_path_never_reuses_a_name() {
        let dir = tempfile::TempDir::new().unwrap();
        let a = available_path(dir.path(), "x");
        assert_eq!(a.file_name().unwrap(), "x.catalyse");
        std::fs::write(&a, "").unwrap();
        let b = available_path(dir.path(), "x");
        assert_eq!(b.file_name().unwrap(), "x-2.catalyse");
    }
}
