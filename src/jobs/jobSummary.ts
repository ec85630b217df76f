// What the notifications say of the jobs one Generate (or a resume, a Retry, a Fetch Video)
// started: one line of progress while they run, and one message when the last of them has ended,
// with the actions that fit. Money is never left out: a paid video not fetched yet, or a request
// that may have been charged, is said in the message, with Fetch Video where it applies.
import { isFetchable, type JobRecord } from './job';
import { type JobSnapshot, stageText } from './jobStatus';

/** What a message offers; the host turns each into a button. */
export type SummaryAction = 'openVideo' | 'revealVideo' | 'fetchVideo' | 'setApiKey' | 'showGenerations';

export interface JobSummary {
  severity: 'info' | 'warning' | 'error';
  message: string;
  actions: SummaryAction[];
}

/** The button label of each action; "Fetch Video" reads "Fetch Videos" when it fetches several. */
export const ACTION_LABELS: Readonly<Record<SummaryAction, string>> = {
  openVideo: 'Open Video',
  revealVideo: 'Reveal in Explorer',
  fetchVideo: 'Fetch Video',
  setApiKey: 'Set API Key',
  showGenerations: 'Show Generations',
};

/** The jobs of one Generate (batch: several images of one form) or started by themselves (a resume). */
export type GroupKind = 'generate' | 'other';

function fileName(uri: string): string {
  const last = uri.split('/').pop() ?? uri;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;

/** Ended by the person (cancelled, or stopped waiting): said where they did it, not again here. */
const byThePerson = (job: JobRecord): boolean => job.state === 'cancelled' || job.state === 'stopped';

/** The message for one job when its run ended, or undefined when there is nothing to tell. */
function summarizeOne(job: JobRecord): JobSummary | undefined {
  if (job.state === 'done' && job.videoUri)
    return { severity: 'info', message: `Luma: ${fileName(job.videoUri)} is ready.`, actions: ['openVideo', 'revealVideo'] };
  if (job.state !== 'failed') return undefined; // cancelled, stopped or still running elsewhere: the form and the view say so
  const actions: SummaryAction[] = [];
  if (job.remedy === 'setApiKey') actions.push('setApiKey');
  if (isFetchable(job)) actions.push('fetchVideo');
  const reason = job.error ?? 'Something went wrong.';
  const paid = isFetchable(job) && !/fetch video/i.test(reason) ? ' It is paid for: Fetch Video gets it without paying again.' : '';
  // Whatever the failure says (an unexpected error says little), an open charge is never left out.
  const open = job.mayBeCharged && !job.uuid && !/charged/i.test(reason) ? ' It may have been charged: check your 1min.ai history.' : '';
  return { severity: 'error', message: `Luma: ${job.imageName}: ${reason}${paid}${open}`, actions };
}

/**
 * The one message when every job of a group has ended here: for a single job, its video or its
 * failure; for several, how many are ready, failed or cancelled, and what is owed to the person.
 */
export function summarize(jobs: readonly JobRecord[], kind: GroupKind): JobSummary | undefined {
  if (jobs.length === 0) return undefined;
  if (jobs.length === 1) return summarizeOne(jobs[0]);
  const of = kind === 'generate' ? ' of the batch' : '';
  const ready = jobs.filter((job) => job.state === 'done').length;
  const failed = jobs.filter((job) => job.state === 'failed');
  const cancelled = jobs.filter(byThePerson).length;
  const fetchable = jobs.filter(isFetchable).filter((job) => job.state === 'failed' || job.state === 'stopped').length;
  const maybeCharged = failed.filter((job) => job.mayBeCharged && !job.uuid).length;
  if (ready === jobs.length)
    return { severity: 'info', message: `Luma: all ${jobs.length} videos${of} are ready.`, actions: ['showGenerations'] };
  if (ready === 0 && failed.length === 0 && fetchable === 0) return undefined; // all cancelled by the person, nothing owed

  const counts = [`${ready} of ${plural(jobs.length, 'video')}${of} ${ready === 1 ? 'is' : 'are'} ready`];
  if (failed.length > 0) counts.push(`${failed.length} failed`);
  if (cancelled > 0) counts.push(`${cancelled} cancelled`);
  const others = jobs.length - ready - failed.length - cancelled;
  if (others > 0) counts.push(`${others} still running in another window`);
  let message = `Luma: ${counts.join(', ')}.`;
  const reasons = new Set(failed.map((job) => job.error ?? 'Something went wrong.'));
  if (reasons.size === 1) message += ` ${[...reasons][0]}`;
  if (fetchable > 0)
    message +=
      fetchable === 1
        ? ' One video is paid for but not fetched yet: Fetch Video gets it without paying again.'
        : ` ${fetchable} videos are paid for but not fetched yet: Fetch Videos gets them without paying again.`;
  if (maybeCharged > 0) message += ` ${plural(maybeCharged, 'request')} may have been charged: check your 1min.ai history.`;

  const actions: SummaryAction[] = [];
  if (failed.some((job) => job.remedy === 'setApiKey')) actions.push('setApiKey');
  if (fetchable > 0) actions.push('fetchVideo');
  actions.push('showGenerations');
  const severity = failed.length > 0 ? 'error' : fetchable > 0 ? 'warning' : 'info';
  return { severity, message, actions };
}

/** The jobs of a group whose paid video waits to be fetched: what "Fetch Video" on the message fetches. */
export function fetchableOf(jobs: readonly JobRecord[]): JobRecord[] {
  return jobs.filter((job) => isFetchable(job) && (job.state === 'failed' || job.state === 'stopped'));
}

/** The stages a batch's line counts, in the order it says them. */
const STAGES = ['ready', 'failed', 'cancelled', 'downloading', 'generating', 'uploading', 'queued'];

/** The coarse stage of a job for a batch's line: "generating", "ready", "failed". */
function coarseStage({ job }: JobSnapshot): string {
  if (job.state === 'done') return 'ready';
  if (job.state === 'stopped') return 'cancelled';
  return job.state === 'requesting' ? 'generating' : job.state;
}

/**
 * What the one progress notification of a group says now: for one job its stage ("generating",
 * "downloading the video (40%)"); for several, a count per stage ("1 ready, 2 generating").
 */
export function groupProgressText(snapshots: readonly JobSnapshot[]): string {
  if (snapshots.length === 1) return stageText(snapshots[0]);
  const stages = snapshots.map(coarseStage);
  const counts = STAGES.map((stage) => `${stages.filter((s) => s === stage).length} ${stage}`).filter((count) => !count.startsWith('0 '));
  return `${snapshots.length} videos: ${counts.join(', ')}`;
}
