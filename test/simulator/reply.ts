// How answers go out: headers and bodies, after any hold and the configured latency, dripped,
// cut short or reset when a fault says so.

import type * as http from 'node:http';
import type { Socket } from 'node:net';
import { Raw } from './errorBodies';
import type { Fault } from './faults';
import type { Holds } from './holds';
import type { Timers } from './timers';
import type { SeenRequest } from './types';

/** One request on its way through the simulator. */
export interface Ctx {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  seen: SeenRequest;
  /** A hold fault taken for this request, not waited out yet. */
  hold?: { ms?: number };
  /** A drip fault: how the body goes out. */
  drip?: { intervalMs: number; bytesPerTick: number };
}

/**
 * Hold and drip shape how an answer goes out rather than what it is: they are noted on the
 * request, and what is left (a hold's `then`) is the fault to apply.
 */
export function takeDelivery(ctx: Ctx, fault: Fault | undefined): Fault | undefined {
  if (fault?.kind === 'hold') {
    ctx.hold = { ms: fault.ms };
    return fault.then;
  }
  if (fault?.kind === 'drip') {
    ctx.drip = { intervalMs: fault.intervalMs ?? 1000, bytesPerTick: fault.bytesPerTick ?? 1 };
    return undefined;
  }
  return fault;
}

/** Resolves when `res` can take more data, or when it is gone. */
export function drained(res: http.ServerResponse | Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export class Replier {
  constructor(
    private readonly timers: Timers,
    private readonly holds: Holds,
    private readonly latencyMs: () => number,
  ) {}

  /** Hold, then latency: what every API answer waits for. */
  async ready(ctx: Ctx): Promise<void> {
    await this.holds.gate(ctx);
    await this.timers.sleep(this.latencyMs());
  }

  head(ctx: Ctx, status: number, headers: http.OutgoingHttpHeaders): boolean {
    if (ctx.res.headersSent || ctx.res.destroyed) return false;
    ctx.seen.status = status;
    ctx.res.writeHead(status, headers);
    return true;
  }

  write(ctx: Ctx, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
    const raw = body instanceof Raw ? body : undefined;
    const data = Buffer.from(raw ? raw.text : JSON.stringify(body));
    const type = raw ? raw.contentType : 'application/json; charset=utf-8';
    if (!this.head(ctx, status, { 'Content-Type': type, 'Content-Length': data.length, ...headers })) return;
    if (ctx.req.method === 'HEAD') ctx.res.end();
    else if (ctx.drip) void this.dripOut(ctx, [data]);
    else ctx.res.end(data);
  }

  /** Every API answer goes through here, so holds and latencyMs apply to all of them. */
  async answer(ctx: Ctx, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): Promise<void> {
    await this.ready(ctx);
    this.write(ctx, status, body, headers);
  }

  error(ctx: Ctx, status: number, errorCode: string, message: string): Promise<void> {
    return this.answer(ctx, status, { errorCode, message });
  }

  /** The headers at once, then the body a few bytes at a time: a server that is slow, never silent. */
  async dripOut(ctx: Ctx, chunks: Iterable<Buffer> | AsyncIterable<Buffer>): Promise<void> {
    const { res } = ctx;
    const { intervalMs, bytesPerTick } = ctx.drip!;
    res.flushHeaders();
    for await (const chunk of chunks) {
      for (let offset = 0; offset < chunk.length; offset += bytesPerTick) {
        if (res.destroyed) return;
        res.write(chunk.subarray(offset, offset + bytesPerTick));
        await this.timers.sleep(intervalMs);
      }
    }
    res.end();
  }

  /**
   * Announces `announced` bytes, sends only `chunks`, then closes the connection once they are
   * out (destroySoon flushes first), so the client gets a short body rather than lost data.
   */
  async cut(
    ctx: Ctx,
    chunks: Iterable<Buffer> | AsyncIterable<Buffer>,
    announced: number,
    headers: http.OutgoingHttpHeaders,
  ): Promise<void> {
    const { res } = ctx;
    if (!this.head(ctx, 200, { ...headers, 'Content-Length': announced })) return;
    for await (const chunk of chunks) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await drained(res);
    }
    ctx.req.socket.destroySoon();
  }

  /** A TCP reset, not a clean close: what a crashed proxy or a dropped connection looks like. */
  resetSocket(ctx: Ctx): void {
    ctx.req.socket.resetAndDestroy();
  }
}
