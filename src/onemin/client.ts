// The 1min.ai client: upload, ask for a video, read a result, download. Every call to the API
// host carries the key; the download goes through a separate instance that never has it. Every
// request has a wall-clock deadline, every download a size cap, and nothing the client returns,
// throws or logs holds the key.

import axios, { AxiosError, AxiosInstance, AxiosResponse } from 'axios';
import { createWriteStream, promises as fs } from 'node:fs';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import type { GenerationOptions } from '../shared/options';
import { Logger, silentLogger } from '../util/log';
import { redactDeep, redactingLogger, redactSecrets } from '../util/redact';
import { backoffDelay, BackoffPolicy, Deadline, formatDuration, retryAfterMs, sleep } from '../util/timing';
import { cancelled, LumaError } from '../util/lumaError';
import { diskError, isDiskError } from '../util/diskErrors';
import { httpError, redirectError } from './errors';
import { parseRecordBody, ServiceUuid, VideoRecord } from './record';

export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Give up once this much time has gone by since the first attempt. */
  maxTotalMs: number;
}

/** Wall-clock limits, per attempt of each request. */
export interface Deadlines {
  uploadMs: number;
  featuresMs: number;
  resultMs: number;
  downloadMs: number;
  /** A download that receives nothing (headers or body) for this long is cut and retried. */
  downloadStallMs: number;
}

export const DEFAULT_DEADLINES: Deadlines = {
  // An image is at most 10 MB: 160 s over a 0.5 Mbit/s uplink, plus the service's answer.
  uploadMs: 3 * 60_000,
  // With "async": true the answer is immediate; an older deployment that ignores it blocks until
  // the video is made, often 1 to 4 minutes, so 6 minutes is the longest seen with half again.
  featuresMs: 6 * 60_000,
  // A poll's answer is a few hundred bytes; anything slower than this is a broken connection,
  // and the poll is retried.
  resultMs: 30_000,
  // MAX_VIDEO_BYTES at 4 Mbit/s takes about 18 minutes; a real video of a few MB takes seconds.
  downloadMs: 20 * 60_000,
  // Storage hosts never pause this long mid-transfer; mobile links can drop for a few seconds.
  downloadStallMs: 60_000,
};

/**
 * The largest video accepted, decoded. A Luma video is at most 10 s at up to 4K; even at
 * 400 Mbit/s (eight times a high-quality 4K stream) that is 500 MB. Anything larger is not a video
 * from this service, and the benchmark's 200 MB test video fits with room to spare.
 */
export const MAX_VIDEO_BYTES = 512 * 1024 * 1024;

export interface ClientOptions {
  apiBaseUrl: string;
  assetBaseUrl: string;
  apiKey: string;
  log?: Logger;
  /** For upload, polling and download; never applied to POST /api/features. */
  retry?: Partial<RetryPolicy>;
  /** Defaults: DEFAULT_DEADLINES. */
  deadlines?: Partial<Deadlines>;
  /** Default: MAX_VIDEO_BYTES. */
  maxVideoBytes?: number;
  random?: () => number;
}

export interface DownloadProgress {
  /** Bytes as sent (before any content decoding). */
  received: number;
  /** 0 when the server did not say. */
  total: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 6, initialMs: 1000, factor: 2, maxMs: 30_000, maxTotalMs: 120_000 };

/** The body of POST /api/features for one image-to-video generation. */
export function featureRequestBody(imagePath: string, options: GenerationOptions): Record<string, unknown> {
  const promptObject: Record<string, unknown> = {
    imageUrl: imagePath,
    prompt: options.prompt,
    length: options.length,
    enhancePrompt: options.enhancePrompt,
    // The newer version of the service wants these two; the older one ignores them.
    duration: `${options.length}s`,
    modelName: options.modelName,
    loop: options.loop,
  };
  if (options.aspectRatio) promptObject.aspectRatio = options.aspectRatio;
  if (options.resolution) promptObject.resolution = options.resolution;
  return { type: 'IMAGE_TO_VIDEO', model: 'luma', conversationId: 'IMAGE_TO_VIDEO', promptObject, async: true };
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_BAD_RESPONSE',
  'ERR_NETWORK',
]);

