//! Native JSON Lines: the lossless export, and the format `claimdesk-cli import` reads back.
//!
//! Line 1 is the project header (`"type": "project"`: schema, entities, annotators, the offset
//! unit); every further line is one document (`"type": "document"`) with its text, annotations
//! (code-point offsets plus their UTF-16 and UTF-8 equivalents and the quote), relations, the
//! entities it refers to and the statements derived from it. Nothing in it depends on when it
//! was written, so exporting a re-imported export gives the same bytes.

use std::io::{BufWriter, Write};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use claimdesk_core::dataset::{
    DocumentRecord, Entity, LabelInfo, ProjectInfo, RelationRecord, RelationTypeInfo,
};
use claimdesk_core::statement::{statements, Statement};
use claimdesk_core::{Span, TextIndex, Unit};

use super::check::SpanCheck;
use super::{ExportError, ExportOptions, ExportSummary, Exporter, Output};

/// The value of the header's `format` key, by which importers recognise the format.
pub const FORMAT_NAME: &str = "claimdesk";
/// The version of the native format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Header<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    format: &'static str,
    version: u32,
    offset_unit: &'static str,
    labels: &'a [LabelInfo],
    entities: &'a [Entity],
    annotators: &'a [String],
    relation_types: &'a [RelationTypeInfo],
}

#[derive(Serialize)]
struct DocumentLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: i64,
    title: &'a str,
    date: Option<NaiveDate>,
    source: &'a Option<String>,
    author: &'a Option<String>,
    url: &'a Option<String>,
    language: &'a Option<String>,
    metadata: &'a serde_json::Map<String, serde_json::Value>,
    sha256: &'a str,
    imported_at: DateTime<Utc>,
    text: &'a str,
    annotations: Vec<AnnotationLine<'a>>,
    relations: &'a [RelationRecord],
    entities: Vec<&'a Entity>,
    statements: &'a [Statement],
}

#[derive(Serialize)]
struct AnnotationLine<'a> {
    id: i64,
    /// The annotation's global identity, which merge and restore keep.
    #[serde(skip_serializing_if = "str::is_empty")]
    uid: &'a str,
    label: &'a str,
    start: usize,
    end: usize,
    utf16_start: usize,
    utf16_end: usize,
    utf8_start: usize,
    utf8_end: usize,
    quote: &'a str,
    prefix: &'a str,
    suffix: &'a str,
    attributes: &'a serde_json::Map<String, serde_json::Value>,
    note: &'a Option<String>,
    entity_id: Option<i64>,
    annotator: &'a str,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

struct Jsonl {
    project: ProjectInfo,
    out: BufWriter<Box<dyn Write + Send>>,
    summary: ExportSummary,
}

pub(super) fn new(
    project: &ProjectInfo,
    _options: &ExportOptions,
    mut out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let file = out.create(super::ExportFormat::Jsonl.default_name())?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    serde_json::to_writer(
        &mut out,
        &Header {
            kind: "project",
            format: FORMAT_NAME,
            version: FORMAT_VERSION,
            offset_unit: "code_point",
            labels: &project.labels,
            entities: &project.entities,
            annotators: &project.annotators,
            relation_types: &project.relation_types,
        },
    )
    .map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(Box::new(Jsonl {
        project: project.clone(),
        out,
        summary: ExportSummary::default(),
    }))
}

