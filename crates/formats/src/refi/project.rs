//! Reading a REFI-QDA project (`.qdpx`, a zip with `project.qde` and the sources' texts) made
//! by another tool, or by Claimdesk's `qdpx` export.
//!
//! What is read: text sources (from `sources/` or `Sources/` through `internal://` paths, or
//! their `<PlainTextContent>`; UTF-8 with or without a byte-order mark, every line ending kept),
//! the codebook as labels (see [`super`]), text selections as annotations (one per code they
//! are coded with; a selection with no code, or no length, is left out), the selection's notes
//! (and any description that is not an attribute value) as the annotation's note, users as
//! coders, links between two selections of one source as links, and the source variables
//! `date`, `source`, `author`, `url`, `language` as the document's fields (other variables go
//! into its metadata). Pictures, PDFs, audio and video are left out and counted.
//!
//! Positions: the standard counts code points, but NVivo counts UTF-16 code units (as .NET
//! strings do). The two differ only after a character outside the Basic Multilingual Plane
//! (most emoji), so the file's selections in texts with such characters decide, once per
//! file: if every selection fits the text in one unit and some do not in the other, that unit
//! is taken; if both fit, a file written by NVivo (its `origin`) is read as UTF-16, and any
//! other file as code points unless more selections begin and end between words when read as
//! UTF-16. A selection that does not fit the text in the unit taken, or would cut a character
//! in half, makes the file malformed: nothing of it is imported.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use claimdesk_core::dataset::{
    AnnotationRecord, DocumentRecord, LabelInfo, ProjectInfo, RelationRecord,
};
use claimdesk_core::imported::{ImportedAnnotation, ImportedDocument, ImportedRelation};
use claimdesk_core::{AttributeKind, NewDocument, Span, TextIndex, Unit};

use super::{labels_from_codes, name_guid, normalize_guid, read_codes, xml, CodeRole};
use crate::FormatError;

const WHAT: &str = "REFI-QDA project";
pub const NAMESPACE: &str = "urn:QDA-XML:project:1.0";

/// No entry of the zip is read past this many bytes (a guard against zip bombs).
const MAX_ENTRY_BYTES: u64 = 1 << 30;

/// A project as read: the codebook as labels, the users as coders, the text sources as
/// documents with their coding. Annotations have no coder (an empty name) where the file
/// names none; the importer gives them the importing coder.
#[derive(Clone, Debug, PartialEq)]
pub struct QdpxProject {
    pub info: ProjectInfo,
    pub documents: Vec<DocumentRecord>,
    /// The unit the file's positions were counted in.
    pub positions: Unit,
    /// Sources that are not text (pictures, PDFs, audio, video), left out.
    pub skipped_sources: usize,
}

fn malformed(reason: impl std::fmt::Display) -> FormatError {
    FormatError::malformed(WHAT, reason)
}

fn time(s: Option<&str>) -> Option<DateTime<Utc>> {
    let s = s?.trim();
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc())
        })
}

/// The zip's entries by lower-case name.
struct Archive {
    zip: zip::ZipArchive<Cursor<Vec<u8>>>,
    names: HashMap<String, usize>,
}

impl Archive {
    fn open(bytes: &[u8]) -> Result<Archive, FormatError> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).map_err(|e| {
            malformed(format!(
                "a .qdpx is a zip archive, and this is not one: {e}"
            ))
        })?;
        let names = (0..zip.len())
            .filter_map(|i| Some((zip.name_for_index(i)?.to_lowercase(), i)))
            .collect();
        Ok(Archive { zip, names })
    }

    fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, FormatError> {
        let Some(&index) = self.names.get(&name.to_lowercase()) else {
            return Ok(None);
        };
        let entry = self
            .zip
            .by_index(index)
            .map_err(|e| malformed(format!("cannot read {name} in the zip: {e}")))?;
        let mut bytes = Vec::new();
        entry
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| malformed(format!("cannot read {name} in the zip: {e}")))?;
        if bytes.len() as u64 > MAX_ENTRY_BYTES {
            return Err(malformed(format!("{name} is larger than 1 GiB")));
        }
        Ok(Some(bytes))
    }
}