/** One request to the API host, with what its retries and limits need to know. */
interface ApiCall {
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

export class OneMinClient {
  private readonly api: AxiosInstance;
  private readonly storage: AxiosInstance;
  private readonly log: Logger;
  private readonly retry: RetryPolicy;
  private readonly deadlines: Deadlines;
  private readonly maxVideoBytes: number;
  private readonly random: () => number;
  private readonly secrets: string[];

  constructor(private readonly options: ClientOptions) {
    this.secrets = [options.apiKey];
    this.log = redactingLogger(options.log ?? silentLogger, this.secrets);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.deadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };
    this.maxVideoBytes = options.maxVideoBytes ?? MAX_VIDEO_BYTES;
    this.random = options.random ?? Math.random;
    let apiBaseUrl: URL;
    try {
      apiBaseUrl = new URL(options.apiBaseUrl);
    } catch {
      throw new LumaError(
        'input',
        `The "lumaVideo.apiBaseUrl" setting is not an address: "${options.apiBaseUrl}". Set it to https://api.1min.ai.`,
      );
    }
    // The key must not cross a network in clear text: plain http only to this machine (a local simulator or proxy).
    if (apiBaseUrl.protocol !== 'https:' && !(apiBaseUrl.protocol === 'http:' && isLoopback(apiBaseUrl.hostname))) {
      throw new LumaError(
        'input',
        `The "lumaVideo.apiBaseUrl" setting must be an https address (plain http only for this machine), not "${options.apiBaseUrl}".`,
      );
    }
    // No axios `timeout`: it only measures socket inactivity; every request has a Deadline instead.
    this.api = axios.create({
      baseURL: options.apiBaseUrl.replace(/\/+$/, ''),
      headers: { 'API-KEY': options.apiKey },
      // Redirects could carry the key to another host; a 3xx is reported, never followed.
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      // maxBodyLength stays at axios's default (-1, no limit): any other value, Infinity included,
      // runs every upload through one more stream that only counts bytes.
      maxContentLength: 50 * 1024 * 1024,
    });
    // No key, no defaults shared with the API instance: the download host never sees it.
    // maxContentLength stays -1: any limit there wraps the stream in one more; the cap is ours.
    this.storage = axios.create({ validateStatus: () => true, maxRedirects: 5 });
  }

  /** POST /api/assets with the image as field `asset`; returns the key to send on. */
  uploadImage(bytes: Uint8Array, fileName: string, mimeType: string, signal?: AbortSignal): Promise<string> {
    return this.guarded('uploading the image', async () => {
      const multipart = multipartBody('asset', fileName, mimeType, bytes);
      const body = await this.callApi({
        during: 'uploading the image',
        deadlineMs: this.deadlines.uploadMs,
        signal,
        send: (limit) =>
          this.api.post('/api/assets', multipart.stream(), {
            signal: limit,
            headers: { 'Content-Type': multipart.contentType, 'Content-Length': String(multipart.length) },
          }),
      });
      const reply = typeof body === 'object' && body !== null ? (body as Record<string, any>) : {};
      const path = [reply.fileContent?.path, reply.asset?.key].find((value) => typeof value === 'string' && value.trim() !== '');
      if (typeof path !== 'string') {
        throw new LumaError('protocol', '1min.ai accepted the upload but did not say where the image is. Try again.', {
          detail: JSON.stringify(body).slice(0, 300),
        });
      }
      return path;
    });
  }

