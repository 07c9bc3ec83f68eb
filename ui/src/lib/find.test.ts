import { describe, expect, it } from 'vitest';
import { findAll } from './find';

describe('findAll', () => {
  it('finds matches in UTF-16 offsets after a flag and an emoji', () => {
    const text = '🇺🇦 Putin said; 😀 putin replied';
    expect(findAll(text, 'putin', true)).toEqual([
      { start: 5, end: 10 },
      { start: 20, end: 25 },
    ]);
    expect(findAll(text, 'putin', false)).toEqual([{ start: 20, end: 25 }]);
  });

  it('matches whole characters, never half a surrogate pair', () => {
    expect(findAll('a😀b', '.', false)).toEqual([
      { start: 0, end: 1 },
      { start: 1, end: 3 },
      { start: 3, end: 4 },
    ]);
  });

  it('skips empty matches and reports a broken pattern', () => {
    expect(findAll('abc', 'x*', false)).toEqual([]);
    expect(typeof findAll('abc', '(', false)).toBe('string');
  });
});
