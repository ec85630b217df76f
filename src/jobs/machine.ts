// A job's life, behind one object: the queue and its limit (queue.ts), every state and move
// (jobStatus.ts), the points where a job is saved (runs.ts, jobRun.ts, runOutcome.ts), starting
// and the "generate again?" question (starting.ts), cancel (cancel.ts), retry, fetch and remove
// (jobActions.ts), resume after a crash and which window runs a job (recovery.ts, lease.ts), and
// shutdown (here). No `vscode` here: what needs VS Code (reading the image, the key, dialogs, the
// output folder) comes in through `JobPorts`, so the randomized fault runs drive this very code.
//
// The money rules it keeps:
// - a job is saved as 'requesting' before POST /api/features goes out, and with its uuid the
//   moment the service accepts it, so a paid job is never forgotten, whatever crashes when;
// - POST /api/features goes out once per job run; a new run for an image whose last request may
//   have been charged (or whose paid video is not fetched yet) only after the person confirms;
// - Cancel while the request is out waits for its answer: accepted means paid (kept, fetchable);
// - "nothing was charged" is said only where the request certainly never went out.
import { cancelJob } from './cancel';
import type { JobRecord } from './job';
import { JobActions } from './jobActions';
import { JobRunner } from './jobRun';
import type { JobSnapshot } from './jobStatus';
import { JobQueue } from './queue';
import { Recovery } from './recovery';
import { JobMachineOptions, NewJob, Runs } from './runs';
import { JobStarter } from './starting';

export type { Question } from './questions';
export type { JobMachineOptions, JobPorts, NewJob } from './runs';

export class JobMachine {
  private readonly runs: Runs;
  private readonly queue: JobQueue;
  private readonly recovery: Recovery;
  private readonly starter: JobStarter;
  private readonly actions: JobActions;

  constructor(options: JobMachineOptions) {
    const runs = new Runs(options);
    const runner = new JobRunner(runs);
    this.runs = runs;
    this.queue = new JobQueue(runs, {
      generate: (run) => runner.generate(run),
      fetchPaid: (run, ask) => runner.fetchPaid(run, ask),
      keepWatching: () => this.recovery.keepWatching(),
    });
    this.recovery = new Recovery(runs, this.queue);
    this.starter = new JobStarter(runs, this.queue, this.recovery);
    this.actions = new JobActions(runs, this.queue, this.starter, this.recovery);
  }

  // ---- what listeners see ----

  /** Called with a job's snapshot whenever it changes (or, with its last record, when removed). */
  onDidChange(listener: (snapshot: JobSnapshot) => void): () => void {
    return this.runs.onDidChange(listener);
  }

  /** Called when a run of a job ends in this window, however it ended. */
  onDidSettle(listener: (job: JobRecord) => void): () => void {
    return this.runs.onDidSettle(listener);
  }

  snapshot(id: string): JobSnapshot | undefined {
    return this.runs.snapshot(id);
  }

  /** Every job, newest first. */
  snapshots(): JobSnapshot[] {
    return this.runs.store.all().map((job) => this.runs.snapshot(job.id)!);
  }

  get(id: string): JobRecord | undefined {
    return this.runs.store.get(id);
  }

  /** The newest job of this image, if any. */
  latestFor(imageUri: string): JobRecord | undefined {
    return this.runs.store.all().find((job) => job.imageUri === imageUri);
  }

  /** Queued or running, here or in another window. */
  isRunning(id: string): boolean {
    return this.runs.isRunning(id);
  }

  /** Settles when the job's run in this window ends (at once when it does not run here). */
  whenSettled(id: string): Promise<JobRecord | undefined> {
    return this.runs.whenSettled(id);
  }

  counts(): { running: number; queued: number; elsewhere: number } {
    const running = [...this.runs.byJob.values()].filter((run) => run.started).length;
    return { running, queued: this.runs.byJob.size - running, elsewhere: this.runs.elsewhere.size };
  }

  // ---- what the person does ----

  /**
   * Queues a generation per image. When the last attempt for one of them may have been charged
   * without a video, or its paid video is not fetched yet, asks first; declined, nothing starts
   * and this resolves to [].
   */
  start(requests: NewJob[], batchId?: string): Promise<JobRecord[]> {
    return this.starter.start(requests, batchId);
  }

