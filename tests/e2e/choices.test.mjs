// Every choice in the side panel is stored, also when it repeats the previous choice made in the
// same drop-down for another annotation (the webview fires no change event for an option it
// last reported, even after the program showed another value). Options are clicked through
// WebDriver, as a user picks them; the project file is read after each choice.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { annotations, cli, launch, startDriver, tempDir, writeProject } from './support.mjs';

const TEXT =
  'Ana Ames said the truce will hold. Ben Berg said the truce will fail. ' +
  'Cy Cole agreed with Ana. Dee Dunn disagreed with Ben. Eve Ek said nothing.';

const SPANS = [
  ['Ana Ames', 'Actor'],
  ['Ben Berg', 'Actor'],
  ['Cy Cole', 'Actor'],
  ['the truce will hold', 'Claim'],
  ['the truce will fail', 'Claim'],
  ['agreed', 'Position'],
  ['disagreed', 'Position'],
  ['said nothing', 'Position'],
];

let driver;
let app;
let project;
let ids;

before(async () => {
  driver = await startDriver();
  const dir = tempDir();
  project = path.join(dir, 'choices.claimdesk');
  const jsonl = path.join(dir, 'choices.jsonl');
  ids = writeProject(jsonl, TEXT, SPANS, [
    { id: 1, kind: 'actor', name: 'Ana Ames', aliases: [] },
    { id: 2, kind: 'actor', name: 'Ben Berg', aliases: [] },
  ]);
  cli('--project', project, 'import', jsonl);
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

const stored = (quote) => annotations(project, 1).find((a) => a.id === ids.get(quote));

/** The entity an annotation is linked to, read from the project file. */
function entityOf(quote) {
  const script =
    'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute("SELECT entity_id FROM annotations WHERE id=?", (int(sys.argv[2]),)).fetchone(); print(r[0] if r and r[0] is not None else "")';
  const out = execFileSync('python3', ['-c', script, project, String(ids.get(quote))], { encoding: 'utf8' }).trim();
  return out === '' ? null : Number(out);
}

function relations() {
  const script =
    'import sqlite3,sys,json; c=sqlite3.connect(sys.argv[1]); print(json.dumps(c.execute("SELECT kind, from_id, to_id FROM relations ORDER BY id").fetchall()))';
  return JSON.parse(execFileSync('python3', ['-c', script, project], { encoding: 'utf8' }));
}

async function select(quote) {
  const id = ids.get(quote);
  await app.execute(`document.querySelector('.annotation-list [data-annotation-id="${id}"]').click();`);
  await app.waitFor(`the panel of “${quote}”`, () =>
    app.execute(`return document.querySelector('.selected-annotation')?.dataset.annotationId === arguments[0];`, String(id)),
  );
}

/** Clicks the option shown as `text` in the panel's drop-down `name`, as a user picks it. */
async function pick(name, text) {
  const index = await app.execute(
    `return [...document.querySelectorAll('.selected-annotation select[name="${name}"] option')].findIndex((o) => o.textContent.trim() === arguments[0]);`,
    text,
  );
  assert.ok(index >= 0, `no option “${text}” in ${name}`);
  const options = await app.find(`.selected-annotation select[name="${name}"] option`);
  await app.clickElement(options[index]);
}

describe('choices in the side panel', () => {
  it('stores the same stance chosen for three positions in a row', async () => {
    for (const quote of ['agreed', 'disagreed', 'said nothing']) {
      await select(quote);
      await pick('attr-stance', 'oppose');
      await app.waitFor(`the stance of “${quote}” stored`, () => stored(quote)?.attributes.stance === 'oppose');
      // The file may have it a moment before the window has said so.
      await app.waitFor('the status line', async () =>
        /Set stance/.test(await app.execute(`return document.querySelector('.status [role=status]').textContent;`)),
      );
    }
  });

  it('stores a stance chosen again after an undo put the old one back', async () => {
    await select('said nothing');
    await app.execute(`document.activeElement?.blur();`);
    await app.press('z', [Keys.Control]);
    await app.waitFor('the stance undone', () => stored('said nothing')?.attributes.stance === undefined);
    await app.waitFor('the panel showing no stance', () =>
      app.execute(`return document.querySelector('.selected-annotation select[name="attr-stance"]')?.value === '';`),
    );
    await pick('attr-stance', 'oppose');
    await app.waitFor('the stance stored again', () => stored('said nothing')?.attributes.stance === 'oppose');
  });

  it('stores the same entity chosen for two mentions in a row', async () => {
    for (const quote of ['Ana Ames', 'Cy Cole']) {
      await select(quote);
      await pick('annotation-entity', 'Ana Ames');
      await app.waitFor(`the entity of “${quote}” stored`, () => entityOf(quote) === 1);
    }
  });

  it('stores the same label chosen for two claims in a row', async () => {
    for (const quote of ['the truce will hold', 'the truce will fail']) {
      await select(quote);
      await pick('annotation-label', 'Position');
      await app.waitFor(`“${quote}” stored as a Position`, () => stored(quote)?.label === 'Position');
    }
  });

  it('stores a link to the same target drawn from two annotations in a row', async () => {
    const before = relations().length;
    for (const quote of ['agreed', 'disagreed']) {
      await select(quote);
      await pick('link-kind', 'held_by');
      // The target is typed, as the keyboard finds it; any annotation of the document is reachable.
      const [box] = await app.find('.selected-annotation input[name=link-filter]');
      await app.typeInto(box, 'Cy');
      await app.waitFor('one target left', () =>
        app.execute(`return document.querySelectorAll('.link-targets [role=option][data-annotation-id]').length === 1;`),
      );
      await app.press(Keys.Enter);
      await app.waitFor(`the link from “${quote}” stored`, () =>
        relations().some(([kind, from, to]) => kind === 'held_by' && from === ids.get(quote) && to === ids.get('Cy Cole')),
      );
    }
    assert.equal(relations().length, before + 2);
  });
});
