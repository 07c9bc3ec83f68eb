//! Discourse networks: GraphML, GEXF, CSV.
use super::{ExportError, ExportOptions, Exporter, Output};
use claimdesk_core::dataset::ProjectInfo;

pub(super) fn new_graphml(
    project: &ProjectInfo,
    options: &ExportOptions,
    out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let _ = (project, options, out);
    Err(ExportError::Invalid("not written yet".into()))
}

pub(super) fn new_gexf(
    project: &ProjectInfo,
    options: &ExportOptions,
    out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let _ = (project, options, out);
    Err(ExportError::Invalid("not written yet".into()))
}

pub(super) fn new_csv(
    project: &ProjectInfo,
    options: &ExportOptions,
    out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let _ = (project, options, out);
    Err(ExportError::Invalid("not written yet".into()))
}
