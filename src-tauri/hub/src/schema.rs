//! The server schema (`catalyse_hub`), versioned like the local one: append-only migrations,
//! run once, together in one transaction under an advisory lock (two administrators running
//! `catalyse hub init` at once do not both create it); a server whose schema is newer than
//! this Catalyse knows is refused untouched. The policies are in the migrations' text.

use crate::connect::Hub;
use crate::error::{server_error, HubError, HubResult};
use serde::Serialize;

/// The migrations of the server schema, in order: `(version, SQL)`. Append-only.
pub const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../migrations/0001_hub.sql")),
    (2, include_str!("../migrations/0002_paths.sql")),
];

/// The server schema version this Catalyse writes.
pub fn known_version() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// The advisory lock key `hub init` holds while it migrates (any fixed number of our own).
const LOCK: i64 = 0x4341_5441_4c59_5345; // "CATALYSE"

/// What a role outside the group `catalyse_member` may not do.
const USE: &str =
    "se servir de Catalyse (un administrateur doit d'abord lancer « catalyse hub grant »)";

/// What `catalyse hub init` did.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InitReport {
    /// The schema's version before (0: none).
    pub from: i32,
    /// Its version now.
    pub to: i32,
}

/// The server schema's version: `None` when there is none.
pub async fn version(hub: &mut Hub) -> HubResult<Option<i32>> {
    let role = hub.role.clone();
    let exists: bool = hub
        .client()
        .query_one(
            "SELECT to_regclass('catalyse_hub.version') IS NOT NULL",
            &[],
        )
        .await
        .map_err(|e| HubError::from_statement(e, &role, USE))?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let row = hub
        .client()
        .query_one("SELECT version FROM catalyse_hub.version", &[])
        .await
        .map_err(|e| HubError::from_statement(e, &role, USE))?;
    Ok(Some(row.get(0)))
}

/// Checks that the server has a schema this Catalyse can use.
pub async fn check(hub: &mut Hub) -> HubResult<i32> {
    match version(hub).await? {
        None => Err(HubError::NoSchema),
        Some(v) if v > known_version() => Err(HubError::NewerSchema {
            found: v,
            known: known_version(),
        }),
        Some(v) => Ok(v),
    }
}

/// Creates or brings up to date the server schema (`catalyse hub init`).
pub async fn init(hub: &mut Hub) -> HubResult<InitReport> {
    let role = hub.role.clone();
    let stmt = |what: &'static str| {
        let role = role.clone();
        move |e: tokio_postgres::Error| HubError::from_statement(e, &role, what)
    };
    let tx = hub
        .client()
        .transaction()
        .await
        .map_err(|e| server_error(&e))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])
        .await
        .map_err(stmt("prendre le verrou du schéma"))?;
    let exists: bool = tx
        .query_one(
            "SELECT to_regclass('catalyse_hub.version') IS NOT NULL",
            &[],
        )
        .await
        .map_err(stmt("lire le schéma Catalyse"))?
        .get(0);
    let from: i32 = if exists {
        tx.query_one("SELECT version FROM catalyse_hub.version", &[])
            .await
            .map_err(stmt("lire le schéma Catalyse"))?
            .get(0)
    } else {
        0
    };
    if from > known_version() {
        return Err(HubError::NewerSchema {
            found: from,
            known: known_version(),
        });
    }
    for (v, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > from) {
        tx.batch_execute(sql).await.map_err(stmt(
            "créer le schéma Catalyse (il faut le droit CREATE sur la base et CREATEROLE)",
        ))?;
        tx.execute("UPDATE catalyse_hub.version SET version = $1", &[v])
            .await
            .map_err(stmt("créer le schéma Catalyse"))?;
    }
    tx.commit().await.map_err(|e| server_error(&e))?;
    Ok(InitReport {
        from,
        to: known_version().max(from),
    })
}
