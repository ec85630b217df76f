// What every request to the API host shares: the instance that carries the key (and never follows
// a redirect with it), a wall-clock deadline per attempt, the retry schedule, and reading the
// answer with the key taken out of it before anything parses, shows or logs it.
import { l10n } from '../shared/l10n';
import axios, { AxiosInstance, AxiosResponse } from 'axios';
import { Logger } from '../util/log';
import { redactDeep, redactSecrets } from '../util/redact';
import { backoffDelay, BackoffPolicy, Deadline, formatDuration, retryAfterMs, sleep } from '../util/timing';
import { cancelled, LumaError } from '../util/lumaError';
import { doing, httpError, redirectError, toLumaError } from './errors';

export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Give up once this much time has gone by since the first attempt. */
  maxTotalMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, initialMs: 1000, factor: 2, maxMs: 30_000, maxTotalMs: 120_000 };

/** What the requests of one client share, whatever host they go to. */
export interface ClientContext {
  /** Never in anything the client returns, throws or logs. */
  secrets: string[];
  /** Already redacting the secrets. */
  log: Logger;
  retry: RetryPolicy;
  random: () => number;
}

/** One request to the API host, with what its retries and limits need to know. */
export interface ApiCall {
  /** Names the step in messages: "uploading the image". */
  during: string;
  deadlineMs: number;
  signal?: AbortSignal;
  /**
   * POST /api/features: a cancel stops the waiting between attempts and any attempt not sent yet,
   * but never cuts off a request that went out, whose answer carries the uuid of a video that may
   * be paid for. Only the deadline ends it.
   */
  keepSentRequest?: boolean;
  retryable?: (failure: LumaError) => boolean;
  send: (signal: AbortSignal) => Promise<AxiosResponse>;
}

/** Delay before the next attempt, or undefined when the attempts or the time budget are spent. */
export function nextDelay(context: ClientContext, attempt: number, started: number, retryAfter?: number): number | undefined {
  if (attempt + 1 >= context.retry.attempts) return undefined;
  // The service's Retry-After wins over our own schedule, as long as it fits the time budget.
  const delay = Math.max(backoffDelay(context.retry, attempt, context.random), retryAfter ?? 0);
  return Date.now() - started + delay > context.retry.maxTotalMs ? undefined : delay;
}

export class ApiHost {
  /** Carries the key: only ever to `apiBaseUrl`. */
  readonly http: AxiosInstance;

  constructor(
    private readonly context: ClientContext,
    private readonly apiBaseUrl: string,
    apiKey: string,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(apiBaseUrl);
    } catch {
      throw new LumaError(
        'input',
        l10n.t('The "lumaVideo.apiBaseUrl" setting is not an address: "{0}". Set it to ' + 'https://api.1min.ai.', apiBaseUrl),
      );
    }
    // The key must not cross a network in clear text: plain http only to this machine (a local simulator or proxy).
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopback(parsed.hostname))) {
      throw new LumaError(
        'input',
        l10n.t(
          'The "lumaVideo.apiBaseUrl" setting must be an https address (plain http only for this ' + 'machine), not "{0}".',
          apiBaseUrl,
        ),
      );
    }
    // No axios `timeout`: it only measures socket inactivity; every request has a Deadline instead.
    this.http = axios.create({
      baseURL: apiBaseUrl.replace(/\/+$/, ''),
      headers: { 'API-KEY': apiKey },
      // Redirects could carry the key to another host; a 3xx is reported, never followed.
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      // maxBodyLength stays at axios's default (-1, no limit): any other value, Infinity included,
      // runs every upload through one more stream that only counts bytes.
      maxContentLength: 50 * 1024 * 1024,
    });
  }

  /** Runs one API request with retries on connection errors, 429 and 5xx; returns the parsed body. */
  async call(call: ApiCall): Promise<unknown> {
    const started = Date.now();
    const retryable = call.retryable ?? isTransient;
    for (let attempt = 0; ; attempt++) {
      let failure: LumaError;
      let retryAfter: number | undefined;
      try {
        const response = await this.attempt(call);
        if (!isRetryableStatus(response.status)) return this.readBody(response, call.during);
        failure = httpError(response.status, this.parsedBody(response), call.during);
        retryAfter = retryAfterMs(response.headers['retry-after']);
      } catch (error) {
        failure = toLumaError(error, call.during, this.context.secrets);
      }
      const delay = retryable(failure) ? nextDelay(this.context, attempt, started, retryAfter) : undefined;
      if (delay === undefined) throw failure;
      this.context.log.warn(
        `${capitalize(call.during)} failed (${failure.detail ?? failure.message}); retry ${attempt + 1} in ${delay} ms.`,
      );
      await sleep(delay, call.signal);
    }
  }

  /** One attempt within its deadline; turns transport failures into LumaError (cancel included). */
  private async attempt(call: ApiCall): Promise<AxiosResponse> {
    if (call.signal?.aborted) throw cancelled();
    const deadline = new Deadline({ totalMs: call.deadlineMs, cancel: call.keepSentRequest ? undefined : call.signal });
    try {
      return await call.send(deadline.signal);
    } catch (error) {
      if (deadline.expired) {
        throw new LumaError(
          'network',
          l10n.t(
            '1min.ai did not answer in full within {0} while {1}. Check your connection and try again.',
            formatDuration(call.deadlineMs),
            doing(call.during),
          ),
          { code: 'ETIMEDOUT', detail: `deadline of ${call.deadlineMs} ms passed while ${call.during}` },
        );
      }
      throw toLumaError(error, call.during, this.context.secrets);
    } finally {
      deadline.dispose();
    }
  }

  /** Reads a non-retryable answer: the parsed body on 2xx, a LumaError otherwise. */
  private readBody(response: AxiosResponse, during: string): unknown {
    if (response.status >= 300 && response.status < 400)
      throw redirectError(response.status, response.headers.location, this.apiBaseUrl, during);
    if (response.status < 200 || response.status >= 300) throw httpError(response.status, this.parsedBody(response), during);
    const text = this.bodyText(response);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new LumaError(
        'protocol',
        l10n.t(
          '1min.ai sent an unreadable answer while {0} (not valid JSON). Try again; if it keeps ' +
            'happening, the service may be having trouble.',
          doing(during),
        ),
        { detail: `body starts: ${text.slice(0, 120)}` },
      );
    }
    return redactDeep(body, this.context.secrets);
  }

  /**
   * The answer's text (the API instance reads every body as text) without the key: a body, error
   * or success, may echo the request, headers included, and what we parse may be shown or logged.
   */
  private bodyText(response: AxiosResponse): string {
    return redactSecrets(typeof response.data === 'string' ? response.data : '', this.context.secrets);
  }

  /**
   * The body parsed when it is JSON, else its text, redacted both before and after parsing: JSON
   * escapes (`\/`, `\u002f`) can hide the key from the first pass and show it after the parse.
   */
  private parsedBody(response: AxiosResponse): unknown {
    const text = this.bodyText(response);
    try {
      return redactDeep(JSON.parse(text) as unknown, this.context.secrets);
    } catch {
      return text;
    }
  }
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Worth another try for idempotent calls: connection failures, 429 and 5xx. */
function isTransient(failure: LumaError): boolean {
  return failure.kind === 'network' || failure.kind === 'rateLimited' || failure.kind === 'server';
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
