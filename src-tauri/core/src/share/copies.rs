//! The sync tools' conflict copies of change files (`00000042 (1).ccf`,
//! `00000042.sync-conflict-….ccf`, `00000042-PC-MAIRIE07.ccf`…). They are data and are never
//! deleted. A copy is read with the same checks as any change file (its header names its
//! device and number: its content identifies it):
//!
//! - while its device's chain awaits that number, a copy is tried after the file itself
//!   (missing, not downloaded, cut, or not the one the chain expects) and applied once if it is
//!   the one expected (`sync`, reported in `from_copies`);
//! - once that number is applied, a copy with the same bytes as the file, or the very file
//!   that was applied, is ignored; a cut or zero-filled copy holds nothing to apply and is
//!   ignored too; another valid file with the same device and number (two laptops with one
//!   cloned identity, or a file rewritten) is refused whole and kept, with the reason; so is
//!   the file itself when it is the other one.

use crate::db::store::Store;
use crate::share::format::{read, Expected, Reading};
use crate::share::fs::Access;
use crate::share::report::{Refusal, SyncReport};
use crate::share::space::{devices, Space};
use crate::shared::error::CoreResult;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The path of a file of the shared folder as the status shows it (relative, `/`).
pub(crate) fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Why another valid file with the same device and number is refused.
pub const TWIN: &str = "un autre fichier valide porte le même ordinateur et le même numéro, avec un autre contenu : deux ordinateurs écrivent sous la même identité (un espace de travail copié d'un ordinateur à l'autre ?) ou le fichier a été réécrit. Celui-ci n'est pas appliqué ; il reste dans le dossier";

impl Store {
    /// Looks at the conflict copies of files already applied here (or written, for this
    /// laptop's): see the module's doc.
    pub(crate) fn check_copies(
        &self,
        space: &Space,
        changes: &HashMap<String, BTreeMap<u64, PathBuf>>,
        copies: &HashMap<String, BTreeMap<u64, Vec<PathBuf>>>,
        access: &Access,
        report: &mut SyncReport,
    ) -> CoreResult<()> {
        if copies.is_empty() {
            return Ok(());
        }
        let known: HashMap<String, (u64, String)> = devices(&self.conn, &space.device)?
            .into_iter()
            .map(|d| (d.device, (d.seq, d.hash)))
            .collect();
        let mut refuse = |path: &Path, why: String| {
            let path = shown(&space.folder, path);
            if !report.refused.iter().any(|r| r.path == path) {
                report.refused.push(Refusal { path, why });
            }
        };
        for (device, seqs) in copies {
            let Some((applied, last_hash)) = known.get(device) else {
                continue;
            };
            let none = BTreeMap::new();
            let device_files = DeviceFiles {
                space,
                device,
                files: changes.get(device).unwrap_or(&none),
                access,
            };
            for (&seq, paths) in seqs.range(..=*applied) {
                device_files.check(
                    seq,
                    paths,
                    (seq == *applied).then_some(last_hash),
                    &mut refuse,
                );
            }
        }
        Ok(())
    }
}

/// One device's change files in the folder, against which its conflict copies are judged.
struct DeviceFiles<'a> {
    space: &'a Space,
    device: &'a str,
    files: &'a BTreeMap<u64, PathBuf>,
    access: &'a Access,
}

impl DeviceFiles<'_> {
    fn expected(&self, seq: u64) -> Expected<'_> {
        Expected {
            workspace: &self.space.workspace,
            schema: crate::SCHEMA_VERSION,
            device: Some(self.device),
            seq: Some(seq),
        }
    }

    /// The valid reading of the file itself at `seq`, if it is there and whole, with its bytes.
    fn valid_at(&self, seq: u64) -> Option<(Vec<u8>, crate::share::format::ChangeFile)> {
        let bytes = self.access.read(self.files.get(&seq)?).ok()?;
        match read(&bytes, &self.expected(seq)) {
            Reading::Valid(f) => Some((bytes, f)),
            _ => None,
        }
    }

    /// Judges the conflict copies `paths` of file `seq`, already applied here (`last_hash`:
    /// the closing hash of this device's last file applied, when it is `seq`): one identical
    /// to its file is ignored; one valid and the file applied makes its file the one refused;
    /// any other is refused.
    fn check(
        &self,
        seq: u64,
        paths: &[PathBuf],
        last_hash: Option<&String>,
        refuse: &mut impl FnMut(&Path, String),
    ) {
        let original_bytes = self.files.get(&seq).and_then(|p| self.access.read(p).ok());
        let original = original_bytes
            .as_deref()
            .and_then(|b| match read(b, &self.expected(seq)) {
                Reading::Valid(f) => Some(f),
                _ => None,
            });
        // The closing hash of the file applied at `seq`: this device's last one, or what the
        // file after it names as its previous.
        let applied_hash = match last_hash {
            Some(h) => Some(h.clone()),
            None => self.valid_at(seq + 1).map(|(_, next)| next.header.prev),
        };
        for path in paths {
            let Ok(bytes) = self.access.read(path) else {
                continue;
            };
            if original_bytes.as_deref() == Some(&bytes[..]) {
                continue;
            }
            let copy = match read(&bytes, &self.expected(seq)) {
                Reading::Valid(f) => f,
                Reading::Refused(why) => {
                    refuse(path, why);
                    continue;
                }
                Reading::Incomplete(_) | Reading::Waits(_) => continue,
            };
            let copy_applied = match &applied_hash {
                Some(h) => *h == copy.hash,
                // Not to be told: refused only beside a valid file of its own.
                None => original.is_none(),
            };
            if !copy_applied {
                refuse(path, TWIN.into());
            } else if original.as_ref().is_some_and(|o| o.hash != copy.hash) {
                // The copy is the file applied: the file itself is the other one.
                if let Some(p) = self.files.get(&seq) {
                    refuse(p, TWIN.into());
                }
            }
        }
    }
}
