//! Actors: their queries and their list, their contacts and profile (`model`, re-exported
//! here, with their queries in `contact` and `profile`). The actor card, which gathers what
//! the network and the plan say about an actor, is `network::card`.

mod contact;
pub mod listing;
mod model;
mod profile;
pub mod store;
#[cfg(test)]
pub(crate) mod testing;

pub use model::*;
