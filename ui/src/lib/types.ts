// The shapes the backend sends, mirroring src-tauri/src/dto.rs.

export interface Label {
  id: number;
  name: string;
  colour: string;
  hotkey: string | null;
}

export interface ProjectInfo {
  path: string;
  annotator: string;
  labels: Label[];
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
}

export interface DocumentView {
  id: number;
  title: string;
  date: string | null;
  source: string | null;
  text: string;
  annotations: Annotation[];
}

export interface HistoryStep {
  kind: string;
  documentId: number;
}

/** Every backend failure. Switch on `code`; show `message`. */
export interface ApiError {
  code: string;
  message: string;
}
