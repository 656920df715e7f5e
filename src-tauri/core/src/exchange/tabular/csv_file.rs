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

pub(super) fn read_csv(bytes: &[u8], progress: &Progress) -> CoreResult<Table> {
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
