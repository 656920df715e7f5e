//! The change file: what one device sends the team, written once and never touched again.
//!
//! ```text
//! CATALYSE-CCF\n                          magic
//! {"format":1,"schema":12,…}\n            the header, one line of JSON (below)
//! {"sets":[…]}\n                          the body, `length` bytes of JSON, then a line feed
//! END <sha256 of every byte above>\n      the closing line
//! ```
//!
//! The header names the workspace, the device, the file's place in the device's sequence
//! (`seq`, from 1) and the closing hash of the device's previous file (`prev`, empty for the
//! first), so a file checks itself and its place in the chain. Reading never trusts the file:
//! [`read`] checks it whole before anything of it is used and says whether it is valid,
//! **incomplete** (still being copied or downloaded: empty, cut short, zero-filled at its tail;
//! tried again later, never half-applied), **waiting** (written by a newer Catalyse) or
//! **refused** (not a change file, another workspace's, or damaged: kept for inspection).

use crate::shared::domain::{forbidden_control, valid_uid};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The first bytes of every change file.
pub const MAGIC: &[u8] = b"CATALYSE-CCF\n";
/// The format this build writes and reads.
pub const FORMAT_VERSION: i64 = 1;
/// The largest change file read (an import of 100,000 actors is split into several files).
pub const MAX_BYTES: usize = 256 * 1024 * 1024;
/// The most changes one file may hold.
pub const MAX_CHANGES: usize = 2_000_000;
/// The most devices a space may have.
pub const MAX_DEVICES: usize = 1_000;
/// The longest header line read, in bytes (1,000 devices seen, with their clocks).
const MAX_HEADER: usize = 80_000;
/// The longest author name or label a change set may carry, in bytes.
const MAX_TEXT: usize = 4_096;
/// The latest clock a change set may have: 1 January 3000 (the journal's clock, milliseconds
/// × 65,536). Every change applied moves this laptop's clock past it: one near `i64::MAX`
/// would leave it no room.
pub const MAX_CLOCK: i64 = 32_503_680_000_000 << crate::db::journal::CLOCK_COUNTER_BITS;

/// The header line of a change file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: i64,
    /// The schema version of the workspace that wrote it.
    pub schema: i64,
    /// The shared workspace's identity.
    pub workspace: String,
    /// The identity of the device that wrote it.
    pub device: String,
    /// The device's name, as its user gave it (« ordinateur de Claire »).
    pub name: String,
    /// What the device had received when it made the change sets of this file: the clock of
    /// the newest change set of each other device. The file is applied after those.
    pub seen: std::collections::BTreeMap<String, i64>,
    /// Its place in the device's sequence, from 1.
    pub seq: u64,
    /// The closing hash of the device's file `seq - 1` (empty for the first).
    pub prev: String,
    /// The body's length in bytes (without its line feed).
    pub length: u64,
}

/// One change of a record, as the journal holds it (references as identities).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// The table of the record (a kind of [`crate::db::records`]).
    pub table: String,
    /// The record's identity.
    pub record: String,
    /// 1 insert, 2 update, 3 delete, 4 the records inserted by a batch (`after`: the array
    /// of the records, each with its `uid`; `record`: the smallest of those identities).
    pub op: i64,
    /// The column, for an update.
    pub field: Option<String>,
    /// The values, as JSON (a blob as `{"base64": …}`).
    pub before: Value,
    pub after: Value,
}

/// One change set: one transaction of one device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeSet {
    /// The hybrid logical clock of the device when it was made.
    pub at: i64,
    pub author: String,
    /// What the user did (`{code, args}` JSON), or empty.
    pub label: String,
    pub changes: Vec<Change>,
}

/// The body of a change file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    pub sets: Vec<ChangeSet>,
}

/// A change file read and checked whole.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeFile {
    pub header: Header,
    pub body: Body,
    /// Its closing hash (what the device's next file names as `prev`).
    pub hash: String,
}

/// What reading a file found.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    Valid(ChangeFile),
    /// Not all there yet (being copied, downloaded, or a placeholder): tried again later.
    Incomplete(String),
    /// Written by a newer Catalyse: applied once Catalyse is updated.
    Waits(String),
    /// Not a change file of this workspace, or damaged: refused whole, kept for inspection.
    Refused(String),
}

