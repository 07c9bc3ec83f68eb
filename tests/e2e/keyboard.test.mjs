// The whole loop without a mouse: open a document, read on, select a span, code it, set its
// stance, link it to a speaker far back in the article, undo and redo, export — the keyboard
// always landing where the next step is. Checked against the project file after each step.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { SAMPLE, annotations, cli, launch, startDriver, tempDir, writeProject } from './support.mjs';

// A speaker named first, sixty others after, and the claim at the very end: the first speaker
// is far outside the nearest annotations a drop-down could list.
const speakers = Array.from({ length: 60 }, (_, i) => `Speaker ${String(i + 1).padStart(2, '0')}`);
const TEXT =
  'Ana Far opened the talks in Riyadh.\n\n' +
  speakers.map((s) => `${s} said the talks went on and on, as talks do in that city.`).join('\n\n') +
  '\n\nThe envoy warned that peace is still far off, whatever the ministers said.\n';

let driver;
let app;
let project;
let ids;
let dir;

before(async () => {
  driver = await startDriver();
  dir = tempDir();
  project = path.join(dir, 'keyboard.claimdesk');
  const jsonl = path.join(dir, 'keyboard.jsonl');
  ids = writeProject(jsonl, TEXT, [['Ana Far', 'Actor'], ...speakers.map((s) => [s, 'Actor'])]);
  cli('--project', project, 'import', jsonl, SAMPLE);
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

const focused = () =>
  app.execute(`const e = document.activeElement;
    return e === document.querySelector('.shell main') ? 'text' : e?.getAttribute('name') ?? e?.tagName.toLowerCase() ?? null;`);
const title = () => app.execute(`return document.querySelector('.reader h1')?.textContent ?? null;`);
const stored = () => annotations(project, 1);
function relations() {
  const script =
    'import sqlite3,sys,json; c=sqlite3.connect(sys.argv[1]); print(json.dumps(c.execute("SELECT kind, from_id, to_id FROM relations ORDER BY id").fetchall()))';
  return JSON.parse(execFileSync('python3', ['-c', script, project], { encoding: 'utf8' }));
}

describe('keyboard only', () => {
  it('opens, reads, selects, codes, sets the stance, links far back, undoes and exports', async () => {
    // Open: the next and previous document, the keyboard in the text.
    await app.waitFor('the first document', async () => (await title()) === 'Fixture');
    await app.press(Keys.ArrowDown, [Keys.Alt]);
    await app.waitFor('the next document', async () => (await title()) !== 'Fixture');
    await app.press(Keys.ArrowUp, [Keys.Alt]);
    await app.waitFor('the first document again', async () => (await title()) === 'Fixture');
    await app.waitFor('the keyboard in the text', async () => (await focused()) === 'text');

    // Read on: Page Down scrolls the text; End goes to its end.
    const scrolled = () => app.execute(`return document.querySelector('.shell main').scrollTop;`);
    assert.equal(await scrolled(), 0);
    await app.press(Keys.PageDown);
    await app.waitFor('the text scrolled', async () => (await scrolled()) > 100);
    await app.press(Keys.End);
    await app.waitFor('the end of the text', () =>
      app.execute(`const m = document.querySelector('.shell main'); return m.scrollTop + m.clientHeight >= m.scrollHeight - 2;`),
    );

    // Select from the first word in view with Shift+Ctrl+→, and code it as a Position (3).
    for (let i = 0; i < 3; i++) await app.press(Keys.ArrowRight, [Keys.Shift, Keys.Control]);
    const selected = await app.execute(`return window.getSelection().toString();`);
    assert.ok(selected.trim().length > 3, `selected “${selected}”`);
    assert.ok(TEXT.includes(selected));
    const before = stored().length;
    await app.press('3');
    const position = await app.waitFor('the position stored', () => stored().find((a) => a.label === 'Position'));
    assert.equal(position.quote, selected);
    assert.equal(stored().length, before + 1);
    assert.equal(await focused(), 'text');

    // Its panel is the next Tab: the label, then the stance. Arrows choose, Enter stores once.
    await app.press(Keys.Tab);
    assert.equal(await focused(), 'annotation-label');
    await app.press(Keys.Tab);
    assert.equal(await focused(), 'attr-stance');
    await app.press(Keys.ArrowDown);
    await app.press(Keys.ArrowDown);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(stored().find((a) => a.id === position.id).attributes, {}, 'arrows alone store nothing');
    await app.press(Keys.Enter);
    await app.waitFor('the stance stored', () => stored().find((a) => a.id === position.id).attributes.stance === 'oppose');
    // One choice, one undo step — also from the drop-down.
    await app.press('z', [Keys.Control]);
    await app.waitFor('the stance undone', () => stored().find((a) => a.id === position.id).attributes.stance === undefined);
    await app.press('z', [Keys.Control, Keys.Shift]);
    await app.waitFor('the stance redone', () => stored().find((a) => a.id === position.id).attributes.stance === 'oppose');

    // Escape leaves the panel for the text; L links: type the far speaker's name, Enter.
    await app.press(Keys.Escape);
    assert.equal(await focused(), 'text');
    await app.press('l');
    assert.equal(await focused(), 'link-filter');
    const [box] = await app.find('input[name=link-filter]');
    await app.typeInto(box, 'Ana Far');
    await app.waitFor('the far speaker offered', () =>
      app.execute(`return document.querySelector('.link-targets [aria-selected=true]')?.dataset.annotationId;`).then((id) => Number(id) === ids.get('Ana Far')),
    );
    await app.press(Keys.Enter);
    const link = ['held_by', position.id, ids.get('Ana Far')];
    await app.waitFor('the link stored', () => relations().some((r) => JSON.stringify(r) === JSON.stringify(link)));

    // Undo and redo the link from the text.
    await app.press(Keys.Escape);
    assert.equal(await focused(), 'text');
    await app.press('z', [Keys.Control]);
    await app.waitFor('the link undone', () => !relations().some((r) => JSON.stringify(r) === JSON.stringify(link)));
    await app.press('y', [Keys.Control]);
    await app.waitFor('the link redone', () => relations().some((r) => JSON.stringify(r) === JSON.stringify(link)));

    // Export: Ctrl+E, Tab to where it goes, type it, Enter; the dialog closes, the keyboard returns.
    await app.press('e', [Keys.Control]);
    await app.waitFor('the export dialog', async () => (await focused()) === 'format');
    for (let i = 0; i < 20 && (await focused()) !== 'destination'; i++) await app.press(Keys.Tab);
    assert.equal(await focused(), 'destination');
    const out = path.join(dir, 'coded.jsonl');
    const [destination] = await app.find('input[name=destination]');
    await app.typeInto(destination, out);
    await app.press(Keys.Enter);
    await app.waitFor('the export written', () => app.execute(`return !!document.querySelector('[data-testid=export-result]') && !document.querySelector('dialog[open]');`), 20_000);
    assert.ok(existsSync(out));
    assert.match(readFileSync(out, 'utf8'), /"quote":"Ana Far"/);
    assert.equal(await focused(), 'text');
  });
});
