//! Decision notes: the model (re-exported here), Markdown and HTML rendering, DOCX, PDF, and
//! the export with the letterhead logo.

pub mod docx;
pub mod export;
pub mod listing;
mod model;
pub mod pdf;
pub mod render;

pub use model::*;
