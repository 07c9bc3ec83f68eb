// The schema exchanged as a REFI-QDA codebook in the real app, by the keyboard: exported from the
// Schema view (the file's root element, its namespace and one top-level Code per label), a
// codebook with a new code and one the project has imported (the project file gains the one
// label, the dialog lists what was added and what was already there), Ctrl+Z taking it back,
// imported a second time; refusals (a missing file, a malformed one, a relative path) say why
// and change nothing. Then a qdpx export from the export dialog says in the status line what
// REFI-QDA leaves out.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { ROOT, choose, cli, launch, startDriver, tempDir } from './support.mjs';

const FIXTURE = path.join(ROOT, 'tests', 'interop', 'fixture.jsonl');
const NAMESPACE = 'urn:QDA-XML:codebook:1.0';
/** WebDriver's Backspace key. */
const BACKSPACE = '\uE003';

let driver;
let app;
let dir;
let project;

before(async () => {
  dir = tempDir();
  project = path.join(dir, 'codebook.claimdesk');
  // Three documents coded by two coders, with entities linked: a qdpx export leaves some out.
  cli('--project', project, 'import', FIXTURE);
  driver = await startDriver({ CLAIMDESK_ANNOTATOR: 'ana', XDG_CONFIG_HOME: path.join(dir, 'config') });
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

const status = () => app.execute(`return document.querySelector('.status [role=status]')?.textContent.replace(/\\s+/g, ' ').trim() ?? '';`);

/** The project's labels, in order, as the project file has them (a JSON Lines export's header). */
let serial = 0;
function labels() {
  const out = path.join(dir, `labels-${++serial}.jsonl`);
  cli('--project', project, 'export', '--format', 'jsonl', '--out', out);
  return JSON.parse(readFileSync(out, 'utf8').split('\n')[0]).labels.map((l) => l.name);
}

/** The names in the Schema view's label rows. */
const shownLabels = () =>
  app.execute(`return [...document.querySelectorAll('.schema-editor .label-row input[name=label-name]')].map((i) => i.value);`);

/** The names on the toolbar's label buttons. */
const toolbarLabels = () => app.execute(`return [...document.querySelectorAll('.toolbar .label-button')].map((b) => b.dataset.label);`);

/** A codebook file read by Python's XML parser: the root's tag and the top-level codes' names. */
function readCodebook(file) {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = '{${NAMESPACE}}'
codes = root.find(ns + 'Codes')
print(json.dumps({'root': root.tag, 'codes': [c.get('name') for c in codes.findall(ns + 'Code')],
                  'codable': [c.get('isCodable') for c in codes.findall(ns + 'Code')]}))`;
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }));
}

/** Focuses a control and presses Enter on it, as the keyboard does. */
async function activate(css) {
  await app.execute(`document.querySelector(arguments[0]).focus();`, css);
  await app.press(Keys.Enter);
}

/** Opens a codebook dialog from its button, types the path over what is offered, and presses Enter. */
async function codebookDialog(which, file) {
  await activate(`button[name=${which}-codebook]`);
  await app.waitFor(`the ${which} dialog`, async () => (await app.find(`.codebook-panel[data-mode=${which}] input[name=codebook-path]`)).length > 0);
  assert.equal(await app.execute(`return document.activeElement?.name;`), 'codebook-path', 'the keyboard is in the path field');
  await app.press('a', [Keys.Control]);
  await app.press(BACKSPACE);
  const [input] = await app.find('input[name=codebook-path]');
  await app.typeInto(input, file);
  await app.press(Keys.Enter);
}

async function closeDialog() {
  await app.press(Keys.Escape);
  await app.waitFor('the dialog closed', async () => (await app.find('dialog[open]')).length === 0);
}

/** Imports `file` and answers the dialog's report, as {added, present}. */
async function importCodebook(file) {
  await codebookDialog('import', file);
  await app.waitFor('the report', async () => (await app.find('[data-testid=codebook-report]')).length > 0);
  assert.equal(await app.execute(`return document.activeElement?.textContent;`), 'Close', 'the keyboard is on Close');
  const list = (id) => app.execute(`return [...document.querySelectorAll('[data-testid=${id}] li')].map((li) => li.textContent);`);
  return { added: await list('codebook-added'), present: await list('codebook-present') };
}

/** Tries to import `file`, which must be refused: answers the error's code and text. */
async function refused(file) {
  await codebookDialog('import', file);
  await app.waitFor('the refusal', async () => (await app.find('[data-testid=codebook-error]')).length > 0);
  const error = await app.execute(
    `const e = document.querySelector('[data-testid=codebook-error]'); return { code: e.dataset.code, message: e.textContent.trim() };`,
  );
  await closeDialog();
  return error;
}

describe('the codebook in the Schema view', () => {
  it('exports, imports, undoes and imports again by the keyboard; refusals change nothing; qdpx says what it leaves out', async () => {
    const original = labels();
    assert.deepEqual(original, ['Actor', 'Claim', 'Position']);

    await app.press('4', [Keys.Control]);
    await app.waitFor('the schema view', async () => (await app.find('.schema-editor .label-row')).length === 3);

    // Export: one top-level codable Code per label, in the codebook namespace.
    const written = path.join(dir, 'exported.qdc');
    await codebookDialog('export', written);
    await app.waitFor('the codebook written', async () => /^Wrote the codebook: 3 labels to /.test(await status()));
    assert.equal(await status(), `Wrote the codebook: 3 labels to ${written}.`);
    assert.equal((await app.find('dialog[open]')).length, 0, 'the dialog closed');
    assert.equal(await app.execute(`return document.activeElement?.name;`), 'export-codebook', 'the keyboard is back on the button');
    const book = readCodebook(written);
    assert.equal(book.root, `{${NAMESPACE}}CodeBook`);
    assert.deepEqual(book.codes, original);
    assert.deepEqual(book.codable, ['true', 'true', 'true']);
    assert.match(readFileSync(written, 'utf8'), /^<\?xml version="1.0" encoding="UTF-8"\?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/);

    // Import: a codebook with a new code (with a choice attribute as sub-codes) and one the
    // project has.
    const incoming = path.join(dir, 'incoming.qdc');
    writeFileSync(
      incoming,
      `<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="${NAMESPACE}" origin="a QDA tool">
  <Codes>
    <Code guid="7d0e4a52-1f0c-4c3e-9d57-5b1b8a0f0001" name="Frame" isCodable="true" color="#AA3377">
      <Code guid="7d0e4a52-1f0c-4c3e-9d57-5b1b8a0f0002" name="tone" isCodable="false">
        <Code guid="7d0e4a52-1f0c-4c3e-9d57-5b1b8a0f0003" name="alarm" isCodable="true"/>
        <Code guid="7d0e4a52-1f0c-4c3e-9d57-5b1b8a0f0004" name="calm" isCodable="true"/>
      </Code>
    </Code>
    <Code guid="7d0e4a52-1f0c-4c3e-9d57-5b1b8a0f0005" name="Actor" isCodable="true" color="#000000"/>
  </Codes>
</CodeBook>
`,
    );
    assert.deepEqual(await importCodebook(incoming), { added: ['Frame'], present: ['Actor'] });
    assert.deepEqual(labels(), [...original, 'Frame'], 'the project file has the new label');
    await closeDialog();
    assert.equal(await app.execute(`return document.activeElement?.name;`), 'import-codebook', 'the keyboard is back on the button');
    await app.waitFor('the status /^Imported the codebook: 1 lab', async () => /^Imported the codebook: 1 label added \(Frame\), 1 already here\. Ctrl\+Z undoes\.$/.test(await status()));
    await app.waitFor('the new label in the schema', async () => (await shownLabels()).includes('Frame'));
    // The toolbar's label buttons know it too.
    assert.deepEqual(await toolbarLabels(), [...original, 'Frame']);

    // Ctrl+Z takes the whole import back.
    await app.press('z', [Keys.Control]);
    await app.waitFor('the import undone', async () => (await status()) === 'Undone.');
    assert.deepEqual(labels(), original, 'the project file is back as it was');
    await app.waitFor('the label gone from the schema', async () => !(await shownLabels()).includes('Frame'));
    assert.deepEqual(await toolbarLabels(), original);

    // A second import adds it again.
    assert.deepEqual(await importCodebook(incoming), { added: ['Frame'], present: ['Actor'] });
    assert.deepEqual(labels(), [...original, 'Frame']);
    await closeDialog();

    // Refusals: each says why, and the project file stays as it is.
    const malformed = path.join(dir, 'malformed.qdc');
    writeFileSync(malformed, `<?xml version="1.0"?><CodeBook xmlns="urn:example"><Codes/></CodeBook>`);
    for (const [file, code, why] of [
      [path.join(dir, 'not-there.qdc'), 'bad_file', /cannot read the codebook .*not-there\.qdc/],
      [malformed, 'malformed', /not a valid REFI-QDA codebook file: the namespace is/],
      ['relative.qdc', 'bad_request', /must be a full path/],
    ]) {
      const error = await refused(file);
      assert.equal(error.code, code, error.message);
      assert.match(error.message, /^Nothing was changed: /);
      assert.match(error.message, why);
      assert.deepEqual(labels(), [...original, 'Frame'], `${file} changed the project`);
    }

    // A qdpx export from the export dialog: the status line says what REFI-QDA cannot carry.
    await app.press(Keys.Escape);
    await app.press('e', [Keys.Control]);
    await app.waitFor('the export dialog', async () => (await app.find('.export-panel select[name=format] option[value=qdpx]')).length > 0);
    await choose(app, '.export-panel select[name=format]', 'qdpx');
    const qdpx = path.join(dir, 'study.qdpx');
    await app.execute(`document.querySelector('.export-panel input[name=destination]').focus();`);
    const [destination] = await app.find('.export-panel input[name=destination]');
    await app.typeInto(destination, qdpx);
    await app.press(Keys.Enter);
    await app.waitFor('the export', async () => (await app.find('[data-testid=export-result]')).length > 0, 30_000);
    const said = await status();
    assert.ok(existsSync(qdpx));
    assert.match(said, new RegExp(`^Exported 3 documents, .* to ${qdpx.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
    assert.match(said, /Not carried by qdpx: \d+ links from annotations to entities \(REFI-QDA has no entities\); \d+ statements /);
    assert.match(said, /label hotkeys and which labels each link type may join/);
  });
});
