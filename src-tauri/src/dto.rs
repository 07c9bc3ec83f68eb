//! Transport objects: what crosses the IPC boundary, in camelCase.
//!
//! This is the one place where offsets change unit. The webview counts UTF-16 code units; the
//! core counts code points. Annotations going out carry both; spans coming in are UTF-16 and are
//! converted (and refused if they split a character) by [`claimdesk_core::TextIndex`].

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use claimdesk_core::dataset::Scope;
use claimdesk_core::library::{LibraryQuery, SearchHit, SnippetPart, SortKey};
use claimdesk_core::{Annotation, Change, Document, DocumentSummary, Label, TextIndex, Unit};
use claimdesk_formats::export::{ExportFormat, Layout};
use claimdesk_import::{FileOutcome, Summary};

use crate::error::{Code, ErrorDto};

// What a command accepts at most, so that no argument makes the app work without bound.
/// Bytes in a path (Linux's PATH_MAX).
pub const MAX_PATH_BYTES: usize = 4096;
/// Paths in one `import_paths` call (a folder counts as one).
pub const MAX_IMPORT_PATHS: usize = 10_000;
/// Bytes in a name: a backup, a label, an export format.
pub const MAX_NAME_BYTES: usize = 256;
/// Bytes in an export's full-text search.
pub const MAX_SEARCH_BYTES: usize = 2048;
/// Documents named in an export's scope.
pub const MAX_SCOPE_DOCUMENTS: usize = 100_000;
/// Labels named in an export's scope.
pub const MAX_SCOPE_LABELS: usize = 1_000;

/// A value from the webview for an error message: quoted, and cut short, so that a refusal
/// never echoes megabytes back.
pub fn shown(value: &str) -> String {
    const KEEP: usize = 60;
    match value.char_indices().nth(KEEP) {
        None => format!("{value:?}"),
        Some((cut, _)) => format!("{:?}… ({} bytes)", &value[..cut], value.len()),
    }
}

/// A command argument, taken whatever the webview sent. Tauri answers an argument it cannot
/// deserialize (missing, or of the wrong type) with a bare string; through `Arg`, the command
/// answers it like any other refusal, an [`ErrorDto`] with the code `bad_request`.
pub struct Arg<T>(Result<T, String>);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Arg<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Arg<T>, D::Error> {
        // Through `Option`, a missing key arrives as `None` instead of failing inside Tauri.
        let parsed = match Option::<serde_json::Value>::deserialize(deserializer) {
            Ok(value) => {
                let missing = value.is_none();
                T::deserialize(value.unwrap_or_default()).map_err(|e| {
                    if missing {
                        "it is missing or null".to_string()
                    } else {
                        e.to_string()
                    }
                })
            }
            Err(e) => Err(e.to_string()),
        };
        Ok(Arg(parsed))
    }
}

impl<T> Arg<T> {
    /// The value, or a refusal naming the argument (as the webview spells it).
    pub fn get(self, name: &str) -> Result<T, ErrorDto> {
        self.0.map_err(|reason| {
            const KEEP: usize = 200;
            let reason = match reason.char_indices().nth(KEEP) {
                None => reason,
                Some((cut, _)) => format!("{}…", &reason[..cut]),
            };
            ErrorDto::bad_request(format!("the argument {name} is not valid: {reason}"))
        })
    }
}

/// A request object, and only an object: serde would also read a struct from an array of its
/// field values, taken in declaration order.
pub struct Object<T>(pub T);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Object<T>, D::Error> {
        use serde::de::Error;
        match serde_json::Value::deserialize(deserializer)? {
            value @ serde_json::Value::Object(_) => {
                T::deserialize(value).map(Object).map_err(D::Error::custom)
            }
            _ => Err(D::Error::custom("expected an object")),
        }
    }
}

/// A path from the webview, which only ever sends full paths (from dialogs and drops).
pub fn checked_path(path: &str, what: &str) -> Result<PathBuf, ErrorDto> {
    if path.len() > MAX_PATH_BYTES {
        return Err(ErrorDto::too_large(what, MAX_PATH_BYTES, "bytes"));
    }
    if path.is_empty() {
        return Err(ErrorDto::bad_request(format!("{what} is empty")));
    }
    if path.contains('\0') {
        return Err(ErrorDto::bad_request(format!(
            "{what} {} contains a NUL byte",
            shown(path)
        )));
    }
    let path = PathBuf::from(path);
    if !path.is_absolute() {
        return Err(ErrorDto::bad_request(format!(
            "{what} must be a full path, not {}",
            shown(&path.to_string_lossy())
        )));
    }
    Ok(path)
}

