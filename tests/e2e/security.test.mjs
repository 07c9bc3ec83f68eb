// What the webview must never do: run article text as markup, run injected scripts, or call
// commands the window was not granted.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { APP, ROOT, cli, launch, startDriver, tempDir } from './support.mjs';

const MARKUP = path.join(ROOT, 'tests', 'fixtures', 'hostile-markup.txt');

let driver;
let app;

before(async () => {
  driver = await startDriver();
  const project = path.join(tempDir(), 'hostile.claimdesk');
  cli('--project', project, 'import', MARKUP);
  cli('--project', project, 'import', path.join(ROOT, 'tests', 'fixtures', 'hostile-notes.md'));
  app = await launch(driver, ['--project', project]);
});

after(async () => {
  await app?.end();
  await driver?.stop();
});

describe('hostile article text', () => {
  it('is shown as text: no element is made from it and no handler runs', async () => {
    // Give any handler that could fire time to do so.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const probe = await app.execute(
      `const root = document.querySelector('[data-testid=document-text]');
       return {
         text: root.textContent,
         foreign: root.querySelectorAll('script, img, iframe, svg, a, b, i').length,
         pwned: window.__pwned ?? null,
       };`,
    );
    assert.equal(probe.text, readFileSync(MARKUP, 'utf8'));
    assert.equal(probe.foreign, 0);
    assert.equal(probe.pwned, null);
  });
});

describe('hostile markdown', () => {
  it('is imported as text: no script, handler, link, frame, SVG or style reaches the page', async () => {
    const opened = await app.execute(
      `const b = [...document.querySelectorAll('.doc')].find((d) => d.textContent.includes('Hostile notes'));
       b?.click();
       return !!b;`,
    );
    assert.ok(opened);
    const probe = await app.waitFor('the markdown document', () =>
      app.execute(
        `const h = document.querySelector('.reader h1');
         if (!h || !h.textContent.includes('Hostile notes')) return null;
         const root = document.querySelector('[data-testid=document-text]');
         return { text: root.textContent,
                  foreign: root.querySelectorAll('script, img, iframe, svg, a, style, div').length,
                  pwned: window.__pwned ?? null };`,
      ),
    );
    // Give any handler that could fire time to do so.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await app.execute('return window.__pwned ?? null;'), null);
    assert.equal(probe.foreign, 0);
    assert.match(probe.text, /Tammy Bruce said the talks were a first step/);
    // Raw HTML blocks are dropped whole, text and all: nothing of them is shown.
    assert.doesNotMatch(probe.text, /Officials in Riyadh/);
    assert.doesNotMatch(probe.text, /<script|onerror|javascript:|<iframe|<svg|<style/);
  });
});

describe('content security policy', () => {
  it('refuses an inline script injected into the page', async () => {
    const ran = await app.execute(
      `const s = document.createElement('script');
       s.textContent = 'window.__inline = true';
       document.body.append(s);
       return window.__inline === true;`,
    );
    assert.equal(ran, false);
  });

  it('refuses connections to other origins, even a server that is listening', async () => {
    const hits = [];
    const server = createServer((req, res) => {
      hits.push(req.url);
      res.setHeader('access-control-allow-origin', '*');
      res.end('ok');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${server.address().port}/leak`;
      const outcome = await app.command('POST', '/execute/async', {
        script: `const done = arguments[arguments.length - 1];
                 fetch(arguments[0]).then(() => done('connected'), (e) => done('refused: ' + e));`,
        args: [url],
      });
      assert.match(outcome, /^refused/);
      assert.deepEqual(hits, []);
      // The server itself answers: the refusal came from the policy, not from the network.
      assert.equal(await (await fetch(url)).text(), 'ok');
    } finally {
      server.close();
    }
  });
});

describe('capabilities', () => {
  it('deny a core command the window was not granted', async () => {
    const outcome = await app.command('POST', '/execute/async', {
      script: `const done = arguments[arguments.length - 1];
               window.__TAURI_INTERNALS__
                 .invoke('plugin:window|set_title', { value: 'owned' })
                 .then(() => done('allowed'), (e) => done('denied: ' + e));`,
      args: [],
    });
    assert.match(outcome, /^denied: .*not allowed/i);
  });

  it('allow the commands the UI uses', async () => {
    const outcome = await app.command('POST', '/execute/async', {
      script: `const done = arguments[arguments.length - 1];
               window.__TAURI_INTERNALS__
                 .invoke('list_documents')
                 .then((docs) => done('allowed ' + docs.length), (e) => done('denied: ' + e));`,
      args: [],
    });
    assert.equal(outcome, 'allowed 2');
  });
});

describe('a file that is not a project', () => {
  it('opens a window that says so, and leaves the file as it was', async () => {
    const file = path.join(tempDir(), 'thesis.claimdesk');
    const bytes = 'My thesis notes, not a database. '.repeat(100);
    writeFileSync(file, bytes);
    // WebKitWebDriver runs one session at a time, and this file's app is still open.
    const own = await startDriver();
    const other = await launch(own, ['--project', file]);
    try {
      const message = await other.execute(
        `return document.querySelector('[data-testid=open-failure]')?.textContent;`,
      );
      assert.match(message, /Could not open the project: cannot open .*thesis\.claimdesk: it is not a Claimdesk project/);
    } finally {
      await other.end();
      await own.stop();
    }
    assert.equal(readFileSync(file, 'utf8'), bytes);
  });
});

describe('without a display', () => {
  it('says so plainly and exits', () => {
    const env = { ...process.env };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const run = spawnSync(APP, ['--project', path.join(tempDir(), 'x.claimdesk')], { env, encoding: 'utf8' });
    assert.equal(run.status, 3);
    assert.match(run.stderr, /cannot open a window: no graphical display/);
  });
});
