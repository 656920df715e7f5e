//! Table files as the app writes them, for every folder that exports a table: the format an
//! extension names, Excel-friendly CSV (`;`, UTF-8 BOM) or XLSX with cells that a spreadsheet
//! would run as formulas neutralised, hours written as French users type them, and a file
//! written whole or not at all. Reading such files is the import's (`exchange::tabular`).

use crate::shared::error::{CoreError, CoreResult};
pub use crate::shared::files::write_whole;
use std::borrow::Cow;

/// Largest CSV file an import reads (bytes): a département's million links with long names
/// weighs about 70 MB.
pub const CSV_MAX: usize = 256 * 1024 * 1024;
/// Largest XLSX file an import reads (bytes). Compressed, so smaller than [`CSV_MAX`]: what
/// it unpacks to is held in memory.
pub const XLSX_MAX: usize = 64 * 1024 * 1024;

/// The two file formats, chosen from the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

impl FileFormat {
    /// Largest file of this format an import reads (bytes).
    pub fn max_bytes(self) -> usize {
        match self {
            FileFormat::Csv => CSV_MAX,
            FileFormat::Xlsx => XLSX_MAX,
        }
    }

    /// `.csv` (or `.txt`) or `.xlsx`, case-insensitively; anything else is refused by name.
    pub fn from_path(path: &std::path::Path) -> CoreResult<FileFormat> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_lowercase();
        match ext.as_str() {
            "csv" | "txt" => Ok(FileFormat::Csv),
            "xlsx" => Ok(FileFormat::Xlsx),
            _ => Err(CoreError::validation(
                "file",
                "file.format",
                format!(
                    "Format de fichier non reconnu (« .{ext} ») : choisissez un fichier .csv ou .xlsx."
                ),
            )),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }
}

/// A cell that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab or CR first)
/// gets a leading apostrophe, which Excel and LibreOffice show as plain text.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Undoes [`neutralise`] on import, so that an exported file reads back as it was written.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest)
            if matches!(
                rest.chars().next(),
                Some('=' | '+' | '-' | '@' | '\t' | '\r')
            ) =>
        {
            rest
        }
        _ => cell,
    }
}

/// A table's bytes as CSV or XLSX, from the path's extension (`sheet` names the XLSX sheet).
pub fn encode_for(
    path: &std::path::Path,
    sheet: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> CoreResult<Vec<u8>> {
    match FileFormat::from_path(path)? {
        FileFormat::Csv => write_csv(headers, rows),
        FileFormat::Xlsx => write_xlsx(sheet, headers, rows),
    }
}

/// Excel-friendly CSV: UTF-8 with BOM, `;` separator, CRLF line ends, formulas neutralised.
pub fn write_csv(headers: &[&str], rows: &[Vec<String>]) -> CoreResult<Vec<u8>> {
    let mut out = Vec::from(&b"\xEF\xBB\xBF"[..]);
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let write_err = |e: csv::Error| CoreError::Io(std::io::Error::other(e.to_string()));
        w.write_record(headers.iter().map(|h| neutralise(h).into_owned()))
            .map_err(write_err)?;
        for row in rows {
            w.write_record(row.iter().map(|c| neutralise(c).into_owned()))
                .map_err(write_err)?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// An XLSX workbook with one sheet: bold header row, frozen, every cell written as text (so
/// nothing is stored as a formula); a cell that Excel would run as a formula once edited gets
/// Excel's own "quote prefix" (the cell shows its text, and stays text when edited).
pub fn write_xlsx(sheet: &str, headers: &[&str], rows: &[Vec<String>]) -> CoreResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| CoreError::Io(std::io::Error::other(e.to_string()));
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).map_err(err)?;
    let bold = Format::new().set_bold();
    let quoted = Format::new().set_quote_prefix();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
        ws.set_column_width(c as u16, 22).map_err(err)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            if matches!(neutralise(cell), Cow::Owned(_)) {
                ws.write_string_with_format(r, c, cell, &quoted)
                    .map_err(err)?;
            } else if !cell.is_empty() {
                ws.write_string(r, c, cell).map_err(err)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    book.save_to_buffer().map_err(err)
}

/// Hours as typed in French (`1,5`), from minutes.
pub fn format_hours(minutes: i64) -> String {
    if minutes == 0 {
        return String::new();
    }
    let s = format!("{:.2}", minutes as f64 / 60.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_the_extension() {
        use std::path::Path;
        assert_eq!(
            FileFormat::from_path(Path::new("a.CSV")).unwrap(),
            FileFormat::Csv
        );
        assert_eq!(
            FileFormat::from_path(Path::new("a.xlsx")).unwrap(),
            FileFormat::Xlsx
        );
        assert_eq!(
            FileFormat::from_path(Path::new("a.ods"))
                .unwrap_err()
                .code(),
            Some("file.format")
        );
    }
}
