// The storage server: serves finished videos (presigned or plain links) and uploaded images as
// S3 does, with its XML errors, and applies the download faults.

import * as zlib from 'node:zlib';
import type { Core } from './core';
import { faultBody, retryAfterHeader, s3Error, storageStatusBody } from './errorBodies';
import type { Fault } from './faults';
import { drain } from './multipart';
import { PRESIGN_EXPIRES } from './presign';
import { takeDelivery, type Ctx } from './reply';
import { splitTarget } from './routes';
import { bytesStream, generatedBytes, zeros } from './videoBytes';
import { serveGzip, serveOverlong, serveVideo, streamVideo } from './videoServe';

/** Answers one storage request; whatever goes wrong inside becomes S3's 500, or a dropped connection. */
export function serveStorage(core: Core, ctx: Ctx): void {
  const { res } = ctx;
  handleStorage(core, ctx).catch(() => {
    if (!res.headersSent && !res.destroyed)
      core.reply.write(ctx, 500, s3Error('InternalError', 'We encountered an internal error. Please try again.'));
    else res.destroy();
  });
}

async function handleStorage(core: Core, ctx: Ctx): Promise<void> {
  const { req, seen } = ctx;
  const target = splitTarget(seen.path);
  let pathname: string;
  try {
    pathname = decodeURIComponent(target.pathname);
  } catch {
    pathname = target.pathname;
  }
  const video = /^\/videos\/([^/]+)\.mp4$/.exec(pathname);
  if (video) {
    seen.endpoint = 'download';
    const fault = takeDelivery(ctx, core.takeFault('download'));
    await core.holds.gate(ctx);
    if (fault) return storageFault(core, ctx, fault);
  }
  await drain(req);
  if (seen.method !== 'GET' && seen.method !== 'HEAD') {
    return core.reply.write(
      ctx,
      405,
      s3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', { Method: seen.method }),
    );
  }
  const key = pathname.slice(1);
  if (video) {
    const job = core.jobs.get(video[1]);
    if (!job || job.status !== 'SUCCESS' || job.outcome !== 'video') {
      return core.reply.write(ctx, 404, s3Error('NoSuchKey', 'The specified key does not exist.', { Key: key }));
    }
    // A presigned link must arrive as issued: S3 refuses a query the client altered.
    const query = new URLSearchParams(target.query);
    if (!core.presign.accepts(job.uuid, query)) {
      return core.reply.write(
        ctx,
        403,
        s3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'),
      );
    }
    return serveVideo(core, ctx, false);
  }
  const image = core.uploads.get(key);
  if (image?.data) return sendBuffer(core, ctx, image.data, image.mimetype);
  return core.reply.write(ctx, 404, s3Error('NoSuchKey', 'The specified key does not exist.', { Key: key }));
}

function sendBuffer(core: Core, ctx: Ctx, data: Buffer, type: string): void {
  if (core.reply.head(ctx, 200, { 'Content-Type': type, 'Content-Length': data.length }))
    ctx.res.end(ctx.req.method === 'HEAD' ? undefined : data);
}

async function storageFault(core: Core, ctx: Ctx, fault: Fault): Promise<void> {
  if (fault.kind === 'reset') return core.reply.resetSocket(ctx);
  await drain(ctx.req);
  switch (fault.kind) {
    case 'hang':
      return;
    case 'status':
      return core.reply.write(
        ctx,
        fault.status,
        faultBody(fault, storageStatusBody(fault.status, splitTarget(ctx.seen.path).pathname.slice(1))),
        retryAfterHeader(fault),
      );
    case 'expired':
      return core.reply.write(
        ctx,
        403,
        s3Error('AccessDenied', 'Request has expired', {
          'X-Amz-Expires': String(PRESIGN_EXPIRES),
          Expires: new Date(Date.now() - 3600_000).toISOString(),
          ServerTime: new Date().toISOString(),
        }),
      );
    case 'truncated':
    case 'cutMidStream':
      return serveVideo(core, ctx, true);
    case 'overlong':
      return serveOverlong(core, ctx, fault.extraBytes ?? 64 * 1024);
    case 'endless':
      return streamVideo(core, ctx, { 'Content-Type': 'video/mp4' }, bytesStream(generatedBytes(0, Number.MAX_SAFE_INTEGER)));
    case 'gzip':
      return serveGzip(core, ctx, fault.chunked ?? false);
    case 'gzipBomb':
      return streamVideo(
        core,
        ctx,
        { 'Content-Type': 'video/mp4', 'Content-Encoding': 'gzip' },
        bytesStream(zeros(fault.decodedBytes ?? 4 * 1024 ** 3)),
        zlib.createGzip({ level: 9 }),
      );
    default:
      throw new Error(`fault ${fault.kind} on download`);
  }
}
