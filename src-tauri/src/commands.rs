//! The commands the webview calls. Each takes the state, turns transport objects into domain
//! types, calls the store and maps the answer back; nothing else happens here.
//!
//! Every argument comes in as an [`Arg`], so a missing or malformed one is answered with an
//! [`ErrorDto`] like any other refusal; every refusal happens before anything is changed.

use std::sync::atomic::Ordering;

use chrono::Utc;
use tauri::{AppHandle, Runtime, State};

use claimdesk_core::{TextIndex, Unit};
use claimdesk_formats::write::ExportFormat;

use crate::args::{shown, Arg, Object, MAX_NAME_BYTES, MAX_SEARCH_BYTES};
use crate::dto::{
    entity_kind, AnnotationDto, AnnotationEditDto, BackupDto, DocumentDto, DocumentSummaryDto,
    DrawnSampleDto, EntityDto, EntityEditDto, ExportFormatDto, ExportRequestDto, HistoryEntryDto,
    HistoryStepDto, LabelDto, LabelEditDto, LabelUsageDto, LibraryPageDto, LibraryQueryDto,
    MentionDto, NewAnnotationDto, PlaceDto, ProjectDto, RelationDto, RelationTypeDto,
    RelationTypeEditDto, SampleDto, SampleRequestDto, SearchHitDto, SearchResultsDto, StatementDto,
};
use crate::error::{Code, ErrorDto};
use crate::state::AppState;

type Answer<T> = Result<T, ErrorDto>;

#[tauri::command]
pub async fn get_project(state: State<'_, AppState>) -> Answer<ProjectDto> {
    let project = state.project()?;
    Ok(ProjectDto {
        path: project.path().display().to_string(),
        annotator: project.annotator_name(state.annotator_id())?,
        annotator_confirmed: state.annotator_confirmed.load(Ordering::SeqCst),
        annotators: project.annotator_names()?,
        annotator_id: state.annotator_id(),
        blind_mode: project.blind_mode()?,
        import_new_versions: crate::settings::import_new_versions(),
        labels: project.labels()?.into_iter().map(LabelDto::from).collect(),
        relation_types: project
            .relation_types()?
            .into_iter()
            .map(Into::into)
            .collect(),
    })
}

#[tauri::command]
pub async fn list_documents(state: State<'_, AppState>) -> Answer<Vec<DocumentSummaryDto>> {
    let project = state.project()?;
    Ok(project.documents()?.into_iter().map(Into::into).collect())
}

#[tauri::command]
pub async fn open_document(
    state: State<'_, AppState>,
    document_id: Arg<i64>,
) -> Answer<DocumentDto> {
    let document_id = document_id.get("documentId")?;
    let project = state.project()?;
    let doc = project.document(document_id)?;
    let mut annotations = project.annotations(document_id)?;
    let mut relations = project.relations(document_id)?;
    // Blind mode: until the document is adjudicated, the coder sees only their own coding.
    let blind = crate::coders::blinded(&project, document_id)?;
    let mut hidden = 0;
    if blind {
        let me = state.annotator_id();
        let before = annotations.len();
        annotations.retain(|a| a.annotator_id == me);
        hidden = before - annotations.len();
        let kept: std::collections::HashSet<i64> = annotations.iter().map(|a| a.id).collect();
        relations.retain(|r| kept.contains(&r.from_id) && kept.contains(&r.to_id));
    }
    let mut dto = DocumentDto::new(doc, annotations, relations)?;
    dto.blind = blind;
    dto.hidden = hidden;
    dto.done = project.is_done(state.annotator_id(), document_id)?;
    dto.orphans =
        crate::versions::orphans_for(&project, document_id, blind.then(|| state.annotator_id()))?;
    Ok(dto)
}

