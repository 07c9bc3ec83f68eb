//! A document's text replaced by a corrected version, and the annotations that could not be
//! placed on it (orphans): placed by hand or deleted. Thin: the store re-anchors and keeps the
//! orphans; the transport objects are `dto::versions`'s (which reads the new text and bounds
//! it), and offsets cross to UTF-16 through `TextIndex`.

use chrono::Utc;
use tauri::State;

use crate::args::{Arg, Object};
use crate::dto::{AnnotationDto, OrphanDto, PlaceOrphanDto, ReplaceReportDto, ReplaceTextDto};
use crate::error::{Code, ErrorDto};
use crate::state::AppState;

type Answer<T> = Result<T, ErrorDto>;

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
