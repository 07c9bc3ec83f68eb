//! The desktop app's library: the commands, their arguments and transport objects, and the
//! state they share. `main.rs` parses the command line, opens the project and calls [`run`];
//! the command fuzz test (`tests/command_fuzz.rs`) builds its app with the same
//! [`invoke_handler`], so it drives exactly the commands the window may call.

mod analysis;
pub mod args;
mod background;
mod backup;
mod codebook;
mod coders;
mod commands;
pub mod drawing;
pub mod dto;
pub mod error;
mod export;
mod import;
mod menu;
pub mod settings;
pub mod state;
mod suggestions;
mod team;
mod versions;

use state::AppState;

/// Starts the window over the opened project (or over why it could not be opened) and returns
/// when it is closed.
pub fn run(state: AppState) -> tauri::Result<()> {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .setup(|app| {
            menu::install(app.handle())?;
            backup::start_on_open(app.handle());
            analysis::StatementCache::warm_on_open(app.handle());
            import::index_on_open(app.handle());
            team::start_on_open(app.handle());
            Ok(())
        })
        .on_menu_event(menu::handle)
        .invoke_handler(invoke_handler())
        .run(tauri::generate_context!("../tauri.conf.json"))
}

/// The commands the webview may call. The command fuzz test builds its app with this same list.
pub fn invoke_handler<R: tauri::Runtime>(
) -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        commands::get_project,
        commands::list_documents,
        commands::open_document,
        commands::create_annotation,
        commands::delete_annotation,
        commands::undo,
        commands::redo,
        commands::import_paths,
        commands::choose_import,
        commands::cancel_import,
        commands::list_export_formats,
        commands::choose_export_destination,
        commands::start_export,
        commands::cancel_export,
        commands::list_backups,
        commands::index_status,
        commands::restore_backup,
        commands::query_library,
        commands::search_documents,
        commands::update_annotation,
        commands::create_relation,
        commands::delete_relation,
        commands::annotation_history,
        commands::list_entities,
        commands::create_entity,
        commands::update_entity,
        commands::merge_entities,
        commands::entity_mentions,
        commands::list_statements,
        analysis::analysis_network,
        analysis::analysis_timeline,
        analysis::analysis_layout_start,
        analysis::analysis_layout_step,
        analysis::analysis_statements,
        analysis::analysis_counts,
        analysis::choose_picture_destination,
        analysis::save_picture,
        commands::set_annotator,
        commands::create_label,
        commands::update_label,
        commands::label_usage,
        commands::delete_label,
        commands::create_relation_type,
        commands::update_relation_type,
        commands::delete_relation_type,
        commands::remember_place,
        commands::last_place,
        commands::locate_in_library,
        commands::draw_sample,
        commands::list_samples,
        coders::list_coders,
        coders::set_blind_mode,
        coders::assign_documents,
        coders::mark_done,
        coders::agreement_report,
        coders::adjudication_state,
        coders::accept_agreed,
        coders::decide_disagreement,
        coders::finish_adjudication,
        coders::save_agreement_report,
        coders::merge_project,
        versions::replace_text,
        versions::place_orphan,
        versions::delete_orphan,
        versions::set_import_new_versions,
        codebook::export_codebook,
        codebook::import_codebook,
        suggestions::suggest_document,
        suggestions::accept_suggestion,
        suggestions::reject_suggestion,
        suggestions::accept_all_suggestions,
        suggestions::suggestion_documents,
        suggestions::start_suggest,
        suggestions::cancel_suggest,
        team::team_status,
        team::sync_now,
    ]
}
