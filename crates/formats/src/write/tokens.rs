//! Tokens for token-based formats (CoNLL, spaCy): words and punctuation, split at every
//! annotation boundary so spans always align to tokens.
//!
//! The rules, with offsets in code points (Python `str` indices), end exclusive:
//!
//! - A word is a run of letters and digits. It is cut into grapheme clusters first, so the
//!   combining marks, joiners and variation selectors of a letter stay inside its word
//!   (`cafe\u{301}` is one token).
//! - Every other grapheme cluster that is not whitespace is a token of its own: punctuation,
//!   symbols, emoji, a flag (two regional indicators) or a ZWJ family (`👩‍👩‍👧`). A keycap
//!   (`1️⃣`) counts as a symbol.
//! - Whitespace is Unicode `White_Space` plus U+001C..U+001F (which Python's `str.split` also
//!   splits on), so no token ever holds a space, tab or line break. A run of whitespace is one
//!   piece; CoNLL leaves it out, spaCy needs it (see [`Tokens::spacy`]).
//! - Every annotation start and end is a token boundary. That is the only reason a grapheme
//!   cluster is ever cut, or a run of whitespace split.
//! - A sentence ends at a line break, and after `.`, `!` or `?` (optionally followed by closing
//!   quotes or brackets) when whitespace follows. A sentence never ends inside an annotation, so
//!   every span lies within one sentence.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use claimdesk_core::dataset::DocumentRecord;

/// What a token is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters and digits.
    Word,
    /// One punctuation, symbol or emoji grapheme.
    Symbol,
    /// A run of whitespace (only in spaCy's token list).
    Space,
}

/// One token of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    /// Code points, end exclusive.
    pub start: usize,
    pub end: usize,
    /// The same in UTF-8 bytes, to slice the text.
    pub bytes: Range<usize>,
    pub kind: Kind,
    /// The sentence, counted from 0 within the document.
    pub sentence: usize,
    /// Whether one space follows that belongs to this token (spaCy's `whitespace_`).
    pub ws: bool,
}

impl Token {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.bytes.clone()]
    }
}

/// A document cut into pieces: tokens and runs of whitespace, in text order, covering it all.
pub(crate) struct Tokens<'d> {
    text: &'d str,
    pieces: Vec<Token>,
    /// Annotation starts and ends, sorted, without repeats.
    starts: Vec<usize>,
    ends: Vec<usize>,
}

/// The words and symbols of a text as CoNLL writes them, cut by no annotation: the units of
/// token-level agreement, so every coder's spans are laid over the same tokens. Code points,
/// end exclusive.
pub fn word_spans(text: &str) -> Vec<(usize, usize)> {
    pieces(text, &[])
        .into_iter()
        .filter(|p| p.kind != Kind::Space)
        .map(|p| (p.start, p.end))
        .collect()
}

