//! A snapshot: the whole shared workspace as one device had it, for a laptop that joins (it
//! starts from the snapshot, then applies the change files after it). Framed and checked
//! like a change file (magic, a header line, the body, a closing SHA-256).
//!
//! ```text
//! CATALYSE-CCS\n
//! {"format":2,"schema":13,"workspace":…,"device":…,"at":…,"devices":{…},"length":…}\n
//! <the body, compressed (DEFLATE): {"workspace":{…the workspace JSON…},"versions":[…],…}>\n
//! END <sha256 of every byte above>\n
//! ```
//!
//! Format 2 compresses the body (the journal it carries is text that repeats itself: a
//! snapshot after compaction must not outweigh the files it replaces); format 1, written by
//! earlier versions, holds it as it is; both are read. The compressed body is checked by the
//! closing hash before it is inflated, and inflating stops past [`MAX_BYTES`].
//!
//! `devices` gives, for each device, the last of its change files the snapshot includes (its
//! number and closing hash) and the clock of its newest change set: the joining laptop goes
//! on from there.

use crate::share::format::{closing, frame, zero_tail, Closing, Reading};
use crate::shared::domain::{forbidden_control, valid_uid};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub const MAGIC: &[u8] = b"CATALYSE-CCS\n";
/// The folder of the snapshots, inside the shared folder.
pub const SNAPSHOTS: &str = "instantanes";
/// The largest snapshot read.
pub const MAX_BYTES: usize = 1024 * 1024 * 1024;
/// The format of the snapshots written: 2, the body compressed.
pub const SNAPSHOT_FORMAT: i64 = 2;
const MAX_HEADER: usize = 400_000;

/// Where a device stood when the snapshot was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevicePoint {
    pub name: String,
    pub seq: u64,
    pub hash: String,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotHeader {
    pub format: i64,
    pub schema: i64,
    pub workspace: String,
    /// The device that made it, and its clock then.
    pub device: String,
    pub at: i64,
    pub devices: BTreeMap<String, DevicePoint>,
    pub length: u64,
}

/// The body: the records (the workspace JSON, journal included) and the sharing state that
/// goes with them: the other laptops' versions of fields, the inbox, the aliases (rows as
/// arrays, in the columns' order of their tables).
///
/// The workspace document stays as its JSON text (`RawValue`): written as the export made
/// it and read back for the import that checks it, never held as a tree of values (at
/// 1,000,000 links, several gigabytes).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotBody {
    pub workspace: Box<serde_json::value::RawValue>,
    pub versions: Vec<Vec<Value>>,
    pub conflicts: Vec<Vec<Value>>,
    pub aliases: Vec<Vec<Value>>,
}

impl PartialEq for SnapshotBody {
    fn eq(&self, other: &Self) -> bool {
        self.workspace.get() == other.workspace.get()
            && self.versions == other.versions
            && self.conflicts == other.conflicts
            && self.aliases == other.aliases
    }
}

/// The relative path of the snapshot `device` made at clock `at`.
pub fn snapshot_path(device: &str, at: i64) -> String {
    format!("{SNAPSHOTS}/{}-{at:020}.ccs", device.replace('-', ""))
}

/// The bytes of a snapshot file.
pub fn encode(header: &SnapshotHeader, body: &SnapshotBody) -> Vec<u8> {
    // Serialised straight into the compressor: the body's text is never held whole.
    let mut deflate = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(body.workspace.get().len() / 8),
        flate2::Compression::default(),
    );
    let mut buffered = std::io::BufWriter::new(&mut deflate);
    serde_json::to_writer(&mut buffered, body).expect("a body always serialises into memory");
    buffered
        .into_inner()
        .expect("compressing into memory cannot fail");
    let compressed = deflate
        .finish()
        .expect("compressing into memory cannot fail");
    let header = SnapshotHeader {
        format: SNAPSHOT_FORMAT,
        length: compressed.len() as u64,
        ..header.clone()
    };
    let header_json = serde_json::to_vec(&header).expect("a header always serialises");
    frame(MAGIC, &header_json, &compressed).0
}

