// How long past generations took, kept beside the job list for the polling plan and the wait
// estimate (pollSchedule.ts). One small file per finished generation, so windows never write the
// same file; a file that cannot be read is skipped (the history only advises, it never decides
// money). Written to a temporary name and renamed. Read when a job starts waiting, not at activation.
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { Logger } from '../util/log';
import { type FinishedGeneration, HISTORY_LIMIT, withFinished } from './pollSchedule';

export class GenerationHistory {
  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {}

  /** Every readable entry, newest first, at most HISTORY_LIMIT. */
  async read(): Promise<FinishedGeneration[]> {
    let names: string[];
    try {
      names = (await fs.readdir(this.dir)).filter((name) => name.endsWith('.json'));
    } catch {
      return []; // none yet
    }
    const entries = await Promise.all(names.map((name) => this.readEntry(name)));
    return entries.reduce<FinishedGeneration[]>((list, entry) => (entry ? withFinished(list, entry) : list), []);
  }

  /** Adds the generation of job `id` (once: a second add replaces it), then drops the oldest past the limit. */
  async add(id: string, finished: FinishedGeneration): Promise<void> {
    if (!/^[\w-]+$/.test(id) || !isEntry(finished)) return;
    await fs.mkdir(this.dir, { recursive: true });
    const temp = path.join(this.dir, `.${id}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await fs.writeFile(temp, JSON.stringify(finished), 'utf8');
      await fs.rename(temp, path.join(this.dir, `${id}.json`));
    } catch (error) {
      await fs.rm(temp, { force: true });
      this.log.warn(`Generation history: could not keep ${id} (${(error as Error).message}).`);
      return;
    }
    await this.trim();
  }

  private async trim(): Promise<void> {
    const names = (await fs.readdir(this.dir).catch(() => [] as string[])).filter((name) => name.endsWith('.json'));
    if (names.length <= HISTORY_LIMIT) return;
    const dated = await Promise.all(names.map(async (name) => ({ name, at: (await this.readEntry(name))?.at ?? 0 })));
    dated.sort((a, b) => b.at - a.at);
    for (const { name } of dated.slice(HISTORY_LIMIT)) await fs.rm(path.join(this.dir, name), { force: true });
  }

  private async readEntry(name: string): Promise<FinishedGeneration | undefined> {
    try {
      const entry: unknown = JSON.parse(await fs.readFile(path.join(this.dir, name), 'utf8'));
      return isEntry(entry) ? entry : undefined;
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
