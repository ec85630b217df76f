// The client and the job runner against the local simulator, over real loopback sockets.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalFolderOutput } from '../../src/files/localOutput';
import { GenerationRun, JobUpdate, resumeGeneration, runGeneration } from '../../src/jobs/generation';
import { featureRequestBody, OneMinClient } from '../../src/onemin/client';
import { Simulator } from '../simulator/simulator';
import { catPng, generationOptions as options, recordingLog, rejection, sampleVideo } from '../support/fixtures';

// With / + = -: the characters JSON and URLs escape, so every test also checks redaction holds.
const KEY = 'sk/ab+cd=ef-gh_9-0123456789';

describe('1min.ai client and job runner against the simulator', function () {
  this.timeout(20_000);
  let sim: Simulator;
  let folder: string;
  const log = recordingLog();
  const logLines = log.lines;

  before(async () => {
    sim = await Simulator.start({ apiKey: KEY, generationMs: 300 });
  });
  after(async () => {
    await sim.stop();
  });
  beforeEach(async () => {
    sim.reset();
    sim.configure({
      asyncMode: 'honour',
      uploadReply: 'full',
      resultShape: 'relative',
      temporaryUrl: 'present',
      generationMs: 300,
      latencyMs: 0,
      gatewayTimeoutMs: undefined,
      rateLimitShare: 0,
    });
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-client-'));
    logLines.length = 0;
  });
  afterEach(async () => {
    await fs.rm(folder, { recursive: true, force: true });
  });

  function client(apiKey = KEY): OneMinClient {
    // Fast, deterministic back-off so retries take milliseconds.
    return new OneMinClient({
      apiBaseUrl: sim.apiBaseUrl,
      assetBaseUrl: sim.assetBaseUrl,
      apiKey,
      log,
      retry: { initialMs: 20, maxMs: 200, maxTotalMs: 5000 },
      random: () => 1,
    });
  }

  function run(extra: Partial<GenerationRun> = {}): GenerationRun {
    return {
      client: client(),
      output: new LocalFolderOutput(folder, 'cat.png'),
      log,
      poll: { initialMs: 50, factor: 1.5, maxMs: 300, maxWaitMs: 10_000 },
      random: () => 1,
      ...extra,
    };
  }

  const generate = (extra: Partial<GenerationRun> = {}) =>
    runGeneration({ bytes: catPng, fileName: 'cat.png', mimeType: 'image/png' }, options, run(extra));

  const filesIn = async () => (await fs.readdir(folder)).sort();
  const apiRequests = (endpoint: string) => sim.requests.filter((r) => r.endpoint === endpoint);

  describe('the whole flow', () => {
    it('async: uploads, asks once, polls until SUCCESS, and saves the playable video as cat.luma.mp4', async () => {
      const updates: JobUpdate[] = [];
      const result = await generate({ onUpdate: (u) => updates.push(u) });
      assert.equal(result.videoName, 'cat.luma.mp4');
      assert.deepEqual(await fs.readFile(path.join(folder, 'cat.luma.mp4')), sampleVideo);
      assert.deepEqual(await filesIn(), ['cat.luma.mp4']);
      assert.equal(sim.featureCalls, 1);
      assert.ok(apiRequests('result').length >= 1, 'it polled');
      assert.deepEqual([...new Set(updates.map((u) => u.stage))], ['uploading', 'generating', 'downloading', 'done']);
      const upload = apiRequests('upload')[0];
      assert.equal(upload.multipart?.[0].field, 'asset');
      const body = apiRequests('features')[0].json as { async: boolean; promptObject: { imageUrl: string; duration: string } };
      assert.deepEqual(body, featureRequestBody(body.promptObject.imageUrl, options));
      assert.equal(body.async, true);
      assert.equal(body.promptObject.duration, '5s');
    });

    it('sync: a service that ignores "async" and answers with the finished record works too', async () => {
      sim.configure({ asyncMode: 'ignore', generationMs: 200 });
      const result = await generate();
      assert.equal(result.videoName, 'cat.luma.mp4');
      assert.equal(apiRequests('result').length, 0, 'no polling needed');
      assert.deepEqual(await fs.readFile(path.join(folder, 'cat.luma.mp4')), sampleVideo);
    });

    it('a second run beside an existing video saves cat.luma-2.mp4 and leaves the first untouched', async () => {
      await fs.writeFile(path.join(folder, 'cat.luma.mp4'), 'my earlier video');
      const result = await generate();
      assert.equal(result.videoName, 'cat.luma-2.mp4');
      assert.equal(await fs.readFile(path.join(folder, 'cat.luma.mp4'), 'utf8'), 'my earlier video');
    });

    for (const uploadReply of ['full', 'keyOnly', 'pathOnly'] as const) {
      it(`upload reply with ${uploadReply}: sends on the key it was given`, async () => {
        sim.configure({ uploadReply });
        const path1 = await client().uploadImage(catPng, 'cat.png', 'image/png');
        assert.match(path1, /^images\//);
      });
    }

    it('an upload reply with neither fileContent.path nor asset.key is a clear error', async () => {
      sim.configure({ uploadReply: 'empty' });
      const error = await rejection(client().uploadImage(catPng, 'cat.png', 'image/png'));
      assert.equal(error.kind, 'protocol');
      assert.match(error.message, /did not say where the image is/);
    });

    for (const [resultShape, temporaryUrl] of [
      ['relative', 'empty'],
      ['absolute', 'absent'],
      ['object', 'empty'],
      ['relative', 'present'],
    ] as const) {
      const from = temporaryUrl === 'present' ? 'temporaryUrl' : `a ${resultShape} resultObject entry`;
      it(`downloads from ${from} with no API-KEY sent to the storage host`, async () => {
        sim.configure({ resultShape, temporaryUrl });
        await generate();
        assert.deepEqual(await fs.readFile(path.join(folder, 'cat.luma.mp4')), sampleVideo);
        const storage = sim.requests.filter((r) => r.server === 'storage');
        assert.ok(storage.length >= 1);
        for (const request of storage) assert.equal(request.headers['api-key'], undefined, 'key leaked to the storage host');
        if (temporaryUrl === 'present') assert.match(storage[0].path, /X-Amz-Signature=/);
      });
    }
  });

  describe('polling', () => {
    it('backs off between checks, up to the cap', async () => {
      sim.configure({ generationMs: 1500 });
      await generate({ poll: { initialMs: 100, factor: 2, maxMs: 400, maxWaitMs: 10_000 } });
      const times = apiRequests('result').map((r) => r.at);
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      assert.ok(gaps.length >= 3, `polled ${times.length} times`);
      assert.ok(gaps[1] > gaps[0] * 1.5, `second gap ${gaps[1]} should grow from ${gaps[0]}`);
      assert.ok(Math.max(...gaps) < 400 + 150, `no gap above the cap: ${gaps}`);
    });
  });

  describe('statuses the extension does not know', () => {
    it('unknown without an error: the poll reads pending and names the status; the video still lands', async () => {
      sim.inject('result', { kind: 'recordStatus', status: 'MODERATING' }, 2);
      const { uuid } = await client().requestVideo(await client().uploadImage(catPng, 'cat.png', 'image/png'), options);
      const record = await client().getResult(uuid);
      assert.equal(record?.state, 'pending');
      assert.equal(record?.unknownStatus, 'MODERATING');
      sim.reset();
      sim.inject('result', { kind: 'recordStatus', status: 'MODERATING' }, 2);
      logLines.length = 0;
      await generate();
      assert.deepEqual(await filesIn(), ['cat.luma.mp4']);
      assert.equal(
        logLines.filter((line) => line.includes('"MODERATING"') && /does not know/.test(line)).length,
        1,
        'logged once, however many polls saw it',
      );
    });

    it("unknown with an error: a failure at once with the service's message, not 30 minutes of polling", async () => {
      sim.inject('result', { kind: 'recordStatus', status: 'BLOCKED', error: { code: 'NSFW', message: 'Blocked by moderation' } });
      const error = await rejection(generate());
      assert.equal(error.kind, 'generationFailed');
      assert.match(error.message, /Luma could not make this video: NSFW: Blocked by moderation/);
      assert.equal(apiRequests('result').length, 1);
    });

    it('unknown with only a message: a failure with that message', async () => {
      sim.inject('features', { kind: 'recordStatus', status: 'REFUSED_BY_REVIEW', message: 'The prompt was refused' });
      const record = await client().requestVideo(await client().uploadImage(catPng, 'cat.png', 'image/png'), options);
      assert.equal(record.state, 'failure');
      assert.equal(record.failureReason, 'The prompt was refused');
      assert.equal(sim.featureCalls, 1);
    });
  });

  describe('cancel', () => {
    it('while uploading: stops at once, nothing charged, nothing written', async () => {
      sim.inject('upload', { kind: 'hang' });
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 150);
      const error = await rejection(generate({ signal: abort.signal }));
      assert.equal(error.kind, 'cancelled');
      assert.equal(sim.featureCalls, 0);
      assert.deepEqual(await filesIn(), []);
    });

    it('while generating: stops waiting; the accepted uuid is known; nothing written', async () => {
      sim.configure({ generationMs: 5000 });
      const abort = new AbortController();
      let accepted = '';
      const done = generate({
        signal: abort.signal,
        onAccepted: (uuid) => {
          accepted = uuid;
          setTimeout(() => abort.abort(), 100);
        },
      });
      const error = await rejection(done);
      assert.equal(error.kind, 'cancelled');
      assert.equal(sim.featureCalls, 1);
      assert.ok(accepted);
      assert.deepEqual(await filesIn(), []);
    });

    it('while downloading: the partial file is removed', async () => {
      sim.inject('download', { kind: 'hang' });
      const abort = new AbortController();
      const error = await rejection(
        generate({
          signal: abort.signal,
          onUpdate: (u) => {
            if (u.stage === 'downloading') setTimeout(() => abort.abort(), 100);
          },
        }),
      );
      assert.equal(error.kind, 'cancelled');
      assert.deepEqual(await filesIn(), []);
    });
  });

  describe('service errors say what to do', () => {
    it('401: the key is wrong; offers Set API Key; the key never appears in the error', async () => {
      const wrong = 'wrong-key-abcdef';
      const error = await rejection(
        runGeneration({ bytes: catPng, fileName: 'cat.png', mimeType: 'image/png' }, options, run({ client: client(wrong) })),
      );
      assert.equal(error.kind, 'auth');
      assert.equal(error.remedy, 'setApiKey');
      assert.match(error.message, /Set a valid key with "Luma: Set API Key"/);
      assert.ok(!JSON.stringify({ m: error.message, d: error.detail }).includes(wrong));
      assert.ok(!logLines.join('\n').includes(wrong));
    });

    it('406: says how many credits are needed and left; nothing charged', async () => {
      sim.configure({ credits: 5000 });
      sim.reset();
      const error = await rejection(generate());
      assert.equal(error.kind, 'credits');
      assert.match(error.message, /needs 12,361 and your team has 5,000/);
      assert.equal(sim.featureCalls, 0);
      sim.configure({ credits: 1_000_000 });
    });

    it("400: passes on the service's own message", async () => {
      sim.inject('features', {
        kind: 'status',
        status: 400,
        body: { errorCode: 'UNSUPPORTED_MODEL', message: 'Model ray-v9 is not supported' },
      });
      const error = await rejection(generate());
      assert.equal(error.kind, 'badRequest');
      assert.match(error.message, /Model ray-v9 is not supported/);
    });

    it('429 on upload and polling is retried (honouring Retry-After) and the video still lands', async () => {
      sim.inject('upload', { kind: 'status', status: 429, retryAfter: 0 }, 2);
      sim.inject('result', { kind: 'status', status: 429 }, 1);
      await generate();
      assert.deepEqual(await filesIn(), ['cat.luma.mp4']);
      assert.equal(apiRequests('upload').length, 3);
    });

    it('429 that never ends: a clear error after the retries', async () => {
      sim.inject('upload', { kind: 'status', status: 429 }, 100);
      const error = await rejection(generate());
      assert.equal(error.kind, 'rateLimited');
      assert.match(error.message, /Wait a minute and try again/);
    });

    it('5xx on POST /api/features is never retried: one call, and the message warns it may be charged', async () => {
      sim.inject('features', { kind: 'status', status: 502 });
      const error = await rejection(generate());
      assert.equal(error.kind, 'server');
      assert.equal(apiRequests('features').length, 1);
      assert.match(error.message, /may still have reached 1min\.ai and be charged/);
    });

    it('a gateway timeout on a blocking request: not retried, and the user is told to check before paying again', async () => {
      sim.configure({ asyncMode: 'ignore', gatewayTimeoutMs: 100, generationMs: 400 });
      const error = await rejection(generate());
      assert.equal(error.status, 504);
      assert.equal(apiRequests('features').length, 1);
      assert.match(error.message, /check your 1min\.ai history/);
    });

    it('FAILURE (and FAILED, ERROR) with a reason', async () => {
      for (const status of ['FAILURE', 'FAILED', 'ERROR'] as const) {
        sim.inject('result', { kind: 'failure', status, reason: 'The image violates the content policy' });
        const error = await rejection(generate());
        assert.equal(error.kind, 'generationFailed', status);
        assert.match(error.message, /Luma could not make this video: .*content policy/);
      }
    });

    it('{"aiRecord": null} while polling says the job is unknown and to check the history', async () => {
      sim.inject('result', { kind: 'aiRecordNull' });
      const error = await rejection(generate());
      assert.match(error.message, /no longer knows the generation .* Check your 1min\.ai history/);
    });

    it('success:false and an error object inside resultObject are failures, not videos', async () => {
      sim.inject('features', { kind: 'successFalse', message: 'Prompt rejected' });
      assert.match((await rejection(generate())).message, /reported a failure: Prompt rejected/);
      sim.inject('result', { kind: 'errorInResult', code: 'MODERATION', message: 'Blocked by moderation' });
      assert.match((await rejection(generate())).message, /MODERATION: Blocked by moderation/);
    });

    it('malformed and truncated JSON are clear errors', async () => {
      sim.inject('features', { kind: 'malformed' });
      const malformed = await rejection(generate());
      assert.equal(malformed.kind, 'protocol');
      assert.match(malformed.message, /unreadable answer/);
      sim.inject('upload', { kind: 'truncated' }, 100);
      const truncated = await rejection(generate());
      assert.ok(['network', 'protocol'].includes(truncated.kind), truncated.kind);
    });

    it('SUCCESS with no video address', async () => {
      sim.inject('result', { kind: 'noVideo' });
      const error = await rejection(generate());
      assert.match(error.message, /gave no address to fetch it from/);
      assert.deepEqual(await filesIn(), []);
    });

    it('a download that 404s a few times (the file lags SUCCESS) is retried', async () => {
      sim.inject('download', { kind: 'status', status: 404 }, 3);
      await generate();
      assert.deepEqual(await fs.readFile(path.join(folder, 'cat.luma.mp4')), sampleVideo);
    });

    it('a download cut mid-stream is retried; no half-written file is ever left', async () => {
      sim.inject('download', { kind: 'cutMidStream' }, 2);
      await generate();
      assert.deepEqual(await fs.readFile(path.join(folder, 'cat.luma.mp4')), sampleVideo);
      assert.deepEqual(await filesIn(), ['cat.luma.mp4']);
    });

    it('an expired temporaryUrl (403) is fetched afresh through GET /api/results', async () => {
      sim.inject('download', { kind: 'expired' });
      const before = apiRequests('result').length;
      await generate();
      assert.ok(apiRequests('result').length > before);
      assert.deepEqual(await filesIn(), ['cat.luma.mp4']);
    });

    it('connection refused: a clear network error', async () => {
      const dead = new OneMinClient({
        apiBaseUrl: 'http://127.0.0.1:9',
        assetBaseUrl: sim.assetBaseUrl,
        apiKey: KEY,
        retry: { attempts: 2, initialMs: 10 },
      });
      const error = await rejection(dead.uploadImage(catPng, 'cat.png', 'image/png'));
      assert.equal(error.kind, 'network');
      assert.match(error.message, /Could not reach 1min\.ai while uploading the image/);
    });
  });

  describe('nothing lost, nothing paid twice', () => {
    it('a 429 on POST /api/features (a refusal: nothing made) is retried, and charged once', async () => {
      sim.inject('features', { kind: 'status', status: 429, retryAfter: 0 }, 2);
      await generate();
      assert.equal(apiRequests('features').length, 3);
      assert.equal(sim.featureCalls, 1);
      assert.deepEqual(await filesIn(), ['cat.luma.mp4']);
    });

    it('a paid job is resumed from its uuid alone (after a reload or crash): no second POST, the video lands', async () => {
      sim.configure({ generationMs: 600 });
      const abort = new AbortController();
      let uuid = '';
      const first = await rejection(
        generate({
          signal: abort.signal,
          onAccepted: (id) => {
            uuid = id;
            abort.abort();
          },
        }),
      );
      assert.equal(first.kind, 'cancelled');
      const result = await resumeGeneration(uuid, run());
      assert.equal(result.uuid, uuid);
      assert.equal(sim.featureCalls, 1);
      assert.deepEqual(await fs.readFile(path.join(folder, result.videoName)), sampleVideo);
    });

    it('cancel while POST /api/features is out: the answer (and so the paid uuid) is still kept', async () => {
      sim.configure({ latencyMs: 300 });
      const abort = new AbortController();
      let accepted = '';
      const error = await rejection(
        generate({
          signal: abort.signal,
          onRequesting: () => void setTimeout(() => abort.abort(), 50),
          onAccepted: (uuid) => {
            accepted = uuid;
          },
        }),
      );
      assert.equal(error.kind, 'cancelled');
      assert.equal(sim.featureCalls, 1);
      assert.equal(accepted, sim.jobs()[0].uuid, 'the paid job is known, so it can be fetched');
    });

    it('cancel during download removes the partial file; fetching later does not pay again', async () => {
      sim.inject('download', { kind: 'hang' });
      const abort = new AbortController();
      let uuid = '';
      await rejection(
        generate({
          signal: abort.signal,
          onAccepted: (id) => {
            uuid = id;
          },
          onUpdate: (u) => {
            if (u.stage === 'downloading') setTimeout(() => abort.abort(), 50);
          },
        }),
      );
      assert.deepEqual(await filesIn(), []);
      await resumeGeneration(uuid, run());
      assert.deepEqual(await filesIn(), ['cat.luma.mp4']);
      assert.equal(sim.featureCalls, 1);
    });

    it('an output folder that cannot be written to is refused before anything is sent', async () => {
      const output = new LocalFolderOutput('/sys/kernel', 'cat.png'); // not writable, even for root
      const error = await rejection(generate({ output }));
      assert.equal(error.kind, 'disk');
      assert.match(
        error.message,
        new RegExp(
          /Cannot save videos in \/sys\/kernel \(permission denied\)\. /.source +
            /Choose a folder you can write to with the "lumaVideo.outputFolder" setting/.source,
        ),
      );
      assert.equal(sim.requests.length, 0);
    });

    it('an output folder that cannot be created (a file is in the way) is refused before anything is sent', async () => {
      await fs.writeFile(path.join(folder, 'videos'), 'a file, not a folder');
      const error = await rejection(generate({ output: new LocalFolderOutput(path.join(folder, 'videos', 'out'), 'cat.png') }));
      assert.match(error.message, /Cannot create the output folder .*a file is in the way/);
      assert.equal(sim.requests.length, 0);
    });

    it('a disk that fills up while writing: a clear message, nothing half-written left', async function () {
      // A real full disk: a 16 KB tmpfs, smaller than the video. Mounting needs root.
      const tiny = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-tiny-'));
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', tiny], { stdio: 'ignore' });
      } catch {
        await fs.rm(tiny, { recursive: true, force: true });
        console.warn('      (skipped: mounting a tiny tmpfs needs root)');
        this.skip();
      }
      try {
        const error = await rejection(generate({ output: new LocalFolderOutput(tiny, 'cat.png') }));
        assert.equal(error.kind, 'disk');
        assert.match(error.message, /Could not write the video \(the disk is full\)\. Free some space or choose another folder/);
        assert.deepEqual(await fs.readdir(tiny), [], 'no half-written file');
      } finally {
        execFileSync('umount', [tiny]);
        await fs.rm(tiny, { recursive: true, force: true });
      }
    });

    it('retries honour Retry-After', async () => {
      sim.inject('result', { kind: 'status', status: 429, retryAfter: 1 });
      const started = Date.now();
      await generate({ poll: { initialMs: 10, factor: 1, maxMs: 10, maxWaitMs: 10_000 } });
      const times = apiRequests('result').map((r) => r.at);
      assert.ok(times[1] - times[0] >= 950, `waited ${times[1] - times[0]} ms after Retry-After: 1`);
      assert.ok(Date.now() - started < 5000);
    });

    it('an error body that echoes the request headers never shows the key', async () => {
      sim.inject('features', { kind: 'status', status: 400, body: { message: `Bad header API-KEY: ${KEY}` } });
      const error = await rejection(generate());
      assert.ok(!error.message.includes(KEY), error.message);
      assert.match(error.message, /API-KEY: \[redacted\]/);
      assert.ok(!logLines.join('\n').includes(KEY));
    });

    it('load: ten jobs at once, a slow service refusing a third of calls with 429: all land, each under its own name', async function () {
      this.timeout(60_000);
      sim.configure({ latencyMs: 100, rateLimitShare: 1 / 3, generationMs: 500 });
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          generate({
            client: new OneMinClient({
              apiBaseUrl: sim.apiBaseUrl,
              assetBaseUrl: sim.assetBaseUrl,
              apiKey: KEY,
              log,
              retry: { initialMs: 50, maxMs: 1000, attempts: 12, maxTotalMs: 30_000 },
            }),
            // A third of the checks refused and retried, on a busy machine: more than the usual 10 s to wait.
            poll: { initialMs: 50, factor: 1.5, maxMs: 300, maxWaitMs: 40_000 },
          }),
        ),
      );
      const names = results.map((r) => r.videoName).sort();
      assert.deepEqual(names, [
        'cat.luma-10.mp4',
        'cat.luma-2.mp4',
        'cat.luma-3.mp4',
        'cat.luma-4.mp4',
        'cat.luma-5.mp4',
        'cat.luma-6.mp4',
        'cat.luma-7.mp4',
        'cat.luma-8.mp4',
        'cat.luma-9.mp4',
        'cat.luma.mp4',
      ]);
      for (const name of names) assert.deepEqual(await fs.readFile(path.join(folder, name)), sampleVideo, name);
      assert.equal(sim.featureCalls, 10, 'each generation paid exactly once');
      assert.equal(new Set(results.map((r) => r.uuid)).size, 10);
      assert.ok(sim.requests.filter((r) => r.status === 429).length >= 5, 'the service really was rate-limiting');
      assert.deepEqual(
        (await filesIn()).filter((n) => !n.endsWith('.mp4') || n.startsWith('.')),
        [],
        'no stray files',
      );
    });
  });

  it('the key appears in no log line after a full run', async () => {
    await generate();
    assert.ok(logLines.length > 3);
    assert.ok(!logLines.join('\n').includes(KEY));
  });
});
