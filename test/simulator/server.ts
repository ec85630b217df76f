// The Simulator: two HTTP servers (the API and the storage host) over the shared state, and the
// controls tests use to shape and inspect what they answer.

import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { serveApi } from './api';
import { checkOptions, defaults, type ResolvedOptions, type SimulatorOptions } from './config';
import { Core } from './core';
import type { Fault } from './faults';
import type { Ctx } from './reply';
import { serveStorage } from './storage';
import type { Endpoint, JobInfo, SeenRequest } from './types';
import type { ReceivedUpload } from './uploads';

type Listener = (request: SeenRequest) => void;

export class Simulator {
  /** Every request seen on both servers, in arrival order; status is filled in when answered. */
  readonly requests: SeenRequest[] = [];
  private readonly core: Core;
  private readonly sockets = new Set<Socket>();
  private readonly listeners = new Set<Listener>();
  private readonly apiServer: http.Server;
  private readonly storageServer: http.Server;
  private stopping?: Promise<void>;

  private constructor(options: SimulatorOptions) {
    this.core = new Core(options);
    this.apiServer = http.createServer((req, res) => serveApi(this.core, this.see('api', req, res)));
    this.storageServer = http.createServer((req, res) => serveStorage(this.core, this.see('storage', req, res)));
    for (const server of [this.apiServer, this.storageServer]) {
      server.on('connection', (socket: Socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
      });
    }
  }

  static async start(options: SimulatorOptions = {}): Promise<Simulator> {
    const sim = new Simulator(options);
    const opts = sim.core.opts;
    const { host } = opts;
    const apiPort = await listen(sim.apiServer, host, opts.port);
    let storagePort: number;
    try {
      storagePort = await listen(sim.storageServer, host, opts.storagePort);
    } catch (err) {
      sim.apiServer.close();
      throw err;
    }
    const urlHost = host.includes(':') ? `[${host}]` : host;
    opts.port = apiPort;
    opts.storagePort = storagePort;
    sim.core.apiBase = `http://${urlHost}:${apiPort}`;
    sim.core.assetBase = `http://${urlHost}:${storagePort}/`;
    return sim;
  }

  /** e.g. 'http://127.0.0.1:41234', no trailing slash. */
  get apiBaseUrl(): string {
    return this.core.apiBase;
  }

  /** The storage server, e.g. 'http://127.0.0.1:41235/', with a trailing slash. */
  get assetBaseUrl(): string {
    return this.core.assetBase;
  }

  /** The current options (port and storagePort are the ones actually bound). */
  get options(): Readonly<ResolvedOptions> {
    return this.core.opts;
  }

  /** Accepted (charged) POST /api/features calls. */
  get featureCalls(): number {
    return this.core.accepted;
  }

  /** Every image uploaded, oldest first: its key, declared type, size and (while kept) bytes. */
  get uploadsReceived(): ReceivedUpload[] {
    return this.core.uploads.list();
  }

  get credits(): number {
    return this.core.balance;
  }

  /**
   * Changes options at run time; a key given as undefined goes back to its default. `credits`
   * sets the balance now. host, port and storagePort cannot change once listening.
   */
  configure(patch: Partial<SimulatorOptions>): void {
    const opts = this.core.opts;
    for (const key of ['host', 'port', 'storagePort'] as const) {
      if (key in patch && patch[key] !== undefined && patch[key] !== opts[key]) {
        throw new Error(`Simulator.configure: ${key} cannot change while running`);
      }
    }
    const next: ResolvedOptions = { ...opts };
    const base = defaults();
    for (const [key, value] of Object.entries(patch) as [keyof SimulatorOptions, unknown][]) {
      if (key === 'host' || key === 'port' || key === 'storagePort') continue;
      (next as Record<string, unknown>)[key] = value === undefined ? (base as Record<string, unknown>)[key] : value;
    }
    checkOptions(next);
    this.core.opts = next;
    if ('credits' in patch) this.core.balance = next.credits;
  }

  /** The next `times` requests to `endpoint` get `fault`, after any faults already queued there. */
  inject(endpoint: Endpoint, fault: Fault, times = 1): void {
    this.core.faults.add(endpoint, fault, times);
  }

  clearFaults(): void {
    this.core.faults.clear();
  }

  /**
   * Resolves once a request to `endpoint` (any endpoint when left out) is held by a hold fault:
   * on features, after the service took (and charged for) the job when the answer is a charged one.
   */
  whenHeld(endpoint?: Endpoint): Promise<void> {
    return this.core.holds.whenHeld(endpoint);
  }

  /** Requests held right now, to `endpoint` or to any. */
  heldCount(endpoint?: Endpoint): number {
    return this.core.holds.count(endpoint);
  }

  /** Lets the held requests (to `endpoint`, or all) answer now; returns how many there were. */
  release(endpoint?: Endpoint): number {
    return this.core.holds.release(endpoint);
  }

  /** Finishes a pending generation now; a finished one is left as it is. */
  finishJob(uuid: string, outcome: 'SUCCESS' | 'FAILURE' = 'SUCCESS'): void {
    this.core.jobs.finishNow(uuid, outcome);
  }

  jobs(): JobInfo[] {
    return this.core.jobs.list();
  }

  /**
   * Forgets requests, faults and jobs; restores the configured credits; keeps options. Uploaded
   * images are kept, so a suite may upload once and reset between tests.
   */
  reset(): void {
    this.release();
    this.requests.length = 0;
    this.core.faults.clear();
    this.core.jobs.clear();
    this.core.accepted = 0;
    this.core.balance = this.core.opts.credits;
  }

  /** Calls `listener` when each request is over (answered, cut or abandoned). Returns an unsubscribe. */
  onRequestDone(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Closes both servers, destroying every open socket, hanging requests included. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.core.timers.clear();
      this.core.jobs.stopTimers();
      this.release();
      const closed = [this.apiServer, this.storageServer].map(
        (server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
      );
      for (const socket of this.sockets) socket.destroy();
      await Promise.all(closed);
    })();
    return this.stopping;
  }

  /** Records a request as it arrives, and tells the listeners when it is over. */
  private see(server: 'api' | 'storage', req: http.IncomingMessage, res: http.ServerResponse): Ctx {
    const seen: SeenRequest = {
      server,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: { ...req.headers },
      status: 0,
      at: Date.now(),
    };
    this.requests.push(seen);
    res.once('close', () => {
      for (const listener of this.listeners) listener(seen);
    });
    return { req, res, seen };
  }
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
