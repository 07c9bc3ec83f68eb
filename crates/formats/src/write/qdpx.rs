//! REFI-QDA projects (`.qdpx`), the exchange format of ATLAS.ti, MAXQDA, NVivo, QualCoder and
//! Taguette: one zip holding `project.qde` (XML, `urn:QDA-XML:project:1.0`) and each
//! document's text as `sources/<GUID>.txt` (UTF-8, exactly as stored), which the project
//! names as `plainTextPath="internal://<GUID>.txt"`.
//!
//! What is written: coders as `<Users>`; labels as the `<CodeBook>` (attributes as sub-codes,
//! see [`crate::refi`]); each document as a `<TextSource>` (its title as name, its import
//! time as `creationDateTime`, its date, source, author, url, language and string metadata as
//! source variables); each annotation as a `<PlainTextSelection>` (positions in code points,
//! end exclusive, as the standard counts; its quote as the selection's name, its coder as
//! `creatingUser`) coded with its label's code and its attribute values' codes; notes as
//! `<Notes>` with a `<NoteRef>` from the selection; links as `<Links>` from one selection to
//! the other, named by their kind. REFI-QDA has no place for entities or statements: the
//! report says how many were left out.
//!
//! The texts are streamed into the zip as documents come; `project.qde` is put together in
//! memory (about half a kilobyte per annotation) and written last. GUIDs are the annotations'
//! and links' own UUIDs, and name-based UUIDs for the rest, so the same project exports to the
//! same bytes.

use std::collections::HashMap;
use std::io::Write;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use claimdesk_core::dataset::{DocumentRecord, LabelInfo, ProjectInfo};
use claimdesk_core::Unit;

use super::check::SpanCheck;
use super::xmi::{zip_error, Tail};
use super::{ExportError, ExportOptions, ExportSummary, Exporter, Output};
use crate::refi::{self, name_guid, normalize_guid, xml};

/// The document fields written as source variables, with their REFI-QDA type.
const FIELDS: [(&str, &str); 5] = [
    ("date", "Date"),
    ("source", "Text"),
    ("author", "Text"),
    ("url", "Text"),
    ("language", "Text"),
];

struct Qdpx {
    project: ProjectInfo,
    zip: ZipWriter<Tail>,
    /// Labels the annotations use that the schema lacks (none, from a consistent store).
    extra_labels: Vec<LabelInfo>,
    /// Coders by name, in the order they are first needed.
    users: Vec<String>,
    /// Variables used (name, type), in the order first used.
    variables: Vec<(String, &'static str)>,
    sources: String,
    notes: String,
    links: String,
    entity_links: usize,
    summary: ExportSummary,
}

fn options() -> SimpleFileOptions {
    // A fixed time, so the same project gives the same bytes.
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .large_file(false)
}

pub(super) fn new(
    project: &ProjectInfo,
    _options: &ExportOptions,
    mut out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let file = out.create(super::ExportFormat::Qdpx.default_name())?;
    let mut zip = ZipWriter::new(Tail::new(file));
    zip.set_flush_on_finish_file(true);
    Ok(Box::new(Qdpx {
        project: project.clone(),
        zip,
        extra_labels: Vec::new(),
        users: project.annotators.clone(),
        variables: Vec::new(),
        sources: String::new(),
        notes: String::new(),
        links: String::new(),
        entity_links: 0,
        summary: ExportSummary::default(),
    }))
}

fn user_guid(name: &str) -> String {
    name_guid("user", name)
}

fn open_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    xml::attr(out, value);
    out.push('"');
}

fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

impl Qdpx {
    fn user(&mut self, name: &str) -> String {
        if !self.users.iter().any(|u| u == name) {
            self.users.push(name.to_string());
        }
        user_guid(name)
    }

    fn label(&mut self, name: &str) -> LabelInfo {
        if let Some(l) = self.project.label(name) {
            return l.clone();
        }
        if let Some(l) = self.extra_labels.iter().find(|l| l.name == name) {
            return l.clone();
        }
        let l = LabelInfo {
            name: name.to_string(),
            colour: String::new(),
            hotkey: None,
            attributes: Vec::new(),
        };
        self.extra_labels.push(l.clone());
        l
    }

    fn variable(&mut self, name: &str, kind: &'static str) -> String {
        if !self.variables.iter().any(|(n, _)| n == name) {
            self.variables.push((name.to_string(), kind));
        }
        name_guid("variable", name)
    }

