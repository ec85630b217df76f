// Saving a downloaded video under a free name so that, whenever the process dies, a
// `*.luma*.mp4` name holds a complete video or something the job removes when it runs again. No
// hard links (FAT, exFAT and many network drives have none) and no `vscode`: the folder is
// reached through FolderOps, with one adapter for Node's fs and one for vscode.workspace.fs.
//
// The save, for a complete download in the hidden file `.cat.luma.<job>.<attempt>.part`:
//  1. flush it to the disk;
//  2. for n = 1, 2, …: rename it to `.cat.luma.<job>.<attempt>.<n>.part` (it now says which name it
//     claims), then create the n-th name exclusively, holding a small placeholder that names the
//     job; a name that exists is left alone and the next one tried;
//  3. tell the job the claimed name (`onClaimed`, the journal), and wait until it is recorded;
//  4. rename the download over the placeholder: the name goes from placeholder to whole video in
//     one step.
// Dying before 2 leaves only hidden files; during 2 to 4, a placeholder (or, between the creation
// of a file and its first byte, an empty file) that recover() finds by its content or by the
// hidden file's name; after 4, the video, which recover() finds through the journal.

import { l10n } from '../shared/l10n';
import { LumaError } from '../util/lumaError';
import { sleep } from '../util/timing';
import { MAX_CANDIDATES, newAttempt, VideoNames } from './naming';
import { describeFsError, errorCode, probeFailure, saveFailure } from './saveErrors';

/** Where a job's video is written; the job runner calls these in this order. */
export interface VideoOutput {
  /** Makes sure the folder exists and takes this job's longest name; throws LumaError('disk') when not. */
  prepare(): Promise<void>;
  /**
   * Run when a job runs again (after a crash or a reload), before anything else. If `claimed` (the
   * name last passed to onClaimed) holds the whole video (of `claimedBytes`, when known), returns
   * it: the job is done. Otherwise removes what the job left (placeholders, temporary files) and
   * returns undefined.
   */
  recover(claimed: string | undefined, claimedBytes?: number): Promise<string | undefined>;
  /** A path on this machine's disk for the download to stream into (the file does not exist yet). */
  tempPath(): Promise<string>;
  /**
   * Puts the finished temporary file under a free name and returns that name. `onClaimed` is
   * awaited with the name before the video goes there; it must record it for recover().
   */
  commit(tempPath: string, onClaimed?: (name: string) => Promise<void>): Promise<string>;
  /** Removes the temporary file, if any. */
  discard(tempPath: string): Promise<void>;
}

/**
 * What the save needs of a folder. Names are single file names inside it. Failures carry a Node
 * error code (`EEXIST`, `ENOENT`, `EACCES`, …) whatever the adapter.
 */
export interface FolderOps {
  /** The folder as the person knows it, for messages. */
  readonly where: string;
  /** Creates the folder, and its parents, when missing. */
  makeFolder(): Promise<void>;
  /** Creates `name` holding `bytes`; fails with EEXIST when anything has that name already. */
  createExclusive(name: string, bytes: Uint8Array): Promise<void>;
  /** Renames `from` to `to`, replacing a file at `to` in one step. */
  rename(from: string, to: string): Promise<void>;
  list(): Promise<string[]>;
  /** The size of the file `name`, or undefined when no file has that name. */
  size(name: string): Promise<number | undefined>;
  read(name: string): Promise<Uint8Array>;
  /** Removes `name`; nothing there is fine. */
  remove(name: string): Promise<void>;
  /** Makes the bytes of `name` durable, so a power cut after the rename cannot empty the video. */
  flush(name: string): Promise<void>;
}

const PLACEHOLDER_MARK = 'LUMA-VIDEO-PLACEHOLDER';
/** Anything this small starting with the mark is some job's placeholder, never a video. */
const PLACEHOLDER_MAX_BYTES = 1024;
/** On Windows a file just written can be held for a moment (a virus scanner, the indexer). */
const BUSY_CODES = new Set(['EPERM', 'EBUSY', 'EACCES']);
const RENAME_RETRY_DELAYS_MS = [50, 100, 200, 400, 800];

export class VideoSaver {
  readonly names: VideoNames;

  constructor(
    private readonly ops: FolderOps,
    private readonly imageFileName: string,
    tag: string,
  ) {
    this.names = new VideoNames(imageFileName, tag);
  }

  async prepare(): Promise<void> {
    const where = this.ops.where;
    try {
      await this.ops.makeFolder();
    } catch (error) {
      throw new LumaError(
        'disk',
        l10n.t(
          'Cannot create the output folder {0} ({1}). Choose another with the ' + '"lumaVideo.outputFolder" setting.',
          where,
          describeFsError(error),
        ),
        { detail: String(error) },
      );
    }
    // As long as the longest name this job can write, so a name or path the folder cannot take
    // fails here, before anything is sent or paid for, and not after the download.
    const probe = this.names.probe(newAttempt());
    try {
      await this.ops.createExclusive(probe, new Uint8Array());
    } catch (error) {
      throw probeFailure(error, this.ops.where, this.names.longestBytes, this.imageFileName);
    } finally {
      await this.ops.remove(probe).catch(() => undefined);
    }
  }

  /** A new hidden name for a download in the folder, unique to this attempt. */
  newDownloadName(): string {
    return this.names.download(newAttempt());
  }

