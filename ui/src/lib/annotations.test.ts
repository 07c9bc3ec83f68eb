import { describe, expect, it } from 'vitest';
import { applyChange, editsBetween, nearest, withAnnotation, withPending } from './annotations';
import type { Annotation, DocumentView } from './types';

const a = (id: number, start: number, end: number): Annotation => ({
  id,
  documentId: 1,
  labelId: 1,
  start,
  end,
  start16: start,
  end16: end,
  quote: '',
  attributes: {},
  note: null,
  entityId: null,
  annotatorId: 1,
});

describe('withAnnotation', () => {
  const list = [a(1, 0, 5), a(2, 3, 9), a(3, 3, 4), a(4, 10, 12)];

  it('puts the new annotation where the backend would list it', () => {
    expect(withAnnotation(list, a(9, 3, 6)).map((x) => x.id)).toEqual([1, 2, 9, 3, 4]);
    expect(withAnnotation(list, a(9, 0, 1)).map((x) => x.id)).toEqual([1, 9, 2, 3, 4]);
    expect(withAnnotation(list, a(9, 20, 21)).map((x) => x.id)).toEqual([1, 2, 3, 4, 9]);
    expect(withAnnotation([], a(9, 0, 1)).map((x) => x.id)).toEqual([9]);
  });

  it('orders equal spans by id and replaces an annotation it already has', () => {
    expect(withAnnotation(list, a(0, 3, 9)).map((x) => x.id)).toEqual([1, 0, 2, 3, 4]);
    const moved = withAnnotation(list, a(2, 11, 12));
    expect(moved.map((x) => x.id)).toEqual([1, 3, 4, 2]);
    expect(list.map((x) => x.id)).toEqual([1, 2, 3, 4]);
  });
});

describe('nearest', () => {
  const list = [a(1, 0, 2), a(2, 10, 12), a(3, 20, 22), a(4, 30, 32), a(5, 40, 42), a(6, 90, 99)];
  const all = () => true;

  it('gives the closest annotations on either side, in reading order, never the one itself', () => {
    expect(nearest(list, list[2]!, all, 2).map((x) => x.id)).toEqual([2, 4]);
    expect(nearest(list, list[2]!, all, 4).map((x) => x.id)).toEqual([1, 2, 4, 5]);
    expect(nearest(list, list[0]!, all, 2).map((x) => x.id)).toEqual([2, 3]);
    expect(nearest(list, list[5]!, all, 1).map((x) => x.id)).toEqual([5]);
  });

  it('skips what the link type does not allow and stops at the end of the list', () => {
    const even = (x: Annotation) => x.id % 2 === 0;
    expect(nearest(list, list[2]!, even, 2).map((x) => x.id)).toEqual([2, 4]);
    expect(nearest(list, list[2]!, even, 10).map((x) => x.id)).toEqual([2, 4, 6]);
    expect(nearest([list[0]!], list[0]!, all, 3)).toEqual([]);
  });

  it('counts overlapping annotations as nearest of all', () => {
    const inside = a(7, 21, 22);
    const withInside = withAnnotation(list, inside);
    expect(nearest(withInside, list[2]!, all, 1).map((x) => x.id)).toEqual([7]);
  });
});

describe('editsBetween', () => {
  const list = [a(1, 0, 5), a(2, 3, 9), a(3, 3, 4), a(4, 10, 12)];

  it('finds an added annotation, a dropped one, and a changed one as both', () => {
    const added = a(9, 3, 6);
    expect(editsBetween(list, withAnnotation(list, added), 10)).toEqual({ added: [added], removed: [] });
    expect(editsBetween(list, [list[0]!, list[2]!, list[3]!], 10)).toEqual({ added: [], removed: [list[1]!] });
    const relabelled = { ...list[2]!, labelId: 2 };
    expect(editsBetween(list, [list[0]!, list[1]!, relabelled, list[3]!], 10)).toEqual({
      added: [relabelled],
      removed: [list[2]!],
    });
    const moved = a(2, 11, 12);
    expect(editsBetween(list, withAnnotation(list, moved), 10)).toEqual({ added: [moved], removed: [list[1]!] });
  });

  it('finds nothing between equal lists and gives up past the limit', () => {
    expect(editsBetween(list, list.slice(), 0)).toEqual({ added: [], removed: [] });
    expect(editsBetween(list, [], 10)).toEqual({ added: [], removed: list });
    expect(editsBetween(list, list.map((x) => ({ ...x })), 3)).toBeNull();
  });
});

describe('applyChange', () => {
  const doc: DocumentView = {
    blind: false,
    hidden: 0,
    done: false,
    orphans: [],
    id: 1,
    title: 't',
    date: null,
    source: null,
    headerEnd16: 0,
    text: 'x'.repeat(20),
    annotations: [a(1, 0, 5), a(2, 3, 9)],
    relations: [{ id: 7, kind: 'said_by', fromId: 2, toId: 1 }],
  };

  it('replaces an updated annotation in its place and keeps the others as they were', () => {
    const relabelled = { ...a(2, 3, 9), labelId: 3 };
    const next = applyChange(doc, { annotation: relabelled });
    expect(next.annotations.map((x) => x.labelId)).toEqual([1, 3]);
    expect(next.annotations[0]).toBe(doc.annotations[0]);
    expect(doc.annotations[1]!.labelId).toBe(1);
  });

  it('adds and removes relations, and leaves the document alone for another one', () => {
    const drawn = applyChange(doc, { relation: { id: 8, kind: 'about', fromId: 1, toId: 2 } });
    expect(drawn.relations.map((r) => r.id)).toEqual([7, 8]);
    expect(applyChange(drawn, { removedRelation: 7 }).relations.map((r) => r.id)).toEqual([8]);
    expect(applyChange(doc, { annotation: { ...a(9, 0, 1), documentId: 2 } })).toBe(doc);
    expect(applyChange(doc, { relation: { id: 9, kind: 'about', fromId: 99, toId: 98 } })).toBe(doc);
  });
});

describe('withPending', () => {
  it('puts highlights not stored yet in reading order among the stored ones', () => {
    const list = [a(1, 0, 5), a(2, 3, 9), a(3, 10, 12)];
    const pending = { id: -1, labelId: 1, start16: 3, end16: 12 };
    const merged = withPending(list, [pending]);
    expect(merged.map((x) => x.id)).toEqual([1, -1, 2, 3]);
    expect(editsBetween(list, merged, 10)).toEqual({ added: [pending], removed: [] });
  });
});
