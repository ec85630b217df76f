// Every message between the extension host and the form's webview, and the check the host runs
// on what the webview posts. Notices go one way; a request carries an id and gets exactly one
// reply with that id. Imported by the host (src/form) and bundled into the webview (media/), so
// it imports nothing but the options beside it.
import type { Expected } from './estimate';
import type { ImageFacts, ImageLimits } from './imagePlan';
import { includes, isRecord, MAX_PROMPT_LENGTH, type FieldErrors, type GenerationOptions, type OptionField } from './options';

export const VIEW_TYPE = 'lumaVideo.form';

export type Stage = 'editing' | 'queued' | 'uploading' | 'generating' | 'downloading' | 'done' | 'failed' | 'cancelled';

/** A remedy the form can offer as a button next to an error. */
export type Remedy = 'setApiKey' | 'retry';

/** What the form shows about the job it started; sent whole each time it changes. */
export interface JobView {
  stage: Stage;
  /** Epoch ms when the current stage began, so the webview can count elapsed time itself. */
  stageStartedAt: number;
  /** Bytes received and expected while downloading (total 0 when unknown). */
  progress?: { received: number; total: number };
  /** What went wrong and what to do, in plain words. */
  error?: { message: string; remedy?: Remedy };
  /** The finished video, as a webview URI and a file name. */
  video?: { src: string; name: string };
  /** A note shown under the stage, e.g. "Stopped waiting; the job is kept". */
  note?: string;
  /** The service accepted the generation: it is paid for, so Cancel asks before it stops waiting. */
  accepted?: boolean;
  /** The service has (or may have) made the video: "Fetch Video" gets it without paying again. */
  fetchable?: boolean;
  /** Cancel was pressed while the generation request was out: waiting for 1min.ai's answer. */
  cancelling?: boolean;
  /** Another window of this workspace runs the job: shown, but not cancelled, from here. */
  elsewhere?: boolean;
  /** While generating, with enough history of its kind: the form counts "about 40 s left" from it. */
  expected?: Expected;
}

/** What the person typed in a form, kept by the host so a form can be rebuilt with it. */
export interface FormDraft {
  options: Partial<Record<OptionField, unknown>>;
  /** Each image's own prompt by image URI (batches). */
  prompts: Record<string, string>;
  advancedOpen: boolean;
  perImageOpen: boolean;
}

export interface ImageView {
  name: string;
  /** The image's URI as a string: kept in the webview's state so the form can be restored. */
  uri: string;
  /** A webview URI of the image, or '' when it cannot be shown. */
  src: string;
  /** What the host read of the file (format, size), so the form can say what it will send; absent when unreadable. */
  file?: ImageFacts;
}

// ---- requests: the webview asks, the host answers once, by the request's id ----

/** What a generate asks for: the shared options and optional per-image prompts (image URI -> prompt) that replace the shared one. */
export interface GenerateParams {
  options: GenerationOptions;
  prompts?: Record<string, string>;
  /** The copies the form made (image URI -> PNG, JPEG or WebP bytes), sent instead of those files. */
  prepared?: Record<string, Uint8Array>;
}

/** The bytes of one of the form's images, for the form to convert; 'unavailable' when it cannot be read. */
export type ImageBytesReply = { status: 'ok'; bytes: Uint8Array } | { status: 'unavailable' };

/** The largest file the form is given to convert: decoding more would only stall the page. */
export const MAX_CONVERT_BYTES = 200 * 1024 * 1024;

/**
 * Accepted: the jobs are queued. Invalid: nothing started; what to fix (`imageErrors`: an image's
 * own prompt; `fileErrors`: what would be sent for an image). Declined: nothing started (busy, refused, failed).
 */
export type GenerateReply =
  | { status: 'accepted' }
  | {
      status: 'invalid';
      errors: FieldErrors;
      imageErrors?: Record<string, string>;
      fileErrors?: Record<string, string>;
      /** Files changed since the form read them to make its copies: what they are now (null: unreadable). */
      changed?: Record<string, ImageFacts | null>;
    }
  | { status: 'declined' };

/** Every request the webview can make: what it sends and what the host answers. */
export interface Requests {
  generate: { params: GenerateParams; reply: GenerateReply };
  imageBytes: { params: { imageUri: string }; reply: ImageBytesReply };
}
export type RequestType = keyof Requests;
export type ReplyOf<K extends RequestType> = Requests[K]['reply'];
/** A request as posted: its type, an id the webview chose (a whole number, unique in that page) and its params. */
export type RequestMessage = { [K in RequestType]: { type: K; id: number } & Requests[K]['params'] }[RequestType];
/** The reply the host sends when a request's handler throws: the webview must not wait for ever. */
export const FAILED_REPLY: { [K in RequestType]: ReplyOf<K> } = { generate: { status: 'declined' }, imageBytes: { status: 'unavailable' } };

// ---- host -> webview ----
export type HostMessage =
  /** `draft`: what was typed in a form this one replaces (the extension host restarted). */
  | {
      type: 'init';
      images: ImageView[];
      defaults: GenerationOptions;
      jobs: Record<string, JobView>;
      recentPrompts: string[];
      draft?: FormDraft;
      /** What decides whether an image is converted before it is sent. */
      limits: ImageLimits;
      /** This panel in this extension host: a page rebuilt in it may finish a Generate it was waiting to send; a revived one may not. */
      panel: string;
    }
  | { type: 'job'; imageUri: string; job: JobView }
  | { type: 'recentPrompts'; prompts: string[] }
  | { type: 'reply'; id: number; reply: ReplyOf<RequestType> };

