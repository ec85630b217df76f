// What a job stopped before its generation request went out says about money. "Nothing was
// charged" only where no request of the job ever went out: a Retry cancelled before it was sent,
// of a job whose earlier request reached 1min.ai, must not claim it.
import { l10n } from '../shared/l10n';
import { uiNames } from '../shared/uiNames';
import type { JobRecord } from './job';

/** The notes are functions: they are written in the language of the moment when the job is stopped. */

export const NOTHING_SENT = () => l10n.t('Cancelled before anything was sent for generation, so nothing was charged.');
export const CANCELLED_QUEUED = () => l10n.t('Cancelled while queued, so nothing was charged.');
export const WINDOW_CLOSED = () =>
  l10n.t('The window running this job closed before it was sent, so nothing was charged. {0} runs it.', uiNames.retry());
/** An earlier attempt of the job may have been charged: this one cost nothing, that one may have. */
const EARLIER_MAY_BE_CHARGED = () =>
  l10n.t('Cancelled before it was sent again. The earlier attempt may still have been charged: check your 1min.ai history.');
/** An earlier attempt reached the service (and was refused): "nothing was sent" would not be true. */
const NOT_SENT_AGAIN = () => l10n.t('Cancelled before it was sent again.');

/** `note` when no request of the job ever went out; `sentBefore` is whether one had, before this run. */
export function cancelNote(job: JobRecord, sentBefore: boolean, note: () => string): string {
  if (job.mayBeCharged) return EARLIER_MAY_BE_CHARGED();
  return sentBefore ? NOT_SENT_AGAIN() : note();
}

/** Whether a generation request of this job already went out in an earlier run. */
export function requestWentOut(job: JobRecord): boolean {
  return job.requestedAt !== undefined || job.uuid !== undefined || job.mayBeCharged === true;
}
