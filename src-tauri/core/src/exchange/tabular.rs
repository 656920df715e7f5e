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
use std::io::Cursor;

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

fn read_xlsx(bytes: &[u8]) -> CoreResult<Table> {
    read_xlsx_within(bytes, &XLSX_LIMITS)
}

fn read_xlsx_within(bytes: &[u8], limits: &XlsxLimits) -> CoreResult<Table> {
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

// ----- What a workbook says it holds, checked before it is read ---------------------------------
//
// A workbook is a zip of XML parts, and what they announce is believed by the XLSX reader:
// it reserves room for as many shared texts as `<sst uniqueCount>` says, gives each cell
// format its own copy of its font, fill and border, and a sheet read whole takes rows ×
// columns cells up to its farthest reference. A file of a kilobyte could so ask for terabytes, and a failed allocation
// ends the process (no `catch_unwind` catches it). So, before the reader opens the file, every
// part is unpacked through a bounded reader and what it announces is checked; then the first
// sheet is read cell by cell (never as a grid), within the limits of an import.

/// Excel's grid: 1,048,576 rows of 16,384 columns (A to XFD). A workbook referring to a cell
/// outside it is not one Excel wrote.
pub const XLSX_ROWS: u32 = 1_048_576;
/// See [`XLSX_ROWS`].
pub const XLSX_COLUMNS: u32 = 16_384;
/// Most cells an XLSX import reads, counted in each row from column A to its last filled cell:
/// a full sheet ([`XLSX_ROWS`]) of 16 columns, more than the widest kind of file has (14, the
/// actors). It also bounds the shared texts a workbook may hold.
pub const XLSX_CELLS_MAX: usize = 16 * XLSX_ROWS as usize;
/// Most bytes the parts of an XLSX may unpack to, together: 16 times [`XLSX_MAX`]. A full
/// import ([`XLSX_CELLS_MAX`] cells of some 30 bytes of XML each, and their texts) fits; a zip
/// bomb does not.
pub const XLSX_UNPACKED_MAX: u64 = 16 * XLSX_MAX as u64;

/// The limits a workbook is held to (the tests lower them to try them on small files).
#[derive(Debug, Clone, Copy)]
struct XlsxLimits {
    /// Bytes the parts unpack to, together.
    unpacked: u64,
    /// Cells read (counted from column A in each row), and shared texts.
    cells: usize,
    /// Bytes of text: of the cells read, and of the shared texts ([`CSV_MAX`], the most text a
    /// CSV import reads).
    text: usize,
    /// Entries of each kind the reader keeps a list of: relationships, sheets, defined names,
    /// number formats, fonts, fills, borders.
    entries: u64,
    /// Cell formats (`<xf>`): Excel makes at most 64,000.
    formats: u64,
    /// Bytes the cell formats copy: each holds its own copy of its font, fill, border and
    /// number format (the reader builds them so), bounded by the largest of each.
    format_copies: u64,
}

const XLSX_LIMITS: XlsxLimits = XlsxLimits {
    unpacked: XLSX_UNPACKED_MAX,
    cells: XLSX_CELLS_MAX,
    text: CSV_MAX,
    entries: 1 << 20,
    formats: 1 << 16,
    format_copies: 256 << 20,
};

/// Not an Excel file: `what` says what is wrong with it.
fn not_excel(what: String) -> CoreError {
    CoreError::validation(
        "file",
        "xlsx.invalid",
        format!("{what} : ce n'est pas un fichier Excel valide."),
    )
}

/// More than an import reads: `what` says what.
fn too_large(what: String) -> CoreError {
    CoreError::validation(
        "file",
        "xlsx.too_large",
        format!(
            "{what} : c'est plus qu'une importation n'en lit. Gardez les colonnes et les lignes utiles, ou enregistrez la feuille en CSV."
        ),
    )
}

/// `1 234 567` (narrow no-break spaces between thousands, as French figures are written).
fn figure(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202F}');
        }
        out.push(c);
    }
    out
}

/// A cell's reference from its position (0-based row and column): `A1`, `XFD1048576`.
fn cell_name(row: u64, col: u64) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// The element names that make the reader keep something for each one found (or, for `sst`,
/// reserve room): a part holding none of them is only unpacked, never parsed here.
const KEPT_ELEMENTS: [&[u8]; 10] = [
    b"sst",
    b"si",
    b"Relationship",
    b"sheet",
    b"definedName",
    b"numFmt",
    b"font",
    b"fill",
    b"border",
    b"xf",
];

