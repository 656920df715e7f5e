//! Actors: their queries, and the actor card (links, meetings, actions, funding,
//! introductions).

pub mod card;
pub mod listing;
pub mod store;
#[cfg(test)]
pub(crate) mod testing;
