//! The territory and its Projet de territoire: the header, and the home screen's figures.

pub mod dashboard;
pub mod store;
