//! Offsets into document text.
//!
//! Claimdesk's canonical unit is the Unicode code point (a Rust `char`, a Python `str` index),
//! with spans `[start, end)`, end exclusive. The webview counts UTF-16 code units and Rust slices
//! by UTF-8 bytes, so every crossing between those worlds goes through a [`TextIndex`]:
//!
//! ```
//! use claimdesk_core::offsets::{Span, TextIndex, Unit};
//!
//! let text = "🇺🇦 Tammy Bruce";
//! let index = TextIndex::new(text);
//! // The flag is two code points and four UTF-16 code units.
//! assert_eq!(index.to_code_points(5, Unit::Utf16).unwrap(), 3);
//! let span = index.span_from_utf16(5, 16).unwrap();
//! assert_eq!(span, Span::new(3, 14).unwrap());
//! assert_eq!(index.slice(span).unwrap(), "Tammy Bruce");
//! ```
//!
//! A position that falls inside a character in the foreign unit (between the two halves of a
//! surrogate pair, or inside a multi-byte UTF-8 sequence) or past the end of the text is refused,
//! never rounded: a silently moved offset is the bug this module exists to prevent.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A unit in which an offset can be counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Unicode scalar values: the canonical unit of Claimdesk.
    CodePoint,
    /// UTF-16 code units, as counted by JavaScript strings and UIMA XMI.
    Utf16,
    /// UTF-8 bytes, as counted by Rust `str` indexing.
    Utf8,
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unit::CodePoint => "code points",
            Unit::Utf16 => "UTF-16 code units",
            Unit::Utf8 => "UTF-8 bytes",
        })
    }
}

/// Why an offset or span was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OffsetError {
    #[error("offset {offset} is past the end of the text ({len} {unit})")]
    PastEnd {
        offset: usize,
        len: usize,
        unit: Unit,
    },
    #[error("offset {offset} ({unit}) falls inside a character")]
    InsideCharacter { offset: usize, unit: Unit },
    #[error("span start {start} is after its end {end}")]
    Reversed { start: usize, end: usize },
}

/// A half-open range `[start, end)` of code points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// Makes a span, refusing one whose start lies after its end. Empty spans are allowed here;
    /// callers that need text (annotations) refuse them themselves.
    pub fn new(start: usize, end: usize) -> Result<Span, OffsetError> {
        if start > end {
            return Err(OffsetError::Reversed { start, end });
        }
        Ok(Span { start, end })
    }

    pub fn start(self) -> usize {
        self.start
    }

    pub fn end(self) -> usize {
        self.end
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A text with the positions of every code point in UTF-8 and UTF-16, built once in O(n) so that
/// each conversion afterwards is O(1) (from code points) or O(log n) (to code points).
///
/// A text that is all ASCII keeps no tables: the three units coincide.
pub struct TextIndex<'a> {
    text: &'a str,
    /// `byte[i]` is the UTF-8 offset of code point `i`; one extra entry for the end.
    byte: Vec<u32>,
    /// `utf16[i]` is the UTF-16 offset of code point `i`; one extra entry for the end.
    utf16: Vec<u32>,
}

