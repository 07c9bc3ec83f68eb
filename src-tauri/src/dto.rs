//! Transport objects: what crosses the IPC boundary, in camelCase.
//!
//! This is the one place where offsets change unit. The webview counts UTF-16 code units; the
//! core counts code points. Annotations going out carry both; spans coming in are UTF-16 and are
//! converted (and refused if they split a character) by [`claimdesk_core::TextIndex`].

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use claimdesk_core::dataset::Scope;
use claimdesk_core::{Annotation, Change, Document, DocumentSummary, Label, TextIndex, Unit};
use claimdesk_formats::export::{ExportFormat, Layout};
use claimdesk_import::{FileOutcome, Summary};
use claimdesk_store::StoreError;

/// Every command failure: the UI switches on `code`, shows `message`.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorDto {
    pub code: &'static str,
    pub message: String,
}

impl From<StoreError> for ErrorDto {
    fn from(e: StoreError) -> ErrorDto {
        ErrorDto {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<claimdesk_core::OffsetError> for ErrorDto {
    fn from(e: claimdesk_core::OffsetError) -> ErrorDto {
        StoreError::from(e).into()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectDto {
    pub path: String,
    pub annotator: String,
    pub labels: Vec<LabelDto>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelDto {
    pub id: i64,
    pub name: String,
    pub colour: String,
    pub hotkey: Option<String>,
}

impl From<Label> for LabelDto {
    fn from(l: Label) -> LabelDto {
        LabelDto {
            id: l.id,
            name: l.name,
            colour: l.colour,
            hotkey: l.hotkey,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentSummaryDto {
    pub id: i64,
    pub title: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub annotation_count: i64,
}

impl From<DocumentSummary> for DocumentSummaryDto {
    fn from(d: DocumentSummary) -> DocumentSummaryDto {
        DocumentSummaryDto {
            id: d.id,
            title: d.title,
            date: d.date.map(|d| d.to_string()),
            source: d.source,
            annotation_count: d.annotation_count,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentDto {
    pub id: i64,
    pub title: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub text: String,
    pub annotations: Vec<AnnotationDto>,
}

impl DocumentDto {
    pub fn new(doc: Document, annotations: Vec<Annotation>) -> Result<DocumentDto, ErrorDto> {
        let index = TextIndex::new(&doc.text);
        let annotations = annotations
            .into_iter()
            .map(|a| AnnotationDto::new(a, &index))
            .collect::<Result<_, _>>()?;
        Ok(DocumentDto {
            id: doc.id,
            title: doc.title,
            date: doc.date.map(|d| d.to_string()),
            source: doc.source,
            annotations,
            text: doc.text,
        })
    }
}

/// An annotation for the webview: code points (`start`, `end`) as stored, UTF-16 (`start16`,
/// `end16`) for slicing JavaScript strings.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnnotationDto {
    pub id: i64,
    pub document_id: i64,
    pub label_id: i64,
    pub start: usize,
    pub end: usize,
    pub start16: usize,
    pub end16: usize,
    pub quote: String,
}

impl AnnotationDto {
    pub fn new(a: Annotation, index: &TextIndex<'_>) -> Result<AnnotationDto, ErrorDto> {
        Ok(AnnotationDto {
            id: a.id,
            document_id: a.document_id,
            label_id: a.label_id,
            start16: index.from_code_points(a.start, Unit::Utf16)?,
            end16: index.from_code_points(a.end, Unit::Utf16)?,
            start: a.start,
            end: a.end,
            quote: a.quote,
        })
    }
}

/// A span the analyst selected, in UTF-16 code units of the document text.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAnnotationDto {
    pub document_id: i64,
    pub label_id: i64,
    pub start16: usize,
    pub end16: usize,
}

/// What an edit, undo or redo changed, so the view can refresh that document.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryStepDto {
    pub kind: &'static str,
    pub document_id: i64,
}

impl From<&Change> for HistoryStepDto {
    fn from(c: &Change) -> HistoryStepDto {
        HistoryStepDto {
            kind: c.kind(),
            document_id: c.document_id(),
        }
    }
}

/// The end of an import, for the webview: counts, and a line for each file that was not
/// imported cleanly.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummaryDto {
    pub imported: usize,
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
    pub code: Option<&'static str>,
    pub reason: String,
}

impl ImportSummaryDto {
    pub fn failed(error: ErrorDto) -> ImportSummaryDto {
        ImportSummaryDto {
            imported: 0,
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
                        code: Some(code),
                        reason: reason.clone(),
                    }),
                }
            })
            .collect();
        ImportSummaryDto {
            imported: s.imported(),
            duplicates: s.duplicates(),
            skipped: s.skipped(),
            failed: s.failed(),
            cancelled: s.cancelled,
            problems,
            error: None,
        }
    }
}

/// An export format, for the export dialog.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportFormatDto {
    pub name: &'static str,
    pub description: &'static str,
    /// "file" or "folder".
    pub layout: &'static str,
    pub default_name: &'static str,
}

impl From<ExportFormat> for ExportFormatDto {
    fn from(f: ExportFormat) -> ExportFormatDto {
        ExportFormatDto {
            name: f.name(),
            description: f.description(),
            layout: match f.layout() {
                Layout::File => "file",
                Layout::Folder => "folder",
            },
            default_name: f.default_name(),
        }
    }
}

/// What the export dialog asks for.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportRequestDto {
    pub format: String,
    pub destination: String,
    #[serde(default)]
    pub documents: Option<Vec<i64>>,
    #[serde(default)]
    pub date_from: Option<String>,
    #[serde(default)]
    pub date_to: Option<String>,
    #[serde(default)]
    pub labels: Option<Vec<String>>,
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub conll_label: Option<String>,
}

impl ExportRequestDto {
    /// The domain request, or why the dialog's values cannot be one.
    pub fn into_request(self) -> Result<claimdesk_export::Request, ErrorDto> {
        let bad = |message: String| ErrorDto {
            code: "bad_request",
            message,
        };
        let format = ExportFormat::from_name(&self.format)
            .ok_or_else(|| bad(format!("there is no export format {:?}", self.format)))?;
        let destination = self.destination.trim();
        if destination.is_empty() {
            return Err(bad("choose where to save the export".into()));
        }
        let date = |value: Option<String>, what: &str| -> Result<Option<NaiveDate>, ErrorDto> {
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| bad(format!("the {what} date {v:?} is not YYYY-MM-DD"))),
            }
        };
        let scope = Scope {
            documents: self.documents,
            date_from: date(self.date_from, "from")?,
            date_to: date(self.date_to, "to")?,
            labels: self.labels.filter(|l| !l.is_empty()),
            annotators: None,
            search: self.search.filter(|s| !s.trim().is_empty()),
        };
        let mut request = claimdesk_export::Request::new(format, PathBuf::from(destination), scope);
        request.options.conll_label = self.conll_label.filter(|l| !l.is_empty());
        Ok(request)
    }
}

