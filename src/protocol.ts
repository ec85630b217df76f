// Every message between the extension host and the form's webview, and the checks both sides
// run on them. Imported by the host (src/form) and bundled into the webview (media/form.ts), so
// it must stay free of `vscode` and Node imports.

export const VIEW_TYPE = 'lumaVideo.form';

export const LENGTHS = [5, 10] as const;
export const MODEL_NAMES = ['ray-v1', 'ray-v2', 'ray-v2-flash', 'ray-v3', 'ray-v3-reasoning'] as const;
/** '' lets the service choose. */
export const ASPECT_RATIOS = ['', '1:1', '16:9', '9:16', '4:3', '3:4', '21:9', '9:21'] as const;
export const RESOLUTIONS = ['', '720p', '1080p'] as const;
/** The service documents no limit; Luma's own API rejects very long prompts, so we stop well before. */
export const MAX_PROMPT_LENGTH = 2000;

export type VideoLength = (typeof LENGTHS)[number];
export type ModelName = (typeof MODEL_NAMES)[number];
export type AspectRatio = (typeof ASPECT_RATIOS)[number];
export type Resolution = (typeof RESOLUTIONS)[number];

/** What the person chose in the form; the whole of what a generation needs besides the image. */
export interface GenerationOptions {
  prompt: string;
  length: VideoLength;
  enhancePrompt: boolean;
  modelName: ModelName;
  aspectRatio: AspectRatio;
  resolution: Resolution;
  loop: boolean;
}

export type OptionField = keyof GenerationOptions;
export type FieldErrors = Partial<Record<OptionField, string>>;

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
}

/** Ready-made motion prompts the form offers; picking one fills the prompt, which stays editable. */
export const MOTION_PRESETS: readonly { label: string; prompt: string }[] = [
  { label: 'Slow zoom in', prompt: 'The camera slowly zooms in toward the center, smooth and steady.' },
  { label: 'Slow zoom out', prompt: 'The camera slowly pulls back to reveal more of the scene.' },
  { label: 'Orbit', prompt: 'The camera orbits slowly around the subject, keeping it centered.' },
  { label: 'Parallax', prompt: 'Gentle parallax: the foreground drifts sideways faster than the background, giving depth.' },
  { label: 'Drifting clouds', prompt: 'Clouds drift slowly across the sky; everything else stays still.' },
  { label: 'Waves', prompt: 'Waves roll in and break gently on the shore, water shimmering.' },
  { label: 'Wind in the trees', prompt: 'A light breeze moves the leaves and grass; soft natural motion.' },
  { label: 'Cinemagraph', prompt: 'Only one element moves subtly in a seamless loop; the rest of the image is frozen.' },
];

/** Elapsed time as the form and the Generations view show it: "1:23". */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** How many recent prompts the form remembers per workspace. */
export const MAX_RECENT_PROMPTS = 10;

// ---- host -> webview ----
export type HostMessage =
  /** `draft`: what was typed in a form this one replaces (the extension host restarted). */
  | { type: 'init'; images: ImageView[]; defaults: GenerationOptions; jobs: Record<string, JobView>; recentPrompts: string[]; draft?: FormDraft }
  | { type: 'job'; imageUri: string; job: JobView }
  | { type: 'invalid'; errors: FieldErrors; imageErrors?: Record<string, string> }
  | { type: 'recentPrompts'; prompts: string[] };

// ---- webview -> host ----
/** Messages about one image's job carry that image's URI (one of the form's images). */
const IMAGE_ACTIONS = ['openVideo', 'revealVideo', 'copyMarkdownLink', 'saveVideoAs', 'fetch'] as const;
export type ImageAction = (typeof IMAGE_ACTIONS)[number];
export type WebviewMessage =
  | { type: 'ready' }
  /** `prompts`: optional per-image prompts (image URI -> prompt) that replace the shared one. */
  | { type: 'generate'; options: GenerationOptions; prompts?: Record<string, string> }
  /** Without imageUri: every queued or running job of the form. */
  /** `confirmed`: the page asked "Stop waiting?" about a paid video and the person said yes. */
  | { type: 'cancel'; imageUri?: string; confirmed?: true }
  | { type: ImageAction; imageUri: string }
  | { type: 'setApiKey' }
  | ({ type: 'draft' } & FormDraft);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function includes<T>(list: readonly T[], value: unknown): value is T {
  return (list as readonly unknown[]).includes(value);
}

export type Validation = { ok: true; options: GenerationOptions } | { ok: false; errors: FieldErrors };

/**
 * Checks options field by field, with a message per field that says what to do. The webview runs
 * it before sending; the host runs it again, since a message can be forged. With `promptOptional`
 * (every image of a batch has its own prompt) an empty shared prompt is allowed.
 */
export function validateOptions(raw: unknown, promptOptional = false): Validation {
  const errors: FieldErrors = {};
  if (!isRecord(raw)) return { ok: false, errors: { prompt: 'The form sent nothing usable. Reopen the form.' } };
  const prompt = typeof raw.prompt === 'string' ? raw.prompt.trim() : '';
  if (typeof raw.prompt !== 'string' || (prompt === '' && !promptOptional)) {
    errors.prompt = 'Describe what should move, for example "the waves roll in slowly".';
  } else if (prompt.length > MAX_PROMPT_LENGTH) {
    errors.prompt = `The prompt is ${prompt.length} characters; shorten it to ${MAX_PROMPT_LENGTH} or fewer.`;
  }
  if (!includes(LENGTHS, raw.length)) errors.length = 'Choose 5 s or 10 s.';
  if (typeof raw.enhancePrompt !== 'boolean') errors.enhancePrompt = 'Tick or clear "Enhance prompt".';
  if (!includes(MODEL_NAMES, raw.modelName)) errors.modelName = `Choose one of the models: ${MODEL_NAMES.join(', ')}.`;
  if (!includes(ASPECT_RATIOS, raw.aspectRatio)) errors.aspectRatio = 'Choose an aspect ratio from the list.';
  if (!includes(RESOLUTIONS, raw.resolution)) errors.resolution = 'Choose a resolution from the list.';
  if (typeof raw.loop !== 'boolean') errors.loop = 'Tick or clear "Loop".';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    options: {
      prompt,
      length: raw.length as VideoLength,
      enhancePrompt: raw.enhancePrompt as boolean,
      modelName: raw.modelName as ModelName,
      aspectRatio: raw.aspectRatio as AspectRatio,
      resolution: raw.resolution as Resolution,
      loop: raw.loop as boolean,
    },
  };
}

