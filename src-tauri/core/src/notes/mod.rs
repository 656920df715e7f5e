//! Decision notes: the model (re-exported here), its queries (`store`) and generated sections
//! (`generate`), Markdown and HTML rendering, DOCX, PDF, the letterhead logo they print, and
//! the export that stores it.

pub mod docx;
pub mod export;
mod generate;
pub mod letterhead;
pub mod listing;
pub mod maps;
mod model;
pub mod pdf;
pub mod render;
mod store;

pub use model::*;
