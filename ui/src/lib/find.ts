// Regular-expression search within one document's text, in UTF-16 offsets (the webview's unit).

export interface Match {
  start: number;
  end: number;
}

/** Every non-empty match of `pattern` in `text`, or the reason the pattern is not valid. */
export function findAll(text: string, pattern: string, ignoreCase: boolean, limit = 10_000): Match[] | string {
  if (pattern === '') return [];
  let re: RegExp;
  try {
    re = new RegExp(pattern, ignoreCase ? 'giu' : 'gu');
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const out: Match[] = [];
  for (const m of text.matchAll(re)) {
    if (m[0].length === 0) continue;
    out.push({ start: m.index, end: m.index + m[0].length });
    if (out.length >= limit) break;
  }
  return out;
}
