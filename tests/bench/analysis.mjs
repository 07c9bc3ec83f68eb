// The Analysis views at the issue's scale, measured in the real app: a generated coded project
// of 10,000 documents whose coding makes 100,000 statements by 2,000 actors on 500 concepts,
// dated daily over ten years, is imported by the CLI and opened in the app. Timed in the
// webview: the network computed (its answer reaching the webview) and shown with its first
// picture (on opening the view and on Draw), the layout
// settled, frame times while the wheel zooms the picture, and the time chart redrawn per week
// and per month. Prints figures beside the issue's targets and exits 0, or non-zero only if the
// app could not be driven.
//
//   node tests/bench/analysis.mjs [--documents N] [--project P] [--one-mode]
//   node tests/bench/analysis.mjs --write FILE [--documents N]    (only writes the project)
//
// The statements are those of crates/core/benches/analysis.rs (the same generator and seed), so
// the core's figures and the app's are for the same network. --one-mode also draws the one-mode
// networks (concepts with concepts, actors with actors), each given at most four minutes.
//
// What it relies on in the page: Ctrl+8 opens the view; `button[name=draw-network]`,
// `input[name=network-from]`, `input[name=network-to]`, `select[name=network-mode]` and
// `select[name=timeline-period]`; `[data-testid=network-summary]` reading "N nodes, M edges
// from K statements", with "laying out" while the layout runs; `[data-testid=network-picture]`
// (an <svg> or a <canvas>), and its `data-frames` count of frames drawn when it has one (with
// `data-drawn-nodes`, the nodes painted in the last frame, for a picture painted on a canvas,
// and `data-answered-at`, the page time the shown network's answer came);
// `section.time` holding `[data-testid=timeline]`; the layout kept in localStorage under
// `claimdesk.layout:<project>:<mode>` (removed to time a layout from scratch).

import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Keys } from '../e2e/webdriver.mjs';
import { cli, launch, startDriver, tempDir } from '../e2e/support.mjs';
import { changedFrames, idleFrames, quantile, random } from './measure.mjs';

const TARGETS = { computed: 300, picture: 1000, settled: 5000, frame: 50, timeline: 200 };

// ---- the coded project ----------------------------------------------------------------------

const ACTORS = 2_000;
const CONCEPTS = 500;
const PER_DOCUMENT = 10;
const DAYS = 3_653; // 2015-01-01 to 2024-12-31
const SEED = 2025;
const STANCES = ['support', 'oppose', 'neutral'];
const VERBS = { support: 'supports', oppose: 'opposes', neutral: 'is undecided on' };
const SOURCES = ['Wire', 'Herald', 'Gazette', 'Courier', 'Tribune', 'Post', 'Times', 'Observer'];
const STAMP = '2025-02-18T12:00:00Z';

/** Draws ranks 0..n-1 with weights 1 / (rank + offset). */
function zipf(n, offset) {
  const cumulative = [];
  let total = 0;
  for (let rank = 0; rank < n; rank++) cumulative.push((total += 1 / (rank + offset)));
  return (next) => {
    const u = next() * cumulative[n - 1];
    let [low, high] = [0, n];
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (cumulative[mid] <= u) low = mid + 1;
      else high = mid;
    }
    return Math.min(low, n - 1);
  };
}

/**
 * Writes a coded project in Claimdesk's own JSON Lines format: `documents` documents of ten
 * statements each (100,000 for the default 10,000), 2.7 documents a day over 2015–2024.
 * Each statement is a sentence "Actor 17 supports the proposal on Concept 42." coded as an Actor
 * (linked to the actor's entity, one of 2,000), a Claim (linked to the concept's entity, one of
 * 500) and a Position with its `stance` (support, oppose or neutral), the Position `held_by`
 * the Actor and `about` the Claim: one statement (crates/core/src/statement.rs). Actors and
 * concepts are drawn with Zipf-like weights; an actor keeps one stance on a concept 80 % of the
 * time. Answers what was written. `actorNames`, `conceptNames` and `days` make a smaller,
 * readable project (the README's picture).
 */
