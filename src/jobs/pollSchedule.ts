// When to look again at a generation the service is making, and how long it will likely take.
// Without enough history of its kind: today's back-off (the `fallback` delay). With enough finished
// jobs of the same kind (model, length, resolution, enhance flag): sparse while finishing is
// unlikely, every `minMs` across the likely range (12th to 88th percentile of those jobs: the band that
// keeps the checks within 1.5× today's policy, see CONTRIBUTING), and backing off again once it
// runs long. Whatever the plan says, a budget per job and one shared by
// every running job keep the checks within the service's request limits. No vscode, no clock.
import { percentile } from '../shared/estimate';
import type { GenerationOptions } from '../shared/options';

/** What a generation's duration depends on. */
export interface GenerationKind {
  modelName: string;
  length: number;
  resolution: string;
  enhancePrompt: boolean;
}

/** One finished generation: how long it took from accepted to done. */
export interface FinishedGeneration {
  kind: GenerationKind;
  ms: number;
  /** When it finished, so the history keeps the newest. */
  at: number;
}

/** Matching finished jobs needed before the plan trusts them. */
export const MIN_HISTORY = 5;
/** Finished jobs kept, newest first. */
export const HISTORY_LIMIT = 200;

export function kindOf(options: GenerationOptions): GenerationKind {
  return {
    modelName: options.modelName,
    length: options.length,
    resolution: options.resolution ?? '',
    enhancePrompt: options.enhancePrompt,
  };
}

function sameKind(a: GenerationKind, b: GenerationKind): boolean {
  return a.modelName === b.modelName && a.length === b.length && a.resolution === b.resolution && a.enhancePrompt === b.enhancePrompt;
}

/** The history with one more finished job, newest first, at most HISTORY_LIMIT long. */
export function withFinished(history: readonly FinishedGeneration[], finished: FinishedGeneration): FinishedGeneration[] {
  if (!(finished.ms > 0) || !Number.isFinite(finished.ms)) return [...history];
  return [finished, ...history].sort((a, b) => b.at - a.at).slice(0, HISTORY_LIMIT);
}

/** Where the matching past jobs finished: their 12th, 50th and 88th percentiles, in ms after acceptance. */
export interface LikelyRange {
  earlyMs: number;
  medianMs: number;
  lateMs: number;
  /** The matching durations, sorted: the estimate reads them. */
  durations: readonly number[];
}

/** The band of checks every `minMs`; see CONTRIBUTING for what each width costs and saves. */
export const EARLY_PERCENTILE = 0.12;
export const LATE_PERCENTILE = 0.88;

export function likelyRange(history: readonly FinishedGeneration[], kind: GenerationKind): LikelyRange | undefined {
  const durations = history
    .filter((past) => sameKind(past.kind, kind) && past.ms > 0 && Number.isFinite(past.ms))
    .map((past) => past.ms)
    .sort((a, b) => a - b);
  if (durations.length < MIN_HISTORY) return undefined;
  return {
    earlyMs: percentile(durations, EARLY_PERCENTILE),
    medianMs: percentile(durations, 0.5),
    // One stuck job among a few must not stretch the band of 3 s checks over many minutes.
    lateMs: Math.min(percentile(durations, LATE_PERCENTILE), 2 * percentile(durations, 0.5)),
    durations,
  };
}

/** The poll settings: no two checks closer than `minMs`, none further apart than `maxMs`. */
export interface PollBounds {
  minMs: number;
  maxMs: number;
}

/**
 * How long the plan waits before the next check, `elapsedMs` after the service accepted the job.
 * Before the likely range: straight to its start, but never longer than `maxMs` (an early finish
 * is still seen). Inside it: every `minMs`. Past it: a wait that grows with the overrun.
 */
export function plannedDelay(elapsedMs: number, range: LikelyRange | undefined, bounds: PollBounds, fallbackMs: number): number {
  if (!range) return fallbackMs;
  const clamp = (ms: number) => Math.round(Math.min(bounds.maxMs, Math.max(bounds.minMs, ms)));
  if (elapsedMs < range.earlyMs) return clamp(range.earlyMs - elapsedMs);
  if (elapsedMs <= range.lateMs) return clamp(bounds.minMs);
  return clamp((elapsedMs - range.lateMs) / 2);
}

