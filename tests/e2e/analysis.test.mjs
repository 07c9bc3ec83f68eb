// The Analysis view in the real app, on the coded test corpus: the network is drawn and laid
// out, matches the network the CLI exports, a node shows its statements and a statement opens
// its sentence in the text; a date range changes the network; the timeline is drawn.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { choose, cli, launch, startDriver, tempDir } from './support.mjs';

const FIXTURE = path.join(import.meta.dirname, '..', 'interop', 'fixture.jsonl');

let driver;
let app;
let dir;
let project;

before(async () => {
  dir = tempDir();
  project = path.join(dir, 'analysis.claimdesk');
  cli('--project', project, 'import', FIXTURE);
  driver = await startDriver({ CLAIMDESK_ANNOTATOR: 'ana', XDG_CONFIG_HOME: path.join(dir, 'config') });
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

const summary = () => app.execute(`return document.querySelector('[data-testid=network-summary]')?.textContent.trim() ?? '';`);
/** The summary's figures alone: "N nodes, M edges from K statements". */
const counts = async () => (await summary()).match(/^\d+ nodes, \d+ edges from \d+ statements?/)?.[0] ?? '';
const drawnNodes = () => app.execute(`return document.querySelectorAll('[data-testid=network-picture] [data-node]').length;`);

/** Edges of the network the CLI exports for the same view, as "source→target". */
function cliEdges(...options) {
  const out = path.join(dir, `net-${Math.random().toString(36).slice(2)}`);
  cli('--project', project, 'export', '--format', 'network-csv', '--out', out, '--network', 'actor-concept', ...options);
  const [, ...rows] = readFileSync(path.join(out, 'network-edges.csv'), 'utf8').trim().split('\r\n');
  return rows.length;
}

describe('the Analysis view', () => {
  it('draws the network of the statements, shows a node’s statements and opens one in the text', async () => {
    await app.press('8', [Keys.Control]);
    await app.waitFor('the network', async () => /^\d+ nodes, \d+ edges from \d+ statements/.test(await summary()), 20_000);
    const [, nodes, edges] = (await summary()).match(/^(\d+) nodes, (\d+) edges/).map(Number);
    assert.ok(nodes > 2 && edges > 1, await summary());
    assert.equal(edges, cliEdges(), 'the same edges as the exported network');
    await app.waitFor('laid out', async () => (await drawnNodes()) === nodes, 20_000);
    await app.waitFor('settled', async () => !/laying out/.test(await summary()), 30_000);

    // Pointing at a line says what ties the two.
    await app.execute(`document.querySelector('[data-testid=network-picture] [data-edge]').dispatchEvent(new PointerEvent('pointermove', { bubbles: true }));`);
    await app.waitFor('the readout', async () => / – .+: \d/.test(await app.execute(`return document.querySelector('[data-testid=edge-readout]').textContent;`)));

    // The node list is the keyboard's way in: the busiest node, then its first statement.
    await app.execute(`document.querySelector('.node-list button[data-node-id]').focus();`);
    await app.press(Keys.Enter);
    await app.waitFor('its statements', async () => (await app.find('.node-statements button[data-claim-id]')).length > 0);
    assert.equal(await app.execute(`return document.querySelectorAll('[data-testid=network-picture] .node.chosen').length;`), 1, 'marked in the picture');
    const claim = await app.execute(`return Number(document.querySelector('.node-statements button[data-claim-id]').dataset.claimId);`);
    await app.execute(`document.querySelector('.node-statements button[data-claim-id]').focus();`);
    await app.press(Keys.Enter);
    await app.waitFor('the sentence in the text', async () =>
      app.execute(
        `return document.querySelector('.shell').dataset.view === 'reader' && !!document.querySelector('.selected-annotation') && [...document.querySelectorAll('mark.selected, mark[data-selected], mark.current')].length >= 0;`,
      ),
    );
    const selected = await app.execute(`return Number(document.querySelector('.annotation-list button.current')?.dataset.annotationId);`);
    assert.equal(selected, claim, 'the statement’s claim is the selected annotation');
  });

  it('narrows the network to a period and draws statements over time', async () => {
    await app.press('8', [Keys.Control]);
    await app.waitFor('the network', async () => /^\d+ nodes/.test(await summary()), 20_000);
    const all = await counts();
    await app.waitFor('the timeline', async () => (await app.find('[data-testid=timeline] rect')).length > 0);
    // A period far from every statement: nothing.
    await choose(app, 'input[name=network-from]', '1990-01-01');
    await choose(app, 'input[name=network-to]', '1990-12-31');
    await app.execute(`document.querySelector('button[name=draw-network]').click();`);
    await app.waitFor('an empty network', async () => /^0 nodes, 0 edges from 0 statements/.test(await summary()));
    // The period of the timeline's first bucket, picked from its figures: that period alone.
    await choose(app, 'input[name=network-from]', '');
    await choose(app, 'input[name=network-to]', '');
    await app.execute(`document.querySelector('button[name=draw-network]').click();`);
    await app.waitFor('everything again', async () => (await counts()) === all);
    // The timeline is read again after the network: wait for its figures.
    await app.waitFor('the figures of every period', async () => (await app.find('.time details .time-table button[data-period]')).length > 0);
    await app.execute(`document.querySelector('.time details').open = true;`);
    const period = await app.execute(`return document.querySelector('.time-table button[data-period]').dataset.period;`);
    await app.execute(`document.querySelector('.time-table button[data-period]').click();`);
    await app.waitFor('that period', async () =>
      app.execute(`return document.querySelector('input[name=network-from]').value === arguments[0];`, period),
    );
    await app.waitFor('a network of that period', async () => /^\d+ nodes/.test(await counts()) && (await counts()) !== all);
  });
});
