//! doccano JSONL, as doccano's "JSONL(Relation)" import reads it into a sequence-labeling
//! project with relations, and as doccano exports such a project: one document per line,
//!
//! ```json
//! {"id": 1, "text": "…",
//!  "entities": [{"id": 12, "label": "Actor", "start_offset": 0, "end_offset": 11}],
//!  "relations": [{"id": 7, "from_id": 13, "to_id": 12, "type": "said_by"}],
//!  "title": "…", "date": "2025-02-18", "source": …, "author": …, "url": …, "language": …,
//!  "metadata": {…}, "offset_unit": "utf16_code_unit", "attributes": {"14": {"stance": "oppose"}},
//!  "entity_links": {"12": "Tammy Bruce"}, "notes": {"14": "hedged: \"for now\""}}
//! ```
//!
//! Entity and relation ids are Claimdesk's annotation and relation ids (unique in the file);
//! every key besides `text`, `entities` and `relations` becomes the example's metadata in
//! doccano. doccano has no span attributes, entity links or span notes (its importer reads a
//! span as label and offsets only and drops any other key; its comments belong to an example
//! and are not imported), so these ride along as metadata keyed by annotation id.
//!
//! Offsets: doccano counts offsets the way its browser editor does: in UTF-16 code units
//! (JavaScript string indices), end exclusive, unless the project counts grapheme clusters
//! (an opt-in project setting). So `start_offset`/`end_offset` are UTF-16 code units, the unit
//! that makes spans land on the right characters in doccano; they equal Python's code-point
//! indices until the first character outside the Basic Multilingual Plane (emoji, flags).
//! Every line says so in `offset_unit`, and every span is checked in UTF-16 before it is written.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};

use serde::Serialize;

use claimdesk_core::dataset::{DocumentRecord, ProjectInfo, RelationRecord};
use claimdesk_core::{Span, TextIndex, Unit};

use super::check::SpanCheck;
use super::{ExportError, ExportOptions, ExportSummary, Exporter, Output};

/// The unit of `start_offset`/`end_offset`, as each line names it.
pub(crate) const OFFSET_UNIT: &str = "utf16_code_unit";

#[derive(Serialize)]
struct Line<'a> {
    id: i64,
    text: &'a str,
    entities: Vec<Entity<'a>>,
    relations: Vec<Relation<'a>>,
    title: &'a str,
    date: Option<chrono::NaiveDate>,
    source: &'a Option<String>,
    author: &'a Option<String>,
    url: &'a Option<String>,
    language: &'a Option<String>,
    metadata: &'a serde_json::Map<String, serde_json::Value>,
    offset_unit: &'static str,
    attributes: BTreeMap<String, &'a serde_json::Map<String, serde_json::Value>>,
    entity_links: BTreeMap<String, &'a str>,
    notes: BTreeMap<String, &'a str>,
}

#[derive(Serialize)]
struct Entity<'a> {
    id: i64,
    label: &'a str,
    start_offset: usize,
    end_offset: usize,
}

#[derive(Serialize)]
struct Relation<'a> {
    id: i64,
    from_id: i64,
    to_id: i64,
    #[serde(rename = "type")]
    kind: &'a str,
}

impl<'a> From<&'a RelationRecord> for Relation<'a> {
    fn from(r: &'a RelationRecord) -> Relation<'a> {
        Relation {
            id: r.id,
            from_id: r.from_id,
            to_id: r.to_id,
            kind: &r.kind,
        }
    }
}

struct Doccano {
    project: ProjectInfo,
    out: BufWriter<Box<dyn Write + Send>>,
    summary: ExportSummary,
}

pub(super) fn new(
    project: &ProjectInfo,
    _options: &ExportOptions,
    mut out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let file = out.create(super::ExportFormat::Doccano.default_name())?;
    Ok(Box::new(Doccano {
        project: project.clone(),
        out: BufWriter::with_capacity(1 << 20, file),
        summary: ExportSummary::default(),
    }))
}