export async function writeCodedProject(file, documents = 10_000, { actorNames = null, conceptNames = null, days = DAYS } = {}) {
  const next = random(SEED);
  const actorName = (i) => actorNames?.[i] ?? `Actor ${i + 1}`;
  const conceptName = (i) => conceptNames?.[i] ?? `Concept ${i + 1}`;
  const nActors = actorNames?.length ?? ACTORS;
  const nConcepts = conceptNames?.length ?? CONCEPTS;
  const actors = zipf(nActors, 10);
  const concepts = zipf(nConcepts, 5);
  const out = createWriteStream(file);
  const write = async (record) => {
    if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
  };
  const entities = [
    ...Array.from({ length: nActors }, (_, i) => ({ id: i + 1, kind: 'actor', name: actorName(i), aliases: [] })),
    ...Array.from({ length: nConcepts }, (_, i) => ({ id: nActors + i + 1, kind: 'concept', name: conceptName(i), aliases: [] })),
  ];
  await write({
    type: 'project',
    format: 'claimdesk',
    version: 1,
    offset_unit: 'code_point',
    labels: [
      { name: 'Actor', colour: '#4e79a7', hotkey: '1', attributes: [] },
      { name: 'Claim', colour: '#f28e2b', hotkey: '2', attributes: [] },
      { name: 'Position', colour: '#59a14f', hotkey: '3', attributes: [{ name: 'stance', kind: { type: 'choice', options: STANCES } }] },
    ],
    entities,
    annotators: ['bench'],
    relation_types: [
      { name: 'said_by', from_labels: ['Claim'], to_labels: ['Actor'] },
      { name: 'held_by', from_labels: ['Position'], to_labels: ['Actor'] },
      { name: 'about', from_labels: ['Position'], to_labels: ['Claim'] },
    ],
  });
  const first = Date.UTC(2015, 0, 1);
  const seen = { actors: new Set(), concepts: new Set(), stances: { support: 0, oppose: 0, neutral: 0 } };
  let statement = 0;
  for (let d = 0; d < documents; d++) {
    const date = new Date(first + Math.floor((d * days) / documents) * 86_400_000).toISOString().slice(0, 10);
    let text = `Debate ${d + 1}, ${date}.\n`;
    const annotations = [];
    const relations = [];
    const span = (id, label, quote, attributes, entity) => {
      const start = text.length;
      text += quote;
      annotations.push({
        id, label, start, end: start + quote.length, quote, prefix: '', suffix: '', attributes, note: null,
        entity_id: entity, annotator: 'bench', created_at: STAMP, updated_at: STAMP,
      });
    };
    for (let k = 0; k < PER_DOCUMENT; k++) {
      const actor = actors(next);
      const concept = concepts(next);
      const keeps = next() < 0.8;
      const any = next();
      const stance = STANCES[keeps ? (actor * 7919 + concept * 104729) % 3 : Math.min(2, Math.floor(any * 3))];
      seen.actors.add(actor);
      seen.concepts.add(concept);
      seen.stances[stance] += 1;
      const [a, c, p] = [3 * statement + 1, 3 * statement + 2, 3 * statement + 3];
      span(a, 'Actor', actorName(actor), {}, actor + 1);
      text += ' ';
      span(p, 'Position', VERBS[stance], { stance }, null);
      text += ' ';
      span(c, 'Claim', `the proposal on ${conceptName(concept)}`, {}, nActors + concept + 1);
      text += '.\n';
      relations.push(
        { id: 2 * statement + 1, kind: 'held_by', from_id: p, to_id: a, annotator: 'bench', created_at: STAMP },
        { id: 2 * statement + 2, kind: 'about', from_id: p, to_id: c, annotator: 'bench', created_at: STAMP },
      );
      statement += 1;
    }
    // The file's order: by start (the Position comes before the Claim in each sentence).
    annotations.sort((x, y) => x.start - y.start || x.end - y.end || x.id - y.id);
    await write({
      type: 'document', id: d + 1, title: `Debate ${d + 1}`, date, source: SOURCES[d % SOURCES.length], author: null, url: null,
      language: 'en', metadata: {}, sha256: createHash('sha256').update(text).digest('hex'), imported_at: STAMP, text,
      annotations, relations,
    });
  }
  out.end();
  await once(out, 'finish');
  return { documents, statements: statement, actors: seen.actors.size, concepts: seen.concepts.size, stances: seen.stances };
}

