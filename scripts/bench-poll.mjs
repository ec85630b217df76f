// The polling plan against the fixed back-off, on simulated time: the real waitForVideo (with its
// plan, budget and history) checks jobs whose generation times are drawn from a realistic spread
// (lognormal, median 60 s: most between 35 and 100 s), after a history of 10 such jobs. The same
// jobs are checked under the fixed policy in the same run. Seeded, so runs compare.
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const out = (p) => require(path.join(root, 'out', p));
const { waitForVideo, DEFAULT_POLL } = out('src/jobs/generation.js');
const { kindOf, likelyRange, PollBudget, withFinished } = out('src/jobs/pollSchedule.js');
const { expectedWait } = out('src/shared/estimate.js');
// Seeded, so every run draws the same jobs.
const { seeded } = out('test/support/seeded.js');

const OPTIONS = { prompt: 'bench', length: 5, enhancePrompt: true, modelName: 'ray-v2', aspectRatio: '', resolution: '', loop: false };
const KIND = kindOf(OPTIONS);
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Lognormal with median 60 s and σ 0.4: about 80% of the jobs take 36 to 100 s. */
function generationTimes(count, random) {
  return Array.from({ length: count }, () => {
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.round(60_000 * Math.exp(0.4 * normal));
  });
}

/** One job checked by the real waitForVideo on simulated time: when it was seen done, and every check. */
async function pollOne(durationMs, schedule, random) {
  let now = 0;
  const checks = [];
  const uuid = 'bench-job';
  const client = {
    async getResult() {
      checks.push(now);
      return now >= durationMs
        ? { uuid, state: 'success', status: 'SUCCESS', videoUrls: ['x'] }
        : { uuid, state: 'pending', status: 'PROCESSING' };
    },
  };
  const run = {
    client,
    log: silent,
    poll: DEFAULT_POLL,
    schedule,
    now: () => now,
    random,
    sleep: async (ms) => {
      now += ms;
    },
  };
  await waitForVideo({ uuid, state: 'pending', status: 'PENDING' }, run, 0);
  return { seenAt: now, checks };
}

const mostIn60s = (times) => Math.max(0, ...times.map((start) => times.filter((t) => t >= start && t <= start + 60_000).length));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function pollPlanFigures({ jobs = 50, seed = 20261126 } = {}) {
  const random = seeded(seed);
  let history = generationTimes(10, random).reduce((list, ms, i) => withFinished(list, { kind: KIND, ms, at: i }), []);
  const durations = generationTimes(jobs, random);
  const planned = { delays: [], requests: [], most: [] };
  const fixed = { delays: [], requests: [] };
  const etaErrors = [];
  for (const [i, durationMs] of durations.entries()) {
    const range = likelyRange(history, KIND);
    // What the form shows halfway through, against what was really left.
    const halfway = expectedWait({ acceptedAt: 0, durations: range.durations }, durationMs / 2);
    if (halfway && 'remainingMs' in halfway) etaErrors.push((100 * Math.abs(halfway.remainingMs - durationMs / 2)) / (durationMs / 2));
    else etaErrors.push(100);
    let measured;
    const schedule = { jobId: `job-${i}`, acceptedAt: 0, range, budget: new PollBudget(), onGenerated: (ms) => (measured = ms) };
    const plan = await pollOne(durationMs, schedule, random);
    planned.delays.push(plan.seenAt - durationMs);
    planned.requests.push(plan.checks.length);
    planned.most.push(mostIn60s(plan.checks));
    const before = await pollOne(durationMs, undefined, random);
    fixed.delays.push(before.seenAt - durationMs);
    fixed.requests.push(before.checks.length);
    if (measured) history = withFinished(history, { kind: KIND, ms: measured, at: 100 + i });
  }
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  return {
    poll_detect_delay_ms: median(planned.delays).toFixed(0),
    poll_detect_delay_fixed_ms: median(fixed.delays).toFixed(0),
    poll_detect_delay_ratio_vs_fixed: (median(planned.delays) / median(fixed.delays)).toFixed(2),
    poll_requests_per_job: mean(planned.requests).toFixed(1),
    poll_requests_per_job_fixed: mean(fixed.requests).toFixed(1),
    poll_requests_ratio_vs_fixed: (mean(planned.requests) / mean(fixed.requests)).toFixed(2),
    poll_max_requests_in_60s: Math.max(...planned.most),
    eta_error_pct: median(etaErrors).toFixed(0),
  };
}
