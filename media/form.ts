// The form panel's webview: renders the options form and the job's progress, checks the options
// before sending them, and keeps what the person typed across reloads through the webview state.
// All DOM is built with createElement/textContent: the CSP allows no inline markup or styles.
import {
  ASPECT_RATIOS,
  coerceDefaults,
  LENGTHS,
  MAX_PROMPT_LENGTH,
  MODEL_NAMES,
  RESOLUTIONS,
  validateOptions,
  type FieldErrors,
  type GenerationOptions,
  type HostMessage,
  type ImageView,
  type JobView,
  type OptionField,
  type Stage,
  type WebviewMessage,
} from '../src/protocol';

/** What survives a reload of the webview. */
interface SavedState {
  image?: ImageView;
  options?: Partial<Record<OptionField, unknown>>;
  /** True once the person changed a field, so their values win over the host's defaults. */
  edited?: boolean;
  advancedOpen?: boolean;
  job?: JobView;
}

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const RUNNING: ReadonlySet<Stage> = new Set<Stage>(['uploading', 'generating', 'downloading']);
/** In form order, so the first invalid one is the one that gets focus. */
const FIELDS: readonly OptionField[] = ['prompt', 'length', 'enhancePrompt', 'modelName', 'aspectRatio', 'resolution', 'loop'];
const ADVANCED: ReadonlySet<OptionField> = new Set<OptionField>(['modelName', 'aspectRatio', 'resolution', 'loop']);
/** How long a sent "generate" blocks another one if the host does not answer. */
const REPLY_WAIT_MS = 5000;

// ---- DOM helpers ----

type Attrs = Record<string, string | boolean | undefined>;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === true) node.setAttribute(name, '');
    else if (typeof value === 'string') node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

function button(id: string, text: string, kind: 'primary' | 'secondary', onClick: () => void): HTMLButtonElement {
  const node = el('button', { type: 'button', id, class: kind }, text);
  node.addEventListener('click', onClick);
  return node;
}

function select(field: OptionField, values: readonly string[], labelOf: (value: string) => string): HTMLSelectElement {
  return el('select', { id: field, name: field }, ...values.map((value) => el('option', { value }, labelOf(value))));
}

function checkbox(field: OptionField, hintId?: string): HTMLInputElement {
  return el('input', { type: 'checkbox', id: field, name: field, 'aria-describedby': hintId, 'data-hints': hintId });
}

const serviceDefault = (value: string) => value || 'Service default';

// ---- the form, built once ----

function buildUi() {
  const title = el('h1', { id: 'title' });
  const imageBox = el('div', { class: 'image-box' });
  const prompt = el('textarea', {
    id: 'prompt',
    name: 'prompt',
    rows: '4',
    required: true,
    placeholder: 'What should move? e.g. the waves roll in, the camera slowly zooms in',
    'aria-keyshortcuts': 'Control+Enter Meta+Enter',
    'aria-describedby': 'prompt-count',
    'data-hints': 'prompt-count',
  });
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
    prompt: el('div', { class: 'field' }, el('label', { for: 'prompt' }, 'Prompt'), prompt, counter),
    length: el('fieldset', { class: 'field', id: 'length' }, el('legend', {}, 'Length'),
      el('div', { class: 'choices' }, ...lengths.map((radio, i) =>
        el('span', { class: 'choice' }, radio, el('label', { for: radio.id }, `${LENGTHS[i]} s`))))),
    enhancePrompt: el('div', { class: 'field check' }, enhancePrompt, el('label', { for: 'enhancePrompt' }, 'Enhance prompt'),
      el('p', { id: 'enhancePrompt-hint', class: 'hint' }, 'Let the service rewrite your prompt for better motion')),
    modelName: el('div', { class: 'field' }, el('label', { for: 'modelName' }, 'Model'), modelName),
    aspectRatio: el('div', { class: 'field' }, el('label', { for: 'aspectRatio' }, 'Aspect ratio'), aspectRatio),
    resolution: el('div', { class: 'field' }, el('label', { for: 'resolution' }, 'Resolution'), resolution),
    loop: el('div', { class: 'field check' }, loop, el('label', { for: 'loop' }, 'Loop')),
  };
  const advanced = el('details', { id: 'advanced' }, el('summary', {}, 'Advanced'),
    el('div', { class: 'advanced-fields' }, boxes.modelName, boxes.aspectRatio, boxes.resolution, boxes.loop));
  // A disabled fieldset disables every control inside it while a job runs.
  const fields = el('fieldset', { id: 'fields', class: 'bare' }, boxes.prompt, boxes.length, boxes.enhancePrompt, advanced,
    el('div', { class: 'actions' }, generate, el('span', { class: 'hint' }, `or ${shortcut} in the prompt`)));
  const form = el('form', { id: 'form', novalidate: true }, fields);
  const status = el('section', { id: 'status', role: 'status', 'aria-label': 'Video' });
  // The host marks all of #app as a live region; only the status should speak, not every keystroke.
  const root = el('div', { class: 'root' }, el('div', { 'aria-live': 'off' }, title, imageBox, form), status);

  const controls: Record<OptionField, HTMLElement[]> = {
    prompt: [prompt], length: lengths, enhancePrompt: [enhancePrompt], modelName: [modelName],
    aspectRatio: [aspectRatio], resolution: [resolution], loop: [loop],
  };
  return { root, title, imageBox, form, fields, prompt, counter, lengths, enhancePrompt, advanced, modelName,
    aspectRatio, resolution, loop, generate, status, boxes, controls };
}

