// A job's life, in one place: the queue and its limit, every state and move (job.ts), the points
// where a job is saved, cancel, retry, fetch, resume after a crash, and which window runs it
// (lease.ts). No `vscode` here: what needs VS Code (reading the image, the key, dialogs, the
// output folder) comes in through `JobPorts`, so the randomized fault runs drive this very code.
//
// The money rules it keeps:
// - a job is saved as 'requesting' before POST /api/features goes out, and with its uuid the
//   moment the service accepts it, so a paid job is never forgotten, whatever crashes when;
// - POST /api/features goes out once per job run; a new run for an image whose last request may
//   have been charged (or whose paid video is not fetched yet) only after the person confirms;
// - Cancel while the request is out waits for its answer: accepted means paid (kept, fetchable);
// - "nothing was charged" is said only where the request certainly never went out.
import { createHash, randomUUID } from 'node:crypto';
import type { VideoOutput } from '../files/localOutput';
import { isCancel, leavesChargeOpen, LumaError } from '../util/lumaError';
import type { ServiceUuid, VideoRecord } from '../onemin/record';
import type { GenerationOptions } from '../shared/options';
import { Logger } from '../util/log';
import {
  currentRecord,
  GenerationClient,
  GenerationRun,
  ImageInput,
  JobUpdate,
  PollPolicy,
  requestGeneration,
  saveVideo,
  uploadImage,
  waitForVideo,
} from './generation';
import { chargeIsOpen, JobRecord } from './job';
import { canMove, isUnfinished, JobSnapshot, JobState, LiveProgress } from './jobStatus';
import type { JobStore } from './jobStore';
import { KeyedQueue } from '../util/keyedQueue';
import { generateAgainQuestion, Question, removePaidQuestion, stopWaitingQuestion, Worry } from './questions';

export type { Question } from './questions';

export interface NewJob {
  imageUri: string;
  imageName: string;
  /** The folder the video goes into, as a URI string. */
  outputFolder: string;
  options: GenerationOptions;
}

/** What the machine needs from its surroundings (VS Code, or a test). */
export interface JobPorts {
  /** Reads and checks the image; throws LumaError('input') with a message that says what to do. */
  readImage(job: JobRecord): Promise<ImageInput>;
  /** The key; asks the person for it when `ask` and none is stored. */
  apiKey(ask: boolean): Promise<string | undefined>;
  client(job: JobRecord, apiKey: string): GenerationClient;
  output(job: JobRecord): VideoOutput;
  /** The saved video's URI (as a string), from the job's folder and the file name. */
  videoUri(job: JobRecord, fileName: string): string;
  /** Asks; resolves true only when the person chose the `confirm` button. */
  confirm(question: Question): Promise<boolean>;
  poll(job: JobRecord): PollPolicy | undefined;
}

export interface JobMachineOptions {
  store: JobStore;
  ports: JobPorts;
  log: Logger;
  /** Read whenever a slot may free up, so a changed setting applies to the next job. */
  concurrency: () => number;
  /** Applied to every text the machine stores or logs (keys echoed in errors). */
  redact?: (text: string) => string;
  now?: () => number;
}

interface Run {
  job: JobRecord;
  /** Cuts everything that is safe to cut: the upload, the polling, the download. */
  abort: AbortController;
  /** Cuts only the client's waits between attempts of the generation request. */
  betweenAttempts: AbortController;
  cancelRequested: boolean;
  started: boolean;
  /** A fetch of a paid video takes no slot: it never waits behind new generations. */
  takesSlot: boolean;
  /** A request of this job went out before this run: then no note may say nothing was sent. */
  sentBefore: boolean;
  live: LiveProgress;
  settled: Promise<JobRecord>;
  settle: (job: JobRecord) => void;
  /** Set while POST /api/features is out; resolves once its answer is saved. */
  requestOut?: Promise<void>;
}

/** Thrown inside a run when another window has taken the job over: this one stops writing. */
class LeaseLost extends Error {}
/** Thrown inside a run when this host is shutting down: the record stays as it is, to resume. */
class ShuttingDown extends Error {}

type Phase = 'before' | 'sending' | 'paid';

const NOTHING_SENT = 'Cancelled before anything was sent for generation, so nothing was charged.';
const CANCELLED_QUEUED = 'Cancelled while queued, so nothing was charged.';
const WINDOW_CLOSED = 'The window running this job closed before it was sent, so nothing was charged. Retry runs it.';
/** An earlier attempt of the job may have been charged: this one cost nothing, that one may have. */
const EARLIER_MAY_BE_CHARGED =
  'Cancelled before it was sent again. The earlier attempt may still have been charged: check your 1min.ai history.';
/** An earlier attempt reached the service (and was refused): "nothing was sent" would not be true. */
const NOT_SENT_AGAIN = 'Cancelled before it was sent again.';

