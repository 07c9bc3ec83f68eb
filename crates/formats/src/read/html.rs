//! HTML pages: the article's main text as plain text, plus what the page says about itself.
//!
//! The main text is found with `dom_smoothie` (a port of readability.js), which drops navigation,
//! headers, footers, share buttons and other boilerplate. When it finds no article (short pages),
//! the visible text of `<body>` is used instead. Before either, the `boilerplate` module finds the
//! headline and cuts the page down (nothing above the headline, no share bars, bylines, captions,
//! newsletter boxes); after, it drops boilerplate lines that are left. The headline opens the
//! text as its own paragraph and is the document's title. Either way the text is written out by
//! [`TextWriter`]: paragraphs separated by a blank line, list items and table rows on their own
//! lines, whitespace collapsed, and nothing but text nodes, so no markup can survive.
//!
//! Arbitrary input must neither hang nor crash the import. `html5ever` and `dom_smoothie` both
//! slow down quadratically with the nesting depth of the page, so [`limit_nesting`] flattens
//! anything nested deeper than [`MAX_DEPTH`] before the page is parsed; no real page comes close.

use std::borrow::Cow;

use claimdesk_core::document::cap_title;
use claimdesk_core::NewDocument;
use dom_query::{Document, NodeRef};
use dom_smoothie::{Config, Readability, TextMode};

use crate::read::boilerplate::{cut_to_article, drop_boilerplate_lines};
use crate::read::decode;
use crate::read::plaintext::{date_prefix, Gap, PlainText};
use crate::{FormatError, ImportedDocument};

/// Reads an HTML page. `name` (the file name) becomes the document's source.
pub fn parse(bytes: &[u8], name: &str) -> Result<ImportedDocument, FormatError> {
    let html = decode::text(bytes)?;
    if html.trim().is_empty() {
        return Err(FormatError::Empty(name.to_string()));
    }
    let html = limit_nesting(&html);
    let page = Document::from(html.as_ref());
    let meta = PageMeta::read(&page);
    // `dom_smoothie` recurses; the depth check guards it should the nesting model ever be
    // wrong about a page. The tree can be somewhat deeper than the parser's stack of open
    // elements ever was (`</form>` leaves the form in the tree), hence the margin.
    let (depth, elements) = depth_and_size(&page);
    let readable = depth <= 4 * MAX_DEPTH && elements <= READABILITY_MAX_ELEMENTS;

    // The reader owns the page; JSON-LD is read before `parse` rewrites it.
    let config = Config {
        text_mode: TextMode::Raw,
        ..Default::default()
    };
    let mut reader = Readability::with_document(page, None, Some(config))
        .map_err(|e| FormatError::malformed("html", e))?;
    let json_ld = reader.parse_json_ld();
    let ld_title = json_ld.as_ref().map(|m| m.title.as_str());
    let declared: Vec<&str> = [meta.og_title.as_deref(), ld_title]
        .into_iter()
        .flatten()
        .collect();
    let headline = cut_to_article(&reader.doc, &declared, meta.title.as_deref());
    let article = if readable { reader.parse().ok() } else { None };
    // After `parse` the reader's page holds the article under the element `dom_smoothie`
    // serialises as `Article::content`; walking it there saves parsing that markup again.
    let article_text = article
        .as_ref()
        .and_then(|_| {
            let content = reader.doc.select_single("#readability-page-1");
            content.nodes().first().map(visible_text)
        })
        .filter(|text| !text.is_empty());
    let text = match article_text {
        Some(text) => text,
        None if readable => {
            // `parse` rearranged the page while it looked for an article; start again from the
            // untouched markup, cut down the same way.
            let page = Document::from(html.as_ref());
            cut_to_article(&page, &declared, meta.title.as_deref());
            body_text(&page)
        }
        None => body_text(&reader.doc),
    };
    let mut text = drop_boilerplate_lines(&text);
    if text.is_empty() {
        return Err(FormatError::Empty(name.to_string()));
    }
    if let Some(headline) = &headline {
        // The headline was taken out of the page; it opens the text once, as a paragraph.
        let first = text.split('\n').next().unwrap_or_default();
        if clean(first).as_deref() == Some(headline.as_str()) {
            text = text[first.len()..].trim_start().to_string();
        }
        text = if text.is_empty() {
            headline.clone()
        } else {
            format!("{headline}\n\n{text}")
        };
    }

    let mut doc = NewDocument::from_plain_text(&text, name);
    let (smoothie_title, smoothie_byline, smoothie_date) = match &article {
        Some(a) => (
            Some(a.title.as_str()),
            a.byline.as_deref(),
            a.published_time.as_deref(),
        ),
        None => (None, None, None),
    };
    let ld_byline = json_ld.as_ref().and_then(|m| m.byline.as_deref());
    let ld_date = json_ld.as_ref().and_then(|m| m.published_time.as_deref());

    if let Some(title) = [
        headline.as_deref(),
        meta.og_title.as_deref(),
        meta.title.as_deref(),
    ]
    .into_iter()
    .chain([ld_title, smoothie_title])
    .flatten()
    .find_map(clean)
    {
        doc.title = cap_title(&title);
    }
    doc.author = [meta.author.as_deref(), meta.article_author.as_deref()]
        .into_iter()
        .chain([meta.byline.as_deref(), smoothie_byline, ld_byline])
        .flatten()
        .filter(|a| !looks_like_url(a))
        .find_map(author_name)
        .or(doc.author);
    doc.date = [
        meta.published.as_deref(),
        meta.date.as_deref(),
        meta.time.as_deref(),
        ld_date,
        smoothie_date,
    ]
    .into_iter()
    .flatten()
    .find_map(date_prefix)
    .or(doc.date);
    doc.url = [meta.canonical.as_deref(), meta.og_url.as_deref()]
        .into_iter()
        .flatten()
        .find_map(web_url);
    doc.language = meta.lang.as_deref().and_then(language_tag);
    for (key, value) in [
        ("site_name", meta.site_name.as_deref()),
        ("description", meta.description.as_deref()),
    ] {
        if let Some(value) = value.and_then(clean) {
            doc.metadata
                .insert(key.to_string(), serde_json::Value::String(value));
        }
    }
    Ok(ImportedDocument::plain(doc))
}

/// Pages nested deeper than this are flattened before parsing. Browsers stop nesting at 512;
/// news pages stay well under 100.
const MAX_DEPTH: usize = 256;

/// Above this many elements the page is not handed to `dom_smoothie`, whose several passes over
/// it then take seconds; such pages (archives, endless live blogs) give their visible text.
const READABILITY_MAX_ELEMENTS: usize = 60_000;

/// The deepest nesting of the parsed page and its number of elements, counted without
/// recursion so that no page can exhaust the stack.
fn depth_and_size(page: &Document) -> (usize, usize) {
    let mut deepest = 0;
    let mut elements = 0;
    let mut pending = vec![(page.root(), 0usize)];
    while let Some((node, depth)) = pending.pop() {
        deepest = deepest.max(depth);
        for child in node.children_it(false).filter(NodeRef::is_element) {
            elements += 1;
            pending.push((child, depth + 1));
        }
    }
    (deepest, elements)
}

/// The text of the page's `<body>`, or of the whole page when it has none.
fn body_text(page: &Document) -> String {
    match page.body() {
        Some(body) => visible_text(&body),
        None => visible_text(&page.root()),
    }
}

// ---------------------------------------------------------------------------------------------
// Text output
// ---------------------------------------------------------------------------------------------

/// The page's text as it is written out; `<br>` needs one piece of state of its own.
struct TextWriter {
    text: PlainText,
    /// Whether the pending line break came from a `<br>`, so that a second one makes a blank line.
    after_br: bool,
}

impl TextWriter {
    fn new() -> TextWriter {
        TextWriter {
            text: PlainText::default(),
            after_br: false,
        }
    }

    fn gap(&mut self, gap: Gap) {
        self.text.gap(gap);
    }

    fn line_break(&mut self) {
        if self.after_br && self.text.pending() >= Gap::Line {
            self.gap(Gap::Paragraph);
        } else {
            self.gap(Gap::Line);
        }
        self.after_br = true;
    }

    fn words(&mut self, text: &str) {
        if self.text.words(text) {
            self.after_br = false;
        }
    }

    fn verbatim(&mut self, text: &str) {
        if self.text.verbatim(text) {
            self.after_br = false;
        }
    }

    fn finish(self) -> String {
        self.text.finish()
    }
}

/// How an element shapes the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// Not shown, or not text: scripts, styles, embedded documents, form controls, media.
    Skip,
    Block,
    Line,
    Cell,
    Break,
    Pre,
    Inline,
}

