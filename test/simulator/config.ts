// The simulator's options: what each one does, their defaults, and the checks start() and
// configure() run on them.

import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SimulatorOptions {
  /** The only key accepted. Default 'sim-key'. */
  apiKey?: string;
  /** Added before every API answer (not to download speed). Default 0. */
  latencyMs?: number;
  /** Time from an accepted generation to SUCCESS. Default 1500. */
  generationMs?: number;
  /** Team balance. Default 1_000_000. Setting it with configure() sets the balance now. */
  credits?: number;
  /** Cost of a 5 s video; 10 s costs double. Default 12361. */
  creditsPerVideo?: number;
  /** Largest accepted upload. Default 10 MiB. */
  maxUploadBytes?: number;
  /** 'ignore': an old deployment that ignores "async": true and blocks. Default 'honour'. */
  asyncMode?: 'honour' | 'ignore';
  /** A blocking features call longer than this is cut with 504; the job still runs and is charged. */
  gatewayTimeoutMs?: number;
  /** Which of fileContent.path / asset.key the upload reply carries. Default 'full'. */
  uploadReply?: 'full' | 'keyOnly' | 'pathOnly' | 'empty';
  /** resultObject entry: relative key, full storage URL, or { url }. Default 'relative'. */
  resultShape?: 'relative' | 'absolute' | 'object';
  /** Default 'present'. */
  temporaryUrl?: 'present' | 'empty' | 'absent';
  /** MP4 served for every video. Default the committed test/simulator/sample.mp4. */
  videoPath?: string;
  /** Serve a generated body of exactly this size instead of videoPath (benchmarks). */
  videoSizeBytes?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** API port. Default 0 (a free one). After start, the port actually bound. */
  port?: number;
  /** Storage port (extension of the agreed API). Default 0 (a free one). After start, the port bound. */
  storagePort?: number;
  /**
   * Share of requests (0 to 1, every endpoint, downloads included) refused with 429 and
   * `Retry-After: 1`, at random, like a busy service under load. Injected faults come first. Default 0.
   */
  rateLimitShare?: number;
  /**
   * Keep uploaded images' bytes so storage can serve them back, like the real asset host.
   * Default true. Benchmarks turn it off: a kept 10 MB image outlives V8's young generation, and
   * freeing it later takes full collections that land in the middle of the next timed uploads.
   */
  keepUploads?: boolean;
}

type OptionalKeys = 'gatewayTimeoutMs' | 'videoSizeBytes';
export type ResolvedOptions = Required<Omit<SimulatorOptions, OptionalKeys>> & Pick<SimulatorOptions, OptionalKeys>;

function defaultVideoPath(): string {
  // From out/test/simulator/ the committed file is back in the source tree; when run from the
  // sources (or if someone copies it beside the build) it sits next to this file.
  const candidates = [path.resolve(__dirname, '../../../test/simulator/sample.mp4'), path.join(__dirname, 'sample.mp4')];
  return candidates.find((p) => fs.existsSync(p)) ?? candidates[0];
}

export function defaults(): ResolvedOptions {
  return {
    apiKey: 'sim-key',
    latencyMs: 0,
    generationMs: 1500,
    credits: 1_000_000,
    creditsPerVideo: 12361,
    maxUploadBytes: 10 * 1024 * 1024,
    asyncMode: 'honour',
    uploadReply: 'full',
    resultShape: 'relative',
    temporaryUrl: 'present',
    videoPath: defaultVideoPath(),
    host: '127.0.0.1',
    port: 0,
    storagePort: 0,
    rateLimitShare: 0,
    keepUploads: true,
  };
}

export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function checkOptions(o: ResolvedOptions): void {
  const nonNegative = ['latencyMs', 'generationMs', 'credits', 'creditsPerVideo', 'maxUploadBytes'] as const;
  for (const key of nonNegative) {
    if (typeof o[key] !== 'number' || !Number.isFinite(o[key]) || o[key] < 0) throw new Error(`Simulator: ${key} must be a number >= 0`);
  }
  for (const key of ['gatewayTimeoutMs', 'videoSizeBytes'] as const) {
    const v = o[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new Error(`Simulator: ${key} must be an integer >= 0`);
  }
  if (typeof o.apiKey !== 'string' || o.apiKey === '') throw new Error('Simulator: apiKey must be a non-empty string');
  if (o.videoSizeBytes === undefined && !fs.existsSync(o.videoPath)) {
    throw new Error(`Simulator: video file not found: ${o.videoPath}`);
  }
}
