//! Reading Claimdesk's native JSON Lines (see [`crate::write`]) back, one document at a time,
//! so a large export is restored without holding it in memory.

use std::io::BufRead;

use serde::Deserialize;

use claimdesk_core::dataset::{DocumentRecord, Entity, LabelInfo, ProjectInfo, RelationTypeInfo};

use crate::write::jsonl::{FORMAT_NAME, FORMAT_VERSION};
use crate::FormatError;

const WHAT: &str = "Claimdesk JSON Lines";

#[derive(Deserialize)]
struct Header {
    #[serde(rename = "type")]
    kind: String,
    format: String,
    version: u32,
    offset_unit: String,
    #[serde(default)]
    labels: Vec<LabelInfo>,
    #[serde(default)]
    entities: Vec<Entity>,
    #[serde(default)]
    annotators: Vec<String>,
    #[serde(default)]
    relation_types: Vec<RelationTypeInfo>,
}

/// Whether `head` (the first bytes of a file) starts a native export.
pub fn is_native(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let first = head.split(|&b| b == b'\n').next().unwrap_or_default();
    // The header's first keys are written in this order; a full parse is left to `Reader`.
    let compact: Vec<u8> = first
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    compact.starts_with(br#"{"type":"project","format":"claimdesk""#)
}

/// Reads the documents of a native export after its header.
pub struct Reader<R> {
    input: R,
    line: usize,
    buffer: String,
}

impl<R: BufRead> Reader<R> {
    /// Reads the header: the schema, entities and annotators the documents refer to.
    pub fn new(input: R) -> Result<(ProjectInfo, Reader<R>), FormatError> {
        let mut reader = Reader {
            input,
            line: 0,
            buffer: String::new(),
        };
        let line = reader
            .next_line()?
            .ok_or_else(|| FormatError::malformed(WHAT, "the file is empty"))?;
        let line = line.strip_prefix('\u{feff}').unwrap_or(&line);
        let header: Header = serde_json::from_str(line)
            .map_err(|e| FormatError::malformed(WHAT, format!("line 1 (the header): {e}")))?;
        if header.kind != "project" || header.format != FORMAT_NAME {
            return Err(FormatError::malformed(
                WHAT,
                "line 1 is not a Claimdesk project header",
            ));
        }
        if header.version > FORMAT_VERSION {
            return Err(FormatError::malformed(
                WHAT,
                format!(
                    "written by a newer Claimdesk (format version {}, this build reads up to {FORMAT_VERSION}); update Claimdesk",
                    header.version
                ),
            ));
        }
        if header.offset_unit != "code_point" {
            return Err(FormatError::malformed(
                WHAT,
                format!(
                    "offsets in {:?}; only code points are read",
                    header.offset_unit
                ),
            ));
        }
        let mut entities = header.entities;
        entities.sort_by_key(|e| e.id);
        Ok((
            ProjectInfo {
                labels: header.labels,
                entities,
                annotators: header.annotators,
                relation_types: header.relation_types,
            },
            reader,
        ))
    }

    fn next_line(&mut self) -> Result<Option<String>, FormatError> {
        loop {
            self.buffer.clear();
            let read = self.input.read_line(&mut self.buffer).map_err(|e| {
                FormatError::malformed(WHAT, format!("line {}: {e}", self.line + 1))
            })?;
            if read == 0 {
                return Ok(None);
            }
            self.line += 1;
            let line = self.buffer.trim_end_matches(['\n', '\r']);
            if !line.trim().is_empty() {
                return Ok(Some(line.to_string()));
            }
        }
    }

    /// The next document, or `None` at the end.
    pub fn next_document(&mut self) -> Option<Result<DocumentRecord, FormatError>> {
        let line = match self.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => return None,
            Err(e) => return Some(Err(e)),
        };
        let at = self.line;
        Some(
            serde_json::from_str::<DocumentLine>(&line)
                .map_err(|e| FormatError::malformed(WHAT, format!("line {at}: {e}")))
                .and_then(|d| {
                    if d.kind == "document" {
                        Ok(d.document)
                    } else {
                        Err(FormatError::malformed(
                            WHAT,
                            format!("line {at}: expected a document, found {:?}", d.kind),
                        ))
                    }
                }),
        )
    }

    /// The line the last document came from, for messages.
    pub fn line(&self) -> usize {
        self.line
    }
}

#[derive(Deserialize)]
struct DocumentLine {
    #[serde(rename = "type")]
    kind: String,
    #[serde(flatten)]
    document: DocumentRecord,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> &'static [u8] {
        include_bytes!("../../../../tests/interop/fixture.jsonl")
    }

    #[test]
    fn the_fixture_reads_back_as_the_corpus_it_was_written_from() {
        assert!(is_native(fixture()));
        let (project, mut reader) = Reader::new(fixture()).unwrap();
        assert_eq!(project, crate::write::testdata::project());
        let mut docs = Vec::new();
        while let Some(doc) = reader.next_document() {
            docs.push(doc.unwrap());
        }
        assert_eq!(docs, crate::write::testdata::documents());
    }

    #[test]
    fn other_json_lines_are_not_native() {
        assert!(!is_native(br#"{"text": "a", "title": "b"}"#));
        assert!(!is_native(b""));
    }

    #[test]
    fn a_broken_line_is_reported_with_its_number() {
        let mut bytes = fixture().to_vec();
        bytes.extend_from_slice(b"{\"type\":\"document\",\"id\":\n");
        let (_, mut reader) = Reader::new(bytes.as_slice()).unwrap();
        let errors: Vec<String> = std::iter::from_fn(|| reader.next_document())
            .filter_map(Result::err)
            .map(|e| e.to_string())
            .collect();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("line 5"), "{}", errors[0]);
    }

    #[test]
    fn a_newer_format_version_is_refused_with_a_hint() {
        let header =
            br#"{"type":"project","format":"claimdesk","version":99,"offset_unit":"code_point"}"#;
        let error = Reader::new(&header[..]).err().unwrap().to_string();
        assert!(error.contains("newer Claimdesk"), "{error}");
    }
}
