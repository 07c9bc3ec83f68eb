//! Plain text: one article per file, or many split on a separator the user gives.

use claimdesk_core::NewDocument;
use regex::Regex;

use crate::read::decode;
use crate::{FormatError, ImportedDocument};

/// Reads a plain-text file. With `split`, the text is cut wherever the regular expression
/// matches; each non-blank piece becomes a document with its own header or first-line title,
/// and its source is `name#N` (N counting from 1).
///
/// A file with no text but whitespace is refused as [`FormatError::Empty`], as the other formats
/// do: stored, it would be a document with nothing to code, and every later blank file would
/// be reported as its duplicate. Blank pieces of a split file are what separators leave at the
/// ends or doubled, so they are left out; a split file with no piece holding text is refused.
pub fn parse(
    bytes: &[u8],
    name: &str,
    split: Option<&str>,
) -> Result<Vec<ImportedDocument>, FormatError> {
    let text = decode::text(bytes)?;
    if text.trim().is_empty() {
        return Err(FormatError::Empty(name.to_string()));
    }
    let Some(pattern) = split else {
        return Ok(vec![ImportedDocument::plain(NewDocument::from_plain_text(
            &text, name,
        ))]);
    };
    let separator = Regex::new(pattern).map_err(|e| {
        FormatError::Options(format!("the split pattern {pattern:?} is invalid: {e}"))
    })?;
    let docs: Vec<ImportedDocument> = separator
        .split(&text)
        .filter(|piece| !piece.trim().is_empty())
        .enumerate()
        .map(|(i, piece)| {
            ImportedDocument::plain(NewDocument::from_plain_text(
                piece,
                &format!("{name}#{}", i + 1),
            ))
        })
        .collect();
    if docs.is_empty() {
        // Only separators and whitespace.
        return Err(FormatError::Empty(name.to_string()));
    }
    Ok(docs)
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
    fn an_empty_or_whitespace_only_file_is_refused_as_empty_naming_the_file() {
        for text in ["", " ", "\n\n", " \t\r\n \u{a0}\u{3000}\n", "\u{feff}  \n"] {
            let err = parse(text.as_bytes(), "blank.txt", None).unwrap_err();
            assert_eq!(err.code(), "empty", "{text:?}");
            assert!(err.to_string().contains("blank.txt"), "{err}");
        }
    }

    #[test]
    fn a_split_file_whose_pieces_are_all_blank_is_refused_as_empty() {
        for text in ["", "=====\n", "\n=====\n  \n=====\n\t\n"] {
            let err = parse(text.as_bytes(), "export.txt", Some(r"(?m)^=====\n")).unwrap_err();
            assert_eq!(err.code(), "empty", "{text:?}");
            assert!(err.to_string().contains("export.txt"), "{err}");
        }
    }

    #[test]
    fn blank_pieces_between_separators_are_left_out_and_never_become_documents() {
        let docs = parse(
            b"One.\n=====\n \n=====\nTwo.\n=====\n",
            "export.txt",
            Some(r"(?m)^=====\n"),
        )
        .unwrap();
        let texts: Vec<_> = docs.iter().map(|d| d.document.text.as_str()).collect();
        assert_eq!(texts, ["One.\n", "Two.\n"]);
    }

    #[test]
    fn a_bad_split_pattern_is_an_options_error() {
        let err = parse(b"x", "a.txt", Some("(")).unwrap_err();
        assert_eq!(err.code(), "bad_options");
    }
}
