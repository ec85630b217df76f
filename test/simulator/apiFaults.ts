// Faults on the API server: what the client sees when the service, or what stands in front of it,
// answers wrongly or not at all.

import * as crypto from 'node:crypto';
import type { Core } from './core';
import { apiStatusBody, faultBody, Raw, retryAfterHeader } from './errorBodies';
import type { Fault } from './faults';
import type { Job } from './jobs';
import { drain } from './multipart';
import type { Ctx } from './reply';
import { splitTarget } from './routes';
import type { Endpoint } from './types';

/** A fault on the API; with `job`, one that comes after the service took and charged it. */
export async function apiFault(core: Core, ctx: Ctx, endpoint: Endpoint, fault: Fault, job?: Job): Promise<void> {
  const reply = core.reply;
  if (fault.kind === 'reset') {
    await core.holds.gate(ctx);
    return reply.resetSocket(ctx);
  }
  // Let the client finish sending, as a real server would (a charged request was read already).
  if (!ctx.req.readableEnded) await drain(ctx.req);
  switch (fault.kind) {
    case 'hang':
      await core.holds.gate(ctx);
      return; // the socket stays open until the client gives up or stop() destroys it
    case 'status': {
      const body = faultBody(fault, apiStatusBody(fault.status, core.creditsMessage(core.opts.creditsPerVideo)));
      return reply.answer(ctx, fault.status, body, retryAfterHeader(fault));
    }
    case 'malformed':
      return reply.answer(ctx, 200, new Raw('application/json; charset=utf-8', '{"aiRecord": {'));
    case 'truncated': {
      await reply.ready(ctx);
      const text = Buffer.from(`{"aiRecord": {"uuid": "${job?.uuid ?? crypto.randomUUID()}", "model": "luma", "status": "SUC`);
      return reply.cut(ctx, [text], text.length + 200, { 'Content-Type': 'application/json; charset=utf-8' });
    }
    case 'redirect': {
      // Express's redirect(): a Location header and a one-line body.
      const location = fault.location ?? `https://elsewhere.example${splitTarget(ctx.seen.path).pathname}`;
      return reply.answer(ctx, fault.status ?? 302, new Raw('text/plain; charset=utf-8', `Found. Redirecting to ${location}`), {
        Location: location,
      });
    }
    case 'aiRecordNull':
      return reply.answer(ctx, 200, { aiRecord: null });
    case 'successFalse':
      return reply.answer(ctx, 200, { success: false, message: fault.message ?? 'Something went wrong, please try again later' });
    default:
      throw new Error(`fault ${fault.kind} on ${endpoint}`);
  }
}