/// The coder an import's coding is stored under (`import --as`): a trimmed, non-empty name of
/// bounded length, or none.
pub fn coder_name(name: Option<String>) -> Result<Option<String>, ErrorDto> {
    let Some(name) = name else {
        return Ok(None);
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(ErrorDto::bad_request("say which coder the work is from"));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(ErrorDto::too_large(
            "the coder's name",
            MAX_NAME_BYTES,
            "bytes",
        ));
    }
    Ok(Some(name.to_string()))
}

/// The paths of an `import_paths` call, checked.
pub fn import_paths(paths: Vec<String>) -> Result<Vec<PathBuf>, ErrorDto> {
    if paths.len() > MAX_IMPORT_PATHS {
        return Err(ErrorDto::too_large(
            "the list of paths to import",
            MAX_IMPORT_PATHS,
            "paths (import their folder instead)",
        ));
    }
    paths
        .iter()
        .map(|path| checked_path(path, "a path to import"))
        .collect()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectDto {
    pub path: String,
    pub annotator: String,
    /// False until the analyst has said who they are: the window then asks.
    pub annotator_confirmed: bool,
    /// Everyone who has worked on the project.
    pub annotators: Vec<String>,
    /// The coder at work, by id (annotations carry their coder's id).
    pub annotator_id: i64,
    /// Whether each coder sees only their own annotations until a document is adjudicated.
    pub blind_mode: bool,
    /// Whether imports take a file whose URL (or title, date and source) matches one document
    /// as a new version of it (an app setting, not the project's).
    pub import_new_versions: bool,
    pub labels: Vec<LabelDto>,
    pub relation_types: Vec<RelationTypeDto>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelDto {
    pub id: i64,
    pub name: String,
    pub colour: String,
    pub hotkey: Option<String>,
    pub attributes: Vec<claimdesk_core::AttributeDef>,
}

impl From<Label> for LabelDto {
    fn from(l: Label) -> LabelDto {
        LabelDto {
            id: l.id,
            name: l.name,
            colour: l.colour,
            hotkey: l.hotkey,
            attributes: l.attributes,
        }
    }
}

/// A relation type and the labels it may link (empty: any).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationTypeDto {
    pub id: i64,
    pub name: String,
    pub from_labels: Vec<i64>,
    pub to_labels: Vec<i64>,
}

impl From<claimdesk_core::RelationType> for RelationTypeDto {
    fn from(t: claimdesk_core::RelationType) -> RelationTypeDto {
        RelationTypeDto {
            id: t.id,
            name: t.name,
            from_labels: t.from_labels,
            to_labels: t.to_labels,
        }
    }
}

/// A relation between two annotations of the open document.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationDto {
    pub id: i64,
    pub kind: String,
    pub from_id: i64,
    pub to_id: i64,
}

impl From<claimdesk_core::Relation> for RelationDto {
    fn from(r: claimdesk_core::Relation) -> RelationDto {
        RelationDto {
            id: r.id,
            kind: r.kind,
            from_id: r.from_id,
            to_id: r.to_id,
        }
    }
}

/// What the annotation panel changes; absent fields stay as they are.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnnotationEditDto {
    #[serde(default)]
    pub label_id: Option<i64>,
    #[serde(default)]
    pub attributes: Option<serde_json::Map<String, serde_json::Value>>,
    /// The note; an empty one clears it.
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub entity_id: Option<i64>,
    /// Unlinks the entity.
    #[serde(default)]
    pub clear_entity: bool,
}

