// A local stand-in for the 1min.ai image-to-video API (Luma Dream Machine) and for the storage
// host its videos are downloaded from, following the service's public docs and clients. Client tests,
// integration/UI tests and the demo run against it over real sockets, so it reproduces the
// service's quirks (reply variants, slow generations, gateways, odd failures) on demand.
// Node built-ins only: it must run wherever the tests run, with nothing to install.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';
import { Readable, pipeline } from 'node:stream';
import * as zlib from 'node:zlib';

export type Endpoint = 'upload' | 'features' | 'result' | 'download';

/**
 * On POST /api/features only: `charge: true` lets the service take (and charge for) the job first,
 * as a gateway or a dropped connection after the service did its work; without it the fault comes
 * before the service and nothing is charged. A charge fault applies only to a request the service
 * accepts (a valid body, enough credits); otherwise the service's own refusal is the answer.
 */
type Charge = { charge?: boolean };

export type Fault =
  /** `body` as a string is sent as it is, with `contentType` (default text/plain). */
  | ({ kind: 'status'; status: number; body?: unknown; contentType?: string; retryAfter?: number } & Charge)
  | ({ kind: 'malformed' } & Charge)
  | ({ kind: 'truncated' } & Charge)
  | ({ kind: 'hang' } & Charge)
  | ({ kind: 'reset' } & Charge)
  /**
   * Holds the answer `ms` milliseconds, or until release() when `ms` is left out, then answers
   * with `then` (any other fault for the endpoint) or normally. On features a normal answer, or a
   * `then` with charge: true, is charged before the hold starts; see whenHeld().
   */
  | { kind: 'hold'; ms?: number; then?: Fault }
  /** Sends the headers, then the normal body `bytesPerTick` (default 1) bytes every `intervalMs` (default 1000). */
  | { kind: 'drip'; intervalMs?: number; bytesPerTick?: number }
  /** A 3xx (default 302) to `location` (default https://elsewhere.example + the same path). Never charges. */
  | { kind: 'redirect'; status?: 301 | 302 | 303 | 307 | 308; location?: string }
  /**
   * This one answer's record reads `status` (any string), with `error` and `message` on the record
   * when given; the job itself goes on as before. On features the job is charged as usual.
   */
  | { kind: 'recordStatus'; status: string; error?: { code?: string; message?: string } | string; message?: string }
  | { kind: 'aiRecordNull' }
  | { kind: 'failure'; status?: 'FAILURE' | 'FAILED' | 'ERROR'; reason?: string }
  | { kind: 'successFalse'; message?: string }
  | { kind: 'errorInResult'; code?: string; message?: string }
  | { kind: 'noVideo' }
  | { kind: 'cutMidStream' }
  | { kind: 'expired' }
  /** The video with its true Content-Length, then `extraBytes` (default 64 KiB) more on the same write. */
  | { kind: 'overlong'; extraBytes?: number }
  /** No Content-Length: the video, then bytes without end until the client goes away. */
  | { kind: 'endless' }
  /** The video gzip-encoded (Content-Encoding: gzip), with the compressed Content-Length or, `chunked`, none. */
  | { kind: 'gzip'; chunked?: boolean }
  /** A small gzip body that inflates to `decodedBytes` (default 4 GiB) of zeros, sent until the client goes away. */
  | { kind: 'gzipBomb'; decodedBytes?: number };

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

export interface SeenRequest {
  server: 'api' | 'storage';
  method: string;
  /** The request target as sent, query included (a presigned link's X-Amz-* shows here). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  endpoint?: Endpoint;
  json?: unknown;
  multipart?: { field: string; filename?: string; contentType?: string; size: number }[];
  /** 0 while unanswered, and for hangs and resets. */
  status: number;
  at: number;
}

export interface JobInfo {
  uuid: string;
  status: string;
  createdAt: number;
  finishedAt?: number;
  prompt: string;
}

// ---------------------------------------------------------------------------------------------
// What the service accepts, per the contract. Kept here rather than imported from src/protocol:
// the simulator models the service, so a change on the client side must not move it.