// ---- figures --------------------------------------------------------------------------------

const argument = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : 'n/a');
const verdict = (v, target) => (Number.isFinite(v) && v < target ? 'PASS' : 'OVER');
const beside = (v, target) => `target < ${target} ms: ${verdict(v, target)}`;
const sleep = (t) => new Promise((resolve) => setTimeout(resolve, t));
/** Like sleep, but does not keep the process alive: for races against a page that may hang. */
const deadline = (t) => new Promise((resolve) => setTimeout(resolve, t).unref());
const SUMMARY = '[data-testid=network-summary]';
const PICTURE = '[data-testid=network-picture]';

/** Waits for a probe object the page fills in (`window[name]`) to say it is done. */
async function probed(app, name, what, ms) {
  return app.waitFor(what, async () => {
    const p = await app.execute(`return window[arguments[0]] ?? null;`, name);
    return p && p.done ? p : null;
  }, ms);
}

/**
 * Installs a probe that follows the network from a start (the key press or click that
 * `start` names, or now) frame by frame: when the summary first shows the new network ("N
 * nodes" with N > 0), when its first picture is drawn, and when the summary no longer says
 * "laying out". The picture counts as drawn on the first frame, from the one that shows the
 * network on, in which its `data-frames` count is above what it was at the start (a canvas or SVG
 * that counts its frames) — for an SVG, with at least one node drawn in it — or, without that
 * count, in which an SVG picture holds a drawn node, or a canvas picture exists.
 */
const FOLLOW = `
  const [name, start, limit] = arguments;
  const probe = (window[name] = { done: false, started: 0, answered: 0, computed: 0, picture: 0, settled: 0, how: '', summary: '' });
  const summary = () => document.querySelector('${SUMMARY}')?.textContent.replace(/\\s+/g, ' ').trim() ?? '';
  const nodes = () => Number(/^(\\d+) nodes/.exec(summary())?.[1] ?? 0);
  // The frames the picture had drawn when the start came (none without a picture): the new
  // network's picture is a frame drawn after it, which may be the frame that shows the network.
  let frames = null;
  const frame = () => {
    const now = performance.now();
    if (!probe.started) return requestAnimationFrame(frame);
    const picture = document.querySelector('${PICTURE}');
    if (!probe.computed && nodes() > 0) probe.computed = now;
    if (probe.computed && !probe.picture && picture) {
      // Nodes drawn as elements (an SVG picture) must be there: a frame painted before the
      // layout's first positions arrive is an empty picture.
      const svg = picture.tagName.toLowerCase() === 'svg';
      const drawn = !svg || picture.querySelector('[data-node]') !== null || Number(picture.dataset.drawnNodes ?? 0) > 0;
      if (picture.dataset.frames !== undefined) {
        if (Number(picture.dataset.frames) > (frames ?? 0) && drawn) {
          [probe.picture, probe.how] = [now, svg ? 'data-frames went up, with nodes drawn' : 'data-frames went up'];
        }
      } else if (picture.tagName.toLowerCase() === 'canvas') {
        [probe.picture, probe.how] = [now, 'a canvas without data-frames: the first frame after the network'];
      } else if (picture.querySelector('[data-node]')) {
        [probe.picture, probe.how] = [now, 'an svg without data-frames: the first frame with a drawn node'];
      }
    }
    if (probe.picture && !probe.settled && !/laying out/.test(summary())) probe.settled = now;
    probe.summary = summary();
    probe.iterations = Number(picture?.dataset.layoutIterations ?? 0);
    probe.perIteration = Number(picture?.dataset.layoutMsPerIteration ?? 0);
    // When the network's answer reached the view (its page time), before the view drew it.
    const at = Number(picture?.dataset.answeredAt ?? 0);
    if (!probe.answered && at >= probe.started) probe.answered = at;
    if ((probe.settled && probe.picture) || now - probe.started > limit) {
      probe.done = true;
      return;
    }
    requestAnimationFrame(frame);
  };
  const at = () => {
    probe.started = performance.now();
    const picture = document.querySelector('${PICTURE}');
    frames = picture?.dataset.frames === undefined ? null : Number(picture.dataset.frames);
  };
  if (start === 'keydown') {
    // The Control key comes first; the start is the 8 pressed with it.
    window.addEventListener('keydown', (e) => { if (!probe.started && e.key === '8' && e.ctrlKey) at(); }, { capture: true });
  } else if (start === 'draw') {
    document.querySelector('button[name=draw-network]').addEventListener('click', at, { capture: true, once: true });
  } else {
    at();
  }
  requestAnimationFrame(frame);
  return true;`;

