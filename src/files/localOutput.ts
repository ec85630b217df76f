// Writing a finished video into a folder on this machine's disk: the download streams into a
// hidden temporary file in the target folder, which is then linked under a free name (link fails
// when the name exists, so there is no overwrite and no race) and the temporary name removed.

import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { diskError, isDiskError } from '../onemin/client';
import { LumaError } from '../onemin/errors';
import { placeUnderFreeName, videoFileName } from './naming';

export interface VideoOutput {
  /** A path on this machine's disk for the download to stream into (the file does not exist yet). */
  tempPath(): Promise<string>;
  /** Moves the finished temporary file to a free name in the folder; returns that file name. */
  commit(tempPath: string): Promise<string>;
  /** Removes the temporary file, if any. */
  discard(tempPath: string): Promise<void>;
}

export class LocalFolderOutput implements VideoOutput {
  constructor(private readonly folder: string, private readonly imageFileName: string) {}

  async tempPath(): Promise<string> {
    try {
      await fs.mkdir(this.folder, { recursive: true });
    } catch (error) {
      throw isDiskError(error) || (error as NodeJS.ErrnoException).code === 'EEXIST'
        ? new LumaError('disk', `Cannot create the output folder ${this.folder}. Choose another with "lumaVideo.outputFolder".`, { detail: String(error) })
        : error;
    }
    const hidden = `.${videoFileName(this.imageFileName, 1)}.${randomBytes(4).toString('hex')}.part`;
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
