// The stored controls of several coders, each used twice on two different items, the project
// file checked after each: blind mode on and off, Done on two documents (and off again), a
// sample assigned to two coders, and the agreement report saved as CSV and as JSON.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { HOSTILE, SAMPLE, choose, cli, launch, startDriver, tempDir } from './support.mjs';

const FIXTURE = path.join(import.meta.dirname, '..', 'interop', 'fixture.jsonl');

let driver;
let app;
let dir;
let project;

before(async () => {
  dir = tempDir();
  project = path.join(dir, 'controls.claimdesk');
  // The fixture: three documents coded by ana and ben (two coders to measure).
  cli('--project', project, 'import', FIXTURE);
  cli('--project', project, 'import', SAMPLE, HOSTILE);
  cli('--project', project, 'sample', 'pilot', '--size', '2', '--seed', '7');
  driver = await startDriver({ CLAIMDESK_ANNOTATOR: 'ana', XDG_CONFIG_HOME: path.join(dir, 'config') });
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

const status = () => app.execute(`return document.querySelector('.status [role=status]').textContent.trim();`);

/** `claimdesk-cli coders`, as {name: "done/assigned"}. */
function progress() {
  return Object.fromEntries(
    cli('--project', project, 'coders')
      .trim()
      .split('\n')
      .map((line) => line.split('\t'))
      .map(([name, , , , done]) => [name, done.split(' ')[0]]),
  );
}

async function invoke(command, args = {}) {
  return app.command('POST', '/execute/async', {
    script: `const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(done, (e) => done({ refused: e.code }));`,
    args: [command, args],
  });
}

async function coders() {
  await app.press('5', [Keys.Control]);
  await app.waitFor('the coders view', async () => (await app.find('.coders table')).length > 0);
}

describe('the controls of several coders', () => {
  it('store what they show, each time', async () => {
    // Blind mode: on, stored; off, stored.
    await coders();
    for (const wanted of [true, false]) {
      await app.execute(`document.querySelector('input[name=blind-mode]').focus();`);
      await app.press(' ');
      await app.waitFor(`blind mode ${wanted}`, async () => (await invoke('list_coders')).blindMode === wanted);
      assert.equal(await app.execute(`return document.querySelector('input[name=blind-mode]').checked;`), wanted);
      await app.waitFor('the status said', async () => (wanted ? /Blind mode on/ : /Blind mode off/).test(await status()));
    }

    // The sample, assigned to two coders in turn.
    for (const coder of ['zoe', 'yan']) {
      await choose(app, 'select[name=assign-sample]', '1');
      await app.execute(`const i = document.querySelector('input[name=assign-coder]'); i.value = ''; i.focus();`);
      const [input] = await app.find('input[name=assign-coder]');
      await app.typeInto(input, coder);
      const [submit] = await app.find('.assign button[type=submit]');
      await app.clickElement(submit);
      await app.waitFor(`assigned to ${coder}`, async () => new RegExp(`Assigned 2 more documents of “pilot” to ${coder}`).test(await status()));
      assert.equal(progress()[coder], '0/2');
    }

    // Done: two documents ticked, then the first unticked; ana's progress follows.
    await app.press(Keys.Escape);
    await app.press(Keys.Escape);
    const done = [];
    for (const id of [1, 2]) {
      await app.execute(`document.querySelector('.library-rows [data-document-id="${id}"]').click();`);
      await app.waitFor(`document ${id} open`, async () =>
        app.execute(`return document.querySelector('.library-rows [aria-current=page]')?.dataset.documentId === arguments[0];`, String(id)),
      );
      await app.execute(`document.querySelector('input[name=document-done]').focus();`);
      await app.press(' ');
      done.push(id);
      await app.waitFor(`${done.length} done`, async () => progress().ana === `${done.length}/${done.length}`);
      assert.equal(await app.execute(`return document.querySelector('input[name=document-done]').checked;`), true);
    }
    await app.execute(`document.querySelector('input[name=document-done]').focus();`);
    await app.press(' ');
    await app.waitFor('one done again', async () => progress().ana === '1/2');
    assert.equal(await app.execute(`return document.querySelector('input[name=document-done]').checked;`), false);

    // The agreement report, saved twice: as CSV, then as JSON.
    await app.press('6', [Keys.Control]);
    await app.waitFor('the matrix', async () => (await app.find('.agreement .matrix')).length > 0, 20_000);
    for (const format of ['csv', 'json']) {
      const out = path.join(dir, `agreement.${format}`);
      await choose(app, 'select[name=agreement-format]', format);
      await app.execute(`const i = document.querySelector('input[name=agreement-destination]'); i.value = ''; i.focus();`);
      const [destination] = await app.find('input[name=agreement-destination]');
      await app.typeInto(destination, out);
      await app.press(Keys.Enter);
      await app.waitFor(`the ${format} report`, async () => new RegExp(`Saved the agreement report as ${format.toUpperCase()}`).test(await status()));
      const written = readFileSync(out, 'utf8');
      if (format === 'csv') assert.match(written, /^measure,label,coder_a,coder_b,document,value,units\n/);
      else assert.deepEqual(JSON.parse(written).coders, ['ana', 'ben']);
    }
  });
});
