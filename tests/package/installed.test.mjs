// The app as an analyst gets it: installed from the package, not run from the build tree.
// tests/package/run.sh builds the .deb, installs it (or unpacks it when not root) and runs this
// with CLAIMDESK_BIN_DIR at the installed binaries, CLAIMDESK_PACKAGE_SHARE at the installed
// share/ folder and CLAIMDESK_PACKAGE_HOME at a fresh home folder; it then removes the package
// and checks that what this test left in that home is still there, byte for byte.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { APP, CLI, SAMPLE, annotations, cli, highlights, launch, pythonFind, startDriver, textRect } from '../e2e/support.mjs';

const SHARE = required('CLAIMDESK_PACKAGE_SHARE');
const HOME = required('CLAIMDESK_PACKAGE_HOME');
const BIN = path.dirname(APP);

/** Where the app keeps the user's things when HOME is the test's home. */
const USER = {
  HOME,
  XDG_DATA_HOME: path.join(HOME, '.local', 'share'),
  XDG_CONFIG_HOME: path.join(HOME, '.config'),
  XDG_CACHE_HOME: path.join(HOME, '.cache'),
  // Only the user's own choice (none) decides which project opens.
  CLAIMDESK_PROJECT: '',
};
const DEFAULT_PROJECT = path.join(USER.XDG_DATA_HOME, 'claimdesk', 'default.claimdesk');

/** A desktop session's view of the installed files: the package's share/ first, then the system's. */
const DESKTOP = {
  ...process.env,
  ...USER,
  CLAIMDESK_ANNOTATOR: 'e2e',
  PATH: `${BIN}:${process.env.PATH}`,
  XDG_DATA_DIRS: [...new Set([SHARE, '/usr/local/share', '/usr/share'])].join(':'),
};

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through tests/package/run.sh`);
  return value;
}

let driver;

before(async () => {
  assert.ok(!APP.startsWith(path.resolve(import.meta.dirname, '..', '..', 'target')), `${APP} is the build tree's app, not an installed one`);
  driver = await startDriver(USER);
});

after(async () => {
  await driver?.stop();
});

describe('the installed app', () => {
  it('opens the sample on first start, codes a selection, and the installed CLI reads it from the project file', async () => {
    assert.equal(existsSync(DEFAULT_PROJECT), false, 'the home is fresh');
    const app = await launch(driver, []);
    try {
      const rect = await app.waitFor('the sample article', () => textRect(app, 'Tammy Bruce'), 20_000);
      const y = (rect.top + rect.bottom) / 2;
      await app.drag({ x: rect.left + 1, y }, { x: rect.right - 1, y });
      assert.equal(await app.execute('return window.getSelection().toString();'), 'Tammy Bruce');
      await app.press('1');
      const shown = await app.waitFor('the Actor highlight', async () => {
        const found = await highlights(app, 'Tammy Bruce');
        return found.length === 1 && found[0];
      });
      assert.equal(shown.labels, 'Actor');
    } finally {
      await app.end();
    }

    assert.ok(existsSync(DEFAULT_PROJECT), `the first start made ${DEFAULT_PROJECT}`);
    // `list` prints one document a line: id, date, annotation count, title.
    const listed = cli('--project', DEFAULT_PROJECT, 'list').trim().split('\n');
    assert.equal(listed.length, 1, `the new default project holds the sample only: ${listed}`);
    const [doc, , count] = listed[0].split('\t').map(Number);
    assert.equal(count, 1);
    const start = pythonFind(SAMPLE, 'Tammy Bruce');
    assert.deepEqual(
      annotations(DEFAULT_PROJECT, doc).map((a) => [a.label, a.start, a.end, a.quote]),
      [['Actor', start, start + 'Tammy Bruce'.length, 'Tammy Bruce']],
    );
  });

  it('puts claimdesk-cli beside the app, where the PATH finds it', () => {
    const found = execFileSync('sh', ['-c', 'command -v claimdesk-cli'], { encoding: 'utf8', env: DESKTOP }).trim();
    assert.equal(found, CLI);
    assert.match(execFileSync(CLI, ['--version'], { encoding: 'utf8' }), /^claimdesk-cli \d+\.\d+\.\d+/);
  });
});

