// The library as a window onto the project: pages of rows fetched as the list needs them, never
// the whole corpus. A query change starts a new window; an edit refreshes the pages loaded.

import type { DocumentSummary, LibraryPage } from './types';

/** Rows read at a time: a view's worth and some. Scrolling fast reads a page a frame, and every
 * row read is parsed, held and collected again; pages of 200 cost the scroll's frames about
 * 4 ms more at the median. */
export const PAGE_SIZE = 50;

/** Pages read at once. Scrolling fast asks for a new page every frame; the rest wait, and a page
 * the list has scrolled past by the time its turn comes is not read at all. */
const IN_FLIGHT = 2;

/** Pages kept loaded: those nearest the list's view. Scrolling through a million documents
 * would otherwise keep every page it passed (a heap of rows the webview's collector walks
 * again and again, which shows as stalled frames); a page dropped is read again if scrolled
 * back to. */
export const KEPT_PAGES = 48;

/** Fetches `limit` rows from `offset` of the current query, counting them all if `count`. */
export type FetchPage = (offset: number, limit: number, count: boolean) => Promise<LibraryPage>;

export class LibraryWindow {
  /** How many documents the query selects. */
  total = $state(0);
  /** Loaded pages by page number; replaced, never mutated, so readers see each change. */
  pages = $state.raw(new Map<number, DocumentSummary[]>());
  /** Bumped by every reset: answers to an older query are dropped. */
  #generation = 0;
  #loading = new Map<number, Promise<void>>();
  #fetch: FetchPage;
  /** The pages the list last asked for: what a refresh reads again, and what waiting reads go on
   * to read. */
  #wanted: [number, number] = [0, 0];
  #inFlight = 0;
  #waiting: (() => void)[] = [];

  constructor(fetch: FetchPage) {
    this.#fetch = fetch;
  }

  /** The row at `index`, if its page is loaded. */
  rowAt(index: number): DocumentSummary | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** Starts over with a new fetch (a new query): the first page, and the total. */
  async reset(fetch: FetchPage = this.#fetch): Promise<void> {
    this.#fetch = fetch;
    this.#generation++;
    this.#loading = new Map();
    const generation = this.#generation;
    const page = await fetch(0, PAGE_SIZE, true);
    if (generation !== this.#generation) return;
    this.total = page.total ?? 0;
    this.pages = new Map([[0, page.rows]]);
  }

  /** Loads the pages holding rows `[from, to)` that are not loaded yet. */
  async ensure(from: number, to: number): Promise<void> {
    const first = Math.max(0, Math.floor(from / PAGE_SIZE));
    const last = Math.floor((Math.min(to, this.total) - 1) / PAGE_SIZE);
    this.#wanted = [first, Math.max(first, last)];
    const waits: Promise<void>[] = [];
    for (let n = first; n <= last; n++) {
      if (this.pages.has(n)) continue;
      let loading = this.#loading.get(n);
      if (!loading) {
        loading = this.#load(n);
        this.#loading.set(n, loading);
      }
      waits.push(loading);
    }
    await Promise.all(waits);
  }

  /** The row at `index`, loading its page first if need be. */
  async fetchRow(index: number): Promise<DocumentSummary | undefined> {
    if (index < 0 || index >= this.total) return undefined;
    await this.ensure(index, index + 1);
    return this.rowAt(index);
  }

  /** Reads the pages in view again (after an edit changed counts); the others are dropped and
   * read again when scrolled to, so a refresh costs the same however far the list was read. */
  async refresh(): Promise<void> {
    const [first, last] = this.#wanted;
    const loaded = [...new Set([0, ...Array.from({ length: last - first + 1 }, (_, i) => first + i)])];
    const generation = ++this.#generation;
    this.#loading = new Map();
    // The first page counts again (an edit may have changed what a filter selects).
    const answers = await Promise.all(loaded.map((n) => this.#fetch(n * PAGE_SIZE, PAGE_SIZE, n === 0)));
    if (generation !== this.#generation) return;
    const pages = new Map<number, DocumentSummary[]>();
    loaded.forEach((n, i) => pages.set(n, answers[i]!.rows));
    this.total = answers[0]?.total ?? this.total;
    this.pages = pages;
  }

  /** `pages` without those farthest from the view, beyond [`KEPT_PAGES`]. */
  #kept(pages: Map<number, DocumentSummary[]>): Map<number, DocumentSummary[]> {
    if (pages.size <= KEPT_PAGES) return pages;
    const [first, last] = this.#wanted;
    const away = (n: number) => (n < first ? first - n : n > last ? n - last : 0);
    const nearest = [...pages.keys()].sort((a, b) => away(a) - away(b) || a - b).slice(0, KEPT_PAGES);
    return new Map(nearest.map((n) => [n, pages.get(n)!]));
  }

  async #load(n: number): Promise<void> {
    const generation = this.#generation;
    if (this.#inFlight >= IN_FLIGHT) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#inFlight++;
    try {
      // Scrolled past (or a new query) while it waited: nobody needs it now.
      const [first, last] = this.#wanted;
      if (generation !== this.#generation || n < first || n > last) return;
      const page = await this.#fetch(n * PAGE_SIZE, PAGE_SIZE, false);
      if (generation !== this.#generation) return;
      if (page.total !== null) this.total = page.total;
      this.pages = this.#kept(new Map(this.pages).set(n, page.rows));
    } finally {
      if (generation === this.#generation) this.#loading.delete(n);
      this.#inFlight--;
      this.#waiting.shift()?.();
    }
  }
}
