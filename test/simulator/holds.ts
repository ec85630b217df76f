// Hold faults: requests kept from answering for a time or until release(), and the waits of
// tests that need to know a request is held.

import type { Ctx } from './reply';
import type { Timers } from './timers';
import type { Endpoint } from './types';

interface HeldRequest {
  endpoint: Endpoint;
  release: () => void;
}

export class Holds {
  private readonly held = new Set<HeldRequest>();
  private readonly waiters = new Set<{ endpoint?: Endpoint; resolve: () => void }>();

  constructor(private readonly timers: Timers) {}

  /** Waits out the hold taken for this request, if any (once); whenHeld() sees it meanwhile. */
  async gate(ctx: Ctx): Promise<void> {
    const hold = ctx.hold;
    if (!hold) return;
    ctx.hold = undefined;
    const endpoint = ctx.seen.endpoint ?? 'download';
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const held: HeldRequest = {
        endpoint,
        release: () => {
          this.held.delete(held);
          ctx.res.off('close', held.release);
          this.timers.cancel(timer);
          resolve();
        },
      };
      this.held.add(held);
      // A client that gave up is no longer held; what it would have been sent goes nowhere.
      ctx.res.once('close', held.release);
      if (hold.ms !== undefined) timer = this.timers.after(hold.ms, held.release);
      for (const waiter of [...this.waiters]) {
        if (waiter.endpoint && waiter.endpoint !== endpoint) continue;
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    });
  }

  /** Resolves once a request to `endpoint` (any endpoint when left out) is held. */
  whenHeld(endpoint?: Endpoint): Promise<void> {
    if (this.count(endpoint) > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ endpoint, resolve }));
  }

  /** Requests held right now, to `endpoint` or to any. */
  count(endpoint?: Endpoint): number {
    return [...this.held].filter((held) => !endpoint || held.endpoint === endpoint).length;
  }

  /** Lets the held requests (to `endpoint`, or all) answer now; returns how many there were. */
  release(endpoint?: Endpoint): number {
    const released = [...this.held].filter((held) => !endpoint || held.endpoint === endpoint);
    for (const held of released) held.release();
    return released.length;
  }
}
