// What the single-image and batch layouts share about jobs: which jobs can be cancelled, the
// numbers that change within a stage, and the interface form.ts drives both layouts through.
// Running and working are the shared predicates (src/shared/stages.ts).
import { l10n } from '../src/shared/l10n';
import { expectedWait, waitText } from '../src/shared/estimate';
import { downloadPercent, formatElapsed } from '../src/shared/format';
import { type ImageAction, type JobView, type WebviewNotice } from '../src/shared/messages';
import { isRunning } from '../src/shared/stages';
import type { SendNote } from './imagePrep';

export type Jobs = Record<string, JobView>;

/** Cancel is offered: running here, and not already waiting for the answer to a cancel. */
export function isCancellable(view: JobView | undefined): boolean {
  return isRunning(view) && !view?.cancelling && !view?.elsewhere;
}

/** Whether Cancel stops only the waiting: the service accepted the job, so it is paid for. */
export function isPaidAndWaiting(view: JobView | undefined): boolean {
  return view?.accepted === true && view.stage === 'generating';
}

/**
 * What changes within a stage: the time so far while generating (and, with history, about how
 * long is left, with a bar that fills toward it), the progress while downloading
 * (a percent when the size is known, else the bytes so far; no percent = indeterminate bar).
 */
export function stageDetail(view: JobView): { text: string; percent?: number } {
  if (view.cancelling) return { text: l10n.t("waiting for 1min.ai's answer to the request already sent") };
  if (view.elsewhere) return { text: l10n.t('in another VS Code window of this workspace') };
  if (view.stage === 'generating') {
    const now = Date.now();
    const elapsed = formatElapsed(now - view.stageStartedAt);
    // With history of its kind: how long is probably left, and a bar that fills toward it.
    const estimate = expectedWait(view.expected, now);
    if (!estimate) return { text: elapsed };
    const text = l10n.t('{0} · {1}', elapsed, waitText(estimate));
    return 'overdue' in estimate ? { text } : { text, percent: Math.round(estimate.fraction * 100) };
  }
  if (view.stage !== 'downloading') return { text: '' };
  const { received = 0, total = 0 } = view.progress ?? {};
  const percent = downloadPercent(received, total);
  if (percent !== undefined) return { text: `${percent}%`, percent };
  return { text: `${(received / 1_048_576).toFixed(1)} MB` };
}

/** Changes exactly when a job's status must be rebuilt rather than updated in place. */
export function statusKey(view: JobView | undefined): string {
  return view
    ? [
        view.stage,
        view.video?.src,
        view.error?.message,
        view.error?.remedy,
        view.fetchable,
        view.accepted,
        view.cancelling,
        view.elsewhere,
      ].join('\n')
    : '';
}

/** What a layout may ask of the form. */
export interface ViewActions {
  post(message: WebviewNotice): void;
  /** Sends the form again ("Try Again"). */
  retry(): void;
}

export function imageAction(actions: ViewActions, type: ImageAction, imageUri: string): () => void {
  return () => actions.post({ type, imageUri });
}

/** One layout of the form's images and their jobs: the single image, or a batch. */
export interface JobsView {
  /** Goes between the title and the form. */
  top: HTMLElement[];
  /** Goes under the form. */
  bottom: HTMLElement[];
  /** Shows the latest job of each image; `restoring` = from saved state, so nothing scrolls. */
  show(jobs: Jobs, restoring: boolean): void;
  /** Updates the elapsed times, once a second while something generates. */
  tick(): void;
  /** Where focus goes when its element was removed; `scope` is the [data-focus-scope] it was in. */
  focusAfterLoss(scope: Element | undefined): HTMLElement | undefined;
  /** Says next to the image what is sent for it (a copy, or why it cannot go); none: the file as it is. */
  sendNote(imageUri: string, note: SendNote | undefined): void;
}