/// An entry's bytes, at most `left` of them: one more is an error (`over` says so).
struct Bounded<R> {
    inner: R,
    left: u64,
    read: u64,
    over: bool,
}

impl<R: std::io::Read> std::io::Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.over = true;
            return Err(std::io::Error::other("le classeur se décompresse en trop"));
        }
        let most = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..most])?;
        self.left -= n as u64;
        self.read += n as u64;
        Ok(n)
    }
}

/// Whether bytes may hold an element whose local name is one of [`KEPT_ELEMENTS`]. The XML
/// reader takes an element's name up to a space, `/>` or `>`, and its local name after the
/// name's first `:`: so such an element is written `<font` or `:font` followed by a space, `/`
/// or `>`. Looking for that never misses one; it may find one the reader would not (in a
/// comment, a quoted value), which only costs a closer look. Fed in pieces: what is cut
/// between two is put together.
#[derive(Default)]
struct KeptElementSeen {
    /// The last bytes of the previous piece.
    tail: Vec<u8>,
    seen: bool,
}

impl KeptElementSeen {
    /// Longer than `<Relationship>` less a byte: what a name cut between two pieces needs.
    const TAIL: usize = 16;

    fn feed(&mut self, bytes: &[u8]) {
        if self.seen {
            return;
        }
        let mut joint = std::mem::take(&mut self.tail);
        joint.extend_from_slice(&bytes[..bytes.len().min(Self::TAIL)]);
        if holds_kept_element(&joint) || holds_kept_element(bytes) {
            self.seen = true;
            return;
        }
        self.tail = if bytes.len() >= Self::TAIL {
            bytes[bytes.len() - Self::TAIL..].to_vec()
        } else {
            joint[joint.len().saturating_sub(Self::TAIL)..].to_vec()
        };
    }
}

/// Whether `bytes` hold `<` or `:`, then one of [`KEPT_ELEMENTS`], then a space, `/` or `>`.
fn holds_kept_element(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().any(|(i, &b)| {
        (b == b'<' || b == b':')
            && KEPT_ELEMENTS.iter().any(|name| {
                bytes[i + 1..].starts_with(name)
                    && matches!(
                        bytes.get(i + 1 + name.len()),
                        Some(b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>')
                    )
            })
    })
}

/// What the parts that keep something announce and hold, over the whole workbook.
#[derive(Default)]
struct KeptCounts {
    /// Shared texts (`<si>`) and the bytes of text of the parts holding them.
    shared: u64,
    shared_text: u64,
    /// `<sst uniqueCount>` and `<sst count>` as written (digits only, as the reader reads
    /// them), with the size of their part.
    announced: Vec<(&'static str, String, u64)>,
    /// Relationships, sheets, defined names, number formats, fonts, fills, borders.
    entries: [u64; 7],
    formats: u64,
    /// The largest font, fill, border and number format (bytes of XML).
    largest: [u64; 4],
}

const ENTRY_NAMES: [&str; 7] = [
    "Relationship",
    "sheet",
    "definedName",
    "numFmt",
    "font",
    "fill",
    "border",
];
/// What each of [`ENTRY_NAMES`] is, in the messages.
const ENTRY_LABELS: [&str; 7] = [
    "relations entre parties",
    "feuilles",
    "noms définis",
    "formats de nombre",
    "polices",
    "remplissages",
    "bordures",
];

/// The value of attribute `key` of a tag, read as the XLSX reader reads it (its raw
/// attributes: a key up to `=`, a quoted value; the first match wins).
fn raw_attr<'a>(attrs: &'a str, key: &str) -> Option<&'a str> {
    let bytes = attrs.as_bytes();
    let mut pos = 0;
    loop {
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= bytes.len() {
            return None;
        }
        let key_start = pos;
        while pos < bytes.len() && bytes[pos] != b'=' {
            pos += 1;
        }
        if pos >= bytes.len() {
            return None;
        }
        let k = attrs[key_start..pos].trim_ascii_end();
        pos += 1;
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let quote = *bytes.get(pos)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        pos += 1;
        let value_start = pos;
        while pos < bytes.len() && bytes[pos] != quote {
            pos += 1;
        }
        let value = &attrs[value_start..pos];
        if k == key {
            return Some(value);
        }
        pos += 1;
    }
}

