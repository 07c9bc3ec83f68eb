// Reads the analyst's DOM selection as UTF-16 offsets into the document text.
//
// Offsets come from the model, not from rendered text: every segment element carries its own
// start offset (`data-start`), and a position inside a segment's single text node is that start
// plus the position within the node.

/** The UTF-16 offset of a DOM boundary point inside `root`, or null if it lies outside. */
export function pointToOffset(root: HTMLElement, node: Node, offset: number, textLength: number): number | null {
  if (!root.contains(node)) return null;
  if (node.nodeType === Node.TEXT_NODE) {
    const start = segmentStart(node.parentElement);
    return start === null ? null : start + offset;
  }
  // An element boundary: the point sits before child `offset`. Use the first segment at or after
  // it; past the last one, the point is the end of whatever precedes it.
  const element = node as Element;
  const own = segmentStart(element);
  if (own !== null) {
    return offset === 0 ? own : segmentEnd(element);
  }
  for (let i = offset; i < element.childNodes.length; i++) {
    const start = firstSegmentStart(element.childNodes[i]!);
    if (start !== null) return start;
  }
  for (let i = Math.min(offset, element.childNodes.length) - 1; i >= 0; i--) {
    const end = lastSegmentEnd(element.childNodes[i]!);
    if (end !== null) return end;
  }
  return element === root ? textLength : null;
}

/** The selection inside `root` as `[start, end)` in UTF-16, or null if empty or elsewhere. */
export function selectionRange(root: HTMLElement, textLength: number): { start: number; end: number } | null {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const a = pointToOffset(root, range.startContainer, range.startOffset, textLength);
  const b = pointToOffset(root, range.endContainer, range.endOffset, textLength);
  if (a === null || b === null) return null;
  const start = Math.max(0, Math.min(a, b));
  const end = Math.min(textLength, Math.max(a, b));
  return start < end ? { start, end } : null;
}

function segmentStart(element: Element | null): number | null {
  const value = element?.closest('[data-start]')?.getAttribute('data-start');
  return value == null ? null : Number(value);
}

function segmentEnd(element: Element | null): number | null {
  const value = element?.closest('[data-end]')?.getAttribute('data-end');
  return value == null ? null : Number(value);
}

function firstSegmentStart(node: Node): number | null {
  if (!(node instanceof Element)) return null;
  const found = node.matches('[data-start]') ? node : node.querySelector('[data-start]');
  return found ? segmentStart(found) : null;
}

function lastSegmentEnd(node: Node): number | null {
  if (!(node instanceof Element)) return null;
  const all = node.matches('[data-start]') ? [node] : [...node.querySelectorAll('[data-start]')];
  const last = all.at(-1);
  return last ? segmentEnd(last) : null;
}
