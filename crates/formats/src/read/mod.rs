//! Reading: one module per input format, each turning a file's bytes into documents (with any
//! annotations the file carries). [`import_bytes`] picks the reader for a [`Format`]; the brat
//! reader takes its `.ann` beside the text, and REFI-QDA projects are read by
//! [`crate::refi::project`], which shares its model of codes with the `qdpx` writer.

mod boilerplate;
pub mod brat;
pub mod decode;
pub mod docx;
pub mod html;
pub mod markdown;
pub mod native;
pub mod pdf;
pub mod plain;
mod plaintext;
pub mod table;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{refi, FormatError, ImportedDocument};

/// The formats Claimdesk imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Markdown,
    Html,
    Docx,
    Pdf,
    Csv,
    /// JSON Lines: one record per line.
    Jsonl,
    /// A JSON array of records.
    Json,
    /// Plain text with one article per line.
    Lines,
    /// brat standoff: a `.txt` with its `.ann` beside it.
    Brat,
    /// A REFI-QDA project (`.qdpx`): sources, codes, coded selections, coders, notes.
    Qdpx,
}

impl Format {
    pub const ALL: [Format; 11] = [
        Format::Text,
        Format::Markdown,
        Format::Html,
        Format::Docx,
        Format::Pdf,
        Format::Csv,
        Format::Jsonl,
        Format::Json,
        Format::Lines,
        Format::Brat,
        Format::Qdpx,
    ];

    /// The name users type (`--format`), as serialised.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Json => "json",
            Format::Lines => "lines",
            Format::Brat => "brat",
            Format::Qdpx => "qdpx",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// Every file extension an import recognises, lower-case, with the format it means: the
    /// one list that both reading by extension and the app's file dialog use.
    pub const EXTENSIONS: [(&'static str, Format); 15] = [
        ("txt", Format::Text),
        ("text", Format::Text),
        // gensim-style corpora: one document per line.
        ("cor", Format::Lines),
        ("md", Format::Markdown),
        ("markdown", Format::Markdown),
        ("html", Format::Html),
        ("htm", Format::Html),
        ("xhtml", Format::Html),
        ("docx", Format::Docx),
        ("pdf", Format::Pdf),
        ("csv", Format::Csv),
        ("jsonl", Format::Jsonl),
        ("ndjson", Format::Jsonl),
        ("json", Format::Json),
        ("qdpx", Format::Qdpx),
    ];

    /// The format a file name suggests, if any. A `.txt` is plain text; whether it is brat
    /// (an `.ann` beside it) is for the caller, who can see the folder, to decide.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Format::EXTENSIONS
            .iter()
            .find(|(known, _)| *known == ext)
            .map(|(_, format)| *format)
    }
}

/// How to read the input.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Split a plain-text file into several articles wherever this regular expression matches
    /// (the match itself is dropped). News databases export many articles in one file.
    pub split: Option<String>,
    /// Which table columns hold what (CSV, JSON, JSON Lines).
    pub columns: table::ColumnMap,
}

/// Reads one file's bytes as `format`. `name` is the file name, kept as the documents' source.
pub fn import_bytes(
    format: Format,
    bytes: &[u8],
    name: &str,
    options: &ImportOptions,
) -> Result<Vec<ImportedDocument>, FormatError> {
    match format {
        Format::Text => plain::parse(bytes, name, options.split.as_deref()),
        Format::Markdown => markdown::parse(bytes, name).map(|d| vec![d]),
        Format::Html => html::parse(bytes, name).map(|d| vec![d]),
        Format::Docx => docx::parse(bytes, name).map(|d| vec![d]),
        Format::Pdf => pdf::parse(bytes, name).map(|d| vec![d]),
        Format::Csv => table::parse_csv(bytes, name, &options.columns),
        Format::Jsonl => table::parse_jsonl(bytes, name, &options.columns),
        Format::Json => table::parse_json(bytes, name, &options.columns),
        Format::Lines => table::parse_lines(bytes, name),
        // Coders and times are read by `refi::project::read`, as the import run does.
        Format::Qdpx => refi::project::read(bytes, chrono::DateTime::UNIX_EPOCH)
            .map(|project| refi::project::to_imported(project, name)),
        Format::Brat => Err(FormatError::Malformed {
            what: "brat standoff".into(),
            reason: "a brat document needs its .ann file: use brat::parse".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading by extension and the file dialog use one list: every format but brat (a pair of
    /// files) has an extension there, and every extension reads as its format, in any case.
    #[test]
    fn every_format_has_its_extensions_in_the_one_list() {
        for format in Format::ALL {
            let listed = Format::EXTENSIONS.iter().any(|(_, f)| *f == format);
            assert_eq!(listed, format != Format::Brat, "{format:?}");
        }
        for (extension, format) in Format::EXTENSIONS {
            assert_eq!(extension, extension.to_ascii_lowercase());
            let upper = format!("article.{}", extension.to_ascii_uppercase());
            assert_eq!(
                Format::from_path(Path::new(&upper)),
                Some(format),
                "{upper}"
            );
        }
        assert_eq!(Format::from_path(Path::new("notes.ann")), None);
    }
}
