// What a job is, as stored (one JSON file each, see jobStore.ts), and what its record says about
// money: whether a paid video waits to be fetched, whether a request may have been charged. Where
// the job is (its states and moves, whether it runs) is jobStatus.ts's.
import type { ServiceUuid } from '../onemin/record';
import type { SendableType } from '../shared/imagePlan';
import type { GenerationOptions } from '../shared/options';
import type { Remedy } from '../shared/messages';
import type { JobState } from './jobStatus';

export interface JobRecord {
  /** Ours, not 1min.ai's: names the job in the store, its lease and its temporary files. */
  id: string;
  /** Shared by the jobs one batch form started, so they are announced together. */
  batchId?: string;
  imageUri: string;
  imageName: string;
  /**
   * The form sent a copy of the image (converted or made smaller), kept in the job store's
   * `copies/` until the job is done: what is uploaded instead of the file.
   */
  sentCopy?: SentCopy;
  /** The folder the video goes into, as a URI string, decided when the job was created. */
  outputFolder: string;
  options: GenerationOptions;
  /**
   * 1min.ai's id for the generation (not the job's `id`), once accepted; from then on it is paid
   * for. Stored as `uuid`, the name every earlier version wrote.
   */
  uuid?: ServiceUuid;
  /** When the service accepted it: the polling plan and the wait estimate count from here, also after a restart. */
  acceptedAt?: number;
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
  /**
   * `error` already says what the job owes (paid for, or may have been charged), in whatever
   * language it was written: the notification does not say it again. Cleared with `error`.
   */
  errorSaysMoney?: boolean;
}

/** What a copy the form made is: the upload's type and name come from it. */
export interface SentCopy {
  mimeType: SendableType;
  width: number;
  height: number;
  bytes: number;
}

/** The name the copy is uploaded under: the image's, with the copy's extension ("cat.gif" -> "cat.png"). */
export function sentCopyName(job: Pick<JobRecord, 'imageName'>, copy: SentCopy): string {
  const extension = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' }[copy.mimeType];
  return `${job.imageName.replace(/\.[^.]*$/, '') || 'image'}.${extension}`;
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
