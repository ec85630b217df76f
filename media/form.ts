// The form panel's webview: the options form for one image or a batch of them, each image's job,
// and the checks run before sending. What the person typed survives reloads in the webview state.
// The fields are built in fields.ts, the layouts in single.ts and batch.ts; this file owns the
// form's state and its messages. All DOM is built with createElement/textContent: the CSP allows
// no inline markup or styles.
import { l10n } from '../src/shared/l10n';
import { type GenerateReply, type HostMessage, type ImageView, type WebviewNotice } from '../src/shared/messages';
import type { ImageFacts, ImageLimits } from '../src/shared/imagePlan';
import { coerceDefaults, validateBatch, type GenerationOptions, type OptionField } from '../src/shared/options';
import { isRunning } from '../src/shared/stages';
import { createBatchView } from './batch';
import { createDom } from './dom';
import { createImagePreparer, createSendNotes, withFacts, type Convert } from './imagePrep';
import { setError, setImageError, showErrors } from './fieldErrors';
import { buildFields, FIELDS, readForm, SHORTCUTS, updateCounter, writeForm } from './fields';
import { type Jobs, type JobsView, type ViewActions } from './jobs';
import { buildPerImagePrompts, type PerImagePrompts } from './perImagePrompts';
import { createRequestChannel } from './requests';
import { savedImages, type VsCodeApi } from './savedState';
import { createSingleView } from './single';

/** The host keeps a copy of what was typed (to rebuild the form if its host dies): not on every key. */
const DRAFT_DELAY_MS = 300;

export interface Form {
  /** Stops listening and ticking (the page never needs it; a test does). */
  dispose(): void;
}

