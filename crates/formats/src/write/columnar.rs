//! Parquet tables, for pandas, pyarrow, polars, DuckDB, R (arrow) and Hugging Face `datasets`.
//!
//! Two files in the export folder:
//!
//! - `documents.parquet`: one row per document (id, title, date, source, author, url,
//!   language, metadata as a JSON string, sha256, imported_at, text) with its annotations nested
//!   in `spans` (`list<struct<id, label, start, end, quote, annotator, attributes, entity_id>>`)
//!   and its relations in `relations` (`list<struct<id, kind, from_id, to_id, annotator,
//!   created_at>>`);
//! - `spans.parquet`: one row per annotation, flat (document_id, id, label, start, end, quote,
//!   prefix, suffix, attributes, note, entity_id, annotator, created_at, updated_at).
//!
//! Offsets are code points, end exclusive (Python `text[start:end]`); both files say so in
//! their key-value metadata (`offset_unit` = `code_point`, `offset_end` = `exclusive`), next to
//! the label schema and the entities as JSON. Attributes and metadata are JSON strings so the
//! schema does not depend on the project. Times are UTC microseconds, dates are days.
//!
//! The files are written with the low-level column writer of the `parquet` crate (no Arrow),
//! snappy-compressed: rows are buffered column by column and written as a row group every 8,192
//! spans (flat, or nested in documents), 1,024 documents or 64 MiB of strings, whichever comes
//! first, so memory stays flat however many documents are exported.

use std::io::{self, Write};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DataType, Int32Type, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::{SerializedFileWriter, SerializedRowGroupWriter};
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::ColumnPath;
use serde_json::{Map, Value};

use claimdesk_core::dataset::{DocumentRecord, ProjectInfo};
use claimdesk_core::Unit;

use super::check::SpanCheck;
use super::{ExportError, ExportOptions, ExportSummary, Exporter, Output};

pub(crate) const DOCUMENTS_FILE: &str = "documents.parquet";
pub(crate) const SPANS_FILE: &str = "spans.parquet";

/// The schema of `documents.parquet`. Lists use the standard three-level form
/// (`<name> (LIST) { repeated group list { element } }`) that every reader understands.
const DOCUMENTS_SCHEMA: &str = "
message claimdesk_documents {
  required int64 id;
  required binary title (STRING);
  optional int32 date (DATE);
  optional binary source (STRING);
  optional binary author (STRING);
  optional binary url (STRING);
  optional binary language (STRING);
  required binary metadata (STRING);
  required binary sha256 (STRING);
  required int64 imported_at (TIMESTAMP(MICROS,true));
  required binary text (STRING);
  required group spans (LIST) {
    repeated group list {
      required group element {
        required int64 id;
        required binary label (STRING);
        required int64 start;
        required int64 end;
        required binary quote (STRING);
        required binary annotator (STRING);
        required binary attributes (STRING);
        optional int64 entity_id;
      }
    }
  }
  required group relations (LIST) {
    repeated group list {
      required group element {
        required int64 id;
        required binary kind (STRING);
        required int64 from_id;
        required int64 to_id;
        required binary annotator (STRING);
        required int64 created_at (TIMESTAMP(MICROS,true));
      }
    }
  }
}
";

/// The schema of `spans.parquet`.
const SPANS_SCHEMA: &str = "
message claimdesk_spans {
  required int64 document_id;
  required int64 id;
  required binary label (STRING);
  required int64 start;
  required int64 end;
  required binary quote (STRING);
  required binary prefix (STRING);
  required binary suffix (STRING);
  required binary attributes (STRING);
  optional binary note (STRING);
  optional int64 entity_id;
  required binary annotator (STRING);
  required int64 created_at (TIMESTAMP(MICROS,true));
  required int64 updated_at (TIMESTAMP(MICROS,true));
}
";

