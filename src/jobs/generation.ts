// The steps of one generation: upload, ask, wait, download and place. No `vscode` here: the
// image bytes, the client, the output and the clock come in as arguments. The job machine
// (its JobRunner, jobRun.ts) runs these steps with a saved state change between each; `runGeneration` and
// `resumeGeneration` chain them without a machine, for the client's own tests and tools.

import { l10n } from '../shared/l10n';
import type { OneMinClient } from '../onemin/client';
import { cancelled, isCancel, leavesChargeOpen, LumaError } from '../util/lumaError';
import type { ServiceUuid, VideoRecord } from '../onemin/record';
import type { GenerationOptions } from '../shared/options';
import type { VideoOutput } from '../files/localOutput';
import { Logger } from '../util/log';
import { backoffDelay, BackoffPolicy, sleep } from '../util/timing';
import type { JobState } from './jobStatus';
import { nextCheckDelay, type PollSchedule } from './pollSchedule';

export interface ImageInput {
  bytes: Uint8Array;
  fileName: string;
  mimeType: string;
}

/** What one step of a generation reports as it goes: the job's state it is in, and its progress. */
export interface JobUpdate {
  stage: Extract<JobState, 'uploading' | 'generating' | 'downloading' | 'done'>;
  stageStartedAt: number;
  /** Known from the moment the service accepted the generation (and so charged for it). */
  uuid?: ServiceUuid;
  progress?: { received: number; total: number };
  videoName?: string;
}

export interface PollPolicy extends BackoffPolicy {
  /** Stop waiting after this long; the video may still come, under its uuid. */
  maxWaitMs: number;
}

/** Starts at 3 s, grows by half each time, at most 15 s: under 20 requests a minute. */
export const DEFAULT_POLL: PollPolicy = { initialMs: 3000, factor: 1.5, maxMs: 15_000, maxWaitMs: 30 * 60_000 };

export type GenerationClient = Pick<OneMinClient, 'uploadImage' | 'requestVideo' | 'getResult' | 'download'>;

