//! The default project: where it lives and what a new one holds.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use claimdesk_core::NewDocument;

use crate::error::{Result, StoreError};
use crate::open::Project;

/// The bundled sample article, so a new user has something to annotate at once.
pub const SAMPLE_ARTICLE: &str = include_str!("../sample/riyadh-talks-2025-02-18.txt");
pub const SAMPLE_SOURCE: &str = "riyadh-talks-2025-02-18.txt";

/// `default.claimdesk` in the platform data directory (`~/.local/share/claimdesk/` on Linux,
/// following `XDG_DATA_HOME`).
pub fn default_project_path() -> Result<PathBuf> {
    let data = dirs::data_dir().ok_or_else(|| {
        StoreError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "cannot find the user data directory; set HOME or pass --project",
        ))
    })?;
    Ok(data.join("claimdesk").join("default.claimdesk"))
}

impl Project {
    /// Opens the default project, creating it with the sample article on first use.
    pub fn open_default(annotator: &str, now: DateTime<Utc>) -> Result<Project> {
        let path = default_project_path()?;
        let first_start = !path.exists();
        let mut project = Project::open(&path)?;
        if first_start {
            let me = project.annotator(annotator, now)?;
            let sample = NewDocument::from_plain_text(SAMPLE_ARTICLE, SAMPLE_SOURCE);
            project.import_document(&sample, me, now)?;
        }
        Ok(project)
    }
}
