//! Changes: the undoable units of editing, as recorded in a project's event log.
//!
//! Every edit is one [`Change`]. Undo applies its [`Change::inverse`]; redo applies it again.
//! A change carries everything needed to apply it in either direction (a deleted annotation
//! keeps its full row and its relations), so history survives a restart of the app.

use serde::{Deserialize, Serialize};

use crate::annotation::{Annotation, Relation};
use crate::dataset::Entity;
use crate::label::{Label, RelationType};
use crate::suggestion::SuggestionDecision;

/// How an adjudicator settled one disagreement of a document: the stretch of text it covers,
/// and whose version went into the curated layer (`None`: rejected, nothing kept).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub document_id: i64,
    pub start: usize,
    pub end: usize,
    /// The coder whose version was accepted, by name; `None` when every version was rejected.
    pub accepted: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// An annotation came into being, with the relations it brings back when it is the undoing
    /// of a deletion.
    AnnotationCreated {
        annotation: Annotation,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        relations: Vec<Relation>,
    },
    /// An annotation went away, taking its relations with it.
    AnnotationDeleted {
        annotation: Annotation,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        relations: Vec<Relation>,
    },
    /// An annotation's label, attributes, note or entity changed.
    AnnotationUpdated {
        before: Annotation,
        after: Annotation,
    },
    /// A relation between two annotations of a document was drawn.
    RelationCreated {
        relation: Relation,
        document_id: i64,
    },
    /// A relation was removed.
    RelationDeleted {
        relation: Relation,
        document_id: i64,
    },
    /// A label came into the schema at `position`, with the annotations (and their relations)
    /// it brings back when it is the undoing of a deletion.
    LabelCreated {
        label: Label,
        position: i64,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        annotations: Vec<Annotation>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        relations: Vec<Relation>,
    },
    /// A label was renamed, recoloured, re-keyed or given other attributes.
    LabelUpdated { before: Label, after: Label },
    /// A label went, with its annotations and their relations.
    LabelDeleted {
        label: Label,
        position: i64,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        annotations: Vec<Annotation>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        relations: Vec<Relation>,
    },
    /// A relation type came into the schema, with the relations it brings back when it is the
    /// undoing of a deletion.
    RelationTypeCreated {
        relation_type: RelationType,
        position: i64,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        relations: Vec<Relation>,
    },
    /// A relation type was renamed (with its relations) or given other endpoints.
    RelationTypeUpdated {
        before: RelationType,
        after: RelationType,
    },
    /// A relation type went, with the relations of its kind.
    RelationTypeDeleted {
        relation_type: RelationType,
        position: i64,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        relations: Vec<Relation>,
    },
    /// A canonical actor or concept was created.
    EntityCreated { entity: Entity },
    /// An entity with no mentions was removed (the undoing of its creation).
    EntityDeleted { entity: Entity },
    /// An entity was renamed or given other aliases.
    EntityUpdated { before: Entity, after: Entity },
    /// `merged` went into `kept`: its mentions now point to `kept`, and its name and aliases
    /// became aliases of `kept` (`kept_before` → `kept_after`).
    EntitiesMerged {
        kept_before: Entity,
        kept_after: Entity,
        merged: Entity,
        mentions: Vec<i64>,
    },
    /// The undoing of a merge: `merged` is back with its mentions.
    EntitiesSplit {
        kept_before: Entity,
        kept_after: Entity,
        merged: Entity,
        mentions: Vec<i64>,
    },
    /// An adjudicator's decision on a disagreement between coders was recorded.
    DecisionRecorded { decision: Decision },
    /// A decision was taken back (the undoing of its recording).
    DecisionRemoved { decision: Decision },
    /// A document's text was replaced by a new version. Its annotations were moved or set
    /// aside by the changes made beside this one, in the same step; the old text stays here.
    TextReplaced {
        document_id: i64,
        before: String,
        after: String,
    },
    /// An annotation that could not be placed on a new text was set aside as an orphan, with
    /// its links, for the analyst to place by hand or delete.
    AnnotationOrphaned {
        annotation: Annotation,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        relations: Vec<Relation>,
        reason: String,
    },
    /// An orphan is an annotation again, at its old offsets (the undoing of its orphaning, and
    /// the first half of placing or deleting it).
    OrphanRestored {
        annotation: Annotation,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        relations: Vec<Relation>,
        reason: String,
    },
    /// An orphan was deleted for good (with the links it kept).
    OrphanDeleted {
        annotation: Annotation,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        relations: Vec<Relation>,
        reason: String,
    },
    /// A deleted orphan is an orphan again (the undoing of its deletion).
    OrphanRecreated {
        annotation: Annotation,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        relations: Vec<Relation>,
        reason: String,
    },
    /// Several changes made as one step (accepting a coder's version of a disagreement
    /// creates its annotations, their links and the decision): undone and redone together.
    Several { changes: Vec<Change> },
    /// A coder decided suggestions of a document (`keys`): from `before` to `after` (`None`:
    /// open). An acceptance carries the annotations and links it made, undone with it, so an
    /// undone acceptance leaves the suggestion open again.
    SuggestionsDecided {
        document_id: i64,
        coder: i64,
        keys: Vec<String>,
        before: Option<SuggestionDecision>,
        after: Option<SuggestionDecision>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        changes: Vec<Change>,
    },
}

