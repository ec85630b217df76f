// The one vocabulary for where a job is: its states and the only moves between them, whether it
// is running, and how that reads to the person (the notification and status bar, the Generations
// view, the form's JobView). Every host-side text about a job's progress comes from here, so the
// views cannot drift apart; the webview shares the formatting through shared/format.ts.
import { downloadPercent, formatElapsed } from '../shared/format';
import { expectedWait, type Expected, waitText } from '../shared/estimate';
import { l10n } from '../shared/l10n';
import type { JobView } from '../shared/messages';
import { isFetchable, type JobRecord } from './job';

export type JobState =
  | 'queued' // waiting for a free slot: nothing sent, nothing charged
  | 'uploading' // checking the image and the folder, uploading: nothing charged
  | 'requesting' // saved just before POST /api/features goes out: from here it may be charged
  | 'generating' // accepted (service uuid known, paid), waiting for the video
  | 'downloading' // paid, the video is coming down and being placed
  | 'done'
  | 'failed'
  | 'cancelled' // stopped before anything was charged
  | 'stopped'; // the person stopped waiting for a paid video: fetchable later

export const JOB_STATES: readonly JobState[] = [
  'queued',
  'uploading',
  'requesting',
  'generating',
  'downloading',
  'done',
  'failed',
  'cancelled',
  'stopped',
];

/**
 * Every allowed move. The job machine refuses any other, so no code path can put a record into
 * a state nobody reviewed; the randomized fault runs check the same table. A job moves back to
 * 'queued' only by Retry of one never accepted, and to 'generating' from a stopped, failed or
 * interrupted paid job by Fetch Video (or resume after a crash).
 */
export const TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  queued: ['uploading', 'cancelled'],
  uploading: ['requesting', 'failed', 'cancelled'],
  // cancelled: the request never went out, or the service refused it (both certainly free).
  requesting: ['generating', 'failed', 'cancelled'],
  generating: ['generating', 'downloading', 'done', 'failed', 'stopped'],
  downloading: ['generating', 'done', 'failed', 'stopped'],
  done: [],
  failed: ['queued', 'generating'],
  cancelled: ['queued'],
  stopped: ['generating'],
};

export function canMove(from: JobState, to: JobState): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * Queued or running, as far as the record says. The record alone cannot tell whether a window
 * still runs it (here, elsewhere) or the one that did was closed: see isRunning for that.
 */
export function isUnfinished(job: JobRecord): boolean {
  return (
    job.state === 'queued' ||
    job.state === 'uploading' ||
    job.state === 'requesting' ||
    job.state === 'generating' ||
    job.state === 'downloading'
  );
}

/** What changes within a stage and is not worth storing. */
export interface LiveProgress {
  stageStartedAt: number;
  progress?: { received: number; total: number };
  /** Cancel was pressed while the generation request was out: waiting for its answer. */
  cancelling?: boolean;
  /** While generating, with enough history of its kind: what an estimate of the wait needs. */
  expected?: Expected;
}

/** A job as listeners see it: the stored record plus what is happening to it now. */
export interface JobSnapshot {
  job: JobRecord;
  /** Queued or running in this window. */
  here: boolean;
  /** Running in another window of this workspace. */
  elsewhere: boolean;
  /** Set while it runs here. */
  live?: LiveProgress;
}

/** Queued or running in a live window, this one or another: not to be started, retried or removed. */
export function isRunning(snapshot: JobSnapshot): boolean {
  return snapshot.here || snapshot.elsewhere;
}

/** The download's whole percent while its size is known, else undefined. */
export function percentOf(live: LiveProgress | undefined): number | undefined {
  return live?.progress ? downloadPercent(live.progress.received, live.progress.total) : undefined;
}

/** How long the job has been in its current stage here: "1:23". */
export function elapsedText(live: LiveProgress, now: number): string {
  return formatElapsed(now - live.stageStartedAt);
}