/// What a file is expected to be (from its place in the folder).
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub workspace: &'a str,
    pub schema: i64,
    /// The device and sequence number its name gives, when it is read from its place.
    pub device: Option<&'a str>,
    pub seq: Option<u64>,
}

pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The bytes of a change file holding `body`, and its closing hash.
pub fn encode(header: &Header, body: &Body) -> (Vec<u8>, String) {
    let body_json = serde_json::to_vec(body).expect("a body always serialises");
    let header = Header {
        length: body_json.len() as u64,
        ..header.clone()
    };
    let header_json = serde_json::to_vec(&header).expect("a header always serialises");
    frame(MAGIC, &header_json, &body_json)
}

/// A file framed as Catalyse's shared files are: `magic`, the header line, the body and its
/// line feed, then `END <sha256 of every byte before>`; with that hash.
pub(crate) fn frame(magic: &[u8], header_json: &[u8], body_json: &[u8]) -> (Vec<u8>, String) {
    let mut out = Vec::with_capacity(magic.len() + header_json.len() + body_json.len() + 72);
    out.extend_from_slice(magic);
    out.extend_from_slice(header_json);
    out.push(b'\n');
    out.extend_from_slice(body_json);
    out.push(b'\n');
    let hash = hex_sha256(&out);
    out.extend_from_slice(b"END ");
    out.extend_from_slice(hash.as_bytes());
    out.push(b'\n');
    (out, hash)
}

/// Whether `bytes` end in a run of zero bytes: a copy whose tail has not been written yet
/// (some file systems and sync tools give a file its full length before its content).
pub(crate) fn zero_tail(bytes: &[u8]) -> bool {
    bytes.last() == Some(&0)
}

/// The header of the change file at `path`, read without its body nor any check of its
/// hash: only for what a device says of itself in its own last file (what it had received),
/// never for anything applied.
pub fn peek_header(path: &std::path::Path) -> Option<Header> {
    use std::io::{BufRead, Read};
    let file = std::fs::File::open(path).ok()?;
    let mut reader = std::io::BufReader::new(file.take((MAGIC.len() + MAX_HEADER + 1) as u64));
    let mut magic = Vec::new();
    reader.read_until(b'\n', &mut magic).ok()?;
    if magic != MAGIC {
        return None;
    }
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line).ok()?;
    serde_json::from_slice(line.strip_suffix(b"\n")?).ok()
}

/// Reads `bytes` as a change file expected to be `expected`: checked whole before anything of
/// it is used.
pub fn read(bytes: &[u8], expected: &Expected<'_>) -> Reading {
    if bytes.is_empty() || bytes.iter().all(|b| *b == 0) {
        return Reading::Incomplete("le fichier est vide (pas encore copié ou téléchargé)".into());
    }
    if bytes.len() > MAX_BYTES {
        return Reading::Refused(format!(
            "le fichier dépasse {} Mo",
            MAX_BYTES / (1024 * 1024)
        ));
    }
    if bytes.len() < MAGIC.len() {
        return if MAGIC.starts_with(bytes) {
            Reading::Incomplete("le fichier est coupé".into())
        } else {
            Reading::Refused("ce n'est pas un fichier de modifications de Catalyse".into())
        };
    }
    if &bytes[..MAGIC.len()] != MAGIC {
        // Zero-filled from within its first bytes: a copy not written yet.
        let written = bytes.len() - bytes.iter().rev().take_while(|b| **b == 0).count();
        if MAGIC.starts_with(&bytes[..written]) {
            return Reading::Incomplete("le fichier est coupé (copie en cours ?)".into());
        }
        return Reading::Refused("ce n'est pas un fichier de modifications de Catalyse".into());
    }
    let rest = &bytes[MAGIC.len()..];
    let Some(header_end) = rest.iter().position(|b| *b == b'\n') else {
        // A header is a few hundred bytes: one that runs on without its line feed is not one.
        return if rest.len() > MAX_HEADER {
            Reading::Refused("son en-tête est illisible".into())
        } else {
            Reading::Incomplete("le fichier est coupé (copie en cours ?)".into())
        };
    };
    let header: Header = match serde_json::from_slice(&rest[..header_end]) {
        Ok(h) => h,
        Err(_) if zero_tail(bytes) => return Reading::Incomplete("le fichier est coupé".into()),
        Err(e) => return Reading::Refused(format!("son en-tête est illisible ({e})")),
    };
    if header.format > FORMAT_VERSION {
        return Reading::Waits(format!(
            "écrit par une version plus récente de Catalyse (format {}) : mettez Catalyse à jour",
            header.format
        ));
    }
    if header.format < 1 {
        return Reading::Refused(format!("format inconnu ({})", header.format));
    }
    if let Some(refusal) = check_header(&header, expected) {
        return refusal;
    }
    read_body(bytes, header, MAGIC.len() + header_end + 1)
}

