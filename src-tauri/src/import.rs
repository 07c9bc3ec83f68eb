//! Imports in the app: run on their own thread with their own connection to the project, so
//! the window stays responsive and its reads go on; progress and the result reach the webview
//! as events. Drag-and-drop, the File menu, the Import button and the `import_paths` command
//! all end up in [`start`]. The import stores the documents first and then, on the same
//! thread, adds them to the full-text index (also any an earlier, interrupted import left); the
//! progress events say so, and `import-finished` comes once everything is searchable. A project
//! opened with documents not yet indexed gets them indexed in the background
//! ([`index_on_open`]).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use claimdesk_import::{index, plan, run, Request};
use claimdesk_store::Project;

use crate::dto::{
    ImportProgressDto, ImportSummaryDto, IndexFinishedDto, IndexProgressDto, IndexStatusDto,
};
use crate::error::{Code, ErrorDto};
use crate::state::AppState;

pub const PROGRESS_EVENT: &str = "import-progress";
pub const FINISHED_EVENT: &str = "import-finished";
pub const REFUSED_EVENT: &str = "import-refused";
pub const INDEX_PROGRESS_EVENT: &str = "index-progress";
pub const INDEX_FINISHED_EVENT: &str = "index-finished";

/// Progress events are sent at most this often; the last one always goes out.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Whether an import is running, and how to ask it to stop.
#[derive(Default)]
pub struct ImportState {
    running: AtomicBool,
    cancel: Arc<AtomicBool>,
    /// Indexing on open: where it is while it runs, then how it ended.
    indexing: Mutex<IndexStatusDto>,
}

impl ImportState {
    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Where indexing on open is, or how it ended; how it ended is told once, so a window
    /// loaded again later (after a restore) does not say it again.
    pub fn indexing(&self) -> IndexStatusDto {
        let mut status = self.indexing.lock().unwrap_or_else(|e| e.into_inner());
        IndexStatusDto {
            progress: status.progress,
            finished: status.finished.take(),
        }
    }

    fn set_indexing(&self, status: IndexStatusDto) {
        *self.indexing.lock().unwrap_or_else(|e| e.into_inner()) = status;
    }
}

/// Finishes the full-text index an earlier import left unfinished (`claimdesk-cli import
/// --no-index`, a cancel, a crash), on its own thread and connection, so every document becomes
/// searchable without the analyst asking. It works in short transactions, like an import's
/// indexing, so edits go on meanwhile; an import started meanwhile indexes alongside it, and
/// closing the app keeps what was indexed. The window follows it through `index_status` (which
/// also says how it ended, should that be before the window listened) and the index events.
pub fn index_on_open<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let waiting = match state.project() {
        Ok(project) => project.unindexed_documents().unwrap_or(0),
        Err(_) => return,
    };
    if waiting == 0 {
        return;
    }
    state.import.set_indexing(IndexStatusDto {
        progress: Some(IndexProgressDto {
            indexed: 0,
            total: waiting,
        }),
        finished: None,
    });
    let path = state.project_path.clone();
    let app = app.clone();
    std::thread::spawn(move || {
        crate::background::lower_priority();
        let state = app.state::<AppState>();
        let mut last = Instant::now() - PROGRESS_EVERY;
        let result = Project::open_existing(&path).and_then(|mut project| {
            index(&mut project, &AtomicBool::new(false), |p| {
                let progress = IndexProgressDto::from(p);
                state.import.set_indexing(IndexStatusDto {
                    progress: Some(progress),
                    finished: None,
                });
                if p.indexed == p.total || last.elapsed() >= PROGRESS_EVERY {
                    last = Instant::now();
                    let _ = app.emit(INDEX_PROGRESS_EVENT, progress);
                }
            })
        });
        let finished = match result {
            Ok(done) => IndexFinishedDto {
                indexed: done.indexed,
                error: None,
            },
            Err(e) => {
                eprintln!("claimdesk: indexing failed: error[{}]: {e}", e.code());
                IndexFinishedDto {
                    indexed: 0,
                    error: Some(e.into()),
                }
            }
        };
        state.import.set_indexing(IndexStatusDto {
            progress: None,
            finished: Some(finished.clone()),
        });
        let _ = app.emit(INDEX_FINISHED_EVENT, finished);
    });
}

