//! Plain text: one article per file, or many split on a separator the user gives.

use claimdesk_core::NewDocument;
use regex::Regex;

use crate::{decode, FormatError, ImportedDocument};

/// Reads a plain-text file. With `split`, the text is cut wherever the regular expression
/// matches; each non-blank piece becomes a document with its own header or first-line title,
/// and its source is `name#N` (N counting from 1).
pub fn parse(
    bytes: &[u8],
    name: &str,
    split: Option<&str>,
) -> Result<Vec<ImportedDocument>, FormatError> {
    let text = decode::text(bytes)?;
    let Some(pattern) = split else {
        return Ok(vec![ImportedDocument::plain(NewDocument::from_plain_text(
            &text, name,
        ))]);
    };
    let separator = Regex::new(pattern).map_err(|e| {
        FormatError::Options(format!("the split pattern {pattern:?} is invalid: {e}"))
    })?;
    Ok(separator
        .split(&text)
        .filter(|piece| !piece.trim().is_empty())
        .enumerate()
        .map(|(i, piece)| {
            ImportedDocument::plain(NewDocument::from_plain_text(
                piece,
                &format!("{name}#{}", i + 1),
            ))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_is_one_document_with_its_text_unchanged() {
        let docs = parse(
            " date 2025-02-18 Talks\r\n\r\nBody 🇺🇦\r\n".as_bytes(),
            "a.txt",
            None,
        )
        .unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(
            docs[0].document.text,
            " date 2025-02-18 Talks\r\n\r\nBody 🇺🇦\r\n"
        );
        assert_eq!(docs[0].document.title, "Talks");
    }

    #[test]
    fn a_separator_splits_a_news_database_export() {
        let export =
            " date 2025-01-01 First\nOne.\n=====\n date 2025-01-02 Second\nTwo.\n=====\n\n";
        let docs = parse(export.as_bytes(), "export.txt", Some(r"(?m)^=====\n")).unwrap();
        let got: Vec<_> = docs
            .iter()
            .map(|d| {
                (
                    d.document.title.as_str(),
                    d.document.date.map(|d| d.to_string()),
                    d.document.text.as_str(),
                    d.document.source.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "First",
                    Some("2025-01-01".into()),
                    " date 2025-01-01 First\nOne.\n",
                    Some("export.txt#1")
                ),
                (
                    "Second",
                    Some("2025-01-02".into()),
                    " date 2025-01-02 Second\nTwo.\n",
                    Some("export.txt#2")
                ),
            ]
        );
    }

    #[test]
    fn a_bad_split_pattern_is_an_options_error() {
        let err = parse(b"x", "a.txt", Some("(")).unwrap_err();
        assert_eq!(err.code(), "bad_options");
    }
}
