// The stored controls of several coders, each used twice on two different items, the project
// file checked after each: blind mode on and off, Done on two documents (and off again), a
// sample assigned to two coders, and the agreement report saved as CSV and as JSON. Then the
// choices of what is shown and measured: coders and labels measured, blind mode keeping the
// disagreements closed until every assigned coder is done, and chosen coders in the reader.

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
      // The document's controls are drawn once it is read: the keyboard lands on its box.
      await app.waitFor('the Done box focused', () =>
        app.execute(`const box = document.querySelector('input[name=document-done]'); box?.focus(); return document.activeElement === box && box.checked === false;`),
      );
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

  it('measure the chosen labels, keep blind disagreements closed, and show chosen coders', async () => {
    // The agreement view measures the labels ticked, and saves what it shows.
    await app.press('6', [Keys.Control]);
    await app.waitFor('the matrix', async () => (await app.find('.agreement .matrix')).length > 0, 20_000);
    const labelsMeasured = () =>
      app.execute(`return [...document.querySelectorAll('.agreement .per-label thead th')].slice(2).map((th) => th.textContent.trim());`);
    const all = await labelsMeasured();
    assert.ok(all.length > 1 && all.includes('Actor'), `labels: ${all}`);
    for (const label of all.filter((l) => l !== 'Actor')) {
      await app.execute(`document.querySelector('input[name=agreement-label][value="${label}"]').focus();`);
      await app.press(' ');
    }
    await app.execute(`document.querySelector('button[name=measure-again]').focus();`);
    await app.press(Keys.Enter);
    await app.waitFor('Actor alone', async () => JSON.stringify(await labelsMeasured()) === '["Actor"]');
    await app.waitFor('the status', async () => /Measured ana, ben on Actor\./.test(await status()));
    const units = await app.execute(`return document.querySelector('.agreement .per-label tbody td:nth-child(3) .units')?.textContent.trim();`);
    assert.match(units ?? '', /^\d+$/, 'a label figure says the units it rests on');
    const out = path.join(dir, 'agreement-actor.json');
    await choose(app, 'select[name=agreement-format]', 'json');
    await app.execute(`const i = document.querySelector('input[name=agreement-destination]'); i.value = ''; i.focus();`);
    const [destination] = await app.find('input[name=agreement-destination]');
    await app.typeInto(destination, out);
    await app.press(Keys.Enter);
    await app.waitFor('saved', async () => /Saved the agreement report as JSON/.test(await status()));
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')).labels, ['Actor'], 'the saved report is the one shown');
    // Only one coder: said, nothing measured.
    await app.execute(`document.querySelector('input[name=agreement-coder][value=ben]').focus();`);
    await app.press(' ');
    await app.execute(`document.querySelector('button[name=measure-again]').focus();`);
    await app.press(Keys.Enter);
    await app.waitFor('the reason', async () =>
      /^Choose at least two coders/.test(await app.execute(`return document.querySelector('[data-testid=choice-problem]').textContent;`)),
    );
    assert.deepEqual(await labelsMeasured(), ['Actor'], 'nothing measured');

    // Blind mode: document 1 is assigned to ben, who has not marked it done: its disagreements
    // stay closed, in the app and to a direct call, and the reason names him.
    assert.equal(await invoke('set_blind_mode', { on: true }), true);
    assert.equal(await invoke('assign_documents', { request: { coder: 'ben', documents: [1] } }), 1);
    const rule = { rule: 'all' };
    assert.deepEqual(await invoke('adjudication_state', { documentId: 1, rule }), { refused: 'blinded' });
    assert.deepEqual(await invoke('finish_adjudication', { documentId: 1, finished: true }), { refused: 'blinded' });
    await app.press(Keys.Escape);
    await app.execute(`document.querySelector('.library-rows [data-document-id="1"]').click();`);
    await app.waitFor('document 1 open', async () =>
      app.execute(`return document.querySelector('.library-rows [aria-current=page]')?.dataset.documentId === '1';`),
    );
    await app.press('7', [Keys.Control]);
    await app.waitFor('why it is closed', async () => /blind mode: ben has not marked this document done yet/.test(await status()));
    // Ben finishes: the disagreements open.
    await invoke('set_annotator', { name: 'ben' });
    assert.equal(await invoke('mark_done', { documentId: 1, done: true }), null);
    await invoke('set_annotator', { name: 'ana' });
    const state = await invoke('adjudication_state', { documentId: 1, rule });
    assert.ok(Array.isArray(state.disagreements), `open once ben is done: ${JSON.stringify(state).slice(0, 80)}`);
    assert.equal(await invoke('set_blind_mode', { on: false }), false);

    // The reader: chosen coders, ticked one by one.
    await app.press('1', [Keys.Control]);
    await app.execute(`document.querySelector('.library-rows [data-document-id="1"]').click();`);
    await app.waitFor('both coders on document 1', async () => (await app.find('select[name=show-coders]')).length > 0);
    const listed = () => app.execute(`return Number(document.querySelector('.annotation-scroll').previousElementSibling.querySelector('.count').textContent);`);
    const everyone = await listed();
    await choose(app, 'select[name=show-coders]', 'chosen');
    await app.waitFor('the coders to tick', async () => (await app.find('input[name=chosen-coder]')).length === 2);
    assert.equal(await listed(), everyone, 'every coder ticked at first');
    const opened = await invoke('open_document', { documentId: 1 });
    const ids = await invoke('list_coders');
    const ben = ids.coders.find((c) => c.name === 'ben').id;
    const anas = opened.annotations.filter((a) => a.annotatorId !== ben).length;
    await app.execute(`document.querySelector('input[name=chosen-coder][value="${ben}"]').focus();`);
    await app.press(' ');
    await app.waitFor('ben left out', async () => (await listed()) === anas);
    assert.ok(anas > 0 && anas < everyone, `${anas} of ${everyone}`);
  });
});
