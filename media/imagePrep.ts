// What the form sends for each image, worked out as soon as it is shown: the file as it is, or a
// copy this page makes (decoded by the browser engine, scaled, encoded as PNG, JPEG or WebP) when
// 1min.ai would not take the file or the video cannot use its pixels. Each image says so next to
// it before Generate; the host checks every copy again. The person's file is never changed.
import { l10n } from '../src/shared/l10n';
import {
  convertReason,
  MAX_SENT_SIDE,
  reasonText,
  sentAsText,
  sentSize,
  type ConvertReason,
  type ImageFacts,
  type ImageLimits,
  type SendableType,
} from '../src/shared/imagePlan';
import type { ImageBytesReply, ImageView } from '../src/shared/messages';
import type { JobsView } from './jobs';

/** What an image's row says about what is sent; `problem`: it cannot be sent as things are. */
export interface SendNote {
  text: string;
  problem?: boolean;
}

/** A copy made in this page. */
export interface Converted {
  bytes: Uint8Array;
  mimeType: SendableType;
  width: number;
  height: number;
}

/** Turns a file's bytes into the copy to send; undefined when, decoded, it needs none (small enough after all). */
export type Convert = (
  bytes: Uint8Array,
  reason: ConvertReason | 'unknown',
  facts: ImageFacts,
  limits: ImageLimits,
) => Promise<Converted | undefined>;

/** What is sent for the image, under it: a copy and why, or why it cannot go. */
export function showSendNote(line: HTMLElement, note: SendNote | undefined): void {
  line.textContent = note?.text ?? '';
  line.hidden = !note;
  line.classList.toggle('problem', note?.problem === true);
  if (note?.problem) line.setAttribute('role', 'alert');
  else line.removeAttribute('role');
}

/** What each image's row says about what is sent, kept so that a new layout shows it too. */
export function createSendNotes(layout: () => JobsView | undefined) {
  const notes: Record<string, SendNote | undefined> = {};
  /** Said before what is sent, until the next Generate goes (why the last one did not). */
  const before: Record<string, string> = {};
  return {
    set(imageUri: string, note: SendNote | undefined): void {
      const prefix = before[imageUri];
      notes[imageUri] = prefix ? { ...note, text: note ? `${prefix} ${note.text}` : prefix } : note;
      layout()?.sendNote(imageUri, notes[imageUri]);
    },
    /** `text` stays in front of the image's note until `clearReasons`. */
    explain(imageUri: string, text: string): void {
      before[imageUri] = text;
      this.set(imageUri, undefined);
    },
    clearReasons(): void {
      for (const uri of Object.keys(before)) delete before[uri];
    },
    showIn(view: JobsView, images: readonly ImageView[]): void {
      for (const image of images) view.sendNote(image.uri, notes[image.uri]);
    },
  };
}

export interface ImagePreparer {
  /** Works out what to send for these images (again after the host's init), one conversion at a time. */
  start(images: readonly ImageView[], limits: ImageLimits | undefined): void;
  /** The copies made, by image URI, once every conversion started has ended. */
  copies(): Promise<Record<string, Uint8Array>>;
  /** The copies made, when no conversion is still going (then a Generate goes at once). */
  copiesNow(): Record<string, Uint8Array> | undefined;
}

