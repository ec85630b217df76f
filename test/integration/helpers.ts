// Shared by the suites that run in the real extension host.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LumaVideoApi } from '../../src/extension';
import { Simulator } from '../simulator/simulator';

export const EXTENSION_ID = 'luma-video-tools.luma-image-to-video';

export function workspaceFile(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the fixture workspace open');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
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
    text +=
      type === vscode.FileType.Directory ? await readLogs(uri) : Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
  }
  return text;
}

/**
 * Loads `src` (a webview resource address) from inside a throw-away webview allowed to read only
 * `roots`, as VS Code serves a form's image or video: answers the HTTP status and the bytes read.
 */
export async function loadInWebview(src: string, roots: readonly vscode.Uri[]): Promise<{ status: number; bytes: number }> {
  const panel = vscode.window.createWebviewPanel(
    'lumaVideo.test.probe',
    'Resource probe',
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
    { enableScripts: true, localResourceRoots: roots },
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = new Promise<{ status: number; bytes: number }>((resolve) => panel.webview.onDidReceiveMessage(resolve));
    const nonce = randomBytes(12).toString('hex');
    const csp = `default-src 'none'; connect-src ${panel.webview.cspSource}; script-src 'nonce-${nonce}'`;
    panel.webview.html = `<!DOCTYPE html><html><head>
<meta http-equiv="Content-Security-Policy" content="${csp}">
</head><body><script nonce="${nonce}">
const vscode = acquireVsCodeApi();
fetch(${JSON.stringify(src)}).then(
  async (response) => vscode.postMessage({ status: response.status, bytes: response.ok ? (await response.arrayBuffer()).byteLength : 0 }),
  () => vscode.postMessage({ status: 0, bytes: 0 }));
</script></body></html>`;
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`the probe webview did not answer for ${src}`)), 30_000)),
    );
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
    panel.dispose();
  }
}

/**
 * What every in-host suite starts from: the extension active, a simulator of its own, the user
 * settings pointing at it and, when `key` is given, that key stored.
 */
export async function startSuite(apiKey: string, generationMs: number, key?: string): Promise<{ api: LumaVideoApi; sim: Simulator }> {
  const extension = vscode.extensions.getExtension<LumaVideoApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  const api = await extension.activate();
  const sim = await Simulator.start({ apiKey, generationMs });
  const config = vscode.workspace.getConfiguration('lumaVideo');
  await config.update('apiBaseUrl', sim.apiBaseUrl, vscode.ConfigurationTarget.Global);
  await config.update('assetBaseUrl', sim.assetBaseUrl, vscode.ConfigurationTarget.Global);
  if (key) await vscode.commands.executeCommand('lumaVideo.setApiKey', key);
  return { api, sim };
}

/**
 * The usual suite around startSuite: before it, the extension, a simulator and the key; before
 * each test, the simulator reset; after it, every editor closed and the simulator stopped.
 * Read `api` and `sim` from the returned object inside the tests.
 */
export function withSuite(apiKey: string, generationMs: number): { api: LumaVideoApi; sim: Simulator } {
  const suite = {} as { api: LumaVideoApi; sim: Simulator };
  before(async () => Object.assign(suite, await startSuite(apiKey, generationMs, apiKey)));
  beforeEach(() => suite.sim.reset());
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await suite.sim?.stop();
  });
  return suite;
}
