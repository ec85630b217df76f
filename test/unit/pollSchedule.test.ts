// The polling plan and the wait estimate, on a fake clock: a job that finishes at a known moment is
// checked by the plan, and what matters is counted: how long after the finish it was seen, how
// many checks it took, and the most checks in any 60 s.
import * as assert from 'node:assert/strict';
import { estimateWait, expectedWait, percentile, waitText } from '../../src/shared/estimate';
import {
  type FinishedGeneration,
  type GenerationKind,
  JOB_LIMIT,
  kindOf,
  likelyRange,
  MIN_HISTORY,
  plannedDelay,
  PollBudget,
  RequestWindow,
  SHARED_LIMIT,
  withFinished,
} from '../../src/jobs/pollSchedule';
import { backoffDelay } from '../../src/util/timing';
import { generationOptions } from '../support/fixtures';

const kind: GenerationKind = kindOf(generationOptions);
const BOUNDS = { minMs: 3000, maxMs: 15_000 };
const today = (attempt: number) => backoffDelay({ initialMs: 3000, factor: 1.5, maxMs: 15_000 }, attempt, () => 1);

function history(durationsMs: number[], of: GenerationKind = kind): FinishedGeneration[] {
  return durationsMs.reduce<FinishedGeneration[]>((list, ms, i) => withFinished(list, { kind: of, ms, at: i }), []);
}
/** Ten past jobs between 50 and 70 s. */
const usual = history([50, 52, 55, 57, 60, 60, 62, 64, 67, 70].map((s) => s * 1000));

/** Polls one job that finishes `finishMs` after acceptance; the checks' times and when it was seen. */
function pollUntilSeen(finishMs: number, past: FinishedGeneration[], budget = new PollBudget(), id = 'job') {
  const range = likelyRange(past, kind);
  const checks: number[] = [];
  let now = 0;
  for (let attempt = 0; ; attempt++) {
    now = budget.reserve(id, now + plannedDelay(now, range, BOUNDS, today(attempt)), now);
    checks.push(now);
    if (now >= finishMs) return { checks, delayMs: now - finishMs };
  }
}

function mostIn60s(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return Math.max(...sorted.map((start) => sorted.filter((t) => t >= start && t <= start + 60_000).length));
}

