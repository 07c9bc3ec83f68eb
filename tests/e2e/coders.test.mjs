// Several coders on one article, in the real app: blind mode on, two coders code the sample
// article without seeing each other's work, the Agreement view shows their matrix, the
// disagreements are adjudicated with the keyboard, and the curated layer is exported as JSON
// Lines and imported again.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { SAMPLE, annotations, choose, cli, launch, selectText, startDriver, tempDir } from './support.mjs';

let driver;
let app;
let dir;
let project;

before(async () => {
  dir = tempDir();
  project = path.join(dir, 'team.claimdesk');
  cli('--project', project, 'import', SAMPLE);
  driver = await startDriver({ CLAIMDESK_ANNOTATOR: 'ana', XDG_CONFIG_HOME: path.join(dir, 'config') });
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

const CLAIM = 'One phone call followed by one meeting is not sufficient to establish enduring peace';
const HALF = 'not sufficient to establish enduring peace';

/** Codes `needle` with the label of `key`, by the keyboard, and waits until it is stored. */
async function code(needle, key, coder) {
  await selectText(app, needle);
  await app.press(key);
  await app.waitFor(`“${needle}” stored for ${coder}`, () =>
    annotations(project, 1).find((a) => a.quote === needle && a.annotator === coder),
  );
}

async function view(name, ready) {
  await app.execute(`document.querySelector('button[name=view-${name}]').click();`);
  await app.waitFor(name, async () => (await app.find(ready)).length > 0);
}

const status = () => app.execute(`return document.querySelector('.status [role=status]').textContent.trim();`);

describe('two coders, blind, agreement and adjudication', () => {
  it('keeps the coders apart, measures them, and adjudicates into a curated layer', async () => {
    // Blind mode, switched on in the Coders view with the keyboard.
    await app.press('5', [Keys.Control]);
    await app.waitFor('the coders view', async () => (await app.find('input[name=blind-mode]')).length > 0);
    await app.execute(`document.querySelector('input[name=blind-mode]').focus();`);
    await app.press(' ');
    await app.waitFor('blind mode stored', async () => /Blind mode on/.test(await status()));
    // The first Escape leaves the check box, the second the view.
    await app.press(Keys.Escape);
    await app.press(Keys.Escape);
    await app.waitFor('the text', async () => (await app.find('[data-testid=document-text]')).length > 0);

    // Ana codes.
    await code('Tammy Bruce', '1', 'ana');
    await code(CLAIM, '2', 'ana');
    await code('Marco Rubio', '1', 'ana');

    // Ana links her mention of Tammy Bruce to an entity.
    const invoke = (command, args) =>
      app.command('POST', '/execute/async', {
        script: `const done = arguments[arguments.length - 1];
                 window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(done, (e) => done({ refused: e.code }));`,
        args: [command, args],
      });
    const bruce = await invoke('create_entity', { kind: 'actor', name: 'Tammy Bruce' });
    const anas = annotations(project, 1).find((a) => a.quote === 'Tammy Bruce' && a.annotator === 'ana');
    await invoke('update_annotation', { annotationId: anas.id, edit: { entityId: bruce.id } });
    assert.equal((await invoke('entity_mentions', { entityId: bruce.id })).length, 1);

    // Ben takes over the same window; in blind mode he sees none of Ana's work.
    await app.execute(`document.querySelector('.toolbar .annotator').click();`);
    await app.waitFor('the question', async () => (await app.find('.identity-panel input')).length > 0);
    await app.execute(`const i = document.querySelector('input[name=annotator-name]'); i.value = ''; i.focus();`);
    const [input] = await app.find('input[name=annotator-name]');
    await app.typeInto(input, 'ben');
    await app.press(Keys.Enter);
    await app.waitFor('coding as ben', async () =>
      app.execute(`return !document.querySelector('.identity-panel') && document.querySelector('.toolbar .annotator').textContent.trim() === 'ben';`),
    );
    await app.waitFor('the blind note', async () =>
      /3 annotations of other coders hidden/.test(
        await app.execute(`return document.querySelector('[data-testid=blind-note]')?.textContent ?? '';`),
      ),
    );
    assert.equal(await app.execute(`return document.querySelectorAll('[data-testid=document-text] mark').length;`), 0);
    assert.deepEqual(await invoke('entity_mentions', { entityId: bruce.id }), [], 'nor her mentions of an entity');

    await code('Tammy Bruce', '1', 'ben');
    await code(HALF, '2', 'ben');
    await code('Sergei Lavrov', '1', 'ben');
    // Still blind: only his own three.
    const marks = await app.execute(
      `return new Set([...document.querySelectorAll('[data-testid=document-text] mark')].flatMap((m) => m.dataset.annotationIds.split(' '))).size;`,
    );
    assert.equal(marks, 3);

    // The Agreement view: a matrix of the two, a cell that opens their document.
    await app.press('6', [Keys.Control]);
    await app.waitFor('the matrix', async () => (await app.find('.agreement button.cell[data-pair="ana|ben"]')).length > 0, 20_000);
    const cell = await app.execute(`return document.querySelector('.agreement button.cell[data-pair="ana|ben"]').textContent;`);
    assert.match(cell, /^ana and ben: -?\d\.\d{3} on \d+ tokens$/);
    const summary = await app.execute(`return document.querySelector('[data-testid=agreement-summary]').textContent;`);
    assert.match(summary, /ana, ben: 1 document compared/);
    await app.execute(`document.querySelector('.agreement button.cell[data-pair="ana|ben"]').focus();`);
    await app.press(Keys.Enter);
    await app.waitFor('their documents', async () => (await app.find('.pair-documents button[data-document-id="1"]')).length > 0);
    const focused = await app.execute(`return document.activeElement.dataset.documentId;`);
    assert.equal(focused, '1', 'the keyboard goes to the first document');
    await app.press(Keys.Enter);

    // Adjudication, by the keyboard: the agreed Tammy Bruce, then three disagreements.
    await app.waitFor('the disagreements', async () => (await app.find('.adjudication [data-disagreement]')).length === 3, 20_000);
    await app.waitFor('focus on the first disagreement', async () =>
      app.execute(`return document.activeElement?.dataset.disagreement === '0';`),
    );
    await app.press('a');
    await app.waitFor('the agreed unit accepted', async () => /curated layer: 1 annotation/.test(await summaryText()));
    // The claim: Ana's version (she is coder 1 of the two); Rubio rejected; Lavrov accepted.
    const order = await app.execute(
      `return [...document.querySelectorAll('.adjudication [data-disagreement] mark')].map((m) => m.textContent);`,
    );
    assert.deepEqual(order.length, 3);
    for (const quote of order) {
      const n = await app.execute(`return document.activeElement?.dataset.disagreement;`);
      const excerpt = order[Number(n)];
      if (excerpt.includes('phone call')) await app.press('1');
      else if (excerpt.includes('Rubio')) await app.press('x');
      else await app.press('2');
      await app.waitFor(`“${quote.slice(0, 20)}…” settled`, async () =>
        app.execute(`return document.querySelector('[data-disagreement="${n}"]')?.classList.contains('decided');`),
      );
    }
    await app.waitFor('none open', async () => /3 disagreements, 0 open/.test(await summaryText()));
    assert.match(await summaryText(), /curated layer: 3 annotations/);
    // E in blind mode, before the document is adjudicated: it says what to do first.
    const claimAt = order.findIndex((quote) => quote.includes('phone call'));
    await app.execute(`document.querySelector('[data-disagreement="${claimAt}"]').focus();`);
    await app.press('e');
    await app.waitFor('the advice', async () => /mark it adjudicated \(F\), then edit/.test(await status()));
    await app.press('f');
    await app.waitFor('adjudicated', async () => /is adjudicated/.test(await status()));
    // E: the accepted claim, edited in the text as the curated layer's annotation.
    await app.execute(`document.querySelector('[data-disagreement="${claimAt}"]').focus();`);
    await app.press('e');
    await app.waitFor('the curated claim in the text', async () =>
      app.execute(`return document.querySelector('.shell').dataset.view === 'reader' && !!document.querySelector('.selected-annotation');`),
    );
    await app.waitFor('the curated layer said', async () => /Editing the curated layer/.test(await status()));
    assert.equal(
      await app.execute(`return document.querySelector('select[name=show-coders] option:checked').textContent.trim();`),
      'curated (curated)',
    );
    await app.execute(`const s = document.querySelector('select[name=show-coders]'); s.value = 'all'; s.dispatchEvent(new Event('change', { bubbles: true }));`);

    // The curated layer behaves like a coder: exported alone as JSON Lines from the export
    // dialog…
    const out = path.join(dir, 'curated.jsonl');
    await app.press('e', [Keys.Control]);
    await app.waitFor('the export dialog', async () => (await app.find('.export-panel select[name=format] option')).length >= 14);
    await choose(app, '.export-panel select[name=format]', 'jsonl');
    await choose(app, '.export-panel input[name=scope][value=filter]');
    await app.waitFor('the coders to choose', async () => (await app.find('.export-panel input[name=annotator][value=curated]')).length > 0);
    await choose(app, '.export-panel input[name=annotator][value=curated]');
    const [destination] = await app.find('.export-panel input[name=destination]');
    await app.typeInto(destination, out);
    const [start] = await app.find('.export-panel button[type=submit]');
    await app.clickElement(start);
    await app.waitFor('the export', async () => (await app.find('[data-testid=export-result]')).length > 0, 30_000);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const curated = lines[1].annotations.map((a) => a.quote).sort();
    assert.deepEqual(curated, [CLAIM, 'Sergei Lavrov', 'Tammy Bruce'].sort());
    assert.ok(lines[1].annotations.every((a) => a.annotator === 'curated'));
    // …and imported again, into a fresh project, with its identities.
    const again = path.join(dir, 'again.claimdesk');
    cli('--project', again, 'import', out);
    const restored = annotations(again, 1);
    assert.deepEqual(restored.map((a) => a.quote).sort(), curated);

    // The document is adjudicated: blind mode now shows every coder's work on it.
    await app.press(Keys.Escape);
    await app.waitFor('the text', async () => (await app.find('[data-testid=document-text] mark')).length > 0);
    assert.equal((await app.find('[data-testid=blind-note]')).length, 0);
  });
});


/** A brat folder holding the sample article with `spans` ([label, quote]) as its .ann. */
function bratOfSample(folder, spans) {
  mkdirSync(folder, { recursive: true });
  const text = readFileSync(SAMPLE, 'utf8');
  writeFileSync(path.join(folder, 'riyadh.txt'), text);
  const lines = spans.map(([label, quote], i) => {
    const start = [...text.slice(0, text.indexOf(quote))].length;
    return `T${i + 1}\t${label} ${start} ${start + [...quote].length}\t${quote}`;
  });
  writeFileSync(path.join(folder, 'riyadh.ann'), `${lines.join('\n')}\n`);
}

describe('another coder’s work, from the app', () => {
  it('imports their files as theirs and merges their project, each once', async () => {
    const cem = path.join(dir, 'cem');
    bratOfSample(cem, [['Actor', 'Marco Rubio'], ['Claim', HALF]]);
    const dan = path.join(dir, 'dan');
    bratOfSample(dan, [['Actor', 'Sergei Lavrov']]);
    const danProject = path.join(dir, 'dan.claimdesk');
    cli('--project', danProject, '--annotator', 'dan', 'import', dan);

    await app.press('5', [Keys.Control]);
    await app.waitFor('the coders view', async () => (await app.find('input[name=import-as-coder]')).length > 0);
    const [who] = await app.find('input[name=import-as-coder]');
    await app.typeInto(who, 'cem');
    const [where] = await app.find('input[name=import-as-path]');
    await app.typeInto(where, cem);
    await app.press(Keys.Enter);
    await app.waitFor('the import', async () => /given another coder’s coding/.test(await status()), 30_000);
    const cems = annotations(project, 1).filter((a) => a.annotator === 'cem').map((a) => a.quote);
    assert.deepEqual(cems.sort(), ['Marco Rubio', HALF].sort());
    assert.equal(cli('--project', project, 'list').trim().split('\n').length, 1, 'no second copy of the article');

    // Dan's whole project, merged from the Coders view with a typed path.
    await app.press(Keys.Escape);
    await app.execute(`document.querySelector('button[name=merge-project]').focus();`);
    await app.press(Keys.Enter);
    await app.waitFor('the merge dialog', async () => (await app.find('.merge-panel input[name=merge-path]')).length > 0);
    const [file] = await app.find('.merge-panel input[name=merge-path]');
    await app.typeInto(file, danProject);
    await app.press(Keys.Enter);
    await app.waitFor('the merge report', async () => (await app.find('[data-testid=merge-report]')).length > 0, 30_000);
    const merged = await app.execute(`return document.querySelector('[data-testid=merge-report]').textContent.replace(/\\s+/g, ' ');`);
    assert.match(merged, /Documents: 0 added, 1 already here/);
    assert.match(merged, /Annotations: 1 added/);
    assert.deepEqual(
      annotations(project, 1).filter((a) => a.annotator === 'dan').map((a) => a.quote),
      ['Sergei Lavrov'],
    );
    await app.press(Keys.Escape);
  });
});

function summaryText() {
  return app.execute(`return document.querySelector('[data-testid=adjudication-summary]')?.textContent.replace(/\\s+/g, ' ') ?? '';`);
}
