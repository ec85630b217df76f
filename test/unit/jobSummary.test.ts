// The words of the one message a Generate (or a resume) ends with, and of its progress line.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { JobRecord } from '../../src/jobs/job';
import type { JobSnapshot, JobState } from '../../src/jobs/jobStatus';
import { fetchableOf, groupProgressText, summarize } from '../../src/jobs/jobSummary';
import { generationOptions } from '../support/fixtures';
import { bundleTranslator, type L10nBundle, setTranslator } from '../../src/shared/l10n';

const spanish = JSON.parse(readFileSync(path.resolve(__dirname, '../../../l10n/bundle.l10n.es.json'), 'utf8')) as L10nBundle;
const text = (bundle: L10nBundle, english: string) => bundle[english] as string;

let next = 0;
function job(state: JobState, more: Partial<JobRecord> = {}): JobRecord {
  next += 1;
  return {
    id: `job-${next}`,
    imageUri: `file:///home/me/pictures/image${next}.png`,
    imageName: `image${next}.png`,
    outputFolder: 'file:///work',
    options: generationOptions,
    state,
    createdAt: 0,
    updatedAt: 0,
    ...more,
  };
}
const video = (name: string) => job('done', { videoUri: `file:///home/me/pictures/${encodeURIComponent(name)}` });

