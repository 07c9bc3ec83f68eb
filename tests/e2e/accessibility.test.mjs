// axe-core, run inside the real app, finds nothing in any view or dialog, in the light and the
// dark desktop theme.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { ROOT, axeViolations as violations, choose, cli, launch, startDriver, tempDir } from './support.mjs';

const FIXTURE = path.join(ROOT, 'tests', 'interop', 'fixture.jsonl');
// Imported from the window, to look at the import dialog: a file that fails, so it opens.
const EXTRA = path.join(tempDir(), 'broken.pdf');
writeFileSync(EXTRA, '%PDF-1.4 truncated');

async function waitFor(app, what, css) {
  await app.waitFor(what, async () => (await app.find(css)).length > 0);
}

/** Every view and dialog of the app, each checked by axe; answers all violations found. */
async function walk(app) {
  const found = [];
  await waitFor(app, 'the text', '[data-testid=document-text] mark');
  // The reader with an annotation selected, its panel and the readout of what covers it.
  await app.execute(`document.querySelector('.annotation-list [data-annotation-id]').click();`);
  await waitFor(app, 'the panel', '.selected-annotation');
  found.push(...(await violations(app, 'text')));
  // The coders shown, chosen one by one (the fixture's documents have two coders).
  await choose(app, 'select[name=show-coders]', 'chosen');
  await waitFor(app, 'the coders to tick', 'input[name=chosen-coder]');
  found.push(...(await violations(app, 'chosen coders')));
  await choose(app, 'select[name=show-coders]', 'all');
  for (const [view, css] of [
    ['statements', '.statements'],
    ['entities', '.entities-panel'],
    ['schema', '.schema-editor'],
    ['coders', '.coders table'],
    ['agreement', '.agreement .matrix'],
    ['adjudication', '.adjudication [data-disagreement]'],
    ['analysis', '.analysis [data-testid=network-picture] [data-node]'],
  ]) {
    await app.execute(`document.querySelector('button[name=view-${view}]').click();`);
    await waitFor(app, view, css);
    found.push(...(await violations(app, view)));
  }
  // The Analysis view's other parts: the labels and coders to choose, the timeline's figures,
  // and the Counts tab.
  await app.execute(`document.querySelectorAll('.analysis details').forEach((d) => (d.open = true));`);
  await waitFor(app, 'the timeline', '[data-testid=timeline] rect');
  await app.execute(`document.querySelectorAll('.analysis details').forEach((d) => (d.open = true));`);
  found.push(...(await violations(app, 'analysis choices')));
  await app.execute(`document.querySelector('#analysis-tab-counts').click();`);
  await waitFor(app, 'counts', '[data-testid=counts-labels] tbody tr');
  found.push(...(await violations(app, 'counts')));
  await app.execute(`document.querySelector('button[name=view-reader]').click();`);
  await waitFor(app, 'the text', '[data-testid=document-text]');
  for (const [what, open, css] of [
    ['help', () => app.press('?'), 'dialog.help'],
    ['export', () => app.press('e', [Keys.Control]), '.export-panel select[name=format] option'],
    ['backups', () => app.execute(`document.querySelector('button[title="Backups of this project"]').click();`), '.backups-panel'],
    ['coder', () => app.execute(`document.querySelector('.toolbar .annotator').click();`), '.identity-panel input'],
    ['find', () => app.press('f', [Keys.Control]), '.find-bar input'],
    ['sample', () => app.execute(`document.querySelector('button[name=draw-sample]').click();`), '.sample-panel input'],
    ['replace text', () => app.execute(`document.querySelector('button[name=replace-text]').click();`), '.replace-panel textarea'],
    [
      'import',
      () =>
        app.command('POST', '/execute/async', {
          script: `const done = arguments[arguments.length - 1];
                   window.__TAURI_INTERNALS__.invoke('import_paths', { paths: [arguments[0]] }).then(done, done);`,
          args: [EXTRA],
        }),
      '.import-panel[data-state=finished]',
    ],
  ]) {
    await app.execute(`document.activeElement?.blur();`);
    await open();
    await waitFor(app, what, css);
    found.push(...(await violations(app, what)));
    await app.press(Keys.Escape);
    await app.waitFor(`${what} closed`, async () => (await app.find('dialog[open]')).length === 0);
  }
  // Orphans beside the text: the open document's text replaced by one that keeps none of its
  // annotations' text.
  await app.execute(`document.querySelector('button[name=replace-text]').click();`);
  await waitFor(app, 'replace text', '.replace-panel textarea');
  await choose(app, '.replace-panel textarea', 'A text that shares nothing.');
  await app.execute(`document.querySelector('.replace-panel button[type=submit]').click();`);
  await waitFor(app, 'the report', '[data-testid=replace-report]');
  found.push(...(await violations(app, 'replace report')));
  await app.press(Keys.Escape);
  await waitFor(app, 'the orphans', '.orphans li');
  found.push(...(await violations(app, 'orphans')));
  // The Schema view's codebook dialogs: export (the path field), a refused import (the alert),
  // and an import's report.
  await app.execute(`document.querySelector('button[name=view-schema]').click();`);
  await waitFor(app, 'schema', '.schema-editor');
  const codebook = path.join(tempDir(), 'a11y.qdc');
  for (const [what, button, file, css] of [
    ['codebook export', 'export-codebook', codebook, null],
    ['codebook refused', 'import-codebook', path.join(path.dirname(codebook), 'missing.qdc'), '[data-testid=codebook-error]'],
    ['codebook report', 'import-codebook', codebook, '[data-testid=codebook-report]'],
  ]) {
    await app.execute(`document.querySelector('button[name=${button}]').click();`);
    await waitFor(app, what, '.codebook-panel input[name=codebook-path]');
    found.push(...(await violations(app, `${what} dialog`)));
    await choose(app, '.codebook-panel input[name=codebook-path]', file);
    await app.execute(`document.querySelector('.codebook-panel button[type=submit]').click();`);
    if (css) {
      await waitFor(app, what, css);
      found.push(...(await violations(app, what)));
      await app.press(Keys.Escape);
    }
    await app.waitFor(`${what} closed`, async () => (await app.find('dialog[open]')).length === 0);
  }
  return found;
}

for (const [theme, gtk] of [['light', 'Adwaita'], ['dark', 'Adwaita:dark']]) {
  describe(`accessibility, ${theme} theme`, () => {
    let driver;
    let app;
    before(async () => {
      const project = path.join(tempDir(), 'a11y.claimdesk');
      cli('--project', project, 'import', FIXTURE);
      driver = await startDriver({ GTK_THEME: gtk });
      app = await launch(driver, ['--project', project]);
    });
    after(async () => {
      await app?.end();
      await driver?.stop();
    });

    it('axe-core finds no violation in any view or dialog', async () => {
      const found = await walk(app);
      assert.deepEqual(found, [], `\n${found.join('\n')}`);
    });
  });
}
