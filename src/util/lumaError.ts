// The one error type every layer throws: a plain message for the person, a remedy the UI can
// offer, and details for the log only.
import { l10n } from '../shared/l10n';
import type { Remedy } from '../shared/messages';

export type ErrorKind =
  | 'auth' // 401: the key is wrong or deleted
  | 'credits' // 406: not enough credits
  | 'badRequest' // 400: the service refused what we sent
  | 'tooLarge' // 413 or our own size check
  | 'rateLimited' // 429 after retries
  | 'server' // 5xx and gateway errors after retries
  | 'network' // no answer: refused, reset, DNS, timeout
  | 'redirect' // a 3xx from the API host, which is never followed
  | 'protocol' // an answer we cannot read (malformed JSON, missing fields)
  | 'generationFailed' // the service reports FAILURE or an error inside the result
  | 'notFound' // the video is not where the service said
  | 'expired' // a presigned download address that has expired
  | 'cancelled'
  | 'input' // bad input caught before anything was sent
  | 'disk'; // writing the video failed

export class LumaError extends Error {
  readonly kind: ErrorKind;
  readonly remedy?: Remedy;
  readonly status?: number;
  /** For the log: what the service said, never the key. */
  readonly detail?: string;
  /** The system error code of a connection failure (ECONNREFUSED…), when there was one. */
  readonly code?: string;
  /**
   * The message already says what the job owes: paid for (and how to fetch it) or may have been
   * charged. A message built on it (the notification) adds nothing of its own then.
   */
  readonly saysMoney?: boolean;

  constructor(
    kind: ErrorKind,
    message: string,
    options: { remedy?: Remedy; status?: number; detail?: string; code?: string; saysMoney?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'LumaError';
    this.kind = kind;
    this.remedy = options.remedy;
    this.status = options.status;
    this.detail = options.detail;
    this.code = options.code;
    if (options.saysMoney) this.saysMoney = true;
  }
}

/**
 * After the generation request went out, these failures (no answer or none in time, a gateway
 * error, an unreadable answer, a redirect) leave open whether the service made, and charged for,
 * the video. A redirect counts: whatever answered at the API's address received the request, and
 * a front of the service may redirect after handing the job on (303 See Other is how some APIs
 * answer a POST that created something); asking before paying again costs less than paying twice.
 */
export function leavesChargeOpen(error: LumaError): boolean {
  return error.kind === 'network' || error.kind === 'server' || error.kind === 'protocol' || error.kind === 'redirect';
}

export function isCancel(error: unknown): boolean {
  return error instanceof LumaError && error.kind === 'cancelled';
}

export function cancelled(): LumaError {
  return new LumaError('cancelled', l10n.t('Cancelled.'));
}
