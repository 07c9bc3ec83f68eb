//! The app's one setting: who is coding, remembered between starts in
//! `<config dir>/claimdesk/settings.json` (`~/.config/claimdesk/` on Linux, following
//! `XDG_CONFIG_HOME`).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Default, Serialize, Deserialize)]
struct Settings {
    annotator: Option<String>,
}

fn path() -> Option<PathBuf> {
    Some(dirs::config_dir()?.join("claimdesk").join("settings.json"))
}

/// The annotator name chosen at an earlier start, if any.
pub fn annotator() -> Option<String> {
    let text = std::fs::read_to_string(path()?).ok()?;
    serde_json::from_str::<Settings>(&text)
        .ok()?
        .annotator
        .filter(|n| !n.trim().is_empty())
}

/// Remembers the annotator name, replacing the settings file atomically.
pub fn save_annotator(name: &str) -> std::io::Result<()> {
    let path = path().ok_or_else(|| std::io::Error::other("there is no configuration folder"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let settings = Settings {
        annotator: Some(name.to_string()),
    };
    let partial = path.with_extension("json.partial");
    std::fs::write(&partial, serde_json::to_vec_pretty(&settings)?)?;
    std::fs::rename(&partial, &path)
}