/** "generating", "downloading the video (40%)": what the notification and the status bar say of a job running here. */
export function stageText(snapshot: JobSnapshot): string {
  const { job, live } = snapshot;
  if (live?.cancelling) return l10n.t("cancelling, waiting for 1min.ai's answer");
  switch (job.state) {
    case 'uploading':
      return l10n.t('uploading the image');
    case 'generating': {
      const estimate = expectedWait(live?.expected, Date.now());
      return estimate ? l10n.t('{0}, {1}', stateWord(job.state), waitText(estimate)) : stateWord(job.state);
    }
    case 'downloading': {
      const percent = percentOf(live);
      return percent !== undefined ? l10n.t('downloading the video ({0}%)', percent) : l10n.t('downloading the video');
    }
    default:
      return stateWord(job.state);
  }
}

/** A state in one word, as the lists show it ("requesting" reads as generating). */
export function stateWord(state: JobState): string {
  switch (state) {
    case 'queued':
      return l10n.t('queued');
    case 'uploading':
      return l10n.t('uploading');
    case 'requesting':
    case 'generating':
      return l10n.t('generating');
    case 'downloading':
      return l10n.t('downloading');
    case 'done':
      return l10n.t('done');
    case 'failed':
      return l10n.t('failed');
    case 'cancelled':
      return l10n.t('cancelled');
    case 'stopped':
      return l10n.t('stopped');
  }
}

/** "generating 1:23", "downloading 40%", "done", "generating (in another window)": a job as the Generations view lists it. */
export function listStateText(snapshot: JobSnapshot, now = Date.now()): string {
  const { job, live } = snapshot;
  if (snapshot.elsewhere) return l10n.t('{0} (in another window)', stateWord(job.state));
  if (live?.cancelling) return l10n.t("cancelling (waiting for 1min.ai's answer)");
  if ((job.state === 'generating' || job.state === 'requesting') && live) {
    const estimate = job.state === 'generating' ? expectedWait(live.expected, now) : undefined;
    const elapsed = l10n.t('generating {0}', elapsedText(live, now));
    return estimate ? l10n.t('{0}, {1}', elapsed, waitText(estimate)) : elapsed;
  }
  const percent = job.state === 'downloading' ? percentOf(live) : undefined;
  if (percent !== undefined) return l10n.t('downloading {0}%', percent);
  // A record that says "running" but runs nowhere was interrupted; resume picks it up.
  return job.state === 'stopped' ? l10n.t('stopped waiting (paid)') : stateWord(job.state);
}

/** The stage the form shows for each state: it knows no 'requesting' or 'stopped'. */
function formStage(state: JobState): JobView['stage'] {
  switch (state) {
    case 'requesting':
      return 'generating';
    case 'stopped':
      return 'cancelled';
    default:
      return state;
  }
}

/**
 * What the form shows of a job. `showVideo` turns the saved video's URI into what the webview
 * may load (only the host can): its address there and its file name.
 */
export function toJobView(snapshot: JobSnapshot, showVideo: (videoUri: string) => { src: string; name: string }): JobView {
  const { job, live } = snapshot;
  const view: JobView = {
    stage: formStage(job.state),
    stageStartedAt: live?.stageStartedAt ?? job.updatedAt,
    progress: live?.progress,
    accepted: job.uuid !== undefined,
    fetchable: !isRunning(snapshot) && isFetchable(job) && (job.state === 'failed' || job.state === 'stopped'),
  };
  if (live?.cancelling) view.cancelling = true;
  if (live?.expected && job.state === 'generating') view.expected = live.expected;
  if (snapshot.elsewhere) view.elsewhere = true;
  // A paid job is fetched, never generated again: its remedy is Fetch Video, not Try Again.
  if (job.state === 'failed')
    view.error = {
      message: job.error ?? l10n.t('Something went wrong.'),
      remedy: job.uuid && job.remedy === 'retry' ? undefined : job.remedy,
    };
  if (job.state === 'cancelled' || job.state === 'stopped') view.note = job.error;
  if (job.state === 'done' && job.videoUri) view.video = showVideo(job.videoUri);
  return view;
}
