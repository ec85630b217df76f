// The fault table: every failure the simulator can put on a request, where each one applies,
// and the queue inject() fills and each request takes from.

import type { Endpoint } from './types';

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
export type RecordFault = Extract<Fault, { kind: 'failure' | 'errorInResult' | 'noVideo' }>;
export type StatusOverride = Extract<Fault, { kind: 'recordStatus' }>;
export function isRecordFault(fault: Fault): fault is RecordFault {
  return fault.kind === 'failure' || fault.kind === 'errorInResult' || fault.kind === 'noVideo';
}
/** Faults the service itself takes part in: they come after the key check (and on features, the charge). */
export function needsService(fault: Fault): boolean {
  return isRecordFault(fault) || fault.kind === 'recordStatus' || ('charge' in fault && fault.charge === true);
}

/** Faults waiting for the next requests to each endpoint, oldest first. */
export class FaultQueue {
  private readonly queues = new Map<Endpoint, { fault: Fault; left: number }[]>();

  /** The next `times` requests to `endpoint` get `fault`, after any faults already queued there. */
  add(endpoint: Endpoint, fault: Fault, times: number): void {
    checkFault(endpoint, fault);
    if (!Number.isInteger(times) || times < 1) throw new Error('Simulator.inject: times must be a positive integer');
    const queue = this.queues.get(endpoint) ?? [];
    queue.push({ fault, left: times });
    this.queues.set(endpoint, queue);
  }

  /**
   * The fault for this request to `endpoint`: the oldest queued one, else with `rateLimitShare`
   * a 429 at random, else none.
   */
  take(endpoint: Endpoint, rateLimitShare: number): Fault | undefined {
    const queue = this.queues.get(endpoint);
    const head = queue?.[0];
    if (!queue || !head) {
      // A 429 refuses before any work is done, so it never charges.
      if (rateLimitShare > 0 && Math.random() < rateLimitShare) return { kind: 'status', status: 429, retryAfter: 1 };
      return undefined;
    }
    if (--head.left === 0) queue.shift();
    return head.fault;
  }

  clear(): void {
    this.queues.clear();
  }
}
