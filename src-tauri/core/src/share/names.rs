//! The names in the shared folder. Catalyse reads only the names it writes, which match a
//! strict pattern (ASCII, lower case, short, no user text: the device is named by its
//! identity); everything else belongs to someone else. Conflict copies that sync tools make
//! of Catalyse's files are recognised: they are data, never deleted.
//!
//! ```text
//! <shared folder>/appareils/<device: 32 hexadecimal digits>/<AAAA-MM>/<seq: 8 digits>.ccf
//! ```
//!
//! A file is sharded by the month of its first change set, so no folder grows past a few
//! thousand entries (FAT32 allows 65,534 per folder, fewer with long names).

/// The folder of the devices, inside the shared folder.
pub const DEVICES: &str = "appareils";
/// The extension of change files.
pub const EXTENSION: &str = "ccf";
/// The prefix of a file being written (Nextcloud, Seafile and OneDrive do not sync it).
pub const WRITING_PREFIX: &str = "~$";

/// What a path inside the shared folder is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    /// A change file: the device (its identity, hyphenated), the month folder, the sequence.
    Change {
        device: String,
        month: String,
        seq: u64,
    },
    /// A sync tool's copy of change file `seq` of `device` (another version of it, or the same).
    ConflictCopy { device: String, seq: u64 },
    /// A placeholder of a file not downloaded yet (Nextcloud's virtual files): tried later.
    Placeholder { device: String, seq: u64 },
    /// A file being written (by Catalyse or a sync tool), or the system's and sync tools' own
    /// files: not read.
    Ignored,
    /// Anything else: not Catalyse's, not read.
    Foreign,
}

/// The relative path of change file `seq` of `device` (hyphenated identity) written in `month`
/// (`AAAA-MM`), with `/` between its parts.
pub fn change_path(device: &str, month: &str, seq: u64) -> String {
    format!(
        "{DEVICES}/{}/{month}/{seq:08}.{EXTENSION}",
        device.replace('-', "")
    )
}

/// The hyphenated identity a device folder's name stands for, if it is one.
fn device_of(folder: &str) -> Option<String> {
    let ok = folder.len() == 32
        && folder
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    ok.then(|| {
        format!(
            "{}-{}-{}-{}-{}",
            &folder[..8],
            &folder[8..12],
            &folder[12..16],
            &folder[16..20],
            &folder[20..]
        )
    })
}

fn is_month(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..].iter().all(u8::is_ascii_digit)
        && matches!(
            &s[5..],
            "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"
        )
}

/// The system's and the sync tools' own files, and files being written.
fn ignored(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "desktop.ini" | "thumbs.db" | ".ds_store" | "icon\r"
    ) || file.starts_with("._")
        || file.starts_with(WRITING_PREFIX)
        || (file.starts_with(".syncthing.") && file.ends_with(".tmp"))
        || (file.starts_with("~syncthing~") && file.ends_with(".tmp"))
        || file.ends_with('~')
        || file.ends_with(".sbak")
        || file.ends_with(".tmp")
        || file.ends_with(".part")
        || file.ends_with(".partial")
        || file.ends_with(".crdownload")
        || seafile_temporary(file)
}

