// What failures look like on the wire: the API's JSON errors, S3's XML errors on storage, and the
// short text pages gateways in front of both answer with.

import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { Fault } from './faults';

const GATEWAY_STATUSES = new Set([502, 504, 520, 522, 524]);

export function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** A body that is not JSON (gateway pages, S3 XML). */
export class Raw {
  constructor(
    readonly contentType: string,
    readonly text: string,
  ) {}
}

export function s3Error(code: string, message: string, extra: Record<string, string> = {}): Raw {
  const fields = Object.entries(extra)
    .map(([k, v]) => `<${k}>${v}</${k}>`)
    .join('');
  const requestId = crypto.randomBytes(8).toString('hex').toUpperCase();
  const hostId = crypto.randomBytes(24).toString('base64');
  return new Raw(
    'application/xml',
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${code}</Code><Message>${message}</Message>${fields}` +
      `<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`,
  );
}

export function gatewayPage(status: number): Raw {
  // What Cloudflare-style fronts answer: a short text page, not the API's JSON.
  return new Raw('text/plain; charset=UTF-8', `error code: ${status}`);
}

/** The API's body for a status fault that names no body of its own. */
export function apiStatusBody(status: number, creditsMessage: string): unknown {
  if (GATEWAY_STATUSES.has(status)) return gatewayPage(status);
  switch (status) {
    case 400:
      return { errorCode: 'BAD_REQUEST', message: 'Bad request' };
    case 401:
      return { errorCode: 'HTTP_EXCEPTION', message: 'API Key has been deleted' };
    case 403:
      return { errorCode: 'FORBIDDEN', message: 'Forbidden resource' };
    case 404:
      return { errorCode: 'NOT_FOUND', message: 'Not found' };
    case 406:
      return { errorCode: 'INSUFFICIENT_CREDITS', message: creditsMessage };
    case 413:
      return { errorCode: 'FILE_TOO_LARGE', message: 'File too large' };
    case 429:
      return { errorCode: 'RATE_LIMIT', message: 'Too many requests' };
  }
  if (status >= 500) return { errorCode: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' };
  return { errorCode: 'HTTP_EXCEPTION', message: http.STATUS_CODES[status] ?? `HTTP ${status}` };
}

/** Storage's body for a status fault that names no body of its own. */
export function storageStatusBody(status: number, key: string): unknown {
  if (GATEWAY_STATUSES.has(status)) return gatewayPage(status);
  switch (status) {
    case 403:
      return s3Error('AccessDenied', 'Access Denied');
    case 404:
      return s3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });
    case 500:
      return s3Error('InternalError', 'We encountered an internal error. Please try again.');
    case 503:
      return s3Error('SlowDown', 'Please reduce your request rate.');
  }
  return s3Error(http.STATUS_CODES[status]?.replace(/\s/g, '') ?? 'Error', http.STATUS_CODES[status] ?? `HTTP ${status}`);
}

export function creditsMessage(cost: number, balance: number): string {
  return `The feature requires ${cost} credits, but the team only has ${balance} credits`;
}

/** A status fault's body: a string as it is (with its content type), else JSON, else `fallback`. */
export function faultBody(fault: Extract<Fault, { kind: 'status' }>, fallback: unknown): unknown {
  if (fault.body === undefined) return fallback;
  return typeof fault.body === 'string' ? new Raw(fault.contentType ?? 'text/plain; charset=utf-8', fault.body) : fault.body;
}

export function retryAfterHeader(fault: { retryAfter?: number }): http.OutgoingHttpHeaders {
  return fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
}