describe('the polling plan', () => {
  it('without history, or with too little of the same kind, it is the back-off of before', () => {
    assert.equal(likelyRange([], kind), undefined);
    assert.equal(likelyRange(history([60_000, 61_000, 62_000, 63_000]), kind), undefined, `fewer than ${MIN_HISTORY}`);
    const otherKind = history(
      [60, 61, 62, 63, 64, 65].map((s) => s * 1000),
      { ...kind, length: 10 },
    );
    assert.equal(likelyRange(otherKind, kind), undefined, 'another length is another kind');
    for (let attempt = 0; attempt < 8; attempt++)
      assert.equal(plannedDelay(attempt * 5000, undefined, BOUNDS, today(attempt)), today(attempt));
  });

  it('with history: sparse before the likely range, every 3 s across it, backing off after', () => {
    const range = likelyRange(usual, kind)!;
    assert.ok(range.earlyMs > 52_000 && range.earlyMs < 53_000, String(range.earlyMs));
    assert.ok(range.lateMs > 66_000 && range.lateMs < 67_000, String(range.lateMs));
    assert.equal(plannedDelay(0, range, BOUNDS, 3000), 15_000, 'far from it: the longest wait the settings allow');
    assert.equal(plannedDelay(45_000, range, BOUNDS, 3000), Math.round(range.earlyMs - 45_000), 'straight to its start');
    assert.equal(plannedDelay(60_000, range, BOUNDS, 3000), 3000);
    assert.equal(plannedDelay(range.lateMs + 10_000, range, BOUNDS, 3000), 5000, 'half the overrun');
    assert.equal(plannedDelay(range.lateMs + 120_000, range, BOUNDS, 3000), 15_000, 'never past the longest wait');
    assert.equal(plannedDelay(60_000, range, { minMs: 5000, maxMs: 15_000 }, 3000), 5000, 'the settings are bounds');
  });

  it('a job that finishes where its kind usually does is seen within 3 s, with at most half again the checks of before', () => {
    for (const finishMs of [52_500, 58_100, 61_700, 66_300]) {
      const planned = pollUntilSeen(finishMs, usual);
      const before = pollUntilSeen(finishMs, []);
      assert.ok(planned.delayMs <= 3000, `${finishMs}: seen ${planned.delayMs} ms late`);
      assert.ok(planned.checks.length <= before.checks.length * 1.5, `${planned.checks.length} checks, before ${before.checks.length}`);
      assert.ok(mostIn60s(planned.checks) <= JOB_LIMIT.limit);
    }
  });

  it('a job far outside its history: still seen, the waits growing again, never over 20 checks a minute', () => {
    const early = pollUntilSeen(8000, usual);
    assert.ok(early.delayMs <= BOUNDS.maxMs, 'an early finish is seen within the longest wait');
    const late = pollUntilSeen(400_000, usual);
    assert.ok(late.delayMs <= BOUNDS.maxMs);
    const gaps = late.checks.slice(1).map((t, i) => t - late.checks[i]);
    assert.equal(gaps[gaps.length - 1], BOUNDS.maxMs, 'long past the range: the longest wait');
    assert.ok(mostIn60s(late.checks) <= JOB_LIMIT.limit);
  });

  it('a batch shares one budget: never more than 60 checks a minute together, nor 20 for one job', () => {
    const budget = new PollBudget();
    const all: number[] = [];
    const perJob = new Map<string, number[]>();
    // Ten jobs accepted together, all in their likely range at once: 10 × 20 a minute would be 200.
    // As the machine runs them: each check, when it is made, books the job's next one.
    const range = likelyRange(usual, kind)!;
    const booked = new Map<string, number>();
    for (let i = 0; i < 10; i++) booked.set(`job-${i}`, budget.reserve(`job-${i}`, range.earlyMs, 0));
    for (let step = 0; step < 300; step++) {
      const [id, now] = [...booked].reduce((a, b) => (b[1] < a[1] ? b : a));
      all.push(now);
      perJob.set(id, [...(perJob.get(id) ?? []), now]);
      booked.set(id, budget.reserve(id, now + plannedDelay(now, range, BOUNDS, 3000), now));
    }
    assert.ok(mostIn60s(all) <= SHARED_LIMIT.limit, `${mostIn60s(all)} in 60 s`);
    for (const [id, times] of perJob) assert.ok(mostIn60s(times) <= JOB_LIMIT.limit, id);
  });

  it('a request window counts both ends of any 60 s and books the first free moment', () => {
    const window = new RequestWindow(3, 60_000);
    for (const at of [0, 1000, 2000]) {
      assert.equal(window.earliest(at), at);
      window.record(at);
    }
    assert.equal(window.earliest(2500), 60_001, 'the first check must leave the window first');
    window.record(60_001);
    assert.equal(window.earliest(60_001), 61_001);
  });

  it('bookings out of order (one job books 15 s ahead, another then 3 s) never overfill any 60 s', () => {
    const window = new RequestWindow(2, 60_000);
    window.record(10_000, 0);
    window.record(20_000, 0);
    assert.equal(window.earliest(5000), 70_001, 'a request at 5 s would make three in 5–65 s');
    const random = (() => {
      let seed = 7;
      return () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    })();
    for (let trial = 0; trial < 300; trial++) {
      const budget = new PollBudget({ job: { limit: 5, windowMs: 10_000 }, shared: { limit: 8, windowMs: 10_000 } });
      const booked: number[] = [];
      const perJob = new Map<string, number[]>();
      let now = 0;
      for (let i = 0; i < 40; i++) {
        now += Math.floor(random() * 500);
        const id = `job-${Math.floor(random() * 3)}`;
        const at = budget.reserve(id, now + Math.floor(random() * 8000), now);
        booked.push(at);
        perJob.set(id, [...(perJob.get(id) ?? []), at]);
      }
      const most = (times: number[]) => Math.max(...times.map((start) => times.filter((t) => t >= start && t <= start + 10_000).length));
      assert.ok(most(booked) <= 8, `trial ${trial}: ${most(booked)} together`);
      for (const times of perJob.values()) assert.ok(most(times) <= 5, `trial ${trial}: ${most(times)} for one job`);
    }
  });

  it('one job far slower than the rest does not stretch the band of 3 s checks', () => {
    const range = likelyRange(history([55, 58, 60, 62, 1800].map((s) => s * 1000)), kind)!;
    assert.ok(range.lateMs <= 2 * range.medianMs, `late edge ${range.lateMs} ms`);
  });

  it('the history keeps the newest finished jobs and ignores durations that are not real', () => {
    let list: FinishedGeneration[] = [];
    for (let i = 0; i < 250; i++) list = withFinished(list, { kind, ms: 1000 + i, at: i });
    assert.equal(list.length, 200);
    assert.equal(list[0].at, 249);
    assert.equal(withFinished(list, { kind, ms: NaN, at: 999 }).length, 200);
    assert.equal(withFinished([], { kind, ms: -5, at: 1 }).length, 0);
    assert.equal(percentile([10, 20, 30, 40], 0.5), 25);
  });
});

