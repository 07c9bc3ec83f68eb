// The state of the long runs the backend does in the background, imports and exports: whether
// their dialog is shown, whether one is going, how far it is, and how the last one ended. The
// backend's events and the app's buttons move them; the dialogs and the status line read them.

import type { ExportProgress, ExportResult, ImportProgress, ImportSummary } from './types';

export class ImportRun {
  /** The dialog is shown (a run goes on when it is hidden). */
  shown = $state(false);
  running = $state(false);
  progress = $state<ImportProgress | null>(null);
  summary = $state<ImportSummary | null>(null);
  /** How many steps and ends of runs have arrived. A call that started a run may answer after
   * the run's own events (a small import ends first): `seen` before the call tells whether
   * [`startedUnlessSeen`] would undo what they showed. */
  seen = 0;

  /** The analyst started one (chosen files, dropped files): shown from its first step. */
  started(): void {
    this.shown = true;
    this.running = true;
    this.summary = null;
    this.progress = null;
  }

  /** A run was started by a call that answered now: shown as started, unless its events
   * (any since `seen`) have shown it already. */
  startedUnlessSeen(seen: number): void {
    if (this.seen === seen) this.started();
  }

  /** It refused to start: the dialog goes too. */
  refused(): void {
    this.shown = false;
    this.running = false;
  }

  /** A step of a run; a run that starts shows its dialog, hidden it goes on. */
  progressed(progress: ImportProgress): void {
    this.seen++;
    if (!this.running) this.shown = true;
    this.running = true;
    this.summary = null;
    this.progress = progress;
  }

  /** The run ended; problems are worth a look even when the dialog was hidden. */
  finished(summary: ImportSummary): void {
    this.seen++;
    this.running = false;
    if (summary.failed > 0 || summary.error) this.shown = true;
    this.summary = summary;
  }
}

export class ExportRun {
  /** The dialog is shown (a run goes on when it is hidden). */
  shown = $state(false);
  running = $state(false);
  progress = $state<ExportProgress | null>(null);
  result = $state<ExportResult | null>(null);

  /** Opens the dialog: a running export's progress, else fresh choices. */
  show(): void {
    this.shown = true;
    if (!this.running) {
      this.result = null;
      this.progress = null;
    }
  }

  /** Running before the backend is asked: a small export can finish before the call returns. */
  started(): void {
    this.running = true;
    this.result = null;
    this.progress = null;
  }

  /** The backend refused to start it. */
  refused(): void {
    this.running = false;
  }

  progressed(progress: ExportProgress): void {
    this.running = true;
    this.progress = progress;
  }

  /** The run ended: a failure keeps the dialog open with the choices for another try; success
   * closes it (the status line says what was written). */
  finished(result: ExportResult): void {
    this.running = false;
    this.result = result;
    this.shown = !!result.error;
  }
}
