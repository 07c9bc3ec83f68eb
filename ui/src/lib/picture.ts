// The network picture outside Svelte's markup: edges painted on a canvas (a large network has
// tens of thousands of them, too many for the DOM), the edge under the pointer found by
// distance, and the picture as a standalone SVG document with its legend, for saving as SVG or
// PNG. Coordinates are the picture's own units (its viewBox), with the view's zoom and pan.

/** Zoom about the origin, then pan, in picture units. */
export interface View {
  zoom: number;
  pan: [number, number];
}

/** An edge as the picture draws it: its ends' positions, colour and width. */
export interface DrawnEdge {
  /** The network's edge index. */
  index?: number;
  from: [number, number];
  to: [number, number];
  colour: string;
  width: number;
}

/** A node as the picture draws it. */
export interface DrawnNode {
  /** The network's node id. */
  id?: string;
  at: [number, number];
  radius: number;
  colour: string;
  name: string;
  /** Its name is written beside it (not only in its tooltip). */
  labelled: boolean;
  /** The node chosen in the view: drawn with a ring. */
  chosen?: boolean;
}

/** One line of the legend: a swatch (a dot or a line) and what it stands for. */
export interface LegendItem {
  shape: 'dot' | 'line';
  colour: string;
  text: string;
}

const place = (p: [number, number], view: View): [number, number] => [p[0] * view.zoom + view.pan[0], p[1] * view.zoom + view.pan[1]];

/**
 * Paints the edges on `ctx`, whose canvas is `scale` device pixels per picture unit. Edges of
 * one colour and width go in one path, so a large network is a handful of strokes. `clear`
 * false adds them to what the canvas holds (a picture painted in parts, frame by frame).
 */
export function paintEdges(ctx: CanvasRenderingContext2D, edges: DrawnEdge[], view: View, scale: number, opacity = 0.6, clear = true) {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  if (clear) ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.setTransform(scale * view.zoom, 0, 0, scale * view.zoom, scale * view.pan[0], scale * view.pan[1]);
  ctx.globalAlpha = opacity;
  // Square ends, hidden under the nodes: a round end costs a canvas more to paint.
  ctx.lineCap = 'butt';
  const groups = new Map<string, DrawnEdge[]>();
  for (const e of edges) {
    // Widths are rounded to a quarter unit: fewer strokes, no visible difference.
    const key = `${e.colour}|${Math.round(e.width * 4) / 4}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(e);
  }
  for (const [key, group] of groups) {
    const [colour, width] = key.split('|');
    ctx.strokeStyle = colour ?? '#888';
    ctx.lineWidth = Number(width) / view.zoom;
    ctx.beginPath();
    for (const e of group) {
      ctx.moveTo(e.from[0], e.from[1]);
      ctx.lineTo(e.to[0], e.to[1]);
    }
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
}

/**
 * Paints nodes on `ctx` (after the edges: `paintEdges` has set up the canvas), at their size on
 * screen whatever the zoom, with the labelled ones' names beside them. Nodes of one colour are
 * one path, filled and outlined once: a canvas paints a few thousand nodes in a few strokes, not
 * two each.
 */
export function paintNodes(ctx: CanvasRenderingContext2D, nodes: DrawnNode[], view: View, scale: number, foreground: string, font = 'sans-serif') {
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.font = `11px ${font}`;
  ctx.strokeStyle = foreground;
  const byColour = new Map<string, DrawnNode[]>();
  for (const n of nodes) {
    let group = byColour.get(n.colour);
    if (!group) byColour.set(n.colour, (group = []));
    group.push(n);
  }
  const circles = (group: DrawnNode[]) => {
    ctx.beginPath();
    for (const n of group) {
      const [x, y] = place(n.at, view);
      ctx.moveTo(x + n.radius, y);
      ctx.arc(x, y, n.radius, 0, 2 * Math.PI);
    }
  };
  for (const [colour, group] of byColour) {
    circles(group);
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.lineWidth = 0.5;
    ctx.stroke();
  }
  const chosen = nodes.filter((n) => n.chosen);
  if (chosen.length > 0) {
    circles(chosen);
    ctx.lineWidth = 2.5;
    ctx.stroke();
  }
  ctx.fillStyle = foreground;
  for (const n of nodes) {
    if (!n.labelled) continue;
    const [x, y] = place(n.at, view);
    ctx.fillText(n.name, x + n.radius + 2, y + 4);
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
}

/** The index of the node under `point` (on screen, picture units), the topmost (last drawn). */
export function nodeAt(nodes: DrawnNode[], point: [number, number], view: View): number | null {
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    const [x, y] = place(n.at, view);
    if (Math.hypot(point[0] - x, point[1] - y) <= n.radius + 1) return i;
  }
  return null;
}

/** The index of the edge within `reach` picture units of `point` (on screen), nearest first. */
export function edgeAt(edges: DrawnEdge[], point: [number, number], view: View, reach = 4): number | null {
  let best: number | null = null;
  let bestDistance = reach;
  const [px, py] = point;
  edges.forEach((e, i) => {
    const [ax, ay] = place(e.from, view);
    const [bx, by] = place(e.to, view);
    const [dx, dy] = [bx - ax, by - ay];
    const length = dx * dx + dy * dy;
    const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length));
    const distance = Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
    if (distance < bestDistance) {
      bestDistance = distance;
      best = i;
    }
  });
  return best;
}

/** Text for XML content and attribute values. */
export function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

const round = (n: number) => Math.round(n * 100) / 100;

/** A picture to save: the view's frame, what is in it, and its legend and colours. */
export interface Picture {
  width: number;
  height: number;
  view: View;
  edges: DrawnEdge[];
  nodes: DrawnNode[];
  legend: LegendItem[];
  title: string;
  background: string;
  foreground: string;
  font?: string;
}

/** The height of the legend under the frame. */
const legendHeight = (p: Picture) => 24 + 18 * p.legend.length;

/**
 * The picture as a standalone SVG document, as it is on screen (the view's zoom and pan, cut to
 * the frame), with a title and the legend below it. Every node names itself (a `<title>`, which
 * viewers show as a tooltip); the labelled ones also by text beside them.
 */
export function pictureSvg(picture: Picture): string {
  const { width, height, view } = picture;
  const total = height + legendHeight(picture);
  const font = xml(picture.font ?? 'sans-serif');
  const out: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" font-family="${font}" font-size="11">`,
    `<title>${xml(picture.title)}</title>`,
    `<rect width="${width}" height="${total}" fill="${xml(picture.background)}"/>`,
    `<clipPath id="frame"><rect width="${width}" height="${height}"/></clipPath>`,
    `<g clip-path="url(#frame)">`,
    `<g transform="translate(${round(view.pan[0])} ${round(view.pan[1])}) scale(${round(view.zoom)})">`,
    `<g class="edges" stroke-opacity="0.6">`,
  ];
  for (const e of picture.edges) {
    out.push(
      `<line x1="${round(e.from[0])}" y1="${round(e.from[1])}" x2="${round(e.to[0])}" y2="${round(e.to[1])}" stroke="${xml(e.colour)}" stroke-width="${round(e.width / view.zoom)}"/>`,
    );
  }
  out.push(`</g>`, `<g class="nodes">`);
  for (const n of picture.nodes) {
    const r = round(n.radius / view.zoom);
    out.push(
      `<g transform="translate(${round(n.at[0])} ${round(n.at[1])})"><title>${xml(n.name)}</title>` +
        `<circle r="${r}" fill="${xml(n.colour)}" stroke="${xml(picture.foreground)}" stroke-width="${n.chosen ? round(2.5 / view.zoom) : round(0.5 / view.zoom)}"/>` +
        (n.labelled
          ? `<text x="${round(r + 2 / view.zoom)}" y="${round(4 / view.zoom)}" font-size="${round(11 / view.zoom)}" fill="${xml(picture.foreground)}">${xml(n.name)}</text>`
          : '') +
        `</g>`,
    );
  }
  out.push(`</g>`, `</g>`, `</g>`);
  out.push(`<g class="legend" transform="translate(12 ${height + 16})" fill="${xml(picture.foreground)}">`);
  out.push(`<text y="0" font-weight="bold">${xml(picture.title)}</text>`);
  picture.legend.forEach((item, i) => {
    const y = 18 * (i + 1);
    out.push(
      item.shape === 'dot'
        ? `<circle cx="6" cy="${y - 4}" r="5" fill="${xml(item.colour)}"/>`
        : `<line x1="0" y1="${y - 4}" x2="14" y2="${y - 4}" stroke="${xml(item.colour)}" stroke-width="3"/>`,
      `<text x="20" y="${y}">${xml(item.text)}</text>`,
    );
  });
  out.push(`</g>`, `</svg>`, '');
  return out.join('\n');
}

