//! Exports: the coded corpus out to the formats analysts' tools read.
//!
//! An export is streamed: the caller hands documents to an [`Exporter`] one at a time and
//! calls [`Exporter::finish`] at the end, so memory stays flat as the project grows. Exporters
//! write into an [`Output`], which gives them files by relative name; the caller decides where
//! those files really go (a temporary folder that replaces the destination only once the export
//! has finished and passed its self-check).
//!
//! ```
//! use claimdesk_core::dataset::ProjectInfo;
//! use claimdesk_formats::write::{exporter, ExportFormat, ExportOptions, MemoryOutput};
//!
//! let out = MemoryOutput::default();
//! let mut export = exporter(ExportFormat::Jsonl, &ProjectInfo::default(), &ExportOptions::default(), Box::new(out.clone()))?;
//! let summary = export.finish()?;
//! assert_eq!(summary.documents, 0);
//! assert!(out.file("export.jsonl").is_some());
//! # Ok::<(), claimdesk_formats::write::ExportError>(())
//! ```
//!
//! Self-check: every span an exporter writes is sliced again out of the text, by the offsets in
//! the unit that file uses, and compared with the annotation's quote ([`check::SpanCheck`]);
//! a mismatch ends the export with [`ExportError::SelfCheck`] naming the annotation.

mod brat;
pub mod check;
mod columnar;
mod conll;
mod doccano;
pub mod jsonl;
mod label_studio;
mod network;
mod output;
mod qdpx;
mod spacy;
mod tables;
#[cfg(test)]
pub(crate) mod testdata;
mod tokens;
pub use tokens::word_spans;
mod w3c;
mod xmi;

use std::io;

use serde::{Deserialize, Serialize};

use claimdesk_core::dataset::{DocumentRecord, ProjectInfo};
use claimdesk_core::Unit;

pub use output::{MemoryOutput, Output};

/// The formats Claimdesk exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    /// Native JSON Lines: lossless, one document per line after a project header.
    Jsonl,
    /// CSV tables for R and pandas: documents, annotations, relations, statements.
    Csv,
    /// W3C Web Annotation, JSON-LD.
    W3c,
    /// brat standoff: `.txt` + `.ann` per document and `annotation.conf`.
    Brat,
    /// CoNLL-2003 IOB2 for one label layer, plus a multi-layer TSV with token offsets.
    Conll,
    /// A spaCy `DocBin` (`.spacy`).
    Spacy,
    /// spaCy's JSON Lines training form (text, tokens, spans).
    SpacyJsonl,
    /// UIMA CAS XMI with its type system, zipped, as INCEpTION imports it.
    Xmi,
    /// Parquet: a documents table with nested spans and a flat spans table.
    Parquet,
    /// Networks as GraphML.
    Graphml,
    /// Networks as GEXF.
    Gexf,
    /// Networks as CSV edge lists and matrices.
    NetworkCsv,
    /// Label Studio: a folder with the JSON tasks (with annotations, no predictions) and the
    /// labeling config a project needs to import them.
    LabelStudio,
    /// doccano JSONL.
    Doccano,
    /// A REFI-QDA project (`.qdpx`) for ATLAS.ti, MAXQDA, NVivo, QualCoder and Taguette.
    Qdpx,
}

