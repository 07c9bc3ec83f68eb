// Makes the README screenshots from the real app: `make screenshot` writes docs/screenshot.png
// (the reader, with nested and overlapping annotations and the panel of one),
// docs/statements.png (the statements table derived from the coding), and, from a generated
// coded corpus of a debate, docs/analysis.png (the network, a node's statements) and
// docs/timeline.png (statements over time, a range shown in the network).

import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { SAMPLE, cli, highlights, launch, selectText, startDriver, tempDir, textRect } from './support.mjs';
import { Keys } from './webdriver.mjs';
import { writeCodedProject } from '../bench/analysis.mjs';

const out = path.resolve(process.argv[2] ?? 'docs/screenshot.png');
const statementsOut = path.resolve(process.argv[3] ?? 'docs/statements.png');
const analysisOut = path.resolve(process.argv[4] ?? 'docs/analysis.png');
const timelineOut = path.resolve(process.argv[5] ?? 'docs/timeline.png');
const project = path.join(tempDir(), 'screenshot.claimdesk');
cli('--project', project, 'import', SAMPLE);

const driver = await startDriver({ CLAIMDESK_ANNOTATOR: 'Ana' });
const app = await launch(driver, ['--project', project]);
try {
  const code = async (quote, key) => {
    await selectText(app, quote);
    await app.press(key);
    await app.waitFor(quote, async () => (await highlights(app, quote)).length > 0);
  };
  await code('Tammy Bruce', '1');
  await code('state department spokesperson', '1');
  await code('“lay the groundwork for future co-operation on matters of mutual geopolitical interest', '2');
  await code('geopolitical interest and historic economic', '3');
  await code('Donald Trump', '1');
  await code('Bruce', '1');
  await code('One phone call followed by one meeting is not sufficient to establish enduring peace', '2');
  // Who says what: the claims said by Tammy Bruce, her position about the second one.
  const select = (quote) =>
    app.execute(
      `[...document.querySelectorAll('.annotation-list button')].find((b) => b.querySelector('.quote').textContent.startsWith(arguments[0])).click();`,
      quote,
    );
  const choose = (selector, value) =>
    app.execute(
      `const el = document.querySelector(arguments[0]); el.value = arguments[1]; el.dispatchEvent(new Event('change', { bubbles: true }));`,
      selector,
      value,
    );
  const link = async (from, kind, toStart) => {
    await select(from);
    await app.waitFor('the panel', async () => (await app.find('select[name=link-kind]')).length > 0);
    await choose('select[name=link-kind]', kind);
    // Targets are offered in the link box's list; clicking one draws the link.
    const clicked = await app.waitFor('the target', () =>
      app.execute(
        `const o = [...document.querySelectorAll('.link-targets [role=option][data-annotation-id]')].find((o) => o.textContent.includes(arguments[0]));
         if (!o) return null;
         o.click();
         return true;`,
        toStart,
      ),
    );
    void clicked;
    await new Promise((resolve) => setTimeout(resolve, 300));
  };
  await select('Tammy Bruce');
  await app.waitFor('the entity control', async () => (await app.find('button[name=new-entity]')).length > 0);
  await app.execute(`document.querySelector('button[name=new-entity]').click();`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await link('“lay the groundwork', 'said_by', '“Tammy Bruce”');
  await link('One phone call', 'said_by', '“Tammy Bruce”');
  await link('geopolitical interest', 'held_by', '“Donald Trump”');
  await link('geopolitical interest', 'about', '“lay the groundwork');
  await select('geopolitical interest');
  await app.waitFor('the stance control', async () => (await app.find('select[name=attr-stance]')).length > 0);
  await choose('select[name=attr-stance]', 'support');
  await new Promise((resolve) => setTimeout(resolve, 300));

  const rect = await textRect(app, 'Donald Trump');
  await app.click({ x: rect.left + 4, y: (rect.top + rect.bottom) / 2 });
  await app.execute(`document.querySelector('main').scrollTop = 0;`);
  // Point at the stacked highlight: the readout below the text lists both labels and the links.
  const stacked = await app.execute(
    `const m = [...document.querySelectorAll('[data-testid=document-text] mark.stacked')].find((m) => m.textContent.includes('geopolitical'));
     const r = m.getBoundingClientRect();
     return { x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2 };`,
  );
  await app.hover(stacked);
  await app.waitFor('the readout', async () => (await app.find('[data-testid=covering]')).length > 0);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, await app.screenshot());
  console.log(`wrote ${out}`);

  await app.execute(`document.querySelector('.toolbar button[title^="The statements table"]').click();`);
  await app.waitFor('the statements', async () => (await app.find('.statements tbody tr')).length > 0);
  writeFileSync(statementsOut, await app.screenshot());
  console.log(`wrote ${statementsOut}`);
} finally {
  await app.end();
}

