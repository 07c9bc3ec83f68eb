//! The schema as a REFI-QDA codebook (`.qdc`), exchanged with the other QDA tools from the
//! Schema view. Thin: `claimdesk_export::write_codebook` writes the file, and
//! `claimdesk_import::import_codebook` adds the labels the project lacks as one undoable step;
//! the paths come typed by the analyst, so they must be full paths.

use chrono::Utc;
use tauri::State;

use claimdesk_import::CodebookFailure;

use crate::args::{checked_path, Arg};
use crate::dto::{CodebookReportDto, CodebookWrittenDto};
use crate::error::{Code, ErrorDto};
use crate::state::AppState;

type Answer<T> = Result<T, ErrorDto>;

/// The largest codebook read: far beyond any real one (a codebook of ten thousand codes is
/// about 2 MB), so a wrong file is refused before it is read into memory.
const MAX_CODEBOOK_BYTES: u64 = 50 * 1024 * 1024;

/// Writes the project's labels (colours, attributes as sub-codes) as a codebook, replacing the
/// destination only once the whole file is written.
#[tauri::command]
pub async fn export_codebook(
    state: State<'_, AppState>,
    destination: Arg<String>,
) -> Answer<CodebookWrittenDto> {
    let path = checked_path(
        &destination.get("destination")?,
        "the codebook's destination",
    )?;
    let project = state.project()?;
    let labels = claimdesk_export::write_codebook(&project, &path)
        .map_err(|e| ErrorDto::from_crate(e.code(), e.to_string()))?;
    Ok(CodebookWrittenDto {
        path: path.display().to_string(),
        labels,
    })
}

/// Adds the codebook's codes the project lacks as labels, as one undoable step; a file that
/// cannot be read or is not a codebook changes nothing.
#[tauri::command]
pub async fn import_codebook(
    state: State<'_, AppState>,
    path: Arg<String>,
) -> Answer<CodebookReportDto> {
    let path = checked_path(&path.get("path")?, "the codebook")?;
    let me = state.coder()?;
    let mut project = state.project()?;
    let unreadable = |why: String| {
        ErrorDto::new(
            Code::BadFile,
            format!("cannot read the codebook {}: {why}", path.display()),
        )
    };
    let meta = std::fs::metadata(&path).map_err(|e| unreadable(e.to_string()))?;
    if meta.is_dir() {
        return Err(unreadable("it is a folder; choose a .qdc file".into()));
    }
    if meta.len() > MAX_CODEBOOK_BYTES {
        return Err(ErrorDto::too_large(
            "the codebook",
            MAX_CODEBOOK_BYTES as usize,
            "bytes",
        ));
    }
    let report = claimdesk_import::import_codebook(&mut project, &path, me, Utc::now()).map_err(
        |e| match e {
            CodebookFailure::Unreadable { error, .. } => unreadable(error.to_string()),
            CodebookFailure::Format(e) => ErrorDto::from_crate(
                e.code(),
                format!("cannot import the codebook {}: {e}", path.display()),
            ),
            CodebookFailure::Store(e) => e.into(),
        },
    )?;
    Ok(report.into())
}
