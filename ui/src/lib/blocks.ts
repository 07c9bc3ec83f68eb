// Cuts a document into blocks, the units the reader draws or leaves out as it scrolls.
//
// A block is a run of whole paragraphs (a paragraph keeps the line breaks that end it, so CRLF
// stays whole), packed up to a few thousand UTF-16 units. A paragraph too long for one block is
// cut into chunks, preferably after a sentence and outside every annotation, never inside a
// surrogate pair or a character cluster. A span crossing a cut shows in both blocks, cut at the
// edge, with its id: each block's segments are those segment() gives for the whole text, cut at
// the block's edges. Blocks only know their spans; their segments are made when drawn, so a long
// document costs little more than its visible part.

import { outermostFirst, segment, type Segment, type SpanLike } from './segments';

export interface Block {
  start: number;
  end: number;
  /** The spans overlapping the block, whole (not cut at its edges), in the order given. */
  spans: SpanLike[];
}

export interface BlockSizes {
  /** Paragraphs are packed into one block while it stays this long (UTF-16 units). */
  size: number;
  /** A paragraph longer than this is cut into chunks of about `size`. */
  max: number;
}

export const DEFAULT_SIZES: BlockSizes = { size: 2000, max: 4000 };

/** Splits `text` into blocks and hands each the spans (UTF-16) overlapping it. */
export function blocks(text: string, spans: readonly SpanLike[], sizes: BlockSizes = DEFAULT_SIZES): Block[] {
  return blocksAt(blockCuts(text, spans, sizes), spans);
}

/**
 * The blocks between `cuts` (from blockCuts), each with the spans overlapping it. A block of
 * `previous` with the same edges and spans equal by `same` is handed back itself, so that a
 * change of one annotation leaves every other block as it was (and undrawn).
 */
export function blocksAt<S extends SpanLike>(
  cuts: readonly number[],
  spans: readonly S[],
  previous: readonly Block[] = [],
  same: (a: S, b: S) => boolean = (a, b) => a.id === b.id && a.start === b.start && a.end === b.end,
): Block[] {
  const list: Block[] = [];
  for (let b = 0; b + 1 < cuts.length; b++) list.push({ start: cuts[b]!, end: cuts[b + 1]!, spans: [] });
  const end = cuts.length > 0 ? cuts[cuts.length - 1]! : 0;
  for (const span of spans) {
    const from = Math.max(0, span.start);
    const to = Math.min(end, span.end);
    if (from >= to) continue;
    for (let b = blockAt(list, from); b < list.length && list[b]!.start < to; b++) list[b]!.spans.push(span);
  }
  if (previous.length === list.length) {
    for (let b = 0; b < list.length; b++) {
      const old = previous[b]!;
      const now = list[b]!;
      if (
        old.start === now.start &&
        old.end === now.end &&
        old.spans.length === now.spans.length &&
        now.spans.every((span, i) => same(span as S, old.spans[i] as S))
      ) {
        list[b] = old;
      }
    }
  }
  return list;
}

/**
 * `list` after an edit: the blocks that `added` or `removed` spans overlap are new objects with
 * their spans updated (in reading order), every other block is handed back itself. Costs the size of
 * the edit, not of the document, which is what lets a keypress on a large document stay fast.
 */
export function updateBlocks<S extends SpanLike>(
  list: readonly Block[],
  added: readonly S[],
  removed: ReadonlySet<SpanLike>,
): Block[] {
  const next = list.slice();
  const touched = new Set<number>();
  const end = list.length > 0 ? list[list.length - 1]!.end : 0;
  for (const span of [...added, ...removed]) {
    const from = Math.max(0, span.start);
    const to = Math.min(end, span.end);
    if (from >= to) continue;
    for (let b = blockAt(list, from); b < list.length && list[b]!.start < to; b++) touched.add(b);
  }
  for (const b of touched) {
    const old = list[b]!;
    const spans = old.spans.filter((s) => !removed.has(s)) as S[];
    for (const span of added) if (span.start < old.end && span.end > old.start && span.start < span.end) spans.push(span);
    spans.sort(outermostFirst);
    next[b] = { start: old.start, end: old.end, spans };
  }
  return next;
}

/**
 * The segments of `block`: what segment() gives for the whole text, cut at the block's edges.
 * Ids keep the whole text's order (outermost first), which spans cut at the edge alone would not.
 */
export function blockSegments(block: Block): Segment[] {
  const local = block.spans.map((s) => ({ id: s.id, start: s.start - block.start, end: s.end - block.start }));
  const segments = segment(block.end - block.start, local);
  const byId = new Map(block.spans.map((s) => [s.id, s]));
  for (const seg of segments) {
    seg.start += block.start;
    seg.end += block.start;
    if (seg.ids.length > 1) seg.ids.sort((a, b) => outermostFirst(byId.get(a)!, byId.get(b)!));
  }
  return segments;
}

