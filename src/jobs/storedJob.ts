// A job as read back from storage is untrusted: a crash mid-write, an older version of the
// extension or a hand edit can leave anything there. Each entry is repaired where its meaning
// is clear and dropped where it is not, with a line for the log, so one bad entry never blanks
// the Generations view or stops a paid job from resuming.
import { SENDABLE_TYPES, type SendableType } from '../shared/imagePlan';
import { l10n } from '../shared/l10n';
import { coerceDefaults, isRecord, validateOptions } from '../shared/options';
import type { JobRecord, SentCopy } from './job';
import { JOB_STATES, type JobState } from './jobStatus';

export interface ReadJob {
  job?: JobRecord;
  /** What was wrong and what was done about it, for the log; empty when the entry was sound. */
  problems: string[];
}

/** Ids name files: letters, digits and dashes only. */
const ID = /^[A-Za-z0-9-]{1,64}$/;
const MAX_TEXT = 4000;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_TEXT) : undefined;
}

function time(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function parentOf(uri: string): string {
  const cut = uri.lastIndexOf('/');
  return cut > uri.indexOf('//') + 1 ? uri.slice(0, cut) : uri;
}

/** A plain file name, as the save journals it: no folders, nothing hidden behind dots. */
function fileName(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && !/[/\\]/.test(value) && value !== '.' && value !== '..' ? value : undefined;
}

export function readStoredJob(raw: unknown, now = Date.now()): ReadJob {
  const problems: string[] = [];
  if (!isRecord(raw)) return { problems: ['not an object: dropped'] };
  const id = typeof raw.id === 'string' && ID.test(raw.id) ? raw.id : undefined;
  if (!id) return { problems: [`no usable id (${JSON.stringify(raw.id)?.slice(0, 80)}): dropped`] };
  const imageUri = typeof raw.imageUri === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(raw.imageUri) ? raw.imageUri : undefined;
  if (!imageUri) return { problems: [`${id}: no image address: dropped`] };

  let imageName = text(raw.imageName);
  if (!imageName) {
    imageName = decodeURIComponent(imageUri.split('/').pop() || 'image');
    problems.push(`${id}: image name missing, taken from its address`);
  }
  let outputFolder = typeof raw.outputFolder === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(raw.outputFolder) ? raw.outputFolder : undefined;
  if (!outputFolder) {
    outputFolder = parentOf(imageUri);
    problems.push(`${id}: output folder missing, the image's folder used`);
  }
  const checked = validateOptions(raw.options);
  let options = checked.ok ? checked.options : undefined;
  if (!options) {
    const given = isRecord(raw.options) ? raw.options : {};
    options = coerceDefaults({ ...given, prompt: typeof given.prompt === 'string' ? given.prompt : '' });
    problems.push(`${id}: options unreadable, repaired with the defaults`);
  }
  const uuid = text(raw.uuid);
  if (raw.uuid !== undefined && !uuid) problems.push(`${id}: unreadable 1min.ai id dropped`);
  // Where a repair cannot tell whether the generation request went out, it assumes it did.
  let mayBeCharged = raw.mayBeCharged === true;

  let state: JobState;
  let note: string | undefined;
  let noteSaysMoney = false;
  if ((JOB_STATES as readonly unknown[]).includes(raw.state)) {
    state = raw.state as JobState;
  } else {
    state = uuid ? 'stopped' : 'failed';
    mayBeCharged ||= !uuid;
    note = l10n.t("This job's record was damaged; it was kept so that nothing paid for is lost.");
    problems.push(`${id}: unknown state ${JSON.stringify(raw.state)?.slice(0, 40)}, now ${state}`);
  }
  // States that need facts the record lacks.
  if ((state === 'generating' || state === 'downloading' || state === 'stopped') && !uuid) {
    problems.push(`${id}: ${state} without a 1min.ai id, now failed (it may have been charged)`);
    state = 'failed';
    mayBeCharged = true;
    note = l10n.t("This job's record lost its 1min.ai id. It may have been charged: check your 1min.ai history.");
    noteSaysMoney = true;
  }
  const videoUri = typeof raw.videoUri === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(raw.videoUri) ? raw.videoUri : undefined;
  if (state === 'done' && !videoUri) {
    state = uuid ? 'stopped' : 'failed';
    note = uuid
      ? l10n.t("This job's record lost where its video is. Fetch Video gets it again without paying again.")
      : l10n.t("This job's record lost where its video is.");
    noteSaysMoney = Boolean(uuid);
    problems.push(`${id}: done without a video, now ${state}`);
  }

  const createdAt = time(raw.createdAt) ?? time(raw.updatedAt) ?? now;
  if (createdAt !== raw.createdAt) problems.push(`${id}: creation time repaired`);
  const job: JobRecord = {
    id,
    imageUri,
    imageName,
    outputFolder,
    options,
    state,
    createdAt,
    updatedAt: time(raw.updatedAt) ?? createdAt,
  };
  const batchId = text(raw.batchId);
  if (batchId) job.batchId = batchId;
  if (uuid) job.uuid = uuid;
  if (mayBeCharged) job.mayBeCharged = true;
  const requestedAt = time(raw.requestedAt);
  if (requestedAt) job.requestedAt = requestedAt;
  const acceptedAt = time(raw.acceptedAt);
  if (acceptedAt && uuid) job.acceptedAt = acceptedAt;
  const claimedName = fileName(raw.claimedName);
  if (claimedName) job.claimedName = claimedName;
  if (claimedName && typeof raw.claimedBytes === 'number' && Number.isInteger(raw.claimedBytes) && raw.claimedBytes > 0)
    job.claimedBytes = raw.claimedBytes;
  if (videoUri && state === 'done') job.videoUri = videoUri;
  const error = note ?? text(raw.error);
  if (error) job.error = error;
  if (note ? noteSaysMoney : error && raw.errorSaysMoney === true) job.errorSaysMoney = true;
  if (raw.remedy === 'setApiKey' || raw.remedy === 'retry') job.remedy = raw.remedy;
  const copy = sentCopy(raw.sentCopy);
  if (copy) job.sentCopy = copy;
  else if (raw.sentCopy !== undefined) problems.push(`${id}: unreadable note of the image's copy dropped (the file is sent instead)`);
  return { job, problems };
}

function sentCopy(raw: unknown): SentCopy | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { mimeType, width, height, bytes } = raw as Record<string, unknown>;
  const whole = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
  if (!(SENDABLE_TYPES as readonly unknown[]).includes(mimeType) || !whole(width) || !whole(height) || !whole(bytes)) return undefined;
  return { mimeType: mimeType as SendableType, width, height, bytes };
}