/// The body of a format-2 snapshot inflated, refused past [`MAX_BYTES`].
fn inflate(compressed: &[u8]) -> Result<Vec<u8>, String> {
    inflate_at_most(compressed, MAX_BYTES)
}

fn inflate_at_most(compressed: &[u8], most: usize) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(compressed)
        .take(most as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("son contenu compressé est illisible ({e})"))?;
    if out.len() > most {
        return Err(format!(
            "son contenu décompressé dépasse {} Mo",
            most / (1024 * 1024)
        ));
    }
    Ok(out)
}

/// The bytes of a file of the folder as a person would search them: a snapshot's body
/// inflated (the test that no byte of an erased person is left reads them so).
#[cfg(test)]
pub(crate) fn searchable(bytes: &[u8]) -> Vec<u8> {
    match read_body(bytes) {
        Some(body) => body,
        None => bytes.to_vec(),
    }
}

/// A snapshot's body as JSON bytes, when `bytes` is a whole snapshot (of any space).
#[cfg(test)]
fn read_body(bytes: &[u8]) -> Option<Vec<u8>> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let end = rest.iter().position(|b| *b == b'\n')?;
    let header: SnapshotHeader = serde_json::from_slice(&rest[..end]).ok()?;
    let start = MAGIC.len() + end + 1;
    let body = bytes.get(start..start + usize::try_from(header.length).ok()?)?;
    match header.format {
        1 => Some(body.to_vec()),
        _ => inflate(body).ok(),
    }
}

/// A snapshot read and checked whole.
pub enum SnapshotReading {
    Valid(Box<(SnapshotHeader, SnapshotBody)>),
    Not(Reading),
}

/// Reads `bytes` as a snapshot of space `workspace`.
pub fn read(bytes: &[u8], workspace: &str, schema: i64) -> SnapshotReading {
    let (header, body) = match framed(bytes, workspace, schema) {
        Ok(framed) => framed,
        Err(r) => return SnapshotReading::Not(*r),
    };
    let body = match header.format {
        1 => body.to_vec(),
        _ => match inflate(body) {
            Ok(b) => b,
            Err(why) => return SnapshotReading::Not(Reading::Refused(why)),
        },
    };
    match parse_body(body) {
        Ok(body) => SnapshotReading::Valid(Box::new((header, body))),
        Err(e) => {
            SnapshotReading::Not(Reading::Refused(format!("son contenu est illisible ({e})")))
        }
    }
}

/// The header of snapshot `bytes` of space `workspace` when the file is whole and closed by
/// the right hash, its body neither inflated nor read: where each device stood, for a
/// compaction's bound and a laptop that skips files folded into it (at 1,000,000 links a
/// body is 729 MB once inflated).
pub fn read_header(bytes: &[u8], workspace: &str, schema: i64) -> Option<SnapshotHeader> {
    framed(bytes, workspace, schema).ok().map(|(h, _)| h)
}