describe('the wait estimate', () => {
  const range = likelyRange(usual, kind)!;

  it('without enough history there is none: the form shows the elapsed time as before', () => {
    assert.equal(expectedWait(undefined, 10_000), undefined);
    assert.equal(expectedWait({ acceptedAt: 0, durations: [] }, 10_000), undefined);
  });

  it('says it in words a person reads at a glance', () => {
    assert.equal(waitText({ remainingMs: 41_000, fraction: 0.5 }), 'about 40 s left');
    assert.equal(waitText({ remainingMs: 1000, fraction: 0.9 }), 'about 5 s left');
    assert.equal(waitText({ remainingMs: 170_000, fraction: 0.1 }), 'about 3 min left');
    assert.equal(waitText({ overdue: true }), 'taking longer than usual');
    assert.equal(waitText(expectedWait({ acceptedAt: 1000, durations: range.durations }, 41_000)!), 'about 20 s left');
  });

  it('counts down as time passes, from the past jobs still running at that point', () => {
    const at10 = estimateWait(10_000, range.durations) as { remainingMs: number; fraction: number };
    const at40 = estimateWait(40_000, range.durations) as { remainingMs: number; fraction: number };
    assert.ok(Math.abs(at10.remainingMs - 50_000) <= 1000, String(at10.remainingMs));
    assert.ok(Math.abs(at40.remainingMs - 20_000) <= 1000, String(at40.remainingMs));
    assert.ok(at40.fraction > at10.fraction && at40.fraction < 1);
    const at62 = estimateWait(62_000, range.durations) as { remainingMs: number };
    assert.ok(at62.remainingMs > 0 && at62.remainingMs < 10_000, 'late in the range: the later half of the jobs still running');
  });

  it('a clock behind the acceptance (set back, or another machine) counts as just accepted: no negative bar', () => {
    for (const elapsed of [-30_000, -1e9]) {
      const estimate = estimateWait(elapsed, range.durations) as { remainingMs: number; fraction: number };
      assert.equal(estimate.fraction, 0);
      assert.ok(estimate.remainingMs > 0 && estimate.remainingMs <= 70_000, String(estimate.remainingMs));
    }
  });

  it('never a negative or frozen number: past the usual range it is "longer than usual"', () => {
    assert.deepEqual(estimateWait(percentile(range.durations, 0.95) + 1, range.durations), { overdue: true });
    assert.deepEqual(estimateWait(600_000, range.durations), { overdue: true });
    for (let elapsed = 0; elapsed <= percentile(range.durations, 0.95); elapsed += 500) {
      const estimate = estimateWait(elapsed, range.durations);
      if (estimate && 'remainingMs' in estimate) assert.ok(estimate.remainingMs >= 1000);
    }
  });
});
