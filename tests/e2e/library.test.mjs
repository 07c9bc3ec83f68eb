// The library: sorting and filtering the document list, full-text search that opens a document
// at its match, and moving through documents by keyboard.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { ROOT, SAMPLE, cli, launch, startDriver, tempDir } from './support.mjs';

const FIXTURE = path.join(ROOT, 'tests', 'interop', 'fixture.jsonl');

let driver;
let app;

before(async () => {
  driver = await startDriver();
  const project = path.join(tempDir(), 'library.claimdesk');
  cli('--project', project, 'import', FIXTURE);
  cli('--project', project, 'import', SAMPLE);
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

const titles = () => app.execute(`return [...document.querySelectorAll('.doc .title')].map((t) => t.textContent);`);

/** Sets a control as a user's choice would, firing the events Svelte listens to. */
async function choose(selector, value) {
  const ok = await app.execute(
    `const el = document.querySelector(arguments[0]);
     if (!el) return false;
     if (el.type === 'checkbox') el.checked = !el.checked; else el.value = arguments[1];
     el.dispatchEvent(new Event('change', { bubbles: true }));
     return true;`,
    selector,
    value,
  );
  assert.ok(ok, `no control ${selector}`);
}

async function listIs(expected, what) {
  return app.waitFor(what, async () => {
    const now = await titles();
    return JSON.stringify(now) === JSON.stringify(expected) ? now : null;
  });
}

describe('the library', () => {
  it('sorts by title and date, and filters by label, annotator and "not annotated yet"', async () => {
    const all = await titles();
    assert.equal(all.length, 4);
    await choose('.library select[name=sort]', 'title');
    const byTitle = [...all].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }));
    // SQLite's NOCASE orders ASCII letters; the titles here start with plain letters or a flag.
    await listIs(
      ['Hostile «text» 🇺🇦', 'Nothing coded yet', 'Rubio and Lavrov meet in Riyadh', 'Your guide to what the 2024 US election means for Washington and the world'],
      'the list sorted by title',
    );
    void byTitle;
    const [direction] = await app.find('.library button[name=direction]');
    await app.clickElement(direction);
    await listIs(
      ['Your guide to what the 2024 US election means for Washington and the world', 'Rubio and Lavrov meet in Riyadh', 'Nothing coded yet', 'Hostile «text» 🇺🇦'],
      'the list sorted by title, descending',
    );

    const [toggle] = await app.find('.library .filter-toggle');
    await app.clickElement(toggle);
    await app.waitFor('the filters', async () => (await app.find('.library select[name=filter-label]')).length);
    const position = await app.execute(
      `return [...document.querySelectorAll('.library select[name=filter-label] option')].find((o) => o.textContent === 'Position').value;`,
    );
    await choose('.library select[name=filter-label]', position);
    await listIs(['Rubio and Lavrov meet in Riyadh', 'Hostile «text» 🇺🇦'], 'documents with positions');
    await choose('.library select[name=filter-label]', '');
    await choose('.library select[name=filter-annotator]', 'ben');
    await listIs(['Rubio and Lavrov meet in Riyadh', 'Hostile «text» 🇺🇦'], 'documents ben coded');
    await choose('.library select[name=filter-annotator]', '');
    await choose('.library input[name=filter-unannotated]');
    await listIs(
      ['Your guide to what the 2024 US election means for Washington and the world', 'Nothing coded yet'],
      'documents nobody coded',
    );
    const [clear] = await app.find('.library-filters button');
    await app.clickElement(clear);
    await app.waitFor('all documents again', async () => (await titles()).length === 4);
  });

  it('searches the corpus and opens a result at its match', async () => {
    await app.press('k', [Keys.Control]);
    const focused = await app.execute(`return document.activeElement?.getAttribute('name');`);
    assert.equal(focused, 'corpus-search');
    const [box] = await app.find('input[name=corpus-search]');
    await app.typeInto(box, 'Erdogan' + Keys.Enter);
    const hits = await app.waitFor('the search results', () =>
      app.execute(`const hits = [...document.querySelectorAll('.hits .hit')];
        return hits.length ? hits.map((h) => ({ title: h.querySelector('.title').textContent,
                                                marks: [...h.querySelectorAll('mark')].map((m) => m.textContent) })) : null;`),
    );
    assert.equal(hits.length, 1);
    // Diacritics are ignored by the search; the snippet shows the text as written.
    assert.deepEqual(hits[0].marks, ['Erdoğan']);
    assert.match(hits[0].title, /^Your guide/);

    const [hit] = await app.find('.hits .hit');
    await app.clickElement(hit);
    const seen = await app.waitFor('the match in view', () =>
      app.execute(`const h = document.querySelector('.reader h1');
        if (!h || !h.textContent.startsWith('Your guide')) return null;
        // Find the word's box through a range over the rendered text, only to check the view.
        const root = document.querySelector('[data-testid=document-text]');
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const i = n.data.indexOf('Erdoğan');
          if (i < 0) continue;
          const range = document.createRange();
          range.setStart(n, i);
          range.setEnd(n, i + 7);
          const r = range.getBoundingClientRect();
          const view = document.querySelector('main').getBoundingClientRect();
          return r.top >= view.top && r.bottom <= view.bottom ? range.toString() : null;
        }
        return null;`),
    );
    assert.equal(seen, 'Erdoğan');

    // A malformed query says so instead of failing silently.
    await app.execute(`document.querySelector('input[name=corpus-search]').value = '';`);
    await app.typeInto(box, '"unclosed' + Keys.Enter);
    const problem = await app.waitFor('the refusal', () =>
      app.execute(`return document.querySelector('[data-testid=search-problem]')?.textContent ?? null;`),
    );
    assert.match(problem, /cannot search/);
  });

  it('moves through documents by keyboard', async () => {
    await app.execute(`document.activeElement?.blur();`);
    const current = () => app.execute(`return document.querySelector('.doc.current .title')?.textContent;`);
    const order = await titles();
    const [first] = await app.find('.doc');
    await app.clickElement(first);
    await app.waitFor('the first document', async () => (await current()) === order[0]);
    await app.execute(`document.activeElement?.blur();`);
    await app.press(Keys.ArrowDown, [Keys.Alt]);
    await app.waitFor('the next document', async () => (await current()) === order[1]);
    await app.press(Keys.ArrowUp, [Keys.Alt]);
    await app.waitFor('the previous document', async () => (await current()) === order[0]);

    // In the list, arrows move the focus and Enter opens.
    const [row] = await app.find('.doc');
    await app.execute(`document.querySelector('.doc').focus();`);
    void row;
    await app.press(Keys.ArrowDown);
    await app.press(Keys.ArrowDown);
    await app.press(Keys.Enter);
    await app.waitFor('the third document', async () => (await current()) === order[2]);
  });
});
