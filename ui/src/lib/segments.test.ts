import { describe, expect, it } from 'vitest';
import { segment, type SpanLike } from './segments';

const brief = (length: number, spans: SpanLike[]) =>
  segment(length, spans).map((s) => [s.start, s.end, s.ids]);

describe('segment', () => {
  it('gives one plain segment for a text without spans', () => {
    expect(brief(10, [])).toEqual([[0, 10, []]]);
  });

  it('gives nothing for an empty text', () => {
    expect(brief(0, [{ id: 1, start: 0, end: 3 }])).toEqual([]);
  });

  it('splits overlapping spans into three segments', () => {
    expect(
      brief(10, [
        { id: 1, start: 2, end: 6 },
        { id: 2, start: 4, end: 8 },
      ]),
    ).toEqual([
      [0, 2, []],
      [2, 4, [1]],
      [4, 6, [1, 2]],
      [6, 8, [2]],
      [8, 10, []],
    ]);
  });

  it('orders nested spans outermost first', () => {
    expect(
      brief(6, [
        { id: 7, start: 1, end: 3 },
        { id: 3, start: 0, end: 6 },
      ]),
    ).toEqual([
      [0, 1, [3]],
      [1, 3, [3, 7]],
      [3, 6, [3]],
    ]);
  });

  it('keeps identical spans together and touching spans apart', () => {
    expect(
      brief(4, [
        { id: 1, start: 0, end: 2 },
        { id: 2, start: 0, end: 2 },
        { id: 3, start: 2, end: 4 },
      ]),
    ).toEqual([
      [0, 2, [1, 2]],
      [2, 4, [3]],
    ]);
  });

  it('clips spans to the text and ignores empty ones', () => {
    expect(
      brief(5, [
        { id: 1, start: -3, end: 2 },
        { id: 2, start: 3, end: 3 },
        { id: 3, start: 4, end: 99 },
      ]),
    ).toEqual([
      [0, 2, [1]],
      [2, 4, []],
      [4, 5, [3]],
    ]);
  });

  it('agrees with a position-by-position count on random spans', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const length = 1 + random(40);
      const spans: SpanLike[] = [];
      for (let id = 1; id <= random(8); id++) {
        const a = random(length + 1);
        const b = random(length + 1);
        spans.push({ id, start: Math.min(a, b), end: Math.max(a, b) });
      }
      const segments = segment(length, spans);
      expect(segments[0]!.start).toBe(0);
      expect(segments.at(-1)!.end).toBe(length);
      for (let i = 0; i < segments.length; i++) {
        const s = segments[i]!;
        expect(s.start).toBeLessThan(s.end);
        if (i > 0) expect(s.start).toBe(segments[i - 1]!.end);
        for (let pos = s.start; pos < s.end; pos++) {
          const covering = spans.filter((x) => x.start <= pos && pos < x.end).map((x) => x.id);
          expect([...s.ids].sort((a, b) => a - b)).toEqual(covering.sort((a, b) => a - b));
        }
      }
    }
  });
});