  async commit(downloadName: string, onClaimed?: (name: string) => Promise<void>): Promise<string> {
    const hidden = this.names.parseHidden(downloadName);
    if (!hidden || hidden.claiming !== undefined || hidden.probe) throw new Error(`${downloadName} is not a download of this job`);
    const placeholder = this.placeholder(hidden.attempt);
    let current = downloadName;
    let claimed: string | undefined;
    try {
      await this.ops.flush(current);
      const taken = new Set(await this.ops.list());
      for (let n = 1; claimed === undefined; n++) {
        if (n > MAX_CANDIDATES) {
          throw new LumaError(
            'disk',
            l10n.t(
              'More than {0} videos of {1} are already in {2}. Move some away, then try again.',
              MAX_CANDIDATES,
              this.imageFileName,
              this.ops.where,
            ),
          );
        }
        const candidate = this.names.final(n);
        if (taken.has(candidate)) continue;
        const claiming = this.names.claiming(hidden.attempt, n);
        await this.renameRetrying(current, claiming);
        current = claiming;
        try {
          await this.ops.createExclusive(candidate, placeholder);
          claimed = candidate;
        } catch (error) {
          if (errorCode(error) !== 'EEXIST') throw error;
        }
      }
      await onClaimed?.(claimed);
      // Still our placeholder? Where creating a file is not exclusive (some virtual file systems),
      // another writer may have taken the name meanwhile: then replacing it would lose its video.
      if (!(await this.holds(claimed, placeholder))) {
        const lost = claimed;
        claimed = undefined;
        throw new LumaError(
          'disk',
          l10n.t(
            'Another save took the name {0} in {1} at the same moment; nothing was overwritten. Press ' +
              'Fetch Video to save this one under a free name.',
            lost,
            this.ops.where,
          ),
          { detail: `placeholder replaced at ${lost}` },
        );
      }
      await this.renameRetrying(current, claimed);
      return claimed;
    } catch (error) {
      if (claimed !== undefined && (await this.holds(claimed, placeholder).catch(() => false)))
        await this.ops.remove(claimed).catch(() => undefined);
      await this.ops.remove(current).catch(() => undefined);
      throw this.saveFailure(error);
    }
  }

  async recover(claimed: string | undefined, claimedBytes?: number): Promise<string | undefined> {
    let names: string[];
    try {
      names = await this.ops.list();
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined; // no folder, nothing left in it
      throw this.saveFailure(error);
    }
    try {
      // A claim caught between the file's creation and its first byte is an empty file, known
      // as this job's by the hidden file that names it; that file goes last, so a crash here
      // leaves the trail for the next run.
      for (const name of names) {
        const claiming = this.names.parseHidden(name)?.claiming;
        if (claiming !== undefined && (await this.ops.size(this.names.final(claiming))) === 0)
          await this.ops.remove(this.names.final(claiming));
      }
      const ownPlaceholder = this.placeholder('0'.repeat(8));
      for (const name of names) {
        if (this.names.candidateOf(name) !== undefined && (await this.holds(name, ownPlaceholder, this.ownPlaceholderPrefix())))
          await this.ops.remove(name);
      }
      for (const name of names) {
        if (this.names.parseHidden(name)) await this.ops.remove(name);
      }
      if (claimed === undefined || this.names.candidateOf(claimed) === undefined) return undefined;
      const size = await this.ops.size(claimed);
      // Only the video this job placed: its size was journaled with the name. Another file there
      // (a video saved since, a file of the person's) is not this job's to take.
      if (!size || (claimedBytes !== undefined && size !== claimedBytes)) return undefined;
      return size <= PLACEHOLDER_MAX_BYTES && startsWith(await this.ops.read(claimed), PLACEHOLDER_MARK) ? undefined : claimed;
    } catch (error) {
      throw this.saveFailure(error);
    }
  }

  /** Removes a download of this job; any other name is left alone. */
  async discard(downloadName: string): Promise<void> {
    if (this.names.parseHidden(downloadName)) await this.ops.remove(downloadName);
  }

  /** A file-system failure as the person reads it; any other error as it is. */
  saveFailure(error: unknown): unknown {
    return saveFailure(error, this.ops.where);
  }

  private placeholder(attempt: string): Uint8Array {
    return Buffer.from(
      `${this.ownPlaceholderPrefix()}${attempt}\nA video is being saved under this name. ` +
        'If this file stays, the save was cut off; the job removes it when it runs again.\n',
      'utf8',
    );
  }

  private ownPlaceholderPrefix(): string {
    return `${PLACEHOLDER_MARK} job ${this.names.token} attempt `;
  }

  /** Whether `name` is a file as long as `expected` and starting with `prefix` (all of it by default). */
  private async holds(name: string, expected: Uint8Array, prefix?: string): Promise<boolean> {
    if ((await this.ops.size(name)) !== expected.byteLength) return false;
    const bytes = await this.ops.read(name);
    return prefix === undefined ? Buffer.from(bytes).equals(expected) : startsWith(bytes, prefix);
  }

  private async renameRetrying(from: string, to: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.ops.rename(from, to);
      } catch (error) {
        if (attempt >= RENAME_RETRY_DELAYS_MS.length || !BUSY_CODES.has(errorCode(error) ?? '')) throw error;
        await sleep(RENAME_RETRY_DELAYS_MS[attempt]);
      }
    }
  }
}

function startsWith(bytes: Uint8Array, text: string): boolean {
  const prefix = Buffer.from(text, 'utf8');
  return bytes.byteLength >= prefix.byteLength && Buffer.from(bytes.buffer, bytes.byteOffset, prefix.byteLength).equals(prefix);
}
