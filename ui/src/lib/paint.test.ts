import { describe, expect, it } from 'vitest';
import { contrast, lineColour } from './paint';

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

describe('lineColour', () => {
  it('darkens a pale label colour until it stands 3:1 against the light page', () => {
    // The default Claim orange is 2.3:1 against the light page.
    expect(contrast(rgb('#f28e2b'), rgb('#fbfaf7'))).toBeLessThan(3);
    const line = lineColour('#f28e2b', false);
    expect(contrast(rgb(line), rgb('#fbfaf7'))).toBeGreaterThanOrEqual(3);
  });

  it('lightens a dark label colour on the dark page and keeps colours that already stand out', () => {
    const line = lineColour('#1f3b73', true);
    expect(contrast(rgb(line), rgb('#1c1e22'))).toBeGreaterThanOrEqual(3);
    expect(lineColour('#4e79a7', false)).toBe('#4e79a7');
  });
});
