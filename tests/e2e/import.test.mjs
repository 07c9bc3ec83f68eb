// Importing through the app: the same command the window's drop handler and File menu use,
// with the progress panel and the library updating, and hostile files arriving as plain text.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, cli, launch, startDriver, tempDir } from './support.mjs';
import { Keys } from './webdriver.mjs';

let driver;

before(async () => {
  driver = await startDriver();
});

after(async () => {
  await driver?.stop();
});

/** A folder of everything an analyst might drop at once, plus 1,500 generated articles so
 * that the import takes long enough to be seen running. */
function corpusFolder() {
  const dir = path.join(tempDir(), 'drop');
  mkdirSync(path.join(dir, 'generated'), { recursive: true });
  cpSync(path.join(ROOT, 'tests', 'corpus', 'brat-conll2002'), path.join(dir, 'brat'), { recursive: true });
  cpSync(path.join(ROOT, 'tests', 'corpus', 'lee-abc-news'), path.join(dir, 'lee'), { recursive: true });
  cpSync(path.join(ROOT, 'tests', 'fixtures', 'hostile-page.html'), path.join(dir, 'hostile-page.html'));
  cpSync(path.join(ROOT, 'tests', 'fixtures', 'hostile-unicode.txt'), path.join(dir, 'hostile-unicode.txt'));
  for (let i = 0; i < 1500; i++) {
    writeFileSync(path.join(dir, 'generated', `${i}.txt`), ` date 2024-01-01 Generated ${i}\n\n${'Body text. '.repeat(50)}${i}`);
  }
  writeFileSync(path.join(dir, 'broken.pdf'), '%PDF-1.4 truncated');
  return dir;
}

async function invoke(app, command, args) {
  return app.command('POST', '/execute/async', {
    script: `const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
               .then((v) => done({ ok: v ?? null }), (e) => done({ error: e }));`,
    args: [command, args],
  });
}