impl Exporter for Doccano {
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        let index = TextIndex::new(&doc.text);
        let check = SpanCheck::new(doc);
        let mut entities = Vec::with_capacity(doc.annotations.len());
        let mut attributes = BTreeMap::new();
        let mut entity_links = BTreeMap::new();
        let mut notes = BTreeMap::new();
        for a in &doc.annotations {
            let (start, end) = Span::new(a.start, a.end)
                .and_then(|s| index.check(s))
                .and_then(|s| index.span_in(s, Unit::Utf16))
                .map_err(|e| ExportError::Invalid(format!("annotation {}: {e}", a.id)))?;
            check.text(a.id, Unit::Utf16, start, end, &a.quote)?;
            self.summary.spans_checked += 1;
            entities.push(Entity {
                id: a.id,
                label: &a.label,
                start_offset: start,
                end_offset: end,
            });
            if !a.attributes.is_empty() {
                attributes.insert(a.id.to_string(), &a.attributes);
            }
            if let Some(entity) = a.entity_id.and_then(|id| self.project.entity(id)) {
                entity_links.insert(a.id.to_string(), entity.name.as_str());
            }
            if let Some(note) = a.note.as_deref().filter(|n| !n.is_empty()) {
                notes.insert(a.id.to_string(), note);
            }
        }
        let line = Line {
            id: doc.id,
            text: &doc.text,
            entities,
            relations: doc.relations.iter().map(Relation::from).collect(),
            title: &doc.title,
            date: doc.date,
            source: &doc.source,
            author: &doc.author,
            url: &doc.url,
            language: &doc.language,
            metadata: &doc.metadata,
            offset_unit: OFFSET_UNIT,
            attributes,
            entity_links,
            notes,
        };
        serde_json::to_writer(&mut self.out, &line).map_err(std::io::Error::from)?;
        self.out.write_all(b"\n")?;
        self.summary.documents += 1;
        self.summary.annotations += doc.annotations.len();
        self.summary.relations += doc.relations.len();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<ExportSummary, ExportError> {
        self.out.flush()?;
        Ok(self.summary)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::write::testdata;
    use crate::write::ExportFormat;

    fn export_text(docs: &[DocumentRecord]) -> Result<(String, ExportSummary), ExportError> {
        let project = testdata::project();
        let (bytes, summary) = testdata::run_one(
            ExportFormat::Doccano,
            &project,
            docs,
            "export.doccano.jsonl",
        )?;
        Ok((String::from_utf8(bytes).unwrap(), summary))
    }

    fn export(docs: &[DocumentRecord]) -> Vec<Value> {
        let (text, _) = export_text(docs).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// `text[start..end]` in UTF-16 code units, as JavaScript's `text.slice(start, end)`.
    fn slice_utf16(text: &str, start: &Value, end: &Value) -> String {
        let units: Vec<u16> = text.encode_utf16().collect();
        let (start, end) = (start.as_u64().unwrap(), end.as_u64().unwrap());
        String::from_utf16(&units[start as usize..end as usize]).unwrap()
    }

    #[test]
    fn a_flag_span_is_this_line_exactly() {
        let (text, summary) = export_text(&[testdata::doc("a🇺🇦b", &[(1, 3, "🇺🇦")])]).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"id":7,"text":"a🇺🇦b","entities":[{"id":1,"label":"Actor","start_offset":1,"end_offset":5}],"#,
                r#""relations":[],"title":"t","date":null,"source":null,"author":null,"url":null,"#,
                r#""language":null,"metadata":{},"offset_unit":"utf16_code_unit","attributes":{},"#,
                r#""entity_links":{},"notes":{}}"#,
                "\n"
            )
        );
        assert_eq!(summary.spans_checked, 1);
    }

