//! What a workbook says it holds, checked before it is read.
//!
//! A workbook is a zip of XML parts, and what they announce is believed by the XLSX reader:
//! it reserves room for as many shared texts as `<sst uniqueCount>` says, gives each cell
//! format its own copy of its font, fill and border, and a sheet read whole takes rows ×
//! columns cells up to its farthest reference. A file of a kilobyte could so ask for terabytes, and a failed allocation
//! ends the process (no `catch_unwind` catches it). So, before the reader opens the file, every
//! part is unpacked through a bounded reader and what it announces is checked; then the first
//! sheet is read cell by cell (never as a grid), within the limits of an import.

use crate::shared::error::{CoreError, CoreResult};
use crate::shared::sheet::{CSV_MAX, XLSX_MAX};
use std::io::Cursor;

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
pub(super) struct XlsxLimits {
    /// Bytes the parts unpack to, together.
    pub(super) unpacked: u64,
    /// Cells read (counted from column A in each row), and shared texts.
    pub(super) cells: usize,
    /// Bytes of text: of the cells read, and of the shared texts ([`CSV_MAX`], the most text a
    /// CSV import reads).
    pub(super) text: usize,
    /// Entries of each kind the reader keeps a list of: relationships, sheets, defined names,
    /// number formats, fonts, fills, borders.
    pub(super) entries: u64,
    /// Cell formats (`<xf>`): Excel makes at most 64,000.
    pub(super) formats: u64,
    /// Bytes the cell formats copy: each holds its own copy of its font, fill, border and
    /// number format (the reader builds them so), bounded by the largest of each.
    pub(super) format_copies: u64,
}

pub(super) const XLSX_LIMITS: XlsxLimits = XlsxLimits {
    unpacked: XLSX_UNPACKED_MAX,
    cells: XLSX_CELLS_MAX,
    text: CSV_MAX,
    entries: 1 << 20,
    formats: 1 << 16,
    format_copies: 256 << 20,
};

/// Not an Excel file: `what` says what is wrong with it.
pub(super) fn not_excel(what: String) -> CoreError {
    CoreError::validation(
        "file",
        "xlsx.invalid",
        format!("{what} : ce n'est pas un fichier Excel valide."),
    )
}

/// More than an import reads: `what` says what.
pub(super) fn too_large(what: String) -> CoreError {
    CoreError::validation(
        "file",
        "xlsx.too_large",
        format!(
            "{what} : c'est plus qu'une importation n'en lit. Gardez les colonnes et les lignes utiles, ou enregistrez la feuille en CSV."
        ),
    )
}

/// `1 234 567` (narrow no-break spaces between thousands, as French figures are written).
pub(super) fn figure(n: u64) -> String {
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
pub(super) fn cell_name(row: u64, col: u64) -> String {
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
pub(super) struct KeptElementSeen {
    /// The last bytes of the previous piece.
    tail: Vec<u8>,
    pub(super) seen: bool,
}

impl KeptElementSeen {
    /// Longer than `<Relationship>` less a byte: what a name cut between two pieces needs.
    const TAIL: usize = 16;

    pub(super) fn feed(&mut self, bytes: &[u8]) {
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
pub(super) fn check_xlsx_parts(bytes: &[u8], limits: &XlsxLimits) -> CoreResult<()> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut counts = KeptCounts::default();
    let unpacked = unpack_parts(&mut zip, limits, &mut counts)?;
    check_announced(&counts, unpacked, limits)?;
    check_kept(&counts, limits)
}

/// Unpacks every part through a bounded reader (refused past `limits.unpacked` bytes in all),
/// counting what the parts the reader keeps things from hold into `counts`. Returns the bytes
/// unpacked.
fn unpack_parts(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    limits: &XlsxLimits,
    counts: &mut KeptCounts,
) -> CoreResult<u64> {
    let unpacked_too_big = || {
        too_large(format!(
            "Le classeur se décompresse en plus de {} Mo",
            figure(limits.unpacked / (1024 * 1024))
        ))
    };
    let mut unpacked = 0u64;
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
                    counts,
                );
            }
        }
    }
    Ok(unpacked)
}

/// The counts of shared texts the workbook announces (`<sst uniqueCount>`, `<sst count>`),
/// against what its parts could hold once `unpacked` bytes are unpacked.
fn check_announced(counts: &KeptCounts, unpacked: u64, limits: &XlsxLimits) -> CoreResult<()> {
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
    Ok(())
}

/// What the parts hold, against the limits: shared texts and their text, entries of each
/// kind, cell formats and what they copy.
fn check_kept(counts: &KeptCounts, limits: &XlsxLimits) -> CoreResult<()> {
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
