//! `catalyse share init|join --server` and `catalyse sync` for a workspace shared through the
//! organisation's PostgreSQL server (see `catalyse_hub::share`).

use super::hub::{block_on, connect, fail};
use super::sync_report::print_sync;
use catalyse_core::share::report::SyncReport;
use catalyse_core::workspace::backups::CommandStore;
use catalyse_hub::mirror::Link;
use std::path::Path;

/// `catalyse share init --server`: the workspace shared through the hub.
pub(super) fn share_init(store: &mut CommandStore, server: &str, name: &str, json: bool) -> i32 {
    let done = block_on(async {
        let mut hub = connect(server).await?;
        let team = catalyse_hub::share::share_init(&mut hub, store, name).await?;
        Ok((team, hub.address.shown()))
    });
    match done {
        Ok((team, shown)) if json => {
            println!("{}", serde_json::json!({"team": team, "server": shown}));
            0
        }
        Ok((team, shown)) => {
            println!("Espace partagé créé sur le serveur {shown} : équipe {team}. Un administrateur y donne accès à chacun (« catalyse hub grant --team {team} --role … »).");
            0
        }
        Err(e) => fail(&e),
    }
}

/// `catalyse share join --server --team`.
pub(super) fn share_join(server: &str, team: &str, to: &Path, name: &str) -> i32 {
    let done = block_on(async {
        let mut hub = connect(server).await?;
        catalyse_hub::share::share_join(&mut hub, team, to, name).await
    });
    match done {
        Ok(_) => {
            println!(
                "« {} » a rejoint l'équipe {team} sur le serveur.",
                to.display()
            );
            0
        }
        Err(e) => fail(&e),
    }
}

/// `catalyse share move --server`: the team moved from its folder to the hub (or followed
/// there).
pub(super) fn share_move(
    store: &mut CommandStore,
    server: &str,
    backups: &Path,
    json: bool,
) -> i32 {
    let done = block_on(async {
        let mut hub = connect(server).await?;
        let report = catalyse_hub::moving::share_move(&mut hub, store, |s| {
            catalyse_core::share::sync::sync_recording(s, backups, true)
        })
        .await?;
        Ok((report, hub.address.shown()))
    });
    match done {
        Ok((r, shown)) if json => {
            println!(
                "{}",
                serde_json::json!({"team": r.team, "server": shown, "followed": r.followed,
                    "pushed": r.pushed, "pulled": r.pulled, "applied": r.local.applied})
            );
            0
        }
        Ok((r, shown)) if r.followed => {
            println!("Cet ordinateur a suivi l'équipe {} sur le serveur {shown} : {} fichier(s) envoyé(s), {} reçu(s), {} modification(s) appliquée(s).", r.team, r.pushed, r.pulled, r.local.applied);
            0
        }
        Ok((r, shown)) => {
            println!("L'équipe {} est passée sur le serveur {shown} ({} fichier(s) envoyé(s)). Le dossier partagé le dit aux autres ordinateurs, qui la suivent avec « catalyse share move --server … » une fois membres (« catalyse hub grant --team {} --role … »).", r.team, r.pushed, r.team);
            0
        }
        Err(e) => fail(&e),
    }
}

/// `catalyse sync` for a workspace shared through the hub. An unreachable server is ordinary
/// offline work: said quietly, exit 0.
pub(super) fn sync(store: &mut CommandStore, link: &Link, backups: &Path, json: bool) -> i32 {
    let done = block_on(async {
        let mut hub = crate::hubs::connect_shown(&link.server).await?;
        catalyse_hub::share::exchange(&mut hub, store, |s| {
            catalyse_core::share::sync::sync_recording(s, backups, true)
        })
        .await
    });
    match done {
        Ok(r) => print_sync(store, &r.local, json, Some((r.pushed, r.pulled))),
        Err(e) if e.is_offline() => {
            let report = SyncReport {
                unreachable: true,
                conflicts: store.conflict_count().unwrap_or(0),
                invariants: store.invariant_count().unwrap_or(0),
                ..SyncReport::default()
            };
            print_sync(store, &report, json, Some((0, 0)))
        }
        Err(e) => fail(&e),
    }
}