export type BatchValidation =
  | { ok: true; perImage: { imageUri: string; options: GenerationOptions }[] }
  | { ok: false; errors: FieldErrors; imageErrors: Record<string, string> };

/**
 * Checks a generate request for the form's images: the shared options, and each image's own
 * prompt if it has one (which then replaces the shared prompt for that image). Prompts for images
 * that are not in the form are an error, not silently dropped.
 */
export function validateBatch(rawOptions: unknown, rawPrompts: unknown, imageUris: readonly string[]): BatchValidation {
  const imageErrors: Record<string, string> = {};
  const own = new Map<string, string>();
  if (rawPrompts !== undefined && !isRecord(rawPrompts)) return { ok: false, errors: { prompt: 'The form sent per-image prompts it should not have. Reopen the form.' }, imageErrors };
  for (const [uri, value] of Object.entries(rawPrompts ?? {})) {
    if (!imageUris.includes(uri)) return { ok: false, errors: { prompt: 'The form sent a prompt for an image it does not show. Reopen the form.' }, imageErrors };
    const text = typeof value === 'string' ? value.trim() : undefined;
    if (text === undefined) imageErrors[uri] = 'This prompt is not text.';
    else if (text.length > MAX_PROMPT_LENGTH) imageErrors[uri] = `This prompt is ${text.length} characters; shorten it to ${MAX_PROMPT_LENGTH} or fewer.`;
    else if (text) own.set(uri, text);
  }
  const shared = validateOptions(rawOptions, imageUris.length > 0 && imageUris.every((uri) => own.has(uri)));
  if (!shared.ok || Object.keys(imageErrors).length > 0) return { ok: false, errors: shared.ok ? {} : shared.errors, imageErrors };
  return { ok: true, perImage: imageUris.map((imageUri) => ({ imageUri, options: { ...shared.options, prompt: own.get(imageUri) ?? shared.options.prompt } })) };
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
    if ((raw.imageUri !== undefined && typeof raw.imageUri !== 'string') || (raw.confirmed !== undefined && raw.confirmed !== true)) return undefined;
    return { type: 'cancel', ...(typeof raw.imageUri === 'string' ? { imageUri: raw.imageUri } : {}), ...(raw.confirmed ? { confirmed: true as const } : {}) };
  }
  const action = raw.type;
  if (includes(IMAGE_ACTIONS, action)) {
    return keys.length === 2 && typeof raw.imageUri === 'string' ? { type: action, imageUri: raw.imageUri } : undefined;
  }
  if (raw.type === 'draft') return parseDraft(raw);
  if (raw.type === 'generate' && isRecord(raw.options) && (raw.prompts === undefined || isRecord(raw.prompts))) {
    return { type: 'generate', options: raw.options as unknown as GenerationOptions, prompts: raw.prompts as Record<string, string> | undefined };
  }
  return undefined;
}

/**
 * A draft as the webview sent it: known option fields only, each a string, number or boolean (the
 * form judges values when it is sent); prompts as text, at most the form's own limits.
 */
function parseDraft(raw: Record<string, unknown>): WebviewMessage | undefined {
  if (!isRecord(raw.options) || !isRecord(raw.prompts) || typeof raw.advancedOpen !== 'boolean' || typeof raw.perImageOpen !== 'boolean') return undefined;
  const options: Partial<Record<OptionField, unknown>> = {};
  for (const field of ['prompt', 'length', 'enhancePrompt', 'modelName', 'aspectRatio', 'resolution', 'loop'] as const) {
    const value = raw.options[field];
    if (typeof value === 'string') options[field] = value.slice(0, MAX_PROMPT_LENGTH * 2);
    else if (typeof value === 'number' || typeof value === 'boolean') options[field] = value;
  }
  const prompts: Record<string, string> = {};
  for (const [uri, prompt] of Object.entries(raw.prompts).slice(0, 100)) if (typeof prompt === 'string') prompts[uri] = prompt.slice(0, MAX_PROMPT_LENGTH * 2);
  return { type: 'draft', options, prompts, advancedOpen: raw.advancedOpen, perImageOpen: raw.perImageOpen };
}

/** Settings may hold anything; the form starts from the nearest allowed value. */
export function coerceDefaults(raw: Partial<Record<OptionField, unknown>>): GenerationOptions {
  return {
    prompt: typeof raw.prompt === 'string' ? raw.prompt : '',
    length: includes(LENGTHS, raw.length) ? raw.length : 5,
    enhancePrompt: typeof raw.enhancePrompt === 'boolean' ? raw.enhancePrompt : true,
    modelName: includes(MODEL_NAMES, raw.modelName) ? raw.modelName : 'ray-v2',
    aspectRatio: includes(ASPECT_RATIOS, raw.aspectRatio) ? raw.aspectRatio : '',
    resolution: includes(RESOLUTIONS, raw.resolution) ? raw.resolution : '',
    loop: typeof raw.loop === 'boolean' ? raw.loop : false,
  };
}