/// The text of a source or note: its `<PlainTextContent>` or the file its `internal://` path
/// names.
fn source_text(el: &xml::Element, archive: &mut Archive) -> Result<Option<String>, FormatError> {
    let label = el
        .attr("name")
        .or(el.attr("guid"))
        .unwrap_or("?")
        .to_string();
    if let Some(content) = el.child("PlainTextContent") {
        return Ok(Some(content.text.clone()));
    }
    let Some(path) = el.attr("plainTextPath") else {
        return Ok(None);
    };
    let Some(file) = path.strip_prefix("internal://") else {
        return Err(malformed(format!(
            "the source {label:?} refers to {path:?} outside the file; only sources inside the .qdpx (internal://) can be imported"
        )));
    };
    let bytes = match archive.read(&format!("sources/{file}"))? {
        Some(bytes) => bytes,
        None => {
            return Err(malformed(format!(
                "the source {label:?} names {path:?}, which is not in the zip's sources folder"
            )))
        }
    };
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map(Some).map_err(|_| {
        malformed(format!(
            "the text of source {label:?} ({file}) is not UTF-8"
        ))
    })
}

struct Coding {
    code: String,
    guid: Option<String>,
    user: Option<String>,
    created: Option<DateTime<Utc>>,
}

struct Selection {
    guid: String,
    start: i64,
    end: i64,
    user: Option<String>,
    created: Option<DateTime<Utc>>,
    modified: Option<DateTime<Utc>>,
    codings: Vec<Coding>,
    description: Option<String>,
    notes: Vec<String>,
}

struct Source {
    name: String,
    text: String,
    created: Option<DateTime<Utc>>,
    variables: Vec<(String, String)>,
    selections: Vec<Selection>,
}

fn guid_of(el: &xml::Element, what: &str) -> Result<String, FormatError> {
    el.attr("guid")
        .and_then(normalize_guid)
        .ok_or_else(|| malformed(format!("a <{what}> has no valid guid")))
}

fn position(el: &xml::Element, attr: &str, guid: &str) -> Result<i64, FormatError> {
    el.attr(attr)
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|&v| v >= 0)
        .ok_or_else(|| {
            malformed(format!(
                "the selection {guid} has no valid {attr} (a whole number, 0 or more)"
            ))
        })
}

fn read_selection(el: &xml::Element) -> Result<Selection, FormatError> {
    let guid = guid_of(el, "PlainTextSelection")?;
    let start = position(el, "startPosition", &guid)?;
    let end = position(el, "endPosition", &guid)?;
    if start > end {
        return Err(malformed(format!(
            "the selection {guid} ends ({end}) before it starts ({start})"
        )));
    }
    let mut codings = Vec::new();
    for c in el.children_named("Coding") {
        let code = c
            .child("CodeRef")
            .and_then(|r| r.attr("targetGUID"))
            .and_then(normalize_guid)
            .ok_or_else(|| malformed(format!("a coding of selection {guid} has no CodeRef")))?;
        codings.push(Coding {
            code,
            guid: c.attr("guid").and_then(normalize_guid),
            user: c.attr("creatingUser").and_then(normalize_guid),
            created: time(c.attr("creationDateTime")),
        });
    }
    Ok(Selection {
        guid,
        start,
        end,
        user: el.attr("creatingUser").and_then(normalize_guid),
        created: time(el.attr("creationDateTime")),
        modified: time(el.attr("modifiedDateTime")),
        codings,
        description: el
            .child("Description")
            .map(|d| d.text.clone())
            .filter(|d| !d.trim().is_empty()),
        notes: el
            .children_named("NoteRef")
            .filter_map(|n| n.attr("targetGUID").and_then(normalize_guid))
            .collect(),
    })
}

/// Whether a position falls between words (or at an end of the text).
fn between_words(chars: &[char], at: usize) -> bool {
    at == 0
        || at >= chars.len()
        || !(chars[at - 1].is_alphanumeric() && chars[at].is_alphanumeric())
}