  /**
   * POST /api/features. Repeated only when the service certainly did nothing: a 429 refusal or a
   * connection that was never opened. Any other failure after it went out, its deadline included,
   * may still have been charged, so it is not repeated. Returns the record, pending or finished.
   */
  requestVideo(imagePath: string, options: GenerationOptions, signal?: AbortSignal): Promise<VideoRecord> {
    return this.guarded('asking for the video', async () => {
      const body = await this.callApi({
        during: 'asking for the video',
        deadlineMs: this.deadlines.featuresMs,
        signal,
        keepSentRequest: true,
        retryable: neverReachedService,
        send: (limit) => this.api.post('/api/features', featureRequestBody(imagePath, options), { signal: limit }),
      });
      const record = parseRecordBody(body, this.options.assetBaseUrl);
      if (!record)
        throw new LumaError(
          'protocol',
          '1min.ai accepted the request but returned no record. Check your 1min.ai history before trying again: the video may have been made.',
          { detail: 'aiRecord: null after POST /api/features' },
        );
      return record;
    });
  }

  /** GET /api/results/{uuid}; undefined when the service does not know the uuid. */
  getResult(uuid: ServiceUuid, signal?: AbortSignal): Promise<VideoRecord | undefined> {
    return this.guarded('checking on the video', async () => {
      const body = await this.callApi({
        during: 'checking on the video',
        deadlineMs: this.deadlines.resultMs,
        signal,
        send: (limit) => this.api.get(`/api/results/${encodeURIComponent(uuid)}`, { signal: limit }),
      });
      return parseRecordBody(body, this.options.assetBaseUrl);
    });
  }

