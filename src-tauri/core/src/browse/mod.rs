//! Reading records the way the UI pages through them: what every list shares (each domain's
//! `listing.rs` pages its own records), and the search across them.

pub mod listing;
pub mod search;