  /**
   * Stops a job. Queued or before the request: nothing is charged. While the request is out:
   * waits for its answer. Paid: asks first unless `confirmed` (the form asks in the page), then
   * stops waiting; the job stays fetchable.
   */
  cancel(id: string, confirmed = false): Promise<void> {
    return cancelJob(this.runs, this.queue, id, confirmed);
  }

  /**
   * Stops several jobs (a batch's Cancel): first, all at once, every one whose request has not gone
   * out, so that none of them takes a freed slot and sends its paid request while a question about
   * another is open; then the others, one question at a time.
   */
  async cancelAll(ids: readonly string[], confirmed = false): Promise<void> {
    const unsent = (id: string) => {
      const run = this.runs.byJob.get(id);
      // Not started covers a Retry whose 'queued' is still being saved (its record may still say 'failed').
      return run !== undefined && (!run.started || run.job.state === 'queued' || run.job.state === 'uploading');
    };
    await Promise.all(ids.filter(unsent).map((id) => this.cancel(id, confirmed)));
    for (const id of ids.filter((id) => !unsent(id))) await this.cancel(id, confirmed);
  }

  /**
   * Runs a job again: one the service already accepted is fetched (no new charge); one it never
   * accepted is queued afresh, after asking when its last request may have been charged.
   */
  retry(id: string): Promise<JobRecord | undefined> {
    return this.actions.retry(id);
  }

  /**
   * Fetch Video: waits for and saves a job the service already accepted, without asking (or
   * paying) again. `ask`: whether a missing key is asked for (not when resuming by itself).
   */
  fetchPaidVideo(id: string, ask = true): Promise<JobRecord | undefined> {
    return this.actions.fetchPaidVideo(id, ask);
  }

  /** Forgets a job that does not run (its video, if any, stays); asks first about a paid one. */
  remove(id: string): Promise<boolean> {
    return this.actions.remove(id);
  }

  // ---- crashes, restarts and other windows ----

  /**
   * Looks at every unfinished job nobody runs: paid ones are resumed here (returned, so the
   * caller can say so); the others end with what is known. Jobs another live window runs are
   * left to it.
   */
  recover(): Promise<JobRecord[]> {
    return this.recovery.recover();
  }

  /**
   * Jobs recovery ended (their window closed while the generation request was out) whose request
   * may have been charged: called once per pass with all of them, so the person hears of it.
   */
  onChargesLeftOpen(listener: (jobs: JobRecord[]) => void): () => void {
    return this.recovery.onChargesLeftOpen(listener);
  }

  /** Keeps this window's leases fresh and follows other windows while anything runs. */
  keepWatching(): void {
    this.recovery.keepWatching();
  }

  /** Follows what other windows do to the list; started by whatever shows the list. */
  watchOtherWindows(): void {
    this.recovery.watchOtherWindows();
  }

  /** Catches up with other windows: changed records, finished or abandoned jobs. */
  lookAround(): Promise<void> {
    return this.recovery.lookAround();
  }

  // ---- shutdown ----

  /**
   * A clean shutdown (window reload or close): lets a generation request that is out get its
   * answer saved, for at most `graceMs`, then stops everything, keeping the records as they are
   * so the next start resumes them.
   */
  async shutdown(graceMs = 4000): Promise<void> {
    this.runs.stopping = true;
    this.runs.shuttingDown = true;
    const out = [...this.runs.byJob.values()]
      .map((run) => run.requestOut)
      .filter((promise): promise is Promise<void> => promise !== undefined);
    if (out.length > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([Promise.all(out), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    }
    this.runs.shuttingDown = false;
    this.dispose();
  }

  dispose(): void {
    // VS Code disposes an extension's subscriptions right after calling deactivate(), without
    // waiting for it: the shutdown's grace for a generation answer must not be cut short.
    if (this.runs.disposed || this.runs.shuttingDown) return;
    this.runs.stopping = true;
    this.runs.disposed = true;
    this.recovery.stop();
    for (const run of this.runs.byJob.values()) {
      run.abort.abort();
      run.betweenAttempts.abort();
    }
    this.runs.store.close();
    // Released now, while this is sure to run: the next host takes over at once.
    this.runs.store.leases.releaseAllSync();
  }
}
