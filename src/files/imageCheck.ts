// What an image is by its bytes (not its name), and whether the service will take it.
import { formatBytes } from '../shared/format';
import { type ImageFacts, type PreparedImage, SENDABLE_TYPES, type SendableType } from '../shared/imagePlan';
import { l10n } from '../shared/l10n';
import { LumaError } from '../util/lumaError';

/** The extensions the menus and the picker offer: what 1min.ai takes, and what the form converts for it. */
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp', 'avif'] as const;
export const DEFAULT_MAX_IMAGE_BYTES = 10 * 1024 * 1024;

type Detected = { format: string; mimeType?: string };

function startsWith(bytes: Uint8Array, signature: number[], offset = 0): boolean {
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The format named by the file's first bytes; mimeType only for the ones the service accepts. */
function detectImageFormat(bytes: Uint8Array): Detected | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { format: 'PNG', mimeType: 'image/png' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { format: 'JPEG', mimeType: 'image/jpeg' };
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return { format: 'WebP', mimeType: 'image/webp' };
  if (startsWith(bytes, ascii('GIF8'))) return { format: 'GIF' };
  if (startsWith(bytes, ascii('BM'))) return { format: 'BMP' };
  if (startsWith(bytes, ascii('ftyp'), 4)) {
    const brands = ftypBrands(bytes);
    if (brands.some((brand) => brand === 'avif' || brand === 'avis')) return { format: 'AVIF' };
    if (brands.some((brand) => /^(heic|heix|hevc|heim|heis|mif1)$/.test(brand))) return { format: 'HEIC' };
  }
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return { format: 'TIFF' };
  return undefined;
}

/** The major and compatible brands of an ISO media file's `ftyp` box (AVIF and HEIC share the box). */
function ftypBrands(bytes: Uint8Array): string[] {
  const size = Math.min(bytes.length, ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0, 256);
  const brands = [String.fromCharCode(...bytes.slice(8, 12))];
  for (let at = 16; at + 4 <= size; at += 4) brands.push(String.fromCharCode(...bytes.slice(at, at + 4)));
  return brands;
}

/** How many first bytes `imageFacts` reads: a JPEG's frame size can come after 64 KB segments of camera data. */
export const HEAD_BYTES = 256 * 1024;

/** What the form needs to know of a file before it decides whether to convert it, from its first bytes and its size. */
export function imageFacts(head: Uint8Array, size: number): ImageFacts {
  const detected = detectImageFormat(head);
  const sendable = detected?.mimeType !== undefined;
  const dimensions = sendable ? imageDimensions(head) : undefined;
  return {
    ...(detected ? { format: detected.format } : {}),
    sendable,
    bytes: size,
    ...(dimensions ? { longSide: Math.max(dimensions.width, dimensions.height) } : {}),
  };
}

/** Checks an image before anything is sent; returns its MIME type or throws a LumaError('input'). */
export function checkImage(bytes: Uint8Array, fileName: string, maxBytes = DEFAULT_MAX_IMAGE_BYTES): string {
  if (bytes.byteLength === 0) throw new LumaError('input', l10n.t('{0} is empty. Choose an image with content.', fileName));
  const detected = detectImageFormat(bytes);
  if (!detected)
    throw new LumaError(
      'input',
      l10n.t('{0} is not an image (its content is not PNG, JPEG or WebP, whatever its name says). ' + 'Choose a real image.', fileName),
    );
  if (!detected.mimeType) {
    throw new LumaError(
      'input',
      l10n.t(
        '{0} is a {1} image; 1min.ai takes PNG, JPEG and WebP only. Convert it (for example to ' + 'PNG) and try again.',
        fileName,
        detected.format,
      ),
    );
  }
  if (bytes.byteLength > maxBytes) {
    throw new LumaError(
      'input',
      l10n.t(
        '{0} is {1}; 1min.ai takes images up to {2}. Resize or compress it and try again.',
        fileName,
        formatBytes(bytes.byteLength),
        formatBytes(maxBytes),
      ),
    );
  }
  return detected.mimeType;
}

/**
 * Checks a copy the form made of `fileName` (the webview's bytes are trusted no more than a file):
 * an image 1min.ai takes by its bytes, within the size limit, and of the size its header says.
 */
export function checkPrepared(bytes: Uint8Array, fileName: string, maxBytes: number): PreparedImage {
  const mimeType = checkImage(bytes, fileName, maxBytes);
  const size = imageDimensions(bytes);
  if (!includesType(mimeType) || !size)
    throw new LumaError('input', l10n.t('The converted copy of {0} is not a readable image. Close the form and open it again.', fileName));
  return { bytes, mimeType, ...size };
}

const includesType = (type: string): type is SendableType => (SENDABLE_TYPES as readonly string[]).includes(type);

const u16be = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const u16le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u24le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);
const u32be = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/** Width and height from a PNG, JPEG or WebP header; undefined when it cannot be read. */
export function imageDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  const sized = (width: number, height: number) => (width > 0 && height > 0 ? { width, height } : undefined);
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47]) && bytes.length >= 24) return sized(u32be(bytes, 16), u32be(bytes, 20));
  if (startsWith(bytes, [0xff, 0xd8])) return jpegDimensions(bytes);
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8) && bytes.length >= 30) {
    if (startsWith(bytes, ascii('VP8X'), 12)) return sized(u24le(bytes, 24) + 1, u24le(bytes, 27) + 1);
    if (startsWith(bytes, ascii('VP8 '), 12)) return sized(u16le(bytes, 26) & 0x3fff, u16le(bytes, 28) & 0x3fff);
    if (startsWith(bytes, ascii('VP8L'), 12) && bytes[20] === 0x2f) {
      const bits = (bytes[21] | (bytes[22] << 8) | (bytes[23] << 16) | (bytes[24] << 24)) >>> 0;
      return sized((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    }
  }
  return undefined;
}

/** The frame size of a JPEG: the first start-of-frame marker's, walking the segments before it. */
function jpegDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = u16be(bytes, at + 5);
      const width = u16be(bytes, at + 7);
      return width > 0 && height > 0 ? { width, height } : undefined;
    }
    at += 2 + u16be(bytes, at + 2);
  }
  return undefined;
}

