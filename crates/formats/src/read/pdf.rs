//! PDF documents: the text layer as pdf-extract reads it, with title and author from the Info
//! dictionary.
//!
//! pdf-extract (and lopdf beneath it) is written for well-formed files: it panics on many
//! malformed ones, and it follows page-tree parents and form XObjects recursively without
//! looking for cycles, which would overflow the stack and abort the process. So the document is
//! loaded first, checked and made safe (see `make_safe`), and only then handed to the extractor,
//! inside [`std::panic::catch_unwind`]. Whatever goes wrong becomes a [`FormatError`].
//!
//! pdf-extract reports each glyph with its position; [`Lines`] gathers them into lines (words
//! separated where pdf-extract's own text output would put a space), and [`paragraphs`]
//! rebuilds the paragraphs from the lines' geometry, since a PDF only knows lines:
//!
//! - The lines of one paragraph are joined with a single space.
//! - A paragraph ends where the gap to the next line is clearly larger than the page's usual
//!   line spacing, where the font size changes (a headline), where the next line is indented
//!   against the previous one, or where a line ends well short of the right margin after
//!   sentence-ending punctuation. Across a page or column break the paragraph goes on only when
//!   the last line ran to the margin without ending a sentence.
//! - A word broken at a line end (a letter and `-`) is joined. The hyphen is dropped only when
//!   the next line starts with a lowercase letter ("nego-" "tiations"); otherwise it is kept and
//!   the halves joined without a space ("Franco-" "German"). Without a dictionary a broken
//!   compound such as "well-" "known" becomes "wellknown"; that is the rule's known cost.
//!
//! The text has no leading or trailing blank lines. The Info dictionary gives the title, the
//! author and, from `/CreationDate`, the date.

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};

use chrono::NaiveDate;
use claimdesk_core::NewDocument;
use pdf_extract::{
    Dictionary, Document, MediaBox, Object, ObjectId, OutputDev, OutputError, Transform,
};

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

    let text = paragraphs(&extracted.lines);
    if text.trim().is_empty() {
        return Err(FormatError::NoTextLayer);
    }
    let mut doc = NewDocument::from_plain_text(&text, name);
    if let Some(title) = extracted.title {
        doc.title = title;
    }
    doc.author = extracted.author;
    if let Some(date) = extracted.created {
        doc.date = Some(date);
    }
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
    lines: Vec<Line>,
    title: Option<String>,
    author: Option<String>,
    created: Option<NaiveDate>,
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
    let created = info_string(&doc, b"CreationDate").and_then(|d| pdf_date(&d));

    make_safe(&mut doc)?;
    let mut lines = Lines::default();
    // Asserting unwind safety is sound: after a panic, the half-gathered `lines` and the `doc`
    // are discarded, never read.
    catch_unwind(AssertUnwindSafe(|| {
        pdf_extract::output_doc(&doc, &mut lines)
    }))
    .map_err(|panic| {
        malformed(format!(
            "the text extractor failed on its content: {}",
            panic_message(panic.as_ref())
        ))
    })?
    .map_err(|e| malformed(format!("cannot extract its text: {e}")))?;
    Ok(Extracted {
        lines: lines.finish(),
        title,
        author,
        created,
    })
}

/// The date of a PDF date string (`D:YYYYMMDDHHmmSSOHH'mm'`, everything after the year
/// optional), as the creator wrote it: the day is not moved into another time zone. Only a
/// string with a full, valid day gives one; a year alone is too vague for a document date.
fn pdf_date(raw: &str) -> Option<NaiveDate> {
    let digits = raw.trim().strip_prefix("D:").unwrap_or(raw.trim());
    let day = digits
        .get(..8)
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?;
    NaiveDate::parse_from_str(day, "%Y%m%d").ok()
}

/// One line of text as drawn, with where it sits on its page (in points, `top` measured from
/// the top of the page to the baseline).
#[derive(Clone, Debug, PartialEq)]
struct Line {
    page: u32,
    text: String,
    left: f64,
    right: f64,
    top: f64,
    size: f64,
}

/// Gathers pdf-extract's glyphs into [`Line`]s, in the order the content streams draw them.
#[derive(Default)]
struct Lines {
    done: Vec<Line>,
    current: Option<Line>,
    page: u32,
    page_height: f64,
    /// Set at the start of each string drawn: the only place pdf-extract's own text output
    /// looks for a gap between words, so words are spaced as before.
    word_start: bool,
    /// A space glyph was drawn; a space goes in before the next visible glyph.
    pending_space: bool,
}

