// The shapes the backend sends, mirroring src-tauri/src/dto.rs (and error.rs, in errors.ts).

import type { ErrorCode, WebviewErrorCode } from './errors';

export interface Label {
  id: number;
  name: string;
  colour: string;
  hotkey: string | null;
  attributes: AttributeDef[];
}

/** A typed attribute of a label: one of a list, free text, or yes/no. */
export interface AttributeDef {
  name: string;
  kind: { type: 'choice'; options: string[] } | { type: 'text' } | { type: 'bool' };
}

/** A relation type and the labels it may link (empty lists: any label). */
export interface RelationType {
  id: number;
  name: string;
  fromLabels: number[];
  toLabels: number[];
}

export interface Relation {
  id: number;
  kind: string;
  fromId: number;
  toId: number;
}

/** What an annotation edit changes; absent fields stay. An empty note clears it. */
export interface AnnotationEdit {
  labelId?: number;
  attributes?: Record<string, string | boolean>;
  note?: string;
  entityId?: number;
  clearEntity?: boolean;
}

/** One line of an annotation's history. */
export interface HistoryEntry {
  at: string;
  annotator: string;
  action: 'do' | 'undo' | 'redo';
  kind: string;
}

export interface ProjectInfo {
  path: string;
  annotator: string;
  /** False until the analyst has said who they are: the window then asks. */
  annotatorConfirmed: boolean;
  /** Everyone who has worked on the project. */
  annotators: string[];
  /** The coder at work, by id (annotations carry their coder's id). */
  annotatorId: number;
  /** Each coder sees only their own annotations until a document is adjudicated. */
  blindMode: boolean;
  /** Imports take a file whose URL (or title, date and source) matches one document as a new
   * version of it (an app setting). */
  importNewVersions: boolean;
  labels: Label[];
  relationTypes: RelationType[];
}

export interface DocumentSummary {
  id: number;
  title: string;
  date: string | null;
  source: string | null;
  annotationCount: number;
}

/** `start`/`end` are code points (the stored unit); `start16`/`end16` index JavaScript strings. */
export interface Annotation {
  id: number;
  documentId: number;
  labelId: number;
  start: number;
  end: number;
  start16: number;
  end16: number;
  quote: string;
  attributes: Record<string, string | boolean>;
  note: string | null;
  entityId: number | null;
  /** Who coded it. */
  annotatorId: number;
}

export interface DocumentView {
  id: number;
  title: string;
  date: string | null;
  source: string | null;
  text: string;
  /** Where the article's date header line (and the blank lines after it) ends; 0 if none. */
  headerEnd16: number;
  annotations: Annotation[];
  relations: Relation[];
  /** Blind mode left other coders' annotations out (how many). */
  blind: boolean;
  hidden: number;
  /** The coder at work marked it done. */
  done: boolean;
  /** Annotations a replaced text left without a place. */
  orphans: Orphan[];
}

/** An annotation set aside when its document's text was replaced: its old quote and context
 * (its old offsets are into a text the window no longer has), for placing by hand. */
export interface Orphan {
  annotationId: number;
  labelId: number;
  annotatorId: number;
  quote: string;
  prefix: string;
  suffix: string;
  note: string | null;
  /** Its links, brought back when it is placed (with partners that are there). */
  links: number;
  reason: string;
}

/** What replacing a document's text did to its annotations. */
export interface ReplaceReport {
  documentId: number;
  kept: number;
  adjusted: number;
  found: number;
  orphaned: { annotationId: number; quote: string; reason: string }[];
}

export interface HistoryStep {
  kind: string;
  documentId: number;
  /** Edits passed over because another coder had changed what they touched since. */
  skipped: number;
}

/** Every backend failure. Switch on `code`; show `message`. */
export interface ApiError {
  code: ErrorCode | WebviewErrorCode;
  message: string;
}

/** Where a running import is. */
export interface ImportProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  current: string;
  documents: number;
  failed: number;
}

export interface ImportProblem {
  path: string;
  status: 'skipped' | 'failed';
  code: ErrorCode | null;
  reason: string;
}

/** The end of an import. */
export interface ImportSummary {
  imported: number;
  /** Documents whose text a file replaced as a new version, and their orphans. */
  replaced: number;
  orphaned: number;
  /** Documents the project had that got another coder's coding. */
  coded: number;
  duplicates: number;
  skipped: number;
  failed: number;
  cancelled: boolean;
  problems: ImportProblem[];
  error: ApiError | null;
}