#[tauri::command]
pub async fn create_annotation(
    state: State<'_, AppState>,
    request: Arg<Object<NewAnnotationDto>>,
) -> Answer<AnnotationDto> {
    let Object(request) = request.get("request")?;
    let mut project = state.project()?;
    // The selection arrives in UTF-16 and is converted in the store's one read of the text.
    let (start16, end16) = (request.start16, request.end16);
    let annotation = project.create_annotation_located(
        request.document_id,
        request.label_id,
        |index| index.span_from_utf16(start16, end16),
        state.coder()?,
        Utc::now(),
    )?;
    // Offsets that converted to code points are on character boundaries: they are the
    // annotation's UTF-16 offsets as they stand.
    Ok(AnnotationDto::with_utf16(annotation, start16, end16))
}

#[tauri::command]
pub async fn delete_annotation(
    state: State<'_, AppState>,
    annotation_id: Arg<i64>,
) -> Answer<HistoryStepDto> {
    let annotation_id = annotation_id.get("annotationId")?;
    let mut project = state.project()?;
    let change = project.delete_annotation(annotation_id, state.coder()?, Utc::now())?;
    Ok(HistoryStepDto::from(&change))
}

#[tauri::command]
pub async fn undo(state: State<'_, AppState>) -> Answer<Option<HistoryStepDto>> {
    let mut project = state.project()?;
    let step = project.undo_step(state.coder()?, Utc::now())?;
    Ok(HistoryStepDto::of_step(&step))
}

#[tauri::command]
pub async fn redo(state: State<'_, AppState>) -> Answer<Option<HistoryStepDto>> {
    let mut project = state.project()?;
    let step = project.redo_step(state.coder()?, Utc::now())?;
    Ok(HistoryStepDto::of_step(&step))
}

/// Imports files and folders in the background; progress and the result arrive as events.
#[tauri::command]
pub async fn import_paths<R: Runtime>(
    app: AppHandle<R>,
    paths: Arg<Vec<String>>,
    as_coder: Arg<Option<String>>,
) -> Answer<()> {
    let paths = crate::args::import_paths(paths.get("paths")?)?;
    let as_coder = crate::args::coder_name(as_coder.get("asCoder")?)?;
    crate::import::start(&app, paths, as_coder)
}

/// Asks for files (or a folder) with the native dialog and imports them. Answers whether an
/// import started (false when the analyst closed the dialog).
#[tauri::command]
pub async fn choose_import<R: Runtime>(
    app: AppHandle<R>,
    folder: Arg<bool>,
    as_coder: Arg<Option<String>>,
) -> Answer<bool> {
    let folder = folder.get("folder")?;
    let as_coder = crate::args::coder_name(as_coder.get("asCoder")?)?;
    match crate::import::choose(&app, folder) {
        Some(paths) if !paths.is_empty() => {
            crate::import::start(&app, paths, as_coder).map(|()| true)
        }
        _ => Ok(false),
    }
}

/// Asks the running import to stop after the file it is on; files done so far are kept.
#[tauri::command]
pub async fn cancel_import(state: State<'_, AppState>) -> Answer<()> {
    state.import.cancel();
    Ok(())
}

/// The formats the export dialog offers.
#[tauri::command]
pub async fn list_export_formats() -> Answer<Vec<ExportFormatDto>> {
    Ok(ExportFormat::ALL.into_iter().map(Into::into).collect())
}

/// Asks where to save an export with the native dialog; `None` when the analyst cancels.
#[tauri::command]
pub async fn choose_export_destination<R: Runtime>(
    app: AppHandle<R>,
    format: Arg<String>,
) -> Answer<Option<String>> {
    let format = format.get("format")?;
    let format = ExportFormat::from_name(&format).ok_or_else(|| {
        ErrorDto::bad_request(format!("there is no export format {}", shown(&format)))
    })?;
    Ok(crate::export::choose(&app, format).map(|p| p.display().to_string()))
}

