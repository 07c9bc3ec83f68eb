//! UIMA CAS XMI as INCEpTION imports it ("UIMA CAS XMI (XML 1.0)"): one zip, written as it
//! goes, holding `ID.xmi` per document and, at the end, `TypeSystem.xml`.
//!
//! The types follow INCEpTION's custom layers:
//!
//! - each label is a span type `webanno.custom.<Label>` (a `uima.tcas.Annotation`) with the
//!   features `annotationId`, `annotator`, `note`, `entity` (the linked entity's name),
//!   `entityId` and one string feature per attribute (`stance`, `kind`);
//! - relations are `webanno.custom.Relation`, with `Governor` (the relation's `from`) and
//!   `Dependent` (its `to`), a `kind` feature, `relationId` and `annotator`; as in INCEpTION, a
//!   relation begins and ends where its dependent does;
//! - `de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData` gives each document's
//!   title and id, and the document's language.
//!
//! Offsets are UTF-16 code units, as in every CAS. Labels and attributes become UIMA names
//! (ASCII letters, digits and `_`, starting with a letter; distinct names stay distinct); each
//! type's and feature's `<description>` in `TypeSystem.xml` names the label or attribute it
//! stands for.
//!
//! The sofa keeps the text exactly: line breaks and tabs are written as character references
//! (`&#13;&#10;`), which XML parsers do not normalise away. Characters XML 1.0 cannot carry at
//! all (most C0 controls, U+FFFE, U+FFFF) are written as U+FFFD, one for one, so every offset
//! still holds.

use std::collections::{HashMap, HashSet};
use std::io::{self, Read, Seek, SeekFrom, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use claimdesk_core::dataset::{DocumentRecord, ProjectInfo};
use claimdesk_core::{AttributeKind, Span, TextIndex, Unit};

use super::check::SpanCheck;
use super::{ExportError, ExportOptions, ExportSummary, Exporter, Output};

pub const TYPE_SYSTEM: &str = "TypeSystem.xml";
const CUSTOM: &str = "webanno.custom";
const RELATION: &str = "Relation";
const METADATA: &str = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData";

/// Features every span type has, besides the attributes: name, range, description.
const SPAN_FEATURES: [(&str, &str, &str); 5] = [
    (
        "annotationId",
        "uima.cas.Integer",
        "The Claimdesk annotation id",
    ),
    ("annotator", "uima.cas.String", "Who made the annotation"),
    ("note", "uima.cas.String", "The annotator's note"),
    ("entity", "uima.cas.String", "The name of the linked entity"),
    (
        "entityId",
        "uima.cas.Integer",
        "The Claimdesk id of the linked entity",
    ),
];

/// Names no attribute feature may take: the built-in features and ours.
const TAKEN_FEATURES: [&str; 8] = [
    "begin",
    "end",
    "sofa",
    "annotationId",
    "annotator",
    "note",
    "entity",
    "entityId",
];

pub(super) fn new(
    project: &ProjectInfo,
    _options: &ExportOptions,
    mut out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let file = out.create(super::ExportFormat::Xmi.default_name())?;
    let mut zip = ZipWriter::new(Tail::new(file));
    // Each document's bytes leave memory once its entry is complete.
    zip.set_flush_on_finish_file(true);
    let mut types = Types::default();
    for label in &project.labels {
        let t = types.label(&label.name);
        for def in &label.attributes {
            let f = types.labels[t].feature(&def.name);
            types.labels[t].features[f].kind = Some(def.kind.clone());
        }
    }
    Ok(Box::new(Xmi {
        project: project.clone(),
        zip,
        types,
        names: HashSet::new(),
        summary: ExportSummary::default(),
    }))
}

/// A writer the zip writer may seek in, but only within what has not been flushed yet: the
/// current entry. Flushing hands those bytes on, so a zip of any size streams through.
pub(super) struct Tail {
    inner: Box<dyn Write + Send>,
    /// Bytes already handed on.
    flushed: u64,
    buffer: Vec<u8>,
    /// The write position within `buffer`.
    at: usize,
}

impl Tail {
    pub(super) fn new(inner: Box<dyn Write + Send>) -> Tail {
        Tail {
            inner,
            flushed: 0,
            buffer: Vec::new(),
            at: 0,
        }
    }
}

impl Write for Tail {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let overlap = buf.len().min(self.buffer.len() - self.at);
        self.buffer[self.at..self.at + overlap].copy_from_slice(&buf[..overlap]);
        self.buffer.extend_from_slice(&buf[overlap..]);
        self.at += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.write_all(&self.buffer)?;
        self.flushed += self.buffer.len() as u64;
        self.buffer.clear();
        self.at = 0;
        self.inner.flush()
    }
}

