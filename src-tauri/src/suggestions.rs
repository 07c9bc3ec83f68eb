//! Suggestions in the app: the finder on the open document (run as it opens), accepting and
//! rejecting at keyboard speed, and a run over many documents in the background with progress
//! and cancel. Thin: the store finds, keeps and decides; `dto::suggestions` converts offsets.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use claimdesk_store::Project;

use crate::args::{Arg, Object};
use crate::dto::{
    LibraryQueryDto, SuggestOptionsDto, SuggestProgressDto, SuggestRequestDto, SuggestResultDto,
    SuggestionDecisionDto, SuggestionsDto,
};
use crate::error::{Code, ErrorDto};
use crate::state::AppState;

type Answer<T> = Result<T, ErrorDto>;

pub const PROGRESS_EVENT: &str = "suggest-progress";
pub const FINISHED_EVENT: &str = "suggest-finished";
const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// Documents named in one run.
const MAX_RUN_DOCUMENTS: usize = 10_000_000;

/// Whether a run over documents is going, and how to stop it.
#[derive(Default)]
pub struct SuggestState {
    running: AtomicBool,
    cancel: Arc<AtomicBool>,
}

fn open_now(project: &Project, state: &AppState, document_id: i64) -> Answer<SuggestionsDto> {
    let open = project.open_suggestions(document_id, state.annotator_id())?;
    let text = project.document(document_id)?.text;
    SuggestionsDto::new(document_id, &text, open)
}

/// Runs the finder on a document and answers the suggestions open for the coder.
#[tauri::command]
pub async fn suggest_document(
    state: State<'_, AppState>,
    request: Arg<Object<SuggestRequestDto>>,
) -> Answer<SuggestionsDto> {
    let Object(request) = request.get("request")?;
    let options = request.options.unwrap_or_default().options()?;
    let mut project = state.project()?;
    if !request.run {
        return open_now(&project, &state, request.document_id);
    }
    let found = project.suggest(
        request.document_id,
        &options,
        state.annotator_id(),
        Utc::now(),
    )?;
    let text = project.document(request.document_id)?.text;
    let mut dto = SuggestionsDto::new(request.document_id, &text, found.open)?;
    dto.unread = found.unread;
    Ok(dto)
}

/// Accepts a suggestion (with its boundaries as edited) as the coder's annotations; one undo
/// step. Answers what is still open.
#[tauri::command]
pub async fn accept_suggestion(
    state: State<'_, AppState>,
    request: Arg<Object<SuggestionDecisionDto>>,
) -> Answer<SuggestionsDto> {
    let Object(request) = request.get("request")?;
    let coder = state.coder()?;
    let mut project = state.project()?;
    let open = project.open_suggestions(request.document_id, coder)?;
    let found = open
        .iter()
        .find(|s| s.key == request.key)
        .ok_or_else(|| claimdesk_store::StoreError::UnknownSuggestion(request.key.clone()))?;
    let text = project.document(request.document_id)?.text;
    let edited = request.edited(&text, &found.suggestion)?;
    project.accept_suggestion(
        request.document_id,
        &request.key,
        edited.as_ref(),
        coder,
        Utc::now(),
    )?;
    let mut dto = open_now(&project, &state, request.document_id)?;
    dto.unlinked = project.suggestion_link_missing()?;
    Ok(dto)
}

/// Rejects a suggestion for the coder: not proposed to them again. Answers what is still open.
#[tauri::command]
pub async fn reject_suggestion(
    state: State<'_, AppState>,
    request: Arg<Object<SuggestionDecisionDto>>,
) -> Answer<SuggestionsDto> {
    let Object(request) = request.get("request")?;
    let coder = state.coder()?;
    let mut project = state.project()?;
    project.reject_suggestion(request.document_id, &request.key, coder, Utc::now())?;
    open_now(&project, &state, request.document_id)
}

