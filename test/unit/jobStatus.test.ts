// What a person reads about a job, from the one vocabulary every host-side view takes it from:
// the notification and status bar, the Generations view and the form; and the shared formatting
// the webview uses too.
import * as assert from 'node:assert/strict';
import type { JobRecord } from '../../src/jobs/job';
import {
  canMove,
  isRunning,
  isUnfinished,
  JOB_STATES,
  JobSnapshot,
  JobState,
  listStateText,
  LiveProgress,
  percentOf,
  stageText,
  toJobView,
} from '../../src/jobs/jobStatus';
import { downloadPercent, formatElapsed } from '../../src/shared/format';
import { generationOptions } from '../support/fixtures';

const T0 = 1_700_000_000_000;

function job(state: JobState, more: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 'job-1',
    imageUri: 'file:///home/me/pictures/cat.png',
    imageName: 'cat.png',
    outputFolder: 'file:///work',
    options: generationOptions,
    state,
    createdAt: T0,
    updatedAt: T0 + 500,
    ...more,
  };
}

/** Running here, in its current stage since T0. */
function here(state: JobState, live: Partial<LiveProgress> = {}, more: Partial<JobRecord> = {}): JobSnapshot {
  return { job: job(state, more), here: true, elsewhere: false, live: { stageStartedAt: T0, ...live } };
}

function idle(state: JobState, more: Partial<JobRecord> = {}): JobSnapshot {
  return { job: job(state, more), here: false, elsewhere: false };
}

const showVideo = (uri: string) => ({ src: `webview:${uri}`, name: uri.split('/').pop()! });

describe('the shared formatting', () => {
  it('elapsed time reads minutes and two-digit seconds', () => {
    assert.equal(formatElapsed(0), '0:00');
    assert.equal(formatElapsed(9_999), '0:09');
    assert.equal(formatElapsed(83_000), '1:23');
    assert.equal(formatElapsed(-5_000), '0:00', 'a clock that moved back shows no negative time');
  });

  it('the download percent is whole, never past 100, and unknown without a size', () => {
    assert.equal(downloadPercent(0, 1000), 0);
    assert.equal(downloadPercent(29, 100), 29, 'no floating-point slip below the true value');
    assert.equal(downloadPercent(999, 1000), 99, 'rounded down: 100% only when it has all arrived');
    assert.equal(downloadPercent(1000, 1000), 100);
    assert.equal(downloadPercent(1200, 1000), 100);
    assert.equal(downloadPercent(500, 0), undefined);
  });

  it('a live download gives its percent; no download, no percent', () => {
    assert.equal(percentOf({ stageStartedAt: T0, progress: { received: 40, total: 100 } }), 40);
    assert.equal(percentOf({ stageStartedAt: T0, progress: { received: 40, total: 0 } }), undefined);
    assert.equal(percentOf({ stageStartedAt: T0 }), undefined);
    assert.equal(percentOf(undefined), undefined);
  });
});

describe('whether a job runs', () => {
  it('queued to downloading are unfinished; the ends are not', () => {
    const unfinished = JOB_STATES.filter((state) => isUnfinished(job(state)));
    assert.deepEqual(unfinished, ['queued', 'uploading', 'requesting', 'generating', 'downloading']);
  });

  it('runs when a live window runs it, this one or another, whatever the record says', () => {
    assert.equal(isRunning(here('generating')), true);
    assert.equal(isRunning({ job: job('generating'), here: false, elsewhere: true }), true);
    assert.equal(isRunning(idle('generating')), false, 'interrupted: unfinished, but nobody runs it');
    assert.equal(isRunning(idle('done')), false);
  });

  it('the moves: a paid job never goes back to the queue, a finished one nowhere', () => {
    assert.equal(canMove('requesting', 'generating'), true);
    assert.equal(canMove('generating', 'queued'), false);
    assert.equal(canMove('stopped', 'queued'), false);
    assert.equal(canMove('failed', 'queued'), true);
    for (const state of JOB_STATES) assert.equal(canMove('done', state), false);
  });
});

describe('the notification and status bar text', () => {
  const cases: [JobSnapshot, string][] = [
    [here('queued'), 'queued'],
    [here('uploading'), 'uploading the image'],
    [here('requesting'), 'generating'],
    [here('generating'), 'generating'],
    [here('downloading', { progress: { received: 0, total: 0 } }), 'downloading the video'],
    [here('downloading', { progress: { received: 250, total: 1000 } }), 'downloading the video (25%)'],
    [here('requesting', { cancelling: true }), "cancelling, waiting for 1min.ai's answer"],
    [idle('done'), 'done'],
    [idle('stopped'), 'stopped'],
  ];
  for (const [snapshot, text] of cases) {
    it(`${snapshot.job.state}${snapshot.live?.cancelling ? ', cancelling' : ''}: "${text}"`, () => {
      assert.equal(stageText(snapshot), text);
    });
  }
});

