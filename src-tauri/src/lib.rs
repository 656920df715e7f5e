//! The Catalyse desktop app and command line: one binary, thin layers over `catalyse_core`.
//!
//! `catalyse` with no subcommand opens the window; with a subcommand it runs headless.

pub mod cli;
mod commands;
mod gui;
mod jobs;
pub mod prefs;

/// Entry point of the binary: returns the process exit code.
pub fn main_entry() -> i32 {
    match cli::parse() {
        cli::Invocation::Headless(code) => code,
        cli::Invocation::Gui { workspace } => gui::run(workspace),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// The handler list, the build-time command list and the capability must name the same
    /// commands: a command missing from one of them is refused at run time.
    #[test]
    fn command_lists_agree() {
        let handler: BTreeSet<String> = include_str!("gui.rs")
            .lines()
            .filter_map(|l| l.trim().strip_prefix("commands::"))
            .filter_map(|l| {
                l.trim_end_matches(',')
                    .rsplit("::")
                    .next()
                    .map(String::from)
            })
            .collect();
        let build: BTreeSet<String> = include_str!("../build.rs")
            .lines()
            .filter_map(|l| l.trim().strip_prefix('"'))
            .filter_map(|l| l.strip_suffix("\","))
            .map(String::from)
            .collect();
        let caps: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
        let permissions: Vec<&str> = caps["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        // Beyond its own commands, the window may only zoom its page (Ctrl + = / -, for
        // readers who need 200 %): nothing else of Tauri's core is allowed.
        let core: Vec<&str> = permissions
            .iter()
            .copied()
            .filter(|p| p.starts_with("core:"))
            .collect();
        assert_eq!(core, ["core:webview:allow-set-webview-zoom"]);
        let allowed: BTreeSet<String> = permissions
            .iter()
            .filter(|p| !p.starts_with("core:"))
            .map(|p| p.strip_prefix("allow-").unwrap().replace('-', "_"))
            .collect();
        assert!(handler.len() > 20, "{handler:?}");
        assert_eq!(handler, build);
        assert_eq!(handler, allowed);
    }
}
