// Declares the app's own commands so that capabilities can allow exactly those, and writes the
// window's capability from the same list (`src/commands/list.rs`, the one place commands are
// named).

use std::path::Path;

/// Turns the one list of commands into `COMMANDS`.
macro_rules! catalyse_commands {
    ($($module:ident: $($name:ident),+;)+) => {
        const COMMANDS: &[&str] = &[$($(stringify!($name)),+),+];
    };
}

include!("src/commands/list.rs");

/// Beyond its own commands, the window may only zoom its page (Ctrl + = / -, for readers who
/// need 200 %): nothing else of Tauri's core.
const CORE_PERMISSIONS: &[&str] = &["core:webview:allow-set-webview-zoom"];

const CAPABILITY: &str = "src-tauri/capabilities/default.json";

/// The capability's JSON: the main window may call these commands and nothing else.
fn capability() -> String {
    let mut permissions: Vec<String> = CORE_PERMISSIONS
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect();
    permissions.extend(
        COMMANDS
            .iter()
            .map(|c| format!("\"allow-{}\"", c.replace('_', "-"))),
    );
    format!(
        "{{\n  \"identifier\": \"default\",\n  \"description\": \"The main window may call Catalyse's own commands, and nothing else. Written by build.rs from src/commands/list.rs: do not edit.\",\n  \"windows\": [\n    \"main\"\n  ],\n  \"permissions\": [\n    {}\n  ]\n}}\n",
        permissions.join(",\n    ")
    )
}

fn main() {
    // Written only when it changes, so that an unchanged list does not rebuild the app.
    let wanted = capability();
    let path = Path::new(CAPABILITY);
    if std::fs::read_to_string(path).ok().as_deref() != Some(wanted.as_str()) {
        std::fs::write(path, wanted).expect("writing the capability file");
    }
    println!("cargo:rerun-if-changed=src-tauri/src/commands/list.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step failed");
}