fn layout(node: &NodeRef) -> Layout {
    let Some(name) = node.node_name() else {
        return Layout::Inline;
    };
    let layout = match name.as_ref() {
        "script" | "style" | "noscript" | "template" | "iframe" | "svg" | "math" | "object"
        | "embed" | "canvas" | "head" | "title" | "textarea" | "select" | "button" | "datalist"
        | "xmp" | "plaintext" | "noembed" | "noframes" | "audio" | "video" | "input" | "meta"
        | "link" | "img" | "picture" | "map" | "frameset" => Layout::Skip,
        "dialog" if !node.has_attr("open") => Layout::Skip,
        "address" | "article" | "aside" | "blockquote" | "body" | "caption" | "center"
        | "details" | "dialog" | "dir" | "div" | "dl" | "fieldset" | "figcaption" | "figure"
        | "footer" | "form" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "header" | "hgroup"
        | "hr" | "html" | "legend" | "listing" | "main" | "menu" | "nav" | "ol" | "p"
        | "search" | "section" | "summary" | "table" | "tbody" | "tfoot" | "thead" | "ul" => {
            Layout::Block
        }
        "li" | "dt" | "dd" | "tr" | "option" => Layout::Line,
        "td" | "th" => Layout::Cell,
        "br" => Layout::Break,
        "pre" => Layout::Pre,
        _ => Layout::Inline,
    };
    if layout != Layout::Skip && is_hidden(node) {
        Layout::Skip
    } else {
        layout
    }
}

/// Elements the page hides from sight: the `hidden` attribute, or an inline style that hides
/// them. `aria-hidden` is not enough, since pages saved with a dialog open mark all of their
/// content that way.
fn is_hidden(node: &NodeRef) -> bool {
    if node.has_attr("hidden") {
        return true;
    }
    node.attr("style").is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        style.contains("display:none") || style.contains("visibility:hidden")
    })
}

/// The visible text under `root`, walked with an explicit stack so depth cannot overflow it.
fn visible_text(root: &NodeRef) -> String {
    enum Step<'a> {
        Enter(NodeRef<'a>),
        Leave(Layout),
    }
    let mut writer = TextWriter::new();
    let mut pre_depth = 0usize;
    let mut steps = vec![Step::Enter(*root)];
    while let Some(step) = steps.pop() {
        match step {
            Step::Enter(node) => {
                if node.is_text() {
                    let text = node.text();
                    if pre_depth > 0 {
                        writer.verbatim(&text);
                    } else {
                        writer.words(&text);
                    }
                    continue;
                }
                let layout = if node.is_element() {
                    layout(&node)
                } else if node.is_document() || node.is_fragment() {
                    Layout::Block
                } else {
                    // Comments, doctypes and processing instructions hold no visible text.
                    Layout::Skip
                };
                match layout {
                    Layout::Skip => continue,
                    Layout::Block => writer.gap(Gap::Paragraph),
                    Layout::Line => writer.gap(Gap::Line),
                    Layout::Cell => writer.gap(Gap::Space),
                    Layout::Break => {
                        writer.line_break();
                        continue;
                    }
                    Layout::Pre => {
                        writer.gap(Gap::Paragraph);
                        pre_depth += 1;
                    }
                    Layout::Inline => {}
                }
                steps.push(Step::Leave(layout));
                steps.extend(node.children_it(true).map(Step::Enter));
            }
            Step::Leave(layout) => match layout {
                Layout::Block => writer.gap(Gap::Paragraph),
                Layout::Line => writer.gap(Gap::Line),
                Layout::Cell => writer.gap(Gap::Space),
                Layout::Pre => {
                    pre_depth = pre_depth.saturating_sub(1);
                    writer.gap(Gap::Paragraph);
                }
                Layout::Skip | Layout::Break | Layout::Inline => {}
            },
        }
    }
    writer.finish()
}

// ---------------------------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------------------------

/// What the page's markup says about it, read before `dom_smoothie` rewrites the page.
#[derive(Debug, Default)]
struct PageMeta {
    og_title: Option<String>,
    title: Option<String>,
    author: Option<String>,
    article_author: Option<String>,
    published: Option<String>,
    date: Option<String>,
    time: Option<String>,
    /// The page's byline element, read here because the element is cut from the page before
    /// `dom_smoothie` could see it.
    byline: Option<String>,
    canonical: Option<String>,
    og_url: Option<String>,
    lang: Option<String>,
    site_name: Option<String>,
    description: Option<String>,
}

impl PageMeta {
    fn read(page: &Document) -> PageMeta {
        let mut meta = PageMeta::default();
        for node in page.select("meta[content]").nodes() {
            let Some(content) = node.attr("content") else {
                continue;
            };
            let keys = [node.attr("property"), node.attr("name")];
            for key in keys.into_iter().flatten() {
                let slot = match key.trim().to_ascii_lowercase().as_str() {
                    "og:title" => &mut meta.og_title,
                    "author" => &mut meta.author,
                    "article:author" => &mut meta.article_author,
                    "article:published_time" => &mut meta.published,
                    "date" => &mut meta.date,
                    "og:url" => &mut meta.og_url,
                    "og:site_name" => &mut meta.site_name,
                    "description" => &mut meta.description,
                    _ => continue,
                };
                if slot.is_none() && !content.trim().is_empty() {
                    *slot = Some(content.to_string());
                }
            }
        }
        meta.title = page
            .select("head title")
            .nodes()
            .first()
            .map(|n| n.text().to_string());
        meta.time = page
            .select("article time[datetime], time[pubdate][datetime]")
            .nodes()
            .first()
            .and_then(|n| n.attr("datetime"))
            .map(|d| d.to_string());
        meta.byline = page
            .select(r#"[rel~="author"], [itemprop~="author"], .byline"#)
            .nodes()
            .first()
            .map(|n| n.text().to_string());
        meta.canonical = page
            .select("link[rel][href]")
            .nodes()
            .iter()
            .find(|link| {
                link.attr("rel").is_some_and(|rel| {
                    rel.split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("canonical"))
                })
            })
            .and_then(|link| link.attr("href"))
            .map(|href| href.to_string());
        meta.lang = page
            .select("html[lang]")
            .nodes()
            .first()
            .and_then(|n| n.attr("lang"))
            .map(|l| l.to_string());
        meta
    }
}

/// Whitespace collapsed and trimmed; `None` when nothing is left.
fn clean(text: &str) -> Option<String> {
    let cleaned = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(cleaned).filter(|c| !c.is_empty())
}

/// A byline as a name: whitespace collapsed and a leading "By" dropped.
fn author_name(byline: &str) -> Option<String> {
    let byline = clean(byline)?;
    let name = match byline.split_once(' ') {
        Some((by, name)) if by.eq_ignore_ascii_case("by") => name.to_string(),
        _ => byline,
    };
    Some(name)
}

fn looks_like_url(text: &str) -> bool {
    let text = text.trim_start().to_ascii_lowercase();
    text.starts_with("http://") || text.starts_with("https://")
}

/// Only absolute web addresses are kept: a relative link means nothing without the page's
/// address, and other schemes (`javascript:`) are no place to send an analyst.
fn web_url(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let web = lower.starts_with("http://") || lower.starts_with("https://");
    let plain = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    (web && plain && url.len() > "https://".len() && url.len() <= 2048).then(|| url.to_string())
}

/// A BCP 47 language tag such as `en-GB`, or nothing.
fn language_tag(lang: &str) -> Option<String> {
    let lang = lang.trim();
    let valid = !lang.is_empty()
        && lang.len() <= 35
        && lang
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then(|| lang.to_string())
}

// ---------------------------------------------------------------------------------------------
// Nesting limit
// ---------------------------------------------------------------------------------------------

/// Element properties that matter to the nesting model.
mod kind {
    /// In the HTML standard's "special" category: generic end tags stop searching here.
    pub const SPECIAL: u16 = 1;
    /// Formatting elements, which the parser may recreate after they were closed implicitly.
    pub const FORMATTING: u16 = 1 << 1;
    /// Markers in the list of active formatting elements.
    pub const MARKER: u16 = 1 << 2;
    /// Boundaries of the default element scope.
    pub const SCOPE: u16 = 1 << 3;
    /// Boundaries of table scope.
    pub const TABLE_SCOPE: u16 = 1 << 4;
    /// `ol` and `ul`, boundaries of list item scope.
    pub const LIST: u16 = 1 << 5;
    /// Elements without content (`br`, `img`).
    pub const VOID: u16 = 1 << 6;
    /// Elements whose content is raw text (`script`, `style`), not markup.
    pub const RAW_TEXT: u16 = 1 << 7;
    /// Elements whose content is not shown; when too deep they are removed with their content.
    pub const HIDDEN: u16 = 1 << 8;
    /// Start tags that close an open `p`.
    pub const CLOSES_P: u16 = 1 << 9;
    /// Phrasing elements: when dropped they leave nothing, not a space, behind.
    pub const PHRASING: u16 = 1 << 10;
    /// `button`, a boundary of button scope (where an open `p` is looked for).
    pub const BUTTON: u16 = 1 << 11;
    /// Elements only their own end tag closes in the model: `frameset`, inside which the parser
    /// ignores almost every tag.
    pub const BARRIER: u16 = 1 << 12;
}