impl Change {
    /// The change that reverts this one.
    pub fn inverse(&self) -> Change {
        match self {
            Change::AnnotationCreated {
                annotation,
                relations,
            } => Change::AnnotationDeleted {
                annotation: annotation.clone(),
                relations: relations.clone(),
            },
            Change::AnnotationDeleted {
                annotation,
                relations,
            } => Change::AnnotationCreated {
                annotation: annotation.clone(),
                relations: relations.clone(),
            },
            Change::AnnotationUpdated { before, after } => Change::AnnotationUpdated {
                before: after.clone(),
                after: before.clone(),
            },
            Change::RelationCreated {
                relation,
                document_id,
            } => Change::RelationDeleted {
                relation: relation.clone(),
                document_id: *document_id,
            },
            Change::RelationDeleted {
                relation,
                document_id,
            } => Change::RelationCreated {
                relation: relation.clone(),
                document_id: *document_id,
            },
            Change::LabelCreated {
                label,
                position,
                annotations,
                relations,
            } => Change::LabelDeleted {
                label: label.clone(),
                position: *position,
                annotations: annotations.clone(),
                relations: relations.clone(),
            },
            Change::LabelDeleted {
                label,
                position,
                annotations,
                relations,
            } => Change::LabelCreated {
                label: label.clone(),
                position: *position,
                annotations: annotations.clone(),
                relations: relations.clone(),
            },
            Change::LabelUpdated { before, after } => Change::LabelUpdated {
                before: after.clone(),
                after: before.clone(),
            },
            Change::RelationTypeCreated {
                relation_type,
                position,
                relations,
            } => Change::RelationTypeDeleted {
                relation_type: relation_type.clone(),
                position: *position,
                relations: relations.clone(),
            },
            Change::RelationTypeDeleted {
                relation_type,
                position,
                relations,
            } => Change::RelationTypeCreated {
                relation_type: relation_type.clone(),
                position: *position,
                relations: relations.clone(),
            },
            Change::RelationTypeUpdated { before, after } => Change::RelationTypeUpdated {
                before: after.clone(),
                after: before.clone(),
            },
            Change::EntityCreated { entity } => Change::EntityDeleted {
                entity: entity.clone(),
            },
            Change::EntityDeleted { entity } => Change::EntityCreated {
                entity: entity.clone(),
            },
            Change::EntityUpdated { before, after } => Change::EntityUpdated {
                before: after.clone(),
                after: before.clone(),
            },
            Change::EntitiesMerged {
                kept_before,
                kept_after,
                merged,
                mentions,
            } => Change::EntitiesSplit {
                kept_before: kept_before.clone(),
                kept_after: kept_after.clone(),
                merged: merged.clone(),
                mentions: mentions.clone(),
            },
            Change::EntitiesSplit {
                kept_before,
                kept_after,
                merged,
                mentions,
            } => Change::EntitiesMerged {
                kept_before: kept_before.clone(),
                kept_after: kept_after.clone(),
                merged: merged.clone(),
                mentions: mentions.clone(),
            },
            Change::DecisionRecorded { decision } => Change::DecisionRemoved {
                decision: decision.clone(),
            },
            Change::DecisionRemoved { decision } => Change::DecisionRecorded {
                decision: decision.clone(),
            },
            Change::TextReplaced {
                document_id,
                before,
                after,
            } => Change::TextReplaced {
                document_id: *document_id,
                before: after.clone(),
                after: before.clone(),
            },
            Change::AnnotationOrphaned {
                annotation,
                relations,
                reason,
            } => Change::OrphanRestored {
                annotation: annotation.clone(),
                relations: relations.clone(),
                reason: reason.clone(),
            },
            Change::OrphanRestored {
                annotation,
                relations,
                reason,
            } => Change::AnnotationOrphaned {
                annotation: annotation.clone(),
                relations: relations.clone(),
                reason: reason.clone(),
            },
            Change::OrphanDeleted {
                annotation,
                relations,
                reason,
            } => Change::OrphanRecreated {
                annotation: annotation.clone(),
                relations: relations.clone(),
                reason: reason.clone(),
            },
            Change::OrphanRecreated {
                annotation,
                relations,
                reason,
            } => Change::OrphanDeleted {
                annotation: annotation.clone(),
                relations: relations.clone(),
                reason: reason.clone(),
            },
            // Undone last change first.
            Change::Several { changes } => Change::Several {
                changes: changes.iter().rev().map(Change::inverse).collect(),
            },
            Change::SuggestionsDecided {
                document_id,
                coder,
                keys,
                before,
                after,
                changes,
            } => Change::SuggestionsDecided {
                document_id: *document_id,
                coder: *coder,
                keys: keys.clone(),
                before: *after,
                after: *before,
                changes: changes.iter().rev().map(Change::inverse).collect(),
            },
        }
    }

