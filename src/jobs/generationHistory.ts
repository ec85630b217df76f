// How long past generations took, kept beside the job list for the polling plan and the wait
// estimate (pollSchedule.ts). One small file per finished generation, so windows never write the
// same file; a file that cannot be read is skipped (the history only advises, it never decides
// money). Written to a temporary name and renamed. Read when a job starts waiting, not at activation.
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { Logger } from '../util/log';
import { type FinishedGeneration, HISTORY_LIMIT, withFinished } from './pollSchedule';

/** An entry is well under 300 bytes; a file much larger is not one. */
const MAX_ENTRY_BYTES = 4096;

/** How long one read of the folder serves the jobs that start after it. */
const REUSE_MS = 10_000;

export class GenerationHistory {
  private recent: { at: number; read: Promise<FinishedGeneration[]> } | undefined;
  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {}

  /**
   * Every readable entry, newest first, at most HISTORY_LIMIT. Only plain small files are read (a
   * pipe or a link to a device would never end); anything else is skipped.
   */
  async read(): Promise<FinishedGeneration[]> {
    let names: string[];
    try {
      const entries = await fs.readdir(this.dir, { withFileTypes: true });
      names = entries.filter((entry) => entry.isFile() && entry.name.endsWith('.json')).map((entry) => entry.name);
    } catch {
      return []; // none yet
    }
    const entries = await Promise.all(names.slice(0, 2 * HISTORY_LIMIT).map((name) => this.readEntry(name)));
    return entries.reduce<FinishedGeneration[]>((list, entry) => (entry ? withFinished(list, entry) : list), []);
  }

  /**
   * The history, or none after `timeoutMs` or a cancel: the plan then falls back to the old
   * back-off. The jobs of one batch start together: they share one read of the folder.
   */
  async readWithin(timeoutMs: number, signal?: AbortSignal): Promise<FinishedGeneration[]> {
    const fresh = this.recent && Date.now() - this.recent.at < REUSE_MS ? this.recent.read : undefined;
    const read = fresh ?? this.read().catch(() => [] as FinishedGeneration[]);
    if (!fresh) this.recent = { at: Date.now(), read };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const giveUp = new Promise<FinishedGeneration[]>((resolve) => {
      timer = setTimeout(() => resolve([]), timeoutMs);
      signal?.addEventListener('abort', () => resolve([]), { once: true });
    });
    try {
      return await Promise.race([read, giveUp]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Adds the generation of job `id` (once: a second add replaces it), then drops the oldest past
   * the limit and what a crash left mid-write. Never throws: the history only advises.
   */
  async add(id: string, finished: FinishedGeneration): Promise<void> {
    if (!/^[\w-]+$/.test(id) || !isEntry(finished)) return;
    const temp = path.join(this.dir, `.${id}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await fs.mkdir(this.dir, { recursive: true });
      await fs.writeFile(temp, JSON.stringify(finished), 'utf8');
      await fs.rename(temp, path.join(this.dir, `${id}.json`));
      this.recent = undefined; // the next job reads it with this one
      await this.trim(finished.at);
    } catch (error) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      this.log.warn(`Generation history: could not keep ${id} (${(error as Error).message}).`);
    }
  }

  private async trim(now: number): Promise<void> {
    const listed = await fs.readdir(this.dir).catch(() => [] as string[]);
    // A temporary file a crash left: an old one only (another window may be writing a fresh one).
    for (const name of listed.filter((name) => name.startsWith('.') && name.endsWith('.tmp'))) {
      const stat = await fs.stat(path.join(this.dir, name)).catch(() => undefined);
      if (stat && now - stat.mtimeMs > 60_000) await fs.rm(path.join(this.dir, name), { force: true });
    }
    const names = listed.filter((name) => name.endsWith('.json'));
    if (names.length <= HISTORY_LIMIT) return;
    const dated = await Promise.all(names.map(async (name) => ({ name, at: (await this.readEntry(name))?.at ?? 0 })));
    dated.sort((a, b) => b.at - a.at);
    for (const { name } of dated.slice(HISTORY_LIMIT)) await fs.rm(path.join(this.dir, name), { force: true });
  }

  private async readEntry(name: string): Promise<FinishedGeneration | undefined> {
    try {
      const file = path.join(this.dir, name);
      const stat = await fs.lstat(file);
      if (!stat.isFile() || stat.size > MAX_ENTRY_BYTES) return undefined;
      const entry: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
      // An entry dated in the future (a clock set back) would never be trimmed: it counts as now.
      return isEntry(entry) ? { ...entry, at: Math.min(entry.at, Date.now()) } : undefined;
    } catch {
      return undefined; // half-written by a crash, or removed by another window's trim
    }
  }
}

function isEntry(value: unknown): value is FinishedGeneration {
  const entry = value as FinishedGeneration | undefined;
  const kind = entry?.kind;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.ms === 'number' &&
    Number.isFinite(entry.ms) &&
    entry.ms > 0 &&
    typeof entry.at === 'number' &&
    Number.isFinite(entry.at) &&
    typeof kind === 'object' &&
    kind !== null &&
    typeof kind.modelName === 'string' &&
    typeof kind.length === 'number' &&
    typeof kind.resolution === 'string' &&
    typeof kind.enhancePrompt === 'boolean'
  );
}
