// The list of jobs, kept in the extension's workspace storage so that a paid generation is never
// forgotten: the moment the service accepts one, its uuid is written here, and after a reload,
// crash or restart the unfinished ones are resumed from it. No `vscode` import: it takes any
// key-value store with VS Code's Memento shape.
import type { GenerationOptions, Remedy, Stage } from '../protocol';

export type JobState =
  | 'queued' // waiting for a free slot: nothing charged yet
  | 'uploading' // nothing charged yet
  | 'requesting' // POST /api/features went out, no answer yet: may be charged
  | 'generating' // accepted (uuid known), waiting for the video
  | 'downloading'
  | 'done'
  | 'failed'
  | 'cancelled' // stopped before the service accepted it: nothing charged
  | 'stopped'; // the person stopped waiting for an accepted (paid) video: fetchable later

export interface JobRecord {
  id: string;
  /** Shared by the jobs one batch form started, so they are announced together. */
  batchId?: string;
  /** Failed after the generation request went out without an answer: it may have been charged. */
  mayBeCharged?: boolean;
  imageUri: string;
  imageName: string;
  /** The folder the video goes into, as a URI string. */
  outputFolder: string;
  options: GenerationOptions;
  /** 1min.ai's id for the generation, once accepted; from then on it is paid for. */
  uuid?: string;
  state: JobState;
  createdAt: number;
  updatedAt: number;
  /** The saved video, as a URI string. */
  videoUri?: string;
  /** What went wrong, as shown to the person, and the remedy the form offers. */
  error?: string;
  remedy?: Remedy;
}

/** The stage the form shows for each state. */
export const STAGE_OF: Record<JobState, Stage> = {
  queued: 'queued',
  uploading: 'uploading',
  requesting: 'generating',
  generating: 'generating',
  downloading: 'downloading',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  stopped: 'cancelled',
};

export interface Memento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const KEY = 'lumaVideo.jobs';
/** Finished jobs beyond this many are dropped, oldest first; unfinished ones never are. */
const MAX_FINISHED = 200;

/** Jobs that are queued or running (as far as the record says). */
export function isActive(job: JobRecord): boolean {
  return job.state === 'queued' || job.state === 'uploading' || job.state === 'requesting' || job.state === 'generating' || job.state === 'downloading';
}

/** Jobs the extension resumes by itself: accepted and not yet saved. */
export function isResumable(job: JobRecord): boolean {
  return job.uuid !== undefined && (job.state === 'generating' || job.state === 'downloading');
}

/** Jobs whose video the service has (or may have) made and that can be fetched without paying again. */
export function isFetchable(job: JobRecord): boolean {
  return job.uuid !== undefined && job.state !== 'done';
}

export class JobStore {
  /** The list as it is now; the memento catches up in the background, in order. */
  private jobs: JobRecord[] | undefined;
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly memento: Memento) {}

  /** Newest first. */
  all(): JobRecord[] {
    return [...this.loaded()].sort((a, b) => b.createdAt - a.createdAt);
  }

  get(id: string): JobRecord | undefined {
    return this.loaded().find((job) => job.id === id);
  }

  /** The list, read from the memento the first time. */
  private loaded(): JobRecord[] {
    if (!this.jobs) {
      const saved = this.memento.get<JobRecord[]>(KEY);
      this.jobs = Array.isArray(saved) ? saved.map((job) => ({ ...job })) : [];
    }
    return this.jobs;
  }

  /**
   * Inserts or replaces a job. The list changes at once (so whoever reads it next sees the job as
   * it is); the returned promise settles when it is written. Writes are queued, so two jobs
   * saving at once both land.
   */
  save(job: JobRecord): Promise<void> {
    return this.mutate((jobs) => [{ ...job, updatedAt: Date.now() }, ...jobs.filter((other) => other.id !== job.id)]);
  }

  remove(id: string): Promise<void> {
    return this.mutate((jobs) => jobs.filter((job) => job.id !== id));
  }

  private mutate(change: (jobs: JobRecord[]) => JobRecord[]): Promise<void> {
    const next = change(this.all());
    // A failed job with a uuid may still hold a paid video: it is never dropped.
    const finished = next.filter((job) => job.state === 'done' || job.state === 'cancelled' || (job.state === 'failed' && !job.uuid));
    const drop = new Set(finished.slice(MAX_FINISHED).map((job) => job.id));
    this.jobs = next.filter((job) => !drop.has(job.id));
    const snapshot = this.jobs.map((job) => ({ ...job }));
    const write = this.writes.then(() => this.memento.update(KEY, snapshot));
    // One failed write must not block the ones after it.
    this.writes = write.catch(() => undefined);
    return write;
  }
}