/// The properties of a lower-case element name.
fn element_kind(name: &str) -> u16 {
    use kind::*;
    match name {
        "applet" | "marquee" | "object" => SPECIAL | MARKER | SCOPE | HIDDEN,
        "caption" => SPECIAL | MARKER | SCOPE,
        "td" | "th" => SPECIAL | MARKER | SCOPE,
        "template" => SPECIAL | MARKER | SCOPE | TABLE_SCOPE | HIDDEN,
        "html" => SPECIAL | SCOPE | TABLE_SCOPE,
        "table" => SPECIAL | SCOPE | TABLE_SCOPE,
        "svg" | "math" => HIDDEN,
        "mi" | "mo" | "mn" | "ms" | "mtext" | "annotation-xml" | "foreignobject" | "desc" => {
            SPECIAL | SCOPE
        }
        "ol" | "ul" => SPECIAL | LIST | CLOSES_P,
        "a" | "b" | "big" | "code" | "em" | "font" | "i" | "nobr" | "s" | "small" | "strike"
        | "strong" | "tt" | "u" => FORMATTING | PHRASING,
        "abbr" | "bdi" | "bdo" | "cite" | "data" | "dfn" | "kbd" | "label" | "mark" | "q"
        | "samp" | "span" | "sub" | "sup" | "time" | "var" | "ins" | "del" => PHRASING,
        "area" | "base" | "basefont" | "bgsound" | "br" | "col" | "embed" | "frame" | "image"
        | "img" | "input" | "keygen" | "link" | "meta" | "param" | "source" | "track" | "wbr" => {
            SPECIAL | VOID
        }
        "hr" => SPECIAL | VOID | CLOSES_P,
        "script" | "style" | "xmp" | "iframe" | "noembed" | "noframes" | "textarea" | "title" => {
            SPECIAL | RAW_TEXT | HIDDEN | SCOPE
        }
        "plaintext" => SPECIAL | RAW_TEXT | HIDDEN | CLOSES_P,
        "button" => SPECIAL | HIDDEN | BUTTON,
        "select" => SPECIAL | HIDDEN | SCOPE,
        "noscript" | "head" | "datalist" | "video" | "audio" | "canvas" => SPECIAL | HIDDEN,
        "address" | "article" | "aside" | "blockquote" | "center" | "details" | "dialog"
        | "dir" | "div" | "dl" | "fieldset" | "figcaption" | "figure" | "footer" | "header"
        | "hgroup" | "main" | "menu" | "nav" | "p" | "search" | "section" | "summary" | "h1"
        | "h2" | "h3" | "h4" | "h5" | "h6" | "pre" | "listing" | "form" | "li" | "dd" | "dt" => {
            SPECIAL | CLOSES_P
        }
        "frameset" => SPECIAL | BARRIER,
        "body" | "colgroup" | "isindex" | "tbody" | "tfoot" | "thead" | "tr" => SPECIAL,
        _ => 0,
    }
}

/// The namespace an element is in, which decides how the parser reads what follows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Namespace {
    Html,
    Svg,
    MathMl,
}

/// An element the model believes open.
#[derive(Clone, Copy)]
struct Open<'a> {
    name: &'a str,
    /// The tag's attributes as written, which tell identical formatting elements apart.
    attributes: &'a str,
    kind: u16,
    namespace: Namespace,
    /// An SVG or MathML element inside which start tags are read as HTML again
    /// (`foreignObject`, MathML `mi`).
    integration: bool,
    /// A `template` whose content has not yet shown what it holds.
    fresh_template: bool,
    /// A `template` holding table columns: the parser ignores every other start tag in it.
    column_template: bool,
}

impl Open<'_> {
    fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
    fn has(&self, kind: u16) -> bool {
        self.kind & kind != 0
    }
}

/// A rough model of the HTML parser's stack of open elements, good enough to bound its depth.
///
/// It errs towards believing the page deeper than it is: the only cost of that is flattening a
/// few levels of a page that is already absurdly deep, while believing it shallower could let a
/// hostile page through.
struct Nesting<'a> {
    open: Vec<Open<'a>>,
    /// Per formatting-marker level, the names and attributes of formatting elements closed
    /// implicitly: the parser may recreate them around later text, so they still count
    /// towards the depth.
    lingering: Vec<Vec<(&'a str, &'a str)>>,
    lingering_total: usize,
    open_p: usize,
}