/// The unit the file's positions are counted in (see the module's documentation).
fn position_unit(sources: &[Source], origin: &str) -> Unit {
    let (mut fit_cp, mut fit_u16) = (true, true);
    let (mut words_cp, mut words_u16) = (0usize, 0usize);
    let mut differ = false;
    for source in sources {
        if source.selections.is_empty() || source.text.chars().all(|c| c < '\u{10000}') {
            continue;
        }
        differ = true;
        let index = TextIndex::new(&source.text);
        let chars: Vec<char> = source.text.chars().collect();
        for s in &source.selections {
            let (start, end) = (s.start as usize, s.end as usize);
            match Span::new(start, end).and_then(|span| index.check(span)) {
                Ok(_) => {
                    words_cp +=
                        usize::from(between_words(&chars, start) && between_words(&chars, end))
                }
                Err(_) => fit_cp = false,
            }
            match index.span_from(start, end, Unit::Utf16) {
                Ok(span) => {
                    words_u16 += usize::from(
                        between_words(&chars, span.start()) && between_words(&chars, span.end()),
                    )
                }
                Err(_) => fit_u16 = false,
            }
        }
    }
    match (fit_cp, fit_u16) {
        _ if !differ => Unit::CodePoint,
        (false, true) => Unit::Utf16,
        (true, true) if origin.to_lowercase().contains("nvivo") => Unit::Utf16,
        (true, true) if words_u16 > words_cp => Unit::Utf16,
        _ => Unit::CodePoint,
    }
}

