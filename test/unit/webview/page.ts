// A webview page in plain Node: happy-dom's document, a stand-in for VS Code's webview API that
// records what the page posts and keeps its state, and the form built in it.
import { Window } from 'happy-dom';
import { createForm, type Form } from '../../../media/form';
import type { SavedState, VsCodeApi } from '../../../media/savedState';
import type { Convert } from '../../../media/imagePrep';
import type { ImageLimits } from '../../../src/shared/imagePlan';
import type { HostMessage, ImageView, JobView, WebviewMessage } from '../../../src/shared/messages';
import { coerceDefaults, type GenerationOptions } from '../../../src/shared/options';

/** The settings' defaults: an empty prompt, 5 s, enhanced, ray-v2, the service's ratio and resolution, no loop. */
export const defaults: GenerationOptions = coerceDefaults({});

/** The settings' defaults: 10 MB, and images with more pixels than the video uses made smaller. */
export const LIMITS: ImageLimits = { maxBytes: 10 * 1024 * 1024, shrinkLarge: true };

export function image(name: string): ImageView {
  return { name, uri: `file:///w/${name}`, src: `https://file.test/w/${name}` };
}

export function job(stage: JobView['stage'], more: Partial<JobView> = {}): JobView {
  return { stage, stageStartedAt: Date.now(), ...more };
}

/** Lets promise callbacks (a settled request's) run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));

/** What the page's browser is asked for by the system. */
export interface PageSettings {
  /** `prefers-reduced-motion: reduce` */
  reducedMotion?: boolean;
}

export class Page {
  readonly window: Window;
  readonly document: Document;
  /** Everything the page posted, as the host would receive it (a copy). */
  readonly posted: WebviewMessage[] = [];
  state: SavedState | undefined;
  readonly form: Form;

  constructor(saved?: SavedState, settings: PageSettings = {}, convert?: Convert) {
    const prefersReducedMotion = settings.reducedMotion ? 'reduce' : 'no-preference';
    this.window = new Window({ url: 'https://webview.test/index.html', settings: { device: { prefersReducedMotion } } });
    this.document = this.window.document as unknown as Document;
    this.state = saved;
    this.document.body.innerHTML = '<main id="app"></main>';
    const api: VsCodeApi = {
      postMessage: (message) => this.posted.push(structuredClone(message)),
      getState: () => this.state,
      setState: (state) => (this.state = structuredClone(state)),
    };
    this.form = createForm(api, this.document, convert);
  }

  /** A message from the host, as VS Code delivers it. */
  send(message: HostMessage): void {
    this.window.dispatchEvent(new this.window.MessageEvent('message', { data: structuredClone(message) }));
  }

  init(images: ImageView[], more: Partial<Extract<HostMessage, { type: 'init' }>> = {}): void {
    this.send({ type: 'init', images, defaults, jobs: {}, recentPrompts: [], limits: LIMITS, panel: 'panel-1', ...more });
  }

  $<T extends HTMLElement = HTMLElement>(selector: string): T {
    const found = this.document.querySelector<T>(selector);
    if (!found) throw new Error(`nothing matches ${selector}`);
    return found;
  }

  has(selector: string): boolean {
    return this.document.querySelector(selector) !== null;
  }

  /** Types into a field as a person does: the value, then the input event. */
  type(selector: string, value: string): void {
    const field = this.$<HTMLTextAreaElement>(selector);
    field.value = value;
    field.dispatchEvent(new this.window.Event('input', { bubbles: true }) as unknown as Event);
  }

  click(selector: string): void {
    this.$(selector).click();
  }

  /** Presses Generate. */
  submit(): void {
    this.$<HTMLFormElement>('#form').requestSubmit();
  }

  sent<T extends WebviewMessage['type']>(type: T): Extract<WebviewMessage, { type: T }>[] {
    return this.posted.filter((message): message is Extract<WebviewMessage, { type: T }> => message.type === type);
  }

  async close(): Promise<void> {
    this.form.dispose();
    await this.window.happyDOM.close();
  }
}
