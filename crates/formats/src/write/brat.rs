//! brat standoff: per document `ID.txt` (the text, byte for byte) and `ID.ann` beside it, then
//! `annotation.conf` and `visual.conf` for the whole export.
//!
//! Offsets are code points, Claimdesk's own unit and the one brat counts in. Lines of an `.ann`:
//!
//! - `T12\tActor 24 32\tZelensky` — a span; its number is the annotation's id. brat cannot mark
//!   a line break, so a span that covers one is written as fragments around it
//!   (`T10\tClaim 84 101;103 108\t...`) with the fragments' texts joined by single spaces. Line
//!   breaks are all the characters Python's `str.splitlines` breaks at, so every line-based
//!   reader sees the same lines.
//! - `R7\tsaid_by Arg1:T13 Arg2:T12` — a relation; its number is the relation's id.
//! - `A1\tstance T14 oppose` — an attribute (a yes/no attribute that is set has no value).
//! - `#1\tAnnotatorNotes T12\tline` — a note, one `#` line per line of it.
//! - `N1\tReference T12 Claimdesk:2\tTammy Bruce` — the entity a span is linked to.
//!
//! brat type, attribute and value names are ASCII letters, digits, `_` and `-`; other names are
//! turned into such names, each distinct name into a distinct one. `annotation.conf` lists every
//! renamed name in a comment, and `visual.conf` shows the original names as the display labels.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{BufWriter, Write};

use serde_json::Value;

use claimdesk_core::dataset::{AnnotationRecord, DocumentRecord, ProjectInfo};
use claimdesk_core::{AttributeKind, Unit};

use super::check::SpanCheck;
use super::{ExportError, ExportOptions, ExportSummary, Exporter, Output};

/// The normalisation database entity links point into: `Claimdesk:<entity id>`.
const ENTITY_DB: &str = "Claimdesk";

/// Names brat gives a meaning of its own in its configuration files.
const RESERVED: [&str; 11] = [
    "ENTITY",
    "RELATION",
    "EVENT",
    "ANY",
    "OVERLAP",
    "SPAN_DEFAULT",
    "ARC_DEFAULT",
    "ATTRIBUTE_DEFAULT",
    "AnnotatorNotes",
    "Reference",
    "Equiv",
];

pub(super) fn new(
    project: &ProjectInfo,
    _options: &ExportOptions,
    out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let mut brat = Brat {
        project: project.clone(),
        out,
        names: Names::reserving(&RESERVED),
        entities: Vec::new(),
        relations: Vec::new(),
        attributes: Vec::new(),
        summary: ExportSummary::default(),
    };
    // The schema first, in its order, so the configuration reads like the project's.
    for label in &project.labels {
        let entity = brat.entity(&label.name);
        for def in &label.attributes {
            let i = brat.attribute(&def.name);
            let attribute = &mut brat.attributes[i];
            attribute.args.insert(entity.clone());
            match &def.kind {
                AttributeKind::Bool => attribute.binary = true,
                AttributeKind::Choice { options } => {
                    for option in options {
                        attribute.value(option);
                    }
                }
                AttributeKind::Text => {}
            }
        }
    }
    Ok(Box::new(brat))
}

/// What a name names: a label, a relation kind and an attribute may be spelt alike, but
/// brat needs a distinct name for each.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Space {
    Entity,
    Relation,
    Attribute,
}

/// Original names to brat names, keeping distinct names distinct.
struct Names {
    map: HashMap<(Space, String), String>,
    used: HashSet<String>,
    /// Originals that had to be renamed, in the order they were met.
    renamed: Vec<(Space, String, String)>,
    /// Type names must start with a letter, attribute values need not.
    values: bool,
}

impl Names {
    /// Names of types and attributes, none of them one of `reserved`.
    fn reserving(reserved: &[&str]) -> Names {
        Names {
            map: HashMap::new(),
            used: reserved.iter().map(|r| r.to_ascii_lowercase()).collect(),
            renamed: Vec::new(),
            values: false,
        }
    }

    /// Names of the values of one attribute.
    fn values() -> Names {
        Names {
            values: true,
            ..Names::reserving(&[])
        }
    }

    /// The brat name of `original`, a label (or an attribute value: each attribute has its
    /// own `Names`).
    fn get(&mut self, original: &str) -> String {
        self.get_in(Space::Entity, original)
    }

