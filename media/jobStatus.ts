// The parts of a job's status that the single image and the batch both show, each written once:
// the stage text (long under the single image, short on a card), Cancel with its "Stop waiting?"
// question, and the buttons of a finished video.
import { l10n } from '../src/shared/l10n';
import { uiNames } from '../src/shared/uiNames';
import type { JobView, Stage } from '../src/shared/messages';
import type { Attrs, Dom } from './dom';
import { imageAction, type ViewActions } from './jobs';

/** Where the text goes: the single image's status line, or a batch card. */
export type StageTextStyle = 'status' | 'card';

/** A function, not a table: the texts are looked up once the page has its translations. */
function runningText(style: StageTextStyle, stage: Stage): string | undefined {
  const card = style === 'card';
  switch (stage) {
    case 'queued':
      return card ? l10n.t('Queued') : l10n.t('Queued…');
    case 'uploading':
      return card ? l10n.t('Uploading…') : l10n.t('Uploading image…');
    case 'generating':
      return card ? l10n.t('Generating…') : l10n.t('Generating video…');
    case 'downloading':
      return card ? l10n.t('Downloading…') : l10n.t('Downloading video…');
    default:
      return undefined;
  }
}

export function stageText(view: JobView, style: StageTextStyle): string {
  if (view.cancelling) return l10n.t('Cancelling…');
  if (view.stage === 'done') return view.video ? l10n.t('Done: {0}', view.video.name) : l10n.t('Done.');
  if (view.stage === 'cancelled') return l10n.t('Cancelled.');
  // The single image shows a failure in its own box, with the remedy.
  if (view.stage === 'failed') return style === 'card' ? l10n.t('Failed: {0}', view.error?.message ?? l10n.t('something went wrong.')) : '';
  return runningText(style, view.stage) ?? '';
}

export interface CancelOptions {
  id: string;
  label: string;
  /** The image whose job it cancels; none: every job of the form. */
  imageUri?: string;
  /** The question to ask first (some video is paid for), or undefined to cancel at once. */
  question(): string | undefined;
}

/**
 * Cancel, which first asks in `row` when the question has a text: stopping then only stops the
 * waiting. Stop Waiting sends the cancel as confirmed; Keep Waiting puts the button back.
 */
export function cancelButton(dom: Dom, row: HTMLElement, actions: ViewActions, options: CancelOptions): HTMLButtonElement {
  const about = options.imageUri === undefined ? {} : { imageUri: options.imageUri };
  const cancel = dom.button(options.id, options.label, 'secondary', () => {
    const question = options.question();
    if (question === undefined) return actions.post({ type: 'cancel', ...about });
    const keep = dom.button('keep-waiting', l10n.t('Keep Waiting'), 'secondary', () => {
      row.replaceChildren(cancel);
      cancel.focus();
    });
    row.replaceChildren(
      dom.el('p', { class: 'confirm', id: 'cancel-question' }, question),
      dom.button('stop-waiting', l10n.t('Stop Waiting'), 'primary', () => actions.post({ type: 'cancel', ...about, confirmed: true })),
      keep,
    );
    keep.focus();
  });
  return cancel;
}

/** The buttons of a finished video; on a card their ids end in `-<index>` and `attrs` tie them to its image. */
export function doneButtons(dom: Dom, actions: ViewActions, imageUri: string, index?: number, attrs: Attrs = {}): HTMLButtonElement[] {
  const id = (name: string) => (index === undefined ? name : `${name}-${index}`);
  return [
    dom.button(id('open-video'), l10n.t('Open Video'), 'primary', imageAction(actions, 'openVideo', imageUri), attrs),
    dom.button(id('reveal-video'), l10n.t('Reveal in Explorer'), 'secondary', imageAction(actions, 'revealVideo', imageUri), attrs),
    dom.button(id('copy-link'), l10n.t('Copy Markdown Link'), 'secondary', imageAction(actions, 'copyMarkdownLink', imageUri), attrs),
    dom.button(id('save-as'), l10n.t('Save As…'), 'secondary', imageAction(actions, 'saveVideoAs', imageUri), attrs),
  ];
}

export function setApiKeyButton(dom: Dom, actions: ViewActions): HTMLButtonElement {
  return dom.button('set-api-key', uiNames.setApiKey(), 'primary', () => actions.post({ type: 'setApiKey' }));
}
