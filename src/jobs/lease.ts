// Which window runs a job. Two windows on one workspace (two browser tabs of a served VS Code,
// two windows of a folder) share one job store; a job is run by the host holding its lease: a
// file created exclusively, kept fresh by a heartbeat. Another host sees the job as running
// elsewhere and takes it over when the owner is gone: its process has exited (same machine), or
// its heartbeat is older than `staleMs` and, where its process still runs (a computer waking
// from sleep; or a pid a restart gave to another process), does not move for two more beats.
// The owner checks that the lease is still its own before
// every step that writes (the fence), so a host that was frozen past its lease stops rather than
// racing the one that took over.
import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync, unlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KeyedQueue } from '../util/keyedQueue';

export interface LeaseOwner {
  /** One per job machine (per extension host). */
  hostId: string;
  pid: number;
  hostname: string;
}

export interface LeaseOptions {
  /** How often held leases are refreshed. */
  heartbeatMs?: number;
  /** A lease not refreshed for this long belongs to nobody. */
  staleMs?: number;
  /**
   * Whether the owner's process still runs: true, false, or undefined when it cannot be told
   * (another machine). Tests simulate crashed hosts with it.
   */
  isAlive?: (owner: LeaseOwner) => boolean | undefined;
  now?: () => number;
}

export const HEARTBEAT_MS = 5_000;
export const STALE_MS = 20_000;

interface SeenLease {
  raw: string;
  owner?: LeaseOwner;
  mtimeMs: number;
}

/** Same machine: ask the system whether the process exists. */
export function processIsAlive(owner: LeaseOwner): boolean | undefined {
  if (owner.hostname !== os.hostname()) return undefined;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseOwner(raw: string): LeaseOwner | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LeaseOwner>;
    return typeof value.hostId === 'string' && typeof value.pid === 'number' && typeof value.hostname === 'string'
      ? (value as LeaseOwner)
      : undefined;
  } catch {
    return undefined;
  }
}

export class Leases {
  private readonly held = new Set<string>();
  /** This host's own operations on one lease never interleave. */
  private readonly operations = new KeyedQueue();
  /** Old leases whose owner's process runs: when first seen, so they get two beats to move. */
  private readonly suspects = new Map<string, { mtimeMs: number; since: number }>();
  private readonly staleMs: number;
  private readonly isAlive: (owner: LeaseOwner) => boolean | undefined;
  private readonly now: () => number;
  private readonly content: string;
  readonly heartbeatMs: number;

  constructor(
    private readonly dir: string,
    readonly me: LeaseOwner,
    options: LeaseOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.staleMs = options.staleMs ?? STALE_MS;
    this.isAlive = options.isAlive ?? processIsAlive;
    this.now = options.now ?? Date.now;
    this.content = JSON.stringify(me);
  }

  private file(jobId: string): string {
    return path.join(this.dir, `${jobId}.lease`);
  }

  holds(jobId: string): boolean {
    return this.held.has(jobId);
  }

  /**
   * Takes the job's lease if nobody live holds it; true when it is ours now. Not re-entrant: when
   * this host holds it already (another of its operations on the job), false, so that only the
   * operation that took a lease ever lets it go.
   */
  acquire(jobId: string): Promise<boolean> {
    return this.operations.run(jobId, () => this.acquireNow(jobId));
  }

