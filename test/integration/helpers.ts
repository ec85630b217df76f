// Shared by the suites that run in the real extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'luma-video-tools.luma-image-to-video';

export function workspaceFile(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the fixture workspace open');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(() => true, () => false);
}

/** Polls until `probe` gives something truthy: tab and job changes reach the host asynchronously. */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every log file the extension wrote, as one text. */
export async function readLogs(folder: vscode.Uri): Promise<string> {
  let text = '';
  for (const [name, type] of await vscode.workspace.fs.readDirectory(folder).then(undefined, () => [] as [string, vscode.FileType][])) {
    const uri = vscode.Uri.joinPath(folder, name);
    text += type === vscode.FileType.Directory ? await readLogs(uri) : Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
  }
  return text;
}
