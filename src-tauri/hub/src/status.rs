//! `catalyse hub status`: what the connected role sees of the hub: the schema's version, the
//! teams it is a member of (all of them for the schema's owner), their members and devices,
//! how many files each device pushed and when it last did.

use crate::connect::Hub;
use crate::error::{HubError, HubResult};
use crate::schema::check;
use serde::Serialize;

/// The most teams listed.
const MAX_TEAMS: i64 = 500;

#[derive(Debug, Serialize)]
pub struct HubStatus {
    /// The address as shown (no password).
    pub server: String,
    pub schema: i32,
    pub role: String,
    pub teams: Vec<TeamStatus>,
}

#[derive(Debug, Serialize)]
pub struct TeamStatus {
    pub team: String,
    pub name: String,
    pub members: Vec<MemberStatus>,
    pub devices: Vec<DeviceStatus>,
}

#[derive(Debug, Serialize)]
pub struct MemberStatus {
    pub role: String,
    pub revoked: bool,
}

#[derive(Debug, Serialize)]
pub struct DeviceStatus {
    pub device: String,
    pub name: String,
    pub role: String,
    /// Change files it pushed.
    pub files: i64,
    /// When it last pushed one (ISO 8601), if ever.
    pub last_push: Option<String>,
}

/// The hub as the connected role sees it.
pub async fn status(hub: &mut Hub) -> HubResult<HubStatus> {
    let schema = check(hub).await?;
    let role = hub.role.clone();
    let err = |e| HubError::from_statement(e, &role, "lire l'état du serveur");
    let client = hub.client();
    let mut teams: Vec<TeamStatus> = client
        .query(
            "SELECT id::text, name FROM catalyse_hub.team ORDER BY created_at, id LIMIT $1",
            &[&MAX_TEAMS],
        )
        .await
        .map_err(err)?
        .iter()
        .map(|r| TeamStatus {
            team: r.get(0),
            name: r.get(1),
            members: Vec::new(),
            devices: Vec::new(),
        })
        .collect();
    let ids: Vec<String> = teams.iter().map(|t| t.team.clone()).collect();
    for r in client
        .query(
            "SELECT team::text, role::text, revoked_at IS NOT NULL FROM catalyse_hub.member
             WHERE team = ANY($1::text[]::uuid[]) ORDER BY granted_at, role",
            &[&ids],
        )
        .await
        .map_err(err)?
    {
        let team: String = r.get(0);
        if let Some(t) = teams.iter_mut().find(|t| t.team == team) {
            t.members.push(MemberStatus {
                role: r.get(1),
                revoked: r.get(2),
            });
        }
    }
    for r in client
        .query(
            "SELECT d.team::text, d.device::text, d.name, d.role::text, count(c.seq),
                    to_char(max(c.received_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
             FROM catalyse_hub.device d
             LEFT JOIN catalyse_hub.change_file c ON c.team = d.team AND c.device = d.device
             WHERE d.team = ANY($1::text[]::uuid[])
             GROUP BY d.team, d.device, d.name, d.role, d.joined_at
             ORDER BY d.joined_at, d.device",
            &[&ids],
        )
        .await
        .map_err(err)?
    {
        let team: String = r.get(0);
        if let Some(t) = teams.iter_mut().find(|t| t.team == team) {
            t.devices.push(DeviceStatus {
                device: r.get(1),
                name: r.get(2),
                role: r.get(3),
                files: r.get(4),
                last_push: r.get(5),
            });
        }
    }
    Ok(HubStatus {
        server: hub.address.shown(),
        schema,
        role: hub.role.clone(),
        teams,
    })
}
