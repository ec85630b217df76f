// Which stages of a job count as running or working, as the form and its layouts ask it. Imported
// by both sides, so it imports nothing outside shared/.
import { l10n } from './l10n';
import type { JobView, Stage } from './messages';

/** The stages during which the form is locked and Cancel is offered. */
const RUNNING: ReadonlySet<Stage> = new Set<Stage>(['queued', 'uploading', 'generating', 'downloading']);
/** Running and past the queue: the stages that show a progress bar. */
const WORKING: ReadonlySet<Stage> = new Set<Stage>(['uploading', 'generating', 'downloading']);

export function isRunning(view: JobView | undefined): boolean {
  return view !== undefined && RUNNING.has(view.stage);
}

export function isWorking(view: JobView | undefined): boolean {
  return view !== undefined && WORKING.has(view.stage);
}

/** The stages a count of jobs names, in the order it says them: the finished ones first. */
export type CountedStage = Exclude<Stage, 'editing'>;
export const COUNTED_STAGES: readonly CountedStage[] = ['done', 'failed', 'cancelled', 'downloading', 'generating', 'uploading', 'queued'];

/**
 * "2 generating": how many jobs are at a stage, as the batch's line in the form and the progress
 * notification say it. A finished video is "done" in the form and "ready" in a notification.
 */
export function stageCount(stage: CountedStage, count: number, finished: 'done' | 'ready' = 'done'): string {
  // One text per number where languages inflect ("1 cancelado", "2 cancelados").
  const one = count === 1;
  switch (stage) {
    case 'done':
      if (finished === 'ready') return one ? l10n.t('1 ready') : l10n.t('{0} ready', count);
      return one ? l10n.t('1 done') : l10n.t('{0} done', count);
    case 'failed':
      return one ? l10n.t('1 failed') : l10n.t('{0} failed', count);
    case 'cancelled':
      return one ? l10n.t('1 cancelled') : l10n.t('{0} cancelled', count);
    case 'downloading':
      return one ? l10n.t('1 downloading') : l10n.t('{0} downloading', count);
    case 'generating':
      return one ? l10n.t('1 generating') : l10n.t('{0} generating', count);
    case 'uploading':
      return one ? l10n.t('1 uploading') : l10n.t('{0} uploading', count);
    case 'queued':
      return one ? l10n.t('1 queued') : l10n.t('{0} queued', count);
  }
}
