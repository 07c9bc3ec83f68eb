//! Markdown: the text as a reader sees it rendered, without the markup.
//!
//! The file is rendered to plain text from `pulldown-cmark`'s events: paragraphs separated by a
//! blank line, headings on their own line, list items as `- item` or `1. item`, emphasis markers
//! dropped, links reduced to their text, code kept as written. Raw HTML is dropped entirely,
//! never passed through: an analyst's document is text, and markup in it could only be a way to
//! smuggle script into the app. A YAML front matter block at the very top may give the title,
//! date and author; its other keys are kept as metadata.

use claimdesk_core::document::cap_title;
use claimdesk_core::NewDocument;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::read::decode;
use crate::read::plaintext::{date_prefix, Gap, PlainText};
use crate::{FormatError, ImportedDocument};

/// Reads a Markdown file. `name` (the file name) becomes the document's source.
pub fn parse(bytes: &[u8], name: &str) -> Result<ImportedDocument, FormatError> {
    let source = decode::text(bytes)?;
    // One kind of line ending keeps code blocks and front matter simple to read.
    let source = source.replace("\r\n", "\n").replace('\r', "\n");
    let (front_matter, body) = split_front_matter(&source);
    let rendered = render(body);
    if rendered.text.is_empty() {
        return Err(FormatError::Empty(name.to_string()));
    }

    let mut doc = NewDocument::from_plain_text(&rendered.text, name);
    if let Some(heading) = rendered.first_heading {
        doc.title = cap_title(&heading);
    }
    for (key, value) in front_matter {
        match key.to_ascii_lowercase().as_str() {
            // Block scalars may spread a title or a byline over lines; they read as one.
            "title" => doc.title = cap_title(&one_line(&value)),
            "author" | "authors" => doc.author = Some(one_line(&value)),
            "date" => match date_prefix(&value) {
                Some(date) => doc.date = Some(date),
                // A date that does not read as one is kept as written rather than lost.
                None => {
                    doc.metadata.insert(key, serde_json::Value::String(value));
                }
            },
            _ => {
                doc.metadata.insert(key, serde_json::Value::String(value));
            }
        }
    }
    Ok(ImportedDocument::plain(doc))
}

/// Whitespace, line breaks included, collapsed to single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// Front matter
// ---------------------------------------------------------------------------------------------

/// Splits a YAML front matter block (`---` on the first line, up to a line `---` or `...`) from
/// the Markdown after it. A block that does not look like YAML keys is left as Markdown, since
/// a document may just as well open with a thematic break.
fn split_front_matter(source: &str) -> (Vec<(String, String)>, &str) {
    let Some(rest) = source.strip_prefix("---") else {
        return (Vec::new(), source);
    };
    let Some(first_newline) = rest.find('\n') else {
        return (Vec::new(), source);
    };
    if !rest[..first_newline].trim().is_empty() {
        return (Vec::new(), source);
    }
    let block_start = 3 + first_newline + 1;
    let mut at = block_start;
    let mut lines = Vec::new();
    loop {
        let line_end = source[at..].find('\n').map_or(source.len(), |i| at + i);
        let line = &source[at..line_end];
        if matches!(line.trim_end(), "---" | "...") {
            let body_start = (line_end + 1).min(source.len());
            return match front_matter_keys(&lines) {
                Some(keys) => (keys, &source[body_start..]),
                None => (Vec::new(), source),
            };
        }
        lines.push(line);
        if line_end >= source.len() {
            // No closing line: this was never front matter.
            return (Vec::new(), source);
        }
        at = line_end + 1;
    }
}

