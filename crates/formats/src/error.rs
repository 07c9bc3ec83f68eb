/// Why a file could not be imported. Each variant has a stable [`FormatError::code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("not text: {0}")]
    NotText(String),
    #[error("the file is encrypted; remove the password and import again")]
    Encrypted,
    #[error("the PDF has no text layer (it is probably scanned); run OCR on it first")]
    NoTextLayer,
    #[error("the file holds no text")]
    Empty,
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
            FormatError::Empty => "empty",
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
