//! The self-check every exporter runs: a span is sliced again out of the text by the offsets
//! written, in the unit of the file, and must give back the annotation's quote.
//!
//! The slicing here is deliberately its own code (tables built from the text, not
//! [`claimdesk_core::TextIndex`]), so a conversion bug in one place is caught by the other.

use std::cell::OnceCell;

use claimdesk_core::dataset::DocumentRecord;
use claimdesk_core::Unit;

use super::ExportError;

/// Slices one document's text in any unit, building each unit's table on first use.
pub struct SpanCheck<'d> {
    doc: &'d DocumentRecord,
    /// Byte offset of every code point, plus the text length.
    char_bytes: OnceCell<Vec<usize>>,
    utf16: OnceCell<Vec<u16>>,
}

impl<'d> SpanCheck<'d> {
    pub fn new(doc: &'d DocumentRecord) -> SpanCheck<'d> {
        SpanCheck {
            doc,
            char_bytes: OnceCell::new(),
            utf16: OnceCell::new(),
        }
    }

    /// The text between `start` and `end` counted in `unit`, or `None` when those offsets do
    /// not cut the text at character boundaries.
    pub fn slice(&self, unit: Unit, start: usize, end: usize) -> Option<String> {
        if start > end {
            return None;
        }
        let text = self.doc.text.as_str();
        match unit {
            Unit::Utf8 => text.get(start..end).map(str::to_string),
            Unit::CodePoint => {
                let table = self.char_bytes.get_or_init(|| {
                    let mut t: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
                    t.push(text.len());
                    t
                });
                let (s, e) = (*table.get(start)?, *table.get(end)?);
                text.get(s..e).map(str::to_string)
            }
            Unit::Utf16 => {
                let units = self.utf16.get_or_init(|| text.encode_utf16().collect());
                String::from_utf16(units.get(start..end)?).ok()
            }
        }
    }

    /// Checks that `[start, end)` in `unit` gives back annotation `annotation_id`'s quote.
    pub fn span(
        &self,
        annotation_id: i64,
        unit: Unit,
        start: usize,
        end: usize,
    ) -> Result<(), ExportError> {
        let expected = self
            .doc
            .annotation(annotation_id)
            .map(|a| a.quote.as_str())
            .ok_or_else(|| {
                ExportError::Invalid(format!(
                    "annotation {annotation_id} is not in document {}",
                    self.doc.id
                ))
            })?;
        self.text(annotation_id, unit, start, end, expected)
    }

    /// Checks that `[start, end)` in `unit` gives back `expected` (a quote or a token's text).
    pub fn text(
        &self,
        annotation_id: i64,
        unit: Unit,
        start: usize,
        end: usize,
        expected: &str,
    ) -> Result<(), ExportError> {
        match self.slice(unit, start, end) {
            Some(found) if found == expected => Ok(()),
            found => Err(ExportError::SelfCheck {
                document_id: self.doc.id,
                annotation_id,
                unit,
                start,
                end,
                expected: expected.to_string(),
                found: found.unwrap_or_else(|| "(not a character boundary)".to_string()),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::testdata::doc;

    #[test]
    fn a_flag_is_sliced_alike_in_every_unit() {
        let d = doc("a🇺🇦b", &[(1, 3, "🇺🇦")]);
        let check = SpanCheck::new(&d);
        check.span(1, Unit::CodePoint, 1, 3).unwrap();
        check.span(1, Unit::Utf16, 1, 5).unwrap();
        check.span(1, Unit::Utf8, 1, 9).unwrap();
    }

    #[test]
    fn an_offset_shifted_by_one_is_caught_and_names_the_annotation() {
        let d = doc("a🇺🇦b", &[(1, 3, "🇺🇦")]);
        let check = SpanCheck::new(&d);
        let error = check.span(1, Unit::CodePoint, 2, 4).unwrap_err();
        assert!(matches!(
            error,
            ExportError::SelfCheck {
                annotation_id: 1,
                ..
            }
        ));
        // Half a surrogate pair is not text at all.
        assert!(check.span(1, Unit::Utf16, 1, 4).is_err());
        assert!(check.span(1, Unit::Utf8, 1, 8).is_err());
    }
}
