// The schema editor: a label added with its key and used at once, a key conflict refused with a
// message, a rename that keeps every annotation, an attribute added, a label in use deleted only
// after saying what goes with it (and brought back by undo), a relation type added.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { SAMPLE, annotations, cli, launch, selectText, startDriver, tempDir } from './support.mjs';

let driver;
let app;
let project;

before(async () => {
  driver = await startDriver();
  project = path.join(tempDir(), 'schema.claimdesk');
  cli('--project', project, 'import', SAMPLE);
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

/** Sets an input of a label row (by current name, or the new row) as typing would. */
async function setField(row, name, value) {
  const ok = await app.execute(
    `const rows = [...document.querySelectorAll('.label-row')];
     const row = arguments[0] === null ? rows.at(-1) : rows.find((r) => r.querySelector('input[name=label-name]').value === arguments[0]);
     const input = row?.querySelector('[name=' + arguments[1] + ']');
     if (!input) return false;
     input.value = arguments[2];
     input.dispatchEvent(new Event('input', { bubbles: true }));
     input.dispatchEvent(new Event('change', { bubbles: true }));
     return true;`,
    row,
    name,
    value,
  );
  assert.ok(ok, `no ${name} in ${row}`);
}

async function clickIn(row, selector) {
  await app.execute(
    `const rows = [...document.querySelectorAll('.label-row')];
     const row = arguments[0] === null ? rows.at(-1) : rows.find((r) => r.querySelector('input[name=label-name]').value === arguments[0]);
     row.querySelector(arguments[1]).click();`,
    row,
    selector,
  );
}

const toolbarLabels = () =>
  app.execute(`return [...document.querySelectorAll('.toolbar .label-button')].map((b) => b.dataset.label + ':' + (b.querySelector('kbd')?.textContent ?? ''));`);

describe('the schema editor', () => {
  it('adds a label with a key, refuses a taken key, renames and extends labels', async () => {
    const [open] = await app.find('.toolbar button[title^="Labels, their keys"]');
    await app.clickElement(open);
    await app.waitFor('the editor', async () => (await app.find('.label-row')).length === 3);

    await app.execute(`document.querySelector('button[name=add-label]').click();`);
    await app.waitFor('a new row', async () => (await app.find('.label-row')).length === 4);
    await setField(null, 'label-name', 'Source');
    await setField(null, 'label-hotkey', '1');
    await clickIn(null, 'button[type=submit]');
    const refusal = await app.waitFor('the refusal', () => app.execute(`return document.querySelector('[data-testid=failure]')?.textContent ?? null;`));
    assert.match(refusal, /the key "1" already applies Actor/);
    assert.deepEqual(await toolbarLabels(), ['Actor:1', 'Claim:2', 'Position:3']);

    await setField(null, 'label-hotkey', '4');
    await clickIn(null, 'button[type=submit]');
    await app.waitFor('the new label in the toolbar', async () => (await toolbarLabels()).includes('Source:4'));

    // The key works at once, back in the text (Ctrl+1), and Ctrl+4 returns to the schema.
    await app.execute(`document.activeElement?.blur();`);
    await app.press('1', [Keys.Control]);
    await app.waitFor('the text', async () => (await app.find('[data-testid=document-text]')).length === 1);
    await selectText(app, 'Tammy Bruce');
    await app.press('4');
    await app.waitFor('a Source annotation', () => annotations(project, 1).some((a) => a.label === 'Source' && a.quote === 'Tammy Bruce'));
    await app.press('4', [Keys.Control]);
    await app.waitFor('the editor again', async () => (await app.find('.label-row')).length === 4);

    // Renaming keeps the annotations; an attribute appears in the panel.
    await setField('Actor', 'label-name', 'Speaker');
    await clickIn('Speaker', 'button[type=submit]');
    await app.waitFor('the rename', async () => (await toolbarLabels())[0] === 'Speaker:1');
    await clickIn('Source', '.actions button:first-child');
    await setField('Source', 'attribute-name', 'reliable');
    await setField('Source', 'attribute-type', 'bool');
    await clickIn('Source', 'button[type=submit]');
    await app.waitFor('the attribute saved', () => app.execute(`return document.querySelector('.status [role=status]').textContent.includes('Source');`));
    // Escape goes back to the text, where the panel shows the new attribute.
    await app.execute(`document.activeElement?.blur();`);
    await app.press(Keys.Escape);
    await app.waitFor('the text', async () => (await app.find('.annotation-list')).length === 1);
    await app.execute(
      `[...document.querySelectorAll('.annotation-list button')].find((b) => b.querySelector('.quote').textContent === 'Tammy Bruce').click();`,
    );
    await app.waitFor('the new attribute in the panel', async () => (await app.find('.selected-annotation input[name=attr-reliable]')).length === 1);
    await app.press('4', [Keys.Control]);
    await app.waitFor('the editor again', async () => (await app.find('.label-row')).length === 4);
  });

  it('deletes a label in use only after saying what goes, and undo brings it back', async () => {
    await clickIn('Source', 'button[name=delete-label]');
    const warning = await app.waitFor('the warning', () => app.execute(`return document.querySelector('.label-row .confirm')?.textContent ?? null;`));
    assert.match(warning, /also deletes its 1 annotations and 0 links/);
    await app.execute(`document.querySelector('button[name=confirm-delete]').click();`);
    await app.waitFor('the label gone', async () => !(await toolbarLabels()).includes('Source:4'));
    assert.equal(annotations(project, 1).filter((a) => a.label === 'Source').length, 0);

    await app.execute(`document.activeElement?.blur();`);
    await app.press('z', [Keys.Control]);
    await app.waitFor('the label back', async () => (await toolbarLabels()).includes('Source:4'));
    assert.equal(annotations(project, 1).filter((a) => a.label === 'Source').length, 1);
  });

  it('adds a relation type between labels', async () => {
    const source = await app.execute(`return [...document.querySelectorAll('select[name=relation-type-from] option')].find((o) => o.textContent === 'from Source').value;`);
    await app.execute(
      `const f = document.querySelector('.relation-type-new');
       const set = (name, value) => { const el = f.querySelector('[name=' + name + ']'); el.value = value; el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true })); };
       set('relation-type-name', 'cites'); set('relation-type-from', arguments[0]);
       f.querySelector('button[type=submit]').click();`,
      source,
    );
    const line = await app.waitFor('the new type', () => app.execute(`return document.querySelector('.relation-types li[data-relation-type=cites]')?.textContent.replace(/\\s+/g, ' ').trim() ?? null;`));
    assert.match(line, /^cites: Source → any/);
  });
});
