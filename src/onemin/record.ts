// Reading the service's AI record in all the shapes the contract lists: finished or pending,
// result entries as keys, URLs or {url} objects, failures as statuses, flags or error objects.

import { isRecord } from '../protocol';
import { LumaError } from './errors';

export type RecordState = 'pending' | 'success' | 'failure';

export interface VideoRecord {
  uuid: string;
  state: RecordState;
  /** The status string exactly as sent, for the log. */
  status: string;
  /** Where the video can be fetched, best first: temporaryUrl, then resultObject entries. */
  videoUrls: string[];
  /** Why it failed, in the service's words when it gave any. */
  failureReason?: string;
  /** A pending status this extension does not know, so the poller can log it once. */
  unknownStatus?: string;
  credit?: number;
}

const FAILED = new Set(['FAILURE', 'FAILED', 'ERROR', 'CANCELLED', 'CANCELED']);
const DONE = new Set(['SUCCESS', 'SUCCEEDED', 'COMPLETED', 'DONE']);

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

function errorInside(list: unknown[]): string | undefined {
  for (const entry of list) {
    const object = asRecord(entry);
    if (object && (typeof object.code === 'string' || typeof object.message === 'string') && typeof object.url !== 'string') {
      return [object.code, object.message].filter((part) => typeof part === 'string' && part).join(': ') || 'unknown error';
    }
  }
  return undefined;
}

/**
 * Reads a body from POST /api/features or GET /api/results/{uuid}. Returns undefined for
 * `{"aiRecord": null}` (the service's answer for an unknown uuid); throws LumaError('protocol')
 * for anything it cannot read and LumaError('generationFailed') for `success: false`.
 */
export function parseRecordBody(body: unknown, assetBaseUrl: string): VideoRecord | undefined {
  const top = asRecord(body);
  if (!top) throw new LumaError('protocol', '1min.ai sent an answer that is not a record. Try again; if it keeps happening, the service may have changed.', { detail: `body: ${String(body).slice(0, 200)}` });
  if (top.success === false) {
    const said = typeof top.message === 'string' ? top.message : typeof top.error === 'string' ? top.error : undefined;
    throw new LumaError('generationFailed', `1min.ai reported a failure${said ? `: ${said}` : ''}. Try again, perhaps with another prompt.`, { detail: JSON.stringify(top).slice(0, 300) });
  }
  if (!('aiRecord' in top)) throw new LumaError('protocol', '1min.ai sent an answer without a record. Try again; if it keeps happening, the service may have changed.', { detail: JSON.stringify(top).slice(0, 300) });
  if (top.aiRecord === null) return undefined;
  const record = asRecord(top.aiRecord);
  if (!record || typeof record.uuid !== 'string' || record.uuid === '') {
    throw new LumaError('protocol', '1min.ai sent a record without an id. Try again.', { detail: JSON.stringify(top).slice(0, 300) });
  }
  const status = typeof record.status === 'string' ? record.status.toUpperCase() : '';
  const detail = asRecord(record.aiRecordDetail);
  const resultObject = detail?.resultObject;
  const results = Array.isArray(resultObject) ? resultObject : resultObject === undefined || resultObject === null ? [] : [resultObject];
  const metadata = asRecord(record.metadata);
  const credit = typeof metadata?.credit === 'number' ? metadata.credit : undefined;

  if (FAILED.has(status)) {
    const reason = errorInside(results) ?? (typeof record.message === 'string' ? record.message : undefined)
      ?? (typeof detail?.message === 'string' ? detail.message : undefined) ?? (typeof results[0] === 'string' ? results[0] : undefined);
    return { uuid: record.uuid, state: 'failure', status, videoUrls: [], failureReason: reason, credit };
  }
  if (!DONE.has(status)) return { uuid: record.uuid, state: 'pending', status: status || 'PROCESSING', videoUrls: [], credit };

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