/** One image of a Generate: its URI and name, and what the host read of its file now (undefined: unreadable). */
export interface SentImage {
  uri: string;
  name: string;
  facts: ImageFacts | undefined;
}

/**
 * What a Generate sends for each image, checked before anything goes out: the form's copy where it
 * made one (an image 1min.ai takes, within the limit), else the file, which must then be one as it
 * is. A copy for an image not in the Generate is refused as a whole: no form sends one.
 */
export function checkSentImages(
  images: readonly SentImage[],
  prepared: Record<string, Uint8Array> | undefined,
  maxBytes: number,
): { ok: true; copies: Record<string, PreparedImage> } | { ok: false; errors: Record<string, string> } {
  const copies: Record<string, PreparedImage> = {};
  const errors: Record<string, string> = {};
  for (const uri of Object.keys(prepared ?? {}))
    if (!images.some((image) => image.uri === uri)) errors[uri] = l10n.t('This image is not in the form.');
  for (const { uri, name, facts } of images) {
    const copy = prepared?.[uri];
    try {
      if (copy) copies[uri] = checkPrepared(copy, name, maxBytes);
      else if (facts && !facts.sendable && facts.format)
        errors[uri] = l10n.t(
          '{0} is a {1} image, which 1min.ai does not take, and it could not be converted here. ' +
            'Convert it (for example to PNG) and try again.',
          name,
          facts.format,
        );
      else if (facts && facts.sendable && facts.bytes > maxBytes)
        errors[uri] = l10n.t(
          '{0} is {1}, over the {2} limit, and it could not be made smaller here. Resize or compress it and try again.',
          name,
          formatBytes(facts.bytes),
          formatBytes(maxBytes),
        );
    } catch (error) {
      errors[uri] = error instanceof LumaError ? error.message : String(error);
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, copies };
}