/// The zip writer wants to be able to read back only to copy entries, which this export never
/// does.
impl Read for Tail {
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "the zip is streamed: it cannot be read back",
        ))
    }
}

impl Seek for Tail {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let end = self.flushed as i128 + self.buffer.len() as i128;
        let target = match pos {
            SeekFrom::Start(n) => n as i128,
            SeekFrom::End(d) => end + d as i128,
            SeekFrom::Current(d) => self.flushed as i128 + self.at as i128 + d as i128,
        };
        if target < self.flushed as i128 || target > end {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "the zip is streamed: bytes already written cannot be revisited",
            ));
        }
        self.at = (target - self.flushed as i128) as usize;
        Ok(target as u64)
    }
}

/// A span type: the label it stands for and its attribute features.
struct LabelType {
    label: String,
    name: String,
    features: Vec<Feature>,
}

struct Feature {
    attribute: String,
    name: String,
    kind: Option<AttributeKind>,
}

impl LabelType {
    fn feature(&mut self, attribute: &str) -> usize {
        if let Some(i) = self.features.iter().position(|f| f.attribute == attribute) {
            return i;
        }
        let taken: HashSet<String> = TAKEN_FEATURES
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .chain(self.features.iter().map(|f| f.name.to_ascii_lowercase()))
            .collect();
        let base = uima_name(attribute, "attribute", false);
        let mut name = base.clone();
        let mut n = 1;
        while taken.contains(&name.to_ascii_lowercase()) {
            n += 1;
            name = format!("{base}_{n}");
        }
        self.features.push(Feature {
            attribute: attribute.to_string(),
            name,
            kind: None,
        });
        self.features.len() - 1
    }
}

#[derive(Default)]
struct Types {
    labels: Vec<LabelType>,
    by_label: HashMap<String, usize>,
}

impl Types {
    fn label(&mut self, label: &str) -> usize {
        if let Some(&i) = self.by_label.get(label) {
            return i;
        }
        let taken: HashSet<String> = std::iter::once(RELATION.to_ascii_lowercase())
            .chain(self.labels.iter().map(|t| t.name.to_ascii_lowercase()))
            .collect();
        let base = uima_name(label, "Label", true);
        let mut name = base.clone();
        let mut n = 1;
        while taken.contains(&name.to_ascii_lowercase()) {
            n += 1;
            name = format!("{base}_{n}");
        }
        self.labels.push(LabelType {
            label: label.to_string(),
            name,
            features: Vec::new(),
        });
        self.by_label
            .insert(label.to_string(), self.labels.len() - 1);
        self.labels.len() - 1
    }
}

/// `original` as a UIMA short name: ASCII letters, digits and `_`, starting with a letter. Type
/// names start upper case, feature names lower case, as INCEpTION makes them.
fn uima_name(original: &str, fallback: &str, upper: bool) -> String {
    let mut name = String::new();
    for c in original.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_end_matches('_');
    let mut name = match name.chars().next() {
        None => return fallback.to_string(),
        Some(c) if c.is_ascii_alphabetic() => name.to_string(),
        Some(_) => format!("{fallback}_{name}"),
    };
    if upper {
        name[..1].make_ascii_uppercase();
    } else {
        name[..1].make_ascii_lowercase();
    }
    name
}

/// Escapes `text` for an XML 1.0 attribute value or text node so that a parser gives it back
/// exactly: markup characters as entities, tab, line feed and carriage return as character
/// references, characters XML 1.0 forbids as U+FFFD.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Whether XML 1.0 allows `c` in a document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

