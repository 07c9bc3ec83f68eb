// The seed article in the real app: its quotes and speakers are suggested as it opens; two are
// accepted and one rejected with the keyboard; after a restart the accepted ones are the coder's
// annotations, their history saying they came from a suggestion, and the rejected one stays gone.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { annotations, cli, launch, SAMPLE, startDriver, tempDir } from './support.mjs';

let driver;
let app;
let project;

const options = () =>
  app.execute(
    `return [...document.querySelectorAll('[data-testid=suggestions] [role=option]')].map((o) => ({ key: o.dataset.key, text: o.textContent.replace(/\\s+/g, ' ').trim(), current: o.getAttribute('aria-selected') === 'true' }));`,
  );
const status = () => app.execute(`return document.querySelector('.status [role=status]')?.textContent.trim() ?? '';`);

async function start() {
  app = await launch(driver, ['--project', project]);
  await app.waitFor('the suggestions', async () => (await options()).length > 0, 20_000);
}

before(async () => {
  const dir = tempDir();
  project = path.join(dir, 'seed.claimdesk');
  cli('--project', project, 'import', SAMPLE);
  driver = await startDriver({ CLAIMDESK_ANNOTATOR: 'ana', XDG_CONFIG_HOME: path.join(dir, 'config') });
  await start();
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

describe('suggestions on the seed article', () => {
  it('suggests its quotes and speakers; two accepted and one rejected by keyboard last through a restart', async () => {
    const listed = await options();
    assert.ok(listed.length >= 8, `${listed.length} suggestions`);
    assert.ok(listed.some((o) => /^Quote/.test(o.text) && o.text.includes('One phone call') && o.text.includes('Bruce')), JSON.stringify(listed));
    assert.ok(listed.some((o) => /^Reported/.test(o.text) && o.text.includes('Ushakov')), JSON.stringify(listed));

    await app.execute(`document.querySelector('main').focus();`);
    await app.press('n');
    await app.waitFor('the first suggestion current', async () => (await options())[0]?.current === true);
    const accepted = [];
    for (let i = 0; i < 2; i++) {
      const current = (await options()).find((o) => o.current);
      accepted.push(current.key);
      await app.press('a');
      await app.waitFor(`accepted ${i + 1}`, async () => !(await options()).some((o) => o.key === current.key));
    }
    const rejected = (await options()).find((o) => o.current);
    await app.press('r');
    await app.waitFor('rejected', async () => /^Rejected/.test(await status()));

    await app.end();
    await start();
    const after = await options();
    for (const key of [...accepted, rejected.key]) assert.ok(!after.some((o) => o.key === key), `${key} is not suggested again`);
    const stored = annotations(project, 1);
    assert.equal(stored.filter((a) => a.label === 'Claim').length, 2);
    assert.ok(stored.some((a) => a.label === 'Actor'));
    assert.ok(stored.every((a) => a.annotator === 'ana'));
    const claim = stored.find((a) => a.label === 'Claim');

    // Its history says where it came from.
    await app.execute(`document.querySelector('.annotation-list [data-annotation-id="${claim.id}"]').click();`);
    await app.waitFor('its panel', async () => (await app.find('.details button[aria-expanded]')).length > 0);
    await app.execute(`[...document.querySelectorAll('.details button')].find((b) => b.textContent.trim() === 'History').click();`);
    await app.waitFor('the origin in its history', async () =>
      /accepted from a suggestion/.test(await app.execute(`return document.querySelector('[data-testid=annotation-history]')?.textContent ?? '';`)),
    );
  });
});
