//! A workspace shared through the hub: created (`catalyse share init --server`), joined
//! (`catalyse share join --server`), and one exchange (`catalyse sync`): the other devices'
//! new files pulled into this laptop's copy (see [`crate::mirror`]), the folder exchange of the
//! core run on that copy (this laptop's change sets written as files, the others' checked and
//! applied by the same merge as a synced folder's), then this laptop's new files pushed and
//! what it has received acknowledged. Idempotent on (team, device, sequence): a push repeated
//! after a lost connection writes nothing twice, a pull repeated writes nothing new.

use crate::connect::Hub;
use crate::error::{server_error, HubError, HubResult};
use crate::mirror::{
    change_files, copy_devices, is_change_path, is_snapshot_path, new_copy_folder, read_link,
    snapshots, write_link, Link,
};
use crate::schema::check;
use catalyse_core::share::folder::write_once;
use catalyse_core::share::report::SyncReport;
use catalyse_core::share::space::SPACE_FILE;
use catalyse_core::{CoreError, CoreResult, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use tokio_postgres::error::SqlState;

/// The most files one pull query lists (a change file holds up to 2,000 change sets; their
/// bytes are fetched one at a time).
const PULL_BATCH: i64 = 50;
/// The most files one push transaction carries.
const PUSH_BATCH: usize = 50;

/// What one exchange with the hub did.
#[derive(Debug, Default, Serialize)]
pub struct HubReport {
    /// This laptop's files pushed to the server.
    pub pushed: usize,
    /// Other devices' files pulled from the server into this laptop's copy.
    pub pulled: usize,
    /// The folder exchange on the copy.
    #[serde(skip)]
    pub local: SyncReport,
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

fn server<'a>(
    role: &'a str,
    what: &'static str,
) -> impl Fn(tokio_postgres::Error) -> HubError + 'a {
    move |e| HubError::from_statement(e, role, what)
}

/// Makes `store`'s workspace the team's on the hub: a copy folder made here, the workspace
/// shared into it (a snapshot, the space's identity), the link written, the team created on
/// the server with this role as its first member, and everything pushed. Returns the team's
/// identity.
pub async fn share_init(hub: &mut Hub, store: &mut Store, device_name: &str) -> HubResult<String> {
    check(hub).await?;
    let folder = new_copy_folder()?;
    let space = store.share_init(&folder, device_name)?;
    write_link(
        &folder,
        &Link {
            format: 1,
            server: hub.address.shown(),
            team: space.workspace.clone(),
        },
    )?;
    exchange(hub, store, |s| s.sync_acknowledging()).await?;
    Ok(space.workspace)
}

/// Joins team `team` on the hub: its space file, latest snapshot and change files pulled into
/// a new copy folder, the workspace built at `to` from them (checked whole, as the folder's
/// join does), then one exchange (this laptop's arrival told to the others).
pub async fn share_join(
    hub: &mut Hub,
    team: &str,
    to: &Path,
    device_name: &str,
) -> HubResult<Store> {
    let team = crate::members::team_id(team)?;
    check(hub).await?;
    let role = hub.role.clone();
    let row = hub
        .client()
        .query_opt(
            "SELECT space FROM catalyse_hub.team WHERE id = $1::text::uuid",
            &[&team],
        )
        .await
        .map_err(server(&role, "lire les équipes"))?;
    let Some(space) = row.and_then(|r| r.get::<_, Option<Vec<u8>>>(0)) else {
        return Err(HubError::NotMember(team));
    };
    let folder = new_copy_folder()?;
    let joined = fill_copy(hub, &team, &space, &folder).await.and_then(|()| {
        catalyse_core::share::space::share_join(&folder, to, device_name).map_err(HubError::from)
    });
    let mut store = match joined {
        Ok(store) => store,
        Err(e) => {
            // Nothing of a failed join is left: no workspace, no copy.
            let _ = std::fs::remove_dir_all(&folder);
            return Err(e);
        }
    };
    // The workspace is made: a failed first exchange (the network) is only offline work, the
    // next one tells the others of this laptop.
    let _ = exchange(hub, &mut store, |s| s.sync_acknowledging()).await;
    Ok(store)
}

