//! Backups in the app: one is made in the background when a project opens, if it changed since
//! its newest backup; the backups dialog lists them and restores one.

use chrono::Utc;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use claimdesk_store::Project;

use crate::dto::BackupDto;
use crate::error::{Code, ErrorDto};
use crate::state::AppState;

pub const MADE_EVENT: &str = "backup-made";
pub const FAILED_EVENT: &str = "backup-failed";

/// Backs the open project up on its own connection, so the window is usable at once, and only
/// if it changed since the newest backup. A large project is checked for damage first; damage
/// found is reported as the backup's failure.
pub fn start_on_open<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    if state.project.is_err() {
        return;
    }
    let path = state.project_path.clone();
    let app = app.clone();
    std::thread::spawn(move || {
        crate::background::lower_priority();
        // A large project was not checked for damage as it opened, so the window came up at
        // once; it is checked here, before the backup (which would copy the damage).
        let made = Project::open_existing(&path).and_then(|p| {
            if !p.checked_at_open() {
                p.check_integrity()?;
            }
            p.backup_if_changed(Utc::now())
        });
        match made {
            Ok(Some(backup)) => {
                let _ = app.emit(MADE_EVENT, BackupDto::from(backup));
            }
            Ok(None) => {}
            Err(e) => {
                eprintln!("claimdesk: backup failed: error[{}]: {e}", e.code());
                let _ = app.emit(FAILED_EVENT, ErrorDto::from(e));
            }
        }
    });
}

/// Restores the backup called `name`. An open project is restored in place (the window then
/// reloads); one that could not be opened is replaced on disk and the app starts again.
pub fn restore<R: Runtime>(app: &AppHandle<R>, name: &str) -> Result<BackupDto, ErrorDto> {
    let state = app.state::<AppState>();
    if state.import.is_running() || state.export.is_running() {
        return Err(ErrorDto::new(
            Code::Busy,
            "an import or export is running; wait for it to finish, then restore",
        ));
    }
    let backup = claimdesk_store::find_backup(&state.project_path, name)?;
    match &state.project {
        Ok(_) => {
            let mut project = state.project()?;
            let me = project.annotator_name(state.annotator_id())?;
            let previous = project.restore_backup(&backup, Utc::now())?;
            // The backup may predate the current annotator: register them again, by name.
            let id = project.annotator(&me, Utc::now())?;
            state
                .annotator
                .store(id, std::sync::atomic::Ordering::SeqCst);
            Ok(BackupDto::from(previous))
        }
        Err(_) => {
            let now = Utc::now();
            let aside = claimdesk_store::restore_backup_at(&state.project_path, &backup, now)?;
            // Start again on the restored project, with the arguments this run had (the same
            // project), then leave.
            let relaunch = std::env::current_exe().and_then(|exe| {
                std::process::Command::new(exe)
                    .args(std::env::args_os().skip(1))
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
            });
            if let Err(e) = relaunch {
                return Err(ErrorDto::new(
                    Code::IoError,
                    format!("the backup is restored; start Claimdesk again to open it ({e})"),
                ));
            }
            app.exit(0);
            Ok(BackupDto {
                name: aside
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                made_at: now.to_rfc3339(),
                bytes: 0,
            })
        }
    }
}
