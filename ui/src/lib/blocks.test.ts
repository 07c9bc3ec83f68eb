import { describe, expect, it } from 'vitest';
import { blockAt, blockCuts, blockSegments, blocks, blocksAt, updateBlocks, type BlockSizes } from './blocks';
import { segment, type SpanLike } from './segments';

const SMALL: BlockSizes = { size: 20, max: 40 };

function split(text: string, spans: SpanLike[] = [], sizes: BlockSizes = SMALL) {
  return blocks(text, spans, sizes).map((b) => ({ start: b.start, end: b.end, segments: blockSegments(b) }));
}

/** Each block as its text, for reading. */
const texts = (text: string, spans: SpanLike[] = [], sizes: BlockSizes = SMALL) =>
  split(text, spans, sizes).map((b) => text.slice(b.start, b.end));

/** Each block's segments are the whole text's segments, cut at the block's edges. */
function expectSameSegments(text: string, spans: SpanLike[], list: ReturnType<typeof split>) {
  const whole = segment(text.length, spans);
  const problems: string[] = [];
  for (const block of list) {
    for (const seg of block.segments) {
      // The whole text's segment holding this one (binary search: segments are in order).
      let low = 0;
      let high = whole.length - 1;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if (whole[mid]!.start <= seg.start) low = mid;
        else high = mid - 1;
      }
      const source = whole[low]!.end >= seg.end ? whole[low] : undefined;
      if (!source || source.ids.join() !== seg.ids.join()) {
        problems.push(`${seg.start}-${seg.end}: [${seg.ids}] not [${source?.ids}]`);
      }
    }
  }
  expect(problems).toEqual([]);
}

/** Blocks cover the text exactly once, and each block's segments cover the block exactly once. */
function expectTiling(text: string, spans: SpanLike[], sizes: BlockSizes = SMALL) {
  const list = split(text, spans, sizes);
  const problems: string[] = [];
  let at = 0;
  for (const block of list) {
    if (block.start !== at || block.end <= block.start) problems.push(`block ${block.start}-${block.end} after ${at}`);
    let inner = block.start;
    for (const seg of block.segments) {
      if (seg.start !== inner || seg.end <= seg.start) problems.push(`segment ${seg.start}-${seg.end} after ${inner}`);
      inner = seg.end;
    }
    if (inner !== block.end) problems.push(`block ${block.start}-${block.end} segments end at ${inner}`);
    at = block.end;
  }
  if (at !== text.length) problems.push(`blocks end at ${at} of ${text.length}`);
  expect(problems).toEqual([]);
  return list;
}

describe('blocks', () => {
  it('gives no blocks for an empty text', () => {
    expect(split('')).toEqual([]);
  });

  it('keeps a short text in one block', () => {
    expect(texts('One line.\nTwo lines.')).toEqual(['One line.\nTwo lines.']);
  });

  it('packs paragraphs up to the block size, each keeping its line breaks', () => {
    expect(texts('First paragraph.\n\nSecond one here.\n\nThird.\n')).toEqual([
      'First paragraph.\n\n',
      'Second one here.\n\n',
      'Third.\n',
    ]);
  });

  it('never separates CR from LF, however the paragraphs fall', () => {
    const text = 'Alpha alpha alpha.\r\n\r\nBeta beta beta beta.\r\nGamma gamma gamma.\r\n';
    const list = expectTiling(text, []);
    for (const block of list) {
      expect(text[block.start]).not.toBe('\n');
      expect(text[block.end - 1]).not.toBe('\r');
    }
    expect(texts(text)).toEqual(['Alpha alpha alpha.\r\n\r\n', 'Beta beta beta beta.\r\n', 'Gamma gamma gamma.\r\n']);
  });

  it('cuts a long paragraph after a sentence', () => {
    const text = 'Talks resumed today. Officials said little. The draft circulated widely.';
    expect(texts(text)).toEqual(['Talks resumed today. ', 'Officials said little. ', 'The draft circulated widely.']);
  });

  it('cuts a long paragraph outside annotations when it can', () => {
    const text = 'Talks resumed today. Officials said little. The draft circulated widely.';
    // The best sentence end lies inside the annotation: the cut moves before it.
    const start = text.indexOf('today');
    const end = text.indexOf(' said');
    expect(texts(text, [{ id: 1, start, end }])).toEqual([
      'Talks resumed ',
      'today. Officials said little. ',
      'The draft circulated widely.',
    ]);
  });

  it('cuts a segment crossing a block boundary in two, both parts keeping their ids', () => {
    // No space and no annotation-free point: the cut must fall inside the overlapping spans.
    const text = 'x'.repeat(100);
    const spans = [
      { id: 1, start: 5, end: 95 },
      { id: 2, start: 10, end: 60 },
    ];
    const list = expectTiling(text, spans);
    expect(list.length).toBeGreaterThan(1);
    const cut = list[0]!.end;
    expect(cut).toBeGreaterThan(10);
    expect(cut).toBeLessThan(60);
    expect(list[0]!.segments.at(-1)).toEqual({ start: 10, end: cut, ids: [1, 2] });
    expect(list[1]!.segments[0]).toEqual({ start: cut, end: Math.min(60, list[1]!.end), ids: [1, 2] });
    expectSameSegments(text, spans, list);
  });

  it('keeps the whole text order of ids where spans cut at a block edge would sort otherwise', () => {
    // Cut at 50, span 1 [0, 60) would look shorter than span 2 [40, 100) in the second block.
    const text = 'a'.repeat(50) + 'b'.repeat(50);
    const spans = [
      { id: 2, start: 40, end: 100 },
      { id: 1, start: 0, end: 60 },
    ];
    const list = split(text, spans, { size: 50, max: 60 });
    expect(list.map((b) => b.start)).toContain(50);
    expectSameSegments(text, spans, list);
    const second = list.find((b) => b.start === 50)!;
    expect(second.segments[0]).toEqual({ start: 50, end: 60, ids: [1, 2] });
  });

  it('never splits a surrogate pair, a flag or an emoji with its modifier', () => {
    const sizes: BlockSizes = { size: 8, max: 16 };
    for (const unit of ['😀', '🇺🇸', '👍🏽', 'e\u0301', '👩\u200d💻']) {
      const text = unit.repeat(60);
      const list = expectTiling(text, [], sizes);
      expect(list.length).toBeGreaterThan(1);
      for (const block of list) {
        // Each block is whole units: the same character sequence repeated.
        expect(text.slice(block.start, block.end)).toBe(unit.repeat((block.end - block.start) / unit.length));
      }
    }
  });

  it('keeps block edges on segment edges when an annotation ends where a block must be cut', () => {
    const text = 'ab'.repeat(50);
    const list = expectTiling(text, [{ id: 3, start: 0, end: 30 }]);
    expect(list[0]!.end).toBe(30);
  });

  it('tiles a large text with many overlapping spans', () => {
    const paragraph = 'The minister said talks would resume next week. 🇺🇸 Officials declined to comment. ';
    const text = Array.from({ length: 200 }, (_, i) => paragraph.repeat(1 + (i % 7) * 20) + '\n\n').join('');
    const spans: SpanLike[] = [];
    for (let i = 0; i + 30 < text.length; i += 37) spans.push({ id: i, start: i, end: i + 30 });
    const list = expectTiling(text, spans, { size: 2000, max: 4000 });
    for (const block of list) expect(block.end - block.start).toBeLessThanOrEqual(4000);
    expectSameSegments(text, spans, list);
    for (const cut of blockCuts(text, spans)) {
      const code = text.charCodeAt(cut);
      expect(code >= 0xdc00 && code <= 0xdfff).toBe(false);
    }
  });
});

