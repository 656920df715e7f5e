//! What an RGPD erasure leaves outside the workspace: its backups, which hold the person as
//! they were, and the record of the erasure that follows the workspace's backups.
//!
//! - [`erase_from_backups`] (« Effacer aussi des sauvegardes », after a confirmation): every
//!   backup of the workspace that holds the person (their row, or their journal) is rewritten
//!   without them (the same erasure, run on a copy that then takes the backup's place), or
//!   deleted when it cannot be rewritten.
//! - Each erasure is recorded beside the backups (`effacements.json`) as a keyed hash
//!   (HMAC-SHA256 with a key of the installation, `cle-effacements` in its data folder) of the
//!   erased record's kind and identity: the file names nobody. Restoring a backup made before
//!   the erasure re-applies it ([`reapply_erasures`]) and says so.

use crate::db::store::Store;
use crate::shared::error::{CoreError, CoreResult};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The record of erasures in a workspace's backup folder.
pub const REGISTRY: &str = "effacements.json";
/// The installation's key, in its data folder.
pub const KEY_FILE: &str = "cle-effacements";

/// A person erased, as the interface keeps them to erase them from the backups too: the kind
/// of record and its identity (never the name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ErasedPerson {
    /// `contact` or `member`.
    pub kind: String,
    pub uid: String,
}

impl ErasedPerson {
    /// Checks what comes from the interface: a known kind, an identity.
    pub fn validate(&self) -> CoreResult<()> {
        if !["contact", "member"].contains(&self.kind.as_str()) {
            return Err(CoreError::validation(
                "kind",
                "rgpd.kind",
                "Seul un contact ou un membre de l'équipe peut être effacé.",
            ));
        }
        crate::shared::domain::valid_uid("uid", &self.uid)?;
        Ok(())
    }
}

/// What erasing a person from the backups did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BackupsErasure {
    /// Backups rewritten without the person.
    #[ts(type = "number")]
    pub rewritten: usize,
    /// Backups that held them and could not be rewritten: deleted.
    #[ts(type = "number")]
    pub removed: usize,
    /// Backups that did not hold them.
    #[ts(type = "number")]
    pub untouched: usize,
}

/// The installation's key for the keyed hashes.
pub struct ErasureKey([u8; 32]);