struct Xmi {
    project: ProjectInfo,
    zip: ZipWriter<Tail>,
    types: Types,
    /// Entry names written, to refuse a document twice.
    names: HashSet<String>,
    summary: ExportSummary,
}

fn options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(false)
}

pub(super) fn zip_error(e: zip::result::ZipError) -> ExportError {
    match e {
        zip::result::ZipError::Io(e) => ExportError::Io(e),
        other => ExportError::Io(io::Error::other(other)),
    }
}

impl Xmi {
    /// The XMI of one document, checked span by span in UTF-16.
    fn xmi(&mut self, doc: &DocumentRecord) -> Result<String, ExportError> {
        let index = TextIndex::new(&doc.text);
        let check = SpanCheck::new(doc);
        let mut x = String::with_capacity(doc.text.len() * 2 + 4096);
        x.push_str(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <xmi:XMI xmlns:xmi=\"http://www.omg.org/XMI\" \
             xmlns:cas=\"http:///uima/cas.ecore\" \
             xmlns:type=\"http:///de/tudarmstadt/ukp/dkpro/core/api/metadata/type.ecore\" \
             xmlns:custom=\"http:///webanno/custom.ecore\" xmi:version=\"2.0\">\n\
             <cas:NULL xmi:id=\"0\"/>\n<cas:Sofa xmi:id=\"1\" sofaNum=\"1\" \
             sofaID=\"_InitialView\" mimeType=\"text\" sofaString=\"",
        );
        escape_into(&mut x, &doc.text);
        x.push_str("\"/>\n");

        let length = index.len(Unit::Utf16);
        x.push_str(&format!(
            "<type:DocumentMetaData xmi:id=\"2\" sofa=\"1\" begin=\"0\" end=\"{length}\" \
             language=\"{}\" documentTitle=\"{}\" documentId=\"{}\"",
            escape(doc.language.as_deref().unwrap_or("x-unspecified")),
            escape(&doc.title),
            doc.id
        ));
        if let Some(url) = &doc.url {
            x.push_str(&format!(" documentUri=\"{}\"", escape(url)));
        }
        x.push_str(" isLastSegment=\"false\"/>\n");

        let mut members = vec![2];
        let mut next_id = 3;
        // Annotation id to its xmi:id and UTF-16 offsets.
        let mut placed: HashMap<i64, (usize, usize, usize)> = HashMap::new();
        for a in &doc.annotations {
            let span = Span::new(a.start, a.end)
                .and_then(|s| index.check(s))
                .and_then(|s| index.span_in(s, Unit::Utf16))
                .map_err(|e| ExportError::Invalid(format!("annotation {}: {e}", a.id)))?;
            let (begin, end) = span;
            check.span(a.id, Unit::Utf16, begin, end)?;
            self.summary.spans_checked += 1;
            let t = self.types.label(&a.label);
            let xmi_id = next_id;
            next_id += 1;
            members.push(xmi_id);
            placed.insert(a.id, (xmi_id, begin, end));
            x.push_str(&format!(
                "<custom:{} xmi:id=\"{xmi_id}\" sofa=\"1\" begin=\"{begin}\" end=\"{end}\" \
                 annotationId=\"{}\" annotator=\"{}\"",
                self.types.labels[t].name,
                integer(a.id, "annotation")?,
                escape(&a.annotator)
            ));
            if let Some(note) = &a.note {
                x.push_str(&format!(" note=\"{}\"", escape(note)));
            }
            if let Some(id) = a.entity_id {
                if let Some(e) = self.project.entity(id) {
                    x.push_str(&format!(" entity=\"{}\"", escape(&e.name)));
                }
                x.push_str(&format!(" entityId=\"{}\"", integer(id, "entity")?));
            }
            for (key, value) in &a.attributes {
                let text = match value {
                    serde_json::Value::Null => continue,
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let f = self.types.labels[t].feature(key);
                x.push_str(&format!(
                    " {}=\"{}\"",
                    self.types.labels[t].features[f].name,
                    escape(&text)
                ));
            }
            x.push_str("/>\n");
        }
        for r in &doc.relations {
            let end = |id: i64| {
                placed.get(&id).copied().ok_or_else(|| {
                    ExportError::Invalid(format!(
                        "relation {} names annotation {id}, which is not in document {}",
                        r.id, doc.id
                    ))
                })
            };
            let (governor, _, _) = end(r.from_id)?;
            let (dependent, begin, finish) = end(r.to_id)?;
            let xmi_id = next_id;
            next_id += 1;
            members.push(xmi_id);
            x.push_str(&format!(
                "<custom:{RELATION} xmi:id=\"{xmi_id}\" sofa=\"1\" begin=\"{begin}\" \
                 end=\"{finish}\" Governor=\"{governor}\" Dependent=\"{dependent}\" \
                 kind=\"{}\" relationId=\"{}\" annotator=\"{}\"/>\n",
                escape(&r.kind),
                integer(r.id, "relation")?,
                escape(&r.annotator)
            ));
        }
        let members: Vec<String> = members.iter().map(|m| m.to_string()).collect();
        x.push_str(&format!(
            "<cas:View sofa=\"1\" members=\"{}\"/>\n</xmi:XMI>\n",
            members.join(" ")
        ));
        Ok(x)
    }

    fn type_system(&self) -> String {
        let mut x = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <typeSystemDescription xmlns=\"http://uima.apache.org/resourceSpecifier\">\n\
             <name>Claimdesk</name>\n\
             <description>Claimdesk labels and relations as INCEpTION custom layers</description>\n\
             <version>1.0</version>\n<types>\n",
        );
        let feature = |x: &mut String, name: &str, range: &str, description: &str| {
            x.push_str(&format!(
                "<featureDescription><name>{name}</name><description>{}</description>\
                 <rangeTypeName>{range}</rangeTypeName></featureDescription>\n",
                escape(description)
            ));
        };
        let open = |x: &mut String, name: &str, description: &str, supertype: &str| {
            x.push_str(&format!(
                "<typeDescription>\n<name>{name}</name>\n<description>{}</description>\n\
                 <supertypeName>{supertype}</supertypeName>\n<features>\n",
                escape(description)
            ));
        };
        let close = "</features>\n</typeDescription>\n";

        open(
            &mut x,
            METADATA,
            "Document metadata (DKPro Core)",
            "uima.tcas.DocumentAnnotation",
        );
        for name in [
            "documentTitle",
            "documentId",
            "documentUri",
            "collectionId",
            "documentBaseUri",
        ] {
            feature(&mut x, name, "uima.cas.String", "");
        }
        feature(&mut x, "isLastSegment", "uima.cas.Boolean", "");
        x.push_str(close);

        for t in &self.types.labels {
            open(
                &mut x,
                &format!("{CUSTOM}.{}", t.name),
                &format!("Claimdesk label: {}", t.label),
                "uima.tcas.Annotation",
            );
            for (name, range, description) in SPAN_FEATURES {
                feature(&mut x, name, range, description);
            }
            for f in &t.features {
                let kind = match f.kind {
                    Some(AttributeKind::Choice { .. }) => "one of a list",
                    Some(AttributeKind::Bool) => "yes or no: true or false",
                    Some(AttributeKind::Text) => "free text",
                    None => "not in the schema",
                };
                feature(
                    &mut x,
                    &f.name,
                    "uima.cas.String",
                    &format!("Claimdesk attribute: {} ({kind})", f.attribute),
                );
            }
            x.push_str(close);
        }

        open(
            &mut x,
            &format!("{CUSTOM}.{RELATION}"),
            "Claimdesk relation: Governor is its 'from' annotation, Dependent its 'to'",
            "uima.tcas.Annotation",
        );
        feature(
            &mut x,
            "Governor",
            "uima.tcas.Annotation",
            "The annotation the relation goes from",
        );
        feature(
            &mut x,
            "Dependent",
            "uima.tcas.Annotation",
            "The annotation the relation goes to",
        );
        feature(&mut x, "kind", "uima.cas.String", "The relation kind");
        feature(
            &mut x,
            "relationId",
            "uima.cas.Integer",
            "The Claimdesk relation id",
        );
        feature(
            &mut x,
            "annotator",
            "uima.cas.String",
            "Who made the relation",
        );
        x.push_str(close);
        x.push_str("</types>\n</typeSystemDescription>\n");
        x
    }
}