/** Sets a form control as a user would, firing the events Svelte listens to. */
const SET = `
  const [selector, value] = arguments;
  const control = document.querySelector(selector);
  if (!control) return false;
  control.value = value;
  control.dispatchEvent(new Event('input', { bubbles: true }));
  control.dispatchEvent(new Event('change', { bubbles: true }));
  return true;`;

/**
 * Zooms the picture with `count` wheel events, one every 16 ms (in and out by turns of 15),
 * at its middle, while a frame loop records the time between frames; then waits until the
 * picture is drawn again at rest (its `data-frames` going up after the last event, if it counts
 * frames) and 500 ms more.
 */
const WHEEL = `
  const [count] = arguments;
  const picture = document.querySelector('${PICTURE}');
  const probe = (window.__wheel = { frames: [], done: false, sent: 0, rest: null, counted: picture.dataset.frames !== undefined });
  const box = picture.getBoundingClientRect();
  const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
  let last = 0;
  let ended = 0;
  let framesAtEnd = null;
  const frame = (now) => {
    if (last) probe.frames.push(now - last);
    last = now;
    if (ended && probe.rest === null && framesAtEnd !== null && Number(picture.dataset.frames) > framesAtEnd) probe.rest = now - ended;
    if (ended && now - ended > 500 && (probe.rest !== null || !probe.counted || now - ended > 5000)) probe.done = true;
    else requestAnimationFrame(frame);
  };
  requestAnimationFrame((now) => {
    last = now;
    requestAnimationFrame(frame);
    const send = () => {
      const deltaY = Math.floor(probe.sent / 15) % 2 === 0 ? -100 : 100;
      picture.dispatchEvent(new WheelEvent('wheel', { deltaY, deltaMode: 0, clientX: x, clientY: y, bubbles: true, cancelable: true }));
      probe.sent += 1;
      if (probe.sent < count) setTimeout(send, 16);
      else {
        ended = performance.now();
        framesAtEnd = probe.counted ? Number(picture.dataset.frames) : null;
      }
    };
    send();
  });
  return true;`;

/**
 * Changes the time chart's period and times it until the chart is drawn again: the first frame
 * after the chart's content changed (seen by a MutationObserver on section.time: bars added or
 * removed inside [data-testid=timeline], the chart replaced, or its data-frames going up).
 */
const PERIOD = `
  const [value] = arguments;
  const section = document.querySelector('section.time');
  const chart = () => section.querySelector('[data-testid=timeline]');
  const probe = (window.__period = { done: false, ms: 0, bars: 0 });
  const before = chart();
  const framesBefore = before?.dataset.frames;
  let started = 0;
  const observer = new MutationObserver((records) => {
    const now = chart();
    const redrawn =
      now !== before ||
      (framesBefore !== undefined && now?.dataset.frames !== framesBefore) ||
      records.some((r) => r.type === 'childList' && now && now.contains(r.target) && (r.addedNodes.length || r.removedNodes.length));
    if (!redrawn || !now) return;
    observer.disconnect();
    requestAnimationFrame(() => {
      probe.ms = performance.now() - started;
      probe.bars = now.querySelectorAll('rect').length;
      probe.done = true;
    });
  });
  observer.observe(section, { childList: true, subtree: true, attributes: true });
  const select = section.querySelector('select[name=timeline-period]');
  started = performance.now();
  select.value = value;
  select.dispatchEvent(new Event('input', { bubbles: true }));
  select.dispatchEvent(new Event('change', { bubbles: true }));
  return true;`;