// ---- state ----

const vscode = acquireVsCodeApi();
const ui = buildUi();
const saved = vscode.getState();
let image: ImageView | undefined;
let edited = saved?.edited === true;
let job: JobView | undefined;
/** Set while a "generate" awaits the host's answer, so a double click sends once. */
let awaitingReply: ReturnType<typeof setTimeout> | undefined;
let ticker: ReturnType<typeof setInterval> | undefined;
/** The parts of the status section that change within a stage, and what it was built for. */
let statusView: { key: string; text: HTMLElement; detail: HTMLElement; note: HTMLElement; progress?: HTMLElement } | undefined;

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

function save(): void {
  vscode.setState({ image, options: readForm(), edited, advancedOpen: ui.advanced.open, job });
}

function isRunning(view: JobView | undefined): boolean {
  return view !== undefined && RUNNING.has(view.stage);
}

// ---- form values ----

/** Raw values, unchecked: validateOptions judges them. */
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

function updateCounter(): void {
  ui.counter.textContent = `${ui.prompt.value.length} / ${MAX_PROMPT_LENGTH}`;
  ui.counter.classList.toggle('over', ui.prompt.value.trim().length > MAX_PROMPT_LENGTH);
}

function updateEnabled(): void {
  ui.fields.disabled = isRunning(job);
}

// ---- field errors ----

function setError(field: OptionField, message: string | undefined): void {
  const errorId = `${field}-error`;
  document.getElementById(errorId)?.remove();
  if (message) ui.boxes[field].append(el('p', { class: 'error', id: errorId }, message));
  for (const control of ui.controls[field]) {
    const describedBy = [control.dataset.hints, message ? errorId : undefined].filter(Boolean).join(' ');
    if (describedBy) control.setAttribute('aria-describedby', describedBy);
    else control.removeAttribute('aria-describedby');
    if (message) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  }
}

/** Replaces all shown errors with these, and focuses the first field that has one. */
function showErrors(errors: FieldErrors): void {
  for (const field of FIELDS) setError(field, errors[field]);
  const first = FIELDS.find((field) => errors[field]);
  if (!first) return;
  // An error inside the closed "Advanced" section would go unseen.
  if (FIELDS.some((field) => errors[field] && ADVANCED.has(field))) ui.advanced.open = true;
  const controls = ui.controls[first];
  const target = controls.find((c) => c instanceof HTMLInputElement && c.checked && c.type === 'radio') ?? controls[0];
  target.focus();
}

function onSubmit(event: Event): void {
  event.preventDefault();
  if (isRunning(job) || awaitingReply) return;
  const result = validateOptions(readForm());
  if (!result.ok) {
    showErrors(result.errors);
    return;
  }
  showErrors({});
  awaitingReply = setTimeout(() => (awaitingReply = undefined), REPLY_WAIT_MS);
  post({ type: 'generate', options: result.options });
}

// ---- image ----

