//! W3C Web Annotation, JSON-LD: one file, `export.jsonld`, written as it goes.
//!
//! The file is one JSON-LD document whose `@context` is the Web Annotation context followed by
//! Claimdesk's own terms (namespace `urn:claimdesk:vocab#`; attributes of labels, such as
//! `stance`, under `urn:claimdesk:attribute#`). Its `@graph` holds, one node per line:
//!
//! - the `AnnotationCollection` (`urn:claimdesk:export`) with a description of the offsets;
//! - each document (`urn:claimdesk:document:ID`, a `Text`) with its full text, so consumers can
//!   check every selector themselves;
//! - each annotation (`urn:claimdesk:annotation:ID`): a `TextualBody` tag with the label
//!   (purpose `tagging`), a target whose `source` is the document and whose selectors are a
//!   `TextPositionSelector` and a `TextQuoteSelector` (exact, prefix, suffix), its creator,
//!   created and modified times, attributes, note and linked entity;
//! - each relation (`urn:claimdesk:relation:ID`) as a linking annotation (motivation `linking`)
//!   whose targets are the two annotations, `from` and `to` saying which is which, and whose
//!   body is the relation's kind;
//! - at the end the collection again, with its total and its page of items.
//!
//! `TextPositionSelector` `start` and `end` count Unicode code points (Python string indices),
//! end exclusive, as the Web Annotation model requires; the file says so in the collection's
//! `description` and `offsetUnit`.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufWriter, Write};

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value;

use claimdesk_core::dataset::{AnnotationRecord, DocumentRecord, ProjectInfo, RelationRecord};
use claimdesk_core::{Span, TextIndex, Unit};

use super::check::SpanCheck;
use super::{ExportError, ExportOptions, ExportSummary, Exporter, Output};

/// The Web Annotation JSON-LD context.
pub const ANNO_CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// Claimdesk's own vocabulary.
pub const VOCAB: &str = "urn:claimdesk:vocab#";
/// Where the attributes of labels live: `stance` is `urn:claimdesk:attribute#stance`.
pub const ATTRIBUTE_VOCAB: &str = "urn:claimdesk:attribute#";

const COLLECTION: &str = "urn:claimdesk:export";
/// Code points of context in a `TextQuoteSelector`'s prefix and suffix.
const CONTEXT_WIDTH: usize = 32;

/// The terms of the Web Annotation context: attributes never take one of these names.
const ANNO_TERMS: [&str; 113] = [
    "Annotation",
    "AnnotationCollection",
    "AnnotationPage",
    "Audience",
    "Audio",
    "Choice",
    "CssSelector",
    "CssStylesheet",
    "DataPositionSelector",
    "Dataset",
    "FragmentSelector",
    "HttpRequestState",
    "Image",
    "Motivation",
    "Organization",
    "Person",
    "RangeSelector",
    "ResourceSelection",
    "Software",
    "SpecificResource",
    "SvgSelector",
    "Text",
    "TextPositionSelector",
    "TextQuoteSelector",
    "TextualBody",
    "TimeState",
    "Video",
    "XPathSelector",
    "accessibility",
    "as",
    "audience",
    "auto",
    "body",
    "bodyValue",
    "bookmarking",
    "cached",
    "canonical",
    "classifying",
    "commenting",
    "conformsTo",
    "created",
    "creator",
    "dc",
    "dcterms",
    "dctypes",
    "describing",
    "editing",
    "email",
    "email_sha1",
    "end",
    "endSelector",
    "exact",
    "first",
    "foaf",
    "format",
    "generated",
    "generator",
    "highlighting",
    "homepage",
    "iana",
    "id",
    "identifying",
    "items",
    "label",
    "language",
    "last",
    "linking",
    "ltr",
    "moderating",
    "modified",
    "motivation",
    "name",
    "next",
    "nickname",
    "oa",
    "owl",
    "partOf",
    "prefix",
    "prev",
    "processingLanguage",
    "purpose",
    "questioning",
    "rdf",
    "rdfs",
    "refinedBy",
    "renderedVia",
    "replying",
    "reviewing",
    "rights",
    "rtl",
    "schema",
    "scope",
    "selector",
    "skos",
    "source",
    "sourceDate",
    "sourceDateEnd",
    "sourceDateStart",
    "start",
    "startIndex",
    "startSelector",
    "state",
    "styleClass",
    "stylesheet",
    "suffix",
    "tagging",
    "target",
    "textDirection",
    "total",
    "type",
    "value",
    "via",
    "xsd",
];

