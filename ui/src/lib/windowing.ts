// Arithmetic for drawing only the blocks near the viewport: estimated heights for blocks never
// drawn, positions as prefix sums of heights, and which blocks a stretch of pixels covers.
// The reader measures what it draws and gives every other block one of these heights, which the
// browser uses instead of laying the block out, so the scrollbar stays right.

/**
 * How many lines `text[start, end)` takes at `charsPerLine`: each paragraph at least one, a
 * trailing line break adding none (as a block of `white-space: pre-wrap` text renders).
 */
export function estimateLines(text: string, start: number, end: number, charsPerLine: number): number {
  let lines = 0;
  let at = start;
  while (at < end) {
    let newline = text.indexOf('\n', at);
    if (newline < 0 || newline >= end) newline = end;
    lines += Math.max(1, Math.ceil((newline - at) / charsPerLine));
    at = newline + 1;
  }
  return lines;
}

/** `tops[i]` is where block `i` begins; `tops[n]` is the total height. */
export function prefixSums(heights: ArrayLike<number>): Float64Array {
  const tops = new Float64Array(heights.length + 1);
  for (let i = 0; i < heights.length; i++) tops[i + 1] = tops[i]! + heights[i]!;
  return tops;
}

/** The block at height `y` (clamped to the first and last block); -1 if there are none. */
export function indexAt(tops: Float64Array, y: number): number {
  const count = tops.length - 1;
  if (count <= 0) return -1;
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (tops[mid]! <= y) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** The first and last block overlapping `[top, bottom)`, or null if there are no blocks. */
export function blocksBetween(tops: Float64Array, top: number, bottom: number): [number, number] | null {
  const first = indexAt(tops, top);
  if (first < 0) return null;
  // A block ending exactly at `bottom` is the last one needed; one starting there is not.
  const last = Math.max(first, indexAt(tops, Math.max(top, bottom - 0.5)));
  return [first, last];
}

/**
 * The rows of a list of `count` rows `rowHeight` high that a view scrolled to `scrollTop` and
 * `viewHeight` high shows, widened by `overscan` rows each way: `[first, end)`, end exclusive.
 */
export function rowsInView(
  scrollTop: number,
  viewHeight: number,
  rowHeight: number,
  count: number,
  overscan: number,
): [number, number] {
  if (count <= 0 || rowHeight <= 0) return [0, 0];
  const first = Math.max(0, Math.min(count - 1, Math.floor(scrollTop / rowHeight) - overscan));
  const end = Math.min(count, Math.ceil((scrollTop + Math.max(0, viewHeight)) / rowHeight) + overscan);
  return [first, Math.max(first + 1, end)];
}

/** The scroll position that shows row `index` a third down a view, or `scrollTop` if it is in view. */
export function revealRow(index: number, scrollTop: number, viewHeight: number, rowHeight: number): number {
  const top = index * rowHeight;
  if (top >= scrollTop && top + rowHeight <= scrollTop + viewHeight) return scrollTop;
  return Math.max(0, top - viewHeight / 3);
}

/**
 * A list window that also works past the browser's limit on an element's height (WebKit caps it
 * near 33 million pixels: a million rows of 46 px is 46 million). Below `maxHeight` the spacer is
 * the list's true height; above, it is `maxHeight`, and the scroll position maps onto the rows in
 * proportion, so the scroll bar's end is the list's end. Answers the spacer's height, the rows to
 * draw (`[first, end)`) and where to place the first of them.
 */
export function scaledWindow(
  scrollTop: number,
  viewHeight: number,
  rowHeight: number,
  count: number,
  overscan: number,
  maxHeight: number,
): { spacer: number; range: [number, number]; top: number } {
  const natural = count * rowHeight;
  if (natural <= maxHeight || rowHeight <= 0) {
    const range = rowsInView(scrollTop, viewHeight, rowHeight, count, overscan);
    return { spacer: natural, range, top: range[0] * rowHeight };
  }
  const visible = Math.max(1, Math.ceil(viewHeight / rowHeight));
  const scrollRange = Math.max(1, maxHeight - viewHeight);
  const firstVisible = Math.round((Math.min(scrollTop, scrollRange) / scrollRange) * Math.max(0, count - visible));
  const first = Math.max(0, firstVisible - overscan);
  const end = Math.min(count, firstVisible + visible + overscan);
  // The first visible row sits at the top of the view; the rows drawn before it above it.
  return { spacer: maxHeight, range: [first, Math.max(first + 1, end)], top: scrollTop - (firstVisible - first) * rowHeight };
}

/** The scroll position that brings row `index` into view in a [`scaledWindow`] list. */
export function scaledReveal(
  index: number,
  scrollTop: number,
  viewHeight: number,
  rowHeight: number,
  count: number,
  maxHeight: number,
): number {
  if (count * rowHeight <= maxHeight) return revealRow(index, scrollTop, viewHeight, rowHeight);
  const visible = Math.max(1, Math.ceil(viewHeight / rowHeight));
  const scrollRange = Math.max(1, maxHeight - viewHeight);
  const current = scaledWindow(scrollTop, viewHeight, rowHeight, count, 0, maxHeight).range[0];
  if (index >= current && index < current + visible - 1) return scrollTop;
  const firstVisible = Math.max(0, Math.min(count - visible, index - Math.floor(visible / 3)));
  return (firstVisible / Math.max(1, count - visible)) * scrollRange;
}