/** A format the export dialog offers. */
export interface ExportFormat {
  name: string;
  description: string;
  layout: 'file' | 'folder';
  defaultName: string;
}

/** What to export and where; dates are YYYY-MM-DD. */
export interface ExportRequest {
  format: string;
  destination: string;
  documents?: number[] | null;
  dateFrom?: string | null;
  dateTo?: string | null;
  labels?: string[] | null;
  annotators?: string[] | null;
  search?: string | null;
  conllLabel?: string | null;
  /** Only the documents of this sample. */
  setId?: number | null;
  /** The network an Analysis view shows (network formats only). */
  network?: NetworkRequest | null;
}

/** Where a running export is. */
export interface ExportProgress {
  documentsDone: number;
  documentsTotal: number;
  bytesWritten: number;
}

/** How an export ended: counts and path, or the error (then nothing was written). */
export interface ExportResult {
  format: string;
  path: string | null;
  documents: number;
  annotations: number;
  relations: number;
  statements: number;
  spansChecked: number;
  files: number;
  bytes: number;
  /** What the format has no place for (e.g. qdpx: entity links, statements); empty if nothing. */
  leftOut: string[];
  error: ApiError | null;
}

/** A backup of the project; `name` is what restoring asks for. */
/** A team project's sync, as the status bar shows it. */
export interface TeamStatus {
  /** `postgres://ROLE@HOST:PORT/DATABASE`, never with a password. */
  server: string;
  coder: string | null;
  state: 'syncing' | 'synced' | 'offline' | 'failed';
  message: string | null;
  lastSyncedAt: string | null;
  pushed: number;
  pulled: number;
  unsent: number;
  notSent: number;
  notApplied: string[];
  declined: string[];
}

export interface Backup {
  name: string;
  madeAt: string;
  bytes: number;
}

/** The document list's filters and order. */
export interface LibraryQuery {
  labelId?: number | null;
  annotator?: string | null;
  dateFrom?: string | null;
  dateTo?: string | null;
  unannotated?: boolean;
  sort?: 'imported' | 'title' | 'date' | 'source' | 'annotations';
  descending?: boolean;
  /** Only the documents of this sample. */
  setId?: number | null;
}

/** A piece of a search snippet: matching words have `hit` set. Always shown as text. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

/** A document matching a full-text search; `firstMatch16` is where its first match starts (UTF-16). */
export interface SearchHit {
  documentId: number;
  title: string;
  snippet: SnippetPart[];
  firstMatch16: number | null;
  firstMatchEnd16: number | null;
}

/** Indexing for search, done on open for documents an earlier import left unindexed. */
export interface IndexProgress {
  indexed: number;
  total: number;
}

/** The end of indexing on open: how many documents it indexed, or why it stopped. */
export interface IndexFinished {
  indexed: number;
  error: ApiError | null;
}

/** Indexing on open: where it is while it runs, then how it ended; both null if nothing needed it. */
export interface IndexStatus {
  progress: IndexProgress | null;
  finished: IndexFinished | null;
}

/**
 * The first page of a full-text search: `matches` documents match (at least that many when `more`);
 * `hits` are the best matches first when `ranked`, else the newest imported first.
 */
export interface SearchResults {
  hits: SearchHit[];
  matches: number;
  more: boolean;
  ranked: boolean;
}

/** A canonical actor or concept, with how many annotations mention it. */
export interface Entity {
  id: number;
  kind: 'actor' | 'concept';
  name: string;
  aliases: string[];
  mentions: number;
}

export interface Mention {
  annotationId: number;
  documentId: number;
  documentTitle: string;
  quote: string;
}

/** A row of the statements table: who claims what, with which stance, where. */
export interface Statement {
  documentId: number;
  title: string;
  date: string | null;
  source: string | null;
  actor: string;
  actorEntityId: number | null;
  concept: string;
  conceptEntityId: number | null;
  stance: string | null;
  claimAnnotationId: number;
  actorAnnotationId: number;
  /** The network node ids of the actor and the concept (`actor:4`, `concept:text:…`). */
  actorKey: string;
  conceptKey: string;
}