impl<'a> Nesting<'a> {
    fn new() -> Nesting<'a> {
        Nesting {
            open: Vec::new(),
            lingering: vec![Vec::new()],
            lingering_total: 0,
            open_p: 0,
        }
    }

    fn depth(&self) -> usize {
        self.open.len() + self.lingering_total
    }

    fn push(&mut self, element: Open<'a>) {
        if element.namespace == Namespace::Html && element.is("p") {
            self.open_p += 1;
        }
        if element.has(kind::MARKER) {
            self.lingering.push(Vec::new());
        }
        self.open.push(element);
    }

    /// Closes the element at `index` and everything above it.
    fn pop_to(&mut self, index: usize) {
        while self.open.len() > index {
            let Some(element) = self.open.pop() else {
                break;
            };
            let implicit = self.open.len() > index;
            if element.namespace == Namespace::Html && element.is("p") {
                self.open_p -= 1;
            }
            if implicit && element.has(kind::FORMATTING) {
                if let Some(level) = self.lingering.last_mut() {
                    // The parser keeps at most three identical formatting elements (the
                    // "Noah's Ark" clause); old pages full of unclosed `<font>` rely on it.
                    let same = |&(name, attributes): &(&str, &str)| {
                        name.eq_ignore_ascii_case(element.name) && attributes == element.attributes
                    };
                    if level.iter().filter(|e| same(e)).count() >= 3 {
                        if let Some(oldest) = level.iter().position(same) {
                            level.remove(oldest);
                            self.lingering_total -= 1;
                        }
                    }
                    level.push((element.name, element.attributes));
                    self.lingering_total += 1;
                }
            }
            if element.has(kind::MARKER) && self.lingering.len() > 1 {
                let level = self.lingering.pop().unwrap_or_default();
                self.lingering_total -= level.len();
            }
        }
    }

    /// Text and most inline tags make the parser recreate the formatting elements closed
    /// implicitly (up to the last marker) before going on. Recreated elements can stay open
    /// for good, so the model opens them again too.
    fn reconstruct(&mut self) {
        let Some(level) = self.lingering.last_mut() else {
            return;
        };
        let entries = std::mem::take(level);
        self.lingering_total -= entries.len();
        for (name, attributes) in entries {
            self.open.push(Open {
                name,
                attributes,
                kind: kind::FORMATTING | kind::PHRASING,
                namespace: Namespace::Html,
                integration: false,
                fresh_template: false,
                column_template: false,
            });
        }
    }

    /// Searches down from the current element for one `wanted` accepts, stopping at any
    /// element with a `stop` property (and always at a barrier).
    fn find(&self, wanted: impl Fn(&Open) -> bool, stop: u16) -> Option<usize> {
        for (index, element) in self.open.iter().enumerate().rev() {
            if wanted(element) {
                return Some(index);
            }
            if element.has(stop | kind::BARRIER) {
                return None;
            }
        }
        None
    }

    /// A table part (or a table) opening: the parser closes an open cell or caption, clears
    /// the stack back to the table, and creates the `tbody` and `tr` a row or a cell needs.
    fn table_part(&mut self, name: &str) {
        let cell_or_caption = |e: &Open| {
            e.namespace == Namespace::Html && (e.is("td") || e.is("th") || e.is("caption"))
        };
        if name != "table" {
            if let Some(cell) = self.find(cell_or_caption, kind::TABLE_SCOPE) {
                self.pop_to(cell);
            }
        }
        let Some(table) = self.find(|e| e.is("table"), kind::TABLE_SCOPE) else {
            return;
        };
        if self.open[table + 1..].iter().any(cell_or_caption) {
            // A table inside a cell or a caption is simply nested.
            return;
        }
        let nearest = |this: &Self, names: &[&str]| {
            this.open[table + 1..]
                .iter()
                .rposition(|e| names.iter().any(|n| e.is(n)))
                .map(|i| table + 1 + i)
        };
        let sections = ["tbody", "thead", "tfoot"];
        match name {
            // A table directly in a table closes the first one.
            "table" => self.pop_to(table),
            "caption" | "colgroup" | "tbody" | "thead" | "tfoot" => self.pop_to(table + 1),
            "col" => {
                self.pop_to(table + 1);
                self.push_implied("colgroup");
            }
            "tr" => match nearest(self, &sections) {
                Some(section) => self.pop_to(section + 1),
                None => {
                    self.pop_to(table + 1);
                    self.push_implied("tbody");
                }
            },
            _ => match (nearest(self, &["tr"]), nearest(self, &sections)) {
                (Some(row), _) => self.pop_to(row + 1),
                (None, Some(section)) => {
                    self.pop_to(section + 1);
                    self.push_implied("tr");
                }
                (None, None) => {
                    self.pop_to(table + 1);
                    self.push_implied("tbody");
                    self.push_implied("tr");
                }
            },
        }
    }

    /// An element the parser creates without a tag for it (a table's `tbody`).
    fn push_implied(&mut self, name: &'static str) {
        self.push(Open {
            name,
            attributes: "",
            kind: element_kind(name),
            namespace: Namespace::Html,
            integration: false,
            fresh_template: false,
            column_template: false,
        });
    }

    /// Closes the elements whose end tags may be left out (paragraphs, list items, options,
    /// ruby annotations) while one is the current element, except those named `keep`.
    fn end_implied(&mut self, keep: &str) {
        const IMPLIED: [&str; 10] = [
            "dd", "dt", "li", "option", "optgroup", "p", "rb", "rp", "rt", "rtc",
        ];
        while let Some(top) = self.open.last() {
            if top.is(keep) || !IMPLIED.iter().any(|name| top.is(name)) {
                break;
            }
            self.pop_to(self.open.len() - 1);
        }
    }

    /// Whether the parser ignores this start tag: parts of tables outside any table. Believing
    /// them open would let their end tags close what the parser keeps open.
    fn ignores(&self, name: &str) -> bool {
        matches!(
            name,
            "caption" | "col" | "colgroup" | "tbody" | "tfoot" | "thead" | "tr" | "td" | "th"
        ) && self.find(|e| e.is("table"), kind::TABLE_SCOPE).is_none()
    }

    /// The namespace start tags are read in: the current element's, unless it is HTML or an
    /// integration point.
    fn foreign(&self) -> Option<Namespace> {
        self.open
            .last()
            .filter(|top| top.namespace != Namespace::Html && !top.integration)
            .map(|top| top.namespace)
    }

    /// A tag that HTML does not allow inside foreign content closes it: the parser pops
    /// elements until the current one is HTML or an integration point.
    fn break_out(&mut self) {
        while self.foreign().is_some() {
            self.pop_to(self.open.len() - 1);
        }
    }

    /// Applies an end tag met in foreign content: it closes the nearest element of its name
    /// in that content; reaching HTML, it is read as an HTML end tag.
    fn end_foreign(&mut self, name: &str, kind: u16) -> bool {
        if matches!(name, "br" | "p") {
            self.break_out();
            return self.end(name, kind);
        }
        let mut index = self.open.len();
        while index > 0 {
            index -= 1;
            if self.open[index].is(name) {
                self.pop_to(index);
                return true;
            }
            if index == 0 || self.open[index - 1].namespace == Namespace::Html {
                break;
            }
        }
        self.end(name, kind)
    }

    /// Closes just the element at `index`, as `</form>` does, leaving those above it open.
    fn remove(&mut self, index: usize) {
        if index + 1 == self.open.len() {
            self.pop_to(index);
        } else if !self.open[index].has(kind::BARRIER | kind::MARKER) && !self.open[index].is("p") {
            self.open.remove(index);
        }
    }

    /// Applies the implicit closing a start tag causes, for the cases that keep real pages
    /// shallow (unclosed paragraphs, list items, table cells and rows) and those that would
    /// otherwise leave the model believing closed elements open. Says whether the tag then
    /// opens an element.
    fn close_before(&mut self, name: &str, kind: u16) -> bool {
        // Looking for an open list item stops at special elements other than these three.
        let stops =
            |e: &Open| e.has(kind::SPECIAL) && !e.is("address") && !e.is("div") && !e.is("p");
        match name {
            "li" => {
                if let Some(i) = self
                    .find(|e| e.is("li"), 0)
                    .filter(|&i| !self.open[i + 1..].iter().any(stops))
                {
                    self.pop_to(i);
                }
            }
            "dd" | "dt" => {
                if let Some(i) = self
                    .find(|e| e.is("dd") || e.is("dt"), 0)
                    .filter(|&i| !self.open[i + 1..].iter().any(stops))
                {
                    self.pop_to(i);
                }
            }
            "caption" | "colgroup" | "col" | "tbody" | "thead" | "tfoot" | "tr" | "td" | "th"
            | "table" => self.table_part(name),
            "option" | "optgroup" | "hr" => {
                if self.find(|e| e.is("select"), kind::SCOPE).is_some() {
                    let keep = if name == "option" { "optgroup" } else { "" };
                    self.end_implied(keep);
                } else if name != "hr" && self.open.last().is_some_and(|e| e.is("option")) {
                    self.pop_to(self.open.len() - 1);
                }
            }
            "rb" | "rtc" | "rp" | "rt" if self.find(|e| e.is("ruby"), kind::SCOPE).is_some() => {
                let keep = if matches!(name, "rp" | "rt") {
                    "rtc"
                } else {
                    ""
                };
                self.end_implied(keep);
            }
            "select" | "input" | "button" => {
                let target = if name == "button" { "button" } else { "select" };
                if let Some(i) = self.find(|e| e.is(target), kind::SCOPE) {
                    self.pop_to(i);
                    if name == "select" {
                        // A select inside a select only closes the open one.
                        return false;
                    }
                }
            }
            _ => {}
        }
        if kind & kind::CLOSES_P != 0 && self.open_p > 0 {
            let button_scope = kind::SCOPE | kind::BUTTON;
            if let Some(i) = self.find(|e| e.is("p"), button_scope) {
                self.pop_to(i);
            }
        }
        if is_heading(name) && self.open.last().is_some_and(|e| is_heading(e.name)) {
            self.pop_to(self.open.len() - 1);
        }
        true
    }

    /// An end tag for a formatting element the model has not open. If the element lingers,
    /// the parser drops it from its list, unless it had recreated it below a special element,
    /// where it stays open; out of scope (found below a boundary), the parser ignores the tag.
    fn forget_lingering(&mut self, name: &str) {
        if self.open.iter().any(|e| e.is(name)) {
            return;
        }
        let mut since_marker = self.open.iter().rev().take_while(|e| !e.has(kind::MARKER));
        if since_marker.any(|e| e.has(kind::SPECIAL)) {
            return;
        }
        if let Some(level) = self.lingering.last_mut() {
            if let Some(at) = level
                .iter()
                .rposition(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                level.remove(at);
                self.lingering_total -= 1;
            }
        }
    }

    /// Applies an end tag, and says whether it closed anything.
    fn end(&mut self, name: &str, kind: u16) -> bool {
        use kind::*;
        let found = match name {
            "p" => self.find(|e| e.is("p"), SCOPE | BUTTON),
            "li" => self.find(|e| e.is("li"), SCOPE | LIST),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.find(|e| is_heading(e.name), SCOPE),
            "table" | "tbody" | "thead" | "tfoot" | "tr" | "td" | "th" | "caption" | "colgroup" => {
                self.find(|e| e.is(name), TABLE_SCOPE)
            }
            "body" | "html" | "br" => None,
            // The parser closes a frameset only when it is the current element: anywhere else
            // it had ignored the `<frameset>` tag.
            "frameset" => self
                .open
                .len()
                .checked_sub(1)
                .filter(|&top| self.open[top].is("frameset")),
            _ if kind & FORMATTING != 0 => {
                match self.find(|e| e.is(name), SCOPE) {
                    // The adoption agency moves the elements above to keep them open.
                    Some(i) if self.open[i + 1..].iter().any(|e| e.has(SPECIAL)) => None,
                    Some(i) => Some(i),
                    None => {
                        self.forget_lingering(name);
                        None
                    }
                }
            }
            "address" | "article" | "aside" | "blockquote" | "button" | "center" | "details"
            | "dialog" | "dir" | "div" | "dl" | "fieldset" | "figcaption" | "figure" | "footer"
            | "header" | "hgroup" | "listing" | "main" | "menu" | "nav" | "ol" | "pre"
            | "search" | "section" | "select" | "summary" | "ul" | "dd" | "dt" | "form"
            | "applet" | "marquee" | "object" | "template" => self.find(|e| e.is(name), SCOPE),
            // Any other end tag closes the nearest element of its name above any special one.
            _ => self.find(|e| e.is(name), SPECIAL),
        };
        match found {
            Some(index) if name == "form" => self.remove(index),
            Some(index) => self.pop_to(index),
            None => {}
        }
        found.is_some()
    }
}

/// Whether an HTML start tag makes the parser recreate formatting elements first: inline
/// elements and unknown ones do, blocks, tables, lists and raw text mostly do not.
fn reconstructs(name: &str, kind: u16) -> bool {
    kind & (kind::FORMATTING | kind::PHRASING) != 0
        || kind == 0
        || matches!(
            name,
            "applet"
                | "marquee"
                | "object"
                | "xmp"
                | "select"
                | "button"
                | "svg"
                | "math"
                | "option"
                | "optgroup"
                | "area"
                | "br"
                | "embed"
                | "img"
                | "image"
                | "input"
                | "keygen"
                | "wbr"
        )
}

/// Start tags HTML does not allow inside SVG or MathML, which end it. `font` does too, but only
/// with a `color`, `face` or `size` attribute, which the caller checks.
fn breaks_out(name: &str) -> bool {
    matches!(
        name,
        "b" | "big"
            | "blockquote"
            | "body"
            | "br"
            | "center"
            | "code"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "em"
            | "embed"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "hr"
            | "i"
            | "img"
            | "li"
            | "listing"
            | "menu"
            | "meta"
            | "nobr"
            | "ol"
            | "p"
            | "pre"
            | "ruby"
            | "s"
            | "small"
            | "span"
            | "strong"
            | "strike"
            | "sub"
            | "sup"
            | "table"
            | "tt"
            | "u"
            | "ul"
            | "var"
    )
}