/** The block boundaries: `0`, every cut in increasing order, and `text.length`. */
export function blockCuts(text: string, spans: readonly SpanLike[], sizes: BlockSizes = DEFAULT_SIZES): number[] {
  const cuts = [0];
  if (text.length === 0) return cuts;
  let blockStart = 0;
  let at = 0;
  while (at < text.length) {
    const paragraphEnd = endOfParagraph(text, at);
    if (paragraphEnd - at > sizes.max) {
      // Close the block collected so far, then cut the long paragraph into chunks.
      if (at > blockStart) cuts.push(at);
      const crossing = crossings(spans, at, paragraphEnd);
      const crossed = (i: number) => crossing[i - at]! > 0;
      let chunkStart = at;
      while (paragraphEnd - chunkStart > sizes.max) {
        const cut = chunkCut(text, crossed, chunkStart, paragraphEnd, sizes.size);
        if (cut >= paragraphEnd) break;
        cuts.push(cut);
        chunkStart = cut;
      }
      blockStart = chunkStart;
    } else if (paragraphEnd - blockStart > sizes.size && at > blockStart) {
      cuts.push(at);
      blockStart = at;
    }
    at = paragraphEnd;
  }
  cuts.push(text.length);
  return cuts;
}

/** For each position `i` of `[from, to)`, how many spans have `start < i < end` (at `i - from`). */
function crossings(spans: readonly SpanLike[], from: number, to: number): Int32Array {
  const counts = new Int32Array(to - from + 1);
  for (const span of spans) {
    const start = Math.max(from, span.start);
    const end = Math.min(to, span.end);
    if (start + 1 >= end) continue;
    counts[start + 1 - from]! += 1;
    counts[end - from]! -= 1;
  }
  for (let i = 1; i < counts.length; i++) counts[i]! += counts[i - 1]!;
  return counts;
}

/** The end of the paragraph starting at `from`: after its line break and any blank lines. */
function endOfParagraph(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  if (newline < 0) return text.length;
  let end = newline + 1;
  while (end < text.length && (text[end] === '\n' || text[end] === '\r')) end++;
  return end;
}

const SENTENCE_END = /[.!?。！？…:;"”’)\]]/;
// Marks, joiners, variation selectors and skin tones belong to the character before them.
const JOINS_PREVIOUS = /^[\p{M}\u200c\u200d\ufe00-\ufe0f\u{e0100}-\u{e01ef}\u{1f3fb}-\u{1f3ff}\u{e0020}-\u{e007f}]/u;
const REGIONAL = /^[\u{1f1e6}-\u{1f1ff}]/u;

function isSpace(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  return code > 127 && /\s/.test(text[i]!);
}

/**
 * Where to end a chunk that starts at `from` inside a paragraph ending at `end`: the best cut
 * in a window around `from + size`. Better cuts lie outside every annotation and after a
 * sentence or at least a space; among equals, the one nearest the target wins. The window is
 * searched outwards from the target, so prose usually stops at the first sentence end.
 */
function chunkCut(text: string, crossed: (i: number) => boolean, from: number, end: number, size: number): number {
  const target = from + size;
  const low = from + Math.floor(size / 2);
  const high = Math.min(end - 1, from + Math.floor((size * 3) / 2));
  // The nearest cut found so far for each rank.
  const nearest = [-1, -1, -1, -1, -1];
  const consider = (i: number): boolean => {
    if (i < low || i > high || !cuttable(text, i)) return false;
    const rank = cutRank(text, crossed, i);
    if (nearest[rank]! < 0) nearest[rank] = i;
    return rank === 0;
  };
  for (let d = 0; d <= size; d++) {
    if (consider(target - d)) return target - d;
    if (d > 0 && consider(target + d)) return target + d;
  }
  for (const cut of nearest) if (cut > from) return cut;
  // No cuttable position in the window (a very long cluster): the first one after it.
  for (let i = high + 1; i < end; i++) if (cuttable(text, i)) return i;
  return end;
}

/** Whether a block may end before `text[i]`: not inside a surrogate pair or a character cluster. */
function cuttable(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  const before = text.charCodeAt(i - 1);
  if (code < 0x300 && before < 0x300) return !(before === 13 && code === 10);
  if (code >= 0xdc00 && code <= 0xdfff && before >= 0xd800 && before <= 0xdbff) return false;
  if (before === 0x200d || JOINS_PREVIOUS.test(text.slice(i, i + 2))) return false;
  // Flags are pairs of regional indicators: cut only after an even run of them.
  if (REGIONAL.test(text.slice(i, i + 2))) {
    let run = 0;
    for (let j = i - 2; j >= 0 && REGIONAL.test(text.slice(j, j + 2)); j -= 2) run++;
    if (run % 2 === 1) return false;
  }
  return true;
}

/** 0 is the best cut: after a sentence, outside annotations; 4 the worst: anywhere cuttable. */
function cutRank(text: string, crossed: (i: number) => boolean, i: number): number {
  const afterSpace = isSpace(text, i - 1) && !isSpace(text, i);
  const covered = crossed(i);
  if (afterSpace && !covered) {
    let j = i - 1;
    while (j > 0 && isSpace(text, j)) j--;
    return SENTENCE_END.test(text[j]!) ? 0 : 1;
  }
  if (!covered) return 2;
  return afterSpace ? 3 : 4;
}

/** The index of the block containing `offset`; the last block for the end of the text. */
export function blockAt(list: readonly { start: number }[], offset: number): number {
  let low = 0;
  let high = list.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (list[mid]!.start <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}
