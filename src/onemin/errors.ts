// The one error type the client and the job runner throw: a plain message for the person, a
// remedy the UI can offer, and details for the log only.
import type { Remedy } from '../protocol';
import { redactSecrets } from '../util/redact';

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

  constructor(kind: ErrorKind, message: string, options: { remedy?: Remedy; status?: number; detail?: string; code?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'LumaError';
    this.kind = kind;
    this.remedy = options.remedy;
    this.status = options.status;
    this.detail = options.detail;
    this.code = options.code;
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
  return new LumaError('cancelled', 'Cancelled.');
}

/** Removes the key, in any form text can hold it, from text that may echo a request. */
export function redact(text: string, secret: string | undefined): string {
  return redactSecrets(text, [secret]);
}

/** The service's own words from an error body, if it sent any, trimmed for a message. */
function serviceMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const text = body.trim();
    return text && text.length <= 300 && !text.startsWith('<') ? text : undefined;
  }
  if (typeof body === 'object' && body !== null) {
    const record = body as Record<string, unknown>;
    for (const key of ['message', 'error', 'detail']) {
      const value = record[key];
      if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 300);
      if (typeof value === 'object' && value !== null) {
        const nested = serviceMessage(value);
        if (nested) return nested;
      }
    }
  }
  return undefined;
}

/**
 * Turns an HTTP status and body from the API into what the person reads. `during` names the step
 * ("uploading the image") so the message says where it happened.
 */
export function httpError(status: number, body: unknown, during: string): LumaError {
  const said = serviceMessage(body);
  const detail = `HTTP ${status} while ${during}${said ? `: ${said}` : ''}`;
  if (status === 401 || status === 403) {
    return new LumaError('auth', `1min.ai did not accept your API key${said ? ` ("${said}")` : ''}. Set a valid key with "Luma: Set API Key" and try again.`, { remedy: 'setApiKey', status, detail });
  }
  if (status === 406) {
    const numbers = said?.match(/requires\s+(\d+)\s+credits.*?only has\s+(-?\d+)/i);
    const message = numbers
      ? `Not enough 1min.ai credits: this video needs ${Number(numbers[1]).toLocaleString('en-US')} and your team has ${Number(numbers[2]).toLocaleString('en-US')}. Add credits at 1min.ai, or choose 5 s, then try again.`
      : `Not enough 1min.ai credits${said ? ` ("${said}")` : ''}. Add credits at 1min.ai and try again.`;
    return new LumaError('credits', message, { status, detail });
  }
  if (status === 413) {
    return new LumaError('tooLarge', `1min.ai refused the image as too large${said ? ` ("${said}")` : ''}. Use an image under 10 MB.`, { status, detail });
  }
  if (status === 429) {
    return new LumaError('rateLimited', '1min.ai is rate-limiting requests right now. Wait a minute and try again.', { status, detail, remedy: 'retry' });
  }
  if (status >= 500) {
    const gateway = [502, 503, 504, 520, 522, 524].includes(status);
    return new LumaError('server', gateway
      ? `1min.ai's gateway did not answer in time (HTTP ${status}) while ${during}. Try again in a few minutes.`
      : `1min.ai had an internal error (HTTP ${status}) while ${during}. Try again in a few minutes.`, { status, detail, remedy: 'retry' });
  }
  if (status === 404) {
    return new LumaError('notFound', `1min.ai answered "not found" (HTTP 404) while ${during}. Check the "lumaVideo.apiBaseUrl" setting.`, { status, detail });
  }
  return new LumaError('badRequest', `1min.ai refused the request while ${during}${said ? `: ${said}` : ` (HTTP ${status})`}. Check the prompt and options and try again.`, { status, detail });
}

/**
 * A 3xx from the API host. Redirects are not followed there, since the key would travel with
 * them; this names where the answer pointed (the host only) and the setting that is likely wrong.
 */
export function redirectError(status: number, location: unknown, apiBaseUrl: string, during: string): LumaError {
  let target: string | undefined;
  try {
    target = typeof location === 'string' && location.trim() !== '' ? new URL(location.trim(), apiBaseUrl).host : undefined;
  } catch {
    target = undefined;
  }
  const where = target ? ` to ${target}` : ' without saying where to';
  return new LumaError(
    'redirect',
    `The 1min.ai address redirected the request (HTTP ${status})${where} while ${during}. Redirects are not followed, so your API key was not sent there. Check the "lumaVideo.apiBaseUrl" setting: it should be the API's own address, https://api.1min.ai.`,
    { status, detail: `HTTP ${status} while ${during}; Location host: ${target ?? 'none'}` },
  );
}

export function isDiskError(error: unknown): boolean {
  return ['ENOSPC', 'EACCES', 'EPERM', 'EROFS', 'EDQUOT', 'EISDIR', 'ENOTDIR'].includes((error as NodeJS.ErrnoException)?.code ?? '');
}

export function diskError(error: unknown, filePath: string): LumaError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full' : code === 'EROFS' ? 'the folder is read-only' : 'permission was denied';
  return new LumaError('disk', `Could not write the video (${why}). Free some space or choose another folder with "lumaVideo.outputFolder", then try again.`, { detail: `${code} writing ${filePath}`, cause: error });
}
