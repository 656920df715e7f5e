//! The hub's copy on a laptop: a folder in the user's data folder laid out exactly as a shared
//! folder (the space file, `appareils/…/*.ccf`, `instantanes/*.ccs`), plus the link to its
//! server. Files go from the server into it and from it to the server; the folder exchange of
//! the core reads it with its own checks (so a file from the hub is as hostile as one from a
//! synced folder, and checked the same way) and writes this laptop's files into it.

use crate::error::HubResult;
use catalyse_core::share::names::{classify, Name, DEVICES};
use catalyse_core::share::snapshot::SNAPSHOTS;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The link file at the root of a hub copy: which server, which team.
pub const LINK_FILE: &str = "serveur-catalyse.json";

/// What the link file says (never a password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub format: i64,
    /// The server's address as shown (`Address::shown`).
    pub server: String,
    /// The team's identity on the server (the space's identity).
    pub team: String,
}

/// A new, empty hub copy folder in the user's data folder.
pub fn new_copy_folder() -> HubResult<PathBuf> {
    let id = catalyse_core::shared::ids::new_uid().replace('-', "");
    let dir = catalyse_core::shared::dirs::app_data_dir()
        .join("serveur")
        .join(id);
    std::fs::create_dir_all(&dir).map_err(catalyse_core::CoreError::from)?;
    Ok(dir)
}

/// The link of `folder`, if it is a hub copy.
pub fn read_link(folder: &Path) -> Option<Link> {
    let bytes = std::fs::read(folder.join(LINK_FILE)).ok()?;
    serde_json::from_slice::<Link>(&bytes)
        .ok()
        .filter(|l| l.format == 1)
}

/// Writes the link of `folder`.
pub fn write_link(folder: &Path, link: &Link) -> HubResult<()> {
    let bytes = serde_json::to_vec_pretty(link).expect("a link serialises");
    std::fs::write(folder.join(LINK_FILE), bytes).map_err(catalyse_core::CoreError::from)?;
    Ok(())
}

/// The change files of `device` (hyphenated) in the copy `folder`: sequence → relative path.
/// Only Catalyse's own names are listed (conflict copies, placeholders and foreign files are
/// not the server's business).
pub fn change_files(folder: &Path, device: &str) -> BTreeMap<u64, String> {
    let mut out = BTreeMap::new();
    let dev = device.replace('-', "");
    let Ok(months) = std::fs::read_dir(folder.join(DEVICES).join(&dev)) else {
        return out;
    };
    for month in months.filter_map(Result::ok) {
        let month_name = month.file_name().to_string_lossy().into_owned();
        let Ok(files) = std::fs::read_dir(month.path()) else {
            continue;
        };
        for file in files.filter_map(Result::ok) {
            let relative = format!(
                "{DEVICES}/{dev}/{month_name}/{}",
                file.file_name().to_string_lossy()
            );
            if let Name::Change { device: d, seq, .. } = classify(&relative) {
                if d == device {
                    out.insert(seq, relative);
                }
            }
        }
    }
    out
}

/// The devices (hyphenated) with a folder of change files in the copy `folder`, read through
/// Catalyse's strict names (any other folder is not one).
pub fn copy_devices(folder: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(folder.join(DEVICES)) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            match classify(&format!("{DEVICES}/{name}/2000-01/00000001.ccf")) {
                Name::Change { device, .. } => Some(device),
                _ => None,
            }
        })
        .collect()
}

/// The snapshots `device` made in the copy `folder`: their clock → relative path.
pub fn snapshots(folder: &Path, device: &str) -> BTreeMap<i64, String> {
    let prefix = format!("{}-", device.replace('-', ""));
    let Ok(entries) = std::fs::read_dir(folder.join(SNAPSHOTS)) else {
        return BTreeMap::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let clock = name.strip_prefix(&prefix)?.strip_suffix(".ccs")?;
            let digits = clock.len() == 20 && clock.bytes().all(|b| b.is_ascii_digit());
            let clock: i64 = clock.parse().ok().filter(|_| digits)?;
            Some((clock, format!("{SNAPSHOTS}/{name}")))
        })
        .collect()
}

/// Whether `path` is the relative path of change file `seq` of `device` in Catalyse's names.
pub fn is_change_path(path: &str, device: &str, seq: u64) -> bool {
    matches!(classify(path), Name::Change { device: d, seq: s, .. } if d == device && s == seq)
}

/// Whether `path` is the relative path of a snapshot made by `device` at `clock`.
pub fn is_snapshot_path(path: &str, device: &str, clock: i64) -> bool {
    path == format!("{SNAPSHOTS}/{}-{clock:020}.ccs", device.replace('-', ""))
}
