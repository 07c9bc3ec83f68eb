//! Where an import is and how it ended, and indexing on open.

use serde::Serialize;

use claimdesk_import::{FileOutcome, IndexProgress, Progress, Summary};

use crate::error::{Code, ErrorDto};

/// Where a running import is, for the import panel's bar (the `import-progress` event). While
/// the imported documents are indexed for search, the bytes count documents indexed and
/// `current` says so.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgressDto {
    pub files_done: usize,
    pub files_total: usize,
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// The file being read now (or just finished), for display.
    pub current: String,
    pub documents: usize,
    pub failed: usize,
}

impl From<&Progress> for ImportProgressDto {
    fn from(p: &Progress) -> ImportProgressDto {
        ImportProgressDto {
            files_done: p.files_done,
            files_total: p.files_total,
            bytes_done: p.bytes_done,
            bytes_total: p.bytes_total,
            current: p.current.clone(),
            documents: p.documents,
            failed: p.failed,
        }
    }
}

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

/// Where indexing for search is (the `index-progress` event, and `index_status`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexProgressDto {
    /// Documents indexed so far.
    pub indexed: u64,
    /// Documents that were waiting when indexing began.
    pub total: u64,
}

impl From<&IndexProgress> for IndexProgressDto {
    fn from(p: &IndexProgress) -> IndexProgressDto {
        IndexProgressDto {
            indexed: p.indexed,
            total: p.total,
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
    pub progress: Option<IndexProgressDto>,
    pub finished: Option<IndexFinishedDto>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The events' payloads keep the names the webview reads (`ImportProgress` and
    /// `IndexProgress` in `ui/src/lib/types.ts`).
    #[test]
    fn progress_is_sent_in_camel_case() {
        let import = Progress {
            files_done: 1,
            files_total: 3,
            bytes_done: 10,
            bytes_total: 30,
            current: "a.txt".into(),
            documents: 2,
            failed: 0,
        };
        let dto = ImportProgressDto::from(&import);
        assert_eq!(
            serde_json::to_string(&dto).unwrap(),
            r#"{"filesDone":1,"filesTotal":3,"bytesDone":10,"bytesTotal":30,"current":"a.txt","documents":2,"failed":0}"#
        );
        let index = IndexProgress {
            indexed: 5,
            total: 8,
        };
        let dto = IndexProgressDto::from(&index);
        assert_eq!(
            serde_json::to_string(&dto).unwrap(),
            r#"{"indexed":5,"total":8}"#
        );
        assert_eq!(
            serde_json::to_string(&IndexStatusDto {
                progress: Some(dto),
                finished: None,
            })
            .unwrap(),
            r#"{"progress":{"indexed":5,"total":8},"finished":null}"#
        );
    }
}