/// An id as a UIMA Integer, which has 32 bits.
fn integer(id: i64, what: &str) -> Result<i32, ExportError> {
    i32::try_from(id).map_err(|_| {
        ExportError::Invalid(format!(
            "{what} id {id} does not fit a UIMA Integer feature"
        ))
    })
}

impl Exporter for Xmi {
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        let name = format!("{}.xmi", doc.id);
        if !self.names.insert(name.clone()) {
            return Err(ExportError::Invalid(format!(
                "document {} is exported twice",
                doc.id
            )));
        }
        let xmi = self.xmi(doc)?;
        self.zip
            .start_file(name.as_str(), options())
            .map_err(zip_error)?;
        // No flush here: flushing the zip writer would hand on the entry before its header
        // is complete.
        self.zip.write_all(xmi.as_bytes())?;
        self.summary.documents += 1;
        self.summary.annotations += doc.annotations.len();
        self.summary.relations += doc.relations.len();
        self.summary.statements += claimdesk_core::statement::statements(doc, &self.project).len();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<ExportSummary, ExportError> {
        let type_system = self.type_system();
        self.zip
            .start_file(TYPE_SYSTEM, options())
            .map_err(zip_error)?;
        self.zip.write_all(type_system.as_bytes())?;
        let mut tail = self.zip.finish().map_err(zip_error)?;
        tail.flush()?;
        Ok(self.summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::testdata;
    use crate::write::ExportFormat;
    use std::io::Cursor;

    use quick_xml::events::Event;

    /// The zip's entries by name, their names in zip order, and the summary.
    type Exported = (HashMap<String, String>, Vec<String>, ExportSummary);

    fn export(project: &ProjectInfo, docs: &[DocumentRecord]) -> Result<Exported, ExportError> {
        let (bytes, summary) =
            testdata::run_one(ExportFormat::Xmi, project, docs, "export-xmi.zip")?;
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut files = HashMap::new();
        let mut order = Vec::new();
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            order.push(entry.name().to_string());
            files.insert(entry.name().to_string(), text);
        }
        Ok((files, order, summary))
    }

    fn fixture() -> Exported {
        export(&testdata::project(), &testdata::documents()).unwrap()
    }

    /// Every element of an XMI: its name and its attributes, unescaped as an XML parser does.
    fn elements(xmi: &str) -> Vec<(String, HashMap<String, String>)> {
        let mut reader = quick_xml::Reader::from_str(xmi);
        let mut found = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                Event::Empty(e) | Event::Start(e) => {
                    let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                    let attrs = e
                        .attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            (
                                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                                a.unescape_value().unwrap().into_owned(),
                            )
                        })
                        .collect();
                    found.push((name, attrs));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        found
    }

