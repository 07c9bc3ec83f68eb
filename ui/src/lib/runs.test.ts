import { describe, expect, it } from 'vitest';
import { ExportRun, ImportRun } from './runs.svelte';
import type { ExportResult, ImportProgress, ImportSummary } from './types';

const step: ImportProgress = { filesDone: 1, filesTotal: 3, bytesDone: 10, bytesTotal: 30, current: 'a.txt', documents: 1, failed: 0 };
const summary = (failed: number): ImportSummary => ({
  imported: 3 - failed,
  replaced: 0,
  orphaned: 0,
  coded: 0,
  duplicates: 0,
  skipped: 0,
  failed,
  cancelled: false,
  problems: [],
  error: null,
});
const result = (failed: boolean): ExportResult => ({
  format: 'jsonl',
  path: failed ? null : '/tmp/out.jsonl',
  documents: 1,
  annotations: 2,
  relations: 0,
  statements: 0,
  spansChecked: 2,
  files: 1,
  bytes: 100,
  leftOut: [],
  error: failed ? { code: 'failed', message: 'disk full' } : null,
});

describe('ImportRun', () => {
  it('keeps what a run showed when the call that started it answers after the run ended', () => {
    const run = new ImportRun();
    const seen = run.seen;
    // A small import: its step and its end arrive before the call's answer.
    run.progressed(step);
    run.finished(summary(0));
    run.startedUnlessSeen(seen);
    expect([run.running, run.summary]).toEqual([false, summary(0)]);
    // A call answered before any event: shown as started, from its first step.
    const before = run.seen;
    run.startedUnlessSeen(before);
    expect([run.shown, run.running, run.summary]).toEqual([true, true, null]);
  });

  it('shows a run that starts, and keeps it going hidden', () => {
    const run = new ImportRun();
    run.progressed(step);
    expect([run.shown, run.running, run.progress]).toEqual([true, true, step]);
    run.shown = false;
    run.progressed(step);
    expect(run.shown).toBe(false);
  });

  it('shows problems when it ends, even hidden, and a clean end only where it was', () => {
    const run = new ImportRun();
    run.started();
    run.shown = false;
    run.finished(summary(0));
    expect([run.shown, run.running, run.summary?.imported]).toEqual([false, false, 3]);
    run.finished(summary(1));
    expect(run.shown).toBe(true);
  });

  it('closes when it refuses to start', () => {
    const run = new ImportRun();
    run.started();
    run.refused();
    expect([run.shown, run.running]).toEqual([false, false]);
  });
});

describe('ExportRun', () => {
  it('opens with fresh choices when nothing runs, and with the progress when one does', () => {
    const run = new ExportRun();
    run.finished(result(false));
    run.show();
    expect([run.shown, run.result]).toEqual([true, null]);
    run.progressed({ documentsDone: 1, documentsTotal: 2, bytesWritten: 5 });
    run.shown = false;
    run.show();
    expect(run.progress?.documentsDone).toBe(1);
  });

  it('closes when it succeeds and stays open with the error when it fails', () => {
    const run = new ExportRun();
    run.show();
    run.started();
    expect(run.running).toBe(true);
    run.finished(result(true));
    expect([run.shown, run.running, run.result?.error?.message]).toEqual([true, false, 'disk full']);
    run.finished(result(false));
    expect(run.shown).toBe(false);
  });
});
