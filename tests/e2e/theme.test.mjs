// Light and dark follow the system: the same app started under a light and a dark desktop theme
// (GTK_THEME, as a GNOME setting would give it) shows light and dark colours.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SAMPLE, cli, launch, startDriver, tempDir } from './support.mjs';

async function colours(env) {
  const project = path.join(tempDir(), 'theme.claimdesk');
  cli('--project', project, 'import', SAMPLE);
  const driver = await startDriver(env);
  try {
    const app = await launch(driver, ['--project', project]);
    try {
      return await app.execute(
        `const style = getComputedStyle(document.querySelector('.shell'));
         const text = getComputedStyle(document.querySelector('[data-testid=document-text]'));
         return { dark: matchMedia('(prefers-color-scheme: dark)').matches, background: style.backgroundColor, text: text.color };`,
      );
    } finally {
      await app.end();
    }
  } finally {
    await driver.stop();
  }
}

/** Relative luminance of a CSS rgb() colour, 0 (black) to 1 (white). */
function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

describe('the theme', () => {
  it('is light under a light desktop theme and dark under a dark one', async () => {
    const light = await colours({ GTK_THEME: 'Adwaita' });
    assert.equal(light.dark, false);
    assert.ok(luminance(light.background) > 0.8, `light background ${light.background}`);
    assert.ok(luminance(light.text) < 0.3, `dark text ${light.text}`);

    const dark = await colours({ GTK_THEME: 'Adwaita:dark' });
    assert.equal(dark.dark, true, 'the webview reports the dark preference');
    assert.ok(luminance(dark.background) < 0.2, `dark background ${dark.background}`);
    assert.ok(luminance(dark.text) > 0.7, `light text ${dark.text}`);
  });
});
