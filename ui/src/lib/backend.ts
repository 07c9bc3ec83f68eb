// The one module that talks to the backend. Components call these functions, never `invoke`.
//
// Offsets cross here in UTF-16 code units (the webview's unit); the backend converts them to
// code points and back, refusing any that split a character.

import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  AnalysisFilter,
  Network,
  NetworkRequest,
  NodeStatements,
  Counts,
  NetworkMode,
  NetworkTie,
  Normalisation,
  Period,
  Timeline,
  LayoutStep,
  Annotation,
  AnnotationEdit,
  ApiError,
  HistoryEntry,
  Relation,
  Backup,
  DocumentSummary,
  DocumentView,
  Entity,
  Mention,
  Statement,
  ExportFormat,
  ExportProgress,
  ExportRequest,
  ExportResult,
  HistoryStep,
  ImportProgress,
  ImportSummary,
  Label,
  LabelEdit,
  LabelUsage,
  LibraryPage,
  LibraryQuery,
  DrawnSample,
  Sample,
  SampleRequest,
  RelationType,
  RelationTypeEdit,
  SearchResults,
  IndexProgress,
  IndexFinished,
  IndexStatus,
  ProjectInfo,
  Place,
  Coders,
  AssignRequest,
  AgreementReport,
  Adjudication,
  Rule,
  MergeReport,
  ReplaceReport,
  Suggestions,
  SuggestOptions,
  SuggestProgress,
  SuggestResult,
  CodebookWritten,
  CodebookReport,
  TeamStatus,
} from './types';
import { isView, type View } from './views';

export function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiError).code === 'string' &&
    typeof (value as ApiError).message === 'string'
  );
}

/** Calls a command; failures always come back as an `ApiError`. */
async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    if (isApiError(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw { code: 'ipc_failed', message: `the app did not answer ${command}: ${message}` } satisfies ApiError;
  }
}

export const getProject = () => call<ProjectInfo>('get_project');

export const listDocuments = () => call<DocumentSummary[]>('list_documents');

export const openDocument = (documentId: number) =>
  call<DocumentView>('open_document', { documentId });

export const createAnnotation = (documentId: number, labelId: number, start16: number, end16: number) =>
  call<Annotation>('create_annotation', { request: { documentId, labelId, start16, end16 } });

/** Remembers where the analyst reads in this project (a document and a UTF-16 position). */
export const rememberPlace = (documentId: number, at16: number) =>
  call<null>('remember_place', { documentId, at16 });

/** Where the analyst was reading when the project was last open, if anywhere. */
export const lastPlace = () => call<Place | null>('last_place');

export const deleteAnnotation = (annotationId: number) =>
  call<HistoryStep>('delete_annotation', { annotationId });

export const undo = () => call<HistoryStep | null>('undo');

export const redo = () => call<HistoryStep | null>('redo');

/** Imports files and folders in the background; follow it with the `onImport…` listeners. */
/** Imports paths; with `asCoder`, as another coder's work (coding added to texts the project has). */
export const importPaths = (paths: string[], asCoder: string | null = null) =>
  call<null>('import_paths', { paths, asCoder });

/** Opens the native file (or folder) dialog and imports the choice; false if cancelled. */
export const chooseImport = (folder: boolean, asCoder: string | null = null) =>
  call<boolean>('choose_import', { folder, asCoder });

/** Merges another project file into this one (all or nothing); answers what it brought. */
/** Merges another project; with `matchSimilar`, a slightly different copy of one of our
 * documents is taken as ours and its coding re-anchored on our text. */
export const mergeProject = (path: string, matchSimilar = false) =>
  call<MergeReport>('merge_project', { path, matchSimilar });

/** File ▸ Merge project…: the file chosen in the native dialog. */
export const onMergeRequested = (handler: (path: string) => void): Promise<UnlistenFn> =>
  listen<string>('merge-open', (event) => handler(event.payload));

/** Replaces a document's text with a corrected version, pasted or read from a file (a full
 * path), and re-anchors its annotations. */
export const replaceText = (documentId: number, source: { text: string } | { path: string }) =>
  call<ReplaceReport>('replace_text', { request: { documentId, ...source } });

/** Document ▸ Replace text…: the file chosen in the native dialog ('' to paste instead). */
export const onReplaceTextRequested = (handler: (path: string) => void): Promise<UnlistenFn> =>
  listen<string>('replace-text-open', (event) => handler(event.payload));

/** Whether imports take a file matching a document's URL (or title, date and source) as a new
 * version of it. */