    fn utf16_slice(text: &str, begin: usize, end: usize) -> String {
        let units: Vec<u16> = text.encode_utf16().collect();
        String::from_utf16(&units[begin..end]).unwrap()
    }

    #[test]
    fn the_zip_holds_one_xmi_per_document_and_the_type_system_last() {
        let (files, order, summary) = fixture();
        assert_eq!(order, ["1.xmi", "2.xmi", "3.xmi", "TypeSystem.xml"]);
        assert_eq!(files.len(), 4);
        assert_eq!(summary.documents, 3);
        assert_eq!(summary.annotations, 14);
        assert_eq!(summary.relations, 9);
        assert_eq!(summary.spans_checked, 14);
    }

    #[test]
    fn the_sofa_gives_back_the_text_exactly_with_its_crlf_as_character_references() {
        let (files, _, _) = fixture();
        let xmi = &files["1.xmi"];
        assert!(
            xmi.contains("possible.”&#13;&#10;Putin (Путин)"),
            "the CRLF is not escaped"
        );
        for d in testdata::documents() {
            let xmi = &files[&format!("{}.xmi", d.id)];
            let sofa = elements(xmi)
                .into_iter()
                .find(|(n, _)| n == "cas:Sofa")
                .unwrap();
            assert_eq!(sofa.1["sofaString"], d.text);
        }
        assert!(files["3.xmi"].contains("with a tab&#9;here."));
    }

