//! The territory and its Projet de territoire: the header, and the home screen's figures.

pub mod communes;
pub mod dashboard;
mod model;
pub mod places;
pub mod store;

pub use model::*;
