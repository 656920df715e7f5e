//! Moving a team from its shared folder to the hub (`catalyse share move`), and following it.
//!
//! The first laptop to move makes a copy folder for the hub, copies its own change files into
//! it with a fresh snapshot of everything it holds (a laptop that joins the hub later starts
//! from it), points its workspace at it, and exchanges with the server (which creates the
//! team under the space's identity, pushes its files and the snapshot). Only then is the old
//! folder marked as moved, so that a laptop still pointing at it is told where the team went
//! (`SyncReport::moved`) and follows with the same command: its own files go to the server
//! (what the mover had not received of them included), it receives the others'. Identities
//! (the space's, each device's and its numbering) and each laptop's history stay as they
//! were. A move that fails on the way leaves the workspace on its folder, as it was.

use crate::connect::Hub;
use crate::error::{HubError, HubResult};
use crate::mirror::{new_copy_folder, read_link, write_link, Link};
use crate::schema::check;
use crate::share::exchange;
use catalyse_core::share::moved::{read_moved, write_moved, Moved};
use catalyse_core::share::report::SyncReport;
use catalyse_core::{CoreResult, Store};

/// What a move did.
#[derive(Debug)]
pub struct MoveReport {
    /// The team's identity on the server (the space's).
    pub team: String,
    /// This laptop followed a team moved before by another.
    pub followed: bool,
    /// Files of this laptop pushed, of the others pulled.
    pub pushed: usize,
    pub pulled: usize,
    /// The first exchange through the hub.
    pub local: SyncReport,
}

/// Moves `store`'s workspace, shared through a folder, to the hub (or follows its team there);
/// `local` is the folder exchange run on the copy (see [`exchange`]).
pub async fn share_move(
    hub: &mut Hub,
    store: &mut Store,
    local: impl FnOnce(&mut Store) -> CoreResult<SyncReport>,
) -> HubResult<MoveReport> {
    let space = store.share_space()?.ok_or(HubError::NotShared)?;
    if read_link(&space.folder).is_some() {
        return Err(HubError::AlreadyHub);
    }
    check(hub).await?;
    let old = space.folder.clone();
    let before = read_moved(&old, &space.workspace);
    let copy = new_copy_folder()?;
    let moved = async {
        store.share_move_to(&copy, before.is_none())?;
        write_link(
            &copy,
            &Link {
                format: 1,
                server: hub.address.shown(),
                team: space.workspace.clone(),
            },
        )?;
        exchange(hub, store, local).await
    }
    .await;
    let report = match moved {
        Ok(r) => r,
        Err(e) => {
            // Back on the folder, as before: nothing of the move is left on this laptop.
            store.share_repoint(&old)?;
            let _ = std::fs::remove_dir_all(&copy);
            return Err(e);
        }
    };
    if before.is_none() {
        write_moved(
            &old,
            &Moved::now(
                &space.workspace,
                &hub.address.shown(),
                &space.workspace,
                &space.device_name,
            ),
        )?;
    }
    Ok(MoveReport {
        team: space.workspace,
        followed: before.is_some(),
        pushed: report.pushed,
        pulled: report.pulled,
        local: report.local,
    })
}