impl AnnotationEditDto {
    pub fn into_edit(self) -> Result<claimdesk_core::AnnotationEdit, ErrorDto> {
        if self.note.as_ref().is_some_and(|n| n.len() > MAX_NOTE_BYTES) {
            return Err(ErrorDto::too_large("the note", MAX_NOTE_BYTES, "bytes"));
        }
        if self
            .attributes
            .as_ref()
            .is_some_and(|a| serde_json::to_string(a).map_or(0, |s| s.len()) > MAX_NOTE_BYTES)
        {
            return Err(ErrorDto::too_large(
                "the attributes",
                MAX_NOTE_BYTES,
                "bytes",
            ));
        }
        Ok(claimdesk_core::AnnotationEdit {
            label_id: self.label_id,
            attributes: self.attributes,
            note: self.note.map(|n| Some(n).filter(|n| !n.trim().is_empty())),
            entity_id: if self.clear_entity {
                Some(None)
            } else {
                self.entity_id.map(Some)
            },
        })
    }
}

/// The most bytes a note or an annotation's attributes may take.
pub const MAX_NOTE_BYTES: usize = 400_000;

/// One line of an annotation's history.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntryDto {
    pub at: String,
    pub annotator: String,
    pub action: String,
    pub kind: String,
}

impl From<claimdesk_store::HistoryEntry> for HistoryEntryDto {
    fn from(e: claimdesk_store::HistoryEntry) -> HistoryEntryDto {
        HistoryEntryDto {
            at: e.at.to_rfc3339(),
            annotator: e.annotator,
            action: e.action,
            kind: e.kind,
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

/// A page of the library: its rows, where they start, and how many documents the query selects.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LibraryPageDto {
    /// Null when the call did not ask to count (scrolling, once the total is known).
    pub total: Option<usize>,
    pub offset: usize,
    pub rows: Vec<DocumentSummaryDto>,
}

impl From<claimdesk_store::LibraryPage> for LibraryPageDto {
    fn from(page: claimdesk_store::LibraryPage) -> LibraryPageDto {
        LibraryPageDto {
            total: Some(page.total),
            offset: page.offset,
            rows: page.rows.into_iter().map(Into::into).collect(),
        }
    }
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
    /// Where the article's date header ends (UTF-16); 0 if it has none.
    pub header_end16: usize,
    pub annotations: Vec<AnnotationDto>,
    pub relations: Vec<RelationDto>,
    /// Whether blind mode left other coders' annotations out, and how many.
    pub blind: bool,
    pub hidden: usize,
    /// Whether the coder at work marked the document done.
    pub done: bool,
    /// Annotations a replaced text left without a place, for the analyst to place or delete.
    pub orphans: Vec<crate::versions::OrphanDto>,
}

impl DocumentDto {
    pub fn new(
        doc: Document,
        annotations: Vec<Annotation>,
        relations: Vec<claimdesk_core::Relation>,
    ) -> Result<DocumentDto, ErrorDto> {
        let index = TextIndex::new(&doc.text);
        let annotations = annotations
            .into_iter()
            .map(|a| AnnotationDto::new(a, &index))
            .collect::<Result<_, _>>()?;
        let header_end16 =
            index.from_code_points(claimdesk_core::document::header_end(&doc.text), Unit::Utf16)?;
        Ok(DocumentDto {
            header_end16,
            id: doc.id,
            title: doc.title,
            date: doc.date.map(|d| d.to_string()),
            source: doc.source,
            annotations,
            relations: relations.into_iter().map(Into::into).collect(),
            text: doc.text,
            blind: false,
            hidden: 0,
            done: false,
            orphans: Vec::new(),
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
    pub attributes: serde_json::Map<String, serde_json::Value>,
    pub note: Option<String>,
    pub entity_id: Option<i64>,
    /// Who coded it.
    pub annotator_id: i64,
}

impl AnnotationDto {
    pub fn new(a: Annotation, index: &TextIndex<'_>) -> Result<AnnotationDto, ErrorDto> {
        let start16 = index.from_code_points(a.start, Unit::Utf16)?;
        let end16 = index.from_code_points(a.end, Unit::Utf16)?;
        Ok(AnnotationDto::with_utf16(a, start16, end16))
    }

    /// With UTF-16 offsets already known to be the annotation's own.
    pub fn with_utf16(a: Annotation, start16: usize, end16: usize) -> AnnotationDto {
        AnnotationDto {
            id: a.id,
            document_id: a.document_id,
            label_id: a.label_id,
            start16,
            end16,
            start: a.start,
            end: a.end,
            quote: a.quote,
            attributes: a.attributes,
            note: a.note,
            entity_id: a.entity_id,
            annotator_id: a.annotator_id,
        }
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
    /// Edits of the coder's history passed over because another coder had changed what they
    /// touched since.
    pub skipped: usize,
}

impl From<&Change> for HistoryStepDto {
    fn from(c: &Change) -> HistoryStepDto {
        HistoryStepDto {
            kind: c.kind(),
            document_id: c.document_id(),
            skipped: 0,
        }
    }
}

impl HistoryStepDto {
    /// An undo or redo: the change applied, or only the edits passed over (kind `skipped`), or
    /// nothing at all.
    pub fn of_step(step: &claimdesk_store::Step) -> Option<HistoryStepDto> {
        match &step.change {
            Some(change) => Some(HistoryStepDto {
                skipped: step.skipped,
                ..HistoryStepDto::from(change)
            }),
            None if step.skipped > 0 => Some(HistoryStepDto {
                kind: "skipped",
                document_id: 0,
                skipped: step.skipped,
            }),
            None => None,
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
        let date = |value: Option<String>, what: &str| -> Result<Option<NaiveDate>, ErrorDto> {
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => iso_date(v)
                    .map(Some)
                    .ok_or_else(|| bad(format!("the {what} date {} is not YYYY-MM-DD", shown(v)))),
            }
        };
        let (date_from, date_to) = (date(self.date_from, "from")?, date(self.date_to, "to")?);
        if let (Some(from), Some(to)) = (date_from, date_to) {
            if from > to {
                return Err(bad(format!(
                    "the from date {from} is after the to date {to}"
                )));
            }
        }
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
        };
        let mut request = claimdesk_export::Request::new(format, destination, scope);
        request.options.conll_label = self.conll_label.filter(|l| !l.is_empty());
        Ok(request)
    }
}

/// A date written YYYY-MM-DD exactly (`%Y` alone would read "25-01-01" as the year 25).
fn iso_date(value: &str) -> Option<NaiveDate> {
    let shape = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shape
        .then(|| NaiveDate::parse_from_str(value, "%Y-%m-%d").ok())
        .flatten()
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

/// What the document list shows: filters and order.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LibraryQueryDto {
    #[serde(default)]
    pub label_id: Option<i64>,
    #[serde(default)]
    pub annotator: Option<String>,
    #[serde(default)]
    pub date_from: Option<String>,
    #[serde(default)]
    pub date_to: Option<String>,
    #[serde(default)]
    pub unannotated: bool,
    /// imported, title, date, source or annotations.
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub descending: bool,
    /// Only the documents of this sample.
    #[serde(default)]
    pub set_id: Option<i64>,
}

impl LibraryQueryDto {
    pub fn into_query(self) -> Result<LibraryQuery, ErrorDto> {
        let bad = ErrorDto::bad_request;
        let date = |value: Option<String>, what: &str| -> Result<Option<NaiveDate>, ErrorDto> {
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => iso_date(v)
                    .map(Some)
                    .ok_or_else(|| bad(format!("the {what} date {} is not YYYY-MM-DD", shown(v)))),
            }
        };
        let sort = match self.sort.as_deref().unwrap_or("imported") {
            "imported" => SortKey::Imported,
            "title" => SortKey::Title,
            "date" => SortKey::Date,
            "source" => SortKey::Source,
            "annotations" => SortKey::Annotations,
            other => return Err(bad(format!("cannot sort by {}", shown(other)))),
        };
        if self
            .annotator
            .as_ref()
            .is_some_and(|a| a.len() > MAX_NAME_BYTES)
        {
            return Err(ErrorDto::too_large(
                "the annotator name",
                MAX_NAME_BYTES,
                "bytes",
            ));
        }
        Ok(LibraryQuery {
            label_id: self.label_id,
            annotator: self.annotator.filter(|a| !a.trim().is_empty()),
            date_from: date(self.date_from, "from")?,
            date_to: date(self.date_to, "to")?,
            unannotated: self.unannotated,
            sort,
            descending: self.descending,
            set_id: self.set_id,
        })
    }
}

/// Where the analyst was reading: a document and a UTF-16 position in its text.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaceDto {
    pub document_id: i64,
    pub at16: usize,
}

/// A document matching a full-text search, with where its first match is (UTF-16).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHitDto {
    pub document_id: i64,
    pub title: String,
    pub snippet: Vec<SnippetPart>,
    pub first_match16: Option<usize>,
    pub first_match_end16: Option<usize>,
}

impl SearchHitDto {
    /// The match in UTF-16, as the store found it.
    pub fn new(hit: SearchHit) -> SearchHitDto {
        SearchHitDto {
            document_id: hit.document_id,
            title: hit.title,
            snippet: hit.snippet,
            first_match16: hit.first_match16.as_ref().map(|m| m.start),
            first_match_end16: hit.first_match16.as_ref().map(|m| m.end),
        }
    }
}

/// The first page of a full-text search: `matches` documents match (at least that many when
/// `more`);
/// the hits are best first when `ranked`, else the newest imported first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResultsDto {
    pub hits: Vec<SearchHitDto>,
    pub matches: usize,
    pub more: bool,
    pub ranked: bool,
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

/// A canonical actor or concept, with how many annotations mention it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityDto {
    pub id: i64,
    /// actor or concept.
    pub kind: &'static str,
    pub name: String,
    pub aliases: Vec<String>,
    pub mentions: i64,
}

impl EntityDto {
    pub fn new(e: claimdesk_core::dataset::Entity, mentions: i64) -> EntityDto {
        EntityDto {
            id: e.id,
            kind: e.kind.name(),
            name: e.name,
            aliases: e.aliases,
            mentions,
        }
    }
}

/// An entity kind from the webview.
pub fn entity_kind(kind: &str) -> Result<claimdesk_core::dataset::EntityKind, ErrorDto> {
    match kind {
        "actor" => Ok(claimdesk_core::dataset::EntityKind::Actor),
        "concept" => Ok(claimdesk_core::dataset::EntityKind::Concept),
        other => Err(ErrorDto::bad_request(format!(
            "an entity is an actor or a concept, not {}",
            shown(other)
        ))),
    }
}

/// A mention of an entity, for jumping to it (UTF-16 for the webview).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MentionDto {
    pub annotation_id: i64,
    pub document_id: i64,
    pub document_title: String,
    pub quote: String,
}

