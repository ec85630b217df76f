// The copies of images the form converted or made smaller, kept beside the job list (`copies/`,
// one file per job) from the moment the job is queued until 1min.ai accepts it (from then on it is
// only fetched) or the job is forgotten: a queued job, a Retry and a restart upload the same copy.
// Written to a temporary name, flushed and renamed, so a crash leaves the whole copy or none. The
// person's own file is never touched. No vscode.
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { checkImage } from '../files/imageCheck';
import { l10n } from '../shared/l10n';
import { LumaError } from '../util/lumaError';
import type { ImageInput } from './generation';
import { sentCopyName, type JobRecord, type SentCopy } from './job';

/** A copy no job names and older than this is what a crash left between the copy and its job: it goes. */
const ORPHAN_AGE_MS = 10 * 60_000;

export class ImageCopies {
  constructor(private readonly dir: string) {}

  private fileOf(jobId: string): string {
    if (!/^[\w-]+$/.test(jobId)) throw new Error(`not a job id: ${jobId}`);
    return path.join(this.dir, `${jobId}.image`);
  }

  async put(jobId: string, bytes: Uint8Array): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const temp = path.join(this.dir, `.${jobId}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const handle = await fs.open(temp, 'w');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, this.fileOf(jobId));
    } catch (error) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
  }

  /** The copy; throws ENOENT when it is gone. */
  async read(jobId: string): Promise<Uint8Array> {
    return new Uint8Array(await fs.readFile(this.fileOf(jobId)));
  }

  async remove(jobId: string): Promise<void> {
    await fs.rm(this.fileOf(jobId), { force: true });
  }

  /** Removes copies (and half-written ones) of no job in `keep`, once they are old enough to be no start in progress. */
  async sweep(keep: ReadonlySet<string>, now = Date.now()): Promise<void> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      const id = name.startsWith('.') ? name.slice(1).split('.')[0] : name.replace(/\.image$/, '');
      if (keep.has(id) && !name.startsWith('.')) continue;
      const file = path.join(this.dir, name);
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat?.isFile() && now - stat.mtimeMs > ORPHAN_AGE_MS) await fs.rm(file, { force: true }).catch(() => undefined);
    }
  }
}

/** The copy the form made of a job's image, as the upload takes it: checked again like any image (it waited on disk). */
export async function readSentCopy(copies: ImageCopies, job: JobRecord, copy: SentCopy, maxBytes: number): Promise<ImageInput> {
  let bytes: Uint8Array;
  try {
    bytes = await copies.read(job.id);
  } catch (error) {
    throw new LumaError('input', l10n.t('The converted copy of {0} is gone. Generate it again from the form.', job.imageName), {
      detail: String(error),
    });
  }
  const fileName = sentCopyName(job, copy);
  return { bytes, fileName, mimeType: checkImage(bytes, fileName, maxBytes) };
}
