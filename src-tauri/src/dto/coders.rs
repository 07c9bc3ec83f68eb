//! Several coders on one corpus: who coded what, assignments, agreement, merges of another
//! coder's project, and a document's coding sorted out for adjudication (its offsets crossing
//! to UTF-16 here, through `TextIndex`, as for annotations).

use serde::{Deserialize, Serialize};

use claimdesk_core::{TextIndex, Unit};

use crate::args::MAX_NAME_BYTES;
use crate::error::ErrorDto;

/// The most coders or labels an agreement request may name.
pub const MAX_NAMES: usize = 1_000;
/// The most documents one request may assign.
pub const MAX_ASSIGN: usize = 1_000_000;

/// One coder and their progress.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CoderDto {
    pub id: i64,
    pub name: String,
    pub curated: bool,
    pub annotations: i64,
    pub documents: i64,
    pub assigned: i64,
    pub done: i64,
}

impl From<claimdesk_store::Coder> for CoderDto {
    fn from(c: claimdesk_store::Coder) -> CoderDto {
        CoderDto {
            id: c.id,
            name: c.name,
            curated: c.curated,
            annotations: c.annotations,
            documents: c.documents,
            assigned: c.assigned,
            done: c.done,
        }
    }
}

/// Everyone who coded, with their progress, and whether blind mode is on.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodersDto {
    pub coders: Vec<CoderDto>,
    pub blind_mode: bool,
}

/// What to assign: a sample or chosen documents, to a coder by name.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssignDto {
    pub coder: String,
    #[serde(default)]
    pub set_id: Option<i64>,
    #[serde(default)]
    pub documents: Option<Vec<i64>>,
}

impl AssignDto {
    /// The request with the coder's name trimmed, or why it cannot be one: no name, a name
    /// too long, or too many documents. Whether it names a sample or documents is for the
    /// command to say, once it has the project.
    pub fn checked(self) -> Result<AssignDto, ErrorDto> {
        let coder = self.coder.trim();
        if coder.is_empty() || coder.len() > MAX_NAME_BYTES {
            return Err(ErrorDto::bad_request(format!(
                "say which coder, by a name of at most {MAX_NAME_BYTES} bytes"
            )));
        }
        if self
            .documents
            .as_ref()
            .is_some_and(|d| d.len() > MAX_ASSIGN)
        {
            return Err(ErrorDto::too_large(
                "the documents",
                MAX_ASSIGN,
                "documents",
            ));
        }
        Ok(AssignDto {
            coder: coder.to_string(),
            ..self
        })
    }
}

/// Refuses a list of coders or labels for an agreement report longer than [`MAX_NAMES`], or
/// with a name longer than [`MAX_NAME_BYTES`].
pub fn checked_names(list: &Option<Vec<String>>) -> Result<(), ErrorDto> {
    match list {
        Some(names)
            if names.len() > MAX_NAMES || names.iter().any(|n| n.len() > MAX_NAME_BYTES) =>
        {
            Err(ErrorDto::too_large("the list of names", MAX_NAMES, "names"))
        }
        _ => Ok(()),
    }
}

/// What a merge brought, and everything it did not take as it was (in words).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergeReportDto {
    pub documents_added: u64,
    pub documents_matched: u64,
    pub annotations_added: u64,
    pub annotations_present: u64,
    /// Annotations of a slightly different copy that could not be placed on our text.
    pub annotations_orphaned: u64,
    pub relations_added: u64,
    pub relations_present: u64,
    pub labels_added: u64,
    pub entities_added: u64,
    pub entities_merged_by_alias: u64,
    pub coders_added: u64,
    pub events_added: u64,
    pub conflicts: Vec<String>,
}

impl From<claimdesk_store::MergeReport> for MergeReportDto {
    fn from(r: claimdesk_store::MergeReport) -> MergeReportDto {
        MergeReportDto {
            documents_added: r.documents_added,
            documents_matched: r.documents_matched,
            annotations_added: r.annotations_added,
            annotations_present: r.annotations_present,
            annotations_orphaned: r.annotations_orphaned,
            relations_added: r.relations_added,
            relations_present: r.relations_present,
            labels_added: r.labels_added,
            entities_added: r.entities_added,
            entities_merged_by_alias: r.entities_merged_by_alias,
            coders_added: r.coders_added,
            events_added: r.events_added,
            conflicts: r.conflicts.iter().map(ToString::to_string).collect(),
        }
    }
}

/// A unit of the coders' coding, in the webview's units.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitDto {
    pub label_id: i64,
    pub start16: usize,
    pub end16: usize,
    pub quote: String,
    pub attributes: serde_json::Map<String, serde_json::Value>,
    pub coders: Vec<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionDto {
    pub coder: i64,
    /// Indices into the units.
    pub units: Vec<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DisagreementDto {
    pub start16: usize,
    pub end16: usize,
    pub versions: Vec<VersionDto>,
    /// Whether it was settled, and whose version was accepted (`null`: rejected).
    pub decided: bool,
    pub accepted: Option<String>,
}

/// A document's coding sorted out for adjudication.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdjudicationDto {
    pub document_id: i64,
    pub coders: Vec<i64>,
    pub units: Vec<UnitDto>,
    pub agreed: Vec<usize>,
    pub agreed_pending: usize,
    pub disagreements: Vec<DisagreementDto>,
    /// How many annotations the curated layer has in the document.
    pub curated: usize,
    pub finished: bool,
}

impl AdjudicationDto {
    /// The adjudication of document `document_id`, whose text is `text`, with its offsets in
    /// UTF-16.
    pub fn new(
        document_id: i64,
        a: claimdesk_store::Adjudication,
        text: &str,
    ) -> Result<AdjudicationDto, ErrorDto> {
        let index = TextIndex::new(text);
        let utf16 = |cp: usize| index.from_code_points(cp, Unit::Utf16);
        let units = a
            .plan
            .units
            .iter()
            .map(|u| {
                Ok(UnitDto {
                    label_id: u.label_id,
                    start16: utf16(u.start)?,
                    end16: utf16(u.end)?,
                    // Through the index, not by counting characters: a document may have 20,000.
                    quote: index
                        .slice(claimdesk_core::Span::new(u.start, u.end)?)?
                        .to_string(),
                    attributes: u.attributes.clone(),
                    coders: u.coders.clone(),
                })
            })
            .collect::<Result<_, ErrorDto>>()?;
        let disagreements = a
            .plan
            .disagreements
            .iter()
            .zip(&a.decisions)
            .map(|(d, decision)| {
                Ok(DisagreementDto {
                    start16: utf16(d.start)?,
                    end16: utf16(d.end)?,
                    versions: d
                        .versions
                        .iter()
                        .map(|(coder, units)| VersionDto {
                            coder: *coder,
                            units: units.clone(),
                        })
                        .collect(),
                    decided: decision.is_some(),
                    accepted: decision.as_ref().and_then(|d| d.accepted.clone()),
                })
            })
            .collect::<Result<_, ErrorDto>>()?;
        Ok(AdjudicationDto {
            document_id,
            coders: a.coders,
            units,
            agreed: a.plan.agreed,
            agreed_pending: a.agreed_pending,
            disagreements,
            curated: a.curated.len(),
            finished: a.finished,
        })
    }
}
