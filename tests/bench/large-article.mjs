// A large article for the reader's benchmark and end-to-end test: about 1 MB of text with
// 20,000 annotations, written as a brat .txt/.ann pair (brat imports quickly and keeps offsets in
// code points, Claimdesk's own unit). Deterministic, so runs are comparable.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { random } from './measure.mjs';

const WORDS = (
  'the minister said talks would resume in riyadh next week while officials from both ' +
  'delegations declined to comment on reports that a ceasefire draft had been circulated among ' +
  'allies analysts warned the agreement could collapse if sanctions were not eased and the ' +
  'opposition demanded guarantees before any vote in parliament spokesperson Tammy Bruce told ' +
  'reporters that Washington remained committed to a negotiated settlement Zoë Müller façade ' +
  'naïve São Paulo Kraków Ελλάδα Москва'
).split(' ');
// Characters outside the Basic Multilingual Plane: two UTF-16 units, one code point each.
const WIDE = ['🇺🇸', '👍🏽', '😀', '𝔘𝔫𝔦', '🤝'];

/**
 * Builds the article: `{ text, annotations: [{label, start, end}] }`, offsets in code points.
 * Paragraphs of 200–1,500 characters separated by blank lines, with a few paragraphs of about
 * 12,000 characters (so the reader must cut them), a sprinkling of emoji and accented words,
 * and annotations that nest and overlap.
 */
export function largeArticle({ bytes = 1_000_000, annotations = 20_000, seed = 7 } = {}) {
  const next = random(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const parts = [];
  const words = []; // [startCp, endCp, paragraph]
  let cp = 0;
  let size = 0;
  let paragraph = 0;
  const push = (piece) => {
    parts.push(piece);
    cp += [...piece].length;
    size += Buffer.byteLength(piece);
  };
  push('Ceasefire talks: the long record\n\n');
  paragraph++;
  while (size < bytes) {
    const long = paragraph % 40 === 17;
    const target = long ? 12_000 : 200 + Math.floor(next() * 1300);
    let length = 0;
    let first = true;
    while (length < target) {
      let word = next() < 0.01 ? pick(WIDE) : pick(WORDS);
      if (first) word = word[0].toUpperCase() + word.slice(1);
      const sentenceEnd = next() < 0.08;
      if (length > 0) push(' ');
      words.push([cp, cp + [...word].length, paragraph]);
      push(word);
      if (sentenceEnd) push('.');
      length += word.length + 1;
      first = sentenceEnd;
    }
    push('.\n\n');
    paragraph++;
  }
  const text = parts.join('');

  // Spans over whole words inside one paragraph: mostly actors, longer claims holding them, and
  // positions that overlap claims without nesting.
  const spans = [];
  const claims = Math.round(annotations * 0.15);
  const positions = Math.round(annotations * 0.05);
  const actors = annotations - claims - positions;
  const span = (label, first, count) => {
    let last = Math.min(words.length - 1, first + count - 1);
    while (words[last][2] !== words[first][2]) last--;
    spans.push({ label, start: words[first][0], end: words[last][1] });
  };
  const stride = (count) => words.length / count;
  for (let i = 0; i < actors; i++) span('Actor', Math.floor(i * stride(actors)), 1 + Math.floor(next() * 3));
  for (let i = 0; i < claims; i++) span('Claim', Math.floor(i * stride(claims)), 8 + Math.floor(next() * 12));
  for (let i = 0; i < positions; i++) {
    span('Position', Math.floor(i * stride(positions) + stride(claims) / 2), 6 + Math.floor(next() * 10));
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  return { text, annotations: spans };
}

/** Writes the article as `NAME.txt` and `NAME.ann` in `folder`; returns the .txt path. */
export function writeBrat(folder, name, article) {
  const points = [...article.text];
  const lines = article.annotations.map(
    (a, i) => `T${i + 1}\t${a.label} ${a.start} ${a.end}\t${points.slice(a.start, a.end).join('')}`,
  );
  const txt = path.join(folder, `${name}.txt`);
  writeFileSync(txt, article.text);
  writeFileSync(path.join(folder, `${name}.ann`), lines.join('\n') + '\n');
  return txt;
}
