//! The team space: a workspace shared through a folder. Creating it (this workspace becomes
//! the team's: the folder gets the space's identity and a snapshot), joining it (a new
//! laptop builds its workspace from the latest snapshot), and what this copy knows of it.

use crate::db::store::Store;
use crate::share::folder::{check_root, inside, write_once};
use crate::share::snapshot::{
    self, DevicePoint, SnapshotBody, SnapshotHeader, SnapshotReading, SNAPSHOTS,
};
use crate::shared::domain::{forbidden_control, valid_uid};
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file naming the space, at the root of the shared folder (written once).
pub const SPACE_FILE: &str = "espace-catalyse.json";

/// What the space file says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpaceFile {
    pub format: i64,
    pub workspace: String,
    pub created: String,
}

/// A shared workspace's space, as this copy has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Space {
    pub workspace: String,
    #[ts(type = "string")]
    pub folder: PathBuf,
    pub device: String,
    pub device_name: String,
    pub since: String,
}

/// A device of the space as this copy knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DeviceState {
    pub device: String,
    pub name: String,
    /// Its last change file applied here (this laptop's: written).
    #[ts(type = "number")]
    pub seq: u64,
    pub hash: String,
    /// The clock of its newest change set applied here.
    #[ts(type = "number")]
    pub at: i64,
    /// When its last file was applied here (ISO 8601), empty if never.
    pub seen: String,
}

fn invalid(field: &'static str, code: &'static str, message: String) -> CoreError {
    CoreError::validation(field, code, message)
}

/// A device's name as users give it: trimmed, 1 to 80 characters, no control character.
pub fn valid_device_name(name: &str) -> CoreResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 || forbidden_control(name).is_some() {
        return Err(invalid(
            "device_name",
            "share.device_name",
            "Donnez à cet ordinateur un nom de 1 à 80 caractères (par exemple « ordinateur de Claire »).".into(),
        ));
    }
    Ok(name.to_string())
}

