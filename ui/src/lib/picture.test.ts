import { describe, expect, it } from 'vitest';
import { edgeAt, nodeAt, paintEdges, paintNodes, pictureSvg, type DrawnNode, type Picture } from './picture';
import { startingPositions } from './layout';

const picture = (over: Partial<Picture> = {}): Picture => ({
  width: 800,
  height: 520,
  view: { zoom: 1, pan: [0, 0] },
  edges: [
    { from: [100, 100], to: [300, 100], colour: '#2e7d32', width: 2 },
    { from: [100, 200], to: [100, 400], colour: '#b3261e', width: 1 },
  ],
  nodes: [
    { at: [100, 100], radius: 8, colour: '#2f6fb3', name: 'Putin & "friends" <Путин>', labelled: true },
    { at: [300, 100], radius: 5, colour: '#a35a00', name: 'Ceasefire 🇺🇦', labelled: false, chosen: true },
  ],
  legend: [
    { shape: 'dot', colour: '#2f6fb3', text: 'actor' },
    { shape: 'line', colour: '#2e7d32', text: 'mostly support' },
  ],
  title: 'Actors and concepts: 2 nodes',
  background: '#fbfaf7',
  foreground: '#1f2328',
  ...over,
});

describe('the picture as SVG', () => {
  it('names every node, escapes names and carries the legend below the frame', () => {
    const svg = pictureSvg(picture());
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain('<title>Putin &#38; &#34;friends&#34; &#60;Путин&#62;</title>');
    expect(svg).toContain('<title>Ceasefire 🇺🇦</title>');
    expect(svg.match(/<line /g)?.length).toBe(2 + 1);
    expect(svg).toContain('mostly support');
    // The legend's two lines and title add to the frame's height.
    expect(svg).toMatch(/height="580"/);
    // Only the labelled node is written beside itself.
    expect(svg.match(/<text /g)?.length).toBe(1 + 1 + 2);
  });

  it('keeps the view: zoomed and panned, strokes and radii stay their size on screen', () => {
    const svg = pictureSvg(picture({ view: { zoom: 2, pan: [-50, 10] } }));
    expect(svg).toContain('<g transform="translate(-50 10) scale(2)">');
    expect(svg).toContain('stroke-width="1"');
    expect(svg).toContain('<circle r="4"');
  });

  it('leaves out characters XML cannot hold', () => {
    const svg = pictureSvg(picture({ title: 'a\u0001b' }));
    expect(svg).toContain('<title>ab</title>');
  });
});

describe('the edge under the pointer', () => {
  const { edges } = picture();
  it('is the nearest edge within reach, or none', () => {
    expect(edgeAt(edges, [200, 102], { zoom: 1, pan: [0, 0] })).toBe(0);
    expect(edgeAt(edges, [103, 300], { zoom: 1, pan: [0, 0] })).toBe(1);
    expect(edgeAt(edges, [200, 150], { zoom: 1, pan: [0, 0] })).toBeNull();
    // Past an edge's end is not on it.
    expect(edgeAt(edges, [320, 100], { zoom: 1, pan: [0, 0] })).toBeNull();
  });

  it('follows the view', () => {
    // Zoomed twice about the origin: the first edge runs from (200, 200) to (600, 200).
    expect(edgeAt(edges, [400, 201], { zoom: 2, pan: [0, 0] })).toBe(0);
    expect(edgeAt(edges, [200, 101], { zoom: 2, pan: [0, 0] })).toBeNull();
  });
});

describe('the node under the pointer', () => {
  const { nodes } = picture();
  it('is the topmost node whose circle holds the point, at its size on screen', () => {
    expect(nodeAt(nodes, [104, 103], { zoom: 1, pan: [0, 0] })).toBe(0);
    expect(nodeAt(nodes, [300, 105], { zoom: 1, pan: [0, 0] })).toBe(1);
    expect(nodeAt(nodes, [200, 100], { zoom: 1, pan: [0, 0] })).toBeNull();
    // Zoomed: the place moves, the radius stays.
    expect(nodeAt(nodes, [600, 205], { zoom: 2, pan: [0, 0] })).toBe(1);
    expect(nodeAt(nodes, [600, 210], { zoom: 2, pan: [0, 0] })).toBeNull();
    // Overlapping circles: the one drawn last is on top.
    const overlapping = [nodes[0]!, { ...nodes[1]!, at: [102, 100] as [number, number] }];
    expect(nodeAt(overlapping, [101, 100], { zoom: 1, pan: [0, 0] })).toBe(1);
  });
});

