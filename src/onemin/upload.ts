// POST /api/assets: the image goes up as one multipart field, and the answer says under which key
// the generation request may refer to it.
import { l10n } from '../shared/l10n';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { isRecord } from '../shared/options';
import { LumaError } from '../util/lumaError';
import type { ApiHost } from './http';

/** POST /api/assets with the image as field `asset`; returns the key to send on. */
export async function uploadImage(
  api: ApiHost,
  deadlineMs: number,
  image: { bytes: Uint8Array; fileName: string; mimeType: string },
  signal?: AbortSignal,
): Promise<string> {
  const multipart = multipartBody('asset', image.fileName, image.mimeType, image.bytes);
  const body = await api.call({
    during: 'uploading the image',
    deadlineMs,
    signal,
    send: (limit) =>
      api.http.post('/api/assets', multipart.stream(), {
        signal: limit,
        headers: { 'Content-Type': multipart.contentType, 'Content-Length': String(multipart.length) },
      }),
  });
  // Two shapes seen in the wild: the older {fileContent: {path}} and the newer {asset: {key}}.
  const reply = isRecord(body) ? body : {};
  const path = [property(reply.fileContent, 'path'), property(reply.asset, 'key')].find(
    (value) => typeof value === 'string' && value.trim() !== '',
  );
  if (typeof path !== 'string') {
    throw new LumaError('protocol', l10n.t('1min.ai accepted the upload but did not say where the image is. Try again.'), {
      detail: JSON.stringify(body).slice(0, 300),
    });
  }
  return path;
}

/** `value[key]` when the value is an object (an array included, as before), else undefined. */
function property(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * One multipart/form-data body with a single file field. The image is streamed as it is, between
 * a header and a trailer, rather than copied into one more buffer: for a 10 MB image that copy
 * (and the garbage it leaves) costs more than the rest of the request. `stream()` gives a fresh
 * stream for each attempt.
 */
function multipartBody(
  field: string,
  fileName: string,
  mimeType: string,
  bytes: Uint8Array,
): { stream(): Readable; length: number; contentType: string } {
  const boundary = `----LumaImageToVideo${randomBytes(12).toString('hex')}`;
  // Quotes and line breaks in a file name would break the header; the service only keeps it for display.
  const safeName = fileName.replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${safeName}"\r\nContent-Type: ${mimeType}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  return {
    stream: () => Readable.from([head, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), tail], { objectMode: false }),
    length: head.length + bytes.byteLength + tail.length,
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
