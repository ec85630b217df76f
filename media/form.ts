// The form panel's webview: the options form for one image or a batch of them, each image's job,
// and the checks run before sending. What the person typed survives reloads in the webview state.
// The layouts live in single.ts and batch.ts; this file owns the form, the state and the messages.
// All DOM is built with createElement/textContent: the CSP allows no inline markup or styles.
import {
  ASPECT_RATIOS,
  coerceDefaults,
  LENGTHS,
  MAX_PROMPT_LENGTH,
  MODEL_NAMES,
  RESOLUTIONS,
  validateBatch,
  type FieldErrors,
  type GenerationOptions,
  type OptionField,
} from '../src/shared/options';
import { type HostMessage, type ImageView, type WebviewMessage } from '../src/shared/messages';
import { buildPerImagePrompts, createBatchView, type PerImagePrompts } from './batch';
import { el } from './dom';
import { isRunning, type Jobs, type JobsView, type ViewActions } from './jobs';
import { buildPromptHelp } from './promptHelp';
import { createSingleView } from './single';

/** What survives a reload of the webview. The host reopens the panel from `images[*].uri`. */
interface SavedState {
  images?: ImageView[];
  options?: Partial<Record<OptionField, unknown>>;
  /** Each image's own prompt by image URI (batches), as typed; blank ones are left out. */
  prompts?: Record<string, string>;
  /** True once the person changed a field, so their values win over the host's defaults. */
  edited?: boolean;
  advancedOpen?: boolean;
  perImageOpen?: boolean;
  /** The latest job of each image, by image URI. */
  jobs?: Jobs;
}

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** In form order. */
const FIELDS: readonly OptionField[] = ['prompt', 'length', 'enhancePrompt', 'modelName', 'aspectRatio', 'resolution', 'loop'];
const ADVANCED: ReadonlySet<OptionField> = new Set<OptionField>(['modelName', 'aspectRatio', 'resolution', 'loop']);
/** How long a sent "generate" blocks another one if the host does not answer. */
const REPLY_WAIT_MS = 5000;
const SHORTCUTS = 'Control+Enter Meta+Enter';
/** The host keeps a copy of what was typed (to rebuild the form if its host dies): not on every key. */
const DRAFT_DELAY_MS = 300;

// ---- the form, built once ----

function select(field: OptionField, values: readonly string[], labelOf: (value: string) => string): HTMLSelectElement {
  return el('select', { id: field, name: field }, ...values.map((value) => el('option', { value }, labelOf(value))));
}

function checkbox(field: OptionField, hintId?: string): HTMLInputElement {
  return el('input', { type: 'checkbox', id: field, name: field, 'aria-describedby': hintId, 'data-hints': hintId });
}

const serviceDefault = (value: string) => value || 'Service default';

