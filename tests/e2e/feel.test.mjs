// The feel of the workspace: a help overlay listing the shortcuts, an adjustable text size, and
// a regular-expression search in the open document whose match a label key codes at once.

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
  project = path.join(tempDir(), 'feel.claimdesk');
  cli('--project', project, 'import', SAMPLE);
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

describe('the feel of the workspace', () => {
  it('shows the shortcuts on ? and closes on Escape', async () => {
    await app.press('?');
    const rows = await app.waitFor('the help', () =>
      app.execute(`const h = document.querySelector('.help'); return h ? h.querySelectorAll('tr').length : null;`),
    );
    assert.ok(rows >= 10);
    await app.press(Keys.Escape);
    await app.waitFor('the help closed', async () => (await app.find('.help')).length === 0);
  });

  it('makes the text larger and smaller from the keyboard', async () => {
    const size = () => app.execute(`return parseFloat(getComputedStyle(document.querySelector('[data-testid=document-text]')).fontSize);`);
    const normal = await size();
    await app.press('=', [Keys.Control]);
    await app.press('=', [Keys.Control]);
    await app.waitFor('larger text', async () => (await size()) > normal * 1.15);
    await app.press('0', [Keys.Control]);
    await app.waitFor('normal text', async () => Math.abs((await size()) - normal) < 0.5);
  });

  it('finds a pattern in the document and codes the match with a key', async () => {
    await app.press('f', [Keys.Control]);
    const [input] = await app.waitFor('the find bar', async () => {
      const found = await app.find('input[name=find-pattern]');
      return found.length ? found : null;
    });
    await app.typeInto(input, '(');
    const broken = await app.waitFor('the refusal', () => app.execute(`return document.querySelector('[data-testid=find-count]').textContent;`));
    assert.match(broken, /Not a valid pattern/);

    await app.execute(`const i = document.querySelector('input[name=find-pattern]'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));`);
    await app.typeInto(input, 'Erdo.an' + Keys.Enter);
    const selected = await app.waitFor('the match selected', () => app.execute(`return window.getSelection().toString() || null;`));
    assert.equal(selected, 'Erdoğan');
    assert.match(await app.execute(`return document.querySelector('[data-testid=find-count]').textContent;`), /1 of 1/);
    await app.press('1');
    await app.waitFor('the match coded', () => annotations(project, 1).some((a) => a.quote === 'Erdoğan' && a.label === 'Actor'));
  });

  it('says which labels cover the text under the pointer and at the selection', async () => {
    await app.press(Keys.Escape);
    // A claim around the coded name: the name is now under two highlights.
    await selectText(app, 'Tayyip Erdoğan, left');
    await app.press('2');
    await app.waitFor('the wider annotation', () => annotations(project, 1).some((a) => a.quote === 'Tayyip Erdoğan, left'));
    const point = await app.waitFor('the stacked highlight', () =>
      app.execute(
        `const m = [...document.querySelectorAll('[data-testid=document-text] mark')].find((m) => m.textContent === 'Erdoğan');
         if (!m || m.dataset.annotationIds.split(' ').length !== 2) return null;
         m.scrollIntoView({ block: 'center' });
         const r = m.getBoundingClientRect();
         return { x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2 };`,
      ),
    );
    await app.execute('window.getSelection().removeAllRanges();');
    await app.hover(point);
    const shown = await app.waitFor('the covering labels', () =>
      app.execute(`const c = document.querySelector('[data-testid=covering]'); return c ? c.textContent : null;`),
    );
    assert.match(shown, /Claim “Tayyip Erdoğan, left”/);
    assert.match(shown, /Actor “Erdoğan”/);
    assert.ok(shown.indexOf('Claim') < shown.indexOf('Actor'), 'outermost first');

    // Off the highlights, the readout follows the selection: a plain word covers nothing.
    await app.hover({ x: 2, y: 2 });
    await selectText(app, 'Turkish President');
    await app.waitFor('no covering labels', async () => (await app.find('[data-testid=covering]')).length === 0);
  });
});