describe('blockAt', () => {
  it('finds the block holding an offset, and the last block for the end of the text', () => {
    const text = 'First paragraph.\n\nSecond one here.\n\nThird.\n';
    const list = split(text);
    expect(blockAt(list, 0)).toBe(0);
    expect(blockAt(list, text.indexOf('Second'))).toBe(1);
    expect(blockAt(list, text.indexOf('Second') - 1)).toBe(0);
    expect(blockAt(list, text.length)).toBe(2);
  });
});

describe('blocksAt', () => {
  const cuts = [0, 10, 20, 30];
  const spans: SpanLike[] = [
    { id: 1, start: 2, end: 5 },
    { id: 2, start: 8, end: 12 },
    { id: 3, start: 25, end: 28 },
  ];

  it('hands back the blocks an added span does not touch, and new ones where it lands', () => {
    const before = blocksAt(cuts, spans);
    const after = blocksAt(cuts, [...spans, { id: 4, start: 21, end: 23 }], before);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toBe(before[1]);
    expect(after[2]).not.toBe(before[2]);
    expect(after[2]!.spans.map((s) => s.id)).toEqual([3, 4]);
  });

  it('makes new blocks on both sides of a cut a changed span crosses', () => {
    const before = blocksAt(cuts, spans);
    const after = blocksAt(cuts, [spans[0]!, { id: 2, start: 8, end: 13 }, spans[2]!], before);
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after[2]).toBe(before[2]);
  });

  it('compares spans as told, so a label change redraws its block', () => {
    type Labelled = SpanLike & { labelId: number };
    const labelled: Labelled[] = spans.map((s) => ({ ...s, labelId: 1 }));
    const same = (a: Labelled, b: Labelled) => a.id === b.id && a.start === b.start && a.end === b.end && a.labelId === b.labelId;
    const before = blocksAt(cuts, labelled, [], same);
    const relabelled = labelled.map((s) => (s.id === 3 ? { ...s, labelId: 2 } : s));
    const after = blocksAt(cuts, relabelled, before, same);
    expect(after[0]).toBe(before[0]);
    expect(after[2]).not.toBe(before[2]);
  });

  it('agrees with blocks() on the same cuts', () => {
    const text = 'x'.repeat(30);
    const whole = blocks(text, spans, { size: 10, max: 10 });
    const at = blocksAt(blockCuts(text, spans, { size: 10, max: 10 }), spans);
    expect(at).toEqual(whole);
  });
});

describe('updateBlocks', () => {
  const cuts = [0, 10, 20, 30];
  const spans: SpanLike[] = [
    { id: 1, start: 2, end: 5 },
    { id: 2, start: 8, end: 12 },
    { id: 3, start: 25, end: 28 },
  ];

  it('gives the same blocks as computing them anew, touching only the edited ones', () => {
    const before = blocksAt(cuts, spans);
    const added = { id: 4, start: 12, end: 21 };
    const after = updateBlocks(before, [added], new Set([spans[2]!]));
    expect(after).toEqual(blocksAt(cuts, [spans[0]!, spans[1]!, added]));
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after[2]).not.toBe(before[2]);
    expect(before[2]!.spans.map((s) => s.id)).toEqual([3]);
  });

  it('keeps reading order inside a block and changes nothing for an empty edit', () => {
    const before = blocksAt(cuts, spans);
    const after = updateBlocks(before, [{ id: 5, start: 1, end: 9 }], new Set());
    expect(after[0]!.spans.map((s) => s.id)).toEqual([5, 1, 2]);
    const same = updateBlocks(before, [], new Set());
    same.forEach((block, i) => expect(block).toBe(before[i]));
  });
});