/// The checked header of snapshot `bytes` and its body as stored (compressed or not), when
/// the file is whole and closed by the right hash.
fn framed<'a>(
    bytes: &'a [u8],
    workspace: &str,
    schema: i64,
) -> Result<(SnapshotHeader, &'a [u8]), Box<Reading>> {
    let cut = || {
        Box::new(Reading::Incomplete(
            "l'instantané est coupé (copie en cours ?)".into(),
        ))
    };
    if bytes.is_empty() || bytes.len() < MAGIC.len() || zero_tail(bytes) {
        return Err(cut());
    }
    if bytes.len() > MAX_BYTES || &bytes[..MAGIC.len()] != MAGIC {
        return Err(Box::new(Reading::Refused(
            "ce n'est pas un instantané de Catalyse".into(),
        )));
    }
    let rest = &bytes[MAGIC.len()..];
    let Some(end) = rest.iter().take(MAX_HEADER).position(|b| *b == b'\n') else {
        return Err(Box::new(Reading::Refused(
            "son en-tête est illisible".into(),
        )));
    };
    let header: SnapshotHeader = serde_json::from_slice(&rest[..end])
        .map_err(|e| Box::new(Reading::Refused(format!("son en-tête est illisible ({e})"))))?;
    if let Some(r) = check_header(&header, workspace, schema) {
        return Err(Box::new(r));
    }
    let start = MAGIC.len() + end + 1;
    let Some(body_end) = usize::try_from(header.length)
        .ok()
        .and_then(|l| start.checked_add(l))
    else {
        return Err(Box::new(Reading::Refused(
            "longueur annoncée impossible".into(),
        )));
    };
    match closing(bytes, body_end) {
        Closing::Whole(_) => Ok((header, &bytes[start..body_end])),
        Closing::Cut => Err(cut()),
        Closing::Trailing | Closing::Damaged | Closing::Mismatch => Err(Box::new(
            Reading::Refused("son contenu ne correspond pas à son empreinte".into()),
        )),
    }
}

/// The headers of the whole snapshots of space `workspace` in `folder` (see [`read_header`]),
/// the others left aside.
pub fn headers(folder: &std::path::Path, workspace: &str) -> Vec<SnapshotHeader> {
    let Ok(entries) = std::fs::read_dir(crate::share::folder::inside(folder, SNAPSHOTS)) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.len() == 57 && name.ends_with(".ccs") && name.is_ascii()
        })
        .filter_map(|e| checked_header(&e.path(), workspace))
        .collect()
}

/// A snapshot file as last read: its length and time, the workspace asked for, and its
/// header if the file was whole and closed by the right hash.
type Checked = (
    u64,
    Option<std::time::SystemTime>,
    String,
    Option<SnapshotHeader>,
);

/// The snapshots' headers this process has checked, by path: a snapshot is written once
/// (under a temporary name, then renamed), so one of the same length and time is not read
/// and hashed again at each exchange while a device's file is missing (at 100,000 actors a
/// snapshot is tens of megabytes).
static CHECKED: std::sync::Mutex<BTreeMap<std::path::PathBuf, Checked>> =
    std::sync::Mutex::new(BTreeMap::new());

/// The checked header of the snapshot at `path`, read again only when the file changed.
fn checked_header(path: &std::path::Path, workspace: &str) -> Option<SnapshotHeader> {
    let meta = std::fs::metadata(path).ok()?;
    let (len, time) = (meta.len(), meta.modified().ok());
    let mut cache = CHECKED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((l, t, w, header)) = cache.get(path) {
        if (*l, *t, w.as_str()) == (len, time, workspace) {
            return header.clone();
        }
    }
    let header = std::fs::read(path)
        .ok()
        .and_then(|bytes| read_header(&bytes, workspace, crate::SCHEMA_VERSION));
    // An incomplete file (being copied) is read again next time whatever its length says.
    if header.is_some() {
        cache.insert(
            path.to_path_buf(),
            (len, time, workspace.to_string(), header.clone()),
        );
    }
    header
}

/// The body read from its text, the workspace document kept in the text's own buffer: cut
/// down to the document in place rather than copied (at 1,000,000 links the document is
/// 729 MB, and a copy doubled the join's peak of memory).
fn parse_body(mut body: Vec<u8>) -> serde_json::Result<SnapshotBody> {
    use serde_json::value::RawValue;
    /// [`SnapshotBody`] with the document borrowed from the text.
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Borrowed<'a> {
        #[serde(borrow)]
        workspace: &'a RawValue,
        versions: Vec<Vec<Value>>,
        conflicts: Vec<Vec<Value>>,
        aliases: Vec<Vec<Value>>,
    }
    let (document, versions, conflicts, aliases) = {
        let b: Borrowed = serde_json::from_slice(&body)?;
        // The document is a slice of `body` (borrowed): where it starts in it.
        let start = b.workspace.get().as_ptr() as usize - body.as_ptr() as usize;
        let document = start..start + b.workspace.get().len();
        (document, b.versions, b.conflicts, b.aliases)
    };
    body.truncate(document.end);
    body.drain(..document.start);
    // A buffer exactly as long as its text becomes the value without a copy.
    body.shrink_to_fit();
    let text = String::from_utf8(body).map_err(serde::de::Error::custom)?;
    Ok(SnapshotBody {
        workspace: RawValue::from_string(text)?,
        versions,
        conflicts,
        aliases,
    })
}

