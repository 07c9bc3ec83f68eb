// What the app benchmarks share: a seeded random number generator for generated corpora, the
// quantile of a list of figures, and a page script that records frame times while nothing moves.

/** A small deterministic random number generator (mulberry32), as the Rust benches have it. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The `q` quantile of `values`, interpolated between the two nearest (NaN for none). */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

/** A page script recording the time between `count` frames into `window[name]`
 * (`{ frames, done }`), while the page is left alone. */
export const idleFrames = (name, count) => `
  const probe = (window.${name} = { frames: [], done: false });
  let last = 0;
  const frame = (now) => {
    if (last) probe.frames.push(now - last);
    last = now;
    if (probe.frames.length >= ${count}) probe.done = true;
    else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  return true;`;

/** A page script recording the time between `count` frames into `window[name]`
 * (`{ frames, done }`), each frame changing one small element laid over the page (then
 * removed): the least a frame that changes anything costs in this window. Under Xvfb, where
 * WebKit composites in software, that is far above an idle frame, and every figure of a frame
 * that changes the window (scrolling, zooming) stands on it. */
export const changedFrames = (name, count) => `
  const probe = (window.${name} = { frames: [], done: false });
  const dot = document.createElement('div');
  dot.setAttribute('aria-hidden', 'true');
  Object.assign(dot.style, { position: 'fixed', left: '0', top: '0', width: '8px', height: '8px', zIndex: '99' });
  document.body.append(dot);
  let last = 0;
  const frame = (now) => {
    if (last) probe.frames.push(now - last);
    last = now;
    dot.style.background = probe.frames.length % 2 ? '#000' : '#fff';
    if (probe.frames.length >= ${count}) {
      dot.remove();
      probe.done = true;
    } else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  return true;`;
