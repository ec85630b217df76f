// The job machine in plain Node against the simulator over loopback: the money rules of issue 9,
// each under its own name (the randomized fault runs in test/faults check them all together).
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JobRecord } from '../../src/jobs/job';
import { summarize } from '../../src/jobs/jobSummary';
import { canMove, type JobState } from '../../src/jobs/jobStatus';
import { Leases } from '../../src/jobs/lease';
import { LumaError } from '../../src/util/lumaError';
import { generationOptions } from '../support/fixtures';
import { Simulator } from '../simulator/simulator';
import { createHost, sampleVideo, TestHost } from '../support/jobHost';

const KEY = 'machine-key-0123';

describe('job machine', function () {
  this.timeout(20_000);
  let sim: Simulator;
  let storeDir: string;
  let videoDir: string;
  let deadHosts: Set<string>;
  const hosts: TestHost[] = [];

  before(async () => {
    sim = await Simulator.start({ apiKey: KEY, generationMs: 200 });
  });
  after(() => sim.stop());
  beforeEach(async () => {
    sim.reset();
    sim.configure({ asyncMode: 'honour', generationMs: 200, latencyMs: 0, gatewayTimeoutMs: undefined });
    storeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-machine-store-'));
    videoDir = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-machine-videos-'));
    deadHosts = new Set();
  });
  afterEach(async () => {
    for (const host of hosts.splice(0)) host.crash();
    // A crashed window's last writes may still be on their way.
    await fs.rm(storeDir, { recursive: true, force: true, maxRetries: 5 });
    await fs.rm(videoDir, { recursive: true, force: true, maxRetries: 5 });
  });

  function host(hostId = 'window-1', answer?: () => boolean | Promise<boolean>): TestHost {
    const created = createHost({ storeDir, videoDir, api: sim, apiKey: KEY, hostId, deadHosts, answer });
    hosts.push(created);
    return created;
  }

  /** A job 1min.ai accepted (its uuid on disk), in a window that then crashed. */
  async function paidJobOfCrashedWindow(): Promise<JobRecord> {
    const a = host('window-1');
    const [job] = await a.machine.start([a.request('cat.png')]);
    await until(() => a.machine.get(job.id)?.uuid);
    await a.store.flushed(); // on disk: a crash before that is the "request is out" case
    a.crash();
    return job;
  }

  async function generate(on: TestHost, imageName = 'cat.png'): Promise<JobRecord> {
    const [job] = await on.machine.start([on.request(imageName)]);
    assert.ok(job, 'the job started');
    return (await on.machine.whenSettled(job.id))!;
  }

  const videos = async () => (await fs.readdir(videoDir)).filter((name) => name.endsWith('.mp4')).sort();
  const features = () => sim.requests.filter((r) => r.endpoint === 'features').length;
  const texts = (on: TestHost) => [...on.log, ...on.machine.snapshots().map((s) => s.job.error ?? '')].join('\n');

  it('runs a job to the end: queued, uploading, requesting, generating, downloading, done; the video lands once', async () => {
    const a = host();
    const states: string[] = [];
    a.machine.onDidChange((s) => {
      if (states[states.length - 1] !== s.job.state) states.push(s.job.state);
    });
    const job = await generate(a);
    assert.equal(job.state, 'done');
    assert.deepEqual(states, ['queued', 'uploading', 'requesting', 'generating', 'downloading', 'done']);
    assert.deepEqual(await videos(), ['cat.luma.mp4']);
    assert.deepEqual(await fs.readFile(path.join(videoDir, 'cat.luma.mp4')), sampleVideo);
    assert.equal(sim.featureCalls, 1);
  });

  describe('cancel while POST /api/features is out (point 1)', () => {
    it('waits for the answer: accepted means paid, so the job is kept as stopped; Fetch Video gets it without paying again', async () => {
      sim.configure({ latencyMs: 300 });
      const a = host();
      const [job] = await a.machine.start([a.request('cat.png')]);
      await until(() => sim.requests.some((r) => r.endpoint === 'features'));
      await a.machine.cancel(job.id, true);
      assert.equal(a.machine.snapshot(job.id)?.live?.cancelling, true, 'the form says it is waiting for the answer');
      const ended = await a.machine.whenSettled(job.id);
      assert.equal(ended?.state, 'stopped');
      assert.ok(ended?.uuid, 'the paid uuid is kept');
      assert.match(ended?.error ?? '', /paid for/);
      assert.doesNotMatch(texts(a), /nothing was charged/);
      assert.equal(sim.featureCalls, 1);
      const fetched = await a.machine.fetchPaidVideo(job.id);
      assert.equal(fetched?.state, 'done');
      assert.equal(sim.featureCalls, 1, 'fetching did not pay again');
      assert.deepEqual(await videos(), ['cat.luma.mp4']);
    });

    it('a gateway error after the charge: "may have been charged", never "nothing was charged"; the next Generate asks', async () => {
      sim.configure({ asyncMode: 'ignore', gatewayTimeoutMs: 150, generationMs: 2000 });
      const a = host();
      const [job] = await a.machine.start([a.request('cat.png')]);
      await until(() => sim.requests.some((r) => r.endpoint === 'features'));
      await a.machine.cancel(job.id, true);
      const ended = await a.machine.whenSettled(job.id);
      assert.equal(sim.featureCalls, 1, 'the simulator charged');
      assert.equal(ended?.state, 'failed');
      assert.equal(ended?.mayBeCharged, true);
      assert.match(ended?.error ?? '', /may still have reached 1min\.ai and be charged/);
      assert.equal(ended?.errorSaysMoney, true, 'the record knows its reason tells the charge');
      const told = summarize([ended!], 'generate')!.message;
      assert.equal(told.match(/charged/g)?.length, 1, `the notification says it once: ${told}`);
      assert.doesNotMatch(texts(a), /nothing was charged/);
      assert.deepEqual(await a.machine.start([a.request('cat.png')]), [], 'declined: nothing started');
      assert.equal(a.questions.length, 1);
      assert.match(a.questions[0].detail, /may have reached 1min\.ai and been charged/);
      assert.equal(features(), 1, 'nothing sent again');
    });

    it('cancel before the request goes out: cancelled, nothing sent, and only then "nothing was charged"', async () => {
      sim.inject('upload', { kind: 'hang' });
      const a = host();
      const [job] = await a.machine.start([a.request('cat.png')]);
      await until(() => sim.requests.some((r) => r.endpoint === 'upload'));
      await a.machine.cancel(job.id, true);
      const ended = await a.machine.whenSettled(job.id);
      assert.equal(ended?.state, 'cancelled');
      assert.match(ended?.error ?? '', /nothing was charged/);
      assert.equal(features(), 0);
    });
  });

  it('a Retry cancelled before it went out, of a job whose earlier request reached 1min.ai, never says "nothing was charged"', async () => {
    const a = host('window-1');
    sim.inject('features', { kind: 'status', status: 400, body: { message: 'Temporarily refused' } });
    const refused = await generate(a);
    assert.equal(refused.state, 'failed');
    sim.inject('upload', { kind: 'hang' });
    const retried = a.machine.retry(refused.id);
    await until(() => sim.requests.filter((r) => r.endpoint === 'upload').length === 2);
    await a.machine.cancel(refused.id, true);
    await retried;
    const ended = a.machine.get(refused.id);
    assert.equal(ended?.state, 'cancelled');
    assert.doesNotMatch(ended?.error ?? '', /nothing was (charged|sent)/);
    assert.match(ended?.error ?? '', /before it was sent again/);
  });

  describe('a second generation for an image whose last attempt may have been charged asks first (point 2)', () => {
    async function chargeOpen(on: TestHost): Promise<JobRecord> {
      sim.inject('features', { kind: 'status', status: 502 });
      const failed = await generate(on);
      assert.equal(failed.mayBeCharged, true);
      return failed;
    }

    it('Generate (and so Try Again, Generate Again and Ctrl+Enter, which all send it): asks; yes sends one more', async () => {
      const a = host('window-1', () => true);
      await chargeOpen(a);
      const again = await generate(a);
      assert.equal(a.questions.length, 1);
      assert.equal(again.state, 'done');
      assert.equal(features(), 2);
    });

    it('a Retry refused this time: its new reason says nothing of money, so the notification says the open charge', async () => {
      const a = host('window-1', () => true);
      const failed = await chargeOpen(a);
      assert.equal(failed.errorSaysMoney, true, 'the gateway error says it may have been charged');
      sim.inject('features', { kind: 'status', status: 400, body: { message: 'Temporarily refused' } });
      await a.machine.retry(failed.id);
      const refused = a.machine.get(failed.id)!;
      assert.equal(refused.state, 'failed');
      assert.equal(refused.errorSaysMoney, undefined, 'gone with the reason it spoke of');
      assert.doesNotMatch(refused.error ?? '', /charged/);
      assert.equal(refused.mayBeCharged, true, 'the first attempt may still have been charged');
      const told = summarize([refused], 'generate')!.message;
      assert.match(told, /Temporarily refused.* It may have been charged: check your 1min\.ai history\.$/);
    });

    it('Retry of the job itself asks; no means nothing is sent', async () => {
      const a = host();
      const failed = await chargeOpen(a);
      await a.machine.retry(failed.id);
      assert.equal(a.questions.length, 1);
      assert.equal(features(), 1);
      assert.equal(a.machine.get(failed.id)?.state, 'failed');
    });

    it('Retry of an older row of the image asks too when the newest attempt may have been charged', async () => {
      const a = host('window-1');
      sim.inject('upload', { kind: 'hang' });
      const [older] = await a.machine.start([a.request('dog.png')]);
      await until(() => sim.requests.some((r) => r.endpoint === 'upload'));
      await a.machine.cancel(older.id, true);
      await a.machine.whenSettled(older.id);
      sim.clearFaults();
      sim.inject('features', { kind: 'status', status: 504, charge: true });
      const [newer] = await a.machine.start([a.request('dog.png')]);
      assert.equal((await a.machine.whenSettled(newer.id))?.mayBeCharged, true);
      await a.machine.retry(older.id);
      assert.equal(a.questions.length, 1, 'asked');
      assert.equal(sim.featureCalls, 1, 'declined: not paid again');
    });

    it('a batch asks once, naming the image, and starts nothing when declined', async () => {
      const a = host();
      await chargeOpen(a);
      const started = await a.machine.start([a.request('cat.png'), a.request('dog.png')], 'batch-1');
      assert.deepEqual(started, []);
      assert.equal(a.questions.length, 1);
      assert.match(a.questions[0].detail, /cat\.png/);
      assert.equal(features(), 1);
    });

    it('a paid video not fetched yet: Generate asks too (Fetch Video would get it free)', async () => {
      sim.configure({ generationMs: 10_000 });
      const a = host();
      const [job] = await a.machine.start([a.request('cat.png')]);
      await until(() => a.machine.get(job.id)?.uuid);
      await a.machine.cancel(job.id, true);
      await a.machine.whenSettled(job.id);
      assert.deepEqual(await a.machine.start([a.request('cat.png')]), []);
      assert.match(a.questions[0].detail, /already paid for and not fetched yet/);
    });
  });

  describe('crashes and restarts', () => {
    it('a crash while the request is out: the next start says "may have been charged" and asks before paying again', async () => {
      sim.configure({ latencyMs: 300 });
      const a = host('window-1');
      await a.machine.start([a.request('cat.png')]);
      await until(() => sim.requests.some((r) => r.endpoint === 'features'));
      a.crash();
      await until(() => sim.featureCalls === 1);
      const b = host('window-2');
      await b.machine.recover();
      const [job] = b.machine.snapshots().map((s) => s.job);
      assert.equal(job.state, 'failed');
      assert.equal(job.mayBeCharged, true);
      assert.match(job.error ?? '', /may have been made and charged/);
      assert.equal(job.errorSaysMoney, true);
      assert.equal(summarize([job], 'other')!.message.match(/charged/g)?.length, 1, 'the notification says it once');
    });

    it('a crash while generating: the next start resumes the paid job and the video lands once, paid once', async () => {
      sim.configure({ generationMs: 600 });
      const job = await paidJobOfCrashedWindow();
      const b = host('window-2');
      const resumed = await b.machine.recover();
      assert.deepEqual(
        resumed.map((j) => j.id),
        [job.id],
      );
      const ended = await b.machine.whenSettled(job.id);
      assert.equal(ended?.state, 'done', b.log.join('\n'));
      assert.equal(sim.featureCalls, 1);
      assert.deepEqual(await videos(), ['cat.luma.mp4']);
    });

    it('queued and uploading jobs of a crashed window end cancelled: never sent, so nothing was charged', async () => {
      sim.inject('upload', { kind: 'hang' }, 3);
      const a = host('window-1');
      await a.machine.start([a.request('cat.png'), a.request('dog.png'), a.request('owl.png')], 'b');
      await until(() => sim.requests.filter((r) => r.endpoint === 'upload').length === 2);
      await a.store.flushed();
      a.crash();
      const b = host('window-2');
      await b.machine.recover();
      assert.deepEqual(
        b.machine.snapshots().map((s) => s.job.state),
        ['cancelled', 'cancelled', 'cancelled'],
      );
      assert.equal(features(), 0);
    });
  });

  describe('interleavings', () => {
    /** A job of `image` the service refused (certainly not charged): failed, ready for a Retry. */
    async function refusedJob(on: TestHost, image = 'cat.png'): Promise<JobRecord> {
      sim.inject('features', { kind: 'status', status: 400, body: { message: 'Temporarily refused' } });
      const [job] = await on.machine.start([on.request(image)]);
      assert.equal((await on.machine.whenSettled(job.id))?.state, 'failed');
      return job;
    }

    /** The states job `id` goes through in this window, from now on. */
    function statesOf(on: TestHost, id: string): JobState[] {
      const seen: JobState[] = [];
      on.machine.onDidChange(({ job, here }) => {
        if (job.id === id && here && seen.at(-1) !== job.state) seen.push(job.state);
      });
      return seen;
    }

    /** The store's writes of the records `refuses` picks fail as on a full disk (the record in memory changes first, as it does). */
    function diskRefuses(on: TestHost, refuses: (job: JobRecord) => boolean): void {
      const store = on.store as unknown as { writeFile: (job: JobRecord) => Promise<void> };
      const writeFile = store.writeFile.bind(on.store);
      store.writeFile = async (job) => {
        if (refuses(job)) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return writeFile(job);
      };
    }

    /** Holds the save of job `id`'s 'queued' until the returned function is called. */
    function holdQueuedSave(on: TestHost, id: string): () => void {
      const save = on.store.save.bind(on.store);
      let release!: () => void;
      const maySave = new Promise<void>((resolve) => (release = resolve));
      on.store.save = async (job) => {
        if (job.id === id && job.state === 'queued') await maySave;
        return save(job);
      };
      return release;
    }

    // Found by a fault run under load (seed 20261131, path 6257:2:1:8:31): the run began during that save.
    it('a Retry starts only once its "queued" is saved, though the queue is asked to start jobs meanwhile', async () => {
      const a = host('window-1', () => true);
      const first = await refusedJob(a);
      const seen = statesOf(a, first.id);
      // Its 'queued' is slow to save; meanwhile a new Generate asks the queue to start what it can.
      const saveQueued = holdQueuedSave(a, first.id);
      const retried = a.machine.retry(first.id);
      await until(() => a.machine.snapshots().find((s) => s.job.id === first.id)?.here || undefined);
      const [other] = await a.machine.start([a.request('dog.png')]);
      await a.machine.whenSettled(other.id);
      assert.deepEqual(seen, ['failed'], 'nothing of the retried job ran while its record still said failed');
      saveQueued();
      assert.equal((await retried)?.state, 'done');
      assert.deepEqual(seen.slice(0, 3), ['failed', 'queued', 'uploading']);
      for (let i = 1; i < seen.length; i++) assert.ok(canMove(seen[i - 1], seen[i]), `${seen[i - 1]} → ${seen[i]}`);
    });

    it('a Cancel while a Retry\'s "queued" is being saved cancels the queued job, never the failed one before it', async () => {
      // Found by the 20,000-sequence fault run (seed 20261201): the cancel moved the job from
      // 'failed' straight to 'cancelled', or left a 'queued' record that nothing would ever run.
      const a = host('window-1', () => true);
      const first = await refusedJob(a);
      const seen = statesOf(a, first.id);
      const saveQueued = holdQueuedSave(a, first.id);
      const featuresBefore = features();
      const retried = a.machine.retry(first.id);
      await until(() => a.machine.snapshots().find((s) => s.job.id === first.id)?.here || undefined);
      const cancelled = a.machine.cancel(first.id, true);
      saveQueued();
      await cancelled;
      const settled = await retried;
      assert.equal(settled?.state, 'cancelled');
      assert.equal(a.store.get(first.id)?.state, 'cancelled', 'on record too: nothing left queued');
      for (let i = 1; i < seen.length; i++) assert.ok(canMove(seen[i - 1], seen[i]), `${seen[i - 1]} → ${seen[i]}`);
      assert.equal(features(), featuresBefore, 'nothing sent again');
      assert.equal(a.machine.isRunning(first.id), false);
    });

    it('Cancel all takes a Retry still saving its "queued" as not sent: it is cancelled before any question, never paid', async () => {
      sim.configure({ generationMs: 3000 });
      let answerPaid!: (keep: boolean) => void;
      const firstAnswer = new Promise<boolean>((resolve) => (answerPaid = resolve));
      let asked = 0;
      // The first question stays open until the test answers it; any later one is answered "keep waiting".
      const a = host('window-1', () => (++asked === 1 ? firstAnswer : false));
      const failed = await refusedJob(a, 'dog.png');
      const [paid] = await a.machine.start([a.request('cat.png')]);
      await until(() => a.machine.get(paid.id)?.uuid);
      // Its lease is slow to check before 'queued' is saved: the record still says 'failed' meanwhile.
      const verify = a.store.leases.verify.bind(a.store.leases);
      let saveQueued!: () => void;
      const queuedMaySave = new Promise<void>((resolve) => (saveQueued = resolve));
      a.store.leases.verify = async (id) => {
        if (id === failed.id && a.machine.get(failed.id)?.state === 'failed') await queuedMaySave;
        return verify(id);
      };
      const featuresBefore = features();
      const seen = statesOf(a, failed.id);
      const retried = a.machine.retry(failed.id);
      await until(() => a.machine.snapshots().find((s) => s.job.id === failed.id)?.here || undefined);
      const cancelling = a.machine.cancelAll([paid.id, failed.id]);
      // The Retry's save lands while Cancel All is under way, with a slot free; then the question
      // about the paid job stays open a while.
      await new Promise((resolve) => setTimeout(resolve, 100));
      saveQueued();
      await until(() => (a.questions.length > 0 ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      answerPaid(false);
      await cancelling;
      assert.equal((await retried)?.state, 'cancelled');
      assert.ok(!seen.includes('requesting'), `it never sent its request: ${seen.join(' → ')}`);
      assert.equal(features(), featuresBefore, 'the retried job sent nothing');
      sim.configure({ generationMs: 200 });
    });

    it('a Retry whose "queued" the disk refuses stays failed, in the list too: the image can be generated again', async () => {
      const a = host('window-1', () => true);
      const first = await refusedJob(a);
      await a.store.flushed();
      // The record's own write fails: the disk is full.
      diskRefuses(a, (job) => job.id === first.id && job.state === 'queued');
      await a.machine.retry(first.id);
      assert.equal(a.store.get(first.id)?.state, 'failed', 'the list says what the disk holds');
      assert.equal(a.machine.isRunning(first.id), false);
      const [again] = await a.machine.start([a.request('cat.png')]);
      assert.equal((await a.machine.whenSettled(again.id))?.state, 'done', 'the image is not held busy');
    });

    it('a batch whose second job cannot be kept starts none of them: no job left, nothing sent', async () => {
      const a = host('window-1', () => true);
      let writes = 0;
      diskRefuses(a, () => ++writes === 2);
      const requestsBefore = sim.requests.length;
      await assert.rejects(
        a.machine.start([a.request('a.png'), a.request('b.png'), a.request('c.png')]),
        /nothing was sent for a\.png, b\.png, c\.png/,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(a.machine.snapshots(), []);
      assert.equal(sim.requests.length, requestsBefore, 'nothing sent');
      assert.deepEqual(
        (await fs.readdir(path.join(storeDir, 'jobs')).catch(() => [] as string[])).filter((name) => name.endsWith('.json')),
        [],
      );
    });

    it('a save that failed after its claim forgets the name: Fetch Video never takes a later video under it as its own', async () => {
      sim.configure({ generationMs: 100 });
      const a = host('window-1', () => true);
      const save = a.store.save.bind(a.store);
      let tripped = false;
      a.store.save = (job) => {
        // The disk fills between the claim and the rename.
        if (job.claimedName && !tripped) {
          tripped = true;
          a.diskFull = true;
        }
        return save(job);
      };
      const [first] = await a.machine.start([a.request('cat.png')]);
      const failed = await a.machine.whenSettled(first.id);
      a.diskFull = false;
      assert.equal(failed?.state, 'failed');
      assert.equal(failed?.claimedName, undefined, 'the undone claim is not on record');
      const [second] = await a.machine.start([a.request('cat.png')]);
      const secondDone = await a.machine.whenSettled(second.id);
      const fetched = await a.machine.fetchPaidVideo(first.id);
      assert.equal(fetched?.state, 'done');
      assert.notEqual(fetched?.videoUri, secondDone?.videoUri, 'each job its own video');
      assert.deepEqual(await videos(), ['cat.luma-2.mp4', 'cat.luma.mp4']);
    });

    it('Fetch Video in a window whose list is a moment old does not save the video a second time', async () => {
      sim.configure({ generationMs: 400 });
      const a = host('window-1');
      const [job] = await a.machine.start([a.request('cat.png')]);
      await until(() => a.machine.get(job.id)?.uuid);
      await a.machine.cancel(job.id, true);
      await a.machine.whenSettled(job.id);
      await a.store.flushed();
      const b = host('window-2');
      assert.equal(b.machine.get(job.id)?.state, 'stopped');
      assert.equal((await a.machine.fetchPaidVideo(job.id))?.state, 'done');
      await a.store.flushed();
      // B has not caught up: the person presses Fetch Video there.
      await b.machine.fetchPaidVideo(job.id);
      await until(() => b.machine.counts().running === 0);
      await b.machine.lookAround();
      assert.equal(b.machine.get(job.id)?.state, 'done', 'B catches up');
      assert.deepEqual(await videos(), ['cat.luma.mp4'], 'one video');
      assert.equal(sim.requests.filter((r) => r.endpoint === 'download' && r.status === 200).length, 1, 'downloaded once');
    });

    it('Retry pressed while start-up recovery runs: the job runs, never left queued with no run and no lease', async () => {
      sim.inject('upload', { kind: 'hang' });
      const a = host('window-1');
      const [job] = await a.machine.start([a.request('cat.png')]);
      await until(() => sim.requests.some((r) => r.endpoint === 'upload'));
      await a.store.flushed();
      a.crash();
      sim.clearFaults();
      sim.release();
      const b = host('window-2');
      const recovering = b.machine.recover();
      await until(() => b.store.get(job.id)?.state === 'cancelled', 5000, 0);
      const retried = b.machine.retry(job.id);
      await recovering;
      await retried;
      await until(() => !b.machine.snapshot(job.id)?.here, 10_000);
      assert.equal(b.machine.get(job.id)?.state, 'done', 'Retry waited for the recovery and ran the job');
    });

    it("a reload while the generation request is out, in VS Code's order (deactivate, dispose): the accepted uuid is kept", async () => {
      sim.configure({ latencyMs: 600 });
      const a = host('window-1');
      const [job] = await a.machine.start([a.request('cat.png')]);
      await until(() => sim.requests.some((r) => r.endpoint === 'features'));
      const deactivated = a.machine.shutdown();
      a.machine.dispose();
      await deactivated;
      await a.store.flushed();
      deadHosts.add('window-1');
      const b = host('window-2');
      await b.machine.recover();
      assert.ok(b.machine.get(job.id)?.uuid, 'accepted within the grace: kept, and so fetchable');
    });

    it('a lease whose pid now names another live process (a restart reused it) is taken over after two still beats', async () => {
      const jobsDir = path.join(storeDir, 'jobs');
      const leasesDir = path.join(storeDir, 'leases');
      await fs.mkdir(jobsDir, { recursive: true });
      await fs.mkdir(leasesDir, { recursive: true });
      const job: JobRecord = {
        id: 'job-1',
        imageUri: 'file:///w/cat.png',
        imageName: 'cat.png',
        outputFolder: `file://${videoDir}`,
        options: { ...generationOptions },
        uuid: 'paid-uuid',
        state: 'generating',
        createdAt: 1,
        updatedAt: 1,
        requestedAt: 1,
      };
      await fs.writeFile(path.join(jobsDir, 'job-1.json'), JSON.stringify(job));
      const lease = path.join(leasesDir, 'job-1.lease');
      await fs.writeFile(lease, JSON.stringify({ hostId: 'window-that-crashed', pid: process.ppid, hostname: os.hostname() }));
      const dayAgo = new Date(Date.now() - 86_400_000);
      await fs.utimes(lease, dayAgo, dayAgo);
      const leases = new Leases(leasesDir, { hostId: 'new-window', pid: process.pid, hostname: os.hostname() }, { heartbeatMs: 50 });
      assert.ok(await leases.holder('job-1'), 'at first the running pid gets the benefit of the doubt (a computer waking from sleep)');
      await new Promise((resolve) => setTimeout(resolve, 120));
      assert.equal(await leases.holder('job-1'), undefined, 'two beats later, unmoved: nobody holds it');
      assert.equal(await leases.acquire('job-1'), true);
    });

    it('Generate while another window has its question open for the same image: refused with a message, not silently', async () => {
      sim.configure({ asyncMode: 'ignore', gatewayTimeoutMs: 100, generationMs: 2000 });
      const b = host('window-2', () => true);
      const [first] = await b.machine.start([b.request('cat.png')]);
      await b.machine.whenSettled(first.id);
      let answer!: (yes: boolean) => void;
      // The machine's ports, behind its shared run state: this window's question now waits for `answer`.
      const ports = (b.machine as unknown as { runs: { ports: { confirm: () => Promise<boolean> } } }).runs.ports;
      ports.confirm = () => new Promise((resolve) => (answer = resolve));
      const asking = b.machine.start([b.request('cat.png')]);
      await until(() => answer !== undefined);
      const a = host('window-1', () => true);
      // A asks too (its own question: the last attempt may have been charged), then B is still deciding.
      const fromA = a.machine.start([a.request('cat.png')]);
      answer(true);
      const outcomes = await Promise.allSettled([asking, fromA]);
      const started = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : []));
      assert.equal(started.length, 1, 'one new job');
      for (const outcome of outcomes)
        if (outcome.status === 'rejected') assert.match(String(outcome.reason?.message), /cat\.png/, 'the other is told why');
    });

    it('a full disk where the job list lives: Generate says so, nothing is sent', async () => {
      const a = host('window-1');
      const acquire = a.store.leases.acquire.bind(a.store.leases);
      a.store.leases.acquire = (id: string) =>
        id.startsWith('image-')
          ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }))
          : acquire(id);
      await assert.rejects(
        a.machine.start([a.request('cat.png')]),
        (error: unknown) =>
          error instanceof LumaError &&
          error.kind === 'disk' &&
          /Could not keep the job list .*ENOSPC.*nothing was sent/.test(error.message),
      );
      assert.equal(sim.requests.length, 0);
    });

    it('two recovery passes at once in one window resume an abandoned paid job once', async () => {
      sim.configure({ generationMs: 300 });
      await paidJobOfCrashedWindow();
      const b = host('window-2');
      await Promise.all([b.machine.recover(), b.machine.recover()]);
      await until(() => b.machine.counts().running === 0, 10_000);
      assert.deepEqual(await videos(), ['cat.luma.mp4']);
      assert.equal(sim.requests.filter((r) => r.endpoint === 'download' && r.status === 200).length, 1, 'downloaded once');
    });
  });

  describe('two windows on one workspace (point 5)', () => {
    it('one window runs the job; the other shows it as elsewhere, takes over when the owner dies; one whole video lands', async () => {
      sim.configure({ generationMs: 800 });
      const a = host('window-1');
      const b = host('window-2');
      const [job] = await a.machine.start([a.request('cat.png')]);
      await until(() => a.machine.get(job.id)?.uuid);
      await a.store.flushed();
      // The second window starts now: it must not run (nor write) the job the first one runs.
      const resumedByB = await b.machine.recover();
      assert.deepEqual(resumedByB, []);
      assert.equal(b.machine.snapshot(job.id)?.elsewhere, true);
      assert.equal(await b.machine.fetchPaidVideo(job.id).then((j) => j?.state), 'generating', 'Fetch there does not run it twice');
      a.crash();
      await until(() => b.machine.get(job.id)?.state === 'done', 10_000);
      assert.equal(b.machine.snapshot(job.id)?.elsewhere, false);
      assert.equal(sim.featureCalls, 1);
      assert.deepEqual(await videos(), ['cat.luma.mp4'], 'no duplicate');
      assert.deepEqual(await fs.readFile(path.join(videoDir, 'cat.luma.mp4')), sampleVideo, 'not corrupted');
    });

    it('a window that only watches (the job appeared while it was open) takes over too when the owner dies', async () => {
      sim.configure({ generationMs: 800 });
      const b = host('window-2');
      b.machine.watchOtherWindows();
      const a = host('window-1');
      const [job] = await a.machine.start([a.request('cat.png')]);
      await until(() => b.machine.snapshot(job.id)?.elsewhere, 5000);
      await until(() => a.machine.get(job.id)?.uuid);
      await a.store.flushed();
      a.crash();
      await until(() => b.machine.get(job.id)?.state === 'done', 10_000);
      assert.equal(sim.featureCalls, 1);
      assert.deepEqual(await videos(), ['cat.luma.mp4']);
    });

    it('both windows pressing Generate for one image at the same instant: one job starts, paid once', async () => {
      const a = host('window-1');
      const b = host('window-2');
      const outcomes = await Promise.allSettled([a.machine.start([a.request('cat.png')]), b.machine.start([b.request('cat.png')])]);
      const started = outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : []));
      assert.equal(started.flat().length, 1, 'one of the two starts nothing');
      const refused = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
      assert.match(String(refused.reason?.message), /cat\.png is (being started|already being generated)/, 'and says why');
      const [job] = started.flat();
      await (started[0].length ? a : b).machine.whenSettled(job.id);
      assert.equal(sim.featureCalls, 1);
      assert.deepEqual(await videos(), ['cat.luma.mp4']);
    });

    it('both windows recovering the same abandoned job at once: exactly one of them runs it', async () => {
      sim.configure({ generationMs: 300 });
      const job = await paidJobOfCrashedWindow();
      const b = host('window-2');
      const c = host('window-3');
      const [byB, byC] = await Promise.all([b.machine.recover(), c.machine.recover()]);
      assert.equal(byB.length + byC.length, 1, 'one taker');
      const taker = byB.length ? b : c;
      assert.equal((await taker.machine.whenSettled(job.id))?.state, 'done');
      assert.deepEqual(await videos(), ['cat.luma.mp4']);
      assert.deepEqual(await fs.readFile(path.join(videoDir, 'cat.luma.mp4')), sampleVideo);
    });
  });
});

async function until(probe: () => unknown, timeoutMs = 5000, stepMs = 10): Promise<void> {
  const started = Date.now();
  while (!probe()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => (stepMs ? setTimeout(resolve, stepMs) : setImmediate(resolve)));
  }
}