/** The backend's share: the network and the time chart asked for directly, as the view asks. */
const BACKEND = `
  const [command, request, runs] = arguments;
  const done = arguments[arguments.length - 1];
  const times = [];
  (async () => {
    let answer = null;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      answer = await window.__TAURI_INTERNALS__.invoke(command, { request });
      times.push(performance.now() - t);
    }
    const size = JSON.stringify(answer).length;
    done({ times, size, nodes: answer.nodes?.length, edges: answer.edges?.length, buckets: answer.buckets?.length });
  })().catch((e) => done({ error: String(e?.message ?? JSON.stringify(e)) }));`;

function report(what, p, limit) {
  const answered = p.answered ? p.answered - p.started : NaN;
  const computed = p.computed ? p.computed - p.started : NaN;
  const picture = p.picture ? p.picture - p.started : NaN;
  const settled = p.settled ? p.settled - p.started : NaN;
  console.log(`${what}: ${p.summary.replace(/ (Pause|Resume) layout.*$/, '')}`);
  console.log(`  network computed (its answer in the webview): ${ms(answered)}   ${beside(answered, TARGETS.computed)}`);
  console.log(`  network shown (its summary on screen): ${ms(computed)}`);
  console.log(`  first picture on screen: ${ms(picture)}   ${beside(picture, TARGETS.picture)}${p.how ? ` (${p.how})` : ''}`);
  console.log(
    `  layout settled: ${Number.isFinite(settled) ? ms(settled) : `not within ${(limit / 1000).toFixed(0)} s`}   ${beside(settled, TARGETS.settled)}` +
      (p.iterations ? ` (${p.iterations} iterations of ForceAtlas2, the last ${p.perIteration} ms each)` : ''),
  );
}

async function follow(app, name, start, limit, act) {
  await app.execute(FOLLOW, name, start, limit);
  await act();
  return probed(app, name, name, limit + 30_000);
}

/** Draws the network for the current controls, after drawing an empty one so the change shows. */
async function drawAgain(app, name, limit, { cold = false } = {}) {
  await app.execute(SET, 'input[name=network-from]', '1990-01-01');
  await app.execute(SET, 'input[name=network-to]', '1990-12-31');
  await app.execute(`document.querySelector('button[name=draw-network]').click();`);
  await app.waitFor('an empty network', async () =>
    /^0 nodes/.test(await app.execute(`return document.querySelector('${SUMMARY}')?.textContent.trim() ?? '';`)),
  60_000);
  await app.execute(SET, 'input[name=network-from]', '');
  await app.execute(SET, 'input[name=network-to]', '');
  if (cold) {
    const mode = await app.execute(`return document.querySelector('select[name=network-mode]')?.value ?? 'actor_concept';`);
    await app.execute(
      `for (const key of Object.keys(localStorage)) if (key.startsWith('claimdesk.layout:') && key.endsWith(':' + arguments[0])) localStorage.removeItem(key);`,
      mode,
    );
  }
  await sleep(300);
  return follow(app, name, 'draw', limit, () => app.execute(`document.querySelector('button[name=draw-network]').click();`));
}

