// What the person does to a job that is not running: Retry (a paid job is fetched, never paid
// for again), Fetch Video, and Remove (which asks before forgetting a paid video). Each takes the
// job's lease for a moment and reads the job afresh, since another window may have changed it.
import { chargeIsOpen, JobRecord } from './job';
import { isUnfinished } from './jobStatus';
import type { JobQueue } from './queue';
import { generateAgainQuestion, removePaidQuestion } from './questions';
import type { Recovery } from './recovery';
import type { Run, Runs } from './runs';
import type { JobStarter } from './starting';

export class JobActions {
  constructor(
    private readonly runs: Runs,
    private readonly queue: JobQueue,
    private readonly starter: JobStarter,
    private readonly windows: Recovery,
  ) {}

  /**
   * Runs a job again: one the service already accepted is fetched (no new charge); one it never
   * accepted is queued afresh, after asking when its last request may have been charged.
   */
  async retry(id: string): Promise<JobRecord | undefined> {
    await this.windows.lookAround();
    const job = this.runs.store.get(id);
    if (!job || this.runs.isRunning(id) || job.state === 'done' || isUnfinished(job)) return job;
    if (job.uuid) return this.fetchPaidVideo(id);
    const [queued] = await this.starter.withImagesLocked([job], async () => {
      await this.windows.lookAround();
      if (this.starter.imageIsBusy(job.imageUri)) return [];
      // This job's own earlier request, or the image's newest one, may already be paid for.
      const worry = chargeIsOpen(job) ? 'open' : this.starter.lastAttemptWorry(job.imageUri);
      if (worry && !(await this.runs.ports.confirm(generateAgainQuestion([{ imageName: job.imageName, worry }], 1)))) return [];
      const run = await this.runs.jobOps.run(id, async () => {
        if (this.starter.imageIsBusy(job.imageUri) || !(await this.runs.store.leases.acquire(id))) return undefined;
        const current = await this.runs.store.reload(id);
        if (!current || current.uuid || isUnfinished(current) || current.state === 'done') {
          await this.runs.store.leases.release(id);
          return undefined;
        }
        return this.requeue(id, current);
      });
      return run ? [run] : [];
    });
    return queued ? queued.settled : this.runs.store.get(id);
  }

  /** Queues a job never accepted for another run; the caller holds its lease. */
  private async requeue(id: string, job: JobRecord): Promise<Run> {
    const current = this.runs.store.get(id) ?? job;
    // Not startable until 'queued' is saved: a slot freeing meanwhile must not run a job whose
    // record still says 'failed' (its lease could even be released under it if the save fails).
    const run = this.queue.add({ ...current }, true, false);
    const saved = this.runs.move(run, 'queued', {
      error: undefined,
      remedy: undefined,
      videoUri: undefined,
      claimedName: undefined,
      createdAt: this.runs.now(),
    });
    // A cancel meanwhile waits for this save: it moves the job on from 'queued', never from the state before.
    run.held = saved.catch(() => undefined);
    try {
      await saved;
    } catch (error) {
      this.runs.log.warn(`Could not queue ${job.imageName} again: ${String(error)}`);
      // The list took 'queued' before the disk refused it: it goes back to what the disk holds.
      await this.runs.store.reload(id).catch(() => undefined);
      run.job = this.runs.store.get(id) ?? run.job;
      run.started = true;
      this.queue.end(run);
      return run;
    } finally {
      run.held = undefined;
    }
    this.queue.enqueue(run);
    return run;
  }

  /**
   * Fetch Video: waits for and saves a job the service already accepted, without asking (or
   * paying) again. `ask`: whether a missing key is asked for (not when resuming by itself at start-up).
   */
  async fetchPaidVideo(id: string, ask = true): Promise<JobRecord | undefined> {
    const job = this.runs.store.get(id);
    if (!job?.uuid || job.state === 'done' || this.runs.byJob.has(id)) return this.runs.whenSettled(id);
    const run = await this.runs.jobOps.run(id, async () => {
      if (this.runs.byJob.has(id)) return undefined;
      if (!(await this.runs.store.leases.acquire(id))) {
        if (!this.runs.store.leases.holds(id)) this.windows.markElsewhere(id);
        return undefined;
      }
      this.runs.elsewhere.delete(id);
      // As the list is on disk now: another window may have finished or removed it a moment ago.
      const current = await this.runs.store.reload(id);
      if (!current?.uuid || current.state === 'done') {
        await this.runs.store.leases.release(id);
        this.runs.notify(id, job);
        return undefined;
      }
      return this.queue.startFetch(current, ask);
    });
    return run ? run.settled : this.runs.whenSettled(id);
  }

  /**
   * Forgets a finished, failed or stopped job (its video, if any, stays). A paid video not saved
   * yet is only reachable through the list, so that asks first. A running job is cancelled first.
   */
  async remove(id: string): Promise<boolean> {
    const job = this.runs.store.get(id);
    if (!job || this.runs.isRunning(id) || isUnfinished(job)) return false;
    // A paid video not saved, or a request that may have been charged: only the list remembers it.
    const onlyListed = (job.uuid && job.state !== 'done') || chargeIsOpen(job);
    if (onlyListed && !(await this.runs.ports.confirm(removePaidQuestion(job)))) return false;
    const removed = await this.runs.jobOps.run(id, async () => {
      if (this.runs.isRunning(id) || !(await this.runs.store.leases.acquire(id))) return false;
      try {
        // Only what was asked about: the job as it is on disk now must be the one the person saw.
        const current = await this.runs.store.reload(id);
        if (
          !current ||
          isUnfinished(current) ||
          current.state !== job.state ||
          current.uuid !== job.uuid ||
          current.mayBeCharged !== job.mayBeCharged
        )
          return false;
        await this.runs.store.remove(id);
        return true;
      } finally {
        await this.runs.store.leases.release(id);
      }
    });
    if (removed) this.runs.notify(id, job);
    return removed;
  }
}
