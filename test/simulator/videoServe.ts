// How storage sends a video: whole, by byte range, gzip-encoded, cut short, overlong or endless.

import type * as http from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import type { Core } from './core';
import { s3Error } from './errorBodies';
import { drained, type Ctx } from './reply';
import { loadVideo } from './videoBytes';

/** Streams a body with no Content-Length (chunked), through `encoder` when given, until done or the client leaves. */
export function streamVideo(core: Core, ctx: Ctx, headers: http.OutgoingHttpHeaders, source: Readable, encoder?: zlib.Gzip): void {
  if (!core.reply.head(ctx, 200, headers)) return;
  if (encoder) pipeline(source, encoder, ctx.res, () => undefined);
  else pipeline(source, ctx.res, () => undefined);
}

/** The video gzip-encoded, as S3 serves an object stored with Content-Encoding: gzip. */
export async function serveGzip(core: Core, ctx: Ctx, chunked: boolean): Promise<void> {
  const video = await loadVideo(core.opts);
  const headers = { 'Content-Type': 'video/mp4', 'Content-Encoding': 'gzip' };
  if (chunked) return streamVideo(core, ctx, headers, video.read(0, video.size - 1), zlib.createGzip());
  const chunks: Buffer[] = [];
  for await (const chunk of video.read(0, video.size - 1)) chunks.push(chunk);
  const body = zlib.gzipSync(Buffer.concat(chunks));
  if (core.reply.head(ctx, 200, { ...headers, 'Content-Length': body.length })) ctx.res.end(body);
}

/**
 * The video under its true Content-Length, then more bytes in the same write as its tail.
 * Written on the socket by hand: Node's server refuses to send more than it announced.
 */
export async function serveOverlong(core: Core, ctx: Ctx, extraBytes: number): Promise<void> {
  const video = await loadVideo(core.opts);
  const socket = ctx.req.socket;
  ctx.seen.status = 200;
  socket.write(`HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: ${video.size}\r\n\r\n`);
  // The headers in a read of their own, as over any real network, before the body.
  await core.timers.sleep(20);
  let previous: Buffer | undefined;
  for await (const chunk of video.read(0, video.size - 1)) {
    if (previous && !socket.write(previous)) await drained(socket);
    if (socket.destroyed) return;
    previous = chunk;
  }
  socket.write(Buffer.concat([previous ?? Buffer.alloc(0), Buffer.alloc(extraBytes, 0x41)]));
  socket.destroySoon();
}

export async function serveVideo(core: Core, ctx: Ctx, cutHalfway: boolean): Promise<void> {
  const { req, res } = ctx;
  const video = await loadVideo(core.opts);
  const { size, etag, modified } = video;
  let start = 0;
  let end = size - 1;
  let status = 200;
  const headers: http.OutgoingHttpHeaders = {
    'Content-Type': 'video/mp4',
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Last-Modified': modified.toUTCString(),
  };
  const range = req.headers.range;
  if (range !== undefined && !cutHalfway) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (m && (m[1] !== '' || m[2] !== '')) {
      if (m[1] === '') {
        start = Math.max(0, size - Number(m[2]));
      } else {
        start = Number(m[1]);
        if (m[2] !== '') end = Math.min(end, Number(m[2]));
      }
      if (start >= size || start > end) {
        return core.reply.write(
          ctx,
          416,
          s3Error('InvalidRange', 'The requested range is not satisfiable', { RangeRequested: range, ActualObjectSize: String(size) }),
          {
            'Content-Range': `bytes */${size}`,
          },
        );
      }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    }
  }
  const length = end - start + 1;
  if (req.method === 'HEAD') {
    if (core.reply.head(ctx, status, { ...headers, 'Content-Length': length })) res.end();
    return;
  }
  if (cutHalfway) {
    // Full length announced, half of it sent, then the connection drops.
    return core.reply.cut(ctx, video.read(0, Math.floor(length / 2) - 1), length, headers);
  }
  if (!core.reply.head(ctx, status, { ...headers, 'Content-Length': length })) return;
  if (length === 0) return void res.end();
  if (ctx.drip) return void core.reply.dripOut(ctx, video.read(start, end));
  pipeline(video.read(start, end), res, () => undefined); // errors just end the transfer; the client sees a short body
}