/** A canvas context that records what is painted: each fill and stroke with its colour and
 * width, and the arcs and segments of the path it paints. */
function recorder() {
  const painted: { op: 'fill' | 'stroke'; style: string; width: number; arcs: number; lines: number }[] = [];
  let [arcs, lines] = [0, 0];
  const ctx = {
    canvas: { width: 800, height: 520 },
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    globalAlpha: 1,
    lineCap: 'butt',
    font: '',
    cleared: 0,
    setTransform() {},
    clearRect() {
      ctx.cleared += 1;
    },
    beginPath() {
      [arcs, lines] = [0, 0];
    },
    moveTo() {},
    lineTo() {
      lines += 1;
    },
    arc() {
      arcs += 1;
    },
    fill() {
      painted.push({ op: 'fill', style: ctx.fillStyle, width: ctx.lineWidth, arcs, lines });
    },
    stroke() {
      painted.push({ op: 'stroke', style: ctx.strokeStyle, width: ctx.lineWidth, arcs, lines });
    },
    fillText() {},
  };
  return { ctx, painted, asContext: ctx as unknown as CanvasRenderingContext2D };
}

describe('painting on a canvas', () => {
  const node = (i: number, colour: string, chosen = false): DrawnNode => ({ at: [i, i], radius: 4, colour, name: `n${i}`, labelled: false, chosen });
  const view = { zoom: 1, pan: [0, 0] as [number, number] };

  it('paints the nodes of one colour as one path, filled and outlined once, and rings the chosen one', () => {
    const { painted, asContext } = recorder();
    const nodes = [...Array.from({ length: 1000 }, (_, i) => node(i, i % 2 ? '#2f6fb3' : '#a35a00')), node(5000, '#a35a00', true)];
    paintNodes(asContext, nodes, view, 1, '#000');
    expect(painted.filter((p) => p.op === 'fill').map((p) => [p.style, p.arcs])).toEqual([
      ['#a35a00', 501],
      ['#2f6fb3', 500],
    ]);
    expect(painted.filter((p) => p.op === 'stroke').map((p) => [p.width, p.arcs])).toEqual([
      [0.5, 501],
      [0.5, 500],
      [2.5, 1],
    ]);
  });

  it('adds edges to what is painted, or paints them afresh', () => {
    const { ctx, painted, asContext } = recorder();
    const edges = [
      { from: [0, 0] as [number, number], to: [1, 1] as [number, number], colour: '#2e7d32', width: 1 },
      { from: [0, 0] as [number, number], to: [2, 2] as [number, number], colour: '#2e7d32', width: 1.05 },
      { from: [0, 0] as [number, number], to: [3, 3] as [number, number], colour: '#b3261e', width: 1 },
    ];
    paintEdges(asContext, edges, view, 1);
    expect(ctx.cleared).toBe(1);
    paintEdges(asContext, edges, view, 1, 0.6, false);
    expect(ctx.cleared).toBe(1);
    // One stroke per colour and width (a quarter unit apart), each with all of its edges.
    expect(painted.slice(0, 2).map((p) => [p.style, p.lines])).toEqual([
      ['#2e7d32', 2],
      ['#b3261e', 1],
    ]);
  });
});

describe('where a network starts', () => {
  it('keeps the places kept and puts the others at random in a square that grows with the network', () => {
    const nodes = Array.from({ length: 99 }, (_, i) => `actor:${i}`);
    const start = startingPositions(nodes, { 'actor:3': [1234, -5] });
    expect(Object.keys(start)).toEqual(nodes);
    expect(start['actor:3']).toEqual([1234, -5]);
    const half = (10 * Math.sqrt(100)) / 2;
    for (const [id, [x, y]] of Object.entries(start)) if (id !== 'actor:3') expect(Math.max(Math.abs(x), Math.abs(y))).toBeLessThanOrEqual(half);
  });
});