const MODEL_NAMES = ['ray-v1', 'ray-v2', 'ray-v2-flash', 'ray-v3', 'ray-v3-reasoning'];
const ASPECT_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4', '21:9', '9:21'];
const RESOLUTIONS = ['720p', '1080p'];
const IMAGE_TYPES: Record<string, { ext: string; matches: (b: Buffer) => boolean }> = {
  'image/png': {
    ext: 'png',
    matches: (b) => b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  'image/jpeg': { ext: 'jpg', matches: (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  'image/webp': {
    ext: 'webp',
    matches: (b) => b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
  },
};
/** Presigned links from the service are valid 7 days. */
const PRESIGN_EXPIRES = 604800;
const GATEWAY_STATUSES = new Set([502, 504, 520, 522, 524]);

const API_ENDPOINTS: readonly Endpoint[] = ['upload', 'features', 'result'];
const ALL_ENDPOINTS: readonly Endpoint[] = ['upload', 'features', 'result', 'download'];
const RECORD_ENDPOINTS: readonly Endpoint[] = ['features', 'result'];
/** Which fault makes sense where; inject() refuses the rest so a test mistake shows at once. */
const FAULT_ENDPOINTS: Record<Fault['kind'], readonly Endpoint[]> = {
  status: ALL_ENDPOINTS,
  malformed: API_ENDPOINTS,
  truncated: ALL_ENDPOINTS,
  hang: ALL_ENDPOINTS,
  reset: ALL_ENDPOINTS,
  hold: ALL_ENDPOINTS,
  drip: ALL_ENDPOINTS,
  redirect: API_ENDPOINTS,
  recordStatus: RECORD_ENDPOINTS,
  aiRecordNull: API_ENDPOINTS,
  failure: RECORD_ENDPOINTS,
  successFalse: API_ENDPOINTS,
  errorInResult: RECORD_ENDPOINTS,
  noVideo: RECORD_ENDPOINTS,
  cutMidStream: ['download'],
  expired: ['download'],
  overlong: ['download'],
  endless: ['download'],
  gzip: ['download'],
  gzipBomb: ['download'],
};
const CHARGEABLE: readonly Fault['kind'][] = ['status', 'malformed', 'truncated', 'hang', 'reset'];

/** Refuses a fault that cannot happen where it is injected, so a test mistake shows at once. */
function checkFault(endpoint: Endpoint, fault: Fault): void {
  if (!FAULT_ENDPOINTS[fault.kind]?.includes(endpoint)) {
    throw new Error(
      `Simulator.inject: fault '${fault.kind}' does not apply to '${endpoint}' (only ${FAULT_ENDPOINTS[fault.kind]?.join(', ')})`,
    );
  }
  if ('charge' in fault && fault.charge && (endpoint !== 'features' || !CHARGEABLE.includes(fault.kind))) {
    throw new Error(`Simulator.inject: charge: true applies to ${CHARGEABLE.join(', ')} on 'features' only`);
  }
  if (fault.kind === 'hold' && fault.then) {
    if (fault.then.kind === 'hold' || fault.then.kind === 'drip')
      throw new Error(`Simulator.inject: a hold cannot be followed by '${fault.then.kind}'`);
    checkFault(endpoint, fault.then);
  }
  if (
    fault.kind === 'drip' &&
    (!((fault.intervalMs ?? 1000) >= 0) || !Number.isInteger(fault.bytesPerTick ?? 1) || (fault.bytesPerTick ?? 1) < 1)
  ) {
    throw new Error('Simulator.inject: drip needs intervalMs >= 0 and a whole bytesPerTick >= 1');
  }
}

/** These need a job, so they go through the key check, validation and charging, then shape the outcome. */
type RecordFault = Extract<Fault, { kind: 'failure' | 'errorInResult' | 'noVideo' }>;
type StatusOverride = Extract<Fault, { kind: 'recordStatus' }>;
function isRecordFault(fault: Fault): fault is RecordFault {
  return fault.kind === 'failure' || fault.kind === 'errorInResult' || fault.kind === 'noVideo';
}
/** Faults the service itself takes part in: they come after the key check (and on features, the charge). */
function needsService(fault: Fault): boolean {
  return isRecordFault(fault) || fault.kind === 'recordStatus' || ('charge' in fault && fault.charge === true);
}

function defaultVideoPath(): string {
  // From out/test/simulator/ the committed file is back in the source tree; when run from the
  // sources (or if someone copies it beside the build) it sits next to this file.
  const candidates = [path.resolve(__dirname, '../../../test/simulator/sample.mp4'), path.join(__dirname, 'sample.mp4')];
  return candidates.find((p) => fs.existsSync(p)) ?? candidates[0];
}

function defaults(): ResolvedOptions {
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

// ---------------------------------------------------------------------------------------------
// Small helpers

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** A body that is not JSON (gateway pages, S3 XML). */
class Raw {
  constructor(
    readonly contentType: string,
    readonly text: string,
  ) {}
}

function s3Error(code: string, message: string, extra: Record<string, string> = {}): Raw {
  const fields = Object.entries(extra)
    .map(([k, v]) => `<${k}>${v}</${k}>`)
    .join('');
  const requestId = crypto.randomBytes(8).toString('hex').toUpperCase();
  const hostId = crypto.randomBytes(24).toString('base64');
  return new Raw(
    'application/xml',
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${fields}<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`,
  );
}

function gatewayPage(status: number): Raw {
  // What Cloudflare-style fronts answer: a short text page, not the API's JSON.
  return new Raw('text/plain; charset=UTF-8', `error code: ${status}`);
}

function timestampKey(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${date.getUTCFullYear()}_${p(date.getUTCMonth() + 1)}_${p(date.getUTCDate())}_${p(date.getUTCHours())}_${p(date.getUTCMinutes())}_${p(date.getUTCSeconds())}_${p(date.getUTCMilliseconds(), 3)}`;
}

function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

// ---------------------------------------------------------------------------------------------
// Request bodies and multipart/form-data

interface Body {
  data: Buffer;
  /** More than the cap arrived; the excess was read and dropped, not kept. */
  overflow: boolean;
}

/** Reads a request body keeping at most `cap` bytes; the rest is drained so the client can finish sending. */
function readBody(req: http.IncomingMessage, cap: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    // With a declared length that fits, the body is copied once into a buffer of that size rather
    // than gathered and joined: a 10 MB upload would otherwise leave twice its size to collect.
    const declared = Number(req.headers['content-length']);
    const sized = Number.isInteger(declared) && declared > 0 && declared <= cap ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let kept = 0;
    let overflow = false;
    req.on('data', (chunk: Buffer) => {
      if (overflow) return;
      if (kept + chunk.length > cap) {
        overflow = true;
        chunks.length = 0;
        return;
      }
      // Node's parser delivers exactly Content-Length bytes, so a sized buffer never overflows.
      if (sized) chunk.copy(sized, kept);
      else chunks.push(chunk);
      kept += chunk.length;
    });
    req.on('end', () => resolve({ data: sized ? sized.subarray(0, kept) : Buffer.concat(chunks), overflow }));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

function drain(req: http.IncomingMessage): Promise<void> {
  return readBody(req, 0).then(
    () => undefined,
    () => undefined,
  );
}

interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

class MultipartError extends Error {}

function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Parameters of a header such as `form-data; name="asset"; filename="a.png"`. */
function headerParams(value: string): Record<string, string> {
  const params: Record<string, string> = {};
  const re = /;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    let v = m[2].trim();
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params[m[1].toLowerCase()] = v;
  }
  // RFC 5987 form (filename*=UTF-8''...) wins over the plain one when both are sent.
  const star = params['filename*'];
  if (star !== undefined) {
    const m = /^([^']*)'[^']*'(.*)$/.exec(star);
    try {
      params.filename = m ? decodeURIComponent(m[2]) : star;
    } catch {
      params.filename = star;
    }
  }
  return params;
}

function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const between = Buffer.from(`\r\n--${boundary}`);
  const first = body.indexOf(delimiter);
  if (first < 0) throw new MultipartError('the body does not contain the boundary named in Content-Type');
  const parts: Part[] = [];
  let pos = first + delimiter.length;
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // "--": closing delimiter
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++; // transport padding
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new MultipartError('a boundary line is not followed by CRLF');
    pos += 2;
    let headerText = '';
    let dataStart: number;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) {
      dataStart = pos + 2; // a part with no headers at all
    } else {
      const headerEnd = body.indexOf('\r\n\r\n', pos);
      if (headerEnd < 0) throw new MultipartError('a part has no end of headers');
      headerText = body.toString('utf8', pos, headerEnd);
      dataStart = headerEnd + 4;
    }
    const dataEnd = body.indexOf(between, dataStart);
    if (dataEnd < 0) throw new MultipartError('the body ends before the closing boundary');
    const headers: Record<string, string> = {};
    for (const line of headerText.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const disposition = headers['content-disposition'];
    if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) {
      throw new MultipartError('a part has no "Content-Disposition: form-data" header');
    }
    const params = headerParams(disposition);
    if (params.name === undefined) throw new MultipartError('a part has no name in Content-Disposition');
    parts.push({
      name: params.name,
      filename: params.filename,
      contentType: headers['content-type']?.split(';')[0].trim().toLowerCase(),
      data: body.subarray(dataStart, dataEnd),
    });
    pos = dataEnd + between.length;
  }
}

// ---------------------------------------------------------------------------------------------
// Generated video bodies: an ftyp box (so anything sniffing the file sees an MP4) then a byte
// pattern, produced chunk by chunk so even gigabytes never sit in memory.

const FTYP = Buffer.concat([
  Buffer.from([0, 0, 0, 0x20]),
  Buffer.from('ftypisom', 'latin1'),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from('isomiso2avc1mp41', 'latin1'),
]);
const CHUNK = 64 * 1024;
const PATTERN = Buffer.alloc(CHUNK + 256, 0);
for (let i = 0; i < PATTERN.length; i++) PATTERN[i] = i & 0xff;

function* generatedBytes(start: number, end: number): Generator<Buffer> {
  for (let offset = start; offset <= end;) {
    const n = Math.min(CHUNK, end - offset + 1);
    let chunk = PATTERN.subarray(offset & 0xff, (offset & 0xff) + n);
    if (offset < FTYP.length) {
      chunk = Buffer.from(chunk);
      FTYP.copy(chunk, 0, offset, Math.min(FTYP.length, offset + n));
    }
    yield chunk;
    offset += n;
  }
}

// ---------------------------------------------------------------------------------------------

type JobStatus = 'PROCESSING' | 'SUCCESS' | 'FAILURE' | 'FAILED' | 'ERROR';

interface Job {
  uuid: string;
  createdAt: number;
  finishedAt?: number;
  prompt: string;
  promptObject: Record<string, unknown>;
  conversationId: string;
  cost: number;
  status: JobStatus;
  /** What a SUCCESS holds: the video, a {code, message} entry, or nothing. */
  outcome: 'video' | 'error' | 'none';
  reason?: string;
  error?: { code: string; message: string };
  timer?: NodeJS.Timeout;
  waiters: Set<() => void>;
}

interface Ctx {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  seen: SeenRequest;
  /** A hold fault taken for this request, not waited out yet. */
  hold?: { ms?: number };
  /** A drip fault: how the body goes out. */
  drip?: { intervalMs: number; bytesPerTick: number };
}

interface HeldRequest {
  endpoint: Endpoint;
  release: () => void;
}

/** The video every job serves: its size, validators, and its bytes from `start` to `end` inclusive. */
interface VideoBody {
  size: number;
  etag: string;
  modified: Date;
  read(start: number, end: number): Readable;
}

function bytesStream(chunks: Iterable<Buffer>): Readable {
  return Readable.from(chunks, { objectMode: false });
}

/** `bytes` zero bytes, a shared chunk at a time: a gzip bomb's payload, never held in memory. */
function* zeros(bytes: number): Generator<Buffer> {
  const chunk = Buffer.alloc(CHUNK);
  for (let left = bytes; left > 0; left -= CHUNK) yield left >= CHUNK ? chunk : chunk.subarray(0, left);
}

interface Upload {
  /** Dropped (undefined) once newer uploads pass the storage budget; the key stays valid. */
  data: Buffer | undefined;
  mimetype: string;
}

/**
 * Bytes of uploaded images kept to serve back from storage. The real service keeps them in S3;
 * keeping every one in this process's memory made each upload slower than the last (a long
 * benchmark holds hundreds of megabytes), so the oldest images' bytes go first.
 */
const STORED_UPLOAD_BUDGET = 64 * 1024 * 1024;

type Listener = (request: SeenRequest) => void;

export class Simulator {
  /** Every request seen on both servers, in arrival order; status is filled in when answered. */
  readonly requests: SeenRequest[] = [];
  private apiBase = '';
  private assetBase = '';

  private opts: ResolvedOptions;
  private balance: number;
  private accepted = 0;
  private readonly faults = new Map<Endpoint, { fault: Fault; left: number }[]>();
  private readonly jobMap = new Map<string, Job>();
  private readonly uploads = new Map<string, Upload>();
  /** The uploads whose bytes are still kept, oldest first, and their total size. */
  private readonly keptUploads: Upload[] = [];
  private storedUploadBytes = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sockets = new Set<Socket>();
  private readonly listeners = new Set<Listener>();
  private readonly heldRequests = new Set<HeldRequest>();
  private readonly holdWaiters = new Set<{ endpoint?: Endpoint; resolve: () => void }>();
  /** Signs presigned links, so a link the client mangled is refused like S3 would. */
  private readonly signingKey = crypto.randomBytes(32);
  private readonly apiServer: http.Server;
  private readonly storageServer: http.Server;
  private stopping?: Promise<void>;

  private constructor(options: SimulatorOptions) {
    this.opts = { ...defaults(), ...stripUndefined(options) };
    checkOptions(this.opts);
    this.balance = this.opts.credits;
    this.apiServer = http.createServer((req, res) => this.onApi(req, res));
    this.storageServer = http.createServer((req, res) => this.onStorage(req, res));
    for (const server of [this.apiServer, this.storageServer]) {
      server.on('connection', (socket: Socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
      });
    }
  }

  static async start(options: SimulatorOptions = {}): Promise<Simulator> {
    const sim = new Simulator(options);
    const { host } = sim.opts;
    const apiPort = await listen(sim.apiServer, host, sim.opts.port);
    let storagePort: number;
    try {
      storagePort = await listen(sim.storageServer, host, sim.opts.storagePort);
    } catch (err) {
      sim.apiServer.close();
      throw err;
    }
    const urlHost = host.includes(':') ? `[${host}]` : host;
    sim.opts.port = apiPort;
    sim.opts.storagePort = storagePort;
    sim.apiBase = `http://${urlHost}:${apiPort}`;
    sim.assetBase = `http://${urlHost}:${storagePort}/`;
    return sim;
  }

  /** e.g. 'http://127.0.0.1:41234', no trailing slash. */
  get apiBaseUrl(): string {
    return this.apiBase;
  }

  /** The storage server, e.g. 'http://127.0.0.1:41235/', with a trailing slash. */
  get assetBaseUrl(): string {
    return this.assetBase;
  }

  /** The current options (port and storagePort are the ones actually bound). */
  get options(): Readonly<ResolvedOptions> {
    return this.opts;
  }

  /** Accepted (charged) POST /api/features calls. */
  get featureCalls(): number {
    return this.accepted;
  }

  get credits(): number {
    return this.balance;
  }

  /**
   * Changes options at run time; a key given as undefined goes back to its default. `credits`
   * sets the balance now. host, port and storagePort cannot change once listening.
   */
  configure(patch: Partial<SimulatorOptions>): void {
    for (const key of ['host', 'port', 'storagePort'] as const) {
      if (key in patch && patch[key] !== undefined && patch[key] !== this.opts[key]) {
        throw new Error(`Simulator.configure: ${key} cannot change while running`);
      }
    }
    const next: ResolvedOptions = { ...this.opts };
    const base = defaults();
    for (const [key, value] of Object.entries(patch) as [keyof SimulatorOptions, unknown][]) {
      if (key === 'host' || key === 'port' || key === 'storagePort') continue;
      (next as Record<string, unknown>)[key] = value === undefined ? (base as Record<string, unknown>)[key] : value;
    }
    checkOptions(next);
    this.opts = next;
    if ('credits' in patch) this.balance = next.credits;
  }

  /** The next `times` requests to `endpoint` get `fault`, after any faults already queued there. */
  inject(endpoint: Endpoint, fault: Fault, times = 1): void {
    checkFault(endpoint, fault);
    if (!Number.isInteger(times) || times < 1) throw new Error('Simulator.inject: times must be a positive integer');
    const queue = this.faults.get(endpoint) ?? [];
    queue.push({ fault, left: times });
    this.faults.set(endpoint, queue);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /**
   * Resolves once a request to `endpoint` (any endpoint when left out) is held by a hold fault:
   * on features, after the service took (and charged for) the job when the answer is a charged one.
   */
  whenHeld(endpoint?: Endpoint): Promise<void> {
    if (this.heldCount(endpoint) > 0) return Promise.resolve();
    return new Promise((resolve) => this.holdWaiters.add({ endpoint, resolve }));
  }

  /** Requests held right now, to `endpoint` or to any. */
  heldCount(endpoint?: Endpoint): number {
    return [...this.heldRequests].filter((held) => !endpoint || held.endpoint === endpoint).length;
  }

  /** Lets the held requests (to `endpoint`, or all) answer now; returns how many there were. */
  release(endpoint?: Endpoint): number {
    const released = [...this.heldRequests].filter((held) => !endpoint || held.endpoint === endpoint);
    for (const held of released) held.release();
    return released.length;
  }

  /** Finishes a pending generation now; a finished one is left as it is. */
  finishJob(uuid: string, outcome: 'SUCCESS' | 'FAILURE' = 'SUCCESS'): void {
    const job = this.jobMap.get(uuid);
    if (!job) throw new Error(`Simulator.finishJob: no job ${uuid}`);
    if (job.status !== 'PROCESSING') return;
    if (outcome === 'SUCCESS') this.finish(job, { status: 'SUCCESS', outcome: 'video' });
    else this.finish(job, { status: 'FAILURE', outcome: 'none', reason: 'Generation failed' });
  }

  jobs(): JobInfo[] {
    return [...this.jobMap.values()].map((j) => ({
      uuid: j.uuid,
      status: j.status,
      createdAt: j.createdAt,
      ...(j.finishedAt !== undefined ? { finishedAt: j.finishedAt } : {}),
      prompt: j.prompt,
    }));
  }

  /**
   * Forgets requests, faults and jobs; restores the configured credits; keeps options. Uploaded
   * images are kept, so a suite may upload once and reset between tests.
   */
  reset(): void {
    this.release();
    this.requests.length = 0;
    this.faults.clear();
    for (const job of this.jobMap.values()) if (job.timer) clearTimeout(job.timer);
    this.jobMap.clear();
    this.accepted = 0;
    this.balance = this.opts.credits;
  }

  /** Calls `listener` when each request is over (answered, cut or abandoned). Returns an unsubscribe. */
  onRequestDone(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Closes both servers, destroying every open socket, hanging requests included. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      for (const job of this.jobMap.values()) if (job.timer) clearTimeout(job.timer);
      this.release();
      const closed = [this.apiServer, this.storageServer].map(
        (server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
      );
      for (const socket of this.sockets) socket.destroy();
      await Promise.all(closed);
    })();
    return this.stopping;
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private see(server: 'api' | 'storage', req: http.IncomingMessage, res: http.ServerResponse): Ctx {
    const seen: SeenRequest = {
      server,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: { ...req.headers },
      status: 0,
      at: Date.now(),
    };
    this.requests.push(seen);
    res.once('close', () => {
      for (const listener of this.listeners) listener(seen);
    });
    return { req, res, seen };
  }

  private takeFault(endpoint: Endpoint): Fault | undefined {
    const queue = this.faults.get(endpoint);
    const head = queue?.[0];
    if (!queue || !head) {
      // A 429 refuses before any work is done, so it never charges.
      if (this.opts.rateLimitShare > 0 && Math.random() < this.opts.rateLimitShare) return { kind: 'status', status: 429, retryAfter: 1 };
      return undefined;
    }
    if (--head.left === 0) queue.shift();
    return head.fault;
  }

  /**
   * Hold and drip shape how an answer goes out rather than what it is: they are noted on the
   * request, and what is left (a hold's `then`) is the fault to apply.
   */
  private takeDelivery(ctx: Ctx, fault: Fault | undefined): Fault | undefined {
    if (fault?.kind === 'hold') {
      ctx.hold = { ms: fault.ms };
      return fault.then;
    }
    if (fault?.kind === 'drip') {
      ctx.drip = { intervalMs: fault.intervalMs ?? 1000, bytesPerTick: fault.bytesPerTick ?? 1 };
      return undefined;
    }
    return fault;
  }

  /** Waits out the hold taken for this request, if any (once); whenHeld() sees it meanwhile. */
  private async gate(ctx: Ctx): Promise<void> {
    const hold = ctx.hold;
    if (!hold) return;
    ctx.hold = undefined;
    const endpoint = ctx.seen.endpoint ?? 'download';
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const held: HeldRequest = {
        endpoint,
        release: () => {
          this.heldRequests.delete(held);
          ctx.res.off('close', held.release);
          if (timer) {
            clearTimeout(timer);
            this.timers.delete(timer);
          }
          resolve();
        },
      };
      this.heldRequests.add(held);
      // A client that gave up is no longer held; what it would have been sent goes nowhere.
      ctx.res.once('close', held.release);
      if (hold.ms !== undefined) {
        timer = setTimeout(held.release, hold.ms);
        this.timers.add(timer);
      }
      for (const waiter of [...this.holdWaiters]) {
        if (waiter.endpoint && waiter.endpoint !== endpoint) continue;
        this.holdWaiters.delete(waiter);
        waiter.resolve();
      }
    });
  }

  /** Hold, then latency: what every API answer waits for. */
  private async ready(ctx: Ctx): Promise<void> {
    await this.gate(ctx);
    await this.sleep(this.opts.latencyMs);
  }

  /** A timer that stop() clears, so nothing outlives the simulator. */
  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private head(ctx: Ctx, status: number, headers: http.OutgoingHttpHeaders): boolean {
    if (ctx.res.headersSent || ctx.res.destroyed) return false;
    ctx.seen.status = status;
    ctx.res.writeHead(status, headers);
    return true;
  }

  private write(ctx: Ctx, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
    const raw = body instanceof Raw ? body : undefined;
    const data = Buffer.from(raw ? raw.text : JSON.stringify(body));
    const type = raw ? raw.contentType : 'application/json; charset=utf-8';
    if (!this.head(ctx, status, { 'Content-Type': type, 'Content-Length': data.length, ...headers })) return;
    if (ctx.req.method === 'HEAD') ctx.res.end();
    else if (ctx.drip) void this.dripOut(ctx, [data]);
    else ctx.res.end(data);
  }

  /** Every API answer goes through here, so holds and latencyMs apply to all of them. */
  private async answer(ctx: Ctx, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): Promise<void> {
    await this.ready(ctx);
    this.write(ctx, status, body, headers);
  }

  /** The headers at once, then the body a few bytes at a time: a server that is slow, never silent. */
  private async dripOut(ctx: Ctx, chunks: Iterable<Buffer> | AsyncIterable<Buffer>): Promise<void> {
    const { res } = ctx;
    const { intervalMs, bytesPerTick } = ctx.drip!;
    res.flushHeaders();
    for await (const chunk of chunks) {
      for (let offset = 0; offset < chunk.length; offset += bytesPerTick) {
        if (res.destroyed) return;
        res.write(chunk.subarray(offset, offset + bytesPerTick));
        await this.sleep(intervalMs);
      }
    }
    res.end();
  }

  private error(ctx: Ctx, status: number, errorCode: string, message: string): Promise<void> {
    return this.answer(ctx, status, { errorCode, message });
  }

  /**
   * Announces `announced` bytes, sends only `chunks`, then closes the connection once they are
   * out (destroySoon flushes first), so the client gets a short body rather than lost data.
   */
  private async cut(
    ctx: Ctx,
    chunks: Iterable<Buffer> | AsyncIterable<Buffer>,
    announced: number,
    headers: http.OutgoingHttpHeaders,
  ): Promise<void> {
    const { res } = ctx;
    if (!this.head(ctx, 200, { ...headers, 'Content-Length': announced })) return;
    for await (const chunk of chunks) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await drained(res);
    }
    ctx.req.socket.destroySoon();
  }

  /** A TCP reset, not a clean close: what a crashed proxy or a dropped connection looks like. */
  private resetSocket(ctx: Ctx): void {
    ctx.req.socket.resetAndDestroy();
  }

  // ---- API server ----------------------------------------------------------------------------

  private onApi(req: http.IncomingMessage, res: http.ServerResponse): void {
    const ctx = this.see('api', req, res);
    this.handleApi(ctx).catch((err: unknown) => {
      // An aborted request ends here too; only answer if the client is still listening.
      if (!res.headersSent && !res.destroyed) this.write(ctx, 500, { errorCode: 'INTERNAL_SERVER_ERROR', message: String(err) });
    });
  }

  private async handleApi(ctx: Ctx): Promise<void> {
    const { req, seen } = ctx;
    const pathname = splitTarget(seen.path).pathname;
    const endpoint = route(seen.method, pathname);
    if (!endpoint) {
      await drain(req);
      // The service is NestJS: unknown routes and wrong methods both get its 404.
      return this.error(ctx, 404, 'NOT_FOUND', `Cannot ${seen.method} ${pathname}`);
    }
    seen.endpoint = endpoint.name;
    const fault = this.takeDelivery(ctx, this.takeFault(endpoint.name));
    if (fault && !needsService(fault)) return this.apiFault(ctx, endpoint.name, fault);

    const key = req.headers['api-key'];
    if (typeof key !== 'string' || key === '') {
      await drain(req);
      return this.error(ctx, 401, 'HTTP_EXCEPTION', 'API key is required');
    }
    if (key !== this.opts.apiKey) {
      await drain(req);
      return this.error(ctx, 401, 'HTTP_EXCEPTION', 'API Key has been deleted');
    }
    switch (endpoint.name) {
      case 'upload':
        return this.upload(ctx);
      case 'features':
        return this.features(ctx, fault);
      default:
        return this.result(ctx, endpoint.uuid ?? '', fault);
    }
  }

  /** A fault on the API; with `job`, one that comes after the service took and charged it. */
  private async apiFault(ctx: Ctx, endpoint: Endpoint, fault: Fault, job?: Job): Promise<void> {
    if (fault.kind === 'reset') {
      await this.gate(ctx);
      return this.resetSocket(ctx);
    }
    // Let the client finish sending, as a real server would (a charged request was read already).
    if (!ctx.req.readableEnded) await drain(ctx.req);
    switch (fault.kind) {
      case 'hang':
        await this.gate(ctx);
        return; // the socket stays open until the client gives up or stop() destroys it
      case 'status':
        return this.answer(ctx, fault.status, this.faultBody(fault, this.defaultApiBody(fault.status)), retryAfterHeader(fault));
      case 'malformed':
        return this.answer(ctx, 200, new Raw('application/json; charset=utf-8', '{"aiRecord": {'));
      case 'truncated': {
        await this.ready(ctx);
        const text = Buffer.from(`{"aiRecord": {"uuid": "${job?.uuid ?? crypto.randomUUID()}", "model": "luma", "status": "SUC`);
        return this.cut(ctx, [text], text.length + 200, { 'Content-Type': 'application/json; charset=utf-8' });
      }
      case 'redirect': {
        // Express's redirect(): a Location header and a one-line body.
        const location = fault.location ?? `https://elsewhere.example${splitTarget(ctx.seen.path).pathname}`;
        return this.answer(ctx, fault.status ?? 302, new Raw('text/plain; charset=utf-8', `Found. Redirecting to ${location}`), {
          Location: location,
        });
      }
      case 'aiRecordNull':
        return this.answer(ctx, 200, { aiRecord: null });
      case 'successFalse':
        return this.answer(ctx, 200, { success: false, message: fault.message ?? 'Something went wrong, please try again later' });
      default:
        throw new Error(`fault ${fault.kind} on ${endpoint}`);
    }
  }

  /** A status fault's body: a string as it is (with its content type), else JSON, else `fallback`. */
  private faultBody(fault: Extract<Fault, { kind: 'status' }>, fallback: unknown): unknown {
    if (fault.body === undefined) return fallback;
    return typeof fault.body === 'string' ? new Raw(fault.contentType ?? 'text/plain; charset=utf-8', fault.body) : fault.body;
  }

  private defaultApiBody(status: number): unknown {
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
        return { errorCode: 'INSUFFICIENT_CREDITS', message: this.creditsMessage(this.opts.creditsPerVideo) };
      case 413:
        return { errorCode: 'FILE_TOO_LARGE', message: 'File too large' };
      case 429:
        return { errorCode: 'RATE_LIMIT', message: 'Too many requests' };
    }
    if (status >= 500) return { errorCode: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' };
    return { errorCode: 'HTTP_EXCEPTION', message: http.STATUS_CODES[status] ?? `HTTP ${status}` };
  }

  private creditsMessage(cost: number): string {
    return `The feature requires ${cost} credits, but the team only has ${this.balance} credits`;
  }

  // ---- POST /api/assets ----------------------------------------------------------------------

  private async upload(ctx: Ctx): Promise<void> {
    const { req } = ctx;
    const max = this.opts.maxUploadBytes;
    const contentType = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data\s*(;|$)/i.test(contentType)) {
      await drain(req);
      return this.error(
        ctx,
        400,
        'BAD_REQUEST',
        `Expected a multipart/form-data body with a file field named "asset" (got Content-Type ${show(contentType || undefined)})`,
      );
    }
    const boundary = boundaryOf(contentType);
    if (!boundary) {
      await drain(req);
      return this.error(ctx, 400, 'BAD_REQUEST', 'Multipart: no boundary in Content-Type');
    }
    // Room for the part headers and other small fields beyond the file itself.
    const body = await readBody(req, max + 64 * 1024);
    if (body.overflow) return this.error(ctx, 413, 'FILE_TOO_LARGE', `File too large: the limit is ${max} bytes`);
    let parts: Part[];
    try {
      parts = parseMultipart(body.data, boundary);
    } catch (err) {
      if (err instanceof MultipartError) return this.error(ctx, 400, 'BAD_REQUEST', `Multipart: ${err.message}`);
      throw err;
    }
    ctx.seen.multipart = parts.map((p) => ({
      field: p.name,
      ...(p.filename !== undefined ? { filename: p.filename } : {}),
      ...(p.contentType !== undefined ? { contentType: p.contentType } : {}),
      size: p.data.length,
    }));
    // Like multer's single('asset'): any other file field is an error, not ignored.
    const stray = parts.find((p) => p.filename !== undefined && p.name !== 'asset');
    if (stray) return this.error(ctx, 400, 'BAD_REQUEST', `Unexpected field "${stray.name}": send the image in a file field named "asset"`);
    const assets = parts.filter((p) => p.name === 'asset');
    if (assets.length === 0) return this.error(ctx, 400, 'BAD_REQUEST', 'No file received: expected a file field named "asset"');
    if (assets.length > 1) return this.error(ctx, 400, 'BAD_REQUEST', 'Unexpected field "asset": send exactly one file');
    const file = assets[0];
    if (file.filename === undefined)
      return this.error(ctx, 400, 'BAD_REQUEST', 'Field "asset" must be a file (with a filename), not a text value');
    if (file.data.length === 0) return this.error(ctx, 400, 'BAD_REQUEST', `The file "${file.filename}" is empty`);
    if (file.data.length > max)
      return this.error(ctx, 413, 'FILE_TOO_LARGE', `File too large: ${file.data.length} bytes, the limit is ${max} bytes`);
    const declared = file.contentType ?? '';
    const type = IMAGE_TYPES[declared];
    if (!type) {
      return this.error(
        ctx,
        400,
        'UNSUPPORTED_FILE_TYPE',
        `Unsupported file type ${show(declared || undefined)}: only image/png, image/jpeg and image/webp are accepted`,
      );
    }
    if (!type.matches(file.data)) {
      return this.error(
        ctx,
        400,
        'UNSUPPORTED_FILE_TYPE',
        `The file's content is not ${declared}: only PNG, JPEG and WEBP images are accepted`,
      );
    }

    const safeName = (file.filename.split(/[\\/]/).pop() || `image.${type.ext}`).replace(/[^A-Za-z0-9._-]/g, '_');
    const stamp = timestampKey(new Date());
    let key = `images/${stamp}_${safeName}`;
    for (let n = 1; this.uploads.has(key); n++) key = `images/${stamp}_${n}_${safeName}`;
    // The part is most of the body: keeping it as it is costs no second copy.
    this.storeUpload(key, file.data, declared);

    const ext = path.extname(safeName).slice(1).toLowerCase() || type.ext;
    const shape = this.opts.uploadReply;
    const asset: Record<string, unknown> = {
      originalname: file.filename,
      mimetype: declared,
      size: file.data.length,
      ...(shape === 'full' || shape === 'keyOnly' ? { key } : {}),
      location: `${this.assetBaseUrl}${key}`,
    };
    const fileContent: Record<string, unknown> = {
      uuid: crypto.randomUUID(),
      ...(shape === 'full' || shape === 'pathOnly' ? { path: key } : {}),
      type: ext,
    };
    return this.answer(ctx, 200, { asset, fileContent });
  }

  // ---- POST /api/features --------------------------------------------------------------------

  /** POST /api/features; `fault` is one the service takes part in (see needsService). */
  private async features(ctx: Ctx, fault?: Fault): Promise<void> {
    const { req } = ctx;
    const contentType = req.headers['content-type'] ?? '';
    const body = await readBody(req, 1024 * 1024);
    if (body.overflow) return this.error(ctx, 413, 'PAYLOAD_TOO_LARGE', 'Request body too large');
    if (!/^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(contentType)) {
      return this.error(
        ctx,
        400,
        'BAD_REQUEST',
        `Expected a JSON body (Content-Type application/json, got ${show(contentType || undefined)})`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(body.data.toString('utf8'));
    } catch {
      return this.error(ctx, 400, 'BAD_REQUEST', 'The body is not valid JSON');
    }
    ctx.seen.json = json;
    const checked = this.validateFeature(json);
    if (!checked.ok) return this.error(ctx, 400, checked.errorCode, checked.message);

    const cost = this.opts.creditsPerVideo * (checked.length / 5);
    if (this.balance < cost) return this.error(ctx, 406, 'INSUFFICIENT_CREDITS', this.creditsMessage(cost));
    this.balance -= cost;
    this.accepted++;
    const job = this.createJob(checked, cost);

    if (fault?.kind === 'recordStatus') return this.answer(ctx, 200, { aiRecord: this.recordOf(job, fault) });
    if (fault && isRecordFault(fault)) {
      // The service took the job (and the money) and it ended badly at once.
      this.applyRecordFault(job, fault);
      return this.answer(ctx, 200, { aiRecord: this.recordOf(job) });
    }
    // Charged, then the answer went wrong on its way back (a gateway, a dropped connection).
    if (fault) return this.apiFault(ctx, 'features', fault, job);
    const isAsync = isRecord(json) && json.async === true && this.opts.asyncMode === 'honour';
    if (isAsync) return this.answer(ctx, 200, { aiRecord: this.recordOf(job) });

    // Blocking call: wait for the job, unless a gateway in front gives up first.
    const gateway = this.opts.gatewayTimeoutMs;
    const outcome = await new Promise<'done' | 'gateway' | 'gone'>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (why: 'done' | 'gateway' | 'gone') => {
        job.waiters.delete(onDone);
        ctx.res.off('close', onGone);
        if (timer) {
          clearTimeout(timer);
          this.timers.delete(timer);
        }
        resolve(why);
      };
      const onDone = () => settle('done');
      const onGone = () => settle('gone');
      if (job.status !== 'PROCESSING') return resolve('done');
      job.waiters.add(onDone);
      ctx.res.once('close', onGone);
      if (gateway !== undefined) {
        timer = setTimeout(() => settle('gateway'), Math.max(0, ctx.seen.at + gateway - Date.now()));
        this.timers.add(timer);
      }
    });
    if (outcome === 'gone') return;
    if (outcome === 'gateway') {
      await this.gate(ctx);
      return this.write(ctx, 504, gatewayPage(504)); // the gateway, not the API: no latency
    }
    return this.answer(ctx, 200, { aiRecord: this.recordOf(job) });
  }

  private validateFeature(
    body: unknown,
  ):
    | { ok: true; prompt: string; length: number; promptObject: Record<string, unknown>; conversationId: string }
    | { ok: false; errorCode: string; message: string } {
    const bad = (message: string, errorCode = 'BAD_REQUEST') => ({ ok: false as const, errorCode, message });
    if (!isRecord(body)) return bad('The body must be a JSON object');
    if (body.type !== 'IMAGE_TO_VIDEO') return bad(`type must be "IMAGE_TO_VIDEO" (got ${show(body.type)})`);
    if (body.model !== 'luma') return bad(`model ${show(body.model)} is not supported for IMAGE_TO_VIDEO; use "luma"`, 'UNSUPPORTED_MODEL');
    if (typeof body.conversationId !== 'string' || body.conversationId === '')
      return bad(`conversationId is required (got ${show(body.conversationId)})`);
    const po = body.promptObject;
    if (!isRecord(po)) return bad(`promptObject is required and must be an object (got ${show(po)})`);
    if (typeof po.imageUrl !== 'string' || po.imageUrl === '')
      return bad(`promptObject.imageUrl is required: the path returned by the upload (got ${show(po.imageUrl)})`);
    if (typeof po.prompt !== 'string' || po.prompt.trim() === '')
      return bad(`promptObject.prompt must be a non-empty string (got ${show(po.prompt)})`);
    if (po.length !== 5 && po.length !== 10) return bad(`promptObject.length must be the number 5 or 10 (got ${show(po.length)})`);
    if (typeof po.enhancePrompt !== 'boolean')
      return bad(`promptObject.enhancePrompt must be true or false (got ${show(po.enhancePrompt)})`);
    if (po.modelName === undefined) return bad(`promptObject.modelName is required: one of ${MODEL_NAMES.join(', ')}`);
    if (typeof po.modelName !== 'string' || !MODEL_NAMES.includes(po.modelName)) {
      return bad(`Model ${show(po.modelName)} is not supported; use one of ${MODEL_NAMES.join(', ')}`, 'UNSUPPORTED_MODEL');
    }
    if (po.duration !== '5s' && po.duration !== '10s') return bad(`promptObject.duration must be "5s" or "10s" (got ${show(po.duration)})`);
    if (po.duration !== `${po.length}s`)
      return bad(`promptObject.duration ${show(po.duration)} does not match promptObject.length ${po.length}`);
    if (po.aspectRatio !== undefined && (typeof po.aspectRatio !== 'string' || !ASPECT_RATIOS.includes(po.aspectRatio))) {
      return bad(`promptObject.aspectRatio must be one of ${ASPECT_RATIOS.join(' ')}, or left out (got ${show(po.aspectRatio)})`);
    }
    if (po.resolution !== undefined && (typeof po.resolution !== 'string' || !RESOLUTIONS.includes(po.resolution))) {
      return bad(`promptObject.resolution must be one of ${RESOLUTIONS.join(', ')}, or left out (got ${show(po.resolution)})`);
    }
    if (po.loop !== undefined && typeof po.loop !== 'boolean')
      return bad(`promptObject.loop must be true or false, or left out (got ${show(po.loop)})`);
    // Business check last, after the DTO validation, as the service does.
    if (!this.uploads.has(po.imageUrl)) return bad('Image not found');
    return { ok: true, prompt: po.prompt, length: po.length, promptObject: po, conversationId: body.conversationId };
  }

  private createJob(checked: { prompt: string; promptObject: Record<string, unknown>; conversationId: string }, cost: number): Job {
    const job: Job = {
      uuid: crypto.randomUUID(),
      createdAt: Date.now(),
      prompt: checked.prompt,
      promptObject: checked.promptObject,
      conversationId: checked.conversationId,
      cost,
      status: 'PROCESSING',
      outcome: 'video',
      waiters: new Set(),
    };
    job.timer = setTimeout(() => this.finish(job, { status: 'SUCCESS', outcome: 'video' }), this.opts.generationMs);
    this.jobMap.set(job.uuid, job);
    return job;
  }

  private finish(job: Job, how: Pick<Job, 'status' | 'outcome' | 'reason' | 'error'>): void {
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
    job.status = how.status;
    job.outcome = how.outcome;
    job.reason = how.reason;
    job.error = how.error;
    job.finishedAt ??= Date.now();
    for (const waiter of [...job.waiters]) waiter();
  }

  private applyRecordFault(job: Job, fault: RecordFault): void {
    switch (fault.kind) {
      case 'failure':
        return this.finish(job, { status: fault.status ?? 'FAILURE', outcome: 'none', reason: fault.reason ?? 'Generation failed' });
      case 'errorInResult':
        return this.finish(job, {
          status: 'SUCCESS',
          outcome: 'error',
          error: { code: fault.code ?? 'GENERATION_FAILED', message: fault.message ?? 'The video could not be generated' },
        });
      case 'noVideo':
        return this.finish(job, { status: 'SUCCESS', outcome: 'none' });
    }
  }

  private videoUrl(job: Job): string {
    return `${this.assetBaseUrl}videos/${job.uuid}.mp4`;
  }

  private signature(uuid: string, date: string): string {
    return crypto.createHmac('sha256', this.signingKey).update(`${uuid}\n${date}`).digest('hex');
  }

  private presignedUrl(job: Job): string {
    const date = amzDate(new Date(job.finishedAt ?? Date.now()));
    const query = [
      'X-Amz-Algorithm=AWS4-HMAC-SHA256',
      `X-Amz-Credential=SIMULATOR%2F${date.slice(0, 8)}%2Fus-east-1%2Fs3%2Faws4_request`,
      `X-Amz-Date=${date}`,
      `X-Amz-Expires=${PRESIGN_EXPIRES}`,
      `X-Amz-Signature=${this.signature(job.uuid, date)}`,
      'X-Amz-SignedHeaders=host',
    ].join('&');
    return `${this.videoUrl(job)}?${query}`;
  }

  /** The record as the service sends it; `override` changes this one answer's status and error. */
  private recordOf(job: Job, override?: StatusOverride): Record<string, unknown> {
    let resultObject: unknown[] = [];
    let temporaryUrl = '';
    const extra: Record<string, unknown> = {};
    if (job.status === 'SUCCESS' && job.outcome === 'video') {
      const url = this.videoUrl(job);
      const key = `videos/${job.uuid}.mp4`;
      resultObject = [this.opts.resultShape === 'relative' ? key : this.opts.resultShape === 'absolute' ? url : { url }];
      temporaryUrl = this.presignedUrl(job);
    } else if (job.status === 'SUCCESS' && job.outcome === 'error' && job.error) {
      resultObject = [job.error];
    } else if (job.status !== 'SUCCESS' && job.status !== 'PROCESSING') {
      resultObject = [job.reason ?? 'Generation failed'];
      extra.message = job.reason ?? 'Generation failed';
    }
    return {
      uuid: job.uuid,
      model: 'luma',
      type: 'IMAGE_TO_VIDEO',
      status: override?.status ?? job.status,
      conversationId: job.conversationId,
      metadata: { credit: job.cost },
      aiRecordDetail: { promptObject: job.promptObject, resultObject },
      ...extra,
      ...(override?.error !== undefined ? { error: override.error } : {}),
      ...(override?.message !== undefined ? { message: override.message } : {}),
      createdAt: new Date(job.createdAt).toISOString(),
      ...(this.opts.temporaryUrl === 'absent' ? {} : { temporaryUrl: this.opts.temporaryUrl === 'present' ? temporaryUrl : '' }),
    };
  }

  // ---- GET /api/results/:uuid ----------------------------------------------------------------

  private async result(ctx: Ctx, uuid: string, fault?: Fault): Promise<void> {
    await drain(ctx.req);
    const job = this.jobMap.get(uuid);
    if (!job) return this.answer(ctx, 200, { aiRecord: null });
    if (fault?.kind === 'recordStatus') return this.answer(ctx, 200, { aiRecord: this.recordOf(job, fault) });
    // A record fault here sticks: the job reads that way from now on.
    if (fault && isRecordFault(fault)) this.applyRecordFault(job, fault);
    return this.answer(ctx, 200, { aiRecord: this.recordOf(job) });
  }

  // ---- storage server ------------------------------------------------------------------------

  private onStorage(req: http.IncomingMessage, res: http.ServerResponse): void {
    const ctx = this.see('storage', req, res);
    this.handleStorage(ctx).catch(() => {
      if (!res.headersSent && !res.destroyed)
        this.write(ctx, 500, s3Error('InternalError', 'We encountered an internal error. Please try again.'));
      else res.destroy();
    });
  }

  private async handleStorage(ctx: Ctx): Promise<void> {
    const { req, seen } = ctx;
    const target = splitTarget(seen.path);
    let pathname: string;
    try {
      pathname = decodeURIComponent(target.pathname);
    } catch {
      pathname = target.pathname;
    }
    const video = /^\/videos\/([^/]+)\.mp4$/.exec(pathname);
    if (video) {
      seen.endpoint = 'download';
      const fault = this.takeDelivery(ctx, this.takeFault('download'));
      await this.gate(ctx);
      if (fault) return this.storageFault(ctx, fault);
    }
    await drain(req);
    if (seen.method !== 'GET' && seen.method !== 'HEAD') {
      return this.write(
        ctx,
        405,
        s3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', { Method: seen.method }),
      );
    }
    const key = pathname.slice(1);
    if (video) {
      const job = this.jobMap.get(video[1]);
      if (!job || job.status !== 'SUCCESS' || job.outcome !== 'video') {
        return this.write(ctx, 404, s3Error('NoSuchKey', 'The specified key does not exist.', { Key: key }));
      }
      // A presigned link must arrive as issued: S3 refuses a query the client altered.
      const query = new URLSearchParams(target.query);
      const signature = query.get('X-Amz-Signature');
      if (signature !== null && signature !== this.signature(job.uuid, query.get('X-Amz-Date') ?? '')) {
        return this.write(
          ctx,
          403,
          s3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'),
        );
      }
      return this.serveVideo(ctx, false);
    }
    const image = this.uploads.get(key);
    if (image?.data) return this.sendBuffer(ctx, image.data, image.mimetype);
    return this.write(ctx, 404, s3Error('NoSuchKey', 'The specified key does not exist.', { Key: key }));
  }

  private storeUpload(key: string, data: Buffer, mimetype: string): void {
    const upload: Upload = { data: this.opts.keepUploads ? data : undefined, mimetype };
    this.uploads.set(key, upload);
    if (!upload.data) return;
    this.keptUploads.push(upload);
    this.storedUploadBytes += data.length;
    // Oldest first; the newest is always kept.
    while (this.storedUploadBytes > STORED_UPLOAD_BUDGET && this.keptUploads.length > 1) {
      const oldest = this.keptUploads.shift()!;
      this.storedUploadBytes -= oldest.data!.length;
      oldest.data = undefined;
    }
  }

  private sendBuffer(ctx: Ctx, data: Buffer, type: string): void {
    if (this.head(ctx, 200, { 'Content-Type': type, 'Content-Length': data.length }))
      ctx.res.end(ctx.req.method === 'HEAD' ? undefined : data);
  }

  private async storageFault(ctx: Ctx, fault: Fault): Promise<void> {
    if (fault.kind === 'reset') return this.resetSocket(ctx);
    await drain(ctx.req);
    switch (fault.kind) {
      case 'hang':
        return;
      case 'status':
        return this.write(
          ctx,
          fault.status,
          this.faultBody(fault, storageStatusBody(fault.status, splitTarget(ctx.seen.path).pathname.slice(1))),
          retryAfterHeader(fault),
        );
      case 'expired':
        return this.write(
          ctx,
          403,
          s3Error('AccessDenied', 'Request has expired', {
            'X-Amz-Expires': String(PRESIGN_EXPIRES),
            Expires: new Date(Date.now() - 3600_000).toISOString(),
            ServerTime: new Date().toISOString(),
          }),
        );
      case 'truncated':
      case 'cutMidStream':
        return this.serveVideo(ctx, true);
      case 'overlong':
        return this.serveOverlong(ctx, fault.extraBytes ?? 64 * 1024);
      case 'endless':
        return this.streamVideo(ctx, { 'Content-Type': 'video/mp4' }, bytesStream(generatedBytes(0, Number.MAX_SAFE_INTEGER)));
      case 'gzip':
        return this.serveGzip(ctx, fault.chunked ?? false);
      case 'gzipBomb':
        return this.streamVideo(
          ctx,
          { 'Content-Type': 'video/mp4', 'Content-Encoding': 'gzip' },
          bytesStream(zeros(fault.decodedBytes ?? 4 * 1024 ** 3)),
          zlib.createGzip({ level: 9 }),
        );
      default:
        throw new Error(`fault ${fault.kind} on download`);
    }
  }

  /** Streams the video (or the generated body), honouring a single byte Range like S3. */
  private async video(): Promise<VideoBody> {
    const generated = this.opts.videoSizeBytes;
    if (generated !== undefined) {
      return {
        size: generated,
        etag: `"gen-${generated.toString(16)}"`,
        modified: new Date(0),
        read: (start, end) => bytesStream(generatedBytes(start, end)),
      };
    }
    const file = this.opts.videoPath;
    const stat = await fs.promises.stat(file);
    return {
      size: stat.size,
      etag: `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`,
      modified: stat.mtime,
      read: (start, end) => (end < start ? bytesStream([]) : fs.createReadStream(file, { start, end })),
    };
  }

  /** Streams a body with no Content-Length (chunked), through `encoder` when given, until done or the client leaves. */
  private streamVideo(ctx: Ctx, headers: http.OutgoingHttpHeaders, source: Readable, encoder?: zlib.Gzip): void {
    if (!this.head(ctx, 200, headers)) return;
    if (encoder) pipeline(source, encoder, ctx.res, () => undefined);
    else pipeline(source, ctx.res, () => undefined);
  }

  /** The video gzip-encoded, as S3 serves an object stored with Content-Encoding: gzip. */
  private async serveGzip(ctx: Ctx, chunked: boolean): Promise<void> {
    const video = await this.video();
    const headers = { 'Content-Type': 'video/mp4', 'Content-Encoding': 'gzip' };
    if (chunked) return this.streamVideo(ctx, headers, video.read(0, video.size - 1), zlib.createGzip());
    const chunks: Buffer[] = [];
    for await (const chunk of video.read(0, video.size - 1)) chunks.push(chunk);
    const body = zlib.gzipSync(Buffer.concat(chunks));
    if (this.head(ctx, 200, { ...headers, 'Content-Length': body.length })) ctx.res.end(body);
  }

  /**
   * The video under its true Content-Length, then more bytes in the same write as its tail.
   * Written on the socket by hand: Node's server refuses to send more than it announced.
   */
  private async serveOverlong(ctx: Ctx, extraBytes: number): Promise<void> {
    const video = await this.video();
    const socket = ctx.req.socket;
    ctx.seen.status = 200;
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: ${video.size}\r\n\r\n`);
    // The headers in a read of their own, as over any real network, before the body.
    await this.sleep(20);
    let previous: Buffer | undefined;
    for await (const chunk of video.read(0, video.size - 1)) {
      if (previous && !socket.write(previous)) await drained(socket);
      if (socket.destroyed) return;
      previous = chunk;
    }
    socket.write(Buffer.concat([previous ?? Buffer.alloc(0), Buffer.alloc(extraBytes, 0x41)]));
    socket.destroySoon();
  }

  private async serveVideo(ctx: Ctx, cutHalfway: boolean): Promise<void> {
    const { req, res } = ctx;
    const video = await this.video();
    const { size, etag, modified } = video;
    let start = 0;
    let end = size - 1;
    let status = 200;
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': 'video/mp4',
      'Accept-Ranges': 'bytes',
      ETag: etag,
      'Last-Modified': modified.toUTCString(),
    };
    const range = req.headers.range;
    if (range !== undefined && !cutHalfway) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (m && (m[1] !== '' || m[2] !== '')) {
        if (m[1] === '') {
          start = Math.max(0, size - Number(m[2]));
        } else {
          start = Number(m[1]);
          if (m[2] !== '') end = Math.min(end, Number(m[2]));
        }
        if (start >= size || start > end) {
          return this.write(
            ctx,
            416,
            s3Error('InvalidRange', 'The requested range is not satisfiable', { RangeRequested: range, ActualObjectSize: String(size) }),
            {
              'Content-Range': `bytes */${size}`,
            },
          );
        }
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
      }
    }
    const length = end - start + 1;
    if (req.method === 'HEAD') {
      if (this.head(ctx, status, { ...headers, 'Content-Length': length })) res.end();
      return;
    }
    if (cutHalfway) {
      // Full length announced, half of it sent, then the connection drops.
      return this.cut(ctx, video.read(0, Math.floor(length / 2) - 1), length, headers);
    }
    if (!this.head(ctx, status, { ...headers, 'Content-Length': length })) return;
    if (length === 0) return void res.end();
    if (ctx.drip) return void this.dripOut(ctx, video.read(start, end));
    pipeline(video.read(start, end), res, () => undefined); // errors just end the transfer; the client sees a short body
  }
}

// ---------------------------------------------------------------------------------------------

function storageStatusBody(status: number, key: string): unknown {
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

function splitTarget(target: string): { pathname: string; query: string } {
  const q = target.indexOf('?');
  return q < 0 ? { pathname: target, query: '' } : { pathname: target.slice(0, q), query: target.slice(q + 1) };
}

function route(method: string, pathname: string): { name: Endpoint; uuid?: string } | undefined {
  // Express-style matching: a trailing slash is tolerated.
  const p = pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname;
  if (method === 'POST' && p === '/api/assets') return { name: 'upload' };
  if (method === 'POST' && p === '/api/features') return { name: 'features' };
  const m = /^\/api\/results\/([^/]+)$/.exec(p);
  if (method === 'GET' && m) {
    let uuid = m[1];
    try {
      uuid = decodeURIComponent(uuid);
    } catch {
      // keep it raw: it will simply not be found
    }
    return { name: 'result', uuid };
  }
  return undefined;
}

function retryAfterHeader(fault: { retryAfter?: number }): http.OutgoingHttpHeaders {
  return fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
}

/** Resolves when `res` can take more data, or when it is gone. */
function drained(res: http.ServerResponse | Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkOptions(o: ResolvedOptions): void {
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
