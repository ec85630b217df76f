// How a run that did not end in 'done' is recorded. What it says depends on how far the run got
// (its phase): before the generation request nothing was charged; while it was out the charge may
// be open; after the service accepted it the job is paid for and stays fetchable.
import { l10n } from '../shared/l10n';
import { isCancel, leavesChargeOpen, LumaError } from '../util/lumaError';
import { cancelNote, NOTHING_SENT } from './cancelNotes';
import { LeaseLost, Run, Runs, ShuttingDown } from './runs';

/** How far a run got: 'sending' while POST /api/features is out, 'paid' once the service accepted it. */
export type Phase = 'before' | 'sending' | 'paid';

/** Where every run ends that did not end in 'done': says what happened, truthfully. */
export async function settleFailure(runs: Runs, run: Run, phase: Phase, error: unknown): Promise<void> {
  const { job } = run;
  if (error instanceof ShuttingDown || runs.disposed || (runs.stopping && isCancel(error))) return;
  if (error instanceof LeaseLost) {
    runs.log.info(`${job.imageName}: another window has taken this job over; it goes on there.`);
    return;
  }
  const failure = asFailure(runs, error);
  try {
    if (phase === 'before') {
      if (isCancel(error) || run.cancelRequested)
        await runs.move(run, 'cancelled', { error: cancelNote(run.job, run.sentBefore, NOTHING_SENT) });
      else await runs.move(run, 'failed', { error: failure.message, remedy: failure.remedy, errorSaysMoney: failure.saysMoney });
    } else if (phase === 'sending') {
      if (isCancel(error)) {
        // The client only stops between attempts, after a refusal: nothing of ours is out there.
        await runs.move(run, 'cancelled', { error: l10n.t('Cancelled before 1min.ai accepted the request; it was not sent again.') });
      } else if (leavesChargeOpen(failure) || !(error instanceof LumaError)) {
        const prefix = run.cancelRequested ? `${l10n.t('Cancelled, but the request had already gone out.')} ` : '';
        await runs.move(run, 'failed', {
          error: prefix + failure.message,
          remedy: undefined,
          mayBeCharged: true,
          errorSaysMoney: failure.saysMoney,
        });
      } else {
        await runs.move(run, 'failed', { error: failure.message, remedy: failure.remedy, errorSaysMoney: failure.saysMoney });
      }
    } else if (isCancel(error) || run.cancelRequested) {
      runs.log.info(`Stopped waiting for ${job.imageName} (generation ${job.uuid} stays fetchable).`);
      await runs.move(run, 'stopped', {
        error: l10n.t(
          'Stopped waiting. 1min.ai had already accepted this generation (id {0}), so it is paid ' +
            'for: press Fetch Video to get it later.',
          String(job.uuid),
        ),
      });
    } else {
      await runs.move(run, 'failed', { error: failure.message, remedy: failure.remedy, errorSaysMoney: failure.saysMoney });
    }
  } catch (saveError) {
    if (saveError instanceof LeaseLost || saveError instanceof ShuttingDown) return;
    runs.log.error(`Could not save the outcome of ${job.imageName}: ${runs.redact(String(saveError))}`);
  }
}

function asFailure(runs: Runs, error: unknown): LumaError {
  if (error instanceof LumaError) {
    runs.log.warn(`${runs.redact(error.message)}${error.detail ? ` [${runs.redact(error.detail)}]` : ''}`);
    return error;
  }
  runs.log.error(`Unexpected: ${runs.redact(String((error as Error)?.stack ?? error))}`);
  return new LumaError('disk', l10n.t('Something unexpected went wrong; the details are in the "Luma Image to Video" output.'), {
    detail: String(error),
  });
}
