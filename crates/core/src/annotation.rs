//! Annotations (labelled spans of a document) and the relations between them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How many code points of context are kept on each side of an annotation.
pub const CONTEXT_CHARS: usize = 32;

/// A labelled span of a document. Offsets are code points, end exclusive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    pub id: i64,
    /// The global identity (a UUID) that stays with the annotation through export, import and
    /// merge; empty in changes logged before identities existed.
    #[serde(default)]
    pub uid: String,
    pub document_id: i64,
    pub label_id: i64,
    pub start: usize,
    pub end: usize,
    /// The text the span covers, so any consumer can verify the offsets.
    pub quote: String,
    /// Up to [`CONTEXT_CHARS`] code points before and after the span, for re-anchoring.
    pub prefix: String,
    pub suffix: String,
    pub attributes: serde_json::Map<String, serde_json::Value>,
    pub note: Option<String>,
    /// The canonical actor or concept this mention refers to.
    #[serde(default)]
    pub entity_id: Option<i64>,
    pub annotator_id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What an edit of an annotation changes; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AnnotationEdit {
    pub label_id: Option<i64>,
    /// The whole attribute map after the edit.
    pub attributes: Option<serde_json::Map<String, serde_json::Value>>,
    /// `Some(None)` clears the note.
    pub note: Option<Option<String>>,
    /// `Some(None)` unlinks the entity.
    pub entity_id: Option<Option<i64>>,
}

/// A typed, directed link between two annotations, e.g. a Claim `said_by` an Actor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    pub id: i64,
    /// The global identity (a UUID); empty in changes logged before identities existed.
    #[serde(default)]
    pub uid: String,
    pub kind: String,
    pub from_id: i64,
    pub to_id: i64,
    pub annotator_id: i64,
    pub created_at: DateTime<Utc>,
}
