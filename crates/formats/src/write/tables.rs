//! CSV tables for R and pandas (RFC 4180: UTF-8 without BOM, header row, CRLF between records,
//! fields quoted when they hold a comma, quote or line break).
//!
//! A folder of five tables joined by ids: `documents.csv` (with the text), `annotations.csv`
//! (code-point offsets, end exclusive, the quote, every attribute as JSON and one `attr_<name>`
//! column per attribute of the schema), `relations.csv`, `statements.csv` (actor, concept,
//! stance, document, date, source — one row per statement) and `entities.csv`.

use std::io::Write;

use csv::{QuoteStyle, Terminator, Writer, WriterBuilder};

use claimdesk_core::dataset::{DocumentRecord, ProjectInfo};
use claimdesk_core::statement::statements;
use claimdesk_core::Unit;

use super::check::SpanCheck;
use super::{ExportError, ExportOptions, ExportSummary, Exporter, Output};

type Table = Writer<Box<dyn Write + Send>>;

struct Tables {
    project: ProjectInfo,
    attributes: Vec<String>,
    documents: Table,
    annotations: Table,
    relations: Table,
    statements: Table,
    summary: ExportSummary,
}

fn table(out: &mut dyn Output, name: &str, header: &[&str]) -> Result<Table, ExportError> {
    let file = out.create(name)?;
    let mut w = WriterBuilder::new()
        .terminator(Terminator::CRLF)
        .quote_style(QuoteStyle::Necessary)
        .buffer_capacity(1 << 18)
        .from_writer(file);
    w.write_record(header).map_err(csv_error)?;
    Ok(w)
}

fn csv_error(e: csv::Error) -> ExportError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => ExportError::Io(e),
        other => ExportError::Invalid(format!("{other:?}")),
    }
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(T::to_string).unwrap_or_default()
}

pub(super) fn new(
    project: &ProjectInfo,
    _options: &ExportOptions,
    mut out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let mut attributes: Vec<String> = Vec::new();
    for label in &project.labels {
        for a in &label.attributes {
            if !attributes.contains(&a.name) {
                attributes.push(a.name.clone());
            }
        }
    }
    let mut annotation_header = vec![
        "id",
        "document_id",
        "label",
        "start",
        "end",
        "quote",
        "prefix",
        "suffix",
        "attributes",
        "note",
        "entity_id",
        "entity",
        "annotator",
        "created_at",
        "updated_at",
    ]
    .into_iter()
    .map(str::to_string)
    .collect::<Vec<_>>();
    annotation_header.extend(attributes.iter().map(|a| format!("attr_{a}")));
    let annotation_header: Vec<&str> = annotation_header.iter().map(String::as_str).collect();

    let out = out.as_mut();
    let mut entities = table(out, "entities.csv", &["id", "kind", "name", "aliases"])?;
    for e in &project.entities {
        entities
            .write_record([
                e.id.to_string(),
                e.kind.name().to_string(),
                e.name.clone(),
                e.aliases.join("|"),
            ])
            .map_err(csv_error)?;
    }
    entities.flush()?;
    Ok(Box::new(Tables {
        project: project.clone(),
        attributes,
        documents: table(
            out,
            "documents.csv",
            &[
                "id",
                "title",
                "date",
                "source",
                "author",
                "url",
                "language",
                "sha256",
                "imported_at",
                "annotation_count",
                "metadata",
                "text",
            ],
        )?,
        annotations: table(out, "annotations.csv", &annotation_header)?,
        relations: table(
            out,
            "relations.csv",
            &[
                "id",
                "document_id",
                "kind",
                "from_id",
                "to_id",
                "from_label",
                "to_label",
                "from_quote",
                "to_quote",
                "annotator",
                "created_at",
            ],
        )?,
        statements: table(
            out,
            "statements.csv",
            &[
                "document_id",
                "date",
                "source",
                "title",
                "actor",
                "actor_entity_id",
                "concept",
                "concept_entity_id",
                "stance",
                "actor_annotation_id",
                "claim_annotation_id",
                "position_annotation_id",
            ],
        )?,
        summary: ExportSummary::default(),
    }))
}

