// The job machine's shared state: which jobs run in this window (and which in another), who
// listens, and the one way a run changes its job (`move`, `saveAndNotify`), fenced by the job's
// lease so that a window that lost a job never writes to it again. Every part of the machine
// (queue, runner, start, cancel, retry, recovery) works through this.
import type { VideoOutput } from '../files/localOutput';
import type { PreparedImage } from '../shared/imagePlan';
import type { GenerationOptions } from '../shared/options';
import { KeyedQueue } from '../util/keyedQueue';
import { Logger } from '../util/log';
import type { GenerationClient, ImageInput, PollPolicy } from './generation';
import { GenerationHistory } from './generationHistory';
import type { JobRecord } from './job';
import { canMove, JobSnapshot, JobState, LiveProgress } from './jobStatus';
import type { JobStore } from './jobStore';
import { PollBudget, type PollLimits } from './pollSchedule';
import type { Question } from './questions';

export interface NewJob {
  imageUri: string;
  imageName: string;
  /** The folder the video goes into, as a URI string. */
  outputFolder: string;
  options: GenerationOptions;
  /** The copy the form made of the image, sent instead of the file. */
  prepared?: PreparedImage;
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
  /** The service's request limits for checks; by default 20 a minute a job, 60 for all. */
  pollLimits?: PollLimits;
  /** Applied to every text the machine stores or logs (keys echoed in errors). */
  redact?: (text: string) => string;
  now?: () => number;
}

/** One job queued or running in this window. */
export interface Run {
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
  /** Set while a run again waits for its 'queued' to be saved (jobActions.ts): a cancel waits for it too. */
  held?: Promise<unknown>;
}

/** Thrown inside a run when another window has taken the job over: this one stops writing. */
export class LeaseLost extends Error {}
/** Thrown inside a run when this host is shutting down: the record stays as it is, to resume. */
export class ShuttingDown extends Error {}

export class Runs {
  readonly store: JobStore;
  readonly ports: JobPorts;
  readonly log: Logger;
  readonly now: () => number;
  readonly redact: (text: string) => string;
  private readonly options: JobMachineOptions;
  /** The runs of this window, by job id. */
  readonly byJob = new Map<string, Run>();
  /** Jobs another live window of the workspace runs. */
  readonly elsewhere = new Set<string>();
  private readonly listeners = new Set<(snapshot: JobSnapshot) => void>();
  private readonly settledListeners = new Set<(job: JobRecord) => void>();
  /**
   * This window's own operations on one job that take its lease for a moment (recovery, Fetch,
   * Retry, Remove) run one after another: a Retry pressed while recovery ends the job waits for it
   * rather than finding the lease taken and doing nothing.
   */
  readonly jobOps = new KeyedQueue();
  /** No new job starts: set by shutdown and dispose. */
  stopping = false;
  /** A clean shutdown is giving a generation answer its grace: dispose waits for it. */
  shuttingDown = false;
  disposed = false;
  /** The checks of every job this window polls, within the service's limits. */
  readonly pollBudget: PollBudget;
  readonly history: GenerationHistory;

  constructor(options: JobMachineOptions) {
    this.store = options.store;
    this.history = new GenerationHistory(options.store.historyDir, options.log);
    this.pollBudget = new PollBudget(options.pollLimits);
    this.ports = options.ports;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.redact = options.redact ?? ((text) => text);
    this.options = options;
  }

  /** The limit as the settings say now: read each time, since the person may change it. */
  concurrency(): number {
    return this.options.concurrency();
  }

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

  /** Tells the listeners what the job is now; `removed`, its last record, when it is gone. */
  notify(id: string, removed?: JobRecord): void {
    if (this.disposed) return;
    const snapshot = this.snapshot(id) ?? (removed ? { job: removed, here: false, elsewhere: false } : undefined);
    if (!snapshot) return;
    for (const listener of this.listeners) listener(snapshot);
  }

  /** Tells the settle listeners that a run of this job ended here. */
  notifySettled(record: JobRecord): void {
    for (const listener of this.settledListeners) listener(record);
  }

  snapshot(id: string): JobSnapshot | undefined {
    const job = this.store.get(id);
    if (!job) return undefined;
    const run = this.byJob.get(id);
    return { job, here: run !== undefined, elsewhere: this.elsewhere.has(id), live: run?.started ? { ...run.live } : undefined };
  }

  /** Queued or running, here or in another window. */
  isRunning(id: string): boolean {
    return this.byJob.has(id) || this.elsewhere.has(id);
  }

  /** Settles when the job's run in this window ends (at once when it does not run here). */
  whenSettled(id: string): Promise<JobRecord | undefined> {
    return this.byJob.get(id)?.settled ?? Promise.resolve(this.store.get(id));
  }

  /**
   * The one way a run changes its job's state: only moves the table allows, only while this
   * host holds the job's lease (the fence), saved before anything that depends on it happens.
   */
  async move(run: Run, to: JobState, patch: Partial<JobRecord> = {}): Promise<void> {
    const from = run.job.state;
    if (from !== to && !canMove(from, to)) throw new Error(`A job cannot go from ${from} to ${to}.`);
    if (from === to && !canMove(from, to)) {
      await this.saveAndNotify(run, patch);
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
      await this.saveAndNotify(run, { ...patch, state: to });
    } catch (error) {
      run.live = live;
      throw error;
    }
  }

  /** Saves a change to a running job (only while this host still holds its lease), then tells the listeners. */
  async saveAndNotify(run: Run, patch: Partial<JobRecord>): Promise<void> {
    if (this.disposed) throw new ShuttingDown();
    if (!(await this.store.leases.verify(run.job.id))) throw new LeaseLost();
    const next: JobRecord = { ...run.job, ...patch, updatedAt: this.now() };
    if ('error' in patch && !('errorSaysMoney' in patch)) delete next.errorSaysMoney; // it spoke of the error replaced
    if (next.error) next.error = this.redact(next.error);
    for (const key of Object.keys(next) as (keyof JobRecord)[]) if (next[key] === undefined) delete next[key];
    run.job = next;
    await this.store.save(next);
    this.notify(next.id);
  }
}
