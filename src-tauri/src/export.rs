//! Exports in the app: run on their own thread with their own connection (reading one
//! snapshot, so the analyst can keep coding meanwhile); progress and the result reach the
//! webview as events. The export dialog's Export button ends up in [`start`].

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tauri::{AppHandle, Emitter, Manager, Runtime};

use claimdesk_export::{run, Request};
use claimdesk_formats::write::{ExportFormat, Layout};
use claimdesk_store::Project;

use crate::dto::{ExportProgressDto, ExportResultDto};
use crate::error::{Code, ErrorDto};
use crate::state::AppState;

pub const PROGRESS_EVENT: &str = "export-progress";
pub const FINISHED_EVENT: &str = "export-finished";

const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Whether an export is running, and how to ask it to stop.
#[derive(Default)]
pub struct ExportState {
    running: AtomicBool,
    cancel: Arc<AtomicBool>,
}

impl ExportState {
    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Starts the export in the background. Refuses while another export runs.
pub fn start<R: Runtime>(app: &AppHandle<R>, request: Request) -> Result<(), ErrorDto> {
    let state = app.state::<AppState>();
    if let Err(error) = &state.project {
        return Err(error.clone());
    }
    if state.export.running.swap(true, Ordering::SeqCst) {
        return Err(ErrorDto::new(
            Code::ExportRunning,
            "an export is already running; wait for it or cancel it first",
        ));
    }
    state.export.cancel.store(false, Ordering::Relaxed);
    let cancel = Arc::clone(&state.export.cancel);
    let project_path = state.project_path.clone();
    let app = app.clone();
    std::thread::spawn(move || {
        let mut last = Instant::now() - PROGRESS_EVERY;
        let result = Project::open_existing(&project_path)
            .map_err(ErrorDto::from)
            .and_then(|project| {
                run(&project, &request, &cancel, |p| {
                    if p.documents_done == p.documents_total || last.elapsed() >= PROGRESS_EVERY {
                        last = Instant::now();
                        let _ = app.emit(PROGRESS_EVENT, ExportProgressDto::from(p));
                    }
                })
                .map_err(|e| ErrorDto::from_crate(e.code(), e.to_string()))
            });
        app.state::<AppState>()
            .export
            .running
            .store(false, Ordering::SeqCst);
        let _ = app.emit(FINISHED_EVENT, ExportResultDto::new(request.format, result));
    });
    Ok(())
}

/// Asks where to write with the native save dialog; `None` when the analyst cancels. Folder
/// formats are saved under the name typed, as a new folder.
pub fn choose<R: Runtime>(app: &AppHandle<R>, format: ExportFormat) -> Option<PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    let title = match format.layout() {
        Layout::File => format!("Export as {}", format.description()),
        Layout::Folder => format!("Export as {} (a folder)", format.description()),
    };
    app.dialog()
        .file()
        .set_title(title)
        .set_file_name(format.default_name())
        .blocking_save_file()?
        .into_path()
        .ok()
}
