// What an image is by its bytes (not its name), and whether the service will take it.
import { l10n } from '../shared/l10n';
import { LumaError } from '../util/lumaError';

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp'] as const;
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
  if (startsWith(bytes, ascii('ftyp'), 4) && /^(heic|heix|mif1|avif|hevc)/.test(String.fromCharCode(...bytes.slice(8, 12))))
    return { format: 'HEIC/AVIF' };
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return { format: 'TIFF' };
  return undefined;
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
        formatSize(bytes.byteLength),
        formatSize(maxBytes),
      ),
    );
  }
  return detected.mimeType;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}
