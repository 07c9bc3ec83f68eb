//! Offline suggestions for coders: who said what (attributions) and where known entities are
//! mentioned. Pure functions over text; rules, not models; no I/O.
//!
//! ```
//! use claimdesk_suggest::{find_attributions, find_mentions, Fold, Rules};
//!
//! let text = "“We must take action,” Tammy Bruce said. Officials said talks would resume.";
//! let found = find_attributions(text, Rules::english());
//! let slice = |s: claimdesk_suggest::Span| s.slice(text).to_string();
//! assert_eq!(slice(found[0].content), "“We must take action,”");
//! assert_eq!(slice(found[0].source.unwrap()), "Tammy Bruce");
//! assert_eq!(slice(found[1].content), "talks would resume");
//!
//! let names = vec![vec!["Tammy Bruce".to_string(), "Bruce".to_string()]];
//! let mentions = find_mentions(text, &names, Fold::Case);
//! assert_eq!(mentions[0].span.slice(text), "Tammy Bruce");
//! ```
//!
//! Offsets are Unicode code points (Rust `char`s, Python `str` indices), end exclusive, as
//! everywhere in Claimdesk. The language of the attribution finder lives in a data file
//! (`data/en.rules` for English, documented at its top): another language is another file
//! passed to [`Rules::parse`].

mod attribution;
mod mentions;
mod rules;
mod text;

pub use mentions::{find_mentions, Fold, Mention, MentionFinder};
pub use rules::{Rules, RulesError};

/// A half-open range `[start, end)` of Unicode code points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// The text of the span, or `""` where the span does not fit the text.
    pub fn slice(self, text: &str) -> &str {
        let mut indices = text.char_indices().map(|(b, _)| b).chain([text.len()]);
        let Some(start) = indices.nth(self.start) else {
            return "";
        };
        if self.end < self.start {
            return "";
        }
        let end = if self.end == self.start {
            Some(start)
        } else {
            indices.nth(self.end - self.start - 1)
        };
        end.map_or("", |end| &text[start..end])
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// Whether the content is quoted word for word or reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributionKind {
    /// Every part of the content is a quotation, marks included.
    Direct,
    /// Reported speech, possibly with quoted fragments ("said it would “lay the groundwork”").
    Indirect,
}

/// One suggested attribution: a content, who it is attributed to and the words that say so.
///
/// A quotation split by its cue (`“…,” Bruce added. “…”`) is one attribution: `parts` holds
/// the quoted pieces, in text order and without the cue, and `content` runs from the start of
/// the first part to the end of the last, so one Claim span can be made of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribution {
    /// From the first part's start to the last part's end.
    pub content: Span,
    /// The pieces of the content; one for a content without interruption.
    pub parts: Vec<Span>,
    /// The source as written: a name, a noun phrase or a pronoun.
    pub source: Option<Span>,
    /// The reporting words: "said", "has said", "according to".
    pub cue: Option<Span>,
    /// For a pronoun or a phrase like "the spokesperson", the earlier name it stands for.
    pub resolved: Option<Span>,
    pub kind: AttributionKind,
}

/// Finds attributions in `text`, in text order of their content.
///
/// Any text is accepted; the result's offsets always lie within it.
pub fn find_attributions(text: &str, rules: &Rules) -> Vec<Attribution> {
    let mut found = attribution::find(text, rules);
    found.sort_by_key(|a| (a.content.start, a.content.end));
    found
}
