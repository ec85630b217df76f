// The list of jobs, kept on disk so that a paid generation is never forgotten and so that every
// window of a workspace sees the same list: one small JSON file per job (written to a temporary
// name, flushed, then renamed, so a crash leaves the old version or the new one, never half of
// one), and beside them the jobs' leases (lease.ts). Every write to a job's file is made by the
// host holding its lease, so two windows never overwrite each other's changes. No `vscode` here.
import { promises as fs, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { KeyedQueue } from '../util/keyedQueue';
import { Logger } from '../util/log';
import { watchFolder } from './folderWatch';
import { ImageCopies } from './imageCopies';
import { JobRecord } from './job';
import { LeaseOptions, LeaseOwner, Leases } from './lease';
import { readStoredJob } from './storedJob';

/** Finished jobs beyond this many are dropped, oldest first; unfinished or paid ones never are. */
export const MAX_FINISHED = 200;

export interface JobStoreOptions {
  /** Holds `jobs/` and `leases/`. */
  dir: string;
  log: Logger;
  owner: LeaseOwner;
  lease?: LeaseOptions;
}

interface FileStamp {
  mtimeMs: number;
  size: number;
}

function isDroppable(job: JobRecord): boolean {
  // A failed or stopped job with a uuid may still hold a paid video, and one that may have been
  // charged is the only reminder of it: never dropped.
  return !job.mayBeCharged && (job.state === 'done' || job.state === 'cancelled' || (job.state === 'failed' && !job.uuid));
}

export class JobStore {
  readonly leases: Leases;
  /** Where the generation times are kept (generationHistory.ts). */
  readonly historyDir: string;
  /** The image copies the form made, one per job that sends one (imageCopies.ts). */
  readonly copies: ImageCopies;
  private readonly jobsDir: string;
  private readonly log: Logger;
  /** The list as this window knows it, by job id. */
  private readonly records = new Map<string, JobRecord>();
  private readonly stamps = new Map<string, FileStamp>();
  /** Writes of one job land in the order they were made. */
  private readonly writes = new KeyedQueue();
  private loaded = false;
  /** Closed with its host: from then on nothing it writes lands, as after the process ended. */
  private closed = false;

  constructor(options: JobStoreOptions) {
    this.jobsDir = path.join(options.dir, 'jobs');
    this.historyDir = path.join(options.dir, 'history');
    this.copies = new ImageCopies(path.join(options.dir, 'copies'));
    this.log = options.log;
    this.leases = new Leases(path.join(options.dir, 'leases'), options.owner, options.lease);
  }

  /**
   * Reads the list from disk, once; synchronous because it is small and activation needs it at
   * once. Unreadable entries are set aside (renamed `.damaged`), never deleted: one could hold
   * the id of a paid video.
   */
  load(): void {
    if (this.loaded) return;
    this.loaded = true;
    let names: string[];
    try {
      names = readdirSync(this.jobsDir);
    } catch {
      return; // no jobs yet
    }
    for (const name of names) {
      if (name.startsWith('.') && name.endsWith('.tmp')) this.sweepTemporary(name);
      if (!name.endsWith('.json')) continue;
      const file = path.join(this.jobsDir, name);
      try {
        const stat = statSync(file);
        this.accept(name, readFileSync(file, 'utf8'), { mtimeMs: stat.mtimeMs, size: stat.size });
      } catch (error) {
        this.log.warn(`Job list: could not read ${name} (${(error as Error).message}); skipped.`);
      }
    }
  }

  /** Takes one file's text into the list; returns whether the list changed. */
  private accept(name: string, text: string, stamp: FileStamp): boolean {
    const fileId = name.slice(0, -'.json'.length);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const { job, problems } = readStoredJob(raw);
    if (problems.length > 0) this.log.warn(`Job list, ${name}: ${problems.join('; ')}.`);
    if (!job || job.id !== fileId) {
      if (job) this.log.warn(`Job list: ${name} holds job ${job.id}; set aside.`);
      this.setAside(name);
      return this.forget(fileId);
    }
    this.stamps.set(job.id, stamp);
    const before = this.records.get(job.id);
    if (before && JSON.stringify(before) === JSON.stringify(job)) return false;
    this.records.set(job.id, job);
    return true;
  }

  /** A temporary file a crash left mid-write goes (only an old one: another window may be writing it). */
  private sweepTemporary(name: string, olderThanMs = 60_000): void {
    const file = path.join(this.jobsDir, name);
    try {
      if (Date.now() - statSync(file).mtimeMs > olderThanMs) rmSync(file, { force: true });
    } catch {
      // gone already
    }
  }

  private setAside(name: string): void {
    try {
      renameSync(path.join(this.jobsDir, name), path.join(this.jobsDir, `${name}.${Date.now()}.damaged`));
    } catch {
      // another window set it aside first
    }
  }

  private forget(id: string): boolean {
    this.stamps.delete(id);
    return this.records.delete(id);
  }

  /** Newest first. */
  all(): JobRecord[] {
    this.load();
    return [...this.records.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  get(id: string): JobRecord | undefined {
    this.load();
    return this.records.get(id);
  }

  /**
   * Inserts or replaces a job. The list changes at once (whoever reads it next sees the job as
   * it is); the promise settles once the file is on disk.
   */
  save(job: JobRecord): Promise<void> {
    this.load();
    const copy = { ...job, options: { ...job.options } };
    this.records.set(job.id, copy);
    const write = this.writes.run(job.id, () => this.writeFile(copy));
    void write.then(
      () => {
        // Accepted (or done), a job never uploads again, a Retry only fetches: its copy of the image goes.
        if (copy.sentCopy && (copy.uuid || copy.state === 'done')) void this.copies.remove(copy.id).catch(() => undefined);
        return this.trim();
      },
      () => undefined,
    );
    return write;
  }

  /** Removes the image copies of jobs no longer on disk (what a crash between a copy and its job left). */
  async sweepCopies(): Promise<void> {
    const names = await fs.readdir(this.jobsDir).catch(() => [] as string[]);
    const ids = names.filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length));
    await this.copies.sweep(new Set([...ids, ...this.records.keys()]));
  }

  /** Forgets a job: its file goes, and its copy of the image. The caller holds its lease or knows nobody runs it. */
  remove(id: string): Promise<void> {
    this.load();
    this.forget(id);
    return this.writes.run(id, async () => {
      await fs.rm(this.fileOf(id), { force: true });
      await this.copies.remove(id).catch(() => undefined);
    });
  }

  /**
   * The host is going away: writes still on their way do not land (the record stays as it was,
   * for the next start to pick up), just as if the process had ended a moment earlier.
   */
  close(): void {
    this.closed = true;
  }

  /** Settles when every write started so far has landed. */
  flushed(): Promise<void> {
    return this.writes.idle();
  }

  private fileOf(id: string): string {
    return path.join(this.jobsDir, `${id}.json`);
  }

  private async writeFile(job: JobRecord): Promise<void> {
    await fs.mkdir(this.jobsDir, { recursive: true });
    const temp = path.join(this.jobsDir, `.${job.id}.${randomBytes(4).toString('hex')}.tmp`);
    const text = JSON.stringify(job);
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      // On disk before the name points at it: a power cut leaves the old record, not an empty one.
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      if (this.closed) throw new Error('the job list was closed');
      await fs.rename(temp, this.fileOf(job.id));
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    const stat = await fs.stat(this.fileOf(job.id)).catch(() => undefined);
    if (stat) this.stamps.set(job.id, { mtimeMs: stat.mtimeMs, size: stat.size });
  }

  /** Drops the oldest finished jobs past MAX_FINISHED. */
  private async trim(): Promise<void> {
    const finished = this.all().filter(isDroppable);
    for (const job of finished.slice(MAX_FINISHED)) {
      if (this.leases.holds(job.id) || (await this.leases.holder(job.id))) continue;
      await this.remove(job.id);
    }
  }

  /**
   * Reads one job afresh from disk, as another window may have left it a moment ago; undefined
   * when it is gone. Called right after taking a job's lease, before acting on the job.
   */
  async reload(id: string): Promise<JobRecord | undefined> {
    this.load();
    const name = `${id}.json`;
    const file = path.join(this.jobsDir, name);
    try {
      const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
      this.accept(name, text, { mtimeMs: stat.mtimeMs, size: stat.size });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !this.writes.busy(id)) this.forget(id);
    }
    return this.records.get(id);
  }

  /**
   * Reads what other windows changed since the last look; returns the ids that changed (added,
   * changed or removed). Jobs this host holds the lease of, or is still writing, are its own and
   * are never replaced by what is on disk.
   */
  async refresh(): Promise<string[]> {
    this.load();
    let names: string[];
    try {
      names = await fs.readdir(this.jobsDir);
    } catch {
      names = [];
    }
    const changed: string[] = [];
    const present = new Set<string>();
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const id = name.slice(0, -'.json'.length);
      present.add(id);
      if (this.leases.holds(id) || this.writes.busy(id)) continue;
      try {
        const stat = await fs.stat(path.join(this.jobsDir, name));
        const known = this.stamps.get(id);
        if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) continue;
        if (this.accept(name, await fs.readFile(path.join(this.jobsDir, name), 'utf8'), { mtimeMs: stat.mtimeMs, size: stat.size }))
          changed.push(id);
      } catch {
        // removed between the listing and the read: the next look sees it gone
      }
    }
    for (const id of [...this.records.keys()]) {
      if (present.has(id) || this.leases.holds(id) || this.writes.busy(id)) continue;
      this.forget(id);
      changed.push(id);
    }
    return changed;
  }

  /**
   * Calls `onChange` soon after another window writes to the job list. Where the file system
   * cannot watch, the caller's own periodic refresh still catches up.
   */
  watch(onChange: () => void): { dispose(): void } {
    return watchFolder(this.jobsDir, onChange);
  }
}
