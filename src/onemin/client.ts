// The 1min.ai client: upload, ask for a video, read a result, download. Every call to the API
// host carries the key; the download goes through a separate instance that never has it.

import axios, { AxiosError, AxiosInstance, AxiosResponse } from 'axios';
import { createWriteStream, promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { GenerationOptions } from '../protocol';
import { Logger, silentLogger } from '../util/log';
import { backoffDelay, BackoffPolicy, retryAfterMs, sleep } from '../util/timing';
import { cancelled, diskError, httpError, isDiskError, LumaError, redact } from './errors';
import { parseRecordBody, VideoRecord } from './record';

export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Give up once this much time has gone by since the first attempt. */
  maxTotalMs: number;
}

export interface ClientOptions {
  apiBaseUrl: string;
  assetBaseUrl: string;
  apiKey: string;
  log?: Logger;
  /** For upload, polling and download; never applied to POST /api/features. */
  retry?: Partial<RetryPolicy>;
  /** Per request; a blocking (non-async) generation may take minutes, so this is generous. */
  requestTimeoutMs?: number;
  random?: () => number;
}

export interface DownloadProgress {
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

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_BAD_RESPONSE', 'ERR_NETWORK']);

export class OneMinClient {
  private readonly api: AxiosInstance;
  private readonly storage: AxiosInstance;
  private readonly log: Logger;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;

  constructor(private readonly options: ClientOptions) {
    this.log = options.log ?? silentLogger;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.random = options.random ?? Math.random;
    let apiBaseUrl: URL;
    try {
      apiBaseUrl = new URL(options.apiBaseUrl);
    } catch {
      throw new LumaError('input', `The "lumaVideo.apiBaseUrl" setting is not an address: "${options.apiBaseUrl}". Set it to https://api.1min.ai.`);
    }
    // The key must not cross a network in clear text: plain http only to this machine (a local simulator or proxy).
    if (apiBaseUrl.protocol !== 'https:' && !(apiBaseUrl.protocol === 'http:' && isLoopback(apiBaseUrl.hostname))) {
      throw new LumaError('input', `The "lumaVideo.apiBaseUrl" setting must be an https address (plain http only for this machine), not "${options.apiBaseUrl}".`);
    }
    this.api = axios.create({
      baseURL: options.apiBaseUrl.replace(/\/+$/, ''),
      headers: { 'API-KEY': options.apiKey },
      timeout: options.requestTimeoutMs ?? 300_000,
      // Redirects could carry the key to another host; the API has no reason to redirect.
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      // maxBodyLength stays at axios's default (-1, no limit): any other value, Infinity included,
      // runs every upload through one more stream that only counts bytes.
      maxContentLength: 50 * 1024 * 1024,
    });
    // No key, no defaults shared with the API instance: the download host never sees it.
    this.storage = axios.create({ timeout: options.requestTimeoutMs ?? 300_000, validateStatus: () => true, maxRedirects: 5 });
  }

  /** POST /api/assets with the image as field `asset`; returns the key to send on. */
  async uploadImage(bytes: Uint8Array, fileName: string, mimeType: string, signal?: AbortSignal): Promise<string> {
    const multipart = multipartBody('asset', fileName, mimeType, bytes);
    const body = await this.withRetry('uploading the image', signal, () =>
      this.api.post('/api/assets', multipart.stream(), { signal, headers: { 'Content-Type': multipart.contentType, 'Content-Length': String(multipart.length) } }),
    );
    const reply = typeof body === 'object' && body !== null ? (body as Record<string, any>) : {};
    const path = [reply.fileContent?.path, reply.asset?.key].find((value) => typeof value === 'string' && value.trim() !== '');
    if (typeof path !== 'string') {
      throw new LumaError('protocol', '1min.ai accepted the upload but did not say where the image is. Try again.', { detail: JSON.stringify(body).slice(0, 300) });
    }
    return path;
  }

