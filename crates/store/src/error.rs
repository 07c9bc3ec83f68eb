use std::path::PathBuf;

use claimdesk_core::OffsetError;
use rusqlite::ErrorCode;

/// Everything that can go wrong with a project file. Each variant has a stable [`code`]
/// (`StoreError::code`) that the app and CLI pass on, so callers switch on codes, not messages.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("there is no project at {path}; import into it to create it")]
    NoSuchProject { path: PathBuf },
    #[error("cannot open {path}: it is not a Claimdesk project")]
    NotAProject { path: PathBuf },
    #[error(
        "cannot open {path}: it was written by a newer Claimdesk (schema {found}, this build reads up to {supported}); update Claimdesk"
    )]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "cannot open {path}: the file is damaged ({detail}); it was left as it is. Restore a backup (File ▸ Restore backup…, or claimdesk-cli restore-backup)"
    )]
    Damaged { path: PathBuf, detail: String },
    #[error("cannot open {path}: another program is using the project; close it and try again")]
    ProjectInUse { path: PathBuf },
    #[error("there is no document {0}")]
    UnknownDocument(i64),
    #[error("there is no label {0}")]
    UnknownLabel(i64),
    #[error("there is no annotation {0}")]
    UnknownAnnotation(i64),
    #[error("there is no backup called {0:?}; list them with claimdesk-cli backups")]
    NoSuchBackup(String),
    #[error("cannot restore the backup {0}")]
    BadBackup(String),
    #[error("cannot change the schema: {0}")]
    BadSchema(String),
    #[error("there is no relation type {0}")]
    UnknownRelationType(i64),
    #[error("cannot change the entity: {0}")]
    BadEntity(String),
    #[error("there is no entity {0}")]
    UnknownEntity(i64),
    #[error("cannot change the annotation: {0}")]
    BadEdit(String),
    #[error("there is no relation {0}")]
    UnknownRelation(i64),
    #[error("cannot link the annotations: {0}")]
    BadRelation(String),
    #[error("annotator name must not be empty")]
    EmptyAnnotatorName,
    #[error("an annotation must cover at least one character")]
    EmptySpan,
    #[error("cannot place the annotation: {0}")]
    Offset(#[from] OffsetError),
    #[error("cannot import the document: {0}")]
    Import(String),
    #[error("cannot search for {0}; check the quotes and operators of the query")]
    BadSearch(String),
    #[error("cannot draw the sample: {0}")]
    BadSample(String),
    #[error("there is no sample {0}")]
    UnknownSet(i64),
    #[error("there is no coder called {0:?}")]
    UnknownCoder(String),
    #[error("{0}")]
    BadCoder(String),
    #[error("cannot merge the project: {0}")]
    BadMerge(String),
    #[error("{0}")]
    BadSuggestion(String),
    #[error("there is no open suggestion {0:?} in this document; run the suggestions again")]
    UnknownSuggestion(String),
    #[error("the project file is damaged: {0}")]
    Corrupt(String),
    #[error("the project file holds malformed data: {0}")]
    Json(#[from] serde_json::Error),
    #[error(
        "another program is writing to the project and did not finish within 5 seconds; nothing was changed, try again"
    )]
    Busy,
    /// An undo or redo that no longer fits what others have done since (passed over, never
    /// shown as a failure).
    #[error("the edit no longer applies: {0}")]
    Overtaken(String),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("cannot read or write the project: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// A stable, machine-readable name for the error.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NoSuchProject { .. } => "no_such_project",
            StoreError::NotAProject { .. } => "not_a_project",
            StoreError::SchemaTooNew { .. } => "schema_too_new",
            StoreError::ProjectInUse { .. } | StoreError::Busy => "project_in_use",
            StoreError::Damaged { .. } => "project_damaged",
            StoreError::UnknownDocument(_) => "unknown_document",
            StoreError::UnknownLabel(_) => "unknown_label",
            StoreError::UnknownAnnotation(_) => "unknown_annotation",
            StoreError::NoSuchBackup(_) => "no_such_backup",
            StoreError::BadBackup(_) => "bad_backup",
            StoreError::BadSchema(_) => "bad_schema",
            StoreError::UnknownRelationType(_) => "unknown_relation_type",
            StoreError::BadEntity(_) => "bad_entity",
            StoreError::UnknownEntity(_) => "unknown_entity",
            StoreError::BadEdit(_) => "bad_edit",
            StoreError::UnknownRelation(_) => "unknown_relation",
            StoreError::BadRelation(_) => "bad_relation",
            StoreError::EmptyAnnotatorName => "empty_annotator_name",
            StoreError::EmptySpan => "empty_span",
            StoreError::Offset(OffsetError::PastEnd { .. }) => "offset_out_of_range",
            StoreError::Offset(OffsetError::InsideCharacter { .. }) => "offset_inside_character",
            StoreError::Offset(OffsetError::Reversed { .. }) => "offset_reversed",
            StoreError::Import(_) => "import_invalid",
            StoreError::BadSearch(_) => "bad_search",
            StoreError::BadSample(_) => "bad_sample",
            StoreError::UnknownSet(_) => "unknown_sample",
            StoreError::UnknownCoder(_) => "unknown_coder",
            StoreError::BadCoder(_) => "bad_coder",
            StoreError::BadMerge(_) => "bad_merge",
            StoreError::BadSuggestion(_) => "bad_suggestion",
            StoreError::UnknownSuggestion(_) => "unknown_suggestion",
            StoreError::Corrupt(_) | StoreError::Json(_) => "project_corrupt",
            StoreError::Overtaken(_) => "overtaken",
            StoreError::Sqlite(_) => "database_error",
            StoreError::Io(_) => "io_error",
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        match &error {
            rusqlite::Error::SqliteFailure(e, _)
                if matches!(e.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) =>
            {
                StoreError::Busy
            }
            _ => StoreError::Sqlite(error),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
