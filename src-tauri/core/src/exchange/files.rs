//! Files on disk: reading a file to import, writing an export whole or not at all.

use super::{export::*, records::*};
use crate::db::store::Store;
use crate::exchange::tabular::FileFormat;
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::progress::Progress;
use crate::shared::sheet::write_whole;

// ----- Files ------------------------------------------------------------------------------------

/// Reads a file to import, naming it when it cannot be read.
pub fn read_import_file(path: &std::path::Path) -> CoreResult<(Vec<u8>, FileFormat)> {
    let format = FileFormat::from_path(path)?;
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => CoreError::FileNotFound {
            path: path.to_path_buf(),
        },
        _ => CoreError::Io(e),
    })?;
    if meta.len() > format.max_bytes() as u64 {
        return Err(CoreError::validation(
            "file",
            "file.too_big",
            format!(
                "Le fichier est trop volumineux ({} Mo ; {} Mo au plus).",
                meta.len() / (1024 * 1024),
                format.max_bytes() / (1024 * 1024)
            ),
        ));
    }
    Ok((std::fs::read(path)?, format))
}

impl Store {
    /// [`Store::import_preview`] of a file on disk.
    pub fn import_preview_file(
        &self,
        kind: ExchangeKind,
        path: &std::path::Path,
    ) -> CoreResult<ImportPreview> {
        Ok(self
            .prepare_import_file(kind, path, &Progress::none())?
            .into_preview())
    }

    /// [`Store::prepare_import`] of a file on disk.
    pub fn prepare_import_file(
        &self,
        kind: ExchangeKind,
        path: &std::path::Path,
        progress: &Progress,
    ) -> CoreResult<PreparedImport> {
        let (bytes, format) = read_import_file(path)?;
        let mut prepared = self.prepare_import(kind, &bytes, format, progress)?;
        prepared.file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(prepared)
    }

    /// [`Store::import`] of a file on disk.
    pub fn import_file(
        &mut self,
        kind: ExchangeKind,
        path: &std::path::Path,
        keep_duplicates: bool,
    ) -> CoreResult<ImportOutcome> {
        let progress = Progress::none();
        let prepared = self.prepare_import_file(kind, path, &progress)?;
        self.commit_import(prepared, keep_duplicates, &progress)
    }

    /// Exports to a file, in the format its extension names. The file is written whole
    /// (through a temporary file) or not at all; an existing file is replaced only when
    /// `overwrite`. Returns the number of rows written.
    pub fn export_file(
        &self,
        kind: ExchangeKind,
        path: &std::path::Path,
        overwrite: bool,
    ) -> CoreResult<usize> {
        self.export_file_with(kind, path, overwrite, &Progress::none())
    }

    /// [`Store::export_file`] with its progress; cancelled, it writes no file.
    pub fn export_file_with(
        &self,
        kind: ExchangeKind,
        path: &std::path::Path,
        overwrite: bool,
        progress: &Progress,
    ) -> CoreResult<usize> {
        let format = FileFormat::from_path(path)?;
        if !overwrite && path.exists() {
            return Err(CoreError::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        let (headers, rows) = self.export_rows_with(kind, progress)?;
        let bytes = encode(kind, format, &headers, &rows)?;
        // The last moment to stop: after this, the file is written whole.
        progress.check()?;
        write_whole(path, &bytes)?;
        Ok(rows.len())
    }
}