/// Whether an element opened in foreign content reads its content as HTML again.
fn is_integration_point(namespace: Namespace, name: &str, encoding: Option<&str>) -> bool {
    match namespace {
        Namespace::Html => false,
        Namespace::Svg => matches!(name, "foreignobject" | "desc" | "title"),
        Namespace::MathMl => {
            matches!(name, "mi" | "mo" | "mn" | "ms" | "mtext")
                || (name == "annotation-xml"
                    && encoding.is_some_and(|e| {
                        e.eq_ignore_ascii_case("text/html")
                            || e.eq_ignore_ascii_case("application/xhtml+xml")
                    }))
        }
    }
}

fn is_heading(name: &str) -> bool {
    let name = name.as_bytes();
    name.len() == 2 && name[0].eq_ignore_ascii_case(&b'h') && (b'1'..=b'6').contains(&name[1])
}

/// Tags with more attributes than this lose their attributes: the parser checks each new
/// attribute against all earlier ones, which is quadratic.
const MAX_ATTRIBUTES: usize = 512;

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// One piece of markup, as the HTML tokenizer would cut it.
enum Token<'a> {
    /// A `<` that starts no markup.
    Text,
    /// A comment, doctype or processing instruction; the markup goes on at `end`.
    Comment {
        end: usize,
    },
    Start {
        name: &'a str,
        /// Where the attributes begin.
        attributes_at: usize,
        end: usize,
        attributes: usize,
    },
    End {
        name: &'a str,
        end: usize,
    },
    /// The input ends inside markup, which the tokenizer then drops.
    Eof,
}

/// Reads the markup starting at `lt`, which holds a `<`.
fn token(html: &str, lt: usize) -> Token<'_> {
    let bytes = html.as_bytes();
    let bogus_comment = |from: usize| match bytes[from..].iter().position(|&b| b == b'>') {
        Some(i) => Token::Comment { end: from + i + 1 },
        None => Token::Eof,
    };
    match bytes.get(lt + 1).copied() {
        Some(b'!') if bytes[lt..].starts_with(b"<!--") => {
            let body = lt + 4;
            let end = if bytes[body..].starts_with(b">") {
                Some(body + 1)
            } else if bytes[body..].starts_with(b"->") {
                Some(body + 2)
            } else {
                comment_end(bytes, body)
            };
            end.map_or(Token::Eof, |end| Token::Comment { end })
        }
        // Doctypes, processing instructions and CDATA outside foreign content are bogus
        // comments that end at the next `>`.
        Some(b'!' | b'?') => bogus_comment(lt + 2),
        Some(b'/') => match bytes.get(lt + 2).copied() {
            Some(b) if b.is_ascii_alphabetic() => {
                let (name, rest) = tag_name(html, lt + 2);
                match tag_end(bytes, rest) {
                    Some((end, _)) => Token::End { name, end },
                    None => Token::Eof,
                }
            }
            // The tokenizer ignores `</>`.
            Some(b'>') => Token::Comment { end: lt + 3 },
            Some(_) => bogus_comment(lt + 2),
            None => Token::Eof,
        },
        Some(b) if b.is_ascii_alphabetic() => {
            let (name, rest) = tag_name(html, lt + 1);
            match tag_end(bytes, rest) {
                Some((end, attributes)) => Token::Start {
                    name,
                    attributes_at: rest,
                    end,
                    attributes,
                },
                None => Token::Eof,
            }
        }
        _ => Token::Text,
    }
}

/// The end of a comment that has begun: after `-->` or `--!>`.
fn comment_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(i) = bytes[at..].windows(2).position(|w| w == b"--") {
        let dashes = at + i;
        let tail = &bytes[dashes + 2..];
        if tail.starts_with(b">") {
            return Some(dashes + 3);
        }
        if tail.starts_with(b"!>") {
            return Some(dashes + 4);
        }
        at = dashes + 1;
    }
    None
}

/// A tag name from `start`, and where its attributes begin.
fn tag_name(html: &str, start: usize) -> (&str, usize) {
    let bytes = html.as_bytes();
    let len = bytes[start..]
        .iter()
        .position(|&b| is_space(b) || b == b'/' || b == b'>')
        .unwrap_or(bytes.len() - start);
    (&html[start..start + len], start + len)
}

/// Follows the tokenizer's attribute states from `at` to the `>` that closes the tag: the index
/// after it and the number of attributes, or `None` when the input ends first.
fn tag_end(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    #[derive(Clone, Copy)]
    enum State {
        BeforeName,
        Name,
        AfterName,
        BeforeValue,
        Quoted(u8),
        Unquoted,
        AfterQuoted,
        SelfClosing,
    }
    let mut state = State::BeforeName;
    let mut attributes = 0;
    for (i, &b) in bytes.iter().enumerate().skip(at) {
        state = match (state, b) {
            (State::Quoted(q), _) if b == q => State::AfterQuoted,
            (State::Quoted(q), _) => State::Quoted(q),
            (_, b'>') => return Some((i + 1, attributes)),
            (State::BeforeName | State::AfterQuoted | State::SelfClosing, _) if is_space(b) => {
                State::BeforeName
            }
            (State::BeforeName | State::AfterQuoted | State::SelfClosing, b'/') => {
                State::SelfClosing
            }
            (State::BeforeName | State::AfterQuoted | State::SelfClosing, _) => {
                attributes += 1;
                State::Name
            }
            (State::Name | State::AfterName, b'=') => State::BeforeValue,
            (State::Name | State::AfterName, b'/') => State::SelfClosing,
            (State::Name | State::AfterName, _) if is_space(b) => State::AfterName,
            (State::Name, _) => State::Name,
            (State::AfterName, _) => {
                attributes += 1;
                State::Name
            }
            (State::BeforeValue, _) if is_space(b) => State::BeforeValue,
            (State::BeforeValue, b'"' | b'\'') => State::Quoted(b),
            (State::BeforeValue | State::Unquoted, _) if !is_space(b) => State::Unquoted,
            (State::BeforeValue | State::Unquoted, _) => State::BeforeName,
        };
    }
    None
}

/// The value of the attribute `wanted` (empty when it has none) in a tag whose attributes
/// start at `from`, read the way the tokenizer reads them; the first of duplicates counts.
fn attribute<'h>(html: &'h str, from: usize, wanted: &str) -> Option<&'h str> {
    let bytes = html.as_bytes();
    let len = bytes.len();
    let mut i = from;
    loop {
        while i < len && (is_space(bytes[i]) || bytes[i] == b'/') {
            i += 1;
        }
        if i >= len || bytes[i] == b'>' {
            return None;
        }
        // A name may begin with `=`; it ends at whitespace, `/`, `>` or the next `=`.
        let name_start = i;
        i += 1;
        while i < len && !is_space(bytes[i]) && !matches!(bytes[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let name = &html[name_start..i];
        while i < len && is_space(bytes[i]) {
            i += 1;
        }
        let mut value = "";
        if i < len && bytes[i] == b'=' {
            i += 1;
            while i < len && is_space(bytes[i]) {
                i += 1;
            }
            if i < len && matches!(bytes[i], b'"' | b'\'') {
                let quote = bytes[i];
                let start = i + 1;
                let end = start + bytes[start..].iter().position(|&b| b == quote)?;
                value = &html[start..end];
                i = end + 1;
            } else {
                let start = i;
                while i < len && !is_space(bytes[i]) && bytes[i] != b'>' {
                    i += 1;
                }
                value = &html[start..i];
            }
        }
        if name.eq_ignore_ascii_case(wanted) {
            return Some(value);
        }
    }
}

/// The elements whose content is raw text, in the order [`RawTextEnds`] keeps them.
const RAW_TEXT_NAMES: [&str; 8] = [
    "script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title",
];

/// Where each raw-text element's next end tag was found. Without it a page of unclosed
/// `<script>` tags would have the rest of the page searched once for each of them.
#[derive(Default)]
struct RawTextEnds {
    /// Per name: not searched yet, no end tag after the last search, or the next one.
    ends: [Option<Option<usize>>; RAW_TEXT_NAMES.len()],
}

impl RawTextEnds {
    /// The start of the first `</name` end tag at or after `from`, for a lower-case `name`.
    fn after(&mut self, html: &str, name: &str, from: usize) -> Option<usize> {
        let slot = RAW_TEXT_NAMES.iter().position(|n| *n == name)?;
        match self.ends[slot] {
            Some(None) => return None,
            Some(Some(end)) if end >= from => return Some(end),
            _ => {}
        }
        let found = raw_text_end(html, name, from);
        self.ends[slot] = Some(found);
        found
    }
}

/// Where the raw text of a `name` element that starts at `from` ends: at its end tag, if it
/// has one.
fn raw_text_end(html: &str, name: &str, from: usize) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut at = from;
    while let Some(i) = html[at..].find("</") {
        let tag = at + i;
        let name_end = tag + 2 + name.len();
        let matches = bytes
            .get(tag + 2..name_end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
        if matches
            && bytes
                .get(name_end)
                .is_none_or(|&b| is_space(b) || b == b'/' || b == b'>')
        {
            return Some(tag);
        }
        at = tag + 2;
    }
    None
}

/// A copy of the input made only once something has to change.
struct Rewrite<'a> {
    source: &'a str,
    out: Option<String>,
    copied: usize,
}