impl Exporter for Jsonl {
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        let index = TextIndex::new(&doc.text);
        let check = SpanCheck::new(doc);
        let mut annotations = Vec::with_capacity(doc.annotations.len());
        for a in &doc.annotations {
            let span = Span::new(a.start, a.end)
                .and_then(|s| index.check(s))
                .map_err(|e| ExportError::Invalid(format!("annotation {}: {e}", a.id)))?;
            let (utf16_start, utf16_end) = index
                .span_in(span, Unit::Utf16)
                .map_err(|e| ExportError::Invalid(format!("annotation {}: {e}", a.id)))?;
            let (utf8_start, utf8_end) = index
                .span_in(span, Unit::Utf8)
                .map_err(|e| ExportError::Invalid(format!("annotation {}: {e}", a.id)))?;
            check.span(a.id, Unit::CodePoint, a.start, a.end)?;
            check.span(a.id, Unit::Utf16, utf16_start, utf16_end)?;
            check.span(a.id, Unit::Utf8, utf8_start, utf8_end)?;
            self.summary.spans_checked += 3;
            annotations.push(AnnotationLine {
                id: a.id,
                uid: &a.uid,
                label: &a.label,
                start: a.start,
                end: a.end,
                utf16_start,
                utf16_end,
                utf8_start,
                utf8_end,
                quote: &a.quote,
                prefix: &a.prefix,
                suffix: &a.suffix,
                attributes: &a.attributes,
                note: &a.note,
                entity_id: a.entity_id,
                annotator: &a.annotator,
                created_at: a.created_at,
                updated_at: a.updated_at,
            });
        }
        let mut entity_ids: Vec<i64> = doc.annotations.iter().filter_map(|a| a.entity_id).collect();
        entity_ids.sort_unstable();
        entity_ids.dedup();
        let entities = entity_ids
            .into_iter()
            .filter_map(|id| self.project.entity(id))
            .collect();
        let statements = statements(doc, &self.project);
        let line = DocumentLine {
            kind: "document",
            id: doc.id,
            title: &doc.title,
            date: doc.date,
            source: &doc.source,
            author: &doc.author,
            url: &doc.url,
            language: &doc.language,
            metadata: &doc.metadata,
            sha256: &doc.sha256,
            imported_at: doc.imported_at,
            text: &doc.text,
            annotations,
            relations: &doc.relations,
            entities,
            statements: &statements,
        };
        serde_json::to_writer(&mut self.out, &line).map_err(std::io::Error::from)?;
        self.out.write_all(b"\n")?;
        self.summary.documents += 1;
        self.summary.annotations += doc.annotations.len();
        self.summary.relations += doc.relations.len();
        self.summary.statements += statements.len();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<ExportSummary, ExportError> {
        self.out.flush()?;
        Ok(self.summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::testdata;
    use crate::write::ExportFormat;

    pub(crate) fn export(docs: &[DocumentRecord]) -> Result<(Vec<u8>, ExportSummary), ExportError> {
        let project = testdata::project();
        testdata::run_one(ExportFormat::Jsonl, &project, docs, "export.jsonl")
    }

    #[test]
    fn every_document_is_one_line_after_the_header() {
        let (bytes, summary) = export(&testdata::documents()).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0]["type"], "project");
        assert_eq!(lines[0]["offset_unit"], "code_point");
        assert_eq!(lines[1]["type"], "document");
        assert_eq!(summary.documents, 3);
        assert_eq!(summary.annotations, 14);
        assert_eq!(summary.relations, 9);
        assert_eq!(summary.statements, 4);
    }

    #[test]
    fn a_flag_gets_its_offsets_in_all_three_units() {
        let (bytes, _) = export(&testdata::documents()).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let doc: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
        let flag = doc["annotations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["quote"] == "🇺🇦")
            .unwrap();
        // "Президент " is 10 code points, 10 UTF-16 units and 19 UTF-8 bytes.
        assert_eq!(
            (flag["start"].as_u64(), flag["end"].as_u64()),
            (Some(10), Some(12))
        );
        assert_eq!(
            (flag["utf16_start"].as_u64(), flag["utf16_end"].as_u64()),
            (Some(10), Some(14))
        );
        assert_eq!(
            (flag["utf8_start"].as_u64(), flag["utf8_end"].as_u64()),
            (Some(19), Some(27))
        );
    }

    #[test]
    fn the_statements_of_the_fixture_are_derived_into_each_line() {
        let (bytes, _) = export(&testdata::documents()).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let doc: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
        let found: Vec<(String, String, String)> = doc["statements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["actor"].as_str().unwrap().to_string(),
                    s["concept"].as_str().unwrap().to_string(),
                    s["stance"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "Volodymyr Zelensky".into(),
                    "Ceasefire".into(),
                    "support".into()
                ),
                ("Vladimir Putin".into(), "Ceasefire".into(), "oppose".into()),
                ("الوزير".into(), "השלום קרוב".into(), "".into()),
            ]
        );
    }

    #[test]
    fn a_quote_that_disagrees_with_the_text_stops_the_export() {
        let mut docs = testdata::documents();
        docs[0].annotations[2].quote = "something else".into();
        let id = docs[0].annotations[2].id;
        match export(&docs) {
            Err(ExportError::SelfCheck { annotation_id, .. }) => assert_eq!(annotation_id, id),
            other => panic!("expected a self-check failure, got {other:?}"),
        }
    }

    #[test]
    fn the_committed_interop_fixture_is_this_corpus() {
        let (bytes, _) = export(&testdata::documents()).unwrap();
        let fixture = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/interop/fixture.jsonl"
        );
        if std::env::var_os("CLAIMDESK_WRITE_FIXTURE").is_some() {
            std::fs::write(fixture, &bytes).unwrap();
        }
        let committed = std::fs::read(fixture).expect("tests/interop/fixture.jsonl");
        assert!(
            committed == bytes,
            "tests/interop/fixture.jsonl is stale: run with CLAIMDESK_WRITE_FIXTURE=1"
        );
    }
}
