// What a job is, the states it goes through and the only moves allowed between them. The job
// machine (machine.ts) refuses any other move, so no code path can put a record into a state
// nobody reviewed; the randomized fault runs check the same table.
import type { GenerationOptions } from '../shared/options';
import type { Remedy } from '../shared/messages';

export type JobState =
  | 'queued' // waiting for a free slot: nothing sent, nothing charged
  | 'uploading' // checking the image and the folder, uploading: nothing charged
  | 'requesting' // saved just before POST /api/features goes out: from here it may be charged
  | 'generating' // accepted (uuid known, paid), waiting for the video
  | 'downloading' // paid, the video is coming down and being placed
  | 'done'
  | 'failed'
  | 'cancelled' // stopped before anything was charged
  | 'stopped'; // the person stopped waiting for a paid video: fetchable later

export const JOB_STATES: readonly JobState[] = [
  'queued',
  'uploading',
  'requesting',
  'generating',
  'downloading',
  'done',
  'failed',
  'cancelled',
  'stopped',
];

/**
 * Every allowed move. A job moves back to 'queued' only by Retry of one never accepted, and to
 * 'generating' from a stopped, failed or interrupted paid job by Fetch (or resume after a crash).
 */
export const TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  queued: ['uploading', 'cancelled'],
  uploading: ['requesting', 'failed', 'cancelled'],
  // cancelled: the request never went out, or the service refused it (both certainly free).
  requesting: ['generating', 'failed', 'cancelled'],
  generating: ['generating', 'downloading', 'done', 'failed', 'stopped'],
  downloading: ['generating', 'done', 'failed', 'stopped'],
  done: [],
  failed: ['queued', 'generating'],
  cancelled: ['queued'],
  stopped: ['generating'],
};

export function canMove(from: JobState, to: JobState): boolean {
  return TRANSITIONS[from].includes(to);
}

export interface JobRecord {
  /** Ours: names the job in the store, its lease and its temporary files. */
  id: string;
  /** Shared by the jobs one batch form started, so they are announced together. */
  batchId?: string;
  imageUri: string;
  imageName: string;
  /** The folder the video goes into, as a URI string, decided when the job was created. */
  outputFolder: string;
  options: GenerationOptions;
  /** 1min.ai's id for the generation, once accepted; from then on it is paid for. */
  uuid?: string;
  /** The generation request went out and no answer said whether it was taken: it may be charged. */
  mayBeCharged?: boolean;
  state: JobState;
  createdAt: number;
  /** When the generation request last went out (saved just before): this job reached the service. */
  requestedAt?: number;
  updatedAt: number;
  /** The file name the save has claimed in the output folder (its journal while placing the video). */
  claimedName?: string;
  /** The size of the video placed under claimedName: only that file is this job's. */
  claimedBytes?: number;
  /** The saved video, as a URI string. */
  videoUri?: string;
  /** What went wrong or what happened, as shown to the person, and the remedy the form offers. */
  error?: string;
  remedy?: Remedy;
}

/** Queued or running, as far as the record says (it may be running in another window). */
export function isActive(job: JobRecord): boolean {
  return (
    job.state === 'queued' ||
    job.state === 'uploading' ||
    job.state === 'requesting' ||
    job.state === 'generating' ||
    job.state === 'downloading'
  );
}

/** Paid and not saved yet: the video can be fetched without paying again. */
export function isFetchable(job: JobRecord): boolean {
  return job.uuid !== undefined && job.state !== 'done';
}

/** Interrupted while its paid video was on its way: the extension resumes it by itself. */
export function isResumable(job: JobRecord): boolean {
  return job.uuid !== undefined && (job.state === 'generating' || job.state === 'downloading');
}

/** Its last generation request may have cost credits without giving a video: a new one asks first. */
export function chargeIsOpen(job: JobRecord): boolean {
  return job.mayBeCharged === true && job.uuid === undefined;
}
