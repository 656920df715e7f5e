//! Catalyse's core: the domain (territory, project, actors), its validation rules, and the
//! local SQLite store. This crate knows nothing about Tauri or any user interface; the desktop
//! app and the command line are thin layers over it.

pub mod analytics;
pub mod assessment;
pub mod backup;
mod bulk;
pub mod card;
pub mod check;
pub mod dashboard;
pub mod demo;
pub mod domain;
pub mod error;
pub mod exchange;
pub mod grid;
pub mod listing;
pub mod map;
pub mod migrations;
pub mod money;
pub mod network;
pub mod network_cache;
pub mod network_store;
pub mod note;
pub mod note_docx;
pub mod note_export;
pub mod note_pdf;
pub mod note_render;
pub mod paths;
pub mod plan;
pub mod plan_store;
pub mod progress;
pub mod rgpd;
#[cfg(test)]
mod robustness;
pub mod search;
pub mod store;
pub mod tabular;
pub mod typography;
pub mod workspace_json;
pub mod writer;

pub use error::{CoreError, CoreResult, ErrorPayload};
pub use migrations::SCHEMA_VERSION;
pub use store::Store;
pub use writer::Workspace;
