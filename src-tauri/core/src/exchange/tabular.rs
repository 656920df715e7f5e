//! Spreadsheet files as French offices produce them: CSV with `;` or `,` (or tab), in UTF-8
//! with or without BOM, Windows-1252 or UTF-16; and XLSX. Reading gives a [`Table`] of text
//! cells with their line numbers; writing (in `shared::sheet`, re-exported here) gives
//! Excel-friendly CSV (`;`, UTF-8 BOM) or XLSX, with cells that a spreadsheet would run as
//! formulas neutralised.

use crate::shared::error::{CoreError, CoreResult};
use crate::shared::progress::{Phase, Progress};
pub use crate::shared::sheet::{
    neutralise, unneutralise, write_csv, write_xlsx, FileFormat, CSV_MAX, XLSX_MAX,
};
use csv_file::read_csv;
pub use csv_file::{decode, detect_separator};
pub use xlsx_checks::{XLSX_CELLS_MAX, XLSX_COLUMNS, XLSX_ROWS, XLSX_UNPACKED_MAX};
use xlsx_file::read_xlsx;

mod csv_file;
mod xlsx_checks;
mod xlsx_file;

/// Longest cell an import accepts (characters); longer cells are reported, not truncated.
pub const CELL_MAX: usize = 100_000;

/// One data row: its line in the file (1-based, the header being line 1 in most files) and
/// its cells, as text (in one buffer: a million-row file makes two allocations a row, not one
/// a cell).
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub line: usize,
    pub cells: csv::StringRecord,
}

/// A file read as a header row and data rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<TableRow>,
    /// What was detected: `UTF-8`, `UTF-8 (BOM)`, `Windows-1252`, `UTF-16`, or `XLSX`.
    pub encoding: String,
    /// The CSV separator detected (`;`, `,` or a tab); none for XLSX.
    pub separator: Option<char>,
}

fn empty_file() -> CoreError {
    CoreError::validation(
        "file",
        "file.empty",
        "Le fichier est vide : il faut au moins une ligne d'en-têtes et une ligne de données.",
    )
}

/// Reads a file's bytes as a table.
pub fn read_table(bytes: &[u8], format: FileFormat) -> CoreResult<Table> {
    read_table_with(bytes, format, &Progress::none())
}

/// [`read_table`], reporting [`Phase::Reading`] (bytes) and stopping when cancelled.
pub fn read_table_with(bytes: &[u8], format: FileFormat, progress: &Progress) -> CoreResult<Table> {
    if bytes.len() > format.max_bytes() {
        return Err(CoreError::validation(
            "file",
            "file.too_big",
            format!(
                "Le fichier est trop volumineux ({} Mo ; {} Mo au plus).",
                bytes.len() / (1024 * 1024),
                format.max_bytes() / (1024 * 1024)
            ),
        ));
    }
    let total = Some(bytes.len() as u64);
    progress.step(Phase::Reading, 0, total)?;
    let table = match format {
        FileFormat::Csv => read_csv(bytes, progress)?,
        FileFormat::Xlsx => read_xlsx(bytes)?,
    };
    progress.step(Phase::Reading, bytes.len() as u64, total)?;
    if table.headers.iter().all(|h| h.trim().is_empty()) {
        return Err(empty_file());
    }
    Ok(table)
}

#[cfg(test)]
mod tests;