  /**
   * POST /api/features. Repeated only when the service certainly did nothing: a 429 refusal or a
   * connection that was never opened. Any other failure after it went out may still have been
   * charged, so it is not repeated. Returns the record, pending or finished.
   */
  async requestVideo(imagePath: string, options: GenerationOptions, signal?: AbortSignal): Promise<VideoRecord> {
    // The signal stops the waiting between attempts and any attempt not sent yet, but never cuts
    // off a request that went out: its answer carries the uuid of a video that may be paid for.
    const body = await this.withRetry('asking for the video', signal, () => this.api.post('/api/features', featureRequestBody(imagePath, options)), neverReachedService);
    const record = parseRecordBody(body, this.options.assetBaseUrl);
    if (!record) throw new LumaError('protocol', '1min.ai accepted the request but returned no record. Check your 1min.ai history before trying again: the video may have been made.', { detail: 'aiRecord: null after POST /api/features' });
    return record;
  }

  /** GET /api/results/{uuid}; undefined when the service does not know the uuid. */
  async getResult(uuid: string, signal?: AbortSignal): Promise<VideoRecord | undefined> {
    const body = await this.withRetry('checking on the video', signal, () => this.api.get(`/api/results/${encodeURIComponent(uuid)}`, { signal }));
    return parseRecordBody(body, this.options.assetBaseUrl);
  }

