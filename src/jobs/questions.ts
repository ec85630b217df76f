// The questions the job machine asks before it spends money twice, stops waiting for a paid
// video or forgets one: what they say, and the button that says yes.
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
      `The last attempt for ${list(open)} may have reached 1min.ai and been charged without a video arriving: ` +
        'check your 1min.ai history first.',
    );
  if (paid.length > 0)
    facts.push(`The video of ${list(paid)} is already paid for and not fetched yet: Fetch Video gets it without paying again.`);
  const names = worries.map((entry) => entry.imageName);
  return total === 1
    ? {
        message: `Generate the video of ${names[0]} again?`,
        detail: `${facts.join(' ')} Generating again is charged again.`,
        confirm: 'Generate Again',
      }
    : {
        message: `Generate all ${total} videos?`,
        detail: `${facts.join(' ')} Generating again is charged again.`,
        confirm: 'Generate All',
      };
}

export function stopWaitingQuestion(job: JobRecord): Question {
  return {
    message: `Stop waiting for the video of ${job.imageName}?`,
    detail:
      '1min.ai has already accepted it, so it is paid for. ' +
      'The job is kept: you can fetch the video later from the form or the Luma Generations view.',
    confirm: 'Stop Waiting',
  };
}

export function removePaidQuestion(job: JobRecord): Question {
  return {
    message: `Remove the video of ${job.imageName} from the list?`,
    detail: job.uuid
      ? `1min.ai already accepted it (id ${job.uuid}), so it is paid for. Once removed, it is only in your 1min.ai history.`
      : 'Its request may have reached 1min.ai and been charged. Once removed, nothing here reminds you of it, ' +
        'and a new Generate will not ask first: check your 1min.ai history.',
    confirm: 'Remove',
  };
}

function list(names: string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}
