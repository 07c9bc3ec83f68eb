//! PDF documents: the text layer as pdf-extract reads it, with title and author from the Info
//! dictionary.
//!
//! pdf-extract (and lopdf beneath it) is written for well-formed files: it panics on many
//! malformed ones, and it follows page-tree parents and form XObjects recursively without
//! looking for cycles, which would overflow the stack and abort the process. So the document is
//! loaded first, checked and made safe (see `make_safe`), and only then handed to the extractor,
//! inside [`std::panic::catch_unwind`]. Whatever goes wrong becomes a [`FormatError`].
//!
//! The text is kept as extracted: pdf-extract separates words with spaces and lines with `\n`
//! from the glyph positions, and starts the text with blank lines. Only trailing whitespace at
//! the very end is removed.

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};

use claimdesk_core::NewDocument;
use pdf_extract::{Dictionary, Document, Object, ObjectId, PlainTextOutput};

use crate::{FormatError, ImportedDocument};

const WHAT: &str = "PDF";

/// How far into the file the `%PDF-` header may start. Readers tolerate some leading bytes
/// (mail headers, stray whitespace); Acrobat's limit is 1024.
const HEADER_WINDOW: usize = 1024;

/// How deeply form XObjects may draw one another. Real documents nest a handful of levels;
/// pdf-extract recurses once per level, so the limit keeps its stack use small.
const MAX_FORM_DEPTH: usize = 32;

/// The page size assumed when a page (and its ancestors) has none: US Letter, as in other readers.
const DEFAULT_MEDIA_BOX: [f32; 4] = [0.0, 0.0, 612.0, 792.0];

/// Reads a PDF's text layer. `name` is the file name, kept as the document's source.
pub fn parse(bytes: &[u8], name: &str) -> Result<ImportedDocument, FormatError> {
    let start = header_offset(bytes).ok_or_else(|| {
        malformed(format!(
            "it does not start with %PDF- (within its first {HEADER_WINDOW} bytes)"
        ))
    })?;
    let pdf = &bytes[start..];
    let extracted = catch_unwind(|| extract(pdf)).map_err(|panic| {
        malformed(format!(
            "the PDF reader failed on its structure: {}",
            panic_message(panic.as_ref())
        ))
    })??;

    let mut text = extracted.text;
    text.truncate(text.trim_end().len());
    if text.trim().is_empty() {
        return Err(FormatError::NoTextLayer);
    }
    let mut doc = NewDocument::from_plain_text(&text, name);
    if let Some(title) = extracted.title {
        doc.title = title;
    }
    doc.author = extracted.author;
    Ok(ImportedDocument::plain(doc))
}

fn malformed(reason: impl std::fmt::Display) -> FormatError {
    FormatError::malformed(WHAT, reason)
}

fn header_offset(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(5)
        .take(HEADER_WINDOW + 1)
        .position(|w| w == b"%PDF-")
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    if let Some(message) = panic.downcast_ref::<&str>() {
        message
    } else if let Some(message) = panic.downcast_ref::<String>() {
        message
    } else {
        "an unexpected internal error"
    }
}

/// What the extractor found.
struct Extracted {
    text: String,
    title: Option<String>,
    author: Option<String>,
}

/// Loads, checks and extracts. Runs inside `catch_unwind`, so a panic anywhere in lopdf or
/// pdf-extract is reported rather than propagated.
fn extract(pdf: &[u8]) -> Result<Extracted, FormatError> {
    let mut doc = Document::load_mem(pdf).map_err(|e| match e {
        pdf_extract::Error::Decryption(_) | pdf_extract::Error::InvalidPassword => {
            FormatError::Encrypted
        }
        other => malformed(format!("cannot read it: {other}")),
    })?;
    // lopdf has already tried the empty user password while loading, which opens PDFs that only
    // restrict editing or printing. A document still encrypted needs a password we do not have.
    if doc.is_encrypted() {
        return Err(FormatError::Encrypted);
    }
    let title = info_string(&doc, b"Title");
    let author = info_string(&doc, b"Author");

    make_safe(&mut doc)?;
    let mut text = String::new();
    // Asserting unwind safety is sound: after a panic, the half-written `text` and the `doc`
    // are discarded, never read.
    catch_unwind(AssertUnwindSafe(|| {
        pdf_extract::output_doc(&doc, &mut PlainTextOutput::new(&mut text))
    }))
    .map_err(|panic| {
        malformed(format!(
            "the text extractor failed on its content: {}",
            panic_message(panic.as_ref())
        ))
    })?
    .map_err(|e| malformed(format!("cannot extract its text: {e}")))?;
    Ok(Extracted {
        text,
        title,
        author,
    })
}

