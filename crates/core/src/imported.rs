//! What importers produce: documents with the annotations and relations their files carried,
//! identified by the file's own keys until the store gives them ids.

use crate::document::NewDocument;

/// One document produced by an importer, with the annotations its file carried.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedDocument {
    pub document: NewDocument,
    pub annotations: Vec<ImportedAnnotation>,
    pub relations: Vec<ImportedRelation>,
}

impl ImportedDocument {
    pub fn plain(document: NewDocument) -> ImportedDocument {
        ImportedDocument {
            document,
            annotations: Vec::new(),
            relations: Vec::new(),
        }
    }
}

/// A span from another tool's file. `key` is that file's own id (brat's `T1`), which relations
/// refer to; `label` is created in the project's schema if it is not there yet.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedAnnotation {
    pub key: String,
    pub label: String,
    pub start: usize,
    pub end: usize,
    pub attributes: serde_json::Map<String, serde_json::Value>,
    pub note: Option<String>,
}

/// A typed link between two imported annotations, by their keys.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedRelation {
    pub kind: String,
    pub from: String,
    pub to: String,
}
