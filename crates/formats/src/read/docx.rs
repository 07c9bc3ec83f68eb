//! Word (.docx) documents: the text of `word/document.xml` in reading order, one line per
//! paragraph, with title, author and creation date from `docProps/core.xml`.
//!
//! A .docx is a zip of XML parts. Only the main document part is read for text: headers,
//! footers, footnotes and comments live in other parts and are not part of the article.
//!
//! The text is kept exactly as Word stores it: `w:t` runs are concatenated without trimming,
//! `w:tab` becomes a tab, `w:br` and `w:cr` become line breaks, and paragraphs (including those
//! in table cells, in document order) are joined with `\n`. Word's no-break and soft hyphens
//! (elements, not text) become U+2011 and U+00AD. A text box's paragraphs become lines right
//! after the paragraph it is anchored in. Deleted and moved-away revisions are skipped, so the
//! text is what the author sees with changes accepted.

use std::io::{Cursor, Read};

use chrono::NaiveDate;
use claimdesk_core::NewDocument;
use quick_xml::events::{BytesRef, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use zip::result::ZipError;
use zip::ZipArchive;

use crate::{FormatError, ImportedDocument};

const WHAT: &str = "Word (.docx)";

/// The largest `word/document.xml` we unpack. Real documents are a few MB even with hundreds
/// of pages; anything beyond this is far more likely a zip bomb than an article.
const MAX_DOCUMENT_BYTES: u64 = 200 * 1024 * 1024;

/// The largest `docProps/core.xml` we read. It holds a dozen short fields; a bigger one is
/// ignored rather than allowed to cost memory.
const MAX_CORE_BYTES: u64 = 1024 * 1024;

/// The signature of an OLE compound file. Word stores a password-protected .docx as one (the
/// encrypted zip inside an `EncryptedPackage` stream), and it is also the format of legacy .doc.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// WordprocessingML in its transitional (what Word writes) and strict namespaces.
const W_TRANSITIONAL: &[u8] = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const W_STRICT: &[u8] = b"http://purl.oclc.org/ooxml/wordprocessingml/main";
/// Markup compatibility: `mc:AlternateContent` offers the same content twice (`mc:Choice` and
/// `mc:Fallback`), so one of them must be skipped to avoid doubled text boxes.
const MC: &[u8] = b"http://schemas.openxmlformats.org/markup-compatibility/2006";
const DC: &[u8] = b"http://purl.org/dc/elements/1.1/";
const DCTERMS: &[u8] = b"http://purl.org/dc/terms/";

/// Reads a .docx file. `name` is the file name, kept as the document's source.
pub fn parse(bytes: &[u8], name: &str) -> Result<ImportedDocument, FormatError> {
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(ole_error(bytes));
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        malformed(format!(
            "it is not a zip archive ({e}), and every .docx file is one"
        ))
    })?;
    let xml =
        read_part(&mut archive, "word/document.xml", MAX_DOCUMENT_BYTES)?.ok_or_else(|| {
            malformed("the archive has no word/document.xml, so it is not a Word document")
        })?;
    let text = document_text(&xml)?;
    if text.trim().is_empty() {
        return Err(FormatError::Empty(name.to_string()));
    }

    // Metadata is a nicety: a missing, oversized or broken core.xml must not cost the text.
    let core = read_part(&mut archive, "docProps/core.xml", MAX_CORE_BYTES)
        .ok()
        .flatten()
        .and_then(|xml| core_properties(&xml).ok())
        .unwrap_or_default();

    let mut doc = NewDocument::from_plain_text(&text, name);
    if let Some(title) = core.title {
        doc.title = title;
    }
    if let Some(date) = core.created {
        doc.date = Some(date);
    }
    doc.author = core.creator;
    Ok(ImportedDocument::plain(doc))
}

fn malformed(reason: impl std::fmt::Display) -> FormatError {
    FormatError::malformed(WHAT, reason)
}