/// Starts importing `paths` in the background. Refuses while another import runs.
/// With `as_coder`, the files are another coder's work: stored under that coder, and a file
/// whose text the project has adds its coding to that document (`import --as`).
pub fn start<R: Runtime>(
    app: &AppHandle<R>,
    paths: Vec<PathBuf>,
    as_coder: Option<String>,
) -> Result<(), ErrorDto> {
    if paths.is_empty() {
        return Ok(());
    }
    let state = app.state::<AppState>();
    if let Err(error) = &state.project {
        return Err(error.clone());
    }
    if state.import.running.swap(true, Ordering::SeqCst) {
        return Err(ErrorDto::new(
            Code::ImportRunning,
            "an import is already running; wait for it or cancel it first",
        ));
    }
    state.import.cancel.store(false, Ordering::Relaxed);
    let cancel = Arc::clone(&state.import.cancel);
    let project_path = state.project_path.clone();
    let annotator_id = state.coder()?;
    let app = app.clone();
    std::thread::spawn(move || {
        let result = (|| {
            let mut project = Project::open_existing(&project_path)?;
            let mut request = Request::new(paths);
            request.new_versions = crate::settings::import_new_versions();
            let annotator_id = match &as_coder {
                Some(name) => {
                    request.add_coding = true;
                    project.annotator(name, Utc::now())?
                }
                None => annotator_id,
            };
            if let Some(mb) = std::env::var("CLAIMDESK_MAX_IMPORT_MB")
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
            {
                request.max_file_bytes = mb.saturating_mul(1024 * 1024);
            }
            let jobs = plan(&request);
            let mut last = Instant::now() - PROGRESS_EVERY;
            let mut shown: Option<ImportProgressDto> = None;
            let summary = run(
                &mut project,
                &request,
                jobs,
                annotator_id,
                Utc::now(),
                &cancel,
                |p| {
                    let progress = ImportProgressDto::from(p);
                    let done = p.files_done == p.files_total;
                    if done || last.elapsed() >= PROGRESS_EVERY {
                        last = Instant::now();
                        // A closed window cannot be told; the import goes on regardless.
                        let _ = app.emit(PROGRESS_EVENT, &progress);
                    }
                    shown = Some(progress);
                },
            )?;
            // The import panel shows indexing as the last stretch of the import: every file
            // done, the bar and the line below it following the index.
            let mut shown = shown.unwrap_or_default();
            index(&mut project, &cancel, |p| {
                if p.indexed == p.total || last.elapsed() >= PROGRESS_EVERY {
                    last = Instant::now();
                    shown.bytes_done = p.indexed;
                    shown.bytes_total = p.total;
                    shown.current = format!(
                        "Indexing for search: {} of {} documents",
                        p.indexed, p.total
                    );
                    let _ = app.emit(PROGRESS_EVENT, &shown);
                }
            })?;
            Ok::<_, claimdesk_store::StoreError>(summary)
        })();
        let summary = match result {
            Ok(summary) => ImportSummaryDto::from(&summary),
            Err(e) => ImportSummaryDto::failed(e.into()),
        };
        app.state::<AppState>()
            .import
            .running
            .store(false, Ordering::SeqCst);
        let _ = app.emit(FINISHED_EVENT, summary);
    });
    Ok(())
}

/// Starts an import, telling the webview if it was refused (for paths that came from the menu
/// or a drop rather than from a command the webview is waiting on).
pub fn start_or_report<R: Runtime>(app: &AppHandle<R>, paths: Vec<PathBuf>) {
    if let Err(refusal) = start(app, paths, None) {
        let _ = app.emit(REFUSED_EVENT, refusal);
    }
}

/// The extensions of the files read as they are, plain text or Markdown (for a replaced
/// document's new text): those of [`claimdesk_formats::Format::EXTENSIONS`] that name either.
pub fn text_extensions() -> Vec<&'static str> {
    use claimdesk_formats::Format;
    Format::EXTENSIONS
        .iter()
        .filter(|(_, format)| matches!(format, Format::Text | Format::Markdown))
        .map(|(extension, _)| *extension)
        .collect()
}

/// Asks for files (or a folder) with the native dialog; `None` when the analyst cancels.
pub fn choose<R: Runtime>(app: &AppHandle<R>, folder: bool) -> Option<Vec<PathBuf>> {
    use tauri_plugin_dialog::DialogExt;
    let dialog = app.dialog().file();
    let picked = if folder {
        dialog
            .set_title("Import a folder of articles")
            .blocking_pick_folders()
    } else {
        dialog
            .set_title("Import articles")
            .add_filter(
                "Articles",
                &claimdesk_formats::Format::EXTENSIONS.map(|(extension, _)| extension),
            )
            .blocking_pick_files()
    }?;
    Some(
        picked
            .into_iter()
            .filter_map(|p| p.into_path().ok())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    /// The replace-text dialog offers the plain-text and Markdown extensions of the one list.
    #[test]
    fn text_extensions_come_from_the_formats_list() {
        assert_eq!(super::text_extensions(), ["txt", "text", "md", "markdown"]);
    }
}