/// Columns with few distinct values, dictionary-encoded; every other column is written plain
/// (hashing long texts for a dictionary costs time and rarely pays).
const DOCUMENTS_DICTIONARY: &[&[&str]] = &[
    &["source"],
    &["author"],
    &["language"],
    &["spans", "list", "element", "label"],
    &["spans", "list", "element", "annotator"],
    &["spans", "list", "element", "attributes"],
    &["relations", "list", "element", "kind"],
    &["relations", "list", "element", "annotator"],
];
const SPANS_DICTIONARY: &[&[&str]] = &[&["label"], &["attributes"], &["annotator"]];

/// Long free-text columns: no min/max statistics (they would cost a comparison of every value
/// and say nothing useful).
const DOCUMENTS_NO_STATISTICS: &[&[&str]] = &[
    &["title"],
    &["metadata"],
    &["text"],
    &["spans", "list", "element", "quote"],
    &["spans", "list", "element", "attributes"],
];
const SPANS_NO_STATISTICS: &[&[&str]] = &[
    &["quote"],
    &["prefix"],
    &["suffix"],
    &["attributes"],
    &["note"],
];

/// When a row group is written.
#[derive(Clone, Copy, Debug)]
struct Limits {
    document_rows: usize,
    /// Rows of `spans.parquet`, and spans plus relations nested in a group of documents.
    span_rows: usize,
    /// Buffered bytes of strings, whichever comes first.
    bytes: usize,
}

const LIMITS: Limits = Limits {
    document_rows: 1024,
    span_rows: 8192,
    bytes: 64 << 20,
};

type Sink = Box<dyn Write + Send>;

pub(super) fn new(
    project: &ProjectInfo,
    _options: &ExportOptions,
    out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    Ok(Box::new(Columnar::create(project, out, LIMITS)?))
}

fn parquet_error(e: ParquetError) -> ExportError {
    ExportError::Io(io::Error::other(format!("parquet: {e}")))
}

