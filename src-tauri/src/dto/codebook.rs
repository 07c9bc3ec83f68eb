//! The schema as a REFI-QDA codebook: what writing one or importing one did.

use serde::Serialize;

use claimdesk_import::CodebookReport;

/// A codebook written: where, and how many labels it holds.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodebookWrittenDto {
    pub path: String,
    pub labels: usize,
}

/// What importing a codebook did: the labels added (one undoable step, when any), and those
/// the project already had by name (kept as they are).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodebookReportDto {
    pub added: Vec<String>,
    pub present: Vec<String>,
}

impl From<CodebookReport> for CodebookReportDto {
    fn from(r: CodebookReport) -> CodebookReportDto {
        CodebookReportDto {
            added: r.added,
            present: r.present,
        }
    }
}
