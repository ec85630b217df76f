// A throw-away real VS Code (code-server: the VS Code server and web workbench, on Node 24) on a
// free loopback port, with its own user data, extensions, temp and XDG folders, for the
// integration tests, the UI tests and the demo. Installed by scripts/setup-real-vscode.sh.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { installLanguagePack } from './language-pack.mjs';

export const root = path.resolve(import.meta.dirname, '..');
/** What `npm run package` writes. */
export const VSIX = path.join(root, 'luma-image-to-video.vsix');
const cache = path.join(root, '.vscode-test');
const CODE_SERVER = process.env.CODE_SERVER_BIN ?? path.join(cache, 'code-server/node_modules/.bin/code-server');
const NODE24_BIN = process.env.NODE24_BIN ?? path.join(cache, 'node24/bin');

/** A quiet workbench: no welcome page, no AI, no telemetry, no update checks, no git. */
const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.reduceMotion': 'on',
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
};

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server. The test workspace is copied into the run folder (tests may write there);
 * `vsix` is installed first; `extensionTests` enables the smoke-test driver that runs a suite
 * from ?payload= (it also hides notification toasts, so UI tests leave it off). `locale` ("es")
 * starts it in that display language (scripts/language-pack.mjs).
 */
export async function startCodeServer({ vsix, extensionTests = false, settings = {}, port, locale } = {}) {
  mkdirSync(cache, { recursive: true });
  const runDir = mkdtempSync(path.join(cache, 'run-'));
  const workspace = path.join(runDir, 'workspace');
  cpSync(path.join(root, 'test/fixtures/workspace'), workspace, { recursive: true });
  const userData = path.join(runDir, 'user-data');
  const extensions = path.join(runDir, 'extensions');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  const allSettings = { ...BASE_SETTINGS, ...settings };
  // The user's settings only, never the remote machine's (Machine/settings.json): the extension's
  // addresses are application-scoped, so a run that reaches the simulator shows that user
  // settings reach the served (remote) window. (A value for them in Machine/ would also turn the
  // tests' user-level config.update() into a write there, where it is ignored.)
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(allSettings, null, 1));
  const env = {
    ...process.env,
    PATH: `${NODE24_BIN}:${process.env.PATH}`,
    TMPDIR: runDir,
    XDG_CONFIG_HOME: path.join(runDir, 'config'),
    XDG_DATA_HOME: path.join(runDir, 'data'),
    XDG_CACHE_HOME: path.join(runDir, 'cache'),
  };
  const dirs = ['--user-data-dir', userData, '--extensions-dir', extensions];
  if (vsix) execFileSync(CODE_SERVER, ['--install-extension', vsix, ...dirs], { env, stdio: 'pipe' });
  const inLanguage = locale && locale !== 'en';
  if (inLanguage) await installLanguagePack({ codeServer: CODE_SERVER, env, language: locale, userData, extensions, cache });
  const listenPort = port ?? (await freePort());
  const started = Date.now();
  const child = spawn(
    CODE_SERVER,
    [
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${listenPort}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...(extensionTests ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      ...(inLanguage ? ['--locale', locale] : []),
      ...dirs,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  const collect = (chunk) => {
    output += chunk;
    if (process.env.CS_VERBOSE) process.stderr.write(`[code-server] ${chunk}`);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const url = `http://127.0.0.1:${listenPort}/`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited early:\n${output}`);
    try {
      if ((await fetch(`${url}healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 30_000) throw new Error(`code-server did not start in 30 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    authority: `127.0.0.1:${listenPort}`,
    workspace,
    userData,
    startMs: Date.now() - started,
    output: () => output,
    /** Opens the workspace in the browser workbench. */
    workspaceUrl: () => `${url}?folder=${encodeURIComponent(workspace)}`,
    async stop() {
      try {
        process.kill(-child.pid, 'SIGTERM'); // its own process group: server and extension host
      } catch {
        // already gone
      }
      await new Promise((resolve) => {
        if (child.exitCode !== null) resolve();
        else {
          child.once('exit', resolve);
          setTimeout(resolve, 5000);
        }
      });
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      if (!process.env.KEEP_TMP) rmSync(runDir, { recursive: true, force: true });
    },
  };
}

const chromiumHome = path.join(cache, 'chromium-home');
/** Launch options for Debian's Chromium, quiet and offline. */
export const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: !process.env.HEADED,
  env: { ...process.env, XDG_CONFIG_HOME: path.join(chromiumHome, 'config'), XDG_CACHE_HOME: path.join(chromiumHome, 'cache') },
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    '--autoplay-policy=no-user-gesture-required',
  ],
};