/// Reads a part that keeps something with the XML reader the XLSX reader uses, configured as
/// it configures it, and counts what it would keep.
fn count_kept<R: std::io::Read>(part: R, size: u64, counts: &mut KeptCounts) {
    use quick_xml::events::Event;
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    // Where each font, fill, border and number format being read started.
    let mut open: [Option<u64>; 4] = [None; 4];
    let spans = [b"font".as_slice(), b"fill", b"border", b"numFmt"];
    let mut in_shared = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let before = xml.buffer_position();
        // An error stops the XLSX reader there too: what follows is never kept.
        let Ok(event) = xml.read_event_into(&mut buf) else {
            return;
        };
        match event {
            Event::Start(e) => {
                let local = e.local_name();
                let name = local.as_ref().as_bytes();
                match name {
                    b"sst" => {
                        in_shared = true;
                        let attrs = e.attributes_raw();
                        for key in ["uniqueCount", "count"] {
                            if let Some(v) = raw_attr(attrs, key) {
                                counts.announced.push((key, v.to_string(), size));
                            }
                        }
                    }
                    b"si" => counts.shared += 1,
                    b"xf" => counts.formats += 1,
                    _ => {}
                }
                if let Some(i) = ENTRY_NAMES.iter().position(|n| n.as_bytes() == name) {
                    counts.entries[i] += 1;
                }
                if let Some(i) = spans.iter().position(|n| *n == name) {
                    open[i].get_or_insert(before);
                }
            }
            Event::End(e) => {
                let local = e.local_name();
                if let Some(i) = spans.iter().position(|n| *n == local.as_ref().as_bytes()) {
                    if let Some(start) = open[i].take() {
                        let span = xml.buffer_position().saturating_sub(start);
                        counts.largest[i] = counts.largest[i].max(span);
                    }
                }
            }
            Event::Text(t) if in_shared => counts.shared_text += t.as_ref().len() as u64,
            Event::CData(t) if in_shared => counts.shared_text += t.as_ref().len() as u64,
            // `&amp;`, `&#233;`: a character, at most 4 bytes.
            Event::GeneralRef(_) if in_shared => counts.shared_text += 4,
            Event::Eof => return,
            _ => {}
        }
    }
}

/// Checks a workbook before the XLSX reader opens it: no part unpacks to more than the
/// limits, and what the parts the reader keeps things from announce and hold is within them.
/// What is not a zip is left for the reader to refuse.
fn check_xlsx_parts(bytes: &[u8], limits: &XlsxLimits) -> CoreResult<()> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let unpacked_too_big = || {
        too_large(format!(
            "Le classeur se décompresse en plus de {} Mo",
            figure(limits.unpacked / (1024 * 1024))
        ))
    };
    let mut unpacked = 0u64;
    let mut counts = KeptCounts::default();
    let mut chunk = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        // An entry that cannot be unpacked here cannot be by the reader either.
        let Ok(entry) = zip.by_index(i) else {
            continue;
        };
        let mut part = Bounded {
            inner: entry,
            left: limits.unpacked - unpacked,
            read: 0,
            over: false,
        };
        let mut seen = KeptElementSeen::default();
        loop {
            match std::io::Read::read(&mut part, &mut chunk) {
                Ok(0) => break,
                Ok(n) => seen.feed(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) if part.over => return Err(unpacked_too_big()),
                // Damaged: the reader stops there too.
                Err(_) => break,
            }
        }
        let size = part.read;
        drop(part);
        unpacked += size;
        if seen.seen {
            if let Ok(entry) = zip.by_index(i) {
                count_kept(
                    Bounded {
                        inner: entry,
                        left: size,
                        read: 0,
                        over: false,
                    },
                    size,
                    &mut counts,
                );
            }
        }
    }
    for (key, value, part_size) in &counts.announced {
        // Digits only, as the reader reads them (leading zeros skipped); anything else it
        // ignores.
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let n: u64 = value.trim_start_matches('0').parse().unwrap_or(u64::MAX);
        // Each shared text takes at least `<si/>` (5 bytes) in its part, and is at most one
        // for each cell read; each use of one is a cell, which takes more than a byte.
        let absurd = match *key {
            "uniqueCount" => n > part_size / 5 || n > limits.cells as u64,
            _ => n > unpacked,
        };
        if absurd {
            let what = if *key == "uniqueCount" {
                "textes partagés"
            } else {
                "emplois de textes partagés"
            };
            let digits = value.trim_start_matches('0').len();
            return Err(not_excel(if digits > 20 {
                format!("Le classeur annonce un nombre de {digits} chiffres de {what}")
            } else {
                format!("Le classeur annonce {} {what}", figure(n))
            }));
        }
    }
    if counts.shared > limits.cells as u64 {
        return Err(too_large(format!(
            "Le classeur contient plus de {} textes partagés",
            figure(limits.cells as u64)
        )));
    }
    if counts.shared_text > limits.text as u64 {
        return Err(too_large(format!(
            "Les textes du classeur dépassent {} Mo",
            figure(limits.text as u64 / (1024 * 1024))
        )));
    }
    for (i, n) in counts.entries.iter().enumerate() {
        if *n > limits.entries {
            return Err(not_excel(format!(
                "Le classeur contient plus de {} {}",
                figure(limits.entries),
                ENTRY_LABELS[i]
            )));
        }
    }
    let copies = counts
        .formats
        .saturating_mul(counts.largest.iter().sum::<u64>());
    if counts.formats > limits.formats || copies > limits.format_copies {
        return Err(not_excel(format!(
            "Le classeur définit {} formats de cellule{}",
            figure(counts.formats),
            if counts.formats > limits.formats {
                String::new()
            } else {
                " aux polices, remplissages ou bordures démesurés".to_string()
            }
        )));
    }
    Ok(())
}

