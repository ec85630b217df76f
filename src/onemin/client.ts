// The 1min.ai client: upload, ask for a video, read a result, download. Every call to the API
// host carries the key (http.ts); the download goes through a separate instance that never has it
// (download.ts). Every request has a wall-clock deadline, every download a size cap, and nothing
// the client returns, throws or logs holds the key.
import type { GenerationOptions } from '../shared/options';
import { Logger, silentLogger } from '../util/log';
import { redactingLogger } from '../util/redact';
import { DownloadProgress, MAX_VIDEO_BYTES, VideoDownloader } from './download';
import { guarded } from './errors';
import { ApiHost, ClientContext, DEFAULT_RETRY, RetryPolicy } from './http';
import type { ServiceUuid, VideoRecord } from './record';
import { uploadImage } from './upload';
import { getResult, requestVideo } from './videoRequests';

export { MAX_VIDEO_BYTES, type DownloadProgress } from './download';
export type { RetryPolicy } from './http';
export { featureRequestBody } from './videoRequests';

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

export class OneMinClient {
  private readonly context: ClientContext;
  private readonly deadlines: Deadlines;
  private readonly api: ApiHost;
  private readonly downloader: VideoDownloader;

  constructor(private readonly options: ClientOptions) {
    const secrets = [options.apiKey];
    this.context = {
      secrets,
      log: redactingLogger(options.log ?? silentLogger, secrets),
      retry: { ...DEFAULT_RETRY, ...options.retry },
      random: options.random ?? Math.random,
    };
    this.deadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };
    this.api = new ApiHost(this.context, options.apiBaseUrl, options.apiKey);
    this.downloader = new VideoDownloader(this.context, this.deadlines, options.maxVideoBytes ?? MAX_VIDEO_BYTES);
  }

  /** POST /api/assets with the image as field `asset`; returns the key to send on. */
  uploadImage(bytes: Uint8Array, fileName: string, mimeType: string, signal?: AbortSignal): Promise<string> {
    return guarded('uploading the image', this.context.secrets, () =>
      uploadImage(this.api, this.deadlines.uploadMs, { bytes, fileName, mimeType }, signal),
    );
  }

  /**
   * POST /api/features, repeated only when the service certainly did nothing (see videoRequests.ts).
   * Returns the record, pending or finished.
   */
  requestVideo(imagePath: string, options: GenerationOptions, signal?: AbortSignal): Promise<VideoRecord> {
    return guarded('asking for the video', this.context.secrets, () =>
      requestVideo(this.api, this.deadlines.featuresMs, this.options.assetBaseUrl, { imagePath, options }, signal),
    );
  }

  /** GET /api/results/{uuid}; undefined when the service does not know the uuid. */
  getResult(uuid: ServiceUuid, signal?: AbortSignal): Promise<VideoRecord | undefined> {
    return guarded('checking on the video', this.context.secrets, () =>
      getResult(this.api, this.deadlines.resultMs, this.options.assetBaseUrl, uuid, signal),
    );
  }

  /**
   * Streams the video at `url` into `filePath`, a temporary file of ours. Retries connection
   * errors, stalls, 429, 5xx and 404 (the file can lag SUCCESS); an expired presigned address
   * throws LumaError('expired') at once so the caller can ask the service for a fresh one. A body
   * longer than announced or than maxVideoBytes is refused. On any failure the file is removed.
   */
  download(url: string, filePath: string, onProgress?: (progress: DownloadProgress) => void, signal?: AbortSignal): Promise<number> {
    return guarded('downloading the video', this.context.secrets, () => this.downloader.download(url, filePath, onProgress, signal));
  }
}
