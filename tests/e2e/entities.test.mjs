// Who says what: mentions linked to canonical entities (created, renamed, merged, the merge
// undone, mentions listed and jumped to) and the statements table derived from the coding.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { ROOT, cli, launch, startDriver, tempDir } from './support.mjs';

const FIXTURE = path.join(ROOT, 'tests', 'interop', 'fixture.jsonl');

let driver;
let app;
let project;

before(async () => {
  driver = await startDriver();
  project = path.join(tempDir(), 'entities.claimdesk');
  cli('--project', project, 'import', FIXTURE);
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

function sql(query) {
  const script = 'import sqlite3,sys,json; c=sqlite3.connect(sys.argv[1]); print(json.dumps(c.execute(sys.argv[2]).fetchall()))';
  return JSON.parse(execFileSync('python3', ['-c', script, project, query], { encoding: 'utf8' }));
}

async function openDocument(title) {
  await app.execute(`[...document.querySelectorAll('.doc')].find((d) => d.textContent.includes(arguments[0])).click();`, title);
  await app.waitFor(title, () => app.execute(`return document.querySelector('.reader h1')?.textContent.includes(arguments[0]);`, title));
}

async function select(quote) {
  await app.execute(
    `[...document.querySelectorAll('.annotation-list button')].find((b) => b.querySelector('.quote').textContent === arguments[0]).click();`,
    quote,
  );
  return app.waitFor(`the panel of “${quote}”`, () =>
    app.execute(
      `const p = document.querySelector('.selected-annotation');
       return p && p.querySelector('blockquote').textContent === arguments[0] ? Number(p.dataset.annotationId) : null;`,
      quote,
    ),
  );
}

const entityShown = () =>
  app.execute(`const s = document.querySelector('select[name=annotation-entity]'); return s?.selectedOptions[0]?.textContent ?? null;`);

const entityRows = () =>
  app.execute(`return [...document.querySelectorAll('.entity-list button')].map((b) => b.textContent.replace(/\\s+/g, ' ').trim());`);

async function click(selector) {
  const [element] = await app.waitFor(selector, async () => {
    const found = await app.find(selector);
    return found.length ? found : null;
  });
  await app.clickElement(element);
}

async function choose(selector, value) {
  await app.execute(
    `const el = document.querySelector(arguments[0]); el.value = arguments[1]; el.dispatchEvent(new Event('change', { bubbles: true }));`,
    selector,
    value,
  );
}

describe('entities and statements', () => {
  it('links a mention to a new entity, merges entities and undoes the merge', async () => {
    await openDocument('Hostile');
    await select('Putin (Путин)');
    await app.waitFor('the linked entity', async () => (await entityShown()) === 'Vladimir Putin');

    const minister = await select('الوزير');
    await app.waitFor('no entity yet', async () => (await entityShown()) === 'no actor');
    await click('.selected-annotation button[name=new-entity]');
    await app.waitFor('the new entity linked', async () => (await entityShown()) === 'الوزير');
    const [[linked]] = sql(`SELECT e.name FROM annotations a JOIN entities e ON e.id = a.entity_id WHERE a.id = ${minister}`);
    assert.equal(linked, 'الوزير');

    await click('.toolbar button[title^="Canonical actors and concepts"]');
    await app.waitFor('the actors', async () => (await entityRows()).length === 4);
    assert.deepEqual(await entityRows(), ['Tammy Bruce 1', 'Vladimir Putin 2', 'Volodymyr Zelensky 1', 'الوزير 1']);

    // Merge the minister into Putin: one actor with three mentions, the name kept as an alias.
    const putin = await app.execute(`return [...document.querySelectorAll('.entity-list button')].find((b) => b.textContent.includes('Vladimir Putin')).dataset.entityId;`);
    await click(`.entity-list button[data-entity-id="${putin}"]`);
    const other = await app.waitFor('the merge list', () =>
      app.execute(`return [...document.querySelectorAll('select[name=merge-from] option')].find((o) => o.textContent === 'الوزير')?.value ?? null;`),
    );
    await choose('select[name=merge-from]', other);
    await click('.entity-merge button');
    await app.waitFor('the merge', async () => JSON.stringify(await entityRows()) === JSON.stringify(['Tammy Bruce 1', 'Vladimir Putin 3', 'Volodymyr Zelensky 1']));
    assert.match(await app.execute(`return document.querySelector('input[name=entity-aliases]').value;`), /الوزير/);

    await app.execute(`document.activeElement?.blur();`);
    await app.press('z', [Keys.Control]);
    await app.waitFor('the merge undone', () =>
      sql(`SELECT count(*) FROM annotations WHERE entity_id = ${putin}`)[0][0] === 2 && sql(`SELECT count(*) FROM entities`)[0][0] === 5,
    );
  });

  it('renames an entity and jumps to its mentions', async () => {
    const tammy = await app.execute(`return [...document.querySelectorAll('.entity-list button')].find((b) => b.textContent.includes('Tammy Bruce'))?.dataset.entityId;`);
    await click(`.entity-list button[data-entity-id="${tammy}"]`);
    await app.execute(`const i = document.querySelector('input[name=entity-name]'); i.value = 'Tammy Bruce (State Department)'; i.dispatchEvent(new Event('input', { bubbles: true }));`);
    await click('.entity-edit button[type=submit]');
    await app.waitFor('the new name', () => sql(`SELECT name FROM entities WHERE id = ${tammy}`)[0][0] === 'Tammy Bruce (State Department)');

    await click('.mentions button');
    await app.waitFor('the mention open and selected', () =>
      app.execute(`return document.querySelector('.reader h1')?.textContent.includes('Rubio')
        && document.querySelector('.selected-annotation blockquote')?.textContent === 'Tammy Bruce';`),
    );
  });

  it('shows the statements, filters and sorts them, and jumps to a claim', async () => {
    await click('.toolbar button[title^="The statements table"]');
    const count = await app.waitFor('the statements', () => app.execute(`return document.querySelector('[data-testid=statement-count]')?.textContent ?? null;`));
    assert.equal(count, '4 of 4 statements');
    const rows = () =>
      app.execute(`return [...document.querySelectorAll('.statements tbody tr')].map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent.trim()));`);
    await click('.statements th button[data-column=actor]');
    const sorted = await rows();
    assert.deepEqual(sorted.map((r) => r[0]), ['Tammy Bruce (State Department)', 'Vladimir Putin', 'Volodymyr Zelensky', 'الوزير']);
    assert.deepEqual(sorted[0], ['Tammy Bruce (State Department)', 'One phone call followed by one meeting is not sufficient to establish enduring peace.', 'oppose']);

    const [filter] = await app.find('input[name=statement-filter]');
    await app.typeInto(filter, 'oppose');
    await app.waitFor('the filtered table', async () => (await rows()).length === 2);

    await click('.statements tbody tr .jump');
    await app.waitFor('the claim in the reader', () =>
      app.execute(`return document.querySelector('.selected-annotation blockquote')?.textContent.startsWith('One phone call') ?? false;`),
    );
  });
});
