// Reliability in the app: a backup on every open, restoring one, a damaged project refused and
// brought back from its backup, and the CLI importing into a project the app has open.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Keys } from './webdriver.mjs';
import { APP, CLI, ROOT, annotations, cli, killApp, launch, selectText, startDriver, tempDir } from './support.mjs';

const FIXTURE = path.join(ROOT, 'tests', 'interop', 'fixture.jsonl');

let driver;

before(async () => {
  driver = await startDriver();
});

after(async () => {
  await driver?.stop();
});

const backupNames = (project) =>
  cli('--project', project, 'backups')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t')[0]);

async function openBackups(app) {
  const [button] = await app.find('button[title="Backups of this project"], [data-testid=open-failure] + button');
  await app.clickElement(button);
  return app.waitFor('the backups list', async () => {
    const rows = await app.find('.backups-panel li[data-backup]');
    return rows.length > 0 ? rows : null;
  });
}

describe('backups and shared use of a project', () => {
  it('backs up on open only when the project changed, and says the space backups take', async () => {
    const project = path.join(tempDir(), 'unchanged.claimdesk');
    cli('--project', project, 'import', FIXTURE);
    let app = await launch(driver, ['--project', project]);
    try {
      await app.waitFor('the backup made on open', async () => backupNames(project).length === 1, 20_000);
      await openBackups(app);
      const space = await app.execute(`return document.querySelector('[data-testid=backup-space]').textContent;`);
      assert.match(space, /^1 backup, \d+\.\d MB in all$/);
    } finally {
      await app.end();
    }
    // Opened again with nothing changed: no new backup (the app's own open leaves no mark).
    app = await launch(driver, ['--project', project]);
    try {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.equal(backupNames(project).length, 1);
    } finally {
      await app.end();
    }
    // Changed behind its back (an import by the CLI): the next open backs it up.
    const extra = path.join(tempDir(), 'extra.txt');
    writeFileSync(extra, ' date 2025-03-01 An extra article\n\nNothing of note happened.\n');
    cli('--project', project, 'import', extra);
    app = await launch(driver, ['--project', project]);
    try {
      await app.waitFor('a backup of the changed project', async () => backupNames(project).length === 2, 20_000);
    } finally {
      await app.end();
    }
  });

  it('backs up on open and restores a backup from the window', async () => {
    const dir = tempDir();
    const project = path.join(dir, 'coded.claimdesk');
    cli('--project', project, 'import', FIXTURE);
    const app = await launch(driver, ['--project', project]);
    try {
      const [first] = await app.waitFor('the backup made on open', async () => backupNames(project).length === 1 && backupNames(project), 20_000);
      assert.equal(annotations(project, 2).length, 3);

      // Delete the selected annotation of the open document, then bring it back from the backup.
      const [item] = await app.find('.annotation-list button');
      await app.clickElement(item);
      await app.press(Keys.Delete);
      await app.waitFor('the deletion', async () => annotations(project, 1).length === 10);

      const rows = await openBackups(app);
      assert.equal(rows.length, 1);
      const [restore] = await app.find(`.backups-panel li[data-backup="${first}"] button`);
      await app.clickElement(restore);
      const [confirm] = await app.find(`.backups-panel li[data-backup="${first}"] button`);
      assert.match(await app.execute(`return document.querySelector('.backups-panel li button').textContent;`), /Replace the project/);
      await app.clickElement(confirm);
      const status = await app.waitFor('the restore', () =>
        app.execute(`const s = document.querySelector('.status [role=status]').textContent; return s.includes('Restored') && s;`),
      );
      assert.match(status, /the state before is kept as backup/);
      assert.equal(annotations(project, 1).length, 11, 'the deleted annotation is back');
      const count = await app.execute(`return document.querySelectorAll('.annotation-list li').length;`);
      assert.equal(count, 11, 'the window shows the restored project');
      assert.equal(backupNames(project).length, 2, 'the state before the restore was backed up');
    } finally {
      await app.end();
    }
  });

  it('refuses a damaged project untouched, and brings it back from a backup', async () => {
    const dir = tempDir();
    const project = path.join(dir, 'damaged.claimdesk');
    cli('--project', project, 'import', FIXTURE);
    cli('--project', project, 'backup');
    // The whole second page, a table's root, header and all: damage every check finds.
    const bytes = readFileSync(project);
    const page = bytes.readUInt16BE(16);
    bytes.fill(0x5a, page, 2 * page);
    writeFileSync(project, bytes);

    const app = await launch(driver, ['--project', project]);
    try {
      const message = await app.waitFor('the refusal', () =>
        app.execute(`return document.querySelector('[data-testid=open-failure]')?.textContent;`),
      );
      assert.match(message, /damaged/);
      assert.ok(readFileSync(project).equals(bytes), 'the damaged file was not written');

      const rows = await openBackups(app);
      assert.equal(rows.length, 1);
      const [restore] = await app.find('.backups-panel li button');
      await app.clickElement(restore);
      const [confirm] = await app.find('.backups-panel li button');
      // The app restarts while the click is answered, so the click itself may report an error.
      await app.clickElement(confirm).catch(() => {});
      // The app starts again, on the same project: a process of the app names it.
      await app.waitFor('the app started again on the project', () =>
        readdirSync('/proc')
          .filter((p) => /^\d+$/.test(p))
          .some((pid) => {
            try {
              const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
              return argv[0] === APP && argv.includes(project);
            } catch {
              return false;
            }
          }),
      20_000);
      await app.waitFor('the restored project', () => {
        try {
          return cli('--project', project, 'list').split('\n').filter(Boolean).length === 3;
        } catch {
          return false;
        }
      }, 20_000);
    } finally {
      await app.end().catch(() => {});
      try {
        killApp(project);
      } catch {
        // Already gone.
      }
    }
  });

  it('lets the CLI import into a project the app has open, and both keep their writes', async () => {
    const dir = tempDir();
    const project = path.join(dir, 'shared.claimdesk');
    cli('--project', project, 'import', path.join(ROOT, 'crates', 'store', 'sample', 'riyadh-talks-2025-02-18.txt'));
    const folder = path.join(dir, 'many');
    mkdirSync(folder);
    for (let i = 0; i < 3000; i++) {
      writeFileSync(path.join(folder, `${i}.txt`), ` date 2024-05-01 Shared ${i}\n\n${'Some words. '.repeat(80)}${i}`);
    }
    const app = await launch(driver, ['--project', project]);
    try {
      const importer = spawn(CLI, ['--project', project, 'import', folder], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      importer.stdout.on('data', (d) => (output += d));
      importer.stderr.on('data', (d) => (output += d));
      const finished = new Promise((resolve) => importer.on('exit', resolve));

      // Meanwhile the analyst codes in the window.
      await selectText(app, 'Tammy Bruce');
      await app.press('1');
      await app.waitFor('the highlight', async () => (await app.find('mark')).length > 0, 15_000);

      assert.equal(await finished, 0, output);
      assert.match(output, /3000 imported, 0 skipped, 0 failed/);
      const quotes = annotations(project, 1).map((a) => a.quote);
      assert.deepEqual(quotes, ['Tammy Bruce']);
      assert.equal(cli('--project', project, 'list').split('\n').filter(Boolean).length, 3001);
      assert.ok(!existsSync(path.join(dir, 'shared.claimdesk.damaged')));
    } finally {
      await app.end();
    }
  });
});
