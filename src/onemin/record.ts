// Reading the service's AI record in all the shapes the contract lists: finished or pending,
// result entries as keys, URLs or {url} objects, failures as statuses, flags or error objects.

import { l10n } from '../shared/l10n';
import { isRecord } from '../shared/options';
import { LumaError } from '../util/lumaError';

/**
 * 1min.ai's id of one generation (the `uuid` of its AI record). Only the service's: a job's own
 * `id` is another thing, and the two must never be swapped.
 */
export type ServiceUuid = string;

/** Where the service says a generation is, read from its many status words. */
export type ServiceRecordState = 'pending' | 'success' | 'failure';

export interface VideoRecord {
  uuid: ServiceUuid;
  state: ServiceRecordState;
  /** The status string exactly as sent, for the log. */
  status: string;
  /** Where the video can be fetched, best first: temporaryUrl, then resultObject entries. */
  videoUrls: string[];
  /** Why it failed, in the service's words when it gave any. */
  failureReason?: string;
  credit?: number;
  /**
   * A status this extension does not know, as sent, when it carried no error: the record is read
   * as pending, and the poller logs the status once.
   */
  unknownStatus?: string;
}

const FAILED = new Set([
  'FAILURE',
  'FAILED',
  'ERROR',
  'ERRORED',
  'CANCELLED',
  'CANCELED',
  'ABORTED',
  'REJECTED',
  'TIMEOUT',
  'TIMED_OUT',
  'EXPIRED',
]);
const DONE = new Set(['SUCCESS', 'SUCCEEDED', 'SUCCESSFUL', 'COMPLETED', 'COMPLETE', 'DONE', 'FINISHED']);
/** Still on its way, in the words of 1min.ai, Luma's own API ("dreaming") and common job queues. */
const PENDING = new Set([
  'PROCESSING',
  'PENDING',
  'QUEUED',
  'QUEUEING',
  'QUEUING',
  'IN_QUEUE',
  'IN_PROGRESS',
  'INPROGRESS',
  'RUNNING',
  'STARTED',
  'STARTING',
  'CREATED',
  'SUBMITTED',
  'ACCEPTED',
  'SCHEDULED',
  'WAITING',
  'NEW',
  'INITIALIZING',
  'PREPARING',
  'GENERATING',
  'DREAMING',
]);

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

