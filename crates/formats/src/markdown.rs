//! Placeholder until the importer lands.

use crate::{FormatError, ImportedDocument};

pub fn parse(_bytes: &[u8], _name: &str) -> Result<ImportedDocument, FormatError> {
    Err(FormatError::malformed("markdown", "not supported yet"))
}
