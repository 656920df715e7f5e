//! Catalyse's core: the domain and its validation rules, and the local SQLite store, one
//! folder per domain. This crate knows nothing about Tauri or any user interface; the desktop
//! app and the command line are thin layers over it.

pub mod actors;
pub mod browse;
pub mod db;
pub mod demo;
pub mod exchange;
pub mod geo;
pub mod grid;
pub mod history;
pub mod map;
pub mod network;
pub mod notes;
pub mod plan;
pub mod project;
pub mod safety;
pub mod share;
pub mod shared;
pub mod workspace;

pub use db::migrations::SCHEMA_VERSION;
pub use db::store::Store;
pub use shared::error::{CoreError, CoreResult, ErrorPayload};
pub use workspace::writer::Workspace;