impl From<claimdesk_store::Mention> for MentionDto {
    fn from(m: claimdesk_store::Mention) -> MentionDto {
        MentionDto {
            annotation_id: m.annotation_id,
            document_id: m.document_id,
            document_title: m.document_title,
            quote: m.quote,
        }
    }
}

/// A row of the statements table.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementDto {
    pub document_id: i64,
    pub title: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub actor: String,
    pub actor_entity_id: Option<i64>,
    pub concept: String,
    pub concept_entity_id: Option<i64>,
    pub stance: Option<String>,
    pub claim_annotation_id: i64,
    pub actor_annotation_id: i64,
}

impl From<claimdesk_core::statement::Statement> for StatementDto {
    fn from(s: claimdesk_core::statement::Statement) -> StatementDto {
        StatementDto {
            document_id: s.document_id,
            title: s.title,
            date: s.date.map(|d| d.to_string()),
            source: s.source,
            actor: s.actor,
            actor_entity_id: s.actor_entity_id,
            concept: s.concept,
            concept_entity_id: s.concept_entity_id,
            stance: s.stance,
            claim_annotation_id: s.claim_annotation_id,
            actor_annotation_id: s.actor_annotation_id,
        }
    }
}

/// An entity as the entities panel sends it back: its name and aliases.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EntityEditDto {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A label as the schema editor sends it.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelEditDto {
    pub name: String,
    pub colour: String,
    #[serde(default)]
    pub hotkey: Option<String>,
    #[serde(default)]
    pub attributes: Vec<claimdesk_core::AttributeDef>,
}

