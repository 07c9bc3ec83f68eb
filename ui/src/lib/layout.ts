// The network layout as the Analysis view uses it: a worker running ForceAtlas2 that can be
// paused and resumed, with positions kept per project and network kind so the picture does not
// jump between sessions.

export type LayoutIn =
  | { kind: 'start'; nodes: string[]; edges: [string, string, number][]; initial: Record<string, [number, number]> }
  | { kind: 'pause' }
  | { kind: 'resume' }
  /** The last positions are drawn: the next may come. */
  | { kind: 'drawn' };

export type LayoutOut = { kind: 'positions'; positions: Record<string, [number, number]>; iterations: number; settled: boolean };

export class Layout {
  private worker: Worker;

  constructor(onpositions: (message: LayoutOut) => void) {
    this.worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<LayoutOut>) => onpositions(event.data);
  }

  start(nodes: string[], edges: [string, string, number][], initial: Record<string, [number, number]>) {
    this.post({ kind: 'start', nodes, edges, initial });
  }

  pause() {
    this.post({ kind: 'pause' });
  }

  resume() {
    this.post({ kind: 'resume' });
  }

  /** Says the last positions are drawn. The worker posts no more until then (it lays out on
   * meanwhile), so a picture slower to draw than the layout runs never falls behind. */
  drawn() {
    this.post({ kind: 'drawn' });
  }

  stop() {
    this.worker.terminate();
  }

  private post(message: LayoutIn) {
    this.worker.postMessage(message);
  }
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