describe("the Generations view's state text", () => {
  const now = T0 + 83_000;
  it('counts the time a running generation has taken', () => {
    assert.equal(listStateText(here('generating'), now), 'generating 1:23');
    assert.equal(listStateText(here('requesting'), now), 'generating 1:23');
  });

  it('with history of its kind: about how long is left, then "taking longer than usual", never a negative number', () => {
    const durations = [90, 95, 100, 105, 110].map((s) => s * 1000);
    const expected = { acceptedAt: T0, durations };
    assert.equal(listStateText(here('generating', { expected }), now), 'generating 1:23, about 15 s left');
    assert.equal(listStateText(here('generating', { expected }), T0 + 200_000), 'generating 3:20, taking longer than usual');
    assert.equal(listStateText(here('requesting', { expected }), now), 'generating 1:23', 'not accepted yet: no estimate');
    // The job's view for the form carries what it counts from.
    assert.deepEqual(toJobView(here('generating', { expected }), showVideo).expected, expected);
  });

  it('shows a download by its percent once the size is known', () => {
    assert.equal(listStateText(here('downloading', { progress: { received: 40, total: 100 } }), now), 'downloading 40%');
    assert.equal(listStateText(here('downloading', { progress: { received: 40, total: 0 } }), now), 'downloading');
  });

  it('says where another window runs it, and when a cancel waits for the answer', () => {
    const elsewhere = { job: job('requesting'), here: false, elsewhere: true };
    assert.equal(listStateText(elsewhere, now), 'generating (in another window)');
    assert.equal(listStateText({ ...elsewhere, job: job('downloading') }, now), 'downloading (in another window)');
    assert.equal(listStateText(here('requesting', { cancelling: true }), now), "cancelling (waiting for 1min.ai's answer)");
  });

  it('names the ends, and a stopped job as paid', () => {
    assert.equal(listStateText(idle('done'), now), 'done');
    assert.equal(listStateText(idle('failed'), now), 'failed');
    assert.equal(listStateText(idle('stopped', { uuid: 'svc-1' }), now), 'stopped waiting (paid)');
    assert.equal(listStateText(idle('requesting'), now), 'generating', 'interrupted: no clock without a live run');
  });
});

describe("the form's view of a job", () => {
  it('takes the stage and its start from the live run, the record otherwise', () => {
    const running = toJobView(here('downloading', { progress: { received: 1, total: 2 } }), showVideo);
    assert.deepEqual(running, {
      stage: 'downloading',
      stageStartedAt: T0,
      progress: { received: 1, total: 2 },
      accepted: false,
      fetchable: false,
    });
    assert.equal(toJobView(idle('failed'), showVideo).stageStartedAt, T0 + 500);
  });

  it("maps the states the form does not know: 'requesting' is generating, 'stopped' is cancelled", () => {
    assert.equal(toJobView(here('requesting'), showVideo).stage, 'generating');
    assert.equal(toJobView(idle('stopped', { uuid: 'svc-1', error: 'Stopped waiting.' }), showVideo).stage, 'cancelled');
  });

  it('offers Fetch Video for a paid job that ended without its video, unless a window runs it', () => {
    const stopped = idle('stopped', { uuid: 'svc-1', error: 'Stopped waiting.' });
    assert.equal(toJobView(stopped, showVideo).fetchable, true);
    assert.equal(toJobView(stopped, showVideo).accepted, true);
    assert.equal(toJobView(stopped, showVideo).note, 'Stopped waiting.');
    assert.equal(toJobView({ ...stopped, elsewhere: true }, showVideo).fetchable, false);
    assert.equal(toJobView({ ...stopped, elsewhere: true }, showVideo).elsewhere, true);
    assert.equal(toJobView(idle('failed'), showVideo).fetchable, false, 'never accepted: nothing to fetch');
  });

  it('a failure says what went wrong; a paid one offers no Try Again', () => {
    assert.deepEqual(toJobView(idle('failed', { error: 'No key.', remedy: 'setApiKey' }), showVideo).error, {
      message: 'No key.',
      remedy: 'setApiKey',
    });
    assert.deepEqual(toJobView(idle('failed', { uuid: 'svc-1', error: 'Slow.', remedy: 'retry' }), showVideo).error, {
      message: 'Slow.',
      remedy: undefined,
    });
    assert.equal(toJobView(idle('failed'), showVideo).error?.message, 'Something went wrong.');
  });

  it('a done job shows its video as the webview may load it', () => {
    const view = toJobView(idle('done', { uuid: 'svc-1', videoUri: 'file:///home/me/pictures/cat.luma.mp4' }), showVideo);
    assert.deepEqual(view.video, { src: 'webview:file:///home/me/pictures/cat.luma.mp4', name: 'cat.luma.mp4' });
  });

  it('a cancel waiting for the answer shows as cancelling', () => {
    assert.equal(toJobView(here('requesting', { cancelling: true }), showVideo).cancelling, true);
    assert.equal(toJobView(here('requesting'), showVideo).cancelling, undefined);
  });
});