  private async acquireNow(jobId: string): Promise<boolean> {
    if (this.held.has(jobId)) return false;
    const file = this.file(jobId);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await fs.writeFile(file, this.content, { flag: 'wx' });
        this.held.add(jobId);
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          await fs.mkdir(this.dir, { recursive: true });
          continue;
        }
        if (code !== 'EEXIST') throw error;
      }
      const seen = await this.read(file);
      if (!seen) continue; // released meanwhile: try again
      if (seen.owner?.hostId === this.me.hostId) {
        this.held.add(jobId);
        return true;
      }
      if (this.isLive(file, seen)) return false;
      if (!(await this.breakStale(file, seen))) return false;
    }
    return false;
  }

  /** The live holder of the job's lease, if another host has one. */
  async holder(jobId: string): Promise<LeaseOwner | undefined> {
    const seen = await this.read(this.file(jobId));
    if (!seen || !this.isLive(this.file(jobId), seen) || seen.owner?.hostId === this.me.hostId) return undefined;
    // A lease being written (no content yet) is live and belongs to someone.
    return seen.owner ?? { hostId: 'unknown', pid: 0, hostname: '' };
  }

  /** The fence: is the lease still ours on disk? A host that lost it must not write. */
  verify(jobId: string): Promise<boolean> {
    return this.operations.run(jobId, () => this.verifyNow(jobId));
  }

  private async verifyNow(jobId: string): Promise<boolean> {
    if (!this.held.has(jobId)) return false;
    const seen = await this.read(this.file(jobId));
    if (seen?.owner?.hostId === this.me.hostId) return true;
    this.held.delete(jobId);
    return false;
  }

  release(jobId: string): Promise<void> {
    return this.operations.run(jobId, () => this.releaseNow(jobId));
  }

  private async releaseNow(jobId: string): Promise<void> {
    if (!this.held.delete(jobId)) return;
    const file = this.file(jobId);
    const seen = await this.read(file);
    if (seen?.owner?.hostId === this.me.hostId) await fs.rm(file, { force: true });
  }

  /** For shutdown, when nothing asynchronous is sure to finish: the next host takes over at once. */
  releaseAllSync(): void {
    for (const jobId of this.held) {
      const file = this.file(jobId);
      try {
        if (parseOwner(readFileSync(file, 'utf8'))?.hostId === this.me.hostId) unlinkSync(file);
      } catch {
        // gone already
      }
    }
    this.held.clear();
  }

  /** Refreshes every held lease; returns the ids of those another host has taken. */
  async heartbeat(): Promise<string[]> {
    const lost: string[] = [];
    for (const jobId of [...this.held]) {
      const kept = await this.operations.run(jobId, async () => {
        if (!(await this.verifyNow(jobId))) return false;
        const at = new Date(this.now());
        await fs.utimes(this.file(jobId), at, at).catch(() => undefined);
        return true;
      });
      if (!kept) lost.push(jobId);
    }
    return lost;
  }

  private isLive(file: string, seen: SeenLease): boolean {
    const now = this.now();
    const alive = seen.owner ? this.isAlive(seen.owner) : undefined;
    if (alive === false) return false;
    if (now - seen.mtimeMs <= this.staleMs) {
      this.suspects.delete(file);
      return true;
    }
    // Old, but its process runs: after the computer sleeps every heartbeat is late, and the owner
    // refreshes it within a beat of waking. Give it two beats; a lease that still does not move
    // belongs to a hung host, or its pid now names another process (after a restart).
    if (alive === undefined) return false;
    const suspect = this.suspects.get(file);
    if (!suspect || suspect.mtimeMs !== seen.mtimeMs) {
      this.suspects.set(file, { mtimeMs: seen.mtimeMs, since: now });
      return true;
    }
    return now - suspect.since < 2 * this.heartbeatMs;
  }

  private async read(file: string): Promise<SeenLease | undefined> {
    try {
      const [raw, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
      return { raw, owner: parseOwner(raw), mtimeMs: stat.mtimeMs };
    } catch {
      return undefined;
    }
  }

  /**
   * Removes a stale lease so the caller can create its own. It moves the file aside first (a
   * rename succeeds for one host only) and checks that what it moved is the stale lease it
   * judged; if another host had just replaced it with a fresh one, that one is put back.
   */
  private async breakStale(file: string, seen: SeenLease): Promise<boolean> {
    const aside = `${file}.${randomBytes(4).toString('hex')}.stale`;
    try {
      await fs.rename(file, aside);
    } catch {
      return true; // gone: the caller tries to create it again
    }
    const moved = await this.read(aside);
    if (moved?.raw === seen.raw) {
      await fs.rm(aside, { force: true });
      return true;
    }
    await fs.writeFile(file, moved?.raw ?? '', { flag: 'wx' }).catch(() => undefined);
    await fs.rm(aside, { force: true });
    return false;
  }
}