impl<'a> TextIndex<'a> {
    /// Indexes `text`. Texts of 4 GiB or more are not supported (their offsets would not fit the
    /// tables); Claimdesk refuses such documents at import.
    pub fn new(text: &'a str) -> TextIndex<'a> {
        if text.is_ascii() {
            return TextIndex {
                text,
                byte: Vec::new(),
                utf16: Vec::new(),
            };
        }
        let mut byte = Vec::with_capacity(text.len() + 1);
        let mut utf16 = Vec::with_capacity(text.len() + 1);
        let mut u16_pos = 0u32;
        for (b, c) in text.char_indices() {
            byte.push(b as u32);
            utf16.push(u16_pos);
            u16_pos += c.len_utf16() as u32;
        }
        byte.push(text.len() as u32);
        utf16.push(u16_pos);
        TextIndex { text, byte, utf16 }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    fn ascii(&self) -> bool {
        self.byte.is_empty()
    }

    /// The length of the text in `unit`.
    pub fn len(&self, unit: Unit) -> usize {
        if self.ascii() {
            return self.text.len();
        }
        match unit {
            Unit::CodePoint => self.byte.len() - 1,
            Unit::Utf16 => self.utf16[self.utf16.len() - 1] as usize,
            Unit::Utf8 => self.text.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Converts a code-point offset into `unit`.
    pub fn from_code_points(&self, offset: usize, unit: Unit) -> Result<usize, OffsetError> {
        let len = self.len(Unit::CodePoint);
        if offset > len {
            return Err(OffsetError::PastEnd {
                offset,
                len,
                unit: Unit::CodePoint,
            });
        }
        if self.ascii() {
            return Ok(offset);
        }
        Ok(match unit {
            Unit::CodePoint => offset,
            Unit::Utf16 => self.utf16[offset] as usize,
            Unit::Utf8 => self.byte[offset] as usize,
        })
    }

    /// Converts an offset counted in `unit` into code points.
    pub fn to_code_points(&self, offset: usize, unit: Unit) -> Result<usize, OffsetError> {
        let len = self.len(unit);
        if offset > len {
            return Err(OffsetError::PastEnd { offset, len, unit });
        }
        if self.ascii() {
            return Ok(offset);
        }
        let table = match unit {
            Unit::CodePoint => return Ok(offset),
            Unit::Utf16 => &self.utf16,
            Unit::Utf8 => &self.byte,
        };
        // The tables are strictly increasing, so an exact hit is the one code point that starts
        // there; a miss means the offset splits a character.
        table
            .binary_search(&(offset as u32))
            .map_err(|_| OffsetError::InsideCharacter { offset, unit })
    }

    /// Makes a code-point span from `[start, end)` counted in UTF-16 code units.
    pub fn span_from_utf16(&self, start: usize, end: usize) -> Result<Span, OffsetError> {
        self.span_from(start, end, Unit::Utf16)
    }

    /// Makes a code-point span from `[start, end)` counted in `unit`, checking both ends.
    pub fn span_from(&self, start: usize, end: usize, unit: Unit) -> Result<Span, OffsetError> {
        if start > end {
            return Err(OffsetError::Reversed { start, end });
        }
        Span::new(
            self.to_code_points(start, unit)?,
            self.to_code_points(end, unit)?,
        )
    }

    /// Checks that `span` lies within the text.
    pub fn check(&self, span: Span) -> Result<Span, OffsetError> {
        self.from_code_points(span.end, Unit::CodePoint)?;
        Ok(span)
    }

    /// The span's `[start, end)` counted in `unit`.
    pub fn span_in(&self, span: Span, unit: Unit) -> Result<(usize, usize), OffsetError> {
        Ok((
            self.from_code_points(span.start, unit)?,
            self.from_code_points(span.end, unit)?,
        ))
    }

    /// The text covered by `span`.
    pub fn slice(&self, span: Span) -> Result<&'a str, OffsetError> {
        let (start, end) = self.span_in(span, Unit::Utf8)?;
        Ok(&self.text[start..end])
    }

    /// Up to `width` code points before the span (its prefix) and after it (its suffix): the
    /// context that lets an annotation be found again if offsets ever disagree with the text.
    pub fn context(&self, span: Span, width: usize) -> Result<(&'a str, &'a str), OffsetError> {
        self.check(span)?;
        let before = Span::new(span.start.saturating_sub(width), span.start)?;
        let after = Span::new(span.end, (span.end + width).min(self.len(Unit::CodePoint)))?;
        Ok((self.slice(before)?, self.slice(after)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Finds `needle` in `haystack` the way Python's `str.find` does: in code points.
    fn find_cp(haystack: &str, needle: &str) -> Span {
        let byte = haystack.find(needle).expect("needle present");
        let start = haystack[..byte].chars().count();
        Span::new(start, start + needle.chars().count()).unwrap()
    }

    /// A named text, a word in it, and that word's `[start, end)` in code points and UTF-16.
    type Case = (
        &'static str,
        &'static str,
        &'static str,
        (usize, usize),
        (usize, usize),
    );

    const NAMED: &[Case] = &[
        ("ascii", "Tammy Bruce said", "Bruce", (6, 11), (6, 11)),
        ("emoji", "😀 Tammy Bruce", "Bruce", (8, 13), (9, 14)),
        ("flag pair", "🇺🇦🇺🇸 Bruce", "Bruce", (5, 10), (9, 14)),
        // Woman, ZWJ, woman, ZWJ, girl: five code points, eight UTF-16 units, one grapheme.
        ("zwj sequence", "👩‍👩‍👧 Bruce", "Bruce", (6, 11), (9, 14)),
        (
            "combining mark",
            "Erdoğan e\u{301} Bruce",
            "Bruce",
            (11, 16),
            (11, 16),
        ),
        (
            "crlf",
            "line one\r\nTammy Bruce\r\n",
            "Bruce",
            (16, 21),
            (16, 21),
        ),
        ("arabic", "قال المتحدث Bruce", "Bruce", (12, 17), (12, 17)),
        ("hebrew", "אמר הדובר Bruce", "Bruce", (10, 15), (10, 15)),
        (
            "astral before and inside",
            "𝔘 𝔅ruce",
            "𝔅ruce",
            (2, 7),
            (3, 9),
        ),
    ];

    #[test]
    fn named_cases_convert_between_units() {
        for &(name, text, word, cp, u16) in NAMED {
            let index = TextIndex::new(text);
            let span = find_cp(text, word);
            assert_eq!((span.start(), span.end()), cp, "{name}: code points");
            assert_eq!(index.span_in(span, Unit::Utf16).unwrap(), u16, "{name}");
            assert_eq!(index.span_from_utf16(u16.0, u16.1).unwrap(), span, "{name}");
            assert_eq!(index.slice(span).unwrap(), word, "{name}");
            let (b0, b1) = index.span_in(span, Unit::Utf8).unwrap();
            assert_eq!(&text[b0..b1], word, "{name}: bytes");
            assert_eq!(index.span_from(b0, b1, Unit::Utf8).unwrap(), span, "{name}");
        }
    }

    #[test]
    fn utf16_offset_between_surrogates_is_refused() {
        let index = TextIndex::new("😀x");
        assert_eq!(
            index.to_code_points(1, Unit::Utf16),
            Err(OffsetError::InsideCharacter {
                offset: 1,
                unit: Unit::Utf16
            })
        );
        assert_eq!(index.to_code_points(2, Unit::Utf16), Ok(1));
    }

    #[test]
    fn utf8_offset_inside_a_multibyte_character_is_refused() {
        let index = TextIndex::new("ğx");
        assert!(matches!(
            index.to_code_points(1, Unit::Utf8),
            Err(OffsetError::InsideCharacter { .. })
        ));
    }

    #[test]
    fn offsets_past_the_end_are_refused_in_every_unit() {
        for text in ["abc", "a😀"] {
            let index = TextIndex::new(text);
            for unit in [Unit::CodePoint, Unit::Utf16, Unit::Utf8] {
                let len = index.len(unit);
                assert!(index.to_code_points(len, unit).is_ok());
                assert_eq!(
                    index.to_code_points(len + 1, unit),
                    Err(OffsetError::PastEnd {
                        offset: len + 1,
                        len,
                        unit
                    })
                );
            }
            let cps = index.len(Unit::CodePoint);
            assert!(index.check(Span::new(0, cps + 1).unwrap()).is_err());
        }
    }

    #[test]
    fn reversed_spans_are_refused() {
        assert_eq!(
            Span::new(3, 2),
            Err(OffsetError::Reversed { start: 3, end: 2 })
        );
        assert!(TextIndex::new("abcd").span_from_utf16(3, 2).is_err());
    }

    #[test]
    fn context_is_clipped_at_the_text_edges() {
        let text = "🇺🇦 Tammy Bruce, spokesperson";
        let index = TextIndex::new(text);
        let span = find_cp(text, "Bruce");
        let (prefix, suffix) = index.context(span, 8).unwrap();
        assert_eq!(prefix, "🇦 Tammy ");
        assert_eq!(suffix, ", spokes");
        let (prefix, _) = index.context(Span::new(0, 1).unwrap(), 8).unwrap();
        assert_eq!(prefix, "");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn every_code_point_boundary_round_trips(text in "\\PC*|.*", cut in 0usize..64) {
            let index = TextIndex::new(&text);
            let cps = index.len(Unit::CodePoint);
            prop_assert_eq!(cps, text.chars().count());
            prop_assert_eq!(index.len(Unit::Utf16), text.encode_utf16().count());
            let cp = cut.min(cps);
            for unit in [Unit::CodePoint, Unit::Utf16, Unit::Utf8] {
                let there = index.from_code_points(cp, unit).unwrap();
                prop_assert_eq!(index.to_code_points(there, unit).unwrap(), cp);
            }
            let byte = index.from_code_points(cp, Unit::Utf8).unwrap();
            prop_assert!(text.is_char_boundary(byte));
            let u16 = index.from_code_points(cp, Unit::Utf16).unwrap();
            prop_assert_eq!(text[..byte].encode_utf16().count(), u16);
        }

        #[test]
        fn slices_agree_with_char_iteration(text in any::<String>(), a in 0usize..40, b in 0usize..40) {
            let index = TextIndex::new(&text);
            let cps = index.len(Unit::CodePoint);
            let (start, end) = (a.min(b).min(cps), a.max(b).min(cps));
            let span = Span::new(start, end).unwrap();
            let expected: String = text.chars().skip(start).take(end - start).collect();
            prop_assert_eq!(index.slice(span).unwrap(), expected.as_str());
        }

        #[test]
        fn foreign_offsets_are_accepted_exactly_at_character_boundaries(text in any::<String>()) {
            let index = TextIndex::new(&text);
            for offset in 0..=text.len() + 1 {
                let ok = index.to_code_points(offset, Unit::Utf8).is_ok();
                prop_assert_eq!(ok, offset <= text.len() && text.is_char_boundary(offset));
            }
            let units: Vec<u16> = text.encode_utf16().collect();
            for offset in 0..=units.len() + 1 {
                let ok = index.to_code_points(offset, Unit::Utf16).is_ok();
                let boundary = offset == units.len()
                    || (offset < units.len() && !(0xDC00..0xE000).contains(&units[offset]));
                prop_assert_eq!(ok, offset <= units.len() && boundary);
            }
        }
    }
}
