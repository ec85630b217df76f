// Request bodies: reading one up to a cap, and parsing multipart/form-data as the service's
// upload endpoint (multer) does.

import type * as http from 'node:http';

export interface Body {
  data: Buffer;
  /** More than the cap arrived; the excess was read and dropped, not kept. */
  overflow: boolean;
}

/** Reads a request body keeping at most `cap` bytes; the rest is drained so the client can finish sending. */
export function readBody(req: http.IncomingMessage, cap: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    // With a declared length that fits, the body is copied once into a buffer of that size rather
    // than gathered and joined: a 10 MB upload would otherwise leave twice its size to collect.
    const declared = Number(req.headers['content-length']);
    const sized = Number.isInteger(declared) && declared > 0 && declared <= cap ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let kept = 0;
    let overflow = false;
    req.on('data', (chunk: Buffer) => {
      if (overflow) return;
      if (kept + chunk.length > cap) {
        overflow = true;
        chunks.length = 0;
        return;
      }
      // Node's parser delivers exactly Content-Length bytes, so a sized buffer never overflows.
      if (sized) chunk.copy(sized, kept);
      else chunks.push(chunk);
      kept += chunk.length;
    });
    req.on('end', () => resolve({ data: sized ? sized.subarray(0, kept) : Buffer.concat(chunks), overflow }));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

export function drain(req: http.IncomingMessage): Promise<void> {
  return readBody(req, 0).then(
    () => undefined,
    () => undefined,
  );
}

export interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export class MultipartError extends Error {}

export function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Parameters of a header such as `form-data; name="asset"; filename="a.png"`. */
function headerParams(value: string): Record<string, string> {
  const params: Record<string, string> = {};
  const re = /;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    let v = m[2].trim();
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params[m[1].toLowerCase()] = v;
  }
  // RFC 5987 form (filename*=UTF-8''...) wins over the plain one when both are sent.
  const star = params['filename*'];
  if (star !== undefined) {
    const m = /^([^']*)'[^']*'(.*)$/.exec(star);
    try {
      params.filename = m ? decodeURIComponent(m[2]) : star;
    } catch {
      params.filename = star;
    }
  }
  return params;
}

export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const between = Buffer.from(`\r\n--${boundary}`);
  const first = body.indexOf(delimiter);
  if (first < 0) throw new MultipartError('the body does not contain the boundary named in Content-Type');
  const parts: Part[] = [];
  let pos = first + delimiter.length;
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // "--": closing delimiter
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++; // transport padding
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new MultipartError('a boundary line is not followed by CRLF');
    pos += 2;
    let headerText = '';
    let dataStart: number;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) {
      dataStart = pos + 2; // a part with no headers at all
    } else {
      const headerEnd = body.indexOf('\r\n\r\n', pos);
      if (headerEnd < 0) throw new MultipartError('a part has no end of headers');
      headerText = body.toString('utf8', pos, headerEnd);
      dataStart = headerEnd + 4;
    }
    const dataEnd = body.indexOf(between, dataStart);
    if (dataEnd < 0) throw new MultipartError('the body ends before the closing boundary');
    const headers: Record<string, string> = {};
    for (const line of headerText.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const disposition = headers['content-disposition'];
    if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) {
      throw new MultipartError('a part has no "Content-Disposition: form-data" header');
    }
    const params = headerParams(disposition);
    if (params.name === undefined) throw new MultipartError('a part has no name in Content-Disposition');
    parts.push({
      name: params.name,
      filename: params.filename,
      contentType: headers['content-type']?.split(';')[0].trim().toLowerCase(),
      data: body.subarray(dataStart, dataEnd),
    });
    pos = dataEnd + between.length;
  }
}
