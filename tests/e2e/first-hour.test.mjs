// What a new analyst's first hour turned up, each checked in the real app: a search hit marked
// in the text, the reading place kept across a restart, the article header shown as a header,
// full views left with Escape, a toolbar on one row, dates and sources unbroken, a highlight
// drawn at once and taken back when the project refuses the write, dialogs that keep Tab,
// Ctrl+F back into its box, a label button reached by Tab coding the selection, and highlights
// told apart by more than hue.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { ROOT, SAMPLE, annotations, cli, launch, selectText, startDriver, tempDir } from './support.mjs';

const FIXTURE = path.join(ROOT, 'tests', 'interop', 'fixture.jsonl');

let driver;
let app;
let project;
let config;

before(async () => {
  const dir = tempDir();
  config = path.join(dir, 'config');
  project = path.join(dir, 'first-hour.claimdesk');
  cli('--project', project, 'import', FIXTURE, SAMPLE);
  driver = await startDriver({ XDG_CONFIG_HOME: config });
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

const title = () => app.execute(`return document.querySelector('.reader h1')?.textContent ?? null;`);
const status = () => app.execute(`return document.querySelector('.status [role=status]').textContent;`);
const focusedName = () =>
  app.execute(`const e = document.activeElement; return e === document.querySelector('.shell main') ? 'text' : e?.getAttribute('name') ?? e?.className ?? null;`);

async function openDocument(part) {
  await app.execute(`[...document.querySelectorAll('.doc')].find((d) => d.textContent.includes(arguments[0])).click();`, part);
  await app.waitFor(part, async () => (await title())?.includes(part));
}

/** The id of the sample article (imported second), from the CLI's list. */
function sampleId() {
  const line = cli('--project', project, 'list').split('\n').find((l) => l.includes('Your guide'));
  return Number(line.split('\t')[0]);
}

describe('the first hour', () => {
  it('marks the search hit it opens, so a label key codes it', async () => {
    await app.press('k', [Keys.Control]);
    const [box] = await app.find('input[name=corpus-search]');
    await app.typeInto(box, 'sufficient');
    await app.press(Keys.Enter);
    await app.waitFor('the hits', async () => (await app.find('.hit')).length > 0);
    await app.execute(`document.querySelector('.hit').click();`);
    const marked = await app.waitFor('the match selected', () =>
      app.execute(`const s = window.getSelection().toString(); return s.length > 0 ? s : null;`),
    );
    assert.equal(marked.toLowerCase(), 'sufficient');
    assert.equal(await focusedName(), 'text');
  });

  it('shows the date header line as a header, kept in the text', async () => {
    await openDocument('Your guide');
    const header = await app.execute(`return document.querySelector('.block.article-header')?.textContent ?? null;`);
    assert.equal(header.trim(), 'date 2025-02-18 Your guide to what the 2024 US election means for Washington and the world');
    // The body is not part of it, and offsets still count the header (the text is unchanged).
    assert.ok(!header.includes('Russia'));
    const text = readFileSync(SAMPLE, 'utf8');
    assert.ok(await app.execute(`return document.querySelector('[data-testid=document-text]').textContent === arguments[0];`, text));
  });

  it('leaves the statements, entities and schema views with Escape, also from a field', async () => {
    for (const view of ['statements', 'entities', 'schema']) {
      await app.execute(`document.querySelector('button[name=view-${view}]').click();`);
      await app.waitFor(view, () => app.execute(`return document.querySelector('.shell').dataset.view === arguments[0];`, view));
      assert.equal((await app.find('[data-testid=document-text]')).length, 0, 'a full view replaces the text');
      if (view === 'schema') {
        // The choices of an attribute are shown whole, not cut off.
        const cut = await app.execute(
          `return [...document.querySelectorAll('input[name=attribute-options]')].filter((i) => i.scrollWidth > i.clientWidth).map((i) => i.value);`,
        );
        assert.deepEqual(cut, []);
        await app.execute(`document.querySelector('input[name=label-name]').focus();`);
        // From a field, the first Escape leaves the field (what was typed stays), the second the view.
        await app.press(Keys.Escape);
        assert.equal(await app.execute(`return document.querySelector('.shell').dataset.view;`), 'schema');
      }
      await app.press(Keys.Escape);
      await app.waitFor('the text again', async () => (await app.find('[data-testid=document-text]')).length === 1);
    }
    // And from the keyboard: Ctrl+2 is the statements, Ctrl+1 the text.
    await app.press('2', [Keys.Control]);
    await app.waitFor('the statements', async () => (await app.find('.statements')).length === 1);
    const wrapped = await app.execute(
      `return [...document.querySelectorAll('.statements td.nowrap')].filter((td) => {
         const r = document.createRange(); r.selectNodeContents(td);
         return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size > 1;
       }).map((td) => td.textContent);`,
    );
    assert.deepEqual(wrapped, [], 'dates and sources stay on one line');
    await app.press('1', [Keys.Control]);
    await app.waitFor('the text', async () => (await app.find('[data-testid=document-text]')).length === 1);
  });

  it('keeps the toolbar on one row and the search hint whole, at the default size and at 1024×700', async () => {
    for (const [width, height] of [[1200, 800], [1024, 700]]) {
      await app.command('POST', '/window/rect', { width, height });
      await app.waitFor(`${width} wide`, () => app.execute(`return innerWidth === arguments[0];`, width));
      const layout = await app.execute(
        `const bar = document.querySelector('.toolbar');
         // A second row starts below the first button's bottom edge.
         const boxes = [...bar.querySelectorAll('button')].map((b) => b.getBoundingClientRect());
         const rows = boxes.some((b) => b.top >= boxes[0].bottom) ? 2 : 1;
         const input = document.querySelector('input[name=corpus-search]');
         const style = getComputedStyle(input);
         const ctx = document.createElement('canvas').getContext('2d');
         ctx.font = style.font;
         const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
         return { rows, hint: ctx.measureText(input.placeholder).width, room };`,
      );
      assert.equal(layout.rows, 1, `toolbar rows at ${width}×${height}`);
      assert.ok(layout.hint <= layout.room, `the search hint fits at ${width}: ${layout.hint} > ${layout.room}`);
    }
    await app.command('POST', '/window/rect', { width: 1200, height: 800 });
  });

  it('draws a highlight at once and takes it back, saying why, when the project refuses the write', async () => {
    await openDocument('Your guide');
    const before = annotations(project, sampleId()).length;
    // Another program holds the project's write lock for longer than a writer waits (5 s).
    const holder = spawn('python3', [
      '-c',
      'import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute("BEGIN IMMEDIATE"); print("locked", flush=True); time.sleep(8); c.execute("ROLLBACK")',
      project,
    ]);
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    await selectText(app, 'Tammy Bruce');
    await app.press('1');
    await app.waitFor('the pending highlight', async () => (await app.find('mark.pending')).length > 0, 1000);
    await app.waitFor('the highlight taken back', async () => (await app.find('mark.pending')).length === 0, 10_000);
    await app.waitFor('the status /nothing was saved/', async () => /nothing was saved/.test(await status()));
    await app.waitFor('the status /another program is writing to', async () => /another program is writing to the project/.test(await status()));
    assert.equal(annotations(project, sampleId()).length, before);
    await new Promise((resolve) => holder.once('exit', resolve));
    // Once the project is free, the same key codes it.
    await selectText(app, 'Tammy Bruce');
    await app.press('1');
    await app.waitFor('stored now', () => annotations(project, sampleId()).length === before + 1);
    await app.waitFor('drawn as stored', async () => (await app.find('mark.pending')).length === 0);
  });

  it('keeps Tab inside a dialog, and Ctrl+F goes back into the open find box', async () => {
    await app.press('?');
    await app.waitFor('the help', async () => (await app.find('dialog.help[open]')).length === 1);
    for (let i = 0; i < 12; i++) await app.press(Keys.Tab);
    assert.ok(await app.execute(`return document.querySelector('dialog.help').contains(document.activeElement);`));
    await app.press(Keys.Escape);
    await app.waitFor('the help closed', async () => (await app.find('dialog[open]')).length === 0);

    await app.press('f', [Keys.Control]);
    await app.waitFor('the find box', async () => (await focusedName()) === 'find-pattern');
    await app.execute(`document.querySelector('.shell main').focus();`);
    await app.press('f', [Keys.Control]);
    await app.waitFor('back in the find box', async () => (await focusedName()) === 'find-pattern');
    await app.press(Keys.Escape);
  });

  it('codes the selection with a label button reached by Tab', async () => {
    await openDocument('Your guide');
    const before = annotations(project, sampleId()).filter((a) => a.quote === 'Rubio').length;
    await selectText(app, 'Rubio');
    await app.execute(`document.querySelector('.shell main').focus({ preventScroll: true });`);
    for (let i = 0; i < 60 && !(await focusedName())?.includes('label-button'); i++) await app.press(Keys.Tab, [Keys.Shift]);
    assert.match(await focusedName(), /label-button/);
    await app.press(Keys.Enter);
    await app.waitFor('coded from the button', () => annotations(project, sampleId()).filter((a) => a.quote === 'Rubio').length === before + 1);
  });

  it('tells labels apart by line style and names them to assistive technology', async () => {
    await openDocument('Hostile');
    const looks = await app.execute(
      `const marks = [...document.querySelectorAll('[data-testid=document-text] mark:not(.stacked)')];
       const byLabel = {};
       for (const m of marks) {
         const style = getComputedStyle(m);
         byLabel[m.dataset.labels] = {
           line: style.borderBottomStyle, colour: style.borderBottomColor,
           named: (m.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent).join(' + '),
         };
       }
       return { byLabel, page: getComputedStyle(document.querySelector('.shell')).backgroundColor };`,
    );
    const { Actor, Claim, Position } = looks.byLabel;
    assert.ok(Actor && Claim && Position, JSON.stringify(looks.byLabel));
    assert.equal(new Set([Actor.line, Claim.line, Position.line]).size, 3);
    assert.deepEqual([Actor.named, Claim.named, Position.named], ['Actor', 'Claim', 'Position']);
    for (const [name, look] of Object.entries({ Actor, Claim, Position })) {
      assert.ok(contrast(look.colour, looks.page) >= 3, `${name} line ${look.colour} against ${looks.page}`);
    }
  });

  it('opens the document and the place the analyst was reading after a restart', async () => {
    await openDocument('Your guide');
    await app.execute(`document.querySelector('.shell main').scrollTop = 700;`);
    const settings = path.join(config, 'claimdesk', 'settings.json');
    await app.waitFor('the place remembered', () => {
      if (!existsSync(settings)) return false;
      const place = Object.values(JSON.parse(readFileSync(settings, 'utf8')).places ?? {})[0];
      return place && place.document === sampleId() && place.offset > 0;
    });
    const seen = await app.execute(`return document.querySelector('.shell main').scrollTop;`);
    await app.end();
    app = await launch(driver, ['--project', project]);
    await app.waitFor('the same document', async () => (await title())?.includes('Your guide'));
    const now = await app.execute(`return document.querySelector('.shell main').scrollTop;`);
    assert.ok(Math.abs(now - seen) < 120, `scrolled to ${now}, was ${seen}`);
  });
});

/** WCAG contrast of two CSS rgb() colours. */
function contrast(a, b) {
  const lum = (css) => {
    const [r, g, bl] = css.match(/\d+(\.\d+)?/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}
