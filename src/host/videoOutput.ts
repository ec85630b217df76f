// Where a video is written, seen from VS Code: the folder (beside the image, or the
// outputFolder setting) and, for folders that are not on this machine's disk (remote or virtual
// workspaces), an output that goes through vscode.workspace.fs.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LocalFolderOutput, VideoOutput } from '../files/localOutput';
import { placeUnderFreeName, videoFileName } from '../files/naming';
import { LumaError } from '../onemin/errors';

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

/** `tag` (a job's id) names the temporary file, so a resumed job reuses its own. */
export function videoOutputFor(folder: vscode.Uri, imageFileName: string, tag?: string): VideoOutput {
  return folder.scheme === 'file' ? new LocalFolderOutput(folder.fsPath, imageFileName, tag) : new WorkspaceFsOutput(folder, imageFileName);
}

/**
 * For folders behind a file system provider: download to this machine's temp folder, write the
 * bytes under a hidden name in the target folder, then rename without overwrite to a free name.
 */
class WorkspaceFsOutput implements VideoOutput {
  constructor(private readonly folder: vscode.Uri, private readonly imageFileName: string) {}

  async prepare(): Promise<void> {
    const where = this.folder.toString(true);
    try {
      await vscode.workspace.fs.createDirectory(this.folder);
    } catch (error) {
      throw new LumaError('disk', `Cannot create the output folder ${where}. Choose another with the "lumaVideo.outputFolder" setting.`, { detail: String(error) });
    }
    const probe = vscode.Uri.joinPath(this.folder, `.luma-write-check-${randomBytes(4).toString('hex')}`);
    try {
      await vscode.workspace.fs.writeFile(probe, new Uint8Array());
    } catch (error) {
      throw new LumaError('disk', `Cannot save videos in ${where} (it is read-only or not writable). Choose another folder with the "lumaVideo.outputFolder" setting.`, { detail: String(error) });
    } finally {
      await vscode.workspace.fs.delete(probe).then(undefined, () => undefined);
    }
  }

  async recover(): Promise<string | undefined> {
    return undefined;
  }

  async tempPath(): Promise<string> {
    return path.join(os.tmpdir(), `luma-${randomBytes(6).toString('hex')}.mp4.part`);
  }

  async commit(tempPath: string): Promise<string> {
    const staged = vscode.Uri.joinPath(this.folder, `.${videoFileName(this.imageFileName, 1)}.${randomBytes(4).toString('hex')}.part`);
    try {
      await vscode.workspace.fs.writeFile(staged, await fs.readFile(tempPath));
      const name = await placeUnderFreeName(this.imageFileName, async (candidate) => {
        try {
          await vscode.workspace.fs.rename(staged, vscode.Uri.joinPath(this.folder, candidate), { overwrite: false });
          return 'placed';
        } catch (error) {
          if (error instanceof vscode.FileSystemError && error.code === 'FileExists') return 'exists';
          throw error;
        }
      });
      return name;
    } catch (error) {
      await vscode.workspace.fs.delete(staged).then(undefined, () => undefined);
      throw error instanceof LumaError ? error : new LumaError('disk', `Could not write the video into ${this.folder.toString(true)}. Choose another folder with "lumaVideo.outputFolder".`, { detail: String(error) });
    } finally {
      await fs.rm(tempPath, { force: true });
    }
  }

  async discard(tempPath: string): Promise<void> {
    await fs.rm(tempPath, { force: true });
  }
}