/** Which statements an Analysis view counts. `''` in `stances` stands for an unknown stance. */
export interface AnalysisFilter {
  documents?: number[] | null;
  labels?: string[] | null;
  coders?: string[] | null;
  setId?: number | null;
  dateFrom?: string | null;
  dateTo?: string | null;
  stances?: string[] | null;
  minWeight?: number | null;
  /** Only the documents the library's filter selects. */
  library?: LibraryQuery | null;
}

/** A network as an Analysis view asks for it. */
export interface NetworkRequest {
  mode: NetworkMode;
  tie: NetworkTie;
  normalisation: Normalisation;
  filter: AnalysisFilter;
}

/** The first of a node's statements (at most a few thousand), and how many it has. */
export interface NodeStatements {
  statements: Statement[];
  total: number;
}

export interface Count {
  /** The label or coder name, or an actor's or concept's node id. */
  key: string;
  name: string;
  count: number;
}

export interface DocumentCount {
  documentId: number;
  title: string;
  annotations: number;
  statements: number;
}

/** The Counts view's figures; `documents` lists the most coded of `documentsCoded`. */
export interface Counts {
  labels: Count[];
  coders: Count[];
  documents: DocumentCount[];
  documentsCoded: number;
  actors: Count[];
  concepts: Count[];
  documentsInView: number;
  notCoded: number;
  annotations: number;
  statements: number;
}

export type NetworkMode = 'actor_concept' | 'actor_actor' | 'concept_concept';
export type NetworkTie = 'congruence' | 'conflict';
export type Normalisation = 'none' | 'average' | 'jaccard' | 'cosine';
export type Period = 'week' | 'month' | 'year';

export interface NetworkNode {
  id: string;
  label: string;
  kind: 'actor' | 'concept';
  entityId: number | null;
  statements: number;
  degree: number;
}

export interface NetworkEdge {
  source: string;
  target: string;
  weight: number;
  /** Two-mode: statements per stance (`''` for unknown). */
  stances: Record<string, number>;
  /** One-mode: the other-mode nodes that tie the two. */
  through: string[];
}

export interface Network {
  nodes: NetworkNode[];
  /** Heaviest first; only the heaviest, when there are more than a picture takes. */
  edges: NetworkEdge[];
  /** Edges of the whole network. */
  edgesInAll: number;
  statements: number;
}

export interface TimeBucket {
  start: string;
  end: string;
  stances: Record<string, number>;
}

/** Where a step of a network's layout left it. */
export interface LayoutStep {
  /** Each node's place, in the order the layout was started with. */
  positions: [number, number][];
  iterations: number;
  /** Milliseconds each of the step's iterations took. */
  perIteration: number;
  settled: boolean;
}

export interface Timeline {
  buckets: TimeBucket[];
  undated: number;
}

/** A label as the schema editor sends it. */
export interface LabelEdit {
  name: string;
  colour: string;
  hotkey: string | null;
  attributes: AttributeDef[];
}

export interface LabelUsage {
  annotations: number;
  relations: number;
}

export interface RelationTypeEdit {
  name: string;
  fromLabels: number[];
  toLabels: number[];
}

/** Where the analyst was reading: a document and a UTF-16 position in its text. */
export interface Place {
  documentId: number;
  at16: number;
}

/** A page of the library: rows from `offset`, and how many documents the query selects. */
export interface LibraryPage {
  /** Null when the call did not ask to count. */
  total: number | null;
  offset: number;
  rows: DocumentSummary[];
}

/** A sample: a named set of documents drawn from the library, with how it was drawn. */
export interface Sample {
  id: number;
  name: string;
  documents: number;
  seed: number;
  size: number;
  /** What it is stratified by ("source", "month", "metadata: FIELD"), or null. */
  strata: string | null;
  createdAt: string;
}

/** How to draw a sample from the library's current filter (and a search). */
export interface SampleRequest {
  name: string;
  query: LibraryQuery;
  search?: string | null;
  size: number;
  seed: number;
  strata: 'none' | 'source' | 'month' | 'metadata';
  stratumKey?: string | null;
}

/** A sample just drawn, what it was drawn from, and how many of each stratum. */
export interface DrawnSample {
  sample: Sample;
  candidates: number;
  strata: Record<string, number>;
}

/** A coder of the project and their progress. */
export interface Coder {
  id: number;
  name: string;
  /** The curated layer (the adjudicated version). */
  curated: boolean;
  annotations: number;
  documents: number;
  assigned: number;
  done: number;
}