impl LabelEditDto {
    pub fn into_new(self) -> Result<claimdesk_core::label::NewLabel, ErrorDto> {
        let too_big = self.name.len() > MAX_NAME_BYTES
            || self.colour.len() > 16
            || self.hotkey.as_ref().is_some_and(|h| h.len() > 16)
            || self.attributes.len() > 64
            || serde_json::to_string(&self.attributes).map_or(0, |s| s.len()) > MAX_NOTE_BYTES;
        if too_big {
            return Err(ErrorDto::too_large(
                "the label",
                MAX_NAME_BYTES,
                "bytes per name",
            ));
        }
        Ok(claimdesk_core::label::NewLabel {
            name: self.name,
            colour: self.colour,
            hotkey: self.hotkey.filter(|h| !h.is_empty()),
            attributes: self.attributes,
        })
    }
}

/// A relation type as the schema editor sends it.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelationTypeEditDto {
    pub name: String,
    #[serde(default)]
    pub from_labels: Vec<i64>,
    #[serde(default)]
    pub to_labels: Vec<i64>,
}

impl RelationTypeEditDto {
    pub fn checked(self) -> Result<RelationTypeEditDto, ErrorDto> {
        if self.name.len() > MAX_NAME_BYTES || self.from_labels.len() + self.to_labels.len() > 2000
        {
            return Err(ErrorDto::too_large(
                "the relation type",
                MAX_NAME_BYTES,
                "bytes",
            ));
        }
        Ok(self)
    }
}

