// Reading the service's record: which statuses mean waiting, done or failed, and what an unknown
// status means with and without an error.
import * as assert from 'node:assert/strict';
import { parseRecordBody } from '../../src/onemin/record';

const ASSETS = 'https://asset.example/';
const read = (record: Record<string, unknown>) => parseRecordBody({ aiRecord: { uuid: 'u-1', ...record } }, ASSETS);

describe("the record's status", () => {
  for (const status of [
    'PROCESSING',
    'PENDING',
    'QUEUED',
    'IN_PROGRESS',
    'in progress',
    'In-Progress',
    'RUNNING',
    'STARTED',
    'CREATED',
    'WAITING',
    'dreaming',
    'SUBMITTED',
  ]) {
    it(`${status}: pending, silently`, () => {
      const record = read({ status });
      assert.equal(record?.state, 'pending');
      assert.equal(record?.unknownStatus, undefined);
    });
  }

  it('a missing status: pending, silently', () => {
    const record = read({});
    assert.equal(record?.state, 'pending');
    assert.equal(record?.status, 'PROCESSING');
    assert.equal(record?.unknownStatus, undefined);
  });

  it('an unknown status without an error: pending, and the record names it as sent so it can be logged once', () => {
    const record = read({ status: 'Moderating' });
    assert.equal(record?.state, 'pending');
    assert.equal(record?.unknownStatus, 'Moderating');
  });

  it("an unknown status with an error object: a failure at once, in the service's words", () => {
    const record = read({ status: 'BLOCKED', error: { code: 'NSFW', message: 'Blocked by moderation' } });
    assert.equal(record?.state, 'failure');
    assert.equal(record?.failureReason, 'NSFW: Blocked by moderation');
    assert.equal(record?.unknownStatus, undefined);
  });

  for (const [where, extra] of [
    ['a message on the record', { message: 'Refused after review' }],
    ['an error string', { error: 'Refused' }],
    ['an errorMessage', { errorMessage: 'Refused' }],
    ['an error in the detail', { aiRecordDetail: { error: { message: 'Refused' } } }],
    ['an error object among the results', { aiRecordDetail: { resultObject: [{ code: 'E1', message: 'Refused' }] } }],
  ] as const) {
    it(`an unknown status with ${where}: a failure at once`, () => {
      const record = read({ status: 'REVIEW_DONE', ...extra });
      assert.equal(record?.state, 'failure');
      assert.match(record?.failureReason ?? '', /Refused/);
    });
  }

  it('a known pending status with a message stays pending (the message is progress, not an error)', () => {
    assert.equal(read({ status: 'PROCESSING', message: 'Your video is being generated' })?.state, 'pending');
  });

  for (const status of ['FAILURE', 'FAILED', 'ERROR', 'CANCELLED', 'REJECTED', 'TIMED_OUT']) {
    it(`${status}: a failure with the reason given`, () => {
      const record = read({ status, message: 'The image violates the content policy' });
      assert.equal(record?.state, 'failure');
      assert.equal(record?.failureReason, 'The image violates the content policy');
    });
  }

  for (const status of ['SUCCESS', 'COMPLETED', 'completed', 'DONE']) {
    it(`${status}: done, with the video's address`, () => {
      const record = read({ status, aiRecordDetail: { resultObject: ['videos/u-1.mp4'] } });
      assert.equal(record?.state, 'success');
      assert.deepEqual(record?.videoUrls, ['https://asset.example/videos/u-1.mp4']);
    });
  }
});
