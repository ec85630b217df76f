// The queue and its limit: new generations wait here for a free slot (at most the concurrency
// setting run at once); a fetch of a paid video starts at once and takes no slot. Every run,
// however it started, ends here: its lease released, its listeners told, the next job started.
import type { JobRecord } from './job';
import { requestWentOut } from './cancelNotes';
import type { Run, Runs } from './runs';

export interface QueueHooks {
  /** Runs a queued generation once it has a slot. */
  generate(run: Run): Promise<void>;
  /** Waits for and saves a video the service already accepted. */
  fetchPaid(run: Run, ask: boolean): Promise<void>;
  /** A job runs here now: keep its lease fresh and watch the other windows. */
  keepWatching(): void;
}

export class JobQueue {
  /** Ids of runs waiting for a slot, first come first. */
  private readonly waiting: string[] = [];

  constructor(
    private readonly runs: Runs,
    private readonly hooks: QueueHooks,
  ) {}

  /**
   * Makes a run for the job; one that `takesSlot` waits for startWhileSlotsFree, any other is begun
   * by the caller. `waits: false` holds it out of the queue until `enqueue`: a job run again may
   * start only once its 'queued' state is saved.
   */
  add(job: JobRecord, takesSlot: boolean, waits = takesSlot): Run {
    let settle!: (job: JobRecord) => void;
    const settled = new Promise<JobRecord>((resolve) => (settle = resolve));
    const run: Run = {
      job: { ...job },
      abort: new AbortController(),
      betweenAttempts: new AbortController(),
      cancelRequested: false,
      started: false,
      takesSlot,
      sentBefore: requestWentOut(job),
      live: { stageStartedAt: this.runs.now() },
      settled,
      settle,
    };
    this.runs.byJob.set(job.id, run);
    if (takesSlot && waits) this.waiting.push(job.id);
    this.hooks.keepWatching();
    this.runs.notify(job.id);
    return run;
  }

  /** Starts fetching a paid job whose lease this host holds. */
  startFetch(job: JobRecord, ask: boolean): Run {
    const run = this.add(job, false);
    this.begin(run, () => this.hooks.fetchPaid(run, ask));
    return run;
  }

  /** A run added with `waits: false` joins the queue, unless it was cancelled or ended meanwhile. */
  enqueue(run: Run): void {
    const id = run.job.id;
    if (this.runs.byJob.get(id) !== run || run.started || !run.takesSlot || this.waiting.includes(id)) return;
    this.waiting.push(id);
    this.startWhileSlotsFree();
  }

  /** Takes a run that has not started out of the queue (it is cancelled). */
  unqueue(id: string): void {
    const index = this.waiting.indexOf(id);
    if (index >= 0) this.waiting.splice(index, 1); // one held out of the queue is in no place of it
  }

  /** Starts queued jobs while there is a free slot. */
  startWhileSlotsFree(): void {
    if (this.runs.stopping) return;
    const limit = Math.max(1, this.runs.concurrency());
    while (this.waiting.length > 0 && this.slotsInUse() < limit) {
      const run = this.runs.byJob.get(this.waiting.shift()!);
      if (run) this.begin(run, () => this.hooks.generate(run));
    }
  }

  private slotsInUse(): number {
    return [...this.runs.byJob.values()].filter((run) => run.started && run.takesSlot).length;
  }

  begin(run: Run, body: () => Promise<void>): void {
    run.started = true;
    run.live.stageStartedAt = this.runs.now();
    void body()
      .catch((error) => this.runs.log.error(`Job ${run.job.id}: ${this.runs.redact(String((error as Error)?.stack ?? error))}`))
      .finally(() => this.end(run));
  }

  end(run: Run): void {
    const { runs } = this;
    const id = run.job.id;
    if (runs.byJob.get(id) === run) runs.byJob.delete(id);
    const index = this.waiting.indexOf(id);
    if (index >= 0) this.waiting.splice(index, 1);
    const record = runs.store.get(id) ?? run.job;
    if (!runs.disposed) {
      void runs.store.leases.release(id).catch(() => undefined);
      runs.notify(id);
      runs.notifySettled(record);
      this.startWhileSlotsFree();
    }
    run.settle(record);
  }
}
