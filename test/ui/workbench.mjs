// What the UI suites do in a workbench page: find Explorer rows, the form's frame, run a command.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, root, startCodeServer, VSIX } from '../../scripts/code-server.mjs';
import { Simulator } from '../../scripts/simulator.mjs';

/** Where screenshots and other artifacts of a run go. */
export const artifacts = path.join(root, 'test-results');
/**
 * UPDATE_SCREENSHOTS=1 refreshes the README's pictures in docs/images (then `npm run images` makes the
 * compressed copies the README shows); otherwise they go with the artifacts.
 */
export const docsImages = process.env.UPDATE_SCREENSHOTS ? path.join(root, 'docs/images') : artifacts;

export function makeScreenshotFolders() {
  mkdirSync(artifacts, { recursive: true });
  mkdirSync(docsImages, { recursive: true });
}

/**
 * The simulator (with `key` and `generationMs`), a served workbench with the packaged extension
 * pointed at it (plus `settings`), and a browser page (of `viewport`) open on its workspace; `stop()` ends them.
 */
export async function startWorkbench({
  key,
  generationMs,
  settings = {},
  viewport = { width: 1400, height: 900 },
  locale,
  simulator = {},
}) {
  makeScreenshotFolders();
  const parts = {};
  const stop = async () => {
    await parts.browser?.close();
    await parts.server?.stop();
    await parts.sim?.stop();
  };
  try {
    parts.sim = await Simulator.start({ apiKey: key, generationMs, ...simulator });
    parts.server = await startCodeServer({
      vsix: VSIX,
      settings: { 'lumaVideo.apiBaseUrl': parts.sim.apiBaseUrl, 'lumaVideo.assetBaseUrl': parts.sim.assetBaseUrl, ...settings },
      locale,
    });
    parts.browser = await chromium.launch(CHROMIUM);
    parts.page = await parts.browser.newPage({ viewport });
    await parts.page.goto(parts.server.workspaceUrl());
    // Ready for a test once the Explorer lists the workspace.
    await explorerRow(parts.page, 'cat.png').waitFor({ timeout: 60_000 });
    return { ...parts, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** In an afterEach: a screenshot of `page` when the test (mocha's `this.currentTest`) failed. */
export async function screenshotIfFailed(page, test) {
  if (test?.state === 'failed') await page?.screenshot({ path: path.join(artifacts, `failure-${test.title.replace(/\W+/g, '-')}.png`) });
}

export const exactly = (text) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

export const explorerRow = (page, name) => page.locator('.explorer-folders-view .monaco-list-row', { hasText: exactly(name) });

/**
 * Selects these files in the Explorer as a person does (a click, then Ctrl+click, Cmd on macOS) and
 * waits until all of them show as selected: under load a click can land while the first file opens
 * in a preview and be lost, so a short selection is tried again.
 */
export async function selectInExplorer(page, names, tries = 3) {
  const modifier = process.platform === 'darwin' ? 'Meta' : 'Control';
  for (let attempt = 1; ; attempt++) {
    await explorerRow(page, names[0]).click();
    for (const name of names.slice(1)) await explorerRow(page, name).click({ modifiers: [modifier] });
    const selected = async () => {
      const rows = await Promise.all(names.map((name) => explorerRow(page, name).getAttribute('aria-selected')));
      return rows.every((value) => value === 'true');
    };
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && !(await selected())) await page.waitForTimeout(100);
    if (await selected()) return;
    if (attempt >= tries) throw new Error(`the Explorer did not select ${names.join(', ')}`);
  }
}

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

/** The visible form's document as a playwright Frame, to evaluate script in (e.g. an audit). */
export async function formDocument(page) {
  const outer = await page.locator('iframe.webview.ready:visible').elementHandle({ timeout: 30_000 });
  const inner = await (await outer.contentFrame()).locator('#active-frame').elementHandle({ timeout: 30_000 });
  return inner.contentFrame();
}

/**
 * Opens the form of `image` from the Command Palette's Quick Pick of the workspace's images;
 * `command` is the command's title as the palette lists it (in the workbench's language).
 */
export async function openFormFromPalette(page, image, command = 'Luma: Generate Video from Image') {
  await runCommand(page, command);
  // The Quick Pick is titled as the palette lists the command (src/shared/uiNames.ts).
  await page.locator('.quick-input-widget .quick-input-title', { hasText: command }).waitFor({ timeout: 15_000 });
  await page.locator('.quick-input-widget').getByText(image, { exact: true }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.type(image.split('.')[0]);
  await page.keyboard.press('Enter');
  await page.locator('.tab', { hasText: `Luma: ${image}` }).waitFor();
  await formFrame(page).getByLabel('Prompt', { exact: true }).waitFor({ timeout: 30_000 });
}

const generateItem = (page) => page.getByRole('menuitem', { name: /Generate Video from Image/ });

/**
 * Right-clicks `name` in the Explorer and says whether the menu offers our item, leaving the
 * menu open. Contributed items show up a moment after the Explorer, so it asks `tries` times.
 */
export async function contextMenuOffersItem(page, name, tries) {
  const row = explorerRow(page, name);
  await row.waitFor({ timeout: 60_000 });
  for (let attempt = 1; ; attempt++) {
    await row.click({ button: 'right' });
    await page.locator('.monaco-menu').first().waitFor();
    try {
      await generateItem(page).waitFor({ timeout: 2500 });
      return true;
    } catch {
      if (attempt >= tries) return false;
      await page.keyboard.press('Escape');
    }
  }
}

/** A click right after the menu opens is sometimes swallowed: hover, click, retry until it closes. */
export async function chooseMenuItem(page) {
  for (let attempt = 0; ; attempt++) {
    await generateItem(page).hover();
    await generateItem(page).click();
    try {
      await page.locator('.monaco-menu').first().waitFor({ state: 'detached', timeout: 2000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
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
