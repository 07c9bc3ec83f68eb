// Sets a label colour on an element through the CSS object model. The CSP forbids inline style
// attributes, but not styles set from script, so colours from the schema still show.

import type { Action } from 'svelte/action';

export const paint: Action<HTMLElement, string | undefined> = (node, colour) => {
  const apply = (value: string | undefined) => {
    if (value) node.style.setProperty('--label-colour', value);
    else node.style.removeProperty('--label-colour');
  };
  apply(colour);
  return { update: apply };
};

/** WCAG relative luminance of an sRGB colour given as [r, g, b] in 0–255. */
function luminance([r, g, b]: number[]): number {
  const channel = (c: number) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
}

/** The WCAG contrast ratio of two colours. */
export function contrast(a: number[], b: number[]): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

const PAGE = { light: [0xfb, 0xfa, 0xf7], dark: [0x1c, 0x1e, 0x22] };
const lines = new Map<string, string>();

/** A label colour made dark enough (or, in the dark theme, light enough) to stand 3:1 against
 * the page, as non-text contrast asks: the underline that marks a highlight. Colours that
 * already do are kept. */
export function lineColour(colour: string, dark = matchMedia('(prefers-color-scheme: dark)').matches): string {
  const key = `${colour} ${dark}`;
  const known = lines.get(key);
  if (known) return known;
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (!m) return colour;
  let rgb = m.slice(1).map((h) => parseInt(h, 16));
  const page = dark ? PAGE.dark : PAGE.light;
  const toward = dark ? 255 : 0;
  for (let step = 0; step < 20 && contrast(rgb, page) < 3; step++) {
    rgb = rgb.map((c) => Math.round(c + (toward - c) * 0.12));
  }
  const out = `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  lines.set(key, out);
  return out;
}
