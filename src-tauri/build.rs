// Declares the app's own commands so that capabilities can allow exactly those.
fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step failed");
}

/// Keep in step with `tauri::generate_handler!` in `src-tauri/src/gui.rs`.
const COMMANDS: &[&str] = &[
    "app_info",
    "create_workspace",
    "open_demo",
    "pick_and_open_workspace",
    "save_workspace_as",
    "close_workspace",
    "get_header",
    "update_header",
    "list_actors",
    "create_actor",
    "update_actor",
    "delete_actor",
    "restore_actor",
    "actor_delete_impact",
    "list_needs",
    "create_need",
    "update_need",
    "move_need",
    "need_delete_impact",
    "delete_need",
    "list_axes",
    "create_axis",
    "update_axis",
    "move_axis",
    "axis_delete_impact",
    "delete_axis",
    "list_actions",
    "create_action",
    "update_action",
    "action_delete_impact",
    "delete_action",
    "list_fundings",
    "create_funding",
    "update_funding",
    "delete_funding",
    "funding_plan",
    "list_indicators",
    "create_indicator",
    "update_indicator",
    "delete_indicator",
    "dashboard",
    "search",
    "set_language",
    "set_display_name",
];