fn check_header(h: &SnapshotHeader, workspace: &str, schema: i64) -> Option<Reading> {
    if h.format > SNAPSHOT_FORMAT || h.schema > schema {
        return Some(Reading::Waits(
            "écrit par une version plus récente de Catalyse : mettez Catalyse à jour".into(),
        ));
    }
    let devices_ok = h.devices.len() <= crate::share::format::MAX_DEVICES
        && h.devices.iter().all(|(d, p)| {
            valid_uid("device", d).is_ok()
                && p.at >= 0
                && p.name.chars().count() <= 200
                && forbidden_control(&p.name).is_none()
                && (p.hash.is_empty()
                    || (p.hash.len() == 64 && p.hash.bytes().all(|b| b.is_ascii_hexdigit())))
        });
    if h.format < 1 || h.schema < 1 || !devices_ok || valid_uid("device", &h.device).is_err() {
        return Some(Reading::Refused("son en-tête est invalide".into()));
    }
    if h.workspace != workspace {
        return Some(Reading::Refused(
            "il appartient à un autre espace partagé".into(),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> (SnapshotHeader, SnapshotBody) {
        let device = crate::shared::ids::new_uid();
        let header = SnapshotHeader {
            format: SNAPSHOT_FORMAT,
            schema: crate::SCHEMA_VERSION,
            workspace: "espace".into(),
            device,
            at: 1,
            devices: BTreeMap::new(),
            length: 0,
        };
        let rows: Vec<Value> = (0..2_000)
            .map(|i| json!({"name": format!("Tiers-lieu n° {i}"), "commune": "Fourmies"}))
            .collect();
        let body = SnapshotBody {
            workspace: serde_json::value::RawValue::from_string(
                json!({ "actors": rows }).to_string(),
            )
            .unwrap(),
            versions: Vec::new(),
            conflicts: Vec::new(),
            aliases: Vec::new(),
        };
        (header, body)
    }

    fn valid(bytes: &[u8]) -> (SnapshotHeader, SnapshotBody) {
        match read(bytes, "espace", crate::SCHEMA_VERSION) {
            SnapshotReading::Valid(v) => *v,
            SnapshotReading::Not(r) => panic!("{r:?}"),
        }
    }

    /// The body read in place gives what a plain reading gives, the document's text
    /// included (spaces around it, other fields before it), and refuses what it refuses.
    #[test]
    fn the_body_read_in_place_is_the_body() {
        let (_, body) = sample();
        let text = serde_json::to_vec(&body).unwrap();
        assert_eq!(parse_body(text.clone()).unwrap(), body);
        let spaced = format!(
            "{{ \"versions\": [[1, \"a\"]], \"workspace\" :  {}  , \"conflicts\": [], \"aliases\": [] }}",
            body.workspace.get()
        );
        let read = parse_body(spaced.into_bytes()).unwrap();
        assert_eq!(read.workspace.get(), body.workspace.get());
        assert_eq!(read.versions, vec![vec![json!(1), json!("a")]]);
        for bad in [
            "{\"workspace\": {}, \"versions\": [], \"conflicts\": [], \"aliases\": [], \"x\": 1}",
            "{\"workspace\": {}, \"versions\": []}",
            "{\"workspace\": {, \"versions\": [], \"conflicts\": [], \"aliases\": []}",
            "{\"workspace\": {}, \"versions\": [], \"conflicts\": [], \"aliases\": []} trailing",
        ] {
            assert!(parse_body(bad.as_bytes().to_vec()).is_err(), "{bad}");
        }
    }

    /// A snapshot's header is read once while the file stays as it is, and read again (here:
    /// refused) once the file changes.
    #[test]
    fn a_snapshots_header_is_read_again_only_when_the_file_changes() {
        let dir = tempfile::TempDir::new().unwrap();
        let (header, body) = sample();
        let path = dir.path().join(snapshot_path(&header.device, header.at));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, encode(&header, &body)).unwrap();
        let first = headers(dir.path(), "espace");
        assert_eq!(first.len(), 1);
        assert_eq!(headers(dir.path(), "espace"), first);
        assert!(headers(dir.path(), "autre espace").is_empty());
        // Cut short (a copy in progress, a damaged file): no longer a proof.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        assert!(headers(dir.path(), "espace").is_empty());
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(headers(dir.path(), "espace"), first);
    }

    #[test]
    fn a_snapshot_is_written_compressed_and_read_back_whole() {
        let (header, body) = sample();
        let bytes = encode(&header, &body);
        let plain = serde_json::to_vec(&body).unwrap().len();
        assert!(bytes.len() * 5 < plain, "{} bytes for {plain}", bytes.len());
        let (h, b) = valid(&bytes);
        assert_eq!(h.format, 2);
        assert_eq!(b, body);
        assert_eq!(searchable(&bytes), serde_json::to_vec(&body).unwrap());
    }

    #[test]
    fn a_snapshot_of_format_1_written_by_earlier_versions_is_read() {
        let (header, body) = sample();
        let json = serde_json::to_vec(&body).unwrap();
        let header = SnapshotHeader {
            format: 1,
            length: json.len() as u64,
            ..header
        };
        let bytes = frame(MAGIC, &serde_json::to_vec(&header).unwrap(), &json).0;
        assert_eq!(valid(&bytes).1, body);
    }

    #[test]
    fn a_body_that_does_not_inflate_is_refused_and_a_bomb_stops_at_the_limit() {
        let (header, _) = sample();
        let junk = b"not deflate at all \xff\xfe".to_vec();
        let header = SnapshotHeader {
            length: junk.len() as u64,
            ..header
        };
        let bytes = frame(MAGIC, &serde_json::to_vec(&header).unwrap(), &junk).0;
        match read(&bytes, "espace", crate::SCHEMA_VERSION) {
            SnapshotReading::Not(Reading::Refused(why)) => {
                assert!(why.contains("compressé est illisible"), "{why}")
            }
            _ => panic!("junk inflated"),
        }
        // 8 MiB of zeros compress to a few kilobytes; inflating stops past the limit.
        use std::io::Write;
        let mut deflate =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        deflate.write_all(&vec![0u8; 8 * 1024 * 1024]).unwrap();
        let bomb = deflate.finish().unwrap();
        assert!(bomb.len() < 64 * 1024);
        let err = inflate_at_most(&bomb, 1024 * 1024).unwrap_err();
        assert!(err.contains("dépasse 1 Mo"), "{err}");
    }

    #[test]
    fn a_snapshot_of_a_newer_format_waits() {
        let (header, body) = sample();
        let mut bytes = encode(&header, &body);
        // Its header says format 3, framed and hashed again.
        let h = SnapshotHeader {
            format: 3,
            ..header
        };
        let start = MAGIC.len();
        let end = start + bytes[start..].iter().position(|b| *b == b'\n').unwrap();
        let old: SnapshotHeader = serde_json::from_slice(&bytes[start..end]).unwrap();
        let body_bytes = bytes[end + 1..end + 1 + old.length as usize].to_vec();
        let h = SnapshotHeader {
            length: old.length,
            ..h
        };
        bytes = frame(MAGIC, &serde_json::to_vec(&h).unwrap(), &body_bytes).0;
        assert!(matches!(
            read(&bytes, "espace", crate::SCHEMA_VERSION),
            SnapshotReading::Not(Reading::Waits(_))
        ));
    }
}