/// The keys of a front matter block and their values as strings, or `None` when the block is
/// not a YAML mapping. Lists become comma-separated strings; block scalars keep their lines
/// (`|`) or fold them (`>`); nested mappings become `key: value` pairs separated by commas.
fn front_matter_keys(lines: &[&str]) -> Option<Vec<(String, String)>> {
    let mut keys: Vec<(String, String)> = Vec::new();
    // The key whose value continues on the following lines.
    let mut open: Option<Continued> = None;
    for line in lines {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        let item = trimmed
            .strip_prefix("- ")
            .or((trimmed == "-").then_some(""));
        if indented || item.is_some() {
            let continued = open.as_mut()?;
            match (continued.how, item) {
                (Join::Unknown | Join::List, Some(item)) => {
                    continued.how = Join::List;
                    continued.parts.push(scalar(item));
                }
                (Join::Unknown, None) => {
                    continued.how = Join::Mapping;
                    continued.parts.push(trimmed.to_string());
                }
                _ => continued.parts.push(trimmed.to_string()),
            }
            continue;
        }
        if let Some(done) = open.take() {
            keys.extend(done.finish());
        }
        let (key, value) = trimmed.split_once(':')?;
        let key = unquote(key);
        if key.is_empty() || key.chars().count() > 64 {
            return None;
        }
        let value = value.trim();
        let how = match value.chars().next() {
            None => Some(Join::Unknown),
            Some('|') => Some(Join::Lines),
            Some('>') => Some(Join::Folded),
            _ => None,
        };
        if let Some(how) = how {
            open = Some(Continued {
                key,
                how,
                parts: Vec::new(),
            });
        } else if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            let items: Vec<String> = inner
                .split(',')
                .map(scalar)
                .filter(|item| !item.is_empty())
                .collect();
            if !items.is_empty() {
                keys.push((key, items.join(", ")));
            }
        } else {
            let value = scalar(value);
            if !matches!(value.as_str(), "" | "~" | "null") {
                keys.push((key, value));
            }
        }
    }
    if let Some(done) = open.take() {
        keys.extend(done.finish());
    }
    Some(keys)
}

/// A key whose value is written on the lines after it.
struct Continued {
    key: String,
    how: Join,
    parts: Vec<String>,
}

/// How the lines of a continued value are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Join {
    /// Nothing but the key so far: the next line tells.
    Unknown,
    /// `- item` lines.
    List,
    /// Indented `key: value` lines.
    Mapping,
    /// A literal block scalar (`|`): lines kept.
    Lines,
    /// A folded block scalar (`>`): lines joined by spaces.
    Folded,
}

impl Continued {
    fn finish(self) -> Option<(String, String)> {
        let separator = match self.how {
            Join::Lines => "\n",
            Join::Folded => " ",
            Join::Unknown | Join::List | Join::Mapping => ", ",
        };
        let value = self.parts.join(separator).trim().to_string();
        (!value.is_empty()).then_some((self.key, value))
    }
}

/// A YAML scalar as text: quotes removed, a plain scalar's trailing comment dropped.
fn scalar(value: &str) -> String {
    let value = value.trim();
    if value.starts_with(['"', '\'']) {
        return unquote(value);
    }
    let value = match value.find(" #") {
        Some(comment) => &value[..comment],
        None => value,
    };
    value.trim().to_string()
}

/// The text inside single or double quotes, with YAML's escapes undone.
fn unquote(value: &str) -> String {
    let value = value.trim();
    if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        }
        return out;
    }
    value.to_string()
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

/// The rendered text and the first heading's text, the document's natural title.
struct Rendered {
    text: String,
    first_heading: Option<String>,
}

/// Nested list items are indented two spaces a level, up to this many levels, so that a
/// thousand nested lists cannot make the text quadratic in size.
const MAX_INDENT_LEVELS: usize = 8;

/// Inline HTML elements whose content is not text a reader sees: when such an element is
/// opened inside a paragraph, the text up to its closing tag is dropped too.
const HIDDEN_INLINE: [&str; 13] = [
    "script", "style", "textarea", "title", "iframe", "noscript", "template", "svg", "math",
    "object", "xmp", "noembed", "noframes",
];

struct Renderer {
    text: PlainText,
    /// The open lists: the next item's number, or `None` for bullets.
    lists: Vec<Option<u64>>,
    in_code_block: bool,
    /// Inside an image, whose description is no part of the text.
    in_image: usize,
    /// The hidden inline HTML element whose text is being dropped.
    hidden_html: Option<&'static str>,
    /// Cells written so far in the current table row.
    cells: usize,
    /// The first heading's text while it is being read.
    heading: Option<String>,
    /// The first heading's text once it has been read.
    first_heading: Option<String>,
}

