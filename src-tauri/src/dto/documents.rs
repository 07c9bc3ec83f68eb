//! A document for the reader (its text, annotations and relations) and a document's row in lists.

use serde::Serialize;

use claimdesk_core::{Annotation, Document, DocumentSummary, TextIndex, Unit};

use super::annotations::{AnnotationDto, RelationDto};
use super::versions::OrphanDto;
use crate::error::ErrorDto;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentSummaryDto {
    pub id: i64,
    pub title: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub annotation_count: i64,
}

impl From<DocumentSummary> for DocumentSummaryDto {
    fn from(d: DocumentSummary) -> DocumentSummaryDto {
        DocumentSummaryDto {
            id: d.id,
            title: d.title,
            date: d.date.map(|d| d.to_string()),
            source: d.source,
            annotation_count: d.annotation_count,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentDto {
    pub id: i64,
    pub title: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub text: String,
    /// Where the article's date header ends (UTF-16); 0 if it has none.
    pub header_end16: usize,
    pub annotations: Vec<AnnotationDto>,
    pub relations: Vec<RelationDto>,
    /// Whether blind mode left other coders' annotations out, and how many.
    pub blind: bool,
    pub hidden: usize,
    /// Whether the coder at work marked the document done.
    pub done: bool,
    /// Annotations a replaced text left without a place, for the analyst to place or delete.
    pub orphans: Vec<OrphanDto>,
}

impl DocumentDto {
    pub fn new(
        doc: Document,
        annotations: Vec<Annotation>,
        relations: Vec<claimdesk_core::Relation>,
    ) -> Result<DocumentDto, ErrorDto> {
        let index = TextIndex::new(&doc.text);
        let annotations = annotations
            .into_iter()
            .map(|a| AnnotationDto::new(a, &index))
            .collect::<Result<_, _>>()?;
        let header_end16 =
            index.from_code_points(claimdesk_core::document::header_end(&doc.text), Unit::Utf16)?;
        Ok(DocumentDto {
            header_end16,
            id: doc.id,
            title: doc.title,
            date: doc.date.map(|d| d.to_string()),
            source: doc.source,
            annotations,
            relations: relations.into_iter().map(Into::into).collect(),
            text: doc.text,
            blind: false,
            hidden: 0,
            done: false,
            orphans: Vec::new(),
        })
    }
}
