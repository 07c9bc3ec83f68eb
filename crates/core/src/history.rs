//! Changes: the undoable units of editing, as recorded in a project's event log.
//!
//! Every edit is one [`Change`]. Undo applies its [`Change::inverse`]; redo applies it again.
//! A change carries everything needed to apply it in either direction (a deleted annotation
//! keeps its full row and its relations), so history survives a restart of the app.

use serde::{Deserialize, Serialize};

use crate::annotation::{Annotation, Relation};

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
        }
    }

    /// The document the change touched, so a view can refresh just that one.
    pub fn document_id(&self) -> i64 {
        match self {
            Change::AnnotationCreated { annotation, .. }
            | Change::AnnotationDeleted { annotation, .. } => annotation.document_id,
            Change::AnnotationUpdated { after, .. } => after.document_id,
            Change::RelationCreated { document_id, .. }
            | Change::RelationDeleted { document_id, .. } => *document_id,
        }
    }

    /// A stable name for the kind of change, as written in the event log.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::AnnotationCreated { .. } => "annotation_created",
            Change::AnnotationDeleted { .. } => "annotation_deleted",
            Change::AnnotationUpdated { .. } => "annotation_updated",
            Change::RelationCreated { .. } => "relation_created",
            Change::RelationDeleted { .. } => "relation_deleted",
        }
    }
}
