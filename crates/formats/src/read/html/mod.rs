//! HTML pages: the article's main text as plain text, plus what the page says about itself.
//!
//! The main text is found with `dom_smoothie` (a port of readability.js), which drops navigation,
//! headers, footers, share buttons and other boilerplate. When it finds no article (short pages),
//! the visible text of `<body>` is used instead. Before either, the `boilerplate` module finds the
//! headline and cuts the page down (nothing above the headline, no share bars, bylines, captions,
//! newsletter boxes); after, it drops boilerplate lines that are left. The headline opens the
//! text as its own paragraph and is the document's title. Either way the text is written out by
//! `text::TextWriter`: paragraphs separated by a blank line, list items and table rows on their own
//! lines, whitespace collapsed, and nothing but text nodes, so no markup can survive.
//!
//! Arbitrary input must neither hang nor crash the import. `html5ever` and `dom_smoothie` both
//! slow down quadratically with the nesting depth of the page, so [`limit_nesting`] flattens
//! anything nested deeper than [`MAX_DEPTH`] before the page is parsed; no real page comes close.

mod meta;
mod nesting;
#[cfg(test)]
mod tests;
mod text;
mod tokens;

use claimdesk_core::document::cap_title;
use claimdesk_core::NewDocument;
use dom_query::{Document, NodeRef};
use dom_smoothie::{Config, Readability, TextMode};

use crate::read::boilerplate::{cut_to_article, drop_boilerplate_lines};
use crate::read::decode;
use crate::read::plaintext::date_prefix;
use crate::{FormatError, ImportedDocument};

use meta::{author_name, clean, language_tag, looks_like_url, web_url, PageMeta};
use nesting::limit_nesting;
use text::visible_text;

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
