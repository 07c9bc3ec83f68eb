// The reader on a large document, measured in the real app: a ~1 MB article carrying 20,000
// annotations is opened, scrolled end to end and annotated by keyboard, each timed inside the
// webview. Run under a display (`make bench` uses Xvfb); it prints figures and exits 0, or
// non-zero only if the app could not be driven at all.
//
//   node tests/bench/reader.mjs [--runs N] [--creates N]

import path from 'node:path';
import { availableParallelism } from 'node:os';
import { SAMPLE, cli, launch, startDriver, tempDir } from '../e2e/support.mjs';
import { largeArticle, writeBrat } from './large-article.mjs';
import { quantile } from './measure.mjs';

const TARGET_OPEN_MS = 1000;
const TARGET_CREATE_MS = 50;
const TARGET_PENDING_MS = 16;
const TARGET_PENDING_P95_MS = 25;
const TARGET_COMMIT_P95_MS = 25;
const FRAME_MS = 1000 / 60;

const argument = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const OPEN_RUNS = argument('--runs', 5);
const CREATES = argument('--creates', 20);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));


const ms = (value) => `${value.toFixed(1)} ms`;

/** A project holding the large article (brat) and the small sample article. */
function buildProject() {
  const folder = tempDir();
  const project = path.join(folder, 'bench.claimdesk');
  const article = largeArticle();
  const txt = writeBrat(folder, 'large-article', article);
  const started = performance.now();
  const out = cli('--project', project, 'import', txt);
  const imported = performance.now() - started;
  const large = Number(/#(\d+)/.exec(out)?.[1]);
  const small = Number(/#(\d+)/.exec(cli('--project', project, 'import', SAMPLE))?.[1]);
  if (!(large > 0 && small > 0)) throw new Error(`the import printed no ids: ${out}`);
  return {
    project,
    large,
    small,
    bytes: Buffer.byteLength(article.text),
    units: article.text.length,
    annotations: article.annotations.length,
    imported,
  };
}

/** Installs an in-page probe timing a click on document `id` until its reader is drawn and idle. */
const READER_TIME = `
  // The reader's own share: the User Timing measures it records (model and first draw).
  const timeIn = (named, since) => performance.getEntriesByType('measure')
    .filter((e) => named(e.name) && e.startTime >= since)
    .reduce((sum, e) => sum + e.duration, 0);
  const readerTime = (since) => timeIn((name) => name.startsWith('reader:'), since);`;

const ARM_OPEN = `${READER_TIME}
  const id = String(arguments[0]);
  const marked = arguments[1];
  const probe = (window.__openProbe = { clicked: 0, drawn: 0, idle: 0 });
  const button = document.querySelector('button.doc[data-document-id="' + id + '"]');
  button.addEventListener('click', () => { probe.clicked = performance.now(); }, { capture: true, once: true });
  const drawn = () => {
    const root = document.querySelector('[data-testid=document-text]');
    return root && root.dataset.documentId === id && root.dataset.rendered === 'true' && (!marked || root.querySelector('mark'));
  };
  const observer = new MutationObserver(() => {
    if (probe.drawn || !probe.clicked || !drawn()) return;
    probe.drawn = performance.now();
    observer.disconnect();
    // Interactive: the next frame has been produced and a task queued now gets to run, as a
    // key press queued now would.
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        probe.idle = performance.now();
        probe.reader = readerTime(probe.clicked);
      };
      channel.port2.postMessage(null);
    });
  });
  observer.observe(document.querySelector('main'), { childList: true, subtree: true, attributes: true });
  return true;`;

async function openDocument(app, id, marked) {
  await app.execute(ARM_OPEN, id, marked);
  const [button] = await app.find(`button.doc[data-document-id="${id}"]`);
  await app.clickElement(button);
  const probe = await app.waitFor(`document ${id} to open`, async () => {
    const p = await app.execute('return window.__openProbe;');
    return p.idle ? p : null;
  }, 30_000);
  return { drawn: probe.drawn - probe.clicked, interactive: probe.idle - probe.clicked, reader: probe.reader };
}

async function measureOpen(app, setup) {
  const runs = [];
  for (let i = 0; i < OPEN_RUNS; i++) {
    await openDocument(app, setup.small, false);
    await sleep(300);
    runs.push(await openDocument(app, setup.large, true));
    await sleep(300);
  }
  // A key press is handled: with nothing selected, the label key asks for a selection.
  await app.execute('window.getSelection().removeAllRanges();');
  await app.press('1');
  await app.waitFor('the app to answer a key press', async () =>
    app.execute(`return /Select some text first/.test(document.querySelector('.status [role=status]').textContent);`),
  );
  const shown = await app.execute(`
    const root = document.querySelector('[data-testid=document-text]');
    return {
      marks: root.querySelectorAll('mark').length,
      nodes: root.getElementsByTagName('*').length,
      page: document.getElementsByTagName('*').length,
    };`);
  return { runs, shown };
}

/** Scrolls the reader from top to bottom, one step per frame, timing frames in the page. */
const START_SCROLL = `
  const pane = document.querySelector('[data-testid=document-text]').closest('main');
  const step = Math.round(pane.clientHeight * arguments[0]);
  const probe = (window.__scrollProbe = { frames: [], done: false, steps: 0, height: 0, marksAtEnd: 0 });
  pane.scrollTop = 0;
  let last = 0;
  const frame = (now) => {
    if (last) probe.frames.push(now - last);
    last = now;
    if (pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 1 || probe.steps > 20000) {
      probe.done = true;
      probe.height = pane.scrollHeight;
      const root = document.querySelector('[data-testid=document-text]');
      const marks = [...root.querySelectorAll('mark')];
      probe.lastEnd = marks.length ? Number(marks[marks.length - 1].dataset.end) : 0;
      return;
    }
    pane.scrollTop += step;
    probe.steps++;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame((now) => { last = now; requestAnimationFrame(frame); });
  return step;`;

async function measureScroll(app, fraction) {
  const step = await app.execute(START_SCROLL, fraction);
  const probe = await app.waitFor('the scroll to the end', async () => {
    const p = await app.execute('return window.__scrollProbe.done ? window.__scrollProbe : null;');
    return p;
  }, 300_000);
  const frames = probe.frames;
  const dropped = frames.reduce((sum, f) => sum + Math.max(0, Math.round(f / FRAME_MS) - 1), 0);
  return {
    step,
    steps: probe.steps,
    height: probe.height,
    lastEnd: probe.lastEnd,
    median: quantile(frames, 0.5),
    p95: quantile(frames, 0.95),
    worst: Math.max(...frames),
    dropped,
    frames: frames.length,
  };
}

/**
 * The same pane moved up and down by a quarter screen per frame inside text already drawn: what
 * a frame costs here when the reader has nothing to do, for reading the figures above.
 */
const START_REFERENCE = `
  const pane = document.querySelector('[data-testid=document-text]').closest('main');
  const step = Math.round(pane.clientHeight / 4);
  const probe = (window.__referenceProbe = { frames: [], done: false });
  pane.scrollTop = Math.round(pane.scrollHeight / 2);
  let last = 0;
  let n = 0;
  const frame = (now) => {
    if (last) probe.frames.push(now - last);
    last = now;
    if (n++ >= 120) { probe.done = true; return; }
    pane.scrollTop += n % 2 ? step : -step;
    requestAnimationFrame(frame);
  };
  // Let the jump to the middle draw first.
  setTimeout(() => requestAnimationFrame((now) => { last = now; requestAnimationFrame(frame); }), 500);
  return step;`;

async function measureReference(app) {
  await app.execute(START_REFERENCE);
  const probe = await app.waitFor('the reference scroll', async () =>
    app.execute('return window.__referenceProbe.done ? window.__referenceProbe : null;'),
  60_000);
  return { median: quantile(probe.frames, 0.5), p95: quantile(probe.frames, 0.95) };
}

/**
 * Scrolls to `fraction` of the document, selects a word in an unannotated stretch near the middle
 * of the screen, and arms a probe timing the next keydown until a mark in that range carries an
 * annotation id newer than any before.
 */
const ARM_CREATE = `${READER_TIME}
  const fraction = arguments[0];
  const root = document.querySelector('[data-testid=document-text]');
  const pane = root.closest('main');
  const maxId = Math.max(0, ...[...root.querySelectorAll('mark')].flatMap((m) => m.dataset.annotationIds.split(' ').map(Number)));
  const probe = (window.__createProbe = { ready: false, key: 0, pending: 0, pendingPainted: 0, shown: 0, painted: 0 });
  pane.scrollTop = Math.round((pane.scrollHeight - pane.clientHeight) * fraction);
  // Wait for the scroll to render, then pick a word in the middle of the screen.
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const middle = pane.getBoundingClientRect().top + pane.clientHeight / 2;
    const plain = [...root.querySelectorAll('span[data-start]')]
      .filter((s) => /[a-z]{4,}/.test(s.textContent))
      .sort((a, b) => Math.abs(a.getBoundingClientRect().top - middle) - Math.abs(b.getBoundingClientRect().top - middle));
    const span = plain[0];
    if (!span) { probe.error = 'no unannotated word on screen'; return; }
    const node = span.firstChild;
    const match = /[a-z]{4,}/.exec(node.data);
    const range = document.createRange();
    range.setStart(node, match.index);
    range.setEnd(node, match.index + match[0].length);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    const start = Number(span.dataset.start) + match.index;
    const end = start + match[0].length;
    probe.word = match[0];
    probe.start = start;
    const created = () => [...root.querySelectorAll('mark')].some((m) =>
      Number(m.dataset.start) < end && Number(m.dataset.end) > start &&
      m.dataset.annotationIds.split(' ').some((id) => Number(id) > maxId));
    document.addEventListener('keydown', () => { probe.key = performance.now(); }, { capture: true, once: true });
    const drawnPending = () => [...root.querySelectorAll('mark.pending')].some((m) =>
      Number(m.dataset.start) < end && Number(m.dataset.end) > start);
    const observer = new MutationObserver(() => {
      if (probe.key && !probe.pending && drawnPending()) {
        probe.pending = performance.now();
        requestAnimationFrame(() => { probe.pendingPainted = performance.now(); });
      }
      if (!probe.key || probe.shown || !created()) return;
      probe.shown = performance.now();
      observer.disconnect();
      probe.reader = readerTime(probe.key);
      probe.model = timeIn((name) => name === 'reader: model', probe.key);
      probe.backend = timeIn((name) => name === 'backend: create_annotation', probe.key);
      requestAnimationFrame(() => { probe.painted = performance.now(); });
    });
    observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-annotation-ids', 'class'] });
    probe.ready = true;
  }));
  return true;`;

async function measureCreate(app) {
  const runs = [];
  for (let i = 0; i < CREATES; i++) {
    await app.execute(ARM_CREATE, (i + 0.5) / CREATES);
    const armed = await app.waitFor('a selection', async () => {
      const p = await app.execute('return window.__createProbe;');
      if (p.error) throw new Error(p.error);
      return p.ready ? p : null;
    });
    if (armed.error) throw new Error(armed.error);
    await app.press('2');
    const probe = await app.waitFor('the new highlight', async () => {
      const p = await app.execute('return window.__createProbe;');
      return p.painted ? p : null;
    }, 30_000);
    runs.push({
      pending: probe.pending ? probe.pending - probe.key : NaN,
      pendingPainted: probe.pendingPainted ? probe.pendingPainted - probe.key : NaN,
      shown: probe.shown - probe.key,
      painted: probe.painted - probe.key,
      reader: probe.reader,
      model: probe.model,
      backend: probe.backend,
    });
    await sleep(150);
  }
  return runs;
}

/**
 * The durable commit alone: create_annotation called from the page with nothing drawn meanwhile
 * (the reader does not learn of these), from the call to its answer — the IPC round trip, the
 * transaction and its fsync. `start16` steps through the text so each span is new.
 */
async function measureCommit(app, id, runs = 30) {
  await app.execute(
    `const [id, runs] = arguments;
     const probe = (window.__commitProbe = { runs: [], done: false });
     (async () => {
       const label = 1;
       for (let i = 0; i < runs; i++) {
         const start16 = 1000 + i * 997;
         const t = performance.now();
         try {
           await window.__TAURI_INTERNALS__.invoke('create_annotation', { request: { documentId: id, labelId: label, start16, end16: start16 + 5 } });
           probe.runs.push(performance.now() - t);
         } catch {
           // A span cut inside a character is refused: not a commit, not counted.
         }
         await new Promise((r) => setTimeout(r, 50));
       }
       probe.done = true;
     })().catch((e) => { probe.error = String(e?.message ?? e); probe.done = true; });`,
    id,
    runs,
  );
  const probe = await app.waitFor('the commits', async () => {
    const p = await app.execute('return window.__commitProbe;');
    return p.done ? p : null;
  }, 60_000);
  if (probe.error) throw new Error(probe.error);
  return probe.runs;
}

/** How long the backend takes to answer open_document for the large document, from the page. */
async function measureBackend(app, id) {
  await app.execute(
    `const id = arguments[0];
     const probe = (window.__backendProbe = { runs: [], bytes: 0 });
     (async () => {
       for (let i = 0; i < 3; i++) {
         const start = performance.now();
         const doc = await window.__TAURI_INTERNALS__.invoke('open_document', { documentId: id });
         probe.runs.push(performance.now() - start);
         probe.bytes = JSON.stringify(doc).length;
       }
       probe.done = true;
     })();`,
    id,
  );
  return app.waitFor('open_document', async () => {
    const p = await app.execute('return window.__backendProbe;');
    return p.done ? p : null;
  }, 60_000);
}

async function main() {
  console.log('Reader benchmark: the real app on a large document');
  const setup = buildProject();
  console.log(
    `  document: ${(setup.bytes / 1e6).toFixed(2)} MB (${setup.units.toLocaleString('en')} UTF-16 units), ` +
      `${setup.annotations.toLocaleString('en')} annotations; brat import ${setup.imported.toFixed(0)} ms; ` +
      `${availableParallelism()} CPUs`,
  );

  const driver = await startDriver();
  let app;
  try {
    app = await launch(driver, ['--project', setup.project]);
    const open = await measureOpen(app, setup);
    const drawn = open.runs.map((r) => r.drawn);
    const interactive = open.runs.map((r) => r.interactive);
    const backend = await measureBackend(app, setup.large);
    const scroll = await measureScroll(app, 0.5);
    const reference = await measureReference(app);
    const create = await measureCreate(app);
    const commits = await measureCommit(app, setup.large);
    const shown = create.map((r) => r.shown);
    const painted = create.map((r) => r.painted);

    const verdict = (value, target) => (value < target ? 'met' : 'NOT MET');
    console.log('');
    console.log(`open (click in the list -> highlights drawn -> interactive), ${open.runs.length} runs`);
    console.log(`  drawn:        median ${ms(quantile(drawn, 0.5))}, max ${ms(Math.max(...drawn))}`);
    console.log(
      `  interactive:  median ${ms(quantile(interactive, 0.5))}, max ${ms(Math.max(...interactive))}` +
        `   target < ${TARGET_OPEN_MS} ms: ${verdict(quantile(interactive, 0.5), TARGET_OPEN_MS)}`,
    );
    console.log(
      `  in the DOM:   ${open.shown.marks} highlights, ${open.shown.nodes} elements in the reader ` +
        `(${open.shown.page} in the whole window)`,
    );
    console.log(
      `  of which:     the reader (model + first draw) median ${ms(quantile(open.runs.map((r) => r.reader), 0.5))}; ` +
        `the backend's open_document (${(backend.bytes / 1e6).toFixed(1)} MB of JSON) median ${ms(quantile(backend.runs, 0.5))}`,
    );
    console.log(`scroll (top to bottom, ${scroll.step} px per frame, ${scroll.steps} steps, ${scroll.height} px)`);
    console.log(
      `  frame time:   median ${ms(scroll.median)}, p95 ${ms(scroll.p95)}, worst ${ms(scroll.worst)}; ` +
        `dropped frames ${scroll.dropped} of ${scroll.frames + scroll.dropped} (60 Hz)`,
    );
    console.log(`  reached:      UTF-16 offset ${scroll.lastEnd} of ${setup.units}`);
    console.log(
      `  reference:    moving within text already drawn (nothing to draw) median ${ms(reference.median)}, ` +
        `p95 ${ms(reference.p95)}: the cost of a frame on this display`,
    );
    const pendingShown = create.map((r) => r.pending);
    const pendingPainted = create.map((r) => r.pendingPainted);
    const answered = create.map((r) => r.backend);
    console.log(`create, ${create.length} runs`);
    console.log(
      `  keydown -> pending highlight in the DOM: median ${ms(quantile(pendingShown, 0.5))}, p95 ${ms(quantile(pendingShown, 0.95))}` +
        `   target median < ${TARGET_PENDING_MS} ms: ${verdict(quantile(pendingShown, 0.5), TARGET_PENDING_MS)}, ` +
        `p95 < ${TARGET_PENDING_P95_MS} ms: ${verdict(quantile(pendingShown, 0.95), TARGET_PENDING_P95_MS)}`,
    );
    console.log(`  keydown -> pending highlight painted (next frame): median ${ms(quantile(pendingPainted, 0.5))}, p95 ${ms(quantile(pendingPainted, 0.95))}`);
    console.log(
      `  durable commit alone (create_annotation called -> answered, nothing drawn meanwhile), ${commits.length} runs: ` +
        `median ${ms(quantile(commits, 0.5))}, p95 ${ms(quantile(commits, 0.95))}` +
        `   target p95 < ${TARGET_COMMIT_P95_MS} ms: ${verdict(quantile(commits, 0.95), TARGET_COMMIT_P95_MS)}`,
    );
    console.log(
      `  the same while the pending highlight is drawn (its answer waits for the frame): median ${ms(quantile(answered, 0.5))}, ` +
        `p95 ${ms(quantile(answered, 0.95))}`,
    );
    console.log(
      `  keydown -> stored highlight in the DOM: median ${ms(quantile(shown, 0.5))}, p95 ${ms(quantile(shown, 0.95))}` +
        `   (was the only highlight before; target < ${TARGET_CREATE_MS} ms: ${verdict(quantile(shown, 0.5), TARGET_CREATE_MS)})`,
    );
    console.log(`  next frame:   median ${ms(quantile(painted, 0.5))}, p95 ${ms(quantile(painted, 0.95))}`);
    console.log(
      `  of which:     the reader (model + draw) median ${ms(quantile(create.map((r) => r.reader), 0.5))} ` +
        `(model ${ms(quantile(create.map((r) => r.model), 0.5))}); ` +
        `the backend's create_annotation (commit included) median ${ms(quantile(create.map((r) => r.backend), 0.5))}`,
    );
  } finally {
    await app?.end();
    await driver.stop();
  }
}

main().catch((error) => {
  console.error(`reader benchmark: could not drive the app: ${error.stack ?? error}`);
  process.exit(1);
});