/// Seafile's `.NAME.~1a2b3c4d` while it writes `NAME`.
fn seafile_temporary(file: &str) -> bool {
    file.starts_with('.')
        && file.rsplit_once(".~").is_some_and(|(_, tail)| {
            !tail.is_empty() && tail.len() <= 16 && tail.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// What `path` (relative to the shared folder, `/` between its parts) is.
pub fn classify(path: &str) -> Name {
    let parts: Vec<&str> = path.split('/').collect();
    if parts
        .iter()
        .any(|p| p.starts_with(".tmp.drivedownload") || p.starts_with(".tmp.driveupload"))
    {
        return Name::Ignored;
    }
    let Some(file) = parts.last() else {
        return Name::Foreign;
    };
    if ignored(file) && !file.ends_with(".nextcloud") {
        return Name::Ignored;
    }
    let [DEVICES, folder, month, file] = parts[..] else {
        return Name::Foreign;
    };
    let (Some(device), true) = (device_of(folder), is_month(month)) else {
        return Name::Foreign;
    };
    if let Some(stem) = file.strip_suffix(".ccf.nextcloud") {
        return match sequence(stem) {
            Some(seq) => Name::Placeholder { device, seq },
            None => Name::Foreign,
        };
    }
    let Some(stem) = file.strip_suffix(".ccf") else {
        return Name::Foreign;
    };
    if let Some(seq) = sequence(stem) {
        return Name::Change {
            device,
            month: month.to_string(),
            seq,
        };
    }
    if stem.len() > 8 && stem.is_char_boundary(8) {
        if let (Some(seq), true) = (sequence(&stem[..8]), conflict_marks(&stem[8..])) {
            return Name::ConflictCopy { device, seq };
        }
    }
    Name::Foreign
}

/// The sequence number of an 8-digit stem (from 1).
fn sequence(stem: &str) -> Option<u64> {
    (stem.len() == 8 && stem.bytes().all(|b| b.is_ascii_digit()))
        .then(|| stem.parse().ok())
        .flatten()
        .filter(|n| *n > 0)
}

/// Whether `rest` (what follows a change file's 8 digits) is made only of the marks sync
/// tools add to a conflict copy, once or more (a copy of a copy).
fn conflict_marks(mut rest: &str) -> bool {
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        match strip_mark(rest) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    true
}

fn digits(s: &str, n: usize) -> Option<&str> {
    (s.len() >= n && s.is_char_boundary(n) && s[..n].bytes().all(|b| b.is_ascii_digit()))
        .then(|| &s[n..])
}

/// Strips one conflict mark from the start of `s`.
fn strip_mark(s: &str) -> Option<&str> {
    // Syncthing: `.sync-conflict-20240102-101112-ABCDEF7`.
    if let Some(r) = s.strip_prefix(".sync-conflict-") {
        let r = digits(r, 8)?.strip_prefix('-')?;
        let r = digits(r, 6)?.strip_prefix('-')?;
        let id = r
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(r.len());
        return (id == 7).then(|| &r[id..]);
    }
    // `_conflict-20240102-101112`.
    if let Some(r) = s.strip_prefix("_conflict-") {
        let r = digits(r, 8)?.strip_prefix('-')?;
        return digits(r, 6);
    }
    // ` (…)`: Dropbox, Nextcloud, ownCloud, Seafile, Google Drive, and « (1) ».
    if let Some(r) = s.strip_prefix(" (") {
        let close = r.find(')')?;
        let inside = &r[..close];
        let known = inside.contains("conflicted copy")
            || inside.starts_with("copie en conflit")
            || inside.starts_with("case clash")
            || inside.starts_with("SFConflict ")
            || (!inside.is_empty()
                && inside.len() <= 4
                && inside.bytes().all(|b| b.is_ascii_digit()));
        return known.then(|| &r[close + 1..]);
    }
    // OneDrive: `-PC-MAIRIE07`, the computer's name (letters, digits, hyphens; at most 15).
    if let Some(r) = s.strip_prefix('-') {
        let name_ok = !r.is_empty()
            && r.len() <= 15
            && r.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        return name_ok.then_some("");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV: &str = "0190f6a4b2c37000800000000000000a";
    const DEV_UID: &str = "0190f6a4-b2c3-7000-8000-00000000000a";

    fn path(file: &str) -> String {
        format!("appareils/{DEV}/2026-12/{file}")
    }

    #[test]
    fn catalyses_own_names_are_read_and_round_trip() {
        let p = change_path(DEV_UID, "2026-12", 42);
        assert_eq!(p, path("00000042.ccf"));
        assert_eq!(
            classify(&p),
            Name::Change {
                device: DEV_UID.into(),
                month: "2026-12".into(),
                seq: 42
            }
        );
        // Well under Windows' 260 characters beside any sensible root.
        assert!(p.len() < 64, "{}", p.len());
    }

    #[test]
    fn the_conflict_copies_of_every_sync_tool_are_recognised() {
        for copy in [
            "00000042.sync-conflict-20240102-101112-ABCDEF7.ccf",
            "00000042 (conflicted copy 2024-01-02 101112).ccf",
            "00000042_conflict-20240102-101112.ccf",
            "00000042 (case clash from 2024-01-02 101112).ccf",
            "00000042 (SFConflict alice@mairie.fr 2024-01-02-10-11-12).ccf",
            "00000042 (Alice's conflicted copy 2024-01-02).ccf",
            "00000042 (copie en conflit de Alice 2024-01-02).ccf",
            "00000042-PC-MAIRIE07.ccf",
            "00000042 (1).ccf",
            // Copies of copies.
            "00000042 (1) (2).ccf",
            "00000042.sync-conflict-20240102-101112-ABCDEF7.sync-conflict-20240103-101112-XYZ1234.ccf",
            "00000042 (conflicted copy 2024-01-02 101112)-PC-MAIRIE07.ccf",
        ] {
            assert_eq!(
                classify(&path(copy)),
                Name::ConflictCopy {
                    device: DEV_UID.into(),
                    seq: 42
                },
                "{copy}"
            );
        }
    }

    #[test]
    fn other_files_are_ignored_or_foreign_never_read() {
        for ignored in [
            "desktop.ini",
            "Thumbs.db",
            ".DS_Store",
            "._00000042.ccf",
            ".syncthing.00000042.ccf.tmp",
            "~syncthing~00000042.ccf.tmp",
            ".00000042.ccf.~1a2b3c4d",
            "00000042.ccf~",
            "00000042.ccf.sbak",
            "~$00000042.ccf.tmp",
        ] {
            assert_eq!(classify(&path(ignored)), Name::Ignored, "{ignored}");
        }
        assert_eq!(classify(".tmp.drivedownload/123.ccf"), Name::Ignored);
        for foreign in [
            "00000042.CCF".to_string(),
            "0000042.ccf".into(),
            "00000000.ccf".into(),
            "00000042.ccf.bak".into(),
            "00000042 (ma version).ccf".into(),
            "notes.txt".into(),
            format!("appareils/{}/2026-12/00000042.ccf", DEV.to_uppercase()),
            format!("appareils/{DEV}/2026-13/00000042.ccf"),
            format!("appareils/{DEV}/00000042.ccf"),
            format!("Appareils/{DEV}/2026-12/00000042.ccf"),
            format!("appareils/{DEV}/2026-12/sub/00000042.ccf"),
            "appareils/CON/2026-12/00000042.ccf".into(),
        ] {
            let p = if foreign.contains('/') {
                foreign.clone()
            } else {
                path(&foreign)
            };
            assert_eq!(classify(&p), Name::Foreign, "{p}");
        }
        assert_eq!(
            classify(&path("00000042.ccf.nextcloud")),
            Name::Placeholder {
                device: DEV_UID.into(),
                seq: 42
            }
        );
    }
}