async function wheel(app, label) {
  await app.execute(changedFrames('__floor', 40));
  const floor = await probed(app, '__floor', 'frames changing one small element', 60_000);
  await sleep(500);
  await app.execute(idleFrames('__idle', 120));
  const idle = await probed(app, '__idle', 'idle frames', 60_000);
  await app.execute(WHEEL, 60);
  const w = await probed(app, '__wheel', 'wheel zoom', 120_000);
  const worst = Math.max(...w.frames);
  console.log(`${label}: ${w.sent} wheel events 16 ms apart, ${w.frames.length} frames`);
  console.log(
    `  frame time: median ${ms(quantile(w.frames, 0.5))}, p95 ${ms(quantile(w.frames, 0.95))}, worst ${ms(worst)}   target worst < ${TARGETS.frame} ms: ${verdict(worst, TARGETS.frame)}`,
  );
  console.log(
    `  this window's least cost of a changed frame (one 8-pixel element recoloured each frame): median ${ms(quantile(floor.frames, 0.5))}, ` +
      `p95 ${ms(quantile(floor.frames, 0.95))}; the zoom's median frame is ${ms(quantile(w.frames, 0.5) - quantile(floor.frames, 0.5))} above it`,
  );
  console.log(
    `  idle, nothing moving: median ${ms(quantile(idle.frames, 0.5))}, p95 ${ms(quantile(idle.frames, 0.95))}` +
      (w.counted ? `; last wheel event -> picture drawn at rest: ${w.rest === null ? 'not within 5 s' : ms(w.rest)}` : ''),
  );
}

