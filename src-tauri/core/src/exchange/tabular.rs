//! Spreadsheet files as French offices produce them: CSV with `;` or `,` (or tab), in UTF-8
//! with or without BOM, Windows-1252 or UTF-16; and XLSX. Reading gives a [`Table`] of text
//! cells with their line numbers; writing gives Excel-friendly CSV (`;`, UTF-8 BOM) or XLSX,
//! with cells that a spreadsheet would run as formulas neutralised.

use crate::shared::error::{CoreError, CoreResult};
use crate::shared::progress::{Phase, Progress};
use std::borrow::Cow;
use std::io::Cursor;

/// Largest CSV file an import reads (bytes): a département's million links with long names
/// weighs about 70 MB.
pub const CSV_MAX: usize = 256 * 1024 * 1024;
/// Largest XLSX file an import reads (bytes). Compressed, so smaller than [`CSV_MAX`]: what
/// it unpacks to is held in memory.
pub const XLSX_MAX: usize = 64 * 1024 * 1024;
/// Longest cell an import accepts (characters); longer cells are reported, not truncated.
pub const CELL_MAX: usize = 100_000;

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

/// Decodes text the way a French office's files come: BOM first, then UTF-8 if valid, else
/// Windows-1252 (what Excel writes for "CSV (séparateur : point-virgule)").
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        let name = if enc == encoding_rs::UTF_8 {
            "UTF-8 (BOM)"
        } else {
            "UTF-16"
        };
        return (text.into_owned(), name);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text.into_owned(), "Windows-1252")
        }
    }
}

/// The separator of the header line: the most frequent of `;`, tab and `,` outside quotes
/// (`;` when none or tied, as French Excel writes).
pub fn detect_separator(text: &str) -> char {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ';' if !quoted => counts[0] += 1,
            '\t' if !quoted => counts[1] += 1,
            ',' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let seps = [';', '\t', ','];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    seps[best]
}

fn read_csv(bytes: &[u8], progress: &Progress) -> CoreResult<Table> {
    let bytes_in = bytes.len();
    let (text, encoding) = decode(bytes);
    if text.trim().is_empty() {
        return Err(empty_file());
    }
    let separator = detect_separator(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator as u8)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // Line numbers are counted from byte offsets: the reader's own count skips blank lines.
    let (mut counted_to, mut line) = (0usize, 1usize);
    let bytes = text.as_bytes();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if rows.len() % 4096 == 0 {
                    // Decoded text may be longer than the file (Windows-1252): scale to it.
                    let at = record.position().map(|p| p.byte()).unwrap_or(0);
                    let read = at * bytes_in as u64 / bytes.len().max(1) as u64;
                    progress.step(Phase::Reading, read, Some(bytes_in as u64))?;
                }
                let mut start = record.position().map(|p| p.byte() as usize).unwrap_or(0);
                // The reported start may sit before the blank lines the reader skipped.
                while start < bytes.len() && (bytes[start] == b'\n' || bytes[start] == b'\r') {
                    start += 1;
                }
                line += bytecount_newlines(&bytes[counted_to..start.max(counted_to)]);
                counted_to = start.max(counted_to);
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                // A copy of exactly the right size; the record keeps its buffers for the next
                // line (taking it would grow new buffers step by step for every line).
                let cells = record.clone();
                match headers {
                    None => headers = Some(cells.iter().map(str::to_string).collect()),
                    Some(_) => rows.push(TableRow { line, cells }),
                }
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(CoreError::validation(
                    "file",
                    "csv.invalid",
                    format!("Ligne {line} : le fichier CSV est mal formé ({e})."),
                ));
            }
        }
    }
    Ok(Table {
        headers: headers.ok_or_else(empty_file)?,
        rows,
        encoding: encoding.to_string(),
        separator: Some(separator),
    })
}

fn bytecount_newlines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

