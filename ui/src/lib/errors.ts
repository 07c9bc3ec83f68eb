/**
 * The codes of the backend's failures (`ApiError.code`), as `src-tauri/src/error.rs` lists them;
 * a test there keeps the two lists equal.
 */
export type ErrorCode =
  // A request refused for what it asked.
  | 'bad_request'
  | 'too_large'
  | 'unknown_document'
  | 'unknown_label'
  | 'unknown_annotation'
  | 'no_such_backup'
  | 'empty_span'
  | 'offset_out_of_range'
  | 'offset_inside_character'
  | 'offset_reversed'
  | 'bad_search'
  | 'unknown_annotator'
  | 'bad_edit'
  | 'unknown_entity'
  | 'bad_relation'
  | 'unknown_relation'
  | 'bad_entity'
  | 'empty_annotator_name'
  | 'bad_schema'
  | 'unknown_relation_type'
  | 'coder_unknown'
  | 'bad_sample'
  | 'unknown_sample'
  | 'unknown_coder'
  | 'bad_coder'
  | 'bad_merge'
  | 'bad_suggestion'
  | 'unknown_suggestion'
  | 'bad_file'
  | 'malformed'
  | 'bad_destination'
  | 'write_failed'
  | 'blinded'
  | 'not_a_team_project'
  // The app's state: something else is running, or the app itself failed.
  | 'busy'
  | 'import_running'
  | 'export_running'
  | 'suggest_running'
  | 'internal'
  | 'io_error'
  | 'settings_unwritable'
  | 'settings_failed'
  // The project file (store).
  | 'no_such_project'
  | 'not_a_project'
  | 'schema_too_new'
  | 'project_in_use'
  | 'project_damaged'
  | 'project_corrupt'
  | 'database_error'
  | 'bad_backup'
  | 'import_invalid'
  | 'overtaken'
  // A file read (formats, import).
  | 'unreadable'
  | 'not_text'
  | 'encrypted'
  | 'no_text_layer'
  | 'empty'
  | 'bad_options'
  // An export (formats, export).
  | 'export_self_check'
  | 'export_invalid'
  | 'cancelled'
  // A team project's server.
  | 'bad_team_url'
  | 'team_unreachable'
  | 'team_refused'
  | 'team_server_failed'
  | 'team_published'
  | 'team_not_published'
  | 'team_schema_too_new'
  | 'project_exists'
  | 'bad_team_role';

/**
 * Codes the webview gives failures that never got an answer from the backend: a command the app
 * did not answer (`ipc_failed`), or a failure that was not an `ApiError` (`failed`).
 */
export type WebviewErrorCode = 'ipc_failed' | 'failed';