/// Starts an export in the background; follow it with the export events.
#[tauri::command]
pub async fn start_export<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request: Arg<Object<ExportRequestDto>>,
) -> Answer<()> {
    let Object(mut request) = request.get("request")?;
    let network = request.network.take();
    let mut request = request.into_request()?;
    {
        let project = state.project()?;
        if let Some(network) = network {
            shown_network(&project, network, &mut request)?;
        }
        // Blind mode: an export holds what the coder may see, as the reader does.
        crate::coders::seen_in_blind_mode(&project, &state, &mut request.scope)?;
        claimdesk_export::check_scope(&project, &request)
            .map_err(|e| ErrorDto::from_crate(e.code(), e.to_string()))?;
    }
    crate::export::start(&app, request)
}

/// An export of the network an Analysis view shows: the view's filter narrows the export's
/// documents and coding, and the network exporters write that one network.
fn shown_network(
    project: &claimdesk_store::Project,
    network: crate::dto::NetworkRequestDto,
    request: &mut claimdesk_export::Request,
) -> Answer<()> {
    if !matches!(
        request.format,
        ExportFormat::Graphml | ExportFormat::Gexf | ExportFormat::NetworkCsv
    ) {
        return Err(ErrorDto::bad_request(format!(
            "a network exports as GraphML, GEXF or network CSV, not as {}",
            request.format.description()
        )));
    }
    let (scope, network) = network.resolved(project)?;
    let into = &mut request.scope;
    into.documents = scope.documents.or(into.documents.take());
    into.labels = scope.labels.or(into.labels.take());
    into.annotators = scope.annotators.or(into.annotators.take());
    into.set_id = scope.set_id.or(into.set_id);
    request.options.network = Some(network);
    Ok(())
}

/// Asks the running export to stop; nothing is left at the destination.
#[tauri::command]
pub async fn cancel_export(state: State<'_, AppState>) -> Answer<()> {
    state.export.cancel();
    Ok(())
}