fn render(markdown: &str) -> Rendered {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut r = Renderer {
        text: PlainText::default(),
        lists: Vec::new(),
        in_code_block: false,
        in_image: 0,
        hidden_html: None,
        cells: 0,
        heading: None,
        first_heading: None,
    };
    for event in Parser::new_ext(markdown, options) {
        r.event(event);
    }
    let text = r.text.finish();
    Rendered {
        text,
        first_heading: r.first_heading,
    }
}

impl Renderer {
    /// The break around a block: a blank line, or a line break inside a list, whose items are
    /// kept together.
    fn block_gap(&mut self) {
        if self.lists.is_empty() {
            self.text.gap(Gap::Paragraph);
        } else {
            self.text.gap(Gap::Line);
        }
    }

    fn heading_text(&mut self, text: &str) {
        if let Some(heading) = self.heading.as_mut() {
            heading.push_str(text);
        }
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                if self.in_image > 0 || self.hidden_html.is_some() {
                    return;
                }
                self.heading_text(&text);
                if self.in_code_block {
                    self.text.verbatim(&text);
                } else {
                    self.text.words(&text);
                }
            }
            Event::Code(code) => {
                if self.in_image > 0 || self.hidden_html.is_some() {
                    return;
                }
                self.heading_text(&code);
                self.text.verbatim(&code);
            }
            Event::InlineHtml(html) => self.inline_html(&html),
            Event::SoftBreak => {
                self.heading_text(" ");
                self.text.gap(Gap::Space);
            }
            Event::HardBreak => {
                self.heading_text(" ");
                self.text.gap(Gap::Line);
            }
            Event::Rule => self.block_gap(),
            // Block HTML is dropped whole; footnotes, task markers and maths are not enabled.
            Event::Html(_)
            | Event::FootnoteReference(_)
            | Event::TaskListMarker(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => {}
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph | Tag::BlockQuote(_) => self.block_gap(),
            Tag::Heading { .. } => {
                self.block_gap();
                if self.first_heading.is_none() {
                    self.heading = Some(String::new());
                }
            }
            Tag::CodeBlock(_) => {
                self.block_gap();
                self.in_code_block = true;
            }
            Tag::List(start) => {
                self.block_gap();
                self.lists.push(start);
            }
            Tag::Item => {
                self.text.gap(Gap::Line);
                let levels = self.lists.len().saturating_sub(1).min(MAX_INDENT_LEVELS);
                let mut marker = "  ".repeat(levels);
                match self.lists.last_mut() {
                    Some(Some(number)) => {
                        marker.push_str(&format!("{number}. "));
                        *number = number.saturating_add(1);
                    }
                    _ => marker.push_str("- "),
                }
                self.text.prefix = Some(marker);
            }
            Tag::Table(_) => self.block_gap(),
            Tag::TableHead | Tag::TableRow => {
                self.text.gap(Gap::Line);
                self.cells = 0;
            }
            Tag::TableCell if self.cells > 0 => {
                self.text.flush();
                self.text.out.push_str(" | ");
            }
            Tag::Image { .. } => self.in_image += 1,
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::BlockQuote(_) | TagEnd::Table => self.block_gap(),
            TagEnd::Heading(_) => {
                self.block_gap();
                if let Some(heading) = self.heading.take() {
                    let heading = heading.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !heading.is_empty() {
                        self.first_heading = Some(heading);
                    }
                }
            }
            TagEnd::CodeBlock => {
                self.in_code_block = false;
                self.block_gap();
            }
            TagEnd::List(_) => {
                self.lists.pop();
                self.block_gap();
            }
            TagEnd::Item => {
                self.text.gap(Gap::Line);
                self.text.prefix = None;
            }
            TagEnd::TableHead | TagEnd::TableRow => self.text.gap(Gap::Line),
            TagEnd::TableCell => self.cells += 1,
            TagEnd::Image => self.in_image = self.in_image.saturating_sub(1),
            _ => {}
        }
        if !matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript
        ) {
            // An unclosed hidden element ends with the block it was opened in.
            self.hidden_html = None;
        }
    }

    /// Inline HTML is never written; only whether it opens or closes a hidden element matters.
    fn inline_html(&mut self, html: &str) {
        let Some(tag) = html.trim_start().strip_prefix('<') else {
            return;
        };
        let (closing, tag) = match tag.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, tag),
        };
        let name_len = tag
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tag.len());
        let name = &tag[..name_len];
        if !closing && name.eq_ignore_ascii_case("br") {
            // A line break written as HTML still separates the words around it.
            self.heading_text(" ");
            self.text.gap(Gap::Line);
            return;
        }
        match self.hidden_html {
            Some(open) if closing && name.eq_ignore_ascii_case(open) => self.hidden_html = None,
            Some(_) => {}
            None if !closing && !html.trim_end().ends_with("/>") => {
                self.hidden_html = HIDDEN_INLINE
                    .iter()
                    .copied()
                    .find(|hidden| name.eq_ignore_ascii_case(hidden));
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    const NEWS: &[u8] = include_bytes!("../../tests/fixtures/markdown/news-article.md");
    const HOSTILE: &[u8] = include_bytes!("../../tests/fixtures/markdown/hostile.md");

    fn import(markdown: &str) -> NewDocument {
        parse(markdown.as_bytes(), "notes.md").unwrap().document
    }

    #[test]
    fn a_news_article_renders_as_plain_text() {
        let doc = parse(NEWS, "news-article.md").unwrap().document;
        assert_eq!(
            doc.text,
            "Ministers clash over grain corridor\n\
             \n\
             Odesa — Ukraine’s agriculture minister said on Friday that the Black Sea grain \
             corridor “will stay open whatever happens”, rejecting claims from Moscow that \
             shipments had been suspended. 🇺🇦\n\
             \n\
             “We are not going to be intimidated,” she told reporters, adding that exporters had \
             shipped 3.2 million tonnes since January & that insurers remained pessimistic \
             “cautiously optimistic”. Her deputy, Rene\u{301} Marchenko, called the talks “the \
             best news in months 😀”.1\n\
             \n\
             Reactions abroad\n\
             \n\
             In Cairo, a spokesman said the deal was “اتفاق مهم”, while an official in Jerusalem \
             called it “צעד חשוב”.\n\
             \n\
             “Food security is not a bargaining chip,” the joint statement said.\n\
             \n\
             Exports since January:\n\
             \n\
             - Wheat: 1.4 million tonnes\n\
             - Maize: 1.1 million tonnes\n  \
             1. of which feed: 0.4\n  \
             2. of which food: 0.7\n\
             - Sunflower oil: 0.7 million tonnes\n\
             \n\
             A family from Mykolaiv 👩\u{200d}👩\u{200d}👧 watched the first ship leave\n\
             on Saturday morning.\n\
             \n\
             ship  tonnes\n\
             Razoni  26000"
        );
    }

    #[test]
    fn front_matter_gives_title_date_and_author_and_keeps_other_keys() {
        let doc = parse(NEWS, "news-article.md").unwrap().document;
        assert_eq!(doc.title, "Ministers clash over grain corridor");
        assert_eq!(doc.date, NaiveDate::from_ymd_opt(2025, 3, 14));
        assert_eq!(doc.author.as_deref(), Some("Marta Kovalenko"));
        assert_eq!(doc.source.as_deref(), Some("news-article.md"));
        assert_eq!(
            serde_json::Value::Object(doc.metadata),
            serde_json::json!({
                "source_url": "https://ledger.example/world/2025/03/14/grain-corridor",
                "tags": "ukraine, trade, black sea",
                "desk": "World",
            })
        );
    }

    #[test]
    fn html_blocks_and_inline_html_never_pass_through() {
        let doc = parse(HOSTILE, "hostile.md").unwrap().document;
        for needle in [
            "<",
            "script",
            "onerror",
            "javascript:",
            "alert",
            "svg label",
        ] {
            assert!(!doc.text.contains(needle), "{needle:?} in {:?}", doc.text);
        }
        assert_eq!(
            doc.text,
            "Talks resume in Geneva\n\
             \n\
             Negotiators returned to Geneva on Tuesday after a three-week pause, officials said. \
             Both delegations called the first session “constructive”.\n\
             \n\
             The mediator said a draft text would be circulated before the weekend, and that \
             observers had been invited.\n\
             \n\
             Neither side would say whether the lines were discussed — the mood was “better \
             than expected”, a diplomat said. 😀\n\
             \n\
             See the full statement."
        );
        assert_eq!(doc.title, "Talks resume in Geneva");
    }

    #[test]
    fn lists_quotes_tables_and_code_keep_their_shape() {
        let doc = import(
            "Intro with `inline  code`, *emphasis*, __strong__ and a [link](https://x.example).\n\
             \n\
             3. third\n\
             4. fourth\n\
             \n\
             - loose item\n\
             \n\
             \x20 second paragraph of it\n\
             - tight item\\\n\
             \x20 after a hard break\n\
             \n\
             > quoted\n\
             > > nested quote\n\
             \n\
             ```rust\n\
             fn main() {\n\
             \x20   println!(\"<b>\");\n\
             }\n\
             ```\n\
             \n\
             | Name | Age |\n\
             |------|-----|\n\
             | Ann  | 41  |\n\
             \n\
             ***\n\
             \n\
             Setext heading\n\
             ==============\n",
        );
        assert_eq!(
            doc.text,
            "Intro with inline  code, emphasis, strong and a link.\n\
             \n\
             3. third\n\
             4. fourth\n\
             \n\
             - loose item\n\
             second paragraph of it\n\
             - tight item\n\
             after a hard break\n\
             \n\
             quoted\n\
             \n\
             nested quote\n\
             \n\
             fn main() {\n    println!(\"<b>\");\n}\n\
             \n\
             Name | Age\n\
             Ann | 41\n\
             \n\
             Setext heading"
        );
        assert_eq!(doc.title, "Setext heading");
    }

    #[test]
    fn the_title_is_the_first_heading_else_the_first_line() {
        assert_eq!(
            import("Lead line\n\n## The *real* heading\n").title,
            "The real heading"
        );
        assert_eq!(
            import("\n\nFirst **line**\nsame paragraph\n").title,
            "First line same paragraph"
        );
        let long = format!("# {}\n", "🇺🇦".repeat(300));
        assert_eq!(import(&long).title.chars().count(), 201);
    }

    #[test]
    fn a_thematic_break_at_the_top_is_not_front_matter() {
        let doc = import("---\nJust prose, no keys here\n---\n\nBody.\n");
        assert_eq!(doc.text, "Just prose, no keys here\n\nBody.");
        assert!(doc.metadata.is_empty());
        let unclosed = import("---\ntitle: Never closed\n\nBody.\n");
        assert_eq!(unclosed.title, "title: Never closed");
    }

    #[test]
    fn front_matter_lists_block_scalars_and_quotes_become_strings() {
        let doc = import(
            "---\r\n\
             title: 'It''s \"quoted\"'\r\n\
             authors:\r\n\
             \x20 - \"Ann Lee\"\r\n\
             \x20 - Bo Chen\r\n\
             date: 14 March 2025\r\n\
             summary: >\r\n\
             \x20 Folded\r\n\
             \x20 lines\r\n\
             notes: |\r\n\
             \x20 kept\r\n\
             \x20 lines\r\n\
             publisher:\r\n\
             \x20 name: Ledger\r\n\
             \x20 city: Kyiv\r\n\
             empty: ~\r\n\
             # a comment\r\n\
             ...\r\n\
             Body 😀\r\n",
        );
        assert_eq!(doc.title, "It's \"quoted\"");
        assert_eq!(doc.author.as_deref(), Some("Ann Lee, Bo Chen"));
        assert_eq!(doc.date, None);
        assert_eq!(doc.text, "Body 😀");
        assert_eq!(
            serde_json::Value::Object(doc.metadata),
            serde_json::json!({
                "date": "14 March 2025",
                "summary": "Folded lines",
                "notes": "kept\nlines",
                "publisher": "name: Ledger, city: Kyiv",
            })
        );
    }

    #[test]
    fn documents_without_text_are_empty() {
        for markdown in [
            "",
            "  \n\n",
            "---\ntitle: Only front matter\n---\n",
            "<div>\nOnly <b>HTML</b>\n</div>\n",
            "<script>alert(1)</script>\n",
            "![just an image](x.png)\n",
        ] {
            assert_eq!(
                parse(markdown.as_bytes(), "empty.md"),
                Err(FormatError::Empty("empty.md".into())),
                "{markdown:?}"
            );
        }
        assert_eq!(parse(b"a\0b", "x.md").unwrap_err().code(), "not_text");
    }

    #[test]
    fn windows_1252_and_utf16_files_decode() {
        let doc = parse(b"# Caf\xe9\r\n\r\n\x93Quoted\x94 \x80 5\r\n", "old.md").unwrap();
        assert_eq!(doc.document.text, "Café\n\n“Quoted” € 5");
        assert_eq!(doc.document.title, "Café");
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(
            "# قال 👩\u{200d}👩\u{200d}👧\n\nאמר"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        let doc = parse(&utf16, "utf16.md").unwrap();
        assert_eq!(doc.document.text, "قال 👩\u{200d}👩\u{200d}👧\n\nאמר");
    }

    #[test]
    fn deeply_nested_markdown_renders_quickly() {
        let started = std::time::Instant::now();
        let quotes = format!("{} deep", ">".repeat(100_000));
        assert_eq!(import(&quotes).text, "deep");
        let lists = format!("{} deep", "- ".repeat(100_000));
        let text = import(&lists).text;
        assert!(text.ends_with("- deep"));
        assert!(text
            .lines()
            .all(|line| line.len() <= 2 * MAX_INDENT_LEVELS + 6));
        let emphasis = format!("{}deep{}", "*".repeat(100_000), "*".repeat(100_000));
        assert_eq!(import(&emphasis).text, "deep");
        assert!(
            started.elapsed().as_secs() < 20,
            "took {:?}",
            started.elapsed()
        );
    }

    /// Markdown pieces that shuffle into documents; none of them can make code (a fence, or
    /// four spaces of indentation), whose text is kept literally, or escapes, which make `<`
    /// into text.
    const SOUP: &[&str] = &[
        "# ",
        "## ",
        "- ",
        "1. ",
        "> ",
        "*",
        "**",
        "_",
        "~~x~~",
        "[",
        "]",
        "(",
        ")",
        "](x)",
        "![",
        "---",
        "| a |",
        "|---|",
        "\n",
        "\n\n",
        " words",
        "words ",
        "😀",
        "e\u{301}",
        "قال",
        "<div>",
        "</div>",
        "<b>",
        "</b>",
        "<span>",
        "<br>",
        "<!-- c -->",
        "<textarea>",
        "</textarea>",
        "<script>steal()</script>",
        "<style>p{color:red}</style>",
        "<iframe>framed</iframe>",
        "<svg><text>drawn</text></svg>",
        "<img src=x onerror=steal()>",
        "<a href=\"javascript:steal()\">",
    ];

    proptest! {
        // The default number of cases; failures are reported, not written into the source tree.
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
            let _ = parse(&bytes, "any.md");
        }

        #[test]
        fn arbitrary_strings_never_panic(text in any::<String>()) {
            let _ = parse(text.as_bytes(), "any.md");
        }

        #[test]
        fn front_matter_of_any_shape_never_panics(
            yaml in prop_oneof![any::<String>(), "[a-z:\\- \n'\"|>#\\[\\],~\\\\]{0,300}"]
        ) {
            let markdown = format!("---\n{yaml}\n---\nBody.\n");
            let _ = parse(markdown.as_bytes(), "front.md");
        }

        #[test]
        fn markdown_soup_never_leaks_html(
            pieces in prop::collection::vec(prop::sample::select(SOUP), 0..80)
        ) {
            let markdown = pieces.concat();
            match parse(markdown.as_bytes(), "soup.md") {
                Ok(doc) => {
                    let text = doc.document.text;
                    for needle in ["steal", "color:red", "framed", "drawn", "<"] {
                        prop_assert!(!text.contains(needle), "{needle:?} in {text:?}");
                    }
                    prop_assert_eq!(text.trim(), text.as_str());
                    prop_assert!(!text.is_empty());
                }
                Err(err) => prop_assert_eq!(err, FormatError::Empty("soup.md".into())),
            }
        }
    }
}
