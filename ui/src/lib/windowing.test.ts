import { describe, expect, it } from 'vitest';
import { blocksBetween, estimateLines, indexAt, prefixSums, revealRow, rowsInView, scaledReveal, scaledWindow } from './windowing';

describe('estimateLines', () => {
  it('gives each paragraph at least one line and wraps long ones', () => {
    expect(estimateLines('short', 0, 5, 80)).toBe(1);
    expect(estimateLines('x'.repeat(200), 0, 200, 80)).toBe(3);
  });

  it('counts blank lines but not a trailing line break', () => {
    const text = 'para\n\nnext\n';
    expect(estimateLines(text, 0, 6, 80)).toBe(2); // "para\n\n": the text line and a blank one
    expect(estimateLines(text, 6, 11, 80)).toBe(1); // "next\n"
  });
});

describe('prefix sums and lookups', () => {
  const tops = prefixSums([100, 50, 0, 200]);

  it('places each block after the ones before it', () => {
    expect([...tops]).toEqual([0, 100, 150, 150, 350]);
  });

  it('finds the block at a height, clamped to the first and last', () => {
    expect(indexAt(tops, -10)).toBe(0);
    expect(indexAt(tops, 0)).toBe(0);
    expect(indexAt(tops, 99.9)).toBe(0);
    expect(indexAt(tops, 100)).toBe(1);
    // The empty block 2 starts where block 3 does: the lookup lands on the one with height.
    expect(indexAt(tops, 150)).toBe(3);
    expect(indexAt(tops, 10_000)).toBe(3);
    expect(indexAt(prefixSums([]), 5)).toBe(-1);
  });

  it('lists the blocks overlapping a stretch of pixels', () => {
    expect(blocksBetween(tops, 0, 100)).toEqual([0, 0]);
    expect(blocksBetween(tops, 0, 101)).toEqual([0, 1]);
    expect(blocksBetween(tops, 120, 400)).toEqual([1, 3]);
    expect(blocksBetween(tops, -50, -10)).toEqual([0, 0]);
    expect(blocksBetween(prefixSums([]), 0, 10)).toBeNull();
  });
});

describe('rowsInView', () => {
  it('shows the rows on screen and a margin, within the list', () => {
    expect(rowsInView(0, 100, 20, 1000, 2)).toEqual([0, 7]);
    expect(rowsInView(1000, 100, 20, 1000, 2)).toEqual([48, 57]);
    expect(rowsInView(19_990, 100, 20, 1000, 2)).toEqual([997, 1000]);
  });

  it('shows nothing of an empty list and at least one row of a scrolled-past one', () => {
    expect(rowsInView(0, 100, 20, 0, 2)).toEqual([0, 0]);
    expect(rowsInView(50_000, 100, 20, 10, 2)).toEqual([9, 10]);
  });
});

describe('revealRow', () => {
  it('leaves a row on screen where it is and brings another a third down', () => {
    expect(revealRow(5, 0, 300, 20)).toBe(0);
    expect(revealRow(100, 0, 300, 20)).toBe(1900);
    expect(revealRow(0, 400, 300, 20)).toBe(0);
  });
});

describe('scaledWindow', () => {
  const MAX = 10_000_000;
  it('is the plain window while the list fits', () => {
    expect(scaledWindow(460, 460, 46, 1000, 2, MAX)).toEqual({ spacer: 46_000, range: [8, 22], top: 368 });
  });

  it('maps the scroll bar onto a list too tall for the browser, the end included', () => {
    const count = 1_000_000;
    const top = scaledWindow(0, 460, 46, count, 2, MAX);
    expect(top.spacer).toBe(MAX);
    expect(top.range[0]).toBe(0);
    const end = scaledWindow(MAX - 460, 460, 46, count, 2, MAX);
    expect(end.range[1]).toBe(count);
    const middle = scaledWindow((MAX - 460) / 2, 460, 46, count, 0, MAX);
    expect(Math.abs(middle.range[0] - (count - 10) / 2)).toBeLessThan(2);
  });

  it('reveals any row by a scroll position that draws it', () => {
    const count = 1_000_000;
    for (const index of [0, 1, 499_999, 999_999]) {
      const scrollTop = scaledReveal(index, 0, 460, 46, count, MAX);
      const [first, end] = scaledWindow(scrollTop, 460, 46, count, 0, MAX).range;
      expect(index >= first && index < end).toBe(true);
    }
  });
});
