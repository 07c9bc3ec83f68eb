// Suggestions in the real app: found as the document opens, drawn as ghost highlights, walked
// and decided with the keyboard (accept, reject, edit the boundaries, accept all), each decision
// stored as the CLI reads it (code points, after emoji, flags, ZWJ and CRLF), undone with
// Ctrl+Z, a rejection kept through a restart; a run over all documents reports its progress and
// "Next document with suggestions" walks them.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { annotations, cli, launch, startDriver, tempDir, writeProject } from './support.mjs';

const TEXT =
  'Talks in Riyadh\r\n\r\n👩‍👩‍👧 🇺🇦 Café e\u0301 — “We are ready to talk,” Tammy Bruce said on Tuesday.\r\n\r\n' +
  'Sergei Lavrov arrived late. The ministers met for four hours.\r\n\r\n' +
  'Officials said the talks would resume in Geneva next week.\r\n\r\n' +
  'According to the ministry, the meeting was constructive. “Nothing is agreed yet,” Lavrov told reporters.\r\n\r\n' +
  'The envoy warned that sanctions would stay in place until a ceasefire holds.\r\n';

let driver;
let app;
let dir;
let project;

async function start() {
  app = await launch(driver, ['--project', project]);
  await app.waitFor('the suggestions', async () => (await options()).length > 0, 20_000);
}

