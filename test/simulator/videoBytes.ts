// The video every job serves: the committed sample file, or a generated body of any size for
// benchmarks, read a range at a time.

import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import type { ResolvedOptions } from './config';

// Generated video bodies: an ftyp box (so anything sniffing the file sees an MP4) then a byte
// pattern, produced chunk by chunk so even gigabytes never sit in memory.

const FTYP = Buffer.concat([
  Buffer.from([0, 0, 0, 0x20]),
  Buffer.from('ftypisom', 'latin1'),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from('isomiso2avc1mp41', 'latin1'),
]);
export const CHUNK = 64 * 1024;
const PATTERN = Buffer.alloc(CHUNK + 256, 0);
for (let i = 0; i < PATTERN.length; i++) PATTERN[i] = i & 0xff;

export function* generatedBytes(start: number, end: number): Generator<Buffer> {
  for (let offset = start; offset <= end;) {
    const n = Math.min(CHUNK, end - offset + 1);
    let chunk = PATTERN.subarray(offset & 0xff, (offset & 0xff) + n);
    if (offset < FTYP.length) {
      chunk = Buffer.from(chunk);
      FTYP.copy(chunk, 0, offset, Math.min(FTYP.length, offset + n));
    }
    yield chunk;
    offset += n;
  }
}

/** The video every job serves: its size, validators, and its bytes from `start` to `end` inclusive. */
export interface VideoBody {
  size: number;
  etag: string;
  modified: Date;
  read(start: number, end: number): Readable;
}

export function bytesStream(chunks: Iterable<Buffer>): Readable {
  return Readable.from(chunks, { objectMode: false });
}

/** `bytes` zero bytes, a shared chunk at a time: a gzip bomb's payload, never held in memory. */
export function* zeros(bytes: number): Generator<Buffer> {
  const chunk = Buffer.alloc(CHUNK);
  for (let left = bytes; left > 0; left -= CHUNK) yield left >= CHUNK ? chunk : chunk.subarray(0, left);
}

/** The video of `opts`: a generated body of videoSizeBytes, or the file at videoPath. */
export async function loadVideo(opts: Pick<ResolvedOptions, 'videoPath' | 'videoSizeBytes'>): Promise<VideoBody> {
  const generated = opts.videoSizeBytes;
  if (generated !== undefined) {
    return {
      size: generated,
      etag: `"gen-${generated.toString(16)}"`,
      modified: new Date(0),
      read: (start, end) => bytesStream(generatedBytes(start, end)),
    };
  }
  const file = opts.videoPath;
  const stat = await fs.promises.stat(file);
  return {
    size: stat.size,
    etag: `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`,
    modified: stat.mtime,
    read: (start, end) => (end < start ? bytesStream([]) : fs.createReadStream(file, { start, end })),
  };
}