    #[test]
    fn every_entity_gives_back_its_quote_in_utf16_code_units() {
        let docs = testdata::documents();
        let lines = export(&docs);
        assert_eq!(lines.len(), 3);
        let mut seen = 0;
        for (line, doc) in lines.iter().zip(&docs) {
            assert_eq!(line["id"], doc.id);
            assert_eq!(line["text"], doc.text);
            for (e, a) in line["entities"]
                .as_array()
                .unwrap()
                .iter()
                .zip(&doc.annotations)
            {
                assert_eq!(e["id"], a.id);
                assert_eq!(e["label"], a.label);
                assert_eq!(
                    slice_utf16(&doc.text, &e["start_offset"], &e["end_offset"]),
                    a.quote
                );
                seen += 1;
            }
        }
        assert_eq!(seen, 14);
        // After the flag (two code points outside the BMP, four UTF-16 units) UTF-16 offsets
        // run two ahead of code points: Zelensky is 13..21 in code points.
        let zelensky = &lines[0]["entities"][1];
        assert_eq!(zelensky["id"], 1);
        assert_eq!(
            (
                zelensky["start_offset"].as_u64(),
                zelensky["end_offset"].as_u64()
            ),
            (Some(15), Some(23))
        );
        let hebrew = lines[0]["entities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == 8)
            .unwrap();
        let a = docs[0].annotation(8).unwrap();
        // The flag is 2 extra units, the family 3: five ahead of the code points.
        assert_eq!(hebrew["start_offset"].as_u64(), Some(a.start as u64 + 5));
    }

    #[test]
    fn relations_and_meta_fields_are_kept() {
        let lines = export(&testdata::documents());
        assert_eq!(
            lines[1]["relations"],
            json!([
                {"id": 7, "from_id": 13, "to_id": 12, "type": "said_by"},
                {"id": 8, "from_id": 14, "to_id": 12, "type": "held_by"},
                {"id": 9, "from_id": 14, "to_id": 13, "type": "about"},
            ])
        );
        assert_eq!(lines[1]["date"], "2025-02-18");
        assert_eq!(lines[1]["url"], "https://example.org/riyadh?a=1&b=2");
        assert_eq!(lines[1]["attributes"]["14"], json!({"stance": "oppose"}));
        assert_eq!(lines[1]["entity_links"]["12"], "Tammy Bruce");
        assert_eq!(lines[0]["metadata"]["desk"], "Kyiv, \"east\"");
        assert_eq!(lines[2]["entities"], json!([]));
        for line in &lines {
            assert_eq!(line["offset_unit"], OFFSET_UNIT);
        }
    }

    #[test]
    fn notes_ride_along_as_metadata_keyed_by_annotation_id() {
        let mut docs = testdata::documents();
        let position = docs[1].annotations.iter_mut().find(|a| a.id == 14).unwrap();
        position.note = Some("hedged: \"for now\"\nsee the video".into());
        // An empty note is no note.
        let actor = docs[1].annotations.iter_mut().find(|a| a.id == 12).unwrap();
        actor.note = Some(String::new());
        let lines = export(&docs);
        assert_eq!(
            lines[1]["notes"],
            json!({"14": "hedged: \"for now\"\nsee the video"})
        );
        assert_eq!(lines[0]["notes"], json!({}));
        // The spans stay as doccano's importer reads them.
        for e in lines[1]["entities"].as_array().unwrap() {
            assert_eq!(e.as_object().unwrap().len(), 4, "{e}");
        }
    }

    #[test]
    fn a_quote_that_does_not_match_its_offsets_stops_the_export() {
        let mut docs = testdata::documents();
        // The claim with the ZWJ family, moved one code point to the right.
        let claim = docs[0].annotations.iter_mut().find(|a| a.id == 2).unwrap();
        claim.start += 1;
        claim.end += 1;
        let error = export_text(&docs).unwrap_err();
        assert!(
            matches!(
                error,
                ExportError::SelfCheck {
                    document_id: 1,
                    annotation_id: 2,
                    unit: Unit::Utf16,
                    ..
                }
            ),
            "{error}"
        );
    }
}
