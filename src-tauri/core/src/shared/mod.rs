//! What every domain uses: the code enums and validation helpers, errors, money, French
//! typography, text folding and sort keys, progress reports, table files written whole.

pub mod codes;
pub mod dirs;
pub mod domain;
pub mod error;
pub mod files;
pub mod fonts;
pub mod ids;
pub mod money;
pub mod progress;
pub mod sheet;
pub mod text;
pub mod typography;
