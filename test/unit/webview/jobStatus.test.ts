// The status parts both layouts share, and the single image's status built from them, in plain
// Node (happy-dom).
import * as assert from 'node:assert/strict';
import { stageDetail } from '../../../media/jobs';
import { stageText } from '../../../media/jobStatus';
import { image, job, Page } from './page';

const cat = image('cat.png');

describe('webview job status', () => {
  it('stage text: long words under the single image, short ones on a card, the same finished words', () => {
    assert.equal(stageText(job('uploading'), 'status'), 'Uploading image…');
    assert.equal(stageText(job('uploading'), 'card'), 'Uploading…');
    assert.equal(stageText(job('queued'), 'status'), 'Queued…');
    assert.equal(stageText(job('queued'), 'card'), 'Queued');
    assert.equal(stageText(job('generating', { cancelling: true }), 'card'), 'Cancelling…');
    const video = { src: 'x', name: 'cat.luma.mp4' };
    for (const style of ['status', 'card'] as const) {
      assert.equal(stageText(job('done', { video }), style), 'Done: cat.luma.mp4');
      assert.equal(stageText(job('cancelled'), style), 'Cancelled.');
      assert.equal(stageText(job('editing'), style), '');
    }
    assert.equal(stageText(job('failed', { error: { message: 'No key.' } }), 'card'), 'Failed: No key.');
    assert.equal(stageText(job('failed'), 'card'), 'Failed: something went wrong.');
    assert.equal(stageText(job('failed'), 'status'), '', 'the single image shows the failure in its own box');
  });

  it('the download percent, or the megabytes so far while the size is unknown', () => {
    assert.deepEqual(stageDetail(job('downloading', { progress: { received: 512, total: 1024 } })), { text: '50%', percent: 50 });
    assert.deepEqual(stageDetail(job('downloading', { progress: { received: 3 * 1_048_576, total: 0 } })), { text: '3.0 MB' });
    assert.deepEqual(stageDetail(job('downloading', { progress: { received: 2000, total: 1000 } })), { text: '100%', percent: 100 });
    assert.deepEqual(stageDetail(job('uploading')), { text: '' });
  });

  it('while generating: the time so far; with history, about how long is left and a bar that fills; never a stuck number', () => {
    const now = Date.now();
    const durations = [50, 52, 55, 57, 60, 60, 62, 64, 67, 70].map((s) => s * 1000);
    assert.deepEqual(stageDetail(job('generating', { stageStartedAt: now - 20_000 })), { text: '0:20' }, 'no history: as before');
    const early = stageDetail(job('generating', { stageStartedAt: now - 20_000, expected: { acceptedAt: now - 20_000, durations } }));
    assert.equal(early.text, '0:20 · about 40 s left');
    assert.equal(early.percent, 33);
    const later = stageDetail(job('generating', { stageStartedAt: now - 50_000, expected: { acceptedAt: now - 50_000, durations } }));
    assert.equal(later.text, '0:50 · about 10 s left');
    assert.ok(later.percent! > early.percent!, 'the bar moved on');
    const long = stageDetail(job('generating', { stageStartedAt: now - 90_000, expected: { acceptedAt: now - 90_000, durations } }));
    assert.deepEqual(long, { text: '1:30 · taking longer than usual' }, 'past the usual range: no number, an indeterminate bar');

    const page = new Page();
    page.init([cat]);
    page.send({
      type: 'job',
      imageUri: cat.uri,
      job: job('generating', { accepted: true, stageStartedAt: now - 20_000, expected: { acceptedAt: now - 20_000, durations } }),
    });
    assert.match(page.$('.stage-detail').textContent ?? '', /about 40 s left/);
    const bar = page.$('.progress');
    assert.equal(bar.classList.contains('indeterminate'), false);
    assert.equal(bar.getAttribute('aria-valuenow'), '33');
    void page.close();
  });

  describe('Cancel of the single image', () => {
    let page: Page;
    afterEach(() => page.close());

    it('cancels at once while nothing is paid for', () => {
      page = new Page();
      page.init([cat]);
      page.send({ type: 'job', imageUri: cat.uri, job: job('uploading') });
      page.click('#cancel');
      assert.deepEqual(page.posted.at(-1), { type: 'cancel', imageUri: cat.uri });
    });

    it('asks first once the video is paid for: Keep Waiting puts Cancel back, Stop Waiting sends the confirmed cancel', () => {
      page = new Page();
      page.init([cat]);
      page.send({ type: 'job', imageUri: cat.uri, job: job('generating', { accepted: true }) });
      page.click('#cancel');
      assert.equal(
        page.$('#cancel-question').textContent,
        'The video is already paid for. Stop waiting? The job is kept, so you can fetch it later.',
      );
      assert.equal(page.document.activeElement?.id, 'keep-waiting');
      const before = page.posted.length;
      page.click('#keep-waiting');
      assert.equal(page.has('#cancel-question'), false);
      assert.equal(page.document.activeElement?.id, 'cancel');
      assert.equal(page.posted.length, before, 'nothing sent');
      page.click('#cancel');
      page.click('#stop-waiting');
      assert.deepEqual(page.posted.at(-1), { type: 'cancel', imageUri: cat.uri, confirmed: true });
    });

    it('a failure that needs the key offers Set API Key; a paid one offers Fetch Video', () => {
      page = new Page();
      page.init([cat]);
      page.send({ type: 'job', imageUri: cat.uri, job: job('failed', { error: { message: 'No key.', remedy: 'setApiKey' } }) });
      page.click('#set-api-key');
      assert.deepEqual(page.posted.at(-1), { type: 'setApiKey' });
      page.send({ type: 'job', imageUri: cat.uri, job: job('cancelled', { fetchable: true, note: 'Stopped waiting.' }) });
      assert.equal(page.$('#job-note').textContent, 'Stopped waiting.');
      page.click('#fetch-video');
      assert.deepEqual(page.posted.at(-1), { type: 'fetch', imageUri: cat.uri });
    });
  });
});