function showImage(view: ImageView): void {
  image = view;
  ui.title.textContent = view.name;
  const current = ui.imageBox.querySelector('img');
  if (view.src && current?.getAttribute('src') === view.src) return;
  const note = () => el('p', { class: 'note', id: 'image-note' }, 'This image cannot be previewed here; it is still used for the video.');
  if (!view.src) {
    ui.imageBox.replaceChildren(note());
    return;
  }
  const img = el('img', { id: 'image', src: view.src, alt: `The image to animate: ${view.name}` });
  img.addEventListener('error', () => ui.imageBox.replaceChildren(note()));
  ui.imageBox.replaceChildren(img);
}

// ---- job status ----

function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Percent when the size is known; otherwise the bytes so far. Undefined percent = indeterminate. */
function downloadProgress(view: JobView): { text: string; percent?: number } {
  const { received = 0, total = 0 } = view.progress ?? {};
  if (total > 0) {
    const percent = Math.min(100, Math.floor((received / total) * 100));
    return { text: `${percent}%`, percent };
  }
  return { text: `${(received / 1_048_576).toFixed(1)} MB` };
}

function stageText(view: JobView): string {
  switch (view.stage) {
    case 'uploading': return 'Uploading image…';
    case 'generating': return 'Generating video…';
    case 'downloading': return 'Downloading video…';
    case 'done': return view.video ? `Done: ${view.video.name}` : 'Done.';
    case 'cancelled': return 'Cancelled.';
    default: return '';
  }
}

function playerOrNote(video: { src: string; name: string }): HTMLElement[] {
  const player = el('video', { id: 'video', src: video.src, controls: true, autoplay: true, muted: true, loop: true, playsinline: true });
  player.muted = true; // the attribute alone does not mute a script-made element, and autoplay needs muted
  const note = el('p', { id: 'video-note', class: 'note', hidden: true }, "This editor can't play the video here; use Open Video.");
  player.addEventListener('error', () => {
    player.hidden = true;
    note.hidden = false;
  });
  return [player, note];
}

/** Builds the status section for a new stage (or new video/error); returns the parts that change. */
function buildStatus(view: JobView | undefined, key: string): typeof statusView {
  if (!view || view.stage === 'editing') {
    ui.status.replaceChildren();
    return undefined;
  }
  const text = el('span', { class: 'stage-text' });
  // Ticks every second: kept out of the announcements.
  const detail = el('span', { class: 'stage-detail', 'aria-live': 'off' });
  const note = el('p', { id: 'job-note', class: 'note' });
  const box = el('div', { class: `status-box ${view.stage}` });
  let progress: HTMLElement | undefined;
  if (view.stage === 'failed') {
    box.append(el('div', { id: 'error', class: 'error-box', role: 'alert' }, view.error?.message ?? 'Something went wrong.'), note);
    const remedy = view.error?.remedy;
    if (remedy === 'setApiKey') box.append(el('div', { class: 'actions' }, button('set-api-key', 'Set API Key', 'primary', () => post({ type: 'setApiKey' }))));
    if (remedy === 'retry') box.append(el('div', { class: 'actions' }, button('retry', 'Try Again', 'primary', () => ui.form.requestSubmit())));
  } else {
    box.append(el('p', { class: 'stage' }, text, ' ', detail), note);
  }
  if (view.fetchable) {
    box.append(el('div', { class: 'actions' }, button('fetch-video', 'Fetch Video', 'primary', () => post({ type: 'fetch' })),
      el('span', { class: 'hint' }, 'Already paid for: fetching does not charge again')));
  }
  if (isRunning(view)) {
    progress = el('div', { class: 'progress', role: 'progressbar', 'aria-label': stageText(view) }, el('div', { class: 'bar' }));
    const actions = el('div', { class: 'actions' });
    const cancel = button('cancel', 'Cancel', 'secondary', () => {
      // Once the service accepted it the video is paid for: stopping only stops the waiting.
      if (!(view.accepted && view.stage === 'generating')) return post({ type: 'cancel' });
      actions.replaceChildren(
        el('p', { class: 'confirm', id: 'cancel-question' }, 'The video is already paid for. Stop waiting? The job is kept, so you can fetch it later.'),
        button('stop-waiting', 'Stop Waiting', 'primary', () => post({ type: 'cancel' })),
        button('keep-waiting', 'Keep Waiting', 'secondary', () => actions.replaceChildren(cancel)),
      );
      (actions.querySelector('#keep-waiting') as HTMLElement).focus();
    });
    actions.append(cancel);
    box.append(progress, actions);
  }
  if (view.stage === 'done' && view.video) {
    box.append(...playerOrNote(view.video), el('div', { class: 'actions' },
      button('open-video', 'Open Video', 'primary', () => post({ type: 'openVideo' })),
      button('reveal-video', 'Reveal in Explorer', 'secondary', () => post({ type: 'revealVideo' }))));
  }
  ui.status.replaceChildren(box);
  return { key, text, detail, note, progress };
}

