// A document's text replaced by a corrected version in the real app: pasted and from a file,
// the annotations re-anchored (code points in the project file, after emoji and flags), an
// orphan listed with its link, placed at a selection and deleted by the keyboard, every step
// undone by Ctrl+Z, and a replacement that would change nothing refused with the reason.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { execFileSync } from 'node:child_process';
import { CLI, SAMPLE, annotations, choose, cli, launch, selectText, startDriver, tempDir } from './support.mjs';

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
    await app.waitFor('the replacement said', async () =>
      /Replaced the text: 2 annotations placed, 2 orphans listed beside the text/.test(await status()),
    );

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
    // The status line speaks once the window has the document again.
    await app.waitFor('the deletion said', async () => /Deleted the orphan “met Rubio for hours”/.test(await status()));
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

describe('imports of new versions', () => {
  it('replace the text of the document with the same URL when the setting is on, and add beside it when off', async () => {
    const table = (name, text) => {
      const file = path.join(dir, name);
      writeFileSync(file, `title,url,text\nBrief,https://news.example/brief,"${text}"\n`);
      return file;
    };
    cli('--project', project, 'import', table('brief-1.csv', 'Zelensky said peace was possible. Lavrov was silent.'));
    const briefs = () => cli('--project', project, 'list').split('\n').filter((line) => line.endsWith('\tBrief'));
    assert.equal(briefs().length, 1);
    const id = Number(briefs()[0].split('\t')[0]);
    const importFile = async (file) => {
      await app.command('POST', '/execute/async', {
        script: `const done = arguments[arguments.length - 1];
                 window.__TAURI_INTERNALS__.invoke('import_paths', { paths: [arguments[0]] }).then(done, done);`,
        args: [file],
      });
      await app.waitFor('the import finished', async () => (await app.find('.import-panel[data-state=finished]')).length > 0);
      const summary = await app.execute(`return document.querySelector('[data-testid=import-summary]').textContent.trim();`);
      await app.press(Keys.Escape);
      await app.waitFor('the import panel closed', async () => (await app.find('.import-panel')).length === 0);
      return summary;
    };
    const settings = () => JSON.parse(readFileSync(path.join(dir, 'config', 'claimdesk', 'settings.json'), 'utf8'));

    // On, by the keyboard: remembered in the settings file.
    await app.execute(`document.querySelector('input[name=import-new-versions]').focus();`);
    await app.press(' ');
    await app.waitFor('the setting said', async () => /Imports now replace the text/.test(await status()));
    assert.equal(settings().import_new_versions, true);
    const replaced = await importFile(table('brief-2.csv', 'Update: Zelensky said peace was possible.'));
    assert.match(replaced, /0 imported · 1 replaced by a new version \(0 orphaned\)/);
    assert.equal(briefs().length, 1);
    cli('--project', project, 'export', '--format', 'jsonl', '--out', path.join(dir, 'after.jsonl'));
    const texts = readFileSync(path.join(dir, 'after.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((r) => r.type === 'document' && r.id === id)
      .map((r) => r.text);
    assert.deepEqual(texts, ['Update: Zelensky said peace was possible.']);

    // Off again: the next version is a document of its own.
    await app.execute(`document.querySelector('input[name=import-new-versions]').focus();`);
    await app.press(' ');
    await app.waitFor('the setting said', async () => /Imports now add every new text/.test(await status()));
    assert.equal(settings().import_new_versions, false);
    const beside = await importFile(table('brief-3.csv', 'A third version.'));
    assert.match(beside, /^1 imported · 0 skipped · 0 failed$/);
    assert.equal(briefs().length, 2);
  });
});


describe('merging a slightly different copy', () => {
  it('says what differs, and with the box ticked puts its coding on our text', async () => {
    // Ours: the sample article. Theirs: the same from another source (reflowed, straight
    // quotes), coded by Ben, with one annotation on a sentence our copy does not have.
    const ours = readFileSync(SAMPLE, 'utf8');
    cli('--project', project, 'import', SAMPLE);
    const extra = 'An extra sentence only their copy has.';
    const theirs = ours.replace(/\n\n/g, '\n').replace(/[“”]/g, '"') + `\n${extra}\n`;
    const brat = path.join(dir, 'ben-copy');
    mkdirSync(brat);
    writeFileSync(path.join(brat, 'riyadh.txt'), theirs);
    const span = (id, label, quote) => {
      const [s, e] = codePoints(theirs, quote);
      return `${id}\t${label} ${s} ${e}\t${quote}\n`;
    };
    writeFileSync(
      path.join(brat, 'riyadh.ann'),
      span('T1', 'Actor', 'Tammy Bruce') + span('T2', 'Claim', '"lay the groundwork for future co-operation"') + span('T3', 'Actor', 'extra sentence'),
    );
    const other = path.join(dir, 'ben.claimdesk');
    execFileSync(CLI, ['--project', other, 'import', brat], { env: { ...process.env, CLAIMDESK_ANNOTATOR: 'ben' } });
    const sampleId = Number(
      cli('--project', project, 'list')
        .split('\n')
        .find((line) => line.includes('2024 US election'))
        .split('\t')[0],
    );

    const merge = async (tick) => {
      await app.press('5', [Keys.Control]);
      await app.waitFor('the coders view', async () => (await app.find('button[name=merge-project]')).length > 0);
      await activate('button[name=merge-project]');
      await app.waitFor('the merge dialog', async () => (await app.find('.merge-panel input[name=merge-path]')).length > 0);
      const [file] = await app.find('.merge-panel input[name=merge-path]');
      await app.typeInto(file, other);
      if (tick) {
        await app.execute(`document.querySelector('.merge-panel input[name=match-similar]').focus();`);
        await app.press(' ');
      }
      await activate('.merge-panel button[type=submit]');
      await app.waitFor('the merge report', async () => (await app.find('[data-testid=merge-report]')).length > 0, 30_000);
      const said = await app.execute(`return document.querySelector('.merge-panel').textContent.replace(/\\s+/g, ' ');`);
      await app.press(Keys.Escape);
      await app.waitFor('the merge dialog closed', async () => (await app.find('.merge-panel')).length === 0);
      return said;
    };

    // Ticked: one document, Ben's coding on our text (our quote marks), the extra sentence's
    // annotation kept as an orphan of ours.
    const matched = await merge(true);
    assert.match(matched, /Documents: 0 added, 1 already here/);
    assert.match(matched, /Annotations: 2 added, 0 already here, 1 kept as orphans/);
    assert.match(matched, /differs in whitespace, quote marks and \d+ characters: its coding was re-anchored on our text/);
    const bens = annotations(project, sampleId).filter((a) => a.annotator === 'ben');
    assert.deepEqual(bens.map((a) => [a.quote, a.start]).sort(), [
      ['Tammy Bruce', ...codePoints(ours, 'Tammy Bruce').slice(0, 1)],
      ['“lay the groundwork for future co-operation”', codePoints(ours, '“lay the groundwork for future co-operation”')[0]],
    ].sort());
    const orphaned = cli('--project', project, 'orphans', String(sampleId)).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(orphaned.map((o) => [o.quote, o.annotator]), [['extra sentence', 'ben']]);
    // Again: nothing twice.
    const again = await merge(true);
    assert.match(again, /Annotations: 0 added, 3 already here/);
    assert.equal(annotations(project, sampleId).filter((a) => a.annotator === 'ben').length, 2);
  });
});
