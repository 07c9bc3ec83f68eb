//! The Analysis views' commands: the network and the timeline of the statements in view. The
//! numbers come from `claimdesk_core::analysis`; blind mode narrows the statements as it does
//! the Statements view.

use std::sync::{Arc, Mutex};

use claimdesk_core::dataset::Scope;
use claimdesk_core::statement::Statement;
use claimdesk_store::Project;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::args::{Arg, Object};
use crate::dto::{
    AnalysisFilterDto, CountsDto, LayoutStartDto, LayoutStepDto, NetworkDto, NetworkRequestDto,
    NodeStatementsDto, NodeStatementsRequestDto, TimelineDto, TimelineRequestDto,
};
use crate::error::ErrorDto;
use crate::state::AppState;

type Answer<T> = Result<T, ErrorDto>;

/// The statements of the last scope the Analysis views read, with the project's change stamp
/// then: a view that draws the network, its timeline and a node's statements, or plays a time
/// window, reads the corpus once, not at every step.
#[derive(Default)]
pub struct StatementCache(Mutex<Option<Cached>>);

struct Cached {
    scope: Scope,
    stamp: (u64, i64, i64),
    statements: Arc<Vec<Statement>>,
}

impl StatementCache {
    /// The statements of `scope` (blind mode already applied to it), read again only when the
    /// project or the scope has changed since the last read.
    fn get(&self, project: &Project, scope: &Scope) -> Result<Arc<Vec<Statement>>, ErrorDto> {
        let stamp = project.change_stamp()?;
        let mut cached = lock(&self.0);
        if let Some(c) = cached
            .as_ref()
            .filter(|c| c.stamp == stamp && c.scope == *scope)
        {
            return Ok(Arc::clone(&c.statements));
        }
        let statements = Arc::new(project.statements(scope)?);
        *cached = Some(Cached {
            scope: scope.clone(),
            stamp,
            statements: Arc::clone(&statements),
        });
        Ok(statements)
    }
}

impl StatementCache {
    /// Reads the whole project's statements in the background, on a connection of its own, as
    /// the project opens: the Analysis view then opens on them rather than reading them first. What it holds is the statements' own size (nothing for a corpus not coded
    /// yet); an edit made meanwhile is seen by the view's next read, as any change is.
    pub fn warm_on_open<R: Runtime>(app: &AppHandle<R>) {
        let state = app.state::<AppState>();
        if state.project.is_err() {
            return;
        }
        let app = app.clone();
        std::thread::spawn(move || {
            crate::background::lower_priority();
            let state = app.state::<AppState>();
            let Ok(own) = state.project().and_then(|p| Ok(p.open_again()?)) else {
                return;
            };
            // Kept rows brought up to date first: that write is not a change of the project,
            // but another connection's commit moves the stamp taken below.
            if own.refresh_statements().is_err() {
                return;
            }
            // The stamp before the read: the statements read are of that state or newer, and
            // a newer state has another stamp, so the next read does not take them for current.
            // (Taken before the cache's lock, in the order the commands take them.)
            let Ok(stamp) = state.project().and_then(|p| Ok(p.change_stamp()?)) else {
                return;
            };
            let mut cached = lock(&state.statements.0);
            if cached.is_some() {
                return;
            }
            let everything = Scope::everything();
            if let Ok(statements) = own.statements(&everything) {
                *cached = Some(Cached {
                    scope: everything,
                    stamp,
                    statements: Arc::new(statements),
                });
            }
        });
    }
}

/// The network of the statements the request's filter keeps.
#[tauri::command]
pub async fn analysis_network(
    state: State<'_, AppState>,
    request: Arg<Object<NetworkRequestDto>>,
) -> Answer<NetworkDto> {
    let Object(request) = request.get("request")?;
    let project = state.project()?;
    let (mut scope, request) = request.resolved(&project)?;
    crate::coders::seen_in_blind_mode(&project, &state, &mut scope)?;
    let statements = state.statements.get(&project, &scope)?;
    Ok(claimdesk_core::analysis::network(&statements, &request).into())
}

/// Statements over time, of one actor or concept or of all.
#[tauri::command]
pub async fn analysis_timeline(
    state: State<'_, AppState>,
    request: Arg<Object<TimelineRequestDto>>,
) -> Answer<TimelineDto> {
    let Object(request) = request.get("request")?;
    let (period, node) = (request.period, request.node);
    let project = state.project()?;
    let (mut scope, filter) = request.filter.unwrap_or_default().resolved(&project)?;
    node.as_deref().map(checked_node).transpose()?;
    crate::coders::seen_in_blind_mode(&project, &state, &mut scope)?;
    let statements = state.statements.get(&project, &scope)?;
    Ok(claimdesk_core::analysis::timeline(&statements, period, &filter, node.as_deref()).into())
}

