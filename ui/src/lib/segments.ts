// Turns possibly overlapping spans into the non-overlapping segments the reader draws.
//
// The reader never reasons about overlaps itself: each segment knows which spans cover it, so
// drawing is a flat list of pieces of text. Offsets are UTF-16 code units, the webview's unit.

export interface SpanLike {
  id: number;
  start: number;
  end: number;
}

export interface Segment {
  start: number;
  end: number;
  /** The spans covering the whole segment, outermost first (earlier start, then longer). */
  ids: number[];
}

/**
 * Cuts `[0, length)` at every span boundary. Segments are contiguous, non-empty and cover the
 * text exactly once; spans are clipped to the text, and empty ones ignored.
 */
export function segment(length: number, spans: readonly SpanLike[]): Segment[] {
  const clipped = spans
    .map((s) => ({ id: s.id, start: Math.max(0, s.start), end: Math.min(length, s.end) }))
    .filter((s) => s.start < s.end);
  const cuts = new Set<number>([0, length]);
  for (const s of clipped) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const points = [...cuts].sort((a, b) => a - b);

  const startingAt = new Map<number, SpanLike[]>();
  for (const s of clipped) {
    const list = startingAt.get(s.start);
    if (list) list.push(s);
    else startingAt.set(s.start, [s]);
  }

  const segments: Segment[] = [];
  let active: SpanLike[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    active = active.filter((s) => s.end > start);
    const starting = startingAt.get(start);
    if (starting) {
      active.push(...starting);
      active.sort(outermostFirst);
    }
    segments.push({ start, end, ids: active.map((s) => s.id) });
  }
  return segments;
}

/** Reading order of spans: earlier start first, then the longer one, then the lower id. */
export function outermostFirst(a: SpanLike, b: SpanLike): number {
  return a.start - b.start || b.end - a.end || a.id - b.id;
}
