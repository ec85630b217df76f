// The questions the job machine asks before it spends money twice, stops waiting for a paid
// video or forgets one: what they say, and the button that says yes.
import { l10n } from '../shared/l10n';
import { uiNames } from '../shared/uiNames';
import type { JobRecord } from './job';

/** A yes/no question; `confirm` names the button that says yes. */
export interface Question {
  message: string;
  detail: string;
  confirm: string;
}

/** Why a new generation for an image should ask first. */
export type Worry = 'open' | 'paid';

export function generateAgainQuestion(worries: { imageName: string; worry: Worry }[], total: number): Question {
  const open = worries.filter((entry) => entry.worry === 'open').map((entry) => entry.imageName);
  const paid = worries.filter((entry) => entry.worry === 'paid').map((entry) => entry.imageName);
  const facts: string[] = [];
  if (open.length > 0)
    facts.push(
      l10n.t(
        'The last attempt for {0} may have reached 1min.ai and been charged without a video arriving: ' +
          'check your 1min.ai history first.',
        list(open),
      ),
    );
  if (paid.length > 0)
    facts.push(l10n.t('The video of {0} is already paid for and not fetched yet: Fetch Video gets it without paying again.', list(paid)));
  const names = worries.map((entry) => entry.imageName);
  facts.push(l10n.t('Generating again is charged again.'));
  return total === 1
    ? {
        message: l10n.t('Generate the video of {0} again?', names[0]),
        detail: facts.join(' '),
        confirm: l10n.t('Generate Again'),
      }
    : {
        message: l10n.t('Generate all {0} videos?', total),
        detail: facts.join(' '),
        confirm: l10n.t('Generate All'),
      };
}

export function stopWaitingQuestion(job: JobRecord): Question {
  return {
    message: l10n.t('Stop waiting for the video of {0}?', job.imageName),
    detail: l10n.t(
      '1min.ai has already accepted it, so it is paid for. ' +
        'The job is kept: you can fetch the video later from the form or the {0} view.',
      uiNames.generationsView(),
    ),
    confirm: l10n.t('Stop Waiting'),
  };
}

export function removePaidQuestion(job: JobRecord): Question {
  return {
    message: l10n.t('Remove the video of {0} from the list?', job.imageName),
    detail: job.uuid
      ? l10n.t('1min.ai already accepted it (id {0}), so it is paid for. Once removed, it is only in your 1min.ai history.', job.uuid)
      : l10n.t(
          'Its request may have reached 1min.ai and been charged. Once removed, nothing here reminds you of it, ' +
            'and a new Generate will not ask first: check your 1min.ai history.',
        ),
    confirm: l10n.t('Remove'),
  };
}

function list(names: string[]): string {
  const comma = l10n.t(', ');
  return names.length <= 3 ? names.join(comma) : l10n.t('{0} and {1} more', names.slice(0, 3).join(comma), names.length - 3);
}
