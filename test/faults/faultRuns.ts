// Randomized fault runs: random sequences of a person's actions (Generate, a batch, Cancel,
// Retry, Fetch Video, Remove), service faults (refusals, gateway errors before and after the
// charge, cut and hanging connections, slow and malformed answers, odd statuses, broken
// downloads), crashes and restarts of a window, a second window on the same workspace and a
// full disk, run against the real job machine, store, client and output, and the simulator
// over loopback. After every step, and once everything has settled, the money and file rules
// are checked against the simulator's own record of what it charged. fast-check generates the
// sequences, and shrinks a failing one to a minimal case it prints with its seed.
import * as fc from 'fast-check';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isFetchable, JobRecord } from '../../src/jobs/job';
import { canMove, isUnfinished, JobState } from '../../src/jobs/jobStatus';
import { JobStore } from '../../src/jobs/jobStore';
import type { Question } from '../../src/jobs/machine';
import { LumaError } from '../../src/util/lumaError';
import { silentLogger } from '../../src/util/log';
import { sleep } from '../../src/util/timing';
import type { Endpoint, Fault, Simulator } from '../simulator/simulator';
import { createHost, sampleVideo, TestHost } from '../support/jobHost';

/** The key holds the characters that escape differently in JSON and URLs. */
export const FAULT_KEY = 'sk/fault+run=key-9_Z';
const IMAGES = ['cat.png', 'dog.png', 'owl.png'];
const WINDOWS = 2;
const PLACEHOLDER_MARK = 'LUMA-VIDEO-PLACEHOLDER';

export type Step =
  | { kind: 'generate'; window: number; image: number; yes: boolean }
  | { kind: 'batch'; window: number; yes: boolean }
  | { kind: 'cancel'; window: number; pick: number; confirm: boolean }
  | { kind: 'retry'; window: number; pick: number; yes: boolean }
  | { kind: 'fetch'; window: number; pick: number }
  | { kind: 'remove'; window: number; pick: number; yes: boolean }
  | { kind: 'fault'; endpoint: Endpoint; fault: Fault; times: number }
  | { kind: 'crash'; window: number }
  | { kind: 'secondWindow' }
  | { kind: 'disk'; window: number; full: boolean }
  | { kind: 'wait'; ms: number };

// ---- the sequences ----

