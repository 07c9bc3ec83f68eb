//! How an import ended, and indexing on open.

use serde::Serialize;

use claimdesk_import::{FileOutcome, Summary};

use crate::error::{Code, ErrorDto};

/// The end of an import, for the webview: counts, and a line for each file that was not
/// imported cleanly.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummaryDto {
    pub imported: usize,
    /// Documents whose text a file replaced as a new version, and the annotations of theirs
    /// that could not be placed (orphans).
    pub replaced: usize,
    pub orphaned: usize,
    /// Documents the project had that got another coder's coding (`import --as`).
    pub coded: usize,
    pub duplicates: usize,
    pub skipped: usize,
    pub failed: usize,
    pub cancelled: bool,
    pub problems: Vec<ImportProblemDto>,
    /// Set when the import stopped on an error of the project itself.
    pub error: Option<ErrorDto>,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportProblemDto {
    pub path: String,
    pub status: &'static str,
    pub code: Option<Code>,
    pub reason: String,
}

impl ImportSummaryDto {
    pub fn failed(error: ErrorDto) -> ImportSummaryDto {
        ImportSummaryDto {
            imported: 0,
            replaced: 0,
            orphaned: 0,
            coded: 0,
            duplicates: 0,
            skipped: 0,
            failed: 0,
            cancelled: false,
            problems: Vec::new(),
            error: Some(error),
        }
    }
}

impl From<&Summary> for ImportSummaryDto {
    fn from(s: &Summary) -> ImportSummaryDto {
        let problems = s
            .files
            .iter()
            .filter_map(|f| {
                let path = f.path.display().to_string();
                match &f.outcome {
                    FileOutcome::Imported { .. } => None,
                    FileOutcome::Skipped { reason } => Some(ImportProblemDto {
                        path,
                        status: "skipped",
                        code: None,
                        reason: reason.clone(),
                    }),
                    FileOutcome::Failed { code, reason } => Some(ImportProblemDto {
                        path,
                        status: "failed",
                        code: Some(Code::from_crate(code)),
                        reason: reason.clone(),
                    }),
                }
            })
            .collect();
        let (replaced, orphaned) = s
            .files
            .iter()
            .flat_map(|f| match &f.outcome {
                FileOutcome::Imported { versions, .. } => versions.as_slice(),
                _ => &[],
            })
            .fold((0, 0), |(n, o), v| (n + 1, o + v.orphaned));
        ImportSummaryDto {
            imported: s.imported(),
            replaced,
            orphaned,
            coded: s.coded(),
            duplicates: s.duplicates(),
            skipped: s.skipped(),
            failed: s.failed(),
            cancelled: s.cancelled,
            problems,
            error: None,
        }
    }
}

/// The end of indexing on open: how many documents it indexed, or why it stopped.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexFinishedDto {
    pub indexed: u64,
    pub error: Option<ErrorDto>,
}

/// Indexing on open: where it is while it runs (`progress`), then how it ended (`finished`);
/// both empty when there was nothing to index.
#[derive(Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexStatusDto {
    pub progress: Option<claimdesk_store::IndexProgress>,
    pub finished: Option<IndexFinishedDto>,
}
