// Waiting that a cancel can cut short, and the back-off schedule shared by every retry.
import { l10n } from '../shared/l10n';
import { cancelled } from './lumaError';

/** Resolves after `ms`, or rejects with a cancel error as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface BackoffPolicy {
  /** First delay. */
  initialMs: number;
  /** Growth per attempt. */
  factor: number;
  /** No delay exceeds this. */
  maxMs: number;
}

/**
 * Delay before attempt `attempt` (0-based) with "full jitter" between half and the whole step, so
 * many clients retrying at once spread out instead of hitting the service together.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.initialMs * policy.factor ** attempt);
  return Math.round(step / 2 + (random() * step) / 2);
}

/** `Retry-After` as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown, now: number = Date.now()): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Why a Deadline cut its request short. */
export type Expiry = 'deadline' | 'stalled';

/**
 * One AbortSignal for one request, fired by the caller's cancel (when given), a wall-clock
 * deadline, or, with `stallMs`, that long without progress(). `expired` says which limit fired.
 * axios's own `timeout` only measures socket inactivity: a server that drips a byte a second never
 * trips it, so every request needs a limit of this kind.
 */
export class Deadline {
  readonly signal: AbortSignal;
  expired?: Expiry;
  private readonly controller = new AbortController();
  private readonly totalTimer: NodeJS.Timeout;
  private stallTimer?: NodeJS.Timeout;
  private lastProgress = Date.now();
  private readonly onCancel = () => this.controller.abort();

  constructor(private readonly limits: { totalMs: number; stallMs?: number; cancel?: AbortSignal }) {
    this.signal = this.controller.signal;
    if (limits.cancel?.aborted) this.controller.abort();
    else limits.cancel?.addEventListener('abort', this.onCancel, { once: true });
    this.totalTimer = setTimeout(() => this.expire('deadline'), limits.totalMs);
    if (limits.stallMs !== undefined) this.watchStall(limits.stallMs);
  }

  /** Something arrived: the stall limit starts again from `now`. */
  progress(now: number = Date.now()): void {
    this.lastProgress = now;
  }

  /** Stops the timers; call it once the request is over, whatever its outcome. */
  dispose(): void {
    clearTimeout(this.totalTimer);
    clearTimeout(this.stallTimer);
    this.limits.cancel?.removeEventListener('abort', this.onCancel);
  }

  // One timer re-armed for the time left, rather than a new timer for every chunk that arrives.
  private watchStall(stallMs: number): void {
    const check = () => {
      const idle = Date.now() - this.lastProgress;
      if (idle >= stallMs) this.expire('stalled');
      else this.stallTimer = setTimeout(check, stallMs - idle);
    };
    this.stallTimer = setTimeout(check, stallMs);
  }

  private expire(why: Expiry): void {
    if (this.signal.aborted) return;
    this.expired = why;
    this.controller.abort();
  }
}

/** "250 ms", "30 s", "6 minutes": a limit as a message names it. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return l10n.t('{0} minutes', Math.round(ms / 60_000));
}
