//! Reading CSV: the text's encoding and separator, then its rows with their line numbers.

use super::{empty_file, Table, TableRow};
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::progress::{Phase, Progress};

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

/// From this many bytes, a file without a double quote is read in two halves at once.
const SPLIT_FROM: usize = 4 << 20;

pub(super) fn read_csv(bytes: &[u8], progress: &Progress) -> CoreResult<Table> {
    read_csv_split(bytes, progress, SPLIT_FROM)
}

/// [`read_csv`], reading a text of at least `split_from` bytes in two halves, each on its
/// own thread, when it holds no double quote: every line break then ends a record, so the
/// second half starts after the first line break past the middle, and its lines are
/// numbered from the line breaks before it. The rows come out exactly as one pass reads
/// them (`tabular::tests::a_file_read_in_two_halves_gives_the_rows_of_one_pass`).
pub(super) fn read_csv_split(
    bytes: &[u8],
    progress: &Progress,
    split_from: usize,
) -> CoreResult<Table> {
    let bytes_in = bytes.len();
    let (text, encoding) = decode(bytes);
    if text.trim().is_empty() {
        return Err(empty_file());
    }
    let separator = detect_separator(&text);
    let read = &std::sync::atomic::AtomicU64::new(0);
    // Decoded text may be longer than the file (Windows-1252): reports scaled to the file.
    let report = |delta: usize| {
        let at = read.fetch_add(delta as u64, std::sync::atomic::Ordering::Relaxed) + delta as u64;
        let at = at * bytes_in as u64 / text.len().max(1) as u64;
        progress.step(Phase::Reading, at, Some(bytes_in as u64))
    };
    let middle = (text.len() >= split_from && !text.contains('"'))
        .then(|| {
            text.as_bytes()[text.len() / 2..]
                .iter()
                .position(|b| *b == b'\n')
        })
        .flatten()
        .map(|i| text.len() / 2 + i + 1);
    let (headers, rows) = match middle {
        Some(m) => {
            let (first, second) = text.split_at(m);
            let line = 1 + bytecount_newlines(first.as_bytes());
            let (a, b) = std::thread::scope(|scope| {
                let b = scope.spawn(|| read_records(second, separator, line, false, &report));
                let a = read_records(first, separator, 1, true, &report);
                (a, b.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            });
            let ((headers, mut rows), (_, more)) = (a?, b?);
            // A first half of blank lines only: its header is in the second half.
            if headers.is_none() {
                read_records(&text, separator, 1, true, &|_| Ok(()))?
            } else {
                rows.extend(more);
                (headers, rows)
            }
        }
        None => read_records(&text, separator, 1, true, &report)?,
    };
    Ok(Table {
        headers: headers.ok_or_else(empty_file)?,
        rows,
        encoding: encoding.to_string(),
        separator: Some(separator),
    })
}

/// The records of `text` (a whole file, or the part of it from line `first_line` on), the
/// first one the header when `header` (none when every line is blank), reporting the bytes
/// read to `report`.
fn read_records(
    text: &str,
    separator: char,
    first_line: usize,
    header: bool,
    report: &(dyn Fn(usize) -> CoreResult<()> + Sync),
) -> CoreResult<(Option<Vec<String>>, Vec<TableRow>)> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator as u8)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // Line numbers are counted from byte offsets: the reader's own count skips blank lines.
    let (mut counted_to, mut line) = (0usize, first_line);
    let mut reported = 0usize;
    let bytes = text.as_bytes();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let mut start = record.position().map(|p| p.byte() as usize).unwrap_or(0);
                if rows.len() % 4096 == 0 {
                    report(start.saturating_sub(reported))?;
                    reported = reported.max(start);
                }
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
                    None if header => headers = Some(cells.iter().map(str::to_string).collect()),
                    _ => rows.push(TableRow { line, cells }),
                }
            }
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0) + first_line - 1;
                return Err(CoreError::validation(
                    "file",
                    "csv.invalid",
                    format!("Ligne {line} : le fichier CSV est mal formé ({e})."),
                ));
            }
        }
    }
    report(text.len().saturating_sub(reported))?;
    Ok((headers, rows))
}

fn bytecount_newlines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}
