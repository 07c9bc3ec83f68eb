//! Native JSON Lines.
use super::{ExportError, ExportOptions, Exporter, Output};
use claimdesk_core::dataset::ProjectInfo;

pub(super) fn new(
    project: &ProjectInfo,
    options: &ExportOptions,
    out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let _ = (project, options, out);
    Err(ExportError::Invalid("not written yet".into()))
}
