// The app's commands, declared so that capabilities must grant each one explicitly.
const COMMANDS: &[&str] = &[
    "get_project",
    "list_documents",
    "open_document",
    "create_annotation",
    "delete_annotation",
    "undo",
    "redo",
    "import_paths",
    "choose_import",
    "cancel_import",
    "list_export_formats",
    "choose_export_destination",
    "start_export",
    "cancel_export",
    "list_backups",
    "index_status",
    "restore_backup",
    "query_library",
    "search_documents",
    "update_annotation",
    "create_relation",
    "delete_relation",
    "annotation_history",
    "list_entities",
    "create_entity",
    "update_entity",
    "merge_entities",
    "entity_mentions",
    "list_statements",
    "set_annotator",
    "create_label",
    "update_label",
    "label_usage",
    "delete_label",
    "create_relation_type",
    "update_relation_type",
    "delete_relation_type",
    "remember_place",
    "last_place",
    "locate_in_library",
    "draw_sample",
    "list_samples",
    "list_coders",
    "set_blind_mode",
    "assign_documents",
    "mark_done",
    "agreement_report",
    "adjudication_state",
    "accept_agreed",
    "decide_disagreement",
    "finish_adjudication",
    "save_agreement_report",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
