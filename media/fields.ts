// The form's fields: the shared prompt with its counter and lists, length, enhance, and the
// Advanced section; reading and writing their values. A field's error goes in its box.
import { l10n } from '../src/shared/l10n';
import {
  ASPECT_RATIOS,
  LENGTHS,
  MAX_PROMPT_LENGTH,
  MODEL_NAMES,
  RESOLUTIONS,
  type GenerationOptions,
  type OptionField,
} from '../src/shared/options';
import type { Dom } from './dom';
import { buildPromptHelp } from './promptHelp';

/** In form order. */
export const FIELDS: readonly OptionField[] = ['prompt', 'length', 'enhancePrompt', 'modelName', 'aspectRatio', 'resolution', 'loop'];
export const ADVANCED: ReadonlySet<OptionField> = new Set<OptionField>(['modelName', 'aspectRatio', 'resolution', 'loop']);
export const SHORTCUTS = 'Control+Enter Meta+Enter';

export type Fields = ReturnType<typeof buildFields>;

function select({ el }: Dom, field: OptionField, values: readonly string[], labelOf: (value: string) => string): HTMLSelectElement {
  return el('select', { id: field, name: field }, ...values.map((value) => el('option', { value }, labelOf(value))));
}

function checkbox({ el }: Dom, field: OptionField, hintId?: string): HTMLInputElement {
  return el('input', { type: 'checkbox', id: field, name: field, 'aria-describedby': hintId, 'data-hints': hintId });
}

const serviceDefault = (value: string) => value || l10n.t('Service default');