/** Resolves a result entry (key, URL or {url}) to an absolute http(s) URL, or undefined. */
function resolveVideoUrl(entry: unknown, assetBaseUrl: string): string | undefined {
  const raw = typeof entry === 'string' ? entry : asRecord(entry)?.url;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  try {
    const base = assetBaseUrl.endsWith('/') ? assetBaseUrl : `${assetBaseUrl}/`;
    const url = new URL(raw.trim().replace(/^\/+/, ''), base);
    // Only plain web addresses: a record must not make us read file: or other schemes.
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** "CODE: message" from an error object ({code, message} without a url), or undefined. */
function errorObjectText(value: unknown): string | undefined {
  const object = asRecord(value);
  if (!object || typeof object.url === 'string' || (typeof object.code !== 'string' && typeof object.message !== 'string'))
    return undefined;
  return [object.code, object.message].filter((part) => typeof part === 'string' && part).join(': ') || 'unknown error';
}

function errorInside(list: unknown[]): string | undefined {
  for (const entry of list) {
    const text = errorObjectText(entry);
    if (text) return text;
  }
  return undefined;
}

function nonEmptyText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * What a record says went wrong, wherever it says it: an error object or text on the record or
 * its detail (`error`, `errorMessage`, `message`), or an error object among the results.
 */
function errorCarried(
  record: Record<string, unknown>,
  detail: Record<string, unknown> | undefined,
  results: unknown[],
): string | undefined {
  for (const holder of [record, detail]) {
    if (!holder) continue;
    const said =
      errorObjectText(holder.error) ?? nonEmptyText(holder.error) ?? nonEmptyText(holder.errorMessage) ?? nonEmptyText(holder.message);
    if (said) return said;
  }
  return errorInside(results);
}

/** Upper case with spaces and hyphens as underscores: "in progress" and "In-Progress" read alike. */
function normalStatus(status: unknown): string {
  if (typeof status === 'number') return String(status);
  return typeof status === 'string'
    ? status
        .trim()
        .toUpperCase()
        .replace(/[\s-]+/g, '_')
    : '';
}

/**
 * Reads a body from POST /api/features or GET /api/results/{uuid}. Returns undefined for
 * `{"aiRecord": null}` (the service's answer for an unknown uuid); throws LumaError('protocol')
 * for anything it cannot read and LumaError('generationFailed') for `success: false`.
 */
export function parseRecordBody(body: unknown, assetBaseUrl: string): VideoRecord | undefined {
  const top = asRecord(body);
  if (!top)
    throw new LumaError(
      'protocol',
      l10n.t('1min.ai sent an answer that is not a record. Try again; if it keeps happening, the ' + 'service may have changed.'),
      { detail: `body: ${String(body).slice(0, 200)}` },
    );
  if (top.success === false) {
    const said = typeof top.message === 'string' ? top.message : typeof top.error === 'string' ? top.error : undefined;
    throw new LumaError(
      'generationFailed',
      said
        ? l10n.t('1min.ai reported a failure: {0}. Try again, perhaps with another prompt.', said)
        : l10n.t('1min.ai reported a failure. Try again, perhaps with another prompt.'),
      { detail: JSON.stringify(top).slice(0, 300) },
    );
  }
  if (!('aiRecord' in top))
    throw new LumaError(
      'protocol',
      l10n.t('1min.ai sent an answer without a record. Try again; if it keeps happening, the service ' + 'may have changed.'),
      { detail: JSON.stringify(top).slice(0, 300) },
    );
  if (top.aiRecord === null) return undefined;
  const record = asRecord(top.aiRecord);
  if (!record || typeof record.uuid !== 'string' || record.uuid === '') {
    throw new LumaError('protocol', l10n.t('1min.ai sent a record without an id. Try again.'), {
      detail: JSON.stringify(top).slice(0, 300),
    });
  }
  const status = normalStatus(record.status);
  const detail = asRecord(record.aiRecordDetail);
  const resultObject = detail?.resultObject;
  const results = Array.isArray(resultObject) ? resultObject : resultObject === undefined || resultObject === null ? [] : [resultObject];
  const metadata = asRecord(record.metadata);
  const credit = typeof metadata?.credit === 'number' ? metadata.credit : undefined;

  if (FAILED.has(status)) {
    const reason = errorInside(results) ?? nonEmptyText(record.message) ?? nonEmptyText(detail?.message) ?? nonEmptyText(results[0]);
    return { uuid: record.uuid, state: 'failure', status, videoUrls: [], failureReason: reason, credit };
  }
  if (status === '' || PENDING.has(status))
    return { uuid: record.uuid, state: 'pending', status: status || 'PROCESSING', videoUrls: [], credit };
  if (!DONE.has(status)) {
    // A status we do not know: an error with it ends the job now, in the service's words;
    // without one it may be a new step on the way (moderation, upscaling), so keep waiting.
    const said = errorCarried(record, detail, results);
    if (said) return { uuid: record.uuid, state: 'failure', status, videoUrls: [], failureReason: said, credit };
    return { uuid: record.uuid, state: 'pending', status, videoUrls: [], credit, unknownStatus: String(record.status) };
  }

  const failure = errorInside(results);
  if (failure) return { uuid: record.uuid, state: 'failure', status, videoUrls: [], failureReason: failure, credit };
  const urls: string[] = [];
  const temporary = resolveVideoUrl(record.temporaryUrl, assetBaseUrl);
  if (temporary) urls.push(temporary);
  for (const entry of results) {
    const url = resolveVideoUrl(entry, assetBaseUrl);
    if (url && !urls.includes(url)) urls.push(url);
  }
  return { uuid: record.uuid, state: 'success', status, videoUrls: urls, credit };
}
