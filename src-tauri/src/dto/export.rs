//! The export dialog: the formats offered, what it asks for, where an export is and how it
//! ended.

use serde::{Deserialize, Serialize};

use claimdesk_core::dataset::Scope;
use claimdesk_formats::write::{ExportFormat, Layout};

use crate::args::{
    checked_path, date_range, shown, MAX_NAME_BYTES, MAX_SCOPE_DOCUMENTS, MAX_SCOPE_LABELS,
    MAX_SEARCH_BYTES,
};
use crate::error::ErrorDto;

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
    pub annotators: Option<Vec<String>>,
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub conll_label: Option<String>,
    /// Only the documents of this sample.
    #[serde(default)]
    pub set_id: Option<i64>,
    /// The network an Analysis view shows (network formats only): its kind, tie, weights and
    /// filter, which also narrows the documents and coding exported.
    #[serde(default)]
    pub network: Option<super::NetworkRequestDto>,
}

impl ExportRequestDto {
    /// The domain request, or why the dialog's values cannot be one.
    pub fn into_request(self) -> Result<claimdesk_export::Request, ErrorDto> {
        let bad = ErrorDto::bad_request;
        let format = ExportFormat::from_name(&self.format)
            .ok_or_else(|| bad(format!("there is no export format {}", shown(&self.format))))?;
        let destination = self.destination.trim();
        if destination.is_empty() {
            return Err(bad("choose where to save the export".into()));
        }
        let destination = checked_path(destination, "the export destination")?;
        let (date_from, date_to) = date_range(self.date_from, self.date_to)?;
        at_most(&self.documents, MAX_SCOPE_DOCUMENTS, "documents")?;
        at_most(&self.annotators, MAX_SCOPE_LABELS, "annotators")?;
        at_most(&self.labels, MAX_SCOPE_LABELS, "labels")?;
        let long_name = self
            .labels
            .iter()
            .flatten()
            .chain(self.annotators.iter().flatten())
            .chain(&self.conll_label)
            .any(|l| l.len() > MAX_NAME_BYTES);
        if long_name {
            return Err(ErrorDto::too_large("a label name", MAX_NAME_BYTES, "bytes"));
        }
        if self
            .search
            .as_ref()
            .is_some_and(|s| s.len() > MAX_SEARCH_BYTES)
        {
            return Err(ErrorDto::too_large("the search", MAX_SEARCH_BYTES, "bytes"));
        }
        let scope = Scope {
            documents: self.documents,
            date_from,
            date_to,
            labels: self.labels.filter(|l| !l.is_empty()),
            annotators: self.annotators.filter(|a| !a.is_empty()),
            search: self.search.filter(|s| !s.trim().is_empty()),
            set_id: self.set_id,
            // Set by the command, which knows whether blind mode is on.
            seen_by: None,
        };
        let mut request = claimdesk_export::Request::new(format, destination, scope);
        request.options.conll_label = self.conll_label.filter(|l| !l.is_empty());
        Ok(request)
    }
}

/// Where a running export is, for the export panel's bar (the `export-progress` event).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportProgressDto {
    pub documents_done: usize,
    pub documents_total: usize,
    pub bytes_written: u64,
}

impl From<&claimdesk_export::Progress> for ExportProgressDto {
    fn from(p: &claimdesk_export::Progress) -> ExportProgressDto {
        ExportProgressDto {
            documents_done: p.documents_done,
            documents_total: p.documents_total,
            bytes_written: p.bytes_written,
        }
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
    /// What the format has no place for (qdpx: entity links, statements…), said after the
    /// export so that nothing is lost unnoticed.
    pub left_out: Vec<String>,
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
            left_out: Vec::new(),
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
                dto.left_out = done.summary.left_out;
            }
            Err(error) => dto.error = Some(error),
        }
        dto
    }
}

/// Refuses a list of `what` to export longer than `max`.
fn at_most<T>(list: &Option<Vec<T>>, max: usize, what: &str) -> Result<(), ErrorDto> {
    match list {
        Some(items) if items.len() > max => Err(ErrorDto::too_large(
            &format!("the list of {what} to export"),
            max,
            what,
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The event's payload keeps the names the webview reads (`ExportProgress` in
    /// `ui/src/lib/types.ts`).
    #[test]
    fn progress_is_sent_in_camel_case() {
        let progress = claimdesk_export::Progress {
            documents_done: 1,
            documents_total: 2,
            bytes_written: 5,
        };
        let dto = ExportProgressDto::from(&progress);
        assert_eq!(
            serde_json::to_string(&dto).unwrap(),
            r#"{"documentsDone":1,"documentsTotal":2,"bytesWritten":5}"#
        );
    }
}
