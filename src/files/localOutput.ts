// Writing a finished video into a folder on this machine's disk, through Node's fs: the download
// streams into a hidden file in the target folder, and VideoSaver puts it under a free name.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { newAttempt } from './naming';
import { FolderOps, VideoOutput, VideoSaver } from './videoSave';

export type { VideoOutput } from './videoSave';

export class LocalFolderOutput implements VideoOutput {
  private readonly saver: VideoSaver;

  /**
   * `tag` is the job's id: it marks the job's hidden files and placeholders, so that the job, when
   * it runs again, finds and removes what it left. Without one, a random tag (nothing to resume).
   * `ops` is how the folder is reached; Node's fs unless a test wraps it.
   */
  constructor(
    private readonly folder: string,
    imageFileName: string,
    tag: string = newAttempt(),
    ops: FolderOps = new NodeFolderOps(folder),
  ) {
    this.saver = new VideoSaver(ops, imageFileName, tag);
  }

  prepare(): Promise<void> {
    return this.saver.prepare();
  }

  recover(claimed: string | undefined, claimedBytes?: number): Promise<string | undefined> {
    return this.saver.recover(claimed, claimedBytes);
  }

  async tempPath(): Promise<string> {
    return path.join(this.folder, this.saver.newDownloadName());
  }

  commit(tempPath: string, onClaimed?: (name: string) => Promise<void>): Promise<string> {
    return this.saver.commit(path.basename(tempPath), onClaimed);
  }

  discard(tempPath: string): Promise<void> {
    return this.saver.discard(path.basename(tempPath));
  }
}

export class NodeFolderOps implements FolderOps {
  constructor(readonly where: string) {}

  async makeFolder(): Promise<void> {
    await fs.mkdir(this.where, { recursive: true });
  }

  createExclusive(name: string, bytes: Uint8Array): Promise<void> {
    return fs.writeFile(this.at(name), bytes, { flag: 'wx' });
  }

  rename(from: string, to: string): Promise<void> {
    return fs.rename(this.at(from), this.at(to));
  }

  list(): Promise<string[]> {
    return fs.readdir(this.where);
  }

  async size(name: string): Promise<number | undefined> {
    try {
      const stat = await fs.lstat(this.at(name));
      return stat.isFile() ? stat.size : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  read(name: string): Promise<Uint8Array> {
    return fs.readFile(this.at(name));
  }

  remove(name: string): Promise<void> {
    return fs.rm(this.at(name), { force: true });
  }

  async flush(name: string): Promise<void> {
    const handle = await fs.open(this.at(name), 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private at(name: string): string {
    return path.join(this.where, name);
  }
}