const echoKey = JSON.stringify({ errorCode: 'BAD_REQUEST', message: `Bad header API-KEY: ${FAULT_KEY}` }).replace(/\//g, '\\/');

const faultArb: fc.Arbitrary<{ endpoint: Endpoint; fault: Fault }> = fc.oneof(
  fc.constantFrom<{ endpoint: Endpoint; fault: Fault }>(
    { endpoint: 'upload', fault: { kind: 'status', status: 429, retryAfter: 0 } },
    { endpoint: 'upload', fault: { kind: 'status', status: 503 } },
    { endpoint: 'upload', fault: { kind: 'reset' } },
    { endpoint: 'upload', fault: { kind: 'hang' } },
    { endpoint: 'upload', fault: { kind: 'status', status: 401 } },
    { endpoint: 'features', fault: { kind: 'status', status: 429, retryAfter: 0 } },
    { endpoint: 'features', fault: { kind: 'status', status: 400, body: echoKey, contentType: 'application/json' } },
    { endpoint: 'features', fault: { kind: 'status', status: 406 } },
    { endpoint: 'features', fault: { kind: 'status', status: 502 } },
    { endpoint: 'features', fault: { kind: 'status', status: 504, charge: true } },
    { endpoint: 'features', fault: { kind: 'reset', charge: true } },
    { endpoint: 'features', fault: { kind: 'reset' } },
    { endpoint: 'features', fault: { kind: 'hang', charge: true } },
    { endpoint: 'features', fault: { kind: 'malformed', charge: true } },
    { endpoint: 'features', fault: { kind: 'truncated', charge: true } },
    { endpoint: 'features', fault: { kind: 'successFalse' } },
    { endpoint: 'features', fault: { kind: 'failure', reason: 'content policy' } },
    { endpoint: 'result', fault: { kind: 'status', status: 500 } },
    { endpoint: 'result', fault: { kind: 'status', status: 429, retryAfter: 0 } },
    { endpoint: 'result', fault: { kind: 'hang' } },
    { endpoint: 'result', fault: { kind: 'malformed' } },
    { endpoint: 'result', fault: { kind: 'aiRecordNull' } },
    { endpoint: 'result', fault: { kind: 'failure' } },
    { endpoint: 'result', fault: { kind: 'errorInResult', message: 'blocked' } },
    { endpoint: 'result', fault: { kind: 'noVideo' } },
    { endpoint: 'result', fault: { kind: 'recordStatus', status: 'MODERATING' } },
    { endpoint: 'result', fault: { kind: 'recordStatus', status: 'REJECTED', error: { code: 'NSFW', message: 'rejected' } } },
    { endpoint: 'download', fault: { kind: 'status', status: 404 } },
    { endpoint: 'download', fault: { kind: 'status', status: 503 } },
    { endpoint: 'download', fault: { kind: 'cutMidStream' } },
    { endpoint: 'download', fault: { kind: 'expired' } },
    { endpoint: 'download', fault: { kind: 'reset' } },
    { endpoint: 'download', fault: { kind: 'hang' } },
    { endpoint: 'download', fault: { kind: 'gzip' } },
    { endpoint: 'download', fault: { kind: 'overlong' } },
  ),
  // Slow answers: a Cancel or a crash lands while the request is out.
  fc.record({
    endpoint: fc.constantFrom<Endpoint>('upload', 'features', 'result', 'download'),
    fault: fc.integer({ min: 50, max: 300 }).map((ms): Fault => ({ kind: 'hold', ms })),
  }),
  fc.integer({ min: 50, max: 300 }).map((ms) => ({
    endpoint: 'features' as Endpoint,
    fault: { kind: 'hold', ms, then: { kind: 'status', status: 504, charge: true } } as Fault,
  })),
  fc.constant({ endpoint: 'download' as Endpoint, fault: { kind: 'drip', intervalMs: 20, bytesPerTick: 4096 } as Fault }),
);

const windowArb = fc.integer({ min: 0, max: WINDOWS - 1 });
const pickArb = fc.nat({ max: 20 });

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('generate' as const),
      window: windowArb,
      image: fc.integer({ min: 0, max: IMAGES.length - 1 }),
      yes: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('batch' as const), window: windowArb, yes: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cancel' as const), window: windowArb, pick: pickArb, confirm: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retry' as const), window: windowArb, pick: pickArb, yes: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fetch' as const), window: windowArb, pick: pickArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), window: windowArb, pick: pickArb, yes: fc.boolean() }) },
  {
    weight: 5,
    arbitrary: faultArb.chain(({ endpoint, fault }) =>
      fc.record({
        kind: fc.constant('fault' as const),
        endpoint: fc.constant(endpoint),
        fault: fc.constant(fault),
        times: fc.integer({ min: 1, max: 3 }),
      }),
    ),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('crash' as const), window: windowArb }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'secondWindow' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('disk' as const), window: windowArb, full: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 250 }) }) },
);

export const sequenceArb = fc.array(stepArb, { minLength: 1, maxLength: 14 });

// ---- one world per sequence ----

interface Credit {
  at: number;
  why: string;
}

/** What each window did and saw, for the checks. */
class World {
  readonly windows: (TestHost | undefined)[] = [];
  private readonly deadHosts = new Set<string>();
  private hostCount = 0;
  /** Confirmations of a new generation, per image: each lets one more charge through. */
  readonly credits = new Map<string, Credit[]>();
  /** Per job: how many times it was queued (its first run and every Retry that re-queued it). */
  readonly runsStarted = new Map<string, number>();
  /** Paid jobs forgotten after the person confirmed "Remove". */
  readonly removedWithConsent = new Set<string>();
  /** Jobs forgotten (their prompts), and videos whose jobs were forgotten: still fine on disk. */
  readonly removedPrompts = new Set<string>();
  readonly removedVideos = new Set<string>();
  readonly violations: string[] = [];
  private answer = false;
  private promptCount = 0;