export interface GenerationRun {
  client: GenerationClient;
  output: VideoOutput;
  log: Logger;
  poll?: PollPolicy;
  /** Where and how often to check (pollSchedule.ts); without it, the back-off of `poll`. */
  schedule?: PollSchedule;
  /** Cuts the upload, the polling and the download; never a generation request already sent. */
  signal?: AbortSignal;
  onUpdate?: (update: JobUpdate) => void;
  /** Awaited just before POST /api/features goes out: from here on it may be charged. */
  onRequesting?: () => Promise<void> | void;
  /** Awaited once the service accepted the generation (it is paid for), before waiting for it. */
  onAccepted?: (uuid: ServiceUuid) => Promise<void> | void;
  /** Awaited with the file name the save claims and the video's size, before the video goes there. */
  onClaimed?: (name: string, bytes: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** The wait between checks; the benchmark runs the polling on simulated time with its own. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface GenerationResult {
  uuid: ServiceUuid;
  videoName: string;
  bytes: number;
}

/** How many times an expired download address is refreshed through GET /api/results. */
const ADDRESS_REFRESHES = 2;

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}

/** POST /api/assets; returns the key the generation request refers to. */
export async function uploadImage(image: ImageInput, run: GenerationRun): Promise<string> {
  run.log.info(`Uploading ${image.fileName} (${image.bytes.byteLength} bytes, ${image.mimeType}).`);
  const imagePath = await run.client.uploadImage(image.bytes, image.fileName, image.mimeType, run.signal);
  run.log.info(`Uploaded as ${imagePath}.`);
  return imagePath;
}

/**
 * POST /api/features, sent once. `betweenAttempts` may stop the client between its attempts (it
 * only repeats after a refusal); a request that went out is never cut off, since its answer
 * carries the uuid of a video that may be paid for. A failure that leaves the charge open says so.
 */
export async function requestGeneration(
  imagePath: string,
  options: GenerationOptions,
  run: Pick<GenerationRun, 'client' | 'log'>,
  betweenAttempts?: AbortSignal,
): Promise<VideoRecord> {
  run.log.info(`Requesting a ${options.length} s video (${options.modelName}, enhance ${options.enhancePrompt ? 'on' : 'off'}).`);
  try {
    const record = await run.client.requestVideo(imagePath, options, betweenAttempts);
    run.log.info(`Generation accepted: ${record.uuid} (${record.status}).`);
    return record;
  } catch (error) {
    throw mayHaveBeenCharged(error);
  }
}

/** Polls a pending record until it succeeds; a failure, or waiting past the limit, throws. */
export async function waitForVideo(first: VideoRecord, run: GenerationRun, since: number): Promise<VideoRecord> {
  const now = run.now ?? Date.now;
  const poll = run.poll ?? DEFAULT_POLL;
  const unknownSeen = new Set<string>();
  const { schedule } = run;
  const bounds = { minMs: poll.initialMs, maxMs: poll.maxMs };
  let record = first;
  let pendingSeenAt = record.state === 'pending' ? now() : undefined;
  for (let attempt = 0; record.state === 'pending'; attempt++) {
    if (record.unknownStatus && !unknownSeen.has(record.unknownStatus)) {
      unknownSeen.add(record.unknownStatus);
      run.log.warn(`${record.uuid} reports the status "${record.unknownStatus}", which this extension does not know; it goes on waiting.`);
    }
    if (now() - since > poll.maxWaitMs) {
      throw new LumaError(
        'server',
        l10n.t(
          'The video is still not ready after {0} minutes. It is paid for and may still arrive: its ' + 'id is {1}.',
          Math.round(poll.maxWaitMs / 60_000),
          record.uuid,
        ),
        { detail: `gave up polling ${record.uuid}`, remedy: 'retry', saysMoney: true },
      );
    }
    const fallback = backoffDelay(poll, attempt, run.random);
    const delay = schedule ? nextCheckDelay(schedule, bounds, fallback, now()) : fallback;
    run.log.debug(`${record.uuid} is ${record.status}; next check in ${delay} ms.`);
    await (run.sleep ?? sleep)(delay, run.signal);
    const next = await run.client.getResult(record.uuid, run.signal);
    if (!next) throw unknownJob(record.uuid);
    const seenAt = now();
    // Done soon after a check saw it pending: how long it took is known well enough to plan by.
    if (next.state === 'success' && schedule && pendingSeenAt !== undefined && seenAt - pendingSeenAt <= bounds.maxMs + 5000)
      schedule.onGenerated?.(Math.round((pendingSeenAt + seenAt) / 2 - schedule.acceptedAt));
    if (next.state === 'pending') pendingSeenAt = seenAt;
    record = next;
  }
  if (record.state === 'failure') {
    throw new LumaError(
      'generationFailed',
      record.failureReason
        ? l10n.t('Luma could not make this video: {0}. Try another prompt or image.', record.failureReason)
        : l10n.t('Luma could not make this video. Try another prompt or image.'),
      { detail: `${record.uuid} ${record.status} ${record.failureReason ?? ''}` },
    );
  }
  run.log.info(`${record.uuid} is ${record.status} after ${Math.round((now() - since) / 1000)} s.`);
  return record;
}

/** GET /api/results/{uuid} for a job the service already accepted. */
export async function currentRecord(uuid: ServiceUuid, run: GenerationRun): Promise<VideoRecord> {
  const record = await run.client.getResult(uuid, run.signal);
  if (!record) throw unknownJob(uuid);
  return record;
}

/**
 * Downloads the finished video into a temporary file of the output and places it under a free
 * name; an expired download address is renewed through GET /api/results. Nothing half-written
 * is left on failure.
 */
export async function saveVideo(finished: VideoRecord, run: GenerationRun): Promise<GenerationResult> {
  const now = run.now ?? Date.now;
  const { client, output, log, signal } = run;
  let record = finished;
  const downloadingSince = now();
  run.onUpdate?.({ stage: 'downloading', uuid: record.uuid, stageStartedAt: downloadingSince, progress: { received: 0, total: 0 } });
  const tempPath = await output.tempPath();
  try {
    let bytes = 0;
    for (let refresh = 0; ; refresh++) {
      if (record.videoUrls.length === 0) {
        throw new LumaError(
          'protocol',
          l10n.t(
            'Luma reports the video as done but 1min.ai gave no address to fetch it from (id {0}). Try ' + 'again later.',
            record.uuid,
          ),
          { detail: `${record.uuid}: SUCCESS without temporaryUrl or resultObject`, remedy: 'retry' },
        );
      }
      try {
        bytes = await downloadFirstAvailable(record, tempPath, run, downloadingSince);
        break;
      } catch (error) {
        if (!(error instanceof LumaError) || error.kind !== 'expired' || refresh >= ADDRESS_REFRESHES) throw error;
        log.info(`The download address of ${record.uuid} has expired; asking 1min.ai for a fresh one.`);
        const fresh = await client.getResult(record.uuid, signal);
        if (!fresh) throw unknownJob(record.uuid);
        record = fresh;
      }
    }
    throwIfCancelled(signal);
    const journal = run.onClaimed;
    const videoName = await output.commit(tempPath, journal && ((name) => journal(name, bytes)));
    log.info(`Saved the video as ${videoName} (${bytes} bytes).`);
    run.onUpdate?.({ stage: 'done', uuid: record.uuid, stageStartedAt: now(), videoName });
    return { uuid: record.uuid, videoName, bytes };
  } catch (error) {
    await output.discard(tempPath);
    throw error;
  }
}

/** The whole flow for one image, without a job machine: prepare, upload, ask, wait, save. */
export async function runGeneration(image: ImageInput, options: GenerationOptions, run: GenerationRun): Promise<GenerationResult> {
  const now = run.now ?? Date.now;
  // Check the output folder before anything is sent or paid.
  await run.output.prepare();
  throwIfCancelled(run.signal);
  run.onUpdate?.({ stage: 'uploading', stageStartedAt: now() });
  const imagePath = await uploadImage(image, run);
  throwIfCancelled(run.signal);
  const generatingSince = now();
  run.onUpdate?.({ stage: 'generating', stageStartedAt: generatingSince });
  await run.onRequesting?.();
  throwIfCancelled(run.signal);
  const record = await requestGeneration(imagePath, options, run, run.signal);
  await run.onAccepted?.(record.uuid);
  throwIfCancelled(run.signal);
  run.onUpdate?.({ stage: 'generating', uuid: record.uuid, stageStartedAt: generatingSince });
  return saveVideo(await waitForVideo(record, run, generatingSince), run);
}

/**
 * Continues a generation the service already accepted: waits for it and downloads it. Used after
 * a reload and for jobs whose download failed, so nothing is asked (or paid) twice.
 */
export async function resumeGeneration(uuid: ServiceUuid, run: GenerationRun): Promise<GenerationResult> {
  const since = (run.now ?? Date.now)();
  await run.output.prepare();
  run.onUpdate?.({ stage: 'generating', uuid, stageStartedAt: since });
  return saveVideo(await waitForVideo(await currentRecord(uuid, run), run, since), run);
}

/**
 * Tries each address the record gives, best first; a 404 or an expired link on one moves on to
 * the next. If every address failed and one had expired, that is what the caller hears, so it
 * asks the service for fresh ones.
 */
async function downloadFirstAvailable(record: VideoRecord, tempPath: string, run: GenerationRun, since: number): Promise<number> {
  const failures: LumaError[] = [];
  for (const url of record.videoUrls) {
    try {
      run.log.info(`Downloading ${record.uuid} from ${new URL(url).host}.`);
      return await run.client.download(
        url,
        tempPath,
        (progress) => run.onUpdate?.({ stage: 'downloading', uuid: record.uuid, stageStartedAt: since, progress }),
        run.signal,
      );
    } catch (error) {
      if (isCancel(error) || !(error instanceof LumaError) || (error.kind !== 'notFound' && error.kind !== 'expired')) throw error;
      failures.push(error);
    }
  }
  throw failures.find((failure) => failure.kind === 'expired') ?? failures[failures.length - 1];
}

function unknownJob(uuid: ServiceUuid): LumaError {
  return new LumaError(
    'protocol',
    l10n.t(
      '1min.ai no longer knows the generation {0} (it answered with an empty record). Check your ' +
        '1min.ai history; the video may still be there.',
      uuid,
    ),
    { detail: `aiRecord null for ${uuid}` },
  );
}

/** The words every "it may have been charged" message ends with. */
const CHECK_HISTORY = () =>
  l10n.t('The request may still have reached 1min.ai and be charged: check your 1min.ai history ' + 'before trying again.');

/**
 * After POST /api/features went out, a connection error, gateway error or unreadable answer does
 * not mean nothing happened: the service may be making (and charging for) the video. Say so.
 */
function mayHaveBeenCharged(error: unknown): unknown {
  if (!(error instanceof LumaError) || error.saysMoney) return error; // it says so already
  if (leavesChargeOpen(error)) {
    const options = { detail: error.detail, status: error.status, saysMoney: true, cause: error };
    return new LumaError(error.kind, `${error.message} ${CHECK_HISTORY()}`, options);
  }
  return error;
}