export const setImportNewVersions = (on: boolean) => call<boolean>('set_import_new_versions', { on });

/** Places an orphan at a selection of the current text (UTF-16). */
export const placeOrphan = (annotationId: number, start16: number, end16: number) =>
  call<Annotation>('place_orphan', { request: { annotationId, start16, end16 } });

export const deleteOrphan = (annotationId: number) => call<null>('delete_orphan', { annotationId });

export const cancelImport = () => call<null>('cancel_import');

export const onImportProgress = (handler: (progress: ImportProgress) => void): Promise<UnlistenFn> =>
  listen<ImportProgress>('import-progress', (event) => handler(event.payload));

export const onImportFinished = (handler: (summary: ImportSummary) => void): Promise<UnlistenFn> =>
  listen<ImportSummary>('import-finished', (event) => handler(event.payload));

export const onImportRefused = (handler: (error: ApiError) => void): Promise<UnlistenFn> =>
  listen<ApiError>('import-refused', (event) => handler(event.payload));

export const listExportFormats = () => call<ExportFormat[]>('list_export_formats');

/** Opens the native save dialog for an export in `format`; null if cancelled. */
export const chooseExportDestination = (format: string) =>
  call<string | null>('choose_export_destination', { format });

/** Starts an export in the background; follow it with `onExportProgress` / `onExportFinished`. */
export const startExport = (request: ExportRequest) => call<null>('start_export', { request });

export const cancelExport = () => call<null>('cancel_export');

export const onExportProgress = (handler: (progress: ExportProgress) => void): Promise<UnlistenFn> =>
  listen<ExportProgress>('export-progress', (event) => handler(event.payload));

export const onExportFinished = (handler: (result: ExportResult) => void): Promise<UnlistenFn> =>
  listen<ExportResult>('export-finished', (event) => handler(event.payload));

/** The File menu's Export… item. */
export const onExportRequested = (handler: () => void): Promise<UnlistenFn> =>
  listen<null>('export-open', () => handler());

export const listBackups = () => call<Backup[]>('list_backups');

/** How a team project's sync stands; `null` for a project of one's own. */
export const teamStatus = () => call<TeamStatus | null>('team_status');
/** Syncs the team project now: sends this copy's changes and brings the others' (`null`: not a team project). */
export const syncNow = () => call<TeamStatus | null>('sync_now');
/** Each change of the sync's state (the background sync runs every few seconds). */
export const onTeamStatus = (handler: (status: TeamStatus) => void): Promise<UnlistenFn> =>
  listen<TeamStatus>('team-status', (event) => handler(event.payload));

/** Replaces the project with a backup; answers the backup that keeps the state from before. */
export const restoreBackup = (name: string) => call<Backup>('restore_backup', { name });

/** The File menu's Restore backup… item. */
/** The View menu asks for a view. */
export const onViewRequested = (handler: (view: View) => void): Promise<UnlistenFn> =>
  listen<string>('view-open', (event) => {
    if (isView(event.payload)) handler(event.payload);
  });

export const onBackupsRequested = (handler: () => void): Promise<UnlistenFn> =>
  listen<null>('backups-open', () => handler());

/** Where indexing documents an earlier import left unindexed is, or how it ended (the app does it on open). */
export const indexStatus = () => call<IndexStatus>('index_status');

export const onIndexProgress = (handler: (progress: IndexProgress) => void): Promise<UnlistenFn> =>
  listen<IndexProgress>('index-progress', (event) => handler(event.payload));

export const onIndexFinished = (handler: (finished: IndexFinished) => void): Promise<UnlistenFn> =>
  listen<IndexFinished>('index-finished', (event) => handler(event.payload));

export const onBackupFailed = (handler: (error: ApiError) => void): Promise<UnlistenFn> =>
  listen<ApiError>('backup-failed', (event) => handler(event.payload));

/** Files and folders dropped onto the window (Tauri's drag-and-drop event); the app imports them. */
export const onFilesDropped = (handler: (paths: string[]) => void): Promise<UnlistenFn> =>
  listen<{ paths: string[] }>('tauri://drag-drop', (event) => handler(event.payload.paths));

/** The document list, filtered and sorted. */
/** One page of the library as `query` sorts and filters it, with its total. */
export const queryLibrary = (query: LibraryQuery, offset = 0, limit = 200, count = true) =>
  call<LibraryPage>('query_library', { query, offset, limit, count });

/** Draws a sample from the library's filter and keeps it under its name. */
export const drawSample = (request: SampleRequest) => call<DrawnSample>('draw_sample', { request });

