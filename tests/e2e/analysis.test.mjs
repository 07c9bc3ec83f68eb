// The Analysis view in the real app, on the coded test corpus: the network is drawn and laid
// out, matches the network the CLI exports, a node (clicked in the picture or chosen from the
// list) shows its statements and a statement opens its sentence in the text; a date range,
// a range dragged across the timeline, the play button, coders, labels and the library's filter
// change the network; the picture saves as SVG and PNG and the network as GraphML; the Counts
// view counts the coding and each number opens what it counts.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
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
const status = () => app.execute(`return document.querySelector('.status [role=status]')?.textContent.trim() ?? '';`);

/** Rows of the edges CSV of the network the CLI exports for the same view. */
function cliEdgeRows(...options) {
  const out = path.join(dir, `net-${Math.random().toString(36).slice(2)}`);
  cli('--project', project, 'export', '--format', 'network-csv', '--out', out, '--network', 'actor-concept', ...options);
  const [, ...rows] = readFileSync(path.join(out, 'network-edges.csv'), 'utf8').trim().split('\r\n');
  return rows;
}
const cliEdges = (...options) => cliEdgeRows(...options).length;

/** The centre of a node of the picture, in the window. */
const nodeCentre = (id, scroll = true) =>
  app.execute(
    `const el = document.querySelector('[data-testid=network-picture] [data-node="' + CSS.escape(arguments[0]) + '"] circle');
     if (arguments[1]) el.scrollIntoView({ block: 'center' });
     const r = el.getBoundingClientRect();
     return { x: r.left + r.width / 2, y: r.top + r.height / 2 };`,
    id,
    scroll,
  );

async function draw() {
  await app.execute(`document.querySelector('button[name=draw-network]').click();`);
}

/** The network of every statement, as test 1 first draws it: later tests return to it. */
let everything = '';

