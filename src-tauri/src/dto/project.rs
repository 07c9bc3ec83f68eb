//! The open project as the window sees it, its backups, and where the analyst was reading.

use serde::Serialize;

use super::schema::{LabelDto, RelationTypeDto};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectDto {
    pub path: String,
    pub annotator: String,
    /// False until the analyst has said who they are: the window then asks.
    pub annotator_confirmed: bool,
    /// Everyone who has worked on the project.
    pub annotators: Vec<String>,
    /// The coder at work, by id (annotations carry their coder's id).
    pub annotator_id: i64,
    /// Whether each coder sees only their own annotations until a document is adjudicated.
    pub blind_mode: bool,
    /// Whether imports take a file whose URL (or title, date and source) matches one document
    /// as a new version of it (an app setting, not the project's).
    pub import_new_versions: bool,
    pub labels: Vec<LabelDto>,
    pub relation_types: Vec<RelationTypeDto>,
}

/// A backup of the project, for the backups dialog.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupDto {
    pub name: String,
    pub made_at: String,
    pub bytes: u64,
}

impl From<claimdesk_store::Backup> for BackupDto {
    fn from(b: claimdesk_store::Backup) -> BackupDto {
        BackupDto {
            name: b.name,
            made_at: b.made_at.to_rfc3339(),
            bytes: b.bytes,
        }
    }
}

/// Where the analyst was reading: a document and a UTF-16 position in its text.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaceDto {
    pub document_id: i64,
    pub at16: usize,
}

/// A team project's sync, for the status bar: where, as whom, and how the last sync went.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamStatusDto {
    /// `postgres://ROLE@HOST:PORT/DATABASE`, never with a password.
    pub server: String,
    pub coder: Option<String>,
    /// `syncing`, `synced`, `offline` (the server cannot be reached: work goes on and is sent
    /// later) or `failed` (the server answered with an error).
    pub state: &'static str,
    /// Why it is offline or failed, as the analyst reads it.
    pub message: Option<String>,
    pub last_synced_at: Option<String>,
    /// What the last sync sent and received.
    pub pushed: usize,
    pub pulled: usize,
    /// Local changes not sent yet.
    pub unsent: usize,
    /// Local edits of kinds this version does not sync.
    pub not_sent: usize,
    /// Others' changes that cannot be applied here yet, and deletions declined, with why.
    pub not_applied: Vec<String>,
    pub declined: Vec<String>,
}
