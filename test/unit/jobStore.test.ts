// The job list on disk: one file per job, validated when read, shared by the windows of a
// workspace through leases.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isFetchable, isResumable, JobRecord } from '../../src/jobs/job';
import { JobStore, MAX_FINISHED } from '../../src/jobs/jobStore';
import { importLegacyJobs } from '../../src/jobs/legacyJobs';
import { summarize } from '../../src/jobs/jobSummary';
import { readStoredJob } from '../../src/jobs/storedJob';

const options = { prompt: 'p', length: 5, enhancePrompt: true, modelName: 'ray-v2', aspectRatio: '', resolution: '', loop: false } as const;

function job(id: string, patch: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    imageUri: `file:///w/${id}.png`,
    imageName: `${id}.png`,
    outputFolder: 'file:///w',
    options: { ...options },
    state: 'uploading',
    createdAt: Date.now(),
    updatedAt: Date.now(),
    ...patch,
  };
}

function logger(lines: string[] = []) {
  const push = (m: string) => void lines.push(m);
  return { lines, trace: push, debug: push, info: push, warn: push, error: push };
}

describe('job store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-store-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const store = (hostId = 'host-a', log = logger()) =>
    new JobStore({ dir, log, owner: { hostId, pid: process.pid, hostname: os.hostname() } });

  it('keeps every job saved at the same moment, newest first, and reads them back in a new store', async () => {
    const a = store();
    await Promise.all(Array.from({ length: 10 }, (_, i) => a.save(job(`j${i}`, { createdAt: 1000 + i }))));
    assert.deepEqual(
      a.all().map((j) => j.id),
      ['j9', 'j8', 'j7', 'j6', 'j5', 'j4', 'j3', 'j2', 'j1', 'j0'],
    );
    await a.save({ ...job('j3', { createdAt: 1003 }), state: 'generating', uuid: 'u3' });
    await a.remove('j4');
    const b = store('host-b');
    assert.equal(b.all().length, 9);
    assert.equal(b.get('j3')?.uuid, 'u3');
    assert.equal(b.get('j4'), undefined);
  });

  it('knows which jobs resume by themselves and which can be fetched without paying again', () => {
    assert.equal(isResumable(job('a', { state: 'generating', uuid: 'u' })), true);
    assert.equal(isResumable(job('b', { state: 'downloading', uuid: 'u' })), true);
    assert.equal(isResumable(job('c', { state: 'stopped', uuid: 'u' })), false, 'the person chose to stop waiting');
    assert.equal(isResumable(job('d', { state: 'uploading' })), false);
    assert.equal(isFetchable(job('c', { state: 'stopped', uuid: 'u' })), true);
    assert.equal(isFetchable(job('e', { state: 'failed', uuid: 'u' })), true);
    assert.equal(isFetchable(job('f', { state: 'failed' })), false, 'never accepted: nothing to fetch');
    assert.equal(isFetchable(job('g', { state: 'done', uuid: 'u' })), false);
  });

  it(`drops the oldest finished jobs past ${MAX_FINISHED}, but never a paid one that is not saved yet`, async function () {
    this.timeout(30_000);
    const a = store();
    await a.save(job('paid', { state: 'failed', uuid: 'u', createdAt: 1 }));
    for (let i = 0; i < MAX_FINISHED + 5; i++)
      await a.save(job(`done${i}`, { state: 'done', videoUri: 'file:///w/v.mp4', createdAt: 10 + i }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await a.flushed();
    const ids = store('host-b')
      .all()
      .map((j) => j.id);
    assert.equal(ids.filter((id) => id.startsWith('done')).length, MAX_FINISHED);
    assert.ok(ids.includes('paid'));
    assert.ok(!ids.includes('done0'), 'the oldest finished one went');
  });

  it('sees what another window wrote when it looks again', async () => {
    const a = store('host-a');
    const b = store('host-b');
    a.load();
    b.load();
    await b.save(job('from-b', { state: 'queued' }));
    assert.equal(a.get('from-b'), undefined);
    assert.deepEqual(await a.refresh(), ['from-b']);
    assert.equal(a.get('from-b')?.state, 'queued');
    await b.remove('from-b');
    assert.deepEqual(await a.refresh(), ['from-b']);
    assert.equal(a.get('from-b'), undefined);
  });

  it('moves the list of an earlier version over once, with any key its texts held removed', async () => {
    const key = 'legacy-key/+=-42';
    const a = store();
    const legacy = [
      {
        ...job('11111111-2222-3333-4444-555555555555', { state: 'failed' }),
        error: `1min.ai refused the request: {"message":"bad header API-KEY ${key.replace(/\//g, '\\/')}"}`,
      },
    ];
    assert.equal(
      importLegacyJobs(a, legacy, (text) => text.split(key.replace(/\//g, '\\/')).join('[redacted]'), logger()),
      1,
    );
    await a.flushed();
    const text = await fs.readFile(path.join(dir, 'jobs', `${legacy[0].id}.json`), 'utf8');
    assert.ok(!text.includes(key.replace(/\//g, '\\/')) && !text.includes(key), text);
    assert.equal(
      importLegacyJobs(a, legacy, (t) => t, logger()),
      0,
      'not twice',
    );
  });

  describe('the list as stored is untrusted (issue 9, point 9)', () => {
    it('repairs what it can, drops what it cannot, logs each, and one bad entry blanks nothing', async () => {
      const jobsDir = path.join(dir, 'jobs');
      await fs.mkdir(jobsDir, { recursive: true });
      const write = (name: string, text: string) => fs.writeFile(path.join(jobsDir, name), text);
      await write('good.json', JSON.stringify(job('good', { state: 'done', videoUri: 'file:///w/good.luma.mp4' })));
      await write('paid.json', JSON.stringify(job('paid', { state: 'generating', uuid: 'uuid-paid' })));
      await write('garbage.json', '{"id": "garbage", "state": ');
      await write('array.json', '[1, 2, 3]');
      await write('noimage.json', JSON.stringify({ ...job('noimage'), imageUri: 42 }));
      await write('oddstate.json', JSON.stringify(job('oddstate', { state: 'exploded' as never, uuid: 'uuid-odd' })));
      await write('badoptions.json', JSON.stringify({ ...job('badoptions', { state: 'failed' }), options: { prompt: 7, length: 99 } }));
      await write('wrongname.json', JSON.stringify(job('other-id', { state: 'done', videoUri: 'file:///x' })));
      await write('nouuid.json', JSON.stringify(job('nouuid', { state: 'downloading' })));
      const log = logger();
      const a = store('host-a', log);
      const all = a.all();
      assert.deepEqual(all.map((j) => j.id).sort(), ['badoptions', 'good', 'nouuid', 'oddstate', 'paid']);
      assert.equal(a.get('paid')?.state, 'generating', 'a sound paid job still resumes');
      assert.equal(a.get('oddstate')?.state, 'stopped', 'an unknown state with a uuid stays fetchable');
      assert.equal(a.get('oddstate')?.uuid, 'uuid-odd');
      assert.equal(a.get('badoptions')?.options.length, 5, 'options repaired with defaults');
      assert.equal(a.get('nouuid')?.state, 'failed');
      assert.equal(a.get('nouuid')?.mayBeCharged, true, 'past the request without an id: it may have been charged');
      const logged = log.lines.join('\n');
      for (const name of ['garbage', 'array', 'noimage', 'oddstate', 'badoptions', 'other-id', 'nouuid'])
        assert.match(logged, new RegExp(name));
      // Set aside, not deleted: a damaged entry could hold the id of a paid video.
      const left = await fs.readdir(jobsDir);
      assert.ok(
        left.some((name) => name.startsWith('garbage.json.') && name.endsWith('.damaged')),
        left.join(', '),
      );
    });

    it('repairs a record field by field', () => {
      const { job: repaired, problems } = readStoredJob(
        { id: 'x1', imageUri: 'file:///w/cat%20photo.png', state: 'done', uuid: 'u1', createdAt: 'yesterday' },
        5000,
      );
      assert.ok(repaired);
      assert.equal(repaired.imageName, 'cat photo.png');
      assert.equal(repaired.outputFolder, 'file:///w');
      assert.equal(repaired.state, 'stopped', 'done without a video: paid, so fetchable again');
      assert.equal(repaired.createdAt, 5000);
      assert.ok(problems.length >= 3);
      assert.equal(
        readStoredJob({ id: '../../etc/passwd', imageUri: 'file:///x.png' }).job,
        undefined,
        'an id that is not a plain name is refused',
      );
      assert.equal(
        readStoredJob({ ...job('c1'), claimedName: '../outside.mp4' }).job?.claimedName,
        undefined,
        'a claimed name with a folder in it is dropped',
      );
    });

    it('keeps "the reason says what is owed" only with a reason, and sets it where a repair writes one that does', () => {
      const said = { ...job('m1'), state: 'failed', mayBeCharged: true, error: 'It may have been charged.', errorSaysMoney: true };
      assert.equal(readStoredJob(said).job?.errorSaysMoney, true);
      assert.equal(readStoredJob({ ...said, error: undefined }).job?.errorSaysMoney, undefined, 'nothing said without a reason');
      assert.equal(readStoredJob({ ...said, errorSaysMoney: 'yes' }).job?.errorSaysMoney, undefined);
      const lostId = readStoredJob({ ...job('m2'), state: 'generating', errorSaysMoney: false }).job;
      assert.deepEqual([lostId?.state, lostId?.mayBeCharged, lostId?.errorSaysMoney], ['failed', true, true]);
      assert.match(lostId?.error ?? '', /may have been charged/);
      const damaged = readStoredJob({ ...said, state: 'exploded' }).job!;
      assert.equal(damaged.errorSaysMoney, undefined, 'the damage note says nothing of money');
      assert.match(
        summarize([damaged], 'other')!.message,
        /damaged.* It may have been charged: check your 1min\.ai history\.$/,
        'so the notification adds it',
      );
    });
  });
});