/**
 * At most `limit` requests in any `windowMs` (both ends counted). Requests are booked ahead, and
 * not in order (one job books its check in 15 s, another then books one in 3 s).
 */
export class RequestWindow {
  private booked: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Whether one more request at `at` keeps every window that holds it within the limit. */
  private fits(at: number): boolean {
    const near = this.booked.filter((time) => time >= at - this.windowMs && time <= at + this.windowMs);
    // The count of a window holding `at` is largest when it starts at `at - windowMs`, at `at`
    // itself (later bookings count then) or at a booked request before it.
    const starts = [at - this.windowMs, at, ...near.filter((time) => time <= at)];
    return starts.every((start) => near.filter((time) => time >= start && time <= start + this.windowMs).length < this.limit);
  }

  /** The earliest moment from `at` on when one more request fits: `at`, or just after a booked one leaves a window. */
  earliest(at: number): number {
    const candidates = [at, ...this.booked.map((time) => time + this.windowMs + 1).filter((time) => time > at)].sort((a, b) => a - b);
    return candidates.find((time) => this.fits(time)) ?? at;
  }

  /** Books a request at `at`; requests before `now - windowMs` can no longer matter and go. */
  record(at: number, now = at): void {
    this.booked = [...this.booked.filter((time) => time >= now - this.windowMs), at];
  }
}

/** The service's limit for checks on one job, and for all running jobs together. */
export const JOB_LIMIT = { limit: 20, windowMs: 60_000 };
export const SHARED_LIMIT = { limit: 60, windowMs: 60_000 };
export interface PollLimits {
  job: { limit: number; windowMs: number };
  shared: { limit: number; windowMs: number };
}

/**
 * The checks of every running job of one window: each job within its own budget, and all of them
 * (a batch, or several) within the shared one.
 */
export class PollBudget {
  private readonly shared: RequestWindow;
  private readonly jobs = new Map<string, RequestWindow>();

  /** The service's limits; tests that run on a faster clock scale them with it. */
  constructor(private readonly limits: PollLimits = { job: JOB_LIMIT, shared: SHARED_LIMIT }) {
    this.shared = new RequestWindow(limits.shared.limit, limits.shared.windowMs);
  }

  /**
   * Books the first moment from `wantedAt` on when `jobId` may send a check and returns it. The
   * slot counts as used from now on, even if the check never goes (a cancel): never more, only
   * fewer. `now` is the clock's time (at most `wantedAt`).
   */
  reserve(jobId: string, wantedAt: number, now = wantedAt): number {
    let own = this.jobs.get(jobId);
    if (!own) this.jobs.set(jobId, (own = new RequestWindow(this.limits.job.limit, this.limits.job.windowMs)));
    let at = wantedAt;
    for (;;) {
      const next = Math.max(own.earliest(at), this.shared.earliest(at));
      if (next === at) break;
      at = next;
    }
    own.record(at, now);
    this.shared.record(at, now);
    return at;
  }

  /** A job that ended: its own window goes; its checks still count in the shared one. */
  forget(jobId: string): void {
    this.jobs.delete(jobId);
  }
}

/** A job's polling, as waitForVideo (generation.ts) follows it. */
export interface PollSchedule {
  jobId: string;
  /** When the service accepted the generation (saved with the job, so a restart resumes the plan). */
  acceptedAt: number;
  /** Undefined without enough history: the plan is the fallback back-off. */
  range: LikelyRange | undefined;
  budget: PollBudget;
  /** Told how long the generation took, when a check saw it done soon after one saw it pending. */
  onGenerated?(ms: number): void;
}

/** The wait before the next check, `now`: the plan's, then pushed back as far as the budgets need. */
export function nextCheckDelay(schedule: PollSchedule, bounds: PollBounds, fallbackMs: number, now: number): number {
  const planned = plannedDelay(now - schedule.acceptedAt, schedule.range, bounds, fallbackMs);
  return schedule.budget.reserve(schedule.jobId, now + planned, now) - now;
}