  /**
   * Streams the video at `url` into `filePath`, a temporary file of ours. Retries connection
   * errors, stalls, 429, 5xx and 404 (the file can lag SUCCESS); an expired presigned address
   * throws LumaError('expired') at once so the caller can ask the service for a fresh one. A body
   * longer than announced or than maxVideoBytes is refused. On any failure the file is removed.
   */
  download(url: string, filePath: string, onProgress?: (progress: DownloadProgress) => void, signal?: AbortSignal): Promise<number> {
    return this.guarded('downloading the video', async () => {
      const parsed = URL.canParse(url) ? new URL(url) : undefined;
      if (parsed?.protocol !== 'https:' && parsed?.protocol !== 'http:') {
        throw new LumaError(
          'protocol',
          `1min.ai gave a video address that is not an http(s) address${parsed ? ` (${parsed.protocol})` : ''}; it was not fetched.`,
        );
      }
      const started = Date.now();
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.downloadOnce(url, filePath, onProgress, signal);
        } catch (error) {
          await fs.rm(filePath, { force: true });
          const failure = this.toLumaError(error, 'downloading the video');
          const retryable =
            failure.kind === 'network' || failure.kind === 'notFound' || failure.kind === 'server' || failure.kind === 'rateLimited';
          const delay = retryable ? this.nextDelay(attempt, started, (error as { retryAfter?: number }).retryAfter) : undefined;
          if (delay === undefined) throw failure;
          this.log.warn(`Download attempt ${attempt + 1} failed (${failure.detail ?? failure.message}); retrying in ${delay} ms.`);
          await sleep(delay, signal);
        }
      }
    });
  }

  private async downloadOnce(
    url: string,
    filePath: string,
    onProgress: ((progress: DownloadProgress) => void) | undefined,
    signal?: AbortSignal,
  ): Promise<number> {
    const deadline = new Deadline({ totalMs: this.deadlines.downloadMs, stallMs: this.deadlines.downloadStallMs, cancel: signal });
    try {
      // Our own decoding (decompress: false), so the bytes as sent can be held to Content-Length.
      const response = await this.storage.get(url, {
        responseType: 'stream',
        signal: deadline.signal,
        decompress: false,
        headers: { 'Accept-Encoding': 'identity' },
      });
      return await this.writeBody(response, filePath, onProgress, deadline);
    } catch (error) {
      if (deadline.expired === 'stalled') {
        throw new LumaError(
          'network',
          `The download stalled: nothing arrived for ${formatDuration(this.deadlines.downloadStallMs)}. Check your connection and try again.`,
          { code: 'ETIMEDOUT', detail: `no data for ${this.deadlines.downloadStallMs} ms` },
        );
      }
      if (deadline.expired === 'deadline') {
        throw new LumaError(
          'network',
          `The download did not finish within ${formatDuration(this.deadlines.downloadMs)}. Check your connection and try again.`,
          { code: 'ETIMEDOUT', detail: `download deadline of ${this.deadlines.downloadMs} ms passed` },
        );
      }
      if (signal?.aborted) throw cancelled();
      throw error;
    } finally {
      deadline.dispose();
    }
  }

  /** Writes a storage answer to `filePath`, holding it to its Content-Length and to the size cap. */
  private async writeBody(
    response: AxiosResponse,
    filePath: string,
    onProgress: ((progress: DownloadProgress) => void) | undefined,
    deadline: Deadline,
  ): Promise<number> {
    const stream = response.data as IncomingMessage;
    if (response.status !== 200) {
      stream.destroy();
      if (response.status === 403) {
        throw new LumaError('expired', "The video's download address has expired.", {
          status: 403,
          detail: `HTTP 403 from the storage host`,
        });
      }
      if (response.status === 404) {
        throw new LumaError('notFound', 'The finished video is not available for download yet, or no longer. Try again in a few minutes.', {
          status: 404,
          detail: 'HTTP 404 from the storage host',
        });
      }
      const failure = httpError(response.status, undefined, 'downloading the video');
      throw Object.assign(failure, { retryAfter: retryAfterMs(response.headers['retry-after']) });
    }
    const cap = this.maxVideoBytes;
    const announced = contentLength(response.headers['content-length']);
    if (announced !== undefined && announced > cap) {
      stream.destroy();
      throw videoTooLarge(cap, `announced ${announced} bytes`);
    }
    let decoder: Transform | undefined;
    try {
      decoder = decoderFor(response.headers['content-encoding']);
    } catch (error) {
      stream.destroy();
      throw error;
    }
    let received = 0;
    let decoded = 0;
    let lastReport = 0;
    let stopped: LumaError | undefined;
    const stop = (failure: LumaError) => {
      stopped ??= failure;
      stream.destroy(failure);
    };
    const overLength = () =>
      new LumaError(
        'protocol',
        `The storage host sent more than the ${announced} bytes it announced, so the download cannot be trusted; nothing was saved. Try again later.`,
        { detail: `more than Content-Length ${announced}` },
      );
    // Counted on the side rather than through a transform: one stream hop less per chunk.
    stream.on('data', (chunk: Buffer) => {
      received += chunk.length;
      const now = Date.now();
      deadline.progress(now);
      if (announced !== undefined && received > announced) return stop(overLength());
      if (!decoder && received > cap) return stop(videoTooLarge(cap, `more than ${cap} bytes arrived`));
      // A progress message per chunk would flood the UI; four a second is plenty.
      if (onProgress && now - lastReport >= 250) {
        lastReport = now;
        onProgress({ received, total: announced ?? 0 });
      }
    });
    // A small compressed body can inflate to gigabytes: the cap holds for the decoded bytes too.
    decoder?.on('data', (chunk: Buffer) => {
      decoded += chunk.length;
      if (decoded > cap) stop(videoTooLarge(cap, `more than ${cap} bytes after decoding`));
    });
    // Node's HTTP parser ends a body at its Content-Length; bytes sent past it show up as a parse
    // error on the request instead.
    const request = response.request as ClientRequest | undefined;
    const onRequestError = (error: NodeJS.ErrnoException) => {
      if (error?.code?.startsWith('HPE_')) stop(overLength());
    };
    request?.on?.('error', onRequestError);
    try {
      // Large writes: the default 16 KB buffer would mean thousands of small writes for one video.
      const file = createWriteStream(filePath, { highWaterMark: 1024 * 1024 });
      await (decoder ? pipeline(stream, decoder, file) : pipeline(stream, file));
    } catch (error) {
      if (stopped) throw stopped;
      if (deadline.signal.aborted) throw cancelled();
      if (isDiskError(error)) throw diskError(error, filePath);
      if (decoder && /^Z_/.test((error as NodeJS.ErrnoException).code ?? '')) {
        throw new LumaError(
          'protocol',
          'The video arrived compressed in a form that could not be read; nothing was saved. Try again later.',
          { detail: `${response.headers['content-encoding']}: ${(error as Error).message}` },
        );
      }
      throw new LumaError('network', 'The download was cut off before the whole video arrived. Try again.', {
        detail: `after ${received} of ${announced ?? '?'} bytes: ${(error as Error).message}`,
      });
    } finally {
      request?.off?.('error', onRequestError);
    }
    if (stopped) throw stopped;
    if (announced !== undefined && received < announced) {
      throw new LumaError('network', 'The download was cut off before the whole video arrived. Try again.', {
        detail: `received ${received} of ${announced} bytes`,
      });
    }
    const bytes = decoder ? decoded : received;
    if (bytes === 0)
      throw new LumaError('notFound', 'The storage host sent an empty file instead of the video. Try again in a few minutes.', {
        detail: 'empty body',
      });
    onProgress?.({ received, total: announced ?? received });
    return bytes;
  }

  /** Runs one API request with retries on connection errors, 429 and 5xx; returns the parsed body. */
  private async callApi(call: ApiCall): Promise<unknown> {
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
        failure = this.toLumaError(error, call.during);
      }
      const delay = retryable(failure) ? this.nextDelay(attempt, started, retryAfter) : undefined;
      if (delay === undefined) throw failure;
      this.log.warn(`${capitalize(call.during)} failed (${failure.detail ?? failure.message}); retry ${attempt + 1} in ${delay} ms.`);
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
          `1min.ai did not answer in full within ${formatDuration(call.deadlineMs)} while ${call.during}. Check your connection and try again.`,
          { code: 'ETIMEDOUT', detail: `deadline of ${call.deadlineMs} ms passed while ${call.during}` },
        );
      }
      throw this.toLumaError(error, call.during);
    } finally {
      deadline.dispose();
    }
  }

  /** Delay before the next attempt, or undefined when the attempts or the time budget are spent. */
  private nextDelay(attempt: number, started: number, retryAfter?: number): number | undefined {
    if (attempt + 1 >= this.retry.attempts) return undefined;
    // The service's Retry-After wins over our own schedule, as long as it fits the time budget.
    const delay = Math.max(backoffDelay(this.retry, attempt, this.random), retryAfter ?? 0);
    return Date.now() - started + delay > this.retry.maxTotalMs ? undefined : delay;
  }

  /** Reads a non-retryable answer: the parsed body on 2xx, a LumaError otherwise. */
  private readBody(response: AxiosResponse, during: string): unknown {
    if (response.status >= 300 && response.status < 400)
      throw redirectError(response.status, response.headers.location, this.options.apiBaseUrl, during);
    if (response.status < 200 || response.status >= 300) throw httpError(response.status, this.parsedBody(response), during);
    const text = this.bodyText(response);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new LumaError(
        'protocol',
        `1min.ai sent an unreadable answer while ${during} (not valid JSON). Try again; if it keeps happening, the service may be having trouble.`,
        { detail: `body starts: ${text.slice(0, 120)}` },
      );
    }
    return redactDeep(body, this.secrets);
  }

  /**
   * The answer's text (the API instance reads every body as text) without the key: a body, error
   * or success, may echo the request, headers included, and what we parse may be shown or logged.
   */
  private bodyText(response: AxiosResponse): string {
    return redactSecrets(typeof response.data === 'string' ? response.data : '', this.secrets);
  }

  /**
   * The body parsed when it is JSON, else its text, redacted both before and after parsing: JSON
   * escapes (`\/`, `\u002f`) can hide the key from the first pass and show it after the parse.
   */
  private parsedBody(response: AxiosResponse): unknown {
    const text = this.bodyText(response);
    try {
      return redactDeep(JSON.parse(text) as unknown, this.secrets);
    } catch {
      return text;
    }
  }

  private toLumaError(error: unknown, during: string): LumaError {
    if (error instanceof LumaError) return error;
    if (axios.isCancel(error) || (error as { code?: string })?.code === 'ERR_CANCELED') return cancelled();
    const axiosError = error as AxiosError;
    const code = axiosError?.code ?? '';
    const message = redactSecrets(String(axiosError?.message ?? error), this.secrets);
    if (NETWORK_CODES.has(code) || /socket hang up|aborted|ECONNRESET|timeout/i.test(message)) {
      return new LumaError('network', `Could not reach 1min.ai while ${during}. Check your connection and try again.`, {
        detail: `${code || 'network'}: ${message}`,
        code,
      });
    }
    return new LumaError('network', `Something went wrong while ${during}. Try again.`, { detail: message });
  }

  /**
   * Runs a public method so that whatever it throws is a LumaError whose text holds no key: the
   * last line of defence behind redacting every body and message where it is read.
   */
  private async guarded<T>(during: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const failure = this.toLumaError(error, during);
      const message = redactSecrets(failure.message, this.secrets);
      const detail = failure.detail === undefined ? undefined : redactSecrets(failure.detail, this.secrets);
      if (message === failure.message && detail === failure.detail) throw failure;
      throw new LumaError(failure.kind, message, { remedy: failure.remedy, status: failure.status, detail, code: failure.code });
    }
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * One multipart/form-data body with a single file field. The image is streamed as it is, between
 * a header and a trailer, rather than copied into one more buffer: for a 10 MB image that copy
 * (and the garbage it leaves) costs more than the rest of the request. `stream()` gives a fresh
 * stream for each attempt.
 */