async function main() {
  const documents = Number(argument('--documents', 10_000));
  const writeOnly = argument('--write', null);
  if (writeOnly) {
    const t = performance.now();
    const made = await writeCodedProject(writeOnly, documents);
    console.log(`${writeOnly}: ${JSON.stringify(made)} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return;
  }
  const dir = tempDir();
  const given = argument('--project', null);
  const project = given ? path.resolve(given) : path.join(dir, 'analysis.claimdesk');
  console.log(`Analysis benchmark: the real app on a coded project (${process.env.CLAIMDESK_BIN_DIR ?? 'target/debug'})`);
  if (!given) {
    const file = path.join(dir, 'coded.jsonl');
    let t = performance.now();
    const made = await writeCodedProject(file, documents);
    console.log(
      `  written: ${made.documents.toLocaleString('en')} documents, ${made.statements.toLocaleString('en')} statements by ${made.actors} actors on ` +
        `${made.concepts} concepts (${Object.entries(made.stances).map(([s, n]) => `${s} ${n}`).join(', ')}), ` +
        `${(statSync(file).size / 1e6).toFixed(0)} MB, in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    t = performance.now();
    cli('--project', project, 'import', file);
    console.log(`  import (claimdesk-cli): ${((performance.now() - t) / 1000).toFixed(1)} s; project ${(statSync(project).size / 1e6).toFixed(0)} MB`);
  }
  // The statements and the network, as the CLI exports them.
  const out = path.join(dir, 'network');
  const said = cli('--project', project, 'export', '--format', 'network-csv', '--network', 'actor-concept', '--out', out);
  const statements = Number(/([\d,]+) statements/.exec(said)?.[1].replaceAll(',', '') ?? NaN);
  const lines = (f) => readFileSync(path.join(out, f), 'utf8').trim().split(/\r?\n/).length - 1;
  console.log(`  the CLI's actor-concept network: ${statements.toLocaleString('en')} statements, ${lines('network-nodes.csv')} nodes, ${lines('network-edges.csv')} edges`);

  // Its own configuration and data (where the webview keeps layouts): nothing kept from a run before.
  const driver = await startDriver({ XDG_CONFIG_HOME: path.join(dir, 'config'), XDG_DATA_HOME: path.join(dir, 'data') });
  let app;
  try {
    app = await launch(driver, ['--project', project]);
    const LIMIT = 180_000;

    // Opening the view computes and lays out the network from scratch.
    const opened = await follow(app, '__open', 'keydown', LIMIT, () => app.press('8', [Keys.Control]));
    report('opening the Analysis view (Ctrl+8; no layout kept)', opened, LIMIT);
    if (!opened.settled) {
      await app.execute(`document.querySelector('button[name=pause-layout]')?.click();`);
    }
    await sleep(1000);

    await wheel(app, 'wheel zoom on the picture (actor-concept)');
    await sleep(1000);

    const warm = await drawAgain(app, '__warm', LIMIT);
    report('Draw (button[name=draw-network]) with the layout kept from before', warm, LIMIT);
    await sleep(1000);
    const cold = await drawAgain(app, '__cold', LIMIT, { cold: true });
    report('Draw with the kept layout removed (laid out from scratch)', cold, LIMIT);
    await sleep(1000);

    const filter = { dateFrom: null, dateTo: null, stances: null, minWeight: 0 };
    const backend = await app.command('POST', '/execute/async', {
      script: BACKEND,
      args: ['analysis_network', { mode: 'actor_concept', tie: 'congruence', normalisation: 'none', filter }, 3],
    });
    if (backend.error) console.log(`  the backend's network, asked directly: failed: ${backend.error}`);
    else {
      const median = quantile(backend.times, 0.5);
      console.log(
        `  the backend's share (analysis_network invoked directly, 3 runs): median ${ms(median)}, ${(backend.size / 1e6).toFixed(1)} MB of JSON   ${beside(median, TARGETS.computed)}`,
      );
    }

    console.log(`time chart per week and per month (select[name=timeline-period] changed -> chart drawn again; 3 runs each)`);
    const periods = { week: [], month: [] };
    const bars = {};
    for (let i = 0; i < 3; i++) {
      for (const value of ['week', 'month']) {
        await app.execute(PERIOD, value);
        const p = await probed(app, '__period', `the chart per ${value}`, 60_000);
        periods[value].push(p.ms);
        bars[value] = p.bars;
        await sleep(500);
      }
    }
    for (const [value, runs] of Object.entries(periods)) {
      const median = quantile(runs, 0.5);
      console.log(`  per ${value}: median ${ms(median)}, worst ${ms(Math.max(...runs))} (${bars[value]} bars)   ${beside(median, TARGETS.timeline)}`);
    }
    for (const period of ['week', 'month']) {
      const t = await app.command('POST', '/execute/async', {
        script: BACKEND,
        args: ['analysis_timeline', { period, node: null, filter: { ...filter, minWeight: null } }, 3],
      });
      if (t.error) console.log(`  the backend's time chart per ${period}, asked directly: failed: ${t.error}`);
      else console.log(`  the backend's share per ${period} (analysis_timeline invoked directly, 3 runs): median ${ms(quantile(t.times, 0.5))}, ${t.buckets} buckets`);
    }

    if (process.argv.includes('--one-mode')) {
      const ONE_MODE_LIMIT = 240_000;
      for (const [mode, what] of [
        ['concept_concept', 'concepts with concepts (congruence, counts)'],
        ['actor_actor', 'actors with actors (congruence, counts)'],
      ]) {
        if (!(await app.execute(SET, 'select[name=network-mode]', mode))) {
          console.log(`${what}: no select[name=network-mode] in the page`);
          break;
        }
        await sleep(300);
        try {
          const p = await Promise.race([
            drawAgain(app, `__${mode}`, ONE_MODE_LIMIT),
            deadline(ONE_MODE_LIMIT + 60_000).then(() => null),
          ]);
          if (!p) {
            console.log(`${what}: the page did not answer within ${(ONE_MODE_LIMIT + 60_000) / 1000} s; stopped here`);
            break;
          }
          report(`Draw ${what}`, p, ONE_MODE_LIMIT);
          if (!p.settled) await app.execute(`document.querySelector('button[name=pause-layout]')?.click();`);
        } catch (error) {
          console.log(`${what}: ${error.message}`);
          break;
        }
        await sleep(1000);
      }
    }
  } finally {
    // A page still busy with a network too large for it may not answer: the driver's stop
    // ends the app in any case.
    await Promise.race([app?.end(), deadline(10_000)]);
    await driver.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    console.error(`analysis benchmark: could not drive the app: ${error.stack ?? error}`);
    process.exit(1);
  });
}
