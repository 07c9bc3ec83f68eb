// The walking skeleton, end to end: the real app, a real selection, a real key press, the real
// project file, read back by the real CLI and checked against Python's str.find.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import {
  HOSTILE,
  SAMPLE,
  annotations,
  cli,
  highlights,
  killApp,
  launch,
  pythonFind,
  saveArtifact,
  selectText,
  startDriver,
  tempDir,
  textRect,
} from './support.mjs';

let driver;

before(async () => {
  driver = await startDriver();
});

after(async () => {
  await driver?.stop();
});

/** Imports `file` into a new project and returns [project path, document id]. */
function newProjectWith(file) {
  const project = path.join(tempDir(), 'study.claimdesk');
  const out = cli('--project', project, 'import', file);
  const id = Number(/#(\d+)/.exec(out)?.[1]);
  assert.ok(id > 0, `import printed no id: ${out}`);
  return [project, id];
}

describe('coding the sample article', () => {
  it('highlights a mouse selection on key 1, keeps it through kill -9, and stores code points', async () => {
    const [project, doc] = newProjectWith(SAMPLE);
    let app = await launch(driver, ['--project', project]);
    try {
      // The text is rendered exactly as stored, from the model.
      const rendered = await app.execute(
        `return document.querySelector('[data-testid=document-text]').textContent;`,
      );
      assert.equal(rendered, readFileSync(SAMPLE, 'utf8'));

      // Select "Tammy Bruce" with the mouse, as an analyst would, and press 1.
      const rect = await textRect(app, 'Tammy Bruce');
      assert.ok(rect, 'Tammy Bruce is on screen');
      const y = (rect.top + rect.bottom) / 2;
      await app.drag({ x: rect.left + 1, y }, { x: rect.right - 1, y });
      const selected = await app.execute('return window.getSelection().toString();');
      assert.equal(selected, 'Tammy Bruce');
      await app.press('1');
      const shown = await app.waitFor('the Actor highlight', async () => {
        const found = await highlights(app, 'Tammy Bruce');
        return found.length === 1 && found[0];
      });
      assert.equal(shown.labels, 'Actor');
      saveArtifact('sample-highlight.png', await app.screenshot());

      // The UI showed it as saved: a crash right now must not lose it.
      killApp(project);
      await app.end();
      app = await launch(driver, ['--project', project]);
      const again = await app.waitFor('the highlight after restart', async () => {
        const found = await highlights(app, 'Tammy Bruce');
        return found.length === 1 && found[0];
      });
      assert.equal(again.labels, 'Actor');

      const stored = annotations(project, doc);
      const start = pythonFind(SAMPLE, 'Tammy Bruce');
      assert.deepEqual(
        stored.map((a) => [a.label, a.start, a.end, a.quote, a.unit]),
        [['Actor', start, start + 'Tammy Bruce'.length, 'Tammy Bruce', 'code_point']],
      );
    } finally {
      await app.end();
    }
  });
});

describe('coding after emoji, flags, ZWJ sequences, combining marks, CRLF and RTL', () => {
  it('stores code-point offsets, not UTF-16, and undo/redo work by keyboard and after restart', async () => {
    const [project, doc] = newProjectWith(HOSTILE);
    const text = readFileSync(HOSTILE, 'utf8');
    const start = pythonFind(HOSTILE, 'Tammy Bruce');
    // The test only proves something if the two units disagree before the span.
    assert.notEqual(start, text.indexOf('Tammy Bruce'));

    let app = await launch(driver, ['--project', project]);
    try {
      await selectText(app, 'Tammy Bruce');
      await app.press('1');
      await app.waitFor('the highlight', async () => (await highlights(app, 'Tammy Bruce')).length === 1);
      assert.deepEqual(
        annotations(project, doc).map((a) => [a.start, a.end, a.quote]),
        [[start, start + 11, 'Tammy Bruce']],
      );

      // A Claim over the RTL line, nested spans and all.
      await selectText(app, 'قال المتحدث');
      await app.press('2');
      await app.waitFor('the claim highlight', async () => (await highlights(app, 'قال المتحدث')).length === 1);
      const rtl = pythonFind(HOSTILE, 'قال المتحدث');
      assert.deepEqual(
        annotations(project, doc).map((a) => [a.label, a.start, a.quote]),
        [
          ['Claim', rtl, 'قال المتحدث'],
          ['Actor', start, 'Tammy Bruce'],
        ],
      );

      // Ctrl+Z removes the claim, Ctrl+Shift+Z brings it back.
      await app.press('z', [Keys.Control]);
      await app.waitFor('undo', async () => (await highlights(app, 'قال المتحدث')).length === 0);
      assert.equal(annotations(project, doc).length, 1);
      await app.press('z', [Keys.Control, Keys.Shift]);
      await app.waitFor('redo', async () => (await highlights(app, 'قال المتحدث')).length === 1);
      assert.equal(annotations(project, doc).length, 2);

      // Click a highlight to select it, Delete removes it.
      const rect = await textRect(app, 'Tammy Bruce');
      await app.click({ x: (rect.left + rect.right) / 2, y: (rect.top + rect.bottom) / 2 });
      await app.waitFor('the selection panel', async () => (await app.find('.selected-annotation')).length === 1);
      await app.press(Keys.Delete);
      await app.waitFor('the delete', async () => (await highlights(app, 'Tammy Bruce')).length === 0);
      assert.deepEqual(annotations(project, doc).map((a) => a.label), ['Claim']);

      // History survives a restart: undo the delete in a new run of the app.
      await app.end();
      app = await launch(driver, ['--project', project]);
      await app.waitFor('the document', async () => (await highlights(app, 'قال المتحدث')).length === 1);
      await app.press('z', [Keys.Control]);
      await app.waitFor('undo after restart', async () => (await highlights(app, 'Tammy Bruce')).length === 1);
      assert.deepEqual(
        annotations(project, doc).map((a) => [a.label, a.start, a.end]),
        [
          ['Claim', rtl, rtl + 'قال المتحدث'.length],
          ['Actor', start, start + 11],
        ],
      );
    } finally {
      await app.end();
    }
  });

  it('refuses a selection that splits a surrogate pair, with a message, and stores nothing', async () => {
    const [project, doc] = newProjectWith(HOSTILE);
    const app = await launch(driver, ['--project', project]);
    try {
      // Select from inside the first flag's first surrogate pair, which no mouse can do but a
      // broken offset computation could.
      await app.execute(
        `const root = document.querySelector('[data-testid=document-text]');
         const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
         walker.nextNode();
         const range = document.createRange();
         range.setStart(walker.currentNode, 1);
         range.setEnd(walker.currentNode, 6);
         const s = window.getSelection(); s.removeAllRanges(); s.addRange(range);`,
      );
      await app.press('1');
      const message = await app.waitFor('an error message', async () => {
        const [el] = await app.find('[data-testid=failure]');
        return el && app.execute(`return document.querySelector('[data-testid=failure]').textContent;`);
      });
      assert.match(message, /inside a character/);
      assert.deepEqual(annotations(project, doc), []);
    } finally {
      await app.end();
    }
  });
});

describe('first start', () => {
  it('creates the default project in the data directory with the sample article', async () => {
    const data = tempDir();
    const own = await startDriver({ XDG_DATA_HOME: data, CLAIMDESK_PROJECT: '' });
    try {
      const app = await launch(own, []);
      try {
        const title = await app.waitFor('the sample article', async () =>
          app.execute(`return document.querySelector('.reader h1')?.textContent;`),
        );
        assert.match(title, /Your guide to what the 2024 US election/);
      } finally {
        await app.end();
      }
    } finally {
      await own.stop();
    }
    const project = path.join(data, 'claimdesk', 'default.claimdesk');
    assert.ok(existsSync(project), `${project} exists`);
    assert.match(cli('--project', project, 'list'), /2025-02-18\t0\tYour guide/);
  });
});