describe('importing a dropped folder in the app', () => {
  it('shows progress, reports each problem, fills the library and keeps hostile pages as text', async () => {
    const project = path.join(tempDir(), 'empty.claimdesk');
    const folder = corpusFolder();
    const app = await launch(driver, ['--project', project]);
    try {
      assert.equal((await app.find('.doc')).length, 0);
      const answer = await invoke(app, 'import_paths', { paths: [folder] });
      assert.deepEqual(answer, { ok: null });

      // While it runs, a second import is refused with a clear code.
      const second = await invoke(app, 'import_paths', { paths: [folder] });
      const sawRunning = (await app.find('.import-panel[data-state=running]')).length > 0;

      const summary = await app.waitFor(
        'the import to finish',
        async () => {
          const [panel] = await app.find('.import-panel[data-state=finished]');
          return panel && app.execute(`return document.querySelector('[data-testid=import-summary]').textContent;`);
        },
        60_000,
      );
      // 20 brat + 293 Lee + 1,500 generated + the two fixtures; 7 Lee repeats skipped, the
      // README and brat .conf files skipped, the truncated PDF failed.
      assert.equal(summary.trim(), '1815 imported · 13 skipped · 1 failed');
      if (second.error) assert.equal(second.error.code, 'import_running');
      else assert.ok(!sawRunning, 'a second import may only start if the first was already done');

      // The progress bar followed the run to its end.
      const bar = await app.execute(
        `const p = document.querySelector('.import-panel progress'); return [p.max, p.value];`,
      );
      assert.deepEqual(bar, [1530, 1530]);
      const problems = await app.execute(
        `return [...document.querySelectorAll('.problems li.failed')].map((li) => li.textContent);`,
      );
      assert.equal(problems.length, 1);
      assert.match(problems[0], /broken\.pdf: not a valid PDF file/);

      // The brat entity types arrived as labels and are in the label bar.
      const labels = await app.execute(
        `return [...document.querySelectorAll('.label-button')].map((b) => b.dataset.label);`,
      );
      assert.deepEqual(labels.slice(0, 3), ['Actor', 'Claim', 'Position']);
      assert.deepEqual([...labels.slice(3)].sort(), ['LOC', 'MISC', 'ORG', 'PER']);

      // The library shows every document, the same as the CLI sees.
      // The library counts them all and draws only the rows in view.
      await app.waitFor('the library', () =>
        app.execute(`return document.querySelector('[data-testid=document-count]').textContent === '1,815';`),
      );
      const drawn = (await app.find('.doc')).length;
      assert.ok(drawn > 5 && drawn < 80, `${drawn} rows drawn`);
      const listed = cli('--project', project, 'list').trim().split('\n');
      assert.equal(listed.length, 1815);

      // The hostile page is text: open it and look for anything its markup could have done.
      // Found by a search (the library draws only the rows in view), opened from its hit,
      // once the import dialog is closed.
      await app.press(Keys.Escape);
      await app.waitFor('the import dialog closed', async () => (await app.find('dialog[open]')).length === 0);
      const [box] = await app.find('input[name=corpus-search]');
      await app.typeInto(box, 'hostile page\uE007');
      await app.waitFor('the hostile page found', () =>
        app.execute(`return [...document.querySelectorAll('.hit')].some((b) => b.textContent.includes('Hostile page'));`),
      );
      const opened = await app.execute(
        `const button = [...document.querySelectorAll('.hit')].find((b) => b.textContent.includes('Hostile page'));
         button.click();
         return !!button;`,
      );
      assert.ok(opened);
      const probe = await app.waitFor('the hostile page', () =>
        app.execute(
          `const h = document.querySelector('.reader h1');
           if (!h || !h.textContent.includes('Hostile page')) return null;
           const root = document.querySelector('[data-testid=document-text]');
           return { text: root.textContent, elements: root.querySelectorAll('script, img, iframe, svg, a, style').length,
                    pwned: window.__pwned ?? null };`,
        ),
      );
      assert.equal(probe.elements, 0);
      assert.equal(probe.pwned, null);
      assert.match(probe.text, /Tammy Bruce said the talks/);
      assert.doesNotMatch(probe.text, /<script|onerror|javascript:/);
    } finally {
      await app.end();
    }
  });

  it('cancels on request and keeps what was done', async () => {
    const project = path.join(tempDir(), 'cancel.claimdesk');
    const folder = corpusFolder();
    const app = await launch(driver, ['--project', project]);
    try {
      await invoke(app, 'import_paths', { paths: [folder] });
      await invoke(app, 'cancel_import', {});
      const title = await app.waitFor('the cancelled import', () =>
        app.execute(
          `const p = document.querySelector('.import-panel[data-state=finished] h2'); return p && p.textContent;`,
        ),
      );
      assert.equal(title, 'Import cancelled');
      const listed = cli('--project', project, 'list').trim().split('\n').filter(Boolean);
      assert.ok(listed.length < 1815, `cancelled early, kept ${listed.length}`);
    } finally {
      await app.end();
    }
  });

  it('refuses files over the size limit the app was given, with the reason', async () => {
    const own = await startDriver({ CLAIMDESK_MAX_IMPORT_MB: '0' });
    const project = path.join(tempDir(), 'limit.claimdesk');
    const app = await launch(own, ['--project', project]);
    try {
      await invoke(app, 'import_paths', { paths: [path.join(ROOT, 'tests', 'fixtures', 'hostile-unicode.txt')] });
      const summary = await app.waitFor('the refusal', () =>
        app.execute(`const p = document.querySelector('[data-testid=import-summary]'); return p && p.textContent;`),
      );
      assert.equal(summary.trim(), '0 imported · 0 skipped · 1 failed');
      const reason = await app.execute(`return document.querySelector('.problems li.failed').textContent;`);
      assert.match(reason, /over the 0\.0 MB limit/);
    } finally {
      await app.end();
      await own.stop();
    }
  });
});
