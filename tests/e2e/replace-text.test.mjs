// A document's text replaced by a corrected version in the real app: pasted and from a file,
// the annotations re-anchored (code points in the project file, after emoji and flags), an
// orphan listed with its link, placed at a selection and deleted by the keyboard, every step
// undone by Ctrl+Z, and a replacement that would change nothing refused with the reason.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { annotations, choose, cli, launch, selectText, startDriver, tempDir } from './support.mjs';

const OLD = 'Riyadh talks\n\nTammy Bruce said the talks were "a first step".\n\nLavrov met Rubio for hours.\n';
const NEW = 'Riyadh talks 🇺🇦👩‍👩‍👧 (updated)\n\nTammy  Bruce said the talks were “a first step”.\n\nThe ministers met for four hours.\n';
const AGAIN = 'Riyadh talks, corrected once more\n\nTammy Bruce said the talks were "a first step".\n';

/** Code-point offsets of `needle` in `text`, as the project file stores them. */
function codePoints(text, needle) {
  const at = text.indexOf(needle);
  const start = [...text.slice(0, at)].length;
  return [start, start + [...needle].length];
}

let driver;
let app;
let dir;
let project;

before(async () => {
  dir = tempDir();
  project = path.join(dir, 'versions.claimdesk');
  // The article in brat standoff: two actors, a claim said by Bruce, and Lavrov linked as the
  // actor of a claim that the correction removes.
  const brat = path.join(dir, 'brat');
  mkdirSync(brat);
  writeFileSync(path.join(brat, 'riyadh.txt'), OLD);
  const span = (id, label, quote) => {
    const [s, e] = codePoints(OLD, quote);
    return `${id}\t${label} ${s} ${e}\t${quote}\n`;
  };
  writeFileSync(
    path.join(brat, 'riyadh.ann'),
    span('T1', 'Actor', 'Tammy Bruce') +
      span('T2', 'Claim', '"a first step"') +
      span('T3', 'Actor', 'Lavrov') +
      span('T4', 'Claim', 'met Rubio for hours') +
      'R1\tsaid_by Arg1:T2 Arg2:T1\nR2\tsaid_by Arg1:T4 Arg2:T3\n',
  );
  cli('--project', project, 'import', brat);
  driver = await startDriver({ CLAIMDESK_ANNOTATOR: 'ana', XDG_CONFIG_HOME: path.join(dir, 'config') });
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

const status = () => app.execute(`return document.querySelector('.status [role=status]')?.textContent.trim() ?? '';`);
const orphans = () =>
  cli('--project', project, 'orphans', '1')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
/** The document's links as [kind, from, to], from a JSON Lines export of the project file. */
function relations() {
  const out = path.join(dir, `links-${Date.now()}.jsonl`);
  cli('--project', project, 'export', '--format', 'jsonl', '--out', out);
  const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  return lines
    .filter((r) => r.type === 'document')
    .flatMap((d) => d.relations)
    .map((r) => [r.kind, r.from_id, r.to_id])
    .sort();
}
const quotes = () => annotations(project, 1).map((a) => [a.quote, a.start, a.end]).sort();

/** Focuses a control and presses Enter on it, as the keyboard does. */
async function activate(css) {
  await app.execute(`document.querySelector(arguments[0]).focus();`, css);
  await app.press(Keys.Enter);
}

/** Ctrl+Z with the keyboard in the text. */
async function undo() {
  await app.execute(`document.querySelector('main')?.focus();`);
  await app.press('z', [Keys.Control]);
}

async function openDialog() {
  await activate('button[name=replace-text]');
  await app.waitFor('the replace dialog', async () => (await app.find('.replace-panel textarea')).length > 0);
  assert.equal(await app.execute(`return document.activeElement?.name;`), 'replace-text', 'the keyboard is in the text box');
}

describe('replacing the text of a document', () => {
  it('re-anchors, keeps an orphan with its link, places and deletes it, and undoes each step', async () => {
    await app.waitFor('the document', async () => (await app.find('[data-testid=document-text] mark')).length >= 4);

    // Pasted: the corrected version, with emoji and a flag before every annotation.
    await openDialog();
    // As a paste: WebDriver's typing leaves out characters beyond the first plane (emoji).
    await choose(app, '.replace-panel textarea', NEW);
    await activate('.replace-panel button[type=submit]');
    await app.waitFor('the report', async () => (await app.find('[data-testid=replace-report]')).length > 0);
    const report = await app.execute(`return document.querySelector('[data-testid=replace-report]').textContent.trim();`);
    assert.equal(report, '0 annotations kept, 2 adjusted, 0 found elsewhere, 2 orphaned.');
    await app.press(Keys.Escape);
    await app.waitFor('the dialog closed', async () => (await app.find('dialog[open]')).length === 0);
    assert.match(await status(), /Replaced the text: 2 annotations placed, 2 orphans listed beside the text/);

    // The project file: the new text's code points, the quotes as the new text has them.
    assert.deepEqual(quotes(), [
      ['Tammy  Bruce', ...codePoints(NEW, 'Tammy  Bruce')],
      ['“a first step”', ...codePoints(NEW, '“a first step”')],
    ].sort());
    assert.deepEqual(orphans().map((o) => [o.quote, o.links]).sort(), [['Lavrov', 1], ['met Rubio for hours', 1]]);
    await app.waitFor('the orphans beside the text', async () => (await app.find('.orphans li')).length === 2);

    // Place the claim at a selection, then its actor: the link between them comes back.
    const place = async (orphan, needle) => {
      await selectText(app, needle);
      const id = orphans().find((o) => o.quote === orphan).id;
      await activate(`.orphans li[data-orphan-id="${id}"] button[name=place-orphan]`);
      await app.waitFor(`“${needle}” placed`, async () => /^Placed/.test(await status()));
      return id;
    };
    const bruceLink = relations()[0].slice(1);
    assert.equal(relations().length, 1, 'the orphans keep their link aside');
    const claimId = await place('met Rubio for hours', 'met for four hours');
    const lavrov = await place('Lavrov', 'The ministers');
    assert.deepEqual(orphans(), []);
    const placed = annotations(project, 1).find((a) => a.id === lavrov);
    assert.deepEqual([placed.quote, placed.start, placed.end, placed.label], ['The ministers', ...codePoints(NEW, 'The ministers'), 'Actor']);
    assert.deepEqual(relations(), [['said_by', claimId, lavrov], ['said_by', ...bruceLink]].sort());

    // Ctrl+Z: an orphan again; once more: the first placement taken back; once more: the old
    // text, every annotation where it was, no orphans.
    await undo();
    await app.waitFor('one orphan again', async () => orphans().length === 1);
    await undo();
    await app.waitFor('two orphans again', async () => orphans().length === 2);
    await undo();
    await app.waitFor('the old text', async () => orphans().length === 0 && quotes().length === 4);
    assert.deepEqual(quotes(), [
      ['"a first step"', ...codePoints(OLD, '"a first step"')],
      ['Lavrov', ...codePoints(OLD, 'Lavrov')],
      ['Tammy Bruce', ...codePoints(OLD, 'Tammy Bruce')],
      ['met Rubio for hours', ...codePoints(OLD, 'met Rubio for hours')],
    ].sort());
    await app.waitFor('no orphans beside the text', async () => (await app.find('.orphans')).length === 0);

    // A second time, from a file: Lavrov and his claim orphaned again; the claim deleted for
    // good by the keyboard, and brought back by Ctrl+Z.
    const file = path.join(dir, 'again.txt');
    writeFileSync(file, AGAIN);
    await openDialog();
    const [where] = await app.find('.replace-panel input[name=replace-path]');
    await app.typeInto(where, file);
    await activate('.replace-panel button[type=submit]');
    await app.waitFor('the report', async () => (await app.find('[data-testid=replace-report]')).length > 0);
    assert.equal(
      await app.execute(`return document.querySelector('[data-testid=replace-report]').textContent.trim();`),
      '2 annotations kept, 0 adjusted, 0 found elsewhere, 2 orphaned.',
    );
    await app.press(Keys.Escape);
    await app.waitFor('two orphans listed', async () => (await app.find('.orphans li')).length === 2);
    const claim = orphans().find((o) => o.quote === 'met Rubio for hours').id;
    await activate(`.orphans li[data-orphan-id="${claim}"] button[name=delete-orphan]`);
    await app.waitFor('deleted', async () => orphans().length === 1);
    assert.match(await status(), /Deleted the orphan “met Rubio for hours”/);
    await undo();
    await app.waitFor('back', async () => orphans().length === 2);

    // The same text again: refused with the reason, nothing changed.
    await openDialog();
    await choose(app, '.replace-panel textarea', AGAIN);
    await activate('.replace-panel button[type=submit]');
    await app.waitFor('the refusal', async () => (await app.find('[data-testid=replace-error]')).length > 0);
    assert.match(
      await app.execute(`return document.querySelector('[data-testid=replace-error]').textContent;`),
      /the same as the document's; nothing changed/,
    );
    await app.press(Keys.Escape);
    assert.equal(orphans().length, 2);
    assert.equal(annotations(project, 1).length, 2);
  });
});
