// Runs a suite inside a real VS Code extension host (code-server), opened by headless Chromium
// with the test payload; exits with the suite's result. By default the mocha suite in
// test/integration; `node scripts/run-integration.mjs out/test/bench/index.js` runs another, and
// `--locale es` starts VS Code in that display language (test/integration/spanish).
// The same suite runs under @vscode/test-electron where a desktop VS Code can be had
// (test/integration/runElectron.ts).
import path from 'node:path';
import { format, parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM, root, startCodeServer } from './code-server.mjs';

const timeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? 300_000);
// Workbench chatter that says nothing about our tests.
const NOISE = new RegExp(
  '^(\\[(AgentHost|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)|Resolv|Creating a socket|' +
    'Updating additional builtin|getaddrinfo|Timed out waiting for authentication provider)',
);

const { values: options, positionals } = parseArgs({ options: { locale: { type: 'string' } }, allowPositionals: true });
const suite = positionals[0];
const started = Date.now();
const server = await startCodeServer({ extensionTests: true, locale: options.locale });
if (!process.env.QUIET) console.log(`code-server up in ${server.startMs} ms at ${server.url}`);
const browser = await chromium.launch(CHROMIUM);
let code = 1;
try {
  const page = await browser.newPage();
  const finished = new Promise((resolve) => {
    void page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (process.env.VERBOSE || !NOISE.test(text)) (type === 'error' ? console.error : console.log)(text);
    });
    void page.exposeFunction('codeAutomationExit', (exitCode) => resolve(exitCode));
  });
  const remote = (p) => `vscode-remote://${server.authority}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(root)],
    ['extensionTestsPath', remote(path.resolve(root, suite ?? 'out/test/integration/index.js'))],
    ['skipWelcome', 'true'],
  ]);
  await page.goto(`${server.workspaceUrl()}&payload=${encodeURIComponent(payload)}`);
  code = await Promise.race([
    finished,
    new Promise((resolve) =>
      setTimeout(() => {
        console.error(`Integration tests timed out after ${timeoutMs} ms.`);
        resolve(124);
      }, timeoutMs),
    ),
  ]);
} catch (error) {
  console.error(error);
  code = 1;
} finally {
  await browser.close();
  if (code !== 0) console.error(server.output().split('\n').slice(-40).join('\n'));
  await server.stop();
}
if (!process.env.QUIET || code !== 0)
  console.log(
    `${suite ? path.basename(path.dirname(suite)) : 'integration'}: ` +
      `exit ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
process.exit(code);