    fn get_in(&mut self, space: Space, original: &str) -> String {
        let key = (space, original.to_string());
        if let Some(name) = self.map.get(&key) {
            return name.clone();
        }
        let base = brat_name(original, self.values);
        let mut name = base.clone();
        let mut n = 1;
        // Compared without case: brat's web pages use names in CSS classes and element ids.
        while self.used.contains(&name.to_ascii_lowercase()) {
            n += 1;
            name = format!("{base}_{n}");
        }
        self.used.insert(name.to_ascii_lowercase());
        self.map.insert(key, name.clone());
        if name != original {
            self.renamed
                .push((space, original.to_string(), name.clone()));
        }
        name
    }
}

/// `original` as a brat name: ASCII letters, digits, `_` and `-`, starting with a letter
/// unless it is a `value`.
fn brat_name(original: &str, value: bool) -> String {
    let mut name = String::new();
    for c in original.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            name.push(c);
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_matches('_');
    match name.chars().next() {
        None if value => "value".to_string(),
        None => "Type".to_string(),
        Some(c) if value || c.is_ascii_alphabetic() => name.to_string(),
        Some(_) => format!("T_{name}"),
    }
}

/// An attribute as `annotation.conf` declares it.
struct Attribute {
    name: String,
    original: String,
    /// The entity types it applies to.
    args: BTreeSet<String>,
    /// A yes/no attribute: set or not, no value.
    binary: bool,
    values: Names,
    /// Brat values in the order met.
    order: Vec<String>,
}

impl Attribute {
    fn value(&mut self, original: &str) -> String {
        let value = self.values.get(original);
        if !self.order.contains(&value) {
            self.order.push(value.clone());
        }
        value
    }
}

/// A relation type with the entity types seen at each end.
struct RelationType {
    name: String,
    original: String,
    arg1: BTreeSet<String>,
    arg2: BTreeSet<String>,
}

struct Brat {
    project: ProjectInfo,
    out: Box<dyn Output>,
    /// One name space for entity types, relation types and attributes, as brat's visual
    /// configuration labels them all alike.
    names: Names,
    /// Entity types in the order met, with their original labels.
    entities: Vec<(String, String)>,
    relations: Vec<RelationType>,
    attributes: Vec<Attribute>,
    summary: ExportSummary,
}

impl Brat {
    fn entity(&mut self, label: &str) -> String {
        let name = self.names.get(label);
        if !self.entities.iter().any(|(n, _)| *n == name) {
            self.entities.push((name.clone(), label.to_string()));
        }
        name
    }

    fn attribute(&mut self, original: &str) -> usize {
        if let Some(i) = self.attributes.iter().position(|a| a.original == original) {
            return i;
        }
        self.attributes.push(Attribute {
            name: self.names.get_in(Space::Attribute, original),
            original: original.to_string(),
            args: BTreeSet::new(),
            binary: false,
            values: Names::values(),
            order: Vec::new(),
        });
        self.attributes.len() - 1
    }

    fn relation(&mut self, kind: &str, from: &str, to: &str) -> String {
        let name = self.names.get_in(Space::Relation, kind);
        let i = match self.relations.iter().position(|r| r.name == name) {
            Some(i) => i,
            None => {
                self.relations.push(RelationType {
                    name: name.clone(),
                    original: kind.to_string(),
                    arg1: BTreeSet::new(),
                    arg2: BTreeSet::new(),
                });
                self.relations.len() - 1
            }
        };
        self.relations[i].arg1.insert(from.to_string());
        self.relations[i].arg2.insert(to.to_string());
        name
    }

    /// The `A` line values for one attribute of one span: `None` when nothing is written.
    fn attribute_line(
        &mut self,
        a: &AnnotationRecord,
        entity: &str,
        key: &str,
        value: &Value,
    ) -> Result<Option<String>, ExportError> {
        // Unset: brat has no empty value.
        if value.is_null() || value.as_str() == Some("") {
            return Ok(None);
        }
        let i = self.attribute(key);
        let attribute = &mut self.attributes[i];
        attribute.args.insert(entity.to_string());
        if attribute.binary {
            return match value {
                Value::Bool(true) => Ok(Some(format!("{} T{}", attribute.name, a.id))),
                Value::Bool(false) => Ok(None),
                other => Err(ExportError::Invalid(format!(
                    "annotation {}: attribute {key:?} is yes or no, but holds {other}",
                    a.id
                ))),
            };
        }
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let value = attribute.value(&text);
        Ok(Some(format!("{} T{} {value}", attribute.name, a.id)))
    }