/// The statements of one node of the network (an actor or a concept), as the filter keeps
/// them: the first [`NODE_STATEMENTS`] in document order, and how many there are.
#[tauri::command]
pub async fn analysis_statements(
    state: State<'_, AppState>,
    request: Arg<Object<NodeStatementsRequestDto>>,
) -> Answer<NodeStatementsDto> {
    let Object(request) = request.get("request")?;
    let project = state.project()?;
    let (mut scope, filter) = request.filter.unwrap_or_default().resolved(&project)?;
    checked_node(&request.node)?;
    crate::coders::seen_in_blind_mode(&project, &state, &mut scope)?;
    let statements = state.statements.get(&project, &scope)?;
    let of = claimdesk_core::analysis::statements_of(&statements, &filter, &request.node);
    Ok(NodeStatementsDto {
        total: of.len(),
        statements: of
            .into_iter()
            .take(NODE_STATEMENTS)
            .cloned()
            .map(Into::into)
            .collect(),
    })
}

/// The most statements of a node one answer holds.
const NODE_STATEMENTS: usize = 2000;

/// The Counts view: annotations per label, coder and document, statements per actor and
/// concept, and the documents not coded yet, of the documents and coding in view.
#[tauri::command]
pub async fn analysis_counts(
    state: State<'_, AppState>,
    filter: Arg<Option<Object<AnalysisFilterDto>>>,
) -> Answer<CountsDto> {
    let filter = filter.get("filter")?.map(|Object(f)| f).unwrap_or_default();
    let project = state.project()?;
    let (mut scope, filter) = filter.resolved(&project)?;
    // Annotations count in the documents of the dates in view, as statements do.
    scope.date_from = filter.date_from;
    scope.date_to = filter.date_to;
    crate::coders::seen_in_blind_mode(&project, &state, &mut scope)?;
    Ok(project.counts(&scope, &filter)?.into())
}

/// The network picture's layout, run here rather than in the webview (ForceAtlas2 runs ten times
/// faster compiled). The view starts one for each network it draws and asks for steps between
/// the pictures it draws; pausing is not asking. A start replaces the layout before it.
#[derive(Default)]
pub struct LayoutState {
    run: Arc<Mutex<Option<LayoutRun>>>,
    started: std::sync::atomic::AtomicU64,
}

struct LayoutRun {
    number: u64,
    layout: claimdesk_core::layout::Layout,
    /// How long an iteration took in the last step: a step runs as many as fit in its time.
    per_iteration: std::time::Duration,
}

/// The most nodes and edges a layout takes (a picture is sent at most `MAX_SHOWN_EDGES` edges).
const MAX_LAYOUT_NODES: usize = 200_000;
const MAX_LAYOUT_EDGES: usize = 200_000;
/// The longest step a view may ask for, in milliseconds.
const MAX_LAYOUT_STEP_MS: u32 = 1000;

/// Starts laying out a network; answers the run's number, which its steps name.
#[tauri::command]
pub async fn analysis_layout_start(
    state: State<'_, AppState>,
    request: Arg<Object<LayoutStartDto>>,
) -> Answer<u64> {
    let Object(request) = request.get("request")?;
    if request.positions.len() > MAX_LAYOUT_NODES {
        return Err(ErrorDto::too_large("the layout", MAX_LAYOUT_NODES, "nodes"));
    }
    if request.edges.len() > MAX_LAYOUT_EDGES {
        return Err(ErrorDto::too_large("the layout", MAX_LAYOUT_EDGES, "edges"));
    }
    let layout = claimdesk_core::layout::Layout::new(&request.positions, &request.edges)
        .map_err(|e| ErrorDto::bad_request(e.to_string()))?;
    let number = state
        .layouts
        .started
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        + 1;
    *lock(&state.layouts.run) = Some(LayoutRun {
        number,
        layout,
        per_iteration: std::time::Duration::ZERO,
    });
    Ok(number)
}

