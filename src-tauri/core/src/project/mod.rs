//! The territory and its Projet de territoire: the home screen's figures.

pub mod dashboard;
