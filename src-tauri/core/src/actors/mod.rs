//! Actors: the actor card (links, meetings, actions, funding, introductions).

pub mod card;
#[cfg(test)]
pub(crate) mod testing;