/// The space file of the shared folder `folder`, if there is one.
pub fn read_space_file(folder: &Path) -> CoreResult<Option<SpaceFile>> {
    let path = folder.join(SPACE_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let file: SpaceFile = serde_json::from_slice(&bytes).map_err(|e| CoreError::Unreadable {
        what: "Le fichier de l'espace partagé",
        detail: e.to_string(),
    })?;
    if file.format != 1 || valid_uid("workspace", &file.workspace).is_err() {
        return Err(CoreError::Unreadable {
            what: "Le fichier de l'espace partagé",
            detail: "format ou identité inconnus".into(),
        });
    }
    Ok(Some(file))
}

fn require_folder(folder: &Path) -> CoreResult<()> {
    check_root(folder)?;
    if !folder.is_dir() {
        return Err(invalid(
            "folder",
            "share.no_folder",
            format!(
                "Le dossier partagé « {} » est introuvable.",
                folder.display()
            ),
        ));
    }
    Ok(())
}

/// The folder of the space the workspace open (read-only) on `conn` is shared in, if it is:
/// what a command that only reads the file needs (`catalyse hub grant --workspace`).
pub fn shared_folder(conn: &rusqlite::Connection) -> CoreResult<Option<PathBuf>> {
    Ok(conn
        .query_row("SELECT folder FROM share_space WHERE id = 1", [], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
        .map(PathBuf::from))
}

impl Store {
    /// The space this workspace is shared in, if it is.
    pub fn share_space(&self) -> CoreResult<Option<Space>> {
        let device = self.journal.device_id();
        Ok(self
            .conn
            .query_row(
                "SELECT workspace, folder, device_name, since FROM share_space WHERE id = 1",
                [],
                |r| {
                    Ok(Space {
                        workspace: r.get(0)?,
                        folder: PathBuf::from(r.get::<_, String>(1)?),
                        device: device.clone(),
                        device_name: r.get(2)?,
                        since: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// The space, or a French error when the workspace is not shared.
    pub(crate) fn require_space(&self) -> CoreResult<Space> {
        self.share_space()?.ok_or_else(|| {
            invalid(
                "workspace",
                "share.not_shared",
                "Cet espace de travail n'est pas partagé : utilisez d'abord « Partager avec l'équipe… ».".into(),
            )
        })
    }

    /// The devices of the space as this copy knows them, this laptop's first.
    pub fn share_devices(&self) -> CoreResult<Vec<DeviceState>> {
        devices(&self.conn, &self.journal.device_id())
    }

    /// Makes this workspace the team's, shared through `folder` (which must exist and hold no
    /// other space): the folder gets the space's identity and a snapshot of the workspace.
    pub fn share_init(&mut self, folder: &Path, device_name: &str) -> CoreResult<Space> {
        let name = valid_device_name(device_name)?;
        require_folder(folder)?;
        let folder = &std::fs::canonicalize(folder)?;
        if self.share_space()?.is_some() {
            return Err(invalid(
                "workspace",
                "share.already",
                "Cet espace de travail est déjà partagé.".into(),
            ));
        }
        if read_space_file(folder)?.is_some() {
            return Err(invalid(
                "folder",
                "share.folder_taken",
                "Ce dossier contient déjà un espace partagé : choisissez « Rejoindre » pour le recevoir, ou un autre dossier.".into(),
            ));
        }
        let space = SpaceFile {
            format: 1,
            workspace: crate::shared::ids::new_uid(),
            created: crate::db::store::now(),
        };
        let me = self.journal.device_id();
        let my_at: i64 = self.conn.query_row(
            "SELECT coalesce(max(at), 0) FROM change_set WHERE device = ?1",
            [&me],
            |r| r.get(0),
        )?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO share_space (id, workspace, folder, device_name, since) VALUES (1, ?1, ?2, ?3, ?4)",
            params![space.workspace, folder.to_string_lossy(), name, space.created],
        )?;
        tx.execute(
            "INSERT INTO share_device (device, name, at) VALUES (?1, ?2, ?3)",
            params![me, name, my_at],
        )?;
        // The snapshot and the space file are written before the commit: a failure leaves the
        // workspace unshared (a snapshot without its space file is never read).
        write_snapshot(&tx, folder, &space.workspace, &me)?;
        let bytes = serde_json::to_vec_pretty(&space).expect("a space file always serialises");
        write_once(folder, SPACE_FILE, &bytes)?;
        tx.commit()?;
        self.require_space()
    }
}

/// The devices of the space known in `conn`, `me` first.
pub(crate) fn devices(conn: &Connection, me: &str) -> CoreResult<Vec<DeviceState>> {
    let mut list: Vec<DeviceState> = conn
        .prepare(
            "SELECT device, name, seq, hash, at, seen FROM share_device ORDER BY name, device",
        )?
        .query_map([], |r| {
            Ok(DeviceState {
                device: r.get(0)?,
                name: r.get(1)?,
                seq: r.get::<_, i64>(2)? as u64,
                hash: r.get(3)?,
                at: r.get(4)?,
                seen: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    list.sort_by_key(|d| d.device != me);
    Ok(list)
}

/// The rows of a local table as arrays, in column order.
fn rows_of(conn: &Connection, table: &str, columns: &str) -> CoreResult<Vec<Vec<Value>>> {
    let n = columns.split(',').count();
    let rows = conn
        .prepare(&format!("SELECT {columns} FROM {table} ORDER BY 1, 2, 3"))?
        .query_map([], |r| {
            (0..n)
                .map(|i| Ok(crate::db::tables::to_json(r.get_ref(i)?)))
                .collect::<Result<Vec<Value>, rusqlite::Error>>()
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

const VERSION_COLUMNS: &str = "tbl, record, field, at, device, author";
const CONFLICT_COLUMNS: &str =
    "tbl, record, field, kind, at, device, author, value, by_at, by_device";
const ALIAS_COLUMNS: &str = "tbl, uid, same_as";

/// Writes a snapshot of the workspace on `conn` into the shared folder, made by `me`.
pub(crate) fn write_snapshot(
    conn: &Connection,
    folder: &Path,
    workspace: &str,
    me: &str,
) -> CoreResult<PathBuf> {
    let body = SnapshotBody {
        workspace: serde_json::value::RawValue::from_string(
            crate::exchange::workspace_json::export(conn)?,
        )
        .map_err(|e| CoreError::Internal {
            detail: e.to_string(),
        })?,
        versions: rows_of(conn, "share_version", VERSION_COLUMNS)?,
        conflicts: rows_of(conn, "share_conflict", CONFLICT_COLUMNS)?,
        aliases: rows_of(conn, "share_alias", ALIAS_COLUMNS)?,
    };
    let at: i64 = conn.query_row("SELECT coalesce(max(at), 0) FROM change_set", [], |r| {
        r.get(0)
    })?;
    // Never the name of an earlier snapshot of this device (made before any new change).
    let now = chrono::Utc::now().timestamp_millis() << crate::db::journal::CLOCK_COUNTER_BITS;
    let at = at.max(now);
    // Every change set of this laptop is in the snapshot, those not sent yet too (made while
    // receiving: an erasure done again here): a laptop joining from it has seen them all, and
    // says so in its files (else its deletions would seem not to know them).
    let mine: i64 = conn.query_row(
        "SELECT coalesce(max(at), 0) FROM change_set WHERE device = ?1",
        [me],
        |r| r.get(0),
    )?;
    let devices = devices(conn, me)?
        .into_iter()
        .map(|d| {
            let at = if d.device == me { d.at.max(mine) } else { d.at };
            let point = DevicePoint {
                name: d.name,
                seq: d.seq,
                hash: d.hash,
                at,
            };
            (d.device, point)
        })
        .collect();
    let header = SnapshotHeader {
        format: snapshot::SNAPSHOT_FORMAT,
        schema: crate::SCHEMA_VERSION,
        workspace: workspace.to_string(),
        device: me.to_string(),
        at,
        devices,
        length: 0,
    };
    write_once(
        folder,
        &snapshot::snapshot_path(me, at),
        &snapshot::encode(&header, &body),
    )
}

/// Writes the workspace a snapshot holds at `to`, checked as an import is. The snapshot was
/// checked whole before (its hash, its inflated size at most `snapshot::MAX_BYTES`): its
/// document may be larger than a file a person imports.
fn import_snapshot(body: &SnapshotBody, to: &Path) -> CoreResult<()> {
    crate::exchange::workspace_json::import_up_to(
        body.workspace.get().as_bytes(),
        to,
        &crate::shared::progress::Progress::none(),
        snapshot::MAX_BYTES as u64,
    )?;
    Ok(())
}

/// The newest valid snapshot of space `workspace` in `folder`.
fn latest_snapshot(folder: &Path, workspace: &str) -> CoreResult<(SnapshotHeader, SnapshotBody)> {
    let dir = inside(folder, SNAPSHOTS);
    let mut names: Vec<String> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.len() == 57 && n.ends_with(".ccs") && n.is_ascii())
            .collect(),
        Err(_) => Vec::new(),
    };
    // Newest first (the clock is the name's second part).
    names.sort_by(|a, b| b[33..].cmp(&a[33..]));
    let mut why = String::from("aucun instantané dans le dossier");
    for name in names {
        let bytes = std::fs::read(dir.join(&name))?;
        match snapshot::read(&bytes, workspace, crate::SCHEMA_VERSION) {
            SnapshotReading::Valid(v) => return Ok(*v),
            SnapshotReading::Not(r) => why = format!("{name} : {r:?}"),
        }
    }
    Err(invalid(
        "folder",
        "share.no_snapshot",
        format!("Le dossier partagé ne contient pas encore d'instantané lisible de l'espace ({why}) : attendez la fin de la synchronisation, puis réessayez."),
    ))
}

/// Joins the space shared through `folder`: builds a new workspace at `to` from its latest
/// snapshot (checked whole, as an import), named `device_name` for the others. The change
/// files after the snapshot are applied by the first exchange.
pub fn share_join(folder: &Path, to: &Path, device_name: &str) -> CoreResult<Store> {
    share_join_as(folder, to, device_name, None)
}

/// [`share_join`] as device `device` (tests run several laptops in one process), or as this
/// installation.
pub fn share_join_as(
    folder: &Path,
    to: &Path,
    device_name: &str,
    device: Option<&str>,
) -> CoreResult<Store> {
    let name = valid_device_name(device_name)?;
    require_folder(folder)?;
    let folder = &std::fs::canonicalize(folder)?;
    let Some(space) = read_space_file(folder)? else {
        return Err(invalid(
            "folder",
            "share.no_space",
            "Ce dossier ne contient pas d'espace partagé de Catalyse.".into(),
        ));
    };
    let (header, body) = latest_snapshot(folder, &space.workspace)?;
    import_snapshot(&body, to)?;
    let mut store = Store::open(to)?;
    if let Some(device) = device {
        store.journal.set_device(device);
    }
    let joined = (|| -> CoreResult<()> {
        let me = store.journal.device_id();
        if header.devices.contains_key(&me) {
            return Err(invalid(
                "device",
                "share.cloned_device",
                "Cet ordinateur fait déjà partie de l'espace : ouvrez l'espace de travail qu'il partage déjà.".into(),
            ));
        }
        let tx = store.conn.transaction()?;
        tx.execute(
            "INSERT INTO share_space (id, workspace, folder, device_name, since) VALUES (1, ?1, ?2, ?3, ?4)",
            params![space.workspace, folder.to_string_lossy(), name, crate::db::store::now()],
        )?;
        tx.execute(
            "INSERT INTO share_device (device, name) VALUES (?1, ?2)",
            params![me, name],
        )?;
        for (device, p) in &header.devices {
            tx.execute(
                "INSERT INTO share_device (device, name, seq, hash, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![device, p.name, p.seq as i64, p.hash, p.at],
            )?;
        }
        insert_rows(&tx, "share_version", VERSION_COLUMNS, &body.versions)?;
        insert_rows(&tx, "share_conflict", CONFLICT_COLUMNS, &body.conflicts)?;
        insert_rows(&tx, "share_alias", ALIAS_COLUMNS, &body.aliases)?;
        let odd: i64 = tx.query_row(
            "SELECT count(*) FROM share_conflict WHERE kind NOT IN ('concurrent', 'deleted')",
            [],
            |r| r.get(0),
        )?;
        if odd > 0 {
            return Err(CoreError::Unreadable {
                what: "L'instantané de l'espace partagé",
                detail: "un conflit d'un type inconnu".into(),
            });
        }
        quiet_again(&tx)?;
        tx.commit()?;
        Ok(())
    })();
    if let Err(e) = joined {
        drop(store);
        let _ = std::fs::remove_file(to);
        return Err(e);
    }
    // The first exchange: the files after the snapshot applied, and the others told that
    // this laptop is there (what it has received decides what a compaction folds). The
    // folder may be gone again already: the next exchange does it.
    let _ = store.sync_acknowledging();
    Ok(store)
}

/// A snapshot holds the inbox without its flags: each concurrent value is quiet when it is
/// the value of its field that stands, as `share::heads::add_concurrent` sets it on the
/// laptops that received the changes one by one.
fn quiet_again(conn: &Connection) -> CoreResult<()> {
    let entries: Vec<(i64, String, String, String)> = conn
        .prepare("SELECT id, tbl, record, field FROM share_conflict WHERE kind = 'concurrent'")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let mut tables = crate::share::rows::Tables::default();
    for (id, table, record, field) in entries {
        if !crate::db::records::kind(&table).is_some_and(|k| k.syncs) {
            continue;
        }
        let standing = crate::share::rows::record(conn, &mut tables, &table, &record)?
            .and_then(|r| r.get(&field).cloned())
            .unwrap_or(Value::Null);
        conn.execute(
            "UPDATE share_conflict SET quiet = (value IS ?2) WHERE id = ?1",
            params![id, standing.to_string()],
        )?;
    }
    Ok(())
}

/// Inserts a snapshot's rows of a local table (STRICT tables refuse a wrong type).
fn insert_rows(
    conn: &Connection,
    table: &str,
    columns: &str,
    rows: &[Vec<Value>],
) -> CoreResult<()> {
    let n = columns.split(',').count();
    let sql = format!(
        "INSERT INTO {table} ({columns}) VALUES ({})",
        vec!["?"; n].join(", ")
    );
    let mut st = conn.prepare(&sql)?;
    for row in rows {
        if row.len() != n {
            return Err(CoreError::Unreadable {
                what: "L'instantané de l'espace partagé",
                detail: format!("une ligne de {table} n'a pas {n} colonnes"),
            });
        }
        let values: Vec<rusqlite::types::Value> = row
            .iter()
            .map(|v| crate::history::undo::sql_value(v, ""))
            .collect::<CoreResult<_>>()?;
        st.execute(rusqlite::params_from_iter(values.iter()))?;
    }
    Ok(())
}

/// The clock of the newest change set of each device that `me` has applied (what a file
/// written now says it had received).
pub(crate) fn seen_vector(conn: &Connection, me: &str) -> CoreResult<BTreeMap<String, i64>> {
    let rows = conn
        .prepare("SELECT device, at FROM share_device WHERE device <> ?1 AND at > 0")?
        .query_map([me], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}
