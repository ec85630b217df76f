// A batch's own prompt per image: a closed section under the shared prompt, one box per image,
// each carrying its image's URI so the form can send and keep what was typed.
import { l10n } from '../src/shared/l10n';
import type { ImageView } from '../src/shared/messages';
import type { Dom } from './dom';

export interface PerImagePrompts {
  details: HTMLDetailsElement;
  /** In images order; each carries its image's URI in data-image-uri. */
  inputs: HTMLTextAreaElement[];
  /** The box of each input, where its error message goes. */
  boxes: HTMLElement[];
}

export function buildPerImagePrompts({ el }: Dom, images: readonly ImageView[], shortcuts: string): PerImagePrompts {
  const inputs = images.map((image, index) =>
    el('textarea', {
      id: `prompt-${index}`,
      name: `prompt-${index}`,
      rows: '2',
      placeholder: l10n.t('Uses the shared prompt'),
      'data-image-uri': image.uri,
      'aria-keyshortcuts': shortcuts,
    }),
  );
  const boxes = images.map((image, index) =>
    el(
      'div',
      { class: 'field' },
      el(
        'label',
        { for: inputs[index].id, class: 'with-thumb' },
        ...(image.src ? [el('img', { src: image.src, alt: '' })] : []),
        l10n.t('Prompt for {0}', image.name),
      ),
      inputs[index],
    ),
  );
  const details = el(
    'details',
    { id: 'per-image' },
    el('summary', {}, l10n.t('Prompt per image (optional)')),
    el('div', { class: 'nested-fields' }, el('p', { class: 'hint' }, l10n.t("An image's own prompt replaces the shared one.")), ...boxes),
  );
  return { details, inputs, boxes };
}