/** The form's fields, built once; `onPick` takes a recent prompt or preset. */
export function buildFields(dom: Dom, onPick: (prompt: string) => void) {
  const { el } = dom;
  const title = el('h1', { id: 'title' });
  const prompt = el('textarea', {
    id: 'prompt',
    name: 'prompt',
    rows: '4',
    required: true,
    placeholder: l10n.t('What should move? e.g. the waves roll in, the camera slowly zooms in'),
    'aria-keyshortcuts': SHORTCUTS,
    'aria-describedby': 'prompt-count',
    'data-hints': 'prompt-count',
  });
  const promptHelp = buildPromptHelp(dom, onPick);
  // Shown for batches only.
  const promptHint = el(
    'p',
    { id: 'prompt-hint', class: 'hint', hidden: true },
    l10n.t('Used for every image that has no prompt of its own.'),
  );
  const counter = el('p', { id: 'prompt-count', class: 'counter' });
  const lengths = LENGTHS.map((n) => el('input', { type: 'radio', id: `length-${n}`, name: 'length', value: String(n) }));
  const enhancePrompt = checkbox(dom, 'enhancePrompt', 'enhancePrompt-hint');
  const modelName = select(dom, 'modelName', MODEL_NAMES, (value) => value);
  const aspectRatio = select(dom, 'aspectRatio', ASPECT_RATIOS, serviceDefault);
  const resolution = select(dom, 'resolution', RESOLUTIONS, serviceDefault);
  const loop = checkbox(dom, 'loop');
  const generate = el('button', { type: 'submit', id: 'generate', class: 'primary' }, l10n.t('Generate'));
  const shortcut = dom.document.defaultView?.navigator.userAgent.includes('Mac') ? '⌘+Enter' : 'Ctrl+Enter';

  // One box per field; a field's error message is appended to its box.
  const boxes: Record<OptionField, HTMLElement> = {
    prompt: el(
      'div',
      { class: 'field' },
      el('div', { class: 'prompt-head' }, el('label', { for: 'prompt' }, l10n.t('Prompt')), promptHelp.root),
      promptHint,
      prompt,
      counter,
    ),
    length: el(
      'fieldset',
      { class: 'field', id: 'length' },
      el('legend', {}, l10n.t('Length')),
      el(
        'div',
        { class: 'choices' },
        ...lengths.map((radio, i) => el('span', { class: 'choice' }, radio, el('label', { for: radio.id }, l10n.t('{0} s', LENGTHS[i])))),
      ),
    ),
    enhancePrompt: el(
      'div',
      { class: 'field check' },
      enhancePrompt,
      el('label', { for: 'enhancePrompt' }, l10n.t('Enhance prompt')),
      el('p', { id: 'enhancePrompt-hint', class: 'hint' }, l10n.t('Let the service rewrite your prompt for better motion')),
    ),
    modelName: el('div', { class: 'field' }, el('label', { for: 'modelName' }, l10n.t('Model')), modelName),
    aspectRatio: el('div', { class: 'field' }, el('label', { for: 'aspectRatio' }, l10n.t('Aspect ratio')), aspectRatio),
    resolution: el('div', { class: 'field' }, el('label', { for: 'resolution' }, l10n.t('Resolution')), resolution),
    loop: el('div', { class: 'field check' }, loop, el('label', { for: 'loop' }, l10n.t('Loop'))),
  };
  const advanced = el(
    'details',
    { id: 'advanced' },
    el('summary', {}, l10n.t('Advanced')),
    el('div', { class: 'advanced-fields' }, boxes.modelName, boxes.aspectRatio, boxes.resolution, boxes.loop),
  );
  // Where a batch's per-image prompts go: right under the shared prompt they replace.
  const perImageSlot = el('div');
  // A disabled fieldset disables every control inside it while a job runs.
  const fields = el(
    'fieldset',
    { id: 'fields', class: 'bare' },
    boxes.prompt,
    perImageSlot,
    boxes.length,
    boxes.enhancePrompt,
    advanced,
    el('div', { class: 'actions' }, generate, el('span', { class: 'hint' }, l10n.t('or {0} in the prompt', shortcut))),
  );
  const form = el('form', { id: 'form', novalidate: true }, fields);
  // The layout's parts: the image(s) above the form, the single image's status below it.
  const top = el('div');
  const bottom = el('div');
  const root = el('div', { class: 'root' }, el('div', {}, title), top, el('div', {}, form), bottom);

  const controls: Record<OptionField, HTMLElement[]> = {
    prompt: [prompt],
    length: lengths,
    enhancePrompt: [enhancePrompt],
    modelName: [modelName],
    aspectRatio: [aspectRatio],
    resolution: [resolution],
    loop: [loop],
  };
  return {
    root,
    title,
    top,
    bottom,
    form,
    fields,
    prompt,
    promptHelp,
    promptHint,
    counter,
    perImageSlot,
    lengths,
    enhancePrompt,
    advanced,
    modelName,
    aspectRatio,
    resolution,
    loop,
    boxes,
    controls,
  };
}

/** Raw values, unchecked: validateBatch judges them. */
export function readForm(ui: Fields): Record<OptionField, unknown> {
  return {
    prompt: ui.prompt.value,
    length: Number(ui.lengths.find((radio) => radio.checked)?.value),
    enhancePrompt: ui.enhancePrompt.checked,
    modelName: ui.modelName.value,
    aspectRatio: ui.aspectRatio.value,
    resolution: ui.resolution.value,
    loop: ui.loop.checked,
  };
}

export function writeForm(ui: Fields, options: GenerationOptions): void {
  ui.prompt.value = options.prompt;
  for (const radio of ui.lengths) radio.checked = radio.value === String(options.length);
  ui.enhancePrompt.checked = options.enhancePrompt;
  ui.modelName.value = options.modelName;
  ui.aspectRatio.value = options.aspectRatio;
  ui.resolution.value = options.resolution;
  ui.loop.checked = options.loop;
  updateCounter(ui);
}

export function updateCounter(ui: Fields): void {
  ui.counter.textContent = `${ui.prompt.value.length} / ${MAX_PROMPT_LENGTH}`;
  ui.counter.classList.toggle('over', ui.prompt.value.trim().length > MAX_PROMPT_LENGTH);
}
