import { describe, expect, it } from 'vitest';
import { edgeAt, nodeAt, pictureSvg, type Picture } from './picture';

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