/** Fills in what changes within a stage: elapsed time, download progress, note. */
function updateStatus(view: JobView): void {
  if (!statusView) return;
  statusView.text.textContent = stageText(view);
  statusView.note.textContent = view.note ?? '';
  statusView.note.hidden = !view.note;
  let detail = '';
  let percent: number | undefined;
  if (view.stage === 'generating') detail = formatElapsed(Date.now() - view.stageStartedAt);
  if (view.stage === 'downloading') ({ text: detail, percent } = downloadProgress(view));
  statusView.detail.textContent = detail;
  const progress = statusView.progress;
  if (!progress) return;
  progress.classList.toggle('indeterminate', percent === undefined);
  const bar = progress.firstElementChild as HTMLElement;
  bar.style.width = percent === undefined ? '' : `${percent}%`; // CSSOM, which the CSP allows
  if (percent === undefined) progress.removeAttribute('aria-valuenow');
  else progress.setAttribute('aria-valuenow', String(percent));
}

function showJob(view: JobView | undefined, restoring = false): void {
  const active = document.activeElement;
  // Focus would be lost when its button is removed or its control disabled: move it somewhere useful.
  const moveFocus = ui.status.contains(active) || (isRunning(view) && ui.fields.contains(active));
  job = view;
  updateEnabled();
  clearInterval(ticker);
  const key = view ? [view.stage, view.video?.src, view.error?.message, view.error?.remedy, view.fetchable, view.accepted].join('\n') : '';
  if (key !== statusView?.key) {
    statusView = buildStatus(view, key);
    if (moveFocus) (ui.status.querySelector('button') ?? ui.prompt).focus();
    else if (statusView && !restoring) ui.status.scrollIntoView({ block: 'nearest' });
  }
  if (!view) return;
  updateStatus(view);
  if (view.stage === 'generating') ticker = setInterval(() => updateStatus(view), 1000);
}

// ---- host messages ----

function onInit(message: Extract<HostMessage, { type: 'init' }>): void {
  // Typed values and a finished job belong to this image only.
  const sameImage = image?.name === message.image.name;
  if (!sameImage) edited = false;
  showImage(message.image);
  if (!edited) writeForm(message.defaults);
  // The host knows every running job; a finished one it may have forgotten is still worth showing.
  const kept = sameImage && job && !isRunning(job) ? job : undefined;
  showJob(message.job ?? kept);
  if (!ui.root.isConnected) document.getElementById('app')?.append(ui.root);
}

function onHostMessage(event: MessageEvent<unknown>): void {
  const message = event.data as HostMessage;
  if (typeof message !== 'object' || message === null) return;
  if (message.type === 'init') onInit(message);
  else if (message.type === 'job') showJob(message.job);
  else if (message.type === 'invalid') showErrors(message.errors);
  else return;
  clearTimeout(awaitingReply);
  awaitingReply = undefined;
  save();
}

function onInput(event: Event): void {
  edited = true;
  const name = (event.target as HTMLInputElement).name as OptionField;
  if (FIELDS.includes(name)) setError(name, undefined);
  if (name === 'prompt') updateCounter();
  save();
}

ui.form.addEventListener('submit', onSubmit);
ui.form.addEventListener('input', onInput);
ui.form.addEventListener('change', onInput);
ui.prompt.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    ui.form.requestSubmit();
  }
});
ui.advanced.addEventListener('toggle', save);
window.addEventListener('message', onHostMessage);

// Show what was there before a reload at once; the host's init then brings it up to date.
if (saved?.image) {
  showImage(saved.image);
  writeForm(coerceDefaults(saved.options ?? {}));
  ui.advanced.open = saved.advancedOpen === true;
  showJob(saved.job, true);
  document.getElementById('app')?.append(ui.root);
}
post({ type: 'ready' });
