// The library at corpus scale, in the real app: a project of 100,000 articles opens quickly,
// draws a few dozen rows, scrolls to the last article and opens it, filters and searches; and
// a sample is drawn from it, shown by the library, the same as the CLI draws with that seed,
// and exported alone.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, readFileSync, readdirSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { APP, cli, launch, startDriver, tempDir } from './support.mjs';

const ARTICLES = 100_000;
const SOURCES = ['Wire', 'Herald', 'Gazette', 'Courier'];

let driver;
let app;
let project;
let dir;
let started;

/** Writes `n` short articles as JSON Lines: a title, a date (two years of months), a source. */
async function writeCorpus(file, n) {
  const out = createWriteStream(file);
  for (let i = 1; i <= n; i++) {
    const month = String((i % 24) % 12 + 1).padStart(2, '0');
    const year = 2023 + Math.floor((i % 24) / 12);
    const line = JSON.stringify({
      title: `Article ${String(i).padStart(6, '0')}`,
      date: `${year}-${month}-15`,
      source: SOURCES[i % SOURCES.length],
      text: `Article ${i}. The ministers met again${i === n ? ' in Tromsø' : ''} and said the talks would go on.`,
    });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

before(async () => {
  dir = tempDir();
  project = path.join(dir, 'archive.claimdesk');
  const corpus = path.join(dir, 'archive.jsonl');
  await writeCorpus(corpus, ARTICLES);
  cli('--project', project, 'import', corpus);
  driver = await startDriver();
  started = Date.now();
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

const count = () => app.execute(`return document.querySelector('[data-testid=document-count]').textContent;`);
const rowsDrawn = () => app.execute(`return document.querySelectorAll('.library-rows li').length;`);
const title = () => app.execute(`return document.querySelector('.reader h1')?.textContent ?? null;`);

describe('a library of 100,000 articles', () => {
  it('opens usable at once, drawing only the rows in view', async () => {
    const usable = Date.now() - started;
    // The debug build, under a test driver: the optimised app's figure is in make bench.
    assert.ok(usable < 15_000, `usable after ${usable} ms`);
    await app.waitFor('the count', async () => (await count()) === '100,000');
    const drawn = await rowsDrawn();
    assert.ok(drawn > 5 && drawn < 200, `${drawn} rows drawn`);
  });

  it('draws without the compositor where no GPU renders (as scrolling needs here), else as WebKit chooses', () => {
    // The app's web process and what it was started with.
    const read = (pid, what) => {
      try {
        return readFileSync(`/proc/${pid}/${what}`, 'utf8');
      } catch {
        return '';
      }
    };
    const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    const appPid = pids.find((p) => {
      const cmd = read(p, 'cmdline').split('\0');
      return cmd[0] === APP && cmd.includes(project);
    });
    assert.ok(appPid, 'the app is running');
    const web = pids.find((p) => read(p, 'cmdline').includes('WebKitWebProcess') && /PPid:\s+(\d+)/.exec(read(p, 'status'))?.[1] === appPid);
    assert.ok(web, 'its web process is running');
    const environment = read(web, 'environ').split('\0');
    let gpu = false;
    try {
      gpu = readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
    } catch {
      // No /dev/dri: no GPU.
    }
    const ownChoice = process.env.WEBKIT_DISABLE_COMPOSITING_MODE;
    const expected = ownChoice !== undefined ? `WEBKIT_DISABLE_COMPOSITING_MODE=${ownChoice}` : gpu ? undefined : 'WEBKIT_DISABLE_COMPOSITING_MODE=1';
    assert.equal(environment.find((v) => v.startsWith('WEBKIT_DISABLE_COMPOSITING_MODE=')), expected);
  });

  it('goes to the last article with End, and opens it', async () => {
    await app.execute(`document.querySelector('.doc').focus();`);
    await app.press(Keys.End);
    await app.waitFor('the last row', () =>
      app.execute(`return document.activeElement?.textContent.includes('Article 100000') ?? false;`),
    20_000);
    await app.press(Keys.Enter);
    await app.waitFor('the last article open', async () => (await title()) === 'Article 100000', 20_000);
    assert.ok((await rowsDrawn()) < 200);
  });

  it('filters and searches without reading the whole corpus', async () => {
    await app.execute(`document.querySelector('button.filter-toggle').click();`);
    await app.waitFor('the filters', async () => (await app.find('input[name=filter-from]')).length === 1);
    await app.execute(
      `const i = document.querySelector('input[name=filter-from]'); i.value = '2024-12-01'; i.dispatchEvent(new Event('change', { bubbles: true }));`,
    );
    // Articles 23, 47, 71, … fall in December 2024, the last month: a 24th of the corpus.
    let december = 0;
    for (let i = 1; i <= ARTICLES; i++) if (i % 24 === 23) december++;
    await app.waitFor('the filtered count', async () => (await count()) === december.toLocaleString('en'), 20_000);
    await app.execute(`[...document.querySelectorAll('.library-filters button')].find((b) => b.textContent === 'Clear filters').click();`);
    await app.waitFor('all again', async () => (await count()) === '100,000', 20_000);

    const [box] = await app.find('input[name=corpus-search]');
    await app.typeInto(box, 'Tromsø\uE007');
    const hits = await app.waitFor('the hit', () =>
      app.execute(`const h = [...document.querySelectorAll('.hit')]; return h.length ? h.map((b) => b.dataset.documentId) : null;`),
    20_000);
    assert.equal(hits.length, 1);
  });

  it('draws a stratified sample the CLI draws the same with that seed, and exports it alone', async () => {
    await app.execute(`document.querySelector('button[name=draw-sample]').click();`);
    await app.waitFor('the sample dialog', async () => (await app.find('dialog[open] input[name=sample-name]')).length === 1);
    await app.execute(
      `const set = (n, v) => { const i = document.querySelector('[name=' + n + ']'); i.value = v; i.dispatchEvent(new Event('input', { bubbles: true })); i.dispatchEvent(new Event('change', { bubbles: true })); };
       set('sample-name', 'pilot'); set('sample-size', '40'); set('sample-seed', '7'); set('sample-strata', 'source');`,
    );
    await app.execute(`document.querySelector('.sample-panel button[type=submit]').click();`);
    const said = await app.waitFor('the sample drawn', () =>
      app.execute(`return document.querySelector('[data-testid=sample-result]')?.textContent ?? null;`),
    20_000);
    assert.match(said, /^Drew 40 documents of 100,000 as “pilot” \(seed 7; Courier 10, Gazette 10, Herald 10, Wire 10\)/);
    await app.waitFor('the library shows the sample', async () => (await count()) === '40');

    // The CLI draws the same documents from the same seed; exports take one sample alone.
    cli('--project', project, 'sample', 'again', '--size', '40', '--seed', '7', '--strata', 'source');
    const ids = (name) => {
      const out = path.join(dir, `${name}.jsonl`);
      cli('--project', project, 'export', '--format', 'jsonl', '--out', out, '--sample', name);
      return readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l).id);
    };
    const pilot = ids('pilot');
    assert.equal(pilot.length, 40);
    assert.deepEqual(pilot, ids('again'));
  });
});