    /// The document the change touched, so a view can refresh just that one; `None` for a
    /// change of the schema, which every document may show.
    pub fn document(&self) -> Option<i64> {
        Some(match self {
            Change::AnnotationCreated { annotation, .. }
            | Change::AnnotationDeleted { annotation, .. } => annotation.document_id,
            Change::AnnotationUpdated { after, .. } => after.document_id,
            Change::AnnotationOrphaned { annotation, .. }
            | Change::OrphanRestored { annotation, .. }
            | Change::OrphanDeleted { annotation, .. }
            | Change::OrphanRecreated { annotation, .. } => annotation.document_id,
            Change::TextReplaced { document_id, .. }
            | Change::SuggestionsDecided { document_id, .. } => *document_id,
            Change::RelationCreated { document_id, .. }
            | Change::RelationDeleted { document_id, .. } => *document_id,
            Change::DecisionRecorded { decision } | Change::DecisionRemoved { decision } => {
                decision.document_id
            }
            // The one document all of them touched, if there is one.
            Change::Several { changes } => {
                let first = changes.first()?.document()?;
                if changes.iter().all(|c| c.document() == Some(first)) {
                    first
                } else {
                    return None;
                }
            }
            Change::LabelCreated { .. }
            | Change::LabelUpdated { .. }
            | Change::LabelDeleted { .. }
            | Change::RelationTypeCreated { .. }
            | Change::RelationTypeUpdated { .. }
            | Change::RelationTypeDeleted { .. }
            | Change::EntityCreated { .. }
            | Change::EntityDeleted { .. }
            | Change::EntityUpdated { .. }
            | Change::EntitiesMerged { .. }
            | Change::EntitiesSplit { .. } => return None,
        })
    }

    /// The document the change touched, or 0 for a change of the schema.
    pub fn document_id(&self) -> i64 {
        self.document().unwrap_or(0)
    }

    /// A stable name for the kind of change, as written in the event log.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::AnnotationCreated { .. } => "annotation_created",
            Change::AnnotationDeleted { .. } => "annotation_deleted",
            Change::AnnotationUpdated { .. } => "annotation_updated",
            Change::RelationCreated { .. } => "relation_created",
            Change::RelationDeleted { .. } => "relation_deleted",
            Change::LabelCreated { .. } => "label_created",
            Change::LabelUpdated { .. } => "label_updated",
            Change::LabelDeleted { .. } => "label_deleted",
            Change::RelationTypeCreated { .. } => "relation_type_created",
            Change::RelationTypeUpdated { .. } => "relation_type_updated",
            Change::RelationTypeDeleted { .. } => "relation_type_deleted",
            Change::EntityCreated { .. } => "entity_created",
            Change::EntityDeleted { .. } => "entity_deleted",
            Change::EntityUpdated { .. } => "entity_updated",
            Change::EntitiesMerged { .. } => "entities_merged",
            Change::EntitiesSplit { .. } => "entities_split",
            Change::DecisionRecorded { .. } => "decision_recorded",
            Change::DecisionRemoved { .. } => "decision_removed",
            Change::TextReplaced { .. } => "text_replaced",
            Change::AnnotationOrphaned { .. } => "annotation_orphaned",
            Change::OrphanRestored { .. } => "orphan_restored",
            Change::OrphanDeleted { .. } => "orphan_deleted",
            Change::OrphanRecreated { .. } => "orphan_recreated",
            Change::Several { .. } => "several",
            Change::SuggestionsDecided { .. } => "suggestions_decided",
        }
    }
}