/**
 * What a job stopped before its request went out says. "Nothing was charged" only where no
 * request of the job ever went out: `sentBefore` is whether one had, before this run.
 */
function cancelNote(job: JobRecord, sentBefore: boolean, note: string): string {
  if (job.mayBeCharged) return EARLIER_MAY_BE_CHARGED;
  return sentBefore ? NOT_SENT_AGAIN : note;
}

/** Whether a generation request of this job already went out in an earlier run. */
function requestWentOut(job: JobRecord): boolean {
  return job.requestedAt !== undefined || job.uuid !== undefined || job.mayBeCharged === true;
}

export class JobMachine {
  private readonly store: JobStore;
  private readonly ports: JobPorts;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly redact: (text: string) => string;
  private readonly queue: string[] = [];
  private readonly runs = new Map<string, Run>();
  private readonly elsewhere = new Set<string>();
  private readonly listeners = new Set<(snapshot: JobSnapshot) => void>();
  private readonly settledListeners = new Set<(job: JobRecord) => void>();
  /** Images with a "generate again?" question open, so a second Generate does not ask twice. */
  private readonly asking = new Set<string>();
  private ticker: ReturnType<typeof setInterval> | undefined;
  private recovering: Promise<JobRecord[]> | undefined;
  /**
   * This window's own operations on one job that take its lease for a moment (recovery, Fetch,
   * Retry, Remove) run one after another: a Retry pressed while recovery ends the job waits for it
   * rather than finding the lease taken and doing nothing.
   */
  private readonly jobOps = new KeyedQueue();
  private shuttingDown = false;
  private recoverAgain = false;
  private watcher: { dispose(): void } | undefined;
  private stopping = false;
  private disposed = false;

  constructor(private readonly options: JobMachineOptions) {
    this.store = options.store;
    this.ports = options.ports;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.redact = options.redact ?? ((text) => text);
  }

  // ---- what listeners see ----