impl ErasureKey {
    /// The key kept at `path`, made (random) the first time.
    pub fn load_or_create(path: &Path) -> CoreResult<ErasureKey> {
        if let Ok(bytes) = std::fs::read(path) {
            if let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice()) {
                return Ok(ErasureKey(key));
            }
        }
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)
            .map_err(|e| CoreError::Io(std::io::Error::other(e.to_string())))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::exchange::write_whole(path, &key)?;
        Ok(ErasureKey(key))
    }

    /// The key of the installation whose backup folder (of one workspace) is `dir`: in its
    /// data folder, the parent of all backup folders' folder (`sauvegardes`).
    pub fn for_backups(dir: &Path) -> CoreResult<ErasureKey> {
        let data = dir.parent().and_then(Path::parent).unwrap_or(dir);
        ErasureKey::load_or_create(&data.join(KEY_FILE))
    }

    fn hash(&self, kind: &str, uid: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(kind.as_bytes());
        mac.update(b":");
        mac.update(uid.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Registry {
    /// Keyed hashes of `kind:uid`.
    erased: Vec<String>,
}

fn read_registry(dir: &Path) -> Registry {
    std::fs::read(dir.join(REGISTRY))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Records the erasure of `who` in the backup folder `dir`.
pub fn record_erasure(dir: &Path, key: &ErasureKey, who: &ErasedPerson) -> CoreResult<()> {
    let mut registry = read_registry(dir);
    let hash = key.hash(&who.kind, &who.uid);
    if registry.erased.contains(&hash) {
        return Ok(());
    }
    registry.erased.push(hash);
    std::fs::create_dir_all(dir)?;
    let text = serde_json::to_vec_pretty(&registry)
        .map_err(|e| CoreError::Io(std::io::Error::other(e)))?;
    crate::exchange::write_whole(&dir.join(REGISTRY), &text)
}

/// The people `store` holds (a contact or member row, or a journaled record of theirs) that
/// one of `dirs` records as erased.
fn recorded_in(store: &Store, dirs: &[PathBuf], key: &ErasureKey) -> CoreResult<Vec<ErasedPerson>> {
    let hashes: Vec<String> = dirs.iter().flat_map(|d| read_registry(d).erased).collect();
    if hashes.is_empty() {
        return Ok(Vec::new());
    }
    let mut found: Vec<ErasedPerson> = Vec::new();
    for kind in ["contact", "member"] {
        let mut uids: Vec<String> = store
            .conn
            .prepare(&format!("SELECT uid FROM {kind}"))?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let journaled: bool = store.conn.query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'change'",
            [],
            |r| r.get(0),
        )?;
        if journaled {
            let more: Vec<String> = store
                .conn
                .prepare(&format!(
                    "SELECT DISTINCT record FROM {} WHERE tbl = ?1",
                    crate::db::journal::ENTRIES
                ))?
                .query_map([kind], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            uids.extend(more);
        }
        uids.sort();
        uids.dedup();
        for uid in uids {
            if hashes.contains(&key.hash(kind, &uid)) {
                found.push(ErasedPerson {
                    kind: kind.into(),
                    uid,
                });
            }
        }
    }
    Ok(found)
}

/// Erases again, in a workspace just restored from a backup, the people whose erasure the
/// backup folders `dirs` record (the backup was made before it). Returns how many people
/// were erased again (the app says so; their names are not given).
pub fn reapply_erasures(
    store: &mut Store,
    dirs: &[PathBuf],
    key: &ErasureKey,
) -> CoreResult<usize> {
    let mut n = 0;
    for who in recorded_in(store, dirs, key)? {
        if store.erase_identity(&who)? {
            n += 1;
        }
    }
    Ok(n)
}

/// Whether the workspace file at `path` holds `who` (their row, or their journal).
fn holds(path: &Path, who: &ErasedPerson) -> CoreResult<bool> {
    crate::db::store::inspect(path)?;
    let conn = crate::db::store::open_read_only(path)?;
    let table = if who.kind == "contact" {
        "contact"
    } else {
        "member"
    };
    let row: bool = conn.query_row(
        &format!(
            "SELECT count(*) > 0 FROM {table} WHERE uid = ?1 {}",
            if table == "member" {
                "AND name NOT LIKE 'Membre anonymisé n° %'"
            } else {
                ""
            }
        ),
        [&who.uid],
        |r| r.get(0),
    )?;
    if row {
        return Ok(true);
    }
    let journaled: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'change'",
        [],
        |r| r.get(0),
    )?;
    if !journaled {
        return Ok(false);
    }
    // Journal entries that still carry their data (not those an erasure already scrubbed).
    Ok(conn.query_row(
        &format!(
            "SELECT count(*) > 0 FROM {} AS c WHERE NOT (coalesce(before, after) = ?2
                    OR CASE WHEN json_valid(coalesce(before, after))
                            THEN json_extract(coalesce(before, after), '$.rgpd') END IS NOT NULL)",
            crate::db::journal::record_entries("?1")
        ),
        rusqlite::params![who.uid, crate::history::erased::ERASED_MARK],
        |r| r.get(0),
    )?)
}

/// Rewrites the backup at `path` without `who`: the erasure run on a copy, which then takes
/// the backup's place (its name kept).
fn rewrite(path: &Path, who: &ErasedPerson) -> CoreResult<()> {
    let scratch = tempfile_dir(path)?;
    let copy = scratch.join("copie.catalyse");
    std::fs::copy(path, &copy)?;
    let result = (|| -> CoreResult<()> {
        // An older backup is migrated on the copy; its own before-migration copy goes to
        // the scratch folder.
        let mut store = Store::open_with(&copy, &scratch.join("sauvegardes"))?;
        store.erase_identity(who)?;
        if !store.close() {
            return Err(CoreError::Internal {
                detail: "la copie n'a pas pu être refermée".into(),
            });
        }
        crate::db::store::sync_file(&copy)?;
        crate::db::store::remove_companions(path);
        std::fs::rename(&copy, path)?;
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// A scratch folder beside `path` (same file system: the rewritten copy is renamed into
/// place).
fn tempfile_dir(path: &Path) -> CoreResult<PathBuf> {
    let dir = crate::db::store::temp_sibling(path, "effacement");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Erases `who` from every backup in `dir` that holds them (see the module's documentation).
pub fn erase_from_backups(dir: &Path, who: &ErasedPerson) -> CoreResult<BackupsErasure> {
    who.validate()?;
    let mut out = BackupsErasure {
        rewritten: 0,
        removed: 0,
        untouched: 0,
    };
    for backup in crate::workspace::backups::list(dir)? {
        let path = PathBuf::from(&backup.path);
        match holds(&path, who) {
            Ok(false) => out.untouched += 1,
            held => {
                // Held, or unreadable (it may hold them): rewritten, else deleted.
                if held.is_ok() && rewrite(&path, who).is_ok() {
                    out.rewritten += 1;
                } else {
                    crate::db::store::remove_companions(&path);
                    std::fs::remove_file(&path)?;
                    out.removed += 1;
                }
            }
        }
    }
    Ok(out)
}

/// Erases again, in `copy` (a backup being restored, not yet in place), the people whose
/// erasure the backup folders `dirs` record; `key_dir` is the backup folder whose
/// installation key hashed them. Nothing is opened when no folder records any erasure.
pub(crate) fn reapply_on_copy(copy: &Path, dirs: &[PathBuf], key_dir: &Path) -> CoreResult<usize> {
    if dirs.iter().all(|d| read_registry(d).erased.is_empty()) {
        return Ok(0);
    }
    let key = ErasureKey::for_backups(key_dir)?;
    let scratch = tempfile_dir(copy)?;
    let result = (|| -> CoreResult<usize> {
        let mut store = Store::open_with(copy, &scratch)?;
        let n = reapply_erasures(&mut store, dirs, &key)?;
        if !store.close() {
            return Err(CoreError::Internal {
                detail: "la copie restaurée n'a pas pu être refermée".into(),
            });
        }
        crate::db::store::sync_file(copy)?;
        Ok(n)
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    let _ = std::fs::remove_file(crate::db::store::lock_path(copy));
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::safety::backup::{self, BackupReason};
    use crate::safety::rgpd::erase_and_record;
    use crate::safety::rgpd::Person;
    use crate::shared::text::fold;

    /// Whether the file at `path` (and its WAL) holds `word` in any case or accents.
    fn holds_word(path: &Path, word: &str) -> bool {
        ["", "-wal"].iter().any(|suffix| {
            std::fs::read(crate::db::store::companion(path, suffix))
                .is_ok_and(|b| fold(&String::from_utf8_lossy(&b)).contains(&fold(word)))
        })
    }

    /// A workspace with its backup folder under `root`, a contact « Élodie Martin » named in
    /// an actor's notes, backups made before and after she was added, and her erasure.
    fn setup(root: &Path) -> (PathBuf, PathBuf, Store, i64) {
        let path = root.join("espace.catalyse");
        let mut s = crate::demo::write_demo(&path).unwrap();
        let dir = backup::dir_for(&root.join("sauvegardes"), &path);
        s.backup_into(&dir, BackupReason::Manual).unwrap();
        let actor = s.list_actors().unwrap()[0].clone();
        let her = s
            .create_contact(
                actor.id,
                &crate::network::ContactInput {
                    name: "Élodie Martin".into(),
                    role: String::new(),
                    email: "elodie.martin@exemple.fr".into(),
                    phone: "06 12 34 56 78".into(),
                    notes: String::new(),
                },
            )
            .unwrap()
            .id;
        std::thread::sleep(std::time::Duration::from_millis(1100));
        s.backup_into(&dir, BackupReason::Manual).unwrap();
        (path, dir, s, her)
    }

    /// « Effacer aussi des sauvegardes »: the backups that hold her are rewritten without her
    /// (read as bytes: no form of her name or e-mail left) and stay sound workspaces; the
    /// one made before she was added is left as it is.
    #[test]
    fn an_erasure_reaches_the_backups_that_hold_the_person() {
        let root = tempfile::TempDir::new().unwrap();
        let (_path, dir, mut s, her) = setup(root.path());
        let summary = erase_and_record(&mut s, Person::Contact(her), &dir).unwrap();
        let listed = backup::list(&dir).unwrap();
        assert_eq!(listed.len(), 2);
        let before: Vec<Vec<u8>> = listed
            .iter()
            .map(|b| std::fs::read(&b.path).unwrap())
            .collect();
        assert!(listed
            .iter()
            .any(|b| holds_word(Path::new(&b.path), "elodie martin")));
        let done = erase_from_backups(&dir, &summary.person).unwrap();
        assert_eq!((done.rewritten, done.removed, done.untouched), (1, 0, 1));
        let after = backup::list(&dir).unwrap();
        assert_eq!(
            after.iter().map(|b| &b.file_name).collect::<Vec<_>>(),
            listed.iter().map(|b| &b.file_name).collect::<Vec<_>>(),
            "the backups keep their names"
        );
        for (b, old) in after.iter().zip(&before) {
            let p = Path::new(&b.path);
            for word in ["elodie", "martin", "elodie.martin@exemple.fr"] {
                assert!(!holds_word(p, word), "{}: {word}", b.file_name);
            }
            backup::verify(p).unwrap();
            let now = std::fs::read(p).unwrap();
            if !fold(&String::from_utf8_lossy(old)).contains("elodie martin") {
                assert!(now == *old, "{}: untouched", b.file_name);
            }
        }
        // Again: nothing left to do.
        let again = erase_from_backups(&dir, &summary.person).unwrap();
        assert_eq!((again.rewritten, again.removed, again.untouched), (0, 0, 2));
    }

    /// Restoring a backup made before an erasure erases the person again (and says how many
    /// people), through the record of erasures beside the backups, which names nobody.
    #[test]
    fn restoring_a_backup_made_before_an_erasure_erases_again() {
        let root = tempfile::TempDir::new().unwrap();
        let (path, dir, mut s, her) = setup(root.path());
        let summary = erase_and_record(&mut s, Person::Contact(her), &dir).unwrap();
        drop(s);
        let registry = std::fs::read_to_string(dir.join(REGISTRY)).unwrap();
        assert!(
            !registry.contains(&summary.person.uid),
            "a keyed hash, not the identity"
        );
        assert!(!fold(&registry).contains("martin"));
        let newest = backup::list(&dir).unwrap().remove(0);
        let to = root.path().join("restauré.catalyse");
        let out = backup::restore(Path::new(&newest.path), &to, false, &dir).unwrap();
        assert_eq!(out.erased_again, 1);
        assert!(!holds_word(&to, "elodie martin"));
        let restored = Store::open_with(&to, &root.path().join("sauvegardes")).unwrap();
        let left: i64 = restored
            .conn
            .query_row(
                "SELECT count(*) FROM contact WHERE uid = ?1",
                [&summary.person.uid],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(left, 0);
        drop(restored);
        // Over the workspace itself, too; and the oldest backup, which never had her,
        // restores as it is.
        let out = backup::restore(Path::new(&newest.path), &path, true, &dir).unwrap();
        assert_eq!(out.erased_again, 1);
        let oldest = backup::list(&dir).unwrap().pop().unwrap();
        let out = backup::restore(Path::new(&oldest.path), &to, true, &dir).unwrap();
        assert_eq!(out.erased_again, 0);
        // A forged identity from the interface is refused.
        let forged = ErasedPerson {
            kind: "actor".into(),
            uid: summary.person.uid.clone(),
        };
        assert_eq!(
            erase_from_backups(&dir, &forged).unwrap_err().kind(),
            "validation"
        );
    }
}
