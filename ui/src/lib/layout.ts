// The network layout as the Analysis view uses it: ForceAtlas2 run by the backend (off the
// webview's thread), in steps of a tenth of a second, the positions drawn after each, until it
// settles, is paused, or is replaced; positions kept per project and network kind so the
// picture does not jump between sessions.
import * as backend from './backend';

/** What a step says: every node's place, and how far the layout has come. */
export type LayoutOut = {
  positions: Record<string, [number, number]>;
  iterations: number;
  /** Milliseconds the last iterations took each. */
  perIteration: number;
  settled: boolean;
};

/** How long one step of the layout runs, in milliseconds. */
const STEP_MS = 100;

export class Layout {
  /** Bumped by each start and stop: a step of an earlier layout is dropped. */
  private generation = 0;
  private run = 0;
  private ids: string[] = [];
  private paused = false;
  /** The generation whose steps are being asked for (-1: none). */
  private stepping = -1;

  constructor(
    private onpositions: (message: LayoutOut) => void,
    private onerror: (error: unknown) => void,
  ) {}

  /** Lays out `nodes` joined by `edges` (node ids and a weight), starting where `initial`
   * puts them (it must place every node). */
  async start(nodes: string[], edges: [string, string, number][], initial: Record<string, [number, number]>) {
    const mine = ++this.generation;
    this.paused = false;
    const index = new Map(nodes.map((n, i) => [n, i]));
    const pairs: [number, number, number][] = [];
    for (const [a, b, weight] of edges) {
      const [i, j] = [index.get(a), index.get(b)];
      if (i !== undefined && j !== undefined) pairs.push([i, j, weight]);
    }
    try {
      const run = await backend.analysisLayoutStart({ positions: nodes.map((n) => initial[n] ?? [0, 0]), edges: pairs });
      if (mine !== this.generation) return;
      [this.run, this.ids] = [run, nodes];
    } catch (error) {
      if (mine === this.generation) this.onerror(error);
      return;
    }
    void this.steps(mine);
  }

  pause() {
    this.paused = true;
  }

  resume() {
    if (!this.paused) return;
    this.paused = false;
    void this.steps(this.generation);
  }

  stop() {
    this.generation += 1;
  }

  /** Asks for steps until the layout settles, is paused, or another starts. */
  private async steps(mine: number) {
    if (this.stepping === mine) return;
    this.stepping = mine;
    try {
      while (mine === this.generation && !this.paused) {
        const step = await backend.analysisLayoutStep(this.run, STEP_MS);
        if (mine !== this.generation) return;
        const positions: Record<string, [number, number]> = {};
        this.ids.forEach((id, i) => {
          const at = step.positions[i];
          if (at) positions[id] = at;
        });
        this.onpositions({ positions, iterations: step.iterations, perIteration: step.perIteration, settled: step.settled });
        if (step.settled) return;
      }
    } catch (error) {
      if (mine === this.generation) this.onerror(error);
    } finally {
      if (this.stepping === mine) this.stepping = -1;
    }
  }
}

/**
 * Where each of `nodes` starts: where `initial` has it, else at a random place in a square that
 * grows with the network (ForceAtlas2's usual start). The picture an analyst has seen is kept
 * only by keeping positions, never by chance.
 */
export function startingPositions(nodes: string[], initial: Record<string, [number, number]>): Record<string, [number, number]> {
  const spread = 10 * Math.sqrt(nodes.length + 1);
  const out: Record<string, [number, number]> = {};
  for (const n of nodes) out[n] = initial[n] ?? [(Math.random() - 0.5) * spread, (Math.random() - 0.5) * spread];
  return out;
}

const key = (project: string, kind: string) => `claimdesk.layout:${project}:${kind}`;

/** The positions kept for this project's network of this kind, if any. */
export function keptPositions(project: string, kind: string): Record<string, [number, number]> {
  try {
    const raw = localStorage.getItem(key(project, kind));
    return raw ? (JSON.parse(raw) as Record<string, [number, number]>) : {};
  } catch {
    return {};
  }
}

/** Keeps the positions (merged into what is kept: nodes filtered out keep theirs). */
export function keepPositions(project: string, kind: string, positions: Record<string, [number, number]>) {
  try {
    localStorage.setItem(key(project, kind), JSON.stringify({ ...keptPositions(project, kind), ...positions }));
  } catch {
    // A full or refused storage loses only the kept layout; the picture is laid out again.
  }
}
