// How many notifications a person gets: JobNotices (src/host/notices.ts) on the real job machine,
// store, client and output against the simulator, with a notifier that records what VS Code
// would be asked to show. The in-host suite and the UI suite count the same in a real VS Code.
import * as assert from 'node:assert/strict';
import type { JobRecord } from '../../src/jobs/job';
import { fetchableOf, type SummaryAction } from '../../src/jobs/jobSummary';
import { JobNotices, type Notifier } from '../../src/host/notices';
import { Simulator } from '../simulator/simulator';
import { createHost, freshWorkspacePerTest } from '../support/jobHost';

const KEY = 'notices-key-0123';

interface Shown {
  kind: string;
  text: string;
  actions: readonly string[];
  updates: string[];
  increments: number[];
  ended?: boolean;
  cancel?: () => void;
}

/** Records every notification; `choose` answers a message (a button's label) as a person would. */
function recorder(choose: (shown: Shown) => string | undefined = () => undefined): Notifier & { shown: Shown[] } {
  const shown: Shown[] = [];
  return {
    shown,
    message(kind, text, actions) {
      const notice: Shown = { kind, text, actions, updates: [], increments: [] };
      shown.push(notice);
      return Promise.resolve(choose(notice));
    },
    progress(text, onCancel) {
      const notice: Shown = { kind: 'progress', text, actions: ['Cancel'], updates: [], increments: [], ended: false, cancel: onCancel };
      shown.push(notice);
      return {
        report: (message, increment) => {
          notice.updates.push(message);
          if (increment) notice.increments.push(increment);
        },
        done: () => (notice.ended = true),
      };
    },
    status(text) {
      shown.push({ kind: 'status', text, actions: [], updates: [], increments: [] });
    },
  };
}