    fn source(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        let check = SpanCheck::new(doc);
        let sha = if doc.sha256.is_empty() {
            claimdesk_core::document::sha256_hex(&doc.text)
        } else {
            doc.sha256.clone()
        };
        let source = name_guid("source", &sha);
        self.zip
            .start_file(format!("sources/{source}.txt"), options())
            .map_err(zip_error)?;
        self.zip.write_all(doc.text.as_bytes())?;

        let mut x = String::with_capacity(512 + doc.annotations.len() * 512);
        x.push_str("<TextSource guid=\"");
        x.push_str(&source);
        x.push('"');
        open_attr(&mut x, "name", &doc.title);
        open_attr(&mut x, "plainTextPath", &format!("internal://{source}.txt"));
        open_attr(&mut x, "creationDateTime", &time(doc.imported_at));
        x.push_str(">\n");

        let mut selections: HashMap<i64, String> = HashMap::new();
        for a in &doc.annotations {
            check.span(a.id, Unit::CodePoint, a.start, a.end)?;
            self.summary.spans_checked += 1;
            let guid = normalize_guid(&a.uid)
                .unwrap_or_else(|| name_guid("selection", &format!("{source}/{}", a.id)));
            selections.insert(a.id, guid.clone());
            let user = self.user(&a.annotator);
            let label = self.label(&a.label);
            x.push_str("<PlainTextSelection guid=\"");
            x.push_str(&guid);
            x.push('"');
            open_attr(&mut x, "name", &a.quote);
            x.push_str(&format!(
                " startPosition=\"{}\" endPosition=\"{}\" creatingUser=\"{user}\" creationDateTime=\"{}\"",
                a.start,
                a.end,
                time(a.created_at)
            ));
            if a.updated_at != a.created_at {
                x.push_str(&format!(
                    " modifyingUser=\"{user}\" modifiedDateTime=\"{}\"",
                    time(a.updated_at)
                ));
            }
            x.push_str(">\n");
            // Attribute values without a code of their own (free text, or a value the schema
            // no longer offers) go into the description, one `name: value` line each.
            let mut codes = vec![refi::label_guid(&label.name)];
            let mut described = Vec::new();
            for (name, value) in &a.attributes {
                match refi::value_code(&label, name, value) {
                    Some(code) => codes.push(code),
                    None if value.is_null() => {}
                    None => described.push(match value {
                        serde_json::Value::String(s) => format!("{name}: {s}"),
                        other => format!("{name}: {other}"),
                    }),
                }
            }
            if !described.is_empty() {
                x.push_str("<Description>");
                xml::text(&mut x, &described.join("\n"));
                x.push_str("</Description>\n");
            }
            for code in codes {
                x.push_str(&format!(
                    "<Coding guid=\"{}\" creatingUser=\"{user}\" creationDateTime=\"{}\"><CodeRef targetGUID=\"{code}\"/></Coding>\n",
                    name_guid("coding", &format!("{guid}/{code}")),
                    time(a.created_at)
                ));
            }
            if let Some(note) = a.note.as_deref().filter(|n| !n.is_empty()) {
                let note_guid = name_guid("note", &guid);
                x.push_str(&format!("<NoteRef targetGUID=\"{note_guid}\"/>\n"));
                self.notes.push_str(&format!("<Note guid=\"{note_guid}\""));
                let about: String = a.quote.chars().take(60).collect();
                open_attr(
                    &mut self.notes,
                    "name",
                    &format!("Note on \u{201c}{about}\u{201d}"),
                );
                self.notes.push_str(&format!(
                    " creatingUser=\"{user}\" creationDateTime=\"{}\"><PlainTextContent>",
                    time(a.updated_at)
                ));
                xml::text(&mut self.notes, note);
                self.notes.push_str("</PlainTextContent></Note>\n");
            }
            x.push_str("</PlainTextSelection>\n");
            if a.entity_id.is_some() {
                self.entity_links += 1;
            }
        }

        let mut values: Vec<(String, &'static str, String)> = Vec::new();
        let fields = [
            doc.date.map(|d| d.to_string()),
            doc.source.clone(),
            doc.author.clone(),
            doc.url.clone(),
            doc.language.clone(),
        ];
        for ((name, kind), value) in FIELDS.iter().zip(fields) {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                values.push((name.to_string(), kind, value));
            }
        }
        for (key, value) in &doc.metadata {
            if FIELDS.iter().any(|(n, _)| n.eq_ignore_ascii_case(key)) {
                continue;
            }
            let value = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => continue,
                other => other.to_string(),
            };
            values.push((key.clone(), "Text", value));
        }
        for (name, kind, value) in values {
            let guid = self.variable(&name, kind);
            let element = if kind == "Date" {
                "DateValue"
            } else {
                "TextValue"
            };
            x.push_str(&format!(
                "<VariableValue><VariableRef targetGUID=\"{guid}\"/><{element}>"
            ));
            xml::text(&mut x, &value);
            x.push_str(&format!("</{element}></VariableValue>\n"));
        }
        x.push_str("</TextSource>\n");
        self.sources.push_str(&x);