/// Tells a password-protected .docx from a legacy .doc by the stream names in the compound
/// file's directory (UTF-16LE). Anything else with the OLE signature is treated as encrypted,
/// since that is the only way a file saved as .docx ends up in this container.
fn ole_error(bytes: &[u8]) -> FormatError {
    let contains_utf16 = |name: &str| {
        let needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        bytes.windows(needle.len()).any(|w| w == needle.as_slice())
    };
    if !contains_utf16("EncryptedPackage") && contains_utf16("WordDocument") {
        return malformed(
            "this is a legacy Word 97-2003 (.doc) file; open it in Word and save it as .docx",
        );
    }
    FormatError::Encrypted
}

/// Reads one part of the archive, or `None` if there is no such part. Parts whose declared
/// size exceeds `limit` are refused before unpacking, and the unpacking itself stops after
/// `limit` bytes, because the declared size is written by whoever made the file.
fn read_part(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
) -> Result<Option<Vec<u8>>, FormatError> {
    let file = match archive.by_name(name) {
        Ok(file) => file,
        Err(ZipError::FileNotFound) => return Ok(None),
        Err(ZipError::UnsupportedArchive(why)) if why == ZipError::PASSWORD_REQUIRED => {
            return Err(FormatError::Encrypted)
        }
        Err(e) => return Err(malformed(format!("cannot open {name}: {e}"))),
    };
    if file.size() > limit {
        return Err(too_big(name, limit));
    }
    let declared = file.size();
    let bytes = read_limited(file, limit, declared)
        .map_err(|e| malformed(format!("cannot unpack {name}: {e}")))?;
    match bytes {
        Some(bytes) => Ok(Some(bytes)),
        None => Err(too_big(name, limit)),
    }
}

fn too_big(name: &str, limit: u64) -> FormatError {
    const MB: u64 = 1024 * 1024;
    let limit = if limit >= MB {
        format!("{} MB", limit / MB)
    } else {
        format!("{limit} bytes")
    };
    malformed(format!(
        "{name} unpacks to more than {limit}, which is refused as a likely zip bomb"
    ))
}

/// The most we reserve before reading, whatever size the archive declares: a few bytes of
/// zip must not be able to make us reserve hundreds of MB up front.
const MAX_RESERVE_BYTES: u64 = 8 * 1024 * 1024;

/// Reads at most `limit` bytes; `None` if there were more. `size_hint` (the declared size) only
/// sizes the initial buffer.
fn read_limited(reader: impl Read, limit: u64, size_hint: u64) -> std::io::Result<Option<Vec<u8>>> {
    let capacity = usize::try_from(size_hint.min(limit).min(MAX_RESERVE_BYTES)).unwrap_or(0);
    let mut out = Vec::with_capacity(capacity);
    reader.take(limit.saturating_add(1)).read_to_end(&mut out)?;
    if out.len() as u64 > limit {
        return Ok(None);
    }
    Ok(Some(out))
}

/// The WordprocessingML elements that matter for the text; everything else is `Other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    Paragraph,
    Run,
    Text,
    /// An element standing for one character when it sits directly in a run.
    Char(&'static str),
    /// An element whose whole content is not part of the visible text.
    Skipped,
    Other,
}

fn classify(ns: &ResolveResult, local: &[u8]) -> Tag {
    match ns {
        ResolveResult::Bound(ns) if ns.0 == W_TRANSITIONAL || ns.0 == W_STRICT => match local {
            b"p" => Tag::Paragraph,
            b"r" => Tag::Run,
            b"t" => Tag::Text,
            b"tab" | b"ptab" => Tag::Char("\t"),
            b"br" | b"cr" => Tag::Char("\n"),
            // These hyphens are characters the reader sees, stored as elements rather than text.
            b"noBreakHyphen" => Tag::Char("\u{2011}"),
            b"softHyphen" => Tag::Char("\u{AD}"),
            // Tracked deletions and the source side of tracked moves: the text is not in the
            // document once the changes are accepted (a move's text appears at its target).
            b"del" | b"delText" | b"moveFrom" => Tag::Skipped,
            _ => Tag::Other,
        },
        ResolveResult::Bound(ns) if ns.0 == MC && local == b"Fallback" => Tag::Skipped,
        _ => Tag::Other,
    }
}