describe('the Analysis view', () => {
  it('draws the network of the statements, shows a node’s statements and opens one in the text', async () => {
    await app.press('8', [Keys.Control]);
    await app.waitFor('the network', async () => /^\d+ nodes, \d+ edges from \d+ statements/.test(await summary()), 20_000);
    const [, nodes, edges] = (await summary()).match(/^(\d+) nodes, (\d+) edges/).map(Number);
    assert.ok(nodes > 2 && edges > 1, await summary());
    assert.equal(edges, cliEdges(), 'the same edges as the exported network');
    everything = await counts();
    await app.waitFor('laid out', async () => (await drawnNodes()) === nodes, 20_000);
    await app.waitFor('settled', async () => !/laying out/.test(await summary()), 30_000);

    // Pointing at a line says what ties the two: the middle of an edge the CLI also exports.
    const [edge] = cliEdgeRows();
    const [source, target] = edge.split(',');
    await app.execute(`document.querySelector('[data-testid=network-picture]').scrollIntoView({ block: 'center' });`);
    const [a, b] = [await nodeCentre(source, false), await nodeCentre(target, false)];
    await app.execute(
      `document.querySelector('[data-testid=network-picture]').dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: arguments[0], clientY: arguments[1] }));`,
      (a.x + b.x) / 2,
      (a.y + b.y) / 2,
    );
    await app.waitFor('the readout', async () => / – .+: \d/.test(await app.execute(`return document.querySelector('[data-testid=edge-readout]').textContent;`)));
    const frames = Number(await app.execute(`return document.querySelector('[data-testid=network-picture]').dataset.frames;`));
    assert.ok(frames > 0, 'the edges were painted');

    // A node clicked in the picture shows its statements.
    // (Putin's circle, or whichever node the layout put on top of it there.)
    const putin = await nodeCentre('actor:1');
    const hit = await app.execute(
      `const id = document.elementFromPoint(arguments[0], arguments[1])?.closest('[data-node]')?.dataset.node;
       return document.querySelector('.node-list button[data-node-id="' + CSS.escape(id) + '"]')?.textContent;`,
      putin.x,
      putin.y,
    );
    assert.ok(hit, 'a node is drawn there');
    await app.click(putin);
    await app.waitFor('its statements', async () =>
      (await app.execute(`return document.querySelector('.node-statements h2')?.textContent ?? '';`)).startsWith(`${hit}: `),
    );

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

  it('narrows the network to a range dragged across the timeline, and plays a moving window', async () => {
    await app.press('8', [Keys.Control]);
    await app.waitFor('the network', async () => /^\d+ nodes/.test(await summary()), 20_000);
    await choose(app, 'input[name=network-from]', '');
    await choose(app, 'input[name=network-to]', '');
    await draw();
    // The previous test left one period drawn: wait for the whole network to replace it.
    await app.waitFor('everything', async () => (await counts()) === everything, 20_000);
    await app.waitFor('the timeline', async () => (await app.find('[data-testid=timeline] rect.bar')).length > 0);
    const all = everything;
    // Dragged from the left edge of the chart to its right edge: every period, dated ones only.
    const box = await app.execute(
      `const el = document.querySelector('[data-testid=timeline]'); el.scrollIntoView({ block: 'center' });
       const r = el.getBoundingClientRect(); return { left: r.left, right: r.right, y: r.top + r.height / 3 };`,
    );
    await app.drag({ x: box.left + 3, y: box.y }, { x: box.right - 3, y: box.y });
    await app.waitFor('the range taken', async () => /^The network shows 2025-02-01 to 2025-02-28/.test(await app.execute(`return document.querySelector('[data-testid=time-window]').textContent;`)));
    await app.waitFor('the dated statements only', async () => /^\d+ nodes/.test(await counts()) && (await counts()) !== all);
    assert.equal(await app.execute(`return document.querySelector('input[name=network-from]').value;`), '2025-02-01');
    // Whole period: everything again; then Play steps a one-month window to the end and stops.
    await app.execute(`document.querySelector('button[name=whole-period]').click();`);
    await app.waitFor('everything again', async () => (await counts()) === all);
    await choose(app, 'select[name=play-window]', '1');
    await app.execute(`document.querySelector('button[name=play]').click();`);
    await app.waitFor('the window played', async () => /^The network shows 2025-02-01/.test(await app.execute(`return document.querySelector('[data-testid=time-window]').textContent;`)));
    await app.waitFor('stopped at the end', async () => (await app.execute(`return document.querySelector('button[name=play]').getAttribute('aria-pressed');`)) === 'false');
    await app.execute(`document.querySelector('button[name=whole-period]').click();`);
    await app.waitFor('everything again', async () => (await counts()) === all);
  });

  it('filters by coder and label, and sizes nodes by ties', async () => {
    await app.press('8', [Keys.Control]);
    await app.waitFor('the network', async () => /^\d+ nodes/.test(await summary()), 20_000);
    const all = await counts();
    await app.execute(`document.querySelector('input[name=analysis-coder][value=ben]').click();`);
    await draw();
    const ben = cliEdges('--coder', 'ben');
    await app.waitFor('ben’s network', async () => (await counts()) !== all && (await summary()).includes(`, ${ben} edge`));
    await app.execute(`document.querySelector('input[name=analysis-coder][value=ben]').click();`);
    // Claims alone make no statements (a statement needs its actor).
    await app.execute(`document.querySelector('input[name=analysis-label][value=Claim]').click();`);
    await draw();
    await app.waitFor('no statements', async () => /^0 nodes, 0 edges from 0 statements/.test(await summary()));
    await app.execute(`document.querySelector('input[name=analysis-label][value=Claim]').click();`);
    await draw();
    await app.waitFor('everything again', async () => (await counts()) === all);
    // Actors with actors: here every actor made a statement and none shares a stance with
    // another, so sizes by statements and by ties differ.
    await choose(app, 'select[name=network-mode]', 'actor_actor');
    await draw();
    await app.waitFor('the actors', async () => /^4 nodes, 0 edges/.test(await summary()));
    await app.waitFor('laid out', async () => (await drawnNodes()) === 4, 20_000);
    const radii = () => app.execute(`return [...document.querySelectorAll('[data-testid=network-picture] [data-node] circle')].map((c) => c.getAttribute('r')).join(' ');`);
    const byStatements = await radii();
    await choose(app, 'select[name=network-size]', 'degree');
    await app.waitFor('sized by ties', async () => (await radii()) !== byStatements);
    await choose(app, 'select[name=network-size]', 'statements');
    await choose(app, 'select[name=network-mode]', 'actor_concept');
    await draw();
    await app.waitFor('everything again', async () => (await counts()) === all);
  });

  it('saves the picture as SVG and PNG and exports the shown network as GraphML', async () => {
    await app.press('8', [Keys.Control]);
    await app.waitFor('the network', async () => /^\d+ nodes/.test(await summary()), 20_000);
    await app.waitFor('settled', async () => !/laying out/.test(await summary()), 30_000);
    const [, nodes] = (await summary()).match(/^(\d+) nodes/).map(Number);
    const svgFile = path.join(dir, 'network.svg');
    await choose(app, 'select[name=save-what]', 'svg');
    await choose(app, 'input[name=save-to]', svgFile);
    await app.execute(`document.querySelector('button[name=save-picture]').click();`);
    await app.waitFor('the picture saved', async () => /^Saved the picture/.test(await status()));
    const svg = readFileSync(svgFile, 'utf8');
    // It parses as SVG, names every node and carries the legend.
    const parsed = await app.execute(
      `const doc = new DOMParser().parseFromString(arguments[0], 'image/svg+xml');
       return { error: !!doc.querySelector('parsererror'), root: doc.documentElement.localName,
                titles: [...doc.querySelectorAll('.nodes title')].map((t) => t.textContent),
                legend: doc.querySelector('.legend')?.textContent ?? '' };`,
      svg,
    );
    assert.equal(parsed.error, false, 'well-formed');
    assert.equal(parsed.root, 'svg');
    assert.equal(parsed.titles.length, nodes, 'every node');
    assert.ok(parsed.titles.includes('Vladimir Putin'), parsed.titles.join(', '));
    assert.match(parsed.legend, /mostly support/);

    const pngFile = path.join(dir, 'network.png');
    await choose(app, 'select[name=save-what]', 'png');
    await choose(app, 'input[name=save-to]', pngFile);
    await app.execute(`document.querySelector('button[name=save-picture]').click();`);
    await app.waitFor('the PNG saved', async () => /^Saved the picture .*network\.png/.test(await status()));
    const png = readFileSync(pngFile);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.ok(png.readUInt32BE(16) >= 800, 'as wide as the picture');

    // Network exports are folders (GraphML and GEXF files, or nodes and edges CSV).
    const graphml = path.join(dir, 'shown-network');
    await choose(app, 'select[name=save-what]', 'graphml');
    await choose(app, 'input[name=save-to]', graphml);
    await app.execute(`document.querySelector('button[name=save-picture]').click();`);
    const file = path.join(graphml, 'network.graphml');
    await app.waitFor('the network exported', async () => existsSync(file) && /^Exported/.test(await status()), 20_000);
    assert.equal((readFileSync(file, 'utf8').match(/<node /g) ?? []).length, nodes, 'the nodes shown');
  });

  it('counts the coding, and each number opens what it counts', async () => {
    await app.press('8', [Keys.Control]);
    await app.waitFor('the network', async () => /^\d+ nodes/.test(await summary()), 20_000);
    const statements = Number((await summary()).match(/from (\d+) statement/)[1]);
    await app.execute(`document.querySelector('#analysis-tab-counts').click();`);
    const countsSummary = () => app.execute(`return document.querySelector('[data-testid=counts-summary]')?.textContent.replace(/\\s+/g, ' ').trim() ?? '';`);
    await app.waitFor('the counts', async () => /annotations and \d+ statements in 3 documents/.test(await countsSummary()));
    assert.match(await countsSummary(), new RegExp(`${statements} statements in 3 documents; 1 not coded yet`));
    const labelCounts = await app.execute(
      `return Object.fromEntries([...document.querySelectorAll('[data-testid=counts-labels] tbody tr')].map((r) => [r.querySelector('th').textContent, Number(r.querySelector('td').textContent)]));`,
    );
    const fixture = readFileSync(FIXTURE, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const expected = {};
    for (const d of fixture.filter((l) => l.type === 'document')) for (const a of d.annotations ?? []) expected[a.label] = (expected[a.label] ?? 0) + 1;
    assert.deepEqual(labelCounts, expected, 'annotations per label, as in the file');
    // Sorting by name puts Actor first.
    await app.execute(`document.querySelector('[data-testid=counts-labels] thead th button').click();`);
    await app.waitFor('sorted by name', async () =>
      (await app.execute(`return document.querySelector('[data-testid=counts-labels] tbody th').textContent;`)) === 'Actor',
    );
    // An actor's count opens its statements in the network.
    await app.execute(`document.querySelector('[data-testid=counts-actors] button[data-count="actor:1"]').click();`);
    await app.waitFor('Putin’s statements', async () =>
      /^Vladimir Putin: 1 statement/.test(await app.execute(`return document.querySelector('.node-statements h2')?.textContent ?? '';`)),
    );
    // "Not coded yet" opens the library filtered to them; the library's filter then narrows the
    // network to nothing (no statements in uncoded documents).
    await app.execute(`document.querySelector('#analysis-tab-counts').click();`);
    await app.waitFor('the counts', async () => /not coded yet/.test(await countsSummary()));
    await app.execute(`document.querySelector('button[name=not-coded]').click();`);
    await app.waitFor('the library, filtered', async () =>
      app.execute(`return document.querySelector('.shell').dataset.view === 'reader' && !!document.querySelector('input[name=filter-unannotated]')?.checked;`),
    );
    await app.press('8', [Keys.Control]);
    await app.waitFor('the network', async () => /^\d+ nodes/.test(await summary()), 20_000);
    await choose(app, 'select[name=analysis-documents]', 'library');
    await draw();
    await app.waitFor('no statements there', async () => /^0 nodes, 0 edges from 0 statements/.test(await summary()));
  });

  it('draws the network again after an edit (the statements read before are not kept)', async () => {
    await app.press('8', [Keys.Control]);
    await choose(app, 'select[name=analysis-documents]', 'all');
    await draw();
    await app.waitFor('the network', async () => /^\d+ nodes/.test(await counts()) && !/^0 nodes/.test(await counts()), 20_000);
    const before = await counts();
    // A statement's claim opened in the text and deleted there.
    await app.execute(`document.querySelector('.node-list button[data-node-id]').click();`);
    await app.waitFor('its statements', async () => (await app.find('.node-statements button[data-claim-id]')).length > 0);
    await app.execute(`document.querySelector('.node-statements button[data-claim-id]').click();`);
    await app.waitFor('the claim in the text', async () => app.execute(`return document.querySelector('.shell').dataset.view === 'reader' && !!document.querySelector('.selected-annotation');`));
    await app.execute(`document.activeElement?.blur();`);
    await app.press(Keys.Delete);
    await app.waitFor('deleted', async () => !(await app.execute(`return !!document.querySelector('.selected-annotation');`)));
    await app.press('8', [Keys.Control]);
    // The claim's statement now stands on what is left of it (its position): another network.
    await app.waitFor('another network', async () => /^\d+ nodes/.test(await counts()) && (await counts()) !== before);
    await app.press('z', [Keys.Control]);
  });

  it('keeps the layout between sessions: the picture opens where it was left', async () => {
    await app.press('8', [Keys.Control]);
    await choose(app, 'select[name=analysis-documents]', 'all');
    await draw();
    await app.waitFor('the network', async () => /^\d+ nodes/.test(await counts()) && !/^0 nodes/.test(await counts()), 20_000);
    await app.waitFor('settled', async () => !/laying out/.test(await summary()), 30_000);
    const places = () =>
      app.execute(
        `return Object.fromEntries([...document.querySelectorAll('[data-testid=network-picture] [data-node]')].map((g) => [g.dataset.node, g.getAttribute('transform').match(/[-\\d.]+/g).map(Number)]));`,
      );
    const before = await places();
    const nodes = Object.keys(before).length;
    assert.ok(nodes > 2);
    await app.end();
    app = await launch(driver, ['--project', project]);
    await app.press('8', [Keys.Control]);
    // The first picture drawn, before the layout has had time to move anything far.
    await app.waitFor('drawn again', async () => (await drawnNodes()) === nodes, 20_000);
    const after = await places();
    for (const [id, [x, y]] of Object.entries(before)) {
      const [x2, y2] = after[id];
      assert.ok(Math.hypot(x2 - x, y2 - y) < 20, `${id} was at ${x},${y} and opens at ${x2},${y2}`);
    }
  });
});