/// A new copy `folder` filled from team `team`'s space file `space`, its newest snapshot and
/// its files, each checked against its hash and strict name.
async fn fill_copy(hub: &mut Hub, team: &str, space: &[u8], folder: &Path) -> HubResult<()> {
    let role = hub.role.clone();
    write_once(folder, SPACE_FILE, space)?;
    write_link(
        folder,
        &Link {
            format: 1,
            server: hub.address.shown(),
            team: team.to_string(),
        },
    )?;
    let snapshot = hub
        .client()
        .query_opt(
            "SELECT device::text, seq, path, bytes, hash FROM catalyse_hub.snapshot
             WHERE team = $1::text::uuid AND path IS NOT NULL ORDER BY seq DESC LIMIT 1",
            &[&team],
        )
        .await
        .map_err(server(&role, "lire les instantanés"))?;
    if let Some(r) = snapshot {
        let (device, clock, path): (String, i64, String) = (r.get(0), r.get(1), r.get(2));
        let (bytes, hash): (Vec<u8>, Vec<u8>) = (r.get(3), r.get(4));
        if is_snapshot_path(&path, &device, clock) && sha256(&bytes) == hash {
            write_once(folder, &path, &bytes)?;
        }
    }
    pull(hub, team, "", folder, &BTreeMap::new()).await?;
    Ok(())
}

/// The hub link of `store`'s workspace, if it is shared through a hub.
pub fn link_of(store: &Store) -> CoreResult<Option<Link>> {
    Ok(store.share_space()?.and_then(|s| read_link(&s.folder)))
}

/// The team on the hub of the workspace file `path`, read without opening it for writing (it
/// may be open in the app meanwhile); [`HubError::NotHub`] when it is not shared through a
/// server.
pub fn team_of_file(path: &Path) -> HubResult<String> {
    catalyse_core::db::store::inspect(path)?;
    let conn = catalyse_core::db::store::open_read_only(path)?;
    catalyse_core::share::space::shared_folder(&conn)?
        .and_then(|folder| read_link(&folder))
        .map(|link| link.team)
        .ok_or(HubError::NotHub)
}

/// One exchange with the hub (see the module's doc); `local` is the folder exchange to run on
/// the copy (the command line's records erasures beside the backups).
pub async fn exchange(
    hub: &mut Hub,
    store: &mut Store,
    local: impl FnOnce(&mut Store) -> CoreResult<SyncReport>,
) -> HubResult<HubReport> {
    let space = store.share_space()?.ok_or(HubError::NotHub)?;
    let link = read_link(&space.folder).ok_or(HubError::NotHub)?;
    check(hub).await?;
    join_team(
        hub,
        &link.team,
        &space.folder,
        &space.device,
        &space.device_name,
    )
    .await?;
    // Each device's files from the first this copy lacks after what was applied: a file
    // skipped (damaged on the way) is asked for again, whatever came after it.
    let applied: BTreeMap<String, u64> = store
        .share_devices()?
        .into_iter()
        .map(|d| (d.device, d.seq))
        .collect();
    let mut starts = BTreeMap::new();
    for device in applied.keys().cloned().chain(copy_devices(&space.folder)) {
        if device == space.device || starts.contains_key(&device) {
            continue;
        }
        let here = change_files(&space.folder, &device);
        let mut at = applied.get(&device).copied().unwrap_or(0);
        while here.contains_key(&(at + 1)) {
            at += 1;
        }
        starts.insert(device, at as i64);
    }
    let pulled = pull(hub, &link.team, &space.device, &space.folder, &starts).await?;
    let local = local(store)?;
    let pushed = push(hub, &link.team, &space.device, &space.folder).await?;
    acknowledge(hub, &link.team, &space.device, store).await?;
    Ok(HubReport {
        pushed,
        pulled,
        local,
    })
}

/// Makes sure the team exists (created by its first laptop, whose role becomes its first
/// member) and that this device is one of its devices; a role that is no member is told so.
async fn join_team(
    hub: &mut Hub,
    team: &str,
    folder: &Path,
    device: &str,
    name: &str,
) -> HubResult<()> {
    let role = hub.role.clone();
    let client = hub.client();
    let seen: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM catalyse_hub.team WHERE id = $1::text::uuid)",
            &[&team],
        )
        .await
        .map_err(server(&role, "lire les équipes"))?
        .get(0);
    if !seen {
        let space = std::fs::read(folder.join(SPACE_FILE)).map_err(CoreError::from)?;
        let title = format!("Espace {}", &team[..8]);
        // A plain insert: `ON CONFLICT` would ask the new row to pass the team's read
        // policy, which only its members do, and the creator becomes one by the insert's trigger.
        let created = client
            .execute(
                "INSERT INTO catalyse_hub.team (id, name, space) VALUES ($1::text::uuid, $2, $3)",
                &[&team, &title, &space],
            )
            .await;
        match created {
            Ok(_) => {}
            // The team exists, and this role does not see it: not (or no longer) a member.
            Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                return Err(HubError::NotMember(team.to_string()))
            }
            Err(e) => return Err(server(&role, "créer une équipe")(e)),
        }
    }
    client
        .execute(
            "INSERT INTO catalyse_hub.device (team, device, name) VALUES ($1::text::uuid, $2::text::uuid, $3)
             ON CONFLICT (team, device) DO NOTHING",
            &[&team, &device, &name],
        )
        .await
        .map_err(server(&role, "ajouter cet ordinateur à l'équipe"))?;
    Ok(())
}