function multipartBody(
  field: string,
  fileName: string,
  mimeType: string,
  bytes: Uint8Array,
): { stream(): Readable; length: number; contentType: string } {
  const boundary = `----LumaImageToVideo${randomBytes(12).toString('hex')}`;
  // Quotes and line breaks in a file name would break the header; the service only keeps it for display.
  const safeName = fileName.replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${safeName}"\r\nContent-Type: ${mimeType}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  return {
    stream: () => Readable.from([head, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), tail], { objectMode: false }),
    length: head.length + bytes.byteLength + tail.length,
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** Worth another try for idempotent calls: connection failures, 429 and 5xx. */
function isTransient(failure: LumaError): boolean {
  return failure.kind === 'network' || failure.kind === 'rateLimited' || failure.kind === 'server';
}

/** Failures after which the service certainly made nothing, so even a paid call may be repeated. */
function neverReachedService(failure: LumaError): boolean {
  return failure.kind === 'rateLimited' || failure.code === 'ECONNREFUSED';
}

/** Content-Length as a number of bytes, or undefined when absent or not a whole number. */
function contentLength(header: unknown): number | undefined {
  if (typeof header !== 'string' || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

/** A decoder for the answer's Content-Encoding; none for identity; an error for one we cannot read. */
function decoderFor(header: unknown): Transform | undefined {
  const encoding = typeof header === 'string' ? header.trim().toLowerCase() : '';
  if (encoding === '' || encoding === 'identity') return undefined;
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.createGunzip();
  if (encoding === 'deflate') return zlib.createInflate();
  if (encoding === 'br') return zlib.createBrotliDecompress();
  throw new LumaError(
    'protocol',
    `The storage host sent the video in an encoding that cannot be read ("${encoding}"); nothing was saved. Try again later.`,
    { detail: `Content-Encoding: ${encoding}` },
  );
}

function videoTooLarge(cap: number, detail: string): LumaError {
  const size = `${Math.round(cap / (1024 * 1024))} MB`;
  return new LumaError(
    'tooLarge',
    `The video is larger than ${size}, which no Luma video is, so the storage host is sending something else; nothing was saved. Try again later.`,
    { detail },
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
