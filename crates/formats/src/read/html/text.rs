//! The page's text written out: paragraphs separated by a blank line, list items and table rows
//! on their own lines, whitespace collapsed, and nothing but text nodes.

use dom_query::NodeRef;

use crate::read::plaintext::{Gap, PlainText};

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
pub(super) fn visible_text(root: &NodeRef) -> String {
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
