//! The territory and its Projet de territoire: the header, and the home screen's figures.

pub mod commune_card;
pub mod communes;
pub mod contours;
pub mod dashboard;
pub mod figures;
pub mod map;
mod model;
pub mod places;
pub mod store;

pub use model::*;
#[cfg(test)]
mod map_tests;
