// Checks the simulator itself over real HTTP, so the client tests built on it can trust it.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Simulator } from '../simulator/simulator';

const SAMPLE = path.resolve(__dirname, '../../../test/simulator/sample.mp4');
// A real 1x1 PNG: the simulator checks magic bytes as well as the declared type.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

describe('simulator', () => {
  let sim: Simulator;
  const key = { 'API-KEY': 'sim-key' };

  before(async () => {
    sim = await Simulator.start({ generationMs: 100 });
  });
  afterEach(() => {
    sim.configure({ credits: 1_000_000, gatewayTimeoutMs: undefined });
    sim.reset();
  });
  after(() => sim.stop());

  async function upload(field = 'asset', to = sim, image = PNG, name = 'cat.png'): Promise<Response> {
    const form = new FormData();
    form.append(field, new Blob([image], { type: 'image/png' }), name);
    return fetch(`${to.apiBaseUrl}/api/assets`, { method: 'POST', headers: key, body: form });
  }

  async function uploadedPath(to = sim): Promise<string> {
    const res = await upload('asset', to);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { fileContent: { path: string }; asset: { key: string } };
    assert.equal(body.fileContent.path, body.asset.key);
    assert.match(body.fileContent.path, /^images\/\d{4}(_\d+){6}_cat\.png$/);
    return body.fileContent.path;
  }

  function features(imageUrl: string, extra: Record<string, unknown> = {}, length = 5, to = sim): Promise<Response> {
    const body = {
      type: 'IMAGE_TO_VIDEO',
      model: 'luma',
      conversationId: 'IMAGE_TO_VIDEO',
      promptObject: { imageUrl, prompt: 'waves roll in', length, enhancePrompt: true, modelName: 'ray-v2', duration: `${length}s` },
      ...extra,
    };
    return fetch(`${to.apiBaseUrl}/api/features`, {
      method: 'POST',
      headers: { ...key, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('refuses a missing or wrong API key with 401', async () => {
    const missing = await fetch(`${sim.apiBaseUrl}/api/results/x`);
    assert.equal(missing.status, 401);
    assert.deepEqual(await missing.json(), { errorCode: 'HTTP_EXCEPTION', message: 'API key is required' });
    const wrong = await fetch(`${sim.apiBaseUrl}/api/results/x`, { headers: { 'API-KEY': 'nope' } });
    assert.equal(wrong.status, 401);
    assert.deepEqual(await wrong.json(), { errorCode: 'HTTP_EXCEPTION', message: 'API Key has been deleted' });
  });

  it('wants the image in a file field named "asset"', async () => {
    const res = await upload('file');
    assert.equal(res.status, 400);
    const body = (await res.json()) as { errorCode: string; message: string };
    assert.equal(body.errorCode, 'BAD_REQUEST');
    assert.match(body.message, /"asset"/);
    assert.deepEqual(sim.requests[0].multipart, [{ field: 'file', filename: 'cat.png', contentType: 'image/png', size: PNG.length }]);
  });

  it('runs upload, async generation, polling and download end to end', async () => {
    const imageUrl = await uploadedPath();
    const started = await features(imageUrl, { async: true });
    assert.equal(started.status, 200);
    const { aiRecord } = (await started.json()) as { aiRecord: { uuid: string; status: string; metadata: { credit: number } } };
    assert.equal(aiRecord.status, 'PROCESSING');
    assert.equal(aiRecord.metadata.credit, 12361);
    assert.equal(sim.featureCalls, 1);
    assert.equal(sim.credits, 1_000_000 - 12361);

    type Rec = { status: string; temporaryUrl: string; aiRecordDetail: { resultObject: string[] } };
    let record: Rec | undefined;
    for (let i = 0; i < 50; i++) {
      const poll = await fetch(`${sim.apiBaseUrl}/api/results/${aiRecord.uuid}`, { headers: key });
      record = ((await poll.json()) as { aiRecord: Rec }).aiRecord;
      if (record.status !== 'PROCESSING') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(record?.status, 'SUCCESS');
    assert.deepEqual(record?.aiRecordDetail.resultObject, [`videos/${aiRecord.uuid}.mp4`]);
    assert.ok(record?.temporaryUrl.startsWith(`${sim.assetBaseUrl}videos/${aiRecord.uuid}.mp4?`));
    assert.match(record?.temporaryUrl ?? '', /X-Amz-Expires=604800&.*X-Amz-Signature=[0-9a-f]{64}/);

    const video = await fetch(record?.temporaryUrl ?? '');
    assert.equal(video.status, 200);
    assert.equal(video.headers.get('content-type'), 'video/mp4');
    assert.ok(Buffer.from(await video.arrayBuffer()).equals(fs.readFileSync(SAMPLE)));
    const storage = sim.requests.filter((r) => r.server === 'storage');
    assert.equal(storage.length, 1);
    assert.equal(storage[0].headers['api-key'], undefined);
  });

  it('answers {"aiRecord": null} for an unknown uuid', async () => {
    const res = await fetch(`${sim.apiBaseUrl}/api/results/00000000-0000-0000-0000-000000000000`, { headers: key });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { aiRecord: null });
  });

  it('refuses with 406 when credits are short, and charges nothing', async () => {
    const imageUrl = await uploadedPath();
    sim.configure({ credits: 20000 });
    const res = await features(imageUrl, { async: true }, 10);
    assert.equal(res.status, 406);
    assert.deepEqual(await res.json(), {
      errorCode: 'INSUFFICIENT_CREDITS',
      message: 'The feature requires 24722 credits, but the team only has 20000 credits',
    });
    assert.equal(sim.credits, 20000);
    assert.equal(sim.featureCalls, 0);
    assert.equal(sim.jobs().length, 0);
  });

  it('applies an injected fault once, then answers normally', async () => {
    sim.inject('result', { kind: 'status', status: 429, retryAfter: 2 });
    const first = await fetch(`${sim.apiBaseUrl}/api/results/x`, { headers: key });
    assert.equal(first.status, 429);
    assert.equal(first.headers.get('retry-after'), '2');
    assert.deepEqual(await first.json(), { errorCode: 'RATE_LIMIT', message: 'Too many requests' });
    const second = await fetch(`${sim.apiBaseUrl}/api/results/x`, { headers: key });
    assert.equal(second.status, 200);
    assert.deepEqual(await second.json(), { aiRecord: null });
  });

  it('cuts a blocking call with a gateway 504 but still charges and finishes the job', async () => {
    const imageUrl = await uploadedPath();
    sim.configure({ gatewayTimeoutMs: 30 });
    const res = await features(imageUrl);
    assert.equal(res.status, 504);
    assert.equal(await res.text(), 'error code: 504');
    assert.equal(sim.featureCalls, 1);
    const [job] = sim.jobs();
    sim.finishJob(job.uuid);
    const poll = await fetch(`${sim.apiBaseUrl}/api/results/${job.uuid}`, { headers: key });
    assert.equal(((await poll.json()) as { aiRecord: { status: string } }).aiRecord.status, 'SUCCESS');
  });

  it('serves uploaded images back from storage, keeping only the newest 64 MiB of them', async () => {
    const imageUrl = await uploadedPath();
    const served = await fetch(`${sim.assetBaseUrl}${imageUrl}`);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), PNG);
    // Seven 10 MB images pass the budget: the oldest bytes go, every key stays valid.
    const big = Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(10_000_000 - 8, 7)]);
    const keys: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await upload('asset', sim, big, `big-${i}.png`);
      keys.push(((await res.json()) as { fileContent: { path: string } }).fileContent.path);
    }
    const statuses = await Promise.all(
      [imageUrl, ...keys].map(async (k) => (await fetch(`${sim.assetBaseUrl}${k}`, { method: 'HEAD' })).status),
    );
    assert.deepEqual(statuses, [404, 404, 200, 200, 200, 200, 200, 200]);
    assert.equal((await features(imageUrl, { async: true })).status, 200);
  });

  it('with keepUploads off, still takes uploads for generation but serves no image bytes', async () => {
    const own = await Simulator.start({ keepUploads: false });
    try {
      const imageUrl = await uploadedPath(own);
      assert.equal((await fetch(`${own.assetBaseUrl}${imageUrl}`)).status, 404);
      assert.equal((await features(imageUrl, { async: true }, 5, own)).status, 200);
    } finally {
      await own.stop();
    }
  });

  it('stops promptly with a hanging request open', async () => {
    const own = await Simulator.start({ generationMs: 100 });
    own.inject('result', { kind: 'hang' });
    const pending = fetch(`${own.apiBaseUrl}/api/results/x`, { headers: key }).then(
      () => 'answered',
      () => 'failed',
    );
    while (own.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const t0 = Date.now();
    await own.stop();
    assert.ok(Date.now() - t0 < 500);
    assert.equal(await pending, 'failed');
  });
});
