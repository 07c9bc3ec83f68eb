// Exporting through the app: the export dialog opened from the keyboard, a scope, a
// destination, progress and a result with counts and the path; failures that leave nothing.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { ROOT, choose, cli, launch, startDriver, tempDir } from './support.mjs';

const FIXTURE = path.join(ROOT, 'tests', 'interop', 'fixture.jsonl');

let driver;

before(async () => {
  driver = await startDriver();
});

after(async () => {
  await driver?.stop();
});


async function exportWith(app, { format, destination, filter, ticks = [] }) {
  // A finished export closes its dialog: open it again.
  if ((await app.find('.export-panel')).length === 0) {
    await app.press('e', [Keys.Control]);
    await app.waitFor('the export dialog', async () => (await app.find('.export-panel select[name=format] option')).length >= 14);
  }
  await choose(app, '.export-panel select[name=format]', format);
  if (filter) {
    await choose(app, '.export-panel input[name=scope][value=filter]');
    await app.waitFor('the filter fields', async () => (await app.find('.export-panel input[name=date-from]')).length);
    for (const [name, value] of Object.entries(filter)) await choose(app, `.export-panel input[name=${name}]`, value);
    for (const box of ticks) await choose(app, `.export-panel ${box}`);
  } else {
    await choose(app, '.export-panel input[name=scope][value=all]');
  }
  const [input] = await app.find('.export-panel input[name=destination]');
  await app.execute(`document.querySelector('.export-panel input[name=destination]').value = '';`);
  await app.typeInto(input, destination);
  // A finished export closes the dialog and says what it wrote in the status line; a failed one
  // says why in the dialog. The previous message stays until the new one: wait for a different one.
  const shown = () =>
    app.execute(`const p = document.querySelector('.export-panel');
      if (p && p.dataset.state === 'running') return null;
      const bad = p && p.querySelector('[data-testid=export-error]');
      if (bad) return { error: bad.dataset.code, message: bad.textContent };
      const ok = !p && document.querySelector('[data-testid=export-result]');
      return ok ? { ok: ok.textContent.replace(/\\s+/g, ' ').trim() } : null;`);
  const before = JSON.stringify(await shown());
  const [button] = await app.find('.export-panel button[type=submit]');
  await app.clickElement(button);
  return app.waitFor(
    'the export to end',
    async () => {
      const now = await shown();
      return now && JSON.stringify(now) !== before ? now : null;
    },
    30_000,
  );
}

describe('exporting from the app', () => {
  it('opens with Ctrl+E, exports a filtered scope and the whole project, and reports counts and path', async () => {
    const dir = tempDir();
    const project = path.join(dir, 'coded.claimdesk');
    cli('--project', project, 'import', FIXTURE);
    const app = await launch(driver, ['--project', project]);
    try {
      await app.press('e', [Keys.Control]);
      await app.waitFor('the export dialog', async () => (await app.find('.export-panel select[name=format] option')).length >= 14);
      const focused = await app.execute(`return document.activeElement?.getAttribute('name');`);
      assert.equal(focused, 'format', 'the dialog takes the keyboard focus');

      // One day, as CSV tables.
      const tables = path.join(dir, 'tables');
      const first = await exportWith(app, {
        format: 'csv',
        destination: tables,
        filter: { 'date-from': '2025-02-18', 'date-to': '2025-02-18' },
      });
      assert.equal(
        first.ok,
        `Exported 1 document, 3 annotations, 3 relations and 1 statement to ${tables} (5 files, 0.0 MB; 3 spans checked against their quotes).`,
      );
      // The dialog closed and the keyboard is back where it was before it opened.
      assert.equal(await app.execute(`return !!document.querySelector('dialog[open]');`), false);
      const statements = readFileSync(path.join(tables, 'statements.csv'), 'utf8');
      assert.match(statements, /Tammy Bruce/);
      assert.equal(statements.trim().split('\r\n').length, 2);

      // Only one coder's annotations, as a network: ben coded Tammy Bruce's opposing position.
      const network = path.join(dir, 'network');
      const third = await exportWith(app, {
        format: 'network-csv',
        destination: network,
        filter: { 'date-from': '2000-01-01', 'date-to': '2099-12-31' },
        ticks: ['input[name=annotator][value=ben]'],
      });
      // Dated documents only (the hostile one has no date), and only ben's annotations.
      assert.match(third.ok, /^Exported 2 documents, 2 annotations, 1 relation and 1 statement to /);
      const edges = readFileSync(path.join(network, 'actor-concept-edges.csv'), 'utf8').trim().split('\r\n');
      assert.deepEqual(edges.slice(1), ['actor:2,concept:text:not sufficient,oppose,1']);

      // The whole project as native JSON Lines: the same bytes the project was restored from.
      const jsonl = path.join(dir, 'all.jsonl');
      const second = await exportWith(app, { format: 'jsonl', destination: jsonl });
      assert.match(second.ok, /^Exported 3 documents, 14 annotations, 9 relations and 4 statements to /);
      assert.ok(readFileSync(jsonl).equals(readFileSync(FIXTURE)));
    } finally {
      await app.end();
    }
  });

  it('reports a bad destination and a failed self-check, leaving nothing behind', async () => {
    const dir = tempDir();
    const project = path.join(dir, 'coded.claimdesk');
    cli('--project', project, 'import', FIXTURE);
    const app = await launch(driver, ['--project', project]);
    try {
      const [button] = await app.find('.toolbar button[title^="Export"]');
      await app.clickElement(button);
      await app.waitFor('the export dialog', async () => (await app.find('.export-panel select[name=format] option')).length >= 14);

      const nowhere = path.join(dir, 'missing', 'out.jsonl');
      const refused = await exportWith(app, { format: 'jsonl', destination: nowhere });
      assert.equal(refused.error, 'bad_destination');
      assert.ok(!existsSync(path.join(dir, 'missing')));

      // A quote damaged behind the app's back: the export stops and names the annotation.
      execFileSync('python3', [
        '-c',
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE annotations SET quote='Putim' WHERE id=4\"); c.commit()",
        project,
      ]);
      const out = path.join(dir, 'spans.jsonl');
      const failed = await exportWith(app, { format: 'jsonl', destination: out });
      assert.equal(failed.error, 'export_self_check');
      assert.match(failed.message, /annotation 4/);
      assert.ok(!existsSync(out));
      assert.deepEqual(readdirSync(dir).filter((n) => n.includes('.partial-')), []);
    } finally {
      await app.end();
    }
  });
});
