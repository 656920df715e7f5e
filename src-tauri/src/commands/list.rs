// The commands the window may call, written once. Each line: a module of `commands/` and the
// handlers it defines. From this list come the invoke handler (`commands::handler`), the
// build step's command list (`build.rs`, so Tauri generates one permission per command) and
// the window's capability (`capabilities/default.json`, written by `build.rs`).
// A command added to a module and not here cannot be called.
catalyse_commands! {
    workspace: app_info, create_workspace, open_demo, pick_and_open_workspace, save_workspace_as,
        open_writable_copy, close_workspace, watch_open_requests, answer_open_request;
    project: get_header, update_header, dashboard, territory_communes, change_territory_communes,
        territory_commune_page, territory_choices, find_communes, unplaced_communes,
        place_written_commune;
    map: map_frame, map_shapes, map_values, commune_card, commune_figures_page, pick_contours_file,
        contours_preview, contours_commit, discard_contours, export_communes, export_map;
    browse: search;
    actors: actor_page, find_actors, actor_choices, create_actor, update_actor, delete_actor,
        actor_delete_impact, actor_card;
    plan: list_needs, create_need, update_need, move_need, need_delete_impact, delete_need,
        list_axes, create_axis, update_axis, move_axis, axis_delete_impact, delete_axis,
        action_page, get_action, axis_action_counts, find_actions, action_choices, create_action,
        update_action, action_delete_impact, delete_action, funding_page, create_funding,
        update_funding, delete_funding, funding_plan, list_indicators, create_indicator,
        update_indicator, delete_indicator;
    network: list_members, create_member, update_member, delete_member, member_delete_impact,
        card_links,
        update_actor_profile, create_contact, update_contact, delete_contact, create_link,
        update_link, delete_link, meeting_page, create_meeting, update_meeting, delete_meeting,
        meeting_delete_impact,
        proposed_links, create_links, network_map, refresh_map, network_overview,
        refresh_network, network_brokers, network_isolated, introduction_path, influence_matrix,
        valorisation;
    exchange: pick_import_file, import_preview, import_commit, cancel_job, discard_import,
        export_data, export_valorisation, export_team_grid, export_member_sheet,
        export_workspace_json, import_workspace_json;
    grid: grid_reference, list_assessments, create_assessment, update_assessment,
        delete_assessment, suggest_evidence, team_grid, development_plan, save_development_plan;
    notes: note_page, get_note, create_note, update_note, set_note_status, delete_note,
        note_versions, note_version, restore_note_version, refresh_preview, apply_refresh,
        export_note, note_logo, pick_note_logo, remove_note_logo;
    safety: list_backups, backup_now, restore_backup, export_person, erase_person,
        erase_person_from_backups;
    prefs: set_language, set_display_name;
    history: history, record_history, change_set_detail, history_authors, undo_change_set;
    share: share_state, share_init, share_join, sync_now, watch_shared_folder, share_compact,
        share_drop_device, conflicts, resolve_conflict, invariants, merge_actors, accept_invariant,
        reorder_siblings;
    hub: hub_check, share_init_server, share_join_server, share_move_server,
        hub_remember_password, pick_certificate;
}