  /**
   * Streams the video at `url` into `filePath`, a temporary file of ours. Retries connection
   * errors, 429, 5xx and 404 (the file can lag SUCCESS); an expired presigned address throws
   * LumaError('expired') at once so the caller can ask the service for a fresh one. On any
   * failure the partial file is removed.
   */
  async download(url: string, filePath: string, onProgress?: (progress: DownloadProgress) => void, signal?: AbortSignal): Promise<number> {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new LumaError('protocol', `1min.ai gave a video address that is not http(s) (${parsed.protocol}); it was not fetched.`);
    }
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.downloadOnce(url, filePath, onProgress, signal);
      } catch (error) {
        await fs.rm(filePath, { force: true });
        const failure = this.toLumaError(error, 'downloading the video');
        const retryable = failure.kind === 'network' || failure.kind === 'notFound' || failure.kind === 'server' || failure.kind === 'rateLimited';
        const delay = retryable ? this.nextDelay(attempt, started, (error as { retryAfter?: number }).retryAfter) : undefined;
        if (delay === undefined) throw failure;
        this.log.warn(`Download attempt ${attempt + 1} failed (${failure.detail ?? failure.message}); retrying in ${delay} ms.`);
        await sleep(delay, signal);
      }
    }
  }

  private async downloadOnce(url: string, filePath: string, onProgress: ((progress: DownloadProgress) => void) | undefined, signal?: AbortSignal): Promise<number> {
    const response = await this.storage.get(url, { responseType: 'stream', signal });
    const stream = response.data as NodeJS.ReadableStream & { destroy(): void };
    if (response.status !== 200) {
      stream.destroy();
      if (response.status === 403) {
        throw new LumaError('expired', 'The video\'s download address has expired.', { status: 403, detail: `HTTP 403 from the storage host` });
      }
      if (response.status === 404) {
        throw new LumaError('notFound', 'The finished video is not available for download yet, or no longer. Try again in a few minutes.', { status: 404, detail: 'HTTP 404 from the storage host' });
      }
      const failure = httpError(response.status, undefined, 'downloading the video');
      throw Object.assign(failure, { retryAfter: retryAfterMs(response.headers['retry-after']) });
    }
    const total = Number(response.headers['content-length']) || 0;
    let received = 0;
    let lastReport = 0;
    // Counted on the side rather than through a transform: one stream hop less per chunk.
    stream.on('data', (chunk: Buffer) => {
      received += chunk.length;
      const now = Date.now();
      // A progress message per chunk would flood the UI; four a second is plenty.
      if (onProgress && now - lastReport >= 250) {
        lastReport = now;
        onProgress({ received, total });
      }
    });
    const onAbort = () => stream.destroy();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // Large writes: the default 16 KB buffer would mean thousands of small writes for one video.
      await pipeline(stream, createWriteStream(filePath, { highWaterMark: 1024 * 1024 }));
    } catch (error) {
      if (signal?.aborted) throw cancelled();
      if (isDiskError(error)) throw diskError(error, filePath);
      throw new LumaError('network', 'The download was cut off before the whole video arrived. Try again.', { detail: `after ${received} of ${total || '?'} bytes: ${(error as Error).message}`, cause: error });
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (total > 0 && received !== total) {
      throw new LumaError('network', 'The download was cut off before the whole video arrived. Try again.', { detail: `received ${received} of ${total} bytes` });
    }
    if (received === 0) throw new LumaError('notFound', 'The storage host sent an empty file instead of the video. Try again in a few minutes.', { detail: 'empty body' });
    onProgress?.({ received, total: total || received });
    return received;
  }

  /** Runs one API request with retries on connection errors, 429 and 5xx; returns the parsed body. */
  private async withRetry(during: string, signal: AbortSignal | undefined, request: () => Promise<AxiosResponse>, retryable: (failure: LumaError) => boolean = isTransient): Promise<unknown> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      let failure: LumaError;
      let retryAfter: number | undefined;
      try {
        const response = await this.send(during, request, signal);
        if (!isRetryableStatus(response.status)) return this.readBody(response, during);
        failure = httpError(response.status, parseMaybe(this.bodyText(response)), during);
        retryAfter = retryAfterMs(response.headers['retry-after']);
      } catch (error) {
        failure = this.toLumaError(error, during);
      }
      const delay = retryable(failure) ? this.nextDelay(attempt, started, retryAfter) : undefined;
      if (delay === undefined) throw failure;
      this.log.warn(`${capitalize(during)} failed (${failure.detail ?? failure.message}); retry ${attempt + 1} in ${delay} ms.`);
      await sleep(delay, signal);
    }
  }

  /** Delay before the next attempt, or undefined when the attempts or the time budget are spent. */
  private nextDelay(attempt: number, started: number, retryAfter?: number): number | undefined {
    if (attempt + 1 >= this.retry.attempts) return undefined;
    // The service's Retry-After wins over our own schedule, as long as it fits the time budget.
    const delay = Math.max(backoffDelay(this.retry, attempt, this.random), retryAfter ?? 0);
    return Date.now() - started + delay > this.retry.maxTotalMs ? undefined : delay;
  }

  /** Sends a request; turns transport failures into LumaError (cancel included). */
  private async send(during: string, request: () => Promise<AxiosResponse>, signal?: AbortSignal): Promise<AxiosResponse> {
    if (signal?.aborted) throw cancelled();
    try {
      return await request();
    } catch (error) {
      throw this.toLumaError(error, during);
    }
  }

  /** Reads a non-retryable answer: the parsed body on 2xx, a LumaError otherwise. */
  private readBody(response: AxiosResponse, during: string): unknown {
    const text = this.bodyText(response);
    if (response.status < 200 || response.status >= 300) throw httpError(response.status, parseMaybe(text), during);
    try {
      return JSON.parse(text);
    } catch {
      throw new LumaError('protocol', `1min.ai sent an unreadable answer while ${during} (not valid JSON). Try again; if it keeps happening, the service may be having trouble.`, { detail: `body starts: ${text.slice(0, 120)}` });
    }
  }

  /**
   * The answer's text (the API instance reads every body as text) without the key: a body, error
   * or success, may echo the request, headers included, and what we parse may be shown or logged.
   */
  private bodyText(response: AxiosResponse): string {
    return redact(typeof response.data === 'string' ? response.data : '', this.options.apiKey);
  }

  private toLumaError(error: unknown, during: string): LumaError {
    if (error instanceof LumaError) return error;
    if (axios.isCancel(error) || (error as { code?: string })?.code === 'ERR_CANCELED') return cancelled();
    const axiosError = error as AxiosError;
    const code = axiosError?.code ?? '';
    const message = redact(String(axiosError?.message ?? error), this.options.apiKey);
    if (NETWORK_CODES.has(code) || /socket hang up|aborted|ECONNRESET|timeout/i.test(message)) {
      return new LumaError('network', `Could not reach 1min.ai while ${during}. Check your connection and try again.`, { detail: `${code || 'network'}: ${message}`, code });
    }
    return new LumaError('network', `Something went wrong while ${during}. Try again.`, { detail: message });
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
function multipartBody(field: string, fileName: string, mimeType: string, bytes: Uint8Array): { stream(): Readable; length: number; contentType: string } {
  const boundary = `----LumaImageToVideo${randomBytes(12).toString('hex')}`;
  // Quotes and line breaks in a file name would break the header; the service only keeps it for display.
  const safeName = fileName.replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${safeName}"\r\nContent-Type: ${mimeType}\r\n\r\n`, 'utf8');
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

function parseMaybe(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