/// Reads a `.qdpx` file. `now` stands in for times the file does not give.
pub fn read(bytes: &[u8], now: DateTime<Utc>) -> Result<QdpxProject, FormatError> {
    let mut archive = Archive::open(bytes)?;
    let qde = archive
        .read("project.qde")?
        .ok_or_else(|| malformed("the zip has no project.qde"))?;
    let root = xml::parse(&qde, WHAT)?;
    if root.name != "Project" {
        return Err(malformed(format!(
            "project.qde's root element is <{}>, not <Project>",
            root.name
        )));
    }
    if root.namespace() != Some(NAMESPACE) {
        return Err(malformed(format!(
            "project.qde's namespace is {:?}, not {NAMESPACE:?}",
            root.namespace()
        )));
    }
    let origin = root.attr("origin").unwrap_or("");

    let mut users: HashMap<String, String> = HashMap::new();
    let mut annotators: Vec<String> = Vec::new();
    for u in root
        .child("Users")
        .into_iter()
        .flat_map(|u| u.children_named("User"))
    {
        let guid = guid_of(u, "User")?;
        let name = u
            .attr("name")
            .or(u.attr("id"))
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(&guid)
            .to_string();
        if !annotators.contains(&name) {
            annotators.push(name.clone());
        }
        users.insert(guid, name);
    }

    let codes = match root.child("CodeBook").and_then(|c| c.child("Codes")) {
        Some(codes) => read_codes(codes, WHAT)?,
        None => Vec::new(),
    };
    let (labels, roles) = labels_from_codes(&codes);
    let label_defs: HashMap<&str, &LabelInfo> =
        labels.iter().map(|l| (l.name.as_str(), l)).collect();

    let variables: HashMap<String, String> = root
        .child("Variables")
        .into_iter()
        .flat_map(|v| v.children_named("Variable"))
        .filter_map(|v| {
            Some((
                v.attr("guid").and_then(normalize_guid)?,
                v.attr("name")?.to_string(),
            ))
        })
        .collect();

    let mut notes: HashMap<String, String> = HashMap::new();
    for n in root
        .child("Notes")
        .into_iter()
        .flat_map(|n| n.children_named("Note"))
    {
        let guid = guid_of(n, "Note")?;
        if let Some(text) = source_text(n, &mut archive)? {
            notes.insert(guid, text);
        }
    }

    let mut sources = Vec::new();
    let mut skipped_sources = 0;
    for s in root
        .child("Sources")
        .into_iter()
        .flat_map(|s| s.children.iter())
    {
        if s.name != "TextSource" {
            skipped_sources += 1;
            continue;
        }
        let guid = guid_of(s, "TextSource")?;
        let name = s
            .attr("name")
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(&guid)
            .to_string();
        let text = source_text(s, &mut archive)?.ok_or_else(|| {
            malformed(format!(
                "the source {name:?} has neither a plainTextPath nor a PlainTextContent"
            ))
        })?;
        let selections = s
            .children_named("PlainTextSelection")
            .map(read_selection)
            .collect::<Result<Vec<_>, _>>()?;
        let variables = s
            .children_named("VariableValue")
            .filter_map(|v| {
                let var = v
                    .child("VariableRef")?
                    .attr("targetGUID")
                    .and_then(normalize_guid)?;
                let name = variables.get(&var)?.clone();
                let value = v
                    .children
                    .iter()
                    .find(|c| c.name != "VariableRef")
                    .map(|c| c.text.clone())?;
                Some((name, value))
            })
            .collect();
        if text.trim().is_empty() {
            // Nothing to code; Claimdesk keeps no empty documents.
            skipped_sources += 1;
            continue;
        }
        sources.push(Source {
            name,
            text,
            created: time(s.attr("creationDateTime")),
            variables,
            selections,
        });
    }

    let positions = position_unit(&sources, origin);
    let mut documents = Vec::new();
    let mut next_annotation = 0i64;
    let mut next_relation = 0i64;
    let mut uids: HashSet<String> = HashSet::new();
    // The first annotation of each selection, with its document, for links.
    let mut by_selection: HashMap<String, (usize, i64, String)> = HashMap::new();
    for (d, source) in sources.into_iter().enumerate() {
        let index = TextIndex::new(&source.text);
        let mut annotations = Vec::new();
        for s in &source.selections {
            let span = match positions {
                Unit::Utf16 => index.span_from(s.start as usize, s.end as usize, Unit::Utf16),
                _ => Span::new(s.start as usize, s.end as usize).and_then(|span| index.check(span)),
            }
            .map_err(|e| {
                malformed(format!(
                    "the selection {} ({}..{}) does not fit the text of source {:?} counted in {}: {e}",
                    s.guid, s.start, s.end, source.name, unit_name(positions)
                ))
            })?;
            if span.is_empty() || s.codings.is_empty() {
                continue;
            }
            let quote = index
                .slice(span)
                .map_err(|e| malformed(format!("the selection {}: {e}", s.guid)))?
                .to_string();
            let mut coded: Vec<(&CodeRole, &Coding)> = Vec::new();
            for c in &s.codings {
                let role = roles.get(&c.code).ok_or_else(|| {
                    malformed(format!(
                        "the selection {} is coded with {}, which is not a codable code of the codebook",
                        s.guid, c.code
                    ))
                })?;
                coded.push((role, c));
            }
            let label_names: HashSet<&str> = coded
                .iter()
                .filter(|(r, _)| r.value.is_none())
                .map(|(r, _)| r.label.as_str())
                .collect();
            let mut made: Vec<AnnotationRecord> = Vec::new();
            let mut values: Vec<(&str, &str, &serde_json::Value)> = Vec::new();
            for (role, coding) in &coded {
                if let Some((label, attribute, value)) = &role.value {
                    if label_names.contains(label.as_str()) {
                        values.push((label, attribute, value));
                        continue;
                    }
                }
                if made.iter().any(|a| a.label == role.label) {
                    continue;
                }
                let mut uid = if made.is_empty() {
                    s.guid.clone()
                } else {
                    coding.guid.clone().unwrap_or_else(|| {
                        name_guid("coding", &format!("{}{}", s.guid, coding.code))
                    })
                };
                while !uids.insert(uid.clone()) {
                    uid = name_guid("annotation", &format!("{uid}{next_annotation}"));
                }
                let user = s.user.as_ref().or(coding.user.as_ref());
                let annotator = user
                    .map(|g| users.get(g).cloned().unwrap_or_else(|| g.clone()))
                    .unwrap_or_default();
                let created = s.created.or(coding.created).unwrap_or(now);
                next_annotation += 1;
                made.push(AnnotationRecord {
                    id: next_annotation,
                    uid,
                    label: role.label.clone(),
                    start: span.start(),
                    end: span.end(),
                    quote: quote.clone(),
                    prefix: String::new(),
                    suffix: String::new(),
                    attributes: serde_json::Map::new(),
                    note: None,
                    entity_id: None,
                    annotator,
                    created_at: created,
                    updated_at: s.modified.unwrap_or(created),
                });
            }
            for (label, attribute, value) in values {
                if let Some(a) = made.iter_mut().find(|a| a.label == label) {
                    a.attributes.insert(attribute.to_string(), value.clone());
                }
            }
            // Free-text attribute values, then whatever else the description says, and the
            // notes, in this order.
            let mut note_parts: Vec<String> = Vec::new();
            if let Some(description) = &s.description {
                let mut rest = Vec::new();
                for line in description.lines() {
                    let taken = line.split_once(": ").is_some_and(|(name, value)| {
                        let mut taken = false;
                        for a in made.iter_mut() {
                            let is_text = label_defs.get(a.label.as_str()).is_some_and(|l| {
                                l.attributes
                                    .iter()
                                    .any(|d| d.name == name && d.kind == AttributeKind::Text)
                            });
                            if is_text && !a.attributes.contains_key(name) {
                                a.attributes.insert(name.to_string(), value.into());
                                taken = true;
                            }
                        }
                        taken
                    });
                    if !taken {
                        rest.push(line);
                    }
                }
                let rest = rest.join("\n");
                if !rest.trim().is_empty() {
                    note_parts.push(rest);
                }
            }
            note_parts.extend(s.notes.iter().filter_map(|g| notes.get(g).cloned()));
            let note = (!note_parts.is_empty()).then(|| note_parts.join("\n\n"));
            for a in made.iter_mut() {
                a.note = note.clone();
            }
            if let Some(first) = made.first() {
                by_selection.insert(s.guid.clone(), (d, first.id, first.annotator.clone()));
            }
            annotations.extend(made);
        }
        annotations.sort_by_key(|a| (a.start, a.end, a.id));
        let mut doc = DocumentRecord {
            id: d as i64 + 1,
            title: source.name,
            date: None,
            source: None,
            author: None,
            url: None,
            language: None,
            metadata: serde_json::Map::new(),
            sha256: String::new(),
            imported_at: source.created.unwrap_or(now),
            text: source.text,
            annotations,
            relations: Vec::new(),
        };
        for (name, value) in source.variables {
            let value = value.trim().to_string();
            match name.to_lowercase().as_str() {
                "date" => {
                    doc.date = value
                        .get(..10)
                        .and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
                }
                "source" => doc.source = Some(value),
                "author" => doc.author = Some(value),
                "url" => doc.url = Some(value),
                "language" => doc.language = Some(value),
                _ => {
                    doc.metadata.insert(name, value.into());
                }
            }
        }
        documents.push(doc);
    }

    for link in root
        .child("Links")
        .into_iter()
        .flat_map(|l| l.children_named("Link"))
    {
        let end = |attr: &str| {
            link.attr(attr)
                .and_then(normalize_guid)
                .and_then(|g| by_selection.get(&g).cloned())
        };
        let (Some((d_from, from, annotator)), Some((d_to, to, _))) =
            (end("originGUID"), end("targetGUID"))
        else {
            continue;
        };
        if d_from != d_to {
            continue;
        }
        next_relation += 1;
        let mut uid = link
            .attr("guid")
            .and_then(normalize_guid)
            .unwrap_or_else(|| name_guid("link", &format!("{from}-{to}")));
        while !uids.insert(uid.clone()) {
            uid = name_guid("link", &format!("{uid}{next_relation}"));
        }
        documents[d_from].relations.push(RelationRecord {
            id: next_relation,
            uid,
            kind: link
                .attr("name")
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or("link")
                .to_string(),
            from_id: from,
            to_id: to,
            annotator,
            created_at: now,
        });
    }

    Ok(QdpxProject {
        info: ProjectInfo {
            labels,
            entities: Vec::new(),
            annotators,
            relation_types: Vec::new(),
        },
        documents,
        positions,
        skipped_sources,
    })
}

fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Utf16 => "UTF-16 code units",
        Unit::Utf8 => "UTF-8 bytes",
        Unit::CodePoint => "code points",
    }
}

/// The project's documents as plain imported documents (coders and times left out), for
/// [`crate::import_bytes`]. The import run reads coders through [`read`].
pub fn to_imported(project: QdpxProject, name: &str) -> Vec<ImportedDocument> {
    project
        .documents
        .into_iter()
        .map(|d| ImportedDocument {
            annotations: d
                .annotations
                .iter()
                .map(|a| ImportedAnnotation {
                    key: a.id.to_string(),
                    label: a.label.clone(),
                    start: a.start,
                    end: a.end,
                    attributes: a.attributes.clone(),
                    note: a.note.clone(),
                })
                .collect(),
            relations: d
                .relations
                .iter()
                .map(|r| ImportedRelation {
                    kind: r.kind.clone(),
                    from: r.from_id.to_string(),
                    to: r.to_id.to_string(),
                })
                .collect(),
            document: NewDocument {
                text: d.text,
                title: d.title,
                date: d.date,
                source: d.source.or_else(|| Some(name.to_string())),
                author: d.author,
                url: d.url,
                language: d.language,
                metadata: d.metadata,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::write::testdata;
    use crate::write::{exporter, ExportFormat, ExportOptions, MemoryOutput};

    fn export(project: &ProjectInfo, docs: &[DocumentRecord]) -> Vec<u8> {
        let out = MemoryOutput::default();
        let mut e = exporter(
            ExportFormat::Qdpx,
            project,
            &ExportOptions::default(),
            Box::new(out.clone()),
        )
        .unwrap();
        for d in docs {
            e.document(d).unwrap();
        }
        let summary = e.finish().unwrap();
        assert_eq!(summary.documents, docs.len());
        out.file("export.qdpx").unwrap()
    }

    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    const SOURCE: &str = "79946e83-8665-4506-ae27-a61593ad01e1";
    const CODE: &str = "23b18893-51cc-4297-8f7e-7fee3b98ffd3";
    const USER: &str = "8ff6bba9-d71c-4022-84ff-1d979e5d1161";

    /// A one-source project with the given selections (start, end), coded with one code.
    fn qdpx(origin: &str, text: &[u8], selections: &[(i64, i64)]) -> Vec<u8> {
        let mut qde = format!(
            r##"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="{origin}">
<Users><User guid="{USER}" name="Gergo"/></Users>
<CodeBook><Codes><Code guid="{CODE}" name="Theme" isCodable="true" color="#FF0000"/></Codes></CodeBook>
<Sources><TextSource guid="{SOURCE}" name="Interview" plainTextPath="internal://{SOURCE}.txt">"##
        );
        for (i, (start, end)) in selections.iter().enumerate() {
            qde.push_str(&format!(
                r#"<PlainTextSelection guid="00000000-0000-4000-8000-{i:012}" startPosition="{start}" endPosition="{end}" creatingUser="{USER}"><Coding guid="10000000-0000-4000-8000-{i:012}"><CodeRef targetGUID="{CODE}"/></Coding></PlainTextSelection>"#
            ));
        }
        qde.push_str("</TextSource></Sources></Project>");
        zip(&[
            ("project.qde", qde.as_bytes()),
            (&format!("Sources/{SOURCE}.txt"), text),
        ])
    }

    fn quotes(project: &QdpxProject) -> Vec<&str> {
        project.documents[0]
            .annotations
            .iter()
            .map(|a| a.quote.as_str())
            .collect()
    }

    #[test]
    fn the_hostile_corpus_goes_out_and_back_with_exact_spans_coders_notes_and_links() {
        let (project, docs) = (testdata::project(), testdata::documents());
        let bytes = export(&project, &docs);
        let back = read(&bytes, testdata::at()).unwrap();
        assert_eq!(back.positions, Unit::CodePoint);
        assert_eq!(back.documents.len(), docs.len());
        let names: Vec<&str> = back.info.labels.iter().map(|l| l.name.as_str()).collect();
        let expected: Vec<&str> = project.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, expected);
        for (label, original) in back.info.labels.iter().zip(&project.labels) {
            assert_eq!(label.attributes, original.attributes, "{}", label.name);
            assert_eq!(label.colour, original.colour);
        }
        for (doc, original) in back.documents.iter().zip(&docs) {
            assert_eq!(doc.text, original.text, "the text is kept byte for byte");
            assert_eq!(doc.title, original.title);
            assert_eq!(doc.date, original.date);
            assert_eq!(doc.source, original.source);
            let got: Vec<_> = doc
                .annotations
                .iter()
                .map(|a| {
                    (
                        &a.uid,
                        &a.label,
                        a.start,
                        a.end,
                        &a.quote,
                        &a.annotator,
                        &a.attributes,
                        &a.note,
                    )
                })
                .collect();
            let want: Vec<_> = original
                .annotations
                .iter()
                .map(|a| {
                    (
                        &a.uid,
                        &a.label,
                        a.start,
                        a.end,
                        &a.quote,
                        &a.annotator,
                        &a.attributes,
                        &a.note,
                    )
                })
                .collect();
            assert_eq!(got, want, "document {}", original.id);
            let by_uid = |d: &DocumentRecord, id: i64| {
                d.annotations
                    .iter()
                    .find(|a| a.id == id)
                    .unwrap()
                    .uid
                    .clone()
            };
            let links = |d: &DocumentRecord| -> Vec<(String, String, String, String)> {
                d.relations
                    .iter()
                    .map(|r| {
                        (
                            r.uid.clone(),
                            r.kind.clone(),
                            by_uid(d, r.from_id),
                            by_uid(d, r.to_id),
                        )
                    })
                    .collect()
            };
            assert_eq!(links(doc), links(original));
        }
    }

    #[test]
    fn the_hostile_unicode_fixture_keeps_every_span_exactly() {
        let text = include_str!("../../../../tests/fixtures/hostile-unicode.txt");
        assert!(text.contains("\r\n"));
        // Every whitespace-separated piece of the text, in code points.
        let chars: Vec<char> = text.chars().collect();
        let mut spans = Vec::new();
        let mut start = None;
        for (i, c) in chars.iter().chain([' '].iter()).enumerate() {
            match (c.is_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    spans.push((s, i, chars[s..i].iter().collect::<String>()));
                    start = None;
                }
                _ => {}
            }
        }
        // And one span across a CRLF.
        let crlf = chars.iter().position(|&c| c == '\r').unwrap();
        spans.push((
            crlf - 2,
            crlf + 3,
            chars[crlf - 2..crlf + 3].iter().collect(),
        ));
        let borrowed: Vec<(usize, usize, &str)> =
            spans.iter().map(|(s, e, q)| (*s, *e, q.as_str())).collect();
        let doc = testdata::doc(text, &borrowed);
        let bytes = export(&testdata::project(), std::slice::from_ref(&doc));
        let back = read(&bytes, testdata::at()).unwrap();
        assert_eq!(back.positions, Unit::CodePoint);
        assert_eq!(back.documents[0].text, text);
        let got: Vec<(usize, usize, &str)> = back.documents[0]
            .annotations
            .iter()
            .map(|a| (a.start, a.end, a.quote.as_str()))
            .collect();
        let mut want = borrowed.clone();
        want.sort();
        let mut got_sorted = got.clone();
        got_sorted.sort();
        assert_eq!(got_sorted, want);
    }

    #[test]
    fn two_exports_of_the_same_project_are_the_same_bytes() {
        let (project, docs) = (testdata::project(), testdata::documents());
        assert_eq!(export(&project, &docs), export(&project, &docs));
    }

    #[test]
    fn utf16_positions_that_only_fit_as_utf16_are_converted() {
        let text = "😀 Hello 😀 world 🇺🇦".as_bytes();
        // "world" is at code points 10..15, UTF-16 units 12..17; the flag at 16..18 / 18..22.
        let project = read(&qdpx("", text, &[(12, 17), (18, 22)]), Utc::now()).unwrap();
        assert_eq!(project.positions, Unit::Utf16);
        assert_eq!(quotes(&project), ["world", "🇺🇦"]);
        assert_eq!(project.documents[0].annotations[0].start, 10);
        assert_eq!(project.documents[0].annotations[0].annotator, "Gergo");
    }

    #[test]
    fn positions_that_fit_both_units_follow_the_origin_and_then_the_word_boundaries() {
        let text = "😀 Hello 😀 world, and more words".as_bytes();
        // As code points 10..15 is "world"; as UTF-16 it is "orld,".
        let standard = read(&qdpx("QualCoder", text, &[(10, 15)]), Utc::now()).unwrap();
        assert_eq!(standard.positions, Unit::CodePoint);
        assert_eq!(quotes(&standard), ["world"]);
        let nvivo = read(&qdpx("NVivo 14", text, &[(12, 17)]), Utc::now()).unwrap();
        assert_eq!(nvivo.positions, Unit::Utf16);
        assert_eq!(quotes(&nvivo), ["world"]);
        // Unlabelled by origin, the reading that falls between words wins.
        let unknown = read(&qdpx("", text, &[(12, 17)]), Utc::now()).unwrap();
        assert_eq!(unknown.positions, Unit::Utf16);
        assert_eq!(quotes(&unknown), ["world"]);
    }

    #[test]
    fn a_position_inside_a_surrogate_pair_is_read_as_code_points() {
        // Position 1 is inside the emoji in UTF-16, so the file counts code points.
        let text = "😀abc".as_bytes();
        let project = read(&qdpx("NVivo", text, &[(1, 3)]), Utc::now()).unwrap();
        assert_eq!(project.positions, Unit::CodePoint);
        assert_eq!(quotes(&project), ["ab"]);
    }

    #[test]
    fn a_byte_order_mark_is_dropped_and_crlf_kept() {
        let mut text = b"\xef\xbb\xbf".to_vec();
        text.extend_from_slice("a\r\nb 😀 c".as_bytes());
        let project = read(&qdpx("", &text, &[(0, 4)]), Utc::now()).unwrap();
        assert_eq!(project.documents[0].text, "a\r\nb 😀 c");
        assert_eq!(quotes(&project), ["a\r\nb"]);
    }

    #[test]
    fn plain_text_content_keeps_carriage_returns_written_as_references() {
        let qde = format!(
            r#"<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes><Code guid="{CODE}" name="T" isCodable="true"/></Codes></CodeBook><Sources><TextSource guid="{SOURCE}" name="s"><PlainTextContent>x&#13;
y</PlainTextContent><PlainTextSelection guid="{SOURCE}" startPosition="0" endPosition="4"><Coding guid="{USER}"><CodeRef targetGUID="{CODE}"/></Coding></PlainTextSelection></TextSource></Sources></Project>"#
        );
        let project = read(&zip(&[("project.qde", qde.as_bytes())]), Utc::now()).unwrap();
        assert_eq!(project.documents[0].text, "x\r\ny");
        assert_eq!(quotes(&project), ["x\r\ny"]);
        // No coder named: the importer supplies one.
        assert_eq!(project.documents[0].annotations[0].annotator, "");
    }

    #[test]
    fn malformed_files_are_refused_with_the_reason() {
        let good = "Hello world".as_bytes();
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"not a zip".to_vec(), "zip"),
            (zip(&[("other.xml", b"<a/>")]), "project.qde"),
            (zip(&[("project.qde", b"<Project xmlns=\"urn:x\" name=\"p\"/>")]), "namespace"),
            (zip(&[("project.qde", b"<Project xmlns=\"urn:QDA-XML:project:1.0\"><Users>")]), "XML"),
            (qdpx("", good, &[(6, 12)]), "does not fit"),
            (qdpx("", good, &[(5, 2)]), "before it starts"),
            (
                zip(&[(
                    "project.qde",
                    format!(r#"<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources><TextSource guid="{SOURCE}" name="s" plainTextPath="internal://missing.txt"/></Sources></Project>"#).as_bytes(),
                )]),
                "not in the zip",
            ),
            (
                zip(&[
                    (
                        "project.qde",
                        format!(r#"<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources><TextSource guid="{SOURCE}" name="s" plainTextPath="internal://a.txt"><PlainTextSelection guid="{SOURCE}" startPosition="0" endPosition="1"><Coding guid="{USER}"><CodeRef targetGUID="{CODE}"/></Coding></PlainTextSelection></TextSource></Sources></Project>"#).as_bytes(),
                    ),
                    ("sources/a.txt", b"abc"),
                ]),
                "not a codable code",
            ),
            (
                zip(&[
                    (
                        "project.qde",
                        format!(r#"<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources><TextSource guid="{SOURCE}" name="s" plainTextPath="internal://a.txt"/></Sources></Project>"#).as_bytes(),
                    ),
                    ("sources/a.txt", b"\xff\xfeab"),
                ]),
                "not UTF-8",
            ),
        ];
        for (bytes, reason) in cases {
            let error = read(&bytes, Utc::now()).unwrap_err();
            assert_eq!(error.code(), "malformed", "{error}");
            assert!(error.to_string().contains(reason), "{reason}: {error}");
            // The plain import path refuses it alike.
            assert!(crate::import_bytes(
                crate::Format::Qdpx,
                &bytes,
                "x.qdpx",
                &Default::default()
            )
            .is_err());
        }
    }

    #[test]
    fn a_file_written_by_pyrefiqda_reads_with_its_nested_code_and_coder() {
        let bytes = include_bytes!("../../tests/fixtures/refi/pyrefiqda.qdpx");
        let project = read(bytes, Utc::now()).unwrap();
        let names: Vec<&str> = project
            .info
            .labels
            .iter()
            .map(|l| l.name.as_str())
            .collect();
        assert_eq!(names, ["Theme 1", "Theme 1/Child"]);
        let a = &project.documents[0].annotations[0];
        assert_eq!(
            (a.label.as_str(), a.quote.as_str(), a.start, a.end),
            ("Theme 1/Child", "world", 8, 13)
        );
        assert_eq!(a.annotator, "Coder 1");
        assert_eq!(a.uid, "70cccb78-ae17-4d54-9505-cfc9a6384684");
    }
}
