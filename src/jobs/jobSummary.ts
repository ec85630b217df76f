// What the notifications say of the jobs one Generate (or a resume, a Retry, a Fetch Video)
// started: one line of progress while they run, and one message when the last of them has ended,
// with the actions that fit. Money is never left out: a paid video not fetched yet, or a request
// that may have been charged, is said in the message, with Fetch Video where it applies.
import { l10n } from '../shared/l10n';
import { COUNTED_STAGES, type CountedStage, stageCount } from '../shared/stages';
import { uiNames } from '../shared/uiNames';
import { chargeIsOpen, isFetchable, type JobRecord } from './job';
import { type JobSnapshot, stageText } from './jobStatus';

/** What a message offers; the host turns each into a button. */
export type SummaryAction = 'openVideo' | 'revealVideo' | 'fetchVideo' | 'setApiKey' | 'showGenerations';

export interface JobSummary {
  severity: 'info' | 'warning' | 'error';
  message: string;
  actions: SummaryAction[];
}

/** The button label of an action; "Fetch Video" reads "Fetch Videos" when it fetches several. */
export function actionLabel(action: SummaryAction, several = false): string {
  switch (action) {
    case 'openVideo':
      return l10n.t('Open Video');
    case 'revealVideo':
      return l10n.t('Reveal in Explorer');
    case 'fetchVideo':
      return several ? l10n.t('Fetch Videos') : l10n.t('Fetch Video');
    case 'setApiKey':
      return uiNames.setApiKey();
    case 'showGenerations':
      return uiNames.showGenerations();
  }
}

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

/** Ended by the person (cancelled, or stopped waiting): said where they did it, not again here. */
const byThePerson = (job: JobRecord): boolean => job.state === 'cancelled' || job.state === 'stopped';

/** The message for one job when its run ended, or undefined when there is nothing to tell. */
function summarizeOne(job: JobRecord): JobSummary | undefined {
  if (job.state === 'done' && job.videoUri)
    return { severity: 'info', message: l10n.t('Luma: {0} is ready.', fileName(job.videoUri)), actions: ['openVideo', 'revealVideo'] };
  if (job.state !== 'failed') return undefined; // cancelled, stopped or still running elsewhere: the form and the view say so
  const actions: SummaryAction[] = [];
  if (job.remedy === 'setApiKey') actions.push('setApiKey');
  if (isFetchable(job)) actions.push('fetchVideo');
  const reason = job.error ?? l10n.t('Something went wrong.');
  // Unless the reason says it already, what the job owes is added: never left out, never said twice.
  const owed = job.errorSaysMoney
    ? ''
    : isFetchable(job)
      ? ` ${l10n.t('It is paid for: Fetch Video gets it without paying again.')}`
      : chargeIsOpen(job)
        ? ` ${l10n.t('It may have been charged: check your 1min.ai history.')}`
        : '';
  return { severity: 'error', message: l10n.t('Luma: {0}: {1}', job.imageName, reason) + owed, actions };
}

/**
 * The one message when every job of a group has ended here: for a single job, its video or its
 * failure; for several, how many are ready, failed or cancelled, and what is owed to the person.
 */
export function summarize(jobs: readonly JobRecord[], kind: GroupKind): JobSummary | undefined {
  if (jobs.length === 0) return undefined;
  if (jobs.length === 1) return summarizeOne(jobs[0]);
  const batch = kind === 'generate';
  const ready = jobs.filter((job) => job.state === 'done').length;
  const failed = jobs.filter((job) => job.state === 'failed');
  const cancelled = jobs.filter(byThePerson).length;
  const fetchable = jobs.filter(isFetchable).filter((job) => job.state === 'failed' || job.state === 'stopped').length;
  const maybeCharged = failed.filter((job) => job.mayBeCharged && !job.uuid).length;
  if (ready === jobs.length)
    return {
      severity: 'info',
      message: batch
        ? l10n.t('Luma: all {0} videos of the batch are ready.', jobs.length)
        : l10n.t('Luma: all {0} videos are ready.', jobs.length),
      actions: ['showGenerations'],
    };
  if (ready === 0 && failed.length === 0 && fetchable === 0) return undefined; // all cancelled by the person, nothing owed

  const counts = [readyCount(ready, jobs.length, batch)];
  if (failed.length > 0) counts.push(stageCount('failed', failed.length));
  if (cancelled > 0) counts.push(stageCount('cancelled', cancelled));
  const others = jobs.length - ready - failed.length - cancelled;
  if (others > 0) counts.push(l10n.t('{0} still running in another window', others));
  const sentences = [l10n.t('Luma: {0}.', counts.join(l10n.t(', ')))];
  const reasons = new Set(failed.map((job) => job.error ?? l10n.t('Something went wrong.')));
  if (reasons.size === 1) sentences.push([...reasons][0]);
  if (fetchable > 0)
    sentences.push(
      fetchable === 1
        ? l10n.t('One video is paid for but not fetched yet: Fetch Video gets it without paying again.')
        : l10n.t('{0} videos are paid for but not fetched yet: Fetch Videos gets them without paying again.', fetchable),
    );
  if (maybeCharged > 0)
    sentences.push(
      maybeCharged === 1
        ? l10n.t('1 request may have been charged: check your 1min.ai history.')
        : l10n.t('{0} requests may have been charged: check your 1min.ai history.', maybeCharged),
    );
  const message = sentences.join(' ');

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

/** "2 of 3 videos of the batch are ready". */
function readyCount(ready: number, total: number, batch: boolean): string {
  if (batch)
    return ready === 1
      ? l10n.t('1 of {0} videos of the batch is ready', total)
      : l10n.t('{0} of {1} videos of the batch are ready', ready, total);
  return ready === 1 ? l10n.t('1 of {0} videos is ready', total) : l10n.t('{0} of {1} videos are ready', ready, total);
}

/** The stage a job is counted at in the progress line: "generating", "done" (said "ready"), "failed". */
function coarseStage({ job }: JobSnapshot): CountedStage {
  if (job.state === 'done') return 'done';
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
  const counts = COUNTED_STAGES.filter((stage) => stages.includes(stage)).map((stage) =>
    stageCount(stage, stages.filter((s) => s === stage).length, 'ready'),
  );
  return l10n.t('{0} videos: {1}', snapshots.length, counts.join(l10n.t(', ')));
}
