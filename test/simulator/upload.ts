// POST /api/assets: the image upload, checked as the service (multer, then its own checks) does.

import * as crypto from 'node:crypto';
import * as path from 'node:path';
import type { Core } from './core';
import { show } from './errorBodies';
import { boundaryOf, MultipartError, parseMultipart, readBody, drain, type Part } from './multipart';
import type { Ctx } from './reply';
import { IMAGE_TYPES } from './uploads';

/** POST /api/assets, after the key check. */
export async function upload(core: Core, ctx: Ctx): Promise<void> {
  const { req } = ctx;
  const max = core.opts.maxUploadBytes;
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*(;|$)/i.test(contentType)) {
    await drain(req);
    return core.reply.error(
      ctx,
      400,
      'BAD_REQUEST',
      `Expected a multipart/form-data body with a file field named "asset" (got Content-Type ${show(contentType || undefined)})`,
    );
  }
  const boundary = boundaryOf(contentType);
  if (!boundary) {
    await drain(req);
    return core.reply.error(ctx, 400, 'BAD_REQUEST', 'Multipart: no boundary in Content-Type');
  }
  // Room for the part headers and other small fields beyond the file itself.
  const body = await readBody(req, max + 64 * 1024);
  if (body.overflow) return core.reply.error(ctx, 413, 'FILE_TOO_LARGE', `File too large: the limit is ${max} bytes`);
  let parts: Part[];
  try {
    parts = parseMultipart(body.data, boundary);
  } catch (err) {
    if (err instanceof MultipartError) return core.reply.error(ctx, 400, 'BAD_REQUEST', `Multipart: ${err.message}`);
    throw err;
  }
  ctx.seen.multipart = parts.map((p) => ({
    field: p.name,
    ...(p.filename !== undefined ? { filename: p.filename } : {}),
    ...(p.contentType !== undefined ? { contentType: p.contentType } : {}),
    size: p.data.length,
  }));
  // Like multer's single('asset'): any other file field is an error, not ignored.
  const stray = parts.find((p) => p.filename !== undefined && p.name !== 'asset');
  if (stray)
    return core.reply.error(ctx, 400, 'BAD_REQUEST', `Unexpected field "${stray.name}": send the image in a file field named "asset"`);
  const assets = parts.filter((p) => p.name === 'asset');
  if (assets.length === 0) return core.reply.error(ctx, 400, 'BAD_REQUEST', 'No file received: expected a file field named "asset"');
  if (assets.length > 1) return core.reply.error(ctx, 400, 'BAD_REQUEST', 'Unexpected field "asset": send exactly one file');
  const file = assets[0];
  if (file.filename === undefined)
    return core.reply.error(ctx, 400, 'BAD_REQUEST', 'Field "asset" must be a file (with a filename), not a text value');
  if (file.data.length === 0) return core.reply.error(ctx, 400, 'BAD_REQUEST', `The file "${file.filename}" is empty`);
  if (file.data.length > max)
    return core.reply.error(ctx, 413, 'FILE_TOO_LARGE', `File too large: ${file.data.length} bytes, the limit is ${max} bytes`);
  const declared = file.contentType ?? '';
  const type = IMAGE_TYPES[declared];
  if (!type) {
    return core.reply.error(
      ctx,
      400,
      'UNSUPPORTED_FILE_TYPE',
      `Unsupported file type ${show(declared || undefined)}: only image/png, image/jpeg and image/webp are accepted`,
    );
  }
  if (!type.matches(file.data)) {
    return core.reply.error(
      ctx,
      400,
      'UNSUPPORTED_FILE_TYPE',
      `The file's content is not ${declared}: only PNG, JPEG and WEBP images are accepted`,
    );
  }

  const safeName = (file.filename.split(/[\\/]/).pop() || `image.${type.ext}`).replace(/[^A-Za-z0-9._-]/g, '_');
  const key = core.uploads.newKey(safeName, new Date());
  // The part is most of the body: keeping it as it is costs no second copy.
  core.uploads.store(key, file.data, declared, core.opts.keepUploads);

  const ext = path.extname(safeName).slice(1).toLowerCase() || type.ext;
  const shape = core.opts.uploadReply;
  const asset: Record<string, unknown> = {
    originalname: file.filename,
    mimetype: declared,
    size: file.data.length,
    ...(shape === 'full' || shape === 'keyOnly' ? { key } : {}),
    location: `${core.assetBase}${key}`,
  };
  const fileContent: Record<string, unknown> = {
    uuid: crypto.randomUUID(),
    ...(shape === 'full' || shape === 'pathOnly' ? { path: key } : {}),
    type: ext,
  };
  return core.reply.answer(ctx, 200, { asset, fileContent });
}