describe('the message when the jobs of a Generate have ended', () => {
  it('one video: "<file> is ready." with Open Video and Reveal in Explorer, the name as the person reads it', () => {
    assert.deepEqual(summarize([video('sunset photo.luma.mp4')], 'generate'), {
      severity: 'info',
      message: 'Luma: sunset photo.luma.mp4 is ready.',
      actions: ['openVideo', 'revealVideo'],
    });
  });

  it('one failure: an error with its reason; Set API Key for a refused key', () => {
    const refused = job('failed', { imageName: 'cat.png', error: '1min.ai refused the API key.', remedy: 'setApiKey' });
    assert.deepEqual(summarize([refused], 'generate'), {
      severity: 'error',
      message: 'Luma: cat.png: 1min.ai refused the API key.',
      actions: ['setApiKey'],
    });
  });

  it('one paid video not fetched: the error says it is paid for and offers Fetch Video', () => {
    const paid = job('failed', { imageName: 'cat.png', uuid: 'u-1', error: 'The download stalled: nothing arrived for 60 s.' });
    const summary = summarize([paid], 'other')!;
    assert.equal(summary.severity, 'error');
    assert.match(summary.message, /^Luma: cat\.png: The download stalled.* It is paid for: Fetch Video gets it without paying again\.$/);
    assert.deepEqual(summary.actions, ['fetchVideo']);
  });

  it('"may have been charged" in a job\'s reason is kept word for word, and not said twice', () => {
    const error = 'The answer did not come. The request may still have reached 1min.ai and be charged: check your 1min.ai history.';
    const message = summarize([job('failed', { mayBeCharged: true, error, errorSaysMoney: true })], 'generate')!.message;
    assert.ok(message.endsWith(error), message);
    assert.equal(message.match(/charged/g)?.length, 1, message);
  });

  it('what the job owes is decided from its record, not from the words of its reason, in any language', () => {
    setTranslator(bundleTranslator(spanish));
    try {
      // Written in Spanish and saying the charge: the record says so, nothing is added.
      const said = 'No llegó la respuesta. Puede que la solicitud haya llegado a 1min.ai y se haya cobrado.';
      const told = summarize([job('failed', { mayBeCharged: true, error: said, errorSaysMoney: true })], 'generate')!.message;
      assert.ok(told.endsWith(said), told);
      // A reason that happens to contain the words "charged" or "Fetch Video" but does not say
      // what this job owes: the owed sentence is still added, in the language of the moment.
      const unrelated = 'Fetch Video failed: the "charged" folder is read-only.';
      const open = summarize([job('failed', { mayBeCharged: true, error: unrelated })], 'generate')!.message;
      assert.ok(open.endsWith(`${unrelated} ${text(spanish, 'It may have been charged: check your 1min.ai history.')}`), open);
      const paid = summarize([job('failed', { uuid: 'u-2', error: unrelated })], 'generate')!.message;
      assert.ok(paid.endsWith(`${unrelated} ${text(spanish, 'It is paid for: Fetch Video gets it without paying again.')}`), paid);
    } finally {
      setTranslator(undefined);
    }
  });

  it('a failure whose reason says nothing of money, of a request that may have been charged: the message says it', () => {
    const error = 'Something unexpected went wrong; the details are in the "Luma Image to Video" output.';
    const failed = job('failed', { mayBeCharged: true, error });
    assert.equal(
      summarize([failed], 'generate')!.message,
      `Luma: ${failed.imageName}: ${error} It may have been charged: check your 1min.ai history.`,
    );
  });

  it('one job cancelled or stopped by the person: nothing to say (the form and the view say it)', () => {
    assert.equal(summarize([job('cancelled', { error: 'Cancelled while queued, so nothing was charged.' })], 'generate'), undefined);
    assert.equal(summarize([job('stopped', { uuid: 'u-2' })], 'generate'), undefined);
  });

  it('a batch all ready: the one line the batch always had, with Show Generations', () => {
    assert.deepEqual(summarize([video('a.mp4'), video('b.mp4'), video('c.mp4')], 'generate'), {
      severity: 'info',
      message: 'Luma: all 3 videos of the batch are ready.',
      actions: ['showGenerations'],
    });
    assert.equal(summarize([video('a.mp4'), video('b.mp4')], 'other')!.message, 'Luma: all 2 videos are ready.');
  });

  it('a batch with failures: "3 of 4 … ready, 1 failed" and the reason when they share one', () => {
    const jobs = [video('a.mp4'), video('b.mp4'), video('c.mp4'), job('failed', { error: 'Not enough credits.' })];
    assert.deepEqual(summarize(jobs, 'generate'), {
      severity: 'error',
      message: 'Luma: 3 of 4 videos of the batch are ready, 1 failed. Not enough credits.',
      actions: ['showGenerations'],
    });
    const different = [video('a.mp4'), job('failed', { error: 'One reason.' }), job('failed', { error: 'Another.', remedy: 'setApiKey' })];
    assert.deepEqual(summarize(different, 'generate'), {
      severity: 'error',
      message: 'Luma: 1 of 3 videos of the batch is ready, 2 failed.',
      actions: ['setApiKey', 'showGenerations'],
    });
  });

  it('a batch never loses money: paid videos not fetched and requests that may have been charged are said, with Fetch Videos', () => {
    const jobs = [
      video('a.mp4'),
      job('failed', { uuid: 'u-3', error: 'Cut off.' }),
      job('stopped', { uuid: 'u-4', error: 'Stopped waiting.' }),
      job('failed', { mayBeCharged: true, error: 'Timed out.' }),
      job('cancelled', { error: 'Cancelled while queued, so nothing was charged.' }),
    ];
    const summary = summarize(jobs, 'generate')!;
    assert.equal(
      summary.message,
      'Luma: 1 of 5 videos of the batch is ready, 2 failed, 2 cancelled. 2 videos are paid for but not fetched yet: ' +
        'Fetch Videos gets them without paying again. 1 request may have been charged: check your 1min.ai history.',
    );
    assert.equal(summary.severity, 'error');
    assert.deepEqual(summary.actions, ['fetchVideo', 'showGenerations']);
    assert.deepEqual(
      fetchableOf(jobs).map((j) => j.uuid),
      ['u-3', 'u-4'],
    );
  });

  it('a batch the person stopped while paid: a warning, never silence', () => {
    const summary = summarize([video('a.mp4'), job('stopped', { uuid: 'u-5' })], 'generate')!;
    assert.equal(summary.severity, 'warning');
    assert.match(summary.message, /1 cancelled\. One video is paid for but not fetched yet: Fetch Video gets it/);
  });

  it('a batch the person cancelled before anything was charged: nothing to say', () => {
    assert.equal(summarize([job('cancelled'), job('cancelled')], 'generate'), undefined);
  });
});

describe("the progress notification's line", () => {
  const running = (state: JobState, live = {}): JobSnapshot => ({
    job: job(state),
    here: true,
    elsewhere: false,
    live: { stageStartedAt: 0, ...live },
  });
  const ended = (state: JobState): JobSnapshot => ({ job: job(state), here: false, elsewhere: false });

  it('one job: its stage, as the status bar says it', () => {
    assert.equal(groupProgressText([running('generating')]), 'generating');
    assert.equal(groupProgressText([running('downloading', { progress: { received: 40, total: 100 } })]), 'downloading the video (40%)');
  });

  it('several: how many are at each stage, ended ones first', () => {
    const line = groupProgressText([running('queued'), running('generating'), ended('done'), running('generating'), ended('failed')]);
    assert.equal(line, '5 videos: 1 ready, 1 failed, 2 generating, 1 queued');
    assert.equal(groupProgressText([running('uploading'), running('requesting')]), '2 videos: 1 generating, 1 uploading');
  });
});
