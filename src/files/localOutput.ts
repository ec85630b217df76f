// Writing a finished video into a folder on this machine's disk: the download streams into a
// hidden temporary file in the target folder, which is then linked under a free name (link fails
// when the name exists, so there is no overwrite and no race) and the temporary name removed.

import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { diskError, isDiskError, LumaError } from '../onemin/errors';
import { placeUnderFreeName, videoFileName } from './naming';

export interface VideoOutput {
  /** Makes sure the folder exists and can be written to; throws LumaError('disk') when not. */
  prepare(): Promise<void>;
  /** After a crash: the name a previous save already placed the video under, if it did; removes leftovers. */
  recover(claimed: string | undefined): Promise<string | undefined>;
  /** A path on this machine's disk for the download to stream into (the file does not exist yet). */
  tempPath(): Promise<string>;
  /** Moves the finished temporary file to a free name in the folder; returns that file name. */
  commit(tempPath: string, onClaimed?: (name: string) => Promise<void>): Promise<string>;
  /** Removes the temporary file, if any. */
  discard(tempPath: string): Promise<void>;
}

export class LocalFolderOutput implements VideoOutput {
  /**
   * `tag` names the temporary file (a job's id): a job resumed after a crash writes over its own
   * partial download instead of leaving it behind. Without it, a random name.
   */
  constructor(private readonly folder: string, private readonly imageFileName: string, private readonly tag?: string) {}

  async prepare(): Promise<void> {
    try {
      await fs.mkdir(this.folder, { recursive: true });
    } catch (error) {
      throw new LumaError('disk', `Cannot create the output folder ${this.folder} (${describeFsError(error)}). Choose another with the "lumaVideo.outputFolder" setting.`, { detail: String(error) });
    }
    const probe = path.join(this.folder, `.luma-write-check-${randomBytes(4).toString('hex')}`);
    try {
      await fs.writeFile(probe, '', { flag: 'wx' });
    } catch (error) {
      throw new LumaError('disk', `Cannot save videos in ${this.folder} (${describeFsError(error)}). Choose a folder you can write to with the "lumaVideo.outputFolder" setting.`, { detail: String(error) });
    } finally {
      await fs.rm(probe, { force: true });
    }
  }

  async recover(): Promise<string | undefined> {
    return undefined;
  }

  async tempPath(): Promise<string> {
    const hidden = `.${videoFileName(this.imageFileName, 1)}.${this.tag ?? randomBytes(4).toString('hex')}.part`;
    return path.join(this.folder, hidden);
  }

  async commit(tempPath: string): Promise<string> {
    try {
      const name = await placeUnderFreeName(this.imageFileName, async (candidate) => {
        try {
          await linkOrCopy(tempPath, path.join(this.folder, candidate));
          return 'placed';
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
          throw error;
        }
      });
      return name;
    } catch (error) {
      if (isDiskError(error)) throw diskError(error, this.folder);
      throw error;
    } finally {
      await fs.rm(tempPath, { force: true });
    }
  }

  async discard(tempPath: string): Promise<void> {
    await fs.rm(tempPath, { force: true });
  }
}

/** Hard links are atomic and never overwrite; where a file system has none, an exclusive copy. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await fs.link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EPERM' && code !== 'EXDEV') throw error;
    await fs.copyFile(from, to, fsConstants.COPYFILE_EXCL);
  }
}

function describeFsError(error: unknown): string {
  switch ((error as NodeJS.ErrnoException)?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a file is in the way';
    case 'ENOENT':
      return 'its drive or parent is missing';
    default:
      return (error as NodeJS.ErrnoException)?.code ?? 'unknown error';
  }
}
