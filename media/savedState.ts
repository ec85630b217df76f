// What the webview keeps across reloads (VS Code's getState/setState), and the API it is given.
import type { ImageView, WebviewMessage } from '../src/shared/messages';
import type { OptionField } from '../src/shared/options';
import type { Jobs } from './jobs';

/** What survives a reload of the webview. The host reopens the panel from `images[*].uri`. */
export interface SavedState {
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
  /**
   * Generate was pressed while the images' copies were being made, in this panel (its `init.panel`):
   * a page rebuilt in the same panel sends it once they are; a panel revived after a restart does not.
   */
  waitingToSend?: string;
}

/** What `acquireVsCodeApi()` gives the page (a test gives its own). */
export interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
}

/** Saved images, if the saved state has a usable list. */
export function savedImages(state: SavedState | undefined): ImageView[] {
  const list = Array.isArray(state?.images) ? state.images : [];
  const usable = list.every((image) => typeof image?.uri === 'string' && typeof image.name === 'string' && typeof image.src === 'string');
  return usable ? list : [];
}