/**
 * The picture as a PNG image, `scale` pixels per unit: the same drawing as the SVG document,
 * painted on a canvas (an SVG image cannot be loaded into a canvas under the app's content
 * security policy, and need not be).
 */
export async function picturePng(picture: Picture, scale = 2): Promise<Uint8Array> {
  const { width, height, view } = picture;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round((height + legendHeight(picture)) * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this window cannot draw a picture');
  ctx.fillStyle = picture.background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  // The frame: edges, then nodes with their names, cut to the frame.
  const frame = document.createElement('canvas');
  [frame.width, frame.height] = [Math.round(width * scale), Math.round(height * scale)];
  const f = frame.getContext('2d');
  if (!f) throw new Error('this window cannot draw a picture');
  paintEdges(f, picture.edges, view, scale);
  const font = picture.font ?? 'sans-serif';
  paintNodes(f, picture.nodes, view, scale, picture.foreground, font);
  ctx.drawImage(frame, 0, 0);
  // The legend.
  ctx.setTransform(scale, 0, 0, scale, 12, (height + 16) * scale);
  ctx.fillStyle = picture.foreground;
  ctx.font = `bold 11px ${font}`;
  ctx.fillText(picture.title, 0, 0);
  ctx.font = `11px ${font}`;
  picture.legend.forEach((item, i) => {
    const y = 18 * (i + 1);
    if (item.shape === 'dot') {
      ctx.beginPath();
      ctx.arc(6, y - 4, 5, 0, 2 * Math.PI);
      ctx.fillStyle = item.colour;
      ctx.fill();
    } else {
      ctx.beginPath();
      ctx.moveTo(0, y - 4);
      ctx.lineTo(14, y - 4);
      ctx.lineWidth = 3;
      ctx.strokeStyle = item.colour;
      ctx.stroke();
    }
    ctx.fillStyle = picture.foreground;
    ctx.fillText(item.text, 20, y);
  });
  const blob = await new Promise<Blob | null>((done) => canvas.toBlob(done, 'image/png'));
  if (!blob) throw new Error('the picture could not be made into a PNG');
  return new Uint8Array(await blob.arrayBuffer());
}