impl Exporter for Tables {
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        let check = SpanCheck::new(doc);
        self.documents
            .write_record([
                doc.id.to_string(),
                doc.title.clone(),
                opt(&doc.date),
                opt(&doc.source),
                opt(&doc.author),
                opt(&doc.url),
                opt(&doc.language),
                doc.sha256.clone(),
                doc.imported_at.to_rfc3339(),
                doc.annotations.len().to_string(),
                serde_json::Value::Object(doc.metadata.clone()).to_string(),
                doc.text.clone(),
            ])
            .map_err(csv_error)?;
        for a in &doc.annotations {
            check.span(a.id, Unit::CodePoint, a.start, a.end)?;
            self.summary.spans_checked += 1;
            let entity = a.entity_id.and_then(|id| self.project.entity(id));
            let mut record = vec![
                a.id.to_string(),
                doc.id.to_string(),
                a.label.clone(),
                a.start.to_string(),
                a.end.to_string(),
                a.quote.clone(),
                a.prefix.clone(),
                a.suffix.clone(),
                serde_json::Value::Object(a.attributes.clone()).to_string(),
                opt(&a.note),
                opt(&a.entity_id),
                entity.map(|e| e.name.clone()).unwrap_or_default(),
                a.annotator.clone(),
                a.created_at.to_rfc3339(),
                a.updated_at.to_rfc3339(),
            ];
            for name in &self.attributes {
                record.push(match a.attributes.get(name) {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                });
            }
            self.annotations.write_record(&record).map_err(csv_error)?;
        }
        for r in &doc.relations {
            let (from, to) = (doc.annotation(r.from_id), doc.annotation(r.to_id));
            self.relations
                .write_record([
                    r.id.to_string(),
                    doc.id.to_string(),
                    r.kind.clone(),
                    r.from_id.to_string(),
                    r.to_id.to_string(),
                    from.map(|a| a.label.clone()).unwrap_or_default(),
                    to.map(|a| a.label.clone()).unwrap_or_default(),
                    from.map(|a| a.quote.clone()).unwrap_or_default(),
                    to.map(|a| a.quote.clone()).unwrap_or_default(),
                    r.annotator.clone(),
                    r.created_at.to_rfc3339(),
                ])
                .map_err(csv_error)?;
        }
        let statements = statements(doc, &self.project);
        for s in &statements {
            self.statements
                .write_record([
                    s.document_id.to_string(),
                    opt(&s.date),
                    opt(&s.source),
                    s.title.clone(),
                    s.actor.clone(),
                    opt(&s.actor_entity_id),
                    s.concept.clone(),
                    opt(&s.concept_entity_id),
                    opt(&s.stance),
                    s.actor_annotation_id.to_string(),
                    s.claim_annotation_id.to_string(),
                    opt(&s.position_annotation_id),
                ])
                .map_err(csv_error)?;
        }
        self.summary.documents += 1;
        self.summary.annotations += doc.annotations.len();
        self.summary.relations += doc.relations.len();
        self.summary.statements += statements.len();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<ExportSummary, ExportError> {
        self.documents.flush()?;
        self.annotations.flush()?;
        self.relations.flush()?;
        self.statements.flush()?;
        Ok(self.summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::testdata;
    use crate::write::{ExportFormat, MemoryOutput};

    fn export() -> MemoryOutput {
        let (project, docs) = (testdata::project(), testdata::documents());
        let options = ExportOptions::default();
        testdata::run(ExportFormat::Csv, &project, &options, &docs)
            .unwrap()
            .0
    }

    fn rows(out: &MemoryOutput, name: &str) -> Vec<csv::StringRecord> {
        let bytes = out.file(name).unwrap();
        csv::Reader::from_reader(bytes.as_slice())
            .records()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn five_tables_are_written_with_a_header_row() {
        let out = export();
        assert_eq!(
            out.names(),
            [
                "annotations.csv",
                "documents.csv",
                "entities.csv",
                "relations.csv",
                "statements.csv"
            ]
        );
        assert_eq!(rows(&out, "documents.csv").len(), 3);
        assert_eq!(rows(&out, "annotations.csv").len(), 14);
        assert_eq!(rows(&out, "relations.csv").len(), 9);
        assert_eq!(rows(&out, "statements.csv").len(), 4);
        assert_eq!(rows(&out, "entities.csv").len(), 4);
    }

    #[test]
    fn text_with_crlf_and_quotes_reads_back_exactly() {
        let out = export();
        let docs = rows(&out, "documents.csv");
        assert_eq!(&docs[0][11], testdata::HOSTILE);
        let raw = testdata::text(&out, "documents.csv");
        assert!(raw.starts_with("id,title,date,"));
        assert!(raw.contains("\r\n1,"), "records end with CRLF");
    }

    #[test]
    fn attributes_get_a_column_each() {
        let out = export();
        let bytes = out.file("annotations.csv").unwrap();
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let header = reader.headers().unwrap().clone();
        let stance = header.iter().position(|h| h == "attr_stance").unwrap();
        let label = header.iter().position(|h| h == "label").unwrap();
        let stances: Vec<String> = reader
            .records()
            .map(Result::unwrap)
            .filter(|r| &r[label] == "Position")
            .map(|r| r[stance].to_string())
            .collect();
        assert_eq!(stances, ["support", "oppose", "oppose"]);
    }
}