/// How an export ended.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportResultDto {
    pub format: &'static str,
    pub path: Option<String>,
    pub documents: usize,
    pub annotations: usize,
    pub relations: usize,
    pub statements: usize,
    pub spans_checked: usize,
    pub files: usize,
    pub bytes: u64,
    pub error: Option<ErrorDto>,
}

impl ExportResultDto {
    pub fn new(
        format: ExportFormat,
        result: Result<claimdesk_export::Done, ErrorDto>,
    ) -> ExportResultDto {
        let mut dto = ExportResultDto {
            format: format.name(),
            path: None,
            documents: 0,
            annotations: 0,
            relations: 0,
            statements: 0,
            spans_checked: 0,
            files: 0,
            bytes: 0,
            error: None,
        };
        match result {
            Ok(done) => {
                dto.path = Some(done.path.display().to_string());
                dto.documents = done.summary.documents;
                dto.annotations = done.summary.annotations;
                dto.relations = done.summary.relations;
                dto.statements = done.summary.statements;
                dto.spans_checked = done.summary.spans_checked;
                dto.files = done.files.len();
                dto.bytes = done.bytes;
            }
            Err(error) => dto.error = Some(error),
        }
        dto
    }
}

/// A backup of the project, for the backups dialog.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupDto {
    pub name: String,
    pub made_at: String,
    pub bytes: u64,
}

impl From<claimdesk_store::Backup> for BackupDto {
    fn from(b: claimdesk_store::Backup) -> BackupDto {
        BackupDto {
            name: b.name,
            made_at: b.made_at.to_rfc3339(),
            bytes: b.bytes,
        }
    }
}
