// Scrolling the reader to a position given as a model offset (UTF-16), through the segments'
// data-start/data-end attributes — never by searching the rendered text.

/** The nearest ancestor that scrolls vertically. */
function scroller(element: HTMLElement): HTMLElement | null {
  for (let e: HTMLElement | null = element.parentElement; e; e = e.parentElement) {
    const style = getComputedStyle(e);
    if (/(auto|scroll)/.test(style.overflowY) && e.scrollHeight > e.clientHeight) return e;
  }
  return null;
}

/** The rendered segment holding UTF-16 offset `at16`, and the offset within its text. */
export function segmentAt(root: ParentNode, at16: number): { segment: HTMLElement; inside: number } | null {
  for (const segment of root.querySelectorAll<HTMLElement>('[data-start]')) {
    const start = Number(segment.dataset.start);
    const end = Number(segment.dataset.end);
    if (start <= at16 && at16 < end) return { segment, inside: at16 - start };
  }
  return null;
}

/** The on-screen box of the character at `at16`, if its segment is rendered. */
export function rectAt(root: ParentNode, at16: number): DOMRect | null {
  const found = segmentAt(root, at16);
  if (!found) return null;
  const walker = document.createTreeWalker(found.segment, NodeFilter.SHOW_TEXT);
  let left = found.inside;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = (node as Text).length;
    if (left < length) {
      const range = document.createRange();
      range.setStart(node, left);
      range.setEnd(node, Math.min(length, left + 1));
      return range.getBoundingClientRect();
    }
    left -= length;
  }
  return found.segment.getBoundingClientRect();
}

/** Scrolls so the character at `at16` is in the middle of the view. Answers whether it could. */
export function scrollToOffset(root: HTMLElement, at16: number): boolean {
  const found = segmentAt(root, at16);
  const rect = rectAt(root, at16);
  if (!found || !rect) return false;
  const box = scroller(found.segment);
  if (!box) return true;
  const view = box.getBoundingClientRect();
  box.scrollTop += rect.top - view.top - view.height / 2;
  return true;
}

/** The DOM point (text node and offset) at UTF-16 offset `at16`, if its segment is rendered. */
function pointAt(root: ParentNode, at16: number, isEnd: boolean): [Node, number] | null {
  const segments = [...root.querySelectorAll<HTMLElement>('[data-start]')];
  for (const segment of segments) {
    const start = Number(segment.dataset.start);
    const end = Number(segment.dataset.end);
    const inside = isEnd ? start < at16 && at16 <= end : start <= at16 && at16 < end;
    if (!inside) continue;
    const walker = document.createTreeWalker(segment, NodeFilter.SHOW_TEXT);
    let left = at16 - start;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = (node as Text).length;
      if (left <= length) return [node, left];
      left -= length;
    }
  }
  return null;
}

/** Selects `[start16, end16)` of the document, as if the analyst had dragged over it, so a
 * label key codes it. Answers whether both ends are rendered. */
export function selectOffsets(root: HTMLElement, start16: number, end16: number): boolean {
  const from = pointAt(root, start16, false);
  const to = pointAt(root, end16, true);
  if (!from || !to) return false;
  const range = document.createRange();
  range.setStart(...from);
  range.setEnd(...to);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
  return true;
}
