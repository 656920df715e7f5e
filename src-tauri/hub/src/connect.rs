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

/// The channel on which the server tells of each push (`NOTIFY` without payload: a listener
/// learns only that some team's files arrived, and exchanges).
pub const CHANNEL: &str = "catalyse_hub";

/// Listens to the server of `address` for pushes: `on_news` is called for each notification
/// while the connection lasts. Returns when it ends (the server restarted, the network cut:
/// the caller listens again later; polling stays the rule meanwhile).
pub async fn listen(address: &Address, mut on_news: impl FnMut()) -> HubResult<()> {
    use tokio_postgres::AsyncMessage;
    let tls = connector(address)?;
    let (client, mut connection) = address
        .config
        .connect(tls)
        .await
        .map_err(|e| from_connect(e, &address.host, address.port, &address.user))?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    // The connection's messages, polled on their own task: notifications go to `rx`; the
    // task ends with the connection, which closes the channel.
    tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = futures_util::StreamExt::next(&mut messages).await {
            match message {
                Ok(AsyncMessage::Notification(_)) => {
                    if tx.send(()).is_err() {
                        break;
                    }
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
    });
    client
        .batch_execute(&format!("LISTEN {CHANNEL}"))
        .await
        .map_err(|e| server_error(&e))?;
    while rx.recv().await.is_some() {
        on_news();
    }
    Ok(())
}