impl<'d> Tokens<'d> {
    pub fn new(doc: &'d DocumentRecord) -> Tokens<'d> {
        let text = doc.text.as_str();
        let mut starts: Vec<usize> = doc.annotations.iter().map(|a| a.start).collect();
        let mut ends: Vec<usize> = doc.annotations.iter().map(|a| a.end).collect();
        starts.sort_unstable();
        starts.dedup();
        ends.sort_unstable();
        ends.dedup();
        let mut bounds: Vec<usize> = starts.iter().chain(&ends).copied().collect();
        bounds.sort_unstable();
        bounds.dedup();
        let pieces = pieces(text, &bounds);
        // The pieces cover the whole text, so the last one ends at its length.
        let len = pieces.last().map_or(0, |p| p.end);
        let mut tokens = Tokens {
            text,
            pieces,
            starts,
            ends,
        };
        tokens.sentences(doc, len);
        tokens
    }

    /// Numbers the sentences.
    fn sentences(&mut self, doc: &DocumentRecord, len: usize) {
        // reach[p]: the furthest end of an annotation that starts before p.
        let mut reach = vec![0usize; len + 2];
        for a in &doc.annotations {
            let i = (a.start + 1).min(len + 1);
            reach[i] = reach[i].max(a.end);
        }
        for i in 1..reach.len() {
            reach[i] = reach[i].max(reach[i - 1]);
        }
        let mut sentence = 0;
        let mut previous_end: Option<usize> = None;
        let mut terminal = false;
        let mut pending = false;
        for piece in &mut self.pieces {
            let text = &self.text[piece.bytes.clone()];
            if piece.kind == Kind::Space {
                if terminal || text.chars().any(is_line_break) {
                    pending = true;
                }
                terminal = false;
            } else {
                if pending {
                    if let Some(end) = previous_end {
                        // An annotation that began before the last token and goes on past
                        // this one keeps the sentence open.
                        if reach[end.min(len + 1)] <= piece.start {
                            sentence += 1;
                        }
                    }
                }
                pending = false;
                terminal = matches!(text, "." | "!" | "?") || (terminal && CLOSING.contains(&text));
                previous_end = Some(piece.end);
            }
            piece.sentence = sentence;
        }
    }

    /// Tokens without whitespace, as CoNLL writes them one per line.
    pub fn conll(&self) -> Vec<Token> {
        self.pieces
            .iter()
            .filter(|p| p.kind != Kind::Space)
            .cloned()
            .collect()
    }

    /// spaCy's tokens: `words` and `spaces` that give back the text exactly. A single space
    /// after a token becomes that token's `ws`; any other whitespace is a token of its own (a
    /// second space, a tab, a line break, CRLF), as spaCy's own tokenizer does. A space is
    /// kept as a token when an annotation starts with it or ends with it, so every annotation
    /// is exactly a run of tokens.
    pub fn spacy(&self) -> Vec<Token> {
        let mut out: Vec<Token> = Vec::with_capacity(self.pieces.len());
        for piece in &self.pieces {
            let mut piece = piece.clone();
            if piece.kind == Kind::Space && self.text[piece.bytes.clone()].starts_with(' ') {
                let fold = self.starts.binary_search(&piece.start).is_err()
                    && self.ends.binary_search(&(piece.start + 1)).is_err();
                if let Some(last) = out.last_mut() {
                    if fold && last.kind != Kind::Space && last.end == piece.start {
                        last.ws = true;
                        piece.start += 1;
                        piece.bytes.start += 1;
                        if piece.start == piece.end {
                            continue;
                        }
                    }
                }
            }
            out.push(piece);
        }
        out
    }
}

/// The tokens lying within `start..end`: as indices into `tokens` (sorted, not overlapping),
/// or `None` when no token does (an annotation of whitespace only).
pub(crate) fn covered(tokens: &[Token], start: usize, end: usize) -> Option<Range<usize>> {
    let first = tokens.partition_point(|t| t.start < start);
    let last = tokens.partition_point(|t| t.end <= end);
    (first < last).then_some(first..last)
}

/// Closing quotes and brackets that may follow a sentence's final `.`, `!` or `?`.
const CLOSING: [&str; 12] = [
    "\"", "'", "”", "’", "»", "›", ")", "]", "}", "」", "』", "“",
];

/// Whitespace: Unicode `White_Space`, plus the separators Python's `str.split` splits on too.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{1c}'
            ..='\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Whether a grapheme cluster belongs in a word, stands alone, or is whitespace.
fn classify(grapheme: &str) -> Kind {
    match grapheme.chars().find(|c| !is_space(*c)) {
        None => Kind::Space,
        Some(c) if c.is_alphanumeric() && !grapheme.contains(['\u{20e3}', '\u{fe0f}']) => {
            Kind::Word
        }
        Some(_) => Kind::Symbol,
    }
}

/// Cuts a text into tokens and runs of whitespace, with a token boundary at every position in
/// `bounds` (sorted).
fn pieces(text: &str, bounds: &[usize]) -> Vec<Token> {
    let is_bound = |p: usize| bounds.binary_search(&p).is_ok();

    let mut pieces: Vec<Token> = Vec::new();
    let mut push = |kind: Kind, start: usize, end: usize, bytes: Range<usize>| {
        if let Some(last) = pieces.last_mut() {
            if last.kind == kind && kind != Kind::Symbol && !is_bound(start) {
                last.end = end;
                last.bytes.end = bytes.end;
                return;
            }
        }
        pieces.push(Token {
            start,
            end,
            bytes,
            kind,
            sentence: 0,
            ws: false,
        });
    };

    let mut cp = 0;
    for (offset, grapheme) in text.grapheme_indices(true) {
        let class = classify(grapheme);
        // A grapheme is cut only at an annotation boundary, or where whitespace and
        // non-whitespace meet inside it (a combining mark after a space).
        let mut unit: Option<(Kind, usize, usize)> = None;
        for (i, c) in grapheme.char_indices() {
            let kind = if is_space(c) { Kind::Space } else { class };
            match unit {
                Some((k, s, b)) if k != kind || is_bound(cp) => {
                    push(k, s, cp, offset + b..offset + i);
                    unit = Some((kind, cp, i));
                }
                None => unit = Some((kind, cp, i)),
                Some(_) => {}
            }
            cp += 1;
        }
        if let Some((k, s, b)) = unit {
            push(k, s, cp, offset + b..offset + grapheme.len());
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::testdata::{doc, documents, HOSTILE};

    fn words(d: &DocumentRecord) -> Vec<String> {
        let tokens = Tokens::new(d);
        tokens
            .conll()
            .iter()
            .map(|t| t.text(&d.text).to_string())
            .collect()
    }

    fn chars(text: &str, start: usize, end: usize) -> String {
        text.chars().skip(start).take(end - start).collect()
    }

    #[test]
    fn words_and_punctuation_are_tokens_and_whitespace_is_not() {
        let d = doc("Putin (Путин) rejected it; 2025-02-18!", &[]);
        assert_eq!(
            words(&d),
            [
                "Putin",
                "(",
                "Путин",
                ")",
                "rejected",
                "it",
                ";",
                "2025",
                "-",
                "02",
                "-",
                "18",
                "!"
            ]
        );
    }

    #[test]
    fn flags_families_and_combining_marks_stay_whole() {
        let d = doc("🇺🇦 👩‍👩‍👧 cafe\u{301}s x\u{200d}y 1\u{fe0f}\u{20e3}!!", &[]);
        assert_eq!(
            words(&d),
            [
                "🇺🇦",
                "👩‍👩‍👧",
                "cafe\u{301}s",
                "x\u{200d}y",
                "1\u{fe0f}\u{20e3}",
                "!",
                "!"
            ]
        );
    }

    #[test]
    fn token_offsets_are_code_points() {
        let d = doc("a🇺🇦b café", &[]);
        let tokens = Tokens::new(&d).conll();
        let spans: Vec<(usize, usize)> = tokens.iter().map(|t| (t.start, t.end)).collect();
        assert_eq!(spans, [(0, 1), (1, 3), (3, 4), (5, 9)]);
        for t in &tokens {
            assert_eq!(chars(&d.text, t.start, t.end), t.text(&d.text));
        }
    }

    #[test]
    fn annotation_boundaries_cut_words_and_even_grapheme_clusters() {
        // "Zelen" of "Zelensky", and one regional indicator of a flag.
        let d = doc("Zelensky 🇺🇦", &[(0, 5, "Zelen"), (9, 10, "🇺")]);
        assert_eq!(words(&d), ["Zelen", "sky", "🇺", "🇦"]);
    }

    #[test]
    fn every_fixture_annotation_is_a_run_of_tokens() {
        for d in documents() {
            let tokens = Tokens::new(&d);
            for list in [tokens.conll(), tokens.spacy()] {
                for a in &d.annotations {
                    let r = covered(&list, a.start, a.end).unwrap();
                    let (s, e) = (list[r.start].start, list[r.end - 1].end);
                    assert_eq!(chars(&d.text, s, e), a.quote.trim(), "{}", a.id);
                }
            }
            let spacy = tokens.spacy();
            for a in &d.annotations {
                let r = covered(&spacy, a.start, a.end).unwrap();
                assert_eq!(
                    (spacy[r.start].start, spacy[r.end - 1].end),
                    (a.start, a.end)
                );
            }
        }
    }

    #[test]
    fn spacy_words_and_spaces_give_back_the_text_crlf_included() {
        for d in documents() {
            let tokens = Tokens::new(&d);
            let mut text = String::new();
            for t in tokens.spacy() {
                text.push_str(t.text(&d.text));
                if t.ws {
                    text.push(' ');
                }
                assert!(!t.text(&d.text).is_empty());
            }
            assert_eq!(text, d.text);
        }
        let d = doc(" a  b\r\nc\t", &[]);
        let spacy: Vec<(String, bool)> = Tokens::new(&d)
            .spacy()
            .iter()
            .map(|t| (t.text(&d.text).to_string(), t.ws))
            .collect();
        let expected = [(" ", false), ("a", true), (" ", false), ("b", false)]
            .into_iter()
            .chain([("\r\n", false), ("c", false), ("\t", false)])
            .map(|(t, w)| (t.to_string(), w))
            .collect::<Vec<_>>();
        assert_eq!(spacy, expected);
    }

    #[test]
    fn a_space_an_annotation_starts_or_ends_with_stays_a_token_for_spacy() {
        let d = doc("x Putin y", &[(1, 7, " Putin"), (7, 8, " ")]);
        let spacy: Vec<(String, bool)> = Tokens::new(&d)
            .spacy()
            .iter()
            .map(|t| (t.text(&d.text).to_string(), t.ws))
            .collect();
        let expected: Vec<(String, bool)> = [
            ("x", false),
            (" ", false),
            ("Putin", false),
            (" ", false),
            ("y", false),
        ]
        .into_iter()
        .map(|(t, w)| (t.to_string(), w))
        .collect();
        assert_eq!(spacy, expected);
        // CoNLL has no whitespace tokens: the first span is trimmed, the second has none.
        let conll = Tokens::new(&d).conll();
        assert_eq!(covered(&conll, 1, 7), Some(1..2));
        assert_eq!(covered(&conll, 7, 8), None);
    }

    #[test]
    fn sentences_end_at_line_breaks_and_after_final_punctuation() {
        let d = doc("One. Two?” Three\r\nFour 3.5 five", &[]);
        let tokens = Tokens::new(&d).conll();
        let sentences: Vec<(String, usize)> = tokens
            .iter()
            .map(|t| (t.text(&d.text).to_string(), t.sentence))
            .collect();
        let expected: Vec<(String, usize)> = [
            ("One", 0),
            (".", 0),
            ("Two", 1),
            ("?", 1),
            ("”", 1),
            ("Three", 2),
            ("Four", 3),
            ("3", 3),
            (".", 3),
            ("5", 3),
            ("five", 3),
        ]
        .into_iter()
        .map(|(t, s)| (t.to_string(), s))
        .collect();
        assert_eq!(sentences, expected);
    }

    #[test]
    fn a_sentence_does_not_end_inside_an_annotation() {
        let d = documents().remove(0);
        let tokens = Tokens::new(&d).conll();
        // Annotation 10 runs from "it;" across CRLF into "השלום".
        let a = d.annotation(10).unwrap();
        let r = covered(&tokens, a.start, a.end).unwrap();
        assert_eq!(tokens[r.start].sentence, tokens[r.end - 1].sentence);
        // Without it, the CRLF ends a sentence.
        let mut d2 = d.clone();
        d2.annotations.retain(|a| a.id != 10);
        let tokens2 = Tokens::new(&d2).conll();
        assert_ne!(tokens2[r.start].sentence, tokens2[r.end - 1].sentence);
        assert!(HOSTILE.contains("\r\n"));
    }

    #[test]
    fn no_token_holds_whitespace() {
        let d = doc("a\u{1f}b\u{a0}c \u{301}d\u{2028}e", &[]);
        assert_eq!(words(&d), ["a", "b", "c", "\u{301}", "d", "e"]);
    }

    mod random {
        use super::*;
        use crate::write::testdata::{project, run};
        use crate::write::{ExportFormat, ExportOptions};
        use proptest::prelude::*;

        const PIECES: [&str; 16] = [
            "a",
            "Zé",
            "e\u{301}",
            " ",
            "  ",
            "\t",
            "\r\n",
            "\n",
            ".",
            "!",
            "“",
            "🇺🇦",
            "👩\u{200d}👧",
            "ש",
            "\u{a0}",
            "\u{1f}",
        ];

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

            #[test]
            fn any_text_and_spans_give_aligned_tokens(
                pieces in prop::collection::vec(prop::sample::select(PIECES.to_vec()), 0..24),
                spans in prop::collection::vec((0usize..64, 1usize..12), 0..6),
            ) {
                let text: String = pieces.concat();
                let len = text.chars().count();
                let spans: Vec<(usize, usize, String)> = if len == 0 {
                    vec![]
                } else {
                    spans
                        .into_iter()
                        .map(|(s, l)| {
                            let s = s % len;
                            let e = (s + l).min(len);
                            (s, e, chars(&text, s, e))
                        })
                        .collect()
                };
                let refs: Vec<(usize, usize, &str)> =
                    spans.iter().map(|(s, e, q)| (*s, *e, q.as_str())).collect();
                let mut d = doc(&text, &refs);
                d.annotations.sort_by_key(|a| (a.start, a.end, a.id));
                let tokens = Tokens::new(&d);

                let spacy = tokens.spacy();
                let mut rebuilt = String::new();
                for t in &spacy {
                    prop_assert_eq!(chars(&text, t.start, t.end), t.text(&text));
                    rebuilt.push_str(t.text(&text));
                    if t.ws {
                        rebuilt.push(' ');
                    }
                }
                prop_assert_eq!(&rebuilt, &text);
                let conll = tokens.conll();
                for t in &conll {
                    prop_assert!(!t.text(&text).is_empty() && !t.text(&text).contains(is_space));
                }
                for a in &d.annotations {
                    let r = covered(&spacy, a.start, a.end);
                    prop_assert!(r.is_some());
                    let r = r.unwrap();
                    prop_assert_eq!((spacy[r.start].start, spacy[r.end - 1].end), (a.start, a.end));
                    let trimmed = a.quote.trim_matches(is_space);
                    match covered(&conll, a.start, a.end) {
                        Some(r) => {
                            let (s, e) = (conll[r.start].start, conll[r.end - 1].end);
                            prop_assert_eq!(chars(&text, s, e), trimmed);
                            prop_assert_eq!(conll[r.start].sentence, conll[r.end - 1].sentence);
                        }
                        None => prop_assert!(trimmed.is_empty()),
                    }
                }
                // The exporters built on these tokens pass their self-checks.
                for format in [ExportFormat::Conll, ExportFormat::Spacy, ExportFormat::SpacyJsonl] {
                    let options = ExportOptions::default();
                    let written = run(format, &project(), &options, std::slice::from_ref(&d));
                    prop_assert!(written.is_ok(), "{:?}: {:?}", format, written.err());
                }
            }
        }
    }
}