/// Accepts every open suggestion of the document; one undo step.
#[tauri::command]
pub async fn accept_all_suggestions(
    state: State<'_, AppState>,
    document_id: Arg<i64>,
) -> Answer<SuggestionsDto> {
    let document_id = document_id.get("documentId")?;
    let coder = state.coder()?;
    let mut project = state.project()?;
    project.accept_all_suggestions(document_id, coder, Utc::now())?;
    let mut dto = open_now(&project, &state, document_id)?;
    dto.unlinked = project.suggestion_link_missing()?;
    Ok(dto)
}

/// The next document after `after` (coming round to the start) with suggestions open for the
/// coder, and how many: `[[id, count]]`, or `[]` when there is none.
#[tauri::command]
pub async fn suggestion_documents(
    state: State<'_, AppState>,
    after: Arg<Option<i64>>,
) -> Answer<Vec<(i64, usize)>> {
    let after = after.get("after")?.unwrap_or(0);
    let project = state.project()?;
    Ok(project
        .next_with_suggestions(state.annotator_id(), after)?
        .into_iter()
        .collect())
}

/// Runs the finder over documents in the background, on its own connection: those named, or
/// those the library's filter selects, or all. Follow it with the suggest events.
#[tauri::command]
pub async fn start_suggest<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    document_ids: Arg<Option<Vec<i64>>>,
    library: Arg<Option<Object<LibraryQueryDto>>>,
    options: Arg<Option<Object<SuggestOptionsDto>>>,
) -> Answer<()> {
    let ids = document_ids.get("documentIds")?;
    let library = match library.get("library")? {
        Some(Object(query)) => Some(query.into_query()?),
        None => None,
    };
    let options = match options.get("options")? {
        Some(Object(o)) => o.options()?,
        None => Default::default(),
    };
    if ids
        .as_ref()
        .is_some_and(|ids| ids.len() > MAX_RUN_DOCUMENTS)
    {
        return Err(ErrorDto::too_large(
            "the documents",
            MAX_RUN_DOCUMENTS,
            "documents",
        ));
    }
    let ids = match (ids, library) {
        (Some(ids), _) => ids,
        (None, Some(query)) => state.project()?.library_ids(&query)?,
        (None, None) => state.project()?.document_ids()?,
    };
    let coder = state.annotator_id();
    if state.suggest.running.swap(true, Ordering::SeqCst) {
        return Err(ErrorDto::new(
            Code::SuggestRunning,
            "suggestions are being found already; wait for them or cancel first",
        ));
    }
    state.suggest.cancel.store(false, Ordering::Relaxed);
    let cancel = Arc::clone(&state.suggest.cancel);
    let project_path = state.project_path.clone();
    std::thread::spawn(move || {
        // However the run ends, the next one may start.
        struct Running<R: Runtime>(AppHandle<R>);
        impl<R: Runtime> Drop for Running<R> {
            fn drop(&mut self) {
                self.0
                    .state::<AppState>()
                    .suggest
                    .running
                    .store(false, Ordering::SeqCst);
            }
        }
        let running = Running(app.clone());
        let mut last = Instant::now() - PROGRESS_EVERY;
        let result = Project::open_existing(&project_path)
            .and_then(|mut project| {
                project.suggest_documents(&ids, &options, coder, Utc::now(), |done, total| {
                    if done == total || last.elapsed() >= PROGRESS_EVERY {
                        last = Instant::now();
                        let _ = app.emit(PROGRESS_EVENT, SuggestProgressDto { done, total });
                    }
                    !cancel.load(Ordering::Relaxed)
                })
            })
            .map_err(ErrorDto::from);
        drop(running);
        let _ = app.emit(FINISHED_EVENT, SuggestResultDto::new(result));
    });
    Ok(())
}

/// Asks the run over documents to stop; what it found so far is kept.
#[tauri::command]
pub async fn cancel_suggest(state: State<'_, AppState>) -> Answer<()> {
    state.suggest.cancel.store(true, Ordering::Relaxed);
    Ok(())
}
