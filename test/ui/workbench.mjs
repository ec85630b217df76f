// What the UI suites do in a workbench page: find Explorer rows, the form's frame, run a command.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, root, startCodeServer, VSIX } from '../../scripts/code-server.mjs';
import { Simulator } from '../../scripts/simulator.mjs';

/** Where screenshots go. */
export const artifacts = path.join(root, 'test-results');

/**
 * A simulator, a served workbench with the packaged .vsix and its settings pointed at the
 * simulator, and one browser page on the test workspace, once the Explorer shows it.
 */
export async function openWorkbench({ apiKey, generationMs, viewport = { width: 1400, height: 900 } }) {
  mkdirSync(artifacts, { recursive: true });
  const sim = await Simulator.start({ apiKey, generationMs });
  const server = await startCodeServer({
    vsix: VSIX,
    settings: { 'lumaVideo.apiBaseUrl': sim.apiBaseUrl, 'lumaVideo.assetBaseUrl': sim.assetBaseUrl },
  });
  const browser = await chromium.launch(CHROMIUM);
  const page = await browser.newPage({ viewport });
  await page.goto(server.workspaceUrl());
  await explorerRow(page, 'cat.png').waitFor({ timeout: 60_000 });
  return {
    sim,
    server,
    page,
    /** A screenshot of `page` named after the test, if it failed (for mocha's afterEach). */
    async screenshotIfFailed(test) {
      if (test?.state === 'failed') await page.screenshot({ path: path.join(artifacts, `failure-${test.title.replace(/\W+/g, '-')}.png`) });
    },
    async close() {
      await browser.close();
      await server.stop();
      await sim.stop();
    },
  };
}

export const exactly = (text) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

export const explorerRow = (page, name) => page.locator('.explorer-folders-view .monaco-list-row', { hasText: exactly(name) });

/** The visible form's document: a webview is two nested frames, and hidden editors keep theirs. */
export const formFrame = (page) => page.frameLocator('iframe.webview.ready:visible').frameLocator('#active-frame');

/**
 * Runs a command from the Command Palette by its title. An extension's commands join the list a
 * moment after the workbench shows, so it looks a few times.
 */
export async function runCommand(page, title, tries = 6) {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    try {
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 5000 });
      await page.keyboard.press('Enter');
      return;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (attempt >= tries) throw error;
    }
  }
}

/** Answers the masked key prompt, if it comes up within a few seconds. */
export async function enterKeyIfAsked(page, key) {
  const box = page.locator('.quick-input-widget input[type="password"]');
  try {
    await box.waitFor({ timeout: 5000 });
  } catch {
    return;
  }
  await box.fill(key);
  await box.press('Enter');
}

/**
 * The leases the extension holds in a served VS Code: which extension host process runs which
 * job. (The job store lives in the extension's global storage, shared by the workspace's windows.)
 */
export function leaseHolders(userData) {
  const root = path.join(userData, 'User', 'globalStorage', 'luma-video-tools.luma-image-to-video', 'jobs');
  const holders = [];
  for (const workspace of safeList(root)) {
    for (const name of safeList(path.join(root, workspace, 'leases')).filter((n) => n.endsWith('.lease'))) {
      try {
        holders.push({
          jobId: name.slice(0, -'.lease'.length),
          ...JSON.parse(readFileSync(path.join(root, workspace, 'leases', name), 'utf8')),
        });
      } catch {
        // being written or removed
      }
    }
  }
  return holders;
}

function safeList(folder) {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

export async function waitUntil(what, probe, timeoutMs = 30_000) {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
