//! A team that left its shared folder for the organisation's server (`catalyse share move`):
//! the folder keeps a small file saying where the team went, so that a laptop still pointing
//! at it is told (and follows with the same command); and a laptop's workspace moved to
//! another folder (the hub's copy) keeps its identities and its history.
//!
//! The file is untrusted like everything in the folder: read only when small, of this format,
//! and of this space; what it says is shown, never run or connected to without the person.

use super::folder::write_once;
use super::space::{read_space_file, write_snapshot, SPACE_FILE};
use crate::shared::error::{CoreError, CoreResult};
use crate::Store;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The file at the root of a shared folder whose team moved.
pub const MOVED_FILE: &str = "equipe-demenagee.json";
/// The largest such file read.
const MAX_BYTES: u64 = 16 * 1024;

/// Where a team went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Moved {
    #[ts(type = "number")]
    pub format: i64,
    /// The space (the team) that moved.
    pub workspace: String,
    /// The server's address as shown (never a password).
    pub server: String,
    /// The team's identity on the server.
    pub team: String,
    /// The laptop that moved it (its name).
    pub by: String,
    /// When (ISO 8601).
    pub at: String,
}

impl Moved {
    /// The move of space `workspace` to team `team` on `server` (as shown), made now by the
    /// laptop named `by`.
    pub fn now(workspace: &str, server: &str, team: &str, by: &str) -> Moved {
        Moved {
            format: 1,
            workspace: workspace.to_string(),
            server: server.to_string(),
            team: team.to_string(),
            by: by.to_string(),
            at: crate::db::store::now(),
        }
    }
}

/// What `folder` says of the move of space `workspace`, if it moved.
pub fn read_moved(folder: &Path, workspace: &str) -> Option<Moved> {
    let path = folder.join(MOVED_FILE);
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    serde_json::from_slice::<Moved>(&bytes).ok().filter(|m| {
        m.format == 1
            && m.workspace == workspace
            && m.server.len() <= 2048
            && m.team.len() <= 64
            && m.by.len() <= 200
            && !m.server.chars().any(char::is_control)
    })
}

/// Marks `folder` as moved (written once; a mark already there for the same team is kept).
pub fn write_moved(folder: &Path, moved: &Moved) -> CoreResult<()> {
    let bytes = serde_json::to_vec_pretty(moved).expect("a move serialises");
    match write_once(folder, MOVED_FILE, &bytes) {
        Ok(_) => Ok(()),
        Err(CoreError::AlreadyExists { .. })
            if read_moved(folder, &moved.workspace).is_some_and(|m| m.team == moved.team) =>
        {
            Ok(())
        }
        Err(e) => Err(e),
    }
}

impl Store {
    /// Moves this shared workspace to the folder `to` (empty, or holding only other files
    /// than Catalyse's): the space file and this laptop's own change files copied into it (the
    /// others' are had again from where the team goes), a snapshot of what this laptop holds
    /// written there when `snapshot` (the laptop that moves the team: a laptop that joins
    /// later starts from it), and the workspace pointed at it. The identities (the space's,
    /// this device's and its numbering) and the history stay as they were.
    pub fn share_move_to(&mut self, to: &Path, snapshot: bool) -> CoreResult<()> {
        let space = self.require_space()?;
        let from = &space.folder;
        let file = read_space_file(from)?.filter(|f| f.workspace == space.workspace);
        if file.is_none() {
            return Err(CoreError::validation(
                "folder",
                "share.no_folder",
                format!(
                    "Le dossier partagé « {} » est introuvable ou n'est plus celui de l'équipe.",
                    from.display()
                ),
            ));
        }
        let to = std::fs::canonicalize(to)?;
        if read_space_file(&to)?.is_none() {
            let bytes = std::fs::read(from.join(SPACE_FILE))?;
            write_once(&to, SPACE_FILE, &bytes)?;
        }
        copy_own_files(from, &to, &space.device)?;
        let tx = self.conn.transaction()?;
        if snapshot {
            write_snapshot(&tx, &to, &space.workspace, &space.device)?;
        }
        tx.execute(
            "UPDATE share_space SET folder = ?1 WHERE id = 1",
            [to.to_string_lossy()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Points this shared workspace back at `folder` (a move that failed on the way), this
    /// laptop's files written meanwhile in the folder it pointed at copied back first: its
    /// chain in `folder` has no gap.
    pub fn share_repoint(&mut self, folder: &Path) -> CoreResult<()> {
        let space = self.require_space()?;
        if space.folder != folder && space.folder.is_dir() {
            copy_own_files(&space.folder, folder, &space.device)?;
        }
        self.conn.execute(
            "UPDATE share_space SET folder = ?1 WHERE id = 1",
            [folder.to_string_lossy()],
        )?;
        Ok(())
    }
}

/// Copies `device`'s change files of the shared folder `from` into `to` (the same relative
/// paths; a file already there with the same bytes is taken as written).
fn copy_own_files(from: &Path, to: &Path, device: &str) -> CoreResult<()> {
    let listing = super::listing::list(&super::fs::Access::disk(), from)?;
    let Some(files) = listing.changes.get(device) else {
        return Ok(());
    };
    for path in files.values() {
        let relative = path
            .strip_prefix(from)
            .map_err(|_| CoreError::Internal {
                detail: format!("{} hors du dossier partagé", path.display()),
            })?
            .to_string_lossy()
            .replace('\\', "/");
        write_once(to, &relative, &std::fs::read(path)?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPACE: &str = "0190f5a3-0000-7000-8000-000000000001";

    #[test]
    fn the_mark_is_read_only_when_it_is_this_spaces_small_and_well_formed() {
        let dir = tempfile::TempDir::new().unwrap();
        let moved = Moved::now(
            SPACE,
            "postgresql://a@h:5432/db",
            SPACE,
            "ordinateur d'Alice",
        );
        assert_eq!(read_moved(dir.path(), SPACE), None, "no mark");
        write_moved(dir.path(), &moved).unwrap();
        assert_eq!(read_moved(dir.path(), SPACE), Some(moved.clone()));
        assert_eq!(read_moved(dir.path(), "autre"), None, "another space's");
        // Written again for the same team: kept as it was.
        write_moved(
            dir.path(),
            &Moved {
                at: "plus tard".into(),
                ..moved.clone()
            },
        )
        .unwrap();
        assert_eq!(read_moved(dir.path(), SPACE), Some(moved.clone()));
        // Another team's over it: refused, the first kept.
        let other = Moved {
            team: "autre".into(),
            ..moved.clone()
        };
        assert!(write_moved(dir.path(), &other).is_err());
        let path = dir.path().join(MOVED_FILE);
        for bad in [
            // An unknown field, another format, a control character, too big, not JSON.
            serde_json::to_string(&moved)
                .unwrap()
                .replace("\"format\"", "\"extra\":1,\"format\""),
            serde_json::to_string(&Moved {
                format: 2,
                ..moved.clone()
            })
            .unwrap(),
            serde_json::to_string(&Moved {
                server: "a\u{7}b".into(),
                ..moved.clone()
            })
            .unwrap(),
            serde_json::to_string(&Moved {
                by: "x".repeat(20_000),
                ..moved.clone()
            })
            .unwrap(),
            "pas du JSON".into(),
        ] {
            std::fs::write(&path, &bad).unwrap();
            assert_eq!(
                read_moved(dir.path(), SPACE),
                None,
                "{}",
                &bad[..bad.len().min(80)]
            );
        }
    }
}
