// What a new user sees of the extension before using it, in a real workbench with the packaged
// .vsix installed: its page in the Extensions view (icon, README, categories), the Generations
// view in the Explorer, and its settings.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, root, startCodeServer, VSIX } from '../../scripts/code-server.mjs';
import { runCommand, screenshotIfFailed } from './workbench.mjs';

const artifacts = path.join(root, 'test-results');

describe('UI: the listing a new user meets', function () {
  let server, browser, page;

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await startCodeServer({ vsix: VSIX });
    browser = await chromium.launch(CHROMIUM);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.workspaceUrl());
    await page.locator('.explorer-folders-view').waitFor({ timeout: 60_000 });
  });

  afterEach(async function () {
    await screenshotIfFailed(page, this.currentTest);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the Generations view waits collapsed in the Explorer, and Luma: Show Generations opens it', async () => {
    const header = page.locator('.pane-header', { hasText: 'Luma Generations' });
    await header.waitFor({ timeout: 30_000 });
    assert.equal(await header.getAttribute('aria-expanded'), 'false');
    await runCommand(page, 'Luma: Show Generations');
    await page.locator('.pane-header[aria-expanded="true"]', { hasText: 'Luma Generations' }).waitFor({ timeout: 15_000 });
  });

  it("the extension's page: its icon, its categories, and a README that renders whole, for users", async () => {
    await runCommand(page, 'Extensions: Show Installed Extensions');
    const row = page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'Luma Image to Video' }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    const editor = page.locator('.extension-editor');
    await editor.locator('.header .name', { hasText: 'Luma Image to Video' }).waitFor({ timeout: 30_000 });
    const icon = editor.locator('.header img.icon');
    await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await icon.elementHandle());
    assert.equal(await icon.evaluate((img) => img.naturalWidth), 256);
    for (const category of ['AI', 'Visualization']) {
      await editor.locator('.categories-container .category', { hasText: category }).waitFor({ timeout: 15_000 });
    }

    const readme = page.frameLocator('iframe.webview.ready:visible').frameLocator('#active-frame');
    await readme.locator('h2', { hasText: 'Install' }).waitFor({ timeout: 30_000 });
    const headings = await readme.locator('h1, h2').allTextContents();
    assert.deepEqual(
      headings.slice(0, 4).map((h) => h.trim()),
      ['Luma Image to Video', 'Install', 'Getting a 1min.ai API key', 'Use'],
    );
    const body = await readme.locator('body').innerText();
    assert.match(body, /Right-click an image in VS Code/);
    assert.doesNotMatch(body, /npm run demo|CONTRIBUTING/);
    // No broken picture: every image there has loaded (the view keeps only https ones).
    const broken = await readme
      .locator('img')
      .evaluateAll((imgs) => imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.alt));
    assert.deepEqual(broken, []);
    await page.screenshot({ path: path.join(artifacts, 'extension-page.png') });
  });

  it('the settings come in two groups: the service, then what the form starts with', async () => {
    await runCommand(page, 'Preferences: Open Settings (UI)');
    const search = page.locator('.settings-editor .search-container .monaco-editor').first();
    await search.waitFor({ timeout: 30_000 });
    await search.click();
    await page.keyboard.type('@ext:luma-video-tools.luma-image-to-video');
    // The table of contents beside the list: the extension, then its two groups in their order.
    const toc = page.locator('.settings-editor .settings-toc-container .monaco-list-row');
    await toc.filter({ hasText: 'Form Defaults' }).waitFor({ timeout: 30_000 });
    const entries = (await toc.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.deepEqual(entries.slice(-2), ['Service (8)', 'Form Defaults (6)']);
    const labels = await page.locator('.settings-editor .setting-item-label').allTextContents();
    assert.equal(labels[0], 'Api Base Url');
    await page.screenshot({ path: path.join(artifacts, 'settings.png') });
  });
});
