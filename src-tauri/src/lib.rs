//! The Catalyse desktop app and command line: one binary, thin layers over `catalyse_core`.
//!
//! `catalyse` with no subcommand opens the window; with a subcommand it runs headless.

pub mod cli;
mod commands;
mod gui;
pub mod prefs;

/// Entry point of the binary: returns the process exit code.
pub fn main_entry() -> i32 {
    match cli::parse() {
        cli::Invocation::Headless(code) => code,
        cli::Invocation::Gui { workspace } => gui::run(workspace),
    }
}
