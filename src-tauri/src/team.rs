//! A team project in the app: syncing with its PostgreSQL server in the background every few
//! seconds while the window is open, and at once when the analyst asks; the status bar shows
//! how it went. Thin: `claimdesk-team` syncs, on a connection of its own to the project file,
//! so coding goes on while it runs.

use std::sync::Mutex;
use std::time::Duration;

use chrono::Utc;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use claimdesk_store::Project;
use claimdesk_team::{Link, Server, TeamError};

use crate::dto::TeamStatusDto;
use crate::error::{Code, ErrorDto};
use crate::state::AppState;

pub const STATUS_EVENT: &str = "team-status";

/// How often the background sync runs; `CLAIMDESK_SYNC_SECONDS` sets another period.
fn period() -> Duration {
    let seconds = std::env::var("CLAIMDESK_SYNC_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s >= 0.2)
        .unwrap_or(5.0);
    Duration::from_secs_f64(seconds)
}

/// The last status, and the connection to the server, held by one sync at a time and kept
/// for the next while it works (a sync every few seconds need not log in again each time).
#[derive(Default)]
pub struct TeamState {
    status: Mutex<Option<TeamStatusDto>>,
    server: Mutex<Option<Server>>,
}

/// Starts the background sync if the open project is a team project. A coder's copy codes
/// as that coder, whatever name the app was given: the server takes its edits in that name
/// only, so edits under another would never be sent.
pub fn start_on_open<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let Some(link) = state
        .project()
        .ok()
        .and_then(|p| Link::of(&p).ok().flatten())
    else {
        return;
    };
    if let Some(coder) = &link.coder {
        if let Ok(id) = state
            .project()
            .and_then(|mut p| Ok(p.annotator(coder, Utc::now())?))
        {
            state
                .annotator
                .store(id, std::sync::atomic::Ordering::SeqCst);
            state
                .annotator_confirmed
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
    let app = app.clone();
    std::thread::spawn(move || loop {
        if let Err(e) = sync_once(&app) {
            eprintln!(
                "claimdesk: team sync failed: error[{}]: {}",
                e.code, e.message
            );
        }
        std::thread::sleep(period());
    });
}

fn publish<R: Runtime>(app: &AppHandle<R>, status: TeamStatusDto) -> TeamStatusDto {
    let state = app.state::<AppState>();
    *state.team.status.lock().unwrap_or_else(|e| e.into_inner()) = Some(status.clone());
    let _ = app.emit(STATUS_EVENT, status.clone());
    status
}

/// One sync on a connection of its own; the status it ends with, also sent to the window.
fn sync_once<R: Runtime>(app: &AppHandle<R>) -> Result<TeamStatusDto, ErrorDto> {
    let state = app.state::<AppState>();
    let mut kept = state.team.server.lock().unwrap_or_else(|e| e.into_inner());
    let mut project = Project::open_existing(&state.project_path)?;
    let link = Link::of(&project)?.ok_or_else(|| ErrorDto::from(TeamError::NotLinked))?;
    let previous = state
        .team
        .status
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let mut status = syncing(&project, &link);
    status.last_synced_at = previous.and_then(|p| p.last_synced_at);
    publish(app, status.clone());
    let server = match kept.take() {
        Some(server) => Ok(server),
        None => Server::connect(&link.server),
    };
    let synced = server.and_then(|mut server| {
        let synced = claimdesk_team::sync(&mut project, &mut server, Utc::now());
        // A connection that failed is dropped: the next sync connects again.
        if synced.is_ok() {
            *kept = Some(server);
        }
        synced
    });
    match synced {
        Ok(synced) => {
            status.state = "synced";
            status.last_synced_at = Some(Utc::now().to_rfc3339());
            status.pushed = synced.pushed;
            // Others' annotations a newly adjudicated document brought arrive like changes.
            status.pulled = synced.pulled + synced.opened_annotations;
            status.not_sent = synced.not_sent;
            status.not_applied = synced
                .not_applied
                .iter()
                .take(20)
                .map(|(_, why)| why.clone())
                .collect();
            status.declined = synced.declined.iter().map(|(_, why)| why.clone()).collect();
        }
        Err(e) => {
            status.state = if e.code() == "team_unreachable" {
                "offline"
            } else {
                "failed"
            };
            status.message = Some(e.to_string());
        }
    }
    let link = Link::of(&project)?.unwrap_or(link);
    status.unsent = unsent(&project, &link);
    Ok(publish(app, status))
}

/// Refuses to code as `name` in a coder's copy of a team project made for another coder.
pub fn check_coder(project: &Project, name: &str) -> Result<(), ErrorDto> {
    match Link::of(project)?.and_then(|l| l.coder) {
        Some(coder) if coder != name => Err(ErrorDto::new(
            Code::BadCoder,
            format!(
                "this is {coder}'s copy of a team project: the team server takes its edits as \
                 {coder}'s only; to code as {name}, join the project as {name} into a copy of \
                 your own"
            ),
        )),
        _ => Ok(()),
    }
}

/// The status of a sync about to run.
fn syncing(project: &Project, link: &Link) -> TeamStatusDto {
    TeamStatusDto {
        server: link.server.clone(),
        coder: link.coder.clone(),
        state: "syncing",
        message: None,
        last_synced_at: None,
        pushed: 0,
        pulled: 0,
        unsent: unsent(project, link),
        not_sent: link.not_sent,
        not_applied: Vec::new(),
        declined: Vec::new(),
    }
}

/// Local changes the server has not had yet.
fn unsent(project: &Project, link: &Link) -> usize {
    project
        .outgoing(link.coder.as_deref(), link.pushed_upto)
        .map(|o| o.iter().filter(|o| o.global.is_some()).count())
        .unwrap_or(0)
}

/// How the team project's sync stands (`None`: not a team project).
#[tauri::command]
pub fn team_status(state: State<'_, AppState>) -> Result<Option<TeamStatusDto>, ErrorDto> {
    if let Some(status) = state
        .team
        .status
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
    {
        return Ok(Some(status));
    }
    let project = state.project()?;
    Ok(Link::of(&project)?.map(|link| syncing(&project, &link)))
}

/// Syncs now and answers how it went (`None`: not a team project, nothing to sync).
#[tauri::command]
pub async fn sync_now<R: Runtime>(app: AppHandle<R>) -> Result<Option<TeamStatusDto>, ErrorDto> {
    let state = app.state::<AppState>();
    if Link::of(&*state.project()?)?.is_none() {
        return Ok(None);
    }
    // The PostgreSQL client runs a runtime of its own, which cannot be entered from the one
    // async commands run on: the sync runs on a thread of its own, waited for off the runtime.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(sync_once(&app));
    });
    tauri::async_runtime::spawn_blocking(move || rx.recv())
        .await
        .map_err(|e| ErrorDto::new(Code::Internal, format!("the sync stopped: {e}")))?
        .map_err(|_| ErrorDto::new(Code::Internal, "the sync stopped before it answered"))?
        .map(Some)
}
