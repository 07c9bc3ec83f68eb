// Shared plumbing for the end-to-end tests: the real app binary, tauri-driver, the CLI, Python.

import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Session } from './webdriver.mjs';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = process.env.CLAIMDESK_BIN_DIR ?? path.join(ROOT, 'target', 'debug');
export const APP = path.join(BIN, 'claimdesk');
export const CLI = path.join(BIN, 'claimdesk-cli');
export const SAMPLE = path.join(ROOT, 'crates', 'store', 'sample', 'riyadh-talks-2025-02-18.txt');
export const HOSTILE = path.join(ROOT, 'tests', 'fixtures', 'hostile-unicode.txt');
export const ARTIFACTS = path.join(ROOT, 'tests', 'artifacts');

const TAURI_DRIVER =
  process.env.TAURI_DRIVER ??
  [path.join(ROOT, 'target', 'tools', 'bin', 'tauri-driver')].find(existsSync) ??
  'tauri-driver';

export function tempDir() {
  return mkdtempSync(path.join(tmpdir(), 'claimdesk-e2e-'));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts tauri-driver (which starts WebKitWebDriver) on free ports. `env` reaches the app too,
 * since the app is the driver's grandchild.
 */
export async function startDriver(env = {}) {
  if (!process.env.DISPLAY) throw new Error('the end-to-end tests need a display: run them under xvfb-run');
  const port = await freePort();
  const nativePort = await freePort();
  // The driver, WebKitWebDriver and every app they start write to a log file, not to this
  // process's output: an app outliving its session would otherwise hold the test runner's
  // pipe open and keep it waiting forever. They form one process group, ended on stop().
  const log = path.join(tempDir(), 'tauri-driver.log');
  const out = openSync(log, 'a');
  const child = spawn(TAURI_DRIVER, ['--port', String(port), '--native-port', String(nativePort)], {
    env: { ...process.env, CLAIMDESK_ANNOTATOR: 'e2e', ...env },
    stdio: ['ignore', out, out],
    detached: true,
  });
  closeSync(out);
  const failed = (why) => new Error(`${why}; its log: ${log}\n${readFileSync(log, 'utf8').slice(-2000)}`);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw failed(`tauri-driver exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${base}/status`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw failed('tauri-driver did not start within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    base,
    log,
    /** Ends the driver and whatever it started that is still running (apps left behind too). */
    async stop() {
      const signal = (name) => {
        try {
          process.kill(-child.pid, name);
        } catch {
          // The group is gone already.
        }
      };
      signal('SIGTERM');
      const exited = new Promise((resolve) =>
        child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', resolve),
      );
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      signal('SIGKILL');
      await exited;
    },
  };
}

/** Opens the real app on `args` and waits until its UI has loaded. */
export async function launch(driver, args) {
  const session = await Session.start(driver.base, {
    browserName: 'wry',
    'tauri:options': { application: APP, args },
  });
  await session.waitFor('the app to load', async () => (await session.find('.shell[data-ready=true]')).length > 0, 20_000);
  return session;
}

/** Runs claimdesk-cli and returns its standard output. */
export function cli(...args) {
  return execFileSync(CLI, args, { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, CLAIMDESK_ANNOTATOR: 'e2e' } });
}

/** The annotations `claimdesk-cli annotations` prints for a document, parsed. */
export function annotations(project, documentId) {
  return cli('--project', project, 'annotations', String(documentId))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** Where Python's `str.find` puts `needle` in the file's text (read without newline translation). */
export function pythonFind(file, needle) {
  const script =
    'import sys; t = open(sys.argv[1], encoding="utf-8", newline="").read(); print(t.find(sys.argv[2]))';
  return Number(execFileSync('python3', ['-c', script, file, needle], { encoding: 'utf8' }).trim());
}

/** Kills the app running on `project` with SIGKILL, as a crash or power cut would. */
export function killApp(project) {
  let killed = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let argv;
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv[0] === APP && argv.includes(project)) {
      process.kill(Number(pid), 'SIGKILL');
      killed++;
    }
  }
  if (killed === 0) throw new Error(`no app process found for ${project}`);
}

/**
 * Writes a native JSON Lines project to `file`: the default schema, `entities`, and one document
 * with `text` and an annotation for each [quote, label] of `spans` (the first place the quote
 * occurs; the texts are ASCII, so code points are UTF-16 units). Answers the annotation ids by
 * quote.
 */
