// The simulator's faults for money and transfers, over real HTTP: faults that charge and then fail,
// answers held until released, slow drips, redirects, odd statuses, and misbehaving downloads.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Simulator } from '../simulator/simulator';

const SAMPLE = fs.readFileSync(path.resolve(__dirname, '../../../test/simulator/sample.mp4'));
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const key = { 'API-KEY': 'sim-key' };

describe('simulator faults', () => {
  let sim: Simulator;
  let imageUrl: string;

  before(async () => {
    sim = await Simulator.start({ generationMs: 100 });
    const form = new FormData();
    form.append('asset', new Blob([PNG], { type: 'image/png' }), 'cat.png');
    const res = await fetch(`${sim.apiBaseUrl}/api/assets`, { method: 'POST', headers: key, body: form });
    imageUrl = ((await res.json()) as { fileContent: { path: string } }).fileContent.path;
  });
  afterEach(() => sim.reset());
  after(() => sim.stop());

  const featureBody = () =>
    JSON.stringify({
      type: 'IMAGE_TO_VIDEO',
      model: 'luma',
      conversationId: 'IMAGE_TO_VIDEO',
      async: true,
      promptObject: { imageUrl, prompt: 'waves', length: 5, enhancePrompt: true, modelName: 'ray-v2', duration: '5s' },
    });

  function features(signal?: AbortSignal): Promise<Response> {
    return fetch(`${sim.apiBaseUrl}/api/features`, {
      method: 'POST',
      headers: { ...key, 'Content-Type': 'application/json' },
      body: featureBody(),
      signal,
    });
  }

  async function finishedVideoUrl(): Promise<string> {
    const { aiRecord } = (await (await features()).json()) as { aiRecord: { uuid: string } };
    sim.finishJob(aiRecord.uuid);
    const poll = await fetch(`${sim.apiBaseUrl}/api/results/${aiRecord.uuid}`, { headers: key });
    return ((await poll.json()) as { aiRecord: { temporaryUrl: string } }).aiRecord.temporaryUrl;
  }

  /** The raw bytes of a GET, headers and all, as the socket delivered them until the server closed it. */
  function rawGet(url: string): Promise<{ head: string; body: Buffer }> {
    const target = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(target.port), target.hostname, () =>
        socket.write(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: close\r\n\r\n`),
      );
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        const all = Buffer.concat(chunks);
        const split = all.indexOf('\r\n\r\n');
        resolve({ head: all.subarray(0, split).toString('latin1'), body: all.subarray(split + 4) });
      });
    });
  }

  /** GET with Node's client; reads at most `limit` bytes of the body (as sent, not decoded), then hangs up. */
  function partialGet(url: string, limit: number): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      http
        .get(url, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const done = () => resolve({ headers: res.headers, body: Buffer.concat(chunks) });
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.length;
            if (size >= limit) {
              res.destroy();
              done();
            }
          });
          res.on('end', done);
        })
        .on('error', reject);
    });
  }

  describe('charge: true on POST /api/features: the job is made and paid for, then the answer fails', () => {
    for (const status of [502, 504, 520, 522, 524]) {
      it(`a gateway ${status} page after charging`, async () => {
        sim.inject('features', { kind: 'status', status, charge: true });
        const res = await features();
        assert.equal(res.status, status);
        assert.equal(await res.text(), `error code: ${status}`);
        assert.equal(sim.featureCalls, 1);
        assert.equal(sim.credits, 1_000_000 - 12361);
        const [job] = sim.jobs();
        assert.equal(job.status, 'PROCESSING', 'the job goes on and can be fetched later');
        sim.finishJob(job.uuid);
        const poll = await fetch(`${sim.apiBaseUrl}/api/results/${job.uuid}`, { headers: key });
        assert.equal(((await poll.json()) as { aiRecord: { status: string } }).aiRecord.status, 'SUCCESS');
      });
    }

    it('the same gateway status without charge: nothing made, nothing paid', async () => {
      sim.inject('features', { kind: 'status', status: 502 });
      assert.equal((await features()).status, 502);
      assert.equal(sim.featureCalls, 0);
      assert.deepEqual(sim.jobs(), []);
    });

    it('a reset connection after charging', async () => {
      sim.inject('features', { kind: 'reset', charge: true });
      await assert.rejects(features());
      assert.equal(sim.featureCalls, 1);
      assert.equal(sim.jobs().length, 1);
    });

    it('a hang after charging', async () => {
      sim.inject('features', { kind: 'hang', charge: true });
      await assert.rejects(features(AbortSignal.timeout(200)));
      assert.equal(sim.featureCalls, 1);
      assert.equal(sim.jobs().length, 1);
    });

    it('malformed JSON after charging', async () => {
      sim.inject('features', { kind: 'malformed', charge: true });
      const res = await features();
      assert.equal(res.status, 200);
      assert.equal(await res.text(), '{"aiRecord": {');
      assert.equal(sim.featureCalls, 1);
    });

    it("truncated JSON after charging, cut in the middle of the paid job's record", async () => {
      sim.inject('features', { kind: 'truncated', charge: true });
      const received = await new Promise<string>((resolve) => {
        const req = http.request(
          `${sim.apiBaseUrl}/api/features`,
          { method: 'POST', headers: { ...key, 'Content-Type': 'application/json' } },
          (res) => {
            let body = '';
            res.on('data', (chunk) => (body += chunk));
            res.on('close', () => resolve(body));
            res.on('error', () => undefined);
          },
        );
        req.on('error', () => undefined);
        req.end(featureBody());
      });
      assert.equal(sim.featureCalls, 1);
      assert.equal(received, `{"aiRecord": {"uuid": "${sim.jobs()[0].uuid}", "model": "luma", "status": "SUC`);
    });

    it('a charge fault on a request the service refuses is that refusal, and charges nothing', async () => {
      sim.configure({ credits: 100 });
      try {
        sim.inject('features', { kind: 'status', status: 504, charge: true });
        assert.equal((await features()).status, 406);
        assert.equal(sim.featureCalls, 0);
      } finally {
        sim.configure({ credits: 1_000_000 });
      }
    });

    it('refuses charge where nothing can be charged', () => {
      assert.throws(
        () => sim.inject('upload', { kind: 'status', status: 504, charge: true }),
        /charge: true applies to .* on 'features' only/,
      );
      assert.throws(() => sim.inject('result', { kind: 'reset', charge: true }), /on 'features' only/);
    });
  });

  describe('hold: the answer waits for a time or for release()', () => {
    it('holds a charged answer until released; the job is paid for while the request is out', async () => {
      sim.inject('features', { kind: 'hold' });
      let answered = false;
      const pending = features().then(async (res) => {
        answered = true;
        return (await res.json()) as { aiRecord: { uuid: string; status: string } };
      });
      await sim.whenHeld('features');
      assert.equal(sim.featureCalls, 1, 'charged before the hold');
      assert.equal(sim.heldCount('features'), 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(answered, false, 'still held');
      assert.equal(sim.release('features'), 1);
      const { aiRecord } = await pending;
      assert.equal(aiRecord.uuid, sim.jobs()[0].uuid);
      assert.equal(aiRecord.status, 'PROCESSING');
      assert.equal(sim.heldCount(), 0);
    });

    it('holds for a given time without release', async () => {
      sim.inject('result', { kind: 'hold', ms: 150 });
      const started = Date.now();
      const res = await fetch(`${sim.apiBaseUrl}/api/results/x`, { headers: key });
      assert.equal(res.status, 200);
      assert.ok(Date.now() - started >= 140, `answered after ${Date.now() - started} ms`);
    });

    it('then a refusal that charges nothing (429)', async () => {
      sim.inject('features', { kind: 'hold', then: { kind: 'status', status: 429, retryAfter: 1 } });
      const pending = features();
      await sim.whenHeld('features');
      assert.equal(sim.featureCalls, 0);
      sim.release();
      const res = await pending;
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '1');
      assert.equal(sim.featureCalls, 0);
    });

    it('then a gateway 504 after charging', async () => {
      sim.inject('features', { kind: 'hold', then: { kind: 'status', status: 504, charge: true } });
      const pending = features();
      await sim.whenHeld('features');
      assert.equal(sim.featureCalls, 1, 'charged before the hold');
      sim.release();
      assert.equal((await pending).status, 504);
    });

    it('holds a download, and forgets a client that gave up', async () => {
      const url = await finishedVideoUrl();
      sim.inject('download', { kind: 'hold' });
      const abort = new AbortController();
      const pending = fetch(url, { signal: abort.signal }).catch(() => 'gave up');
      await sim.whenHeld('download');
      assert.equal(sim.heldCount('download'), 1);
      abort.abort();
      assert.equal(await pending, 'gave up');
      for (let i = 0; i < 50 && sim.heldCount() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(sim.heldCount(), 0);
      sim.inject('download', { kind: 'hold', ms: 20 });
      assert.deepEqual(Buffer.from(await (await fetch(url)).arrayBuffer()), SAMPLE);
    });

    it('refuses a hold followed by another hold or a drip', () => {
      assert.throws(() => sim.inject('features', { kind: 'hold', then: { kind: 'hold' } }), /cannot be followed by 'hold'/);
      assert.throws(() => sim.inject('features', { kind: 'hold', then: { kind: 'drip' } }), /cannot be followed by 'drip'/);
      assert.throws(() => sim.inject('upload', { kind: 'hold', then: { kind: 'noVideo' } }), /does not apply to 'upload'/);
    });

    it('stop() ends held requests', async () => {
      const own = await Simulator.start();
      own.inject('result', { kind: 'hold' });
      const pending = fetch(`${own.apiBaseUrl}/api/results/x`, { headers: key }).then(
        () => 'answered',
        () => 'failed',
      );
      await own.whenHeld();
      await own.stop();
      assert.ok(['answered', 'failed'].includes(await pending));
    });
  });

  describe('drip: the headers, then the body a few bytes at a time', () => {
    /** When the headers came and when the body ended, relative to the request. */
    function timedGet(
      url: string,
      headers: Record<string, string> = {},
    ): Promise<{ headersAt: number; endAt: number; body: Buffer; sizes: number[] }> {
      const started = Date.now();
      return new Promise((resolve, reject) => {
        http
          .get(url, { headers }, (res) => {
            const headersAt = Date.now() - started;
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({ headersAt, endAt: Date.now() - started, body: Buffer.concat(chunks), sizes: chunks.map((c) => c.length) }),
            );
          })
          .on('error', reject);
      });
    }

    it('on an API answer: the headers at once, the JSON at the given pace', async () => {
      sim.inject('result', { kind: 'drip', intervalMs: 40, bytesPerTick: 4 });
      const { headersAt, endAt, body } = await timedGet(`${sim.apiBaseUrl}/api/results/x`, key);
      assert.deepEqual(JSON.parse(body.toString()), { aiRecord: null });
      // 17 bytes in 5 ticks: at least 4 pauses of 40 ms after the headers.
      assert.ok(headersAt < 100, `headers after ${headersAt} ms`);
      assert.ok(endAt - headersAt >= 150, `body took ${endAt - headersAt} ms`);
    });

    it('on a download: the whole video, slowly', async () => {
      const url = await finishedVideoUrl();
      sim.inject('download', { kind: 'drip', intervalMs: 10, bytesPerTick: 4096 });
      const { headersAt, endAt, body, sizes } = await timedGet(url);
      assert.deepEqual(body, SAMPLE);
      assert.ok(Math.max(...sizes) <= 4096 * 2, `chunks of ${Math.max(...sizes)} bytes`);
      assert.ok(endAt - headersAt >= 70, `took ${endAt - headersAt} ms for ${Math.ceil(SAMPLE.length / 4096)} ticks`);
    });

    it('on features: a normal, charged answer', async () => {
      sim.inject('features', { kind: 'drip', intervalMs: 1, bytesPerTick: 64 });
      const { aiRecord } = (await (await features()).json()) as { aiRecord: { uuid: string } };
      assert.equal(aiRecord.uuid, sim.jobs()[0].uuid);
      assert.equal(sim.featureCalls, 1);
    });

    it('refuses a drip without a pace it can keep', () => {
      assert.throws(() => sim.inject('result', { kind: 'drip', bytesPerTick: 0 }), /drip needs/);
    });
  });

  describe('redirect', () => {
    it('answers a 3xx to another host, by default the same path on elsewhere.example, and charges nothing', async () => {
      sim.inject('features', { kind: 'redirect' });
      const res = await fetch(`${sim.apiBaseUrl}/api/features`, { method: 'POST', headers: key, body: '{}', redirect: 'manual' });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), 'https://elsewhere.example/api/features');
      assert.equal(sim.featureCalls, 0);
    });

    it('takes the status and location given', async () => {
      sim.inject('result', { kind: 'redirect', status: 308, location: '/v2/results/x' });
      const res = await fetch(`${sim.apiBaseUrl}/api/results/x`, { headers: key, redirect: 'manual' });
      assert.equal(res.status, 308);
      assert.equal(res.headers.get('location'), '/v2/results/x');
    });

    it('is for the API only', () => {
      assert.throws(() => sim.inject('download', { kind: 'redirect' }), /does not apply to 'download'/);
    });
  });

  describe('recordStatus: a record with any status string, with or without an error', () => {
    type Rec = { aiRecord: { uuid: string; status: string; error?: unknown; message?: string } };

    it('on a poll, for that answer only: the job goes on', async () => {
      const { aiRecord } = (await (await features()).json()) as Rec;
      sim.inject('result', { kind: 'recordStatus', status: 'MODERATING' });
      sim.inject('result', { kind: 'recordStatus', status: 'BLOCKED', error: { code: 'NSFW', message: 'Blocked by moderation' } });
      sim.inject('result', { kind: 'recordStatus', status: 'Held', message: 'Held for review' });
      const poll = async () =>
        ((await (await fetch(`${sim.apiBaseUrl}/api/results/${aiRecord.uuid}`, { headers: key })).json()) as Rec).aiRecord;
      const first = await poll();
      assert.equal(first.status, 'MODERATING');
      assert.equal(first.error, undefined);
      const second = await poll();
      assert.equal(second.status, 'BLOCKED');
      assert.deepEqual(second.error, { code: 'NSFW', message: 'Blocked by moderation' });
      const third = await poll();
      assert.equal(third.message, 'Held for review');
      assert.equal((await poll()).status, 'PROCESSING');
    });

    it('on features: charged, answered with that status', async () => {
      sim.inject('features', { kind: 'recordStatus', status: 'QUEUED_FOR_REVIEW' });
      const { aiRecord } = (await (await features()).json()) as Rec;
      assert.equal(aiRecord.status, 'QUEUED_FOR_REVIEW');
      assert.equal(sim.featureCalls, 1);
    });
  });

  describe('downloads that misbehave', () => {
    it('overlong: the true Content-Length, then more bytes than that', async () => {
      const url = await finishedVideoUrl();
      sim.inject('download', { kind: 'overlong', extraBytes: 1000 });
      const { head, body } = await rawGet(url);
      assert.match(head, /^HTTP\/1\.1 200 OK/);
      assert.match(head, new RegExp(`Content-Length: ${SAMPLE.length}\\r?$`, 'm'));
      assert.equal(body.length, SAMPLE.length + 1000);
      assert.deepEqual(body.subarray(0, SAMPLE.length), SAMPLE);
    });

    it('endless: no Content-Length and no end', async () => {
      const url = await finishedVideoUrl();
      sim.inject('download', { kind: 'endless' });
      const { headers, body } = await partialGet(url, 3 * 1024 * 1024);
      assert.equal(headers['content-length'], undefined);
      assert.ok(body.length >= 3 * 1024 * 1024);
      assert.equal(body.toString('latin1', 4, 8), 'ftyp');
    });

    it('gzip: Content-Encoding gzip with the compressed length', async () => {
      const url = await finishedVideoUrl();
      sim.inject('download', { kind: 'gzip' });
      const { headers, body } = await partialGet(url, Infinity);
      assert.equal(headers['content-encoding'], 'gzip');
      assert.equal(Number(headers['content-length']), body.length);
      assert.deepEqual(zlib.gunzipSync(body), SAMPLE);
    });

    it('gzip, chunked: no length', async () => {
      const url = await finishedVideoUrl();
      sim.inject('download', { kind: 'gzip', chunked: true });
      const { headers, body } = await partialGet(url, Infinity);
      assert.equal(headers['content-length'], undefined);
      assert.deepEqual(zlib.gunzipSync(body), SAMPLE);
    });

    it('gzipBomb: a small body that inflates far beyond its size', async () => {
      const url = await finishedVideoUrl();
      sim.inject('download', { kind: 'gzipBomb', decodedBytes: 50 * 1024 * 1024 });
      const { headers, body } = await partialGet(url, Infinity);
      assert.equal(headers['content-encoding'], 'gzip');
      const inflated = zlib.gunzipSync(body);
      assert.equal(inflated.length, 50 * 1024 * 1024);
      assert.ok(body.length * 500 < inflated.length, `${body.length} bytes inflate to ${inflated.length}`);
    });
  });
});
