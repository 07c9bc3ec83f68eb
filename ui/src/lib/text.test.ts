import { describe, expect, it } from 'vitest';
import { shorten } from './text';

describe('shorten', () => {
  it('leaves short text alone and cuts long text with an ellipsis', () => {
    expect(shorten('Tammy Bruce', 40)).toBe('Tammy Bruce');
    expect(shorten('abcdef', 3)).toBe('abc…');
  });

  it('never cuts an emoji in half', () => {
    expect(shorten('ab🤝cd', 3)).toBe('ab…');
    expect(shorten('ab🤝cd', 4)).toBe('ab🤝…');
  });
});