  constructor(
    readonly sim: Simulator,
    readonly storeDir: string,
    readonly videoDir: string,
    readonly step: () => number,
  ) {}

  open(window: number): TestHost {
    const host = createHost({
      storeDir: this.storeDir,
      videoDir: this.videoDir,
      api: this.sim,
      apiKey: FAULT_KEY,
      hostId: `window-${window}-${++this.hostCount}`,
      deadHosts: this.deadHosts,
      answer: (question) => this.onQuestion(question),
      heartbeatMs: 40,
      staleMs: 300,
      deadlineMs: 250,
    });
    const last = new Map<string, JobState>();
    host.machine.onDidChange(({ job, here }) => {
      const before = last.get(job.id);
      // Moves this window made (another window's arrive as they are now, steps in between unseen).
      if (here && before && before !== job.state && !canMove(before, job.state))
        this.violations.push(
          `${host.hostId}: job ${job.options.prompt} moved from ${before} to ${job.state}, which the state table forbids`,
        );
      if (job.state === 'queued' && before !== 'queued') this.runsStarted.set(job.id, (this.runsStarted.get(job.id) ?? 0) + 1);
      // A saved video lets the next generation of its image through without a question.
      if (job.state === 'done' && before !== 'done') this.credit(job.imageName, `${job.options.prompt} saved`);
      last.set(job.id, job.state);
    });
    // Each window shows the list (a form or the Generations view is open), so it follows the others.
    host.machine.watchOtherWindows();
    this.windows[window] = host;
    return host;
  }

  private credit(imageName: string, why: string): void {
    const list = this.credits.get(imageName) ?? [];
    list.push({ at: Date.now(), why });
    this.credits.set(imageName, list);
  }

  private onQuestion(question: Question): boolean {
    const text = `${question.message} ${question.detail}`;
    // "Generate … again?" / "Generate all N videos?": a yes lets one more charge through per image named.
    // "Remove …?" about a paid or possibly charged job: a yes is the person taking that on.
    if (this.answer && (/^Generate /.test(question.message) || /^Remove /.test(question.message))) {
      for (const image of IMAGES) if (text.includes(image)) this.credit(image, `confirmed at step ${this.step()}`);
    }
    return this.answer;
  }

  with<T>(answer: boolean, action: () => T): T {
    this.answer = answer;
    return action();
  }

  /** Actions still under way, with the window that runs them. */
  private readonly underWay = new Set<{ host: TestHost }>();

  /**
   * Whether a live window is still in the middle of an action (a Generate taking its image's
   * lease, say): nothing has settled until it has ended. A crashed window's actions never end.
   */
  actionsUnderWay(): boolean {
    return [...this.underWay].some((entry) => !entry.host.crashed);
  }

  /** An action left to run on its own: it may fail only because its window crashed. */
  track(host: TestHost, action: Promise<unknown>): void {
    const entry = { host };
    this.underWay.add(entry);
    void action.then(
      () => this.underWay.delete(entry),
      () => this.underWay.delete(entry),
    );
    action.catch((error: unknown) => {
      // A refusal the person is told about (the image is busy, in this window or another) is fine.
      if (error instanceof LumaError && error.kind === 'input') return;
      if (!host.crashed) this.violations.push(`${host.hostId}: an action failed: ${String((error as Error)?.stack ?? error)}`);
    });
  }

  prompt(image: string): string {
    return `move ${image} #${++this.promptCount}`;
  }

  request(host: TestHost, image: string) {
    return host.request(image, { prompt: this.prompt(image) });
  }

