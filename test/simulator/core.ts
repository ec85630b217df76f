// The state the simulator's parts share: its options, the team's credits, the jobs, uploads and
// faults, and the helpers every route answers through.

import { checkOptions, defaults, stripUndefined, type ResolvedOptions, type SimulatorOptions } from './config';
import { creditsMessage } from './errorBodies';
import { FaultQueue, type Fault } from './faults';
import { Holds } from './holds';
import { Jobs } from './jobs';
import { Presigner } from './presign';
import { Replier } from './reply';
import { Timers } from './timers';
import type { Endpoint } from './types';
import { Uploads } from './uploads';

export class Core {
  opts: ResolvedOptions;
  balance: number;
  /** Accepted (charged) POST /api/features calls. */
  accepted = 0;
  /** Set once listening: e.g. 'http://127.0.0.1:41234', and 'http://127.0.0.1:41235/' with a slash. */
  apiBase = '';
  assetBase = '';
  readonly timers = new Timers();
  readonly holds = new Holds(this.timers);
  readonly reply = new Replier(this.timers, this.holds, () => this.opts.latencyMs);
  readonly faults = new FaultQueue();
  readonly jobs = new Jobs();
  readonly uploads = new Uploads();
  readonly presign = new Presigner();

  constructor(options: SimulatorOptions) {
    this.opts = { ...defaults(), ...stripUndefined(options) };
    checkOptions(this.opts);
    this.balance = this.opts.credits;
  }

  /** The fault for this request: a queued one, or a random 429 at the configured share. */
  takeFault(endpoint: Endpoint): Fault | undefined {
    return this.faults.take(endpoint, this.opts.rateLimitShare);
  }

  creditsMessage(cost: number): string {
    return creditsMessage(cost, this.balance);
  }

  videoUrl(uuid: string): string {
    return `${this.assetBase}videos/${uuid}.mp4`;
  }
}