fn column_path(parts: &[&str]) -> ColumnPath {
    ColumnPath::new(parts.iter().map(|p| p.to_string()).collect())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ExportError> {
    serde_json::to_string(value).map_err(|e| ExportError::Invalid(e.to_string()))
}

fn properties(
    project: &ProjectInfo,
    dictionary: &[&[&str]],
    no_statistics: &[&[&str]],
) -> Result<WriterProperties, ExportError> {
    let metadata = vec![
        KeyValue::new("offset_unit".into(), "code_point".to_string()),
        KeyValue::new("offset_end".into(), "exclusive".to_string()),
        KeyValue::new("claimdesk.labels".into(), to_json(&project.labels)?),
        KeyValue::new("claimdesk.entities".into(), to_json(&project.entities)?),
    ];
    let mut builder = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_dictionary_enabled(false)
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_key_value_metadata(Some(metadata));
    for parts in dictionary {
        builder = builder.set_column_dictionary_enabled(column_path(parts), true);
    }
    for parts in no_statistics {
        builder =
            builder.set_column_statistics_enabled(column_path(parts), EnabledStatistics::None);
    }
    Ok(builder.build())
}

fn writer(
    out: &mut dyn Output,
    name: &str,
    schema: &str,
    properties: WriterProperties,
) -> Result<SerializedFileWriter<Sink>, ExportError> {
    let schema = Arc::new(parse_message_type(schema).map_err(parquet_error)?);
    let file = out.create(name)?;
    SerializedFileWriter::new(file, schema, Arc::new(properties)).map_err(parquet_error)
}

/// Writes the next column of a row group.
fn column<T: DataType>(
    group: &mut SerializedRowGroupWriter<'_, Sink>,
    values: &[T::T],
    def: Option<&[i16]>,
    rep: Option<&[i16]>,
) -> Result<(), ParquetError> {
    let mut col = group
        .next_column()?
        .ok_or_else(|| ParquetError::General("more columns written than the schema has".into()))?;
    col.typed::<T>().write_batch(values, def, rep)?;
    col.close()
}

fn text(s: &str) -> ByteArray {
    ByteArray::from(s.as_bytes().to_vec())
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn days(d: NaiveDate) -> i32 {
    // Parquet DATE counts days since 1970-01-01.
    (d - NaiveDate::default()).num_days() as i32
}

fn json_text(map: &Map<String, Value>) -> ByteArray {
    if map.is_empty() {
        return ByteArray::from(b"{}".to_vec());
    }
    // A map of JSON values always serialises.
    ByteArray::from(serde_json::to_vec(map).unwrap_or_else(|_| b"{}".to_vec()))
}

/// An optional top-level column: values of the rows that have one, and a definition level per row.
#[derive(Default)]
struct Optional<T> {
    values: Vec<T>,
    def: Vec<i16>,
}

impl<T> Optional<T> {
    fn push(&mut self, value: Option<T>) {
        match value {
            Some(v) => {
                self.values.push(v);
                self.def.push(1);
            }
            None => self.def.push(0),
        }
    }

    fn clear(&mut self) {
        self.values.clear();
        self.def.clear();
    }
}

/// One row group of `documents.parquet`, column by column.
#[derive(Default)]
struct DocumentRows {
    rows: usize,
    /// Spans and relations nested in the buffered rows.
    nested: usize,
    bytes: usize,
    id: Vec<i64>,
    title: Vec<ByteArray>,
    date: Optional<i32>,
    source: Optional<ByteArray>,
    author: Optional<ByteArray>,
    url: Optional<ByteArray>,
    language: Optional<ByteArray>,
    metadata: Vec<ByteArray>,
    sha256: Vec<ByteArray>,
    imported_at: Vec<i64>,
    text: Vec<ByteArray>,
    // `spans`: one repetition and definition level per span (or one per empty list), shared by
    // every required leaf; `entity_id` is optional so it has its own definition levels.
    span_rep: Vec<i16>,
    span_def: Vec<i16>,
    span_id: Vec<i64>,
    span_label: Vec<ByteArray>,
    span_start: Vec<i64>,
    span_end: Vec<i64>,
    span_quote: Vec<ByteArray>,
    span_annotator: Vec<ByteArray>,
    span_attributes: Vec<ByteArray>,
    span_entity: Vec<i64>,
    span_entity_def: Vec<i16>,
    rel_rep: Vec<i16>,
    rel_def: Vec<i16>,
    rel_id: Vec<i64>,
    rel_kind: Vec<ByteArray>,
    rel_from: Vec<i64>,
    rel_to: Vec<i64>,
    rel_annotator: Vec<ByteArray>,
    rel_created_at: Vec<i64>,
}

impl DocumentRows {
    fn push(&mut self, doc: &DocumentRecord) {
        let opt = |s: &Option<String>| s.as_deref().map(text);
        self.rows += 1;
        self.nested += doc.annotations.len() + doc.relations.len();
        self.bytes += doc.text.len() + doc.title.len();
        self.id.push(doc.id);
        self.title.push(text(&doc.title));
        self.date.push(doc.date.map(days));
        self.source.push(opt(&doc.source));
        self.author.push(opt(&doc.author));
        self.url.push(opt(&doc.url));
        self.language.push(opt(&doc.language));
        self.metadata.push(json_text(&doc.metadata));
        self.sha256.push(text(&doc.sha256));
        self.imported_at.push(micros(doc.imported_at));
        self.text.push(text(&doc.text));

        if doc.annotations.is_empty() {
            // An empty list: one level pair, no values.
            self.span_rep.push(0);
            self.span_def.push(0);
            self.span_entity_def.push(0);
        }
        for (i, a) in doc.annotations.iter().enumerate() {
            let rep = if i == 0 { 0 } else { 1 };
            self.span_rep.push(rep);
            self.span_def.push(1);
            self.span_id.push(a.id);
            self.span_label.push(text(&a.label));
            self.span_start.push(a.start as i64);
            self.span_end.push(a.end as i64);
            self.span_quote.push(text(&a.quote));
            self.span_annotator.push(text(&a.annotator));
            self.span_attributes.push(json_text(&a.attributes));
            match a.entity_id {
                Some(e) => {
                    self.span_entity.push(e);
                    self.span_entity_def.push(2);
                }
                None => self.span_entity_def.push(1),
            }
            self.bytes += a.quote.len() + a.label.len() + 64;
        }

        if doc.relations.is_empty() {
            self.rel_rep.push(0);
            self.rel_def.push(0);
        }
        for (i, r) in doc.relations.iter().enumerate() {
            self.rel_rep.push(if i == 0 { 0 } else { 1 });
            self.rel_def.push(1);
            self.rel_id.push(r.id);
            self.rel_kind.push(text(&r.kind));
            self.rel_from.push(r.from_id);
            self.rel_to.push(r.to_id);
            self.rel_annotator.push(text(&r.annotator));
            self.rel_created_at.push(micros(r.created_at));
            self.bytes += 64;
        }
    }

    /// Writes the buffered rows as one row group (in the schema's leaf order) and empties the
    /// buffers.
    fn write(&mut self, file: &mut SerializedFileWriter<Sink>) -> Result<(), ParquetError> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut g = file.next_row_group()?;
        column::<Int64Type>(&mut g, &self.id, None, None)?;
        column::<ByteArrayType>(&mut g, &self.title, None, None)?;
        column::<Int32Type>(&mut g, &self.date.values, Some(&self.date.def), None)?;
        for o in [&self.source, &self.author, &self.url, &self.language] {
            column::<ByteArrayType>(&mut g, &o.values, Some(&o.def), None)?;
        }
        column::<ByteArrayType>(&mut g, &self.metadata, None, None)?;
        column::<ByteArrayType>(&mut g, &self.sha256, None, None)?;
        column::<Int64Type>(&mut g, &self.imported_at, None, None)?;
        column::<ByteArrayType>(&mut g, &self.text, None, None)?;

        let (def, rep) = (Some(&self.span_def[..]), Some(&self.span_rep[..]));
        column::<Int64Type>(&mut g, &self.span_id, def, rep)?;
        column::<ByteArrayType>(&mut g, &self.span_label, def, rep)?;
        column::<Int64Type>(&mut g, &self.span_start, def, rep)?;
        column::<Int64Type>(&mut g, &self.span_end, def, rep)?;
        column::<ByteArrayType>(&mut g, &self.span_quote, def, rep)?;
        column::<ByteArrayType>(&mut g, &self.span_annotator, def, rep)?;
        column::<ByteArrayType>(&mut g, &self.span_attributes, def, rep)?;
        column::<Int64Type>(&mut g, &self.span_entity, Some(&self.span_entity_def), rep)?;

        let (def, rep) = (Some(&self.rel_def[..]), Some(&self.rel_rep[..]));
        column::<Int64Type>(&mut g, &self.rel_id, def, rep)?;
        column::<ByteArrayType>(&mut g, &self.rel_kind, def, rep)?;
        column::<Int64Type>(&mut g, &self.rel_from, def, rep)?;
        column::<Int64Type>(&mut g, &self.rel_to, def, rep)?;
        column::<ByteArrayType>(&mut g, &self.rel_annotator, def, rep)?;
        column::<Int64Type>(&mut g, &self.rel_created_at, def, rep)?;
        g.close()?;
        self.clear();
        Ok(())
    }

    fn clear(&mut self) {
        self.rows = 0;
        self.nested = 0;
        self.bytes = 0;
        self.id.clear();
        self.title.clear();
        self.date.clear();
        self.source.clear();
        self.author.clear();
        self.url.clear();
        self.language.clear();
        self.metadata.clear();
        self.sha256.clear();
        self.imported_at.clear();
        self.text.clear();
        self.span_rep.clear();
        self.span_def.clear();
        self.span_id.clear();
        self.span_label.clear();
        self.span_start.clear();
        self.span_end.clear();
        self.span_quote.clear();
        self.span_annotator.clear();
        self.span_attributes.clear();
        self.span_entity.clear();
        self.span_entity_def.clear();
        self.rel_rep.clear();
        self.rel_def.clear();
        self.rel_id.clear();
        self.rel_kind.clear();
        self.rel_from.clear();
        self.rel_to.clear();
        self.rel_annotator.clear();
        self.rel_created_at.clear();
    }
}

/// One row group of `spans.parquet`.
#[derive(Default)]
struct SpanRows {
    rows: usize,
    bytes: usize,
    document_id: Vec<i64>,
    id: Vec<i64>,
    label: Vec<ByteArray>,
    start: Vec<i64>,
    end: Vec<i64>,
    quote: Vec<ByteArray>,
    prefix: Vec<ByteArray>,
    suffix: Vec<ByteArray>,
    attributes: Vec<ByteArray>,
    note: Optional<ByteArray>,
    entity_id: Optional<i64>,
    annotator: Vec<ByteArray>,
    created_at: Vec<i64>,
    updated_at: Vec<i64>,
}

impl SpanRows {
    fn push(&mut self, document_id: i64, a: &claimdesk_core::dataset::AnnotationRecord) {
        self.rows += 1;
        self.bytes += a.quote.len() + a.prefix.len() + a.suffix.len() + 64;
        self.document_id.push(document_id);
        self.id.push(a.id);
        self.label.push(text(&a.label));
        self.start.push(a.start as i64);
        self.end.push(a.end as i64);
        self.quote.push(text(&a.quote));
        self.prefix.push(text(&a.prefix));
        self.suffix.push(text(&a.suffix));
        self.attributes.push(json_text(&a.attributes));
        self.note.push(a.note.as_deref().map(text));
        self.entity_id.push(a.entity_id);
        self.annotator.push(text(&a.annotator));
        self.created_at.push(micros(a.created_at));
        self.updated_at.push(micros(a.updated_at));
    }

    fn write(&mut self, file: &mut SerializedFileWriter<Sink>) -> Result<(), ParquetError> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut g = file.next_row_group()?;
        column::<Int64Type>(&mut g, &self.document_id, None, None)?;
        column::<Int64Type>(&mut g, &self.id, None, None)?;
        column::<ByteArrayType>(&mut g, &self.label, None, None)?;
        column::<Int64Type>(&mut g, &self.start, None, None)?;
        column::<Int64Type>(&mut g, &self.end, None, None)?;
        column::<ByteArrayType>(&mut g, &self.quote, None, None)?;
        column::<ByteArrayType>(&mut g, &self.prefix, None, None)?;
        column::<ByteArrayType>(&mut g, &self.suffix, None, None)?;
        column::<ByteArrayType>(&mut g, &self.attributes, None, None)?;
        column::<ByteArrayType>(&mut g, &self.note.values, Some(&self.note.def), None)?;
        column::<Int64Type>(
            &mut g,
            &self.entity_id.values,
            Some(&self.entity_id.def),
            None,
        )?;
        column::<ByteArrayType>(&mut g, &self.annotator, None, None)?;
        column::<Int64Type>(&mut g, &self.created_at, None, None)?;
        column::<Int64Type>(&mut g, &self.updated_at, None, None)?;
        g.close()?;
        self.rows = 0;
        self.bytes = 0;
        self.document_id.clear();
        self.id.clear();
        self.label.clear();
        self.start.clear();
        self.end.clear();
        self.quote.clear();
        self.prefix.clear();
        self.suffix.clear();
        self.attributes.clear();
        self.note.clear();
        self.entity_id.clear();
        self.annotator.clear();
        self.created_at.clear();
        self.updated_at.clear();
        Ok(())
    }
}

