// Shortening text for labels and lists, without cutting a character in half.

/** `text` cut to at most `keep` UTF-16 units and marked with an ellipsis, if it is longer. */
export function shorten(text: string, keep: number): string {
  if (text.length <= keep) return text;
  const last = text.charCodeAt(keep - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? keep - 1 : keep;
  return `${text.slice(0, end)}…`;
}

/** A count with its noun, singular or plural: "1 document", "3 documents". English nouns
 * whose plural adds an s are all the app counts. */
export function counted(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? noun : `${noun}s`}`;
}

/** Moves a UTF-16 offset off the middle of a surrogate pair, towards `direction`. */
function onCharacter(text: string, at: number, direction: -1 | 1): number {
  const unit = text.charCodeAt(at);
  return unit >= 0xdc00 && unit <= 0xdfff ? at + (direction > 0 ? 1 : -1) : at;
}

/** About `width` UTF-16 units of text on each side of `[start, end)`, whitespace folded and
 * never cut inside a character: to tell apart annotations with the same quote. */
export function around(text: string, start: number, end: number, width: number): { before: string; after: string } {
  const from = onCharacter(text, Math.max(0, start - width), 1);
  const to = onCharacter(text, Math.min(text.length, end + width), -1);
  const fold = (s: string) => s.replace(/\s+/g, ' ');
  return { before: fold(text.slice(from, start)).trimStart(), after: fold(text.slice(end, to)).trimEnd() };
}

let paragraphCache: { text: string; starts: number[] } | null = null;

/** The paragraph (counted from 1; paragraphs are separated by blank lines) holding UTF-16
 * offset `at`. The paragraph starts of the last text asked about are kept. */
export function paragraphAt(text: string, at: number): number {
  if (paragraphCache?.text !== text) {
    const starts = [0];
    for (const m of text.matchAll(/\r?\n[ \t]*\r?\n\s*/g)) starts.push(m.index + m[0].length);
    paragraphCache = { text, starts };
  }
  const starts = paragraphCache.starts;
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (starts[mid]! <= at) low = mid + 1;
    else high = mid;
  }
  return Math.max(1, low);
}