/// Whether a format is written as one file or as a folder of files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One file: the destination is that file.
    File,
    /// Several files: the destination is a folder.
    Folder,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 15] = [
        ExportFormat::Jsonl,
        ExportFormat::Csv,
        ExportFormat::W3c,
        ExportFormat::Brat,
        ExportFormat::Conll,
        ExportFormat::Spacy,
        ExportFormat::SpacyJsonl,
        ExportFormat::Xmi,
        ExportFormat::Parquet,
        ExportFormat::Graphml,
        ExportFormat::Gexf,
        ExportFormat::NetworkCsv,
        ExportFormat::LabelStudio,
        ExportFormat::Doccano,
        ExportFormat::Qdpx,
    ];

    /// The name users type (`--format`).
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Csv => "csv",
            ExportFormat::W3c => "w3c",
            ExportFormat::Brat => "brat",
            ExportFormat::Conll => "conll",
            ExportFormat::Spacy => "spacy",
            ExportFormat::SpacyJsonl => "spacy-jsonl",
            ExportFormat::Xmi => "xmi",
            ExportFormat::Parquet => "parquet",
            ExportFormat::Graphml => "graphml",
            ExportFormat::Gexf => "gexf",
            ExportFormat::NetworkCsv => "network-csv",
            ExportFormat::LabelStudio => "label-studio",
            ExportFormat::Doccano => "doccano",
            ExportFormat::Qdpx => "qdpx",
        }
    }

    pub fn from_name(name: &str) -> Option<ExportFormat> {
        ExportFormat::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// What the format is, for menus.
    pub fn description(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "Claimdesk JSON Lines (lossless, re-importable)",
            ExportFormat::Csv => "CSV tables for R and pandas",
            ExportFormat::W3c => "W3C Web Annotation (JSON-LD)",
            ExportFormat::Brat => "brat standoff",
            ExportFormat::Conll => "CoNLL-2003 IOB2 + multi-layer TSV",
            ExportFormat::Spacy => "spaCy DocBin (.spacy)",
            ExportFormat::SpacyJsonl => "spaCy JSON Lines",
            ExportFormat::Xmi => "UIMA CAS XMI for INCEpTION (zip)",
            ExportFormat::Parquet => "Parquet (documents and spans)",
            ExportFormat::Graphml => "Networks as GraphML",
            ExportFormat::Gexf => "Networks as GEXF (Gephi)",
            ExportFormat::NetworkCsv => "Networks as CSV edge lists and matrices",
            ExportFormat::LabelStudio => "Label Studio tasks and labeling config",
            ExportFormat::Doccano => "doccano JSONL",
            ExportFormat::Qdpx => "REFI-QDA project (.qdpx) for ATLAS.ti, MAXQDA, NVivo, QualCoder",
        }
    }

    pub fn layout(self) -> Layout {
        match self {
            ExportFormat::Csv
            | ExportFormat::Brat
            | ExportFormat::Conll
            | ExportFormat::Parquet
            | ExportFormat::Graphml
            | ExportFormat::Gexf
            | ExportFormat::NetworkCsv
            | ExportFormat::LabelStudio => Layout::Folder,
            _ => Layout::File,
        }
    }

    /// The file name a single-file format suggests, or the folder name a folder format does.
    pub fn default_name(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "export.jsonl",
            ExportFormat::Csv => "export-csv",
            ExportFormat::W3c => "export.jsonld",
            ExportFormat::Brat => "export-brat",
            ExportFormat::Conll => "export-conll",
            ExportFormat::Spacy => "export.spacy",
            ExportFormat::SpacyJsonl => "export.spacy.jsonl",
            ExportFormat::Xmi => "export-xmi.zip",
            ExportFormat::Parquet => "export-parquet",
            ExportFormat::Graphml => "export-graphml",
            ExportFormat::Gexf => "export-gexf",
            ExportFormat::NetworkCsv => "export-network-csv",
            ExportFormat::LabelStudio => "export-label-studio",
            ExportFormat::Doccano => "export.doccano.jsonl",
            ExportFormat::Qdpx => "export.qdpx",
        }
    }
}

/// Choices some formats need.
#[derive(Clone, Debug, Default)]
pub struct ExportOptions {
    /// The label layer CoNLL IOB2 is written for; by default the first label of the schema.
    pub conll_label: Option<String>,
    /// The network exporters write this one network (as an Analysis view shows it: one kind,
    /// tie, normalisation and filter) instead of their two standard ones.
    pub network: Option<claimdesk_core::analysis::NetworkRequest>,
}

/// What an export wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSummary {
    pub documents: usize,
    pub annotations: usize,
    pub relations: usize,
    pub statements: usize,
    /// Spans that were checked against their quotes.
    pub spans_checked: usize,
    /// What the format cannot carry and the export left out, one sentence each with its count
    /// (empty for formats that carry everything they are meant to).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<String>,
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "self-check failed for annotation {annotation_id} in document {document_id}: \
         the {unit} offsets {start}..{end} written give {found:?}, not its quote {expected:?}"
    )]
    SelfCheck {
        document_id: i64,
        annotation_id: i64,
        unit: Unit,
        start: usize,
        end: usize,
        expected: String,
        found: String,
    },
    #[error("cannot export: {0}")]
    Invalid(String),
    #[error("cannot write the export: {0}")]
    Io(#[from] io::Error),
}

impl ExportError {
    pub fn code(&self) -> &'static str {
        match self {
            ExportError::SelfCheck { .. } => "export_self_check",
            ExportError::Invalid(_) => "export_invalid",
            ExportError::Io(_) => "io_error",
        }
    }
}

/// A streaming export in progress.
pub trait Exporter {
    /// Writes one document with its annotations and relations.
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError>;
    /// Writes what only the end can (indexes, networks, type systems) and flushes every file.
    fn finish(self: Box<Self>) -> Result<ExportSummary, ExportError>;
}

/// Starts an export in `format` into `out`.
pub fn exporter(
    format: ExportFormat,
    project: &ProjectInfo,
    options: &ExportOptions,
    out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    match format {
        ExportFormat::Jsonl => jsonl::new(project, options, out),
        ExportFormat::Csv => tables::new(project, options, out),
        ExportFormat::W3c => w3c::new(project, options, out),
        ExportFormat::Brat => brat::new(project, options, out),
        ExportFormat::Conll => conll::new(project, options, out),
        ExportFormat::Spacy => spacy::new_docbin(project, options, out),
        ExportFormat::SpacyJsonl => spacy::new_jsonl(project, options, out),
        ExportFormat::Xmi => xmi::new(project, options, out),
        ExportFormat::Parquet => columnar::new(project, options, out),
        ExportFormat::Graphml => network::new_graphml(project, options, out),
        ExportFormat::Gexf => network::new_gexf(project, options, out),
        ExportFormat::NetworkCsv => network::new_csv(project, options, out),
        ExportFormat::LabelStudio => label_studio::new(project, options, out),
        ExportFormat::Doccano => doccano::new(project, options, out),
        ExportFormat::Qdpx => qdpx::new(project, options, out),
    }
}
