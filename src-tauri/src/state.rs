//! The app's state: the open project and who is working on it. Every command, and the import,
//! export and backup threads, take it from Tauri's state; it is the one thing they share.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};

use claimdesk_store::Project;

use crate::error::{Code, ErrorDto};
use crate::export::ExportState;
use crate::import::ImportState;

/// The open project and who is working on it.
pub struct AppState {
    /// The project, or why it could not be opened (every command then answers that).
    pub project: Result<Mutex<Project>, ErrorDto>,
    pub project_path: PathBuf,
    /// Who the edits are attributed to; switched by `set_annotator`.
    pub annotator: AtomicI64,
    /// False until the analyst has said who they are (or CLAIMDESK_ANNOTATOR did).
    pub annotator_confirmed: AtomicBool,
    pub import: ImportState,
    pub export: ExportState,
    pub suggest: crate::suggestions::SuggestState,
    /// The statements the Analysis views last read, while the project is unchanged.
    pub statements: crate::analysis::StatementCache,
    /// The network picture's layout being run.
    pub layouts: crate::analysis::LayoutState,
    /// A team project's sync.
    pub team: crate::team::TeamState,
}

impl AppState {
    pub fn annotator_id(&self) -> i64 {
        self.annotator.load(Ordering::SeqCst)
    }

    /// Who an edit is attributed to: refused until the analyst has said who is coding, so no
    /// edit is ever credited to the fallback name.
    pub fn coder(&self) -> Result<i64, ErrorDto> {
        if !self.annotator_confirmed.load(Ordering::SeqCst) {
            return Err(ErrorDto::new(
                Code::CoderUnknown,
                "say who is coding first (the question the window asks); nothing was changed",
            ));
        }
        Ok(self.annotator_id())
    }

    pub fn project(&self) -> Result<MutexGuard<'_, Project>, ErrorDto> {
        let project = self.project.as_ref().map_err(Clone::clone)?;
        project.lock().map_err(|_| {
            ErrorDto::new(
                Code::Internal,
                "an earlier command failed midway; restart Claimdesk",
            )
        })
    }
}
