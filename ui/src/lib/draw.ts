// Draws a block's segments as DOM elements: plain text as <span>, annotated text as <mark>, each
// carrying its model offsets (data-start/data-end, UTF-16) for selection.ts. A block far from
// the view is drawn as one plain <span>: all of the text is always in the page (to select, find
// and scroll to), only the highlights are drawn near the view.
//
// The reader draws blocks with these few DOM calls rather than through Svelte templates: blocks
// come and go on every scroll step, and building a few hundred elements directly costs a tenth
// of the reactive version. Text is set as text (`textContent`), never parsed as HTML.

import type { Segment } from './segments';
import { lineColour } from './paint';
import { isSuggested } from './annotations';

/** How a highlight looks: the label names of its annotations, the innermost one's colour and
 * line style (0–2), and the ids of the elements naming its labels. */
export interface Look {
  labels: string;
  /** What pointing at it says: the labels, with their coders when several are shown. */
  title: string;
  colour: string | undefined;
  style: number;
  describedBy: string;
  /** Not stored yet: drawn at once, confirmed (or taken back) when the backend answers. */
  pending: boolean;
  /** When several coders are shown: the innermost annotation's coder, by their place (0…). */
  coder?: number;
  /** A suggestion covers it (drawn dashed); `ghost` when only suggestions do (no fill). */
  suggested?: boolean;
  ghost?: boolean;
  /** The suggestion being walked covers it. */
  current?: boolean;
}

/** Replaces `block`'s children with the elements for `segments` of `text`. */
export function drawSegments(
  block: HTMLElement,
  text: string,
  segments: readonly Segment[],
  look: (ids: number[]) => Look,
  selectedId: number | null,
): void {
  const fragment = document.createDocumentFragment();
  for (const seg of segments) {
    // Annotations are <mark>s; a stretch only suggestions cover is a plain <span>, outlined:
    // a suggestion is not an annotation (see lib/annotations.ts's SUGGESTED).
    const real = seg.ids.filter((id) => !isSuggested(id));
    const ghosts = seg.ids.length === real.length ? [] : seg.ids.filter(isSuggested);
    const element = document.createElement(real.length === 0 ? 'span' : 'mark');
    element.dataset.start = String(seg.start);
    element.dataset.end = String(seg.end);
    if (seg.ids.length > 0) {
      const { labels, title, colour, style, describedBy, pending, coder, suggested, ghost, current } = look(seg.ids);
      if (suggested) element.classList.add('suggested');
      if (ghost) element.classList.add('ghost');
      if (current) element.classList.add('current');
      if (ghosts.length > 0) element.dataset.suggestionIds = ghosts.join(' ');
      element.title = title;
      if (real.length > 0) {
        if (pending) element.classList.add('pending');
        if (coder !== undefined && coder >= 0) element.dataset.coder = String(coder % 4);
        element.dataset.annotationIds = real.join(' ');
        element.dataset.labels = labels;
        element.dataset.lineStyle = String(style);
        element.setAttribute('aria-describedby', describedBy);
        if (real.length > 1) element.classList.add('stacked');
        if (selectedId !== null && real.includes(selectedId)) element.classList.add('selected');
        // Through the CSS object model: the CSP forbids style attributes, not this.
        if (colour) {
          element.style.setProperty('--label-colour', colour);
          element.style.setProperty('--label-line', lineColour(colour));
        }
      }
    }
    element.textContent = text.slice(seg.start, seg.end);
    fragment.append(element);
  }
  block.replaceChildren(fragment);
}

/** Replaces `block`'s children with `text[start, end)` as one plain segment. */
export function drawPlain(block: HTMLElement, text: string, start: number, end: number): void {
  const element = document.createElement('span');
  element.dataset.start = String(start);
  element.dataset.end = String(end);
  element.textContent = text.slice(start, end);
  block.replaceChildren(element);
}

/** The DOM point at UTF-16 `offset` among `block`'s segments, or null if none holds it. */
export function pointIn(block: Element, offset: number): [Node, number] | null {
  for (const child of block.children) {
    const start = Number(child.getAttribute('data-start'));
    const end = Number(child.getAttribute('data-end'));
    if (start <= offset && offset <= end && child.firstChild) return [child.firstChild, offset - start];
  }
  return null;
}

/** The annotation ids a highlight element stands for, outermost first. */
export function annotationIds(element: Element): number[] {
  return (element.getAttribute('data-annotation-ids') ?? '').split(' ').filter(Boolean).map(Number);
}

/** Marks the highlights of annotation `selectedId` as selected, and no others, under `root`. */
export function markSelected(root: ParentNode, selectedId: number | null): void {
  for (const mark of root.querySelectorAll('mark[data-annotation-ids]')) {
    mark.classList.toggle('selected', selectedId !== null && annotationIds(mark).includes(selectedId));
  }
}

/** The suggestion ghost ids an element of the text stands for. */
export function suggestionIds(element: Element): number[] {
  return (element.getAttribute('data-suggestion-ids') ?? '').split(' ').filter(Boolean).map(Number);
}

/** Marks the outlines of the suggestion being walked (its ghost `ids`) as current. */
export function markCurrent(root: ParentNode, ids: readonly number[]): void {
  for (const element of root.querySelectorAll('[data-suggestion-ids]')) {
    element.classList.toggle('current', ids.length > 0 && suggestionIds(element).some((id) => ids.includes(id)));
  }
}
