import { describe, expect, it } from 'vitest';
import { BlockHeights } from './viewport';

const text = 'one line\nanother line\n' + 'x'.repeat(50);
const blocks = [
  { start: 0, end: 9 },
  { start: 9, end: 22 },
  { start: 22, end: 72 },
];
const cuts = [9, 22];

describe('BlockHeights', () => {
  it('estimates lines of text until a block is measured, and places blocks by the heights', () => {
    const heights = new BlockHeights();
    heights.keep(1, 400, '16px 24px');
    heights.estimate(text, blocks, cuts, 20, 24);
    expect(heights.estimates(cuts)).toBe(true);
    expect(heights.estimates([...cuts])).toBe(false);
    expect(heights.heights(blocks)).toEqual([24, 24, 72]);
    heights.measure(9, 30);
    expect([...heights.tops(blocks)]).toEqual([0, 24, 54, 126]);
  });

  it('calibrates the estimates on the blocks measured, and says so only for a real change', () => {
    const heights = new BlockHeights();
    heights.keep(1, 400, '16px 24px');
    heights.estimate(text, blocks, cuts, 20, 24);
    heights.measure(0, 48);
    expect(heights.calibrate(blocks)).toBe(true);
    expect(heights.heights(blocks)).toEqual([48, 48, 144]);
    heights.measure(9, 48.5);
    expect(heights.calibrate(blocks)).toBe(false);
  });

  it('forgets the heights for another document, width or text size', () => {
    const heights = new BlockHeights();
    heights.keep(1, 400, '16px 24px');
    heights.estimate(text, blocks, cuts, 20, 24);
    heights.measure(0, 48);
    expect(heights.holds(1, 400)).toBe(true);
    heights.keep(1, 400, '16px 24px');
    expect(heights.estimates(cuts)).toBe(true);
    heights.keep(1, 400, '20px 30px');
    expect(heights.holds(1, 400)).toBe(true);
    expect(heights.estimates(cuts)).toBe(false);
    heights.estimate(text, blocks, cuts, 20, 24);
    expect(heights.heights(blocks)).toEqual([24, 24, 72]);
    expect(heights.holds(2, 400)).toBe(false);
    expect(heights.holds(1, 500)).toBe(false);
  });
});
