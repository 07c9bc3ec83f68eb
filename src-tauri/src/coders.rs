//! The commands of several coders on one corpus: who coded what, blind mode, assignments,
//! agreement and adjudication. Thin like the others: take the state, call the store or the
//! agreement report, map the answer back (offsets of disagreements to UTF-16 here, through
//! `TextIndex`, as `dto.rs` does for annotations).

use chrono::Utc;
use serde::{Deserialize, Serialize};
use tauri::State;

use claimdesk_core::adjudication::Rule;
use claimdesk_core::{TextIndex, Unit};
use claimdesk_export::agreement::{AgreementReport, AgreementRequest};

use crate::args::{Arg, Object, MAX_NAME_BYTES};
use crate::dto::HistoryStepDto;
use crate::error::{Code, ErrorDto};
use crate::state::AppState;

type Answer<T> = Result<T, ErrorDto>;

/// The most coders or labels an agreement request may name, and documents one may assign.
const MAX_NAMES: usize = 1_000;
const MAX_ASSIGN: usize = 1_000_000;

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

#[tauri::command]
pub async fn list_coders(state: State<'_, AppState>) -> Answer<CodersDto> {
    let project = state.project()?;
    Ok(CodersDto {
        coders: project.coders()?.into_iter().map(Into::into).collect(),
        blind_mode: project.blind_mode()?,
    })
}

