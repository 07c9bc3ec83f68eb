import { describe, expect, it } from 'vitest';
import { KEPT_PAGES, LibraryWindow, PAGE_SIZE } from './library.svelte';
import type { DocumentSummary, LibraryPage } from './types';

const row = (id: number): DocumentSummary => ({ id, title: `Doc ${id}`, date: null, source: null, annotationCount: 0 });

/** A library of `total` documents with ids 1…total, counting the pages asked for. */
function corpus(total: number) {
  const asked: number[] = [];
  const fetch = async (offset: number, limit: number, count: boolean): Promise<LibraryPage> => {
    asked.push(offset);
    const rows = [];
    for (let i = offset; i < Math.min(total, offset + limit); i++) rows.push(row(i + 1));
    return { total: count ? total : null, offset, rows };
  };
  return { fetch, asked };
}

describe('LibraryWindow', () => {
  it('holds the first page and the total after a reset, and nothing else', async () => {
    const { fetch, asked } = corpus(1_000_000);
    const library = new LibraryWindow(fetch);
    await library.reset();
    expect(library.total).toBe(1_000_000);
    expect(library.rowAt(0)?.id).toBe(1);
    expect(library.rowAt(PAGE_SIZE)).toBeUndefined();
    expect(asked).toEqual([0]);
  });

  it('loads only the pages a range needs, each once, also when asked twice at once', async () => {
    const { fetch, asked } = corpus(1_000_000);
    const library = new LibraryWindow(fetch);
    await library.reset();
    const end = 1_000_000;
    await Promise.all([library.ensure(end - 30, end), library.ensure(end - 10, end)]);
    expect(library.rowAt(end - 1)?.id).toBe(end);
    expect(asked).toEqual([0, Math.floor((end - 1) / PAGE_SIZE) * PAGE_SIZE]);
    expect(await library.fetchRow(450)).toEqual(row(451));
    expect(await library.fetchRow(end)).toBeUndefined();
  });

  it('drops answers to an older query', async () => {
    const slow = corpus(10);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const library = new LibraryWindow(async (offset, limit, count) => {
      await gate;
      return slow.fetch(offset, limit, count);
    });
    const old = library.reset();
    await library.reset(corpus(3).fetch);
    release();
    await old;
    expect(library.total).toBe(3);
  });
});

describe('LibraryWindow.refresh', () => {
  it('reads again only the first page and the pages last in view', async () => {
    const { fetch, asked } = corpus(100_000);
    const library = new LibraryWindow(fetch);
    await library.reset();
    await library.ensure(5000, 5030);
    await library.ensure(90_000, 90_030);
    asked.length = 0;
    await library.refresh();
    expect(asked.sort((a, b) => a - b)).toEqual([0, 90_000 - (90_000 % PAGE_SIZE)]);
    expect(library.rowAt(5000)).toBeUndefined();
    expect(library.rowAt(90_010)?.id).toBe(90_011);
  });
});

describe('LibraryWindow while scrolling fast', () => {
  it('reads a few pages at once and drops those scrolled past before their turn', async () => {
    const { fetch, asked } = corpus(1_000_000);
    let release: () => void = () => {};
    let gate = new Promise<void>((resolve) => (release = resolve));
    const library = new LibraryWindow(async (offset, limit, count) => {
      await gate;
      return fetch(offset, limit, count);
    });
    release();
    await library.reset();
    asked.length = 0;
    gate = new Promise<void>((resolve) => (release = resolve));
    // A hundred frames of scrolling, each wanting a page further on.
    const waits = [];
    for (let frame = 1; frame <= 100; frame++) waits.push(library.ensure(frame * 2000, frame * 2000 + 30));
    release();
    await Promise.all(waits);
    // The two read at once, then only the page in view at the end.
    expect(asked.length).toBeLessThanOrEqual(3);
    expect(library.rowAt(200_000)?.id).toBe(200_001);
  });
});

describe('LibraryWindow through a long list', () => {
  it('keeps the pages nearest the view, and reads a dropped one again when scrolled back to', async () => {
    const { fetch, asked } = corpus(1_000_000);
    const library = new LibraryWindow(fetch);
    await library.reset();
    // Scrolled through, a page a step.
    for (let n = 1; n <= 3 * KEPT_PAGES; n++) await library.ensure(n * PAGE_SIZE, n * PAGE_SIZE + 20);
    expect(library.pages.size).toBe(KEPT_PAGES);
    const last = 3 * KEPT_PAGES;
    const kept = [...library.pages.keys()].sort((a, b) => a - b);
    expect(kept).toEqual(Array.from({ length: KEPT_PAGES }, (_, i) => last - KEPT_PAGES + 1 + i));
    expect(library.rowAt(last * PAGE_SIZE)?.id).toBe(last * PAGE_SIZE + 1);
    // Back at the top: the first page is read again, and rows come back as they were.
    expect(library.rowAt(0)).toBeUndefined();
    const before = asked.length;
    expect(await library.fetchRow(5)).toEqual(row(6));
    expect(asked.slice(before)).toEqual([0]);
  });
});