struct Columnar {
    limits: Limits,
    documents: SerializedFileWriter<Sink>,
    spans: SerializedFileWriter<Sink>,
    document_rows: DocumentRows,
    span_rows: SpanRows,
    summary: ExportSummary,
}

impl Columnar {
    fn create(
        project: &ProjectInfo,
        mut out: Box<dyn Output>,
        limits: Limits,
    ) -> Result<Columnar, ExportError> {
        let documents = writer(
            out.as_mut(),
            DOCUMENTS_FILE,
            DOCUMENTS_SCHEMA,
            properties(project, DOCUMENTS_DICTIONARY, DOCUMENTS_NO_STATISTICS)?,
        )?;
        let spans = writer(
            out.as_mut(),
            SPANS_FILE,
            SPANS_SCHEMA,
            properties(project, SPANS_DICTIONARY, SPANS_NO_STATISTICS)?,
        )?;
        Ok(Columnar {
            limits,
            documents,
            spans,
            document_rows: DocumentRows::default(),
            span_rows: SpanRows::default(),
            summary: ExportSummary::default(),
        })
    }
}

impl Exporter for Columnar {
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        // Both files carry the same code-point offsets (the annotation's own): every span is
        // checked before anything of the document is buffered, so a failed check leaves no
        // half-written row.
        let check = SpanCheck::new(doc);
        for a in &doc.annotations {
            check.text(a.id, Unit::CodePoint, a.start, a.end, &a.quote)?;
        }
        self.summary.spans_checked += doc.annotations.len();