/// Turns blind mode on or off: each coder then sees only their own annotations on documents
/// not yet adjudicated.
#[tauri::command]
pub async fn set_blind_mode(state: State<'_, AppState>, on: Arg<bool>) -> Answer<bool> {
    let on = on.get("on")?;
    state.coder()?;
    let mut project = state.project()?;
    project.set_blind_mode(on)?;
    Ok(on)
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

/// Assigns a sample's documents (or chosen ones) to a coder, registering the coder on first
/// use; answers how many were newly assigned.
#[tauri::command]
pub async fn assign_documents(
    state: State<'_, AppState>,
    request: Arg<Object<AssignDto>>,
) -> Answer<usize> {
    let Object(request) = request.get("request")?;
    let name = request.coder.trim();
    if name.is_empty() || name.len() > MAX_NAME_BYTES {
        return Err(ErrorDto::bad_request(format!(
            "say which coder, by a name of at most {MAX_NAME_BYTES} bytes"
        )));
    }
    if request
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
    state.coder()?;
    let mut project = state.project()?;
    let documents = match (request.set_id, request.documents) {
        (Some(set), None) => project.set_documents(set)?,
        (None, Some(documents)) => documents,
        _ => {
            return Err(ErrorDto::bad_request(
                "assign either a sample (setId) or documents, not both",
            ))
        }
    };
    let now = Utc::now();
    // Checked before the coder is registered, so a refusal leaves no trace.
    project.check_documents(&documents)?;
    let coder = project.annotator(name, now)?;
    Ok(project.assign(coder, &documents, now)?)
}

/// Marks the open document done (or not) for the coder at work; a document not assigned to
/// them becomes assigned.
#[tauri::command]
pub async fn mark_done(
    state: State<'_, AppState>,
    document_id: Arg<i64>,
    done: Arg<bool>,
) -> Answer<()> {
    let (document_id, done) = (document_id.get("documentId")?, done.get("done")?);
    let me = state.coder()?;
    let mut project = state.project()?;
    project.check_documents(&[document_id])?;
    let now = Utc::now();
    project.assign(me, &[document_id], now)?;
    project.mark_done(me, document_id, done, now)?;
    Ok(())
}

/// The agreement of the chosen coders (default: everyone who coded), over the documents at
/// least two of them coded.
#[tauri::command]
pub async fn agreement_report(
    state: State<'_, AppState>,
    coders: Arg<Option<Vec<String>>>,
    labels: Arg<Option<Vec<String>>>,
) -> Answer<AgreementReport> {
    let (coders, labels) = (coders.get("coders")?, labels.get("labels")?);
    for list in [&coders, &labels].into_iter().flatten() {
        if list.len() > MAX_NAMES || list.iter().any(|n| n.len() > MAX_NAME_BYTES) {
            return Err(ErrorDto::too_large("the list of names", MAX_NAMES, "names"));
        }
    }
    let project = state.project()?;
    let request = AgreementRequest {
        coders,
        labels,
        documents: None,
    };
    Ok(claimdesk_export::agreement::agreement(&project, &request)?)
}

/// Saves the agreement report of the chosen coders as CSV (one figure per row) or JSON, written
/// beside the destination and moved into place when complete. Answers the path written.
#[tauri::command]
pub async fn save_agreement_report(
    state: State<'_, AppState>,
    destination: Arg<String>,
    format: Arg<String>,
    coders: Arg<Option<Vec<String>>>,
) -> Answer<String> {
    let destination = destination.get("destination")?;
    let path = crate::args::checked_path(&destination, "the destination")?;
    let format = format.get("format")?;
    if format != "csv" && format != "json" {
        return Err(ErrorDto::bad_request(format!(
            "save the report as csv or json, not {}",
            crate::args::shown(&format)
        )));
    }
    let coders = coders.get("coders")?;
    if coders
        .as_ref()
        .is_some_and(|c| c.len() > MAX_NAMES || c.iter().any(|n| n.len() > MAX_NAME_BYTES))
    {
        return Err(ErrorDto::too_large("the list of names", MAX_NAMES, "names"));
    }
    let report = {
        let project = state.project()?;
        let request = AgreementRequest {
            coders,
            labels: None,
            documents: None,
        };
        claimdesk_export::agreement::agreement(&project, &request)?
    };
    let mut bytes = Vec::new();
    let written = if format == "csv" {
        claimdesk_export::agreement::write_csv(&mut bytes, &report)
    } else {
        serde_json::to_writer_pretty(&mut bytes, &report).map_err(std::io::Error::from)
    };
    let cannot = |e: std::io::Error| {
        ErrorDto::new(
            Code::IoError,
            format!("cannot save the report to {}: {e}", path.display()),
        )
    };
    written.map_err(cannot)?;
    let mut partial = path.clone().into_os_string();
    partial.push(".partial");
    std::fs::write(&partial, &bytes)
        .and_then(|()| std::fs::rename(&partial, &path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            cannot(e)
        })?;
    Ok(path.display().to_string())
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

/// Merges another project file into this one (all or nothing), then indexes its new documents
/// for search. Another coder's project: documents by text, their coding with their coders.
#[tauri::command]
pub async fn merge_project(
    state: State<'_, AppState>,
    path: Arg<String>,
    match_similar: Arg<Option<bool>>,
) -> Answer<MergeReportDto> {
    let path = crate::args::checked_path(&path.get("path")?, "the project to merge")?;
    let options = claimdesk_store::MergeOptions {
        match_similar: match_similar.get("matchSimilar")?.unwrap_or(false),
    };
    let me = state.coder()?;
    let mut project = state.project()?;
    let report = project.merge_project_with(&path, options, me, Utc::now())?;
    // New documents become searchable now (an interrupted index is finished on the next open).
    claimdesk_import::index(
        &mut project,
        &std::sync::atomic::AtomicBool::new(false),
        |_| {},
    )?;
    Ok(report.into())
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

#[tauri::command]
pub async fn adjudication_state(
    state: State<'_, AppState>,
    document_id: Arg<i64>,
    rule: Arg<Object<Rule>>,
) -> Answer<AdjudicationDto> {
    let (document_id, Object(rule)) = (document_id.get("documentId")?, rule.get("rule")?);
    let project = state.project()?;
    let text = project.document_text(document_id)?;
    let a = project.adjudication(document_id, None, rule)?;
    let index = TextIndex::new(&text);
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

/// Copies what the coders agree on (under the rule) into the curated layer.
#[tauri::command]
pub async fn accept_agreed(
    state: State<'_, AppState>,
    document_id: Arg<i64>,
    rule: Arg<Object<Rule>>,
) -> Answer<Option<HistoryStepDto>> {
    let (document_id, Object(rule)) = (document_id.get("documentId")?, rule.get("rule")?);
    let me = state.coder()?;
    let mut project = state.project()?;
    let change = project.accept_agreed(document_id, None, rule, me, Utc::now())?;
    Ok(change.as_ref().map(HistoryStepDto::from))
}

/// Settles a disagreement: one coder's version into the curated layer, or none (`coder` null).
#[tauri::command]
pub async fn decide_disagreement(
    state: State<'_, AppState>,
    document_id: Arg<i64>,
    rule: Arg<Object<Rule>>,
    index: Arg<usize>,
    coder: Arg<Option<i64>>,
) -> Answer<HistoryStepDto> {
    let document_id = document_id.get("documentId")?;
    let Object(rule) = rule.get("rule")?;
    let (index, coder) = (index.get("index")?, coder.get("coder")?);
    let me = state.coder()?;
    let mut project = state.project()?;
    let change = project.decide(document_id, None, rule, index, coder, me, Utc::now())?;
    Ok(HistoryStepDto::from(&change))
}

/// Marks the document adjudicated, or not adjudicated again.
#[tauri::command]
pub async fn finish_adjudication(
    state: State<'_, AppState>,
    document_id: Arg<i64>,
    finished: Arg<bool>,
) -> Answer<bool> {
    let (document_id, finished) = (document_id.get("documentId")?, finished.get("finished")?);
    let me = state.coder()?;
    let mut project = state.project()?;
    project.finish_adjudication(document_id, finished, me, Utc::now())?;
    Ok(finished)
}

/// Whether blind mode hides other coders' work on this document from the coder at work: it
/// does until the document is adjudicated.
pub fn blinded(project: &claimdesk_store::Project, document_id: i64) -> Result<bool, ErrorDto> {
    Ok(project.blind_mode()? && !project.adjudicated(document_id)?)
}