    fn ann(&mut self, doc: &DocumentRecord) -> Result<String, ExportError> {
        let check = SpanCheck::new(doc);
        let mut spans = String::new();
        let mut extras = String::new();
        let (mut attributes, mut notes, mut norms) = (0, 0, 0);
        let mut types: HashMap<i64, String> = HashMap::new();
        for a in &doc.annotations {
            if a.id < 0 {
                return Err(ExportError::Invalid(format!(
                    "annotation {} has a negative id, which brat cannot number",
                    a.id
                )));
            }
            let entity = self.entity(&a.label);
            check.span(a.id, Unit::CodePoint, a.start, a.end)?;
            let pieces = fragments(&a.quote);
            if pieces.is_empty() {
                return Err(ExportError::Invalid(format!(
                    "annotation {} in document {} covers nothing but line breaks, \
                     which brat cannot mark",
                    a.id, doc.id
                )));
            }
            let mut offsets = Vec::with_capacity(pieces.len());
            let mut texts = Vec::with_capacity(pieces.len());
            for (start, end, text) in pieces {
                let (start, end) = (a.start + start, a.start + end);
                check.text(a.id, Unit::CodePoint, start, end, text)?;
                self.summary.spans_checked += 1;
                offsets.push(format!("{start} {end}"));
                texts.push(text);
            }
            spans.push_str(&format!(
                "T{}\t{entity} {}\t{}\n",
                a.id,
                offsets.join(";"),
                texts.join(" ")
            ));
            types.insert(a.id, entity.clone());

            for (key, value) in &a.attributes {
                if let Some(line) = self.attribute_line(a, &entity, key, value)? {
                    attributes += 1;
                    extras.push_str(&format!("A{attributes}\t{line}\n"));
                }
            }
            if let Some(note) = &a.note {
                for line in split_lines(note) {
                    notes += 1;
                    extras.push_str(&format!("#{notes}\tAnnotatorNotes T{}\t{line}\n", a.id));
                }
            }
            if let Some(id) = a.entity_id {
                let name = self
                    .project
                    .entity(id)
                    .map(|e| one_line(&e.name).trim().to_string())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| format!("entity {id}"));
                norms += 1;
                extras.push_str(&format!(
                    "N{norms}\tReference T{} {ENTITY_DB}:{id}\t{name}\n",
                    a.id
                ));
            }
        }
        let mut relations = String::new();
        for r in &doc.relations {
            let end_type = |id: i64| {
                types.get(&id).cloned().ok_or_else(|| {
                    ExportError::Invalid(format!(
                        "relation {} names annotation {id}, which is not in document {}",
                        r.id, doc.id
                    ))
                })
            };
            let (from, to) = (end_type(r.from_id)?, end_type(r.to_id)?);
            if r.id < 0 {
                return Err(ExportError::Invalid(format!(
                    "relation {} has a negative id, which brat cannot number",
                    r.id
                )));
            }
            let kind = self.relation(&r.kind, &from, &to);
            relations.push_str(&format!(
                "R{}\t{kind} Arg1:T{} Arg2:T{}\n",
                r.id, r.from_id, r.to_id
            ));
        }
        Ok(spans + &relations + &extras)
    }

    fn annotation_conf(&self) -> String {
        let mut conf = String::from(
            "# brat annotation configuration written by Claimdesk.\n\
             # Offsets in the .ann files count Unicode code points.\n",
        );
        let mut renamed: Vec<String> = self
            .names
            .renamed
            .iter()
            .map(|(space, original, name)| {
                let what = match space {
                    Space::Entity => "label",
                    Space::Relation => "relation kind",
                    Space::Attribute => "attribute",
                };
                format!("# {name} stands for the {what} {}\n", quoted(original))
            })
            .collect();
        for attribute in &self.attributes {
            for (_, original, value) in &attribute.values.renamed {
                renamed.push(format!(
                    "# {} value {value} stands for {}\n",
                    attribute.name,
                    quoted(original)
                ));
            }
        }
        if !renamed.is_empty() {
            conf.push_str("# Names brat cannot carry were renamed:\n");
            conf.extend(renamed);
        }
        conf.push_str("\n[entities]\n");
        for (name, _) in &self.entities {
            conf.push_str(&format!("{name}\n"));
        }
        conf.push_str("\n[relations]\n");
        for r in &self.relations {
            conf.push_str(&format!(
                "{}\tArg1:{}, Arg2:{}\n",
                r.name,
                join(&r.arg1),
                join(&r.arg2)
            ));
        }
        conf.push_str(
            "# Spans may nest and cross, as they do in Claimdesk.\n\
             <OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n",
        );
        conf.push_str("\n[events]\n\n[attributes]\n");
        for a in &self.attributes {
            let args = if a.args.is_empty() {
                "<ENTITY>".to_string()
            } else {
                join(&a.args)
            };
            if a.binary {
                conf.push_str(&format!("{}\tArg:{args}\n", a.name));
            } else if !a.order.is_empty() {
                conf.push_str(&format!(
                    "{}\tArg:{args}, Value:{}\n",
                    a.name,
                    a.order.join("|")
                ));
            }
        }
        conf
    }

    fn visual_conf(&self) -> String {
        let mut conf = String::from("[labels]\n");
        let label = |name: &str, original: &str| {
            let display = one_line(original).replace('|', "/");
            format!("{name} | {}\n", display.trim())
        };
        for (name, original) in &self.entities {
            conf.push_str(&label(name, original));
        }
        for r in &self.relations {
            conf.push_str(&label(&r.name, &r.original));
        }
        for a in &self.attributes {
            conf.push_str(&label(&a.name, &a.original));
        }
        conf.push_str(
            "\n[drawing]\n\
             SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken\n\
             ARC_DEFAULT\tcolor:black, arrowHead:triangle-5\n\
             ATTRIBUTE_DEFAULT\tglyph:*\n",
        );
        for (name, original) in &self.entities {
            if let Some(colour) = self
                .project
                .label(original)
                .map(|l| l.colour.as_str())
                .filter(|c| is_hex_colour(c))
            {
                conf.push_str(&format!("{name}\tbgColor:{colour}\n"));
            }
        }
        conf
    }
}

