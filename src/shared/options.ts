// The options a generation takes: the lists the form offers, the defaults, the presets, and the
// checks both sides run on them. Imported by the host and bundled into the webview, so it
// imports nothing outside shared/.
import { l10n } from './l10n';

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

/**
 * Ready-made motion prompts the form offers; picking one fills the prompt, which stays editable.
 * The labels are translated; the prompts stay English, the language the video models follow best.
 */
export const motionPresets = (): readonly { label: string; prompt: string }[] => [
  { label: l10n.t('Slow zoom in'), prompt: 'The camera slowly zooms in toward the center, smooth and steady.' },
  { label: l10n.t('Slow zoom out'), prompt: 'The camera slowly pulls back to reveal more of the scene.' },
  { label: l10n.t('Orbit'), prompt: 'The camera orbits slowly around the subject, keeping it centered.' },
  { label: l10n.t('Parallax'), prompt: 'Gentle parallax: the foreground drifts sideways faster than the background, giving depth.' },
  { label: l10n.t('Drifting clouds'), prompt: 'Clouds drift slowly across the sky; everything else stays still.' },
  { label: l10n.t('Waves'), prompt: 'Waves roll in and break gently on the shore, water shimmering.' },
  { label: l10n.t('Wind in the trees'), prompt: 'A light breeze moves the leaves and grass; soft natural motion.' },
  { label: l10n.t('Cinemagraph'), prompt: 'Only one element moves subtly in a seamless loop; the rest of the image is frozen.' },
];

/** How many recent prompts the form remembers per workspace. */
export const MAX_RECENT_PROMPTS = 10;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function includes<T>(list: readonly T[], value: unknown): value is T {
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
  if (!isRecord(raw)) return { ok: false, errors: { prompt: l10n.t('The form sent nothing usable. Reopen the form.') } };
  const prompt = typeof raw.prompt === 'string' ? raw.prompt.trim() : '';
  if (typeof raw.prompt !== 'string' || (prompt === '' && !promptOptional)) {
    errors.prompt = l10n.t('Describe what should move, for example "the waves roll in slowly".');
  } else if (prompt.length > MAX_PROMPT_LENGTH) {
    errors.prompt = l10n.t('The prompt is {0} characters; shorten it to {1} or fewer.', prompt.length, MAX_PROMPT_LENGTH);
  }
  if (!includes(LENGTHS, raw.length)) errors.length = l10n.t('Choose 5 s or 10 s.');
  if (typeof raw.enhancePrompt !== 'boolean') errors.enhancePrompt = l10n.t('Tick or clear "Enhance prompt".');
  if (!includes(MODEL_NAMES, raw.modelName)) errors.modelName = l10n.t('Choose one of the models: {0}.', MODEL_NAMES.join(', '));
  if (!includes(ASPECT_RATIOS, raw.aspectRatio)) errors.aspectRatio = l10n.t('Choose an aspect ratio from the list.');
  if (!includes(RESOLUTIONS, raw.resolution)) errors.resolution = l10n.t('Choose a resolution from the list.');
  if (typeof raw.loop !== 'boolean') errors.loop = l10n.t('Tick or clear "Loop".');
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
  if (rawPrompts !== undefined && !isRecord(rawPrompts))
    return { ok: false, errors: { prompt: l10n.t('The form sent per-image prompts it should not have. Reopen the form.') }, imageErrors };
  for (const [uri, value] of Object.entries(rawPrompts ?? {})) {
    if (!imageUris.includes(uri))
      return {
        ok: false,
        errors: { prompt: l10n.t('The form sent a prompt for an image it does not show. Reopen the form.') },
        imageErrors,
      };
    const text = typeof value === 'string' ? value.trim() : undefined;
    if (text === undefined) imageErrors[uri] = l10n.t('This prompt is not text.');
    else if (text.length > MAX_PROMPT_LENGTH)
      imageErrors[uri] = l10n.t('This prompt is {0} characters; shorten it to {1} or fewer.', text.length, MAX_PROMPT_LENGTH);
    else if (text) own.set(uri, text);
  }
  const shared = validateOptions(rawOptions, imageUris.length > 0 && imageUris.every((uri) => own.has(uri)));
  if (!shared.ok || Object.keys(imageErrors).length > 0) return { ok: false, errors: shared.ok ? {} : shared.errors, imageErrors };
  return {
    ok: true,
    perImage: imageUris.map((imageUri) => ({
      imageUri,
      options: { ...shared.options, prompt: own.get(imageUri) ?? shared.options.prompt },
    })),
  };
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