        for r in &doc.relations {
            let (Some(from), Some(to)) = (selections.get(&r.from_id), selections.get(&r.to_id))
            else {
                return Err(ExportError::Invalid(format!(
                    "link {} of document {} joins annotations not in the export",
                    r.id, doc.id
                )));
            };
            let guid = normalize_guid(&r.uid)
                .unwrap_or_else(|| name_guid("link", &format!("{from}/{to}/{}", r.kind)));
            self.links.push_str(&format!("<Link guid=\"{guid}\""));
            open_attr(&mut self.links, "name", &r.kind);
            self.links.push_str(&format!(
                " direction=\"OneWay\" originGUID=\"{from}\" targetGUID=\"{to}\"/>\n"
            ));
        }
        Ok(())
    }

    fn project_qde(&self) -> String {
        let mut x =
            String::with_capacity(4096 + self.sources.len() + self.notes.len() + self.links.len());
        x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.push_str(&format!(
            "<Project xmlns=\"{}\" name=\"Claimdesk project\" origin=\"Claimdesk {}\">\n",
            refi::project::NAMESPACE,
            env!("CARGO_PKG_VERSION")
        ));
        // Containers the schema requires to be non-empty are left out when they would be.
        if !self.users.is_empty() {
            x.push_str("<Users>\n");
            for name in &self.users {
                x.push_str(&format!("<User guid=\"{}\"", user_guid(name)));
                open_attr(&mut x, "name", name);
                x.push_str("/>\n");
            }
            x.push_str("</Users>\n");
        }
        let mut labels = self.project.labels.clone();
        labels.extend(self.extra_labels.iter().cloned());
        if !labels.is_empty() {
            x.push_str("<CodeBook>\n<Codes>\n");
            refi::write_codes(&mut x, &refi::codes_for_labels(&labels));
            x.push_str("</Codes>\n</CodeBook>\n");
        }
        if !self.variables.is_empty() {
            x.push_str("<Variables>\n");
            for (name, kind) in &self.variables {
                x.push_str(&format!(
                    "<Variable guid=\"{}\"",
                    name_guid("variable", name)
                ));
                open_attr(&mut x, "name", name);
                x.push_str(&format!(" typeOfVariable=\"{kind}\"/>\n"));
            }
            x.push_str("</Variables>\n");
        }
        for (element, content) in [
            ("Sources", &self.sources),
            ("Notes", &self.notes),
            ("Links", &self.links),
        ] {
            if !content.is_empty() {
                x.push_str(&format!("<{element}>\n"));
                x.push_str(content);
                x.push_str(&format!("</{element}>\n"));
            }
        }
        x.push_str("</Project>\n");
        x
    }
}

impl Exporter for Qdpx {
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        self.source(doc)?;
        self.summary.documents += 1;
        self.summary.annotations += doc.annotations.len();
        self.summary.relations += doc.relations.len();
        self.summary.statements += claimdesk_core::statement::statements(doc, &self.project).len();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<ExportSummary, ExportError> {
        let qde = self.project_qde();
        self.zip
            .start_file("project.qde", options())
            .map_err(zip_error)?;
        self.zip.write_all(qde.as_bytes())?;
        let mut tail = self.zip.finish().map_err(zip_error)?;
        tail.flush()?;
        let mut summary = self.summary;
        summary.left_out = vec![
            format!(
                "{} links from annotations to entities (REFI-QDA has no entities)",
                self.entity_links
            ),
            format!(
                "{} statements (derived from the coding; REFI-QDA has no place for them)",
                summary.statements
            ),
        ];
        if self.project.labels.iter().any(|l| l.hotkey.is_some())
            || !self.project.relation_types.is_empty()
        {
            summary.left_out.push(
                "label hotkeys and which labels each link type may join (a codebook has no place for them)".into(),
            );
        }
        Ok(summary)
    }
}
