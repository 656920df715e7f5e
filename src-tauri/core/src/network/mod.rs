//! The network: team members, links, meetings (`model`, re-exported here, and
//! `store/`, one file per kind of record), the actor card (`card`: an actor, its links,
//! meetings, actions, funding and introductions), its analysis, the map, the cached analysis,
//! and its reports: the influence / interest matrix and the valorisation report.

pub mod analytics;
pub mod cache;
pub mod card;
pub mod listing;
pub mod map;
pub mod matrix;
mod model;
pub mod store;
pub mod valorisation;

/// An actor's contacts and profile, named here too where the network's code and its callers
/// have always found them.
pub use crate::actors::{ActorProfile, Contact, ContactInput, ValidContact, TAGS_MAX, TAG_LEN_MAX};
pub use model::*;
