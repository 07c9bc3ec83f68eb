// The network layout, off the main thread: ForceAtlas2 (graphology's) run in short batches,
// the positions posted back after each, until it settles, is paused, or is replaced. The
// starting positions are posted at once, so the picture is drawn before the first batch; a
// batch is as many iterations as take about a tenth of a second on this network.
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';

import type { LayoutIn, LayoutOut } from './layout';

/** About how long a batch takes, and the most iterations one has. */
const BATCH_MS = 100;
const BATCH_MOST = 20;
/** Below this mean movement per node and iteration, as a share of the picture's extent, the
 * picture is taken as settled: a node then moves by less than a pixel of an 800-pixel picture
 * per iteration, whatever the layout's own scale (which grows with the network). */
const SETTLED = 0.001;
/** A layout stops after this many iterations, or this long, even if it still moves (it can be
 * resumed). */
const MOST = 3000;
const LONGEST_MS = 10_000;

let graph: Graph | null = null;
let running = false;
let done = 0;
let began = 0;
/** Milliseconds an iteration took in the last batch (0 before the first). */
let perIteration = 0;
let generation = 0;

/** Positions posted and not yet drawn: later ones wait (only the latest is ever sent). */
let awaiting = false;
/** Positions (or the end) that wait for the picture. */
let waiting: LayoutOut | null = null;

function post(message: LayoutOut) {
  if (awaiting) {
    waiting = message;
    return;
  }
  awaiting = true;
  waiting = null;
  (self as unknown as Worker).postMessage(message);
}

function positions(): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  graph?.forEachNode((id, a) => (out[id] = [a.x as number, a.y as number]));
  return out;
}

function step(mine: number) {
  if (!graph || !running || mine !== generation) return;
  const before = positions();
  const iterations = perIteration > 0 ? Math.max(1, Math.min(BATCH_MOST, Math.round(BATCH_MS / perIteration))) : 1;
  const start = performance.now();
  forceAtlas2.assign(graph, {
    iterations,
    getEdgeWeight: 'weight',
    settings: { ...forceAtlas2.inferSettings(graph), barnesHutOptimize: graph.order > 500 },
  });
  perIteration = (performance.now() - start) / iterations;
  done += iterations;
  let moved = 0;
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  graph.forEachNode((id, a) => {
    const [nx, ny] = [a.x as number, a.y as number];
    const [x, y] = before[id] ?? [nx, ny];
    moved += Math.hypot(nx - x, ny - y);
    [minX, minY, maxX, maxY] = [Math.min(minX, nx), Math.min(minY, ny), Math.max(maxX, nx), Math.max(maxY, ny)];
  });
  const extent = Math.max(1, maxX - minX, maxY - minY);
  const settled =
    graph.order === 0 || moved / graph.order / iterations / extent < SETTLED || done >= MOST || performance.now() - began > LONGEST_MS;
  // Positions are read only when they can be sent: the latest, once the picture is drawn.
  if (settled || !awaiting) post({ kind: 'positions', positions: positions(), iterations: done, settled });
  else waiting = { kind: 'positions', positions: {}, iterations: done, settled: false };
  if (settled) running = false;
  else setTimeout(() => step(mine), 0);
}

self.onmessage = (event: MessageEvent<LayoutIn>) => {
  const message = event.data;
  if (message.kind === 'start') {
    generation += 1;
    graph = new Graph({ type: 'undirected', multi: false });
    // A node not laid out before starts at a random place (ForceAtlas2's usual start): so the
    // picture an analyst has seen is kept only by keeping positions, never by chance.
    const spread = 10 * Math.sqrt(message.nodes.length + 1);
    message.nodes.forEach((n) => {
      const [x, y] = message.initial[n] ?? [(Math.random() - 0.5) * spread, (Math.random() - 0.5) * spread];
      graph!.addNode(n, { x, y });
    });
    for (const [a, b, weight] of message.edges) {
      if (a !== b && graph.hasNode(a) && graph.hasNode(b) && !graph.hasEdge(a, b)) graph.addEdge(a, b, { weight });
    }
    done = 0;
    perIteration = 0;
    // A new network: what waited for the old one's picture is moot.
    awaiting = false;
    waiting = null;
    began = performance.now();
    running = true;
    // Where every node starts: the picture can be drawn before the layout has run.
    post({ kind: 'positions', positions: positions(), iterations: 0, settled: graph.order === 0 });
    const mine = generation;
    setTimeout(() => step(mine), 0);
  } else if (message.kind === 'drawn') {
    awaiting = false;
    const next = waiting;
    // Positions that waited are sent as they are now (the latest); an end is sent as it was.
    if (next) post(next.settled ? next : { ...next, positions: positions() });
  } else if (message.kind === 'pause') {
    running = false;
  } else if (message.kind === 'resume') {
    if (!running && graph) {
      running = true;
      began = performance.now();
      done = 0;
      step(generation);
    }
  }
};
