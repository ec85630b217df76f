// Jobs nobody runs here: recovery of those whose window closed or crashed (a paid one is fetched,
// any other ended with what is known), and watching the other windows of the workspace, whose
// jobs show here and whose leases say whether they are still alive.
import { l10n } from '../shared/l10n';
import type { JobRecord } from './job';
import { canMove, isUnfinished } from './jobStatus';
import { cancelNote, requestWentOut, WINDOW_CLOSED } from './cancelNotes';
import type { JobQueue } from './queue';
import type { Runs } from './runs';

export class Recovery {
  private ticker: ReturnType<typeof setInterval> | undefined;
  private recovering: Promise<JobRecord[]> | undefined;
  private recoverAgain = false;
  private watcher: { dispose(): void } | undefined;
  /** Told of the jobs a pass ended as "may have been charged", once per pass. */
  private readonly chargeListeners = new Set<(jobs: JobRecord[]) => void>();
  private endedWithCharge: JobRecord[] = [];

  constructor(
    private readonly runs: Runs,
    private readonly queue: JobQueue,
  ) {}

  /**
   * Looks at every unfinished job nobody runs: the window that ran it closed or crashed. Paid
   * ones are resumed here (returned, so the caller can say so); the others end with what is
   * known. Jobs another live window runs are left to it. Reads only the list when nothing is
   * unfinished.
   */
  recover(): Promise<JobRecord[]> {
    // One pass at a time (start-up, the heartbeat and the watcher may all ask); a request during
    // a pass gets one more pass after it, since it may have seen something the pass did not.
    if (this.recovering) {
      this.recoverAgain = true;
      return this.recovering;
    }
    this.recovering = (async () => {
      const resumed: JobRecord[] = [];
      do {
        this.recoverAgain = false;
        resumed.push(...(await this.recoverOnce()));
      } while (this.recoverAgain && !this.runs.disposed);
      return resumed;
    })().finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  private async recoverOnce(): Promise<JobRecord[]> {
    const resumed: JobRecord[] = [];
    for (const job of this.runs.store.all()) {
      if (!isUnfinished(job) || this.runs.byJob.has(job.id)) continue;
      try {
        const picked = await this.runs.jobOps.run(job.id, () => this.recoverJob(job));
        if (picked) resumed.push(picked);
      } catch (error) {
        // One job that cannot be looked at (a full disk, say) does not stop the others.
        this.runs.log.error(`Could not pick up ${job.imageName} (${job.id}): ${this.runs.redact(String(error))}`);
      }
    }
    if (resumed.length > 0)
      this.runs.log.info(`Resuming ${resumed.length} paid video(s) left unfinished: ${resumed.map((job) => job.imageName).join(', ')}.`);
    const charged = this.endedWithCharge.splice(0);
    if (charged.length > 0) for (const listener of this.chargeListeners) listener(charged);
    if (this.runs.elsewhere.size > 0) this.keepWatching();
    return resumed;
  }

  /** One unfinished job nobody may be running: resumed here (returned) or ended with what is known. */
  private async recoverJob(job: JobRecord): Promise<JobRecord | undefined> {
    if (this.runs.byJob.has(job.id)) return undefined;
    if (!(await this.runs.store.leases.acquire(job.id))) {
      if (!this.runs.store.leases.holds(job.id)) this.markElsewhere(job.id);
      return undefined;
    }
    const wasElsewhere = this.runs.elsewhere.delete(job.id);
    // As it is on disk now, not as this window last saw it.
    const current = await this.runs.store.reload(job.id);
    if (!current || !isUnfinished(current)) {
      await this.runs.store.leases.release(job.id);
      if (wasElsewhere) this.runs.notify(job.id);
      return undefined;
    }
    if (current.uuid && (current.state === 'generating' || current.state === 'downloading')) {
      this.queue.startFetch(current, false);
      return current;
    }
    const ending: Partial<JobRecord> =
      current.state === 'requesting'
        ? {
            state: 'failed',
            mayBeCharged: true,
            errorSaysMoney: true,
            error: l10n.t(
              'The window asking 1min.ai for the video of {0} closed before the answer came; it may have ' +
                'been made and charged. Check your 1min.ai history before trying again.',
              current.imageName,
            ),
          }
        : { state: 'cancelled', error: cancelNote(current, requestWentOut(current), WINDOW_CLOSED), errorSaysMoney: undefined };
    try {
      if (canMove(current.state, ending.state!)) {
        const ended = { ...current, ...ending, updatedAt: this.runs.now() };
        await this.runs.store.save(ended);
        // Its request may have been charged and nobody was there to say so: the person is told.
        if (ended.mayBeCharged && ended.state === 'failed') this.endedWithCharge.push(ended);
      }
    } finally {
      await this.runs.store.leases.release(job.id);
    }
    this.runs.notify(job.id);
    return undefined;
  }

  /** Called with the jobs each recovery pass ended whose request may have been charged. */
  onChargesLeftOpen(listener: (jobs: JobRecord[]) => void): () => void {
    this.chargeListeners.add(listener);
    return () => this.chargeListeners.delete(listener);
  }

  /** Another live window runs this job: shown as such here, and watched until it ends. */
  markElsewhere(id: string): void {
    if (this.runs.elsewhere.has(id)) return;
    this.runs.elsewhere.add(id);
    this.keepWatching();
    this.runs.notify(id);
  }

  /**
   * While this window runs jobs or sees jobs running elsewhere: a heartbeat keeps its leases
   * fresh, notices leases it lost, picks up other windows' changes and takes over jobs whose
   * window died. Stops by itself when there is nothing to watch.
   */
  keepWatching(): void {
    if (this.runs.disposed) return;
    this.watchOtherWindows();
    if (this.ticker) return;
    this.ticker = setInterval(() => void this.tick(), this.runs.store.leases.heartbeatMs);
    this.ticker.unref?.();
  }

  /**
   * Follows what other windows of the workspace do to the list (a job they start shows here at
   * once). Started by whatever shows the list, not at activation: with nothing shown, nothing runs.
   */
  watchOtherWindows(): void {
    if (this.runs.disposed || this.watcher) return;
    this.watcher = this.runs.store.watch(() => void this.lookAround());
    void this.lookAround();
  }

  private async tick(): Promise<void> {
    if (this.runs.disposed) return;
    for (const id of await this.runs.store.leases.heartbeat()) {
      const run = this.runs.byJob.get(id);
      if (!run) continue;
      this.runs.log.warn(`${run.job.imageName}: another window took this job over; stopping here.`);
      run.abort.abort();
    }
    await this.lookAround();
    if (this.runs.byJob.size === 0 && this.runs.elsewhere.size === 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  /** Catches up with other windows: changed records, finished or abandoned jobs. */
  async lookAround(): Promise<void> {
    if (this.runs.disposed) return;
    let abandoned = false;
    for (const id of await this.runs.store.refresh()) {
      const job = this.runs.store.get(id);
      if (job && isUnfinished(job) && !this.runs.byJob.has(id)) {
        // Running somewhere, or left by a window that is gone (no live lease): then recover it.
        if (await this.runs.store.leases.holder(id)) this.markElsewhere(id);
        else abandoned = true;
      }
      if (!job || !isUnfinished(job)) this.runs.elsewhere.delete(id);
      this.runs.notify(id, job);
    }
    if (abandoned) await this.recover();
    for (const id of [...this.runs.elsewhere]) {
      const job = this.runs.store.get(id);
      if (!job || !isUnfinished(job)) {
        this.runs.elsewhere.delete(id);
        this.runs.notify(id);
      } else if (!(await this.runs.store.leases.holder(id))) {
        await this.recover();
        break;
      }
    }
  }

  /** Stops the heartbeat and the folder watch (the machine is disposed). */
  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.watcher?.dispose();
  }
}