/// Pulls the other devices' files after `starts` (device → last sequence held) into `folder`.
/// Each is checked against its hash and its name before it is written (never over a file);
/// its content is checked by the folder exchange. Returns how many were written.
async fn pull(
    hub: &mut Hub,
    team: &str,
    me: &str,
    folder: &Path,
    starts: &BTreeMap<String, i64>,
) -> HubResult<usize> {
    let role = hub.role.clone();
    let mut starts = starts.clone();
    let mut written = 0;
    loop {
        let (devices, seqs): (Vec<String>, Vec<i64>) =
            starts.iter().map(|(d, s)| (d.clone(), *s)).unzip();
        // What the files are first (never more than one file's bytes held at once: a file
        // may be as large as the format allows, and the server is no more trusted than a
        // folder).
        let rows = hub
            .client()
            .query(
                "SELECT c.device::text, c.seq, c.path, c.hash, octet_length(c.bytes)
                 FROM catalyse_hub.change_file c
                 LEFT JOIN unnest($3::text[]::uuid[], $4::int8[]) AS s(device, seq) ON s.device = c.device
                 WHERE c.team = $1::text::uuid AND c.device::text <> $2 AND c.seq > coalesce(s.seq, 0)
                 ORDER BY c.device, c.seq LIMIT $5",
                &[&team, &me, &devices, &seqs, &PULL_BATCH],
            )
            .await
            .map_err(server(&role, "lire les fichiers de l'équipe"))?;
        if rows.is_empty() {
            return Ok(written);
        }
        for r in rows {
            let (device, seq, path): (String, i64, Option<String>) = (r.get(0), r.get(1), r.get(2));
            let (hash, length): (Vec<u8>, i32) = (r.get(3), r.get(4));
            starts.insert(device.clone(), seq);
            let Some(path) = path.filter(|p| is_change_path(p, &device, seq as u64)) else {
                continue;
            };
            if catalyse_core::share::folder::inside(folder, &path).is_file() {
                // Here already (pulled before, not applied yet): the folder exchange reads it.
                continue;
            }
            if length as usize > catalyse_core::share::format::MAX_BYTES {
                // Larger than any change file: not fetched (the exchange waits for it, and
                // says so).
                continue;
            }
            let bytes: Vec<u8> = hub
                .client()
                .query_one(
                    "SELECT bytes FROM catalyse_hub.change_file
                     WHERE team = $1::text::uuid AND device = $2::text::uuid AND seq = $3",
                    &[&team, &device, &seq],
                )
                .await
                .map_err(server(&role, "lire les fichiers de l'équipe"))?
                .get(0);
            if sha256(&bytes) != hash {
                // Damaged in storage or on the way: not written; the folder exchange waits
                // for this file, and says so; the next exchange asks for it again.
                continue;
            }
            match write_once(folder, &path, &bytes) {
                Ok(_) => written += 1,
                // Another file under that name here (a copy damaged on this disk): left as it
                // is; the folder exchange refuses it and names it.
                Err(CoreError::AlreadyExists { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// Pushes this device's files (and snapshots) of `folder` the server does not have.
async fn push(hub: &mut Hub, team: &str, me: &str, folder: &Path) -> HubResult<usize> {
    let role = hub.role.clone();
    let on_server: i64 = hub
        .client()
        .query_one(
            "SELECT coalesce(max(seq), 0) FROM catalyse_hub.change_file
             WHERE team = $1::text::uuid AND device = $2::text::uuid",
            &[&team, &me],
        )
        .await
        .map_err(server(&role, "lire les fichiers de l'équipe"))?
        .get(0);
    let mine = change_files(folder, me);
    not_cloned(hub, team, me, folder, &mine, on_server).await?;
    let files: Vec<(u64, String)> = mine
        .into_iter()
        .filter(|(seq, _)| *seq as i64 > on_server)
        .collect();
    let mut pushed = 0;
    for batch in files.chunks(PUSH_BATCH) {
        let tx = hub
            .client()
            .transaction()
            .await
            .map_err(|e| server_error(&e))?;
        for (seq, path) in batch {
            let bytes = std::fs::read(catalyse_core::share::folder::inside(folder, path))
                .map_err(CoreError::from)?;
            let seq = *seq as i64;
            let hash = sha256(&bytes);
            let inserted = tx
                .execute(
                    "INSERT INTO catalyse_hub.change_file (team, device, seq, path, bytes, hash)
                     VALUES ($1::text::uuid, $2::text::uuid, $3, $4, $5, $6)
                     ON CONFLICT (team, device, seq) DO NOTHING",
                    &[&team, &me, &seq, path, &bytes, &hash],
                )
                .await
                .map_err(server(&role, "envoyer les fichiers de cet ordinateur"))?;
            if inserted == 0 {
                // There already: the same file pushed before a cut (nothing to do), or
                // another laptop writing under this one's identity (refused, as in a folder).
                let there: Vec<u8> = tx
                    .query_one(
                        "SELECT hash FROM catalyse_hub.change_file
                         WHERE team = $1::text::uuid AND device = $2::text::uuid AND seq = $3",
                        &[&team, &me, &seq],
                    )
                    .await
                    .map_err(server(&role, "lire les fichiers de l'équipe"))?
                    .get(0);
                if there != hash {
                    return Err(HubError::ClonedDevice { seq });
                }
            }
            pushed += inserted as usize;
        }
        tx.commit().await.map_err(|e| server_error(&e))?;
    }
    push_snapshots(hub, team, me, folder).await?;
    Ok(pushed)
}

/// Fails with [`HubError::ClonedDevice`] when another laptop pushed under this one's identity:
/// the newest of this laptop's files `mine` the server already has (up to `on_server`) must be
/// the server's. Each file holds the hash of the one before, so once another laptop pushed
/// under this identity, every file of this laptop from there on differs from the server's.
async fn not_cloned(
    hub: &mut Hub,
    team: &str,
    me: &str,
    folder: &Path,
    mine: &BTreeMap<u64, String>,
    on_server: i64,
) -> HubResult<()> {
    let Some((seq, path)) = mine.range(..=on_server.max(0) as u64).next_back() else {
        return Ok(());
    };
    let role = hub.role.clone();
    let bytes = std::fs::read(catalyse_core::share::folder::inside(folder, path))
        .map_err(CoreError::from)?;
    let seq = *seq as i64;
    let there: Option<Vec<u8>> = hub
        .client()
        .query_opt(
            "SELECT hash FROM catalyse_hub.change_file
             WHERE team = $1::text::uuid AND device = $2::text::uuid AND seq = $3",
            &[&team, &me, &seq],
        )
        .await
        .map_err(server(&role, "lire les fichiers de l'équipe"))?
        .map(|r| r.get(0));
    if there.is_some_and(|h| h != sha256(&bytes)) {
        return Err(HubError::ClonedDevice { seq });
    }
    Ok(())
}

/// Pushes the snapshots this device made in `folder` that the server does not have (their
/// bytes sent once, not at every exchange).
async fn push_snapshots(hub: &mut Hub, team: &str, me: &str, folder: &Path) -> HubResult<()> {
    let role = hub.role.clone();
    let there: Vec<i64> = hub
        .client()
        .query(
            "SELECT seq FROM catalyse_hub.snapshot WHERE team = $1::text::uuid AND device = $2::text::uuid",
            &[&team, &me],
        )
        .await
        .map_err(server(&role, "lire les instantanés"))?
        .into_iter()
        .map(|r| r.get(0))
        .collect();
    for (clock, path) in snapshots(folder, me) {
        if there.contains(&clock) {
            continue;
        }
        let bytes = std::fs::read(catalyse_core::share::folder::inside(folder, &path))
            .map_err(CoreError::from)?;
        hub.client()
            .execute(
                "INSERT INTO catalyse_hub.snapshot (team, device, seq, path, bytes, hash)
                 VALUES ($1::text::uuid, $2::text::uuid, $3, $4, $5, $6)
                 ON CONFLICT (team, device, seq) DO NOTHING",
                &[&team, &me, &clock, &path, &bytes, &sha256(&bytes)],
            )
            .await
            .map_err(server(&role, "envoyer un instantané"))?;
    }
    Ok(())
}

/// Tells the server what this device has applied of each other device's files.
async fn acknowledge(hub: &mut Hub, team: &str, me: &str, store: &Store) -> HubResult<()> {
    let role = hub.role.clone();
    let (devices, seqs): (Vec<String>, Vec<i64>) = store
        .share_devices()?
        .into_iter()
        .filter(|d| d.device != me && d.seq > 0)
        .map(|d| (d.device, d.seq as i64))
        .unzip();
    hub.client()
        .execute(
            "INSERT INTO catalyse_hub.ack (team, device, of_device, seq)
             SELECT $1::text::uuid, $2::text::uuid, d, s FROM unnest($3::text[]::uuid[], $4::int8[]) AS x(d, s)
             ON CONFLICT (team, device, of_device)
                 DO UPDATE SET seq = excluded.seq, at = now() WHERE catalyse_hub.ack.seq < excluded.seq",
            &[&team, &me, &devices, &seqs],
        )
        .await
        .map_err(server(&role, "dire ce que cet ordinateur a reçu"))?;
    Ok(())
}
