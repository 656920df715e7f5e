//! Actors: their queries and their list (the actor card, which gathers what the network and
//! the plan say about an actor, is `network::card`).

pub mod listing;
pub mod store;
#[cfg(test)]
pub(crate) mod testing;
