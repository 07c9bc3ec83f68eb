//! The window's menu bar: File ▸ Import files…, Import folder…, Export…, Restore backup…, Quit.

use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Emitter, Runtime};

const IMPORT_FILES: &str = "import-files";
const IMPORT_FOLDER: &str = "import-folder";
const EXPORT: &str = "export";
const BACKUPS: &str = "backups";
/// Tells the webview to open its backups dialog.
pub const OPEN_BACKUPS_EVENT: &str = "backups-open";
/// Tells the webview to open its export dialog.
pub const OPEN_EXPORT_EVENT: &str = "export-open";

pub fn install<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let files = MenuItem::with_id(
        app,
        IMPORT_FILES,
        "Import files…",
        true,
        Some("CmdOrCtrl+O"),
    )?;
    let folder = MenuItem::with_id(
        app,
        IMPORT_FOLDER,
        "Import folder…",
        true,
        Some("CmdOrCtrl+Shift+O"),
    )?;
    let export = MenuItem::with_id(app, EXPORT, "Export…", true, Some("CmdOrCtrl+E"))?;
    let backups = MenuItem::with_id(app, BACKUPS, "Restore backup…", true, None::<&str>)?;
    let quit = PredefinedMenuItem::quit(app, Some("Quit"))?;
    let file = Submenu::with_items(
        app,
        "File",
        true,
        &[
            &files,
            &folder,
            &PredefinedMenuItem::separator(app)?,
            &export,
            &backups,
            &PredefinedMenuItem::separator(app)?,
            &quit,
        ],
    )?;
    app.set_menu(Menu::with_items(app, &[&file])?)?;
    Ok(())
}

pub fn handle(app: &AppHandle, event: MenuEvent) {
    let folder = match event.id().as_ref() {
        IMPORT_FILES => false,
        IMPORT_FOLDER => true,
        EXPORT => {
            let _ = app.emit(OPEN_EXPORT_EVENT, ());
            return;
        }
        BACKUPS => {
            let _ = app.emit(OPEN_BACKUPS_EVENT, ());
            return;
        }
        _ => return,
    };
    // The native dialog blocks until closed, so it must not run on the event loop's thread.
    let app = app.clone();
    std::thread::spawn(move || {
        if let Some(paths) = crate::import::choose(&app, folder) {
            crate::import::start_or_report(&app, paths);
        }
    });
}