impl Exporter for Brat {
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        let ann = self.ann(doc)?;
        let mut txt = self.out.create(&format!("{}.txt", doc.id))?;
        txt.write_all(doc.text.as_bytes())?;
        txt.flush()?;
        let mut file = BufWriter::new(self.out.create(&format!("{}.ann", doc.id))?);
        file.write_all(ann.as_bytes())?;
        file.flush()?;
        self.summary.documents += 1;
        self.summary.annotations += doc.annotations.len();
        self.summary.relations += doc.relations.len();
        self.summary.statements += claimdesk_core::statement::statements(doc, &self.project).len();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<ExportSummary, ExportError> {
        let annotation = self.annotation_conf();
        let visual = self.visual_conf();
        for (name, text) in [("annotation.conf", annotation), ("visual.conf", visual)] {
            let mut file = self.out.create(name)?;
            file.write_all(text.as_bytes())?;
            file.flush()?;
        }
        Ok(self.summary)
    }
}

/// The characters Python's `str.splitlines` breaks lines at.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{0b}'
            | '\u{0c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// The runs of `quote` between line breaks: code-point offsets within the quote and the text.
fn fragments(quote: &str) -> Vec<(usize, usize, &str)> {
    let mut pieces = Vec::new();
    // (code point, byte) where the current run started.
    let mut run: Option<(usize, usize)> = None;
    let mut cp = 0;
    for (byte, c) in quote.char_indices() {
        if is_line_break(c) {
            if let Some((start_cp, start_byte)) = run.take() {
                pieces.push((start_cp, cp, &quote[start_byte..byte]));
            }
        } else if run.is_none() {
            run = Some((cp, byte));
        }
        cp += 1;
    }
    if let Some((start_cp, start_byte)) = run {
        pieces.push((start_cp, cp, &quote[start_byte..]));
    }
    pieces
}

/// A text's lines, split at every line break (a CRLF counts once).
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_line_break(c) {
            lines.push(&text[start..i]);
            let mut next = i + c.len_utf8();
            if c == '\r' {
                if let Some((j, '\n')) = chars.peek().copied() {
                    chars.next();
                    next = j + 1;
                }
            }
            start = next;
        }
    }
    lines.push(&text[start..]);
    lines
}

