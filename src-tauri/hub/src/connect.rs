//! A connection to the hub with the user's own role, over verified TLS; its failures named
//! (see [`crate::error`]). Runs on a Tokio runtime: the connection's task is spawned on it.

use crate::address::Address;
use crate::error::{from_connect, server_error, HubResult};
use crate::tls::connector;
use tokio_postgres::Client;

/// An open connection to the hub.
pub struct Hub {
    pub(crate) client: Client,
    pub address: Address,
    /// The role the server knows this connection as (`current_user`).
    pub role: String,
    /// Whether that role is a superuser (Catalyse never syncs as one).
    pub superuser: bool,
}

impl Hub {
    /// Connects to `address`.
    pub async fn connect(address: &Address) -> HubResult<Hub> {
        let tls = connector(address)?;
        let (client, connection) = address
            .config
            .connect(tls)
            .await
            .map_err(|e| from_connect(e, &address.host, address.port, &address.user))?;
        // The connection's task ends when the client is dropped (or the connection is cut,
        // which the client's next call reports).
        tokio::spawn(async move {
            let _ = connection.await;
        });
        let row = client
            .query_one(
                "SELECT current_user::text, rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user",
                &[],
            )
            .await
            .map_err(|e| server_error(&e))?;
        Ok(Hub {
            client,
            address: address.clone(),
            role: row.get(0),
            superuser: row.get(1),
        })
    }

    /// The underlying client, for the modules of this crate.
    pub(crate) fn client(&mut self) -> &mut Client {
        &mut self.client
    }
}
