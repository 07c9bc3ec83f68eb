// Makes the README screenshot from the real app: `make screenshot` (writes docs/screenshot.png).

import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { SAMPLE, cli, highlights, launch, selectText, startDriver, tempDir, textRect } from './support.mjs';

const out = path.resolve(process.argv[2] ?? 'docs/screenshot.png');
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
  const rect = await textRect(app, 'Donald Trump');
  await app.click({ x: rect.left + 4, y: (rect.top + rect.bottom) / 2 });
  await app.execute(`document.querySelector('main').scrollTop = 0;`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, await app.screenshot());
  console.log(`wrote ${out}`);
} finally {
  await app.end();
  await driver.stop();
}
