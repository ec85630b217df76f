// The client under the faults that cost money or hang a job: charges followed by failures, cancel
// while the generation request is out, deadlines, bounded downloads, redirects, and the key in
// every form a body can echo it. Over real loopback sockets, against the simulator.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { LocalFolderOutput } from '../../src/files/localOutput';
import { runGeneration } from '../../src/jobs/generation';
import { ClientOptions, MAX_VIDEO_BYTES, OneMinClient } from '../../src/onemin/client';
import { leavesChargeOpen } from '../../src/util/lumaError';
import { redactSecrets } from '../../src/util/redact';
import { Simulator } from '../simulator/simulator';
import { catPng, generationOptions as options, recordingLog, rejection, sampleVideo } from '../support/fixtures';

const KEY = 'sk/ab+cd=ef-gh_9';

describe('1min.ai client under faults', function () {
  this.timeout(20_000);
  let sim: Simulator;
  let folder: string;
  let imagePath: string;
  const log = recordingLog();

  before(async () => {
    sim = await Simulator.start({ apiKey: KEY, generationMs: 100 });
    imagePath = await client().uploadImage(catPng, 'cat.png', 'image/png');
  });
  after(() => sim.stop());
  beforeEach(async () => {
    sim.reset();
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-faults-'));
    log.lines.length = 0;
  });
  afterEach(async () => {
    await fs.rm(folder, { recursive: true, force: true });
  });

  function client(extra: Partial<ClientOptions> = {}): OneMinClient {
    return new OneMinClient({
      apiBaseUrl: sim.apiBaseUrl,
      assetBaseUrl: sim.assetBaseUrl,
      apiKey: KEY,
      log,
      retry: { initialMs: 20, maxMs: 100, maxTotalMs: 5000 },
      random: () => 1,
      ...extra,
    });
  }

  const requests = (endpoint: string) => sim.requests.filter((r) => r.endpoint === endpoint);
  const filesIn = async () => (await fs.readdir(folder)).sort();
  const target = () => path.join(folder, '.video.tmp');

  /** A finished job's download address, from the service as the client reads it. */
  async function finishedVideoUrl(): Promise<string> {
    const { uuid } = await client().requestVideo(imagePath, options);
    sim.finishJob(uuid);
    const record = await client().getResult(uuid);
    assert.equal(record?.state, 'success');
    return record.videoUrls[0];
  }

  /** Nothing in `value` (an error with its stack and fields, a record, log lines) holds the key in any form. */
  function assertNoKey(value: unknown): void {
    const text = typeof value === 'string' ? value : `${inspect(value, { depth: 8 })}\n${JSON.stringify(value)}`;
    assert.ok(!text.includes(KEY), `the key in: ${text}`);
    assert.equal(redactSecrets(text, [KEY]), text, `an encoded key in: ${text}`);
  }

  describe('POST /api/features charged, then failed: one request, and the charge is left open', () => {
    for (const status of [502, 504, 520, 522, 524]) {
      it(`a gateway ${status} after the service took the job`, async () => {
        sim.inject('features', { kind: 'status', status, charge: true });
        const error = await rejection(client().requestVideo(imagePath, options));
        assert.equal(error.kind, 'server');
        assert.equal(error.status, status);
        assert.ok(leavesChargeOpen(error));
        assert.equal(requests('features').length, 1, 'never repeated');
        assert.equal(sim.featureCalls, 1);
        assert.equal(sim.jobs().length, 1, 'the paid job exists, to be found in the history');
      });
    }

    for (const kind of ['reset', 'malformed', 'truncated'] as const) {
      it(`${kind} after the service took the job`, async () => {
        sim.inject('features', { kind, charge: true });
        const error = await rejection(client().requestVideo(imagePath, options));
        assert.ok(leavesChargeOpen(error), `${error.kind}: ${error.message}`);
        assert.equal(requests('features').length, 1);
        assert.equal(sim.featureCalls, 1);
      });
    }

    it("a cancel while the request is out does not cut it: the paid job's record arrives once released", async () => {
      sim.inject('features', { kind: 'hold' });
      const abort = new AbortController();
      let settled = false;
      const pending = client()
        .requestVideo(imagePath, options, abort.signal)
        .finally(() => (settled = true));
      await sim.whenHeld('features');
      abort.abort();
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(settled, false, 'still waiting for the answer');
      sim.release();
      const record = await pending;
      assert.equal(record.uuid, sim.jobs()[0].uuid);
      assert.equal(sim.featureCalls, 1);
    });

    it('a cancel while the request is out, then a charged 504: the caller hears the charge is open, not "cancelled"', async () => {
      sim.inject('features', { kind: 'hold', then: { kind: 'status', status: 504, charge: true } });
      const abort = new AbortController();
      const pending = rejection(client().requestVideo(imagePath, options, abort.signal));
      await sim.whenHeld('features');
      abort.abort();
      sim.release();
      const error = await pending;
      assert.equal(error.kind, 'server');
      assert.ok(leavesChargeOpen(error));
      assert.equal(sim.featureCalls, 1);
    });

    it('a cancel while a refusal is held (429, nothing made): no second request after the cancel', async () => {
      sim.inject('features', { kind: 'hold', then: { kind: 'status', status: 429, retryAfter: 0 } });
      const abort = new AbortController();
      const pending = rejection(client().requestVideo(imagePath, options, abort.signal));
      await sim.whenHeld('features');
      abort.abort();
      sim.release();
      assert.equal((await pending).kind, 'cancelled');
      assert.equal(requests('features').length, 1);
      assert.equal(sim.featureCalls, 0);
    });
  });

  describe('every request has a wall-clock deadline', () => {
    const drip = { kind: 'drip', intervalMs: 50, bytesPerTick: 1 } as const;

    it('upload: a server that drips its answer is cut at the deadline and retried', async () => {
      sim.inject('upload', drip, 2);
      const started = Date.now();
      const error = await rejection(
        client({ deadlines: { uploadMs: 300 }, retry: { attempts: 2, initialMs: 10 } }).uploadImage(catPng, 'cat.png', 'image/png'),
      );
      assert.equal(error.kind, 'network');
      assert.equal(error.code, 'ETIMEDOUT');
      assert.match(error.message, /did not answer in full within 300 ms while uploading the image/);
      assert.equal(requests('upload').length, 2);
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    });

    it('results: a dripping poll is cut at the deadline, and the retry gets the answer', async () => {
      const { uuid } = await client().requestVideo(imagePath, options);
      sim.inject('result', drip);
      const record = await client({ deadlines: { resultMs: 200 } }).getResult(uuid);
      assert.equal(record?.uuid, uuid);
      assert.equal(requests('result').length, 2);
    });

    it('results: a hanging poll is cut too', async () => {
      sim.inject('result', { kind: 'hang' }, 10);
      const error = await rejection(client({ deadlines: { resultMs: 100 }, retry: { attempts: 2, initialMs: 10 } }).getResult('x'));
      assert.equal(error.code, 'ETIMEDOUT');
    });

    it('features: a deadline is a failure that leaves the charge open, and is never repeated', async () => {
      sim.inject('features', drip);
      const error = await rejection(client({ deadlines: { featuresMs: 300 } }).requestVideo(imagePath, options));
      assert.equal(error.code, 'ETIMEDOUT');
      assert.match(error.message, /within 300 ms while asking for the video/);
      assert.ok(leavesChargeOpen(error));
      assert.equal(requests('features').length, 1);
      assert.equal(sim.featureCalls, 1, 'the dripped answer was a charged one');
    });

    it('features: the deadline ends a held request even after a cancel', async () => {
      sim.inject('features', { kind: 'hold', then: { kind: 'hang', charge: true } });
      const abort = new AbortController();
      const pending = rejection(client({ deadlines: { featuresMs: 300 } }).requestVideo(imagePath, options, abort.signal));
      await sim.whenHeld('features');
      abort.abort();
      const error = await pending;
      assert.equal(error.code, 'ETIMEDOUT');
      assert.ok(leavesChargeOpen(error));
    });

    it('download: a drip is cut at the deadline; nothing is left', async () => {
      const url = await finishedVideoUrl();
      sim.inject('download', { kind: 'drip', intervalMs: 20, bytesPerTick: 100 });
      const error = await rejection(
        client({ deadlines: { downloadMs: 300, downloadStallMs: 200 }, retry: { attempts: 1 } }).download(url, target()),
      );
      assert.equal(error.kind, 'network');
      assert.match(error.message, /did not finish within 300 ms/);
      assert.deepEqual(await filesIn(), []);
    });

    it('download: no byte for the stall limit (no headers at all) is a stall, and retried', async () => {
      const url = await finishedVideoUrl();
      sim.inject('download', { kind: 'hang' });
      const bytes = await client({ deadlines: { downloadStallMs: 150 } }).download(url, target());
      assert.equal(bytes, sampleVideo.length);
      assert.match(log.lines.join('\n'), /Download attempt 1 failed \(no data for 150 ms\)/);
    });

    it('download: a pause mid-body longer than the stall limit is a stall', async () => {
      const url = await finishedVideoUrl();
      sim.inject('download', { kind: 'drip', intervalMs: 1000, bytesPerTick: 8192 });
      const error = await rejection(client({ deadlines: { downloadStallMs: 150 }, retry: { attempts: 1 } }).download(url, target()));
      assert.match(error.message, /The download stalled: nothing arrived for 150 ms/);
      assert.deepEqual(await filesIn(), []);
    });

    it('download: slow but steady is not a stall', async () => {
      const url = await finishedVideoUrl();
      sim.inject('download', { kind: 'drip', intervalMs: 30, bytesPerTick: 4096 });
      const bytes = await client({ deadlines: { downloadStallMs: 150 }, retry: { attempts: 1 } }).download(url, target());
      assert.equal(bytes, sampleVideo.length);
      assert.deepEqual(await fs.readFile(target()), sampleVideo);
    });
  });

  describe('downloads are bounded', () => {
    it('a body longer than its Content-Length is refused and leaves no file', async () => {
      const url = await finishedVideoUrl();
      sim.inject('download', { kind: 'overlong', extraBytes: 4096 });
      const error = await rejection(client({ retry: { attempts: 1 } }).download(url, target()));
      assert.equal(error.kind, 'protocol');
      assert.match(error.message, new RegExp(`sent more than the ${sampleVideo.length} bytes it announced.*nothing was saved`));
      assert.deepEqual(await filesIn(), []);
    });

    it('a body with no length that never ends stops at the cap, with no file', async () => {
      const url = await finishedVideoUrl();
      sim.inject('download', { kind: 'endless' });
      const error = await rejection(client({ maxVideoBytes: 2 * 1024 * 1024 }).download(url, target()));
      assert.equal(error.kind, 'tooLarge');
      assert.match(error.message, /The video is larger than 2 MB, which no Luma video is.*nothing was saved/);
      assert.deepEqual(await filesIn(), []);
      assert.equal(sim.requests.filter((r) => r.server === 'storage').length, 1, 'not retried');
    });

    it('a Content-Length above the cap is refused before anything is written', async () => {
      const url = await finishedVideoUrl();
      const error = await rejection(client({ maxVideoBytes: 1000 }).download(url, target()));
      assert.equal(error.kind, 'tooLarge');
      assert.deepEqual(await filesIn(), []);
    });

    it("the default cap leaves room for the benchmark's 200 MB video", () => {
      assert.ok(MAX_VIDEO_BYTES > 200 * 1024 * 1024);
    });

    for (const chunked of [false, true]) {
      it(`a gzip-encoded download ${chunked ? 'without a length' : 'with its compressed length'} is decoded and saved whole`, async () => {
        const url = await finishedVideoUrl();
        sim.inject('download', { kind: 'gzip', chunked });
        const bytes = await client().download(url, target());
        assert.equal(bytes, sampleVideo.length);
        assert.deepEqual(await fs.readFile(target()), sampleVideo);
      });
    }

    it('a gzip bomb stops at the cap on the decoded bytes, with no file', async () => {
      const url = await finishedVideoUrl();
      sim.inject('download', { kind: 'gzipBomb' });
      const started = Date.now();
      const error = await rejection(client({ maxVideoBytes: 4 * 1024 * 1024 }).download(url, target()));
      assert.equal(error.kind, 'tooLarge');
      assert.deepEqual(await filesIn(), []);
      assert.ok(Date.now() - started < 3000);
    });

    it('asks for the video as it is (Accept-Encoding: identity), and the whole job lands from a gzip answer', async () => {
      sim.inject('download', { kind: 'gzip' });
      const output = new LocalFolderOutput(folder, 'cat.png');
      const result = await runGeneration({ bytes: catPng, fileName: 'cat.png', mimeType: 'image/png' }, options, {
        client: client(),
        output,
        log,
        poll: { initialMs: 30, factor: 1, maxMs: 30, maxWaitMs: 5000 },
      });
      assert.deepEqual(await fs.readFile(path.join(folder, result.videoName)), sampleVideo);
      const download = sim.requests.find((r) => r.endpoint === 'download');
      assert.equal(download?.headers['accept-encoding'], 'identity');
    });
  });

  describe('a redirect from the API host', () => {
    /** A server that counts what reaches it, to show nothing followed the redirect. */
    async function elsewhere(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
      let hits = 0;
      const server = http.createServer((_req, res) => {
        hits++;
        res.end('{}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}`, hits: () => hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
    }

    it('is not followed: its own message names the setting and the host, and the key went nowhere', async () => {
      const other = await elsewhere();
      try {
        sim.inject('upload', { kind: 'redirect', status: 301, location: `${other.url}/api/assets` });
        const error = await rejection(client().uploadImage(catPng, 'cat.png', 'image/png'));
        assert.equal(error.kind, 'redirect');
        assert.equal(error.status, 301);
        assert.match(
          error.message,
          new RegExp(`redirected the request \\(HTTP 301\\) to 127\\.0\\.0\\.1:${new URL(other.url).port} while uploading the image`),
        );
        assert.match(error.message, /your API key was not sent there\. Check the "lumaVideo\.apiBaseUrl" setting/);
        assert.doesNotMatch(error.message, /prompt and options/);
        assert.equal(other.hits(), 0);
        assert.equal(requests('upload').length, 1, 'not retried');
      } finally {
        await other.close();
      }
    });

    it('on POST /api/features: never repeated, and it leaves the charge open (whatever answered had the request)', async () => {
      sim.inject('features', { kind: 'redirect', status: 303 });
      const error = await rejection(client().requestVideo(imagePath, options));
      assert.equal(error.kind, 'redirect');
      assert.match(error.message, /to elsewhere\.example/);
      assert.ok(leavesChargeOpen(error));
      assert.equal(requests('features').length, 1);
    });

    it('a relative Location names the API host itself; a missing one says so', async () => {
      sim.inject('result', { kind: 'redirect', status: 307, location: '/v2/results/x' });
      assert.match(
        (await rejection(client().getResult('x'))).message,
        new RegExp(`to ${new URL(sim.apiBaseUrl).host.replace(/\./g, '\\.')} while checking`),
      );
      sim.inject('result', { kind: 'status', status: 302 });
      assert.match((await rejection(client().getResult('x'))).message, /redirected the request \(HTTP 302\) without saying where to/);
    });
  });

  describe('the key, echoed in any form, is in nothing the client returns, throws or logs', () => {
    const escapedSlash = KEY.replace(/\//g, '\\/');
    const unicodeSlash = KEY.replace(/\//g, '\\u002f');

    for (const [form, written] of [
      ['JSON-escaped with \\/', escapedSlash],
      ['JSON-escaped with \\u002f', unicodeSlash],
      ['URL-encoded', encodeURIComponent(KEY)],
    ] as const) {
      it(`in a JSON error body, ${form}`, async () => {
        const body = `{"errorCode":"BAD_REQUEST","message":"Bad header API-KEY: ${written}"}`;
        sim.inject('features', { kind: 'status', status: 400, body, contentType: 'application/json' });
        const error = await rejection(client().requestVideo(imagePath, options));
        assert.equal(error.kind, 'badRequest');
        assert.match(error.message, /Bad header API-KEY: \[redacted\]/);
        assertNoKey(error);
        assertNoKey(log.lines.join('\n'));
      });
    }

    it('in 5xx bodies that are retried and logged', async () => {
      sim.inject(
        'result',
        { kind: 'status', status: 503, body: `{"message":"upstream said key=${unicodeSlash}"}`, contentType: 'application/json' },
        3,
      );
      const error = await rejection(client({ retry: { attempts: 3, initialMs: 5 } }).getResult('x'));
      assert.equal(error.kind, 'server');
      assert.ok(log.lines.length >= 2, 'the retries were logged');
      assertNoKey(error);
      assertNoKey(log.lines.join('\n'));
    });

    it('in a text error body, URL-encoded', async () => {
      sim.inject('upload', { kind: 'status', status: 400, body: `refused: https://api.example/?key=${encodeURIComponent(KEY)}` });
      const error = await rejection(client().uploadImage(catPng, 'cat.png', 'image/png'));
      assertNoKey(error);
    });

    it('in an upload reply', async () => {
      const body =
        `{"asset":{"key":"images/${unicodeSlash}.png"},` + `"fileContent":{"path":"images/${escapedSlash}.png"},"echo":"${unicodeSlash}"}`;
      sim.inject('upload', { kind: 'status', status: 200, body, contentType: 'application/json' });
      const returned = await client().uploadImage(catPng, 'cat.png', 'image/png');
      assert.equal(returned, 'images/[redacted].png');
      assertNoKey(returned);
    });

    it('in a record: its failure reason and its addresses', async () => {
      const record =
        `{"aiRecord":{"uuid":"u-1","status":"FAILURE","message":"Refused for API-KEY ${unicodeSlash}",` +
        '"aiRecordDetail":{"resultObject":[]}}}';
      sim.inject('result', { kind: 'status', status: 200, body: record, contentType: 'application/json' });
      const failed = await client().getResult('u-1');
      assert.equal(failed?.failureReason, 'Refused for API-KEY [redacted]');
      assertNoKey(failed);
      const done =
        `{"aiRecord":{"uuid":"u-2","status":"SUCCESS","temporaryUrl":"https://s3.example/v.mp4?k=${encodeURIComponent(KEY)}",` +
        `"aiRecordDetail":{"resultObject":["videos/${escapedSlash}.mp4"]}}}`;
      sim.inject('result', { kind: 'status', status: 200, body: done, contentType: 'application/json' });
      const succeeded = await client().getResult('u-2');
      assertNoKey(succeeded);
    });

    it("in an unreadable answer's detail", async () => {
      sim.inject('result', { kind: 'status', status: 200, body: `<html>key ${escapedSlash}`, contentType: 'application/json' });
      const error = await rejection(client().getResult('x'));
      assert.equal(error.kind, 'protocol');
      assert.match(error.detail ?? '', /\[redacted\]/);
      assertNoKey(error);
    });
  });
});