// ---- webview -> host ----
/** Messages about one image's job carry that image's URI (one of the form's images). */
const IMAGE_ACTIONS = ['openVideo', 'revealVideo', 'copyMarkdownLink', 'saveVideoAs', 'fetch'] as const;
export type ImageAction = (typeof IMAGE_ACTIONS)[number];
/** Messages that want no answer. */
export type WebviewNotice =
  | { type: 'ready' }
  /** Without imageUri: every queued or running job of the form. */
  /** `confirmed`: the page asked "Stop waiting?" about a paid video and the person said yes. */
  | { type: 'cancel'; imageUri?: string; confirmed?: true }
  | { type: ImageAction; imageUri: string }
  | { type: 'setApiKey' }
  | ({ type: 'draft' } & FormDraft);
export type WebviewMessage = RequestMessage | WebviewNotice;

/** A request id: a whole number the page counts up from 1. */
export function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/**
 * Turns whatever the webview posted into a known message, or undefined (dropped). Options inside
 * a `generate` are passed through as sent: `validateBatch` judges them and answers per field.
 */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') return undefined;
  const keys = Object.keys(raw);
  if (raw.type === 'ready' || raw.type === 'setApiKey') return keys.length === 1 ? { type: raw.type } : undefined;
  if (raw.type === 'cancel') {
    if (keys.some((key) => key !== 'type' && key !== 'imageUri' && key !== 'confirmed')) return undefined;
    if ((raw.imageUri !== undefined && typeof raw.imageUri !== 'string') || (raw.confirmed !== undefined && raw.confirmed !== true))
      return undefined;
    return {
      type: 'cancel',
      ...(typeof raw.imageUri === 'string' ? { imageUri: raw.imageUri } : {}),
      ...(raw.confirmed ? { confirmed: true as const } : {}),
    };
  }
  const action = raw.type;
  if (includes(IMAGE_ACTIONS, action)) {
    return keys.length === 2 && typeof raw.imageUri === 'string' ? { type: action, imageUri: raw.imageUri } : undefined;
  }
  if (raw.type === 'draft') return parseDraft(raw);
  if (raw.type === 'generate') return parseGenerate(raw, keys);
  if (raw.type === 'imageBytes')
    return keys.length === 3 && isRequestId(raw.id) && typeof raw.imageUri === 'string'
      ? { type: 'imageBytes', id: raw.id, imageUri: raw.imageUri }
      : undefined;
  return undefined;
}

function parseGenerate(raw: Record<string, unknown>, keys: string[]): WebviewMessage | undefined {
  if (keys.some((key) => !['type', 'id', 'options', 'prompts', 'prepared'].includes(key))) return undefined;
  if (!isRequestId(raw.id) || !isRecord(raw.options) || (raw.prompts !== undefined && !isRecord(raw.prompts))) return undefined;
  const prepared = raw.prepared === undefined ? undefined : parsePrepared(raw.prepared);
  if (raw.prepared !== undefined && !prepared) return undefined;
  return {
    type: 'generate',
    id: raw.id,
    options: raw.options as unknown as GenerationOptions,
    ...(raw.prompts !== undefined ? { prompts: raw.prompts as Record<string, string> } : {}),
    ...(prepared ? { prepared } : {}),
  };
}

/** Copies by image URI, each bytes (what they are, and whose, the host judges when it handles the request). */
function parsePrepared(raw: unknown): Record<string, Uint8Array> | undefined {
  if (!isRecord(raw)) return undefined;
  const entries = Object.entries(raw);
  if (entries.length > 100 || entries.some(([, bytes]) => !(bytes instanceof Uint8Array) || bytes.byteLength > MAX_CONVERT_BYTES))
    return undefined;
  return Object.fromEntries(entries) as Record<string, Uint8Array>;
}

const DRAFT_KEYS: readonly string[] = ['type', 'options', 'prompts', 'advancedOpen', 'perImageOpen'];

/**
 * A draft as the webview sent it: known option fields only, each a string, number or boolean (the
 * form judges values when it is sent); prompts as text, at most the form's own limits.
 */
function parseDraft(raw: Record<string, unknown>): WebviewMessage | undefined {
  if (Object.keys(raw).some((key) => !DRAFT_KEYS.includes(key))) return undefined;
  if (!isRecord(raw.options) || !isRecord(raw.prompts) || typeof raw.advancedOpen !== 'boolean' || typeof raw.perImageOpen !== 'boolean')
    return undefined;
  const options: Partial<Record<OptionField, unknown>> = {};
  for (const field of ['prompt', 'length', 'enhancePrompt', 'modelName', 'aspectRatio', 'resolution', 'loop'] as const) {
    const value = raw.options[field];
    if (typeof value === 'string') options[field] = value.slice(0, MAX_PROMPT_LENGTH * 2);
    else if (typeof value === 'number' || typeof value === 'boolean') options[field] = value;
  }
  const prompts: Record<string, string> = {};
  for (const [uri, prompt] of Object.entries(raw.prompts).slice(0, 100))
    if (typeof prompt === 'string') prompts[uri] = prompt.slice(0, MAX_PROMPT_LENGTH * 2);
  return { type: 'draft', options, prompts, advancedOpen: raw.advancedOpen, perImageOpen: raw.perImageOpen };
}