/// A text string from the Info dictionary, trimmed, if it is there and not blank.
fn info_string(doc: &Document, key: &[u8]) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let (_, info) = doc.dereference(info).ok()?;
    let value = info.as_dict().ok()?.get(key).ok()?;
    let (_, value) = doc.dereference(value).ok()?;
    let decoded = pdf_extract::decode_text_string(value).ok()?;
    let trimmed = decoded.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// Rewrites the loaded document so pdf-extract cannot recurse without end, and refuses it if
/// that is not possible:
///
/// - Image XObjects are emptied. pdf-extract runs every XObject it draws as a content stream,
///   images included; their pixels are no text, and decoding them as operators only wastes time
///   or, by chance, draws garbage.
/// - Each page gets its inherited `/Resources` and `/MediaBox` set directly. pdf-extract looks
///   them up through `/Parent` links recursively and without a cycle check.
/// - Form XObjects drawing one another in a cycle, or nested deeper than [`MAX_FORM_DEPTH`], are
///   refused, because pdf-extract would follow them until the stack overflows.
fn make_safe(doc: &mut Document) -> Result<(), FormatError> {
    for object in doc.objects.values_mut() {
        if let Object::Stream(stream) = object {
            if matches!(stream.dict.get(b"Subtype"), Ok(Object::Name(n)) if n == b"Image") {
                stream.set_plain_content(Vec::new());
            }
        }
    }

    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    for &page in &pages {
        let resources = inherited(doc, page, b"Resources", |object| {
            object.as_dict().ok().cloned().map(Object::Dictionary)
        })
        .unwrap_or_else(|| Object::Dictionary(Dictionary::new()));
        let media_box = inherited(doc, page, b"MediaBox", media_box).unwrap_or_else(|| {
            Object::Array(DEFAULT_MEDIA_BOX.iter().map(|&v| Object::Real(v)).collect())
        });
        if let Ok(dict) = doc.get_dictionary_mut(page) {
            dict.set("Resources", resources);
            dict.set("MediaBox", media_box);
        }
    }

    let mut heights = HashMap::new();
    for &page in &pages {
        let Some(resources) = doc
            .get_dictionary(page)
            .ok()
            .and_then(|page| page.get(b"Resources").ok())
            .and_then(|resources| resources.as_dict().ok())
        else {
            continue;
        };
        let content = doc.get_page_content(page).unwrap_or_default();
        if !mentions_do(&content) {
            continue;
        }
        for form in xobjects(doc, resources) {
            form_height(doc, form, resources, 1, &mut HashSet::new(), &mut heights)?;
        }
    }
    Ok(())
}

/// The first value of `key` on the page or its ancestors that `accept` takes, walking `/Parent`
/// links with a guard against cycles.
fn inherited(
    doc: &Document,
    page: ObjectId,
    key: &[u8],
    accept: impl Fn(&Object) -> Option<Object>,
) -> Option<Object> {
    let mut seen = HashSet::from([page]);
    let mut node = doc.get_dictionary(page).ok()?;
    loop {
        if let Some(value) = node
            .get(key)
            .ok()
            .and_then(|value| doc.dereference(value).ok())
            .and_then(|(_, value)| accept(value))
        {
            return Some(value);
        }
        let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
        if !seen.insert(parent) {
            return None;
        }
        node = doc.get_dictionary(parent).ok()?;
    }
}

/// A media box as four plain numbers, the only shape pdf-extract reads without panicking.
fn media_box(object: &Object) -> Option<Object> {
    let numbers: Vec<Object> = object
        .as_array()
        .ok()?
        .iter()
        .map(|n| match n {
            Object::Integer(i) => Some(Object::Real(*i as f32)),
            Object::Real(r) => Some(Object::Real(*r)),
            _ => None,
        })
        .collect::<Option<_>>()?;
    (numbers.len() == 4).then(|| Object::Array(numbers))
}

