//! Queries on team members, links and meetings, one file per kind of record, and the bulk
//! writes of imports (an actor's contacts and profile are queried in `actors/`). Every change that touches more than one row runs in
//! one transaction.

pub(crate) mod bulk;
#[cfg(test)]
mod bulk_tests;
mod link;
mod meeting;
mod member;
#[cfg(test)]
mod tests;

use crate::network::Introducer;
pub use meeting::PROPOSE_MAX_ACTORS;

fn introducer_columns(i: Option<Introducer>) -> (Option<i64>, Option<i64>) {
    match i {
        Some(Introducer::Actor(a)) => (Some(a), None),
        Some(Introducer::Member(m)) => (None, Some(m)),
        None => (None, None),
    }
}
