//! Documents: immutable article text plus its metadata.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A document as it is about to be stored: everything but the id and import time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewDocument {
    /// The text exactly as imported: no normalisation, line endings kept.
    pub text: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    /// Free metadata, a JSON object.
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

impl NewDocument {
    /// Reads a plain-text article. A first line ` date YYYY-MM-DD <title>` (the convention of
    /// news-database exports) gives date and title; otherwise the first non-empty line is the
    /// title. The whole text, header included, stays the document text, so offsets agree with
    /// the file as the analyst has it.
    pub fn from_plain_text(text: &str, source: &str) -> NewDocument {
        let (date, title) = match parse_date_header(text) {
            Some((date, title)) => (Some(date), title),
            None => (None, first_line_title(text)),
        };
        let title = if title.is_empty() {
            source.to_string()
        } else {
            title
        };
        NewDocument {
            text: text.to_string(),
            title,
            date,
            source: Some(source.to_string()).filter(|s| !s.is_empty()),
            author: None,
            url: None,
            language: None,
            metadata: serde_json::Map::new(),
        }
    }

    /// SHA-256 of the text's UTF-8 bytes, lower-case hex: how duplicates are recognised.
    pub fn sha256(&self) -> String {
        sha256_hex(&self.text)
    }
}

pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn first_line(text: &str) -> &str {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines().next().unwrap_or("")
}

/// Where the article's date header (` date YYYY-MM-DD title`, the sample corpus's first line)
/// ends, with the line breaks after it, in code points; 0 when the text has none. The header
/// stays in the text (offsets count it) and is shown as a header, not as prose.
pub fn header_end(text: &str) -> usize {
    if parse_date_header(text).is_none() {
        return 0;
    }
    let bom = usize::from(text.starts_with('\u{feff}'));
    let body = &text[bom * '\u{feff}'.len_utf8()..];
    let line = body.find('\n').map_or(body.len(), |i| i + 1);
    let breaks = body[line..]
        .find(|c| c != '\n' && c != '\r')
        .unwrap_or(body.len() - line);
    bom + body[..line + breaks].chars().count()
}

fn parse_date_header(text: &str) -> Option<(NaiveDate, String)> {
    let line = first_line(text).trim();
    let rest = line.strip_prefix("date")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let (date, title) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some((date, title.trim().to_string()))
}

/// Titles longer than this are cut (at a character boundary) with an ellipsis.
const TITLE_MAX_CHARS: usize = 200;

fn first_line_title(text: &str) -> String {
    let line = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    cap_title(line)
}

/// Cuts a title longer than 200 characters at a character boundary, with an ellipsis.
pub fn cap_title(title: &str) -> String {
    if title.chars().count() > TITLE_MAX_CHARS {
        let cut: String = title.chars().take(TITLE_MAX_CHARS).collect();
        format!("{}…", cut.trim_end())
    } else {
        title.to_string()
    }
}

/// A stored document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: i64,
    pub text: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    pub metadata: serde_json::Map<String, serde_json::Value>,
    pub sha256: String,
    pub imported_at: DateTime<Utc>,
}

/// A document without its text, for listings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentSummary {
    pub id: i64,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub source: Option<String>,
    pub annotation_count: i64,
    pub imported_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_ends_after_its_line_and_the_blank_lines_after_it() {
        assert_eq!(header_end(" date 2025-02-18 Talks\n\nBody"), 24);
        assert_eq!(header_end(" date 2025-02-18 Talks\r\n\r\nBody"), 26);
        assert_eq!(header_end("\u{feff} date 2025-02-18 Erdoğan 🇺🇦\nBody"), 29);
        assert_eq!(header_end(" date 2025-02-18 Only a header"), 30);
        assert_eq!(header_end("No header here\n\nBody"), 0);
        assert_eq!(header_end(" date tomorrow Not a header\n"), 0);
    }

    #[test]
    fn date_header_gives_date_and_title() {
        let doc = NewDocument::from_plain_text(" date 2025-02-18 Your guide\n\nBody", "a.txt");
        assert_eq!(doc.date, NaiveDate::from_ymd_opt(2025, 2, 18));
        assert_eq!(doc.title, "Your guide");
        assert_eq!(doc.source.as_deref(), Some("a.txt"));
    }

    #[test]
    fn without_header_the_first_non_empty_line_is_the_title() {
        let doc = NewDocument::from_plain_text("\r\n  \r\n  Talks end  \r\nBody", "b.txt");
        assert_eq!(doc.date, None);
        assert_eq!(doc.title, "Talks end");
        assert_eq!(doc.text, "\r\n  \r\n  Talks end  \r\nBody");
    }

    #[test]
    fn a_malformed_date_header_is_an_ordinary_first_line() {
        let doc = NewDocument::from_plain_text("date 2025-13-45 Odd\nBody", "c.txt");
        assert_eq!(doc.date, None);
        assert_eq!(doc.title, "date 2025-13-45 Odd");
        let doc = NewDocument::from_plain_text("dated memo\nBody", "c.txt");
        assert_eq!(doc.title, "dated memo");
    }

    #[test]
    fn an_empty_text_is_titled_by_its_source() {
        assert_eq!(
            NewDocument::from_plain_text("", "empty.txt").title,
            "empty.txt"
        );
    }

    #[test]
    fn long_first_lines_are_cut_at_a_character_boundary() {
        let line = "🇺🇦".repeat(150);
        let title = NewDocument::from_plain_text(&line, "x").title;
        assert_eq!(title.chars().count(), TITLE_MAX_CHARS + 1);
        assert!(title.ends_with('…'));
    }

    #[test]
    fn sha256_is_of_the_exact_text() {
        let a = NewDocument::from_plain_text("a\n", "x").sha256();
        let b = NewDocument::from_plain_text("a\r\n", "x").sha256();
        assert_ne!(a, b);
        assert_eq!(
            NewDocument::from_plain_text("", "x").sha256(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
