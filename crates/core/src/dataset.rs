//! The coded corpus as exports see it: documents with their annotations and relations resolved to
//! names (labels, annotators), plus the project-wide schema and entities.
//!
//! The store produces these one document at a time, so an export holds one document in memory,
//! never the whole project. Field order here is the field order of the native JSON Lines format.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::label::AttributeDef;

/// What an export needs besides the documents: the schema, the entities, who coded.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProjectInfo {
    /// Labels in the schema's order.
    pub labels: Vec<LabelInfo>,
    /// Every entity of the project, by id.
    pub entities: Vec<Entity>,
    /// Annotator names, in the order they joined.
    pub annotators: Vec<String>,
    /// Relation types, by label names.
    #[serde(default)]
    pub relation_types: Vec<RelationTypeInfo>,
}

/// A relation type as exported: the labels it may link by name (empty: any label).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelationTypeInfo {
    pub name: String,
    pub from_labels: Vec<String>,
    pub to_labels: Vec<String>,
}

impl ProjectInfo {
    pub fn entity(&self, id: i64) -> Option<&Entity> {
        // Entities come sorted by id from the store.
        self.entities
            .binary_search_by_key(&id, |e| e.id)
            .ok()
            .map(|i| &self.entities[i])
    }

    pub fn label(&self, name: &str) -> Option<&LabelInfo> {
        self.labels.iter().find(|l| l.name == name)
    }
}

/// A label as exported: by name, since ids are internal to one project file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabelInfo {
    pub name: String,
    pub colour: String,
    pub hotkey: Option<String>,
    pub attributes: Vec<AttributeDef>,
}

/// Whether an entity is a canonical actor or a claim concept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Actor,
    Concept,
}

impl EntityKind {
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Actor => "actor",
            EntityKind::Concept => "concept",
        }
    }
}

/// A canonical actor ("Vladimir Putin") or claim concept, with the other names it goes by.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub id: i64,
    /// The global identity (a UUID) that stays with the entity through export and merge; empty
    /// in changes logged before identities existed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    pub kind: EntityKind,
    pub name: String,
    pub aliases: Vec<String>,
}

/// One document with everything coded on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentRecord {
    pub id: i64,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    pub metadata: serde_json::Map<String, serde_json::Value>,
    pub sha256: String,
    pub imported_at: DateTime<Utc>,
    pub text: String,
    /// Sorted by start, then end, then id.
    pub annotations: Vec<AnnotationRecord>,
    /// Only relations whose two ends are among `annotations`; sorted by id.
    pub relations: Vec<RelationRecord>,
}

impl DocumentRecord {
    pub fn annotation(&self, id: i64) -> Option<&AnnotationRecord> {
        self.annotations.iter().find(|a| a.id == id)
    }
}

/// An annotation with its label and annotator by name. Offsets are code points, end exclusive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnnotationRecord {
    pub id: i64,
    /// The annotation's global identity (a UUID).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    pub label: String,
    pub start: usize,
    pub end: usize,
    pub quote: String,
    pub prefix: String,
    pub suffix: String,
    pub attributes: serde_json::Map<String, serde_json::Value>,
    pub note: Option<String>,
    pub entity_id: Option<i64>,
    pub annotator: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AnnotationRecord {
    /// A text attribute value (a choice or free text), if set.
    pub fn attribute_text(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).and_then(|v| v.as_str())
    }
}

/// A typed, directed link between two annotations of the same document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelationRecord {
    pub id: i64,
    /// The link's global identity (a UUID).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    pub kind: String,
    pub from_id: i64,
    pub to_id: i64,
    pub annotator: String,
    pub created_at: DateTime<Utc>,
}

/// Which part of the project an export covers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Scope {
    /// Only these documents; `None` for all.
    pub documents: Option<Vec<i64>>,
    /// Documents dated on or after this day (undated documents are then left out).
    pub date_from: Option<NaiveDate>,
    /// Documents dated on or before this day.
    pub date_to: Option<NaiveDate>,
    /// Only annotations with these labels; relations need both ends kept.
    pub labels: Option<Vec<String>>,
    /// Only annotations by these annotators.
    pub annotators: Option<Vec<String>>,
    /// Only documents matching this full-text query.
    pub search: Option<String>,
    /// Only the documents of this sample (a document set).
    #[serde(default)]
    pub set_id: Option<i64>,
    /// Blind mode: only what this coder may see — their own annotations and links, and
    /// everyone's on documents already adjudicated.
    #[serde(default)]
    pub seen_by: Option<String>,
}

impl Scope {
    pub fn everything() -> Scope {
        Scope::default()
    }

    pub fn is_everything(&self) -> bool {
        *self == Scope::default()
    }
}
