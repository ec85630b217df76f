// Where a video is written, seen from VS Code: the folder (beside the image, or the
// outputFolder setting) and, for folders that are not on this machine's disk (remote or virtual
// workspaces), an output that goes through vscode.workspace.fs.

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LocalFolderOutput } from '../files/localOutput';
import { newAttempt } from '../files/naming';
import { errorCode } from '../files/saveErrors';
import { FolderOps, VideoOutput, VideoSaver } from '../files/videoSave';

/** The folder the video of `imageUri` goes into, from the `outputFolder` setting. */
export function outputFolderFor(imageUri: vscode.Uri, outputFolder: string): vscode.Uri {
  const beside = vscode.Uri.joinPath(imageUri, '..');
  if (!outputFolder) return beside;
  if (path.isAbsolute(outputFolder) || /^[a-zA-Z]:[\\/]/.test(outputFolder)) {
    return imageUri.scheme === 'file' ? vscode.Uri.file(outputFolder) : imageUri.with({ path: outputFolder.replace(/\\/g, '/') });
  }
  const root = vscode.workspace.getWorkspaceFolder(imageUri)?.uri ?? beside;
  return vscode.Uri.joinPath(root, outputFolder);
}

/** `tag` is the job's id: it marks what the job leaves, so the job cleans it up when it runs again. */
export function videoOutputFor(folder: vscode.Uri, imageFileName: string, tag?: string): VideoOutput {
  return folder.scheme === 'file'
    ? new LocalFolderOutput(folder.fsPath, imageFileName, tag)
    : new WorkspaceFsOutput(folder, imageFileName, tag);
}

/**
 * For folders behind a file system provider (remote and virtual workspaces): the download lands
 * in this machine's temp folder, is written under a hidden name in the target folder, and from
 * there VideoSaver does what it does on a local disk.
 */
export class WorkspaceFsOutput implements VideoOutput {
  private readonly ops: WorkspaceFolderOps;
  private readonly saver: VideoSaver;

  constructor(folder: vscode.Uri, imageFileName: string, tag: string = newAttempt()) {
    this.ops = new WorkspaceFolderOps(folder);
    this.saver = new VideoSaver(this.ops, imageFileName, tag);
  }

  prepare(): Promise<void> {
    return this.saver.prepare();
  }

  async recover(claimed: string | undefined, claimedBytes?: number): Promise<string | undefined> {
    const prefix = this.localPrefix();
    const local = await fs.readdir(os.tmpdir()).catch(() => [] as string[]);
    await Promise.all(local.filter((name) => name.startsWith(prefix)).map((name) => fs.rm(path.join(os.tmpdir(), name), { force: true })));
    return this.saver.recover(claimed, claimedBytes);
  }

  async tempPath(): Promise<string> {
    return path.join(os.tmpdir(), `${this.localPrefix()}${newAttempt()}.mp4.part`);
  }

  async commit(tempPath: string, onClaimed?: (name: string) => Promise<void>): Promise<string> {
    const staged = this.saver.newDownloadName();
    try {
      await this.ops.write(staged, await fs.readFile(tempPath));
    } catch (error) {
      await this.saver.discard(staged).catch(() => undefined);
      throw this.saver.saveFailure(withCode(error));
    } finally {
      await fs.rm(tempPath, { force: true });
    }
    return this.saver.commit(staged, onClaimed);
  }

  async discard(tempPath: string): Promise<void> {
    await fs.rm(tempPath, { force: true });
  }

  /** This job's downloads in this machine's temp folder, so recover() finds those a crash left. */
  private localPrefix(): string {
    return `luma-${this.saver.names.token}-`;
  }
}

/** FolderOps over vscode.workspace.fs, its errors given Node's codes. */
class WorkspaceFolderOps implements FolderOps {
  constructor(private readonly folder: vscode.Uri) {}

  get where(): string {
    return this.folder.toString(true);
  }

  makeFolder(): Promise<void> {
    return coded(vscode.workspace.fs.createDirectory(this.folder));
  }

  /**
   * vscode.workspace.fs has no exclusive create (its writeFile takes no flags, and its checks for
   * an existing name are separate calls): check, write, then read back, so that of two writers
   * racing for one name, the one whose bytes are not there moves on to the next.
   */
  async createExclusive(name: string, bytes: Uint8Array): Promise<void> {
    const exists = () => Object.assign(new Error(`${name} exists`), { code: 'EEXIST' });
    if ((await this.size(name)) !== undefined) throw exists();
    await this.write(name, bytes);
    if (!Buffer.from(await this.read(name)).equals(bytes)) throw exists();
  }

  write(name: string, bytes: Uint8Array): Promise<void> {
    return coded(vscode.workspace.fs.writeFile(this.at(name), bytes));
  }

  rename(from: string, to: string): Promise<void> {
    return coded(vscode.workspace.fs.rename(this.at(from), this.at(to), { overwrite: true }));
  }

  async list(): Promise<string[]> {
    return (await coded(vscode.workspace.fs.readDirectory(this.folder))).map(([name]) => name);
  }

  async size(name: string): Promise<number | undefined> {
    try {
      const stat = await coded(vscode.workspace.fs.stat(this.at(name)));
      return stat.type & vscode.FileType.File ? stat.size : undefined;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw error;
    }
  }

  read(name: string): Promise<Uint8Array> {
    return coded(vscode.workspace.fs.readFile(this.at(name)));
  }

  async remove(name: string): Promise<void> {
    try {
      await coded(vscode.workspace.fs.delete(this.at(name), { useTrash: false }));
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }

  async flush(): Promise<void> {
    // Nothing to do: the provider has written the file when writeFile returns, and
    // vscode.workspace.fs offers no sync.
  }

  private at(name: string): vscode.Uri {
    return vscode.Uri.joinPath(this.folder, name);
  }
}

const FILE_SYSTEM_CODES: Record<string, string> = {
  FileExists: 'EEXIST',
  FileNotFound: 'ENOENT',
  FileNotADirectory: 'ENOTDIR',
  FileIsADirectory: 'EISDIR',
  NoPermissions: 'EACCES',
  Unavailable: 'EAGAIN',
};

async function coded<T>(operation: Thenable<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw withCode(error);
  }
}

/**
 * A vscode.FileSystemError with the Node code VideoSaver understands: from its own code, else from
 * its message (a remote disk's error keeps the system's, "ENAMETOOLONG: name too long"), else EIO.
 * Other errors (reading the local download) already carry one.
 */
function withCode(error: unknown): unknown {
  if (!(error instanceof vscode.FileSystemError)) return error;
  const code = FILE_SYSTEM_CODES[error.code] ?? /\b(E[A-Z]{2,})\b/.exec(error.message)?.[1] ?? 'EIO';
  return Object.assign(new Error(error.message, { cause: error }), { code });
}
