//! Who may read a team's change files and add their own (`catalyse hub grant|revoke`, by an
//! administrator: the owner of the server schema). A member is a PostgreSQL role (one per
//! person); granting makes it a member of the team and of the group role `catalyse_member`
//! that holds the privileges. Revoking ends its membership of the team: the policies then give
//! it no row of the team, and its pushes are refused; its laptop keeps what it has.

use crate::connect::Hub;
use crate::error::{server_error, HubError, HubResult};
use crate::schema::check;
use tokio_postgres::GenericClient;

/// A team's identity, checked (a UUID).
pub fn team_id(text: &str) -> HubResult<String> {
    uuid::Uuid::parse_str(text.trim())
        .map(|u| u.to_string())
        .map_err(|_| HubError::Address(format!("« {text} » n'est pas l'identité d'une équipe (un UUID, voir « catalyse share status »).")))
}

/// Makes `role` a member of `team` (again, when it was revoked). Returns whether anything changed.
pub async fn grant(hub: &mut Hub, team: &str, role: &str) -> HubResult<bool> {
    let team = team_id(team)?;
    check(hub).await?;
    let who = hub.role.clone();
    let err = |what: &'static str| {
        let who = who.clone();
        move |e: tokio_postgres::Error| HubError::from_statement(e, &who, what)
    };
    let tx = hub
        .client()
        .transaction()
        .await
        .map_err(|e| server_error(&e))?;
    let known: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM catalyse_hub.team WHERE id = $1::text::uuid)",
            &[&team],
        )
        .await
        .map_err(err("lire les équipes"))?
        .get(0);
    if !known {
        return Err(HubError::UnknownTeam(team));
    }
    join_group(&tx, &who, role).await?;
    let changed = tx
        .execute(
            "INSERT INTO catalyse_hub.member (team, role) VALUES ($1::text::uuid, $2)
             ON CONFLICT (team, role) DO UPDATE
                 SET revoked_at = NULL, granted_at = now(), granted_by = current_user
                 WHERE catalyse_hub.member.revoked_at IS NOT NULL",
            &[&team, &role],
        )
        .await
        .map_err(err("accorder l'accès à une équipe"))?;
    tx.commit().await.map_err(|e| server_error(&e))?;
    Ok(changed > 0)
}

/// Lets `role` create teams (`catalyse share init --server`): a member of the group
/// `catalyse_member`, of no team yet.
pub async fn grant_creator(hub: &mut Hub, role: &str) -> HubResult<()> {
    check(hub).await?;
    let who = hub.role.clone();
    join_group(hub.client(), &who, role).await
}

/// Makes the existing role `role` a member of the group `catalyse_member` (`who` asks).
async fn join_group(client: &impl GenericClient, who: &str, role: &str) -> HubResult<()> {
    let err =
        |what: &'static str| move |e: tokio_postgres::Error| HubError::from_statement(e, who, what);
    let exists: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1)",
            &[&role],
        )
        .await
        .map_err(err("lire les rôles"))?
        .get(0);
    if !exists {
        return Err(HubError::UnknownRole(role.to_string()));
    }
    // The identifier quoted by the server itself (`%I`), never by string pasting here.
    let grant: String = client
        .query_one(
            "SELECT format('GRANT catalyse_member TO %I', $1::text)",
            &[&role],
        )
        .await
        .map_err(err("accorder le rôle catalyse_member"))?
        .get(0);
    client
        .batch_execute(&grant)
        .await
        .map_err(err("accorder le rôle catalyse_member (il faut CREATEROLE)"))?;
    Ok(())
}

/// Ends `role`'s membership of `team`. Returns whether it was a member.
pub async fn revoke(hub: &mut Hub, team: &str, role: &str) -> HubResult<bool> {
    let team = team_id(team)?;
    check(hub).await?;
    let who = hub.role.clone();
    let changed = hub
        .client()
        .execute(
            "UPDATE catalyse_hub.member SET revoked_at = now()
             WHERE team = $1::text::uuid AND role = $2 AND revoked_at IS NULL",
            &[&team, &role],
        )
        .await
        .map_err(|e| HubError::from_statement(e, &who, "retirer l'accès à une équipe"))?;
    Ok(changed > 0)
}