function buildUi() {
  const title = el('h1', { id: 'title' });
  const prompt = el('textarea', {
    id: 'prompt',
    name: 'prompt',
    rows: '4',
    required: true,
    placeholder: 'What should move? e.g. the waves roll in, the camera slowly zooms in',
    'aria-keyshortcuts': SHORTCUTS,
    'aria-describedby': 'prompt-count',
    'data-hints': 'prompt-count',
  });
  const promptHelp = buildPromptHelp(pickPrompt);
  // Shown for batches only.
  const promptHint = el('p', { id: 'prompt-hint', class: 'hint', hidden: true }, 'Used for every image that has no prompt of its own.');
  const counter = el('p', { id: 'prompt-count', class: 'counter' });
  const lengths = LENGTHS.map((n) => el('input', { type: 'radio', id: `length-${n}`, name: 'length', value: String(n) }));
  const enhancePrompt = checkbox('enhancePrompt', 'enhancePrompt-hint');
  const modelName = select('modelName', MODEL_NAMES, (value) => value);
  const aspectRatio = select('aspectRatio', ASPECT_RATIOS, serviceDefault);
  const resolution = select('resolution', RESOLUTIONS, serviceDefault);
  const loop = checkbox('loop');
  const generate = el('button', { type: 'submit', id: 'generate', class: 'primary' }, 'Generate');
  const shortcut = navigator.userAgent.includes('Mac') ? '⌘+Enter' : 'Ctrl+Enter';

  // One box per field; a field's error message is appended to its box.
  const boxes: Record<OptionField, HTMLElement> = {
    prompt: el(
      'div',
      { class: 'field' },
      el('div', { class: 'prompt-head' }, el('label', { for: 'prompt' }, 'Prompt'), promptHelp.root),
      promptHint,
      prompt,
      counter,
    ),
    length: el(
      'fieldset',
      { class: 'field', id: 'length' },
      el('legend', {}, 'Length'),
      el(
        'div',
        { class: 'choices' },
        ...lengths.map((radio, i) => el('span', { class: 'choice' }, radio, el('label', { for: radio.id }, `${LENGTHS[i]} s`))),
      ),
    ),
    enhancePrompt: el(
      'div',
      { class: 'field check' },
      enhancePrompt,
      el('label', { for: 'enhancePrompt' }, 'Enhance prompt'),
      el('p', { id: 'enhancePrompt-hint', class: 'hint' }, 'Let the service rewrite your prompt for better motion'),
    ),
    modelName: el('div', { class: 'field' }, el('label', { for: 'modelName' }, 'Model'), modelName),
    aspectRatio: el('div', { class: 'field' }, el('label', { for: 'aspectRatio' }, 'Aspect ratio'), aspectRatio),
    resolution: el('div', { class: 'field' }, el('label', { for: 'resolution' }, 'Resolution'), resolution),
    loop: el('div', { class: 'field check' }, loop, el('label', { for: 'loop' }, 'Loop')),
  };
  const advanced = el(
    'details',
    { id: 'advanced' },
    el('summary', {}, 'Advanced'),
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
    el('div', { class: 'actions' }, generate, el('span', { class: 'hint' }, `or ${shortcut} in the prompt`)),
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

// ---- state ----

const vscode = acquireVsCodeApi();
const ui = buildUi();
const saved = vscode.getState();
const actions: ViewActions = { post, retry: () => ui.form.requestSubmit() };
let images: ImageView[] = [];
let jobs: Jobs = {};
let layout: JobsView | undefined;
/** The batch's own prompt per image; undefined for a single image. */
let perImage: PerImagePrompts | undefined;
let edited = saved?.edited === true;
/** Set while a "generate" awaits the host's answer, so a double click sends once. */
let awaitingReply: ReturnType<typeof setTimeout> | undefined;
let ticker: ReturnType<typeof setInterval> | undefined;
let draftTimer: ReturnType<typeof setTimeout> | undefined;

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

function save(): void {
  vscode.setState({
    images,
    options: readForm(),
    prompts: typedPrompts(),
    edited,
    advancedOpen: ui.advanced.open,
    perImageOpen: perImage?.details.open === true,
    jobs,
  });
  if (!edited) return;
  clearTimeout(draftTimer);
  draftTimer = setTimeout(
    () =>
      post({
        type: 'draft',
        options: readForm(),
        prompts: typedPrompts(),
        advancedOpen: ui.advanced.open,
        perImageOpen: perImage?.details.open === true,
      }),
    DRAFT_DELAY_MS,
  );
}

function anyRunning(): boolean {
  return images.some((image) => isRunning(jobs[image.uri]));
}

// ---- form values ----

/** Raw values, unchecked: validateBatch judges them. */
function readForm(): Record<OptionField, unknown> {
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

function writeForm(options: GenerationOptions): void {
  ui.prompt.value = options.prompt;
  for (const radio of ui.lengths) radio.checked = radio.value === String(options.length);
  ui.enhancePrompt.checked = options.enhancePrompt;
  ui.modelName.value = options.modelName;
  ui.aspectRatio.value = options.aspectRatio;
  ui.resolution.value = options.resolution;
  ui.loop.checked = options.loop;
  updateCounter();
}

/** The per-image prompts as typed, by image URI; blank ones (which use the shared prompt) left out. */
function typedPrompts(): Record<string, string> {
  const prompts: Record<string, string> = {};
  for (const input of perImage?.inputs ?? []) if (input.value.trim()) prompts[input.dataset.imageUri ?? ''] = input.value;
  return prompts;
}

function updateCounter(): void {
  ui.counter.textContent = `${ui.prompt.value.length} / ${MAX_PROMPT_LENGTH}`;
  ui.counter.classList.toggle('over', ui.prompt.value.trim().length > MAX_PROMPT_LENGTH);
}

/** The shared prompt is needed unless every image of a batch has its own. */
function updateRequired(): void {
  const own = typedPrompts();
  ui.prompt.required = !(perImage && images.every((image) => own[image.uri]));
}

/** A recent prompt or preset was picked: it replaces the shared prompt, which stays editable. */
function pickPrompt(prompt: string): void {
  ui.prompt.value = prompt;
  edited = true;
  setError('prompt', undefined);
  updateCounter();
  save();
}

// ---- errors ----

function markError(box: HTMLElement, controls: readonly HTMLElement[], errorId: string, message: string | undefined): void {
  document.getElementById(errorId)?.remove();
  if (message) box.append(el('p', { class: 'error', id: errorId }, message));
  for (const control of controls) {
    const describedBy = [control.dataset.hints, message ? errorId : undefined].filter(Boolean).join(' ');
    if (describedBy) control.setAttribute('aria-describedby', describedBy);
    else control.removeAttribute('aria-describedby');
    if (message) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  }
}

function setError(field: OptionField, message: string | undefined): void {
  markError(ui.boxes[field], ui.controls[field], `${field}-error`, message);
}

function setImageError(index: number, message: string | undefined): void {
  if (perImage && index >= 0) markError(perImage.boxes[index], [perImage.inputs[index]], `prompt-${index}-error`, message);
}

/** Replaces all shown errors with these, and focuses the first control (in form order) that has one. */
function showErrors(errors: FieldErrors, imageErrors: Record<string, string> = {}): void {
  for (const field of FIELDS) setError(field, errors[field]);
  images.forEach((image, index) => setImageError(index, imageErrors[image.uri]));
  // An error inside a closed section would go unseen.
  if (FIELDS.some((field) => errors[field] && ADVANCED.has(field))) ui.advanced.open = true;
  if (perImage && images.some((image) => imageErrors[image.uri])) perImage.details.open = true;
  const first = ui.form.querySelector<HTMLElement>('[aria-invalid="true"]');
  // In a radio group, the chosen one.
  const checked =
    first instanceof HTMLInputElement && first.type === 'radio'
      ? ui.form.querySelector<HTMLElement>(`input[name="${first.name}"]:checked`)
      : null;
  (checked ?? first)?.focus();
}

function onSubmit(event: Event): void {
  event.preventDefault();
  if (anyRunning() || awaitingReply) return;
  const prompts = perImage ? trimmed(typedPrompts()) : undefined;
  const result = validateBatch(
    readForm(),
    prompts,
    images.map((image) => image.uri),
  );
  if (!result.ok) {
    showErrors(result.errors, result.imageErrors);
    return;
  }
  showErrors({});
  awaitingReply = setTimeout(() => (awaitingReply = undefined), REPLY_WAIT_MS);
  // The checked options carry the first image's prompt; the shared one (maybe empty in a batch
  // where every image has its own) is what the host expects in `options`.
  const options = { ...result.perImage[0].options, prompt: ui.prompt.value.trim() };
  post(prompts ? { type: 'generate', options, prompts } : { type: 'generate', options });
}

function trimmed(prompts: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(prompts).map(([uri, prompt]) => [uri, prompt.trim()]));
}

// ---- images and jobs ----

/** Lays the form out for these images: the big image for one; cards and per-image prompts for several. */
function showImages(list: ImageView[], prompts: Record<string, string>): void {
  if (layout && JSON.stringify(list) === JSON.stringify(images)) return;
  images = list;
  const batch = list.length > 1;
  ui.title.textContent = batch ? `${list.length} images` : list[0].name;
  layout = batch ? createBatchView(list, actions) : createSingleView(list[0], actions);
  perImage = batch ? buildPerImagePrompts(list, SHORTCUTS) : undefined;
  for (const input of perImage?.inputs ?? []) input.value = prompts[input.dataset.imageUri ?? ''] ?? '';
  perImage?.details.addEventListener('toggle', save);
  ui.top.replaceChildren(...layout.top);
  ui.bottom.replaceChildren(...layout.bottom);
  ui.perImageSlot.replaceChildren(...(perImage ? [perImage.details] : []));
  ui.promptHint.hidden = !batch;
  ui.prompt.dataset.hints = batch ? 'prompt-hint prompt-count' : 'prompt-count';
  setError('prompt', undefined); // also sets aria-describedby from the new hints
  updateRequired();
}

function sameImages(a: readonly ImageView[], b: readonly ImageView[]): boolean {
  return a.length === b.length && a.every((image) => b.some((other) => other.uri === image.uri));
}

function showJobs(next: Jobs, restoring = false): void {
  const active =
    document.activeElement instanceof HTMLElement && ui.root.contains(document.activeElement) ? document.activeElement : undefined;
  const scope = active?.closest('[data-focus-scope]') ?? undefined;
  jobs = next;
  ui.fields.disabled = anyRunning();
  layout?.show(jobs, restoring);
  // Focus would be lost with a removed button or a disabled control: move it somewhere useful.
  if (active && (!active.isConnected || active.matches(':disabled'))) {
    const usable = (node: HTMLElement | undefined) => node?.isConnected && !node.matches(':disabled');
    [layout?.focusAfterLoss(scope), ui.prompt].find(usable)?.focus();
  }
  clearInterval(ticker);
  if (images.some((image) => jobs[image.uri]?.stage === 'generating')) ticker = setInterval(() => layout?.tick(), 1000);
}

// ---- host messages ----

function onInit(message: Extract<HostMessage, { type: 'init' }>): void {
  if (!Array.isArray(message.images) || message.images.length === 0) return;
  // Typed values and finished jobs belong to these images only.
  const same = sameImages(images, message.images);
  if (!same) edited = false;
  // The host knows every running job; a finished one it may have forgotten is still worth showing.
  const kept = same ? Object.fromEntries(Object.entries(jobs).filter(([, job]) => !isRunning(job))) : {};
  const draft = message.draft;
  showImages(message.images, draft?.prompts ?? (same ? typedPrompts() : {}));
  if (draft) {
    // This form replaces one whose extension host died: what was typed there comes back.
    writeForm(coerceDefaults(draft.options));
    ui.advanced.open = draft.advancedOpen === true;
    if (perImage) perImage.details.open = draft.perImageOpen === true;
    edited = true;
    updateRequired();
  } else if (!edited) writeForm(message.defaults);
  ui.promptHelp.setRecent(message.recentPrompts ?? []);
  showJobs({ ...kept, ...message.jobs });
  mount();
}

function onHostMessage(event: MessageEvent<unknown>): void {
  const message = event.data as HostMessage;
  if (typeof message !== 'object' || message === null) return;
  if (message.type === 'init') onInit(message);
  else if (message.type === 'job') {
    if (images.some((image) => image.uri === message.imageUri)) showJobs({ ...jobs, [message.imageUri]: message.job });
  } else if (message.type === 'invalid') showErrors(message.errors ?? {}, message.imageErrors);
  else if (message.type === 'recentPrompts') ui.promptHelp.setRecent(message.prompts ?? []);
  else return;
  clearTimeout(awaitingReply);
  awaitingReply = undefined;
  save();
}

function onInput(event: Event): void {
  edited = true;
  const target = event.target as HTMLInputElement;
  const imageUri = target.dataset.imageUri;
  if (imageUri !== undefined) {
    setImageError(
      images.findIndex((image) => image.uri === imageUri),
      undefined,
    );
    updateRequired();
  } else if (FIELDS.includes(target.name as OptionField)) {
    setError(target.name as OptionField, undefined);
    if (target.name === 'prompt') updateCounter();
  }
  save();
}

function mount(): void {
  if (!ui.root.isConnected) document.getElementById('app')?.append(ui.root);
}

/** Saved images, if the saved state has a usable list. */
function savedImages(state: SavedState | undefined): ImageView[] {
  const list = Array.isArray(state?.images) ? state.images : [];
  const usable = list.every((image) => typeof image?.uri === 'string' && typeof image.name === 'string' && typeof image.src === 'string');
  return usable ? list : [];
}

ui.form.addEventListener('submit', onSubmit);
ui.form.addEventListener('input', onInput);
ui.form.addEventListener('change', onInput);
// Ctrl/Cmd+Enter in any prompt sends the form.
ui.form.addEventListener('keydown', (event) => {
  if (event.target instanceof HTMLTextAreaElement && event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    ui.form.requestSubmit();
  }
});
ui.advanced.addEventListener('toggle', save);
window.addEventListener('message', onHostMessage);

// Show what was there before a reload at once; the host's init then brings it up to date.
const restored = savedImages(saved);
if (restored.length > 0) {
  showImages(restored, saved?.prompts ?? {});
  writeForm(coerceDefaults(saved?.options ?? {}));
  ui.advanced.open = saved?.advancedOpen === true;
  if (perImage) perImage.details.open = saved?.perImageOpen === true;
  updateRequired();
  showJobs(saved?.jobs ?? {}, true);
  mount();
}
post({ type: 'ready' });