export function createImagePreparer(
  fetchBytes: (imageUri: string) => Promise<ImageBytesReply>,
  show: (imageUri: string, note: SendNote | undefined) => void,
  convert: Convert = convertInPage,
): ImagePreparer {
  let made: Record<string, Uint8Array> = {};
  let done: Promise<void> = Promise.resolve();
  let generation = 0;
  let working = false;
  return {
    start(images, limits) {
      const mine = ++generation;
      made = {};
      const current = made;
      const todo: { image: ImageView; facts: ImageFacts; limits: ImageLimits; reason: ConvertReason | 'unknown' }[] = [];
      for (const image of images) {
        const reason = image.file && limits ? convertReason(image.file, limits) : undefined;
        if (reason && image.file && limits) todo.push({ image, facts: image.file, limits, reason });
        else show(image.uri, undefined);
      }
      working = todo.length > 0;
      done = (async () => {
        for (const { image, facts, limits: within, reason } of todo) {
          if (mine !== generation) return;
          const note = await prepare(image, facts, within, reason, current);
          if (mine === generation) show(image.uri, note);
        }
      })().finally(() => {
        if (mine === generation) working = false;
      });
    },
    async copies() {
      await done;
      return { ...made };
    },
    copiesNow: () => (working ? undefined : { ...made }),
  };

  async function prepare(
    image: ImageView,
    facts: ImageFacts,
    limits: ImageLimits,
    reason: ConvertReason | 'unknown',
    into: Record<string, Uint8Array>,
  ): Promise<SendNote | undefined> {
    if (reason !== 'unknown') show(image.uri, { text: l10n.t('Preparing the image to send…') });
    let copy: Converted | undefined;
    try {
      const reply = await fetchBytes(image.uri);
      if (reply.status !== 'ok') throw new Error('unreadable');
      const started = performance.now();
      copy = await convert(reply.bytes, reason, facts, limits);
      // For the benchmark (convert_ms), read in the page: how long the conversion took.
      performance.measure?.('luma-convert', { start: started, end: performance.now() });
    } catch {
      // A picture the video could use as it is goes as it is; one 1min.ai would refuse cannot go.
      if (reason === 'pixels' || reason === 'unknown') return undefined;
      const why = reasonText(reason, facts, limits);
      return {
        text:
          reason === 'size'
            ? l10n.t('{0}, and it could not be made smaller here. Resize or compress it and try again.', why)
            : l10n.t('{0}, and it could not be converted here. Convert it (for example to PNG) and try again.', why),
        problem: true,
      };
    }
    if (!copy) return undefined;
    into[image.uri] = copy.bytes;
    const why = reasonText(reason === 'unknown' ? 'pixels' : reason, facts, limits);
    return {
      text: l10n.t('{0}: {1}. Your file is not changed.', why, sentAsText({ ...copy, bytes: copy.bytes.byteLength })),
    };
  }
}

/** The images with what the host now says of the files that changed (null: unreadable, so no facts). */
export function withFacts(images: readonly ImageView[], changed: Record<string, ImageFacts | null>): ImageView[] {
  return images.map((image) => {
    if (!(image.uri in changed)) return image;
    const file = changed[image.uri];
    return file ? { ...image, file } : { name: image.name, uri: image.uri, src: image.src };
  });
}

/** Encoder quality for JPEG and WebP: no visible loss, a fraction of the size. */
const QUALITY = 0.9;

/**
 * The browser engine's own decoders and encoders: turned upright by its EXIF orientation, scaled
 * to at most MAX_SENT_SIDE on its long side, PNG where it has transparency (WebP if that PNG is over
 * the limit), JPEG otherwise; smaller again while over the limit.
 */
export async function convertInPage(
  bytes: Uint8Array,
  reason: ConvertReason | 'unknown',
  _facts: ImageFacts,
  limits: ImageLimits,
): Promise<Converted | undefined> {
  const bitmap = await createImageBitmap(new Blob([bytes as BlobPart]), { imageOrientation: 'from-image' });
  try {
    if (reason === 'unknown' && Math.max(bitmap.width, bitmap.height) <= MAX_SENT_SIDE) return undefined;
    let scale = 1;
    for (let attempt = 0; attempt < 6; attempt++) {
      const size = sentSize(bitmap.width, bitmap.height, scale);
      const canvas = new OffscreenCanvas(size.width, size.height);
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no 2d context');
      context.imageSmoothingQuality = 'high';
      context.drawImage(bitmap, 0, 0, size.width, size.height);
      const transparent = hasTransparency(context.getImageData(0, 0, size.width, size.height).data);
      let blob = await canvas.convertToBlob(transparent ? { type: 'image/png' } : { type: 'image/jpeg', quality: QUALITY });
      if (transparent && blob.size > limits.maxBytes) blob = await canvas.convertToBlob({ type: 'image/webp', quality: QUALITY });
      if (blob.size <= limits.maxBytes) {
        const mimeType = blob.type as SendableType;
        return { bytes: new Uint8Array(await blob.arrayBuffer()), mimeType, ...size };
      }
      // Bytes grow with the area: shrink the sides by the square root of the excess, and a little more.
      scale *= Math.sqrt(limits.maxBytes / blob.size) * 0.9;
    }
    throw new Error('still over the limit');
  } finally {
    bitmap.close();
  }
}

function hasTransparency(pixels: Uint8ClampedArray): boolean {
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] < 255) return true;
  return false;
}
