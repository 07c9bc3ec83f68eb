//! A document's text replaced by a corrected version: the new text (pasted or read from a
//! file, and bounded), what replacing it did, and the annotations it left without a place
//! (orphans).

use serde::{Deserialize, Serialize};

use claimdesk_store::{Orphan, ReplaceReport};

use crate::error::{Code, ErrorDto};

/// The largest new text accepted, pasted or read from a file (as imports accept).
pub const MAX_TEXT_BYTES: usize = 50 * 1024 * 1024;

/// The new text: pasted, or a file to read as imports read text.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplaceTextDto {
    pub document_id: i64,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
}

impl ReplaceTextDto {
    /// The new text, from exactly one of the two.
    pub fn read(self) -> Result<String, ErrorDto> {
        match (self.text, self.path) {
            (Some(text), None) => {
                if text.len() > MAX_TEXT_BYTES {
                    return Err(ErrorDto::too_large("the new text", MAX_TEXT_BYTES, "bytes"));
                }
                Ok(text)
            }
            (None, Some(path)) => {
                let path = crate::args::checked_path(&path, "the file with the new text")?;
                let unreadable = |why: String| {
                    ErrorDto::new(
                        Code::BadFile,
                        format!("cannot read {}: {why}", path.display()),
                    )
                };
                let size = std::fs::metadata(&path)
                    .map_err(|e| unreadable(e.to_string()))?
                    .len();
                if size > MAX_TEXT_BYTES as u64 {
                    return Err(ErrorDto::too_large("the file", MAX_TEXT_BYTES, "bytes"));
                }
                let bytes = std::fs::read(&path).map_err(|e| unreadable(e.to_string()))?;
                claimdesk_formats::read::decode::text(&bytes).map_err(|e| unreadable(e.to_string()))
            }
            _ => Err(ErrorDto::bad_request(
                "give the new text either pasted or as a file, not both or neither",
            )),
        }
    }
}

/// What replacing the text did.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplaceReportDto {
    pub document_id: i64,
    pub kept: usize,
    pub adjusted: usize,
    pub found: usize,
    pub orphaned: Vec<OrphanedDto>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrphanedDto {
    pub annotation_id: i64,
    pub quote: String,
    pub reason: String,
}

impl From<ReplaceReport> for ReplaceReportDto {
    fn from(r: ReplaceReport) -> ReplaceReportDto {
        ReplaceReportDto {
            document_id: r.document_id,
            kept: r.kept,
            adjusted: r.adjusted,
            found: r.found,
            orphaned: r
                .orphaned
                .into_iter()
                .map(|o| OrphanedDto {
                    annotation_id: o.annotation_id,
                    quote: o.quote,
                    reason: o.reason,
                })
                .collect(),
        }
    }
}

/// An annotation set aside by a replaced text, for the list beside the text. Its old offsets
/// are into a text the webview no longer has, so only its quote and context are sent.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrphanDto {
    pub annotation_id: i64,
    pub label_id: i64,
    pub annotator_id: i64,
    pub quote: String,
    pub prefix: String,
    pub suffix: String,
    pub note: Option<String>,
    pub links: usize,
    pub reason: String,
}

impl From<Orphan> for OrphanDto {
    fn from(o: Orphan) -> OrphanDto {
        OrphanDto {
            annotation_id: o.annotation.id,
            label_id: o.annotation.label_id,
            annotator_id: o.annotation.annotator_id,
            quote: o.annotation.quote,
            prefix: o.annotation.prefix,
            suffix: o.annotation.suffix,
            note: o.annotation.note,
            links: o.relations.len(),
            reason: o.reason,
        }
    }
}

/// Where to place an orphan: a selection of the current text, in UTF-16 code units.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlaceOrphanDto {
    pub annotation_id: i64,
    pub start16: usize,
    pub end16: usize,
}
