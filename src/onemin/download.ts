// Downloading the finished video from the storage host: through an instance that never carries
// the key, into a temporary file of ours, held to its Content-Length, to a size cap (decoded bytes
// too), to a wall-clock deadline and to a stall limit, and retried where trying again can help.
import { l10n } from '../shared/l10n';
import axios, { AxiosInstance, AxiosResponse } from 'axios';
import { createWriteStream, promises as fs } from 'node:fs';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { diskError, isDiskError } from '../util/diskErrors';
import { cancelled, LumaError } from '../util/lumaError';
import { Deadline, formatDuration, retryAfterMs, sleep } from '../util/timing';
import { httpError, toLumaError } from './errors';
import { ClientContext, nextDelay } from './http';

/**
 * The largest video accepted, decoded. A Luma video is at most 10 s at up to 4K; even at
 * 400 Mbit/s (eight times a high-quality 4K stream) that is 500 MB. Anything larger is not a video
 * from this service, and the benchmark's 200 MB test video fits with room to spare.
 */
export const MAX_VIDEO_BYTES = 512 * 1024 * 1024;

export interface DownloadProgress {
  /** Bytes as sent (before any content decoding). */
  received: number;
  /** 0 when the server did not say. */
  total: number;
}

export class VideoDownloader {
  /** No key, no defaults shared with the API instance: the download host never sees it. */
  private readonly storage: AxiosInstance;

  constructor(
    private readonly context: ClientContext,
    private readonly deadlines: { downloadMs: number; downloadStallMs: number },
    private readonly maxVideoBytes: number,
  ) {
    // maxContentLength stays -1: any limit there wraps the stream in one more; the cap is ours.
    this.storage = axios.create({ validateStatus: () => true, maxRedirects: 5 });
  }

  /**
   * Streams the video at `url` into `filePath`, a temporary file of ours. Retries connection
   * errors, stalls, 429, 5xx and 404 (the file can lag SUCCESS); an expired presigned address
   * throws LumaError('expired') at once so the caller can ask the service for a fresh one. A body
   * longer than announced or than maxVideoBytes is refused. On any failure the file is removed.
   */
  async download(url: string, filePath: string, onProgress?: (progress: DownloadProgress) => void, signal?: AbortSignal): Promise<number> {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (parsed?.protocol !== 'https:' && parsed?.protocol !== 'http:') {
      throw new LumaError(
        'protocol',
        parsed
          ? l10n.t('1min.ai gave a video address that is not an http(s) address ({0}); it was not fetched.', parsed.protocol)
          : l10n.t('1min.ai gave a video address that is not an http(s) address; it was not fetched.'),
      );
    }
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.downloadOnce(url, filePath, onProgress, signal);
      } catch (error) {
        await fs.rm(filePath, { force: true });
        const failure = toLumaError(error, 'downloading the video', this.context.secrets);
        const retryable =
          failure.kind === 'network' || failure.kind === 'notFound' || failure.kind === 'server' || failure.kind === 'rateLimited';
        const delay = retryable ? nextDelay(this.context, attempt, started, (error as { retryAfter?: number }).retryAfter) : undefined;
        if (delay === undefined) throw failure;
        this.context.log.warn(`Download attempt ${attempt + 1} failed (${failure.detail ?? failure.message}); retrying in ${delay} ms.`);
        await sleep(delay, signal);
      }
    }
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
          l10n.t(
            'The download stalled: nothing arrived for {0}. Check your connection and try again.',
            formatDuration(this.deadlines.downloadStallMs),
          ),
          { code: 'ETIMEDOUT', detail: `no data for ${this.deadlines.downloadStallMs} ms` },
        );
      }
      if (deadline.expired === 'deadline') {
        throw new LumaError(
          'network',
          l10n.t('The download did not finish within {0}. Check your connection and try again.', formatDuration(this.deadlines.downloadMs)),
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
        throw new LumaError('expired', l10n.t("The video's download address has expired."), {
          status: 403,
          detail: `HTTP 403 from the storage host`,
        });
      }
      if (response.status === 404) {
        throw new LumaError(
          'notFound',
          l10n.t('The finished video is not available for download yet, or no longer. Try again in a few ' + 'minutes.'),
          {
            status: 404,
            detail: 'HTTP 404 from the storage host',
          },
        );
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
        l10n.t(
          'The storage host sent more than the {0} bytes it announced, so the download cannot be ' +
            'trusted; nothing was saved. Try again later.',
          String(announced),
        ),
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
          l10n.t('The video arrived compressed in a form that could not be read; nothing was saved. Try ' + 'again later.'),
          { detail: `${response.headers['content-encoding']}: ${(error as Error).message}` },
        );
      }
      throw new LumaError('network', l10n.t('The download was cut off before the whole video arrived. Try again.'), {
        detail: `after ${received} of ${announced ?? '?'} bytes: ${(error as Error).message}`,
      });
    } finally {
      request?.off?.('error', onRequestError);
    }
    if (stopped) throw stopped;
    if (announced !== undefined && received < announced) {
      throw new LumaError('network', l10n.t('The download was cut off before the whole video arrived. Try again.'), {
        detail: `received ${received} of ${announced} bytes`,
      });
    }
    const bytes = decoder ? decoded : received;
    if (bytes === 0)
      throw new LumaError('notFound', l10n.t('The storage host sent an empty file instead of the video. Try again in a few minutes.'), {
        detail: 'empty body',
      });
    onProgress?.({ received, total: announced ?? received });
    return bytes;
  }
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
    l10n.t(
      'The storage host sent the video in an encoding that cannot be read ("{0}"); nothing was ' + 'saved. Try again later.',
      encoding,
    ),
    { detail: `Content-Encoding: ${encoding}` },
  );
}

function videoTooLarge(cap: number, detail: string): LumaError {
  const size = `${Math.round(cap / (1024 * 1024))} MB`;
  return new LumaError(
    'tooLarge',
    l10n.t(
      'The video is larger than {0}, which no Luma video is, so the storage host is sending ' +
        'something else; nothing was saved. Try again later.',
      size,
    ),
    { detail },
  );
}
