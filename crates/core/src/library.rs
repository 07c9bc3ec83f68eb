//! The library: which documents to list, in which order, and full-text search hits.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// What the document list shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LibraryQuery {
    /// Only documents with at least one annotation of this label.
    pub label_id: Option<i64>,
    /// Only documents with at least one annotation by this annotator (by name).
    pub annotator: Option<String>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    /// Only documents nobody has annotated yet.
    pub unannotated: bool,
    /// Only the documents of this sample (a document set).
    pub set_id: Option<i64>,
    pub sort: SortKey,
    pub descending: bool,
}

/// The columns the document list sorts by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// Import order.
    #[default]
    Imported,
    Title,
    Date,
    Source,
    Annotations,
}

/// A document that matches a full-text search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub document_id: i64,
    pub title: String,
    /// The context of the best match, cut into plain and matching parts (never markup).
    pub snippet: Vec<SnippetPart>,
    /// The first match in the document text, in code points (end exclusive).
    pub first_match: Option<Range<usize>>,
    /// The same in UTF-16 code units, for a webview (found while the text is at hand).
    #[serde(default)]
    pub first_match16: Option<Range<usize>>,
}

/// The first page of a full-text search, and how many documents match.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    /// How many documents match: all of them when `complete`, else at least this many (at
    /// most [`SearchPage::RANKED_UP_TO`] are counted).
    pub matches: usize,
    pub complete: bool,
    /// The hits are the best matches first (BM25). A search matching more than
    /// [`SearchPage::RANKED_UP_TO`] documents, or whose matches take long to count (a phrase
    /// of words found in most of a million articles), answers the newest imported first
    /// instead: ranking would weigh every match, which takes seconds.
    pub ranked: bool,
}

impl SearchPage {
    pub const RANKED_UP_TO: usize = 10_000;

    /// More documents may match than `matches`.
    pub fn more(&self) -> bool {
        !self.complete
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// Splits a snippet marked with `open`/`close` characters into parts.
pub fn snippet_parts(marked: &str, open: char, close: char) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut hit = false;
    for c in marked.chars() {
        if c == open || c == close {
            if !current.is_empty() {
                parts.push(SnippetPart {
                    text: std::mem::take(&mut current),
                    hit,
                });
            }
            hit = c == open;
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        parts.push(SnippetPart { text: current, hit });
    }
    parts
}

/// Where `needle` first occurs in `text`, ignoring case: the code points it covers, end
/// exclusive. Lowercasing may change a character's length, so the end is where the match
/// ended in `text`, not the start plus the needle's length.
pub fn find_ignoring_case(text: &str, needle: &str) -> Option<Range<usize>> {
    let needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    if needle.is_empty() {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).find_map(|start| {
        let mut wanted = needle.iter();
        let mut next = wanted.next();
        for (i, c) in chars[start..].iter().enumerate() {
            for lower in c.to_lowercase() {
                match next {
                    Some(n) if *n == lower => next = wanted.next(),
                    _ => return None,
                }
            }
            if next.is_none() {
                return Some(start..start + i + 1);
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marked_snippet_splits_into_hits_and_context() {
        let parts = snippet_parts(
            "…talks in \u{2}Riyadh\u{3} on <b>\u{2}Tuesday\u{3}",
            '\u{2}',
            '\u{3}',
        );
        let shown: Vec<(&str, bool)> = parts.iter().map(|p| (p.text.as_str(), p.hit)).collect();
        assert_eq!(
            shown,
            [
                ("…talks in ", false),
                ("Riyadh", true),
                (" on <b>", false),
                ("Tuesday", true)
            ]
        );
    }

    #[test]
    fn a_match_is_found_in_code_points_whatever_the_case() {
        assert_eq!(
            find_ignoring_case("🇺🇦 Talks in RIYADH", "riyadh"),
            Some(12..18)
        );
        // "İ" lowercases to two characters; the match still ends after it in the text.
        assert_eq!(find_ignoring_case("in İstanbul", "i̇stanbul"), Some(3..11));
        assert_eq!(find_ignoring_case("abc", "x"), None);
    }
}