/// Whether a content stream may draw an XObject. A byte search, so it may say yes for a `Do`
/// inside a string, which only makes the check more careful.
fn mentions_do(content: &[u8]) -> bool {
    content.windows(2).any(|w| w == b"Do")
}

/// The XObjects a resource dictionary names, as pdf-extract would look them up.
fn xobjects(doc: &Document, resources: &Dictionary) -> Vec<ObjectId> {
    resources
        .get(b"XObject")
        .ok()
        .and_then(|x| doc.dereference(x).ok())
        .and_then(|(_, x)| x.as_dict().ok())
        .map(|dict| {
            dict.iter()
                .filter_map(|(_, value)| value.as_reference().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// A form drawn with a given resource dictionary in effect: a form without resources of its
/// own uses its caller's, so the same form can lead to different forms from different callers.
/// Dictionaries are told apart by address, which is stable while the document is borrowed.
type FormCall = (ObjectId, usize);

/// How many levels of forms `form` draws below itself, drawn at nesting `level`. Fails on a
/// cycle or when the nesting would exceed [`MAX_FORM_DEPTH`]. Memoised, so shared sub-forms
/// are measured once; recursion is bounded by the depth limit.
fn form_height(
    doc: &Document,
    form: ObjectId,
    caller_resources: &Dictionary,
    level: usize,
    on_path: &mut HashSet<FormCall>,
    heights: &mut HashMap<FormCall, usize>,
) -> Result<usize, FormatError> {
    if level > MAX_FORM_DEPTH {
        return Err(too_deep());
    }
    let Ok(stream) = doc.get_object(form).and_then(Object::as_stream) else {
        return Ok(0);
    };
    let resources = stream
        .dict
        .get(b"Resources")
        .ok()
        .and_then(|r| doc.dereference(r).ok())
        .and_then(|(_, r)| r.as_dict().ok())
        .unwrap_or(caller_resources);
    let call = (form, std::ptr::from_ref(resources) as usize);
    if let Some(&height) = heights.get(&call) {
        return if level + height > MAX_FORM_DEPTH {
            Err(too_deep())
        } else {
            Ok(height)
        };
    }
    if !on_path.insert(call) {
        return Err(malformed(
            "its form XObjects draw one another in a cycle, which no reader can render",
        ));
    }
    let content = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    let mut height = 0;
    if mentions_do(&content) {
        for inner in xobjects(doc, resources) {
            let below = form_height(doc, inner, resources, level + 1, on_path, heights)?;
            height = height.max(below + 1);
        }
    }
    on_path.remove(&call);
    heights.insert(call, height);
    Ok(height)
}

fn too_deep() -> FormatError {
    malformed(format!(
        "its form XObjects are nested more than {MAX_FORM_DEPTH} levels deep"
    ))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pdf");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
    }

    /// A PDF made of `objects` (object 1 is the catalog) with a correct cross-reference table.
    fn pdf(objects: &[&str]) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).bytes());
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
        for offset in offsets {
            out.extend(format!("{offset:010} 00000 n \n").bytes());
        }
        out.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .bytes(),
        );
        out
    }

    fn stream(dict: &str, content: &str) -> String {
        format!(
            "<< {dict} /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        )
    }

    const CATALOG: &str = "<< /Type /Catalog /Pages 2 0 R >>";
    const PAGES: &str = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
    const HELVETICA: &str = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

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
    fn text_is_extracted_in_reading_order_with_info_title_and_author() {
        let doc = parse(&fixture("text.pdf"), "text.pdf").unwrap().document;
        // pdf-extract starts with blank lines and puts one between lines that are far apart
        // (the title, and the page break); the words and their order are exact.
        assert_eq!(
            doc.text,
            "\n\nTalks end without a deal\n\n\
             The delegations left Geneva on Tuesday.\nBoth sides blamed each other.\n\n\
             Page two: no date was set."
        );
        assert_eq!(
            doc.title,
            "Talks 🇺🇦 👩\u{200d}👩\u{200d}👧 cafe\u{301} قال שלום 😀"
        );
        assert_eq!(doc.author.as_deref(), Some("Zoë Ångström"));
        assert_eq!(doc.source.as_deref(), Some("text.pdf"));
        assert_eq!(doc.date, None);
    }

    #[test]
    fn arabic_hebrew_and_combining_marks_survive_an_embedded_font() {
        let doc = parse(&fixture("unicode.pdf"), "unicode.pdf")
            .unwrap()
            .document;
        assert_eq!(doc.text, "\n\nCafe\u{301} noir\n\nقال\n\nשלום");
        // The Info /Title is empty, so the first non-empty line is the title.
        assert_eq!(doc.title, "Cafe\u{301} noir");
    }

    #[test]
    fn a_pdf_without_text_has_no_text_layer() {
        for name in ["drawing.pdf", "image.pdf"] {
            assert_eq!(
                parse(&fixture(name), name),
                Err(FormatError::NoTextLayer),
                "{name}"
            );
        }
    }

    #[test]
    fn images_are_skipped_and_the_text_around_them_is_kept() {
        let doc = parse(&fixture("photo.pdf"), "photo.pdf").unwrap().document;
        assert_eq!(
            doc.text,
            "\n\nCaption above the photo\n\nCaption below the photo"
        );
    }

    #[test]
    fn a_password_protected_pdf_is_reported_as_encrypted() {
        assert_eq!(
            parse(&fixture("encrypted.pdf"), "encrypted.pdf"),
            Err(FormatError::Encrypted)
        );
    }

    #[test]
    fn a_pdf_locked_only_against_editing_opens_without_a_password() {
        let doc = parse(&fixture("owner-only.pdf"), "owner-only.pdf")
            .unwrap()
            .document;
        assert_eq!(doc.text, "\n\nOpen talks");
    }

    #[test]
    fn garbage_and_truncated_pdfs_are_malformed_without_panicking() {
        let text = fixture("text.pdf");
        let mut cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"%PDF-".to_vec(),
            b"%PDF-1.7\n garbage \x00\xff".to_vec(),
            b"<html>not a pdf</html>".to_vec(),
            fixture("../docx/hostile.docx"),
        ];
        for cut in [20, text.len() / 3, text.len() / 2, text.len() - 40] {
            cases.push(text[..cut].to_vec());
        }
        for bytes in cases {
            let err = parse(&bytes, "bad.pdf").unwrap_err();
            assert_eq!(err.code(), "malformed", "{err}");
        }
        assert!(reason(parse(b"PK\x03\x04", "x.pdf").unwrap_err()).contains("%PDF-"));
    }

    #[test]
    fn up_to_1024_leading_bytes_before_the_header_are_tolerated() {
        let text = fixture("text.pdf");
        let with_junk = |n: usize| [vec![b' '; n], text.clone()].concat();
        assert!(parse(&with_junk(HEADER_WINDOW), "junk.pdf").is_ok());
        assert!(
            reason(parse(&with_junk(HEADER_WINDOW + 1), "junk.pdf").unwrap_err())
                .contains("does not start with %PDF-")
        );
    }

    #[test]
    fn a_panic_inside_the_extractor_becomes_a_malformed_error() {
        // `Tf` names a font the page does not have: pdf-extract panics on the lookup.
        let content = stream("", "BT /F9 12 Tf 10 10 Td (Hi) Tj ET");
        let bytes = pdf(&[
            CATALOG,
            PAGES,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Resources << >> /Contents 4 0 R >>",
            &content,
        ]);
        let reason = reason(parse(&bytes, "panic.pdf").unwrap_err());
        assert!(reason.contains("failed"), "{reason}");
    }

    #[test]
    fn inherited_page_attributes_are_found_and_parent_cycles_are_harmless() {
        // Resources and MediaBox come from the page tree node, as the format allows.
        let content = stream("", "BT /F1 12 Tf 10 50 Td (Inherited) Tj ET");
        let inherited = pdf(&[
            CATALOG,
            "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 100 100] /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
            &content,
            HELVETICA,
        ]);
        let doc = parse(&inherited, "inherited.pdf").unwrap().document;
        assert_eq!(doc.text, "\n\nInherited");

        // A page whose /Parent chain loops and never gives a MediaBox: pdf-extract alone
        // recurses until the stack overflows. Here the page gets the default size.
        let content = stream("", "BT /F1 12 Tf 10 50 Td (Looped) Tj ET");
        let looping = pdf(&[
            CATALOG,
            PAGES,
            "<< /Type /Page /Parent 5 0 R /Resources << /Font << /F1 6 0 R >> >> /Contents 4 0 R >>",
            &content,
            "<< /Type /Pages /Parent 5 0 R >>",
            HELVETICA,
        ]);
        assert_eq!(
            parse(&looping, "loop.pdf").unwrap().document.text,
            "\n\nLooped"
        );
    }

    /// A page that draws form `/X1` (object 5), whose content is `form_content`, plus `more`
    /// objects from number 7 on. Object 6 is Helvetica.
    fn page_with_form(form_dict: &str, form_content: &str, more: &[String]) -> Vec<u8> {
        let page_content = stream("", "/X1 Do");
        let form = stream(
            &format!("/Type /XObject /Subtype /Form /BBox [0 0 100 100] {form_dict}"),
            form_content,
        );
        let mut objects = vec![
            CATALOG.to_string(),
            PAGES.to_string(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Resources << /XObject << /X1 5 0 R >> /Font << /F1 6 0 R >> >> /Contents 4 0 R >>".to_string(),
            page_content,
            form,
            HELVETICA.to_string(),
        ];
        objects.extend(more.iter().cloned());
        let refs: Vec<&str> = objects.iter().map(String::as_str).collect();
        pdf(&refs)
    }

    #[test]
    fn text_inside_form_xobjects_is_extracted() {
        let bytes = page_with_form("", "BT /F1 12 Tf 10 50 Td (In a form) Tj ET", &[]);
        assert_eq!(
            parse(&bytes, "form.pdf").unwrap().document.text,
            "\n\nIn a form"
        );
    }

    #[test]
    fn form_xobjects_drawing_themselves_are_refused_instead_of_overflowing_the_stack() {
        // Without resources of its own the form uses the page's, where /X1 is itself.
        let direct = page_with_form("", "/X1 Do", &[]);
        // Two forms drawing each other through their own resources.
        let other = stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /X1 5 0 R >> >>",
            "/X1 Do",
        );
        let mutual = page_with_form(
            "/Resources << /XObject << /X2 7 0 R >> >>",
            "/X2 Do",
            &[other],
        );
        for bytes in [direct, mutual] {
            let reason = reason(parse(&bytes, "cycle.pdf").unwrap_err());
            assert!(reason.contains("cycle"), "{reason}");
        }
    }

    #[test]
    fn form_xobjects_nested_too_deeply_are_refused() {
        // The page draws /X1, which starts a chain of `levels` more forms (objects 7, 8, ...),
        // each drawing the next; the last one shows text. That is `levels + 1` levels of forms.
        let chain = |levels: usize| {
            let mut more = Vec::new();
            for n in 1..=levels {
                let content = if n == levels {
                    "BT /F1 12 Tf 10 50 Td (Deep) Tj ET".to_string()
                } else {
                    "/N Do".to_string()
                };
                more.push(stream(
                    &format!(
                        "/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /N {} 0 R >> /Font << /F1 6 0 R >> >>",
                        n + 7
                    ),
                    &content,
                ));
            }
            page_with_form("/Resources << /XObject << /N 7 0 R >> >>", "/N Do", &more)
        };
        let ok = parse(&chain(MAX_FORM_DEPTH - 1), "deep.pdf").unwrap();
        assert_eq!(ok.document.text, "\n\nDeep");
        let reason = reason(parse(&chain(MAX_FORM_DEPTH), "deeper.pdf").unwrap_err());
        assert!(reason.contains("nested more than"), "{reason}");
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse(&bytes, "fuzz.pdf");
        }

        #[test]
        fn arbitrary_bytes_after_a_pdf_header_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse(&[b"%PDF-1.4\n".as_slice(), &bytes].concat(), "fuzz.pdf");
        }

        #[test]
        fn damaged_fixtures_never_panic(
            which in 0usize..4,
            damage in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        ) {
            let name = ["text.pdf", "unicode.pdf", "photo.pdf", "encrypted.pdf"][which];
            let mut bytes = fixture(name);
            for (at, byte) in damage {
                let at = at.index(bytes.len());
                bytes[at] = byte;
            }
            let _ = parse(&bytes, name);
        }
    }
}
