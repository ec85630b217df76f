// Cancel: what stopping a job costs depends on how far it got, and Cancel never loses a paid job.
import { cancelNote, CANCELLED_QUEUED } from './cancelNotes';
import { stopWaitingQuestion } from './questions';
import type { JobQueue } from './queue';
import type { Runs } from './runs';

/**
 * Stops a job. Queued or before the request: this run is charged nothing, and the note says
 * "nothing was charged" only when no request of the job ever went out (cancelNotes.ts). While the request is out:
 * waits for its answer (see JobRunner.generate in jobRun.ts). Paid: asks first unless `confirmed` (the form asks
 * in the page), then stops waiting; the job stays fetchable.
 */
export async function cancelJob(runs: Runs, queue: JobQueue, id: string, confirmed = false): Promise<void> {
  const run = runs.byJob.get(id);
  if (!run) return;
  // A Retry whose 'queued' is being saved: cancelled once it is (queued, or started by then), or not at all (it ended).
  if (run.held) {
    await run.held;
    if (runs.byJob.get(id) !== run) return;
  }
  if (!run.started) {
    queue.unqueue(id);
    run.started = true; // a settled run holds no slot
    try {
      await runs.move(run, 'cancelled', { error: cancelNote(run.job, run.sentBefore, CANCELLED_QUEUED) });
    } catch (error) {
      runs.log.warn(`Could not save the cancel of ${run.job.imageName}: ${String(error)}`);
    }
    queue.end(run);
    return;
  }
  if (run.cancelRequested) return;
  switch (run.job.state) {
    case 'requesting':
      run.cancelRequested = true;
      run.live.cancelling = true;
      run.betweenAttempts.abort();
      runs.notify(id);
      return;
    case 'generating':
    case 'downloading':
      if (!confirmed && !(await runs.ports.confirm(stopWaitingQuestion(run.job)))) return;
      if (runs.byJob.get(id) !== run) return;
      break;
    default:
      break;
  }
  run.cancelRequested = true;
  run.abort.abort();
  runs.notify(id);
}