    #[test]
    fn spans_are_written_in_utf16_with_the_flag_and_the_zwj_family_counted_in_code_units() {
        let (files, _, _) = fixture();
        let xmi = &files["1.xmi"];
        // The flag is two code points but four UTF-16 units; the family is 8 code points.
        assert!(
            xmi.contains(
                "begin=\"10\" end=\"14\" annotationId=\"11\" annotator=\"ana\" kind=\"state\"/>"
            ),
            "{xmi}"
        );
        assert!(
            xmi.contains("<custom:Claim xmi:id=\"6\" sofa=\"1\" begin=\"31\" end=\"64\" annotationId=\"2\" annotator=\"ben\" entity=\"Ceasefire\" entityId=\"3\"/>"),
            "{xmi}"
        );
        assert!(
            xmi.contains("<custom:Actor xmi:id=\"4\" sofa=\"1\" begin=\"15\" end=\"23\" annotationId=\"1\" annotator=\"ana\" entity=\"Volodymyr Zelensky\" entityId=\"4\" kind=\"person\"/>"),
            "{xmi}"
        );
        for d in testdata::documents() {
            let els = elements(&files[&format!("{}.xmi", d.id)]);
            for a in &d.annotations {
                let (_, attrs) = els
                    .iter()
                    .find(|(n, attrs)| {
                        n.starts_with("custom:")
                            && attrs.get("annotationId") == Some(&a.id.to_string())
                    })
                    .unwrap();
                let begin: usize = attrs["begin"].parse().unwrap();
                let end: usize = attrs["end"].parse().unwrap();
                assert_eq!(utf16_slice(&d.text, begin, end), a.quote);
            }
        }
    }

    #[test]
    fn nested_and_crossing_spans_and_relations_with_governor_and_dependent_are_present() {
        let (files, _, _) = fixture();
        let els = elements(&files["1.xmi"]);
        let by_annotation = |id: i64| {
            els.iter()
                .find(|(n, a)| {
                    n.starts_with("custom:") && a.get("annotationId") == Some(&id.to_string())
                })
                .unwrap()
                .1
                .clone()
        };
        let span = |id: i64| {
            let a = by_annotation(id);
            (
                a["begin"].parse::<usize>().unwrap(),
                a["end"].parse::<usize>().unwrap(),
            )
        };
        // Putin inside "Putin (Путин)"; "said: “A ceasefire" crosses the claim.
        assert_eq!((span(4), span(5)), ((67, 72), (67, 80)));
        assert_eq!((span(6), span(2)), ((24, 42), (31, 64)));

        let relations: Vec<_> = els.iter().filter(|(n, _)| n == "custom:Relation").collect();
        assert_eq!(relations.len(), 6);
        let said_by = &relations[0].1;
        assert_eq!(said_by["kind"], "said_by");
        assert_eq!(said_by["Governor"], by_annotation(2)["xmi:id"]);
        assert_eq!(said_by["Dependent"], by_annotation(1)["xmi:id"]);
        assert_eq!(
            (said_by["begin"].as_str(), said_by["end"].as_str()),
            ("15", "23")
        );
        let view = els.iter().find(|(n, _)| n == "cas:View").unwrap();
        assert_eq!(
            view.1["members"],
            "2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19"
        );
    }

    #[test]
    fn document_metadata_gives_title_id_and_language() {
        let (files, _, _) = fixture();
        assert!(files["1.xmi"].contains(
            "<type:DocumentMetaData xmi:id=\"2\" sofa=\"1\" begin=\"0\" end=\"136\" language=\"mul\" documentTitle=\"Hostile «text» 🇺🇦\" documentId=\"1\" isLastSegment=\"false\"/>"
        ));
        assert!(files["2.xmi"]
            .contains("documentId=\"2\" documentUri=\"https://example.org/riyadh?a=1&amp;b=2\""));
    }

