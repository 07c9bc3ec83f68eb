//! The commands of several coders on one corpus: who coded what, blind mode, assignments,
//! agreement and adjudication. Thin like the others: take the state, call the store or the
//! agreement report, map the answer back through the transport objects of `dto::coders`
//! (which also bound the requests and turn the adjudication's offsets into UTF-16).

use chrono::Utc;
use tauri::State;

use claimdesk_core::adjudication::Rule;
use claimdesk_export::agreement::{AgreementReport, AgreementRequest};

use crate::args::{Arg, Object};
use crate::dto::{
    checked_names, AdjudicationDto, AssignDto, CodersDto, HistoryStepDto, MergeReportDto,
};
use crate::error::{Code, ErrorDto};
use crate::state::AppState;

type Answer<T> = Result<T, ErrorDto>;

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

/// Assigns a sample's documents (or chosen ones) to a coder, registering the coder on first
/// use; answers how many were newly assigned.
#[tauri::command]
pub async fn assign_documents(
    state: State<'_, AppState>,
    request: Arg<Object<AssignDto>>,
) -> Answer<usize> {
    let Object(request) = request.get("request")?;
    let request = request.checked()?;
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
    let coder = project.annotator(&request.coder, now)?;
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
    checked_names(&coders)?;
    checked_names(&labels)?;
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
    labels: Arg<Option<Vec<String>>>,
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
    let (coders, labels) = (coders.get("coders")?, labels.get("labels")?);
    checked_names(&coders)?;
    checked_names(&labels)?;
    let report = {
        let project = state.project()?;
        let request = AgreementRequest {
            coders,
            labels,
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
    crate::args::write_whole(&path, &bytes).map_err(cannot)?;
    Ok(path.display().to_string())
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

#[tauri::command]
pub async fn adjudication_state(
    state: State<'_, AppState>,
    document_id: Arg<i64>,
    rule: Arg<Object<Rule>>,
) -> Answer<AdjudicationDto> {
    let (document_id, Object(rule)) = (document_id.get("documentId")?, rule.get("rule")?);
    let project = state.project()?;
    open_to_adjudicate(&project, document_id)?;
    let text = project.document_text(document_id)?;
    let a = project.adjudication(document_id, None, rule)?;
    AdjudicationDto::new(document_id, a, &text)
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
    open_to_adjudicate(&project, document_id)?;
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
    open_to_adjudicate(&project, document_id)?;
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
    open_to_adjudicate(&project, document_id)?;
    project.finish_adjudication(document_id, finished, me, Utc::now())?;
    Ok(finished)
}

/// Whether blind mode hides other coders' work on this document from the coder at work: it
/// does until the document is adjudicated.
pub fn blinded(project: &claimdesk_store::Project, document_id: i64) -> Result<bool, ErrorDto> {
    Ok(project.blind_mode()? && !project.adjudicated(document_id)?)
}

/// In blind mode, a document's disagreements — everyone's versions side by side — open only
/// once every coder assigned to it has marked it done, so nobody sees another's coding before
/// their own is finished. A document nobody is assigned to is open.
fn open_to_adjudicate(project: &claimdesk_store::Project, document_id: i64) -> Answer<()> {
    if !blinded(project, document_id)? {
        return Ok(());
    }
    let waiting = project.not_done(document_id)?;
    if waiting.is_empty() {
        return Ok(());
    }
    let (who, has) = match waiting.as_slice() {
        [one] => (one.clone(), "has"),
        [rest @ .., last] => (format!("{} and {last}", rest.join(", ")), "have"),
        [] => unreachable!("not empty"),
    };
    Err(ErrorDto::new(
        Code::Blinded,
        format!(
            "blind mode: {who} {has} not marked this document done yet; its disagreements open once every coder assigned to it has"
        ),
    ))
}

/// The scope narrowed to what the coder at work may see: in blind mode, their own work on
/// documents not yet adjudicated (statements and exports follow the reader).
pub fn seen_in_blind_mode(
    project: &claimdesk_store::Project,
    state: &AppState,
    scope: &mut claimdesk_core::dataset::Scope,
) -> Answer<()> {
    if project.blind_mode()? {
        scope.seen_by = Some(project.annotator_name(state.annotator_id())?);
    }
    Ok(())
}
