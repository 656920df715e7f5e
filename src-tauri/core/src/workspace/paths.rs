//! Where files go: names for new workspaces, the backups' folder.

use std::path::{Path, PathBuf};

pub use crate::db::files::same_file;
pub use crate::shared::dirs::APP_ID;

/// Extension of workspace files.
pub const EXTENSION: &str = "catalyse";

/// A file-name-safe form of `name`: lower case ASCII letters and digits joined by dashes
/// (accents dropped), at most 60 characters; `espace` when nothing is left.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in crate::shared::text::fold(name).chars() {
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

/// Where new workspaces go by default: `espaces-de-travail` in the app's data folder.
pub fn workspaces_dir() -> PathBuf {
    crate::shared::dirs::app_data_dir().join("espaces-de-travail")
}

/// Where backups go: `sauvegardes` in the app's data folder (on Linux
/// `$XDG_DATA_HOME/fr.catalyse.desktop/sauvegardes`, by default under `~/.local/share`), the
/// same folder the app's window uses.
pub fn backups_root() -> PathBuf {
    crate::shared::dirs::app_data_dir().join("sauvegardes")
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