export function writeProject(file, text, spans, entities = []) {
  const ids = new Map();
  const stamp = '2025-02-18T12:00:00Z';
  const annotations = spans.map(([quote, label], i) => {
    const start = text.indexOf(quote);
    if (start < 0) throw new Error(`“${quote}” is not in the text`);
    ids.set(quote, i + 1);
    const end = start + quote.length;
    return {
      id: i + 1, label, start, end, quote,
      prefix: text.slice(Math.max(0, start - 32), start), suffix: text.slice(end, end + 32),
      attributes: {}, note: null, entity_id: null, annotator: 'e2e', created_at: stamp, updated_at: stamp,
    };
  });
  const project = {
    type: 'project', format: 'claimdesk', version: 1, offset_unit: 'code_point',
    labels: [
      { name: 'Actor', colour: '#4e79a7', hotkey: '1', attributes: [] },
      { name: 'Claim', colour: '#f28e2b', hotkey: '2', attributes: [] },
      { name: 'Position', colour: '#59a14f', hotkey: '3', attributes: [
        { name: 'stance', kind: { type: 'choice', options: ['support', 'oppose', 'neutral'] } },
      ] },
    ],
    entities,
    annotators: ['e2e'],
    relation_types: [
      { name: 'said_by', from_labels: ['Claim'], to_labels: ['Actor'] },
      { name: 'held_by', from_labels: ['Position'], to_labels: ['Actor'] },
      { name: 'about', from_labels: ['Position'], to_labels: ['Claim'] },
    ],
  };
  const document = {
    type: 'document', id: 1, title: 'Fixture', date: '2025-02-18', source: null, author: null, url: null,
    language: 'en', metadata: {}, imported_at: stamp, sha256: createHash('sha256').update(text).digest('hex'),
    text, annotations, relations: [], entities: [],
  };
  writeFileSync(file, `${JSON.stringify(project)}\n${JSON.stringify(document)}\n`);
  return ids;
}

export function saveArtifact(name, bytes) {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, name), bytes);
}

// ---- Page probes, run inside the webview. ----

/** Sets a form control the way a user's choice would, firing the events Svelte listens to. */
export async function choose(session, selector, value) {
  const ok = await session.execute(
    `const el = document.querySelector(arguments[0]);
     if (!el) return false;
     if (el.type === 'radio' || el.type === 'checkbox') { el.click(); return true; }
     el.value = arguments[1];
     el.dispatchEvent(new Event('input', { bubbles: true }));
     el.dispatchEvent(new Event('change', { bubbles: true }));
     return true;`,
    selector,
    value,
  );
  if (!ok) throw new Error(`no control ${selector}`);
}

/** The highlights whose text is exactly `quote`, as [{labels, ids}]. */
export async function highlights(session, quote) {
  return session.execute(
    `const quote = arguments[0];
     const marks = [...document.querySelectorAll('[data-testid=document-text] mark')];
     // A highlight may be drawn as several adjacent segments; join runs with the same ids.
     const found = [];
     for (const id of new Set(marks.flatMap((m) => m.dataset.annotationIds.split(' ')))) {
       const parts = marks.filter((m) => m.dataset.annotationIds.split(' ').includes(id));
       const text = parts.map((m) => m.textContent).join('');
       if (text === quote) found.push({ id: Number(id), labels: parts[0].dataset.labels });
     }
     return found;`,
    quote,
  );
}

/** Selects `needle` in the document text with a real DOM Range over the rendered text nodes. */
export async function selectText(session, needle) {
  const ok = await session.execute(
    `const needle = arguments[0];
     const root = document.querySelector('[data-testid=document-text]');
     const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
     const nodes = [];
     let all = '';
     while (walker.nextNode()) { nodes.push([walker.currentNode, all.length]); all += walker.currentNode.data; }
     const at = all.indexOf(needle);
     if (at < 0) return false;
     // A start at a node's end goes into the next node: across blocks, the end of one block
     // and the start of the next are different places to the selection.
     const locate = (offset, after) => {
       for (const [node, start] of nodes) {
         const end = start + node.data.length;
         if (after ? offset < end : offset <= end) return [node, offset - start];
       }
     };
     const range = document.createRange();
     range.setStart(...locate(at, true));
     range.setEnd(...locate(at + needle.length, false));
     const selection = window.getSelection();
     selection.removeAllRanges();
     selection.addRange(range);
     return selection.toString() === needle;`,
    needle,
  );
  if (!ok) throw new Error(`could not select ${JSON.stringify(needle)} in the document`);
}

/** The viewport rectangle of `needle` in the rendered text: for mouse drags. */
export async function textRect(session, needle) {
  return session.execute(
    `const needle = arguments[0];
     const root = document.querySelector('[data-testid=document-text]');
     const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
     while (walker.nextNode()) {
       const i = walker.currentNode.data.indexOf(needle);
       if (i < 0) continue;
       const range = document.createRange();
       range.setStart(walker.currentNode, i);
       range.setEnd(walker.currentNode, i + needle.length);
       // Bring the text to the middle of its scrolling pane, then measure its first line box.
       const pane = root.closest('main');
       pane.scrollTop += range.getBoundingClientRect().top - pane.clientHeight / 2;
       const r = [...range.getClientRects()].find((box) => box.width > 0);
       return r ? { left: r.left, right: r.right, top: r.top, bottom: r.bottom } : null;
     }
     return null;`,
    needle,
  );
}

const AXE = readFileSync(path.join(ROOT, 'ui', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Runs axe-core on the page as it is; answers its violations, shortly described. */
export async function axeViolations(app, where) {
  // axe's source goes in with the script: the CSP forbids the page to evaluate strings itself.
  const found = await app.command('POST', '/execute/async', {
    script: `const done = arguments[arguments.length - 1];
             if (!window.axe) { ${AXE}\n }
             window.axe.run(document, { resultTypes: ['violations'] })
               .then((r) => done(r.violations.map((v) => ({
                  id: v.id, impact: v.impact,
                  nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\\s+/g, ' ').slice(0, 300)),
               }))), (e) => done([{ id: 'axe-error', nodes: [String(e)] }]));`,
    args: [],
  });
  return found.map((v) => `${where}: ${v.id} (${v.impact})\n    ${v.nodes.join('\n    ')}`);
}