  crash(window: number): TestHost {
    this.windows[window]?.crash();
    const host = this.open(window);
    this.track(host, host.machine.recover());
    return host;
  }

  alive(): TestHost[] {
    return this.windows.filter((host): host is TestHost => host !== undefined);
  }

  /** The job list as it is on disk now (every window shares it). */
  jobs(): JobRecord[] {
    const store = new JobStore({ dir: this.storeDir, log: silentLogger, owner: { hostId: 'reader', pid: 0, hostname: 'reader' } });
    return store.all();
  }
}

async function applyStep(world: World, step: Step): Promise<void> {
  const host = (window: number) => world.windows[window] ?? world.windows[0]!;
  const pick = (n: number) => {
    const jobs = world.jobs();
    return jobs.length ? jobs[n % jobs.length] : undefined;
  };
  switch (step.kind) {
    case 'generate': {
      const on = host(step.window);
      world.track(
        on,
        world.with(step.yes, () => on.machine.start([world.request(on, IMAGES[step.image])])),
      );
      break;
    }
    case 'batch': {
      const on = host(step.window);
      world.track(
        on,
        world.with(step.yes, () =>
          on.machine.start(
            IMAGES.map((image) => world.request(on, image)),
            `batch-${world.step()}`,
          ),
        ),
      );
      break;
    }
    case 'cancel': {
      const job = pick(step.pick);
      if (job)
        world.track(
          host(step.window),
          world.with(step.confirm, () => host(step.window).machine.cancel(job.id)),
        );
      break;
    }
    case 'retry': {
      const job = pick(step.pick);
      if (job)
        world.track(
          host(step.window),
          world.with(step.yes, () => host(step.window).machine.retry(job.id)),
        );
      break;
    }
    case 'fetch': {
      const job = pick(step.pick);
      if (job) world.track(host(step.window), host(step.window).machine.fetchPaidVideo(job.id));
      break;
    }
    case 'remove': {
      const job = pick(step.pick);
      if (!job) break;
      const removed = await world.with(step.yes, () => host(step.window).machine.remove(job.id));
      if (removed) {
        world.removedPrompts.add(job.options.prompt);
        if (job.videoUri) world.removedVideos.add(fileURLToPath(job.videoUri));
        if (job.uuid) world.removedWithConsent.add(job.uuid);
      }
      break;
    }
    case 'fault':
      world.sim.inject(step.endpoint, step.fault, step.times);
      break;
    case 'crash':
      if (world.windows[step.window]) world.crash(step.window);
      break;
    case 'secondWindow':
      if (!world.windows[1]) {
        const second = world.open(1);
        world.track(second, second.machine.recover());
      }
      break;
    case 'disk':
      if (world.windows[step.window]) world.windows[step.window]!.diskFull = step.full;
      break;
    case 'wait':
      break;
  }
  await sleep(step.kind === 'wait' ? step.ms : 10);
}

// ---- the rules ----