impl<'a> Rewrite<'a> {
    fn replace(&mut self, start: usize, end: usize, with: &str) {
        if start < self.copied || end < start {
            // Each piece of markup is replaced at most once, in order; anything else would be a
            // bug here, and is ignored rather than allowed to corrupt the text.
            return;
        }
        let out = self
            .out
            .get_or_insert_with(|| String::with_capacity(self.source.len()));
        out.push_str(&self.source[self.copied..start]);
        out.push_str(with);
        self.copied = end;
    }

    fn finish(self) -> Cow<'a, str> {
        match self.out {
            Some(mut out) => {
                out.push_str(&self.source[self.copied..]);
                Cow::Owned(out)
            }
            None => Cow::Borrowed(self.source),
        }
    }
}

/// An element being removed together with its content.
#[derive(Clone, Copy)]
struct Removal<'a> {
    name: &'a str,
    /// SVG and MathML hold no raw text: `<style>` there is an ordinary element.
    foreign: bool,
    /// How many elements of this name are open, itself included.
    open: usize,
    start: usize,
}

/// The markup with every element that would open deeper than [`MAX_DEPTH`] flattened: its tags
/// are dropped and its text joins the element above. Hidden elements (scripts, SVG, templates)
/// that deep are dropped with their content, so none of it can show up as text. Pages that are
/// not that deep come back unchanged.
fn limit_nesting(html: &str) -> Cow<'_, str> {
    let mut model = Nesting::new();
    let mut rewrite = Rewrite {
        source: html,
        out: None,
        copied: 0,
    };
    let mut removal: Option<Removal> = None;
    // Paragraphs whose start tag was dropped: their end tags go too, since an unmatched `</p>`
    // makes the parser insert an empty paragraph.
    let mut dropped_p = 0usize;
    // In a frameset the parser ignores `<script>`, `<iframe>` and the like, and reads what
    // follows as markup; once a frameset may be open, the model does the same.
    let mut frameset = false;
    let mut raw_ends = RawTextEnds::default();
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        let lt = at + offset;
        if offset > 0 && removal.is_none() && model.foreign().is_none() {
            model.reconstruct();
        }
        match token(html, lt) {
            Token::Text => at = lt + 1,
            Token::Comment { end } => at = end,
            Token::Eof => break,
            Token::Start {
                name,
                attributes_at,
                end,
                attributes,
            } => {
                at = end;
                let mut buffer = [0u8; 16];
                let lower = lowercase(name, &mut buffer);
                let kind = element_kind(lower);
                if let Some(removing) = removal.as_mut() {
                    if removing.name.eq_ignore_ascii_case(name) {
                        removing.open += 1;
                    }
                    if kind & kind::RAW_TEXT != 0 && !removing.foreign {
                        at = raw_ends.after(html, lower, end).unwrap_or(end);
                    }
                    continue;
                }
                // Tags with too many attributes are kept bare.
                let bare = (attributes > MAX_ATTRIBUTES).then(|| format!("<{name}>"));
                let keep_bare = |rewrite: &mut Rewrite| {
                    if let Some(bare) = &bare {
                        rewrite.replace(lt, end, bare);
                    }
                };
                // Inside SVG or MathML a tag either ends it or opens one more element of it.
                let mut namespace = Namespace::Html;
                if let Some(foreign) = model.foreign() {
                    let font_breaks = lower == "font"
                        && ["color", "face", "size"]
                            .iter()
                            .any(|a| attribute(html, attributes_at, a).is_some());
                    let svg_in_annotation = foreign == Namespace::MathMl
                        && lower == "svg"
                        && model.open.last().is_some_and(|e| e.is("annotation-xml"));
                    if breaks_out(lower) || font_breaks {
                        model.break_out();
                    } else if !svg_in_annotation {
                        namespace = foreign;
                    }
                } else if matches!(lower, "mglyph" | "malignmark")
                    && model.open.last().is_some_and(|e| {
                        e.namespace == Namespace::MathMl
                            && matches!(
                                e.name.to_ascii_lowercase().as_str(),
                                "mi" | "mo" | "mn" | "ms" | "mtext"
                            )
                    })
                {
                    // MathML text integration points keep these two in MathML.
                    namespace = Namespace::MathMl;
                }
                let integration = if namespace == Namespace::Html {
                    // A template's first element decides how the parser reads the rest of it;
                    // after a `<col>` it ignores all but more columns and templates.
                    if let Some(top) = model.open.last_mut().filter(|top| top.is("template")) {
                        if top.column_template && !matches!(lower, "col" | "template") {
                            continue;
                        }
                        if top.fresh_template {
                            top.fresh_template = false;
                            top.column_template = lower == "col";
                        }
                    }
                    // In HTML: empty elements, raw text and implicit closing.
                    if model.ignores(lower) {
                        continue;
                    }
                    if kind & kind::VOID != 0 || matches!(lower, "html" | "head" | "body") {
                        model.close_before(lower, kind);
                        if reconstructs(lower, kind) {
                            model.reconstruct();
                        }
                        keep_bare(&mut rewrite);
                        continue;
                    }
                    frameset |= lower == "frameset";
                    if kind & kind::RAW_TEXT != 0 && !frameset {
                        if lower == "plaintext" {
                            keep_bare(&mut rewrite);
                            break;
                        }
                        // Without its end tag the element may not be raw text after all (the
                        // parser ignores it in some places), so what follows is read as markup.
                        if let Some(text_end) = raw_ends.after(html, lower, end) {
                            keep_bare(&mut rewrite);
                            at = text_end;
                            continue;
                        }
                    }
                    if !model.close_before(lower, kind) {
                        continue;
                    }
                    if reconstructs(lower, kind) {
                        model.reconstruct();
                    }
                    namespace = match lower {
                        "svg" => Namespace::Svg,
                        "math" => Namespace::MathMl,
                        _ => Namespace::Html,
                    };
                    false
                } else {
                    let encoding = attribute(html, attributes_at, "encoding");
                    is_integration_point(namespace, lower, encoding)
                };
                if model.depth() < MAX_DEPTH {
                    let template = namespace == Namespace::Html && lower == "template";
                    model.push(Open {
                        name,
                        attributes: html[attributes_at..end - 1].trim(),
                        kind,
                        namespace,
                        integration,
                        fresh_template: template,
                        column_template: false,
                    });
                    keep_bare(&mut rewrite);
                } else if kind & kind::HIDDEN != 0 || namespace != Namespace::Html {
                    removal = Some(Removal {
                        name,
                        foreign: namespace != Namespace::Html,
                        open: 1,
                        start: lt,
                    });
                } else {
                    if lower == "p" {
                        dropped_p += 1;
                    }
                    let with = if kind & kind::PHRASING != 0 { "" } else { " " };
                    rewrite.replace(lt, end, with);
                }
            }
            Token::End { name, end } => {
                at = end;
                if let Some(removing) = removal.as_mut() {
                    if removing.name.eq_ignore_ascii_case(name) {
                        removing.open -= 1;
                        if removing.open == 0 {
                            rewrite.replace(removing.start, end, " ");
                            removal = None;
                        }
                    }
                    continue;
                }
                let mut buffer = [0u8; 16];
                let lower = lowercase(name, &mut buffer);
                let kind = element_kind(lower);
                let in_foreign = model
                    .open
                    .last()
                    .is_some_and(|top| top.namespace != Namespace::Html);
                let closed = if in_foreign {
                    model.end_foreign(lower, kind)
                } else {
                    model.end(lower, kind)
                };
                if !closed && lower == "p" && dropped_p > 0 {
                    dropped_p -= 1;
                    rewrite.replace(lt, end, " ");
                }
            }
        }
    }
    if let Some(removing) = removal {
        rewrite.replace(removing.start, html.len(), "");
    }
    rewrite.finish()
}

