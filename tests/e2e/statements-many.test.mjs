// A project with more statements than a table should draw at once: the statements view draws
// the first 500 (of the filtered, sorted list), says so, and draws more on request with the
// keyboard landing on the first new row; a filter or a sort starts from the top again.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { cli, launch, startDriver, tempDir } from './support.mjs';

const PAIRS = 1_200;

let driver;
let app;

before(async () => {
  const dir = tempDir();
  const brat = path.join(dir, 'brat');
  mkdirSync(brat);
  // One line per statement: "Speaker k said claim k." with Speaker k an Actor, the claim a
  // Claim, and the claim said_by the speaker.
  let text = '';
  const ann = [];
  for (let k = 1; k <= PAIRS; k++) {
    const speaker = `Speaker ${k}`;
    const claim = `claim ${k}`;
    const at = text.length;
    text += `${speaker} said ${claim}.\n`;
    const claimAt = at + speaker.length + ' said '.length;
    ann.push(`T${2 * k - 1}\tActor ${at} ${at + speaker.length}\t${speaker}`);
    ann.push(`T${2 * k}\tClaim ${claimAt} ${claimAt + claim.length}\t${claim}`);
    ann.push(`R${k}\tsaid_by Arg1:T${2 * k} Arg2:T${2 * k - 1}`);
  }
  writeFileSync(path.join(brat, 'many.txt'), text);
  writeFileSync(path.join(brat, 'many.ann'), `${ann.join('\n')}\n`);
  const project = path.join(dir, 'many.claimdesk');
  cli('--project', project, 'import', brat);
  driver = await startDriver();
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

const rows = () => app.execute(`return document.querySelectorAll('.statements tbody tr').length;`);
const count = () => app.execute(`return document.querySelector('[data-testid=statement-count]')?.textContent ?? null;`);

describe('many statements', () => {
  it('draws 500 at a time, more on request, and starts again on a filter', async () => {
    await app.execute(`document.querySelector('.toolbar button[title^="The statements table"]').click();`);
    assert.equal(await app.waitFor('the statements', count, 30_000), `${PAIRS} of ${PAIRS} statements`);
    assert.equal(await rows(), 500);
    assert.match(
      await app.execute(`return document.querySelector('[data-testid=statement-drawn]').textContent;`),
      /The first 500 are shown/,
    );
    assert.match(
      await app.execute(`return document.querySelector('button[name=more-statements]').textContent;`),
      /Show 500 more \(700 not shown\)/,
    );
    await app.execute(`document.querySelector('button[name=more-statements]').focus();`);
    await app.press(Keys.Enter);
    await app.waitFor('1,000 rows', async () => (await rows()) === 1000);
    const focused = await app.execute(
      `const row = document.activeElement.closest('tr'); return [...document.querySelectorAll('.statements tbody tr')].indexOf(row);`,
    );
    assert.equal(focused, 500, 'the keyboard is on the first new row');

    const [filter] = await app.find('input[name=statement-filter]');
    await app.typeInto(filter, 'Speaker 11');
    // Every word of the filter is looked for anywhere in a row: the statements whose number
    // holds "11" (11, 110–119, 211, …, 1100–1199), fewer than 500, all drawn.
    let expected = 0;
    for (let k = 1; k <= PAIRS; k++) if (String(k).includes('11')) expected++;
    await app.waitFor('the filtered count', async () => (await count()) === `${expected} of ${PAIRS} statements`);
    assert.equal(await rows(), expected);
    assert.equal((await app.find('button[name=more-statements]')).length, 0);
  });
});