/** Checked after every step: what a person or a file could see at any instant. */
async function checkAnyInstant(world: World, final: boolean): Promise<void> {
  const { violations, sim } = world;
  // No partial file under a final name: a whole video, or (mid-save only) a placeholder, which is
  // empty for the instant between its exclusive creation and its first byte (videoSave.ts says so,
  // and recover() removes such a file by the hidden file that claims it). Once settled: videos only.
  for (const name of await fs.readdir(world.videoDir)) {
    if (name.startsWith('.') || !/\.luma(-\d+)?\.mp4$/.test(name)) continue;
    const bytes = await fs.readFile(path.join(world.videoDir, name)).catch(() => undefined);
    if (!bytes) continue;
    const placeholder = bytes.length < 1024 && (bytes.length === 0 || bytes.toString('latin1').startsWith(PLACEHOLDER_MARK));
    if (!bytes.equals(sampleVideo) && !(placeholder && !final))
      violations.push(
        `${name} holds ${placeholder ? 'a placeholder after everything settled' : `${bytes.length} bytes that are not the video`}`,
      );
  }
  const charged = chargedPrompts(sim);
  // Requests the service read (whatever it answered): their job may never say nothing was charged.
  const reached = new Set(
    sim.requests
      .filter((r) => r.endpoint === 'features')
      .map((r) => (r.json as { promptObject?: { prompt?: string } } | undefined)?.promptObject?.prompt),
  );
  const saysNothingCharged = (job: JobRecord, where: string) => {
    if (!/nothing was charged/i.test(job.error ?? '')) return;
    if (charged.has(job.options.prompt))
      violations.push(`${job.options.prompt}: says "nothing was charged" ${where} but 1min.ai charged it`);
    else if (reached.has(job.options.prompt))
      violations.push(`${job.options.prompt}: says "nothing was charged" ${where} but its request reached 1min.ai`);
  };
  for (const host of world.alive()) {
    // The key in no log line and in nothing a form would be sent.
    const text = host.log.join('\n') + JSON.stringify(host.machine.snapshots());
    if (containsKey(text)) violations.push(`${host.hostId}: the key is in its log or its job snapshots`);
    // No "nothing was charged" where the simulator charged: in the window running the job (another
    // window shows the list as it was until its watcher catches up, a moment later)…
    for (const { job, here } of host.machine.snapshots()) if (here) saysNothingCharged(job, `in ${host.hostId}`);
  }
  // … and in the list as stored, which every window shows once it has caught up.
  for (const job of world.jobs()) saysNothingCharged(job, 'in the stored list');
  // The key in no stored job.
  const jobsDir = path.join(world.storeDir, 'jobs');
  for (const name of await fs.readdir(jobsDir).catch(() => [] as string[])) {
    const stored = await fs.readFile(path.join(jobsDir, name), 'utf8').catch(() => '');
    if (containsKey(stored)) violations.push(`stored job ${name} holds the key`);
  }
}

