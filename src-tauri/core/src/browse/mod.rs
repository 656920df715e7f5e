//! Reading records the way the UI pages through them: lists filtered, sorted and paged in
//! SQL, and the search.

pub mod listing;
pub mod search;
