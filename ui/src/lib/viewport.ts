// The reader's height bookkeeping, kept apart from drawing: each block's height, measured once
// drawn, else estimated from its text and calibrated on the blocks measured so far. The reader
// asks it for heights and positions and tells it what it measured; the DOM stays in the reader.

import { estimateLines, prefixSums } from './windowing';

/** Heights of one document's blocks at one width and text size. */
export class BlockHeights {
  /** Measured heights by block start. */
  #measured = new Map<number, number>();
  #doc = -1;
  #width = -1;
  #metrics = '';
  /** Estimated heights of the blocks between `#estimatedFor` cuts, before calibration. */
  #estimated: number[] = [];
  #estimatedFor: readonly number[] | null = null;
  /** Measured over estimated, over the blocks measured: font, width and wrapping in one factor. */
  #scale = 1;

  /** Whether the heights were taken for document `doc` at `width` (the text size aside). */
  holds(doc: number, width: number): boolean {
    return doc === this.#doc && width === this.#width;
  }

  /** Keeps the heights for `doc` at `width` and text `metrics`, forgetting them if any changed. */
  keep(doc: number, width: number, metrics: string): void {
    if (doc === this.#doc && width === this.#width && metrics === this.#metrics) return;
    this.#measured.clear();
    this.#doc = doc;
    this.#width = width;
    this.#metrics = metrics;
    this.#scale = 1;
    this.#estimatedFor = null;
  }

  /** Whether the estimates are those of the blocks between `cuts`. */
  estimates(cuts: readonly number[]): boolean {
    return this.#estimatedFor === cuts;
  }

  /** Estimates the heights of `blocks` of `text` (between `cuts`), at `charsPerLine` characters
   * of `lineHeight` pixels a line. */
  estimate(
    text: string,
    blocks: readonly { start: number; end: number }[],
    cuts: readonly number[],
    charsPerLine: number,
    lineHeight: number,
  ): void {
    this.#estimated = blocks.map((b) => estimateLines(text, b.start, b.end, charsPerLine) * lineHeight);
    this.#estimatedFor = cuts;
  }

  /** Block `start` was drawn `height` high. */
  measure(start: number, height: number): void {
    this.#measured.set(start, height);
  }

  /** Each block's height: measured, else estimated and calibrated. */
  heights(blocks: readonly { start: number }[]): number[] {
    return blocks.map((b, i) => this.#measured.get(b.start) ?? this.#estimated[i]! * this.#scale);
  }

  /** Where each block begins (`tops[n]` is the total height). */
  tops(blocks: readonly { start: number }[]): Float64Array {
    return prefixSums(this.heights(blocks));
  }

  /** Calibrates the estimates on the blocks measured; answers whether the calibration moved by
   * more than 2 %, so the blocks not drawn need their new heights. */
  calibrate(blocks: readonly { start: number }[]): boolean {
    let sumMeasured = 0;
    let sumEstimated = 0;
    blocks.forEach((block, i) => {
      const size = this.#measured.get(block.start);
      if (size !== undefined) {
        sumMeasured += size;
        sumEstimated += this.#estimated[i]!;
      }
    });
    const calibrated = sumEstimated > 0 ? sumMeasured / sumEstimated : 1;
    if (Math.abs(calibrated - this.#scale) <= this.#scale * 0.02) return false;
    this.#scale = calibrated;
    return true;
  }
}