function containsKey(text: string): boolean {
  return [FAULT_KEY, JSON.stringify(FAULT_KEY).slice(1, -1), FAULT_KEY.replace(/\//g, '\\/'), encodeURIComponent(FAULT_KEY)].some((form) =>
    text.includes(form),
  );
}

/** Prompt -> the simulator's charged jobs for it (uuid, when). */
function chargedPrompts(sim: Simulator): Map<string, { uuid: string; at: number; status: string }[]> {
  const map = new Map<string, { uuid: string; at: number; status: string }[]>();
  for (const job of sim.jobs()) {
    const list = map.get(job.prompt) ?? [];
    list.push({ uuid: job.uuid, at: job.createdAt, status: job.status });
    map.set(job.prompt, list);
  }
  return map;
}

/** Checked once everything has settled and a last window has fetched every paid video it could. */
async function checkSettled(world: World): Promise<void> {
  const { violations, sim } = world;
  const jobs = world.jobs();
  for (const job of jobs) if (isUnfinished(job)) violations.push(`${job.options.prompt}: still ${job.state} after everything settled`);

  const byPrompt = new Map(jobs.map((job) => [job.options.prompt, job]));
  const charged = chargedPrompts(sim);
  // Every charged job ends with its video saved or a fetchable job in the list.
  for (const [prompt, charges] of charged) {
    const job = byPrompt.get(prompt);
    for (const charge of charges) {
      if (!job) {
        if (!world.removedWithConsent.has(charge.uuid) && !world.removedPrompts.has(prompt))
          violations.push(`${prompt}: charged (${charge.uuid}) but gone from the list`);
        continue;
      }
      if (job.uuid === charge.uuid) {
        if (charge.status === 'SUCCESS' && job.state !== 'done' && !isFetchable(job))
          violations.push(`${prompt}: charged, made, but neither saved nor fetchable (${job.state})`);
        if (job.state === 'done' && !(await exists(job.videoUri))) violations.push(`${prompt}: done, but its video is missing`);
      } else if (!job.mayBeCharged) {
        violations.push(`${prompt}: charged (${charge.uuid}) but the job neither knows the id nor says it may have been charged`);
      }
    }
  }
  // At most one generation request per run of a job (refusals with 429 aside): none repeated by itself.
  for (const job of jobs) {
    const posts = sim.requests.filter(
      (r) =>
        r.endpoint === 'features' &&
        r.status !== 429 &&
        (r.json as { promptObject?: { prompt?: string } })?.promptObject?.prompt === job.options.prompt,
    ).length;
    const runs = world.runsStarted.get(job.id) ?? 1;
    if (posts > runs) violations.push(`${job.options.prompt}: ${posts} generation requests for ${runs} run(s)`);
  }
  // No charge beyond the first for an image without a saved video before it or a "yes".
  const chargesByImage = new Map<string, { at: number; prompt: string }[]>();
  for (const [prompt, charges] of charged) {
    const image = IMAGES.find((name) => prompt.startsWith(`move ${name} `));
    if (!image) continue;
    for (const charge of charges) chargesByImage.set(image, [...(chargesByImage.get(image) ?? []), { at: charge.at, prompt }]);
  }
  for (const [image, charges] of chargesByImage) {
    const events = [
      ...charges.map((charge) => ({ at: charge.at, delta: -1, why: `charged for ${charge.prompt}` })),
      ...(world.credits.get(image) ?? []).map((credit) => ({ at: credit.at, delta: 1, why: credit.why })),
    ].sort((a, b) => a.at - b.at || b.delta - a.delta);
    let balance = 1;
    for (const event of events) {
      balance += event.delta;
      if (balance < 0) {
        violations.push(
          `${image}: ${event.why} with no saved video or confirmation since the last charge (${events.map((e) => e.why).join(' -> ')})`,
        );
        break;
      }
    }
  }
  // Each saved job has a video of its own (the simulator serves the same bytes for every job, so
  // only the names can tell two jobs claiming one file).
  const owners = new Map<string, string>();
  for (const job of jobs.filter((j) => j.state === 'done' && j.videoUri)) {
    const other = owners.get(job.videoUri!);
    if (other) violations.push(`${job.options.prompt} and ${other} both claim ${job.videoUri}`);
    owners.set(job.videoUri!, job.options.prompt);
  }
  // Every video on disk belongs to a saved job (no duplicate), and nothing hidden is left over.
  const saved = new Set([
    ...jobs.filter((job) => job.state === 'done' && job.videoUri).map((job) => fileURLToPath(job.videoUri!)),
    ...world.removedVideos,
  ]);
  for (const name of await fs.readdir(world.videoDir)) {
    const file = path.join(world.videoDir, name);
    if (name.startsWith('.')) violations.push(`a hidden file is left over: ${name}`);
    else if (/\.luma(-\d+)?\.mp4$/.test(name) && !saved.has(file)) violations.push(`${name} belongs to no saved job: a duplicate`);
  }
}

async function exists(uri: string | undefined): Promise<boolean> {
  if (!uri) return false;
  const bytes = await fs.readFile(fileURLToPath(uri)).catch(() => undefined);
  return bytes !== undefined && bytes.equals(sampleVideo);
}

/** What each window knows of the jobs that did not end: enough to tell a lost run from a slow one. */
async function stuckJobs(world: World): Promise<string> {
  const windows = world.alive().map((host) => `${host.hostId} ${JSON.stringify(host.machine.counts())}`);
  const jobs = await Promise.all(
    world
      .jobs()
      .filter(isUnfinished)
      .map(async (job) => {
        const views = await Promise.all(
          world.alive().map(async (host) => {
            const snapshot = host.machine.snapshot(job.id);
            const lease = host.store.leases.holds(job.id) ? 'holds' : ((await host.store.leases.holder(job.id))?.hostId ?? '-');
            return `${host.hostId}: ${snapshot?.here ? 'here' : snapshot?.elsewhere ? 'elsewhere' : 'idle'}, lease ${lease}`;
          }),
        );
        return `${job.options.prompt} ${job.state} (updated ${Date.now() - job.updatedAt} ms ago; ${views.join('; ')})`;
      }),
  );
  const actions = world.actionsUnderWay() ? 'an action still under way' : 'no action under way';
  return `${jobs.join(', ')} [windows: ${windows.join('; ')}; ${actions}]`;
}

async function settle(world: World, timeoutMs = 20_000): Promise<void> {
  world.sim.clearFaults();
  world.sim.release();
  for (const host of world.alive()) host.diskFull = false;
  const started = Date.now();
  let idleSince: number | undefined;
  for (;;) {
    const busy =
      world.actionsUnderWay() ||
      world.alive().some((host) => {
        const counts = host.machine.counts();
        return counts.running + counts.queued + counts.elsewhere > 0;
      });
    // Idle twice, some time apart: an action may be between two awaits (taking a lease, say).
    if (!busy && !world.jobs().some(isUnfinished)) {
      idleSince ??= Date.now();
      if (Date.now() - idleSince >= 60) return;
    } else {
      idleSince = undefined;
    }
    if (Date.now() - started > timeoutMs) {
      world.violations.push(`jobs never ended: ${await stuckJobs(world)}`);
      return;
    }
    world.sim.release();
    await sleep(30);
  }
}

/** Runs one sequence in a fresh world; returns the rules it broke (empty when none). */
export async function runSequence(sim: Simulator, steps: Step[]): Promise<string[]> {
  sim.reset();
  sim.configure({ generationMs: 40, latencyMs: 0, asyncMode: 'honour' });
  const storeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-faults-store-'));
  const videoDir = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-faults-videos-'));
  let index = 0;
  const world = new World(sim, storeDir, videoDir, () => index);
  try {
    await world.open(0).machine.recover();
    for (const step of steps) {
      index++;
      await applyStep(world, step);
      await checkAnyInstant(world, false);
      if (world.violations.length) break;
    }
    if (world.violations.length === 0) {
      await settle(world);
      // A later start: one more window looks at the list and fetches every paid video it can.
      const last = world.crash(WINDOWS);
      await settle(world);
      await Promise.all(
        world
          .jobs()
          .filter((job) => job.uuid && isFetchable(job))
          .map((job) => last.machine.fetchPaidVideo(job.id)),
      );
      await settle(world);
      await checkAnyInstant(world, true);
      await checkSettled(world);
    }
  } finally {
    for (const host of world.alive()) host.crash();
    sim.clearFaults();
    sim.release();
    await fs.rm(storeDir, { recursive: true, force: true, maxRetries: 5 });
    await fs.rm(videoDir, { recursive: true, force: true, maxRetries: 5 });
  }
  return world.violations;
}

export interface FaultRunOptions {
  runs: number;
  seed?: number;
  /** fast-check's path of a failed run (printed with its seed): replays that sequence, then shrinks it. */
  path?: string;
  /** Called after each sequence, for progress. */
  onRun?: (count: number) => void;
}

/** Runs `runs` random sequences; throws fast-check's report (seed, shrunk case) on the first failure. */
export async function runFaultSequences(sim: Simulator, options: FaultRunOptions): Promise<{ runs: number; seed: number }> {
  const seed = options.seed ?? Date.now() ^ Math.floor(Math.random() * 0x7fffffff);
  let count = 0;
  await fc.assert(
    fc.asyncProperty(sequenceArb, async (steps) => {
      const violations = await runSequence(sim, steps);
      options.onRun?.(++count);
      if (violations.length > 0) throw new Error(violations.join('\n'));
    }),
    { numRuns: options.runs, seed, path: options.path, verbose: 1, includeErrorInReport: true },
  );
  return { runs: options.runs, seed };
}