export interface Coders {
  coders: Coder[];
  blindMode: boolean;
}

export interface AssignRequest {
  coder: string;
  setId?: number | null;
  documents?: number[] | null;
}

/** A coefficient and the number of units it rests on; `value` null where undefined. */
export interface Figure {
  value: number | null;
  units: number;
}

export interface Measure {
  overall: Figure;
  per_label: Record<string, Figure>;
}

export interface Matches {
  matches: number;
  only_a: number;
  only_b: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface PairAgreement {
  a: string;
  b: string;
  documents: number;
  cohen_kappa: Measure;
  token_alpha: Measure;
  unitizing_alpha: Measure;
  exact_match: Matches;
  exact_match_per_label: Record<string, Matches>;
  statements: Matches;
}

export interface DocumentAgreement {
  id: number;
  title: string;
  coders: string[];
  token_alpha: Figure;
  unitizing_alpha: Figure;
  exact_match: Matches;
}

/** The agreement report, as `claimdesk-cli agreement --format json` writes it. */
export interface AgreementReport {
  coders: string[];
  labels: string[];
  documents: number;
  excluded_documents: number;
  token_alpha: Measure;
  unitizing_alpha: Measure;
  unitizing_excluded: number;
  fleiss_kappa: Measure | null;
  pairs: PairAgreement[];
  statements: { alpha: Figure; matches: Matches };
  per_document: DocumentAgreement[];
}

/** Which units adjudication accepts without asking. */
export type Rule = { rule: 'all' } | { rule: 'majority' } | { rule: 'at_least'; coders: number };

export interface AdjudicationUnit {
  labelId: number;
  start16: number;
  end16: number;
  quote: string;
  attributes: Record<string, string | boolean>;
  coders: number[];
}

export interface Disagreement {
  start16: number;
  end16: number;
  /** One version per coder: the units (indices) that coder has there, maybe none. */
  versions: { coder: number; units: number[] }[];
  decided: boolean;
  /** Whose version was accepted; null when rejected (or not decided). */
  accepted: string | null;
}

export interface Adjudication {
  documentId: number;
  coders: number[];
  units: AdjudicationUnit[];
  agreed: number[];
  agreedPending: number;
  disagreements: Disagreement[];
  curated: number;
  finished: boolean;
}

/** What merging another project brought. */
export interface MergeReport {
  documentsAdded: number;
  documentsMatched: number;
  annotationsAdded: number;
  annotationsPresent: number;
  /** Annotations of a slightly different copy that could not be placed: orphans now. */
  annotationsOrphaned: number;
  relationsAdded: number;
  relationsPresent: number;
  labelsAdded: number;
  entitiesAdded: number;
  entitiesMergedByAlias: number;
  codersAdded: number;
  eventsAdded: number;
  /** Everything not taken as the other project has it, and what was done instead. */
  conflicts: string[];
}

/** A codebook (.qdc) written: where, and how many labels it holds. */
export interface CodebookWritten {
  path: string;
  labels: number;
}

/** What importing a codebook did: labels added (one undoable step), and those already here by name. */
export interface CodebookReport {
  added: string[];
  present: string[];
}

/** A span of a suggestion: code points and UTF-16, with its text. */
export interface SuggestedSpan {
  start: number;
  end: number;
  start16: number;
  end16: number;
  quote: string;
}

/** A statement or mention the finder proposes; not an annotation until accepted. */
export interface Suggestion {
  key: string;
  kind: 'attribution' | 'mention';
  quoted: boolean;
  content: SuggestedSpan | null;
  source: SuggestedSpan | null;
  cue: SuggestedSpan | null;
  resolved: SuggestedSpan | null;
  entityId: number | null;
  entityName: string | null;
}

export interface Suggestions {
  documentId: number;
  items: Suggestion[];
  /** Why the finder could not read the document (then there are no items). */
  unread: string | null;
  /** After an acceptance: why the claim and its source were not linked, if they were not. */
  unlinked: string | null;
}

export interface SuggestOptions {
  kinds?: ('attribution' | 'mention')[];
  fold?: 'exact' | 'case' | 'diacritics';
}

export interface SuggestProgress {
  done: number;
  total: number;
}

export interface SuggestResult {
  documents: number;
  unread: number;
  found: number;
  open: number;
  cancelled: boolean;
  error: ApiError | null;
}
