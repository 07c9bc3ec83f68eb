// A project whose documents are not all in the full-text index yet (imported with
// `claimdesk-cli import --no-index`, or an import cancelled or killed before its index was
// done): the app indexes the rest in the background as it opens, shows how far it is, says when
// every document is searchable, and a search then finds the last of them.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { cli, launch, startDriver, tempDir } from './support.mjs';

const ARTICLES = 30_000;

let driver;
let app;
let project;

before(async () => {
  const dir = tempDir();
  project = path.join(dir, 'unindexed.claimdesk');
  const corpus = path.join(dir, 'corpus.jsonl');
  const out = createWriteStream(corpus);
  for (let i = 1; i <= ARTICLES; i++) {
    const text = `Article ${i}. The delegations met again${i === ARTICLES ? ' in Tromsø' : ''} and talks went on.`;
    if (!out.write(`${JSON.stringify({ title: `Article ${i}`, text })}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  cli('--project', project, 'import', '--no-index', corpus);
  driver = await startDriver();
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

describe('indexing left over from an import', () => {
  it('is finished in the background on open, and then a search finds every document', async () => {
    const said = await app.waitFor('the index finished', () =>
      app.execute(`return document.querySelector('[data-testid=index-result]')?.textContent ?? null;`),
    60_000);
    assert.match(said, new RegExp(`Indexed ${ARTICLES.toLocaleString('en')} documents for search: every document is searchable`));
    assert.equal(await app.execute(`return document.querySelector('[data-testid=indexing]');`), null);
    const status = await app.command('POST', '/execute/async', {
      script: `const done = arguments[arguments.length - 1];
               window.__TAURI_INTERNALS__.invoke('index_status').then(done, (e) => done({ error: String(e) }));`,
      args: [],
    });
    // Nothing runs, and how it ended was told already (a window loaded again says nothing).
    assert.deepEqual(status, { progress: null, finished: null });

    const [box] = await app.find('input[name=corpus-search]');
    await app.typeInto(box, 'Tromsø\uE007');
    const hits = await app.waitFor('the hit', () =>
      app.execute(`const h = [...document.querySelectorAll('.hit')]; return h.length ? h.map((b) => b.dataset.documentId) : null;`),
    20_000);
    assert.deepEqual(hits, [String(ARTICLES)]);
  });
});