/// What closes a framed file (change file or snapshot) whose body ends at `body_end`.
pub(crate) enum Closing {
    /// Shorter than its closing line's end.
    Cut,
    /// Bytes after its closing line.
    Trailing,
    /// No line feed after the body, or a closing line not made as it should be.
    Damaged,
    /// A closing hash that is not the hash of what comes before it.
    Mismatch,
    /// Closed as written: the hash.
    Whole(String),
}

/// Checks the closing of a framed file: the body's line feed, `END `, the SHA-256 of every
/// byte before it in 64 hexadecimal digits, a line feed, and nothing after.
pub(crate) fn closing(bytes: &[u8], body_end: usize) -> Closing {
    let Some(closing) = body_end.checked_add(1 + 4 + 64 + 1) else {
        return Closing::Cut;
    };
    if bytes.len() < closing {
        return Closing::Cut;
    }
    if bytes.len() > closing {
        return Closing::Trailing;
    }
    if bytes[body_end] != b'\n'
        || &bytes[body_end + 1..body_end + 5] != b"END "
        || bytes[closing - 1] != b'\n'
    {
        return Closing::Damaged;
    }
    let hash = hex_sha256(&bytes[..body_end + 1]);
    if bytes[body_end + 5..closing - 1] != *hash.as_bytes() {
        return Closing::Mismatch;
    }
    Closing::Whole(hash)
}

/// The body of a file whose header was checked: there whole, closed by the right hash, and
/// saying only what a change may say.
fn read_body(bytes: &[u8], header: Header, body_start: usize) -> Reading {
    let Ok(length) = usize::try_from(header.length) else {
        return Reading::Refused("longueur annoncée impossible".into());
    };
    let Some(body_end) = body_start.checked_add(length) else {
        return Reading::Refused("longueur annoncée impossible".into());
    };
    let hash = match closing(bytes, body_end) {
        Closing::Cut => {
            return Reading::Incomplete("le fichier est coupé (copie en cours ?)".into())
        }
        Closing::Trailing => return Reading::Refused("des octets suivent la ligne de fin".into()),
        Closing::Damaged => {
            return cut_or_refused(bytes, "sa ligne de fin est absente ou abîmée");
        }
        Closing::Mismatch => {
            return cut_or_refused(bytes, "son contenu ne correspond pas à son empreinte");
        }
        Closing::Whole(hash) => hash,
    };
    let body: Body = match serde_json::from_slice(&bytes[body_start..body_end]) {
        Ok(b) => b,
        Err(e) => return Reading::Refused(format!("son contenu est illisible ({e})")),
    };
    if let Some(problem) = check_body(&body) {
        return Reading::Refused(problem);
    }
    Reading::Valid(ChangeFile { header, body, hash })
}

/// A file that ends in zero bytes is still being written; otherwise it is damaged.
fn cut_or_refused(bytes: &[u8], what: &str) -> Reading {
    if zero_tail(bytes) {
        Reading::Incomplete("le fichier est coupé (copie en cours ?)".into())
    } else {
        Reading::Refused(what.to_string())
    }
}