/// Runs the layout `run` for about `milliseconds` (off the command threads) and answers where
/// its nodes are. Refused when another layout has started since.
#[tauri::command]
pub async fn analysis_layout_step(
    state: State<'_, AppState>,
    run: Arg<u64>,
    milliseconds: Arg<u32>,
) -> Answer<LayoutStepDto> {
    let (run, milliseconds) = (run.get("run")?, milliseconds.get("milliseconds")?);
    if milliseconds == 0 || milliseconds > MAX_LAYOUT_STEP_MS {
        return Err(ErrorDto::bad_request(format!(
            "a layout step is 1 to {MAX_LAYOUT_STEP_MS} milliseconds, not {milliseconds}"
        )));
    }
    let layouts = Arc::clone(&state.layouts.run);
    tauri::async_runtime::spawn_blocking(move || {
        let mut current = lock(&layouts);
        let Some(current) = current.as_mut().filter(|r| r.number == run) else {
            return Err(ErrorDto::bad_request(format!(
                "layout {run} is over: another network is being laid out"
            )));
        };
        // As many iterations as the last ones say fit in the time (one to measure, at first).
        let length = std::time::Duration::from_millis(milliseconds.into());
        let count = if current.per_iteration.is_zero() {
            1
        } else {
            (length.as_secs_f64() / current.per_iteration.as_secs_f64()).clamp(1.0, 500.0) as usize
        };
        let began = std::time::Instant::now();
        let step = current.layout.step(count);
        current.per_iteration = began.elapsed() / count as u32;
        Ok(LayoutStepDto {
            positions: step.positions,
            iterations: step.iterations,
            per_iteration: current.per_iteration.as_secs_f64() * 1000.0,
            settled: step.settled,
        })
    })
    .await
    .map_err(|e| {
        ErrorDto::new(
            crate::error::Code::Internal,
            format!("the layout stopped: {e}"),
        )
    })?
}

/// The value behind `mutex`, even if a thread panicked holding it (what it guards is only ever
/// replaced whole).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A node id is a kind and an entity id or a name: refused when longer than a name can make it.
fn checked_node(node: &str) -> Result<(), ErrorDto> {
    let most = crate::args::MAX_NAME_BYTES * 4;
    if node.len() > most {
        return Err(ErrorDto::too_large("the node id", most, "bytes"));
    }
    Ok(())
}

/// The largest picture the Analysis view saves.
const MAX_PICTURE_BYTES: usize = 64 << 20;

/// Opens the native save dialog for a picture of the network (`svg` or `png`); null if
/// cancelled.
#[tauri::command]
pub async fn choose_picture_destination<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    format: Arg<String>,
) -> Answer<Option<String>> {
    use tauri_plugin_dialog::DialogExt;
    let format = picture_format(&format.get("format")?)?;
    Ok(app
        .dialog()
        .file()
        .set_title(format!(
            "Save the picture as {}",
            format.to_ascii_uppercase()
        ))
        .add_filter(format.to_ascii_uppercase(), &[format])
        .set_file_name(format!("network.{format}"))
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string()))
}

/// Saves the picture the view drew (an SVG document or a PNG image), written beside the
/// destination and moved into place when complete. Answers the path written.
#[tauri::command]
pub async fn save_picture(
    destination: Arg<String>,
    format: Arg<String>,
    bytes: Arg<Vec<u8>>,
) -> Answer<String> {
    let path = crate::args::checked_path(&destination.get("destination")?, "the destination")?;
    let format = picture_format(&format.get("format")?)?;
    let bytes = bytes.get("bytes")?;
    if bytes.len() > MAX_PICTURE_BYTES {
        return Err(ErrorDto::too_large(
            "the picture",
            MAX_PICTURE_BYTES,
            "bytes",
        ));
    }
    let looks_right = match format {
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        _ => std::str::from_utf8(&bytes).is_ok_and(|text| {
            let text = text.trim_start();
            text.starts_with("<svg") || text.starts_with("<?xml")
        }),
    };
    if !looks_right {
        return Err(ErrorDto::bad_request(format!(
            "this is not a {} picture",
            format.to_ascii_uppercase()
        )));
    }
    crate::args::write_whole(&path, &bytes).map_err(|e| {
        ErrorDto::new(
            crate::error::Code::IoError,
            format!("cannot save the picture to {}: {e}", path.display()),
        )
    })?;
    Ok(path.display().to_string())
}

fn picture_format(format: &str) -> Result<&'static str, ErrorDto> {
    match format {
        "svg" => Ok("svg"),
        "png" => Ok("png"),
        other => Err(ErrorDto::bad_request(format!(
            "save the picture as svg or png, not {}",
            crate::args::shown(other)
        ))),
    }
}
