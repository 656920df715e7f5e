//! The change files of the shared folder, by device and number, as one pass lists them: the
//! sync tools' conflict copies beside them, placeholders not downloaded yet, and the count of
//! files that are not Catalyse's.

use crate::share::fs::Access;
use crate::share::names::{classify, Name, DEVICES};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The files of the folder, by device and number.
#[derive(Default)]
pub(crate) struct Listing {
    pub(crate) changes: HashMap<String, BTreeMap<u64, PathBuf>>,
    /// The sync tools' conflict copies, by device and number (in the order of their names).
    pub(crate) copies: HashMap<String, BTreeMap<u64, Vec<PathBuf>>>,
    pub(crate) placeholders: Vec<String>,
    /// The placeholders of files not downloaded yet, by device and number (their paths).
    pub(crate) placeholder_files: Vec<(String, u64, PathBuf)>,
    pub(crate) ignored: usize,
}

impl Listing {
    /// The devices with a change file or a conflict copy, in order.
    pub(crate) fn devices(&self) -> Vec<&String> {
        let mut all: Vec<&String> = self.changes.keys().chain(self.copies.keys()).collect();
        all.sort();
        all.dedup();
        all
    }

    /// The file `seq` of `device`, then the sync tools' copies of it (`true`), in order.
    pub(crate) fn candidates(&self, device: &str, seq: u64) -> Vec<(&PathBuf, bool)> {
        let file = self.changes.get(device).and_then(|f| f.get(&seq));
        let copies = self.copies.get(device).and_then(|c| c.get(&seq));
        file.map(|p| (p, false))
            .into_iter()
            .chain(copies.into_iter().flatten().map(|p| (p, true)))
            .collect()
    }

    /// The smallest number after `seq` of a file or a copy of `device` there.
    pub(crate) fn first_after(&self, device: &str, seq: u64) -> Option<u64> {
        let file = self
            .changes
            .get(device)
            .and_then(|f| f.range(seq + 1..).next().map(|(s, _)| *s));
        let copy = self
            .copies
            .get(device)
            .and_then(|c| c.range(seq + 1..).next().map(|(s, _)| *s));
        file.into_iter().chain(copy).min()
    }

    /// Whether a file or a copy of `device` numbered after `seq` is there.
    pub(crate) fn has_after(&self, device: &str, seq: u64) -> bool {
        let after = |s: &u64| *s > seq;
        self.changes
            .get(device)
            .is_some_and(|f| f.keys().any(after))
            || self.copies.get(device).is_some_and(|c| c.keys().any(after))
    }
}

/// Lists the change files under `root`/appareils (three levels: device, month, file). A file
/// whose content is not on this computer yet (a placeholder) is listed as incomplete, not
/// opened.
pub(crate) fn list(access: &Access, root: &Path) -> std::io::Result<Listing> {
    let fs = access.fs();
    let mut out = Listing::default();
    let Ok(devices) = fs.list(&root.join(DEVICES)) else {
        return Ok(out);
    };
    for device in devices.iter().filter(|e| e.dir) {
        let Ok(months) = fs.list(&device.path) else {
            continue;
        };
        for month in months.iter().filter(|e| e.dir) {
            let Ok(files) = fs.list(&month.path) else {
                continue;
            };
            for file in files {
                let relative = format!("{DEVICES}/{}/{}/{}", device.name, month.name, file.name);
                let name = classify(&relative);
                if file.not_downloaded
                    && matches!(name, Name::Change { .. } | Name::ConflictCopy { .. })
                {
                    out.placeholders.push(relative);
                    continue;
                }
                match name {
                    Name::Change { device, seq, .. } => {
                        out.changes
                            .entry(device)
                            .or_default()
                            .insert(seq, file.path);
                    }
                    Name::Placeholder { device, seq } => {
                        out.placeholders.push(relative);
                        out.placeholder_files.push((device, seq, file.path));
                    }
                    Name::ConflictCopy { device, seq } => {
                        out.copies
                            .entry(device)
                            .or_default()
                            .entry(seq)
                            .or_default()
                            .push(file.path);
                    }
                    Name::Ignored | Name::Foreign => out.ignored += 1,
                }
            }
        }
    }
    for seqs in out.copies.values_mut() {
        seqs.values_mut().for_each(|paths| paths.sort());
    }
    Ok(out)
}
