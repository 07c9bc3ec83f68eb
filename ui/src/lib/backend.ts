// The one module that talks to the backend. Components call these functions, never `invoke`.
//
// Offsets cross here in UTF-16 code units (the webview's unit); the backend converts them to
// code points and back, refusing any that split a character.

import { invoke } from '@tauri-apps/api/core';
import type {
  Annotation,
  ApiError,
  DocumentSummary,
  DocumentView,
  HistoryStep,
  ProjectInfo,
} from './types';

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

export const deleteAnnotation = (annotationId: number) =>
  call<HistoryStep>('delete_annotation', { annotationId });

export const undo = () => call<HistoryStep | null>('undo');

export const redo = () => call<HistoryStep | null>('redo');