/// `text` on one line, with tabs and line breaks as spaces: a field of a brat line.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if is_line_break(c) || c == '\t' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn quoted(text: &str) -> String {
    serde_json::to_string(&one_line(text)).unwrap_or_default()
}

fn join(names: &BTreeSet<String>) -> String {
    names.iter().cloned().collect::<Vec<_>>().join("|")
}

fn is_hex_colour(colour: &str) -> bool {
    colour.len() == 7
        && colour.starts_with('#')
        && colour[1..].chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::testdata::{self, text as file};
    use crate::write::{ExportFormat, MemoryOutput};

    fn export(
        project: &ProjectInfo,
        docs: &[DocumentRecord],
    ) -> Result<(MemoryOutput, ExportSummary), ExportError> {
        testdata::run(ExportFormat::Brat, project, &ExportOptions::default(), docs)
    }

    fn fixture() -> (MemoryOutput, ExportSummary) {
        export(&testdata::project(), &testdata::documents()).unwrap()
    }

    #[test]
    fn each_document_gets_its_text_byte_for_byte_and_an_ann_then_the_configuration() {
        let (out, summary) = fixture();
        assert_eq!(
            out.names(),
            [
                "1.ann",
                "1.txt",
                "2.ann",
                "2.txt",
                "3.ann",
                "3.txt",
                "annotation.conf",
                "visual.conf"
            ]
        );
        assert_eq!(out.file("1.txt").unwrap(), testdata::HOSTILE.as_bytes());
        assert_eq!(out.file("2.txt").unwrap(), testdata::PLAIN.as_bytes());
        assert_eq!(file(&out, "3.ann"), "");
        assert_eq!(summary.documents, 3);
        assert_eq!(summary.annotations, 14);
        assert_eq!(summary.relations, 9);
        // Fourteen spans, one of which is written as two fragments around its CRLF.
        assert_eq!(summary.spans_checked, 15);
    }

    #[test]
    fn spans_relations_attributes_notes_and_entity_links_are_written_as_brat_lines() {
        let (out, _) = fixture();
        let ann = file(&out, "1.ann");
        for line in [
            "T11\tActor 10 12\t🇺🇦\n",
            "T1\tActor 13 21\tZelensky\n",
            "T6\tPosition 22 40\tsaid: “A ceasefire\n",
            "T2\tClaim 29 59\tA ceasefire 👩‍👩‍👧 is possible.\n",
            "T7\tActor 97 102\tcafe\u{301}\n",
            "R1\tsaid_by Arg1:T2 Arg2:T1\n",
            "R5\theld_by Arg1:T6 Arg2:T1\n",
            "R6\tabout Arg1:T6 Arg2:T2\n",
            "\tkind T1 person\n",
            "\tstance T3 oppose\n",
            "\tReference T1 Claimdesk:4\tVolodymyr Zelensky\n",
            "\tReference T5 Claimdesk:1\tVladimir Putin\n",
        ] {
            assert!(ann.contains(line), "{line:?} not in\n{ann}");
        }
        let plain = file(&out, "2.ann");
        assert!(plain.contains("T12\tActor 50 61\tTammy Bruce\n"), "{plain}");
        assert!(plain.contains("R7\tsaid_by Arg1:T13 Arg2:T12\n"), "{plain}");
    }

    #[test]
    fn a_span_across_a_crlf_is_written_as_two_fragments_without_the_line_break() {
        let (out, _) = fixture();
        let ann = file(&out, "1.ann");
        let line = ann.lines().find(|l| l.starts_with("T10\t")).unwrap();
        assert_eq!(
            line,
            "T10\tClaim 85 103;105 110\tit; café vs cafe\u{301}. השלום"
        );
        let chars: Vec<char> = testdata::HOSTILE.chars().collect();
        let slice = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
        assert_eq!(slice(103, 105), "\r\n");
        assert_eq!(slice(85, 103), "it; café vs cafe\u{301}.");
        assert_eq!(slice(105, 110), "השלום");
    }

    #[test]
    fn nested_and_crossing_spans_are_all_written() {
        let (out, _) = fixture();
        let ann = file(&out, "1.ann");
        // Putin inside "Putin (Путин)"; "said: “A ceasefire" crosses the claim.
        assert!(ann.contains("T4\tActor 62 67\tPutin\n"), "{ann}");
        assert!(ann.contains("T5\tActor 62 75\tPutin (Путин)\n"), "{ann}");
        assert!(ann.contains("T6\tPosition 22 40\t"), "{ann}");
        assert!(ann.contains("T2\tClaim 29 59\t"), "{ann}");
        assert_eq!(ann.lines().filter(|l| l.starts_with('T')).count(), 11);
    }

    #[test]
    fn the_configuration_declares_types_relations_with_their_arguments_and_attributes() {
        let (out, _) = fixture();
        let conf = file(&out, "annotation.conf");
        for part in [
            "[entities]\nActor\nClaim\nPosition\n",
            "said_by\tArg1:Claim, Arg2:Actor\n",
            "held_by\tArg1:Position, Arg2:Actor\n",
            "about\tArg1:Position, Arg2:Claim\n",
            "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n",
            "[events]\n",
            "kind\tArg:Actor, Value:person|organisation|state|other\n",
            "stance\tArg:Position, Value:support|oppose|neutral\n",
        ] {
            assert!(conf.contains(part), "{part:?} not in\n{conf}");
        }
        let visual = file(&out, "visual.conf");
        assert!(visual.contains("Actor | Actor\n"), "{visual}");
        assert!(visual.contains("Actor\tbgColor:#4e79a7\n"), "{visual}");
    }

    #[test]
    fn the_export_reads_back_through_the_brat_importer_with_the_same_spans_labels_and_relations() {
        let (out, _) = fixture();
        for doc in testdata::documents() {
            let name = format!("{}.txt", doc.id);
            let txt = out.file(&name).unwrap();
            let ann = out.file(&format!("{}.ann", doc.id)).unwrap();
            let imported = crate::read::brat::parse(&txt, &ann, &name).unwrap();
            assert_eq!(imported.document.text, doc.text);

            // Fragments come back as T10, T10#2: their hull is the span.
            let mut spans: HashMap<String, (String, usize, usize)> = HashMap::new();
            for a in &imported.annotations {
                let key = a.key.split('#').next().unwrap().to_string();
                let entry = spans
                    .entry(key)
                    .or_insert((a.label.clone(), a.start, a.end));
                entry.1 = entry.1.min(a.start);
                entry.2 = entry.2.max(a.end);
            }
            let mut found: Vec<_> = spans.into_iter().collect();
            found.sort();
            let mut expected: Vec<_> = doc
                .annotations
                .iter()
                .map(|a| (format!("T{}", a.id), (a.label.clone(), a.start, a.end)))
                .collect();
            expected.sort();
            assert_eq!(found, expected, "document {}", doc.id);

            let relations: Vec<(String, String, String)> = imported
                .relations
                .iter()
                .map(|r| (r.kind.clone(), r.from.clone(), r.to.clone()))
                .collect();
            let expected: Vec<(String, String, String)> = doc
                .relations
                .iter()
                .map(|r| {
                    (
                        r.kind.clone(),
                        format!("T{}", r.from_id),
                        format!("T{}", r.to_id),
                    )
                })
                .collect();
            assert_eq!(relations, expected, "document {}", doc.id);

            for a in &doc.annotations {
                let back = imported
                    .annotations
                    .iter()
                    .find(|b| b.key == format!("T{}", a.id))
                    .unwrap();
                for (key, value) in &a.attributes {
                    assert_eq!(back.attributes.get(key), Some(value), "annotation {}", a.id);
                }
                if let Some(id) = a.entity_id {
                    assert_eq!(
                        back.attributes["normalization"],
                        format!("Claimdesk:{id}").as_str()
                    );
                }
            }
        }
    }

    #[test]
    fn odd_labels_attributes_and_multi_line_notes_survive_the_trip_through_the_importer() {
        let mut project = testdata::project();
        project.labels[0].name = "Akteur (Person)".into();
        let mut d = testdata::doc(
            "Kyiv said\r\nno.",
            &[(0, 4, "Kyiv"), (5, 14, "said\r\nno.")],
        );
        d.annotations[0].label = "Akteur (Person)".into();
        d.annotations[1].label = "Claim/Quote".into();
        d.annotations[1].note = Some("first line\r\nsecond\tline\n".into());
        d.annotations[1]
            .attributes
            .insert("certainty level".into(), Value::String("very high".into()));
        d.relations.push(claimdesk_core::dataset::RelationRecord {
            uid: String::new(),
            id: 3,
            kind: "said by".into(),
            from_id: 2,
            to_id: 1,
            annotator: "ana".into(),
            created_at: testdata::at(),
        });
        let (out, _) = export(&project, std::slice::from_ref(&d)).unwrap();
        let ann = file(&out, "7.ann");
        assert!(ann.contains("T1\tAkteur_Person 0 4\tKyiv\n"), "{ann}");
        assert!(
            ann.contains("T2\tClaim_Quote 5 9;11 14\tsaid no.\n"),
            "{ann}"
        );
        assert!(ann.contains("R3\tsaid_by Arg1:T2 Arg2:T1\n"), "{ann}");
        assert!(ann.contains("\tcertainty_level T2 very_high\n"), "{ann}");
        assert!(ann.contains("#1\tAnnotatorNotes T2\tfirst line\n"), "{ann}");
        assert!(
            ann.contains("#2\tAnnotatorNotes T2\tsecond\tline\n"),
            "{ann}"
        );
        assert!(ann.contains("#3\tAnnotatorNotes T2\t\n"), "{ann}");
        let conf = file(&out, "annotation.conf");
        assert!(
            conf.contains("# Akteur_Person stands for the label \"Akteur (Person)\"\n"),
            "{conf}"
        );
        assert!(
            conf.contains("# said_by stands for the relation kind \"said by\"\n"),
            "{conf}"
        );
        assert!(
            conf.contains("# certainty_level value very_high stands for \"very high\"\n"),
            "{conf}"
        );
        assert!(
            conf.contains("certainty_level\tArg:Claim_Quote, Value:very_high\n"),
            "{conf}"
        );
        let visual = file(&out, "visual.conf");
        assert!(visual.contains("Claim_Quote | Claim/Quote\n"), "{visual}");

        let imported =
            crate::read::brat::parse(d.text.as_bytes(), ann.as_bytes(), "7.txt").unwrap();
        let note = imported.annotations[1].note.as_deref();
        assert_eq!(note, Some("first line\nsecond\tline\n"));
    }

    #[test]
    fn distinct_names_that_clean_up_alike_stay_distinct() {
        let mut names = Names::reserving(&RESERVED);
        assert_eq!(names.get("Actor"), "Actor");
        assert_eq!(names.get("Actor!"), "Actor_2");
        assert_eq!(names.get("actor"), "actor_3");
        assert_eq!(names.get("Актор"), "Type");
        assert_eq!(names.get("Позиция"), "Type_2");
        assert_eq!(names.get("1st"), "T_1st");
        assert_eq!(names.get("Equiv"), "Equiv_2");
        assert_eq!(names.get("Actor!"), "Actor_2");
        let mut values = Names::values();
        assert_eq!(values.get("1"), "1");
        assert_eq!(values.get("за"), "value");
        assert_eq!(values.get("против"), "value_2");
        // A relation kind spelt like a label still gets a name of its own.
        assert_eq!(names.get_in(Space::Relation, "Actor"), "Actor_4");
        assert_eq!(names.get_in(Space::Attribute, "Actor"), "Actor_5");
    }

    #[test]
    fn lines_split_at_every_python_line_break_and_crlf_once() {
        assert_eq!(split_lines("a\r\nb\rc\u{2028}d"), ["a", "b", "c", "d"]);
        assert_eq!(split_lines("a\n"), ["a", ""]);
        assert_eq!(
            fragments("ab\u{85}c\r\n\r\nd"),
            [(0, 2, "ab"), (3, 4, "c"), (8, 9, "d")]
        );
    }

    #[test]
    fn a_quote_that_does_not_match_the_text_stops_the_export_with_a_self_check_error() {
        let mut docs = testdata::documents();
        docs[1].annotations[0].quote = "Tammy Brice".into();
        let Err(error) = export(&testdata::project(), &docs) else {
            panic!("the export passed")
        };
        assert!(
            matches!(
                error,
                ExportError::SelfCheck {
                    document_id: 2,
                    annotation_id: 12,
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn a_span_of_nothing_but_a_line_break_is_refused_by_name() {
        let d = testdata::doc("a\nb", &[(1, 2, "\n")]);
        let Err(error) = export(&testdata::project(), &[d]) else {
            panic!("the export passed")
        };
        assert!(
            error.to_string().contains("annotation 1 in document 7"),
            "{error}"
        );
    }
}
