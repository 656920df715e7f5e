//! Writing a file whole or not at all, through a temporary sibling.

use crate::shared::error::CoreResult;
use std::path::{Path, PathBuf};

/// Writes a file whole or not at all: into a temporary file beside it, then renamed over it.
pub fn write_whole(path: &Path, bytes: &[u8]) -> CoreResult<()> {
    let tmp = temp_sibling(path, "export");
    let res = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path));
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    Ok(res?)
}

/// A sibling of `path` used while a file is being written, before it takes its final name.
pub fn temp_sibling(path: &Path, what: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "espace".into());
    path.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}
