//! A snapshot: the whole shared workspace as one device had it, for a laptop that joins (it
//! starts from the snapshot, then applies the change files after it). Framed and checked
//! like a change file (magic, a header line, the body, a closing SHA-256).
//!
//! ```text
//! CATALYSE-CCS\n
//! {"format":1,"schema":13,"workspace":…,"device":…,"at":…,"devices":{…},"length":…}\n
//! {"workspace":{…the workspace JSON…},"versions":[…],"conflicts":[…],"aliases":[…]}\n
//! END <sha256 of every byte above>\n
//! ```
//!
//! `devices` gives, for each device, the last of its change files the snapshot includes (its
//! number and closing hash) and the clock of its newest change set: the joining laptop goes
//! on from there.

use crate::share::format::{frame, hex_sha256, zero_tail, Reading, FORMAT_VERSION};
use crate::shared::domain::{forbidden_control, valid_uid};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub const MAGIC: &[u8] = b"CATALYSE-CCS\n";
/// The folder of the snapshots, inside the shared folder.
pub const SNAPSHOTS: &str = "instantanes";
/// The largest snapshot read.
pub const MAX_BYTES: usize = 1024 * 1024 * 1024;
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotBody {
    pub workspace: Value,
    pub versions: Vec<Vec<Value>>,
    pub conflicts: Vec<Vec<Value>>,
    pub aliases: Vec<Vec<Value>>,
}

/// The relative path of the snapshot `device` made at clock `at`.
pub fn snapshot_path(device: &str, at: i64) -> String {
    format!("{SNAPSHOTS}/{}-{at:020}.ccs", device.replace('-', ""))
}

/// The bytes of a snapshot file.
pub fn encode(header: &SnapshotHeader, body: &SnapshotBody) -> Vec<u8> {
    let body_json = serde_json::to_vec(body).expect("a body always serialises");
    let header = SnapshotHeader {
        length: body_json.len() as u64,
        ..header.clone()
    };
    let header_json = serde_json::to_vec(&header).expect("a header always serialises");
    frame(MAGIC, &header_json, &body_json).0
}

/// A snapshot read and checked whole.
pub enum SnapshotReading {
    Valid(Box<(SnapshotHeader, SnapshotBody)>),
    Not(Reading),
}

/// Reads `bytes` as a snapshot of space `workspace`.
pub fn read(bytes: &[u8], workspace: &str, schema: i64) -> SnapshotReading {
    let not = |r: Reading| SnapshotReading::Not(r);
    let cut = || {
        not(Reading::Incomplete(
            "l'instantané est coupé (copie en cours ?)".into(),
        ))
    };
    if bytes.is_empty() || bytes.len() < MAGIC.len() || zero_tail(bytes) {
        return cut();
    }
    if bytes.len() > MAX_BYTES || &bytes[..MAGIC.len()] != MAGIC {
        return not(Reading::Refused(
            "ce n'est pas un instantané de Catalyse".into(),
        ));
    }
    let rest = &bytes[MAGIC.len()..];
    let Some(end) = rest.iter().take(MAX_HEADER).position(|b| *b == b'\n') else {
        return not(Reading::Refused("son en-tête est illisible".into()));
    };
    let header: SnapshotHeader = match serde_json::from_slice(&rest[..end]) {
        Ok(h) => h,
        Err(e) => return not(Reading::Refused(format!("son en-tête est illisible ({e})"))),
    };
    if let Some(r) = check_header(&header, workspace, schema) {
        return not(r);
    }
    let start = MAGIC.len() + end + 1;
    let Some(body_end) = usize::try_from(header.length)
        .ok()
        .and_then(|l| start.checked_add(l))
    else {
        return not(Reading::Refused("longueur annoncée impossible".into()));
    };
    let closing = body_end + 1 + 4 + 64 + 1;
    if bytes.len() < closing {
        return cut();
    }
    if bytes.len() > closing
        || bytes[body_end] != b'\n'
        || &bytes[body_end + 1..body_end + 5] != b"END "
        || bytes[body_end + 5..closing - 1] != *hex_sha256(&bytes[..body_end + 1]).as_bytes()
    {
        return not(Reading::Refused(
            "son contenu ne correspond pas à son empreinte".into(),
        ));
    }
    match serde_json::from_slice::<SnapshotBody>(&bytes[start..body_end]) {
        Ok(body) => SnapshotReading::Valid(Box::new((header, body))),
        Err(e) => not(Reading::Refused(format!("son contenu est illisible ({e})"))),
    }
}

fn check_header(h: &SnapshotHeader, workspace: &str, schema: i64) -> Option<Reading> {
    if h.format > FORMAT_VERSION || h.schema > schema {
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
