// What the form sends for an image: the file as it is, or a copy the form converts (a format the
// service does not take, a file over its size limit, or more pixels than the video can use).
// Decided from what the host read of the file and the size the webview decoded. Imported by the
// host and bundled into the webview, so it imports nothing outside shared/.
import { formatBytes } from './format';
import { l10n } from './l10n';

/** The formats 1min.ai takes, as their MIME types. */
export const SENDABLE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type SendableType = (typeof SENDABLE_TYPES)[number];

/**
 * The longest side a sent image keeps. Luma renders at most 1080p here (1920 × 1080 either way
 * round), so the video never uses more; 2048 leaves a margin for the service's own crop to the
 * video's aspect ratio.
 */
export const MAX_SENT_SIDE = 2048;

/** What the host read of an image file: its format by its bytes, its size, and its longest side when the header says. */
export interface ImageFacts {
  /** 'PNG', 'JPEG', 'WebP', 'GIF', 'BMP', 'AVIF', …; undefined when the bytes are no image known. */
  format?: string;
  /** The format is one 1min.ai takes. */
  sendable: boolean;
  bytes: number;
  /** Width or height, whichever is larger (the same upright or not); undefined when unknown. */
  longSide?: number;
}

/** What decides a conversion, besides the file: the settings, as the host read them for this form. */
export interface ImageLimits {
  maxBytes: number;
  /** `lumaVideo.shrinkLargeImages`: scale down images within the limit whose long side is over MAX_SENT_SIDE. */
  shrinkLarge: boolean;
}

/** Why a copy is sent instead of the file. */
export type ConvertReason = 'format' | 'size' | 'pixels';

/**
 * Why the form must (or, by the setting, should) send a copy; undefined: the file goes as it is.
 * 'unknown': only the decoded picture can tell (its header gave no size).
 */
export function convertReason(facts: ImageFacts, limits: ImageLimits): ConvertReason | 'unknown' | undefined {
  // Not an image by its bytes: nothing to convert; the check before sending refuses it.
  if (!facts.sendable) return facts.format ? 'format' : undefined;
  if (facts.bytes > limits.maxBytes) return 'size';
  if (!limits.shrinkLarge) return undefined;
  if (facts.longSide === undefined) return 'unknown';
  return facts.longSide > MAX_SENT_SIDE ? 'pixels' : undefined;
}

/** The size a picture of `width` × `height` is sent at: the same shape, its long side at most MAX_SENT_SIDE (and `scale`). */
export function sentSize(width: number, height: number, scale = 1): { width: number; height: number } {
  const factor = Math.min(1, MAX_SENT_SIDE / Math.max(width, height, 1)) * scale;
  return { width: Math.max(1, Math.round(width * factor)), height: Math.max(1, Math.round(height * factor)) };
}

/** A copy the form made: what it sends instead of the file. */
export interface PreparedImage {
  bytes: Uint8Array;
  mimeType: SendableType;
  width: number;
  height: number;
}

const FORMAT_NAMES: Record<SendableType, string> = { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/webp': 'WebP' };

/** "sent as JPEG, 2048 × 1536, 1.4 MB" */
export function sentAsText(image: { mimeType: SendableType; width: number; height: number; bytes: number }): string {
  return l10n.t('sent as {0}, {1} × {2}, {3}', FORMAT_NAMES[image.mimeType], image.width, image.height, formatBytes(image.bytes));
}

/** Why the form sends a copy, in words: shown before "sent as …". */
export function reasonText(reason: ConvertReason, facts: ImageFacts, limits: ImageLimits): string {
  if (reason === 'format') return l10n.t('1min.ai does not take {0} images', facts.format ?? '?');
  if (reason === 'size') return l10n.t('{0} is over the {1} limit', formatBytes(facts.bytes), formatBytes(limits.maxBytes));
  return l10n.t('More pixels than the video can use');
}