async function until<T>(probe: () => T | undefined, ms = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() - started > ms) assert.fail('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('notifications: one per Generate, not one per image', function () {
  this.timeout(20_000);
  let sim: Simulator;
  const workspace = freshWorkspacePerTest('luma-notices');

  before(async () => {
    sim = await Simulator.start({ apiKey: KEY, generationMs: 100 });
  });
  after(() => sim.stop());
  beforeEach(() => {
    sim.reset();
    sim.configure({ credits: 1_000_000, generationMs: 100 });
  });

  /** A window: the machine, its notices wired as JobService wires them, and what was shown. */
  function window(
    options: { hostId?: string; answer?: boolean | (() => Promise<boolean>); choose?: (shown: Shown) => string | undefined } = {},
  ) {
    const host = createHost({
      ...workspace,
      api: sim,
      apiKey: KEY,
      hostId: options.hostId ?? 'window-1',
      answer: () => (typeof options.answer === 'function' ? options.answer() : (options.answer ?? false)),
    });
    workspace.hosts.push(host);
    const notifier = recorder(options.choose);
    const acted: { action: SummaryAction; jobs: JobRecord[] }[] = [];
    const notices = new JobNotices(notifier, {
      snapshot: (id) => host.machine.snapshot(id),
      cancelAll: (ids) => host.machine.cancelAll(ids),
      act: (action, jobs) => {
        acted.push({ action, jobs });
        if (action === 'fetchVideo') for (const job of fetchableOf(jobs)) void host.machine.fetchPaidVideo(job.id);
      },
    });
    host.machine.onDidChange((snapshot) => notices.changed(snapshot));
    host.machine.onChargesLeftOpen((jobs) => notices.tell(jobs));
    const generate = (...names: string[]) =>
      notices.generate(
        names.map((name) => host.request(name).imageUri),
        names.length === 1 ? `Luma: ${names[0]}` : 'Luma',
        () => host.machine.start(names.map((name) => host.request(name))),
      );
    const settled = (jobs: JobRecord[]) => Promise.all(jobs.map((job) => host.machine.whenSettled(job.id)));
    const of = (kind: string) => notifier.shown.filter((shown) => shown.kind === kind);
    return { host, shown: notifier.shown, of, acted, generate, settled };
  }

  it('a batch of three: exactly one progress notification and one completion message', async () => {
    const w = window();
    const jobs = await w.generate('beach.jpg', 'cat.png', 'dog.webp');
    assert.equal(jobs.length, 3);
    await w.settled(jobs);
    await until(() => w.shown.length > 1 && w.of('progress')[0].ended);
    assert.equal(w.of('progress').length, 1, JSON.stringify(w.shown));
    const [progress] = w.of('progress');
    assert.equal(progress.text, 'Luma');
    assert.ok(
      progress.updates.some((text) => /^3 videos: .*(queued|uploading|generating)/.test(text)),
      progress.updates.join('\n'),
    );
    assert.equal(progress.updates.at(-1), '3 videos: 3 ready');
    assert.equal(Math.round(progress.increments.reduce((a, b) => a + b, 0)), 100, 'the bar fills once');
    assert.deepEqual(
      w.shown.filter((shown) => shown.kind !== 'progress').map(({ kind, text, actions }) => ({ kind, text, actions })),
      [{ kind: 'info', text: 'Luma: all 3 videos of the batch are ready.', actions: ['Show Generations'] }],
    );
  });

  it('one image: one progress notification with its stages, then "is ready" with Open Video and Reveal in Explorer', async () => {
    const w = window();
    const [job] = await w.generate('cat.png');
    await w.settled([job]);
    await until(() => w.shown.length > 1);
    assert.deepEqual(
      w.shown.map(({ kind, text }) => ({ kind, text })),
      [
        { kind: 'progress', text: 'Luma: cat.png' },
        { kind: 'info', text: 'Luma: cat.luma.mp4 is ready.' },
      ],
    );
    assert.deepEqual(w.shown[1].actions, ['Open Video', 'Reveal in Explorer']);
    assert.ok(w.shown[0].updates.includes('generating'), w.shown[0].updates.join(','));
    assert.equal(w.shown[0].ended, true);
  });

  it('no credits for a batch of three: one error message naming the reason, not three', async () => {
    sim.configure({ credits: 0 });
    const w = window();
    const jobs = await w.generate('beach.jpg', 'cat.png', 'dog.webp');
    await w.settled(jobs);
    await until(() => w.shown.length > 1);
    const messages = w.shown.filter((shown) => shown.kind !== 'progress');
    assert.equal(messages.length, 1, JSON.stringify(w.shown));
    assert.equal(messages[0].kind, 'error');
    assert.match(messages[0].text, /^Luma: 0 of 3 videos of the batch are ready, 3 failed\. .*credit/i);
    assert.deepEqual(messages[0].actions, ['Show Generations']);
    assert.equal(w.of('progress').length, 1);
  });

  it('a paid video whose download failed: the message says so with Fetch Video, which gets it without paying again', async () => {
    const w = window({ choose: (shown) => (shown.actions.includes('Fetch Video') ? 'Fetch Video' : undefined) });
    sim.inject('download', { kind: 'status', status: 400 }, 1);
    const [job] = await w.generate('cat.png');
    await w.settled([job]);
    const failed = await until(() => w.shown.find((shown) => shown.kind === 'error'));
    assert.match(failed.text, /^Luma: cat\.png: .*Fetch Video/);
    assert.deepEqual(failed.actions, ['Fetch Video']);
    // The fetch runs by itself (no Generate): no progress notification, one message when it lands.
    const ready = await until(() => w.shown.find((shown) => shown.kind === 'info'));
    assert.equal(ready.text, 'Luma: cat.luma.mp4 is ready.');
    assert.equal(w.of('progress').length, 1);
    assert.equal(sim.featureCalls, 1, 'paid once');
  });

  it('Retry of a failed image while the rest of its batch runs: still one message, when all have ended', async () => {
    sim.configure({ generationMs: 1500 });
    const w = window();
    sim.inject('features', { kind: 'status', status: 400, body: { message: 'The prompt was refused' } }, 1);
    const jobs = await w.generate('beach.jpg', 'cat.png');
    // Failed, and its run over (Retry leaves a job alone while its run is still ending).
    const failed = await until(() =>
      jobs.map((job) => w.host.machine.snapshot(job.id)).find((snapshot) => snapshot?.job.state === 'failed' && !snapshot.here),
    );
    assert.equal(w.of('progress')[0].ended, false, 'the other image still runs');
    assert.equal((await w.host.machine.retry(failed.job.id))?.state, 'done');
    await w.settled(jobs);
    await until(() => w.of('progress')[0].ended && w.shown.length > 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(
      w.shown.filter((shown) => shown.kind !== 'progress').map(({ kind, text }) => ({ kind, text })),
      [{ kind: 'info', text: 'Luma: all 2 videos of the batch are ready.' }],
    );
  });

  it('a batch where one image fails: one message, "2 of 3 … ready, 1 failed", with its reason', async () => {
    const w = window();
    sim.inject('features', { kind: 'status', status: 400, body: { message: 'The prompt was refused' } }, 1);
    const jobs = await w.generate('beach.jpg', 'cat.png', 'dog.webp');
    await w.settled(jobs);
    await until(() => w.shown.length > 1 && w.of('progress')[0].ended);
    const messages = w.shown.filter((shown) => shown.kind !== 'progress');
    assert.equal(messages.length, 1, JSON.stringify(w.shown));
    assert.equal(messages[0].kind, 'error');
    assert.match(messages[0].text, /^Luma: 2 of 3 videos of the batch are ready, 1 failed\. /);
  });

  it('Cancel on the progress notification stops the whole batch; cancelled by the person, nothing more is said', async () => {
    sim.configure({ generationMs: 5000 });
    sim.inject('upload', { kind: 'hang' }, 3);
    const w = window();
    const jobs = await w.generate('beach.jpg', 'cat.png', 'dog.webp');
    w.of('progress')[0].cancel!();
    const ended = await w.settled(jobs);
    assert.deepEqual(
      ended.map((job) => job?.state),
      ['cancelled', 'cancelled', 'cancelled'],
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(w.of('progress')[0].ended, true);
    assert.deepEqual(
      w.shown.map((shown) => shown.kind),
      ['progress'],
    );
  });

  it('Cancel on a batch with two paid videos: the queued third is cancelled before any question, so it never pays', async () => {
    sim.configure({ generationMs: 10_000 });
    // "Stop waiting?" is answered yes, after the time it takes to read it.
    const w = window({ answer: () => new Promise((resolve) => setTimeout(() => resolve(true), 1500)) });
    const jobs = await w.generate('beach.jpg', 'cat.png', 'dog.webp');
    await until(() => jobs.slice(0, 2).every((job) => w.host.machine.get(job.id)?.uuid) || undefined);
    assert.equal(w.host.machine.get(jobs[2].id)?.state, 'queued', 'two at a time: the third waits');
    w.of('progress')[0].cancel!();
    const ended = await w.settled(jobs);
    assert.deepEqual(
      ended.map((job) => [job?.state, job?.uuid !== undefined]),
      [
        ['stopped', true],
        ['stopped', true],
        ['cancelled', false],
      ],
    );
    assert.equal(sim.featureCalls, 2, 'no generation request for the job that was queued when Cancel was pressed');
  });

  it('a declined Generate (the last attempt may have been charged) shows nothing', async () => {
    sim.inject('features', { kind: 'status', status: 504, charge: true });
    const w = window({ answer: false });
    const [first] = await w.generate('cat.png');
    await w.settled([first]);
    await until(() => w.shown.length > 1);
    const before = w.shown.length;
    assert.match(w.shown[1].text, /may still have reached 1min\.ai and be charged/);
    assert.deepEqual(await w.generate('cat.png'), []);
    assert.equal(w.shown.length, before, 'no new notification');
  });

  it('paid jobs resumed after a crash: no progress notification, one message for all of them', async () => {
    sim.configure({ generationMs: 400 });
    const a = window({ hostId: 'window-1' });
    const jobs = await a.generate('beach.jpg', 'cat.png');
    await until(() => jobs.every((job) => a.host.machine.get(job.id)?.uuid));
    await a.host.store.flushed();
    a.host.crash();
    const b = window({ hostId: 'window-2' });
    const resumed = await b.host.machine.recover();
    assert.equal(resumed.length, 2);
    await b.settled(resumed);
    await until(() => b.shown.length > 0);
    assert.deepEqual(
      b.shown.map(({ kind, text }) => ({ kind, text })),
      [{ kind: 'info', text: 'Luma: all 2 videos are ready.' }],
    );
  });

  it('a window that closed while its generation requests were out: the next start says once that they may have been charged', async () => {
    sim.configure({ asyncMode: 'ignore', generationMs: 2000, latencyMs: 0 });
    const a = window({ hostId: 'window-1' });
    await a.generate('beach.jpg', 'cat.png');
    await until(() => sim.requests.filter((r) => r.endpoint === 'features').length === 2);
    a.host.crash();
    const b = window({ hostId: 'window-2' });
    assert.deepEqual(await b.host.machine.recover(), [], 'nothing to resume: neither was accepted');
    await until(() => b.shown.length > 0);
    assert.equal(b.shown.length, 1, 'one message for both');
    assert.equal(b.shown[0].kind, 'error');
    assert.match(b.shown[0].text, /2 failed.*2 requests may have been charged: check your 1min\.ai history\./);
    assert.deepEqual(b.shown[0].actions, ['Show Generations']);
    await b.host.machine.recover();
    assert.equal(b.shown.length, 1, 'told once, not at every look');
    sim.configure({ asyncMode: 'honour' });
  });
});
