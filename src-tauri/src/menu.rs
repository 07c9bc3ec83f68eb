//! The window's menu bar: File ▸ Import files…, Import folder…, Import another coder's work…,
//! Merge project…, Export…, Restore backup…, Quit;
//! Document ▸ Replace text…;
//! View ▸ Text, Statements, Entities, Schema, Coders, Agreement, Adjudicate.

use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Emitter, Runtime};

const IMPORT_FILES: &str = "import-files";
const IMPORT_FOLDER: &str = "import-folder";
const EXPORT: &str = "export";
const BACKUPS: &str = "backups";
const MERGE: &str = "merge";
const IMPORT_AS: &str = "import-as";
const REPLACE_TEXT: &str = "replace-text";
/// Tells the webview to open its replace-text dialog for the open document; the payload is the
/// file chosen (or empty, to paste the text or type a path).
pub const OPEN_REPLACE_TEXT_EVENT: &str = "replace-text-open";
/// Tells the webview to open its merge dialog.
pub const OPEN_MERGE_EVENT: &str = "merge-open";
/// Tells the webview to open its backups dialog.
pub const OPEN_BACKUPS_EVENT: &str = "backups-open";
/// Tells the webview to open its export dialog.
pub const OPEN_EXPORT_EVENT: &str = "export-open";
/// Tells the webview to show a view; the payload is the view's name.
pub const OPEN_VIEW_EVENT: &str = "view-open";
/// The views, as (menu id and view name, menu text, accelerator).
const VIEWS: [(&str, &str, &str); 8] = [
    ("reader", "Text", "CmdOrCtrl+1"),
    ("statements", "Statements", "CmdOrCtrl+2"),
    ("entities", "Entities", "CmdOrCtrl+3"),
    ("schema", "Schema", "CmdOrCtrl+4"),
    ("coders", "Coders", "CmdOrCtrl+5"),
    ("agreement", "Agreement", "CmdOrCtrl+6"),
    ("adjudication", "Adjudicate", "CmdOrCtrl+7"),
    ("analysis", "Analysis", "CmdOrCtrl+8"),
];

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
    let merge = MenuItem::with_id(app, MERGE, "Merge project…", true, None::<&str>)?;
    let import_as = MenuItem::with_id(
        app,
        IMPORT_AS,
        "Import another coder's work…",
        true,
        None::<&str>,
    )?;
    let quit = PredefinedMenuItem::quit(app, Some("Quit"))?;
    let file = Submenu::with_items(
        app,
        "File",
        true,
        &[
            &files,
            &folder,
            &import_as,
            &merge,
            &PredefinedMenuItem::separator(app)?,
            &export,
            &backups,
            &PredefinedMenuItem::separator(app)?,
            &quit,
        ],
    )?;
    let replace_text = MenuItem::with_id(
        app,
        REPLACE_TEXT,
        "Replace text…",
        true,
        Some("CmdOrCtrl+Shift+R"),
    )?;
    let document = Submenu::with_items(app, "Document", true, &[&replace_text])?;
    let views = VIEWS
        .iter()
        .map(|(id, text, keys)| MenuItem::with_id(app, *id, *text, true, Some(*keys)))
        .collect::<tauri::Result<Vec<_>>>()?;
    let view_items: Vec<&dyn tauri::menu::IsMenuItem<R>> = views
        .iter()
        .map(|item| item as &dyn tauri::menu::IsMenuItem<R>)
        .collect();
    let view = Submenu::with_items(app, "View", true, &view_items)?;
    app.set_menu(Menu::with_items(app, &[&file, &document, &view])?)?;
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
        MERGE => {
            // The native dialog blocks until closed: not on the event loop's thread. The
            // webview's merge dialog opens with the file chosen (or empty, to type a path).
            let app = app.clone();
            std::thread::spawn(move || {
                use tauri_plugin_dialog::DialogExt;
                let picked = app
                    .dialog()
                    .file()
                    .set_title("Merge another coder's project")
                    .add_filter("Claimdesk projects", &["claimdesk"])
                    .blocking_pick_file();
                if let Some(path) = picked.and_then(|p| p.into_path().ok()) {
                    let _ = app.emit(OPEN_MERGE_EVENT, path.display().to_string());
                }
            });
            return;
        }
        REPLACE_TEXT => {
            // As for a merge: the native dialog off the event loop's thread; the webview's
            // dialog opens with the file chosen, or empty to paste the text instead.
            let app = app.clone();
            std::thread::spawn(move || {
                use tauri_plugin_dialog::DialogExt;
                let picked = app
                    .dialog()
                    .file()
                    .set_title("The corrected text of the open document")
                    .add_filter("Text", &crate::import::text_extensions())
                    .blocking_pick_file();
                let path = picked
                    .and_then(|p| p.into_path().ok())
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let _ = app.emit(OPEN_REPLACE_TEXT_EVENT, path);
            });
            return;
        }
        // Another coder's files are brought in from the Coders view, which asks whose they are.
        IMPORT_AS => {
            let _ = app.emit(OPEN_VIEW_EVENT, "coders");
            return;
        }
        id => {
            if let Some((view, _, _)) = VIEWS.iter().find(|(view, _, _)| *view == id) {
                let _ = app.emit(OPEN_VIEW_EVENT, *view);
            }
            return;
        }
    };
    // The native dialog blocks until closed, so it must not run on the event loop's thread.
    let app = app.clone();
    std::thread::spawn(move || {
        if let Some(paths) = crate::import::choose(&app, folder) {
            crate::import::start_or_report(&app, paths);
        }
    });
}