// The Analysis view, on a coded corpus of a debate: 120 articles over two years, ten
// statements each, by sixteen actors on eight concepts.
const debate = path.join(tempDir(), 'debate.jsonl');
await writeCodedProject(debate, 120, {
  actorNames: [
    'European Commission', 'Ministry of Energy', 'Greenpeace', 'Farmers’ Union', 'Chamber of Commerce', 'Green Party',
    'Conservative Party', 'Social Democrats', 'Liberal Party', 'Trade Union Federation', 'Consumer Council', 'Central Bank',
    'Automobile Club', 'Climate Scientists’ Panel', 'Utility Association', 'Regional Governors',
  ],
  conceptNames: ['Carbon tax', 'Coal phase-out', 'Nuclear extension', 'Wind power expansion', 'Fuel subsidies', 'Heat pump grants', 'Speed limit', 'Grid levy'],
  days: 730,
});
const analysisProject = path.join(tempDir(), 'debate.claimdesk');
cli('--project', analysisProject, 'import', debate);
const analysisApp = await launch(driver, ['--project', analysisProject]);
try {
  const summary = () => analysisApp.execute(`return document.querySelector('[data-testid=network-summary]')?.textContent ?? '';`);
  await analysisApp.press('8', [Keys.Control]);
  await analysisApp.waitFor('the network', async () => /^\d+ nodes/.test(await summary()), 30_000);
  await analysisApp.waitFor('laid out', async () => !/laying out/.test(await summary()), 60_000);
  await analysisApp.execute(`document.querySelector('.node-list button[data-node-id]').click();`);
  await analysisApp.waitFor('its statements', async () => (await analysisApp.find('.node-statements button[data-claim-id]')).length > 0);
  await analysisApp.execute(`document.querySelector('main').scrollTop = 0;`);
  writeFileSync(analysisOut, await analysisApp.screenshot());
  console.log(`wrote ${analysisOut}`);
  // Statements over time: the first half year dragged across, shown in the network.
  await analysisApp.execute(`document.querySelector('section.time').scrollIntoView({ block: 'start' });`);
  const box = await analysisApp.execute(
    `const r = document.querySelector('[data-testid=timeline]').getBoundingClientRect(); return { left: r.left, width: r.width, y: r.top + r.height / 2 };`,
  );
  await analysisApp.drag({ x: box.left + box.width * 0.3, y: box.y }, { x: box.left + box.width * 0.55, y: box.y });
  await analysisApp.waitFor('the range', async () => /^The network shows/.test(await analysisApp.execute(`return document.querySelector('[data-testid=time-window]').textContent;`)));
  await new Promise((resolve) => setTimeout(resolve, 500));
  await analysisApp.execute(`document.querySelector('section.time').scrollIntoView({ block: 'start' });`);
  writeFileSync(timelineOut, await analysisApp.screenshot());
  console.log(`wrote ${timelineOut}`);
} finally {
  await analysisApp.end();
  await driver.stop();
}