        self.document_rows.push(doc);
        if self.document_rows.rows >= self.limits.document_rows
            || self.document_rows.nested >= self.limits.span_rows
            || self.document_rows.bytes >= self.limits.bytes
        {
            self.document_rows
                .write(&mut self.documents)
                .map_err(parquet_error)?;
        }
        for a in &doc.annotations {
            self.span_rows.push(doc.id, a);
            if self.span_rows.rows >= self.limits.span_rows
                || self.span_rows.bytes >= self.limits.bytes
            {
                self.span_rows
                    .write(&mut self.spans)
                    .map_err(parquet_error)?;
            }
        }
        self.summary.documents += 1;
        self.summary.annotations += doc.annotations.len();
        self.summary.relations += doc.relations.len();
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<ExportSummary, ExportError> {
        let Columnar {
            mut documents,
            mut spans,
            mut document_rows,
            mut span_rows,
            summary,
            ..
        } = *self;
        document_rows.write(&mut documents).map_err(parquet_error)?;
        span_rows.write(&mut spans).map_err(parquet_error)?;
        // Closing writes each file's footer and flushes it.
        documents.close().map_err(parquet_error)?;
        spans.close().map_err(parquet_error)?;
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::{Field, Row};

    use super::*;
    use crate::write::testdata;
    use crate::write::MemoryOutput;

    /// Exports `docs` with `limits` and returns the two files' bytes and the summary.
    fn export(
        docs: &[DocumentRecord],
        limits: Limits,
    ) -> Result<(Vec<u8>, Vec<u8>, ExportSummary), ExportError> {
        let out = MemoryOutput::default();
        let mut e: Box<dyn Exporter> = Box::new(Columnar::create(
            &testdata::project(),
            Box::new(out.clone()),
            limits,
        )?);
        for d in docs {
            e.document(d)?;
        }
        let summary = e.finish()?;
        assert_eq!(out.names(), [DOCUMENTS_FILE, SPANS_FILE]);
        Ok((
            out.file(DOCUMENTS_FILE).unwrap(),
            out.file(SPANS_FILE).unwrap(),
            summary,
        ))
    }

    /// A reader over `bytes`, through a file in the temporary folder (the reader wants a file).
    struct Read {
        path: PathBuf,
        reader: SerializedFileReader<std::fs::File>,
    }

    impl Drop for Read {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.path);
        }
    }

    fn read(bytes: &[u8], name: &str) -> Read {
        let path = std::env::temp_dir().join(format!(
            "claimdesk-columnar-{}-{name}-{:?}.parquet",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::write(&path, bytes).unwrap();
        let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        Read { path, reader }
    }

    fn rows(r: &Read) -> Vec<Row> {
        r.reader
            .get_row_iter(None)
            .unwrap()
            .map(|row| row.unwrap())
            .collect()
    }

    fn field<'r>(row: &'r Row, name: &str) -> &'r Field {
        row.get_column_iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, f)| f)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    fn long(row: &Row, name: &str) -> i64 {
        match field(row, name) {
            Field::Long(v) => *v,
            other => panic!("{name} is {other:?}"),
        }
    }

    fn string(row: &Row, name: &str) -> Option<String> {
        match field(row, name) {
            Field::Str(s) => Some(s.clone()),
            Field::Null => None,
            other => panic!("{name} is {other:?}"),
        }
    }

    fn list<'r>(row: &'r Row, name: &str) -> Vec<&'r Row> {
        match field(row, name) {
            Field::ListInternal(l) => l
                .elements()
                .iter()
                .map(|e| match e {
                    Field::Group(g) => g,
                    other => panic!("{name} holds {other:?}"),
                })
                .collect(),
            other => panic!("{name} is {other:?}"),
        }
    }

    fn slice(text: &str, start: i64, end: i64) -> String {
        text.chars()
            .skip(start as usize)
            .take((end - start) as usize)
            .collect()
    }

    fn metadata(r: &Read, key: &str) -> Option<String> {
        r.reader
            .metadata()
            .file_metadata()
            .key_value_metadata()?
            .iter()
            .find(|kv| kv.key == key)
            .and_then(|kv| kv.value.clone())
    }

    #[test]
    fn both_files_hold_every_document_and_span_and_name_the_offset_unit() {
        let (documents, spans, summary) = export(&testdata::documents(), LIMITS).unwrap();
        assert_eq!(summary.documents, 3);
        assert_eq!(summary.annotations, 14);
        assert_eq!(summary.relations, 9);
        assert_eq!(summary.spans_checked, 14);
        let (documents, spans) = (read(&documents, "d"), read(&spans, "s"));
        assert_eq!(documents.reader.metadata().file_metadata().num_rows(), 3);
        assert_eq!(spans.reader.metadata().file_metadata().num_rows(), 14);
        for r in [&documents, &spans] {
            assert_eq!(metadata(r, "offset_unit").as_deref(), Some("code_point"));
            assert_eq!(metadata(r, "offset_end").as_deref(), Some("exclusive"));
            let labels: serde_json::Value =
                serde_json::from_str(&metadata(r, "claimdesk.labels").unwrap()).unwrap();
            assert_eq!(labels[2]["name"], "Position");
        }
    }

    #[test]
    fn nested_spans_give_back_their_quotes_when_sliced_by_code_points() {
        let (documents, _, _) = export(&testdata::documents(), LIMITS).unwrap();
        let documents = read(&documents, "d");
        let rows = rows(&documents);
        let mut seen = Vec::new();
        for row in &rows {
            let text = string(row, "text").unwrap();
            for span in list(row, "spans") {
                let quote = string(span, "quote").unwrap();
                assert_eq!(slice(&text, long(span, "start"), long(span, "end")), quote);
                seen.push((long(span, "id"), quote));
            }
        }
        seen.sort();
        assert_eq!(seen.len(), 14);
        // The flag, the ZWJ family, the CRLF-crossing claim and both nested Putins are there.
        let quotes: Vec<&str> = seen.iter().map(|(_, q)| q.as_str()).collect();
        assert!(quotes.contains(&"🇺🇦"));
        assert!(quotes.contains(&"A ceasefire 👩‍👩‍👧 is possible."));
        assert!(quotes.contains(&"it; café vs cafe\u{301}.\r\nהשלום"));
        assert!(quotes.contains(&"Putin") && quotes.contains(&"Putin (Путин)"));
        // The flag is at code point 10, after "Президент ".
        let flag = list(&rows[0], "spans")
            .into_iter()
            .find(|s| long(s, "id") == 11)
            .unwrap();
        assert_eq!((long(flag, "start"), long(flag, "end")), (10, 12));
        assert_eq!(string(flag, "attributes").unwrap(), r#"{"kind":"state"}"#);
        assert_eq!(field(flag, "entity_id"), &Field::Null);
    }

    #[test]
    fn documents_keep_their_fields_relations_and_empty_lists() {
        let (documents, _, _) = export(&testdata::documents(), LIMITS).unwrap();
        let documents = read(&documents, "d");
        let rows = rows(&documents);
        assert_eq!(
            rows.iter().map(|r| long(r, "id")).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        let plain = &rows[1];
        assert_eq!(
            string(plain, "url").as_deref(),
            Some("https://example.org/riyadh?a=1&b=2")
        );
        assert_eq!(field(plain, "date"), &Field::Date(20137)); // 2025-02-18
        assert_eq!(field(&rows[0], "date"), &Field::Null);
        assert_eq!(string(&rows[0], "language").as_deref(), Some("mul"));
        let metadata: serde_json::Value =
            serde_json::from_str(&string(&rows[0], "metadata").unwrap()).unwrap();
        assert_eq!(metadata["desk"], "Kyiv, \"east\"");
        let relations = list(&rows[0], "relations");
        assert_eq!(relations.len(), 6);
        assert_eq!(string(relations[0], "kind").as_deref(), Some("said_by"));
        assert_eq!(
            (long(relations[0], "from_id"), long(relations[0], "to_id")),
            (2, 1)
        );
        assert_eq!(
            field(relations[0], "created_at"),
            &Field::TimestampMicros(testdata::at().timestamp_micros())
        );
        // The document with nothing coded has empty lists, not nulls.
        assert!(list(&rows[2], "spans").is_empty());
        assert!(list(&rows[2], "relations").is_empty());
    }

    #[test]
    fn the_flat_table_has_one_row_per_span_with_context_and_nulls() {
        let (_, spans, _) = export(&testdata::documents(), LIMITS).unwrap();
        let spans = read(&spans, "s");
        let rows = rows(&spans);
        assert_eq!(rows.len(), 14);
        let docs = testdata::documents();
        for row in &rows {
            let doc = docs
                .iter()
                .find(|d| d.id == long(row, "document_id"))
                .unwrap();
            let a = doc.annotation(long(row, "id")).unwrap();
            assert_eq!(
                slice(&doc.text, long(row, "start"), long(row, "end")),
                string(row, "quote").unwrap()
            );
            assert_eq!(string(row, "prefix").unwrap(), a.prefix);
            assert_eq!(string(row, "suffix").unwrap(), a.suffix);
            assert_eq!(string(row, "label").unwrap(), a.label);
            assert_eq!(string(row, "annotator").unwrap(), a.annotator);
            assert_eq!(string(row, "note"), None);
            match a.entity_id {
                Some(e) => assert_eq!(long(row, "entity_id"), e),
                None => assert_eq!(field(row, "entity_id"), &Field::Null),
            }
        }
    }

    #[test]
    fn row_groups_are_written_as_rows_come_in() {
        let limits = Limits {
            document_rows: 1,
            span_rows: 4,
            bytes: 1 << 20,
        };
        let (documents, spans, _) = export(&testdata::documents(), limits).unwrap();
        let (documents, spans) = (read(&documents, "d"), read(&spans, "s"));
        assert_eq!(documents.reader.num_row_groups(), 3);
        // 14 spans in groups of 4.
        assert_eq!(spans.reader.num_row_groups(), 4);
        assert_eq!(rows(&spans).len(), 14);
        let nested: usize = rows(&documents)
            .iter()
            .map(|r| list(r, "spans").len())
            .sum();
        assert_eq!(nested, 14);
    }

    #[test]
    fn an_empty_export_is_two_valid_files_without_rows() {
        let (documents, spans, summary) = export(&[], LIMITS).unwrap();
        assert_eq!(summary, ExportSummary::default());
        assert_eq!(read(&documents, "d").reader.num_row_groups(), 0);
        assert_eq!(
            read(&spans, "s")
                .reader
                .metadata()
                .file_metadata()
                .num_rows(),
            0
        );
    }

    #[test]
    fn a_quote_that_does_not_match_its_offsets_stops_the_export() {
        let mut docs = testdata::documents();
        let flag = docs[0].annotations.iter_mut().find(|a| a.id == 11).unwrap();
        flag.start += 1;
        flag.end += 1;
        let error = export(&docs, LIMITS).unwrap_err();
        assert!(
            matches!(
                error,
                ExportError::SelfCheck {
                    document_id: 1,
                    annotation_id: 11,
                    unit: Unit::CodePoint,
                    ..
                }
            ),
            "{error}"
        );
    }
}
