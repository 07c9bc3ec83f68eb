// Coding in the side panel: a label changed, attributes and a note set, links drawn and removed,
// the history shown, J/K through the annotations — each stored, and undoable.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { ROOT, annotations, cli, launch, startDriver, tempDir } from './support.mjs';

const FIXTURE = path.join(ROOT, 'tests', 'interop', 'fixture.jsonl');

let driver;
let app;
let project;

before(async () => {
  driver = await startDriver();
  project = path.join(tempDir(), 'coding.claimdesk');
  cli('--project', project, 'import', FIXTURE);
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

/** The relations of the project as (kind, from, to), read with Python's sqlite3. */
function relations() {
  const script =
    'import sqlite3,sys,json; c=sqlite3.connect(sys.argv[1]); print(json.dumps(c.execute("SELECT kind, from_id, to_id FROM relations ORDER BY id").fetchall()))';
  return JSON.parse(execFileSync('python3', ['-c', script, project], { encoding: 'utf8' }));
}

async function openDocument(title) {
  await app.execute(
    `[...document.querySelectorAll('.doc')].find((d) => d.textContent.includes(arguments[0])).click();`,
    title,
  );
  await app.waitFor(title, () =>
    app.execute(`return document.querySelector('.reader h1')?.textContent.includes(arguments[0]);`, title),
  );
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

/** Sets a control as a user's choice would, firing the events Svelte listens to. */
async function choose(selector, value) {
  const ok = await app.execute(
    `const el = document.querySelector(arguments[0]);
     if (!el) return false;
     el.value = arguments[1];
     el.dispatchEvent(new Event('change', { bubbles: true }));
     return true;`,
    selector,
    value,
  );
  assert.ok(ok, `no control ${selector}`);
}

const stored = (id) => annotations(project, 2).find((a) => a.id === id);

describe('the annotation panel', () => {
  it('changes attributes, note and label, each stored and undoable', async () => {
    await openDocument('Rubio and Lavrov');
    const id = await select('Tammy Bruce');
    assert.equal(await app.execute(`return document.querySelector('select[name=attr-kind]').value;`), 'person');

    await choose('select[name=attr-kind]', 'organisation');
    await app.waitFor('the attribute stored', () => stored(id)?.attributes?.kind === 'organisation');

    const [note] = await app.find('textarea[name=annotation-note]');
    await app.typeInto(note, 'State Department spokesperson');
    await app.execute(`document.querySelector('textarea[name=annotation-note]').blur();`);
    await app.waitFor('the note stored', () => stored(id)?.note === 'State Department spokesperson');

    const position = await app.execute(
      `return [...document.querySelectorAll('select[name=annotation-label] option')].find((o) => o.textContent === 'Position').value;`,
    );
    await choose('select[name=annotation-label]', position);
    await app.waitFor('the new label', () => stored(id)?.label === 'Position');
    // A Position has no "kind": the attribute went with the old label.
    assert.deepEqual(stored(id).attributes, {});

    await app.execute(`document.activeElement?.blur();`);
    await app.press('z', [Keys.Control]);
    await app.waitFor('the label back', () => stored(id)?.label === 'Actor');
    assert.deepEqual(stored(id).attributes, { kind: 'organisation' });

    const [toggle] = await app.find('.selected-annotation .actions button[aria-expanded]');
    await app.clickElement(toggle);
    const lines = await app.waitFor('the history', () =>
      app.execute(`const h = document.querySelector('[data-testid=annotation-history]');
        return h ? [...h.querySelectorAll('li')].map((li) => li.textContent) : null;`),
    );
    assert.ok(lines.filter((l) => l.includes('annotation updated')).length >= 3, lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('undo annotation updated')), lines.join('\n'));
  });

  it('draws and removes links between annotations, as the schema allows', async () => {
    const before = relations().length;
    const position = await select('not sufficient');
    const listed = await app.execute(
      `return [...document.querySelectorAll('.relations li')].map((li) => li.textContent.replace(/\\s+/g, ' ').trim());`,
    );
    assert.equal(listed.length, 2);
    assert.ok(listed.some((l) => l.startsWith('held_by → Actor “Tammy Bruce”')), listed.join('|'));

    // Remove "about", then draw it again from the form.
    const aboutId = await app.execute(
      `return [...document.querySelectorAll('.relations li')].find((li) => li.textContent.includes('about')).dataset.relationId;`,
    );
    const [unlink] = await app.find(`.relations li[data-relation-id="${aboutId}"] .unlink`);
    await app.clickElement(unlink);
    await app.waitFor('the link removed', () => relations().length === before - 1);

    await choose('select[name=link-kind]', 'about');
    const targets = await app.execute(
      `return [...document.querySelectorAll('.link-targets [role=option][data-annotation-id]')].map((o) => o.textContent.replace(/\\s+/g, ' ').trim());`,
    );
    // "about" links a Position to a Claim: only the claim is offered, with where it is.
    assert.equal(targets.length, 1);
    assert.match(targets[0], /^Claim “One phone call followed by one meeting i…” ¶2 · …/);
    const claim = await app.execute(
      `return document.querySelector('.link-targets [role=option][data-annotation-id]').dataset.annotationId;`,
    );
    const [box] = await app.find('.selected-annotation input[name=link-filter]');
    await app.clickElement(box);
    await app.press(Keys.Enter);
    await app.waitFor('the link drawn', () => relations().length === before);
    assert.deepEqual(relations().at(-1), ['about', position, Number(claim)]);

    // In the text: pointing at the actor shows what links to it.
    const point = await app.execute(
      `const m = [...document.querySelectorAll('[data-testid=document-text] mark')].find((m) => m.textContent === 'Tammy Bruce');
       m.scrollIntoView({ block: 'center' });
       const r = m.getBoundingClientRect();
       return { x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2 };`,
    );
    await app.hover(point);
    const shown = await app.waitFor('the links of the actor', () =>
      app.execute(`const c = document.querySelector('[data-testid=covering]'); return c?.textContent.includes('←') ? c.textContent : null;`),
    );
    assert.match(shown, /Actor “Tammy Bruce”/);
    assert.match(shown, /← held_by Position “[^”]*not sufficient/);
  });

  it('moves through the annotations with J and K', async () => {
    await app.execute(`document.activeElement?.blur();`);
    const first = await select('Tammy Bruce');
    const order = annotations(project, 2).sort((a, b) => a.start - b.start || b.end - a.end).map((a) => a.id);
    const selectedNow = () => app.execute(`return Number(document.querySelector('.selected-annotation')?.dataset.annotationId);`);
    await app.execute(`document.activeElement?.blur();`);
    await app.press('j');
    const next = order[(order.indexOf(first) + 1) % order.length];
    await app.waitFor('the next annotation', async () => (await selectedNow()) === next);
    await app.press('k');
    await app.waitFor('the previous annotation', async () => (await selectedNow()) === first);

    // In the side list, the arrow keys, Home and End move the selection, and focus goes along.
    await app.execute(`document.querySelector('.annotation-list button[data-annotation-id="' + arguments[0] + '"]').focus();`, first);
    await app.press(Keys.ArrowDown);
    await app.waitFor('the next row', async () => (await selectedNow()) === next);
    assert.equal(await app.execute('return Number(document.activeElement.dataset.annotationId);'), next);
    await app.press(Keys.End);
    await app.waitFor('the last row', async () => (await selectedNow()) === order.at(-1));
    await app.press(Keys.Home);
    await app.waitFor('the first row', async () => (await selectedNow()) === order[0]);
    assert.equal(await app.execute('return Number(document.activeElement.dataset.annotationId);'), order[0]);
  });
});