fn check_header(h: &Header, expected: &Expected<'_>) -> Option<Reading> {
    let refused = |s: String| Some(Reading::Refused(s));
    if valid_uid("workspace", &h.workspace).is_err() || valid_uid("device", &h.device).is_err() {
        return refused("identité d'espace ou d'ordinateur invalide".into());
    }
    if h.name.chars().count() > 200 || forbidden_control(&h.name).is_some() {
        return refused("nom d'ordinateur invalide".into());
    }
    if h.seen.len() > MAX_DEVICES
        || h.seen
            .iter()
            .any(|(d, at)| *at <= 0 || valid_uid("device", d).is_err() || *d == h.device)
    {
        return refused("la liste de ce que l'ordinateur avait reçu est invalide".into());
    }
    if h.workspace != expected.workspace {
        return refused("il appartient à un autre espace de travail partagé".into());
    }
    if expected.device.is_some_and(|d| d != h.device) {
        return refused("il n'est pas dans le dossier de l'ordinateur qui l'a écrit".into());
    }
    if h.seq == 0 || expected.seq.is_some_and(|s| s != h.seq) {
        return refused("son numéro ne correspond pas à son nom".into());
    }
    let prev_ok = if h.seq == 1 {
        h.prev.is_empty()
    } else {
        h.prev.len() == 64
            && h.prev
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    };
    if !prev_ok {
        return refused("l'empreinte du fichier précédent est invalide".into());
    }
    if h.schema > expected.schema {
        return Some(Reading::Waits(format!(
            "écrit avec une version plus récente du format des espaces (version {}) : mettez Catalyse à jour pour recevoir ces modifications",
            h.schema
        )));
    }
    if h.schema < 1 {
        return refused(format!(
            "version de format d'espace invalide ({})",
            h.schema
        ));
    }
    None
}

/// Checks what each change says before anything is applied: known kinds of record, valid
/// identities, known operations, texts without control characters.
fn check_body(body: &Body) -> Option<String> {
    let mut changes = 0usize;
    let mut last_at = i64::MIN;
    for (i, set) in body.sets.iter().enumerate() {
        let n = i + 1;
        if set.at <= 0 || set.at <= last_at || set.at > MAX_CLOCK {
            return Some(format!(
                "ensemble {n} : horloge invalide ou dans le désordre"
            ));
        }
        last_at = set.at;
        for (what, text) in [("auteur", &set.author), ("libellé", &set.label)] {
            if text.len() > MAX_TEXT || forbidden_control(text).is_some() {
                return Some(format!("ensemble {n} : {what} invalide"));
            }
        }
        if !set.label.is_empty() && serde_json::from_str::<Value>(&set.label).is_err() {
            return Some(format!("ensemble {n} : libellé illisible"));
        }
        if set.changes.is_empty() {
            return Some(format!("ensemble {n} : aucune modification"));
        }
        // A batch counts as the records it holds.
        changes += set
            .changes
            .iter()
            .map(|c| match (c.op, &c.after) {
                (4, Value::Array(rows)) => rows.len().max(1),
                _ => 1,
            })
            .sum::<usize>();
        if changes > MAX_CHANGES {
            return Some(format!("plus de {MAX_CHANGES} modifications"));
        }
        for (j, c) in set.changes.iter().enumerate() {
            if let Some(problem) = check_change(c) {
                return Some(format!("ensemble {n}, modification {} : {problem}", j + 1));
            }
        }
    }
    None
}

fn check_change(c: &Change) -> Option<String> {
    if crate::db::records::kind(&c.table).is_none() {
        return Some(format!(
            "type d'enregistrement inconnu « {} »",
            crate::shared::domain::truncate_for_message(&c.table)
        ));
    }
    if valid_uid("record", &c.record).is_err() {
        return Some("identité d'enregistrement invalide".into());
    }
    let column_ok = |f: &str| {
        !f.is_empty()
            && f.len() <= 64
            && f.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    match (c.op, &c.field) {
        (1 | 3, None) => {
            let whole = if c.op == 1 { &c.after } else { &c.before };
            if !whole.is_object() {
                return Some("l'enregistrement n'est pas un objet".into());
            }
        }
        (2, Some(f)) if column_ok(f) => {}
        (4, None) => return check_batch(c),
        _ => return Some("opération ou champ invalide".into()),
    }
    None
}

/// A batch (op 4): nothing before, after a non-empty array of objects, each with a valid
/// `uid`, none smaller than the change's `record`.
fn check_batch(c: &Change) -> Option<String> {
    let Value::Array(rows) = &c.after else {
        return Some("le lot n'est pas une liste".into());
    };
    if rows.is_empty() || !c.before.is_null() {
        return Some("lot vide ou invalide".into());
    }
    for row in rows {
        let uid = row
            .as_object()
            .and_then(|o| o.get("uid"))
            .and_then(Value::as_str);
        match uid {
            Some(u) if valid_uid("record", u).is_ok() && u >= c.record.as_str() => {}
            _ => return Some("un enregistrement du lot est invalide".into()),
        }
    }
    None
}

#[cfg(test)]
#[path = "format_tests.rs"]
pub(crate) mod tests;