fn xlsx_cell(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => if *b { "oui" } else { "non" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn read_xlsx(bytes: &[u8]) -> CoreResult<Table> {
    // The XLSX parser may panic on some damaged files (an integer overflow in a cell
    // reference, found by the property tests): such a file is refused like any unreadable one.
    std::panic::catch_unwind(|| read_xlsx_unguarded(bytes)).unwrap_or_else(|_| {
        Err(CoreError::validation(
            "file",
            "xlsx.invalid",
            "Ce classeur Excel (.xlsx) est abîmé : il n'a pas pu être lu.",
        ))
    })
}

fn read_xlsx_unguarded(bytes: &[u8]) -> CoreResult<Table> {
    use calamine::Reader;
    let not_xlsx = |e: calamine::XlsxError| {
        CoreError::validation(
            "file",
            "xlsx.invalid",
            format!("Ce fichier n'est pas un classeur Excel (.xlsx) lisible : {e}."),
        )
    };
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(not_xlsx)?;
    let range = match book.worksheet_range_at(0) {
        None => return Err(empty_file()),
        Some(r) => r.map_err(not_xlsx)?,
    };
    let first_line = range.start().map(|(r, _)| r as usize + 1).unwrap_or(1);
    let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let mut cells: Vec<String> = vec![String::new(); first_col];
        cells.extend(row.iter().map(xlsx_cell));
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match headers {
            None => headers = Some(cells),
            Some(_) => rows.push(TableRow {
                line: first_line + i,
                cells: csv::StringRecord::from(cells),
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

#[cfg(test)]
mod tests {
    /// A workbook whose cell reference overflows the parser's row counter (found by the
    /// property tests): refused with a message, no panic escapes.
    #[test]
    fn a_workbook_with_an_absurd_cell_reference_is_refused() {
        use std::io::{Read, Write};
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Nom").unwrap();
        sheet.write_string(1, 0, "Mairie").unwrap();
        let good = book.save_to_buffer().unwrap();
        let mut zin = zip::ZipArchive::new(std::io::Cursor::new(good)).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..zin.len() {
            let mut f = zin.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            if name.starts_with("xl/worksheets/") {
                data = String::from_utf8(data)
                    .unwrap()
                    .replace("r=\"A2\"", "r=\"A99999999999999\"")
                    .into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(&data).unwrap();
        }
        let bad = out.finish().unwrap().into_inner();
        let e = read_table(&bad, FileFormat::Xlsx).unwrap_err();
        assert_eq!(e.code(), Some("xlsx.invalid"), "{e}");
    }

    use super::*;

    /// A CSV of 70 MB (a département's million links) is read; an XLSX that large, which
    /// would unpack to far more in memory, is refused by its size.
    #[test]
    fn size_limits_depend_on_the_format() {
        let mut big = b"Acteur A;Acteur B\n".to_vec();
        let line = b"Association des amis du patrimoine de Saint-Martin;Mairie de Saint-Martin\n";
        while big.len() <= XLSX_MAX + 6 * 1024 * 1024 {
            big.extend_from_slice(line);
        }
        let t = read_table(&big, FileFormat::Csv).unwrap();
        assert_eq!(t.rows.len(), (big.len() - 18) / line.len());
        let e = read_table(&big, FileFormat::Xlsx).unwrap_err();
        assert_eq!(e.code(), Some("file.too_big"), "{e}");
        assert!(e.to_string().contains("64 Mo au plus"), "{e}");
    }

    fn csv(bytes: &[u8]) -> Table {
        read_table(bytes, FileFormat::Csv).unwrap()
    }

    #[test]
    fn reads_utf8_with_and_without_bom_and_windows_1252() {
        let t = csv("Nom;Commune\r\nÉcole des Écrins;Gap\r\n".as_bytes());
        assert_eq!(t.encoding, "UTF-8");
        assert_eq!(t.rows[0].cells, vec!["École des Écrins", "Gap"]);
        let t = csv("\u{feff}Nom;Commune\nÉcole;Gap\n".as_bytes());
        assert_eq!(t.encoding, "UTF-8 (BOM)");
        assert_eq!(
            t.headers,
            vec!["Nom", "Commune"],
            "the BOM is not in the header"
        );
        // "Écrins ; Œuvre" in Windows-1252: É = 0xC9, Œ = 0x8C.
        let t = csv(b"Nom;Commune\r\n\xC9crins;\x8Cuvre\r\n");
        assert_eq!(t.encoding, "Windows-1252");
        assert_eq!(t.rows[0].cells, vec!["Écrins", "Œuvre"]);
        // UTF-16 LE with BOM and tabs, as Excel's "Texte Unicode".
        let mut b = vec![0xFF, 0xFE];
        for u in "Nom\tCommune\r\nÉcole\tGap\r\n".encode_utf16() {
            b.extend(u.to_le_bytes());
        }
        let t = csv(&b);
        assert_eq!((t.encoding.as_str(), t.separator), ("UTF-16", Some('\t')));
        assert_eq!(t.rows[0].cells, vec!["École", "Gap"]);
    }

    #[test]
    fn detects_separators_and_keeps_quoted_ones() {
        let t = csv(b"Nom,Commune,Notes\n\"Dupont; fils\",Gap,\"dit \"\"le sage\"\"\"\n");
        assert_eq!(t.separator, Some(','));
        assert_eq!(
            t.rows[0].cells,
            vec!["Dupont; fils", "Gap", "dit \"le sage\""]
        );
        let t = csv(b"\"Nom, complet\";Commune\nA;B\n");
        assert_eq!(t.separator, Some(';'));
        assert_eq!(t.headers, vec!["Nom, complet", "Commune"]);
    }

    #[test]
    fn multi_line_cells_ragged_rows_and_line_numbers() {
        let t = csv(b"Nom;Notes\nA;\"ligne 1\nligne 2\"\n\nB\nC;x;en trop\n");
        assert_eq!(t.rows.len(), 3, "the blank line is skipped");
        assert_eq!(&t.rows[0].cells[1], "ligne 1\nligne 2");
        assert_eq!(
            t.rows[1].line, 5,
            "line numbers count the lines of quoted cells"
        );
        assert_eq!(t.rows[1].cells, vec!["B"]);
        assert_eq!(t.rows[2].cells.len(), 3);
    }

    #[test]
    fn empty_and_blank_files_are_refused_clearly() {
        for b in [&b""[..], b"   \r\n\r\n", b"\xEF\xBB\xBF", b";;;\n"] {
            let e = read_table(b, FileFormat::Csv).unwrap_err();
            assert_eq!(e.code(), Some("file.empty"), "{b:?}");
        }
        let e = read_table(b"not a zip", FileFormat::Xlsx).unwrap_err();
        assert_eq!(e.code(), Some("xlsx.invalid"));
    }

    #[test]
    fn huge_fields_are_read_whole() {
        let big = "x".repeat(300_000);
        let t = csv(format!("Nom;Notes\nA;{big}\n").as_bytes());
        assert_eq!(t.rows[0].cells[1].len(), 300_000);
    }

    #[test]
    fn formulas_are_neutralised_and_read_back() {
        for (raw, out) in [
            ("=1+1", "'=1+1"),
            ("+33 4 92", "'+33 4 92"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Gap", "Gap"),
            ("l'Écrin", "l'Écrin"),
        ] {
            assert_eq!(neutralise(raw), out);
            assert_eq!(unneutralise(out), raw);
        }
        let bytes = write_csv(
            &["Nom", "Notes"],
            &[vec!["=HYPERLINK(\"http://x\")".into(), "a;b".into()]],
        )
        .unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBFNom;Notes\r\n"));
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.contains("\"'=HYPERLINK(\"\"http://x\"\")\";\"a;b\""),
            "{text}"
        );
        let t = csv(&bytes);
        assert_eq!(
            unneutralise(&t.rows[0].cells[0]),
            "=HYPERLINK(\"http://x\")"
        );
    }

    #[test]
    fn xlsx_round_trip_writes_text_never_formulas() {
        let rows = vec![
            vec!["École".to_string(), "=1+2".to_string()],
            vec!["B".to_string(), "".to_string()],
        ];
        let bytes = write_xlsx("Acteurs", &["Nom", "Notes"], &rows).unwrap();
        let t = read_table(&bytes, FileFormat::Xlsx).unwrap();
        assert_eq!(t.headers, vec!["Nom", "Notes"]);
        assert_eq!(t.rows[0].cells, vec!["École", "=1+2"]);
        assert_eq!(t.rows[1].line, 3);
        assert_eq!(t.rows[1].cells, vec!["B"]);
        let sheet = zip_part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(!sheet.contains("<f>"), "no formula is stored: {sheet}");
        let styles = zip_part(&bytes, "xl/styles.xml");
        assert!(styles.contains("quotePrefix=\"1\""), "{styles}");
    }

    fn zip_part(bytes: &[u8], name: &str) -> String {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

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
