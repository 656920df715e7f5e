//! Reading XLSX: the first sheet, cell by cell, once the workbook's parts are checked.

use super::xlsx_checks::{
    cell_name, check_xlsx_parts, figure, not_excel, too_large, XlsxLimits, XLSX_COLUMNS,
    XLSX_LIMITS, XLSX_ROWS,
};
use super::{empty_file, Table, TableRow};
use crate::shared::error::{CoreError, CoreResult};
use std::io::Cursor;

fn xlsx_cell(d: calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s,
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => if b { "oui" } else { "non" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s,
        Data::Error(e) => format!("#{e:?}"),
    }
}

pub(super) fn read_xlsx(bytes: &[u8]) -> CoreResult<Table> {
    read_xlsx_within(bytes, &XLSX_LIMITS)
}

pub(super) fn read_xlsx_within(bytes: &[u8], limits: &XlsxLimits) -> CoreResult<Table> {
    // The XLSX parser may panic on some damaged files (an integer overflow in a cell
    // reference, found by the property tests): such a file is refused like any unreadable one.
    std::panic::catch_unwind(|| read_xlsx_unguarded(bytes, limits)).unwrap_or_else(|_| {
        Err(CoreError::validation(
            "file",
            "xlsx.invalid",
            "Ce classeur Excel (.xlsx) est abîmé : il n'a pas pu être lu.",
        ))
    })
}

/// Not a workbook the XLSX reader can read: what it says is wrong.
fn not_xlsx(e: calamine::XlsxError) -> CoreError {
    CoreError::validation(
        "file",
        "xlsx.invalid",
        format!("Ce fichier n'est pas un classeur Excel (.xlsx) lisible : {e}."),
    )
}

/// Whether a cell's position (0-based row and column) is outside Excel's grid.
fn outside((row, col): (u32, u32)) -> bool {
    row >= XLSX_ROWS || col >= XLSX_COLUMNS
}

fn read_xlsx_unguarded(bytes: &[u8], limits: &XlsxLimits) -> CoreResult<Table> {
    use calamine::{Reader, XlsxError};
    check_xlsx_parts(bytes, limits)?;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(not_xlsx)?;
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return Err(empty_file());
    };
    let mut reader = match book.worksheet_cells_reader(&sheet) {
        Ok(r) => r,
        Err(XlsxError::NotAWorksheet(_)) => return Err(empty_file()),
        Err(e) => return Err(not_xlsx(e)),
    };
    let grid = format!(
        "hors de la grille d'Excel ({} lignes, {} colonnes)",
        figure(XLSX_ROWS.into()),
        figure(XLSX_COLUMNS.into())
    );
    let dims = reader.dimensions();
    if outside(dims.start) || outside(dims.end) {
        return Err(not_excel(format!(
            "Le classeur annonce la zone « {}:{} », {grid}",
            cell_name(dims.start.0.into(), dims.start.1.into()),
            cell_name(dims.end.0.into(), dims.end.1.into())
        )));
    }
    let mut cells = filled_cells(&mut reader, limits, &grid)?;
    drop(reader);
    drop(book);
    // In the sheet's order; a cell given twice keeps its last value, as the reader's grid did.
    cells.sort_by_key(|&(row, col, _)| (row, col));
    check_width(&cells, limits)?;
    table_of(cells)
}

/// The filled cells, one by one (the sheet is never laid out as a grid): (row, column,
/// text), at most `limits.cells` of them and `limits.text` bytes of text.
fn filled_cells<RS: std::io::Read + std::io::Seek>(
    reader: &mut calamine::XlsxCellReader<'_, RS>,
    limits: &XlsxLimits,
    grid: &str,
) -> CoreResult<Vec<(u32, u32, String)>> {
    use calamine::DataRef;
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    let mut text = 0usize;
    let too_many_cells = || {
        too_large(format!(
            "La feuille a plus de {} cellules",
            figure(limits.cells as u64)
        ))
    };
    let too_much_text = || {
        too_large(format!(
            "Les cellules de la feuille contiennent plus de {} Mo de texte",
            figure(limits.text as u64 / (1024 * 1024))
        ))
    };
    while let Some(cell) = reader.next_cell().map_err(not_xlsx)? {
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        let (row, col) = cell.get_position();
        if outside((row, col)) {
            return Err(not_excel(format!(
                "La cellule « {} » est {grid}",
                cell_name(row.into(), col.into())
            )));
        }
        if cells.len() >= limits.cells {
            return Err(too_many_cells());
        }
        // A shared text is copied into each cell using it: counted before it is.
        if let DataRef::SharedString(s) = value {
            if text.saturating_add(s.len()) > limits.text {
                return Err(too_much_text());
            }
        }
        let value = xlsx_cell(calamine::Data::from(value.clone()));
        text += value.len();
        if text > limits.text {
            return Err(too_much_text());
        }
        cells.push((row, col, value));
    }
    Ok(cells)
}

/// Each row is read from column A to its last cell: the cells (in the sheet's order) so
/// counted must be within `limits.cells`.
fn check_width(cells: &[(u32, u32, String)], limits: &XlsxLimits) -> CoreResult<()> {
    let mut width = 0usize;
    for (i, &(row, col, _)) in cells.iter().enumerate() {
        if cells.get(i + 1).is_none_or(|next| next.0 != row) {
            width = width.saturating_add(col as usize + 1);
        }
    }
    if width > limits.cells {
        return Err(too_large(format!(
            "Les lignes de la feuille, comptées de la colonne A à leur dernière cellule, font plus de {} cellules",
            figure(limits.cells as u64)
        )));
    }
    Ok(())
}

/// The table of the cells (in the sheet's order): the first row holding text is the
/// header row, each row from column A to its last filled cell.
fn table_of(mut cells: Vec<(u32, u32, String)>) -> CoreResult<Table> {
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut at = 0;
    while at < cells.len() {
        let row = cells[at].0;
        let end = at + cells[at..].iter().take_while(|c| c.0 == row).count();
        let mut line: Vec<String> = Vec::with_capacity(cells[end - 1].1 as usize + 1);
        for (_, col, value) in &mut cells[at..end] {
            let col = *col as usize;
            if line.len() <= col {
                line.resize(col + 1, String::new());
            }
            line[col] = std::mem::take(value);
        }
        at = end;
        while line.last().is_some_and(|c| c.is_empty()) {
            line.pop();
        }
        if line.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match headers {
            None => headers = Some(line),
            Some(_) => rows.push(TableRow {
                line: row as usize + 1,
                cells: csv::StringRecord::from(line),
            }),
        }
    }
    Ok(Table {
        headers: headers.ok_or_else(empty_file)?,
        rows,
        encoding: "XLSX".into(),
        separator: None,
    })
}