    #[test]
    fn the_type_system_declares_each_label_its_attributes_and_the_relation() {
        let (files, _, _) = fixture();
        let ts = &files["TypeSystem.xml"];
        for part in [
            "<name>webanno.custom.Actor</name>\n<description>Claimdesk label: Actor</description>\n<supertypeName>uima.tcas.Annotation</supertypeName>",
            "<featureDescription><name>kind</name><description>Claimdesk attribute: kind (one of a list)</description><rangeTypeName>uima.cas.String</rangeTypeName></featureDescription>",
            "<name>webanno.custom.Position</name>",
            "<featureDescription><name>stance</name>",
            "<name>webanno.custom.Relation</name>",
            "<featureDescription><name>Governor</name><description>The annotation the relation goes from</description><rangeTypeName>uima.tcas.Annotation</rangeTypeName></featureDescription>",
            "<name>de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData</name>",
            "<supertypeName>uima.tcas.DocumentAnnotation</supertypeName>",
        ] {
            assert!(ts.contains(part), "{part:?} not in\n{ts}");
        }
        assert!(elements(ts).len() > 10);
    }

    #[test]
    fn labels_and_attributes_become_uima_names_that_stay_distinct() {
        let mut d = testdata::doc("Kyiv <&> \u{1}", &[(0, 4, "Kyiv"), (5, 8, "<&>")]);
        d.annotations[0].label = "Relation".into();
        d.annotations[1].label = "Claim (weak)".into();
        d.annotations[1]
            .attributes
            .insert("begin".into(), serde_json::json!("x"));
        d.annotations[1]
            .attributes
            .insert("1 level".into(), serde_json::json!(true));
        let (files, _, _) = export(&testdata::project(), &[d.clone()]).unwrap();
        let xmi = &files["7.xmi"];
        assert!(xmi.contains("<custom:Relation_2 xmi:id=\"3\""), "{xmi}");
        assert!(
            xmi.contains("<custom:Claim_weak xmi:id=\"4\" sofa=\"1\" begin=\"5\" end=\"8\" annotationId=\"2\" annotator=\"ana\" "),
            "{xmi}"
        );
        assert!(xmi.contains(" attribute_1_level=\"true\""), "{xmi}");
        assert!(xmi.contains(" begin_2=\"x\""), "{xmi}");
        // U+0001 cannot be in XML 1.0: it is written as U+FFFD, so offsets keep.
        assert!(
            xmi.contains("sofaString=\"Kyiv &lt;&amp;&gt; \u{FFFD}\""),
            "{xmi}"
        );
        let ts = &files["TypeSystem.xml"];
        assert!(ts.contains("<name>webanno.custom.Relation_2</name>\n<description>Claimdesk label: Relation</description>"));
        assert!(ts.contains("<name>begin_2</name><description>Claimdesk attribute: begin (not in the schema)</description>"));
        assert_eq!(uima_name("über-Claim", "Label", true), "Ber_Claim");
        assert_eq!(uima_name("Актор", "Label", true), "Label");
    }

    #[test]
    fn a_quote_that_does_not_match_the_text_stops_the_export_with_a_utf16_self_check_error() {
        let mut docs = testdata::documents();
        docs[0].annotations[1].quote = "Zelenskyy".into();
        let Err(error) = export(&testdata::project(), &docs) else {
            panic!("the export passed")
        };
        assert!(
            matches!(
                error,
                ExportError::SelfCheck {
                    document_id: 1,
                    annotation_id: 1,
                    unit: Unit::Utf16,
                    start: 15,
                    end: 23,
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn the_streamed_zip_never_seeks_into_bytes_already_handed_on() {
        let sink: Box<dyn Write + Send> = Box::new(Vec::new());
        let mut tail = Tail::new(sink);
        tail.write_all(b"abcdef").unwrap();
        tail.seek(SeekFrom::Start(2)).unwrap();
        tail.write_all(b"XY").unwrap();
        assert_eq!(tail.stream_position().unwrap(), 4);
        tail.seek(SeekFrom::End(0)).unwrap();
        tail.flush().unwrap();
        assert!(tail.seek(SeekFrom::Start(1)).is_err());
        assert_eq!(tail.stream_position().unwrap(), 6);
    }
}