/// A JSON value whose object keys keep the order they are written in.
enum J {
    V(Value),
    O(Vec<(String, J)>),
    A(Vec<J>),
}

impl Serialize for J {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            J::V(v) => v.serialize(s),
            J::O(pairs) => {
                let mut map = s.serialize_map(Some(pairs.len()))?;
                for (k, v) in pairs {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            J::A(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
    }
}

impl<T: Into<Value>> From<T> for J {
    fn from(v: T) -> J {
        J::V(v.into())
    }
}

/// An ordered object from `(key, value)` pairs; `None` values are left out.
fn obj<const N: usize>(pairs: [(&str, Option<J>); N]) -> J {
    J::O(
        pairs
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
            .collect(),
    )
}

fn some(v: impl Into<J>) -> Option<J> {
    Some(v.into())
}

/// `text` with everything but ASCII letters, digits and `-._~` percent-encoded: safe in any
/// IRI and as the suffix of a compact IRI.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn document_iri(id: i64) -> String {
    format!("urn:claimdesk:document:{id}")
}

fn annotation_iri(id: i64) -> String {
    format!("urn:claimdesk:annotation:{id}")
}

fn relation_iri(id: i64) -> String {
    format!("urn:claimdesk:relation:{id}")
}

/// Our own terms, besides one per attribute of the schema.
fn own_terms() -> Vec<(&'static str, J)> {
    let typed = |id: &str, ty: &str| obj([("@id", some(id)), ("@type", some(ty))]);
    vec![
        ("cd", VOCAB.into()),
        ("attr", ATTRIBUTE_VOCAB.into()),
        ("Document", "cd:Document".into()),
        ("Entity", "cd:Entity".into()),
        ("claimdeskId", typed("cd:id", "xsd:integer")),
        ("text", "cd:text".into()),
        ("title", "dcterms:title".into()),
        ("date", typed("dcterms:date", "xsd:date")),
        ("author", "cd:author".into()),
        ("sourceName", "cd:sourceName".into()),
        ("url", typed("cd:url", "xsd:anyURI")),
        ("sha256", "cd:sha256".into()),
        ("imported", typed("cd:imported", "xsd:dateTime")),
        ("metadata", "cd:metadataJson".into()),
        ("annotator", "cd:annotator".into()),
        ("note", "cd:note".into()),
        ("entity", typed("cd:entity", "@id")),
        ("entityKind", "cd:entityKind".into()),
        ("alias", "cd:alias".into()),
        ("relationKind", "cd:relationKind".into()),
        ("from", typed("cd:from", "@id")),
        ("to", typed("cd:to", "@id")),
        ("offsetUnit", "cd:offsetUnit".into()),
        ("description", "dcterms:description".into()),
        ("version", "cd:version".into()),
    ]
}

struct W3c {
    project: ProjectInfo,
    out: BufWriter<Box<dyn Write + Send>>,
    /// Attribute names that have a term of their own in the context.
    attribute_terms: HashSet<String>,
    /// The IRIs of every annotation and relation written, for the collection's page.
    items: Vec<String>,
    summary: ExportSummary,
}

pub(super) fn new(
    project: &ProjectInfo,
    _options: &ExportOptions,
    mut out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let file = out.create(super::ExportFormat::W3c.default_name())?;
    let mut out = BufWriter::with_capacity(1 << 20, file);

    let mut terms = own_terms();
    let taken: HashSet<&str> = ANNO_TERMS
        .iter()
        .copied()
        .chain(terms.iter().map(|(k, _)| *k))
        .collect();
    let mut attribute_terms = HashSet::new();
    // Sorted, so the context does not depend on the order of labels.
    let names: BTreeMap<&str, ()> = project
        .labels
        .iter()
        .flat_map(|l| l.attributes.iter().map(|a| (a.name.as_str(), ())))
        .collect();
    let mut attribute_pairs = Vec::new();
    for name in names.keys() {
        if is_plain_term(name) && !taken.contains(name) {
            attribute_terms.insert(name.to_string());
            attribute_pairs.push((name.to_string(), J::from(format!("attr:{name}"))));
        }
    }
    let context = J::A(vec![
        ANNO_CONTEXT.into(),
        J::O(
            terms
                .drain(..)
                .map(|(k, v)| (k.to_string(), v))
                .chain(attribute_pairs)
                .collect(),
        ),
    ]);
    out.write_all(b"{\"@context\": ")?;
    serde_json::to_writer(&mut out, &context).map_err(std::io::Error::from)?;
    out.write_all(b",\n\"@graph\": [\n")?;
    let header = obj([
        ("id", some(COLLECTION)),
        ("type", some("AnnotationCollection")),
        ("label", some("Claimdesk export")),
        ("offsetUnit", some("unicode code point")),
        (
            "description",
            some(
                "TextPositionSelector start and end count Unicode code points of the \
                 document's text (Python string indices), end exclusive; each document's \
                 text is its 'text'. A relation is an annotation with motivation 'linking': \
                 it goes 'from' one annotation 'to' another, its body is its kind.",
            ),
        ),
        (
            "generator",
            some(obj([
                ("id", some("urn:claimdesk:software")),
                ("type", some("Software")),
                ("name", some("Claimdesk")),
                ("version", some(env!("CARGO_PKG_VERSION"))),
            ])),
        ),
    ]);
    serde_json::to_writer(&mut out, &header).map_err(std::io::Error::from)?;
    Ok(Box::new(W3c {
        project: project.clone(),
        out,
        attribute_terms,
        items: Vec::new(),
        summary: ExportSummary::default(),
    }))
}

/// A name that can be a JSON-LD term and a compact IRI suffix as it is.
fn is_plain_term(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn creator(name: &str) -> J {
    obj([
        (
            "id",
            some(format!("urn:claimdesk:annotator:{}", encode(name))),
        ),
        ("type", some("Person")),
        ("nickname", some(name)),
    ])
}

fn time(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// An attribute value as JSON-LD can carry it: scalars and lists of them as they are, anything
/// else as its JSON text.
fn attribute_value(value: &Value) -> Option<J> {
    match value {
        Value::Null => None,
        Value::Array(items) if items.iter().all(|v| !v.is_object() && !v.is_array()) => Some(J::A(
            items
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| J::V(v.clone()))
                .collect(),
        )),
        Value::Array(_) | Value::Object(_) => Some(value.to_string().into()),
        scalar => Some(J::V(scalar.clone())),
    }
}

impl W3c {
    fn write(&mut self, node: &J) -> Result<(), ExportError> {
        self.out.write_all(b",\n")?;
        serde_json::to_writer(&mut self.out, node).map_err(std::io::Error::from)?;
        Ok(())
    }

    fn document_node(&self, doc: &DocumentRecord) -> J {
        let metadata = (!doc.metadata.is_empty()).then(|| Value::Object(doc.metadata.clone()));
        obj([
            ("id", some(document_iri(doc.id))),
            ("type", some(J::A(vec!["Text".into(), "Document".into()]))),
            ("claimdeskId", some(doc.id)),
            ("title", some(doc.title.as_str())),
            ("format", some("text/plain")),
            ("language", doc.language.as_deref().map(J::from)),
            ("date", doc.date.map(|d| d.to_string().into())),
            ("author", doc.author.as_deref().map(J::from)),
            ("sourceName", doc.source.as_deref().map(J::from)),
            ("url", doc.url.as_deref().map(J::from)),
            ("sha256", some(doc.sha256.as_str())),
            ("imported", some(time(&doc.imported_at))),
            ("metadata", metadata.map(|m| m.to_string().into())),
            ("text", some(doc.text.as_str())),
        ])
    }

    fn annotation_node(
        &self,
        doc: &DocumentRecord,
        a: &AnnotationRecord,
        prefix: &str,
        suffix: &str,
    ) -> J {
        let target = obj([
            ("source", some(document_iri(doc.id))),
            (
                "selector",
                some(J::A(vec![
                    obj([
                        ("type", some("TextPositionSelector")),
                        ("start", some(a.start)),
                        ("end", some(a.end)),
                    ]),
                    obj([
                        ("type", some("TextQuoteSelector")),
                        ("exact", some(a.quote.as_str())),
                        ("prefix", some(prefix)),
                        ("suffix", some(suffix)),
                    ]),
                ])),
            ),
        ]);
        let entity = a.entity_id.map(|id| {
            let e = self.project.entity(id);
            obj([
                ("id", some(format!("urn:claimdesk:entity:{id}"))),
                ("type", some("Entity")),
                ("claimdeskId", some(id)),
                ("name", e.map(|e| e.name.as_str().into())),
                ("entityKind", e.map(|e| e.kind.name().into())),
                (
                    "alias",
                    e.filter(|e| !e.aliases.is_empty())
                        .map(|e| J::A(e.aliases.iter().map(|s| s.as_str().into()).collect())),
                ),
            ])
        });
        let mut node = vec![
            ("id".to_string(), annotation_iri(a.id).into()),
            ("type".to_string(), "Annotation".into()),
            ("claimdeskId".to_string(), a.id.into()),
            ("motivation".to_string(), "tagging".into()),
            (
                "body".to_string(),
                obj([
                    ("type", some("TextualBody")),
                    ("purpose", some("tagging")),
                    ("value", some(a.label.as_str())),
                    ("format", some("text/plain")),
                ]),
            ),
            ("target".to_string(), target),
            ("creator".to_string(), creator(&a.annotator)),
            ("annotator".to_string(), a.annotator.as_str().into()),
            ("created".to_string(), time(&a.created_at).into()),
            ("modified".to_string(), time(&a.updated_at).into()),
        ];
        for (key, value) in &a.attributes {
            let Some(value) = attribute_value(value) else {
                continue;
            };
            let key = if self.attribute_terms.contains(key) {
                key.clone()
            } else {
                format!("attr:{}", encode(key))
            };
            node.push((key, value));
        }
        if let Some(note) = &a.note {
            node.push(("note".to_string(), note.as_str().into()));
        }
        if let Some(entity) = entity {
            node.push(("entity".to_string(), entity));
        }
        J::O(node)
    }

    fn relation_node(&self, r: &RelationRecord) -> J {
        let (from, to) = (annotation_iri(r.from_id), annotation_iri(r.to_id));
        obj([
            ("id", some(relation_iri(r.id))),
            ("type", some("Annotation")),
            ("claimdeskId", some(r.id)),
            ("motivation", some("linking")),
            (
                "body",
                some(obj([
                    ("type", some("TextualBody")),
                    ("purpose", some("tagging")),
                    ("value", some(r.kind.as_str())),
                    ("format", some("text/plain")),
                ])),
            ),
            ("relationKind", some(r.kind.as_str())),
            (
                "target",
                some(J::A(vec![from.clone().into(), to.clone().into()])),
            ),
            ("from", some(from)),
            ("to", some(to)),
            ("creator", some(creator(&r.annotator))),
            ("annotator", some(r.annotator.as_str())),
            ("created", some(time(&r.created_at))),
        ])
    }
}

impl Exporter for W3c {
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        let index = TextIndex::new(&doc.text);
        let check = SpanCheck::new(doc);
        // Everything is checked before the document's first line is written.
        let mut contexts = Vec::with_capacity(doc.annotations.len());
        for a in &doc.annotations {
            let span = Span::new(a.start, a.end)
                .and_then(|s| index.check(s))
                .map_err(|e| ExportError::Invalid(format!("annotation {}: {e}", a.id)))?;
            check.span(a.id, Unit::CodePoint, a.start, a.end)?;
            self.summary.spans_checked += 1;
            let (prefix, suffix) = index
                .context(span, CONTEXT_WIDTH)
                .map_err(|e| ExportError::Invalid(format!("annotation {}: {e}", a.id)))?;
            contexts.push((prefix, suffix));
        }
        for r in &doc.relations {
            for end in [r.from_id, r.to_id] {
                if doc.annotation(end).is_none() {
                    return Err(ExportError::Invalid(format!(
                        "relation {} names annotation {end}, which is not in document {}",
                        r.id, doc.id
                    )));
                }
            }
        }

        let node = self.document_node(doc);
        self.write(&node)?;
        for (a, (prefix, suffix)) in doc.annotations.iter().zip(contexts) {
            let node = self.annotation_node(doc, a, prefix, suffix);
            self.write(&node)?;
            self.items.push(annotation_iri(a.id));
        }
        for r in &doc.relations {
            let node = self.relation_node(r);
            self.write(&node)?;
            self.items.push(relation_iri(r.id));
        }
        self.summary.documents += 1;
        self.summary.annotations += doc.annotations.len();
        self.summary.relations += doc.relations.len();
        self.summary.statements += claimdesk_core::statement::statements(doc, &self.project).len();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<ExportSummary, ExportError> {
        let items = std::mem::take(&mut self.items);
        let total = items.len();
        let collection = obj([
            ("id", some(COLLECTION)),
            ("total", some(total)),
            (
                "first",
                some(obj([
                    ("id", some(format!("{COLLECTION}:page:1"))),
                    ("type", some("AnnotationPage")),
                    ("partOf", some(COLLECTION)),
                    ("startIndex", some(0)),
                    (
                        "items",
                        some(J::A(items.into_iter().map(J::from).collect())),
                    ),
                ])),
            ),
        ]);
        self.write(&collection)?;
        self.out.write_all(b"\n]}\n")?;
        self.out.flush()?;
        Ok(self.summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::testdata;
    use crate::write::ExportFormat;

    fn export(
        project: &ProjectInfo,
        docs: &[DocumentRecord],
    ) -> Result<(String, ExportSummary), ExportError> {
        let (bytes, summary) =
            testdata::run_one(ExportFormat::W3c, project, docs, "export.jsonld")?;
        Ok((String::from_utf8(bytes).unwrap(), summary))
    }

    fn fixture() -> (String, ExportSummary) {
        export(&testdata::project(), &testdata::documents()).unwrap()
    }

    fn graph(text: &str) -> Vec<Value> {
        let v: Value = serde_json::from_str(text).unwrap();
        v["@graph"].as_array().unwrap().clone()
    }

    fn node<'a>(graph: &'a [Value], id: &str) -> &'a Value {
        graph
            .iter()
            .find(|n| n["id"] == id && n.get("type").is_some())
            .unwrap()
    }

    fn cp_slice(text: &str, start: usize, end: usize) -> String {
        text.chars().skip(start).take(end - start).collect()
    }

    #[test]
    fn the_file_is_one_json_ld_document_with_the_annotation_context_and_our_terms() {
        let (text, summary) = fixture();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["@context"][0], ANNO_CONTEXT);
        let own = &v["@context"][1];
        assert_eq!(own["cd"], VOCAB);
        assert_eq!(own["stance"], "attr:stance");
        assert_eq!(own["kind"], "attr:kind");
        assert_eq!(own["text"], "cd:text");
        assert_eq!(own["relationKind"], "cd:relationKind");
        assert_eq!(own["entity"]["@type"], "@id");
        assert!(text.starts_with("{\"@context\": [\"http://www.w3.org/ns/anno.jsonld\""));
        // Three documents, fourteen annotations, nine relations, the collection twice.
        assert_eq!(v["@graph"].as_array().unwrap().len(), 3 + 14 + 9 + 2);
        assert_eq!(summary.documents, 3);
        assert_eq!(summary.spans_checked, 14);
    }

    #[test]
    fn documents_carry_their_text_so_every_selector_can_be_checked() {
        let (text, _) = fixture();
        let g = graph(&text);
        let doc = node(&g, "urn:claimdesk:document:1");
        assert_eq!(doc["text"], testdata::HOSTILE);
        assert_eq!(doc["type"], serde_json::json!(["Text", "Document"]));
        assert_eq!(doc["metadata"], "{\"desk\":\"Kyiv, \\\"east\\\"\",\"n\":3}");
        let plain = node(&g, "urn:claimdesk:document:2");
        assert_eq!(plain["date"], "2025-02-18");
        assert_eq!(plain["url"], "https://example.org/riyadh?a=1&b=2");
        for d in testdata::documents() {
            for a in &d.annotations {
                let n = node(&g, &annotation_iri(a.id));
                assert_eq!(n["target"]["source"], document_iri(d.id));
                let position = &n["target"]["selector"][0];
                let quote = &n["target"]["selector"][1];
                let (s, e) = (
                    position["start"].as_u64().unwrap() as usize,
                    position["end"].as_u64().unwrap() as usize,
                );
                assert_eq!(cp_slice(&d.text, s, e), a.quote);
                assert_eq!(quote["exact"], a.quote.as_str());
                let prefix = quote["prefix"].as_str().unwrap();
                let suffix = quote["suffix"].as_str().unwrap();
                assert!(d.text.contains(&format!("{prefix}{}{suffix}", a.quote)));
            }
        }
    }

    #[test]
    fn an_annotation_is_a_tag_with_two_selectors_creator_attributes_and_entity() {
        let (text, _) = fixture();
        let g = graph(&text);
        let flag = node(&g, "urn:claimdesk:annotation:11");
        assert_eq!(
            flag["target"]["selector"][0],
            serde_json::json!({"type": "TextPositionSelector", "start": 10, "end": 12})
        );
        assert_eq!(flag["target"]["selector"][1]["exact"], "🇺🇦");
        assert_eq!(flag["target"]["selector"][1]["prefix"], "Президент ");
        let zelensky = node(&g, "urn:claimdesk:annotation:1");
        assert_eq!(
            zelensky["body"],
            serde_json::json!({"type": "TextualBody", "purpose": "tagging", "value": "Actor", "format": "text/plain"})
        );
        assert_eq!(zelensky["kind"], "person");
        assert_eq!(zelensky["creator"]["nickname"], "ana");
        assert_eq!(zelensky["created"], "2025-02-18T12:00:00Z");
        assert_eq!(zelensky["entity"]["name"], "Volodymyr Zelensky");
        assert_eq!(zelensky["entity"]["alias"], serde_json::json!(["Zelensky"]));
        let family = node(&g, "urn:claimdesk:annotation:2");
        assert_eq!(
            family["target"]["selector"][0],
            serde_json::json!({"type": "TextPositionSelector", "start": 29, "end": 59})
        );
        let crlf = node(&g, "urn:claimdesk:annotation:10");
        assert_eq!(
            crlf["target"]["selector"][1]["exact"],
            "it; café vs cafe\u{301}.\r\nהשלום"
        );
        assert_eq!(node(&g, "urn:claimdesk:annotation:3")["stance"], "oppose");
    }

    #[test]
    fn relations_are_linking_annotations_between_the_two_annotations() {
        let (text, _) = fixture();
        let g = graph(&text);
        let r = node(&g, "urn:claimdesk:relation:1");
        assert_eq!(r["motivation"], "linking");
        assert_eq!(r["body"]["value"], "said_by");
        assert_eq!(r["relationKind"], "said_by");
        assert_eq!(
            r["target"],
            serde_json::json!(["urn:claimdesk:annotation:2", "urn:claimdesk:annotation:1"])
        );
        assert_eq!(r["from"], "urn:claimdesk:annotation:2");
        assert_eq!(r["to"], "urn:claimdesk:annotation:1");
        let last = g.last().unwrap();
        assert_eq!(last["id"], COLLECTION);
        assert_eq!(last["total"], 23);
        assert_eq!(last["first"]["items"].as_array().unwrap().len(), 23);
        assert_eq!(last["first"]["items"][0], "urn:claimdesk:annotation:11");
    }

    #[test]
    fn attributes_without_a_term_are_written_as_compact_iris_in_the_attribute_namespace() {
        let mut d = testdata::doc("Kyiv", &[(0, 4, "Kyiv")]);
        let attrs = &mut d.annotations[0].attributes;
        attrs.insert("level of trust".into(), Value::from(3));
        attrs.insert("type".into(), Value::from("x"));
        attrs.insert("nested".into(), serde_json::json!({"a": [1]}));
        attrs.insert("gone".into(), Value::Null);
        let (text, _) = export(&testdata::project(), &[d]).unwrap();
        let g = graph(&text);
        let n = node(&g, "urn:claimdesk:annotation:1");
        assert_eq!(n["attr:level%20of%20trust"], 3);
        assert_eq!(n["attr:type"], "x");
        assert_eq!(n["type"], "Annotation");
        assert_eq!(n["attr:nested"], "{\"a\":[1]}");
        assert!(n.get("attr:gone").is_none());
    }

    #[test]
    fn a_quote_that_does_not_match_the_text_stops_the_export_with_a_self_check_error() {
        let mut docs = testdata::documents();
        docs[0].annotations[0].quote = "🇺🇸".into();
        let Err(error) = export(&testdata::project(), &docs) else {
            panic!("the export passed")
        };
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
