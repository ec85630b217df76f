// Which stages of a job count as running or working, as the form and its layouts ask it. Imported
// by both sides, so it imports nothing outside shared/.
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