before(async () => {
  dir = tempDir();
  project = path.join(dir, 'suggestions.claimdesk');
  const jsonl = path.join(dir, 'suggestions.jsonl');
  writeProject(jsonl, TEXT, [], [
    { id: 1, kind: 'actor', name: 'Sergei Lavrov', aliases: [] },
    { id: 2, kind: 'actor', name: 'Tammy Bruce', aliases: ['Bruce'] },
  ]);
  cli('--project', project, 'import', jsonl);
  driver = await startDriver({ CLAIMDESK_ANNOTATOR: 'ana', XDG_CONFIG_HOME: path.join(dir, 'config') });
  await start();
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

/** The listed suggestions: key and text. */
const options = () =>
  app.execute(
    `return [...document.querySelectorAll('[data-testid=suggestions] [role=option]')].map((o) => ({ key: o.dataset.key, text: o.textContent.trim(), current: o.getAttribute('aria-selected') === 'true' }));`,
  );
const status = () => app.execute(`return document.querySelector('.status [role=status]')?.textContent.trim() ?? '';`);
const focusText = () => app.execute(`document.querySelector('main').focus();`);
/** The CLI's view of the open suggestions of a coder. */
const cliSuggestions = (coder) =>
  cli('--project', project, 'suggest', '--as', coder, '--documents', '1')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
/** Slices the text by code points, as the offsets count. */
const slice = (start, end) => [...TEXT].slice(start, end).join('');

describe('suggestions', () => {
  it('draws ghost highlights, distinct from every label, with a list beside the text', async () => {
    const listed = await options();
    assert.ok(listed.some((o) => o.text.includes('We are ready to talk') && o.text.includes('Tammy Bruce')), JSON.stringify(listed));
    assert.ok(listed.some((o) => /^Mention/i.test(o.text) && o.text.includes('Sergei Lavrov')), JSON.stringify(listed));
    const ghosts = await app.execute(`return [...document.querySelectorAll('[data-testid=document-text] .ghost')].map((m) => m.textContent);`);
    assert.ok(ghosts.some((g) => g.includes('Tammy Bruce')), JSON.stringify(ghosts));
    // Not a label's highlight: no label colour, a dashed outline.
    const look = await app.execute(
      `const m = document.querySelector('[data-testid=document-text] .ghost:not(.current)'); const s = getComputedStyle(m); return { outline: s.outlineStyle, element: m.localName, ids: m.dataset.annotationIds ?? null };`,
    );
    assert.deepEqual(look, { outline: 'dashed', element: 'span', ids: null }, 'not an annotation’s highlight');
    // The CLI lists what the app lists, for the same coder.
    assert.deepEqual(
      cliSuggestions('ana').map((s) => s.key).sort(),
      listed.map((o) => o.key).sort(),
    );
  });

  it('accepts with the keyboard: the coder’s Claim and Actor, linked, at code-point offsets', async () => {
    await focusText();
    await app.press('n');
    await app.waitFor('the list has the keyboard', async () =>
      app.execute(`return document.activeElement?.getAttribute('role') === 'listbox';`),
    );
    await app.waitFor('the current suggestion outlined', async () => (await app.find('[data-testid=document-text] .current')).length > 0);
    const first = (await options()).find((o) => o.current);
    const found = cliSuggestions('ana').find((s) => s.key === first.key);
    assert.ok(found.content, 'an attribution first');
    await app.press('a');
    await app.waitFor('accepted', async () => /^Accepted/.test(await status()));
    const stored = annotations(project, 1);
    const claim = stored.find((a) => a.label === 'Claim');
    const actor = stored.find((a) => a.label === 'Actor');
    assert.equal(claim.quote, found.content.quote);
    assert.equal(slice(claim.start, claim.end), claim.quote, 'code points, end exclusive');
    assert.equal(actor.quote, found.source.quote);
    assert.equal(claim.annotator, 'ana');
    assert.equal(actor.entity_id, 2, 'linked to Tammy Bruce');
    assert.ok(!(await options()).some((o) => o.key === first.key), 'no longer suggested');
    // Now a real highlight.
    await app.waitFor('drawn as annotations', async () =>
      app.execute(`return [...document.querySelectorAll('[data-testid=document-text] mark')].some((m) => m.textContent.includes('Tammy Bruce'));`),
    );
    // Ctrl+Z takes the whole acceptance back; the suggestion is open again.
    await app.press('z', [Keys.Control]);
    await app.waitFor('undone', async () => (await options()).some((o) => o.key === first.key));
    assert.equal(annotations(project, 1).length, 0);
    await app.press('z', [Keys.Control, Keys.Shift]);
    await app.waitFor('redone', async () => !(await options()).some((o) => o.key === first.key));
    assert.equal(annotations(project, 1).length, 2);
  });

  it('rejects for good: not suggested again after a restart, but still to another coder', async () => {
    await app.execute(`document.querySelector('[data-testid=suggestions] [role=listbox]').focus();`);
    const before = await options();
    const target = before.find((o) => o.current) ?? before[0];
    await app.press('r');
    await app.waitFor('rejected', async () => /^Rejected/.test(await status()));
    assert.ok(!(await options()).some((o) => o.key === target.key));
    await app.end();
    await start();
    assert.ok(!(await options()).some((o) => o.key === target.key), 'still rejected after a restart');
    assert.ok(!cliSuggestions('ana').some((s) => s.key === target.key));
    assert.ok(cliSuggestions('ben').some((s) => s.key === target.key), 'another coder still gets it');
  });

  it('edits a claim’s boundaries in the text before accepting it', async () => {
    const listed = await options();
    const all = cliSuggestions('ana');
    const attribution = all.find((s) => s.kind === 'attribution' && listed.some((o) => o.key === s.key));
    assert.ok(attribution, JSON.stringify(all));
    const index = listed.findIndex((o) => o.key === attribution.key);
    await app.execute(`document.querySelector('[data-testid=suggestions] [role=listbox]').focus();`);
    for (let i = 0; i < index; i++) await app.press(Keys.ArrowDown);
    await app.waitFor('it is current', async () => (await options())[index]?.current === true);
    await app.press('e');
    await app.waitFor('its content selected', async () =>
      (await app.execute(`return window.getSelection().toString();`)) === attribution.content.quote,
    );
    // Three characters shorter at the end, then the start moved a character on (O swaps ends).
    for (let i = 0; i < 3; i++) await app.press(Keys.ArrowLeft, [Keys.Shift]);
    await app.press('o');
    await app.press(Keys.ArrowRight, [Keys.Shift]);
    await app.press(Keys.Enter);
    await app.waitFor('accepted', async () => /^Accepted/.test(await status()));
    const expected = [...attribution.content.quote].slice(1, -3).join('');
    const claims = annotations(project, 1).filter((a) => a.label === 'Claim');
    assert.ok(
      claims.some((c) => c.quote === expected),
      `${JSON.stringify(claims.map((c) => c.quote))} has ${JSON.stringify(expected)}`,
    );
  });

  it('accepts all in one step, undone in one step', async () => {
    const before = annotations(project, 1).length;
    const open = (await options()).length;
    assert.ok(open > 0);
    await app.execute(`document.querySelector('[data-testid=suggestions] [role=listbox]').focus();`);
    await app.press('A', [Keys.Shift]);
    await app.waitFor('all accepted', async () => (await app.find('[data-testid=no-suggestions]')).length === 1);
    assert.ok(annotations(project, 1).length > before);
    await app.press('z', [Keys.Control]);
    await app.waitFor('all open again', async () => (await options()).length === open);
    assert.equal(annotations(project, 1).length, before);
  });

  it('finds suggestions in all documents in the background and walks to the next', async () => {
    const more = path.join(dir, 'more.txt');
    writeFileSync(more, 'A second note\n\n“We will be back,” the minister said.\n');
    cli('--project', project, 'import', more);
    await app.end();
    await start();
    await app.execute(`document.querySelector('button[name=suggest-all]').click();`);
    await app.waitFor('the run finished', async () => /found in 2 documents/.test(await status()), 20_000);
    await app.execute(`document.querySelector('button[name=next-suggested-document]').click();`);
    await app.waitFor('the other document', async () =>
      app.execute(`return document.querySelector('main')?.getAttribute('aria-label') ?? '';`).then((l) => /A second note/.test(l)),
    );
    await app.waitFor('its suggestion', async () => (await options()).some((o) => o.text.includes('We will be back')));
  });
});
