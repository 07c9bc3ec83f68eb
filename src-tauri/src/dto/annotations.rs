//! Annotations and relations of a document, their edits and history, and what an edit, undo or
//! redo changed. Spans coming in are UTF-16 and are converted here.

use serde::{Deserialize, Serialize};

use claimdesk_core::{Annotation, Change, TextIndex, Unit};

use crate::args::MAX_NOTE_BYTES;
use crate::error::ErrorDto;

/// A relation between two annotations of the open document.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationDto {
    pub id: i64,
    pub kind: String,
    pub from_id: i64,
    pub to_id: i64,
}

impl From<claimdesk_core::Relation> for RelationDto {
    fn from(r: claimdesk_core::Relation) -> RelationDto {
        RelationDto {
            id: r.id,
            kind: r.kind,
            from_id: r.from_id,
            to_id: r.to_id,
        }
    }
}

/// What the annotation panel changes; absent fields stay as they are.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnnotationEditDto {
    #[serde(default)]
    pub label_id: Option<i64>,
    #[serde(default)]
    pub attributes: Option<serde_json::Map<String, serde_json::Value>>,
    /// The note; an empty one clears it.
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub entity_id: Option<i64>,
    /// Unlinks the entity.
    #[serde(default)]
    pub clear_entity: bool,
}

impl AnnotationEditDto {
    pub fn into_edit(self) -> Result<claimdesk_core::AnnotationEdit, ErrorDto> {
        if self.note.as_ref().is_some_and(|n| n.len() > MAX_NOTE_BYTES) {
            return Err(ErrorDto::too_large("the note", MAX_NOTE_BYTES, "bytes"));
        }
        if self
            .attributes
            .as_ref()
            .is_some_and(|a| serde_json::to_string(a).map_or(0, |s| s.len()) > MAX_NOTE_BYTES)
        {
            return Err(ErrorDto::too_large(
                "the attributes",
                MAX_NOTE_BYTES,
                "bytes",
            ));
        }
        Ok(claimdesk_core::AnnotationEdit {
            label_id: self.label_id,
            attributes: self.attributes,
            note: self.note.map(|n| Some(n).filter(|n| !n.trim().is_empty())),
            entity_id: if self.clear_entity {
                Some(None)
            } else {
                self.entity_id.map(Some)
            },
        })
    }
}

/// One line of an annotation's history.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntryDto {
    pub at: String,
    pub annotator: String,
    pub action: String,
    pub kind: String,
}

impl From<claimdesk_store::HistoryEntry> for HistoryEntryDto {
    fn from(e: claimdesk_store::HistoryEntry) -> HistoryEntryDto {
        HistoryEntryDto {
            at: e.at.to_rfc3339(),
            annotator: e.annotator,
            action: e.action,
            kind: e.kind,
        }
    }
}

/// An annotation for the webview: code points (`start`, `end`) as stored, UTF-16 (`start16`,
/// `end16`) for slicing JavaScript strings.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnnotationDto {
    pub id: i64,
    pub document_id: i64,
    pub label_id: i64,
    pub start: usize,
    pub end: usize,
    pub start16: usize,
    pub end16: usize,
    pub quote: String,
    pub attributes: serde_json::Map<String, serde_json::Value>,
    pub note: Option<String>,
    pub entity_id: Option<i64>,
    /// Who coded it.
    pub annotator_id: i64,
}

impl AnnotationDto {
    pub fn new(a: Annotation, index: &TextIndex<'_>) -> Result<AnnotationDto, ErrorDto> {
        let start16 = index.from_code_points(a.start, Unit::Utf16)?;
        let end16 = index.from_code_points(a.end, Unit::Utf16)?;
        Ok(AnnotationDto::with_utf16(a, start16, end16))
    }

    /// With UTF-16 offsets already known to be the annotation's own.
    pub fn with_utf16(a: Annotation, start16: usize, end16: usize) -> AnnotationDto {
        AnnotationDto {
            id: a.id,
            document_id: a.document_id,
            label_id: a.label_id,
            start16,
            end16,
            start: a.start,
            end: a.end,
            quote: a.quote,
            attributes: a.attributes,
            note: a.note,
            entity_id: a.entity_id,
            annotator_id: a.annotator_id,
        }
    }
}

/// A span the analyst selected, in UTF-16 code units of the document text.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAnnotationDto {
    pub document_id: i64,
    pub label_id: i64,
    pub start16: usize,
    pub end16: usize,
}

/// What an edit, undo or redo changed, so the view can refresh that document.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryStepDto {
    pub kind: &'static str,
    pub document_id: i64,
    /// Edits of the coder's history passed over because another coder had changed what they
    /// touched since.
    pub skipped: usize,
}

impl From<&Change> for HistoryStepDto {
    fn from(c: &Change) -> HistoryStepDto {
        HistoryStepDto {
            kind: c.kind(),
            document_id: c.document_id(),
            skipped: 0,
        }
    }
}

impl HistoryStepDto {
    /// An undo or redo: the change applied, or only the edits passed over (kind `skipped`), or
    /// nothing at all.
    pub fn of_step(step: &claimdesk_store::Step) -> Option<HistoryStepDto> {
        match &step.change {
            Some(change) => Some(HistoryStepDto {
                skipped: step.skipped,
                ..HistoryStepDto::from(change)
            }),
            None if step.skipped > 0 => Some(HistoryStepDto {
                kind: "skipped",
                document_id: 0,
                skipped: step.skipped,
            }),
            None => None,
        }
    }
}