/** Builds the form in `document`, talks to the host through `api`, and says it is ready. */
export function createForm(api: VsCodeApi, document: Document, convert?: Convert): Form {
  const dom = createDom(document);
  const window = document.defaultView;
  const ui = buildFields(dom, pickPrompt);
  const saved = api.getState();
  const requests = createRequestChannel((message) => api.postMessage(message));
  const post = (message: WebviewNotice) => api.postMessage(message);
  const actions: ViewActions = { post, retry: () => ui.form.requestSubmit() };
  /** What the errors and prompts are about; `perImage` is undefined for a single image. */
  const state: { images: ImageView[]; perImage: PerImagePrompts | undefined; ui: typeof ui } = { images: [], perImage: undefined, ui };
  let jobs: Jobs = {};
  let layout: JobsView | undefined;
  let edited = saved?.edited === true;
  /** A Generate waits for the images' copies. */
  let sending = false;
  /** The page was rebuilt while a Generate waited for the copies: it goes once they are made, in the same panel only. */
  let resumeSend = typeof saved?.waitingToSend === 'string' ? saved.waitingToSend : undefined;
  /** The panel the host says this page is in. */
  let panel: string | undefined;
  /** What decides a conversion, as the host last said. */
  let limits: ImageLimits | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let draftTimer: ReturnType<typeof setTimeout> | undefined;
  const notes = createSendNotes(() => layout);
  const preparer = createImagePreparer((imageUri) => requests.request('imageBytes', { imageUri }), notes.set, convert);

  /** What was typed, as the saved state and the draft keep it. */
  const typed = () => ({
    options: readForm(ui),
    prompts: typedPrompts(),
    advancedOpen: ui.advanced.open,
    perImageOpen: state.perImage?.details.open === true,
  });

  function save(): void {
    api.setState({ images: state.images, ...typed(), edited, jobs, ...(sending && panel ? { waitingToSend: panel } : {}) });
    if (!edited) return;
    clearTimeout(draftTimer);
    draftTimer = setTimeout(() => post({ type: 'draft', ...typed() }), DRAFT_DELAY_MS);
  }

  const anyRunning = () => state.images.some((image) => isRunning(jobs[image.uri]));

  /** The per-image prompts as typed, by image URI; blank ones (which use the shared prompt) left out. */
  function typedPrompts(): Record<string, string> {
    const prompts: Record<string, string> = {};
    for (const input of state.perImage?.inputs ?? []) if (input.value.trim()) prompts[input.dataset.imageUri ?? ''] = input.value;
    return prompts;
  }

  /** The shared prompt is needed unless every image of a batch has its own. */
  function updateRequired(): void {
    const own = typedPrompts();
    ui.prompt.required = !(state.perImage && state.images.every((image) => own[image.uri]));
  }

  /** A recent prompt or preset was picked: it replaces the shared prompt, which stays editable. */
  function pickPrompt(prompt: string): void {
    ui.prompt.value = prompt;
    edited = true;
    setError(dom, ui, 'prompt', undefined);
    updateCounter(ui);
    save();
  }

  function onSubmit(event: Event): void {
    event.preventDefault();
    trySend();
  }

  /** Checks the form and sends the Generate, once the images' copies are made. */
  function trySend(): void {
    if (anyRunning() || sending || requests.waiting('generate')) return;
    const prompts = state.perImage ? trimmed(typedPrompts()) : undefined;
    const result = validateBatch(
      readForm(ui),
      prompts,
      state.images.map((image) => image.uri),
    );
    if (!result.ok) return showErrors(dom, state, result.errors, result.imageErrors);
    showErrors(dom, state, {});
    // The checked options carry the first image's prompt; the shared one (maybe empty in a batch
    // where every image has its own) is what the host expects in `options`.
    const options = { ...result.perImage[0].options, prompt: ui.prompt.value.trim() };
    const ready = preparer.copiesNow();
    if (ready) return send(options, prompts, ready);
    // The images' copies are still being made (they usually are done before the prompt is typed):
    // the form waits, locked, and a page reloaded meanwhile picks the wait up (`waitingToSend`).
    sending = true;
    ui.fields.disabled = true;
    save();
    void preparer.copies().then((prepared) => {
      sending = false;
      ui.fields.disabled = anyRunning();
      send(options, prompts, prepared);
    });
  }

  function send(options: GenerationOptions, prompts: Record<string, string> | undefined, prepared: Record<string, Uint8Array>): void {
    // Saved as no longer waiting before it goes: a reload then never sends it a second time.
    save();
    notes.clearReasons();
    const params = { options, ...(prompts ? { prompts } : {}), ...(Object.keys(prepared).length > 0 ? { prepared } : {}) };
    void requests.request('generate', params).then(onGenerateReply);
  }

  /** Accepted: the jobs' messages show them. Declined: nothing started, the form is as it was. */
  function onGenerateReply(reply: GenerateReply): void {
    if (reply.status !== 'invalid') return;
    if (reply.changed) prepareChanged(reply.changed);
    // What cannot be sent for an image is said next to it, where the form says what it sends.
    for (const [uri, text] of Object.entries(reply.fileErrors ?? {}))
      if (typeof text === 'string' && state.images.some((image) => image.uri === uri)) notes.set(uri, { text, problem: true });
    showErrors(dom, state, reply.errors ?? {}, reply.imageErrors);
    save();
  }

  /** Files changed after the form read them: their copies are made again from what is there now. */
  function prepareChanged(changed: Record<string, ImageFacts | null>): void {
    state.images = withFacts(state.images, changed);
    notes.clearReasons();
    // Why this Generate sent nothing stays in front of what the new copy is, until the next one goes.
    for (const image of state.images)
      if (image.uri in changed)
        notes.explain(image.uri, l10n.t('{0} changed since the form read it, so nothing was sent: read again.', image.name));
    preparer.start(state.images, limits);
    save();
  }

  /** Lays the form out for these images: the big image for one; cards and per-image prompts for several. */
  function showImages(list: ImageView[], prompts: Record<string, string>): void {
    if (layout && JSON.stringify(list) === JSON.stringify(state.images)) return;
    state.images = list;
    const batch = list.length > 1;
    ui.title.textContent = batch ? l10n.t('{0} images', list.length) : list[0].name;
    layout = batch ? createBatchView(dom, list, actions) : createSingleView(dom, list[0], actions);
    const perImage = batch ? buildPerImagePrompts(dom, list, SHORTCUTS) : undefined;
    state.perImage = perImage;
    for (const input of perImage?.inputs ?? []) input.value = prompts[input.dataset.imageUri ?? ''] ?? '';
    perImage?.details.addEventListener('toggle', save);
    notes.showIn(layout, list);
    ui.top.replaceChildren(...layout.top);
    ui.bottom.replaceChildren(...layout.bottom);
    ui.perImageSlot.replaceChildren(...(perImage ? [perImage.details] : []));
    ui.promptHint.hidden = !batch;
    ui.prompt.dataset.hints = batch ? 'prompt-hint prompt-count' : 'prompt-count';
    setError(dom, ui, 'prompt', undefined); // also sets aria-describedby from the new hints
    updateRequired();
  }

  function showJobs(next: Jobs, restoring = false): void {
    const focused = document.activeElement as HTMLElement | null;
    const active = focused && ui.root.contains(focused) ? focused : undefined;
    const scope = active?.closest('[data-focus-scope]') ?? undefined;
    jobs = next;
    ui.fields.disabled = anyRunning() || sending;
    layout?.show(jobs, restoring);
    // Focus would be lost with a removed button or a disabled control: move it somewhere useful.
    if (active && (!active.isConnected || active.matches(':disabled'))) {
      const usable = (node: HTMLElement | undefined) => node?.isConnected && !node.matches(':disabled');
      [layout?.focusAfterLoss(scope), ui.prompt].find(usable)?.focus();
    }
    clearInterval(ticker);
    if (state.images.some((image) => jobs[image.uri]?.stage === 'generating')) ticker = setInterval(() => layout?.tick(), 1000);
  }

  /** Shows what was typed (the saved state, or a draft of a form this one replaces). */
  function restoreTyped(options: Partial<Record<OptionField, unknown>>, advancedOpen: unknown, perImageOpen: unknown): void {
    writeForm(ui, coerceDefaults(options));
    ui.advanced.open = advancedOpen === true;
    if (state.perImage) state.perImage.details.open = perImageOpen === true;
  }

  function onInit(message: Extract<HostMessage, { type: 'init' }>): void {
    if (!Array.isArray(message.images) || message.images.length === 0) return;
    // Typed values and finished jobs belong to these images only.
    const same = sameImages(state.images, message.images);
    if (!same) edited = false;
    // The host knows every running job; a finished one it may have forgotten is still worth showing.
    const kept = same ? Object.fromEntries(Object.entries(jobs).filter(([, job]) => !isRunning(job))) : {};
    const draft = message.draft;
    showImages(message.images, draft?.prompts ?? (same ? typedPrompts() : {}));
    limits = message.limits;
    preparer.start(message.images, message.limits);
    if (draft) {
      // This form replaces one whose extension host died: what was typed there comes back.
      restoreTyped(draft.options, draft.advancedOpen, draft.perImageOpen);
      edited = true;
      updateRequired();
    } else if (!edited) writeForm(ui, message.defaults);
    ui.promptHelp.setRecent(message.recentPrompts ?? []);
    showJobs({ ...kept, ...message.jobs });
    mount();
    panel = typeof message.panel === 'string' ? message.panel : undefined;
    // Only the Generate pressed in this very panel, on these very images.
    if (resumeSend && resumeSend === panel && same) trySend();
    resumeSend = undefined;
  }

  function onHostMessage(event: MessageEvent<unknown>): void {
    const message = event.data as HostMessage;
    if (typeof message !== 'object' || message === null) return;
    if (message.type === 'init') onInit(message);
    else if (message.type === 'job') {
      if (state.images.some((image) => image.uri === message.imageUri)) showJobs({ ...jobs, [message.imageUri]: message.job });
    } else if (message.type === 'recentPrompts') ui.promptHelp.setRecent(message.prompts ?? []);
    else if (message.type !== 'reply' || !requests.settle(message.id, message.reply)) return;
    save();
  }

  function onInput(event: Event): void {
    edited = true;
    const target = event.target as HTMLInputElement;
    const imageUri = target.dataset.imageUri;
    if (imageUri !== undefined) {
      const index = state.images.findIndex((image) => image.uri === imageUri);
      setImageError(dom, state.perImage, index, undefined);
      updateRequired();
    } else if (FIELDS.includes(target.name as OptionField)) {
      setError(dom, ui, target.name as OptionField, undefined);
      if (target.name === 'prompt') updateCounter(ui);
    }
    save();
  }

  function mount(): void {
    if (!ui.root.isConnected) document.getElementById('app')?.append(ui.root);
  }

  ui.form.addEventListener('submit', onSubmit);
  ui.form.addEventListener('input', onInput);
  ui.form.addEventListener('change', onInput);
  // Ctrl/Cmd+Enter in any prompt sends the form.
  ui.form.addEventListener('keydown', (event) => {
    if ((event.target as Element).tagName === 'TEXTAREA' && event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      ui.form.requestSubmit();
    }
  });
  ui.advanced.addEventListener('toggle', save);
  window?.addEventListener('message', onHostMessage);

  // Show what was there before a reload at once; the host's init then brings it up to date.
  const restored = savedImages(saved);
  if (restored.length > 0) {
    showImages(restored, saved?.prompts ?? {});
    restoreTyped(saved?.options ?? {}, saved?.advancedOpen, saved?.perImageOpen);
    updateRequired();
    showJobs(saved?.jobs ?? {}, true);
    mount();
  }
  post({ type: 'ready' });
  return {
    dispose() {
      window?.removeEventListener('message', onHostMessage);
      clearInterval(ticker);
      clearTimeout(draftTimer);
    },
  };
}

function sameImages(a: readonly ImageView[], b: readonly ImageView[]): boolean {
  return a.length === b.length && a.every((image) => b.some((other) => other.uri === image.uri));
}

function trimmed(prompts: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(prompts).map(([uri, prompt]) => [uri, prompt.trim()]));
}