export const listSamples = () => call<Sample[]>('list_samples');

/** Where a document stands in the library as `query` orders it; null if the query leaves it out. */
export const locateInLibrary = (query: LibraryQuery, documentId: number) =>
  call<number | null>('locate_in_library', { query, documentId });

/** Full-text search over every document (words, "phrases", prefix*, AND, OR, NOT). */
export const searchDocuments = (query: string) => call<SearchResults>('search_documents', { query });

export const updateAnnotation = (annotationId: number, edit: AnnotationEdit) =>
  call<Annotation>('update_annotation', { annotationId, edit });

export const createRelation = (kind: string, fromId: number, toId: number) =>
  call<Relation>('create_relation', { kind, fromId, toId });

export const deleteRelation = (relationId: number) => call<HistoryStep>('delete_relation', { relationId });

export const annotationHistory = (annotationId: number) =>
  call<HistoryEntry[]>('annotation_history', { annotationId });

export const listEntities = (kind: 'actor' | 'concept' | null) => call<Entity[]>('list_entities', { kind });

export const createEntity = (kind: 'actor' | 'concept', name: string) =>
  call<Entity>('create_entity', { kind, name });

export const updateEntity = (entityId: number, name: string, aliases: string[]) =>
  call<Entity>('update_entity', { entityId, edit: { name, aliases } });

/** Merges `mergedId` into `keptId`: mentions move, names become aliases. */
export const mergeEntities = (keptId: number, mergedId: number) =>
  call<Entity>('merge_entities', { keptId, mergedId });

export const entityMentions = (entityId: number) => call<Mention[]>('entity_mentions', { entityId });

export const listStatements = () => call<Statement[]>('list_statements');

/** Everyone who coded, with their progress, and whether blind mode is on. */
export const listCoders = () => call<Coders>('list_coders');

export const setBlindMode = (on: boolean) => call<boolean>('set_blind_mode', { on });

/** Assigns a sample (or documents) to a coder; answers how many were newly assigned. */
export const assignDocuments = (request: AssignRequest) => call<number>('assign_documents', { request });

/** Marks a document done (or not) for the coder at work. */
export const markDone = (documentId: number, done: boolean) => call<null>('mark_done', { documentId, done });

/** The agreement of the chosen coders (default: everyone who coded). */
export const agreementReport = (coders: string[] | null = null, labels: string[] | null = null) =>
  call<AgreementReport>('agreement_report', { coders, labels });

export const adjudicationState = (documentId: number, rule: Rule) =>
  call<Adjudication>('adjudication_state', { documentId, rule });

export const acceptAgreed = (documentId: number, rule: Rule) =>
  call<HistoryStep | null>('accept_agreed', { documentId, rule });

/** Settles a disagreement: a coder's version into the curated layer, or none (`coder` null). */
export const decideDisagreement = (documentId: number, rule: Rule, index: number, coder: number | null) =>
  call<HistoryStep>('decide_disagreement', { documentId, rule, index, coder });

/** Saves the agreement report (CSV or JSON) at a full path; answers the path written. */
export const saveAgreementReport = (
  destination: string,
  format: 'csv' | 'json',
  coders: string[] | null = null,
  labels: string[] | null = null,
) => call<string>('save_agreement_report', { destination, format, coders, labels });

export const finishAdjudication = (documentId: number, finished: boolean) =>
  call<boolean>('finish_adjudication', { documentId, finished });

/** Says who is coding from now on (remembered for the next start). */
export const setAnnotator = (name: string) => call<ProjectInfo>('set_annotator', { name });

export const createLabel = (label: LabelEdit) => call<Label>('create_label', { label });

export const updateLabel = (labelId: number, label: LabelEdit) => call<Label>('update_label', { labelId, label });

/** What deleting a label would take with it. */
export const labelUsage = (labelId: number) => call<LabelUsage>('label_usage', { labelId });

export const deleteLabel = (labelId: number) => call<HistoryStep>('delete_label', { labelId });

export const createRelationType = (relationType: RelationTypeEdit) =>
  call<RelationType>('create_relation_type', { relationType });

export const updateRelationType = (relationTypeId: number, relationType: RelationTypeEdit) =>
  call<RelationType>('update_relation_type', { relationTypeId, relationType });

export const deleteRelationType = (relationTypeId: number) =>
  call<HistoryStep>('delete_relation_type', { relationTypeId });

