// Who is coding: the first start asks for a name, every edit carries it, the name is
// remembered for the next start, and the coder can switch.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SAMPLE, annotations, cli, launch, selectText, startDriver, tempDir } from './support.mjs';

let driver;
let config;

before(async () => {
  config = path.join(tempDir(), 'config');
  driver = await startDriver({ CLAIMDESK_ANNOTATOR: '', XDG_CONFIG_HOME: config, USER: 'login' });
});

after(async () => {
  await driver?.stop();
});

async function code(app, needle, project) {
  await selectText(app, needle);
  await app.press('1');
  return app.waitFor(`“${needle}” stored`, () => annotations(project, 1).find((a) => a.quote === needle));
}

async function answer(app, name) {
  await app.execute(`const i = document.querySelector('input[name=annotator-name]'); i.value = ''; i.focus();`);
  const [input] = await app.find('input[name=annotator-name]');
  await app.typeInto(input, name);
  const [submit] = await app.find('.identity-panel button[type=submit]');
  await app.clickElement(submit);
  await app.waitFor(`coding as ${name}`, () =>
    app.execute(`return !document.querySelector('.identity-panel') && document.querySelector('.toolbar .annotator')?.textContent.trim() === arguments[0];`, name),
  );
}

describe('the coder', () => {
  it('is asked for on the first start, remembered, and can switch', async () => {
    const project = path.join(tempDir(), 'who.claimdesk');
    cli('--project', project, 'import', SAMPLE);

    let app = await launch(driver, ['--project', project]);
    try {
      const asked = await app.waitFor('the question', () =>
        app.execute(`const p = document.querySelector('.identity-panel'); return p ? [p.querySelector('h2').textContent, p.querySelector('input').value] : null;`),
      );
      assert.deepEqual(asked, ['Who is coding?', 'login']);
      // Before the answer nothing can be coded: the question is a modal dialog, and the app
      // itself refuses edits, so none is ever credited to the fallback name.
      await app.press('1');
      const refused = await app.command('POST', '/execute/async', {
        script: `const done = arguments[arguments.length - 1];
                 window.__TAURI_INTERNALS__.invoke('create_annotation', { request: { documentId: 1, labelId: 1, start16: 0, end16: 5 } })
                   .then(() => done('stored'), (e) => done(e.code));`,
        args: [],
      });
      assert.equal(refused, 'coder_unknown');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(annotations(project, 1), []);
      await answer(app, 'Ana Analyst');
      assert.equal((await code(app, 'Tammy Bruce', project)).annotator, 'Ana Analyst');
      assert.ok(existsSync(path.join(config, 'claimdesk', 'settings.json')));
    } finally {
      await app.end();
    }

    app = await launch(driver, ['--project', project]);
    try {
      const shown = await app.execute(`return [!!document.querySelector('.identity-panel'), document.querySelector('.toolbar .annotator').textContent.trim()];`);
      assert.deepEqual(shown, [false, 'Ana Analyst'], 'the name is remembered');
      const [who] = await app.find('.toolbar .annotator');
      await app.clickElement(who);
      await app.waitFor('the switch', async () => (await app.find('.identity-panel')).length > 0);
      await answer(app, 'Ben');
      assert.equal((await code(app, 'Erdoğan', project)).annotator, 'Ben');
    } finally {
      await app.end();
    }
  });
});
