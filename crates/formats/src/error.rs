/// Why a file could not be imported. Each variant has a stable [`FormatError::code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("not text: {0}")]
    NotText(String),
    #[error("the file is encrypted; remove the password and import again")]
    Encrypted,
    #[error("the PDF has no text layer (it is probably scanned); run OCR on it first")]
    NoTextLayer,
    /// The file (or a piece of it) holds nothing but whitespace. Carries the file's name (or
    /// `name#N` for one piece of a file that holds several articles).
    #[error("cannot import {0}: it holds no text (only whitespace or nothing at all)")]
    Empty(String),
    #[error("not a valid {what} file: {reason}")]
    Malformed { what: String, reason: String },
    #[error("{0}")]
    Options(String),
}

impl FormatError {
    pub fn code(&self) -> &'static str {
        match self {
            FormatError::NotText(_) => "not_text",
            FormatError::Encrypted => "encrypted",
            FormatError::NoTextLayer => "no_text_layer",
            FormatError::Empty(_) => "empty",
            FormatError::Malformed { .. } => "malformed",
            FormatError::Options(_) => "bad_options",
        }
    }

    pub fn malformed(what: &str, reason: impl std::fmt::Display) -> FormatError {
        FormatError::Malformed {
            what: what.to_string(),
            reason: reason.to_string(),
        }
    }
}
