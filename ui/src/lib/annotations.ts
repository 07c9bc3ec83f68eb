// Keeping the open document's annotation list in the backend's order (start, longer first, id)
// when one is added, so an edit is shown without reading the document again.

import { outermostFirst } from './segments';
import type { Annotation, DocumentView, Relation } from './types';

const before = (a: Annotation, b: Annotation) => outermostFirst(a, b) < 0;

/** What the reader draws of an annotation: also a highlight not stored yet (negative id), or a
 * suggestion's ghost highlight (an id at or below `SUGGESTED`). */
export type Drawn = Pick<Annotation, 'id' | 'labelId' | 'start16' | 'end16'>;

/** Ghost highlights of suggestions have ids from here down, far below those of highlights not
 * stored yet: suggestion `i`'s parts are `SUGGESTED - 3i` (content), `- 1` (source), `- 2` (cue). */
export const SUGGESTED = -1_000_000_000;
export const isSuggested = (id: number) => id <= SUGGESTED;
/** Which suggestion, and which of its parts, a ghost highlight's id stands for. */
export const suggestedPart = (id: number): { index: number; part: 'content' | 'source' | 'cue' } => {
  const n = SUGGESTED - id;
  return { index: Math.floor(n / 3), part: (['content', 'source', 'cue'] as const)[n % 3]! };
};

/** The backend's reading order (start, longer first, id) in UTF-16 offsets, which keep the
 * order of code points; a highlight not stored yet has no code-point offsets. */
export function inReadingOrder(a: Drawn, b: Drawn): number {
  return a.start16 - b.start16 || b.end16 - a.end16 || a.id - b.id;
}

/** `list` with the highlights not stored yet put in their places (both in reading order). */
export function withPending(list: readonly Drawn[], pending: readonly Drawn[]): Drawn[] {
  const out: Drawn[] = [];
  let j = 0;
  for (const a of list) {
    while (j < pending.length && inReadingOrder(pending[j]!, a) < 0) out.push(pending[j++]!);
    out.push(a);
  }
  while (j < pending.length) out.push(pending[j++]!);
  return out;
}

/** A new list with `added` in its place (replacing an annotation with the same id). */
export function withAnnotation(list: readonly Annotation[], added: Annotation): Annotation[] {
  const existing = list.findIndex((a) => a.id === added.id);
  const rest = existing < 0 ? list : [...list.slice(0, existing), ...list.slice(existing + 1)];
  let low = 0;
  let high = rest.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (before(rest[mid]!, added)) low = mid + 1;
    else high = mid;
  }
  const next = rest.slice();
  next.splice(low, 0, added);
  return next;
}

/**
 * Up to `count` annotations of `list` (in the backend's order) that `allowed` accepts, other than
 * `from`, nearest to it in the text, in reading order: what a link is drawn to, as the speaker
 * of a claim is nearly always close by. Looks outwards from `from`, not through the whole list.
 */
export function nearest(
  list: readonly Annotation[],
  from: Annotation,
  allowed: (a: Annotation) => boolean,
  count: number,
): Annotation[] {
  let at = 0;
  let high = list.length;
  while (at < high) {
    const mid = (at + high) >> 1;
    if (list[mid]!.start < from.start) at = mid + 1;
    else high = mid;
  }
  const found: Annotation[] = [];
  let left = at - 1;
  let right = at;
  const distance = (a: Annotation) => (a.end <= from.start ? from.start - a.end : a.start >= from.end ? a.start - from.end : 0);
  while (found.length < count && (left >= 0 || right < list.length)) {
    const l = left >= 0 ? list[left]! : null;
    const r = right < list.length ? list[right]! : null;
    const takeLeft = l !== null && (r === null || distance(l) <= distance(r));
    const next = takeLeft ? l! : r!;
    if (takeLeft) left--;
    else right++;
    if (next.id !== from.id && allowed(next)) found.push(next);
  }
  return found.sort((a, b) => a.start - b.start || b.end - a.end || a.id - b.id);
}

/**
 * What changed from `before` to `after`, two lists in reading order whose unchanged annotations
 * are the same objects: the added and the dropped ones (a changed annotation is both), or null
 * when there are more than `limit` (then comparing everything is as cheap). One merge-like
 * pass comparing references, without building anything for the unchanged annotations.
 */
export function editsBetween<T extends Drawn>(
  before: readonly T[],
  after: readonly T[],
  limit: number,
): { added: T[]; removed: T[] } | null {
  const added: T[] = [];
  const removed: T[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const old = before[i];
    const now = after[j];
    if (old !== undefined && old === now) {
      i++;
      j++;
      continue;
    }
    const order = old === undefined ? 1 : now === undefined ? -1 : inReadingOrder(old, now);
    if (order <= 0) {
      removed.push(old!);
      i++;
    }
    if (order >= 0) {
      added.push(now!);
      j++;
    }
    if (added.length + removed.length > limit) return null;
  }
  return { added, removed };
}

/** What an edit in the annotation panel changed, as the backend answered it. */
export interface DocumentChange {
  annotation?: Annotation;
  relation?: Relation;
  removedRelation?: number;
}

/** `doc` with `change` applied; a change belonging to another document leaves it as it is. */
export function applyChange(doc: DocumentView, change: DocumentChange): DocumentView {
  let { annotations, relations } = doc;
  if (change.annotation && change.annotation.documentId === doc.id) {
    annotations = withAnnotation(annotations, change.annotation);
  }
  if (change.relation && annotations.some((a) => a.id === change.relation!.fromId)) {
    relations = [...relations.filter((r) => r.id !== change.relation!.id), change.relation];
  }
  if (change.removedRelation !== undefined) {
    relations = relations.filter((r) => r.id !== change.removedRelation);
  }
  return annotations === doc.annotations && relations === doc.relations ? doc : { ...doc, annotations, relations };
}
