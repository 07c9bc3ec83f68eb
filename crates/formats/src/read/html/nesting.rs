//! The nesting limit: markup flattened below [`MAX_DEPTH`](super::MAX_DEPTH) before the page
//! is parsed, because `html5ever` and `dom_smoothie` both slow down quadratically with depth.
//!
//! To know how deep an element will open, this follows the HTML standard's tree construction
//! as far as depth is concerned: implied end tags, the scopes generic end tags search, formatting
//! elements the parser reconstructs, foreign content and what breaks out of it. No library
//! does this job for us: html5ever's tree builder has no depth limit (`TreeBuilderOpts` offers
//! none) and keeps every open element on its stack, and its tokenizer reports line numbers, not
//! the byte offsets a rewrite of the source needs; so the model and the small tokenizer in
//! [`super::tokens`] stay, kept to what depth needs.

use std::borrow::Cow;

use super::tokens::{attribute, token, RawTextEnds, Token, MAX_ATTRIBUTES};
use super::MAX_DEPTH;

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
pub(super) fn limit_nesting(html: &str) -> Cow<'_, str> {
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