/// What deleting a label would take with it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelUsageDto {
    pub annotations: i64,
    pub relations: i64,
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

/// A sample to draw: from the library's filter (and a search), how many, the seed, the strata.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SampleRequestDto {
    pub name: String,
    pub query: LibraryQueryDto,
    #[serde(default)]
    pub search: Option<String>,
    pub size: usize,
    pub seed: u64,
    /// none, source, month or metadata (with `stratumKey`).
    #[serde(default)]
    pub strata: Option<String>,
    #[serde(default)]
    pub stratum_key: Option<String>,
}

impl SampleRequestDto {
    pub fn into_spec(self) -> Result<(String, claimdesk_store::SampleSpec), ErrorDto> {
        use claimdesk_store::Strata;
        if self.name.len() > MAX_NAME_BYTES {
            return Err(ErrorDto::too_large(
                "the sample's name",
                MAX_NAME_BYTES,
                "bytes",
            ));
        }
        if self
            .search
            .as_ref()
            .is_some_and(|s| s.len() > MAX_SEARCH_BYTES)
        {
            return Err(ErrorDto::too_large("the search", MAX_SEARCH_BYTES, "bytes"));
        }
        let key = self.stratum_key.unwrap_or_default();
        if key.len() > MAX_NAME_BYTES {
            return Err(ErrorDto::too_large(
                "the metadata field",
                MAX_NAME_BYTES,
                "bytes",
            ));
        }
        let strata = match self.strata.as_deref().unwrap_or("none") {
            "none" | "" => None,
            "source" => Some(Strata::Source),
            "month" => Some(Strata::Month),
            "metadata" => Some(Strata::Metadata(key)),
            other => {
                return Err(ErrorDto::bad_request(format!(
                    "cannot stratify by {}",
                    shown(other)
                )))
            }
        };
        let spec = claimdesk_store::SampleSpec {
            query: self.query.into_query()?,
            search: self.search.filter(|s| !s.trim().is_empty()),
            size: self.size,
            seed: self.seed,
            strata,
        };
        Ok((self.name, spec))
    }
}

/// A sample as the library lists it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SampleDto {
    pub id: i64,
    pub name: String,
    pub documents: usize,
    pub seed: u64,
    pub size: usize,
    pub strata: Option<String>,
    pub created_at: String,
}

impl From<claimdesk_store::DocumentSet> for SampleDto {
    fn from(set: claimdesk_store::DocumentSet) -> SampleDto {
        use claimdesk_store::Strata;
        SampleDto {
            id: set.id,
            name: set.name,
            documents: set.documents,
            seed: set.spec.seed,
            size: set.spec.size,
            strata: set.spec.strata.map(|s| match s {
                Strata::Source => "source".into(),
                Strata::Month => "month".into(),
                Strata::Metadata(key) => format!("metadata: {key}"),
            }),
            created_at: set.created_at.to_rfc3339(),
        }
    }
}

/// A sample just drawn: the set, what it was drawn from, and how many of each stratum.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DrawnSampleDto {
    pub sample: SampleDto,
    pub candidates: usize,
    pub strata: std::collections::BTreeMap<String, usize>,
}

impl From<claimdesk_store::DrawnSample> for DrawnSampleDto {
    fn from(drawn: claimdesk_store::DrawnSample) -> DrawnSampleDto {
        DrawnSampleDto {
            sample: drawn.set.into(),
            candidates: drawn.candidates,
            strata: drawn.strata,
        }
    }
}
