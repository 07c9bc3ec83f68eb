//! spaCy JSON Lines (Prodigy style), one line per document.

use std::io::{BufWriter, Write};

use serde::Serialize;

use claimdesk_core::dataset::{DocumentRecord, ProjectInfo};

use super::{prepare, Meta};
use crate::write::{ExportError, ExportOptions, ExportSummary, Exporter, Output};

pub(crate) fn new_jsonl(
    project: &ProjectInfo,
    options: &ExportOptions,
    mut out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let _ = (project, options);
    let file = BufWriter::new(out.create("export.spacy.jsonl")?);
    Ok(Box::new(Jsonl {
        file,
        summary: ExportSummary::default(),
    }))
}

struct Jsonl {
    file: BufWriter<Box<dyn Write + Send>>,
    summary: ExportSummary,
}

#[derive(Serialize)]
struct Line<'d> {
    text: &'d str,
    meta: Meta<'d>,
    tokens: Vec<JsonToken<'d>>,
    spans: Vec<JsonSpan<'d>>,
}

#[derive(Serialize)]
struct JsonToken<'d> {
    text: &'d str,
    start: usize,
    end: usize,
    id: usize,
    ws: bool,
}

#[derive(Serialize)]
struct JsonSpan<'d> {
    start: usize,
    end: usize,
    token_start: usize,
    /// Inclusive, as in Prodigy.
    token_end: usize,
    label: &'d str,
    id: i64,
}

impl Exporter for Jsonl {
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        let p = prepare(doc, &mut self.summary)?;
        let line = Line {
            text: &doc.text,
            meta: Meta::of(doc),
            tokens: p
                .tokens
                .iter()
                .enumerate()
                .map(|(id, t)| JsonToken {
                    text: t.text(&doc.text),
                    start: t.start,
                    end: t.end,
                    id,
                    ws: t.ws,
                })
                .collect(),
            spans: p
                .spans
                .iter()
                .map(|(a, range)| JsonSpan {
                    start: p.tokens[range.start].start,
                    end: p.tokens[range.end - 1].end,
                    token_start: range.start,
                    token_end: range.end - 1,
                    label: &a.label,
                    id: a.id,
                })
                .collect(),
        };
        let json = serde_json::to_string(&line).map_err(|e| ExportError::Invalid(e.to_string()))?;
        // Characters Python's str.splitlines() breaks on, escaped so one line stays one line.
        let json = json
            .replace('\u{85}', "\\u0085")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029");
        self.file.write_all(json.as_bytes())?;
        self.file.write_all(b"\n")?;
        self.summary.documents += 1;
        self.summary.annotations += p.spans.len();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<ExportSummary, ExportError> {
        self.file.flush()?;
        Ok(self.summary)
    }
}