describe('the desktop integration', () => {
  const entry = path.join(SHARE, 'applications', 'Claimdesk.desktop');

  it('installs a valid desktop entry that passes the double-clicked file to the app, with its icon', () => {
    const text = readFileSync(entry, 'utf8');
    const field = (name) => new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1];
    assert.equal(field('Exec'), 'claimdesk %f');
    assert.equal(field('Type'), 'Application');
    assert.ok(field('MimeType').split(';').includes('application/x-claimdesk'), field('MimeType'));
    const icons = readdirSync(path.join(SHARE, 'icons', 'hicolor'))
      .map((size) => path.join(SHARE, 'icons', 'hicolor', size, 'apps', `${field('Icon')}.png`))
      .filter(existsSync);
    assert.ok(icons.length > 0, `an icon named ${field('Icon')} is installed`);
    const validated = spawnSync('desktop-file-validate', [entry], { encoding: 'utf8' });
    assert.equal(validated.status, 0, `desktop-file-validate: ${validated.stdout}${validated.stderr}`);
  });

  it('makes a .claimdesk file a Claimdesk project to the desktop, opened by Claimdesk', () => {
    const project = path.join(HOME, 'Documents', 'typed.claimdesk');
    mkdirSync(path.dirname(project), { recursive: true });
    cli('--project', project, 'import', SAMPLE);
    // The file is a SQLite database underneath; its name decides, as the shared MIME database says.
    const info = execFileSync('gio', ['info', '--attributes=standard::content-type', project], { encoding: 'utf8', env: DESKTOP });
    assert.match(info, /standard::content-type: application\/x-claimdesk$/m);
    const handler = execFileSync('gio', ['mime', 'application/x-claimdesk'], { encoding: 'utf8', env: DESKTOP });
    assert.match(handler, /Default application for .application\/x-claimdesk.: Claimdesk\.desktop/);
  });

  it('opens a double-clicked project in the installed app, as a file manager launches it', async () => {
    const project = path.join(HOME, 'Documents', 'double-clicked.claimdesk');
    mkdirSync(path.dirname(project), { recursive: true });
    cli('--project', project, 'import', SAMPLE);
    // `gio open` is what GNOME's file manager does on a double-click: look up the type's default
    // application and run its desktop entry's Exec line with the file.
    const log = path.join(HOME, 'gio-open.log');
    const out = openSync(log, 'a');
    const opened = spawnSync('gio', ['open', project], { env: DESKTOP, stdio: ['ignore', out, out], timeout: 20_000 });
    closeSync(out);
    assert.equal(opened.status, 0, `gio open failed: ${readFileSync(log, 'utf8')}`);

    const installed = realpathSync(APP);
    let pid;
    try {
      const deadline = Date.now() + 20_000;
      while (!(pid = appHolding(installed, project))) {
        assert.ok(Date.now() < deadline, `no installed app has ${project} open after 20 s; log: ${readFileSync(log, 'utf8')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      assert.deepEqual(argv.slice(1), [project], 'the path alone, as the desktop entry passes it');
    } finally {
      if (pid) await stop(pid);
    }
  });
});

/** The process of the installed app that has `file` open, if one has. */
function appHolding(app, file) {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) !== app) continue;
      const fds = readdirSync(`/proc/${pid}/fd`);
      if (fds.some((fd) => safeReadlink(`/proc/${pid}/fd/${fd}`) === file)) return Number(pid);
    } catch {
      // The process ended while being looked at, or is not ours to inspect.
    }
  }
  return undefined;
}

function safeReadlink(link) {
  try {
    return readlinkSync(link);
  } catch {
    return undefined;
  }
}

/** Ends the app that the double-click started, and waits until it is gone. */
async function stop(pid) {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (existsSync(`/proc/${pid}`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
  while (existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(safeRead(`/proc/${pid}/status`))) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function safeRead(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
