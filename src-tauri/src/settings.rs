//! The app's settings, remembered between starts in `<config dir>/claimdesk/settings.json`
//! (`~/.config/claimdesk/` on Linux, following `XDG_CONFIG_HOME`): who is coding, and where the
//! analyst was reading in each project.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Default, Serialize, Deserialize)]
struct Settings {
    annotator: Option<String>,
    /// By project file path.
    #[serde(default)]
    places: BTreeMap<String, Place>,
    /// Imports take a file whose URL (or title, date and source) matches one document as a
    /// new version of it.
    #[serde(default)]
    import_new_versions: bool,
}

/// Where the analyst was reading: a document and a position in its text (code points).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub document: i64,
    pub offset: usize,
}

/// How many projects' places are kept; beyond it, others are dropped in path order.
const MAX_PLACES: usize = 200;

fn path() -> Option<PathBuf> {
    Some(dirs::config_dir()?.join("claimdesk").join("settings.json"))
}

fn read() -> Option<Settings> {
    let text = std::fs::read_to_string(path()?).ok()?;
    serde_json::from_str::<Settings>(&text).ok()
}

/// One change at a time: commands run in parallel, and two read-modify-write cycles at once
/// would lose one of them.
static CHANGING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Changes the settings, replacing the file atomically (what else it holds is kept). A file that
/// cannot be read as settings is not written over.
fn change(edit: impl FnOnce(&mut Settings)) -> std::io::Result<()> {
    let _turn = CHANGING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let path = path().ok_or_else(|| std::io::Error::other("there is no configuration folder"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut settings = match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str::<Settings>(&text).map_err(|e| {
            std::io::Error::other(format!(
                "{} is not a settings file ({e}); move it away",
                path.display()
            ))
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
        Err(e) => return Err(e),
    };
    edit(&mut settings);
    // Another Claimdesk may write the same file: each writes its own partial file.
    let partial = path.with_extension(format!("json.{}.partial", std::process::id()));
    std::fs::write(&partial, serde_json::to_vec_pretty(&settings)?)?;
    std::fs::rename(&partial, &path)
}

/// Whether imports take a file matching a document's metadata as a new version of it.
pub fn import_new_versions() -> bool {
    read().is_some_and(|s| s.import_new_versions)
}

pub fn save_import_new_versions(on: bool) -> std::io::Result<()> {
    change(|s| s.import_new_versions = on)
}

/// The annotator name chosen at an earlier start, if any.
pub fn annotator() -> Option<String> {
    read()?.annotator.filter(|n| !n.trim().is_empty())
}

/// Remembers the annotator name.
pub fn save_annotator(name: &str) -> std::io::Result<()> {
    change(|s| s.annotator = Some(name.to_string()))
}

fn key(project: &Path) -> String {
    std::path::absolute(project)
        .unwrap_or_else(|_| project.to_path_buf())
        .display()
        .to_string()
}

/// Where the analyst was last reading in `project`, if anywhere.
pub fn place(project: &Path) -> Option<Place> {
    read()?.places.get(&key(project)).copied()
}

/// Remembers where the analyst is reading in `project`.
pub fn save_place(project: &Path, place: Place) -> std::io::Result<()> {
    let key = key(project);
    change(|s| {
        s.places.insert(key.clone(), place);
        // A bound, so the file does not grow with every project ever opened: the others go
        // in key order (there is no time to go by, and a lost place only costs a scroll).
        while s.places.len() > MAX_PLACES {
            let Some(other) = s.places.keys().find(|k| **k != key).cloned() else {
                break;
            };
            s.places.remove(&other);
        }
    })
}