fn read_xlsx_unguarded(bytes: &[u8], limits: &XlsxLimits) -> CoreResult<Table> {
    use calamine::{DataRef, Reader, XlsxError};
    check_xlsx_parts(bytes, limits)?;
    let not_xlsx = |e: XlsxError| {
        CoreError::validation(
            "file",
            "xlsx.invalid",
            format!("Ce fichier n'est pas un classeur Excel (.xlsx) lisible : {e}."),
        )
    };
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
    let outside = |(row, col): (u32, u32)| row >= XLSX_ROWS || col >= XLSX_COLUMNS;
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
    // The filled cells, one by one (the sheet is never laid out as a grid): (row, column,
    // text), at most `limits.cells` of them and `limits.text` bytes of text.
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
    drop(reader);
    drop(book);
    // In the sheet's order; a cell given twice keeps its last value, as the reader's grid did.
    cells.sort_by_key(|&(row, col, _)| (row, col));
    // Each row is read from column A to its last cell.
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

    // ----- Workbooks that announce or hold more than they should ------------------------------

    /// A workbook written by hand, as small as a crafted file can be: `sheet` is the first
    /// sheet's content (inside `<worksheet>`), `parts` any other parts (shared texts, styles).
    fn crafted(sheet: &str, parts: &[(&str, String)]) -> Vec<u8> {
        use std::io::Write;
        let head = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
        let rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        let mut all: Vec<(String, String)> = vec![
            (
                "_rels/.rels".into(),
                format!(
                    r#"{head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/workbook.xml".into(),
                format!(
                    r#"{head}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{rels}"><sheets><sheet name="Feuille1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                ),
            ),
            (
                "xl/_rels/workbook.xml.rels".into(),
                format!(
                    r#"{head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/worksheets/sheet1.xml".into(),
                format!(
                    r#"{head}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sheet}</worksheet>"#
                ),
            ),
        ];
        all.extend(
            parts
                .iter()
                .map(|(n, t)| (n.to_string(), format!("{head}{t}"))),
        );
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in all {
            out.start_file(name, deflated).unwrap();
            out.write_all(text.as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    fn shared(unique_count: &str, texts: &[&str]) -> (&'static str, String) {
        let items: String = texts
            .iter()
            .map(|t| format!("<si><t>{t}</t></si>"))
            .collect();
        (
            "xl/sharedStrings.xml",
            format!(
                r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{unique_count}">{items}</sst>"#,
                n = texts.len()
            ),
        )
    }

    fn refused(bytes: &[u8]) -> (String, String) {
        match read_table(bytes, FileFormat::Xlsx) {
            Err(e) => (e.code().unwrap_or("").to_string(), e.to_string()),
            Ok(t) => panic!("read: {} rows", t.rows.len()),
        }
    }

    /// The reader reserves room for as many shared texts as `<sst uniqueCount>` announces: a
    /// kilobyte file announcing 100 billion would end the process. Refused by name first.
    #[test]
    fn a_workbook_announcing_absurd_shared_texts_is_refused_before_it_is_read() {
        let sheet = r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData>"#;
        let bomb = crafted(sheet, &[shared("100000000000", &["Nom", "Mairie"])]);
        assert!(bomb.len() < 2048, "{} bytes", bomb.len());
        let (code, message) = refused(&bomb);
        assert_eq!(code, "xlsx.invalid");
        assert_eq!(
            message,
            "Le classeur annonce 100\u{202F}000\u{202F}000\u{202F}000 textes partagés : ce n'est pas un fichier Excel valide."
        );
        // Beyond what an `usize` holds, or more than its part could hold (each text takes at
        // least `<si/>`), or more uses than the workbook has bytes.
        let (_, message) = refused(&crafted(
            sheet,
            &[shared("0099999999999999999999999", &["Nom", "Mairie"])],
        ));
        assert!(
            message.contains("annonce un nombre de 23 chiffres de textes partagés"),
            "{message}"
        );
        let (code, message) = refused(&crafted(sheet, &[shared("5000", &["Nom", "Mairie"])]));
        assert_eq!(code, "xlsx.invalid", "{message}");
        assert!(
            message.contains("annonce 5\u{202F}000 textes partagés"),
            "{message}"
        );
        let (_, message) = refused(&crafted(
            sheet,
            &[(
                "xl/sharedStrings.xml",
                r#"<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="123456789012"><x:si><x:t>Nom</x:t></x:si><x:si><x:t>Mairie</x:t></x:si></x:sst>"#.into(),
            )],
        ));
        assert!(
            message.contains(
                "annonce 123\u{202F}456\u{202F}789\u{202F}012 emplois de textes partagés"
            ),
            "{message}"
        );
        // What it really holds is read.
        let t = read_table(
            &crafted(sheet, &[shared("2", &["Nom", "Mairie"])]),
            FileFormat::Xlsx,
        )
        .unwrap();
        assert_eq!(
            (t.headers, t.rows[0].cells.clone()),
            (
                vec!["Nom".to_string()],
                csv::StringRecord::from(vec!["Mairie"])
            )
        );
    }

    /// A sheet read as a grid takes rows × columns cells up to its farthest reference: `A1` and
    /// `XFD1048576` made 17 billion. Read cell by cell, it is two cells.
    #[test]
    fn a_sparse_sheet_is_read_cell_by_cell_not_as_its_whole_grid() {
        let sheet = r#"<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Nom</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>"#;
        let bytes = crafted(sheet, &[]);
        assert!(bytes.len() < 2048, "{} bytes", bytes.len());
        let t = read_table(&bytes, FileFormat::Xlsx).unwrap();
        assert_eq!(t.headers, vec!["Nom"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].line, 1_048_576);
        assert_eq!(t.rows[0].cells.len(), 16_384);
        assert_eq!(&t.rows[0].cells[16_383], "x");
        // Cells given out of order, and one given twice (the last one counts, as in Excel).
        let sheet = r#"<sheetData><row r="3"><c r="B3"><v>2</v></c><c r="A3"><v>1</v></c></row><row r="1"><c r="A1" t="inlineStr"><is><t>A</t></is></c><c r="B1" t="inlineStr"><is><t>B</t></is></c></row><row r="3"><c r="B3"><v>3</v></c></row></sheetData>"#;
        let t = read_table(&crafted(sheet, &[]), FileFormat::Xlsx).unwrap();
        assert_eq!(t.headers, vec!["A", "B"]);
        assert_eq!(
            (t.rows[0].line, t.rows[0].cells.clone()),
            (3, csv::StringRecord::from(vec!["1", "3"]))
        );
    }

    /// Rows that reach far to the right, counted from column A, are more cells than an import
    /// reads: refused, without laying them out.
    #[test]
    fn a_sheet_wider_than_an_import_reads_is_refused() {
        // 1,025 rows to column XFD: 16,793,600 cells, just over the 16,777,216 an import reads.
        let rows: String = (1..=1025)
            .map(|r| {
                format!(
                    r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="XFD{r}"><v>1</v></c></row>"#
                )
            })
            .collect();
        let bytes = crafted(&format!("<sheetData>{rows}</sheetData>"), &[]);
        assert!(bytes.len() < 16 * 1024, "{} bytes", bytes.len());
        let (code, message) = refused(&bytes);
        assert_eq!(code, "xlsx.too_large", "{message}");
        assert_eq!(
            message,
            "Les lignes de la feuille, comptées de la colonne A à leur dernière cellule, font plus de 16\u{202F}777\u{202F}216 cellules : c'est plus qu'une importation n'en lit. Gardez les colonnes et les lignes utiles, ou enregistrez la feuille en CSV."
        );
    }

    /// A reference outside Excel's grid (`XFE1`, row 1,048,577), given or reached by counting,
    /// or an announced area beyond it: not a workbook Excel wrote, refused by name.
    #[test]
    fn cells_and_areas_outside_excels_grid_are_refused_by_name() {
        let header = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Nom</t></is></c></row>"#;
        for (sheet, named) in [
            (
                format!(
                    r#"<sheetData>{header}<row r="2"><c r="XFE2"><v>1</v></c></row></sheetData>"#
                ),
                "La cellule « XFE2 »",
            ),
            (
                format!(
                    r#"<sheetData>{header}<row r="1048577"><c r="A1048577"><v>1</v></c></row></sheetData>"#
                ),
                "La cellule « A1048577 »",
            ),
            // No reference: the reader counts from the row's.
            (
                format!(r#"<sheetData>{header}<row r="1048577"><c><v>1</v></c></row></sheetData>"#),
                "La cellule « A1048577 »",
            ),
            (
                format!(r#"<dimension ref="A1:XFD99999999"/><sheetData>{header}</sheetData>"#),
                "Le classeur annonce la zone « A1:XFD99999999 »",
            ),
        ] {
            let (code, message) = refused(&crafted(&sheet, &[]));
            assert_eq!(code, "xlsx.invalid", "{message}");
            assert!(
                message.starts_with(named)
                    && message.ends_with("hors de la grille d'Excel (1\u{202F}048\u{202F}576 lignes, 16\u{202F}384 colonnes) : ce n'est pas un fichier Excel valide."),
                "{message}"
            );
        }
    }

    /// A shared text is copied into every cell using it: a megabyte used by 300 cells would be
    /// 300 MB. More text than a CSV import reads is refused before it is copied.
    #[test]
    fn a_shared_text_used_by_many_cells_is_counted_before_it_is_copied() {
        let big = "x".repeat(1024 * 1024);
        let rows: String = (2..=301)
            .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>1</v></c></row>"#))
            .collect();
        let sheet = format!(
            r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>{rows}</sheetData>"#
        );
        let bytes = crafted(&sheet, &[shared("2", &["Nom", &big])]);
        assert!(bytes.len() < 16 * 1024, "{} bytes", bytes.len());
        let (code, message) = refused(&bytes);
        assert_eq!(code, "xlsx.too_large", "{message}");
        assert!(
            message.starts_with("Les cellules de la feuille contiennent plus de 256 Mo de texte"),
            "{message}"
        );
    }

    /// Each cell format gets its own copy of its font (and fill, border, number format): a
    /// long font name and thousands of formats would be hundreds of megabytes. Excel makes at
    /// most 64,000 formats; more, or copies beyond 256 MB, are refused.
    #[test]
    fn cell_formats_that_would_copy_too_much_are_refused() {
        let sheet = r#"<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Nom</t></is></c></row></sheetData>"#;
        let styles = |font: &str, formats: usize| {
            (
                "xl/styles.xml",
                format!(
                    r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><name val="{font}"/></font></fonts><cellXfs count="{formats}">{}</cellXfs></styleSheet>"#,
                    r#"<xf numFmtId="0" fontId="0"/>"#.repeat(formats)
                ),
            )
        };
        let name = "P".repeat(100 * 1024);
        let (code, message) = refused(&crafted(sheet, &[styles(&name, 3000)]));
        assert_eq!(code, "xlsx.invalid", "{message}");
        assert!(
            message.starts_with("Le classeur définit 3\u{202F}000 formats de cellule aux polices"),
            "{message}"
        );
        let (_, message) = refused(&crafted(sheet, &[styles("Calibri", 70_000)]));
        assert!(
            message.starts_with("Le classeur définit 70\u{202F}000 formats de cellule :"),
            "{message}"
        );
        // What a real workbook has is read.
        let t = read_table(
            &crafted(sheet, &[styles("Calibri", 3000)]),
            FileFormat::Xlsx,
        )
        .unwrap();
        assert_eq!(t.headers, vec!["Nom"]);
    }

    /// The parts looked at closely are those that may hold an element the reader keeps, found
    /// however its name is written (a prefix, a `/` in it, cut between two pieces read).
    #[test]
    fn elements_the_reader_keeps_are_found_however_written_and_cut() {
        let seen = |pieces: &[&[u8]]| {
            let mut s = KeptElementSeen::default();
            for p in pieces {
                s.feed(p);
            }
            s.seen
        };
        for xml in [
            "<font>",
            "<x:font/>",
            "<x/y:font >",
            "<a<b:xf\t",
            "<Relationship Id=\"rId1\"/>",
            "<si/>",
            "<sst\n",
        ] {
            assert!(seen(&[xml.as_bytes()]), "{xml}");
        }
        for xml in [
            "<fonts>",
            "<rFont val=\"x\"/>",
            "<sheetData>",
            "<c r=\"A1\"><v>1</v></c>",
            "<f>SUM(A1)</f>",
            "font>",
            "<font",
        ] {
            assert!(!seen(&[xml.as_bytes()]), "{xml}");
        }
        let xml = b"<worksheet><sheetData/><x:Relationship/></worksheet>";
        for cut in 0..xml.len() {
            assert!(seen(&[&xml[..cut], &xml[cut..]]), "cut at {cut}");
        }
        let bytes: Vec<&[u8]> = xml.chunks(1).collect();
        assert!(seen(&bytes), "one byte at a time");
        let bytes: Vec<&[u8]> = b"<sheetData><c><v>1</v></c></sheetData>"
            .chunks(3)
            .collect();
        assert!(!seen(&bytes));
    }

    /// A part that unpacks to more than the limit (a zip bomb) is refused while it is being
    /// unpacked, before the reader opens it; so are more shared texts, or texts, or entries of a
    /// kind, than the limits. (Tried with lowered limits, to keep the files small.)
    #[test]
    fn what_unpacks_or_holds_more_than_the_limits_is_refused() {
        let sheet = r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData>"#;
        let padded = format!("{}{sheet}", " ".repeat(3 * 1024 * 1024));
        let bomb = crafted(&padded, &[shared("2", &["Nom", "Mairie"])]);
        assert!(bomb.len() < 16 * 1024, "{} bytes", bomb.len());
        read_table(&bomb, FileFormat::Xlsx).expect("within the real limits");
        let mib = XlsxLimits {
            unpacked: 1024 * 1024,
            ..XLSX_LIMITS
        };
        let e = read_xlsx_within(&bomb, &mib).unwrap_err();
        assert_eq!(e.code(), Some("xlsx.too_large"));
        assert!(e.to_string().starts_with("Le classeur se décompresse en plus de 1 Mo : c'est plus qu'une importation n'en lit."), "{e}");

        let texts = ["Nom", "Mairie", "École", "Gare"];
        let ok = crafted(sheet, &[shared("3", &texts)]);
        let few = XlsxLimits {
            cells: 3,
            ..XLSX_LIMITS
        };
        let e = read_xlsx_within(&ok, &few).unwrap_err();
        assert_eq!(e.to_string(), "Le classeur contient plus de 3 textes partagés : c'est plus qu'une importation n'en lit. Gardez les colonnes et les lignes utiles, ou enregistrez la feuille en CSV.");
        let short = XlsxLimits {
            text: 12,
            ..XLSX_LIMITS
        };
        let e = read_xlsx_within(&ok, &short).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("Les textes du classeur dépassent"),
            "{e}"
        );
        let e = read_xlsx_within(
            &ok,
            &XlsxLimits {
                entries: 1,
                ..XLSX_LIMITS
            },
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("Le classeur contient plus de 1 relations entre parties"),
            "{e}"
        );
        assert_eq!(read_xlsx_within(&ok, &XLSX_LIMITS).unwrap().rows.len(), 1);
        let inline = |r: u32| format!(r#"<c r="A{r}" t="inlineStr"><is><t>{r}</t></is></c>"#);
        let three = crafted(
            &format!(
                "<sheetData>{}{}{}</sheetData>",
                inline(1),
                inline(2),
                inline(3)
            ),
            &[],
        );
        let e = read_xlsx_within(
            &three,
            &XlsxLimits {
                cells: 2,
                ..XLSX_LIMITS
            },
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("La feuille a plus de 2 cellules : "),
            "{e}"
        );
        assert_eq!(
            read_xlsx_within(
                &three,
                &XlsxLimits {
                    cells: 3,
                    ..XLSX_LIMITS
                }
            )
            .unwrap()
            .rows
            .len(),
            2
        );
    }

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
}