/// The project's backups, newest first.
#[tauri::command]
pub async fn list_backups(state: State<'_, AppState>) -> Answer<Vec<BackupDto>> {
    Ok(claimdesk_store::backups(&state.project_path)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Replaces the project with the backup called `name`; answers the backup that keeps the
/// state from before.
#[tauri::command]
pub async fn restore_backup<R: Runtime>(app: AppHandle<R>, name: Arg<String>) -> Answer<BackupDto> {
    let name = name.get("name")?;
    if name.len() > MAX_NAME_BYTES {
        return Err(ErrorDto::too_large(
            "a backup name",
            MAX_NAME_BYTES,
            "bytes",
        ));
    }
    crate::backup::restore(&app, &name)
}

/// The document list, filtered and sorted.
/// The most library rows one call answers: the list reads a page at a time.
const LIBRARY_PAGE_MAX: usize = 1000;

/// One page of the library as `query` sorts and filters it (`limit` rows from `offset`,
/// 200 from the top unless said), with how many documents it selects in all unless `count` is
/// false (scrolling asks for rows only; counting a million documents on every page would cost).
#[tauri::command]
pub async fn query_library(
    state: State<'_, AppState>,
    query: Arg<Object<LibraryQueryDto>>,
    offset: Arg<Option<usize>>,
    limit: Arg<Option<usize>>,
    count: Arg<Option<bool>>,
) -> Answer<LibraryPageDto> {
    let Object(query) = query.get("query")?;
    let query = query.into_query()?;
    let offset = offset.get("offset")?.unwrap_or(0);
    let limit = limit.get("limit")?.unwrap_or(200);
    let count = count.get("count")?.unwrap_or(true);
    if limit > LIBRARY_PAGE_MAX {
        return Err(ErrorDto::too_large(
            "a library page",
            LIBRARY_PAGE_MAX,
            "rows",
        ));
    }
    let project = state.project()?;
    if count {
        return Ok(project.library_page(&query, offset, limit)?.into());
    }
    Ok(LibraryPageDto {
        total: None,
        offset,
        rows: project
            .library_rows(&query, offset, limit)?
            .into_iter()
            .map(Into::into)
            .collect(),
    })
}

/// Where a document stands in the library as `query` sorts and filters it, or null if the
/// query leaves it out: the list scrolls there to show the open document.
#[tauri::command]
pub async fn locate_in_library(
    state: State<'_, AppState>,
    query: Arg<Object<LibraryQueryDto>>,
    document_id: Arg<i64>,
) -> Answer<Option<usize>> {
    let Object(query) = query.get("query")?;
    let query = query.into_query()?;
    let document_id = document_id.get("documentId")?;
    let project = state.project()?;
    Ok(project.library_position(&query, document_id)?)
}

/// Where the indexing of documents left unindexed by an earlier import is, or how it ended
/// (told once).
#[tauri::command]
pub async fn index_status(state: State<'_, AppState>) -> Answer<crate::dto::IndexStatusDto> {
    Ok(state.import.indexing())
}

/// The most results a search answers.
const SEARCH_LIMIT: usize = 200;

/// Full-text search over the corpus: the first documents matching, with a snippet and their
/// first match, and how many match.
#[tauri::command]
pub async fn search_documents(
    state: State<'_, AppState>,
    query: Arg<String>,
) -> Answer<SearchResultsDto> {
    let query = query.get("query")?;
    if query.len() > MAX_SEARCH_BYTES {
        return Err(ErrorDto::too_large("the search", MAX_SEARCH_BYTES, "bytes"));
    }
    let project = state.project()?;
    let page = project.search_page(&query, SEARCH_LIMIT)?;
    let more = page.more();
    let hits = page.hits.into_iter().map(SearchHitDto::new).collect();
    Ok(SearchResultsDto {
        hits,
        matches: page.matches,
        more,
        ranked: page.ranked,
    })
}

/// Changes the selected annotation's label, attributes, note or entity.
#[tauri::command]
pub async fn update_annotation(
    state: State<'_, AppState>,
    annotation_id: Arg<i64>,
    edit: Arg<Object<AnnotationEditDto>>,
) -> Answer<AnnotationDto> {
    let id = annotation_id.get("annotationId")?;
    let Object(edit) = edit.get("edit")?;
    let edit = edit.into_edit()?;
    let mut project = state.project()?;
    let updated = project.update_annotation(id, &edit, state.coder()?, Utc::now())?;
    // Its span did not change: only the text up to it is read, to say it in UTF-16.
    let (start16, end16) = project.utf16_span(updated.document_id, updated.start, updated.end)?;
    Ok(AnnotationDto::with_utf16(updated, start16, end16))
}

/// Links two annotations of a document with a relation of a type from the schema.
#[tauri::command]
pub async fn create_relation(
    state: State<'_, AppState>,
    kind: Arg<String>,
    from_id: Arg<i64>,
    to_id: Arg<i64>,
) -> Answer<RelationDto> {
    let kind = kind.get("kind")?;
    if kind.len() > MAX_NAME_BYTES {
        return Err(ErrorDto::too_large(
            "the relation kind",
            MAX_NAME_BYTES,
            "bytes",
        ));
    }
    let (from_id, to_id) = (from_id.get("fromId")?, to_id.get("toId")?);
    let mut project = state.project()?;
    Ok(project
        .create_relation(&kind, from_id, to_id, state.coder()?, Utc::now())?
        .into())
}

/// Removes a relation; undo draws it again.
#[tauri::command]
pub async fn delete_relation(
    state: State<'_, AppState>,
    relation_id: Arg<i64>,
) -> Answer<HistoryStepDto> {
    let id = relation_id.get("relationId")?;
    let mut project = state.project()?;
    let change = project.delete_relation(id, state.coder()?, Utc::now())?;
    Ok(HistoryStepDto::from(&change))
}

/// Who changed an annotation (or its relations), what and when.
#[tauri::command]
pub async fn annotation_history(
    state: State<'_, AppState>,
    annotation_id: Arg<i64>,
) -> Answer<Vec<HistoryEntryDto>> {
    let id = annotation_id.get("annotationId")?;
    let project = state.project()?;
    Ok(project
        .annotation_history(id)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The entities of a kind (`actor`, `concept`) or all, with their mention counts.
#[tauri::command]
pub async fn list_entities(
    state: State<'_, AppState>,
    kind: Arg<Option<String>>,
) -> Answer<Vec<EntityDto>> {
    let kind = kind.get("kind")?.as_deref().map(entity_kind).transpose()?;
    let project = state.project()?;
    Ok(project
        .entities(kind)?
        .into_iter()
        .map(|(e, n)| EntityDto::new(e, n))
        .collect())
}

/// Creates a canonical actor or concept.
#[tauri::command]
pub async fn create_entity(
    state: State<'_, AppState>,
    kind: Arg<String>,
    name: Arg<String>,
) -> Answer<EntityDto> {
    let kind = entity_kind(&kind.get("kind")?)?;
    let name = name.get("name")?;
    if name.len() > MAX_NAME_BYTES {
        return Err(ErrorDto::too_large("the name", MAX_NAME_BYTES, "bytes"));
    }
    let mut project = state.project()?;
    let entity = project.create_entity(kind, &name, state.coder()?, Utc::now())?;
    Ok(EntityDto::new(entity, 0))
}

/// Renames an entity or sets its aliases.
#[tauri::command]
pub async fn update_entity(
    state: State<'_, AppState>,
    entity_id: Arg<i64>,
    edit: Arg<Object<EntityEditDto>>,
) -> Answer<EntityDto> {
    let id = entity_id.get("entityId")?;
    let Object(edit) = edit.get("edit")?;
    let edit = edit.checked()?;
    let mut project = state.project()?;
    let mut entity = project.entity(id)?;
    entity.name = edit.name;
    entity.aliases = edit.aliases;
    let updated = project.update_entity(&entity, state.coder()?, Utc::now())?;
    let mentions = project.mention_count(id)?;
    Ok(EntityDto::new(updated, mentions))
}

/// Merges one entity into another: mentions move, names become aliases.
#[tauri::command]
pub async fn merge_entities(
    state: State<'_, AppState>,
    kept_id: Arg<i64>,
    merged_id: Arg<i64>,
) -> Answer<EntityDto> {
    let (kept, merged) = (kept_id.get("keptId")?, merged_id.get("mergedId")?);
    let mut project = state.project()?;
    let entity = project.merge_entities(kept, merged, state.coder()?, Utc::now())?;
    let mentions = project.mention_count(kept)?;
    Ok(EntityDto::new(entity, mentions))
}

/// The annotations that mention an entity.
#[tauri::command]
pub async fn entity_mentions(
    state: State<'_, AppState>,
    entity_id: Arg<i64>,
) -> Answer<Vec<MentionDto>> {
    let id = entity_id.get("entityId")?;
    let project = state.project()?;
    let mut mentions = project.entity_mentions(id)?;
    // Blind mode: other coders' mentions stay hidden until their document is adjudicated.
    if project.blind_mode()? {
        let me = state.annotator_id();
        // Asked once per document, not once per mention (and blind mode is known to be on).
        let mut adjudicated = std::collections::HashMap::new();
        let mut shown = Vec::with_capacity(mentions.len());
        for m in mentions {
            let open = match adjudicated.get(&m.document_id) {
                Some(&open) => open,
                None => *adjudicated
                    .entry(m.document_id)
                    .or_insert(project.adjudicated(m.document_id)?),
            };
            if m.annotator_id == me || open {
                shown.push(m);
            }
        }
        mentions = shown;
    }
    Ok(mentions.into_iter().map(Into::into).collect())
}

/// The statement table of the whole project (see ARCHITECTURE.md, Statements).
#[tauri::command]
pub async fn list_statements(state: State<'_, AppState>) -> Answer<Vec<StatementDto>> {
    let project = state.project()?;
    // In blind mode a coder's statements are their own until a document is adjudicated.
    let mut scope = claimdesk_core::dataset::Scope::everything();
    crate::coders::seen_in_blind_mode(&project, &state, &mut scope)?;
    Ok(project
        .statements(&scope)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The most characters an annotator name may have.
const MAX_ANNOTATOR_CHARS: usize = 100;

/// Says who is coding from now on: edits are attributed to them, and the name is remembered for
/// the next start.
#[tauri::command]
pub async fn set_annotator(state: State<'_, AppState>, name: Arg<String>) -> Answer<ProjectDto> {
    let name = name.get("name")?;
    let name = name.trim();
    if name.chars().count() > MAX_ANNOTATOR_CHARS {
        return Err(ErrorDto::too_large(
            "the name",
            MAX_ANNOTATOR_CHARS,
            "characters",
        ));
    }
    {
        let mut project = state.project()?;
        crate::team::check_coder(&project, name)?;
        let id = project.annotator(name, Utc::now())?;
        state.annotator.store(id, Ordering::SeqCst);
    }
    state.annotator_confirmed.store(true, Ordering::SeqCst);
    crate::settings::save_annotator(name).map_err(|e| {
        ErrorDto::new(
            Code::IoError,
            format!("you are coding as {name}, but the name could not be remembered: {e}"),
        )
    })?;
    get_project(state).await
}

/// Adds a label to the schema.
#[tauri::command]
pub async fn create_label(
    state: State<'_, AppState>,
    label: Arg<Object<LabelEditDto>>,
) -> Answer<LabelDto> {
    let Object(label) = label.get("label")?;
    let new = label.into_new()?;
    let mut project = state.project()?;
    Ok(project
        .create_label(&new, state.coder()?, Utc::now())?
        .into())
}

/// Renames, recolours, re-keys a label or changes its attributes.
#[tauri::command]
pub async fn update_label(
    state: State<'_, AppState>,
    label_id: Arg<i64>,
    label: Arg<Object<LabelEditDto>>,
) -> Answer<LabelDto> {
    let id = label_id.get("labelId")?;
    let Object(label) = label.get("label")?;
    let new = label.into_new()?;
    let mut project = state.project()?;
    let label = claimdesk_core::Label {
        id,
        name: new.name,
        colour: new.colour,
        hotkey: new.hotkey,
        attributes: new.attributes,
    };
    Ok(project
        .update_label(&label, state.coder()?, Utc::now())?
        .into())
}

/// How many annotations and relations deleting a label would remove.
#[tauri::command]
pub async fn label_usage(state: State<'_, AppState>, label_id: Arg<i64>) -> Answer<LabelUsageDto> {
    let id = label_id.get("labelId")?;
    let (annotations, relations) = state.project()?.label_usage(id)?;
    Ok(LabelUsageDto {
        annotations,
        relations,
    })
}

/// Deletes a label with its annotations; undo brings them back.
#[tauri::command]
pub async fn delete_label(
    state: State<'_, AppState>,
    label_id: Arg<i64>,
) -> Answer<HistoryStepDto> {
    let id = label_id.get("labelId")?;
    let change = state
        .project()?
        .delete_label(id, state.coder()?, Utc::now())?;
    Ok(HistoryStepDto::from(&change))
}

/// Adds a relation type with the labels it may link.
#[tauri::command]
pub async fn create_relation_type(
    state: State<'_, AppState>,
    relation_type: Arg<Object<RelationTypeEditDto>>,
) -> Answer<RelationTypeDto> {
    let Object(edit) = relation_type.get("relationType")?;
    let edit = edit.checked()?;
    let mut project = state.project()?;
    Ok(project
        .create_relation_type(
            &edit.name,
            &edit.from_labels,
            &edit.to_labels,
            state.coder()?,
            Utc::now(),
        )?
        .into())
}

/// Renames a relation type (with its relations) or changes the labels it may link.
#[tauri::command]
pub async fn update_relation_type(
    state: State<'_, AppState>,
    relation_type_id: Arg<i64>,
    relation_type: Arg<Object<RelationTypeEditDto>>,
) -> Answer<RelationTypeDto> {
    let id = relation_type_id.get("relationTypeId")?;
    let Object(edit) = relation_type.get("relationType")?;
    let edit = edit.checked()?;
    let rt = claimdesk_core::RelationType {
        id,
        name: edit.name,
        from_labels: edit.from_labels,
        to_labels: edit.to_labels,
    };
    let mut project = state.project()?;
    Ok(project
        .update_relation_type(&rt, state.coder()?, Utc::now())?
        .into())
}

/// Deletes a relation type and its relations; undo brings them back.
#[tauri::command]
pub async fn delete_relation_type(
    state: State<'_, AppState>,
    relation_type_id: Arg<i64>,
) -> Answer<HistoryStepDto> {
    let id = relation_type_id.get("relationTypeId")?;
    let change = state
        .project()?
        .delete_relation_type(id, state.coder()?, Utc::now())?;
    Ok(HistoryStepDto::from(&change))
}

/// Remembers where the analyst is reading (a document and a UTF-16 position in it), so the next
/// start opens there. Kept in the settings file, per project: the project file is not touched.
#[tauri::command]
pub async fn remember_place(
    state: State<'_, AppState>,
    document_id: Arg<i64>,
    at16: Arg<usize>,
) -> Answer<()> {
    let document_id = document_id.get("documentId")?;
    let at16 = at16.get("at16")?;
    let offset = if at16 == 0 {
        // The start is the start in any unit: only check that the document is there.
        if !state.project()?.document_exists(document_id)? {
            return Err(claimdesk_store::StoreError::UnknownDocument(document_id).into());
        }
        0
    } else {
        let project = state.project()?;
        let document = project.document(document_id)?;
        TextIndex::new(&document.text)
            .to_code_points(at16, Unit::Utf16)
            .map_err(|e| ErrorDto {
                message: format!(
                    "cannot remember where you are reading: position {at16} is not a place in document {document_id}"
                ),
                ..ErrorDto::from(e)
            })?
    };
    let place = crate::settings::Place {
        document: document_id,
        offset,
    };
    crate::settings::save_place(&state.project_path, place).map_err(|e| {
        ErrorDto::new(
            Code::SettingsUnwritable,
            format!("cannot remember where you are reading: {e}"),
        )
    })
}

/// Where the analyst was reading when the project was last open, if that document is still
/// there.
#[tauri::command]
pub async fn last_place(state: State<'_, AppState>) -> Answer<Option<PlaceDto>> {
    let Some(place) = crate::settings::place(&state.project_path) else {
        return Ok(None);
    };
    let project = state.project()?;
    let Ok(document) = project.document(place.document) else {
        return Ok(None);
    };
    let index = TextIndex::new(&document.text);
    let offset = place.offset.min(index.len(Unit::CodePoint));
    Ok(Some(PlaceDto {
        document_id: place.document,
        at16: index.from_code_points(offset, Unit::Utf16)?,
    }))
}

/// Draws a sample from the library's filter (and a search) and keeps it as a named set.
#[tauri::command]
pub async fn draw_sample(
    state: State<'_, AppState>,
    request: Arg<Object<SampleRequestDto>>,
) -> Answer<DrawnSampleDto> {
    let Object(request) = request.get("request")?;
    let (name, spec) = request.into_spec()?;
    state.coder()?;
    let mut project = state.project()?;
    Ok(project.draw_sample(&name, &spec, Utc::now())?.into())
}

/// The project's samples, newest first.
#[tauri::command]
pub async fn list_samples(state: State<'_, AppState>) -> Answer<Vec<SampleDto>> {
    let project = state.project()?;
    Ok(project
        .document_sets()?
        .into_iter()
        .map(Into::into)
        .collect())
}
