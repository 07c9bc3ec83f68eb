//! A document's text replaced by a corrected version, and the annotations that could not be
//! placed on it (orphans): placed by hand or deleted. Thin: the store re-anchors and keeps the
//! orphans; offsets cross to UTF-16 here, through `TextIndex`, as `dto.rs` does.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use tauri::State;

use claimdesk_store::{Orphan, ReplaceReport};

use crate::args::{Arg, Object};
use crate::dto::AnnotationDto;
use crate::error::{Code, ErrorDto};
use crate::state::AppState;

type Answer<T> = Result<T, ErrorDto>;

/// The largest new text accepted, pasted or read from a file (as imports accept).
const MAX_TEXT_BYTES: usize = 50 * 1024 * 1024;

/// The new text: pasted, or a file to read as imports read text.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplaceTextDto {
    pub document_id: i64,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
}

impl ReplaceTextDto {
    /// The new text, from exactly one of the two.
    fn read(self) -> Answer<String> {
        match (self.text, self.path) {
            (Some(text), None) => {
                if text.len() > MAX_TEXT_BYTES {
                    return Err(ErrorDto::too_large("the new text", MAX_TEXT_BYTES, "bytes"));
                }
                Ok(text)
            }
            (None, Some(path)) => {
                let path = crate::args::checked_path(&path, "the file with the new text")?;
                let unreadable = |why: String| {
                    ErrorDto::new(
                        Code::BadFile,
                        format!("cannot read {}: {why}", path.display()),
                    )
                };
                let size = std::fs::metadata(&path)
                    .map_err(|e| unreadable(e.to_string()))?
                    .len();
                if size > MAX_TEXT_BYTES as u64 {
                    return Err(ErrorDto::too_large("the file", MAX_TEXT_BYTES, "bytes"));
                }
                let bytes = std::fs::read(&path).map_err(|e| unreadable(e.to_string()))?;
                claimdesk_formats::read::decode::text(&bytes).map_err(|e| unreadable(e.to_string()))
            }
            _ => Err(ErrorDto::bad_request(
                "give the new text either pasted or as a file, not both or neither",
            )),
        }
    }
}

/// What replacing the text did.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplaceReportDto {
    pub document_id: i64,
    pub kept: usize,
    pub adjusted: usize,
    pub found: usize,
    pub orphaned: Vec<OrphanedDto>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrphanedDto {
    pub annotation_id: i64,
    pub quote: String,
    pub reason: String,
}

impl From<ReplaceReport> for ReplaceReportDto {
    fn from(r: ReplaceReport) -> ReplaceReportDto {
        ReplaceReportDto {
            document_id: r.document_id,
            kept: r.kept,
            adjusted: r.adjusted,
            found: r.found,
            orphaned: r
                .orphaned
                .into_iter()
                .map(|o| OrphanedDto {
                    annotation_id: o.annotation_id,
                    quote: o.quote,
                    reason: o.reason,
                })
                .collect(),
        }
    }
}

/// An annotation set aside by a replaced text, for the list beside the text. Its old offsets
/// are into a text the webview no longer has, so only its quote and context are sent.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrphanDto {
    pub annotation_id: i64,
    pub label_id: i64,
    pub annotator_id: i64,
    pub quote: String,
    pub prefix: String,
    pub suffix: String,
    pub note: Option<String>,
    pub links: usize,
    pub reason: String,
}

impl From<Orphan> for OrphanDto {
    fn from(o: Orphan) -> OrphanDto {
        OrphanDto {
            annotation_id: o.annotation.id,
            label_id: o.annotation.label_id,
            annotator_id: o.annotation.annotator_id,
            quote: o.annotation.quote,
            prefix: o.annotation.prefix,
            suffix: o.annotation.suffix,
            note: o.annotation.note,
            links: o.relations.len(),
            reason: o.reason,
        }
    }
}

/// Replaces the document's text and re-anchors its annotations; one undoable step.
#[tauri::command]
pub async fn replace_text(
    state: State<'_, AppState>,
    request: Arg<Object<ReplaceTextDto>>,
) -> Answer<ReplaceReportDto> {
    let Object(request) = request.get("request")?;
    let document_id = request.document_id;
    let text = request.read()?;
    let me = state.coder()?;
    let mut project = state.project()?;
    Ok(project
        .replace_text(document_id, &text, me, Utc::now())?
        .into())
}

/// Where to place an orphan: a selection of the current text, in UTF-16 code units.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlaceOrphanDto {
    pub annotation_id: i64,
    pub start16: usize,
    pub end16: usize,
}

/// Places an orphan at the selection: an annotation again, with its label, attributes, note
/// and links; one undoable step.
#[tauri::command]
pub async fn place_orphan(
    state: State<'_, AppState>,
    request: Arg<Object<PlaceOrphanDto>>,
) -> Answer<AnnotationDto> {
    let Object(request) = request.get("request")?;
    let (start16, end16) = (request.start16, request.end16);
    let me = state.coder()?;
    let mut project = state.project()?;
    let placed = project.place_orphan_located(
        request.annotation_id,
        |index| index.span_from_utf16(start16, end16),
        me,
        Utc::now(),
    )?;
    Ok(AnnotationDto::with_utf16(placed, start16, end16))
}

/// Deletes an orphan and its links; one undoable step.
#[tauri::command]
pub async fn delete_orphan(state: State<'_, AppState>, annotation_id: Arg<i64>) -> Answer<()> {
    let annotation_id = annotation_id.get("annotationId")?;
    let me = state.coder()?;
    let mut project = state.project()?;
    project.delete_orphan(annotation_id, me, Utc::now())?;
    Ok(())
}

/// Imports from now on take a file whose URL (or title, date and source) matches exactly one
/// document as a new version of it, or not. Remembered between starts.
#[tauri::command]
pub async fn set_import_new_versions(on: Arg<bool>) -> Answer<bool> {
    let on = on.get("on")?;
    crate::settings::save_import_new_versions(on).map_err(|e| {
        ErrorDto::new(
            Code::SettingsFailed,
            format!("cannot remember the setting: {e}"),
        )
    })?;
    Ok(on)
}

/// The orphans of a document the coder may see (in blind mode, only their own).
pub fn orphans_for(
    project: &claimdesk_store::Project,
    document_id: i64,
    only: Option<i64>,
) -> Answer<Vec<OrphanDto>> {
    Ok(project
        .orphans(document_id)?
        .into_iter()
        .filter(|o| only.is_none_or(|me| o.annotation.annotator_id == me))
        .map(Into::into)
        .collect())
}