impl Lines {
    fn finish(mut self) -> Vec<Line> {
        self.end_line();
        self.done
    }

    fn end_line(&mut self) {
        if let Some(line) = self.current.take() {
            if !line.text.trim().is_empty() {
                self.done.push(line);
            }
        }
        self.pending_space = false;
    }
}

impl OutputDev for Lines {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.end_line();
        self.page = page_num;
        self.page_height = media_box.ury - media_box.lly;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.end_line();
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        glyph: &str,
    ) -> Result<(), OutputError> {
        // The text rendering matrix leaves the font size out; its scale is the square root of
        // its determinant, which also holds for rotated or mirrored text.
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let size = match (font_size * scale).abs() {
            s if s.is_finite() && s > 0.0 => s,
            _ => 1.0,
        };
        let (x, top) = (trm.m31, self.page_height - trm.m32);
        if !x.is_finite() || !top.is_finite() {
            return Ok(());
        }
        let end = x + width * size;
        let same_line = self
            .current
            .as_ref()
            .is_some_and(|line| (top - line.top).abs() <= 0.5 * size.max(line.size));
        if !same_line {
            self.end_line();
        }
        let word_start = std::mem::take(&mut self.word_start);
        if glyph.trim().is_empty() {
            self.pending_space = self.current.is_some();
            if let Some(line) = &mut self.current {
                line.right = line.right.max(end);
            }
            return Ok(());
        }
        match &mut self.current {
            Some(line) => {
                let gap = word_start && x > line.right + 0.1 * size;
                if (gap || self.pending_space) && !line.text.ends_with(' ') {
                    line.text.push(' ');
                }
                line.text.push_str(glyph);
                line.right = line.right.max(end);
                line.size = line.size.max(size);
            }
            None => {
                self.current = Some(Line {
                    page: self.page,
                    text: glyph.to_string(),
                    left: x,
                    right: end,
                    top,
                    size,
                })
            }
        }
        self.pending_space = false;
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.word_start = true;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// What is usual on one page: where lines start and end, and how far apart they are.
struct PageLayout {
    left: f64,
    right: f64,
    spacing: Option<f64>,
}

impl PageLayout {
    fn of(lines: &[&Line]) -> PageLayout {
        // The left margin is where most lines start (indented first lines are fewer); the
        // right margin is where the longest line ends.
        let mut starts: HashMap<i64, usize> = HashMap::new();
        for line in lines {
            *starts.entry(line.left.round() as i64).or_default() += 1;
        }
        let left = starts
            .into_iter()
            .max_by_key(|&(x, count)| (count, -x))
            .map_or(0.0, |(x, _)| x as f64);
        let right = lines.iter().map(|l| l.right).fold(f64::MIN, f64::max);
        // The usual spacing is the (lower) median distance between consecutive lines of one
        // size going down the page; most of those are lines inside paragraphs. Two or three
        // distances say too little, and then pdf-extract's own rule applies (see
        // `starts_paragraph`).
        let mut gaps: Vec<f64> = lines
            .windows(2)
            .filter(|w| (w[0].size - w[1].size).abs() <= 0.15 * w[0].size)
            .map(|w| w[1].top - w[0].top)
            .filter(|&gap| gap > 0.0 && gap < 3.0 * lines[0].size.max(1.0))
            .collect();
        gaps.sort_by(f64::total_cmp);
        let spacing = (gaps.len() >= 3).then(|| gaps[(gaps.len() - 1) / 2]);
        PageLayout {
            left,
            right,
            spacing,
        }
    }

    /// Whether `line` stops well before the right margin: by more than three of its ems or
    /// 15% of the text width, more than ragged-right setting leaves.
    fn ends_short(&self, line: &Line) -> bool {
        let slack = (3.0 * line.size).max(0.15 * (self.right - self.left));
        line.right < self.right - slack
    }
}

/// Whether a line ends a sentence: `.`, `!`, `?` or `…`, perhaps followed by closing quotes or
/// brackets.
fn ends_sentence(text: &str) -> bool {
    let text = text.trim_end_matches(['"', '\'', '’', '”', '»', ')', ']']);
    text.ends_with(['.', '!', '?', '…'])
}

/// Whether `next` starts a new paragraph after `prev`.
fn starts_paragraph(prev: &Line, next: &Line, layout: &PageLayout) -> bool {
    let size = prev.size.max(next.size);
    if (prev.size - next.size).abs() > 0.15 * size {
        return true;
    }
    let full_stop = ends_sentence(&prev.text) && layout.ends_short(prev);
    if next.page != prev.page || next.top <= prev.top {
        // A new page or column: only a line that ran to the margin without ending a sentence
        // is known to go on.
        return ends_sentence(&prev.text) || layout.ends_short(prev);
    }
    let gap = next.top - prev.top;
    let wide = match layout.spacing {
        Some(usual) => gap > 1.3 * usual,
        // pdf-extract's own rule for a blank line, for pages with too few lines to tell.
        None => gap > 1.5 * size,
    };
    let indented = next.left > prev.left + 0.75 * size && next.left > layout.left + 0.75 * size;
    wide || indented || full_stop
}

/// The lines as paragraphs separated by blank lines, each paragraph's lines joined into one.
fn paragraphs(lines: &[Line]) -> String {
    let mut out = String::new();
    let mut start = 0;
    while start < lines.len() {
        let page = lines[start].page;
        let end = start
            + lines[start..]
                .iter()
                .position(|l| l.page != page)
                .unwrap_or(lines.len() - start);
        let on_page: Vec<&Line> = lines[start..end].iter().collect();
        let layout = PageLayout::of(&on_page);
        for (i, line) in on_page.iter().enumerate() {
            let text = line.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let prev = match i {
                0 => (start > 0).then(|| &lines[start - 1]),
                _ => Some(on_page[i - 1]),
            };
            match prev {
                None => {}
                Some(prev) if starts_paragraph(prev, line, &layout) => out.push_str("\n\n"),
                Some(_) => join_line_end(&mut out, &text),
            }
            out.push_str(&text);
        }
        start = end;
    }
    out
}

/// Prepares `out` for the next line of the same paragraph: a space, or nothing after a word
/// broken at the line end, whose hyphen goes when the next line starts in lowercase (see the
/// module documentation).
fn join_line_end(out: &mut String, next: &str) {
    let mut tail = out.chars().rev();
    let broken = tail.next() == Some('-') && tail.next().is_some_and(char::is_alphabetic);
    if !broken {
        out.push(' ');
    } else if next.chars().next().is_some_and(char::is_lowercase) {
        out.pop();
    }
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
        pdf_with_trailer(objects, "")
    }

    /// [`pdf`] with more entries in the trailer (such as `/Info 5 0 R`).
    fn pdf_with_trailer(objects: &[&str], trailer: &str) -> Vec<u8> {
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
                "trailer\n<< /Size {} /Root 1 0 R {trailer} >>\nstartxref\n{xref}\n%%EOF\n",
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
        // The title stands apart (a wider gap), the two body lines are one paragraph, and the
        // paragraph on page two follows a line that ended a sentence.
        assert_eq!(
            doc.text,
            "Talks end without a deal\n\n\
             The delegations left Geneva on Tuesday. Both sides blamed each other.\n\n\
             Page two: no date was set."
        );
        assert_eq!(
            doc.title,
            "Talks 🇺🇦 👩\u{200d}👩\u{200d}👧 cafe\u{301} قال שלום 😀"
        );
        assert_eq!(doc.author.as_deref(), Some("Zoë Ångström"));
        assert_eq!(doc.source.as_deref(), Some("text.pdf"));
        // ReportLab wrote /CreationDate (D:20000101000000+00'00').
        assert_eq!(doc.date, NaiveDate::from_ymd_opt(2000, 1, 1));
    }

    #[test]
    fn arabic_hebrew_and_combining_marks_survive_an_embedded_font() {
        let doc = parse(&fixture("unicode.pdf"), "unicode.pdf")
            .unwrap()
            .document;
        assert_eq!(doc.text, "Cafe\u{301} noir\n\nقال\n\nשלום");
        // The Info /Title is empty, so the first non-empty line is the title.
        assert_eq!(doc.title, "Cafe\u{301} noir");
    }

    /// A one-page PDF (300 by 400 points) whose page draws `lines` in 10-point Helvetica, each
    /// at its own `(x, y)` (y counted up from the bottom, as PDF does), with `info` as the Info
    /// dictionary.
    fn page_of_lines(lines: &[(f64, f64, &str)], info: &str) -> Vec<u8> {
        let content: String = lines
            .iter()
            .map(|(x, y, text)| format!("BT /F1 10 Tf {x} {y} Td ({text}) Tj ET\n"))
            .collect();
        pdf_with_trailer(
            &[
                CATALOG,
                PAGES,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 400] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
                &stream("", &content),
                HELVETICA,
                info,
            ],
            "/Info 6 0 R",
        )
    }

    fn text_of(lines: &[(f64, f64, &str)]) -> String {
        parse(&page_of_lines(lines, "<< >>"), "lines.pdf")
            .unwrap()
            .document
            .text
    }

    // The body lines below are set 12 points apart, as 10-point text usually is, and the text
    // starts a third of the way down the page, leaving a blank area above it.

    #[test]
    fn wrapped_lines_join_into_paragraphs_split_where_the_gap_is_wider() {
        let text = text_of(&[
            (40.0, 260.0, "The delegations left Geneva on Tuesday after"),
            (40.0, 248.0, "three days of talks that ended without any"),
            (
                40.0,
                236.0,
                "common statement or a date for the next round.",
            ),
            (40.0, 216.0, "Both sides blamed each other for the failure"),
            (40.0, 204.0, "and said that the door remained open for now."),
        ]);
        assert_eq!(
            text,
            "The delegations left Geneva on Tuesday after three days of talks that ended \
             without any common statement or a date for the next round.\n\n\
             Both sides blamed each other for the failure and said that the door remained \
             open for now."
        );
    }

    #[test]
    fn an_indented_line_starts_a_paragraph_without_a_wider_gap() {
        let text = text_of(&[
            (40.0, 260.0, "The delegations left Geneva on Tuesday after"),
            (40.0, 248.0, "three days of talks that ended without any"),
            (
                40.0,
                236.0,
                "common statement or a date for the next round.",
            ),
            (55.0, 224.0, "Both sides blamed each other for the failure"),
            (40.0, 212.0, "and said that the door remained open for now."),
        ]);
        assert_eq!(text.matches("\n\n").count(), 1, "{text:?}");
        assert!(text.starts_with("The delegations"), "{text:?}");
        assert!(
            text.contains("next round.\n\nBoth sides blamed each other for the failure and"),
            "{text:?}"
        );
    }

    #[test]
    fn a_short_line_ending_a_sentence_ends_its_paragraph() {
        let text = text_of(&[
            (40.0, 260.0, "The delegations left Geneva on Tuesday after"),
            (40.0, 248.0, "three days of talks that ended without any"),
            (40.0, 236.0, "common statement."),
            (40.0, 224.0, "Both sides blamed each other for the failure"),
            (40.0, 212.0, "and said that the door remained open for now"),
            (40.0, 200.0, "and that a date would be set in the spring"),
        ]);
        assert_eq!(
            text,
            "The delegations left Geneva on Tuesday after three days of talks that ended \
             without any common statement.\n\n\
             Both sides blamed each other for the failure and said that the door remained \
             open for now and that a date would be set in the spring"
        );
    }

    #[test]
    fn words_broken_at_line_ends_are_joined_dropping_the_hyphen_only_before_lowercase() {
        let text = text_of(&[
            (40.0, 260.0, "The talks were the first round of the nego-"),
            (40.0, 248.0, "tiations about the long disputed Franco-"),
            (40.0, 236.0, "German border, and they lasted until late -"),
            (40.0, 224.0, "then the delegations left for their capitals."),
        ]);
        assert_eq!(
            text,
            "The talks were the first round of the negotiations about the long disputed \
             Franco-German border, and they lasted until late - then the delegations left \
             for their capitals."
        );
    }

    #[test]
    fn the_creation_date_in_the_info_dictionary_becomes_the_date() {
        let lines = [(40.0, 260.0, "Talks end.")];
        let dated = |info: &str| {
            parse(&page_of_lines(&lines, info), "dated.pdf")
                .unwrap()
                .document
                .date
        };
        assert_eq!(
            dated("<< /CreationDate (D:20240307153000+01'00') >>"),
            NaiveDate::from_ymd_opt(2024, 3, 7)
        );
        assert_eq!(
            dated("<< /CreationDate (20231231) >>"),
            NaiveDate::from_ymd_opt(2023, 12, 31)
        );
        // A year alone, an impossible day or no date at all give none.
        for info in [
            "<< /CreationDate (D:2024) >>",
            "<< /CreationDate (D:20240231120000Z) >>",
            "<< >>",
        ] {
            assert_eq!(dated(info), None, "{info}");
        }
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
            "Caption above the photo\n\nCaption below the photo"
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
        assert_eq!(doc.text, "Open talks");
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
        assert_eq!(doc.text, "Inherited");

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
        assert_eq!(parse(&looping, "loop.pdf").unwrap().document.text, "Looped");
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
            "In a form"
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
        assert_eq!(ok.document.text, "Deep");
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