/// The lower-case form of a short tag name, written into `buffer`; longer names are no element
/// the model knows, and come back empty.
fn lowercase<'b>(name: &str, buffer: &'b mut [u8; 16]) -> &'b str {
    let Some(slot) = buffer.get_mut(..name.len()) else {
        return "";
    };
    slot.copy_from_slice(name.as_bytes());
    slot.make_ascii_lowercase();
    std::str::from_utf8(slot).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    const NEWS: &[u8] = include_bytes!("../../tests/fixtures/html/news-article.html");
    const HOSTILE: &[u8] = include_bytes!("../../tests/fixtures/html/hostile.html");
    const WINDOWS_1252: &[u8] = include_bytes!("../../tests/fixtures/html/windows-1252.html");
    const UTF16LE: &[u8] = include_bytes!("../../tests/fixtures/html/utf16le-bom.html");
    const SHORT: &[u8] = include_bytes!("../../tests/fixtures/html/short-notice.html");

    fn import(bytes: &[u8]) -> NewDocument {
        parse(bytes, "page.html").unwrap().document
    }

    fn text_of(html: &str) -> String {
        body_text(&Document::from(html))
    }

    #[test]
    fn a_news_page_keeps_only_the_article_text() {
        let doc = parse(NEWS, "news-article.html").unwrap().document;
        // The headline opens the text; byline, share bar, newsletter box and related links
        // are gone.
        assert_eq!(
            doc.text,
            "Ministers clash over grain corridor\n\n\
             Ukraine’s agriculture minister said on Friday that the Black Sea grain corridor \
             “will stay open whatever happens”, rejecting claims from Moscow that shipments had \
             been suspended. 🇺🇦\n\
             \n\
             “We are not going to be intimidated,” she told reporters in Odesa, adding that \
             exporters had shipped 3.2 million tonnes since January & that insurers remained \
             “cautiously optimistic”. Her deputy, Rene\u{301} Marchenko, called the night’s talks \
             “the best news in months 😀”.\n\
             \n\
             Reactions abroad\n\
             \n\
             In Cairo, a trade ministry spokesman said the deal was “اتفاق مهم” (an important \
             agreement), while an Israeli official in Jerusalem called it “צעד חשוב”, an \
             important step.\n\
             \n\
             “Food security is not a bargaining chip,” the joint statement said.\n\
             \n\
             Exports since January, according to the ministry:\n\
             \n\
             Wheat: 1.4 million tonnes\n\
             Maize: 1.1 million tonnes\n\
             Sunflower oil: 0.7 million tonnes\n\
             \n\
             A family from Mykolaiv 👩\u{200d}👩\u{200d}👧 watched the first ship leave the port \
             on Saturday morning; the harbour master said the next convoy would sail on Monday \
             if the weather held."
        );
    }

    #[test]
    fn metadata_comes_from_open_graph_and_meta_tags() {
        let doc = parse(NEWS, "news-article.html").unwrap().document;
        assert_eq!(doc.title, "Ministers clash over grain corridor");
        assert_eq!(doc.author.as_deref(), Some("Marta Kovalenko"));
        assert_eq!(doc.date, NaiveDate::from_ymd_opt(2025, 3, 14));
        assert_eq!(
            doc.url.as_deref(),
            Some("https://ledger.example/world/2025/03/14/grain-corridor")
        );
        assert_eq!(doc.language.as_deref(), Some("en-GB"));
        assert_eq!(doc.source.as_deref(), Some("news-article.html"));
        assert_eq!(
            serde_json::Value::Object(doc.metadata),
            serde_json::json!({
                "site_name": "The Daily Ledger",
                "description": "Kyiv insists the Black Sea route stays open; Cairo and Jerusalem welcome the deal.",
            })
        );
    }

    #[test]
    fn scripts_and_handlers_never_survive_as_markup() {
        let doc = import(HOSTILE);
        for needle in [
            "<",
            "script",
            "onerror",
            "javascript:",
            "alert",
            "pwned",
            "hidden by",
        ] {
            assert!(!doc.text.contains(needle), "{needle:?} in {:?}", doc.text);
        }
        // The `">` is what a browser shows too: it is left over from a broken attribute.
        assert_eq!(
            doc.text,
            "Talks resume in Geneva\n\n\
             Negotiators returned to Geneva on Tuesday after a three-week pause, officials said, \
             and both delegations described the first session as “constructive” despite the \
             difficult agenda ahead of them.\n\
             \n\
             The mediator told reporters that a draft text would be circulated before the \
             weekend, and that observers from three neighbouring states had been invited.\n\
             \n\
             \">\n\
             \n\
             Neither side would say whether the ceasefire lines were discussed, but a senior \
             diplomat said the mood was “better than expected” and that technical teams would \
             keep working through the night.\n\
             \n\
             The next round is scheduled for March, according to the mediator’s office."
        );
        assert_eq!(doc.title, "Talks resume in Geneva");
        assert_eq!(doc.url, None, "javascript: addresses are not kept");
    }

    #[test]
    fn a_windows_1252_page_decodes() {
        let doc = import(WINDOWS_1252);
        assert_eq!(
            doc.text,
            "Le café rouvre\n\n\
             « C’est un nouveau départ », a déclaré la propriétaire du café de la place, où les \
             prix — en € — n’ont pas bougé depuis 2019 et où les habitués attendaient depuis des \
             mois la fin des travaux.\n\
             \n\
             Les clients ont salué la réouverture : “enfin”, disait l’un d’eux en commandant un \
             café crème à 2,50 €, tandis que le maire promettait une terrasse plus grande pour \
             l’été prochain."
        );
        // The page's heading, which its <title> repeats with the site's name.
        assert_eq!(doc.title, "Le café rouvre");
        assert_eq!(doc.author.as_deref(), Some("Renée Dubois"));
        assert_eq!(doc.date, NaiveDate::from_ymd_opt(2024, 11, 5));
        assert_eq!(doc.language.as_deref(), Some("fr"));
    }

    #[test]
    fn a_utf16le_page_with_a_byte_order_mark_decodes() {
        let doc = import(UTF16LE);
        assert_eq!(
            doc.text,
            "قمة القاهرة\n\n\
             قال المتحدث إن الاتفاق “مهم جدًا” 🇪🇬، وقال مسؤول إسرائيلي: “צעד חשוב”.\n\
             \n\
             A family 👩\u{200d}👩\u{200d}👧 from Cafe\u{301} Street waved 😀."
        );
        assert_eq!(doc.title, "قمة القاهرة");
        assert_eq!(doc.language.as_deref(), Some("ar"));
    }

    #[test]
    fn a_page_without_an_article_falls_back_to_the_visible_body_text() {
        let doc = import(SHORT);
        assert_eq!(
            doc.text,
            "Correction\n\
             \n\
             An earlier version of this story misstated the minister’s first name. It is \
             Marta, not Maria."
        );
        assert_eq!(doc.title, "Correction");
    }

    #[test]
    fn without_meta_tags_the_markup_gives_title_date_and_author() {
        let doc = import(
            b"<html><head><title>  Port \n reopens </title></head><body><article>\
              <p class=byline>By <a rel=author href=/a>Jane  Doe</a></p>\
              <time datetime='2024-02-03T10:00'>3 February</time>\
              <p>The port reopened on Saturday.</p></article></body></html>",
        );
        assert_eq!(doc.title, "Port reopens");
        assert_eq!(doc.author.as_deref(), Some("Jane Doe"));
        assert_eq!(doc.date, NaiveDate::from_ymd_opt(2024, 2, 3));
        assert_eq!(doc.url, None);
        assert_eq!(doc.language, None);
        assert!(doc.metadata.is_empty());
    }

    #[test]
    fn json_ld_gives_title_date_and_authors_when_the_meta_tags_do_not() {
        let doc = import(
            br#"<html><head><script type="application/ld+json">{"@context":"https://schema.org",
            "@type":"NewsArticle","headline":"Port reopens","datePublished":"2022-01-02T05:00:00Z",
            "author":[{"@type":"Person","name":"A One"},{"@type":"Person","name":"B Two"}]}</script>
            </head><body><p>The port reopened.</p></body></html>"#,
        );
        assert_eq!(doc.title, "Port reopens");
        assert_eq!(doc.date, NaiveDate::from_ymd_opt(2022, 1, 2));
        assert_eq!(doc.author.as_deref(), Some("A One, B Two"));
    }

    #[test]
    fn meta_name_date_and_og_url_are_used_before_json_ld_and_relative_links() {
        let doc = import(
            br#"<html><head><meta name="date" content="2023-07-08">
            <link rel="canonical" href="/relative/path">
            <meta property="og:url" content="https://ledger.example/a">
            <meta property="og:description" content="Not the description">
            <script type="application/ld+json">{"@context":"https://schema.org",
            "@type":"NewsArticle","datePublished":"2022-01-02"}</script>
            </head><body><p>Body words.</p></body></html>"#,
        );
        assert_eq!(doc.date, NaiveDate::from_ymd_opt(2023, 7, 8));
        assert_eq!(doc.url.as_deref(), Some("https://ledger.example/a"));
        assert!(doc.metadata.is_empty());
    }

    #[test]
    fn the_first_line_is_the_title_when_the_page_names_none() {
        let doc = import(b"<body><p>First line here.</p><p>Second line.</p></body>");
        assert_eq!(doc.title, "First line here.");
        assert_eq!(doc.text, "First line here.\n\nSecond line.");
        assert_eq!(doc.source.as_deref(), Some("page.html"));
    }

    #[test]
    fn the_text_keeps_paragraphs_lines_and_preformatted_blocks() {
        let text = text_of(
            "<body>\n  <h2>Heading</h2><p>First   paragraph\n\twith a\u{a0}line<br>and more.</p>\
             <ul><li>One</li><li>Two <b>bold</b></li></ul><p>a<br><br>b</p>\
             <pre>  keep\n     this</pre>\
             <table><tr><th>Name</th><th>Age</th></tr><tr><td>Ann</td><td>41</td></tr></table>\
             <p>&quot;Tom &amp; Jerry&quot; &#x1F600; caf&eacute;<span>s</span> <!-- gone --></p>\
             <div>outer <div>inner</div> tail</div></body>",
        );
        assert_eq!(
            text,
            "Heading\n\
             \n\
             First paragraph with a line\n\
             and more.\n\
             \n\
             One\n\
             Two bold\n\
             \n\
             a\n\
             \n\
             b\n\
             \n  keep\n     this\n\
             \n\
             Name Age\n\
             Ann 41\n\
             \n\
             \"Tom & Jerry\" 😀 cafés\n\
             \n\
             outer\n\
             \n\
             inner\n\
             \n\
             tail"
        );
    }

    #[test]
    fn escaped_markup_is_kept_as_the_text_a_reader_sees() {
        assert_eq!(
            import(b"<p>Use &lt;b&gt; for bold</p>").text,
            "Use <b> for bold"
        );
    }

    #[test]
    fn pages_without_text_are_empty() {
        for page in [
            "",
            " \n\t",
            "<!-- only a comment -->",
            "<html><head><title>Only a title</title></head><body><script>x()</script></body></html>",
            "<svg><text>drawn, not written</text></svg><img alt=picture>",
        ] {
            assert_eq!(
                parse(page.as_bytes(), "empty.html"),
                Err(FormatError::Empty("empty.html".into())),
                "{page:?}"
            );
        }
    }

    #[test]
    fn binary_input_is_refused_as_not_text() {
        let err = parse(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image.html").unwrap_err();
        assert_eq!(err.code(), "not_text");
    }

    #[test]
    fn ordinary_pages_are_parsed_unchanged() {
        for page in [NEWS, HOSTILE, SHORT] {
            let html = decode::text(page).unwrap();
            assert!(matches!(limit_nesting(&html), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn sloppy_but_ordinary_markup_is_never_flattened() {
        // What real pages do without end tags, repeated far more often than any page does.
        // (Not a `<form>` inside an unclosed `<font>`: that nests in browsers too.)
        let icon =
            r#"<svg viewBox="0 0 24 24"><path d="M0 0h24"/><path d="M1 1"/><circle r=1 /></svg>"#;
        let mut page =
            String::from("<!doctype html><html><head><title>Sloppy</title></head><body>");
        page += "<ul>";
        for i in 0..300 {
            page += &format!("<li><a href=/s/{i}>{icon} Section {i}</a>");
        }
        page += "</ul><table>";
        for i in 0..300 {
            page += &format!("<tr><td>{i}<td><font color=red>cell<td><b>bold <i>both</b> it</i>");
        }
        page += "</table><select>";
        for i in 0..300 {
            page += &format!("<option value={i}>Option {i}");
        }
        page += "</select><dl>";
        for i in 0..300 {
            page += &format!("<dt>Term {i}<dd>Definition <p>para");
        }
        page += "</dl>";
        for i in 0..300 {
            page += &format!(
                "<p><font face=Arial>Paragraph {i} <script>var t = '<div><div><span>';</script>\
                 <input name=q><button>Go</button><br><img src=x.png>"
            );
        }
        page += "</body></html>";
        assert!(matches!(limit_nesting(&page), Cow::Borrowed(_)));
        let doc = import(page.as_bytes());
        assert!(doc.text.contains("Paragraph 299"), "{}", &doc.text[..200]);
    }

    #[test]
    fn a_hundred_thousand_nested_divs_are_flattened_quickly() {
        let n = 100_000;
        let html = format!(
            "<title>Deep</title>{}Deep text{}<p>After.</p>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let started = std::time::Instant::now();
        let doc = parse(html.as_bytes(), "deep.html").unwrap().document;
        let took = started.elapsed();
        assert_eq!(doc.text, "Deep text\n\nAfter.");
        assert_eq!(doc.title, "Deep");
        // About a second in a debug build; unflattened, parsing alone takes many minutes.
        assert!(took.as_secs() < 20, "took {took:?}");
    }

    #[test]
    fn hostile_nesting_patterns_stay_shallow() {
        let n = 20_000;
        let distinct = |pattern: &str| -> String {
            (0..n / 4)
                .map(|i| pattern.replace("#", &i.to_string()))
                .collect()
        };
        let cases = [
            "<div>".repeat(n),
            "<b>".repeat(n),
            "<div/>".repeat(n),
            "<x-a>".repeat(n),
            "<span><div></span>".repeat(n / 3),
            "<b><div></b>x".repeat(n / 4),
            distinct("<div><b id=#></div>x"),
            distinct("<p><i class=#>x</p>"),
            "<li><ul></li>".repeat(n / 3),
            "<div><object></div>".repeat(n / 3),
            "<table><tr><td>".repeat(n / 3),
            "<dl><dt>".repeat(n / 2),
            "<math><mi>".repeat(n / 2),
            format!("<table><tr><td><svg><td><style>{}", "<x>".repeat(n)),
            format!("<svg><p>{}", "<x/>".repeat(n)),
            format!("<select>{}", "<div>".repeat(n)),
            // Patterns fuzzing found while the model was being written, each a way the parser
            // keeps elements open that a naive model would believe closed.
            "<td><i id=1>".repeat(n / 2),
            "<image><svg>".repeat(n / 2),
            "<frameset><iframe>".repeat(n / 2),
            "<frameset><p>".repeat(n / 2),
            "</frameset>--><frameset><dialog>".repeat(n / 3),
            "<optgroup>".repeat(n),
            "<form><noscript></form>".repeat(n / 3),
            "<font color=red></button></b><button>".repeat(n / 4),
            "<ruby><dt><rb>".repeat(n / 3),
            "<x><noscript><select>".repeat(n / 3),
            "</mtext></a><mtext><menu>".repeat(n / 4),
            "<svg><foreignObject><div></svg>".repeat(n / 4),
            format!("<svg>{}", "<td>".repeat(n)),
            "<dialog></math><math><br>".repeat(n / 4),
            "</template><span><template><col><script>".repeat(n / 5),
            "<script><div>".repeat(n / 2),
            format!(
                "<select><input><i id=1>{}",
                "</noscript><optgroup>".repeat(n / 3)
            ),
            "<table><div><tr></div><td>".repeat(n / 5),
        ];
        for html in cases {
            let limited = limit_nesting(&html);
            let (depth, _) = depth_and_size(&Document::from(limited.as_ref()));
            // The tree may be deeper than the parser's stack ever was (`</form>` leaves its
            // element in the tree), but not by more than this.
            assert!(depth <= 4 * MAX_DEPTH, "{} nests {depth} deep", &html[..40]);
        }
    }

    #[test]
    fn hidden_elements_nested_too_deep_go_with_their_content() {
        let html = format!(
            "{}<p>visible</p><script>var secret = 1;</script><style>p{{}}</style>\
             <svg><text>svg secret</text></svg><noscript>noscript secret</noscript>\
             <template>template secret</template><textarea>typed secret</textarea>\
             <span>and this</span>{}",
            "<div>".repeat(1000),
            "</div>".repeat(1000)
        );
        assert_eq!(import(html.as_bytes()).text, "visible and this");
    }

    #[test]
    fn tags_with_thousands_of_attributes_are_kept_bare() {
        let attributes: String = (0..5000).map(|i| format!(" a{i}=x")).collect();
        let html = format!("<p{attributes}>Words.</p><script{attributes}>hidden()</script>");
        let limited = limit_nesting(&html);
        assert_eq!(limited, "<p>Words.</p><script>hidden()</script>");
        assert_eq!(import(html.as_bytes()).text, "Words.");
    }

    /// Pieces of markup that shuffle into tag soup; none of them leaves a tag open inside a
    /// quote or a comment that could swallow what follows.
    const SOUP: &[&str] = &[
        "<div>",
        "</div>",
        "<p>",
        "</p>",
        "<b>",
        "</b>",
        "<i>",
        "<a href=x>",
        "</a>",
        "<li>",
        "<ul>",
        "</ul>",
        "<table>",
        "<tr>",
        "<td>",
        "</table>",
        "<svg>",
        "</svg>",
        "<math>",
        "<pre>",
        "</pre>",
        "<br>",
        "<template>",
        "<noscript>",
        "<select>",
        "<textarea>",
        "</textarea>",
        "<object>",
        "<!-- c -->",
        "<title>",
        "</title>",
        "<body>",
        "<head>",
        "<script>steal()</script>",
        "<style>p{color:red}</style>",
        "<iframe>framed</iframe>",
        "<img src=x onerror=steal()>",
        "words",
        " ",
        "\n",
        "&amp;",
        "😀",
        "e\u{301}",
        "قال",
    ];

    proptest! {
        // The default number of cases; failures are reported, not written into the source tree.
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
            let _ = parse(&bytes, "any.html");
        }

        #[test]
        fn arbitrary_strings_never_panic(text in any::<String>()) {
            let _ = parse(text.as_bytes(), "any.html");
        }

        #[test]
        fn json_ld_of_any_shape_never_panics(
            json in prop_oneof![any::<String>(), "[{}\\[\\]\":,@a-zA-Z0-9 .\\\\-]{0,300}"]
        ) {
            let html = format!(
                "<script type=\"application/ld+json\">{json}</script><p>Body.</p>"
            );
            let _ = parse(html.as_bytes(), "ld.html");
        }

        #[test]
        fn tag_soup_never_leaks_script_content(
            pieces in prop::collection::vec(prop::sample::select(SOUP), 0..80)
        ) {
            let html = pieces.concat();
            match parse(html.as_bytes(), "soup.html") {
                Ok(doc) => {
                    let text = doc.document.text;
                    for needle in ["steal", "color:red", "framed", "<"] {
                        prop_assert!(!text.contains(needle), "{needle:?} in {text:?}");
                    }
                    prop_assert_eq!(text.trim(), text.as_str());
                    prop_assert!(!text.is_empty());
                }
                Err(err) => prop_assert_eq!(err, FormatError::Empty("soup.html".into())),
            }
        }
    }
}
