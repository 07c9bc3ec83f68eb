// A team project in the real app, against a real PostgreSQL server (the one `make e2e`
// starts with scripts/with-postgres.sh): the app syncs in the background and shows it in the status bar;
// a change another coder makes with the CLI appears in the open document; with the server
// stopped, coding goes on, the status bar says it is offline, and the work is sent once the
// server is back.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { annotations, axeViolations, cli, launch, SAMPLE, selectText, startDriver, tempDir } from './support.mjs';
import { Keys } from './webdriver.mjs';

const { PGHOST, PGPORT, PGUSER, PGPASSWORD, PGCTL } = process.env;
const skip = !PGHOST || !PGPASSWORD || !PGCTL ? 'needs a PostgreSQL server: run it with `make e2e`, which starts one' : false;

let driver;
let app;
let dir;
let db;
let roles;

const psql = (sql, database = 'postgres') =>
  execFileSync('psql', ['-X', '-q', '-t', '-A', '-d', database, '-c', sql], { encoding: 'utf8' }).trim();
const url = (role) => `postgres://${role}@${PGHOST}:${PGPORT}/${db}`;
/** The test server, stopped (immediately, as a crash would) and started again. */
const cluster = (action) =>
  execFileSync(PGCTL, action === 'stop' ? ['-m', 'immediate', 'stop'] : [action], { stdio: 'ignore' });
const team = () =>
  app.execute(
    `const s = document.querySelector('[data-testid=team-status]');
     return s ? { state: s.dataset.state, text: s.textContent.trim() } : null;`,
  );
const marks = () =>
  app.execute(`return [...document.querySelectorAll('[data-testid=document-text] mark')].map((m) => m.textContent);`);

before(async () => {
  if (skip) return;
  dir = tempDir();
  const suffix = `${process.pid}_${Date.now() % 100000}`;
  db = `e2e_${suffix}`;
  roles = { ana: `ana_${suffix}`, ben: `ben_${suffix}` };
  psql(`CREATE DATABASE ${db}`);
  // Each coder's role has the password PGPASSWORD gives, so every connection finds it there.
  for (const role of Object.values(roles)) psql(`CREATE ROLE ${role} LOGIN PASSWORD '${PGPASSWORD}'`);
  const base = path.join(dir, 'base.claimdesk');
  cli('--project', base, '--annotator', 'ana', 'import', SAMPLE);
  cli('--project', base, '--annotator', 'ben', 'import', SAMPLE);
  cli('--project', base, 'team', 'publish', url(PGUSER), '--role', `ana=${roles.ana}`, '--role', `ben=${roles.ben}`);
  for (const coder of ['ana', 'ben']) {
    cli('--project', path.join(dir, `${coder}.claimdesk`), 'team', 'join', url(roles[coder]));
  }
  // The app is told another name: a coder's copy codes as its coder all the same.
  driver = await startDriver({
    CLAIMDESK_ANNOTATOR: 'someone-else',
    CLAIMDESK_SYNC_SECONDS: '1',
    XDG_CONFIG_HOME: path.join(dir, 'config'),
  });
  app = await launch(driver, ['--project', path.join(dir, 'ana.claimdesk')]);
});

after(async () => {
  if (skip) return;
  try {
    cluster('start');
  } catch {
    // Already running.
  }
  await app?.end();
  await driver?.stop();
});

describe('a team project in the app', { skip }, () => {
  it('syncs in the background and shows it in the status bar', async () => {
    const status = await app.waitFor('a sync', async () => {
      const s = await team();
      return s?.state === 'synced' ? s : null;
    });
    assert.match(status.text, /^Team: synced/);
    assert.deepEqual(await axeViolations(app, 'synced'), [], 'axe finds nothing');
    const [button] = await app.find('[data-testid=sync-now]');
    assert.ok(button, 'a Sync button');
  });

  it('shows a change another coder made with the CLI in the open document', async () => {
    const ben = path.join(dir, 'ben.claimdesk');
    const before = await marks();
    cli('--project', ben, '--annotator', 'ben', 'suggest', '--apply', '--as', 'ben', '--kinds', 'attributions');
    const made = annotations(ben, 1).filter((a) => a.annotator === 'ben');
    assert.ok(made.length > 0, 'Ben coded something');
    const synced = cli('--project', ben, 'team', 'sync');
    assert.match(synced, /changes sent/);
    await app.waitFor(
      "Ben's coding in the open document",
      async () => (await marks()).length > before.length,
      20_000,
    );
    assert.equal(annotations(path.join(dir, 'ana.claimdesk'), 1).filter((a) => a.annotator === 'ben').length, made.length);
  });

  it('keeps coding while the server is down, says so, and sends the work once it is back', async () => {
    cluster('stop');
    await app.waitFor('the status bar saying offline', async () => (await team())?.state === 'offline', 20_000);
    await selectText(app, 'Marco Rubio');
    await app.press('1');
    await app.waitFor('the annotation stored locally', () =>
      annotations(path.join(dir, 'ana.claimdesk'), 1).some((a) => a.quote === 'Marco Rubio' && a.annotator === 'ana'),
    );
    await app.waitFor('one change waiting to be sent', async () => /1 to send/.test((await team())?.text ?? ''), 20_000);
    assert.deepEqual(await axeViolations(app, 'offline'), [], 'axe finds nothing in the status bar offline');
    cluster('start');
    await app.waitFor('synced again, nothing left to send', async () => {
      const s = await team();
      return s?.state === 'synced' && !/to send/.test(s.text);
    }, 30_000);
    const sent = psql(
      `SELECT count(*) FROM changes WHERE coder = 'ana' AND payload::text LIKE '%Marco Rubio%'`,
      db,
    );
    assert.equal(sent, '1', 'the offline edit is on the server, once');
    // Ben receives it.
    cli('--project', path.join(dir, 'ben.claimdesk'), 'team', 'sync');
    assert.ok(annotations(path.join(dir, 'ben.claimdesk'), 1).some((a) => a.quote === 'Marco Rubio' && a.annotator === 'ana'));
  });

  it('syncs at once with the Sync button, from the keyboard', async () => {
    await app.execute(`document.querySelector('[data-testid=sync-now]').focus();`);
    assert.equal(await app.execute(`return document.activeElement?.dataset.testid ?? '';`), 'sync-now');
    await app.press(Keys.Enter);
    const said = await app.waitFor('the result said', async () => {
      const text = await app.execute(`return document.querySelector('.status [role=status]')?.textContent ?? '';`);
      return /Synced with the team|sync/i.test(text) ? text : null;
    });
    assert.match(said, /Synced with the team: \d+ changes sent, \d+ received/);
  });
});