  /** Called with a job's snapshot whenever it changes (or, with its last record, when removed). */
  onDidChange(listener: (snapshot: JobSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when a run of a job ends in this window, however it ended. */
  onDidSettle(listener: (job: JobRecord) => void): () => void {
    this.settledListeners.add(listener);
    return () => this.settledListeners.delete(listener);
  }

  private fire(id: string, removed?: JobRecord): void {
    if (this.disposed) return;
    const snapshot = this.snapshot(id) ?? (removed ? { job: removed, here: false, elsewhere: false } : undefined);
    if (!snapshot) return;
    for (const listener of this.listeners) listener(snapshot);
  }

  snapshot(id: string): JobSnapshot | undefined {
    const job = this.store.get(id);
    if (!job) return undefined;
    const run = this.runs.get(id);
    return { job, here: run !== undefined, elsewhere: this.elsewhere.has(id), live: run?.started ? { ...run.live } : undefined };
  }

  /** Every job, newest first. */
  snapshots(): JobSnapshot[] {
    return this.store.all().map((job) => this.snapshot(job.id)!);
  }

  get(id: string): JobRecord | undefined {
    return this.store.get(id);
  }

  /** The newest job of this image, if any. */
  latestFor(imageUri: string): JobRecord | undefined {
    return this.store.all().find((job) => job.imageUri === imageUri);
  }

  /** Queued or running, here or in another window. */
  isRunning(id: string): boolean {
    return this.runs.has(id) || this.elsewhere.has(id);
  }

  /** Settles when the job's run in this window ends (at once when it does not run here). */
  whenSettled(id: string): Promise<JobRecord | undefined> {
    return this.runs.get(id)?.settled ?? Promise.resolve(this.store.get(id));
  }

  counts(): { running: number; queued: number; elsewhere: number } {
    const running = [...this.runs.values()].filter((run) => run.started).length;
    return { running, queued: this.runs.size - running, elsewhere: this.elsewhere.size };
  }

  // ---- starting ----

  /**
   * Queues a generation per image. When the last attempt for one of them may have been charged
   * without a video, or its paid video is not fetched yet, asks first; declined, nothing starts
   * and this resolves to [].
   */
  async start(requests: NewJob[], batchId?: string): Promise<JobRecord[]> {
    if (this.stopping || requests.some((request) => this.asking.has(request.imageUri))) return [];
    // What other windows did a moment ago counts: a job of one of these images may run there.
    await this.lookAround();
    this.refuseBusy(requests.map((request) => request.imageUri));
    // The question comes before the lock below: it may stay open for minutes.
    const asked = new Set<string>();
    const worries = requests.map((request) => ({ request, worry: this.lastAttemptWorry(request.imageUri) })).filter((entry) => entry.worry);
    if (worries.length > 0) {
      for (const request of requests) this.asking.add(request.imageUri);
      let confirmed: boolean;
      try {
        confirmed = await this.ports.confirm(
          generateAgainQuestion(
            worries.map((entry) => ({ imageName: entry.request.imageName, worry: entry.worry! })),
            requests.length,
          ),
        );
      } finally {
        for (const request of requests) this.asking.delete(request.imageUri);
      }
      if (!confirmed) {
        this.log.info(
          `Generate declined: the last attempt for ${worries.map((entry) => entry.request.imageName).join(', ')} may already be paid for.`,
        );
        return [];
      }
      for (const entry of worries) asked.add(entry.request.imageUri);
    }
    return this.withImagesLocked(requests, async () => {
      // Again, now that no other window can start one of these: what changed while asking?
      await this.lookAround();
      this.refuseBusy(requests.map((request) => request.imageUri));
      const unasked = requests.filter((request) => !asked.has(request.imageUri) && this.lastAttemptWorry(request.imageUri));
      if (unasked.length > 0)
        throw new LumaError(
          'input',
          `Another window has just generated a video of ${unasked.map((request) => request.imageName).join(', ')}. Look at it first, then press Generate again if you want another.`,
        );
      return this.queueNew(requests, batchId);
    });
  }

  /**
   * Runs `decide` while this window alone may start jobs for these images: two windows pressing
   * Generate for one image at the same instant would otherwise both see it idle.
   */
  private async withImagesLocked<T>(images: { imageUri: string; imageName: string }[], decide: () => Promise<T[]>): Promise<T[]> {
    const locks = [...new Map(images.map((image) => [imageLockId(image.imageUri), image.imageName])).entries()].sort(([a], [b]) =>
      a.localeCompare(b),
    );
    const held: string[] = [];
    try {
      for (const [lock, imageName] of locks) {
        let taken: boolean;
        try {
          taken = await this.store.leases.acquire(lock);
        } catch (error) {
          throw storageError(error, imageName);
        }
        if (!taken)
          throw new LumaError(
            'input',
            `${imageName} is being started in another window (or this one) right now. Wait a moment, then press Generate again if it did not start.`,
          );
        held.push(lock);
      }
      return await decide();
    } finally {
      for (const lock of held) await this.store.leases.release(lock).catch(() => undefined);
    }
  }

  /** A job of one of these images is queued or running, here or in another window: say so. */
  private refuseBusy(imageUris: string[]): void {
    const busy = this.busyJobsOf(imageUris);
    if (busy.length === 0) return;
    const names = [...new Set(busy.map((job) => job.imageName))].join(', ');
    throw new LumaError(
      'input',
      `A video of ${names} is already being generated${busy.some((job) => this.elsewhere.has(job.id)) ? ' in another window' : ''}. Wait for it, or cancel it first.`,
    );
  }

  private async queueNew(requests: NewJob[], batchId: string | undefined): Promise<JobRecord[]> {
    const jobs: JobRecord[] = [];
    for (const request of requests) {
      const now = this.now();
      const job: JobRecord = {
        id: randomUUID(),
        imageUri: request.imageUri,
        imageName: request.imageName,
        outputFolder: request.outputFolder,
        options: { ...request.options },
        state: 'queued',
        createdAt: now,
        updatedAt: now,
      };
      if (batchId && requests.length > 1) job.batchId = batchId;
      try {
        await this.store.leases.acquire(job.id);
        await this.store.save(job);
      } catch (error) {
        // Not kept means not sent: a job the list does not hold could be paid for and forgotten.
        await this.store.leases.release(job.id).catch(() => undefined);
        await this.store.remove(job.id).catch(() => undefined);
        this.pump();
        throw storageError(error, request.imageName);
      }
      this.enqueue(job, true);
      jobs.push(job);
    }
    this.pump();
    return jobs;
  }

  /** One run at a time per image: a job of it is queued or running, here or in another window. */
  private imageIsBusy(imageUri: string): boolean {
    return this.busyJobsOf([imageUri]).length > 0;
  }

  private busyJobsOf(imageUris: readonly string[]): JobRecord[] {
    return this.store.all().filter((job) => imageUris.includes(job.imageUri) && (this.isRunning(job.id) || isUnfinished(job)));
  }

  /**
   * Why a new generation for this image should ask first: the newest attempt that reached the
   * service may have been charged without a video ('open'), or its paid video is not saved yet
   * ('paid', and Fetch Video would get it for free).
   */
  private lastAttemptWorry(imageUri: string): Worry | undefined {
    for (const job of this.store.all()) {
      if (job.imageUri !== imageUri) continue;
      if (chargeIsOpen(job)) return 'open';
      if (job.uuid && job.state !== 'done') return 'paid';
      if (job.requestedAt !== undefined || job.uuid || job.state === 'done') return undefined;
      // Never reached the service (failed or cancelled before it): look at the attempt before.
    }
    return undefined;
  }

  private enqueue(job: JobRecord, takesSlot: boolean): Run {
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
      live: { stageStartedAt: this.now() },
      settled,
      settle,
    };
    this.runs.set(job.id, run);
    if (takesSlot) this.queue.push(job.id);
    this.keepWatching();
    this.fire(job.id);
    return run;
  }

  /** Starts queued jobs while there is a free slot. */
  private pump(): void {
    if (this.stopping) return;
    const limit = Math.max(1, this.options.concurrency());
    while (this.queue.length > 0 && this.slotsInUse() < limit) {
      const run = this.runs.get(this.queue.shift()!);
      if (run) this.begin(run, () => this.runGeneration(run));
    }
  }

  private slotsInUse(): number {
    return [...this.runs.values()].filter((run) => run.started && run.takesSlot).length;
  }

  private begin(run: Run, body: () => Promise<void>): void {
    run.started = true;
    run.live.stageStartedAt = this.now();
    void body()
      .catch((error) => this.log.error(`Job ${run.job.id}: ${this.redact(String((error as Error)?.stack ?? error))}`))
      .finally(() => this.end(run));
  }

  private end(run: Run): void {
    const id = run.job.id;
    if (this.runs.get(id) === run) this.runs.delete(id);
    const index = this.queue.indexOf(id);
    if (index >= 0) this.queue.splice(index, 1);
    const record = this.store.get(id) ?? run.job;
    if (!this.disposed) {
      void this.store.leases.release(id).catch(() => undefined);
      this.fire(id);
      for (const listener of this.settledListeners) listener(record);
      this.pump();
    }
    run.settle(record);
  }

  // ---- a run ----

  private async runGeneration(run: Run): Promise<void> {
    const { job } = run;
    let phase: Phase = 'before';
    try {
      await this.move(run, 'uploading', { error: undefined, remedy: undefined, videoUri: undefined, claimedName: undefined });
      const output = this.ports.output(job);
      // The folder and the names are checked before anything is sent or paid.
      await output.prepare();
      const image = await this.ports.readImage(job);
      this.throwIfCancelled(run);
      const apiKey = await this.ports.apiKey(true);
      if (!apiKey)
        throw new LumaError(
          'auth',
          'No 1min.ai API key is set, so nothing was sent. Set one with "Luma: Set API Key" and press Generate again.',
          { remedy: 'setApiKey' },
        );
      this.throwIfCancelled(run);
      const client = this.ports.client(job, apiKey);
      const steps = this.steps(run, client, output);
      const imagePath = await uploadImage(image, steps);
      this.throwIfCancelled(run);
      // Saved before the request goes out: a crash from here on leaves "may have been charged".
      await this.move(run, 'requesting', { requestedAt: this.now() });
      this.throwIfCancelled(run);
      phase = 'sending';
      let answered!: () => void;
      run.requestOut = new Promise((resolve) => (answered = resolve));
      let record: VideoRecord;
      try {
        record = await requestGeneration(imagePath, job.options, steps, run.betweenAttempts.signal);
      } catch (error) {
        await this.settleFailure(run, phase, error);
        answered();
        return;
      }
      phase = 'paid';
      try {
        await this.accept(run, record.uuid);
      } finally {
        answered();
      }
      if (run.cancelRequested) {
        await this.move(run, 'stopped', {
          error: `Cancelled after 1min.ai had accepted the request (id ${record.uuid}), so it is paid for. The job is kept: press Fetch Video to get it without paying again.`,
        });
        return;
      }
      await this.finish(run, client, output, record, this.now());
    } catch (error) {
      await this.settleFailure(run, phase, error);
    }
  }

  /**
   * Saves the uuid of an accepted generation. If another window took the job over while the
   * request was out, the uuid is still worth saving: take the lease back if it is free.
   */
  private async accept(run: Run, uuid: ServiceUuid): Promise<void> {
    const patch: Partial<JobRecord> = { uuid, error: undefined, remedy: undefined };
    try {
      await this.move(run, 'generating', patch);
    } catch (error) {
      if (!(error instanceof LeaseLost) || !(await this.store.leases.acquire(run.job.id))) {
        this.log.error(
          `1min.ai accepted the generation ${uuid} for ${run.job.imageName}, but this window could not save it: ${String(error)}. It is in your 1min.ai history.`,
        );
        throw error;
      }
      const current = this.store.get(run.job.id) ?? run.job;
      Object.assign(run.job, current);
      await this.save(run, { ...patch, state: 'generating' });
    }
  }

  /** Waits for a paid video and saves it: shared by a new generation and a fetch. */
  private async finish(run: Run, client: GenerationClient, output: VideoOutput, first: VideoRecord, since: number): Promise<void> {
    const steps = this.steps(run, client, output);
    const record = await waitForVideo(first, steps, since);
    await this.move(run, 'downloading');
    let result;
    try {
      result = await saveVideo(record, steps);
    } catch (error) {
      const { claimedName, claimedBytes } = run.job;
      if (claimedName && !this.disposed && !(error instanceof LeaseLost)) {
        // A move reported as failed may still have happened (some remote file systems): then the
        // video is in place. Otherwise the save undid its claim, and the name is no longer this job's.
        const placed = await output.recover(claimedName, claimedBytes).catch(() => undefined);
        if (placed) {
          await this.move(run, 'done', {
            videoUri: this.ports.videoUri(run.job, placed),
            claimedName: undefined,
            claimedBytes: undefined,
            error: undefined,
            remedy: undefined,
          });
          return;
        }
        await this.save(run, { claimedName: undefined, claimedBytes: undefined }).catch(() => undefined);
      }
      throw error;
    }
    await this.move(run, 'done', {
      videoUri: this.ports.videoUri(run.job, result.videoName),
      claimedName: undefined,
      claimedBytes: undefined,
      error: undefined,
      remedy: undefined,
    });
  }

  private steps(run: Run, client: GenerationClient, output: VideoOutput): GenerationRun {
    return {
      client,
      output,
      log: this.log,
      poll: this.ports.poll(run.job),
      signal: run.abort.signal,
      now: this.now,
      onUpdate: (update: JobUpdate) => {
        if (update.stage === 'downloading') {
          run.live.progress = update.progress;
          this.fire(run.job.id);
        }
      },
      // The journal: the name (and the size of what goes there) is on record before the video moves.
      onClaimed: (name: string, bytes: number) => this.save(run, { claimedName: name, claimedBytes: bytes }),
    };
  }

  private throwIfCancelled(run: Run): void {
    if (run.cancelRequested || run.abort.signal.aborted) throw new LumaError('cancelled', 'Cancelled.');
  }

  /** Where every run ends that did not end in 'done': says what happened, truthfully. */
  private async settleFailure(run: Run, phase: Phase, error: unknown): Promise<void> {
    const { job } = run;
    if (error instanceof ShuttingDown || this.disposed || (this.stopping && isCancel(error))) return;
    if (error instanceof LeaseLost) {
      this.log.info(`${job.imageName}: another window has taken this job over; it goes on there.`);
      return;
    }
    const failure = this.asFailure(error);
    try {
      if (phase === 'before') {
        if (isCancel(error) || run.cancelRequested)
          await this.move(run, 'cancelled', { error: cancelNote(run.job, run.sentBefore, NOTHING_SENT) });
        else await this.move(run, 'failed', { error: failure.message, remedy: failure.remedy });
      } else if (phase === 'sending') {
        if (isCancel(error)) {
          // The client only stops between attempts, after a refusal: nothing of ours is out there.
          await this.move(run, 'cancelled', { error: 'Cancelled before 1min.ai accepted the request; it was not sent again.' });
        } else if (leavesChargeOpen(failure) || !(error instanceof LumaError)) {
          const prefix = run.cancelRequested ? 'Cancelled, but the request had already gone out. ' : '';
          await this.move(run, 'failed', { error: prefix + failure.message, remedy: undefined, mayBeCharged: true });
        } else {
          await this.move(run, 'failed', { error: failure.message, remedy: failure.remedy });
        }
      } else if (isCancel(error) || run.cancelRequested) {
        this.log.info(`Stopped waiting for ${job.imageName} (generation ${job.uuid} stays fetchable).`);
        await this.move(run, 'stopped', {
          error: `Stopped waiting. 1min.ai had already accepted this generation (id ${job.uuid}), so it is paid for: press Fetch Video to get it later.`,
        });
      } else {
        await this.move(run, 'failed', { error: failure.message, remedy: failure.remedy });
      }
    } catch (saveError) {
      if (saveError instanceof LeaseLost || saveError instanceof ShuttingDown) return;
      this.log.error(`Could not save the outcome of ${job.imageName}: ${this.redact(String(saveError))}`);
    }
  }

  private asFailure(error: unknown): LumaError {
    if (error instanceof LumaError) {
      this.log.warn(`${this.redact(error.message)}${error.detail ? ` [${this.redact(error.detail)}]` : ''}`);
      return error;
    }
    this.log.error(`Unexpected: ${this.redact(String((error as Error)?.stack ?? error))}`);
    return new LumaError('disk', 'Something unexpected went wrong; the details are in the "Luma Image to Video" output.', {
      detail: String(error),
    });
  }

  /**
   * The one way a run changes its job's state: only moves the table allows, only while this
   * host holds the job's lease (the fence), saved before anything that depends on it happens.
   */
  private async move(run: Run, to: JobState, patch: Partial<JobRecord> = {}): Promise<void> {
    const from = run.job.state;
    if (from !== to && !canMove(from, to)) throw new Error(`A job cannot go from ${from} to ${to}.`);
    if (from === to && !canMove(from, to)) {
      await this.save(run, patch);
      return;
    }
    const live = run.live;
    run.live = {
      ...live,
      stageStartedAt: this.now(),
      progress: to === 'downloading' ? { received: 0, total: 0 } : undefined,
      cancelling: to === 'requesting' ? live.cancelling : undefined,
    };
    try {
      await this.save(run, { ...patch, state: to });
    } catch (error) {
      run.live = live;
      throw error;
    }
  }

  private async save(run: Run, patch: Partial<JobRecord>): Promise<void> {
    if (this.disposed) throw new ShuttingDown();
    if (!(await this.store.leases.verify(run.job.id))) throw new LeaseLost();
    const next: JobRecord = { ...run.job, ...patch, updatedAt: this.now() };
    if (next.error) next.error = this.redact(next.error);
    for (const key of Object.keys(next) as (keyof JobRecord)[]) if (next[key] === undefined) delete next[key];
    run.job = next;
    await this.store.save(next);
    this.fire(next.id);
  }

  // ---- what the person does to a job ----

  /**
   * Stops a job. Queued or before the request: nothing is charged. While the request is out:
   * waits for its answer (see runGeneration). Paid: asks first unless `confirmed` (the form asks
   * in the page), then stops waiting; the job stays fetchable.
   */
  async cancel(id: string, confirmed = false): Promise<void> {
    const run = this.runs.get(id);
    if (!run) return;
    if (!run.started) {
      this.queue.splice(this.queue.indexOf(id), 1);
      run.started = true; // a settled run holds no slot
      try {
        await this.move(run, 'cancelled', { error: cancelNote(run.job, run.sentBefore, CANCELLED_QUEUED) });
      } catch (error) {
        this.log.warn(`Could not save the cancel of ${run.job.imageName}: ${String(error)}`);
      }
      this.end(run);
      return;
    }
    if (run.cancelRequested) return;
    switch (run.job.state) {
      case 'requesting':
        run.cancelRequested = true;
        run.live.cancelling = true;
        run.betweenAttempts.abort();
        this.fire(id);
        return;
      case 'generating':
      case 'downloading':
        if (!confirmed && !(await this.ports.confirm(stopWaitingQuestion(run.job)))) return;
        if (this.runs.get(id) !== run) return;
        break;
      default:
        break;
    }
    run.cancelRequested = true;
    run.abort.abort();
    this.fire(id);
  }

  /**
   * Runs a job again: one the service already accepted is fetched (no new charge); one it never
   * accepted is queued afresh, after asking when its last request may have been charged.
   */
  async retry(id: string): Promise<JobRecord | undefined> {
    await this.lookAround();
    const job = this.store.get(id);
    if (!job || this.isRunning(id) || job.state === 'done' || isUnfinished(job)) return job;
    if (job.uuid) return this.fetch(id);
    const [queued] = await this.withImagesLocked([job], async () => {
      await this.lookAround();
      if (this.imageIsBusy(job.imageUri)) return [];
      // This job's own earlier request, or the image's newest one, may already be paid for.
      const worry = chargeIsOpen(job) ? 'open' : this.lastAttemptWorry(job.imageUri);
      if (worry && !(await this.ports.confirm(generateAgainQuestion([{ imageName: job.imageName, worry }], 1)))) return [];
      const run = await this.jobOps.run(id, async () => {
        if (this.imageIsBusy(job.imageUri) || !(await this.store.leases.acquire(id))) return undefined;
        const current = await this.store.reload(id);
        if (!current || current.uuid || isUnfinished(current) || current.state === 'done') {
          await this.store.leases.release(id);
          return undefined;
        }
        return this.requeue(id, current);
      });
      return run ? [run] : [];
    });
    return queued ? queued.settled : this.store.get(id);
  }

  /** Queues a job never accepted for another run; the caller holds its lease. */
  private async requeue(id: string, job: JobRecord): Promise<Run> {
    const current = this.store.get(id) ?? job;
    const run = this.enqueue({ ...current }, true);
    try {
      await this.move(run, 'queued', {
        error: undefined,
        remedy: undefined,
        videoUri: undefined,
        claimedName: undefined,
        createdAt: this.now(),
      });
    } catch (error) {
      this.log.warn(`Could not queue ${job.imageName} again: ${String(error)}`);
      run.started = true;
      this.end(run);
      return run;
    }
    this.pump();
    return run;
  }

  /**
   * Waits for and saves a job the service already accepted, without asking (or paying) again.
   * `ask`: whether a missing key is asked for (not when resuming by itself at start-up).
   */
  async fetch(id: string, ask = true): Promise<JobRecord | undefined> {
    const job = this.store.get(id);
    if (!job?.uuid || job.state === 'done' || this.runs.has(id)) return this.whenSettled(id);
    const run = await this.jobOps.run(id, async () => {
      if (this.runs.has(id)) return undefined;
      if (!(await this.store.leases.acquire(id))) {
        if (!this.store.leases.holds(id)) this.markElsewhere(id);
        return undefined;
      }
      this.elsewhere.delete(id);
      // As the list is on disk now: another window may have finished or removed it a moment ago.
      const current = await this.store.reload(id);
      if (!current?.uuid || current.state === 'done') {
        await this.store.leases.release(id);
        this.fire(id, job);
        return undefined;
      }
      return this.startFetch(current, ask);
    });
    return run ? run.settled : this.whenSettled(id);
  }

  /** Starts fetching a paid job whose lease this host holds. */
  private startFetch(job: JobRecord, ask: boolean): Run {
    const run = this.enqueue(job, false);
    this.begin(run, () => this.runFetch(run, ask));
    return run;
  }

  private async runFetch(run: Run, ask: boolean): Promise<void> {
    const { job } = run;
    try {
      const since = this.now();
      await this.move(run, 'generating', { error: undefined, remedy: undefined });
      const output = this.ports.output(job);
      await output.prepare();
      // A save a crash interrupted: the video may already be in place under the claimed name.
      const placed = await output.recover(run.job.claimedName, run.job.claimedBytes);
      if (placed) {
        this.log.info(`${job.imageName}: the video was already saved as ${placed} before the interruption.`);
        await this.move(run, 'done', { videoUri: this.ports.videoUri(run.job, placed), claimedName: undefined, claimedBytes: undefined });
        return;
      }
      if (run.job.claimedName) await this.save(run, { claimedName: undefined, claimedBytes: undefined });
      const apiKey = await this.ports.apiKey(ask);
      if (!apiKey)
        throw new LumaError(
          'auth',
          'No 1min.ai API key is set, so the paid video could not be fetched. Set one with "Luma: Set API Key", then press Fetch Video.',
          { remedy: 'setApiKey' },
        );
      this.throwIfCancelled(run);
      const client = this.ports.client(job, apiKey);
      this.log.info(`Fetching ${job.uuid} for ${job.imageName}.`);
      await this.finish(run, client, output, await currentRecord(job.uuid!, this.steps(run, client, output)), since);
    } catch (error) {
      await this.settleFailure(run, 'paid', error);
    }
  }

  /**
   * Forgets a finished, failed or stopped job (its video, if any, stays). A paid video not saved
   * yet is only reachable through the list, so that asks first. A running job is cancelled first.
   */
  async remove(id: string): Promise<boolean> {
    const job = this.store.get(id);
    if (!job || this.isRunning(id) || isUnfinished(job)) return false;
    // A paid video not saved, or a request that may have been charged: only the list remembers it.
    if (((job.uuid && job.state !== 'done') || chargeIsOpen(job)) && !(await this.ports.confirm(removePaidQuestion(job)))) return false;
    const removed = await this.jobOps.run(id, async () => {
      if (this.isRunning(id) || !(await this.store.leases.acquire(id))) return false;
      try {
        // Only what was asked about: the job as it is on disk now must be the one the person saw.
        const current = await this.store.reload(id);
        if (
          !current ||
          isUnfinished(current) ||
          current.state !== job.state ||
          current.uuid !== job.uuid ||
          current.mayBeCharged !== job.mayBeCharged
        )
          return false;
        await this.store.remove(id);
        return true;
      } finally {
        await this.store.leases.release(id);
      }
    });
    if (removed) this.fire(id, job);
    return removed;
  }

  // ---- crashes, restarts and other windows ----

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
      } while (this.recoverAgain && !this.disposed);
      return resumed;
    })().finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  private async recoverOnce(): Promise<JobRecord[]> {
    const resumed: JobRecord[] = [];
    for (const job of this.store.all()) {
      if (!isUnfinished(job) || this.runs.has(job.id)) continue;
      try {
        const picked = await this.jobOps.run(job.id, () => this.recoverJob(job));
        if (picked) resumed.push(picked);
      } catch (error) {
        // One job that cannot be looked at (a full disk, say) does not stop the others.
        this.log.error(`Could not pick up ${job.imageName} (${job.id}): ${this.redact(String(error))}`);
      }
    }
    if (resumed.length > 0)
      this.log.info(`Resuming ${resumed.length} paid video(s) left unfinished: ${resumed.map((job) => job.imageName).join(', ')}.`);
    if (this.elsewhere.size > 0) this.keepWatching();
    return resumed;
  }

  /** One unfinished job nobody may be running: resumed here (returned) or ended with what is known. */
  private async recoverJob(job: JobRecord): Promise<JobRecord | undefined> {
    if (this.runs.has(job.id)) return undefined;
    if (!(await this.store.leases.acquire(job.id))) {
      if (!this.store.leases.holds(job.id)) this.markElsewhere(job.id);
      return undefined;
    }
    const wasElsewhere = this.elsewhere.delete(job.id);
    // As it is on disk now, not as this window last saw it.
    const current = await this.store.reload(job.id);
    if (!current || !isUnfinished(current)) {
      await this.store.leases.release(job.id);
      if (wasElsewhere) this.fire(job.id);
      return undefined;
    }
    if (current.uuid && (current.state === 'generating' || current.state === 'downloading')) {
      this.startFetch(current, false);
      return current;
    }
    const ending: Partial<JobRecord> =
      current.state === 'requesting'
        ? {
            state: 'failed',
            mayBeCharged: true,
            error: `The window asking 1min.ai for the video of ${current.imageName} closed before the answer came; it may have been made and charged. Check your 1min.ai history before trying again.`,
          }
        : { state: 'cancelled', error: cancelNote(current, requestWentOut(current), WINDOW_CLOSED) };
    try {
      if (canMove(current.state, ending.state!)) await this.store.save({ ...current, ...ending, updatedAt: this.now() });
    } finally {
      await this.store.leases.release(job.id);
    }
    this.fire(job.id);
    return undefined;
  }

  private markElsewhere(id: string): void {
    if (this.elsewhere.has(id)) return;
    this.elsewhere.add(id);
    this.keepWatching();
    this.fire(id);
  }

  /**
   * While this window runs jobs or sees jobs running elsewhere: a heartbeat keeps its leases
   * fresh, notices leases it lost, picks up other windows' changes and takes over jobs whose
   * window died. Stops by itself when there is nothing to watch.
   */
  keepWatching(): void {
    if (this.disposed) return;
    this.watchOtherWindows();
    if (this.ticker) return;
    this.ticker = setInterval(() => void this.tick(), this.store.leases.heartbeatMs);
    this.ticker.unref?.();
  }

  /**
   * Follows what other windows of the workspace do to the list (a job they start shows here at
   * once). Started by whatever shows the list, not at activation: with nothing shown, nothing runs.
   */
  watchOtherWindows(): void {
    if (this.disposed || this.watcher) return;
    this.watcher = this.store.watch(() => void this.lookAround());
    void this.lookAround();
  }

  private async tick(): Promise<void> {
    if (this.disposed) return;
    for (const id of await this.store.leases.heartbeat()) {
      const run = this.runs.get(id);
      if (!run) continue;
      this.log.warn(`${run.job.imageName}: another window took this job over; stopping here.`);
      run.abort.abort();
    }
    await this.lookAround();
    if (this.runs.size === 0 && this.elsewhere.size === 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  /** Catches up with other windows: changed records, finished or abandoned jobs. */
  async lookAround(): Promise<void> {
    if (this.disposed) return;
    let abandoned = false;
    for (const id of await this.store.refresh()) {
      const job = this.store.get(id);
      if (job && isUnfinished(job) && !this.runs.has(id)) {
        // Running somewhere, or left by a window that is gone (no live lease): then recover it.
        if (await this.store.leases.holder(id)) this.markElsewhere(id);
        else abandoned = true;
      }
      if (!job || !isUnfinished(job)) this.elsewhere.delete(id);
      this.fire(id, job);
    }
    if (abandoned) await this.recover();
    for (const id of [...this.elsewhere]) {
      const job = this.store.get(id);
      if (!job || !isUnfinished(job)) {
        this.elsewhere.delete(id);
        this.fire(id);
      } else if (!(await this.store.leases.holder(id))) {
        await this.recover();
        break;
      }
    }
  }

  /**
   * A clean shutdown (window reload or close): lets a generation request that is out get its
   * answer saved, for at most `graceMs`, then stops everything, keeping the records as they are
   * so the next start resumes them.
   */
  async shutdown(graceMs = 4000): Promise<void> {
    this.stopping = true;
    this.shuttingDown = true;
    const out = [...this.runs.values()].map((run) => run.requestOut).filter((promise): promise is Promise<void> => promise !== undefined);
    if (out.length > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([Promise.all(out), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    }
    this.shuttingDown = false;
    this.dispose();
  }

  dispose(): void {
    // VS Code disposes an extension's subscriptions right after calling deactivate(), without
    // waiting for it: the shutdown's grace for a generation answer must not be cut short.
    if (this.disposed || this.shuttingDown) return;
    this.stopping = true;
    this.disposed = true;
    if (this.ticker) clearInterval(this.ticker);
    this.watcher?.dispose();
    for (const run of this.runs.values()) {
      run.abort.abort();
      run.betweenAttempts.abort();
    }
    this.store.close();
    // Released now, while this is sure to run: the next host takes over at once.
    this.store.leases.releaseAllSync();
  }
}

/** The job list (or its leases) could not be written: nothing was sent, and the person is told why. */
function storageError(error: unknown, imageName: string): LumaError {
  const code = (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.message;
  return new LumaError(
    'disk',
    `Could not keep the job list in VS Code's storage (${code}), so nothing was sent for ${imageName}. Free some disk space, then press Generate again.`,
    { detail: String(error) },
  );
}

/** The name of the short lease a window holds on an image while it decides to start a job for it. */
function imageLockId(imageUri: string): string {
  return `image-${createHash('sha256').update(imageUri).digest('hex').slice(0, 32)}`;
}