/** Writes the labels as a REFI-QDA codebook (.qdc) at a full path. */
export const exportCodebook = (destination: string) => call<CodebookWritten>('export_codebook', { destination });

/** Adds the labels of a REFI-QDA codebook (.qdc) the project lacks, as one undoable step. */
export const importCodebook = (path: string) => call<CodebookReport>('import_codebook', { path });

/** The network an Analysis view draws. */
/** A network's edge as it comes from the app: `[source, target, weight, stances, through]`, its
 * ends as indexes into the nodes (a third of the JSON of named fields and ids). */
type WireEdge = [number, number, number, Record<string, number>, string[]];

export async function analysisNetwork(request: NetworkRequest): Promise<Network> {
  const wire = await call<Omit<Network, 'edges'> & { edges: WireEdge[] }>('analysis_network', { request });
  const ids = wire.nodes.map((n) => n.id);
  const edges = wire.edges.map(([source, target, weight, stances, through]) => ({
    source: ids[source]!,
    target: ids[target]!,
    weight,
    stances,
    through,
  }));
  return { ...wire, edges };
}

/** Starts laying out a network: where each node starts, and the edges as node indexes with a
 * weight. Answers the run's number, which its steps name. */
export const analysisLayoutStart = (request: { positions: [number, number][]; edges: [number, number, number][] }) =>
  call<number>('analysis_layout_start', { request });

/** Runs layout `run` for about `milliseconds` and answers where its nodes are. */
export const analysisLayoutStep = (run: number, milliseconds: number) => call<LayoutStep>('analysis_layout_step', { run, milliseconds });

/** One node's statements (an actor's or a concept's), as the filter keeps them. */
export const analysisStatements = (node: string, filter: AnalysisFilter) =>
  call<NodeStatements>('analysis_statements', { request: { node, filter } });

/** The Counts view's figures for the documents and coding the filter keeps. */
export const analysisCounts = (filter: AnalysisFilter) => call<Counts>('analysis_counts', { filter });

/** Opens the native save dialog for a picture; null if cancelled. */
export const choosePictureDestination = (format: 'svg' | 'png') =>
  call<string | null>('choose_picture_destination', { format });

/** Saves a picture the view drew; answers the path written. */
export const savePicture = (destination: string, format: 'svg' | 'png', bytes: Uint8Array) =>
  call<string>('save_picture', { destination, format, bytes: Array.from(bytes) });

/** Statements over time, of one actor or concept (`node`) or of all. */
export const analysisTimeline = (request: { period: Period; node: string | null; filter: AnalysisFilter }) =>
  call<Timeline>('analysis_timeline', { request });

// ---- Suggestions --------------------------------------------------------------------------

/** The suggestions open for the coder in a document: found again (`run`), or as kept from
 * the last run. */
export const suggestDocument = (documentId: number, run = true, options: SuggestOptions | null = null) =>
  call<Suggestions>('suggest_document', { request: { documentId, run, options } });

/** Accepts a suggestion, with its content's and source's boundaries as edited (UTF-16). */
export const acceptSuggestion = (
  documentId: number,
  key: string,
  edited: { content16?: [number, number]; source16?: [number, number] } = {},
) => call<Suggestions>('accept_suggestion', { request: { documentId, key, ...edited } });

export const rejectSuggestion = (documentId: number, key: string) =>
  call<Suggestions>('reject_suggestion', { request: { documentId, key } });

/** Accepts every open suggestion of the document, as one undo step. */
export const acceptAllSuggestions = (documentId: number) => call<Suggestions>('accept_all_suggestions', { documentId });

/** The next document after `after` (coming round to the start) with suggestions open for the
 * coder, and how many: `[[id, count]]`, or `[]`. */
export const suggestionDocuments = (after: number) => call<[number, number][]>('suggestion_documents', { after });

/** Runs the finder in the background over the documents named, or else those the library's
 * query selects, or else all; follow it with the `onSuggest…` listeners. */
export const startSuggest = (
  documentIds: number[] | null,
  library: LibraryQuery | null = null,
  options: SuggestOptions | null = null,
) => call<null>('start_suggest', { documentIds, library, options });

export const cancelSuggest = () => call<null>('cancel_suggest');

export const onSuggestProgress = (handler: (progress: SuggestProgress) => void): Promise<UnlistenFn> =>
  listen<SuggestProgress>('suggest-progress', (event) => handler(event.payload));

export const onSuggestFinished = (handler: (result: SuggestResult) => void): Promise<UnlistenFn> =>
  listen<SuggestResult>('suggest-finished', (event) => handler(event.payload));