/// Paragraphs as they are read. A paragraph can hold others (a text box anchored in it); those
/// become lines of their own right after the paragraph that holds them.
#[derive(Default)]
struct Lines {
    /// The open paragraphs, innermost last: the text so far and the nested lines.
    open: Vec<(String, Vec<String>)>,
    done: Vec<String>,
}

impl Lines {
    fn open(&mut self) {
        self.open.push((String::new(), Vec::new()));
    }

    fn close(&mut self) {
        if let Some((line, nested)) = self.open.pop() {
            let target = match self.open.last_mut() {
                Some((_, outer_nested)) => outer_nested,
                None => &mut self.done,
            };
            target.push(line);
            target.extend(nested);
        }
    }

    /// Appends to the innermost paragraph. Text outside any paragraph is not valid
    /// WordprocessingML and is dropped.
    fn push(&mut self, text: &str) {
        if let Some((line, _)) = self.open.last_mut() {
            line.push_str(text);
        }
    }
}

/// The text of `word/document.xml`: one line per paragraph, joined with `\n`.
fn document_text(xml: &[u8]) -> Result<String, FormatError> {
    let mut reader = NsReader::from_reader(xml);
    let mut stack: Vec<Tag> = Vec::new();
    // How many skipped elements are open; while any is, nothing is collected.
    let mut skipping = 0usize;
    let mut lines = Lines::default();
    let xml_error = |reader: &NsReader<&[u8]>, e: &dyn std::fmt::Display| {
        malformed(format!(
            "word/document.xml is not well-formed XML (at byte {}): {e}",
            reader.error_position()
        ))
    };

    loop {
        let (tag, event) = match reader.read_resolved_event() {
            Ok((ns, event)) => {
                let tag = match &event {
                    Event::Start(e) | Event::Empty(e) => classify(&ns, e.local_name().as_ref()),
                    _ => Tag::Other,
                };
                (tag, event)
            }
            Err(e) => return Err(xml_error(&reader, &e)),
        };
        // Only the content of `w:t` is text, and character elements count only inside runs
        // (`w:tab` also defines tab stops in paragraph properties).
        let in_text = skipping == 0 && stack.last() == Some(&Tag::Text);
        let in_run = skipping == 0 && stack.last() == Some(&Tag::Run);
        match event {
            Event::Start(_) => {
                match tag {
                    Tag::Skipped => skipping += 1,
                    Tag::Paragraph if skipping == 0 => lines.open(),
                    Tag::Char(c) if in_run => lines.push(c),
                    _ => {}
                }
                stack.push(tag);
            }
            Event::Empty(_) => match tag {
                // `<w:p/>` is an empty paragraph: an empty line.
                Tag::Paragraph if skipping == 0 => {
                    lines.open();
                    lines.close();
                }
                Tag::Char(c) if in_run => lines.push(c),
                _ => {}
            },
            // The reader checks that end tags match their start tags, so the stack is in step.
            Event::End(_) => match stack.pop() {
                Some(Tag::Skipped) => skipping = skipping.saturating_sub(1),
                Some(Tag::Paragraph) if skipping == 0 => lines.close(),
                _ => {}
            },
            Event::Text(text) if in_text => {
                let text = text.xml10_content().map_err(|e| xml_error(&reader, &e))?;
                lines.push(&text);
            }
            Event::CData(text) if in_text => {
                let text = text.xml10_content().map_err(|e| xml_error(&reader, &e))?;
                lines.push(&text);
            }
            Event::GeneralRef(reference) => {
                // Resolve every reference, collected or not, so undefined entities are caught.
                let resolved = resolve_reference(&reference).map_err(|e| xml_error(&reader, &e))?;
                if in_text {
                    lines.push(&resolved);
                }
            }
            Event::Eof => break,
            // Declarations, comments, processing instructions and DTDs carry no text. Entities a
            // DTD might declare are never expanded (see `resolve_reference`).
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(malformed(
            "word/document.xml ends before all its elements are closed (a truncated file?)",
        ));
    }
    // Paragraphs still open are impossible once the stack is empty, but close them anyway.
    while !lines.open.is_empty() {
        lines.close();
    }
    Ok(lines.done.join("\n"))
}

/// A character reference or one of XML's five predefined entities. Anything else would need a
/// DTD, which Word never writes; refusing it also rules out entity-expansion bombs.
fn resolve_reference(reference: &BytesRef) -> Result<String, String> {
    match reference.resolve_char_ref() {
        Ok(Some(c)) => return Ok(c.to_string()),
        Ok(None) => {}
        Err(e) => return Err(e.to_string()),
    }
    let name = reference.decode().map_err(|e| e.to_string())?;
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(str::to_string)
        .ok_or_else(|| format!("undefined entity &{name};"))
}

/// What `docProps/core.xml` says about the document.
#[derive(Debug, Default, PartialEq)]
struct CoreProperties {
    title: Option<String>,
    creator: Option<String>,
    created: Option<NaiveDate>,
}

#[derive(Clone, Copy, PartialEq)]
enum CoreField {
    Title,
    Creator,
    Created,
}

fn core_properties(xml: &[u8]) -> Result<CoreProperties, String> {
    let mut reader = NsReader::from_reader(xml);
    let mut depth = 0usize;
    // The field being read and the depth of its element; fields are children of the root.
    let mut field: Option<(CoreField, usize)> = None;
    let mut value = String::new();
    let mut core = CoreProperties::default();
    loop {
        let (ns, event) = reader.read_resolved_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) => {
                depth += 1;
                if depth == 2 && field.is_none() {
                    let which = match (&ns, e.local_name().as_ref()) {
                        (ResolveResult::Bound(ns), b"title") if ns.0 == DC => {
                            Some(CoreField::Title)
                        }
                        (ResolveResult::Bound(ns), b"creator") if ns.0 == DC => {
                            Some(CoreField::Creator)
                        }
                        (ResolveResult::Bound(ns), b"created") if ns.0 == DCTERMS => {
                            Some(CoreField::Created)
                        }
                        _ => None,
                    };
                    field = which.map(|w| (w, depth));
                    value.clear();
                }
            }
            Event::End(_) => {
                if let Some((which, at)) = field {
                    if at == depth {
                        let trimmed = value.trim();
                        if !trimmed.is_empty() {
                            match which {
                                CoreField::Title => core.title = Some(trimmed.to_string()),
                                CoreField::Creator => core.creator = Some(trimmed.to_string()),
                                CoreField::Created => core.created = parse_date(trimmed),
                            }
                        }
                        field = None;
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(text) if field.is_some() => {
                value.push_str(&text.xml10_content().map_err(|e| e.to_string())?);
            }
            Event::GeneralRef(reference) if field.is_some() => {
                value.push_str(&resolve_reference(&reference)?);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(core)
}

/// `dcterms:created` is a W3CDTF timestamp such as `2025-02-18T09:30:00Z`; its first ten
/// characters are the date.
fn parse_date(raw: &str) -> Option<NaiveDate> {
    raw.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use proptest::prelude::*;
    use zip::write::SimpleFileOptions;
    use zip::ZipWriter;

    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/docx");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
    }

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in parts {
            writer
                .start_file(*name, SimpleFileOptions::default())
                .unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    /// A .docx whose body is `body`, with the namespaces Word declares.
    fn docx(body: &str) -> Vec<u8> {
        zip_of(&[("word/document.xml", document_xml(body).as_bytes())])
    }

    fn document_xml(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml"><w:body>{body}</w:body></w:document>"#
        )
    }

    fn text_of(body: &str) -> String {
        parse(&docx(body), "a.docx").unwrap().document.text
    }

    fn reason(err: FormatError) -> String {
        match err {
            FormatError::Malformed { what, reason } => {
                assert_eq!(what, WHAT);
                reason
            }
            other => panic!("expected a malformed error, got {other:?}"),
        }
    }

    #[test]
    fn paragraphs_become_lines_in_reading_order() {
        let body = r#"<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Talks</w:t></w:r><w:r><w:t xml:space="preserve"> end</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>A1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>B1</w:t></w:r></w:p><w:p><w:r><w:t>B1 again</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:t>Anchor</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>In the box</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>In the box</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t> text</w:t></w:r></w:p>
<w:p/><w:p><w:r><w:t>Last</w:t></w:r></w:p><w:sectPr/>"#;
        assert_eq!(
            text_of(body),
            "Talks end\nA1\nB1\nB1 again\nAnchor text\nIn the box\n\nLast"
        );
    }

    #[test]
    fn tabs_and_breaks_become_characters_and_spaces_are_kept() {
        let body = r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t xml:space="preserve">  a </w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:cr/><w:t>d</w:t><w:noBreakHyphen/><w:t>e  </w:t></w:r></w:p>"#;
        assert_eq!(text_of(body), "  a \tb\nc\nd\u{2011}e  ");
    }

    #[test]
    fn deleted_and_moved_away_text_is_skipped() {
        let body = r#"<w:p><w:r><w:t>kept </w:t></w:r><w:del w:id="1" w:author="x"><w:r><w:delText>gone </w:delText></w:r></w:del><w:ins w:id="2" w:author="x"><w:r><w:t>inserted </w:t></w:r></w:ins><w:r><w:delText>stray deleted </w:delText></w:r><w:moveFrom w:id="3" w:author="x"><w:r><w:t>moved </w:t></w:r></w:moveFrom><w:r><w:instrText> PAGE </w:instrText><w:t>end</w:t></w:r></w:p>"#;
        assert_eq!(text_of(body), "kept inserted end");
    }

    #[test]
    fn entities_and_hostile_unicode_are_decoded_exactly() {
        let body = "<w:p><w:r><w:t>&lt;&amp;&gt;&quot;&apos; &#233;&#x1F600; 😀 🇺🇦 👩\u{200d}👩\u{200d}👧 e\u{301}</w:t></w:r></w:p><w:p><w:r><w:t>قال الرئيس</w:t></w:r></w:p><w:p><w:r><w:t>אמר &#x5E9;</w:t></w:r></w:p><w:p><w:r><w:t><![CDATA[<raw> & more]]></w:t></w:r></w:p>";
        assert_eq!(
            text_of(body),
            "<&>\"' é😀 😀 🇺🇦 👩\u{200d}👩\u{200d}👧 e\u{301}\nقال الرئيس\nאמר ש\n<raw> & more"
        );
    }

    #[test]
    fn strict_ooxml_is_read_like_transitional() {
        let xml = r#"<x:document xmlns:x="http://purl.oclc.org/ooxml/wordprocessingml/main"><x:body><x:p><x:r><x:t>one</x:t><x:tab/><x:t>two</x:t></x:r></x:p></x:body></x:document>"#;
        let doc = parse(&zip_of(&[("word/document.xml", xml.as_bytes())]), "s.docx").unwrap();
        assert_eq!(doc.document.text, "one\ttwo");
    }

    #[test]
    fn a_python_docx_file_imports_exactly_with_its_metadata() {
        let doc = parse(&fixture("hostile.docx"), "hostile.docx")
            .unwrap()
            .document;
        assert_eq!(
            doc.text,
            "Talks end without a deal 😀\n\
             Family: 👩\u{200d}👩\u{200d}👧, flag 🇺🇦, cafe\u{301}\n\
             قال المتحدث\tשלום\n  second line  \n\
             \n\
             A1 <&>\nB1\nA2\nB2 \"quoted\"\n\
             After the table."
        );
        assert_eq!(doc.title, "Ceasefire talks 🇺🇦");
        assert_eq!(doc.author.as_deref(), Some("Zoë Ångström"));
        assert_eq!(doc.date, NaiveDate::from_ymd_opt(2025, 2, 18));
        assert_eq!(doc.source.as_deref(), Some("hostile.docx"));
    }

    #[test]
    fn without_core_properties_the_first_non_empty_line_is_the_title() {
        let doc = parse(&fixture("untitled.docx"), "untitled.docx")
            .unwrap()
            .document;
        assert_eq!(doc.text, "\n  First real line  \nBody.");
        assert_eq!(doc.title, "First real line");
        assert_eq!(doc.author, None);
        assert_eq!(doc.date, None);
    }

    #[test]
    fn core_properties_give_title_author_and_date_and_bad_ones_are_ignored() {
        let core = r#"<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>  Fish &amp; chips  </dc:title><dc:creator>A. N. Other</dc:creator><dcterms:created>2024-12-31T23:59:59Z</dcterms:created></cp:coreProperties>"#;
        let bytes = zip_of(&[
            (
                "word/document.xml",
                document_xml("<w:p><w:r><w:t>Body</w:t></w:r></w:p>").as_bytes(),
            ),
            ("docProps/core.xml", core.as_bytes()),
        ]);
        let doc = parse(&bytes, "c.docx").unwrap().document;
        assert_eq!(doc.title, "Fish & chips");
        assert_eq!(doc.author.as_deref(), Some("A. N. Other"));
        assert_eq!(doc.date, NaiveDate::from_ymd_opt(2024, 12, 31));

        // An empty title falls back to the first line; a broken core.xml is ignored entirely.
        let empty_title = core
            .replace("  Fish &amp; chips  ", " ")
            .replace("2024-12-31T23:59:59Z", "yesterday");
        for core in [
            empty_title.as_str(),
            "<cp:coreProperties><dc:title>x</oops>",
        ] {
            let bytes = zip_of(&[
                (
                    "word/document.xml",
                    document_xml("<w:p><w:r><w:t>Body</w:t></w:r></w:p>").as_bytes(),
                ),
                ("docProps/core.xml", core.as_bytes()),
            ]);
            let doc = parse(&bytes, "c.docx").unwrap().document;
            assert_eq!(doc.title, "Body");
            assert_eq!(doc.date, None);
        }
    }

    #[test]
    fn a_password_protected_file_is_reported_as_encrypted() {
        assert_eq!(
            parse(&fixture("encrypted.docx"), "encrypted.docx"),
            Err(FormatError::Encrypted)
        );
        // The bare signature is enough: a file saved as .docx is only ever OLE when encrypted.
        let mut bare = OLE_MAGIC.to_vec();
        bare.extend([0u8; 504]);
        assert_eq!(parse(&bare, "x.docx"), Err(FormatError::Encrypted));
    }

    #[test]
    fn a_legacy_doc_file_is_refused_with_a_reason() {
        let mut doc = OLE_MAGIC.to_vec();
        doc.extend([0u8; 504]);
        doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        let reason = reason(parse(&doc, "old.doc").unwrap_err());
        assert!(reason.contains("legacy Word 97-2003 (.doc)"), "{reason}");
    }

    #[test]
    fn files_that_are_not_word_documents_are_malformed_with_a_reason() {
        let cases: [(Vec<u8>, &str); 6] = [
            (b"just some text".to_vec(), "not a zip archive"),
            (Vec::new(), "not a zip archive"),
            (
                zip_of(&[("content.xml", b"<office/>")]),
                "no word/document.xml",
            ),
            (
                docx("<w:p><w:r><w:t>unclosed</w:r></w:p>"),
                "not well-formed XML",
            ),
            (
                zip_of(&[(
                    "word/document.xml",
                    b"<w:document xmlns:w=\"x\"><w:body><w:p>",
                )]),
                "ends before all its elements are closed",
            ),
            (
                docx("<w:p><w:r><w:t>&nbsp;</w:t></w:r></w:p>"),
                "undefined entity &nbsp;",
            ),
        ];
        for (bytes, expected) in cases {
            let reason = reason(parse(&bytes, "x.docx").unwrap_err());
            assert!(
                reason.contains(expected),
                "{reason:?} should say {expected:?}"
            );
        }
    }

    #[test]
    fn a_truncated_archive_is_malformed() {
        let bytes = fixture("hostile.docx");
        for cut in [10, bytes.len() / 2, bytes.len() - 30] {
            assert_eq!(
                parse(&bytes[..cut], "cut.docx").unwrap_err().code(),
                "malformed"
            );
        }
    }

    #[test]
    fn a_document_without_text_is_empty() {
        for body in [
            "",
            "<w:p/><w:p><w:r><w:t>  </w:t></w:r></w:p>",
            "<w:p><w:r><w:delText>x</w:delText></w:r></w:p>",
        ] {
            assert_eq!(
                parse(&docx(body), "e.docx"),
                Err(FormatError::Empty("e.docx".into()))
            );
        }
    }

    #[test]
    fn an_oversized_part_is_refused_before_and_while_unpacking() {
        let bytes = docx(&"<w:p><w:r><w:t>0123456789</w:t></w:r></w:p>".repeat(100));
        let mut archive = ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let reason = reason(read_part(&mut archive, "word/document.xml", 1000).unwrap_err());
        assert!(
            reason.contains("more than 1000 bytes, which is refused as a likely zip bomb"),
            "{reason}"
        );
        assert!(read_part(&mut archive, "word/document.xml", 100_000)
            .unwrap()
            .is_some());

        // The declared size cannot be trusted, so the reader itself stops at the limit.
        let data = vec![b'x'; 2000];
        assert_eq!(read_limited(data.as_slice(), 1999, 10).unwrap(), None);
        assert_eq!(
            read_limited(data.as_slice(), 2000, u64::MAX).unwrap(),
            Some(data)
        );
    }

    /// Pieces of WordprocessingML, shuffled into (mostly broken) documents.
    fn tag_soup() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("<w:p>".to_string()),
            Just("</w:p>".to_string()),
            Just("<w:p/>".to_string()),
            Just("<w:r>".to_string()),
            Just("</w:r>".to_string()),
            Just("<w:t>".to_string()),
            Just("</w:t>".to_string()),
            Just("<w:tab/>".to_string()),
            Just("<w:br/>".to_string()),
            Just("<w:del>".to_string()),
            Just("</w:del>".to_string()),
            Just("<mc:Fallback>".to_string()),
            Just("</mc:Fallback>".to_string()),
            Just("&amp;".to_string()),
            Just("&#x0;".to_string()),
            Just("&bogus;".to_string()),
            Just("<![CDATA[x]]>".to_string()),
            "[a-z😀 \u{301}<>&;/]{0,6}",
        ];
        prop::collection::vec(piece, 0..40).prop_map(|pieces| document_xml(&pieces.concat()))
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse(&bytes, "fuzz.docx");
        }

        #[test]
        fn arbitrary_bytes_in_document_xml_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse(&zip_of(&[("word/document.xml", &bytes)]), "fuzz.docx");
        }

        #[test]
        fn shuffled_wordprocessingml_never_panics(xml in tag_soup()) {
            let bytes = zip_of(&[("word/document.xml", xml.as_bytes()), ("docProps/core.xml", xml.as_bytes())]);
            if let Ok(doc) = parse(&bytes, "fuzz.docx") {
                prop_assert!(!doc.document.text.trim().is_empty());
            }
        }
    }
}
