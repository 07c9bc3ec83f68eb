//! The plain-text writer behind the markup importers (HTML, Markdown): it collapses
//! whitespace, separates blocks with line breaks or blank lines, and never leaves whitespace at
//! either end. Importers decide where the breaks go; this decides how they are written.

use chrono::NaiveDate;

/// What separates the next piece of text from the last one; a stronger break wins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Gap {
    #[default]
    None,
    Space,
    Line,
    Paragraph,
}

#[derive(Default)]
pub(crate) struct PlainText {
    pub(crate) out: String,
    gap: Gap,
    /// Written once, right after the next separator (a list item's `- `).
    pub(crate) prefix: Option<String>,
}

impl PlainText {
    /// Asks for at least `gap` before the next text.
    pub(crate) fn gap(&mut self, gap: Gap) {
        self.gap = self.gap.max(gap);
    }

    /// The separator asked for so far.
    pub(crate) fn pending(&self) -> Gap {
        self.gap
    }

    /// Writes the pending separator (unless nothing has been written yet) and prefix.
    pub(crate) fn flush(&mut self) {
        if !self.out.is_empty() {
            match self.gap {
                Gap::None => {}
                Gap::Space => {
                    if !self.out.ends_with(char::is_whitespace) {
                        self.out.push(' ');
                    }
                }
                Gap::Line => {
                    self.trim_end();
                    self.out.push('\n');
                }
                Gap::Paragraph => {
                    self.trim_end();
                    self.out.push_str("\n\n");
                }
            }
        }
        self.gap = Gap::None;
        if let Some(prefix) = self.prefix.take() {
            self.out.push_str(&prefix);
        }
    }

    fn trim_end(&mut self) {
        let kept = self.out.trim_end().len();
        self.out.truncate(kept);
    }

    /// Ordinary text: every run of whitespace becomes one space. Answers whether anything was
    /// written (text that is all whitespace only asks for a space).
    pub(crate) fn words(&mut self, text: &str) -> bool {
        if text.starts_with(char::is_whitespace) {
            self.gap(Gap::Space);
        }
        let mut wrote = false;
        for (i, word) in text.split_whitespace().enumerate() {
            if i > 0 {
                self.gap(Gap::Space);
            }
            self.flush();
            self.out.push_str(word);
            wrote = true;
        }
        if text.ends_with(char::is_whitespace) {
            self.gap(Gap::Space);
        }
        wrote
    }

    /// Preformatted text, kept as it is, except for line breaks right after a block break,
    /// which would only widen the gap the break already made. Answers whether anything was
    /// written.
    pub(crate) fn verbatim(&mut self, text: &str) -> bool {
        if text.is_empty() {
            return false;
        }
        self.flush();
        let text = if self.out.is_empty() || self.out.ends_with('\n') {
            text.trim_start_matches('\n')
        } else {
            text
        };
        self.out.push_str(text);
        true
    }

    /// The text, without whitespace at either end.
    pub(crate) fn finish(self) -> String {
        let text = self.out.trim();
        if text.len() == self.out.len() {
            self.out
        } else {
            text.to_string()
        }
    }
}

/// Timestamps such as `2025-03-14T09:30:00Z` give their date: the first ten characters.
pub(crate) fn date_prefix(text: &str) -> Option<NaiveDate> {
    let head = text.trim().get(..10)?;
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}
